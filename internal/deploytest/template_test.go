package deploytest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

// root is the repository root, where template.yaml, samconfig.toml and the Makefile live.
const root = "../.."

// seedBody is the answer to GET /health that clients rely on (README, "What answers what").
const seedBody = httpapi.HealthyBody

func TestTemplateIsSAMWithoutGlobals(t *testing.T) {
	tpl := parseTemplate(t, nil)
	equalJSON(t, "Transform", tpl["Transform"], "AWS::Serverless-2016-10-31")
	if g, ok := tpl["Globals"]; ok {
		t.Errorf("Globals = %v; every property is set on its resource", g)
	}
}

func TestHealthFunction(t *testing.T) {
	tpl := parseTemplate(t, nil)
	fn := dig(t, tpl, "Resources", "HealthFunction")
	equalJSON(t, "Type", dig(t, fn, "Type"), "AWS::Serverless::Function")
	equalJSON(t, "Metadata.BuildMethod (go1.x sets neither CGO_ENABLED=0 nor lambda.norpc)", dig(t, fn, "Metadata", "BuildMethod"), "makefile")
	p := dig(t, fn, "Properties")
	equalJSON(t, "Runtime", dig(t, p, "Runtime"), "provided.al2023")
	equalJSON(t, "Handler", dig(t, p, "Handler"), "bootstrap")
	equalJSON(t, "Architectures", dig(t, p, "Architectures"), []string{"arm64"})
	equalJSON(t, "CodeUri (the Makefile must sit at CodeUri)", dig(t, p, "CodeUri"), ".")
	equalJSON(t, "MemorySize", dig(t, p, "MemorySize"), 128)
	// Route 53 wants the status within 2 s; the readiness checks stop at their 1.5 s
	// budget (HEALTH_CHECK_BUDGET) and the function must outlive them to answer 503 itself.
	equalJSON(t, "Timeout", dig(t, p, "Timeout"), 2)
	if _, ok := p.(map[string]any)["Policies"]; ok {
		t.Errorf("Policies set: the function's only rights are in HealthFunctionRole")
	}
	equalJSON(t, "LoggingConfig.LogFormat", dig(t, p, "LoggingConfig", "LogFormat"), "JSON")
	equalJSON(t, "LoggingConfig.ApplicationLogLevel", dig(t, p, "LoggingConfig", "ApplicationLogLevel"), "INFO")
	equalJSON(t, "LoggingConfig.SystemLogLevel", dig(t, p, "LoggingConfig", "SystemLogLevel"), "WARN")
	equalJSON(t, "CORS_ALLOWED_ORIGINS default", dig(t, p, "Environment", "Variables", "CORS_ALLOWED_ORIGINS"), "*")

	// Values that come from parameters, checked as written.
	raw := dig(t, rawTemplate(t), "Resources", "HealthFunction", "Properties")
	equalJSON(t, "Role", dig(t, raw, "Role"), getAtt("HealthFunctionRole", "Arn"))
	equalJSON(t, "CORS_ALLOWED_ORIGINS", dig(t, raw, "Environment", "Variables", "CORS_ALLOWED_ORIGINS"), ref("CorsAllowedOrigins"))
	equalJSON(t, "BASE_PATH", dig(t, raw, "Environment", "Variables", "BASE_PATH"), ref("BasePath"))
	for env, param := range map[string]string{
		"HEALTH_CHECKS": "HealthChecks", "HEALTH_CHECK_BUDGET": "HealthCheckBudget", "HEALTH_CACHE_TTL": "HealthCacheTTL",
		"HEALTH_DETAILS_TOKEN": "HealthDetailsToken", "HEALTH_SERVICE_ID": "HealthServiceId",
		"HEALTH_DRAIN": "Drain", "HEALTH_PUBLIC_CHECKS": "HealthPublicChecks", "HEALTH_CERT_WARN_DAYS": "HealthCertWarnDays",
	} {
		equalJSON(t, env, dig(t, raw, "Environment", "Variables", env), ref(param))
	}
	equalJSON(t, "HealthDetailsToken NoEcho", dig(t, rawTemplate(t), "Parameters", "HealthDetailsToken", "NoEcho"), true)

	// The defaults must start the function: the very parser it runs at init
	// reads the environment the template gives it.
	vars, _ := dig(t, p, "Environment", "Variables").(map[string]any)
	// CloudFormation passes every value as a string: a Number parameter's 14 as "14".
	getenv := func(k string) string {
		switch v := vars[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	if cfg, err := config.Load(getenv); err != nil {
		t.Errorf("the template's default environment does not load: %v", err)
	} else if cfg.Drain {
		t.Errorf("the template drains by default")
	}
	// Drain=true must reach the function as a value it reads as "drain".
	drained, _ := dig(t, parseTemplate(t, map[string]any{"Drain": "true"}), "Resources", "HealthFunction", "Properties", "Environment", "Variables").(map[string]any)
	if !mustLoad(t, func(k string) string { s, _ := drained[k].(string); return s }).Drain {
		t.Errorf("Drain=true does not drain: HEALTH_DRAIN=%v", drained["HEALTH_DRAIN"])
	}
	equalJSON(t, "ReservedConcurrentExecutions", dig(t, raw, "ReservedConcurrentExecutions"),
		map[string]any{"Fn::If": []any{"HasReservedConcurrency", ref("ReservedConcurrency"), ref("AWS::NoValue")}})
	equalJSON(t, "HasReservedConcurrency", dig(t, rawTemplate(t), "Conditions", "HasReservedConcurrency"),
		map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref("ReservedConcurrency"), 0}}}})
}

