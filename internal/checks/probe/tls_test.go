package probe_test

import (
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

func TestTLSCheck(t *testing.T) {
	day := 24 * time.Hour
	now := time.Now()
	tests := []struct {
		name     string
		notAfter time.Time
		certFor  string // name in the certificate
		dial     string // host the check names
		trusted  bool
		warnDays int // 0: default
		want     checks.Status
		wantErr  string
		wantDays float64 // -1: no observation
	}{
		{name: "valid for 90 days", notAfter: now.Add(90*day + time.Hour), certFor: "localhost", dial: "localhost",
			trusted: true, want: checks.StatusPass, wantDays: 90},
		{name: "15 days left passes", notAfter: now.Add(15*day + time.Hour), certFor: "localhost", dial: "localhost",
			trusted: true, want: checks.StatusPass, wantDays: 15},
		{name: "13 days left warns", notAfter: now.Add(13*day + time.Hour), certFor: "localhost", dial: "localhost",
			trusted: true, want: checks.StatusWarn, wantErr: "certificate expires in 13 days", wantDays: 13},
		{name: "threshold from the option", notAfter: now.Add(40*day + time.Hour), certFor: "localhost", dial: "localhost",
			trusted: true, warnDays: 45, want: checks.StatusWarn, wantErr: "under 45", wantDays: 40},
		{name: "expired fails", notAfter: now.Add(-day), certFor: "localhost", dial: "localhost",
			trusted: true, want: checks.StatusFail, wantErr: "expired", wantDays: -1},
		{name: "other name fails", notAfter: now.Add(90 * day), certFor: "other.example", dial: "localhost",
			trusted: true, want: checks.StatusFail, wantErr: "not localhost", wantDays: -1},
		{name: "untrusted fails", notAfter: now.Add(90 * day), certFor: "localhost", dial: "localhost",
			trusted: false, want: checks.StatusFail, wantErr: "unknown authority", wantDays: -1},
		{name: "IP address", notAfter: now.Add(90*day + time.Hour), certFor: "127.0.0.1", dial: "127.0.0.1",
			trusted: true, want: checks.StatusPass, wantDays: 90},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert, pool := selfSigned(t, tc.notAfter, tc.certFor)
			if !tc.trusted {
				pool = x509.NewCertPool()
			}
			srv := startTLSServer(t, cert)
			_, port, _ := net.SplitHostPort(srv.addr)
			opts := []probe.Option{probe.WithRootCAs(pool)}
			if tc.warnDays != 0 {
				opts = append(opts, probe.WithCertWarnDays(tc.warnDays))
			}
			cs, err := probe.Parse("cert=tls://"+net.JoinHostPort(tc.dial, port)+",noncritical", opts...)
			if err != nil {
				t.Fatal(err)
			}
			res := checks.New(checks.WithCheck(cs...)).Check(t.Context())
			got := res.Checks[0]
			if got.Status != tc.want {
				t.Errorf("status = %s (%v), want %s", got.Status, got.Err, tc.want)
			}
			if tc.wantErr == "" && got.Err != nil || tc.wantErr != "" && (got.Err == nil || !strings.Contains(got.Err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want %q", got.Err, tc.wantErr)
			}
			if tc.want == checks.StatusWarn && res.Status != checks.StatusWarn {
				t.Errorf("overall = %s, want warn", res.Status)
			}
			want := []checks.Observation{{Measurement: "certificateExpiry", Value: tc.wantDays, Unit: "d"}}
			if tc.wantDays < 0 {
				want = nil
			}
			if !slices.Equal(got.Observations, want) {
				t.Errorf("observations = %v, want %v", got.Observations, want)
			}
			if net.ParseIP(tc.dial) == nil && !slices.Contains(srv.names(), tc.dial) {
				t.Errorf("SNI sent: %q, want %q", srv.names(), tc.dial)
			}
		})
	}
}

// A warning from a critical check degrades the service; it does not take it
// out of service.
func TestCriticalCertificateWarningIsNotAFailure(t *testing.T) {
	cert, pool := selfSigned(t, time.Now().Add(3*24*time.Hour), "localhost")
	srv := startTLSServer(t, cert)
	_, port, _ := net.SplitHostPort(srv.addr)
	cs, err := probe.Parse("cert=tls://localhost:"+port, probe.WithRootCAs(pool))
	if err != nil {
		t.Fatal(err)
	}
	if res := checks.New(checks.WithCheck(cs...)).Check(t.Context()); res.Status != checks.StatusWarn || !res.Checks[0].Critical {
		t.Errorf("got %s (%v), want warn", res.Status, res.Checks[0].Err)
	}
}

// The system certificate pool is loaded when the checks are built, only when
// an https:// or tls:// check is configured, and once; the checks then use
// that pool and load nothing. This is what keeps the first HTTPS check after
// a cold start from paying for the load (18-37 ms, 169 ms under -race)
// inside its timeout.
func TestRootsAreLoadedAtStartUpOnlyWhenNeeded(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tests := []struct {
		spec  string
		loads int32
	}{
		{"", 0},
		{"a=tcp://127.0.0.1:1;b=" + strings.Replace(srv.URL, "https", "http", 1), 0},
		{"a=" + srv.URL + "/;b=tls://" + srv.Listener.Addr().String() + ";c=" + srv.URL + "/x", 1},
		{"a=tls://" + srv.Listener.Addr().String(), 1},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			loads := probe.FakeSystemCertPool(t, pool)
			cs, err := probe.Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if n := loads.Load(); n != tc.loads {
				t.Fatalf("Parse loaded the system pool %d times, want %d", n, tc.loads)
			}
			if tc.loads == 0 {
				return
			}
			c := checks.New(checks.WithCacheTTL(0), checks.WithCheck(cs...))
			for range 2 {
				// The fake "system" pool trusts the server: the checks
				// pass only if they use the pool Parse loaded.
				if res := c.Check(t.Context()); res.Status != checks.StatusPass {
					t.Fatalf("got %s: %v", res.Status, res.Checks)
				}
			}
			if n := loads.Load(); n != 1 {
				t.Errorf("after two runs the pool was loaded %d times, want still 1", n)
			}
		})
	}
	loads := probe.FakeSystemCertPool(t, pool)
	if _, err := probe.Parse("a="+srv.URL, probe.WithRootCAs(pool)); err != nil || loads.Load() != 0 {
		t.Errorf("with WithRootCAs: %v, %d loads, want none", err, loads.Load())
	}
}
