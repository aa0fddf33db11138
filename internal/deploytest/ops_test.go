package deploytest

import (
	"encoding/json"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// ---------------------------------------------------------------- isolation

// Route 53's checkers and the public each have a stage of one deployment, each stage
// its own throttle bucket.
func TestRoute53StageHasItsOwnThrottleBucket(t *testing.T) {
	raw := rawTemplate(t)
	public := dig(t, raw, "Resources", "HealthApi", "Properties")
	r53 := dig(t, raw, "Resources", "HealthApiRoute53Stage")
	equalJSON(t, "Route 53 stage Type", dig(t, r53, "Type"), "AWS::ApiGateway::Stage")
	p := dig(t, r53, "Properties")
	equalJSON(t, "RestApiId", dig(t, p, "RestApiId"), ref("HealthApi"))
	equalJSON(t, "DeploymentId (the public stage's deployment)", dig(t, p, "DeploymentId"), ref("HealthApi.Deployment"))
	equalJSON(t, "StageName", dig(t, p, "StageName"), ref("Route53StageName"))
	equalJSON(t, "CacheClusterEnabled", dig(t, p, "CacheClusterEnabled"), false)

	bucket := func(props any) (rate, burst any) {
		ms := dig(t, props, "MethodSettings").([]any)
		if len(ms) != 1 {
			t.Fatalf("MethodSettings has %d entries, want 1", len(ms))
		}
		equalJSON(t, "MethodSettings path", []any{dig(t, ms[0], "ResourcePath"), dig(t, ms[0], "HttpMethod")}, []any{"/*", "*"})
		equalJSON(t, "MethodSettings CachingEnabled", dig(t, ms[0], "CachingEnabled"), false)
		return dig(t, ms[0], "ThrottlingRateLimit"), dig(t, ms[0], "ThrottlingBurstLimit")
	}
	pr, pb := bucket(public)
	rr, rb := bucket(p)
	equalJSON(t, "public bucket", []any{pr, pb}, []any{ref("ThrottlingRateLimit"), ref("ThrottlingBurstLimit")})
	equalJSON(t, "Route 53 bucket", []any{rr, rb}, []any{ref("Route53ThrottlingRateLimit"), ref("Route53ThrottlingBurstLimit")})

	// The same stage name twice would be one stage, one bucket: a rule refuses it.
	equalJSON(t, "SeparateStages rule", dig(t, raw, "Rules", "SeparateStages", "Assertions").([]any)[0].(map[string]any)["Assert"],
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref("StageName"), ref("Route53StageName")}}}})
	params := dig(t, raw, "Parameters")
	if dig(t, params, "StageName", "Default") == dig(t, params, "Route53StageName", "Default") {
		t.Errorf("StageName and Route53StageName default to the same stage")
	}
	// Route 53 sends ~1.5 req/s at a 10 s interval, in bursts of up to one per checker.
	if r, b := dig(t, params, "Route53ThrottlingRateLimit", "Default").(float64), dig(t, params, "Route53ThrottlingBurstLimit", "Default").(float64); r < 3 || b < 20 {
		t.Errorf("Route 53 stage defaults rate %v burst %v: want at least 3 and 20", r, b)
	}
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
	r53 := parseTemplate(t, map[string]any{"Route53StageName": "checkers", "Route53CheckerCidrs": "192.0.2.0/24"})
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
	p := dig(t, rawTemplate(t), "Resources", "PublicStageWebAcl", "Properties")
	equalJSON(t, "ResourceArn", dig(t, p, "ResourceArn"),
		sub("arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${HealthApi}/stages/${HealthApi.Stage}"))
	equalJSON(t, "WebACLArn", dig(t, p, "WebACLArn"), ref("WebAclArn"))
}

// ---------------------------------------------------------------- VPC, KMS, token

