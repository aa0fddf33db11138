package deploytest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/testutil/recipe"
)

// Template tests assert what must hold for any set of functions and resources, over
// every resource of a type, for parameter profiles: a new function or resource breaks
// one only when it breaks the property.

// root is the repository root, where template.yaml, samconfig.toml and the Makefile live.
const root = "../.."

// seedBody is the answer to GET /health that clients rely on (README, "What answers what").
const seedBody = httpapi.HealthyBody

const (
	testKey   = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	testTopic = "arn:aws:sns:us-east-1:123456789012:health-alarms"
)

type profile struct {
	name   string
	params map[string]string
}

// profiles are the parameter sets the property tests and Control Tower's controls
// run on: the defaults, and every optional protection, front and resource on.
var profiles = []profile{
	{"defaults", map[string]string{}},
	{"all-on", map[string]string{
		"SubnetIds":                   "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
		"SecurityGroupIds":            "sg-0123456789abcdef0",
		"KmsKeyArn":                   testKey,
		"EnableExecutionLogging":      "true",
		"CreateApiGatewayAccountRole": "true",
		"WebAclArn":                   "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/health/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"EnableHttpApi":               "true",
		"EnableFunctionUrl":           "true",
		"EnableVpcLattice":            "true",
		"AlarmTopicArn":               testTopic,
		"CreateHealthCheck":           "true",
		"DomainName":                  "health.example.com",
		"CertificateArn":              "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"HostedZoneId":                "Z0123456789ABCDEFGHIJ",
		"HealthDetailsToken":          strings.Repeat("t", 32),
		// The readiness checks' reads (checks_iam_test.go): the IAM properties and
		// Control Tower's controls hold with every kind named.
		"CheckedTableArns":       checkARNs["CheckedTableArns"],
		"CheckedBucketArns":      checkARNs["CheckedBucketArns"],
		"CheckedQueueArns":       checkARNs["CheckedQueueArns"],
		"CheckedSecretArns":      checkARNs["CheckedSecretArns"],
		"CheckedPhoneNumberArns": checkARNs["CheckedPhoneNumberArns"],
		"WhatsAppTokenSecretArn": checkARNs["WhatsAppTokenSecretArn"],
		"WhatsAppTokenKmsKeyArn": checkARNs["WhatsAppTokenKmsKeyArn"],
	}},
}

// functionTypes are the resource types that are Lambda functions, before and after
// the SAM transform.
var functionTypes = []string{"AWS::Serverless::Function", "AWS::Lambda::Function"}

// tracingMode is a function's X-Ray mode, in either resource type's spelling.
func tracingMode(fn map[string]any) string {
	p := props(fn)
	if m, ok := p["Tracing"].(string); ok {
		return m
	}
	return cfn.Text(cfn.AsMap(p["TracingConfig"])["Mode"])
}

// paramValue is what a profile gives a parameter: its override, else its default.
func paramValue(t *testing.T, name string, params map[string]string) string {
	t.Helper()
	if v, ok := params[name]; ok {
		return v
	}
	return cfn.Text(dig(t, rawTemplate(t), "Parameters", name).(map[string]any)["Default"])
}

// TestEveryFunctionIsObserved: every function logs JSON into a log group of the
// stack with the retention and key the parameters give, is traced, sits in the VPC
// when one is configured, has an errors alarm (notifying the topic when there is
// one), and is on the dashboard.
func TestEveryFunctionIsObserved(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) { checkObserved(t, parseTemplate(t, p.params), p.params) })
	}
}

var lambdaSearch = regexp.MustCompile(`SEARCH\('\{AWS/Lambda,FunctionName\} MetricName="Errors" FunctionName=([^' ]+)'`)

