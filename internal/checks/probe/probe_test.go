package probe_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestProbes(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("x", 1<<20))) })
	mux.HandleFunc("/no-content", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/500", http.StatusFound) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/404", http.NotFound)
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { time.Sleep(100 * time.Millisecond) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	tlsSrv := httptest.NewTLSServer(mux) // its certificate is not trusted by the probe
	listening, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		close(release)
		srv.Close()
		tlsSrv.Close()
		listening.Close()
	})

	tests := []struct {
		name    string
		spec    string
		wantErr string // "" = pass
	}{
		{"200 with a big body", "a=" + srv.URL + "/ok", ""},
		{"204", "a=" + srv.URL + "/no-content", ""},
		{"302 is a pass and is not followed", "a=" + srv.URL + "/redirect", ""},
		{"500", "a=" + srv.URL + "/500", "status 500"},
		{"404", "a=" + srv.URL + "/404", "status 404"},
		{"slow but within the timeout", "a=" + srv.URL + "/slow,timeout=1s", ""},
		{"hangs past the timeout", "a=" + srv.URL + "/hang,timeout=150ms", "timed out after 150ms"},
		{"TLS is verified", "a=" + tlsSrv.URL + "/ok", "certificate signed by unknown authority"},
		{"TLS check is verified", "a=tls://" + tlsSrv.Listener.Addr().String(), "certificate signed by unknown authority"},
		{"HTTP to a closed port", "a=http://" + closedPort(t) + "/", "refused"},
		{"TCP listening", "a=tcp://" + listening.Addr().String(), ""},
		{"TCP closed port", "a=tcp://" + closedPort(t), "refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// An empty root pool: the test server's certificate is not
			// trusted, and no system pool is loaded during the check (that
			// load, tens of ms, made this test flaky under -race).
			cs, err := probe.Parse(tc.spec, probe.WithRootCAs(x509.NewCertPool()))
			if err != nil {
				t.Fatal(err)
			}
			c := checks.New(checks.WithBudget(time.Second), checks.WithCheck(cs...))
			res := c.Check(t.Context()).Checks[0]
			switch {
			case tc.wantErr == "" && res.Err != nil:
				t.Errorf("err = %v, want a pass", res.Err)
			case tc.wantErr != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want one containing %q", res.Err, tc.wantErr)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		spec    string
		want    []checks.Check // Func not compared
		wantErr string
	}{
		{spec: "", want: nil},
		{spec: " ; \n ;", want: nil},
		{spec: "db=tcp://db.internal:5432", want: []checks.Check{{Name: "db", Critical: true}}},
		{spec: " db = tcp://db.internal:5432 ;\n crm=https://crm.example/health?a=1 , noncritical , timeout=500ms ;",
			want: []checks.Check{{Name: "db", Critical: true}, {Name: "crm", Timeout: 500 * time.Millisecond}}},
		{spec: "a=http://x/,critical,timeout=1s", want: []checks.Check{{Name: "a", Critical: true, Timeout: time.Second}}},
		{spec: "tcp://db:5432", wantErr: "HEALTH_CHECKS entry 1: want name=target"},
		{spec: "db=tcp://db:5432;db=tcp://db:5433", wantErr: `entry 2 ("db"): duplicate name`},
		{spec: "ok=tcp://a:1;bad=ftp://x", wantErr: `entry 2 ("bad"): unsupported scheme "ftp"`},
		{spec: "a=db:5432", wantErr: `entry 1 ("a"): unsupported scheme "db"`},
		{spec: "a=localhost", wantErr: `entry 1 ("a"): target has no scheme`},
		{spec: "a=tcp://db", wantErr: `tcp target must be tcp://host:port`},
		{spec: "a=tcp://db:0", wantErr: `tcp port "0" is not 1-65535`},
		{spec: "a=tcp://db:5432/x", wantErr: `tcp target must be tcp://host:port`},
		{spec: "a=tls://db.internal:5432", want: []checks.Check{{Name: "a", Critical: true}}},
		{spec: "a=tls://db.internal", wantErr: `tls target must be tls://host:port`},
		{spec: "a=tls://db:99999", wantErr: `tls port "99999" is not 1-65535`},
		{spec: "a=tls://u:p@db:443", wantErr: `tls target must be tls://host:port`},
		{spec: "a=tls://db:443/path", wantErr: `tls target must be tls://host:port`},
		{spec: "a=https:///path", wantErr: `https target has no host`},
		{spec: "a=tcp://db:1,sometimes", wantErr: `unknown option "sometimes"`},
		{spec: "a=tcp://db:1,timeout=soon", wantErr: `timeout "soon"`},
		{spec: "a=tcp://db:1,timeout=-1s", wantErr: `timeout "-1s"`},
		{spec: "a=tcp://db:1,critical,noncritical", wantErr: `given twice`},
		{spec: "my db=tcp://db:1", wantErr: `entry 1 ("my db"): name may hold only`},
		{spec: "https://user:secret@x/=1", wantErr: `entry 1: name`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := probe.Parse(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "user:secret") {
					t.Errorf("the error repeats a credential: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d checks, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.Name || g.Critical != w.Critical || g.Timeout != w.Timeout || g.Func == nil {
					t.Errorf("check %d = {%s critical=%v timeout=%v}, want {%s critical=%v timeout=%v}",
						i, g.Name, g.Critical, g.Timeout, w.Name, w.Critical, w.Timeout)
				}
			}
		})
	}
}

// A check URL may carry a secret in its userinfo or query string; failure
// reasons go to the log and the token holder's detailed view without them.
func TestHTTPErrorsDoNotRepeatSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	failing := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/health?token=s3cret"
	unreachable := "http://user:hunter2@" + closedPort(t) + "/health?token=s3cret"
	for _, u := range []string{failing, unreachable} {
		err := probe.HTTP(u)(t.Context())
		if err == nil {
			t.Fatalf("%s: no error", u)
		}
		if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "hunter2") || !strings.Contains(msg, "/health") {
			t.Errorf("error %q: want the host and path without credentials or query", msg)
		}
	}
}

// An HTTP check carries the invocation's X-Ray trace header (put on the
// context by aws-lambda-go's runtime loop), and none outside Lambda.
func TestHTTPCarriesTheTraceHeader(t *testing.T) {
	got := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Amzn-Trace-Id")
	}))
	defer srv.Close()
	check := probe.HTTP(srv.URL)
	const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	//lint:ignore SA1029 the key aws-lambda-go's runtime loop uses
	ctx := context.WithValue(t.Context(), "x-amzn-trace-id", trace)
	for _, tc := range []struct {
		ctx  context.Context
		want string
	}{{ctx, trace}, {t.Context(), ""}} {
		if err := check(tc.ctx); err != nil {
			t.Fatal(err)
		}
		if h := <-got; h != tc.want {
			t.Errorf("X-Amzn-Trace-Id = %q, want %q", h, tc.want)
		}
	}
}
