package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestToolsScript: `make tools` installs the cfn-guard package the guard test looks
// for, and on a machine without the optional tools, `scripts/tools.sh status` (the end
// of `make test`) names each missing one, what it leaves unchecked and `make tools`.
func TestToolsScript(t *testing.T) {
	script := filepath.Join(root, "scripts", "tools.sh")
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	if want := "@cdklabs/cdk-validator-cfnguard@" + guardVersion; !strings.Contains(string(b), want) {
		t.Errorf("scripts/tools.sh does not install %s, the version the guard test expects", want)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found: scripts/tools.sh not run")
	}
	// An empty cache, and a PATH with uname on it and nothing else.
	empty, bin := t.TempDir(), t.TempDir()
	uname, err := exec.LookPath("uname")
	if err != nil {
		t.Skip("uname not found: scripts/tools.sh not run")
	}
	if err := os.Symlink(uname, filepath.Join(bin, "uname")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bash, script, "status")
	cmd.Env = []string{"HOME=" + empty, "XDG_CACHE_HOME=" + empty, "PATH=" + bin}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	for _, want := range []string{
		"not installed: cfn-guard, so skipped: TestControlTowerGuard",
		"not installed: cfn-lint, so skipped: TestCfnLint",
		"not installed: aws-sam-translator, so skipped:",
		"'make tools' installs them",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("status on a bare machine lacks %q:\n%s", want, out)
		}
	}
}
