package deploytest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
)

// The tests read template.yaml with cfnyaml (short-form tags in their long form) and
// resolve, where they need values, the few intrinsic functions the template uses
// against the parameters' defaults: enough for assertions, far from a CloudFormation
// engine. Values go through JSON once so every number is a float64, as a JSON
// template's would be.

// pseudo are the pseudo parameters' stand-in values; an override replaces them.
var pseudo = map[string]any{
	"AWS::AccountId": "123456789012",
	"AWS::Region":    "us-east-1",
	"AWS::StackName": "health-stack",
	"AWS::Partition": "aws",
	"AWS::URLSuffix": "amazonaws.com",
}

// readTemplate decodes a YAML template file into JSON values, intrinsics as written.
func readTemplate(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := cfnyaml.Decode(data)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return jsonRoundTrip(t, m).(map[string]any)
}

func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(js, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// rawTemplate is template.yaml as JSON with the intrinsic functions left as written
// ({"Ref": …}, {"Fn::Sub": …}), for checking that a value comes from a parameter.
func rawTemplate(t *testing.T) map[string]any {
	t.Helper()
	return readTemplate(t, filepath.Join(root, "template.yaml"))
}

// parseTemplate is template.yaml with parameters (defaults, then overrides) and
// pseudo parameters substituted, conditions evaluated in Fn::If, and AWS::NoValue
// removed. Every resource is kept, whatever its Condition.
func parseTemplate(t *testing.T, overrides map[string]any) map[string]any {
	t.Helper()
	r, err := newResolver(rawTemplate(t), overrides)
	if err != nil {
		t.Fatal(err)
	}
	return r.template(false)
}

// resolver substitutes parameter values into a decoded template.
type resolver struct {
	tpl    map[string]any
	params map[string]any
	conds  map[string]bool
	// names resolves Ref and ${…} of resources to their logical id (and "Id.Attr"), for
	// reading texts such as a dashboard body that name resources.
	names bool
}

func newResolver(tpl map[string]any, overrides map[string]any) (*resolver, error) {
	r := &resolver{tpl: tpl, params: map[string]any{}, conds: map[string]bool{}}
	for k, v := range pseudo {
		r.params[k] = v
	}
	params, _ := tpl["Parameters"].(map[string]any)
	for name, p := range params {
		p, _ := p.(map[string]any)
		def, ok := p["Default"]
		if !ok {
			continue
		}
		r.params[name] = paramValue(p, def)
	}
	for k, v := range overrides {
		if p, ok := params[k].(map[string]any); ok {
			v = paramValue(p, v)
		} else if _, ok := pseudo[k]; !ok {
			return nil, fmt.Errorf("override %s: no such parameter", k)
		}
		r.params[k] = v
	}
	conds, _ := tpl["Conditions"].(map[string]any)
	for name := range conds {
		if _, err := r.condition(name, nil); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// paramValue is what Ref gives for a parameter: lists split, numbers kept as strings
// are not needed here (the tests compare JSON).
func paramValue(p map[string]any, v any) any {
	if typ, _ := p["Type"].(string); typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
		if s, ok := v.(string); ok {
			var out []any
			for part := range strings.SplitSeq(s, ",") {
				out = append(out, strings.TrimSpace(part))
			}
			return out
		}
	}
	if f, ok := v.(int); ok {
		return float64(f)
	}
	return v
}

func (r *resolver) condition(name string, seen []string) (bool, error) {
	if v, ok := r.conds[name]; ok {
		return v, nil
	}
	for _, s := range seen {
		if s == name {
			return false, fmt.Errorf("condition %s refers to itself", name)
		}
	}
	conds, _ := r.tpl["Conditions"].(map[string]any)
	expr, ok := conds[name]
	if !ok {
		return false, fmt.Errorf("no condition %s", name)
	}
	v, err := r.evalCond(expr, append(seen, name))
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	r.conds[name] = v
	return v, nil
}

func (r *resolver) evalCond(expr any, seen []string) (bool, error) {
	m, ok := expr.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("not a condition function: %v", expr)
	}
	for fn, arg := range m {
		switch fn {
		case "Condition":
			return r.condition(arg.(string), seen)
		case "Fn::Equals":
			args, _ := arg.([]any)
			if len(args) != 2 {
				return false, fmt.Errorf("Fn::Equals wants 2 arguments")
			}
			a, b := r.value(args[0]), r.value(args[1])
			return fmt.Sprint(a) == fmt.Sprint(b), nil
		case "Fn::Not", "Fn::And", "Fn::Or":
			args, _ := arg.([]any)
			var vals []bool
			for _, a := range args {
				v, err := r.evalCond(a, seen)
				if err != nil {
					return false, err
				}
				vals = append(vals, v)
			}
			switch fn {
			case "Fn::Not":
				return len(vals) == 1 && !vals[0], nil
			case "Fn::And":
				for _, v := range vals {
					if !v {
						return false, nil
					}
				}
				return true, nil
			default:
				for _, v := range vals {
					if v {
						return true, nil
					}
				}
				return false, nil
			}
		}
		return false, fmt.Errorf("unsupported condition function %s", fn)
	}
	return false, nil
}

// noValue marks AWS::NoValue: the key or element holding it disappears.
type noValueT struct{}

var noValue = noValueT{}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:_.]+)\}`)

// value resolves one node.
func (r *resolver) value(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, 0, len(v))
		for _, e := range v {
			if e := r.value(e); e != noValue {
				out = append(out, e)
			}
		}
		return out
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if out, ok := r.intrinsic(fn, arg); ok {
					return out
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			if e := r.value(e); e != noValue {
				out[k] = e
			}
		}
		return out
	}
	return v
}

func (r *resolver) intrinsic(fn string, arg any) (any, bool) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		if name == "AWS::NoValue" {
			return noValue, true
		}
		if p, ok := r.params[name]; ok {
			return p, true
		}
		if r.names {
			return name, true
		}
		return map[string]any{"Ref": name}, true // a resource
	case "Fn::If":
		args, _ := arg.([]any)
		if len(args) != 3 {
			return nil, false
		}
		c, ok := r.conds[fmt.Sprint(args[0])]
		if !ok {
			return nil, false
		}
		if c {
			return r.value(args[1]), true
		}
		return r.value(args[2]), true
	case "Fn::Sub":
		s, vars := "", map[string]any{}
		switch a := arg.(type) {
		case string:
			s = a
		case []any:
			if len(a) != 2 {
				return nil, false
			}
			s, _ = a[0].(string)
			vars, _ = r.value(a[1]).(map[string]any)
		}
		unresolved := false
		out := subVar.ReplaceAllStringFunc(s, func(m string) string {
			name := m[2 : len(m)-1]
			v, ok := vars[name]
			if !ok {
				v, ok = r.params[name]
			}
			if str, isStr := v.(string); ok && isStr {
				return str
			}
			if f, isNum := v.(float64); ok && isNum {
				return fmt.Sprint(f)
			}
			if r.names && !ok {
				return name
			}
			unresolved = true
			return m
		})
		if unresolved {
			if len(vars) > 0 {
				return map[string]any{"Fn::Sub": []any{out, vars}}, true
			}
			return map[string]any{"Fn::Sub": out}, true
		}
		return out, true
	case "Fn::Split":
		args, _ := arg.([]any)
		if len(args) != 2 {
			return nil, false
		}
		sep, _ := args[0].(string)
		str, ok := r.value(args[1]).(string)
		if !ok {
			return nil, false
		}
		var out []any
		for part := range strings.SplitSeq(str, sep) {
			out = append(out, part)
		}
		return out, true
	case "Fn::Join":
		args, _ := arg.([]any)
		if len(args) != 2 {
			return nil, false
		}
		sep, _ := args[0].(string)
		list, ok := r.value(args[1]).([]any)
		if !ok {
			return nil, false
		}
		var parts []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return map[string]any{"Fn::Join": []any{sep, list}}, true
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, sep), true
	}
	return nil, false
}

// template resolves the whole template; with drop, resources and outputs whose
// Condition is false are left out, as CloudFormation would not create them.
func (r *resolver) template(drop bool) map[string]any {
	out := map[string]any{}
	for k, v := range r.tpl {
		switch k {
		case "Resources", "Outputs":
			section := map[string]any{}
			for name, res := range v.(map[string]any) {
				if c, ok := res.(map[string]any)["Condition"].(string); ok && drop && !r.conds[c] {
					continue
				}
				section[name] = r.value(res)
			}
			out[k] = section
		case "Conditions", "Parameters":
			out[k] = v
		default:
			out[k] = r.value(v)
		}
	}
	return out
}

// dig walks a decoded JSON document by keys.
func dig(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object", strings.Join(keys[:i], "."))
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("%s: missing", strings.Join(keys[:i+1], "."))
		}
	}
	return v
}

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func sub(s string) map[string]any { return map[string]any{"Fn::Sub": s} }

func getAtt(res, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{res, attr}}
}

func equalJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}