func TestVpcIsOptional(t *testing.T) {
	fn := func(o map[string]any) map[string]any {
		return dig(t, parseTemplate(t, o), "Resources", "HealthFunction", "Properties").(map[string]any)
	}
	if v, ok := fn(nil)["VpcConfig"]; ok {
		t.Errorf("VpcConfig with default parameters: %v", v)
	}
	in := fn(map[string]any{"SubnetIds": "subnet-1,subnet-2", "SecurityGroupIds": "sg-1"})
	equalJSON(t, "VpcConfig", in["VpcConfig"], map[string]any{"SubnetIds": []any{"subnet-1", "subnet-2"}, "SecurityGroupIds": []any{"sg-1"}})
	rule := dig(t, rawTemplate(t), "Rules", "VpcNeedsSecurityGroups")
	equalJSON(t, "VpcNeedsSecurityGroups condition", dig(t, rule, "RuleCondition"),
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::EachMemberEquals": []any{ref("SubnetIds"), ""}}}})
	// CloudFormation validates every rule whatever the parameters, and rules take only
	// the rule functions: anything else fails every deploy (cfn-lint does not look).
	for name, r := range dig(t, rawTemplate(t), "Rules").(map[string]any) {
		assertRuleFunctions(t, name, r)
	}
}

func TestKmsKeyEncryptsEnvironmentAndLogs(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	for _, tc := range []struct {
		name string
		o    map[string]any
		want any // KmsKeyArn/KmsKeyId, nil when absent
	}{
		{"defaults", map[string]any{"EnableHttpApi": "true", "EnableExecutionLogging": "true"}, nil},
		{"key given", map[string]any{"EnableHttpApi": "true", "EnableExecutionLogging": "true", "KmsKeyArn": key}, key},
	} {
		tpl := parseTemplate(t, tc.o)
		equalJSON(t, tc.name+": function KmsKeyArn", dig(t, tpl, "Resources", "HealthFunction", "Properties").(map[string]any)["KmsKeyArn"], tc.want)
		groups := 0
		for name, r := range dig(t, tpl, "Resources").(map[string]any) {
			if dig(t, r, "Type") != "AWS::Logs::LogGroup" {
				continue
			}
			groups++
			p := dig(t, r, "Properties").(map[string]any)
			equalJSON(t, tc.name+": "+name+" KmsKeyId", p["KmsKeyId"], tc.want)
			equalJSON(t, tc.name+": "+name+" RetentionInDays", p["RetentionInDays"], 365.0)
		}
		if groups != 5 {
			t.Errorf("%s: %d log groups, want 5 (function, REST access, HTTP access, 2 execution)", tc.name, groups)
		}
	}
	for name, r := range dig(t, rawTemplate(t), "Resources").(map[string]any) {
		if dig(t, r, "Type") == "AWS::Logs::LogGroup" {
			equalJSON(t, name+" RetentionInDays", dig(t, r, "Properties", "RetentionInDays"), ref("LogRetentionInDays"))
		}
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

// ---------------------------------------------------------------- logs and traces

func TestAccessLogsAndTracing(t *testing.T) {
	raw := rawTemplate(t)
	fields := []string{"requestId", "ip", "method", "path", "status", "latency", "integrationLatency"}
	check := func(what string, setting any, group string) {
		equalJSON(t, what+" DestinationArn", dig(t, setting, "DestinationArn"), getAtt(group, "Arn"))
		var f map[string]string
		if err := json.Unmarshal([]byte(dig(t, setting, "Format").(string)), &f); err != nil {
			t.Errorf("%s Format is not JSON: %v", what, err)
		}
		for _, k := range fields {
			if !strings.HasPrefix(f[k], "$context.") {
				t.Errorf("%s Format lacks %s", what, k)
			}
		}
	}
	check("public stage", dig(t, raw, "Resources", "HealthApi", "Properties", "AccessLogSetting"), "RestAccessLogGroup")
	check("Route 53 stage", dig(t, raw, "Resources", "HealthApiRoute53Stage", "Properties", "AccessLogSetting"), "RestAccessLogGroup")
	check("HTTP API", dig(t, raw, "Resources", "HealthHttpApiStage", "Properties", "AccessLogSettings"), "HttpAccessLogGroup")

	equalJSON(t, "public stage TracingEnabled", dig(t, raw, "Resources", "HealthApi", "Properties", "TracingEnabled"), true)
	equalJSON(t, "Route 53 stage TracingEnabled", dig(t, raw, "Resources", "HealthApiRoute53Stage", "Properties", "TracingEnabled"), true)
	equalJSON(t, "function Tracing", dig(t, raw, "Resources", "HealthFunction", "Properties", "Tracing"), "Active")
}

func TestExecutionLoggingIsOptional(t *testing.T) {
	for _, on := range []string{"false", "true"} {
		tpl := parseTemplate(t, map[string]any{"EnableExecutionLogging": on})
		for _, ms := range []any{
			dig(t, tpl, "Resources", "HealthApi", "Properties", "MethodSettings").([]any)[0],
			dig(t, tpl, "Resources", "HealthApiRoute53Stage", "Properties", "MethodSettings").([]any)[0],
		} {
			level, set := ms.(map[string]any)["LoggingLevel"]
			if (on == "true") != set || (set && level != "ERROR") {
				t.Errorf("EnableExecutionLogging=%s: LoggingLevel = %v", on, level)
			}
			equalJSON(t, "DataTraceEnabled (would log callers' headers)", dig(t, ms, "DataTraceEnabled"), false)
		}
	}
	raw := rawTemplate(t)
	// The names API Gateway writes execution logs to, created first so they have retention.
	equalJSON(t, "RestExecutionLogGroup name", dig(t, raw, "Resources", "RestExecutionLogGroup", "Properties", "LogGroupName"),
		sub("API-Gateway-Execution-Logs_${HealthApi}/${StageName}"))
	equalJSON(t, "Route53ExecutionLogGroup name", dig(t, raw, "Resources", "Route53ExecutionLogGroup", "Properties", "LogGroupName"),
		sub("API-Gateway-Execution-Logs_${HealthApi}/${Route53StageName}"))
	// The account role, behind its parameter; both stages wait for it.
	equalJSON(t, "ApiGatewayCloudWatchRole policy", dig(t, raw, "Resources", "ApiGatewayCloudWatchRole", "Properties", "ManagedPolicyArns"),
		[]any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")})
	equalJSON(t, "ApiGatewayAccount role", dig(t, raw, "Resources", "ApiGatewayAccount", "Properties", "CloudWatchRoleArn"), getAtt("ApiGatewayCloudWatchRole", "Arn"))
	// Each stage also waits for its execution log group: a stage that logs first makes
	// API Gateway create the group, and the stack's own create then fails.
	for stage, group := range map[string]string{"HealthApi": "RestExecutionLogGroup", "HealthApiRoute53Stage": "Route53ExecutionLogGroup"} {
		wait := map[string]any{
			"logRole":       map[string]any{"Fn::If": []any{"CreateApiGatewayAccount", ref("ApiGatewayAccount"), "account"}},
			"executionLogs": map[string]any{"Fn::If": []any{"ExecutionLogging", ref(group), "none"}},
		}
		equalJSON(t, stage+" waits for the account role and "+group, dig(t, raw, "Resources", stage, "Properties", "Variables"), wait)
	}
}

// ---------------------------------------------------------------- alarms and dashboard

func TestAlarms(t *testing.T) {
	raw := rawTemplate(t)
	type want struct {
		namespace, metric, stat string
		dims                    []any
		threshold               float64
		op                      string
	}
	fn := []any{map[string]any{"Name": "FunctionName", "Value": ref("HealthFunction")}}
	alarms := map[string]want{
		"ReadinessAlarm": {emf.Namespace, emf.ReadinessStatus, "Minimum",
			[]any{map[string]any{"Name": emf.ServiceDimension, "Value": ref("HealthServiceId")}}, 1, "LessThanThreshold"},
		"FunctionErrorsAlarm":    {"AWS/Lambda", "Errors", "Sum", fn, 1, "GreaterThanOrEqualToThreshold"},
		"FunctionThrottlesAlarm": {"AWS/Lambda", "Throttles", "Sum", fn, 1, "GreaterThanOrEqualToThreshold"},
		// 90 % of the function's Timeout, in milliseconds.
		"FunctionDurationAlarm": {"AWS/Lambda", "Duration", "p99", fn,
			0.9 * 1000 * dig(t, raw, "Resources", "HealthFunction", "Properties", "Timeout").(float64), "GreaterThanThreshold"},
		"Api5xxAlarm": {"AWS/ApiGateway", "5XXError", "Sum", []any{
			map[string]any{"Name": "ApiName", "Value": sub("${AWS::StackName}-health")},
			map[string]any{"Name": "Stage", "Value": ref("StageName")}}, 5, "GreaterThanOrEqualToThreshold"},
	}
	// The API's name in the 5xx alarm's dimension is the API's own.
	equalJSON(t, "HealthApi Name", dig(t, raw, "Resources", "HealthApi", "Properties", "Name"), sub("${AWS::StackName}-health"))
	known := emitted()
	for name, w := range alarms {
		p := dig(t, raw, "Resources", name, "Properties").(map[string]any)
		equalJSON(t, name+" Namespace", p["Namespace"], w.namespace)
		equalJSON(t, name+" MetricName", p["MetricName"], w.metric)
		stat := p["Statistic"]
		if stat == nil {
			stat = p["ExtendedStatistic"]
		}
		equalJSON(t, name+" statistic", stat, w.stat)
		equalJSON(t, name+" Dimensions", p["Dimensions"], w.dims)
		equalJSON(t, name+" Threshold", p["Threshold"], w.threshold)
		equalJSON(t, name+" ComparisonOperator", p["ComparisonOperator"], w.op)
		equalJSON(t, name+" ActionsEnabled", p["ActionsEnabled"], true)
		actions := map[string]any{"Fn::If": []any{"HasAlarmTopic", []any{ref("AlarmTopicArn")}, ref("AWS::NoValue")}}
		equalJSON(t, name+" AlarmActions", p["AlarmActions"], actions)
		equalJSON(t, name+" OKActions", p["OKActions"], actions)
		var dims []string
		for _, d := range w.dims {
			dims = append(dims, d.(map[string]any)["Name"].(string))
		}
		slices.Sort(dims)
		if !known[metricDims{w.namespace, w.metric, strings.Join(dims, ",")}] {
			t.Errorf("%s watches %s %s %v, which nothing emits", name, w.namespace, w.metric, dims)
		}
	}
	for name, r := range dig(t, raw, "Resources").(map[string]any) {
		if _, listed := alarms[name]; !listed && name != "HealthCheckAlarm" && dig(t, r, "Type") == "AWS::CloudWatch::Alarm" {
			t.Errorf("alarm %s is not checked by this test", name)
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

func dashboardBody(t *testing.T, overrides map[string]any) string {
	t.Helper()
	r, err := newResolver(rawTemplate(t), overrides)
	if err != nil {
		t.Fatal(err)
	}
	r.names = true
	body, ok := dig(t, r.template(false), "Resources", "HealthDashboard", "Properties", "DashboardBody").(string)
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
		metrics, regions := dashboardMetrics(t, dashboardBody(t, map[string]any{"CreateHealthCheck": hc}))
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
	body := dashboardBody(t, map[string]any{"CreateHealthCheck": "true", "AWS::Region": "eu-west-1"})
	metrics, regions := dashboardMetrics(t, body)
	for i, m := range metrics {
		if want := map[bool]string{true: "us-east-1", false: "eu-west-1"}[m.namespace == "AWS/Route53"]; regions[i] != want {
			t.Errorf("in eu-west-1: %s read in %q, want %q", m.name, regions[i], want)
		}
	}
}

// ---------------------------------------------------------------- custom domain and records

func TestCustomDomainAndRecord(t *testing.T) {
	raw := rawTemplate(t)
	d := dig(t, raw, "Resources", "ApiDomain", "Properties")
	equalJSON(t, "DomainName", dig(t, d, "DomainName"), ref("DomainName"))
	equalJSON(t, "RegionalCertificateArn", dig(t, d, "RegionalCertificateArn"), ref("CertificateArn"))
	equalJSON(t, "EndpointConfiguration", dig(t, d, "EndpointConfiguration"), map[string]any{"Types": []any{"REGIONAL"}})
	equalJSON(t, "SecurityPolicy", dig(t, d, "SecurityPolicy"), "TLS_1_2")
	m := dig(t, raw, "Resources", "ApiDomainMapping", "Properties")
	equalJSON(t, "mapping", m, map[string]any{"DomainName": ref("ApiDomain"), "RestApiId": ref("HealthApi"), "Stage": ref("HealthApi.Stage")})

	for _, tc := range []struct {
		policy, role string
		want         map[string]any // the routing keys present
	}{
		{"failover", "PRIMARY", map[string]any{"Failover": "PRIMARY"}},
		{"failover", "SECONDARY", map[string]any{"Failover": "SECONDARY"}},
		{"latency", "PRIMARY", map[string]any{"Region": "eu-west-1"}},
	} {
		tpl := parseTemplate(t, map[string]any{
			"AWS::Region": "eu-west-1", "RoutingPolicy": tc.policy, "FailoverRole": tc.role,
			"DomainName": "health.example.com", "HostedZoneId": "Z0123456789ABC", "CreateHealthCheck": "true",
		})
		r := dig(t, tpl, "Resources", "DnsRecord", "Properties").(map[string]any)
		name := tc.policy + "/" + tc.role
		equalJSON(t, name+" Name", r["Name"], "health.example.com")
		equalJSON(t, name+" Type", r["Type"], "A")
		equalJSON(t, name+" SetIdentifier (the region)", r["SetIdentifier"], "eu-west-1")
		equalJSON(t, name+" HealthCheckId", r["HealthCheckId"], ref("HealthCheck"))
		equalJSON(t, name+" AliasTarget", r["AliasTarget"], map[string]any{
			"DNSName": getAtt("ApiDomain", "RegionalDomainName"), "HostedZoneId": getAtt("ApiDomain", "RegionalHostedZoneId"),
			"EvaluateTargetHealth": false})
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
		// Whatever the record, the check keeps probing this region's own host.
		equalJSON(t, name+" health check host", dig(t, tpl, "Resources", "HealthCheck", "Properties", "HealthCheckConfig", "FullyQualifiedDomainName"),
			map[string]any{"Fn::Sub": "${HealthApi}.execute-api.eu-west-1.amazonaws.com"})
	}
	// A record needs a domain and a health check; a domain needs a certificate.
	rule := dig(t, raw, "Rules", "RecordNeedsDomainAndHealthCheck", "Assertions").([]any)
	equalJSON(t, "record rule", []any{dig(t, rule[0], "Assert"), dig(t, rule[1], "Assert")}, []any{
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref("DomainName"), ""}}}},
		map[string]any{"Fn::Equals": []any{ref("CreateHealthCheck"), "true"}},
	})
	equalJSON(t, "certificate rule", dig(t, dig(t, raw, "Rules", "DomainNeedsCertificate", "Assertions").([]any)[0], "Assert"),
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref("CertificateArn"), ""}}}})
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
