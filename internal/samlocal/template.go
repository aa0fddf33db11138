package samlocal

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
)

// Lambda's defaults when a template sets neither the property nor a global.
const (
	defaultTimeout    = 3 * time.Second
	defaultMemorySize = 128
)

// ImplicitAPI is the logical id SAM gives the REST API it creates for Api
// events without a RestApiId; its stage is always Prod.
const ImplicitAPI = "ServerlessRestApi"

// AnyMethods is what an Api event's Method ANY mounts, in SAM CLI's order.
var AnyMethods = []string{"GET", "DELETE", "PUT", "POST", "HEAD", "OPTIONS", "PATCH"}

// Template is a SAM template with its parameter values fixed.
type Template struct {
	doc map[string]any
	e   *cfn.Evaluator
}

// Load reads and parses the template at path; see [Parse].
func Load(path string, overrides map[string]string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(data, overrides)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Parse parses a SAM template (YAML or JSON) with parameter values fixed as
// [cfn.New] fixes them.
func Parse(data []byte, overrides map[string]string) (*Template, error) {
	doc, err := cfnyaml.Decode(data)
	if err != nil {
		return nil, err
	}
	if _, ok := doc["Resources"].(map[string]any); !ok {
		return nil, errors.New("template has no Resources")
	}
	return &Template{doc: doc, e: cfn.New(doc, overrides)}, nil
}

// Function is what local mode needs of one AWS::Serverless::Function.
type Function struct {
	LogicalID    string
	FunctionName string // FunctionName property, "" when CloudFormation names it
	Handler      string
	Timeout      time.Duration
	MemorySize   int
	Variables    map[string]string // Environment.Variables (Globals merged in) as envString makes them

	LogFormat, ApplicationLogLevel, LogGroup string // from LoggingConfig

	Routes []Route  // Api events (not HttpApi: see Notes) grouped by path, sorted
	Notes  []string // what of the template local mode does not emulate, a sentence each
}

// Route is one path of a REST API mounted on the function.
type Route struct {
	Path    string   // as in the template: /health, /items/{id}, /{proxy+}
	Methods []string // upper case, sorted; ANY expanded to AnyMethods
	API     API
	// Authorizer is AWS_IAM, a Lambda authorizer's name, or "". SAM CLI
	// ignores AWS_IAM and so does local mode.
	Authorizer string
}

// API is the REST API (AWS::Serverless::Api) a route belongs to.
type API struct {
	LogicalID        string
	Stage            string            // StageName, resolved
	BinaryMediaTypes []string          // "image/png", "*/*" ("~1" already turned into "/")
	StageVariables   map[string]string // the Variables property
}

// Functions returns the logical ids of the template's functions, sorted.
func (t *Template) Functions() []string {
	var names []string
	for id, r := range t.e.Resources {
		if cfn.AsMap(r)["Type"] == "AWS::Serverless::Function" {
			names = append(names, id)
		}
	}
	sort.Strings(names)
	return names
}

// LogicalID is the template's name for the function in functions/<dir>:
// "health" -> "HealthFunction", "contact-sync" -> "ContactsyncFunction",
// as the Makefile's build-%Function rule has it.
func LogicalID(dir string) string {
	if dir == "" {
		return ""
	}
	return strings.ToUpper(dir[:1]) + strings.ReplaceAll(dir[1:], "-", "") + "Function"
}

// Function returns the function with the given logical id, Globals.Function
// merged in and its properties resolved.
func (t *Template) Function(logicalID string) (*Function, error) {
	res, ok := t.e.Resources[logicalID].(map[string]any)
	if !ok || res["Type"] != "AWS::Serverless::Function" {
		return nil, fmt.Errorf("no AWS::Serverless::Function %q in the template (functions: %s)", logicalID, strings.Join(t.Functions(), ", "))
	}
	props, _ := cfn.MergeGlobals(cfn.AsMap(t.doc["Globals"])["Function"], cfn.AsMap(res["Properties"])).(map[string]any)

	f := &Function{LogicalID: logicalID, Timeout: defaultTimeout, MemorySize: defaultMemorySize}
	var err error
	logging := cfn.AsMap(props["LoggingConfig"])
	for _, p := range []struct {
		props map[string]any
		key   string
		dst   *string
	}{{props, "FunctionName", &f.FunctionName}, {props, "Handler", &f.Handler},
		{logging, "LogFormat", &f.LogFormat}, {logging, "ApplicationLogLevel", &f.ApplicationLogLevel}, {logging, "LogGroup", &f.LogGroup}} {
		if *p.dst, err = t.stringProp(p.props, p.key); err != nil {
			return nil, fmt.Errorf("%s: %w", logicalID, err)
		}
	}
	if v, ok := props["Timeout"]; ok {
		secs, err := t.number(v)
		if err != nil || secs <= 0 {
			return nil, fmt.Errorf("%s: Timeout %v: want a positive number of seconds", logicalID, v)
		}
		f.Timeout = time.Duration(secs * float64(time.Second))
	}
	if v, ok := props["MemorySize"]; ok {
		mb, err := t.number(v)
		if err != nil || mb <= 0 || mb != math.Trunc(mb) {
			return nil, fmt.Errorf("%s: MemorySize %v: want a positive number of MB", logicalID, v)
		}
		f.MemorySize = int(mb)
	}
	if f.Variables, err = t.variables(cfn.AsMap(cfn.AsMap(props["Environment"])["Variables"])); err != nil {
		return nil, fmt.Errorf("%s: Environment: %w", logicalID, err)
	}
	if err := t.routes(f, cfn.AsMap(props["Events"])); err != nil {
		return nil, fmt.Errorf("%s: %w", logicalID, err)
	}
	return f, nil
}

func (t *Template) stringProp(props map[string]any, key string) (string, error) {
	v, err := t.e.Eval(props[key])
	if err != nil {
		if errors.Is(err, cfn.ErrUnresolved) {
			return "", nil
		}
		return "", fmt.Errorf("%s: %w", key, err)
	}
	if v == nil || v == cfn.NoValue {
		return "", nil
	}
	return cfn.Text(v), nil
}

func (t *Template) number(v any) (float64, error) {
	rv, err := t.e.Eval(v)
	if err != nil {
		return 0, err
	}
	switch n := rv.(type) {
	case int:
		return float64(n), nil
	case float64:
		return n, nil
	case string:
		return strconv.ParseFloat(strings.TrimSpace(n), 64)
	}
	return 0, fmt.Errorf("%v is not a number", rv)
}

// variables resolves each environment variable on its own, so one that
// cannot be known locally (an import from another stack) becomes "" as in
// SAM CLI instead of failing the rest.
func (t *Template) variables(vars map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(vars))
	for name, v := range vars {
		rv, err := t.e.Eval(v)
		switch {
		case errors.Is(err, cfn.ErrUnresolved):
			out[name] = ""
		case err != nil:
			return nil, fmt.Errorf("%s: %w", name, err)
		case rv == cfn.NoValue:
		default:
			out[name] = envString(rv)
		}
	}
	return out, nil
}

