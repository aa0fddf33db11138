package deploytest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestSamconfigHasSamInitSections(t *testing.T) {
	var cfg map[string]any
	md, err := toml.DecodeFile(filepath.Join(root, "samconfig.toml"), &cfg)
	if err != nil {
		t.Fatalf("samconfig.toml is not TOML: %v", err)
	}
	if v, ok := cfg["version"].(float64); !ok || v != 0.1 {
		t.Errorf("version = %v, want 0.1", cfg["version"])
	}
	for _, section := range []string{"global", "build", "validate", "deploy", "local_start_api", "local_invoke"} {
		if !md.IsDefined("default", section, "parameters") {
			t.Errorf("no [default.%s.parameters]", section)
		}
	}
	checks := []struct {
		key  []string
		want any
	}{
		{[]string{"default", "global", "parameters", "stack_name"}, nil}, // any non-empty string
		{[]string{"default", "validate", "parameters", "lint"}, true},
		{[]string{"default", "deploy", "parameters", "capabilities"}, "CAPABILITY_IAM"},
		{[]string{"default", "deploy", "parameters", "resolve_s3"}, true},
		{[]string{"default", "deploy", "parameters", "confirm_changeset"}, true},
	}
	for _, c := range checks {
		var v any = cfg
		for _, k := range c.key {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		switch {
		case c.want == nil:
			if s, _ := v.(string); s == "" {
				t.Errorf("%v is empty", c.key)
			}
		case v != c.want:
			t.Errorf("%v = %v, want %v", c.key, v, c.want)
		}
	}
	// sam local invoke without -e sends {}, which the function rejects: the default event
	// must exist.
	ev, _ := cfg["default"].(map[string]any)["local_invoke"].(map[string]any)["parameters"].(map[string]any)["event"].(string)
	if _, err := os.Stat(filepath.Join(root, ev)); ev == "" || err != nil {
		t.Errorf("local_invoke event %q does not exist", ev)
	}
}
