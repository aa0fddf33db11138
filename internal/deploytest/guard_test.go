package deploytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
)

// AWS Control Tower's proactive controls, as cfn-guard rules, on the template after
// the SAM transform, for two parameter profiles. The rules have no suppressions: a
// control may fail only where accepted below, and the reason goes into
// docs/compliance.md (its table is rendered from these results: go test
// ./internal/deploytest -run Guard -update-docs rewrites it).

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated tables in docs/")

// guardPackage is where make tools (scripts/tools.sh) installs
// @cdklabs/cdk-validator-cfnguard (npm): in the user's cache, not in the repository,
// whose whole tree `sam build` copies (CodeUri: .). CFN_GUARD_PACKAGE points elsewhere.
const guardPackage = "whatsapp-health/cfnguard/node_modules/@cdklabs/cdk-validator-cfnguard"

// guardVersion is the package make tools (scripts/tools.sh) installs; the table in
// docs/compliance.md names it.
const guardVersion = "0.0.62"

// accepted is every control allowed to fail, per profile, with the resource types it
// may fail on and why: a new resource of an accepted type (a new function's alarm, log
// group) is accepted with it. Anything else failing fails the test; an accepted
// failure that no longer happens does too (the list must stay exact).
var accepted = map[string]map[string]struct {
	types []string
	why   string
	// only, when set, narrows the acceptance to resources whose properties it accepts.
	only func(props map[string]any) bool
}{
	"defaults": {
		"CT.APIGATEWAY.PR.1": {[]string{"AWS::ApiGateway::Stage"},
			"operator resource: execution logging needs the account's API Gateway log role (EnableExecutionLogging=true, CreateApiGatewayAccountRole=true once per region)", nil},
		"CT.CLOUDWATCH.PR.1": {[]string{"AWS::CloudWatch::Alarm"},
			"operator resource: alarms need the operator's SNS topic (AlarmTopicArn)", nil},
		"CT.CLOUDWATCH.PR.3": {[]string{"AWS::Logs::LogGroup"},
			"operator resource: encryption needs the operator's KMS key (KmsKeyArn)", nil},
		"CT.LAMBDA.PR.3": {[]string{"AWS::Lambda::Function"},
			"operator resource: a VPC needs the operator's subnets and security groups (SubnetIds, SecurityGroupIds)", nil},
	},
	"all-on": {
		"CT.APIGATEWAY.PR.5": {[]string{"AWS::ApiGatewayV2::Route"},
			"public by design: a health URL anyone (a load balancer, a status page) can read", nil},
		"CT.LAMBDA.PR.2": {[]string{"AWS::Lambda::Permission"},
			"public by design: the optional public Function URL (EnableFunctionUrl)", functionURLPermission},
		"CT.LAMBDA.PR.5": {[]string{"AWS::Lambda::Url"},
			"public by design: the optional public Function URL has AuthType NONE", nil},
	},
}

// functionURLPermission: a public permission that only a Function URL can use.
func functionURLPermission(p map[string]any) bool {
	return p["FunctionUrlAuthType"] == "NONE" || p["InvokedViaFunctionUrl"] == true
}

type guardResult struct {
	status    string   // PASS, FAIL, SKIP (no resource the rule applies to)
	resources []string // failing resources
	types     []string // their types
	title     string
}

func findGuard(t *testing.T) (bin, rules string) {
	t.Helper()
	pkg := os.Getenv("CFN_GUARD_PACKAGE")
	if pkg == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Skipf("no cache directory (%v): Control Tower controls not checked", err)
		}
		pkg = filepath.Join(cache, guardPackage)
	}
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	osDir := map[string]string{"linux": "ubuntu", "darwin": "macos"}[runtime.GOOS]
	bin = filepath.Join(pkg, "bin", osDir, arch, "cfn-guard")
	rules = filepath.Join(pkg, "rules", "control-tower", "cfn-guard")
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("cfn-guard not installed (%v): Control Tower controls not checked; make tools installs it "+
			"(@cdklabs/cdk-validator-cfnguard@%s into ~/.cache/whatsapp-health/cfnguard)", err, guardVersion)
	}
	return bin, rules
}

