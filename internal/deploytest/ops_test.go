package deploytest

import (
	"encoding/json"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
)

// ---------------------------------------------------------------- isolation

// Route 53's checkers and the public each have a stage, each stage its own throttle
// bucket from its own parameters.
func TestRoute53StageHasItsOwnThrottleBucket(t *testing.T) {
	tpl := parseTemplate(t, map[string]string{"StageName": "pub", "Route53StageName": "r53",
		"ThrottlingRateLimit": "111", "ThrottlingBurstLimit": "222", "Route53ThrottlingRateLimit": "11", "Route53ThrottlingBurstLimit": "22"})
	want := map[string][2]string{"pub": {"111", "222"}, "r53": {"11", "22"}}
	for id, st := range restStages(tpl) {
		w, ok := want[cfn.Text(st["StageName"])]
		if !ok {
			continue
		}
		delete(want, cfn.Text(st["StageName"]))
		for _, ms := range st["MethodSettings"].([]any) {
			m := cfn.AsMap(ms)
			equalJSON(t, id+" throttle", []string{cfn.Text(m["ThrottlingRateLimit"]), cfn.Text(m["ThrottlingBurstLimit"])}, w[:])
		}
	}
	if len(want) > 0 {
		t.Errorf("no stage named %v", sortedKeys(want))
	}
	// The same stage name twice would be one stage, one bucket: a rule refuses it.
	equalJSON(t, "SeparateStages rule", dig(t, rawTemplate(t), "Rules", "SeparateStages", "Assertions").([]any)[0].(map[string]any)["Assert"],
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "StageName"}, map[string]any{"Ref": "Route53StageName"}}}}})
	params := dig(t, rawTemplate(t), "Parameters")
	// Route 53 sends ~1.5 req/s at a 10 s interval, in bursts of up to one per checker.
	if r, b := dig(t, params, "Route53ThrottlingRateLimit", "Default").(float64), dig(t, params, "Route53ThrottlingBurstLimit", "Default").(float64); r < 3 || b < 20 {
		t.Errorf("Route 53 stage defaults rate %v burst %v: want at least 3 and 20", r, b)
	}
}

// restStages are the REST API stages of a template before the SAM transform (an
// AWS::Serverless::Api is its stage too), by logical id, as their properties.
func restStages(tpl map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range resources(tpl, "AWS::Serverless::Api", "AWS::ApiGateway::Stage") {
		out[id] = props(r)
	}
	return out
}

// policyRequest is one call as the REST API's resource policy sees it.
type policyRequest struct {
	stage, method, path string
	sourceIP            string
	account             string // caller's account when signed; "" anonymous
}

