package recipetest_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/secheaders"
	"github.com/whatsapp-contact-processor/health/internal/testutil/recipe"
)

const root = "../.."

// sameAsThisTest are the build flags this test binary was built with (see
// race_test.go), for the copy's local builds and tests.
var sameAsThisTest []string

var (
	mountLine = regexp.MustCompile(`^Mounting \S+ at (http://[^/]+)/`)
)

// TestReadmeRecipe applies README's recipe for a new function to a copy of
// the repository: the function builds for Lambda and locally, local mode
// serves it beside /health with the security headers, and the template
// tests still pass.
func TestReadmeRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: copies the repository, builds and runs the recipe's function")
	}
	r, err := recipe.Read(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	name := r.Name

	dir := t.TempDir()
	copyRepo(t, dir)
	// A repository whose reader followed the recipe has the function already:
	// the copy gets the recipe's file in its place.
	if err := os.RemoveAll(filepath.Join(dir, "functions", name)); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "functions", name, "main.go"), r.Go)
	tmpl, err := r.AddTo(string(readFile(t, filepath.Join(dir, "template.yaml"))))
	if errors.Is(err, recipe.ErrDefined) {
		t.Skipf("%v: template.yaml has changed the recipe's block, so README's recipe cannot be applied beside it (rename the function to check the recipe)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "template.yaml"), tmpl)

	bin := filepath.Join(dir, "bin")
	t.Run("builds for Lambda and locally", func(t *testing.T) {
		// As make run builds them: local mode and each function, as Lambda builds it.
		goCmd(t, dir, []string{"CGO_ENABLED=0"}, "build", "-tags", "lambda.norpc", "-o", bin+"/", "./cmd/localapi", "./functions/health", "./functions/"+name)
		goCmd(t, dir, nil, slices.Concat([]string{"build"}, sameAsThisTest, []string{"-o", os.DevNull, "./functions/" + name})...)
	})
	t.Run("local mode serves it beside /health", func(t *testing.T) {
		base := startLocal(t, dir, filepath.Join(bin, "localapi"), filepath.Join(bin, "health"), filepath.Join(bin, name))
		for _, tc := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/health", 200},
			{"GET", "/" + name, 200},
			{"HEAD", "/" + name, 200},
			// OPTIONS reaches the function (ServeMux: 405 with Allow), not API Gateway's 403.
			{"OPTIONS", "/" + name, 405},
			{"POST", "/" + name, 403},
		} {
			req, _ := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
			}
			for k, v := range secheaders.Header() {
				if got := resp.Header.Get(k); got != v[0] {
					t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.path, k, got, v[0])
				}
			}
		}
	})
	t.Run("make invoke-rie FUNCTION="+name, func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("curl not found: make invoke-rie needs it")
		}
		// The project's REST event, sent to the new function's route.
		event := strings.ReplaceAll(string(readFile(t, filepath.Join(dir, "events", "rest-get.json"))), "/health", "/"+name)
		write(t, filepath.Join(dir, "bin", "event.json"), event)
		cmd := exec.CommandContext(t.Context(), "make", "-s", "--no-print-directory", "invoke-rie", "FUNCTION="+name, "EVENT=bin/event.json")
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("make invoke-rie: %v\n%s", err, out)
		}
		var resp struct {
			StatusCode int    `json:"statusCode"`
			Body       string `json:"body"`
		}
		if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != 200 {
			t.Errorf("make invoke-rie FUNCTION=%s: %v %s", name, err, out)
		}
	})
	t.Run("template tests pass", func(t *testing.T) {
		// All but the events/ files through the emulator: those are health's,
		// unchanged, and the subtest above invokes the new function so.
		goCmd(t, dir, nil, slices.Concat([]string{"test"}, sameAsThisTest, []string{"-count=1", "-skip", "^TestEventsThroughRuntimeEmulator$", "./internal/deploytest"})...)
	})
}

// copyRepo copies the working tree (without .git and build outputs) to dir.
func copyRepo(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", "bin", ".aws-sam":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd runs the go command in dir, sharing this build's cache.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// startLocal runs local mode (cmd/localapi) in dir on a free port with the
// given bootstraps and returns its base URL once it has mounted the routes.
func startLocal(t *testing.T, dir, localapi string, bootstraps ...string) string {
	t.Helper()
	cmd := exec.Command(localapi, append([]string{"-addr", "127.0.0.1:0"}, bootstraps...)...)
	cmd.Dir = dir
	cmd.Env = []string{} // no shell environment: each function gets its template's
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Stopped as Ctrl-C stops it: local mode stops its functions'
		// processes and exits 0.
		_ = cmd.Process.Signal(os.Interrupt)
		kill := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
		defer kill.Stop()
		if err := cmd.Wait(); err != nil {
			t.Errorf("local mode after an interrupt: %v", err)
		}
		if t.Failed() {
			t.Logf("local mode's log:\n%s", logs.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := mountLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case base := <-found:
		waitServing(t, base)
		return base
	case <-time.After(30 * time.Second):
		t.Fatal("local mode printed no Mounting line")
	}
	return ""
}

// waitServing waits until the listener answers: Mounting is printed before
// the functions have started.
func waitServing(t *testing.T, base string) {
	t.Helper()
	for range 100 {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("local mode does not answer")
}
