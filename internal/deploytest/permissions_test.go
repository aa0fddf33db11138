package deploytest

import (
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
)

// Properties of the invoke permissions and VPC Lattice target groups, over every
// resource of their type in each profile's template after the SAM transform.

// Every Lambda permission says who may invoke through what: an AWS service only from a
// named source of this account, and "*" only through the Function URL (its public
// permissions, accepted as public by design in docs/compliance.md).
func TestLambdaPermissionsNameTheirSource(t *testing.T) {
	for _, p := range profiles {
		tpl := transformed(t, p.params)
		perms := resources(tpl, "AWS::Lambda::Permission")
		if len(perms) == 0 {
			t.Fatalf("%s: no Lambda permission at all", p.name)
		}
		for name, r := range perms {
			pr := props(r)
			principal, source := cfn.Text(pr["Principal"]), cfn.Text(pr["SourceArn"])
			switch {
			case principal == "*":
				if pr["FunctionUrlAuthType"] == nil && pr["InvokedViaFunctionUrl"] == nil {
					t.Errorf("%s: %s grants * beyond the Function URL: %v", p.name, name, pr)
				}
			case !strings.HasSuffix(principal, ".amazonaws.com"):
				t.Errorf("%s: %s grants %q, not an AWS service", p.name, name, principal)
			case source == "":
				t.Errorf("%s: %s lets %s invoke from any source", p.name, name, principal)
			case !strings.Contains(source, ":123456789012:") && cfn.Text(pr["SourceAccount"]) != "123456789012":
				// A resource of this stack is in this account only if SourceAccount
				// says so or the ARN carries it.
				t.Errorf("%s: %s: source %q is not bound to this account", p.name, name, source)
			}
		}
	}
}

// A VPC Lattice target group, when there is one, is of type LAMBDA with event
// structure V2 (the one whose identity the function reads), targets one function of
// this stack, which lets VPC Lattice invoke it through that target group only. There
// is none unless EnableVpcLattice is on.
func TestVpcLatticeTargetGroups(t *testing.T) {
	for _, p := range profiles {
		tpl := transformed(t, p.params)
		groups := resources(tpl, "AWS::VpcLattice::TargetGroup")
		if on := p.params["EnableVpcLattice"] == "true"; on != (len(groups) > 0) {
			t.Errorf("%s: EnableVpcLattice %v, %d target groups", p.name, on, len(groups))
		}
		functions := resources(tpl, functionTypes...)
		perms := resources(tpl, "AWS::Lambda::Permission")
		for name, g := range groups {
			pr := props(g)
			if cfn.Text(pr["Type"]) != "LAMBDA" || cfn.Text(cfn.AsMap(pr["Config"])["LambdaEventStructureVersion"]) != "V2" {
				t.Errorf("%s: %s is not a LAMBDA target group of event structure V2: %v", p.name, name, pr)
			}
			targets, _ := pr["Targets"].([]any)
			if len(targets) != 1 {
				t.Errorf("%s: %s has %d targets, want one function", p.name, name, len(targets))
			}
			for _, tg := range targets {
				fn := refTo(cfn.AsMap(tg)["Id"])
				if _, ok := functions[fn]; !ok {
					t.Errorf("%s: %s targets %v, not a function of this stack", p.name, name, cfn.AsMap(tg)["Id"])
					continue
				}
				granted := false
				for _, perm := range perms {
					pp := props(perm)
					granted = granted || cfn.Text(pp["Principal"]) == "vpc-lattice.amazonaws.com" &&
						refTo(pp["SourceArn"]) == name && refTo(pp["FunctionName"]) == fn &&
						cfn.Text(pp["Action"]) == "lambda:InvokeFunction"
				}
				if !granted {
					t.Errorf("%s: no permission lets VPC Lattice invoke %s through %s only", p.name, fn, name)
				}
			}
		}
		for name, perm := range perms {
			pp := props(perm)
			if cfn.Text(pp["Principal"]) != "vpc-lattice.amazonaws.com" {
				continue
			}
			if groups[refTo(pp["SourceArn"])] == nil {
				t.Errorf("%s: %s lets VPC Lattice invoke through %v, not a target group of this stack", p.name, name, pp["SourceArn"])
			}
		}
	}
}
