package localapi_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/localapi"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

// buildHealth builds the health function's bootstrap as `make run` does
// (for this machine, as Lambda builds it), sharing the build cache.
func buildHealth(t *testing.T) string { return build(t, "../../functions/health") }

func build(t *testing.T, pkg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", path, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// Each function runs as its own process with only its own environment; one
// that cannot start answers 502 on its routes, the log says why, and the
// others keep serving.
func TestRunProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs the health bootstrap")
	}
	health := buildHealth(t)
	// Local mode's own environment reaches no function: Good would fail its
	// init with this, and Bad would name "parent" instead of "shell".
	t.Setenv("HEALTH_CHECKS", "parent=ftp://db.internal")
	var logs, stdout syncbuf.Buffer
	opts := localapi.Options{
		Template: "testdata/processes.yaml", Stdout: &stdout,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		// Bad declares HEALTH_CHECKS and takes the shell's; Good does not.
		LookupEnv: func(k string) (string, bool) {
			v := map[string]string{"HEALTH_CHECKS": "shell=ftp://db.internal"}[k]
			return v, v != ""
		},
	}
	base, _ := runProcesses(t, opts, map[string]string{"Good": health, "Bad": health}, &logs)
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/health", 200, seedBody},
		{"/health/ready", 502, internal},
		{"/health/live", 502, internal},
		{"/health", 200, seedBody}, // still serving
	}
	for _, tc := range tests {
		resp, body := do(t, "GET", base+tc.path, nil, nil)
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no security headers: %v", tc.path, resp.Header)
		}
	}
	for _, want := range []string{`HEALTH_CHECKS entry 1 (\"shell\"): unsupported scheme \"ftp\"`, "function=Missing", "no executable for Missing"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

// A function past its Timeout is stopped, as Lambda stops it, and so is one
// whose process ends mid-invocation: each answers 502, and the next request
// gets a new process. A cold start's init does not count against the
// Timeout: SlowInit's init outlasts its Timeout and it still answers. A
// client that goes away stops nothing.
func TestRunProcessesReplacesAStoppedProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs a test bootstrap")
	}
	slow := build(t, "./testdata/slowfn")
	var logs syncbuf.Buffer
	opts := localapi.Options{Template: "testdata/slow.yaml", Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	base, stop := runProcesses(t, opts, map[string]string{"Slow": slow, "SlowInit": slow, "Nap": slow}, &logs)
	var pids []int
	pidAt := func(path string) string {
		t.Helper()
		resp, body := do(t, "GET", base+path, nil, nil)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("GET %s: %d %q\n%s", path, resp.StatusCode, body, logs.String())
		}
		pid, err := strconv.Atoi(string(body))
		if err != nil {
			t.Fatalf("GET %s: %q is not a process id", path, body)
		}
		pids = append(pids, pid)
		return string(body)
	}
	pid := func() string { t.Helper(); return pidAt("/pid") }
	first := pid()
	if again := pid(); again != first {
		t.Errorf("a warm process was replaced: %s, then %s", first, again)
	}
	last := first
	for _, path := range []string{"/sleep", "/exit"} {
		if resp, body := do(t, "GET", base+path, nil, nil); resp.StatusCode != 502 || string(body) != internal {
			t.Errorf("GET %s: %d %q, want 502", path, resp.StatusCode, body)
		}
		if next := pid(); next == last {
			t.Errorf("after GET %s the same process (%s) answers", path, next)
		} else {
			last = next
		}
	}
	warm := pidAt("/init/pid")
	if resp, body := do(t, "GET", base+"/init/exit", nil, nil); resp.StatusCode != 502 {
		t.Errorf("GET /init/exit: %d %q, want 502", resp.StatusCode, body)
	}
	if cold := pidAt("/init/pid"); cold == warm {
		t.Errorf("after GET /init/exit the same process (%s) answers", cold)
	}
	// A client that goes away mid-invocation stops nothing: the process
	// finishes the invocation and stays warm.
	warm = pidAt("/nap/pid")
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for ctx.Err() == nil && !strings.Contains(logs.String(), "napping") {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/nap/nap", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("GET /nap/nap answered %d; want the client to have gone first", resp.StatusCode)
	}
	cancel()
	if again := pidAt("/nap/pid"); again != warm {
		t.Errorf("a client that went away stopped the process: %s, then %s", warm, again)
	}
	// Once local mode has returned, none of its processes runs.
	stop()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d outlived local mode (signal 0: %v)", pid, err)
		}
	}
}

// runProcesses serves opts with RunProcesses on a free port and returns
// its base URL and a stop that ends it (the test's cleanup stops it too),
// failing the test unless it then returns nil.
func runProcesses(t *testing.T, opts localapi.Options, bootstraps map[string]string, output io.Writer) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	opts.Addr, opts.Ready = "127.0.0.1:0", func(a net.Addr) { addrc <- a }
	go func() { errc <- localapi.RunProcesses(ctx, opts, bootstraps, output) }()
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-errc:
		cancel()
		t.Fatalf("RunProcesses: %v", err)
	}
	stop = sync.OnceFunc(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("RunProcesses = %v after cancel", err)
		}
	})
	t.Cleanup(stop)
	return base, stop
}
