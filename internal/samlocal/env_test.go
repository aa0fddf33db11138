package samlocal_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

func TestEnv(t *testing.T) {
	fn := load(t, "testdata/explicit.yaml", nil, "Fn")
	shell := map[string]string{"B": "shell", "C": "shell", "D": "shell"}
	lookup := func(k string) (string, bool) { v, ok := shell[k]; return v, ok }

	tests := []struct {
		name   string
		lookup func(string) (string, bool)
		file   string
		want   map[string]string
	}{
		{"template only", nil, "", map[string]string{"A": "template", "B": "template", "C": "template"}},
		{"shell beats template for declared variables only", lookup, "",
			map[string]string{"A": "template", "B": "shell", "C": "shell"}},
		{"file Parameters beat the shell, the function's own entry beats Parameters", lookup,
			`{"Parameters": {"C": "params", "A": "params", "D": "params"}, "Fn": {"A": "own", "E": "own"}}`,
			map[string]string{"A": "own", "B": "shell", "C": "params"}},
		{"function found by FunctionName", nil, `{"my-fn": {"A": 1, "B": true, "C": null}}`,
			map[string]string{"A": "1", "B": "true", "C": ""}},
		{"logical id wins over FunctionName", nil, `{"Fn": {"A": "by-id"}, "my-fn": {"A": "by-name"}}`,
			map[string]string{"A": "by-id", "B": "template", "C": "template"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var file samlocal.EnvVars
			if tc.file != "" {
				var err error
				if file, err = samlocal.ParseEnvVars([]byte(tc.file)); err != nil {
					t.Fatal(err)
				}
			}
			env := fn.Env(tc.lookup, file)
			for k, want := range tc.want {
				if got, ok := env[k]; !ok || got != want {
					t.Errorf("%s = %q (set: %v), want %q", k, got, ok, want)
				}
			}
			for _, k := range []string{"D", "E"} {
				if v, ok := env[k]; ok {
					t.Errorf("%s = %q: the template does not declare it, SAM CLI does not pass it", k, v)
				}
			}
			for k, want := range map[string]string{
				"AWS_SAM_LOCAL":                   "true",
				"AWS_REGION":                      "us-east-1",
				"AWS_DEFAULT_REGION":              "us-east-1",
				"AWS_LAMBDA_FUNCTION_NAME":        "Fn",
				"AWS_LAMBDA_FUNCTION_TIMEOUT":     "1",
				"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
				"AWS_LAMBDA_FUNCTION_HANDLER":     "bootstrap",
				"AWS_LAMBDA_LOG_GROUP_NAME":       "aws/lambda/Fn",
			} {
				if env[k] != want {
					t.Errorf("%s = %q, want %q", k, env[k], want)
				}
			}
			if _, ok := env["AWS_LAMBDA_RUNTIME_API"]; ok {
				t.Error("AWS_LAMBDA_RUNTIME_API set: the function would think it runs under Lambda")
			}
		})
	}
}

// As SAM CLI: the shell's AWS session if there is one, placeholder keys
// otherwise, whether or not the template declares them.
func TestEnvCredentials(t *testing.T) {
	fn := load(t, "testdata/explicit.yaml", nil, "Fn")
	session := map[string]string{"AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s3cret", "AWS_SESSION_TOKEN": "tok"}
	tests := []struct {
		name   string
		lookup func(string) (string, bool)
		want   map[string]string
	}{
		{"no session", nil, map[string]string{"AWS_ACCESS_KEY_ID": "defaultkey", "AWS_SECRET_ACCESS_KEY": "defaultsecret"}},
		{"shell session", func(k string) (string, bool) { v, ok := session[k]; return v, ok }, session},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := fn.Env(tc.lookup, nil)
			for k, want := range tc.want {
				if env[k] != want {
					t.Errorf("%s = %q, want %q", k, env[k], want)
				}
			}
			if _, ok := env["AWS_SESSION_TOKEN"]; ok != (tc.lookup != nil) {
				t.Errorf("AWS_SESSION_TOKEN set: %v", ok)
			}
		})
	}
}

func TestEnvLogging(t *testing.T) {
	env := load(t, "testdata/implicit.yaml", nil, "Fn").Env(nil, nil)
	if env["AWS_LAMBDA_LOG_FORMAT"] != "JSON" || env["AWS_LAMBDA_LOG_LEVEL"] != "DEBUG" {
		t.Errorf("log format %q level %q, want JSON DEBUG from LoggingConfig", env["AWS_LAMBDA_LOG_FORMAT"], env["AWS_LAMBDA_LOG_LEVEL"])
	}
}

func TestParseEnvVarsErrors(t *testing.T) {
	for _, in := range []string{`[]`, `{"Fn": "x"}`, `{"Fn": {"A": 1}, "Parameters": []}`, `{"Fn": {}} {}`, `not json`} {
		if _, err := samlocal.ParseEnvVars([]byte(in)); err == nil {
			t.Errorf("ParseEnvVars(%s): no error", in)
		}
	}
}

func TestParseParameterOverrides(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"Stage=prod", map[string]string{"Stage": "prod"}},
		{"Stage=prod  Flag=true", map[string]string{"Stage": "prod", "Flag": "true"}},
		{`Origins="https://a.example, https://b.example" Token='x y'`, map[string]string{"Origins": "https://a.example, https://b.example", "Token": "x y"}},
		{`Path=a\ b Empty=""`, map[string]string{"Path": "a b", "Empty": ""}},
		// As in SAM CLI, a double-quoted value ends at its closing quote; single quotes keep double ones.
		{`Search="status":"healthy"`, map[string]string{"Search": "status"}},
		{`Search='"status":"healthy"'`, map[string]string{"Search": `"status":"healthy"`}},
		{"Budget=1500ms Checks=db=tcp://db:5432", map[string]string{"Budget": "1500ms", "Checks": "db=tcp://db:5432"}},
	}
	for _, tc := range tests {
		got, err := samlocal.ParseParameterOverrides(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseParameterOverrides(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"prod", "=x", "file://params.json"} {
		if got, err := samlocal.ParseParameterOverrides(in); err == nil {
			t.Errorf("ParseParameterOverrides(%q) = %q, want an error", in, got)
		} else if !strings.Contains(err.Error(), "Key=Value") {
			t.Errorf("error %q does not say what to write", err)
		}
	}
}
