package samlocal_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

func load(t *testing.T, path string, overrides map[string]string, id string) *samlocal.Function {
	t.Helper()
	tmpl, err := samlocal.Load(path, overrides)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := tmpl.Function(id)
	if err != nil {
		t.Fatal(err)
	}
	return fn
}

func TestVariablesResolved(t *testing.T) {
	base := map[string]string{
		"FROM_GLOBALS": "global",
		"OVERRIDDEN":   "local",
		"REF":          "dev",
		"SUB":          "us-east-1/dev/123456789012/${Literal}",
		"SUB_VARS":     "b.example:100",
		"IF":           "off",
		"IF_AND":       "no",
		"NUM":          "100",
		"BOOL":         "true",
		"FLOAT":        "1.5",
		"JOIN":         "a.example|b.example",
		"LIST":         "", // a list is no variable value: SAM CLI passes ""
		"ARN":          "arn:aws:lambda:us-east-1:123456789012:function:Fn",
		"IMPORT":       "", // needs another stack: unresolved, "" as in SAM CLI
		"NO_DEFAULT":   "NoDefault",
		"STACK":        "local",
	}
	with := func(changes map[string]string) map[string]string {
		m := maps.Clone(base)
		for k, v := range changes {
			if v == "-" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	tests := []struct {
		name      string
		overrides map[string]string
		want      map[string]string
		memory    int
	}{
		{"parameter defaults", nil, base, 256},
		{"overrides", map[string]string{"Stage": "prod", "Flag": "true", "Num": "7", "Hosts": "x,y", "NoDefault": "given"},
			with(map[string]string{"REF": "prod", "SUB": "us-east-1/prod/123456789012/${Literal}", "SUB_VARS": "y:7",
				"IF": "on", "IF_AND": "yes", "NUM": "7", "JOIN": "x|y", "GONE": "there", "NO_DEFAULT": "given"}), 1024},
		{"pseudo parameters overridden", map[string]string{"AWS::Region": "eu-west-1", "AWS::StackName": "mine"},
			with(map[string]string{"SUB": "eu-west-1/dev/123456789012/${Literal}", "STACK": "mine",
				"ARN": "arn:aws:lambda:eu-west-1:123456789012:function:Fn"}), 256},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn := load(t, "testdata/implicit.yaml", tc.overrides, "Fn")
			if !reflect.DeepEqual(fn.Variables, tc.want) {
				for k := range mergedKeys(fn.Variables, tc.want) {
					if got, want := fn.Variables[k], tc.want[k]; got != want {
						t.Errorf("%s = %q, want %q", k, got, want)
					}
				}
				t.Errorf("variables differ: got %v", fn.Variables)
			}
			if fn.Timeout != 5*time.Second || fn.MemorySize != tc.memory {
				t.Errorf("timeout %v memory %d, want 5s (Globals) and %d (FindInMap)", fn.Timeout, fn.MemorySize, tc.memory)
			}
		})
	}
}

func mergedKeys(a, b map[string]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		overrides map[string]string
		want      []samlocal.Route
		notes     []string
	}{
		{
			name: "implicit API", path: "testdata/implicit.yaml",
			want: []samlocal.Route{
				{Path: "/files/{path+}", Methods: []string{"GET"}, API: samlocal.API{LogicalID: "ServerlessRestApi", Stage: "Prod"}},
				{Path: "/items", Methods: []string{"GET"}, API: samlocal.API{LogicalID: "ServerlessRestApi", Stage: "Prod"}},
				{Path: "/items/{id}", Methods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, API: samlocal.API{LogicalID: "ServerlessRestApi", Stage: "Prod"}},
			},
			notes: []string{"event V2 is an HttpApi"},
		},
		{
			name: "explicit API, stage from a parameter override", path: "testdata/explicit.yaml",
			overrides: map[string]string{"StageName": "v2"},
			want: []samlocal.Route{
				{Path: "/", Methods: []string{"GET"}, Authorizer: "AWS_IAM", API: explicitAPI("v2")},
				{Path: "/private", Methods: []string{"POST"}, Authorizer: "AWS_IAM", API: explicitAPI("v2")},
				{Path: "/public", Methods: []string{"GET"}, API: explicitAPI("v2")},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn := load(t, tc.path, tc.overrides, "Fn")
			if !reflect.DeepEqual(fn.Routes, tc.want) {
				t.Errorf("routes\n got %+v\nwant %+v", fn.Routes, tc.want)
			}
			if len(fn.Notes) != len(tc.notes) {
				t.Errorf("notes %q, want %d", fn.Notes, len(tc.notes))
			}
			for i, n := range tc.notes {
				if i < len(fn.Notes) && !strings.Contains(fn.Notes[i], n) {
					t.Errorf("note %q, want it to mention %q", fn.Notes[i], n)
				}
			}
		})
	}
}

func explicitAPI(stage string) samlocal.API {
	return samlocal.API{LogicalID: "Api", Stage: stage, BinaryMediaTypes: []string{"image/png"}, StageVariables: map[string]string{"Color": "blue"}}
}