// The role may write to the function's own log group and send traces; in a VPC it may
// also manage the function's network interfaces. Nothing else.
func TestHealthFunctionRoleIsLeastPrivilege(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]any
		want      map[string][]string // policy name -> sorted actions
	}{
		{"defaults", nil, map[string][]string{
			"write-own-logs": {"logs:CreateLogStream", "logs:PutLogEvents"},
			"write-traces":   {"xray:PutTelemetryRecords", "xray:PutTraceSegments"},
		}},
		{"in a VPC", map[string]any{"SubnetIds": "subnet-1,subnet-2", "SecurityGroupIds": "sg-1"}, map[string][]string{
			"write-own-logs": {"logs:CreateLogStream", "logs:PutLogEvents"},
			"write-traces":   {"xray:PutTelemetryRecords", "xray:PutTraceSegments"},
			// AWSLambdaVPCAccessExecutionRole's EC2 actions, without its account-wide logs rights.
			"vpc-network-interfaces": {"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
				"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			role := dig(t, parseTemplate(t, tc.overrides), "Resources", "HealthFunctionRole")
			equalJSON(t, "role Type", dig(t, role, "Type"), "AWS::IAM::Role")
			if m, _ := dig(t, role, "Properties").(map[string]any); m["ManagedPolicyArns"] != nil {
				t.Errorf("role has ManagedPolicyArns: %v", m["ManagedPolicyArns"])
			}
			got := map[string][]string{}
			for _, p := range dig(t, role, "Properties", "Policies").([]any) {
				name := dig(t, p, "PolicyName").(string)
				for _, st := range dig(t, p, "PolicyDocument", "Statement").([]any) {
					equalJSON(t, name+" Effect", dig(t, st, "Effect"), "Allow")
					wantRes := any("*") // X-Ray and EC2 network-interface actions take no resource
					if name == "write-own-logs" {
						wantRes = getAtt("HealthLogGroup", "Arn")
					}
					equalJSON(t, name+" Resource", dig(t, st, "Resource"), wantRes)
					for _, a := range dig(t, st, "Action").([]any) {
						got[name] = append(got[name], a.(string))
					}
				}
				slices.Sort(got[name])
			}
			equalJSON(t, "role policies", got, tc.want)
		})
	}
}

