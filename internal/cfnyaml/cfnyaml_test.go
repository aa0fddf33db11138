package cfnyaml_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
)

func TestDecodeShortForms(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"ref", "v: !Ref Stage", map[string]any{"Ref": "Stage"}},
		{"sub scalar", "v: !Sub 'https://${Api}.example'", map[string]any{"Fn::Sub": "https://${Api}.example"}},
		{"sub list", "v: !Sub [ '${A}', { A: !Ref B } ]", map[string]any{"Fn::Sub": []any{"${A}", map[string]any{"A": map[string]any{"Ref": "B"}}}}},
		{"getatt dotted", "v: !GetAtt Fn.Arn", map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}},
		{"getatt list", "v: !GetAtt [Fn, Arn]", map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}},
		{"if nested", "v: !If [On, !Ref X, !Ref AWS::NoValue]", map[string]any{"Fn::If": []any{"On", map[string]any{"Ref": "X"}, map[string]any{"Ref": "AWS::NoValue"}}}},
		{"equals", "v: !Equals [!Ref P, 'true']", map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "P"}, "true"}}},
		{"condition", "v: !Condition HasX", map[string]any{"Condition": "HasX"}},
		{"long form kept", "v: {'Fn::Join': ['', [a, b]]}", map[string]any{"Fn::Join": []any{"", []any{"a", "b"}}}},
		{"scalars", "v: [1, 2.5, true, null, '128', on]", []any{1, 2.5, true, nil, "128", "on"}},
		{"tagged number stays text", "v: !Ref 5", map[string]any{"Ref": "5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cfnyaml.Decode([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["v"], tc.want) {
				t.Errorf("got %#v, want %#v", got["v"], tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{"", "- a\n- b", "v: !Bogus x", "v: [unclosed"} {
		if _, err := cfnyaml.Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%q): want an error", in)
		}
	}
}

// The project's own template must read, with its function found by type.
func TestDecodeProjectTemplate(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfnyaml.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := tpl["Resources"].(map[string]any)
	fn, _ := res["HealthFunction"].(map[string]any)
	if fn["Type"] != "AWS::Serverless::Function" {
		t.Fatalf("HealthFunction: got %#v", fn["Type"])
	}
}

// Aliases are expanded: one inside its own anchor would be an endless tree,
// and nested ones can multiply a small document past any memory.
func TestDecodeHostileAliases(t *testing.T) {
	laughs := "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		laughs += name + ": &" + name + " [" + strings.Repeat("*"+prev+",", 9) + "*" + prev + "]\n"
		prev = name
	}
	tests := []struct{ name, yaml, want string }{
		{"alias inside its anchor", "a: &a {b: *a}\n", "refers to itself"},
		{"alias inside its anchor, deeper", "a: &a [1, {b: [*a]}]\n", "refers to itself"},
		{"billion laughs", laughs, "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cfnyaml.Decode([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// An anchor used twice, side by side, is fine.
	got, err := cfnyaml.Decode([]byte("a: &a {x: 1}\nb: [*a, *a]\n"))
	if err != nil || !reflect.DeepEqual(got["b"], []any{map[string]any{"x": 1}, map[string]any{"x": 1}}) {
		t.Errorf("repeated alias: %v, %v", got["b"], err)
	}
}