// The project's own template: the REST routes local mode must mount, its
// stage, timeout and environment. Other routes may be added to it.
func TestProjectTemplate(t *testing.T) {
	fn := load(t, "../../template.yaml", nil, "HealthFunction")
	for _, path := range []string{"/health", "/health/ready", "/health/live"} {
		i := slices.IndexFunc(fn.Routes, func(r samlocal.Route) bool { return r.Path == path })
		if i < 0 {
			t.Errorf("%s not mounted; routes: %+v", path, fn.Routes)
			continue
		}
		r := fn.Routes[i]
		if !slices.Equal(r.Methods, []string{"GET", "HEAD", "OPTIONS"}) || r.API.LogicalID != "HealthApi" || r.API.Stage != "Prod" {
			t.Errorf("%s: %+v, want GET, HEAD, OPTIONS on HealthApi stage Prod", path, r)
		}
	}
	if fn.Timeout != 2*time.Second {
		t.Errorf("Timeout = %v, want the template's 2s", fn.Timeout)
	}
	for k, want := range map[string]string{
		"CORS_ALLOWED_ORIGINS": "*",
		"BASE_PATH":            "",
		"HEALTH_CHECKS":        "",
		"HEALTH_CHECK_BUDGET":  "1500ms",
		"HEALTH_CACHE_TTL":     "10s",
		"HEALTH_SERVICE_ID":    "whatsapp-contact-processor-api",
	} {
		if got, ok := fn.Variables[k]; !ok || got != want {
			t.Errorf("%s = %q (set: %v), want %q", k, got, ok, want)
		}
	}
	if fn.LogFormat != "JSON" || fn.ApplicationLogLevel != "INFO" {
		t.Errorf("logging %q/%q, want JSON/INFO", fn.LogFormat, fn.ApplicationLogLevel)
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name, yaml, fn, want string
	}{
		{"not a template", "- a\n- b\n", "Fn", "mapping"},
		{"no resources", "Parameters: {}\n", "Fn", "no Resources"},
		{"unknown function", fnYAML("Handler: x"), "Nope", `no AWS::Serverless::Function "Nope" in the template (functions: Fn)`},
		{"timeout not a number", fnYAML("Timeout: soon"), "Fn", "Timeout soon"},
		{"bad method", fnYAML("Events: {E: {Type: Api, Properties: {Path: /a, Method: FETCH}}}"), "Fn", `method "FETCH"`},
		{"relative path", fnYAML("Events: {E: {Type: Api, Properties: {Path: a, Method: GET}}}"), "Fn", "starting with /"},
		{"greedy not last", fnYAML("Events: {E: {Type: Api, Properties: {Path: '/{p+}/a', Method: GET}}}"), "Fn", "bad path parameter"},
		{"undefined condition", fnYAML("Environment: {Variables: {A: !If [Nope, a, b]}}"), "Fn", `condition "Nope" is not defined`},
		{"RestApiId not an API", fnYAML("Events: {E: {Type: Api, Properties: {Path: /a, Method: GET, RestApiId: Fn}}}"), "Fn", "not an AWS::Serverless::Api"},
		{"unknown tag", fnYAML("Handler: !Nope x"), "Fn", "unknown tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := samlocal.Parse([]byte(tc.yaml), nil)
			if err == nil {
				_, err = tmpl.Function(tc.fn)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func fnYAML(props string) string {
	return "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {" + strings.TrimSpace(props) + "}\n"
}

func TestFunctions(t *testing.T) {
	tmpl, err := samlocal.Load("testdata/implicit.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Functions(); !slices.Equal(got, []string{"Fn", "Other"}) {
		t.Errorf("Functions = %q, want [Fn Other]", got)
	}
	for dir, want := range map[string]string{"health": "HealthFunction", "contact-sync": "ContactsyncFunction", "": ""} {
		if got := samlocal.LogicalID(dir); got != want {
			t.Errorf("LogicalID(%q) = %q, want %q", dir, got, want)
		}
	}
}

// One environment variable per case, resolved in a small template.
func TestIntrinsics(t *testing.T) {
	const head = `
Parameters:
  P: {Type: String, Default: "a,b"}
  N: {Type: Number, Default: 3}
Conditions:
  Yes: !Equals [x, x]
  No: !Not [!Condition Yes]
  Either: !Or [!Condition No, !Condition Yes]
  Loop: !Condition Loop2
  Loop2: !Condition Loop
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          V: `
	tests := []struct {
		expr, want, err string
	}{
		{expr: `!Split [",", !Ref P]`, want: ""}, // a list: "" as in SAM CLI
		{expr: `!Select [1, !Split [",", !Ref P]]`, want: "b"},
		{expr: `!Join ["-", [!Ref N, "x", true]]`, want: "3-x-true"},
		{expr: `!If [Either, y, n]`, want: "y"},
		{expr: `!If [No, y, n]`, want: "n"},
		{expr: `!Sub "${P}-${N}-${Fn.Arn}"`, want: "a,b-3-arn:aws:lambda:us-east-1:123456789012:function:Fn"},
		{expr: `!Sub "${Fn}"`, want: "Fn"},
		{expr: `!GetAtt Fn.Version`, want: ""}, // not knowable locally
		{expr: `!GetAZs ""`, want: ""},
		{expr: `{"Fn::Sub": "${P"}`, err: "unterminated"},
		{expr: `!Select [5, [a]]`, err: "Fn::Select"},
		{expr: `!FindInMap [M, a, b]`, err: "Fn::FindInMap"},
		{expr: `!If [Loop, a, b]`, err: "refers to itself"},
		{expr: `!If [Nope, a, b]`, err: "not defined"},
		{expr: `!Not [x]`, err: "not a condition"},
		{expr: `!Join [",", x]`, err: "Fn::Join"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			tmpl, err := samlocal.Parse([]byte(head+tc.expr+"\n"), nil)
			if err != nil {
				t.Fatal(err)
			}
			fn, err := tmpl.Function("Fn")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := fn.Variables["V"]; !ok || got != tc.want {
				t.Errorf("V = %q (set: %v), want %q", got, ok, tc.want)
			}
		})
	}
}
