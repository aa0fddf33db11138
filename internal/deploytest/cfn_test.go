package deploytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
)

// The tests read template.yaml with cfnyaml and evaluate it with internal/cfn, the
// evaluator local mode uses: the same pseudo parameters (us-east-1, account
// 123456789012, stack "local"), Globals, conditions. A reference to a resource
// becomes "${Id}" or "${Id.Attr}", in a string or on its own, so a test can say
// which resource a value points at. Values go through JSON once so every number
// is a float64, as a JSON template's would be.

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

// rawTemplate is template.yaml as JSON with the intrinsic functions left as written.
func rawTemplate(t *testing.T) map[string]any {
	t.Helper()
	return readTemplate(t, filepath.Join(root, "template.yaml"))
}

// symbolic is what a reference to a resource evaluates to in these tests.
func symbolic(id, attr string) (any, error) {
	if attr != "" {
		id += "." + attr
	}
	return "${" + id + "}", nil
}

// refTo is the resource a symbolic value names ("" when it names none), without
// an attribute: refTo("${Fn.Arn}") is "Fn".
func refTo(v any) string {
	s, _ := v.(string)
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") || strings.Contains(s[2:], "${") {
		return ""
	}
	id, _, _ := strings.Cut(s[2:len(s)-1], ".")
	return id
}

// deployed is tpl as CloudFormation would create it for these parameters: Globals
// merged, conditions decided, resources and outputs it would not create left out.
func deployed(t *testing.T, tpl map[string]any, overrides map[string]string) map[string]any {
	t.Helper()
	e := cfn.New(tpl, overrides)
	e.Refs = symbolic
	out, err := e.Template()
	if err != nil {
		t.Fatalf("evaluate template with %v: %v", overrides, err)
	}
	return jsonRoundTrip(t, out).(map[string]any)
}

// parseTemplate is template.yaml deployed with overrides.
func parseTemplate(t *testing.T, overrides map[string]string) map[string]any {
	t.Helper()
	return deployed(t, rawTemplate(t), overrides)
}

// transformCache keeps one SAM transform per parameter set for the whole test
// binary: the transform is the slow part (a Python process), and several tests
// read its output.
var transformCache sync.Map // key: JSON of the overrides -> *transformResult

type transformResult struct {
	once sync.Once
	tpl  map[string]any
	skip string
	err  error
}

// transformed is template.yaml after the SAM transform with params, then deployed
// for them. Tests sharing params share one transform.
func transformed(t *testing.T, params map[string]string) map[string]any {
	t.Helper()
	key, _ := json.Marshal(params)
	v, _ := transformCache.LoadOrStore(string(key), &transformResult{})
	r := v.(*transformResult)
	r.once.Do(func() { r.tpl, r.skip, r.err = samTranslate(params) })
	if r.skip != "" {
		t.Skip(r.skip)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return deployed(t, r.tpl, params)
}

// resources returns the template's resources of the given types, by logical id.
func resources(tpl map[string]any, types ...string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range cfn.AsMap(tpl["Resources"]) {
		if m := cfn.AsMap(r); slices.Contains(types, cfn.Text(m["Type"])) {
			out[id] = m
		}
	}
	return out
}

// props is a resource's Properties.
func props(r map[string]any) map[string]any { return cfn.AsMap(r["Properties"]) }

// sortedKeys lists a map's keys in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

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

func equalJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

// list is v as a list of strings (a lone string is a list of one).
func list(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}