func TestRESTAPIRoutesAndStage(t *testing.T) {
	tpl := parseTemplate(t, nil)
	raw := rawTemplate(t)
	events := dig(t, raw, "Resources", "HealthFunction", "Properties", "Events").(map[string]any)
	var routes []string
	for name, ev := range events {
		if typ := dig(t, ev, "Type"); typ != "Api" {
			t.Errorf("event %s: Type %v, want Api (what sam local start-api emulates)", name, typ)
			continue
		}
		equalJSON(t, name+".RestApiId", dig(t, ev, "Properties", "RestApiId"), ref("HealthApi"))
		// Only the detailed view needs a caller identity; the health routes stay public.
		auth := ev.(map[string]any)["Properties"].(map[string]any)["Auth"]
		if dig(t, ev, "Properties", "Path") == "/health/details" {
			equalJSON(t, name+".Auth", auth, map[string]any{"Authorizer": "AWS_IAM", "InvokeRole": "NONE"})
		} else if auth != nil {
			t.Errorf("%s has Auth %v: the health routes are public", name, auth)
		}
		routes = append(routes, dig(t, ev, "Properties", "Method").(string)+" "+dig(t, ev, "Properties", "Path").(string))
	}
	slices.Sort(routes)
	want := []string{
		"GET /health", "GET /health/details", "GET /health/live", "GET /health/ready",
		"HEAD /health", "HEAD /health/live", "HEAD /health/ready",
		"OPTIONS /health", "OPTIONS /health/live", "OPTIONS /health/ready",
	}
	if !slices.Equal(routes, want) {
		t.Errorf("routes = %v, want %v", routes, want)
	}

	api := dig(t, tpl, "Resources", "HealthApi")
	equalJSON(t, "HealthApi Type", dig(t, api, "Type"), "AWS::Serverless::Api")
	p := dig(t, api, "Properties")
	equalJSON(t, "StageName with default parameters", dig(t, p, "StageName"), "Prod")
	equalJSON(t, "OpenApiVersion (else SAM adds a stage named Stage)", dig(t, p, "OpenApiVersion"), "3.0.1")
	equalJSON(t, "CacheClusterEnabled", dig(t, p, "CacheClusterEnabled"), false)
	equalJSON(t, "EndpointConfiguration.Type", dig(t, p, "EndpointConfiguration", "Type"), "REGIONAL")
	settings := dig(t, p, "MethodSettings").([]any)
	if len(settings) != 1 {
		t.Fatalf("MethodSettings has %d entries, want 1", len(settings))
	}
	ms := settings[0]
	equalJSON(t, "MethodSettings ResourcePath", dig(t, ms, "ResourcePath"), "/*")
	equalJSON(t, "MethodSettings HttpMethod", dig(t, ms, "HttpMethod"), "*")
	equalJSON(t, "MethodSettings CachingEnabled", dig(t, ms, "CachingEnabled"), false)
	// Route 53's checkers send ~0.5 req/s (30 s) or ~1.5 req/s (10 s), in bursts of a
	// few dozen at most: the defaults must be far above that.
	rate, _ := dig(t, ms, "ThrottlingRateLimit").(float64)
	burst, _ := dig(t, ms, "ThrottlingBurstLimit").(float64)
	if rate < 50 || burst < 100 {
		t.Errorf("default throttling rate %v, burst %v: want at least 50 and 100", rate, burst)
	}

	// The stage and the limits are parameters.
	rawMS := dig(t, raw, "Resources", "HealthApi", "Properties", "MethodSettings").([]any)[0]
	equalJSON(t, "ThrottlingRateLimit", dig(t, rawMS, "ThrottlingRateLimit"), ref("ThrottlingRateLimit"))
	equalJSON(t, "ThrottlingBurstLimit", dig(t, rawMS, "ThrottlingBurstLimit"), ref("ThrottlingBurstLimit"))
	equalJSON(t, "StageName", dig(t, raw, "Resources", "HealthApi", "Properties", "StageName"), ref("StageName"))
	v1 := parseTemplate(t, map[string]any{"StageName": "v1"})
	equalJSON(t, "StageName with StageName=v1", dig(t, v1, "Resources", "HealthApi", "Properties", "StageName"), "v1")
}

func TestRoute53HealthCheck(t *testing.T) {
	tpl := parseTemplate(t, nil)
	hc := dig(t, tpl, "Resources", "HealthCheck")
	equalJSON(t, "Type", dig(t, hc, "Type"), "AWS::Route53::HealthCheck")
	equalJSON(t, "Condition", dig(t, hc, "Condition"), "CreateHealthCheck")
	c := dig(t, hc, "Properties", "HealthCheckConfig")
	equalJSON(t, "Type", dig(t, c, "Type"), "HTTPS_STR_MATCH")
	equalJSON(t, "Port", dig(t, c, "Port"), 443)
	equalJSON(t, "EnableSNI (execute-api needs SNI)", dig(t, c, "EnableSNI"), true)
	// Route 53's own stage, not the public one.
	equalJSON(t, "ResourcePath with default parameters", dig(t, c, "ResourcePath"), "/Route53/health")
	v1 := parseTemplate(t, map[string]any{"StageName": "v1", "Route53StageName": "r53"})
	equalJSON(t, "ResourcePath with Route53StageName=r53", dig(t, v1, "Resources", "HealthCheck", "Properties", "HealthCheckConfig", "ResourcePath"), "/r53/health")

	equalJSON(t, "SearchString default", dig(t, c, "SearchString"), `"status":"healthy"`)
	// Whatever the choice, a healthy answer matches and an unhealthy one never does.
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

	raw := dig(t, rawTemplate(t), "Resources", "HealthCheck", "Properties", "HealthCheckConfig")
	equalJSON(t, "FullyQualifiedDomainName", dig(t, raw, "FullyQualifiedDomainName"), sub("${HealthApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"))
	equalJSON(t, "ResourcePath", dig(t, raw, "ResourcePath"), sub("/${Route53StageName}/health"))
	equalJSON(t, "RequestInterval", dig(t, raw, "RequestInterval"), ref("HealthCheckRequestInterval"))
	equalJSON(t, "FailureThreshold", dig(t, raw, "FailureThreshold"), ref("HealthCheckFailureThreshold"))
	equalJSON(t, "SearchString", dig(t, raw, "SearchString"), ref("HealthCheckSearchString"))
	equalJSON(t, "Regions", dig(t, raw, "Regions"),
		map[string]any{"Fn::If": []any{"HealthCheckAllRegions", ref("AWS::NoValue"), map[string]any{"Fn::Split": []any{",", ref("HealthCheckRegions")}}}})
}

