package deploytest

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCfnLint runs cfn-lint on template.yaml: zero findings (it also lints the
// template after the SAM transform).
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint not installed: template.yaml not linted (make tools installs it)")
	}
	cmd := exec.CommandContext(t.Context(), bin, "template.yaml")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Errorf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}

func TestSAMTranslatorTransformsTemplate(t *testing.T) {
	out := samTranslate(t, map[string]any{}, "SAM transform not checked")
	resources, _ := out["Resources"].(map[string]any)
	types := map[string]string{}
	var deploymentStages []any
	for name, r := range resources {
		r, _ := r.(map[string]any)
		types[name], _ = r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		if stage, ok := props["StageName"]; ok && types[name] == "AWS::ApiGateway::Deployment" {
			deploymentStages = append(deploymentStages, stage)
		}
	}
	for name, typ := range map[string]string{
		"HealthFunction":     "AWS::Lambda::Function",
		"HealthFunctionRole": "AWS::IAM::Role",
		"HealthApi":          "AWS::ApiGateway::RestApi",
		"HealthApiStage":     "AWS::ApiGateway::Stage",
		"HealthCheck":        "AWS::Route53::HealthCheck",
		"HealthCheckAlarm":   "AWS::CloudWatch::Alarm",
	} {
		if types[name] != typ {
			t.Errorf("transformed %s is %q, want %s", name, types[name], typ)
		}
	}
	if len(deploymentStages) != 0 {
		t.Errorf("a REST API deployment creates stage(s) %v besides the template's (OpenApiVersion unset?)", deploymentStages)
	}
	// An explicit Role: SAM must not create its own, broader one. (The other role is
	// API Gateway's optional log role, ApiGatewayCloudWatchRole.)
	var roles []string
	for name, typ := range types {
		if typ == "AWS::IAM::Role" {
			roles = append(roles, name)
		}
	}
	slices.Sort(roles)
	if !slices.Equal(roles, []string{"ApiGatewayCloudWatchRole", "HealthFunctionRole"}) {
		t.Errorf("transformed template has IAM roles %v, want HealthFunctionRole and ApiGatewayCloudWatchRole", roles)
	}
}

// TestSamTargetsExplainWhatTheyNeed: without the sam CLI, the targets that need it
// stop with a message naming what to install.
func TestSamTargetsExplainWhatTheyNeed(t *testing.T) {
	if _, err := exec.LookPath("sam"); err == nil {
		t.Skip("sam CLI installed: the targets would run it")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found")
	}
	for _, target := range []string{"start-api", "invoke", "deploy", "sam-build", "drain", "undrain"} {
		cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", target)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("make %s succeeded without sam:\n%s", target, out)
			continue
		}
		if !strings.Contains(string(out), "sam CLI not found") || !strings.Contains(string(out), "install-sam-cli") {
			t.Errorf("make %s does not say sam is missing and where to get it:\n%s", target, out)
		}
	}
}

// TestBuildHealthFunction runs what `sam build` runs (Metadata: BuildMethod: makefile)
// and checks the artifact: a static linux/arm64 ELF named bootstrap.
func TestBuildHealthFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles for arm64; skipped with -short")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "build-HealthFunction", "ARTIFACTS_DIR="+dir)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build-HealthFunction: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "bootstrap")
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("bootstrap is not an ELF binary: %v", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 {
		t.Errorf("bootstrap is %v %v, want ELFCLASS64 EM_AARCH64", f.Class, f.Machine)
	}
	// CGO_ENABLED=0: no program interpreter, a static binary provided.al2023 can run.
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("bootstrap is dynamically linked (has PT_INTERP)")
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("bootstrap is not executable")
	}
}