func checkObserved(t *testing.T, tpl map[string]any, params map[string]string) {
	t.Helper()
	fns := resources(tpl, functionTypes...)
	if len(fns) == 0 {
		t.Fatal("no function in the template")
	}
	groups := resources(tpl, "AWS::Logs::LogGroup")
	retention, _ := strconv.ParseFloat(paramValue(t, "LogRetentionInDays", params), 64)
	key, topic := params["KmsKeyArn"], params["AlarmTopicArn"]
	for id, g := range groups {
		gp := props(g)
		equalJSON(t, id+" RetentionInDays", gp["RetentionInDays"], retention)
		if key != "" {
			equalJSON(t, id+" KmsKeyId", gp["KmsKeyId"], key)
		} else if k, ok := gp["KmsKeyId"]; ok {
			t.Errorf("%s KmsKeyId %v without KmsKeyArn", id, k)
		}
	}
	// What the dashboards show: functions named in a metric, and the stacks whose
	// every function a SEARCH finds.
	shown, searched := map[string]bool{}, map[string]bool{}
	for id, d := range resources(tpl, "AWS::CloudWatch::Dashboard") {
		body, _ := props(d)["DashboardBody"].(string)
		var dash struct {
			Widgets []struct {
				Properties struct {
					Metrics [][]any `json:"metrics"`
				} `json:"properties"`
			} `json:"widgets"`
		}
		if err := json.Unmarshal([]byte(body), &dash); err != nil {
			t.Fatalf("%s DashboardBody is not JSON: %v", id, err)
		}
		for _, w := range dash.Widgets {
			for _, m := range w.Properties.Metrics {
				for i, e := range m {
					if e == "FunctionName" && i+1 < len(m) {
						shown[refTo(m[i+1])] = true
					}
					if opt, ok := e.(map[string]any); ok {
						if sm := lambdaSearch.FindStringSubmatch(cfn.Text(opt["expression"])); sm != nil {
							searched[sm[1]] = true
						}
					}
				}
			}
		}
	}
	stack := cfn.Text(cfn.PseudoParameters["AWS::StackName"])
	for _, id := range sortedKeys(fns) {
		fp := props(fns[id])
		if m := tracingMode(fns[id]); m != "Active" {
			t.Errorf("%s: tracing %q, want Active", id, m)
		}
		logging := cfn.AsMap(fp["LoggingConfig"])
		equalJSON(t, id+" LoggingConfig.LogFormat", logging["LogFormat"], "JSON")
		if g := refTo(logging["LogGroup"]); groups[g] == nil {
			t.Errorf("%s: LoggingConfig.LogGroup %v is not a log group of the stack (Lambda would create one without retention or key)", id, logging["LogGroup"])
		}
		if key != "" {
			equalJSON(t, id+" KmsKeyArn", fp["KmsKeyArn"], key)
		} else if k, ok := fp["KmsKeyArn"]; ok {
			t.Errorf("%s KmsKeyArn %v without a key configured", id, k)
		}
		vpc := cfn.AsMap(fp["VpcConfig"])
		if subnets := params["SubnetIds"]; subnets != "" {
			equalJSON(t, id+" VpcConfig.SubnetIds", vpc["SubnetIds"], strings.Split(subnets, ","))
			equalJSON(t, id+" VpcConfig.SecurityGroupIds", vpc["SecurityGroupIds"], strings.Split(params["SecurityGroupIds"], ","))
		} else if vpc != nil {
			t.Errorf("%s VpcConfig %v without SubnetIds", id, vpc)
		}
		alarmed := false
		for _, a := range resources(tpl, "AWS::CloudWatch::Alarm") {
			ap := props(a)
			dims, _ := ap["Dimensions"].([]any)
			if ap["Namespace"] != "AWS/Lambda" || ap["MetricName"] != "Errors" || len(dims) != 1 ||
				cfn.AsMap(dims[0])["Name"] != "FunctionName" || refTo(cfn.AsMap(dims[0])["Value"]) != id {
				continue
			}
			alarmed = topic == "" || slices.Contains(list(ap["AlarmActions"]), topic)
		}
		if !alarmed {
			t.Errorf("%s: no AWS/Lambda Errors alarm on FunctionName %s notifying %q", id, id, topic)
		}
		// A SEARCH by the stack's name finds functions CloudFormation names.
		if !shown[id] && !(searched[stack] && fp["FunctionName"] == nil) {
			t.Errorf("%s is on no dashboard (by name, or by a SEARCH for the stack %q)", id, stack)
		}
	}
}

