package deploytest

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
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

// TestSAMTransform: for each profile, the SAM transform turns every
// AWS::Serverless::Function into an AWS::Lambda::Function of the same logical id that
// keeps the properties the template tests check (logs, tracing, alarm, dashboard,
// least privilege: SAM adds no role of its own), and makes no REST stage besides the
// template's own.
func TestSAMTransform(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			out := transformed(t, p.params)
			for id := range resources(parseTemplate(t, p.params), "AWS::Serverless::Function") {
				if typ := cfn.AsMap(cfn.AsMap(out["Resources"])[id])["Type"]; typ != "AWS::Lambda::Function" {
					t.Errorf("transformed %s is %v, want AWS::Lambda::Function", id, typ)
				}
			}
			checkObserved(t, out, p.params)
			checkLeastPrivilege(t, out, p.params)
			// OpenApiVersion 3.0.1 stops SAM from adding a stage named "Stage".
			for id, d := range resources(out, "AWS::ApiGateway::Deployment") {
				if stage, ok := props(d)["StageName"]; ok {
					t.Errorf("deployment %s creates stage %v besides the template's", id, stage)
				}
			}
		})
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
