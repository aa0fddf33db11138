package probe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// sockets counts this process's open sockets.
func sockets(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// synDropper returns a loopback address whose listener never accepts and
// whose accept queue is full, so that the kernel drops further SYNs: a
// connect there hangs, as it does to a host behind a firewall that drops.
func synDropper(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	// Fill the queue: dial until a dial is no longer answered.
	for range 64 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return addr
			}
			t.Fatalf("filling the backlog: %v", err)
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatal("the backlog never filled: SYNs are not dropped here")
	return ""
}

// silentServer accepts TCP connections and never writes a byte: a TLS
// handshake or an HTTP request to it stalls.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveAndDrain(t, l)
	return l.Addr().String()
}

// silentDNS is a DNS server on loopback (UDP and TCP) that never answers,
// and a resolver that sends every query to it.
func silentDNS(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 512)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	})
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	tcpAddr := silentServer(t)
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		if strings.HasPrefix(network, "udp") {
			return d.DialContext(ctx, network, pc.LocalAddr().String())
		}
		return d.DialContext(ctx, network, tcpAddr)
	}}
}

// settled waits (bounded) until sockets and goroutines are back to the
// baseline, and reports how long that took and what remained at the bound.
func settled(t *testing.T, baseSockets, baseGoroutines int, bound time.Duration) (time.Duration, int, int) {
	t.Helper()
	start := time.Now()
	for {
		s, g := sockets(t)-baseSockets, runtime.NumGoroutine()-baseGoroutines
		if s <= 0 && g <= 0 {
			return time.Since(start), 0, 0
		}
		if time.Since(start) > bound {
			return time.Since(start), s, g
		}
		time.Sleep(2 * time.Millisecond) // polling interval, not synchronisation
	}
}

// settleBound is how long after the answer the run's sockets and goroutines
// may take to go: a deadline for polling, generous for a loaded machine under
// -race (they go within milliseconds; a leak never does).
const settleBound = 5 * time.Second

// runFault runs cs once within budget. It fails the test unless the answer
// is fail with wantErr in the first check's error and, within settleBound of
// the answer, no socket or goroutine more than before the run remains. It
// returns the result, when it came and when things settled, for the log.
func runFault(t *testing.T, cs []checks.Check, budget time.Duration, wantErr string) (res checks.Result, answered, took time.Duration) {
	t.Helper()
	c := checks.New(checks.WithBudget(budget), checks.WithCacheTTL(0), checks.WithCheck(cs...))
	baseS, baseG := sockets(t), runtime.NumGoroutine()
	start := time.Now()
	res = c.Check(t.Context())
	answered = time.Since(start)
	if res.Status != checks.StatusFail || res.Checks[0].Err == nil || !strings.Contains(res.Checks[0].Err.Error(), wantErr) {
		t.Errorf("got %s (%v), want fail with %q", res.Status, res.Checks[0].Err, wantErr)
	}
	took, s, g := settled(t, baseS, baseG, settleBound)
	if s > 0 || g > 0 {
		buf := make([]byte, 1<<16)
		t.Errorf("%v after the answer: %d sockets and %d goroutines more than before the run\n%s",
			settleBound, s, g, buf[:runtime.Stack(buf, true)])
	}
	return res, answered, took
}

// endlessServer answers 200 with start and then never ends the body, until
// the client hangs up or the test ends.
func endlessServer(t *testing.T, start string) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request first: the server notices the client hang up
		// only once the body is consumed.
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(start))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// TestFaultsLeaveNothingBehind is the fault table of docs/readiness.md: each
// dependency fault answers fail, and once the answer is out, no socket and
// no goroutine of the run remains. Run it with -v for the figures.
func TestFaultsLeaveNothingBehind(t *testing.T) {
	syn := synDropper(t)
	silent := silentServer(t)
	_, port, _ := net.SplitHostPort(silent)
	dns := silentDNS(t)
	endless := endlessServer(t, "partial")

	const budget = 300 * time.Millisecond
	tests := []struct{ fault, spec, wantErr string }{
		{"SYN dropped", "tcp://" + syn, "timed out"},
		{"SYN dropped", "http://" + syn + "/", "timed out"},
		{"SYN dropped", "https://" + syn + "/", "timed out"},
		{"SYN dropped", "tls://" + syn, "timed out"},
		{"TLS handshake never answered", "https://" + silent + "/", "timed out"},
		{"TLS handshake never answered", "tls://" + silent, "timed out"},
		{"HTTP answer never comes", "http://" + silent + "/", "timed out"},
		{"HTTP body never ends", endless.URL + "/", "timed out"},
		{"DNS never answers", "tcp://dep.example.test:" + port, "timed out"},
		{"DNS never answers", "http://dep.example.test:" + port + "/", "timed out"},
		{"DNS never answers", "https://dep.example.test:" + port + "/", "timed out"},
		{"DNS never answers", "tls://dep.example.test:" + port, "timed out"},
		{"SYN dropped, per-check timeout", "tcp://" + syn + ",timeout=100ms", "timed out after 100ms"},
	}
	for _, tc := range tests {
		t.Run(tc.fault+" "+strings.SplitN(tc.spec, ":", 2)[0], func(t *testing.T) {
			cs, err := probe.Parse("dep="+tc.spec, probe.WithResolver(dns), probe.WithRootCAs(x509Pool(t)))
			if err != nil {
				t.Fatal(err)
			}
			res, answered, took := runFault(t, cs, budget, tc.wantErr)
			t.Logf("fault=%q target=%s answer=%s after=%v back-to-baseline-after=%v",
				tc.fault, strings.SplitN(tc.spec, ":", 2)[0], res.Status, answered.Round(time.Millisecond), took.Round(time.Millisecond))
		})
	}
}
