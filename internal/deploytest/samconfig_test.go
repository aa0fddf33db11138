package deploytest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// The multi-region config environments: each deploys the same stack name to its own
// region, as one side of the same failover record, with the health check on; every
// override names a template parameter and passes its constraints.
func TestSamconfigRegions(t *testing.T) {
	var cfg map[string]any
	if _, err := toml.DecodeFile(filepath.Join(root, "samconfig.toml"), &cfg); err != nil {
		t.Fatal(err)
	}
	params := dig(t, rawTemplate(t), "Parameters").(map[string]any)
	envs := map[string]string{"primary": "PRIMARY", "secondary": "SECONDARY"}
	regions := map[string]bool{}
	shared := map[string]string{}
	for env, role := range envs {
		global, _ := dig(t, cfg, env, "global", "parameters").(map[string]any)
		deploy, _ := dig(t, cfg, env, "deploy", "parameters").(map[string]any)
		region, _ := global["region"].(string)
		if !regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`).MatchString(region) {
			t.Errorf("[%s] region %q", env, region)
		}
		regions[region] = true
		if s, _ := global["stack_name"].(string); s == "" {
			t.Errorf("[%s] has no stack_name", env)
		}
		equalJSON(t, env+" capabilities", deploy["capabilities"], "CAPABILITY_IAM")
		equalJSON(t, env+" confirm_changeset", deploy["confirm_changeset"], true)
		equalJSON(t, env+" resolve_s3", deploy["resolve_s3"], true)
		overrides := parseOverrides(t, deploy["parameter_overrides"].(string))
		for k, v := range overrides {
			p, ok := params[k].(map[string]any)
			if !ok {
				t.Errorf("[%s] overrides %s, which the template does not have", env, k)
				continue
			}
			checkParamValue(t, env, k, p, v)
		}
		equalJSON(t, env+" CreateHealthCheck", overrides["CreateHealthCheck"], "true")
		equalJSON(t, env+" RoutingPolicy", overrides["RoutingPolicy"], "failover")
		equalJSON(t, env+" FailoverRole", overrides["FailoverRole"], role)
		for _, k := range []string{"DomainName", "HostedZoneId"} {
			if prev, ok := shared[k]; ok && prev != overrides[k] {
				t.Errorf("%s differs between regions: one record name, one zone", k)
			}
			shared[k] = overrides[k]
		}
		// Drain is for make drain/undrain only: a deploy must not undo a drill silently.
		if _, ok := overrides["Drain"]; ok {
			t.Errorf("[%s] overrides Drain", env)
		}
	}
	if len(regions) != len(envs) {
		t.Errorf("primary and secondary share a region: %v", regions)
	}
}

// parseOverrides reads samconfig's parameter_overrides: Key="value" pairs.
func parseOverrides(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	pair := regexp.MustCompile(`^([A-Za-z0-9]+)="([^"]*)"$`)
	for f := range strings.FieldsSeq(s) {
		m := pair.FindStringSubmatch(f)
		if m == nil {
			t.Errorf("parameter_overrides: %q is not Key=\"value\"", f)
			continue
		}
		out[m[1]] = m[2]
	}
	return out
}

func checkParamValue(t *testing.T, where, name string, p map[string]any, v string) {
	t.Helper()
	if allowed, ok := p["AllowedValues"].([]any); ok {
		found := false
		for _, a := range allowed {
			found = found || fmt.Sprint(a) == v
		}
		if !found {
			t.Errorf("%s: %s=%q is not one of %v", where, name, v, allowed)
		}
	}
	if pat, ok := p["AllowedPattern"].(string); ok && !regexp.MustCompile(pat).MatchString(v) {
		t.Errorf("%s: %s=%q does not match %s", where, name, v, pat)
	}
}