// noResourceActions take no resource in IAM: "*" is their only possible Resource.
var noResourceActions = []string{
	"xray:PutTraceSegments", "xray:PutTelemetryRecords",
	"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
	"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

// awsManagedPolicies are the AWS managed policies a role may carry, and why.
var awsManagedPolicies = map[string]string{
	// API Gateway's account-wide log role: what AWS documents for it.
	"arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs": "API Gateway's CloudWatch role",
}

// statements lists a policy document's statements.
func statements(doc any) []map[string]any {
	var out []map[string]any
	switch st := cfn.AsMap(doc)["Statement"].(type) {
	case map[string]any:
		out = append(out, st)
	case []any:
		for _, s := range st {
			out = append(out, cfn.AsMap(s))
		}
	}
	return out
}

// TestRolesAreLeastPrivilege: no role or policy of the stack allows a wildcard
// action, "*" resources only for actions that take none, AWS managed policies only
// where listed; every function runs as a role of the stack that may write its own
// log group (and no other), send traces, and in a VPC manage its interfaces.
func TestRolesAreLeastPrivilege(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) { checkLeastPrivilege(t, parseTemplate(t, p.params), p.params) })
	}
}

func checkLeastPrivilege(t *testing.T, tpl map[string]any, params map[string]string) {
	t.Helper()
	roles := resources(tpl, "AWS::IAM::Role")
	managed := resources(tpl, "AWS::IAM::ManagedPolicy")
	if others := resources(tpl, "AWS::IAM::Policy", "AWS::IAM::User", "AWS::IAM::Group"); len(others) > 0 {
		t.Errorf("IAM resources this test does not read: %v", sortedKeys(others))
	}
	// allows[role] are the role's Allow statements, its managed policies' included.
	allows := map[string][]map[string]any{}
	check := func(where string, st map[string]any) {
		if st["Effect"] != "Allow" {
			return
		}
		if _, ok := st["NotAction"]; ok {
			t.Errorf("%s: NotAction allows everything else", where)
		}
		actions, res := list(st["Action"]), list(st["Resource"])
		for _, a := range actions {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %q", where, a)
			}
			if slices.Contains(res, "*") && !slices.Contains(noResourceActions, a) {
				t.Errorf("%s: %s on every resource (\"*\"); scope it to the resources it needs", where, a)
			}
		}
	}
	for id, m := range managed {
		for _, st := range statements(props(m)["PolicyDocument"]) {
			check(id, st)
		}
	}
	for id, r := range roles {
		rp := props(r)
		pols, _ := rp["Policies"].([]any)
		for _, pol := range pols {
			for _, st := range statements(cfn.AsMap(pol)["PolicyDocument"]) {
				check(id+" "+cfn.Text(cfn.AsMap(pol)["PolicyName"]), st)
				if st["Effect"] == "Allow" {
					allows[id] = append(allows[id], st)
				}
			}
		}
		for _, arn := range list(rp["ManagedPolicyArns"]) {
			switch {
			case managed[refTo(arn)] != nil:
				for _, st := range statements(props(managed[refTo(arn)])["PolicyDocument"]) {
					if st["Effect"] == "Allow" {
						allows[id] = append(allows[id], st)
					}
				}
			case awsManagedPolicies[arn] == "":
				t.Errorf("%s: AWS managed policy %s (not scoped to this stack)", id, arn)
			}
		}
	}
	allowed := func(role, action string) (res []string) {
		for _, st := range allows[role] {
			if slices.Contains(list(st["Action"]), action) {
				res = append(res, list(st["Resource"])...)
			}
		}
		return res
	}
	fns := resources(tpl, functionTypes...)
	logWriters := map[string][]string{} // role -> its functions' log groups' ARNs
	for _, id := range sortedKeys(fns) {
		fp := props(fns[id])
		role := refTo(fp["Role"])
		if roles[role] == nil {
			t.Errorf("%s: Role %v is not a role of the stack (SAM would make one with AWS managed policies)", id, fp["Role"])
			continue
		}
		trust := statements(props(roles[role])["AssumeRolePolicyDocument"])
		if len(trust) != 1 || !slices.Equal(list(cfn.AsMap(trust[0]["Principal"])["Service"]), []string{"lambda.amazonaws.com"}) {
			t.Errorf("%s: role %s is not Lambda's alone: %v", id, role, trust)
		}
		logWriters[role] = append(logWriters[role], "${"+refTo(cfn.AsMap(fp["LoggingConfig"])["LogGroup"])+".Arn}")
		need := []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
		if params["SubnetIds"] != "" {
			need = append(need, "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
		}
		for _, a := range need {
			if len(allowed(role, a)) == 0 {
				t.Errorf("%s: role %s lacks %s", id, role, a)
			}
		}
	}
	for role, groups := range logWriters {
		for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents"} {
			res := allowed(role, a)
			if len(res) == 0 {
				t.Errorf("role %s cannot %s: its functions' logs are lost", role, a)
			}
			for _, r := range res {
				if !slices.Contains(groups, r) {
					t.Errorf("role %s: %s on %s, which is not its functions' log group (%v)", role, a, r, groups)
				}
			}
		}
	}
}