// samTransformScript is what `sam deploy` asks CloudFormation to do with the
// template: aws-sam-translator's transform for the given parameters, with CodeUri
// set to the S3 location `sam package` would write, and a managed-policy loader that
// knows no policies (the template uses none). It prints the transformed template.
const samTransformScript = `
import json, os, sys
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
try:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:
    print("SKIP: aws-sam-translator not installed:", e)
    sys.exit(3)

class NoManagedPolicies:
    def load(self):
        return {}

with open(sys.argv[1]) as f:
    template = yaml_parse(f.read())
for resource in template.get("Resources", {}).values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/health.zip"
print(json.dumps(transform(template, json.loads(sys.argv[2]), NoManagedPolicies())))
`

var (
	controlRe  = regexp.MustCompile(`\[(CT\.[A-Z0-9-]+\.PR\.[0-9]+)\]:\s*([^\n\\]+)`)
	resourceRe = regexp.MustCompile(`/Resources/([A-Za-z0-9]+)`)
	typeRe     = regexp.MustCompile(`["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']`)
)

// runGuard runs every rule file on one template; results keyed by control id.
func runGuard(t *testing.T, bin, rules string, tpl map[string]any) map[string]guardResult {
	t.Helper()
	data := filepath.Join(t.TempDir(), "template.json")
	js, _ := json.Marshal(tpl)
	if err := os.WriteFile(data, js, 0o600); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(rules, "*", "*.guard"))
	if len(files) < 100 {
		t.Fatalf("%d rule files under %s: not the Control Tower rules", len(files), rules)
	}
	types := map[string]bool{}
	for _, r := range tpl["Resources"].(map[string]any) {
		types[r.(map[string]any)["Type"].(string)] = true
	}
	results := map[string]guardResult{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := controlRe.FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s names no control", f)
		}
		id := string(m[1])
		// A rule whose resource types are all absent skips: no need to run it.
		applies := false
		for _, typ := range typeRe.FindAllSubmatch(src, -1) {
			applies = applies || types[string(typ[1])]
		}
		if !applies {
			if _, ok := results[id]; !ok {
				results[id] = guardResult{status: "SKIP", title: strings.TrimSpace(string(m[2]))}
			}
			continue
		}
		cmd := exec.CommandContext(t.Context(), bin, "validate", "-r", f, "-d", data, "-o", "json", "-S", "none")
		out, err := cmd.Output()
		// cfn-guard exits 19 when a rule fails, 0 when all pass or skip.
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 19) {
			t.Fatalf("cfn-guard on %s: %v\n%s", f, err, out)
		}
		var res struct {
			Status       string            `json:"status"`
			NotCompliant []json.RawMessage `json:"not_compliant"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("cfn-guard output for %s: %v\n%s", f, err, out)
		}
		r := guardResult{status: res.Status, title: strings.TrimSpace(string(m[2]))}
		for _, nc := range res.NotCompliant {
			for _, rm := range resourceRe.FindAllSubmatch(nc, -1) {
				if name := string(rm[1]); !slices.Contains(r.resources, name) {
					r.resources = append(r.resources, name)
				}
			}
		}
		slices.Sort(r.resources)
		for _, name := range r.resources {
			typ := cfn.Text(cfn.AsMap(cfn.AsMap(tpl["Resources"])[name])["Type"])
			if !slices.Contains(r.types, typ) {
				r.types = append(r.types, typ)
			}
		}
		slices.Sort(r.types)
		if prev, ok := results[id]; ok && prev.status == "FAIL" {
			continue // one control, several files: keep a failure
		}
		results[id] = r
	}
	return results
}

func TestControlTowerGuard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the SAM transform and cfn-guard; skipped with -short")
	}
	bin, rules := findGuard(t)
	all := map[string]map[string]guardResult{}
	for _, p := range profiles {
		tpl := transformed(t, p.params)
		results := runGuard(t, bin, rules, tpl)
		all[p.name] = results
		for id, r := range results {
			acc, ok := accepted[p.name][id]
			switch {
			case r.status == "FAIL" && !ok:
				t.Errorf("%s: %s fails on %v: %s", p.name, id, r.resources, r.title)
			case r.status == "FAIL" && !slices.Equal(r.types, acc.types):
				t.Errorf("%s: %s fails on %v (%v), accepted only on %v", p.name, id, r.resources, r.types, acc.types)
			case r.status != "FAIL" && ok:
				t.Errorf("%s: %s is %s but listed as an accepted failure: drop it from the list", p.name, id, r.status)
			case r.status == "FAIL" && acc.only != nil:
				for _, name := range r.resources {
					if !acc.only(props(cfn.AsMap(cfn.AsMap(tpl["Resources"])[name]))) {
						t.Errorf("%s: %s fails on %s, which is not what the acceptance covers (%s)", p.name, id, name, acc.why)
					}
				}
			}
		}
		for id := range accepted[p.name] {
			if _, ok := results[id]; !ok {
				t.Errorf("%s: accepted control %s is not among the rules", p.name, id)
			}
		}
	}
	// Defaults fail only controls that are public by design or need the operator's own
	// resources; everything on, only public-by-design ones.
	for id, acc := range accepted["defaults"] {
		if !strings.HasPrefix(acc.why, "public by design") && !strings.HasPrefix(acc.why, "operator resource") {
			t.Errorf("defaults: %s accepted for %q: neither public by design nor an operator resource", id, acc.why)
		}
	}
	for id, acc := range accepted["all-on"] {
		if !strings.HasPrefix(acc.why, "public by design") {
			t.Errorf("all-on: %s accepted for %q: only public-by-design failures are acceptable there", id, acc.why)
		}
	}
	checkDocTable(t, "docs/compliance.md", "guard", renderGuardTable(all))
}

func renderGuardTable(all map[string]map[string]guardResult) string {
	var ids []string
	for id := range all["defaults"] {
		if all["defaults"][id].status != "SKIP" || all["all-on"][id].status != "SKIP" {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(a, b) })
	var b strings.Builder
	fmt.Fprintf(&b, "| Control | What it requires | Defaults | All on | Why |\n|---|---|---|---|---|\n")
	cell := func(profile, id string) string {
		r := all[profile][id]
		switch r.status {
		case "FAIL":
			return "accepted (" + strings.Join(r.types, ", ") + ")"
		case "SKIP":
			return "n/a"
		}
		return "pass"
	}
	for _, id := range ids {
		title := all["defaults"][id].title
		if title == "" {
			title = all["all-on"][id].title
		}
		why := []string{}
		for _, p := range []string{"defaults", "all-on"} {
			if a, ok := accepted[p][id]; ok {
				why = append(why, p+": "+a.why)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", id, title, cell("defaults", id), cell("all-on", id), strings.Join(why, "; "))
	}
	return b.String()
}

// checkDocTable compares a generated block of a doc, between <!-- begin NAME --> and
// <!-- end NAME -->, with want; -update-docs rewrites it.
func checkDocTable(t *testing.T, doc, name, want string) {
	t.Helper()
	path := filepath.Join(root, doc)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	begin, end := "<!-- begin "+name+" -->\n", "<!-- end "+name+" -->"
	i, j := bytes.Index(src, []byte(begin)), bytes.Index(src, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q block", doc, begin, end)
	}
	got := string(src[i+len(begin) : j])
	if got == want {
		return
	}
	if *updateDocs {
		out := append(append(append([]byte{}, src[:i+len(begin)]...), want...), src[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s table rewritten", doc, name)
		return
	}
	t.Errorf("%s: the %s table is out of date (go test ./internal/deploytest -update-docs):\n--- in the doc\n%s--- computed\n%s", doc, name, got, want)
}

// samTranslate runs samTransformScript on template.yaml with params. Without python3
// or aws-sam-translator it says what is missing in skip.
func samTranslate(params map[string]string) (tpl map[string]any, skip string, err error) {
	const unchecked = "the SAM transform and Control Tower's controls not checked"
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, "python3 not found: " + unchecked, nil
	}
	js, _ := json.Marshal(params)
	cmd := exec.Command(py, "-c", samTransformScript, "template.yaml", string(js))
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 3 {
		return nil, strings.TrimSpace(string(out)) + ": " + unchecked + " (make tools installs aws-sam-translator)", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("SAM transform of template.yaml: %v\n%s", err, stderr.Bytes())
	}
	if err := json.Unmarshal(out, &tpl); err != nil {
		return nil, "", fmt.Errorf("transform output: %v\n%s", err, out)
	}
	return tpl, "", nil
}
