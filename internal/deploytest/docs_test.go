package deploytest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The runbook's steps name things that must exist: make targets, samconfig config
// environments, template parameters and stack outputs. A rename anywhere breaks this
// test instead of the next operator's drill.
func TestRunbookNamesWhatExists(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	samconfig, err := os.ReadFile(filepath.Join(root, "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	raw := rawTemplate(t)
	params := dig(t, raw, "Parameters").(map[string]any)
	outputs := dig(t, raw, "Outputs").(map[string]any)

	makes := regexp.MustCompile("make ([a-z0-9-]+)((?: [A-Z_]+=[^ `\n]+)*)").FindAllStringSubmatch(string(doc), -1)
	if len(makes) < 4 {
		t.Fatalf("the runbook names %d make commands; want deploy, drain, undrain at least", len(makes))
	}
	targets := map[string]bool{}
	for _, m := range makes {
		targets[m[1]] = true
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `:`).Match(makefile) {
			t.Errorf("runbook: make %s: no such target", m[1])
		}
		for _, kv := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(kv, "=")
			if k == "ENV" && !strings.HasPrefix(v, "<") && !strings.Contains(string(samconfig), "["+v+".deploy.parameters]") {
				t.Errorf("runbook: %s: samconfig.toml has no config environment %s", m[0], v)
			}
		}
	}
	for _, want := range []string{"deploy", "drain", "undrain", "route53-cidrs"} {
		if !targets[want] {
			t.Errorf("runbook never shows make %s", want)
		}
	}
	// Every `Name=value` the runbook tells operators to set is a template parameter
	// whose constraints accept the value.
	sets := regexp.MustCompile("`([A-Z][A-Za-z0-9]+)=\"?([^`\"]*)\"?`").FindAllStringSubmatch(string(doc), -1)
	if len(sets) < 3 {
		t.Errorf("the runbook sets %d parameters; it should show at least the domain, routing and account role ones", len(sets))
	}
	for _, m := range sets {
		p, ok := params[m[1]].(map[string]any)
		if !ok {
			t.Errorf("runbook sets %s, which the template does not have", m[0])
			continue
		}
		checkParamValue(t, "runbook", m[1], p, m[2])
	}
	for _, out := range []string{"HealthUrl", "Route53HealthUrl", "DetailsUrl", "DashboardUrl"} {
		if _, ok := outputs[out]; !ok || !strings.Contains(string(doc), "`"+out+"`") {
			t.Errorf("output %s: in the template %v, in the runbook %v", out, ok, strings.Contains(string(doc), "`"+out+"`"))
		}
	}
}
