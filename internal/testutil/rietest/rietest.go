// Package rietest runs a function's real bootstrap under the AWS Lambda
// Runtime Interface Emulator, for end-to-end tests that need no Docker.
//
// The emulator is the module's pinned Go tool
// (github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie).
// Both of its addresses are free loopback ports, so tests run in parallel and
// never collide with a developer's own emulator on 8080/9001.
package rietest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

const riePackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// ModuleRoot returns the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("not inside the module")
	}
	return filepath.Dir(gomod)
}

// BuildBootstrap builds the function package pkg (e.g. "./functions/health")
// for this host as Lambda would run it — static, lambda.norpc — and returns
// the binary's path. extraArgs go to `go build` (e.g. -ldflags).
func BuildBootstrap(t testing.TB, pkg string, extraArgs ...string) string {
	t.Helper()
	return BuildBootstrapIn(t, t.TempDir(), pkg, extraArgs...)
}

// BuildBootstrapIn is BuildBootstrap writing into dir, for a binary that
// outlives one test (several tests sharing one build).
func BuildBootstrapIn(t testing.TB, dir, pkg string, extraArgs ...string) string {
	t.Helper()
	out := filepath.Join(dir, "bootstrap")
	args := append([]string{"build", "-tags", "lambda.norpc", "-o", out}, extraArgs...)
	args = append(args, pkg)
	goBuild(t, args...)
	return out
}

// Emulator builds (once per test binary) and returns the emulator's path.
func Emulator(t testing.TB) string {
	t.Helper()
	rieOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rietest-")
		if err != nil {
			rieErr = err
			return
		}
		riePath = filepath.Join(dir, "aws-lambda-rie")
		cmd := exec.Command("go", "build", "-o", riePath, riePackage)
		cmd.Dir = ModuleRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			rieErr = fmt.Errorf("go build %s: %v\n%s", riePackage, err, out)
		}
	})
	if rieErr != nil {
		t.Fatal(rieErr)
	}
	return riePath
}

var (
	rieOnce sync.Once
	riePath string
	rieErr  error
)

func goBuild(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Function is a bootstrap running under the emulator.
type Function struct {
	// URL is the emulator's invoke URL.
	URL      string
	cmd      *exec.Cmd
	output   *syncbuf.Buffer
	client   *http.Client
	stopOnce sync.Once
}

// Start runs bootstrap under the emulator with env added to the environment
// (AWS_LAMBDA_RUNTIME_API is set by the emulator itself) and waits until the
// emulator accepts invocations. The process group is killed when t ends.
func Start(t testing.TB, bootstrap string, env ...string) *Function {
	t.Helper()
	rieAddr, apiAddr := FreeAddr(t), FreeAddr(t)
	cmd := exec.Command(Emulator(t),
		"--runtime-interface-emulator-address", rieAddr,
		"--runtime-api-address", apiAddr,
		"--log-level", "error",
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_FUNCTION_NAME=health",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=3",
		"AWS_REGION=us-east-1")
	cmd.Env = append(cmd.Env, env...)
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	f := &Function{
		URL:    "http://" + rieAddr + "/2015-03-31/functions/function/invocations",
		cmd:    cmd,
		output: out,
		client: &http.Client{Timeout: 10 * time.Second},
	}
	t.Cleanup(f.Stop)
	f.waitReady(t, rieAddr)
	return f
}

// Stop kills the emulator and the bootstrap; it is also run when the test
// ends, and a second call does nothing.
func (f *Function) Stop() {
	f.stopOnce.Do(func() {
		if f.cmd.Process != nil {
			_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
			_ = f.cmd.Wait()
		}
	})
}

// waitReady polls the emulator's listener; it starts the bootstrap itself
// on the first invocation, as Lambda does.
func (f *Function) waitReady(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("emulator did not listen on %s within 15s; output:\n%s", addr, f.Output())
}

// Invoke posts payload as one synchronous invocation and returns the
// emulator's HTTP status and the function's raw response (or error) payload.
func (f *Function) Invoke(ctx context.Context, payload []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// Output is everything the emulator and the bootstrap printed so far.
func (f *Function) Output() string { return f.output.String() }

// WaitOutput reports whether the output comes to contain s within 10 s. The
// emulator copies the bootstrap's output through a pipe of its own, so a line
// written during an invocation may arrive after the invocation's answer.
func (f *Function) WaitOutput(s string) bool {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(f.Output(), s) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// emulatorPID is the emulator's process id; the bootstrap is its child.
func (f *Function) emulatorPID() int { return f.cmd.Process.Pid }

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// SampleEvent reads one of the AWS sample events (path /health) kept in
// internal/lambdahttp/testdata: rest-api.json, http-api.json,
// http-api-stage.json, function-url.json, alb.json, alb-multivalue.json.
func SampleEvent(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(t), "internal", "lambdahttp", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