func TestHealthCheckAlarmOnlyInUSEast1WithTopic(t *testing.T) {
	raw := rawTemplate(t)
	equalJSON(t, "alarm Condition", dig(t, raw, "Resources", "HealthCheckAlarm", "Condition"), "CreateHealthCheckAlarm")
	// `!Condition X` may be written as a plain "X" too; accept both spellings.
	var conds []any
	for _, c := range dig(t, raw, "Conditions", "CreateHealthCheckAlarm", "Fn::And").([]any) {
		if m, ok := c.(map[string]any); ok {
			c = m["Condition"]
		}
		conds = append(conds, c)
	}
	equalJSON(t, "CreateHealthCheckAlarm", conds, []any{"CreateHealthCheck", "HasAlarmTopic", "InUsEast1"})
	equalJSON(t, "InUsEast1", dig(t, raw, "Conditions", "InUsEast1"),
		map[string]any{"Fn::Equals": []any{ref("AWS::Region"), "us-east-1"}})
	p := dig(t, raw, "Resources", "HealthCheckAlarm", "Properties")
	equalJSON(t, "Namespace", dig(t, p, "Namespace"), "AWS/Route53")
	equalJSON(t, "MetricName", dig(t, p, "MetricName"), "HealthCheckStatus")
	equalJSON(t, "Dimensions", dig(t, p, "Dimensions"), []any{map[string]any{"Name": "HealthCheckId", "Value": ref("HealthCheck")}})
	equalJSON(t, "Statistic", dig(t, p, "Statistic"), "Minimum")
	equalJSON(t, "ComparisonOperator", dig(t, p, "ComparisonOperator"), "LessThanThreshold")
	equalJSON(t, "Threshold", dig(t, p, "Threshold"), 1)
	equalJSON(t, "AlarmActions", dig(t, p, "AlarmActions"), []any{ref("AlarmTopicArn")})
	equalJSON(t, "OKActions (recovery is notified too)", dig(t, p, "OKActions"), []any{ref("AlarmTopicArn")})
	equalJSON(t, "Period", dig(t, p, "Period"), 60)
	equalJSON(t, "EvaluationPeriods", dig(t, p, "EvaluationPeriods"), 1)
	equalJSON(t, "TreatMissingData (a vanished check is an outage)", dig(t, p, "TreatMissingData"), "breaching")
}