// evalPolicy evaluates the resource policy's statements as API Gateway does for the
// conditions the template uses: an explicit Deny wins, then an Allow, else denied.
func evalPolicy(t *testing.T, statements []any, req policyRequest) bool {
	t.Helper()
	resource := "execute-api:/" + req.stage + "/" + req.method + req.path
	allowed := false
	for _, st := range statements {
		pattern := regexp.QuoteMeta(dig(t, st, "Resource").(string))
		if !regexp.MustCompile("^" + strings.ReplaceAll(pattern, `\*`, ".*") + "$").MatchString(resource) {
			continue
		}
		if !conditionsHold(t, st.(map[string]any)["Condition"], req) {
			continue
		}
		switch dig(t, st, "Effect") {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func conditionsHold(t *testing.T, cond any, req policyRequest) bool {
	t.Helper()
	if cond == nil {
		return true
	}
	for op, kv := range cond.(map[string]any) {
		for key, val := range kv.(map[string]any) {
			var values []string
			switch v := val.(type) {
			case string:
				values = []string{v}
			case []any:
				for _, e := range v {
					values = append(values, e.(string))
				}
			default:
				t.Fatalf("condition %s %s: value %v not resolved", op, key, val)
			}
			switch op + " " + key {
			case "NotIpAddress aws:SourceIp":
				ip := netip.MustParseAddr(req.sourceIP)
				for _, c := range values {
					if netip.MustParsePrefix(c).Contains(ip) {
						return false
					}
				}
			case "StringNotEquals aws:PrincipalAccount":
				if slices.Contains(values, req.account) {
					return false
				}
			default:
				t.Fatalf("condition %s %s: not modelled by this test", op, key)
			}
		}
	}
	return true
}

func TestResourcePolicyAdmitsRoute53StageFromCheckersOnly(t *testing.T) {
	tpl := parseTemplate(t, nil)
	statements := dig(t, tpl, "Resources", "HealthApi", "Properties", "Auth", "ResourcePolicy", "CustomStatements").([]any)
	const account = "123456789012" // the resolver's AWS::AccountId
	tests := []struct {
		name string
		req  policyRequest
		want bool
	}{
		{"public stage, anyone", policyRequest{"Prod", "GET", "/health", "198.51.100.7", ""}, true},
		{"public stage, ready and live", policyRequest{"Prod", "HEAD", "/health/live", "203.0.113.9", ""}, true},
		{"Route 53 stage from a checker (global range)", policyRequest{"Route53", "GET", "/health", "15.177.12.34", ""}, true},
		{"Route 53 stage from a checker (us-east-1 range)", policyRequest{"Route53", "GET", "/health", "107.23.255.10", ""}, true},
		{"Route 53 stage from anyone else", policyRequest{"Route53", "GET", "/health", "198.51.100.7", ""}, false},
		{"Route 53 stage, other paths too", policyRequest{"Route53", "GET", "/health/live", "198.51.100.7", ""}, false},
		{"details, this account's caller", policyRequest{"Prod", "GET", "/health/details", "198.51.100.7", account}, true},
		{"details, another account's signed caller", policyRequest{"Prod", "GET", "/health/details", "198.51.100.7", "210987654321"}, false},
		{"details, anonymous", policyRequest{"Prod", "GET", "/health/details", "198.51.100.7", ""}, false},
	}
	for _, tc := range tests {
		if got := evalPolicy(t, statements, tc.req); got != tc.want {
			t.Errorf("%s: allowed = %v, want %v", tc.name, got, tc.want)
		}
	}
	// The ranges come from the parameter; other stage names follow the parameter.
	r53 := parseTemplate(t, map[string]string{"Route53StageName": "checkers", "Route53CheckerCidrs": "192.0.2.0/24"})
	st := dig(t, r53, "Resources", "HealthApi", "Properties", "Auth", "ResourcePolicy", "CustomStatements").([]any)
	if !evalPolicy(t, st, policyRequest{"checkers", "GET", "/health", "192.0.2.1", ""}) || evalPolicy(t, st, policyRequest{"checkers", "GET", "/health", "15.177.12.34", ""}) {
		t.Errorf("Route53CheckerCidrs/Route53StageName overrides do not reach the policy: %v", st)
	}
}

func TestRoute53CheckerCidrsDefault(t *testing.T) {
	p := dig(t, rawTemplate(t), "Parameters", "Route53CheckerCidrs")
	def := dig(t, p, "Default").(string)
	if !regexp.MustCompile(dig(t, p, "AllowedPattern").(string)).MatchString(def) {
		t.Errorf("default does not match its own pattern")
	}
	seen := map[string]bool{}
	for c := range strings.SplitSeq(def, ",") {
		pfx, err := netip.ParsePrefix(c)
		if err != nil || !pfx.Addr().Is4() || pfx.Masked() != pfx {
			t.Errorf("%q is not an IPv4 network prefix: %v", c, err)
		}
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
	}
	// ip-ranges.json's ROUTE53_HEALTHCHECKS ranges that lie outside the others.
	for _, want := range []string{"15.177.0.0/18", "15.177.108.0/24"} {
		if !seen[want] {
			t.Errorf("default lacks %s (ROUTE53_HEALTHCHECKS)", want)
		}
	}
}

func TestWebAclOnPublicStageOnly(t *testing.T) {
	tpl := parseTemplate(t, map[string]string{"WebAclArn": profiles[1].params["WebAclArn"]})
	assoc := resources(tpl, "AWS::WAFv2::WebACLAssociation")
	if len(assoc) == 0 {
		t.Fatal("WebAclArn given, no association")
	}
	for id, a := range assoc {
		equalJSON(t, id+" WebACLArn", props(a)["WebACLArn"], profiles[1].params["WebAclArn"])
		// The public stage of the REST API; Route 53's stage stays out of the web ACL.
		if arn := cfn.Text(props(a)["ResourceArn"]); !strings.HasSuffix(arn, "/stages/${HealthApi.Stage}") {
			t.Errorf("%s ResourceArn %s: not the public stage", id, arn)
		}
	}
}

// CloudFormation validates every rule whatever the parameters, and rules take only
// the rule functions: anything else fails every deploy (cfn-lint does not look).
func TestRulesUseRuleFunctions(t *testing.T) {
	for name, r := range dig(t, rawTemplate(t), "Rules").(map[string]any) {
		assertRuleFunctions(t, name, r)
	}
}

func TestDetailsTokenIsLongOrNone(t *testing.T) {
	p := dig(t, rawTemplate(t), "Parameters", "HealthDetailsToken")
	equalJSON(t, "NoEcho", dig(t, p, "NoEcho"), true)
	equalJSON(t, "Default", dig(t, p, "Default"), "")
	re := regexp.MustCompile(dig(t, p, "AllowedPattern").(string))
	for v, want := range map[string]bool{
		"":                      true,
		"x":                     false,
		strings.Repeat("a", 31): false,
		strings.Repeat("a", 32): true,
		strings.Repeat("b", 64): true,
	} {
		if re.MatchString(v) != want {
			t.Errorf("token of %d characters: accepted = %v, want %v", len(v), !want, want)
		}
	}
}

// ---------------------------------------------------------------- stages, logs, alarms

var accessLogFields = []string{"requestId", "ip", "method", "path", "status", "latency", "integrationLatency"}

// TestEveryStageIsLoggedTracedUncached: every REST stage (public, Route 53's, any
// other) and HTTP API stage writes JSON access logs to a log group of the stack; REST
// stages are traced, never cached, never log request data, and with
// EnableExecutionLogging write ERROR execution logs into groups the stack made first.
func TestEveryStageIsLoggedTracedUncached(t *testing.T) {
	for _, p := range profiles {
		tpl := parseTemplate(t, p.params)
		groups := resources(tpl, "AWS::Logs::LogGroup")
		names := map[string]string{} // log group name -> its resource id
		for gid, g := range groups {
			names[cfn.Text(props(g)["LogGroupName"])] = gid
		}
		check := func(where string, setting any) {
			s := cfn.AsMap(setting)
			if arn := cfn.Text(s["DestinationArn"]); groups[refTo(arn)] == nil || !strings.HasSuffix(arn, ".Arn}") {
				t.Errorf("%s: %s access logs go to %q, not a log group of the stack", p.name, where, arn)
			}
			var f map[string]string
			if err := json.Unmarshal([]byte(cfn.Text(s["Format"])), &f); err != nil {
				t.Errorf("%s: %s access log Format is not JSON: %v", p.name, where, err)
			}
			for _, k := range accessLogFields {
				if !strings.HasPrefix(f[k], "$context.") {
					t.Errorf("%s: %s access log Format lacks %s", p.name, where, k)
				}
			}
		}
		stages := restStages(tpl)
		if len(stages) < 2 {
			t.Fatalf("%s: %d REST stages, want the public one and Route 53's", p.name, len(stages))
		}
		for id, st := range stages {
			check(id, st["AccessLogSetting"])
			equalJSON(t, p.name+" "+id+" TracingEnabled", st["TracingEnabled"], true)
			equalJSON(t, p.name+" "+id+" CacheClusterEnabled", st["CacheClusterEnabled"], false)
			for _, ms := range st["MethodSettings"].([]any) {
				m := cfn.AsMap(ms)
				equalJSON(t, p.name+" "+id+" CachingEnabled", m["CachingEnabled"], false)
				equalJSON(t, p.name+" "+id+" DataTraceEnabled (would log callers' headers)", m["DataTraceEnabled"], false)
				level, set := m["LoggingLevel"]
				if exec := p.params["EnableExecutionLogging"] == "true"; exec != set || (set && level != "ERROR") {
					t.Errorf("%s: %s LoggingLevel = %v", p.name, id, level)
				}
			}
			if p.params["EnableExecutionLogging"] == "true" {
				api := id
				if r := refTo(st["RestApiId"]); r != "" {
					api = r
				}
				name := "API-Gateway-Execution-Logs_${" + api + "}/" + cfn.Text(st["StageName"])
				if names[name] == "" {
					t.Errorf("%s: %s: no log group %s (API Gateway would make it without retention or key)", p.name, id, name)
				} else if !mentions(st, names[name]) {
					// A stage that logs before its group exists makes API Gateway create
					// the group, and the stack's own create of it then fails.
					t.Errorf("%s: %s does not wait for its execution log group %s", p.name, id, names[name])
				}
			}
			if p.params["CreateApiGatewayAccountRole"] == "true" {
				for acct := range resources(tpl, "AWS::ApiGateway::Account") {
					if !mentions(st, acct) {
						t.Errorf("%s: %s does not wait for %s: its logs would need the account's log role first", p.name, id, acct)
					}
				}
			}
		}
		for id, st := range resources(tpl, "AWS::ApiGatewayV2::Stage") {
			check(id, props(st)["AccessLogSettings"])
		}
	}
}

// mentions reports whether a resolved resource refers to the resource id, through a
// Ref or GetAtt anywhere in its properties or in DependsOn.
func mentions(r map[string]any, id string) bool {
	b, _ := json.Marshal(r)
	return strings.Contains(string(b), `"${`+id+`}"`) || strings.Contains(string(b), `"${`+id+`.`) || strings.Contains(string(b), `"`+id+`"`)
}

// TestAlarms: every alarm watches a metric something of the stack emits, with the
// dimensions it is emitted with; it notifies the topic when one is given (recovery
// too); a function's duration alarm fires before its timeout.
func TestAlarms(t *testing.T) {
	known := emitted()
	for _, p := range profiles {
		tpl := parseTemplate(t, p.params)
		fns := resources(tpl, functionTypes...)
		for id, a := range resources(tpl, "AWS::CloudWatch::Alarm") {
			ap := props(a)
			var dims []string
			for _, d := range ap["Dimensions"].([]any) {
				dims = append(dims, cfn.Text(cfn.AsMap(d)["Name"]))
				if v := cfn.AsMap(d)["Value"]; cfn.AsMap(d)["Name"] == "FunctionName" && fns[refTo(v)] == nil {
					t.Errorf("%s: %s watches FunctionName %v, not a function of the stack", p.name, id, v)
				}
			}
			if ap["Namespace"] == "AWS/ApiGateway" {
				checkAPIDimensions(t, p.name+" "+id, tpl, ap["Dimensions"].([]any))
			}
			slices.Sort(dims)
			m := metricDims{cfn.Text(ap["Namespace"]), cfn.Text(ap["MetricName"]), strings.Join(dims, ",")}
			if !known[m] {
				t.Errorf("%s: %s watches %v, which nothing emits", p.name, id, m)
			}
			equalJSON(t, p.name+" "+id+" ActionsEnabled", ap["ActionsEnabled"], true)
			if topic := p.params["AlarmTopicArn"]; topic != "" {
				equalJSON(t, p.name+" "+id+" AlarmActions", ap["AlarmActions"], []any{topic})
				equalJSON(t, p.name+" "+id+" OKActions", ap["OKActions"], []any{topic})
			}
			if m.namespace == "AWS/Lambda" && m.name == "Duration" {
				dims := ap["Dimensions"].([]any)
				timeout, _ := props(fns[refTo(cfn.AsMap(dims[0])["Value"])])["Timeout"].(float64)
				if th, _ := ap["Threshold"].(float64); th <= 0 || th >= timeout*1000 {
					t.Errorf("%s: %s threshold %v ms, want under the function's %v s timeout", p.name, id, th, timeout)
				}
			}
		}
	}
}

// checkAPIDimensions: an API Gateway metric's ApiName is the Name of a REST API of
// the stack and its Stage one of that API's stages.
func checkAPIDimensions(t *testing.T, where string, tpl map[string]any, dims []any) {
	t.Helper()
	v := map[string]string{}
	for _, d := range dims {
		v[cfn.Text(cfn.AsMap(d)["Name"])] = cfn.Text(cfn.AsMap(d)["Value"])
	}
	for id, api := range resources(tpl, "AWS::Serverless::Api") {
		if cfn.Text(props(api)["Name"]) != v["ApiName"] {
			continue
		}
		for sid, st := range restStages(tpl) {
			if (sid == id || refTo(st["RestApiId"]) == id) && cfn.Text(st["StageName"]) == v["Stage"] {
				return
			}
		}
	}
	t.Errorf("%s: ApiName %q Stage %q is no stage of a REST API of the stack", where, v["ApiName"], v["Stage"])
}

// TestRoutesGoThroughTheStackAPI: every Api event of every function is on a REST API
// of the stack (SAM's implicit API would have neither the resource policy, nor the
// Route 53 stage, nor access logs), and the detailed view needs a SigV4 caller.
func TestRoutesGoThroughTheStackAPI(t *testing.T) {
	tpl := parseTemplate(t, nil)
	apis := resources(tpl, "AWS::Serverless::Api")
	for id, fn := range resources(tpl, "AWS::Serverless::Function") {
		for name, ev := range cfn.AsMap(props(fn)["Events"]) {
			e := cfn.AsMap(ev)
			if e["Type"] != "Api" {
				continue
			}
			ep := cfn.AsMap(e["Properties"])
			if apis[refTo(ep["RestApiId"])] == nil {
				t.Errorf("%s %s: RestApiId %v is not a REST API of the stack", id, name, ep["RestApiId"])
			}
			if strings.HasPrefix(cfn.Text(ep["Path"]), "/health/details") {
				equalJSON(t, id+" "+name+" Auth", cfn.AsMap(ep["Auth"])["Authorizer"], "AWS_IAM")
			}
		}
	}
}

var searchExpr = regexp.MustCompile(`^SEARCH\('\{([^}]+)\} MetricName="([^"]+)"`)

// dashboardMetrics returns the metrics each widget shows, with the region it reads.
func dashboardMetrics(t *testing.T, body string) (metrics []metricDims, regions []string) {
	t.Helper()
	var dash struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Region  string  `json:"region"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &dash); err != nil {
		t.Fatalf("DashboardBody is not JSON: %v\n%s", err, body)
	}
	for _, w := range dash.Widgets {
		if w.Type != "metric" {
			continue
		}
		for _, m := range w.Properties.Metrics {
			if opt, ok := m[0].(map[string]any); ok {
				expr, _ := opt["expression"].(string)
				sm := searchExpr.FindStringSubmatch(expr)
				if sm == nil {
					t.Errorf("expression %q: not a SEARCH this test reads", expr)
					continue
				}
				schema := strings.Split(sm[1], ",")
				dims := slices.Clone(schema[1:])
				slices.Sort(dims)
				metrics = append(metrics, metricDims{schema[0], sm[2], strings.Join(dims, ",")})
				regions = append(regions, w.Properties.Region)
				continue
			}
			var strs []string
			for _, e := range m {
				if s, ok := e.(string); ok {
					strs = append(strs, s)
				}
			}
			if len(strs) < 2 || len(strs)%2 != 0 || slices.Contains(strs, ".") {
				t.Errorf("metric %v: want [namespace, name, dim, value, ...]", m)
				continue
			}
			var dims []string
			for i := 2; i < len(strs); i += 2 {
				dims = append(dims, strs[i])
			}
			slices.Sort(dims)
			metrics = append(metrics, metricDims{strs[0], strs[1], strings.Join(dims, ",")})
			regions = append(regions, w.Properties.Region)
		}
	}
	return metrics, regions
}

func dashboardBody(t *testing.T, overrides map[string]string) string {
	t.Helper()
	body, ok := dig(t, parseTemplate(t, overrides), "Resources", "HealthDashboard", "Properties", "DashboardBody").(string)
	if !ok {
		t.Fatalf("DashboardBody did not resolve to a string")
	}
	return body
}

// Every widget's metric is one the function (EMF) or an AWS service emits, with the
// dimensions it is emitted with; the dashboard shows each thing the issue asks for.
func TestDashboardShowsOnlyEmittedMetrics(t *testing.T) {
	known := emitted()
	for _, hc := range []string{"false", "true"} {
		metrics, regions := dashboardMetrics(t, dashboardBody(t, map[string]string{"CreateHealthCheck": hc}))
		shown := map[string]bool{}
		for i, m := range metrics {
			if !known[m] {
				t.Errorf("CreateHealthCheck=%s: widget metric %s %s [%s] is not emitted by the function or AWS", hc, m.namespace, m.name, m.dims)
			}
			shown[m.namespace+" "+m.name] = true
			wantRegion := "us-east-1" // the resolver's AWS::Region
			if m.namespace == "AWS/Route53" && regions[i] != "us-east-1" {
				t.Errorf("Route 53 metric read in %q: HealthCheckStatus exists only in us-east-1", regions[i])
			} else if regions[i] != wantRegion {
				t.Errorf("%s read in %q, want the stack's region", m.name, regions[i])
			}
		}
		want := []string{
			emf.Namespace + " " + emf.ReadinessStatus, emf.Namespace + " " + emf.CheckLatency, emf.Namespace + " " + emf.CacheHit,
			"AWS/Lambda Invocations", "AWS/Lambda Errors", "AWS/Lambda Throttles", "AWS/Lambda Duration",
			"AWS/ApiGateway 4XXError", "AWS/ApiGateway 5XXError", "AWS/ApiGateway Latency",
		}
		if hc == "true" {
			want = append(want, "AWS/Route53 HealthCheckStatus")
		} else if shown["AWS/Route53 HealthCheckStatus"] {
			t.Errorf("Route 53 widget without a health check")
		}
		for _, w := range want {
			if !shown[w] {
				t.Errorf("CreateHealthCheck=%s: dashboard does not show %s", hc, w)
			}
		}
	}
	// The widgets read the stack's region when it is not us-east-1 (Route 53 excepted).
	body := dashboardBody(t, map[string]string{"CreateHealthCheck": "true", "AWS::Region": "eu-west-1"})
	metrics, regions := dashboardMetrics(t, body)
	for i, m := range metrics {
		if want := map[bool]string{true: "us-east-1", false: "eu-west-1"}[m.namespace == "AWS/Route53"]; regions[i] != want {
			t.Errorf("in eu-west-1: %s read in %q, want %q", m.name, regions[i], want)
		}
	}
}

// ---------------------------------------------------------------- custom domain and records

func TestCustomDomainAndRecord(t *testing.T) {
	for _, tc := range []struct {
		policy, role string
		want         map[string]any // the routing keys present
	}{
		{"failover", "PRIMARY", map[string]any{"Failover": "PRIMARY"}},
		{"failover", "SECONDARY", map[string]any{"Failover": "SECONDARY"}},
		{"latency", "PRIMARY", map[string]any{"Region": "eu-west-1"}},
	} {
		tpl := parseTemplate(t, map[string]string{
			"AWS::Region": "eu-west-1", "RoutingPolicy": tc.policy, "FailoverRole": tc.role,
			"DomainName": "health.example.com", "HostedZoneId": "Z0123456789ABC", "CreateHealthCheck": "true",
			"CertificateArn": profiles[1].params["CertificateArn"],
		})
		name := tc.policy + "/" + tc.role
		domains := resources(tpl, "AWS::ApiGateway::DomainName")
		for id, d := range domains {
			equalJSON(t, id+" DomainName", props(d)["DomainName"], "health.example.com")
			equalJSON(t, id+" EndpointConfiguration (regional: one record per region)", props(d)["EndpointConfiguration"], map[string]any{"Types": []any{"REGIONAL"}})
			equalJSON(t, id+" SecurityPolicy", props(d)["SecurityPolicy"], "TLS_1_2")
		}
		// The public stage only: Route 53's stays on the execute-api host.
		for id, m := range resources(tpl, "AWS::ApiGateway::BasePathMapping") {
			equalJSON(t, id+" Stage", props(m)["Stage"], "${HealthApi.Stage}")
		}
		records := resources(tpl, "AWS::Route53::RecordSet")
		if len(domains) != 1 || len(records) != 1 {
			t.Fatalf("%s: %d domains, %d records, want one each", name, len(domains), len(records))
		}
		for id, rec := range records {
			r := props(rec)
			equalJSON(t, name+" Name", r["Name"], "health.example.com")
			equalJSON(t, name+" SetIdentifier (the region)", r["SetIdentifier"], "eu-west-1")
			if resources(tpl, "AWS::Route53::HealthCheck")[refTo(r["HealthCheckId"])] == nil {
				t.Errorf("%s: %s HealthCheckId %v is not the stack's health check", name, id, r["HealthCheckId"])
			}
			alias := cfn.AsMap(r["AliasTarget"])
			if domains[refTo(alias["DNSName"])] == nil || alias["EvaluateTargetHealth"] != false {
				t.Errorf("%s: %s AliasTarget %v: want the domain, the health check deciding", name, id, alias)
			}
			if _, ok := r["TTL"]; ok {
				t.Errorf("%s: alias records take no TTL", name)
			}
			got := map[string]any{}
			for _, k := range []string{"Failover", "Region", "Weight", "GeoLocation"} {
				if v, ok := r[k]; ok {
					got[k] = v
				}
			}
			equalJSON(t, name+" routing", got, tc.want)
		}
	}
}

// assertRuleFunctions fails on any intrinsic function CloudFormation does not take
// inside Rules.
func assertRuleFunctions(t *testing.T, where string, v any) {
	t.Helper()
	allowed := map[string]bool{"Ref": true, "Fn::And": true, "Fn::Contains": true, "Fn::EachMemberEquals": true,
		"Fn::EachMemberIn": true, "Fn::Equals": true, "Fn::Not": true, "Fn::Or": true, "Fn::RefAll": true,
		"Fn::ValueOf": true, "Fn::ValueOfAll": true}
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			if (k == "Ref" || strings.HasPrefix(k, "Fn::")) && !allowed[k] {
				t.Errorf("rule %s uses %s, which CloudFormation rejects in Rules", where, k)
			}
			assertRuleFunctions(t, where, sub)
		}
	case []any:
		for _, sub := range v {
			assertRuleFunctions(t, where, sub)
		}
	}
}
