package samlocal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// EnvVars is an --env-vars file: variables by function logical id (or
// FunctionName), and under "Parameters" variables for every function (as in
// SAM CLI: environment variables, not template parameters).
type EnvVars map[string]map[string]string

// LoadEnvVars reads an --env-vars file; see [ParseEnvVars].
func LoadEnvVars(path string) (EnvVars, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ev, err := ParseEnvVars(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ev, nil
}

// ParseEnvVars parses an --env-vars JSON file. Every top-level value must be
// an object, as SAM CLI requires; values become strings as SAM CLI makes them.
func ParseEnvVars(data []byte) (EnvVars, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("env vars: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("env vars: trailing data after the JSON object")
	}
	out := make(EnvVars, len(raw))
	for fn, v := range raw {
		vars, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("env vars: %q must be an object of variables", fn)
		}
		m := make(map[string]string, len(vars))
		for k, val := range vars {
			m[k] = envString(val)
			if n, ok := val.(json.Number); ok {
				m[k] = n.String()
			}
		}
		out[fn] = m
	}
	return out, nil
}

// Env is the environment the function sees under `sam local`, as SAM CLI's
// EnvironmentVariables.resolve builds it: Lambda's own AWS_* variables, then
// each variable the template declares, valued (lowest priority first) by the
// template, the shell (lookup, may be nil), the env-vars file's
// "Parameters", and its entry for this function. Variables the template
// does not declare are not passed, whatever the shell or the file say.
func (f *Function) Env(lookup func(string) (string, bool), file EnvVars) map[string]string {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	name := f.LogicalID
	env := map[string]string{
		"AWS_SAM_LOCAL":                   "true",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(f.MemorySize),
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.FormatFloat(f.Timeout.Seconds(), 'f', -1, 64),
		"AWS_LAMBDA_FUNCTION_HANDLER":     f.Handler,
		"AWS_LAMBDA_FUNCTION_NAME":        name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "$LATEST",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_ACCOUNT_ID":                  "123456789012",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
	}
	// SAM CLI passes the shell's AWS session, or placeholder keys without one.
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "defaultkey", "defaultsecret"
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if v, ok := lookup(k); ok {
			env[k] = v
		}
	}
	if f.LogGroup != "" {
		env["AWS_LAMBDA_LOG_GROUP_NAME"] = f.LogGroup
	}
	if f.LogFormat != "" {
		env["AWS_LAMBDA_LOG_FORMAT"] = f.LogFormat
		if f.LogFormat == "JSON" {
			env["AWS_LAMBDA_LOG_LEVEL"] = "INFO"
			if f.ApplicationLogLevel != "" {
				env["AWS_LAMBDA_LOG_LEVEL"] = f.ApplicationLogLevel
			}
		}
	}

	overrides := map[string]string{}
	for k, v := range file["Parameters"] {
		overrides[k] = v
	}
	own := file[f.LogicalID]
	if len(own) == 0 && f.FunctionName != "" {
		own = file[f.FunctionName]
	}
	for k, v := range own {
		overrides[k] = v
	}
	for k, v := range f.Variables {
		if s, ok := lookup(k); ok {
			v = s
		}
		if s, ok := overrides[k]; ok {
			v = s
		}
		env[k] = v
	}
	return env
}

// The --parameter-overrides grammar of SAM CLI (samcli/cli/types.py): a key
// of letters, digits and quotes, then a value that is double- or
// single-quoted (with backslash escapes) or runs to the next space.
var override = regexp.MustCompile(`(?: )([A-Za-z0-9"']+)=("(?:\\.|[^"\\]+)*"|'(?:\\.|[^'\\]+)*'|(?:\\.|[^ "\\]+)+)`)

// ParseParameterOverrides parses --parameter-overrides text of the form
// "Key=Value Key2='a b'". As in SAM CLI, text between matches is ignored;
// text that matches nowhere is an error. SAM CLI's other forms
// (ParameterKey=Key,ParameterValue=Value and file://) are not supported.
func ParseParameterOverrides(s string) (map[string]string, error) {
	out := map[string]string{}
	s = strings.TrimSpace(s)
	if s == "" {
		return out, nil
	}
	if strings.HasPrefix(s, "file://") {
		return nil, fmt.Errorf("parameter overrides: file:// is not supported by local mode; pass Key=Value pairs")
	}
	ms := override.FindAllStringSubmatch(" "+s, -1)
	if len(ms) == 0 || strings.HasPrefix(s, "ParameterKey=") {
		return nil, fmt.Errorf("parameter overrides %q: want Key=Value pairs separated by spaces", s)
	}
	for _, m := range ms {
		out[unquote(m[1])] = unquote(m[2])
	}
	return out, nil
}

// unquote drops wrapping quotes and unescapes \ , \" and \' as SAM CLI's
// _unquote_wrapped_quotes does.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[0] == v[len(v)-1] {
		v = v[1 : len(v)-1]
	}
	return strings.NewReplacer(`\ `, " ", `\"`, `"`, `\'`, "'").Replace(v)
}