func TestOptionalFrontsAreConditional(t *testing.T) {
	raw := rawTemplate(t)
	resources := dig(t, raw, "Resources").(map[string]any)
	want := map[string]string{
		"HealthHttpApi":                     "CreateHttpApi",
		"HealthHttpApiIntegration":          "CreateHttpApi",
		"HealthHttpApiGetRoute":             "CreateHttpApi",
		"HealthHttpApiHeadRoute":            "CreateHttpApi",
		"HealthHttpApiDefaultRoute":         "CreateHttpApi",
		"HealthHttpApiStage":                "CreateHttpApi",
		"HealthHttpApiPermission":           "CreateHttpApi",
		"HealthFunctionUrl":                 "CreateFunctionUrl",
		"HealthFunctionUrlPermission":       "CreateFunctionUrl",
		"HealthFunctionUrlInvokePermission": "CreateFunctionUrl",
		"HealthCheck":                       "CreateHealthCheck",
		"HealthCheckAlarm":                  "CreateHealthCheckAlarm",
		"HttpAccessLogGroup":                "CreateHttpApi",
		"RestExecutionLogGroup":             "ExecutionLogging",
		"Route53ExecutionLogGroup":          "ExecutionLogging",
		"ApiGatewayCloudWatchRole":          "CreateApiGatewayAccount",
		"ApiGatewayAccount":                 "CreateApiGatewayAccount",
		"PublicStageWebAcl":                 "HasWebAcl",
		"ApiDomain":                         "HasDomain",
		"ApiDomainMapping":                  "HasDomain",
		"DnsRecord":                         "CreateRecord",
	}
	for name, cond := range want {
		equalJSON(t, name+".Condition", dig(t, resources, name, "Condition"), cond)
	}
	for name, r := range resources {
		if _, optional := want[name]; !optional {
			if c, ok := r.(map[string]any)["Condition"]; ok {
				t.Errorf("%s has Condition %v but is not listed as optional", name, c)
			}
		}
	}
	equalJSON(t, "HTTP API routes", []any{
		dig(t, resources, "HealthHttpApiGetRoute", "Properties", "RouteKey"),
		dig(t, resources, "HealthHttpApiHeadRoute", "Properties", "RouteKey"),
		dig(t, resources, "HealthHttpApiDefaultRoute", "Properties", "RouteKey"),
	}, []any{"GET /health", "HEAD /health", "$default"})
	equalJSON(t, "Function URL AuthType", dig(t, resources, "HealthFunctionUrl", "Properties", "AuthType"), "NONE")
}

func TestOutputs(t *testing.T) {
	raw := rawTemplate(t)
	out := dig(t, raw, "Outputs")
	equalJSON(t, "HealthUrl", dig(t, out, "HealthUrl", "Value"),
		sub("https://${HealthApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}/health"))
	equalJSON(t, "HealthFunctionArn", dig(t, out, "HealthFunctionArn", "Value"),
		getAtt("HealthFunction", "Arn"))
	equalJSON(t, "HealthCheckId", dig(t, out, "HealthCheckId", "Value"), ref("HealthCheck"))
	equalJSON(t, "HealthCheckId Condition", dig(t, out, "HealthCheckId", "Condition"), "CreateHealthCheck")
}

func TestParameterDefaults(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	want := map[string]any{
		"StageName":                   "Prod",
		"ReservedConcurrency":         0,
		"EnableHttpApi":               "false",
		"EnableFunctionUrl":           "false",
		"CreateHealthCheck":           "false",
		"HealthCheckRequestInterval":  30,
		"HealthCheckFailureThreshold": 3,
		"HealthCheckRegions":          "",
		"HealthCheckSearchString":     `"status":"healthy"`,
		"AlarmTopicArn":               "",
		"CorsAllowedOrigins":          "*",
		"BasePath":                    "",
		"Drain":                       "false",
		"LogRetentionInDays":          365,
		"HealthPublicChecks":          "false",
		"HealthCertWarnDays":          14,
		"Route53StageName":            "Route53",
		"WebAclArn":                   "",
		"SubnetIds":                   "",
		"SecurityGroupIds":            "",
		"KmsKeyArn":                   "",
		"EnableExecutionLogging":      "false",
		"CreateApiGatewayAccountRole": "false",
		"DomainName":                  "",
		"HostedZoneId":                "",
		"RoutingPolicy":               "failover",
	}
	for name, def := range want {
		equalJSON(t, name+" default", dig(t, params, name, "Default"), def)
	}
	equalJSON(t, "HealthCheckRegions Type", dig(t, params, "HealthCheckRegions", "Type"), "String")
	equalJSON(t, "HealthCheckRequestInterval AllowedValues", dig(t, params, "HealthCheckRequestInterval", "AllowedValues"), []any{10, 30})
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
		for _, v := range []string{"0", "10", "0ms", "0s", "0.0s", "1.0s", "1.5s", "0.5s", "1500ms", "2s", "10s", "1m", "90s", "-1s", "1h", "abc", ""} {
			_, err := config.Load(func(k string) string {
				if k == env {
					return v
				}
				return ""
			})
			// An empty value means "default" to the function but is not a
			// value the template can pass: CloudFormation has the default.
			if v == "" {
				continue
			}
			if re.MatchString(v) && err != nil {
				t.Errorf("%s: pattern accepts %q, the function rejects it: %v", param, v, err)
			}
		}
		if def := dig(t, params, param, "Default").(string); !re.MatchString(def) {
			t.Errorf("%s: default %q does not match its own pattern", param, def)
		}
	}
}

// mustLoad is the function's own configuration parser, run on an environment
// the template gives it.
func mustLoad(t *testing.T, getenv func(string) string) config.Config {
	t.Helper()
	cfg, err := config.Load(getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
