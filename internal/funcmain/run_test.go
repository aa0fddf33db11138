package funcmain_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/funcmain"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

// health is the health function's handler, as functions/health builds it.
func health(getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	return httpapi.NewServer(cfg, httpapi.WithLogger(logger)), nil
}

// run runs the health function in process, as its main would.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(net.Addr)) error {
	return funcmain.Run(ctx, "health", args, getenv, stderr, health, ready)
}

const seedBody = httpapi.HealthyBody

// startLocal runs the binary's own run function in local mode on a free port
// and returns its base URL; the server stops when the test ends.
func startLocal(t *testing.T, env map[string]string) (string, func() error) {
	t.Helper()
	return startFunction(t, "health", health, nil, env)
}

// startFunction is startLocal for any handler, run as the function called
// name with extra flags.
func startFunction(t *testing.T, name string, newHandler funcmain.NewHandler, args []string, env map[string]string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	var logs syncbuf.Buffer
	go func() {
		errc <- funcmain.Run(ctx, name, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, &logs, newHandler, func(a net.Addr) { addrc <- a })
	}()
	select {
	case a := <-addrc:
		var once sync.Once
		var runErr error
		stop := func() error {
			once.Do(func() {
				cancel()
				select {
				case runErr = <-errc:
				case <-time.After(10 * time.Second):
					t.Error("run did not return after cancel")
				}
			})
			return runErr
		}
		t.Cleanup(func() { _ = stop() })
		return "http://" + a.String(), stop
	case err := <-errc:
		t.Fatalf("run: %v\n%s", err, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("local mode did not start")
	}
	return "", nil
}

func TestLocalMode(t *testing.T) {
	base, _ := startLocal(t, nil)
	tests := []struct {
		method, path string
		header       map[string]string
		status       int
		body         string
		wantHeader   map[string]string
	}{
		{method: "GET", path: "/health", status: 200, body: seedBody,
			wantHeader: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}},
		{method: "HEAD", path: "/health", status: 200, body: "",
			wantHeader: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}},
		// Methods and paths the template does not route never reach the
		// function: API Gateway (and sam local start-api) answer 403.
		{method: "POST", path: "/health", status: 403, body: `{"message":"Missing Authentication Token"}`,
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{method: "GET", path: "/nope", status: 403, body: `{"message":"Missing Authentication Token"}`,
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{method: "OPTIONS", path: "/health",
			header: map[string]string{"Origin": "https://dashboard.example", "Access-Control-Request-Method": "GET"},
			status: 204, body: "",
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"}},
		{method: "GET", path: "/health", header: map[string]string{"Origin": "https://dashboard.example"}, status: 200, body: seedBody,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || string(body) != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// SIGINT/SIGTERM cancel run's context: in-flight requests finish, then run
// returns nil.
func TestLocalModeShutsDownCleanly(t *testing.T) {
	base, stop := startLocal(t, nil)
	resp, err := http.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after shutdown", err)
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestLocalModeCORSOriginsFromEnv(t *testing.T) {
	base, _ := startLocal(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://ok.example"})
	for origin, want := range map[string]string{"https://ok.example": "https://ok.example", "https://other.example": ""} {
		req, _ := http.NewRequest("GET", base+"/health", nil)
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: got %q, want %q", origin, got, want)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"-nope"}, func(string) string { return "" }, &stderr, nil)
	if err == nil || !strings.Contains(stderr.String(), "-addr") {
		t.Errorf("err = %v; usage = %q", err, stderr.String())
	}
}

func TestRunReportsAnAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(t.Context(), []string{"-addr", ln.Addr().String()}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), "ADDR") {
		t.Errorf("err = %v, want address already in use, naming ADDR", err)
	}
}
