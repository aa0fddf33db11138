package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoute53CidrsScript runs `make route53-cidrs`'s script on a fixture of
// ip-ranges.json (a file:// URL, no network): only the aws partition's IPv4
// ROUTE53_HEALTHCHECKS ranges, each once; without a network, one clear line
// instead of a traceback.
func TestRoute53CidrsScript(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: the script needs it", tool)
		}
	}
	fixture, err := filepath.Abs(filepath.Join("testdata", "ip-ranges.json"))
	if err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(t.TempDir(), "not.json")
	if err := os.WriteFile(notJSON, []byte("<html>captive portal</html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url string
		wantOK    bool
		want      string
	}{
		{"fixture", "file://" + fixture, true, "Route53CheckerCidrs=15.177.0.0/18,15.177.108.0/24,54.183.255.128/26\n"},
		{"no network", "https://127.0.0.1:1/ip-ranges.json", false, "route53-cidrs: cannot fetch"},
		{"not JSON", "file://" + notJSON, false, "route53-cidrs: not the ip-ranges.json format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), filepath.Join(root, "scripts", "route53-cidrs.sh"))
			cmd.Env = append(os.Environ(), "IP_RANGES_URL="+tc.url)
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.wantOK {
				t.Fatalf("exit: %v, want ok=%v\n%s", err, tc.wantOK, out)
			}
			if tc.wantOK && string(out) != tc.want || !tc.wantOK && !strings.HasPrefix(string(out), tc.want) {
				t.Errorf("output %q, want %q", out, tc.want)
			}
			if strings.Contains(string(out), "Traceback") {
				t.Errorf("a traceback:\n%s", out)
			}
		})
	}
}