// envString turns a resolved value into an environment variable's value as
// SAM CLI does (EnvironmentVariables._stringify_value): booleans in lower
// case, lists, maps and null as "", numbers as Python prints them.
func envString(v any) string {
	switch v := v.(type) {
	case nil, []any, map[string]any:
		return ""
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e16 {
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
	}
	return cfn.Text(v)
}

func (t *Template) routes(f *Function, events map[string]any) error {
	byPath := map[string]*Route{}
	for _, name := range slices.Sorted(maps.Keys(events)) {
		ev := cfn.AsMap(events[name])
		switch ev["Type"] {
		case "Api":
		case "HttpApi":
			f.Notes = append(f.Notes, fmt.Sprintf("event %s is an HttpApi (payload 2.0) event: local mode serves only Api events", name))
			continue
		default:
			continue
		}
		raw := cfn.AsMap(ev["Properties"])
		props := map[string]any{}
		for _, key := range []string{"Path", "Method", "RestApiId", "Auth"} {
			if v, ok := raw[key]; ok {
				rv, err := t.e.Eval(v)
				if err != nil && key != "Auth" { // authorizers are not run locally anyway
					return fmt.Errorf("event %s: %s: %w", name, key, err)
				}
				props[key] = rv
			}
		}
		path, _ := props["Path"].(string)
		method, _ := props["Method"].(string)
		if !strings.HasPrefix(path, "/") {
			return fmt.Errorf("event %s: Path %v: want a path starting with /", name, props["Path"])
		}
		if !resourcePath.MatchString(path) {
			return fmt.Errorf("event %s: path %q: empty segment or bad path parameter", name, path)
		}
		methods, err := eventMethods(method)
		if err != nil {
			return fmt.Errorf("event %s: %w", name, err)
		}
		apiID := ImplicitAPI
		if id, ok := props["RestApiId"]; ok {
			if apiID, ok = id.(string); !ok {
				return fmt.Errorf("event %s: RestApiId must be a logical id or a Ref to one", name)
			}
		}
		api, authorizer, err := t.api(apiID)
		if err != nil {
			return fmt.Errorf("event %s: %w", name, err)
		}
		if a, ok := cfn.AsMap(props["Auth"])["Authorizer"].(string); ok {
			authorizer = a
		}
		if authorizer == "NONE" {
			authorizer = ""
		}
		if authorizer != "" && authorizer != "AWS_IAM" {
			f.Notes = append(f.Notes, fmt.Sprintf("event %s: authorizer %s is not run locally; the route answers without it", name, authorizer))
		}
		r := byPath[path]
		if r == nil {
			r = &Route{Path: path, API: api, Authorizer: authorizer}
			byPath[path] = r
		} else if r.API.LogicalID != api.LogicalID {
			return fmt.Errorf("event %s: path %s is on two APIs (%s, %s); local mode serves one", name, path, r.API.LogicalID, api.LogicalID)
		}
		for _, m := range methods {
			if !slices.Contains(r.Methods, m) {
				r.Methods = append(r.Methods, m)
			}
		}
	}
	for _, r := range byPath {
		sort.Strings(r.Methods)
		f.Routes = append(f.Routes, *r)
	}
	sort.Slice(f.Routes, func(i, j int) bool { return f.Routes[i].Path < f.Routes[j].Path })
	return nil
}

func eventMethods(method string) ([]string, error) {
	m := strings.ToUpper(method)
	if m == "ANY" {
		return AnyMethods, nil
	}
	if slices.Contains(AnyMethods, m) {
		return []string{m}, nil
	}
	return nil, fmt.Errorf("method %q: want one of %s or ANY", method, strings.Join(AnyMethods, ", "))
}

// resourcePath is an API Gateway resource path: literal segments, {name}
// segments, and a greedy {name+} as the last segment.
var resourcePath = regexp.MustCompile(`^/$|^(/[^/{}]+|/\{[^/{}+]+\})*(/\{[^/{}+]+\+\})?/?$`)

// api describes the REST API with the given logical id, Globals.Api merged
// in, with its default authorizer.
func (t *Template) api(id string) (API, string, error) {
	api := API{LogicalID: id}
	var props map[string]any
	if id == ImplicitAPI {
		props = map[string]any{"StageName": "Prod"}
	} else {
		res := cfn.AsMap(t.e.Resources[id])
		if res["Type"] != "AWS::Serverless::Api" {
			return api, "", fmt.Errorf("RestApiId %s is not an AWS::Serverless::Api in the template", id)
		}
		props = cfn.AsMap(res["Properties"])
	}
	merged, _ := cfn.MergeGlobals(cfn.AsMap(t.doc["Globals"])["Api"], props).(map[string]any)
	if id == ImplicitAPI {
		merged["StageName"] = "Prod"
	}
	stage, err := t.e.Eval(merged["StageName"])
	if err != nil {
		return api, "", fmt.Errorf("%s StageName: %w", id, err)
	}
	api.Stage = cfn.Text(stage)
	if api.Stage == "" {
		return api, "", fmt.Errorf("%s has no StageName", id)
	}
	types, err := t.e.Eval(merged["BinaryMediaTypes"])
	if err != nil {
		return api, "", fmt.Errorf("%s BinaryMediaTypes: %w", id, err)
	}
	list, _ := types.([]any)
	for _, bt := range list {
		if s, ok := bt.(string); ok {
			api.BinaryMediaTypes = append(api.BinaryMediaTypes, strings.ReplaceAll(s, "~1", "/"))
		}
	}
	if vars, ok := merged["Variables"]; ok {
		rv, err := t.e.Eval(vars)
		if err != nil {
			return api, "", fmt.Errorf("%s Variables: %w", id, err)
		}
		api.StageVariables = map[string]string{}
		for k, v := range cfn.AsMap(rv) {
			api.StageVariables[k] = cfn.Text(v)
		}
	}
	auth, _ := t.e.Eval(merged["Auth"])
	defaultAuth, _ := cfn.AsMap(auth)["DefaultAuthorizer"].(string)
	return api, defaultAuth, nil
}
