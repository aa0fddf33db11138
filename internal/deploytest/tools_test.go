package deploytest

import (
	"debug/elf"
	"encoding/json"
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
		t.Skip("cfn-lint not installed: template.yaml not linted (pip install cfn-lint)")
	}
	cmd := exec.CommandContext(t.Context(), bin, "template.yaml")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Errorf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}

// samTransform is what `sam deploy` asks CloudFormation to do with the template:
// aws-sam-translator's transform, with CodeUri set to the S3 location `sam package`
// would write, and a managed-policy loader that knows no policies (the template
// uses none). It prints the resulting resource types, and the stage names the REST API
// deployments create themselves (SAM's extra "Stage" stage, unless OpenApiVersion is set).
const samTransform = `
import json, os, sys
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
try:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:
    print("SKIP: aws-sam-translator not installed:", e)
    sys.exit(3)

class NoManagedPolicies:
    def load(self):
        return {}

with open(sys.argv[1]) as f:
    template = yaml_parse(f.read())
for resource in template.get("Resources", {}).values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/health.zip"
out = transform(template, {}, NoManagedPolicies())
print(json.dumps({
    "types": {name: r["Type"] for name, r in out["Resources"].items()},
    "deploymentStages": [r["Properties"]["StageName"] for r in out["Resources"].values()
                         if r["Type"] == "AWS::ApiGateway::Deployment" and "StageName" in r["Properties"]],
}))
`

func TestSAMTranslatorTransformsTemplate(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: SAM transform not checked")
	}
	cmd := exec.CommandContext(t.Context(), py, "-c", samTransform, "template.yaml")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		t.Skip(strings.TrimSpace(string(out)) + ": SAM transform not checked (pip install aws-sam-translator)")
	}
	if err != nil {
		t.Fatalf("SAM transform of template.yaml failed: %v\n%s%s", err, out, stderr.String())
	}
	var got struct {
		Types            map[string]string `json:"types"`
		DeploymentStages []string          `json:"deploymentStages"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("transform output: %v\n%s", err, out)
	}
	for name, typ := range map[string]string{
		"HealthFunction":     "AWS::Lambda::Function",
		"HealthFunctionRole": "AWS::IAM::Role",
		"HealthApi":          "AWS::ApiGateway::RestApi",
		"HealthApiStage":     "AWS::ApiGateway::Stage",
		"HealthCheck":        "AWS::Route53::HealthCheck",
		"HealthCheckAlarm":   "AWS::CloudWatch::Alarm",
	} {
		if got.Types[name] != typ {
			t.Errorf("transformed %s is %q, want %s", name, got.Types[name], typ)
		}
	}
	if len(got.DeploymentStages) != 0 {
		t.Errorf("a REST API deployment creates stage(s) %v besides the template's (OpenApiVersion unset?)", got.DeploymentStages)
	}
	// An explicit Role: SAM must not create its own, broader one. (The other role is
	// API Gateway's optional log role, ApiGatewayCloudWatchRole.)
	var roles []string
	for name, typ := range got.Types {
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