// TestParametersReachTheFunctions: each environment variable a parameter feeds gets
// the value given at deploy time; the health function starts with the defaults
// and drains with Drain=true; no parameter is declared and never used.
func TestParametersReachTheFunctions(t *testing.T) {
	raw := rawTemplate(t)
	params := dig(t, raw, "Parameters").(map[string]any)
	for id, fn := range resources(raw, functionTypes...) {
		for name, v := range cfn.AsMap(cfn.AsMap(props(fn)["Environment"])["Variables"]) {
			p, _ := cfn.AsMap(v)["Ref"].(string)
			if params[p] == nil {
				continue
			}
			val := sampleValue(t, p, params[p].(map[string]any))
			got := props(resources(parseTemplate(t, map[string]string{p: val}), functionTypes...)[id])
			equalJSON(t, id+" "+name+" with "+p+"="+val, dig(t, got, "Environment", "Variables", name), val)
		}
	}
	env := func(overrides map[string]string) func(string) string {
		vars := dig(t, parseTemplate(t, overrides), "Resources", "HealthFunction", "Properties", "Environment", "Variables").(map[string]any)
		// CloudFormation passes every value as a string: a Number parameter's 14 as "14".
		return func(k string) string { return cfn.Text(vars[k]) }
	}
	if cfg, err := config.Load(env(nil)); err != nil {
		t.Errorf("the template's default environment does not load: %v", err)
	} else if cfg.Drain {
		t.Errorf("the template drains by default")
	}
	if cfg, err := config.Load(env(map[string]string{"Drain": "true"})); err != nil || !cfg.Drain {
		t.Errorf("Drain=true does not drain: %+v, %v", cfg, err)
	}
	// Every parameter is read somewhere (a rule counts: it guards the others).
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				switch k {
				case "Ref":
					used[cfn.Text(e)] = true
				case "Fn::Sub":
					s, _ := e.(string)
					if l, ok := e.([]any); ok && len(l) > 0 {
						s, _ = l[0].(string)
					}
					for _, m := range regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`).FindAllStringSubmatch(s, -1) {
						used[m[1]] = true
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, section := range []string{"Globals", "Resources", "Conditions", "Outputs", "Rules"} {
		walk(raw[section])
	}
	for _, p := range sortedKeys(params) {
		if !used[p] {
			t.Errorf("parameter %s is never used", p)
		}
	}
}

// sampleValue is a value of the parameter, other than its default, that its
// constraints accept: a variable that got the default whatever was given would pass
// with the default.
func sampleValue(t *testing.T, name string, p map[string]any) string {
	t.Helper()
	def := cfn.Text(p["Default"])
	if allowed, ok := p["AllowedValues"].([]any); ok {
		for _, a := range allowed {
			if cfn.Text(a) != def {
				return cfn.Text(a)
			}
		}
	}
	candidates := []string{"7", "/api", "1.2s", "250ms", strings.Repeat("s", 40), "https://a.example", "a=tcp://db:5432", "other-service",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:whatsapp/token-AbCdEf"}
	for _, c := range candidates {
		if c != def && checkParam(p, c) == "" {
			return c
		}
	}
	t.Fatalf("parameter %s: no sample value other than its default among %v", name, candidates)
	return ""
}

// checkParam says why a parameter's constraints refuse v ("" if they accept it).
func checkParam(p map[string]any, v string) string {
	if pat, ok := p["AllowedPattern"].(string); ok && !regexp.MustCompile(pat).MatchString(v) {
		return "does not match AllowedPattern " + pat
	}
	if allowed, ok := p["AllowedValues"].([]any); ok && !slices.ContainsFunc(allowed, func(a any) bool { return cfn.Text(a) == v }) {
		return "is not among AllowedValues"
	}
	if p["Type"] == "Number" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "is not a number"
		}
		if m, ok := p["MinValue"].(float64); ok && f < m {
			return "is below MinValue"
		}
		if m, ok := p["MaxValue"].(float64); ok && f > m {
			return "is above MaxValue"
		}
	}
	return ""
}

// TestParameterDefaults: every default satisfies its own constraints, and every
// optional front, resource and cost is off by default.
func TestParameterDefaults(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters").(map[string]any)
	for _, name := range sortedKeys(params) {
		p := params[name].(map[string]any)
		def, ok := p["Default"]
		if !ok {
			t.Errorf("%s has no default: every deploy would have to name it", name)
			continue
		}
		// An empty list parameter's default is "", which no pattern is asked to match.
		if why := checkParam(p, cfn.Text(def)); why != "" && !(p["Type"] == "CommaDelimitedList" && def == "") {
			t.Errorf("%s: default %q %s", name, cfn.Text(def), why)
		}
		if strings.HasPrefix(name, "Enable") || strings.HasPrefix(name, "Create") {
			equalJSON(t, name+" default", def, "false")
		}
	}
}

// TestOptionalResourcesAreOff: the defaults create none of the optional fronts and
// resources; all-on creates each.
func TestOptionalResourcesAreOff(t *testing.T) {
	optional := []string{"AWS::ApiGatewayV2::Api", "AWS::Lambda::Url", "AWS::Route53::HealthCheck", "AWS::Route53::RecordSet",
		"AWS::ApiGateway::DomainName", "AWS::ApiGateway::Account", "AWS::WAFv2::WebACLAssociation", "AWS::VpcLattice::TargetGroup"}
	for _, p := range profiles {
		tpl := parseTemplate(t, p.params)
		for _, typ := range optional {
			if n := len(resources(tpl, typ)); (n > 0) != (p.name == "all-on") {
				t.Errorf("%s: %d %s", p.name, n, typ)
			}
		}
	}
}

// TestOutputsNameCreatedResources: an output CloudFormation shows refers only to
// resources it creates under the same parameters.
func TestOutputsNameCreatedResources(t *testing.T) {
	ref := regexp.MustCompile(`\$\{([A-Za-z0-9]+)[.}]`)
	for _, p := range profiles {
		tpl := parseTemplate(t, p.params)
		res := cfn.AsMap(tpl["Resources"])
		for name, out := range cfn.AsMap(tpl["Outputs"]) {
			js, _ := json.Marshal(out)
			for _, m := range ref.FindAllStringSubmatch(string(js), -1) {
				if _, ok := res[m[1]]; !ok {
					t.Errorf("%s: output %s names %s, which is not created", p.name, name, m[1])
				}
			}
		}
	}
}

func TestRoute53HealthCheck(t *testing.T) {
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		tpl := parseTemplate(t, map[string]string{"CreateHealthCheck": "true", "AlarmTopicArn": testTopic,
			"StageName": "v1", "Route53StageName": "r53", "AWS::Region": region})
		checks := resources(tpl, "AWS::Route53::HealthCheck")
		if len(checks) == 0 {
			t.Fatalf("%s: no health check with CreateHealthCheck=true", region)
		}
		for id, hc := range checks {
			c := cfn.AsMap(props(hc)["HealthCheckConfig"])
			equalJSON(t, id+" Type", c["Type"], "HTTPS_STR_MATCH")
			equalJSON(t, id+" Port", c["Port"], 443)
			equalJSON(t, id+" EnableSNI (execute-api needs SNI)", c["EnableSNI"], true)
			// This region's own execute-api host and Route 53's own stage.
			host := cfn.Text(c["FullyQualifiedDomainName"])
			api := refTo(strings.TrimSuffix(host, ".execute-api."+region+"."+cfn.Text(cfn.PseudoParameters["AWS::URLSuffix"])))
			if resources(tpl, "AWS::Serverless::Api", "AWS::ApiGateway::RestApi")[api] == nil {
				t.Errorf("%s: %s probes %s, not a REST API of this stack in %s", region, id, host, region)
			}
			equalJSON(t, id+" ResourcePath", c["ResourcePath"], "/r53/health")
			// The Route 53 metric exists only in us-east-1: an alarm elsewhere never leaves INSUFFICIENT_DATA.
			watched := false
			for _, a := range resources(tpl, "AWS::CloudWatch::Alarm") {
				if ap := props(a); ap["Namespace"] == "AWS/Route53" {
					watched = true
					equalJSON(t, "Route 53 alarm TreatMissingData (a vanished check is an outage)", ap["TreatMissingData"], "breaching")
					equalJSON(t, "Route 53 alarm OKActions", ap["OKActions"], []any{testTopic})
				}
			}
			if watched != (region == "us-east-1") {
				t.Errorf("%s: Route 53 alarm created = %v", region, watched)
			}
		}
	}
	// Whatever the search string, a healthy answer matches and an unhealthy one never does.
	allowed := dig(t, rawTemplate(t), "Parameters", "HealthCheckSearchString", "AllowedValues").([]any)
	for _, a := range allowed {
		s, _ := a.(string)
		if s == "" || !strings.Contains(seedBody, s) {
			t.Errorf("SearchString %q is not in the healthy body %s", s, seedBody)
		}
		for _, bad := range []string{
			`{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`,
			`{"error":"internal error"}`,
			`{"message":"Internal server error"}`,
		} {
			if strings.Contains(bad, s) {
				t.Errorf("SearchString %q matches the unhealthy answer %s", s, bad)
			}
		}
	}
}

// Route 53 takes at least 3 of its 8 checker regions, or none (all of them): the
// parameter's pattern refuses anything else before a deploy gets that far.
func TestHealthCheckRegionsTakesThreeOrMoreCheckerRegions(t *testing.T) {
	re := regexp.MustCompile(dig(t, rawTemplate(t), "Parameters", "HealthCheckRegions", "AllowedPattern").(string))
	for v, want := range map[string]bool{
		"":                                   true,
		"us-east-1,eu-west-1,ap-southeast-1": true,
		"us-east-1,us-west-1,us-west-2,eu-west-1,ap-southeast-1,ap-southeast-2,ap-northeast-1,sa-east-1": true,
		"us-east-1":                            false,
		"us-east-1,eu-west-1":                  false,
		"us-east-1,eu-west-1,eu-central-1":     false, // not a checker region
		"us-east-1, eu-west-1, ap-southeast-1": false,
		"us-east-1,eu-west-1,ap-southeast-1,":  false,
		"US-EAST-1,EU-WEST-1,AP-SOUTHEAST-1":   false,
		"us-east-1,eu-west-1,ap-southeast-1 x": false,
		"x us-east-1,eu-west-1,ap-southeast-1": false,
		"us-east-1;eu-west-1;ap-southeast-1":   false,
		"us-east-1,eu-west-1,ap-southeast-1\n": false,
	} {
		if got := re.MatchString(v); got != want {
			t.Errorf("HealthCheckRegions %q: pattern accepts it %v, want %v", v, got, want)
		}
	}
}

// A parameter's AllowedPattern must accept exactly what the function accepts
// at start-up: a value the pattern lets through but the function rejects
// deploys fine and then fails every cold start.
func TestDurationPatternsMatchTheFunction(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	for param, env := range map[string]string{"HealthCheckBudget": "HEALTH_CHECK_BUDGET", "HealthCacheTTL": "HEALTH_CACHE_TTL"} {
		re := regexp.MustCompile(dig(t, params, param, "AllowedPattern").(string))
		for _, v := range []string{"0", "10", "0ms", "0s", "0.0s", "1.0s", "1.5s", "0.5s", "1500ms", "2s", "10s", "1m", "90s", "-1s", "1h", "abc"} {
			_, err := config.Load(func(k string) string {
				if k == env {
					return v
				}
				return ""
			})
			if re.MatchString(v) && err != nil {
				t.Errorf("%s: pattern accepts %q, the function rejects it: %v", param, v, err)
			}
		}
	}
}

// TestAddedFunctionKeepsProperties: the resources README's recipe adds for a new
// function keep every function property, under every profile, beside health.
func TestAddedFunctionKeepsProperties(t *testing.T) {
	r, err := recipe.Read(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	added, err := r.AddTo(string(src))
	if errors.Is(err, recipe.ErrDefined) {
		t.Skipf("%v: template.yaml has changed the recipe's block (its own resources are checked by the other tests)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cfnyaml.Decode([]byte(added))
	if err != nil {
		t.Fatal(err)
	}
	tpl := jsonRoundTrip(t, doc).(map[string]any)
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			out := deployed(t, tpl, p.params)
			if len(resources(out, functionTypes...)) < 2 {
				t.Fatal("the block added no function")
			}
			checkObserved(t, out, p.params)
			checkLeastPrivilege(t, out, p.params)
		})
	}
}
