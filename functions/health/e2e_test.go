package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

const seedBody = httpapi.HealthyBody

// The tests here share one build of the real bootstrap, in a directory that
// outlives each test.
var bootstrap struct {
	once      sync.Once
	dir, path string
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "health-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bootstrap.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// healthBootstrap builds ./functions/health as Lambda runs it, once per test
// binary, and skips the test under -short.
func healthBootstrap(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a build of the bootstrap")
	}
	bootstrap.once.Do(func() { bootstrap.path = rietest.BuildBootstrapIn(t, bootstrap.dir, "./functions/health") })
	if bootstrap.path == "" {
		t.Fatal("the bootstrap did not build (see the first test that tried)")
	}
	return bootstrap.path
}

// startHealth runs the shared bootstrap under the runtime emulator with env.
func startHealth(t *testing.T, env ...string) *rietest.Function {
	t.Helper()
	return rietest.Start(t, healthBootstrap(t), env...)
}

// TestBootstrapUnderEmulator builds the real bootstrap (CGO_ENABLED=0,
// -tags lambda.norpc) and invokes it through AWS's Runtime Interface
// Emulator as Lambda would: every front, then garbage, then valid events
// again on the same process.
func TestBootstrapUnderEmulator(t *testing.T) {
	fn := startHealth(t)

	steps := []struct {
		name      string
		payload   string // file under events, or a literal payload
		literal   bool
		status    int
		body      string
		multi     bool
		errPrefix string
	}{
		{name: "REST API", payload: "rest-api.json", status: 200, body: seedBody, multi: true},
		{name: "HTTP API $default", payload: "http-api.json", status: 200, body: seedBody},
		{name: "HTTP API named stage", payload: "http-api-stage.json", status: 200, body: seedBody},
		{name: "Function URL", payload: "function-url.json", status: 200, body: seedBody},
		{name: "ALB", payload: "alb.json", status: 200, body: seedBody},
		{name: "ALB multi-value", payload: "alb-multivalue.json", status: 200, body: seedBody, multi: true},
		{name: "garbage", payload: "\x00not json at all", literal: true, errPrefix: "unsupported event: "},
		{name: "empty object", payload: "{}", literal: true, errPrefix: "unsupported event: "},
		{name: "array", payload: "[]", literal: true, errPrefix: "unsupported event: "},
		{name: "REST API after garbage", payload: "rest-api.json", status: 200, body: seedBody, multi: true},
		{name: "ALB after garbage", payload: "alb.json", status: 200, body: seedBody},
	}
	for _, s := range steps {
		payload := []byte(s.payload)
		if !s.literal {
			payload = rietest.SampleEvent(t, s.payload)
		}
		a := invoke(t, fn, payload)
		if s.errPrefix != "" {
			if !strings.HasPrefix(a.ErrorMessage, s.errPrefix) || a.ErrorType != "UnsupportedEventError" || a.StatusCode != 0 {
				t.Errorf("%s: want a function error %q…, got %+v", s.name, s.errPrefix, a)
			}
			continue
		}
		if a.StatusCode != s.status || a.Body != s.body || a.ErrorMessage != "" {
			t.Errorf("%s: got %+v", s.name, a)
		}
		if s.multi != (len(a.MultiValueHeaders) > 0) || s.multi == (len(a.Headers) > 0) {
			t.Errorf("%s: wrong header form: headers=%v multiValueHeaders=%v", s.name, a.Headers, a.MultiValueHeaders)
		}
	}

	// One process served everything: the runtime never restarted it.
	if n := strings.Count(fn.Output(), "Init Duration"); n != 1 {
		t.Errorf("bootstrap initialised %d times, want 1:\n%s", n, fn.Output())
	}
}

// answer is what the function returned through the emulator: an HTTP
// answer in any front's shape, or a function error.
type answer struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	ErrorMessage      string              `json:"errorMessage"`
	ErrorType         string              `json:"errorType"`
}

// invoke sends payload through the emulator and decodes the answer.
func invoke(t *testing.T, fn *rietest.Function, payload []byte) answer {
	t.Helper()
	status, out, err := fn.Invoke(t.Context(), payload)
	if err != nil || status != 200 {
		t.Fatalf("emulator answered %d, %v\n%s", status, err, fn.Output())
	}
	var a answer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, out)
	}
	return a
}

// restEvent is AWS's sample REST API event for path, changed by edit (if any).
func restEvent(t *testing.T, path string, edit func(ev map[string]any)) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(rietest.SampleEvent(t, "rest-api.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["path"], ev["resource"] = path, path
	if edit != nil {
		edit(ev)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Lambda build has no local server: run outside Lambda, it must say so
// and how to get one, and exit 1, rather than die in lambda.Start's
// log.Fatalf.
func TestLambdaBuildOutsideLambda(t *testing.T) {
	cmd := exec.Command(healthBootstrap(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "make run") {
		t.Errorf("got %v, output %q; want exit status 1 pointing at make run", err, out)
	}
}

// Lambda sends SIGTERM before recycling an environment. The function
// registers no SIGTERM hook (it has nothing to flush), so Go's default action
// must end the process at once rather than leave it to be killed at
// Lambda's shutdown deadline.
func TestSIGTERMEndsTheRuntime(t *testing.T) {
	fn := startHealth(t)
	payload := rietest.SampleEvent(t, "rest-api.json")
	if status, out, err := fn.Invoke(t.Context(), payload); err != nil || status != 200 {
		t.Fatalf("%d %v %s", status, err, out)
	}
	pid := fn.BootstrapPID()
	if pid == 0 {
		t.Fatal("no bootstrap process")
	}
	// A pidfd becomes readable when the process exits, child or not.
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pidfd)
	if err := unix.Kill(pid, unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 5000)
	if err != nil || n != 1 {
		t.Fatalf("bootstrap still running 5 s after SIGTERM (poll = %d, %v)", n, err)
	}
}
