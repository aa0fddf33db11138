// Package probe builds [checks.Check] functions for real dependencies (an
// HTTP(S) GET, a TCP connect, a verified TLS handshake, one signed read of
// an AWS resource, the WhatsApp Cloud API) and parses the HEALTH_CHECKS
// grammar into them.
//
// Every network operation of a probe (DNS lookup, dial, TLS handshake,
// request, body read) is bound to the ctx it is given: when ctx ends, its
// sockets are closed and its goroutines return within milliseconds. Nothing
// is pooled between runs. Under Lambda that matters twice: an environment is
// frozen with whatever was left running, and a leftover dial would otherwise
// live for the default dialer's 30 s.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/version"
)

// maxBody is how much of an HTTP answer is read before the connection is
// closed: enough to finish small health bodies, never a download.
const maxBody = 64 << 10

// DefaultCertWarnDays is how many days before its certificate expires a
// tls:// check starts to warn.
const DefaultCertWarnDays = 14

// Option configures the probes that [Parse], [HTTP], [TCP] and [TLS] build.
type Option func(*config)

type config struct {
	resolver *net.Resolver
	roots    *x509.CertPool
	warnDays int
	now      func() time.Time

	// The AWS and WhatsApp kinds (aws.go, whatsapp.go).
	getenv    func(string) string
	whatsapp  WhatsApp
	secretTTL time.Duration
}

// WithResolver makes the probes resolve names with r instead of the Go
// resolver reading /etc/resolv.conf. Whatever r.Dial returns is still closed
// when the check's ctx ends. Tests use it to wire in a DNS server on loopback.
func WithResolver(r *net.Resolver) Option { return func(c *config) { c.resolver = r } }

// WithRootCAs sets the certificate roots that https:// and tls:// probes
// trust. Without it, [Parse] loads the system pool once, when it builds the
// first such probe, so that no check pays for loading it (tens of
// milliseconds) inside its timeout.
func WithRootCAs(p *x509.CertPool) Option { return func(c *config) { c.roots = p } }

// WithCertWarnDays sets how many days before expiry a tls:// check warns
// (default [DefaultCertWarnDays]). Zero never warns; negative keeps the
// default.
func WithCertWarnDays(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.warnDays = n
		}
	}
}

func newConfig(opts []Option) *config {
	c := &config{warnDays: DefaultCertWarnDays, now: time.Now, getenv: os.Getenv,
		whatsapp: WhatsApp{WarnDays: DefaultTokenWarnDays}}
	for _, o := range opts {
		o(c)
	}
	if c.whatsapp.APIURL == "" {
		c.whatsapp.APIURL = DefaultWhatsAppAPIURL
	}
	if c.whatsapp.APIVersion == "" {
		c.whatsapp.APIVersion = DefaultWhatsAppAPIVersion
	}
	return c
}

// systemCertPool is x509.SystemCertPool, replaceable by tests that count its
// calls.
var systemCertPool = x509.SystemCertPool

// rootCAs returns the configured roots, loading the system pool on first use.
// A system without a pool gets nil, which makes crypto/tls try again itself.
func (c *config) rootCAs() *x509.CertPool {
	if c.roots == nil {
		c.roots, _ = systemCertPool()
	}
	return c.roots
}

// dialer returns a dialer whose connections, DNS ones included, are closed
// when ctx ends, whoever holds them (net/http's transport dials with a
// context detached from the request's, and keeps dialing after the request is
// given up).
func (c *config) dialer(ctx context.Context) *boundDialer {
	// A resolver of its own per dial: net.Resolver shares lookups of one
	// name between callers, and a lookup shared with another check would
	// outlive this one's ctx.
	var base func(context.Context, string, string) (net.Conn, error)
	strict := false
	if c.resolver != nil {
		base, strict = c.resolver.Dial, c.resolver.StrictErrors
	}
	bd := &boundDialer{ctx: ctx}
	// PreferGo: the cgo resolver (getaddrinfo on a thread) cannot be
	// interrupted; the Lambda build has no cgo anyway.
	bd.Resolver = &net.Resolver{PreferGo: true, StrictErrors: strict,
		Dial: func(dctx context.Context, network, addr string) (net.Conn, error) {
			var conn net.Conn
			var err error
			if base != nil {
				conn, err = base(dctx, network, addr)
			} else {
				var d net.Dialer
				conn, err = d.DialContext(dctx, network, addr)
			}
			if err != nil {
				return nil, err
			}
			// The resolver cancels dctx when its caller gives up, but
			// does not watch it while it waits for an answer: close the
			// socket then, or at the latest when the check ends. (No
			// wrapper: the resolver tells UDP from TCP by the type.)
			closeWhenDone(dctx, conn)
			closeWhenDone(ctx, conn)
			return conn, nil
		}}
	return bd
}

// boundDialer is a net.Dialer tied to one check's ctx.
type boundDialer struct {
	net.Dialer
	ctx context.Context
}

// DialContext ignores the ctx it is given in favour of the check's: the
// transport's is detached from the request and would let the dial run on.
func (d *boundDialer) DialContext(_ context.Context, network, addr string) (net.Conn, error) {
	conn, err := d.Dialer.DialContext(d.ctx, network, addr)
	if err != nil {
		return nil, err
	}
	closeWhenDone(d.ctx, conn)
	return conn, nil
}

// closeWhenDone closes conn when ctx ends. Closing the socket ends every
// read, write or handshake on it, whatever layer started them; closing it
// again after its owner did is harmless.
func closeWhenDone(ctx context.Context, conn net.Conn) {
	context.AfterFunc(ctx, func() { conn.Close() })
}

// lambdaTraceKey is the context key under which aws-lambda-go's runtime loop
// puts the invocation's X-Ray trace header (Root=…;Parent=…;Sampled=…).
const lambdaTraceKey = "x-amzn-trace-id"

// traceHeader is the invocation's X-Ray trace header, or "" outside Lambda.
func traceHeader(ctx context.Context) string {
	id, _ := ctx.Value(lambdaTraceKey).(string)
	return id
}

// HTTP returns a check that GETs url and passes on a 2xx or 3xx status.
// Under Lambda it carries the invocation's X-Ray trace header, so a
// dependency that is traced itself joins the request's trace.
// Redirects are not followed (a 3xx is itself a pass, as for Route 53), TLS
// certificates are verified, and each run dials afresh over a transport of
// its own, closed when the run ends: a check every TTL gains nothing from an
// idle connection. The deadline comes from ctx.
func HTTP(rawURL string, opts ...Option) func(context.Context) error {
	return newConfig(opts).http(rawURL)
}

func (c *config) http(rawURL string) func(context.Context) error {
	u, err := url.Parse(rawURL)
	var roots *x509.CertPool
	if err == nil && u.Scheme == "https" {
		roots = c.rootCAs() // now, not in the first check
	}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "whatsapp-contact-processor-health/"+version.Version)
		if id := traceHeader(ctx); id != "" {
			req.Header.Set("X-Amzn-Trace-Id", id)
		}
		d := c.dialer(ctx)
		tlsConf := &tls.Config{RootCAs: roots}
		tr := &http.Transport{
			Proxy:             http.ProxyFromEnvironment,
			DialContext:       d.DialContext,
			TLSClientConfig:   tlsConf, // used through a proxy's CONNECT
			DisableKeepAlives: true,
		}
		if req.URL.Scheme == "https" {
			tr.DialTLSContext = func(_ context.Context, network, addr string) (net.Conn, error) {
				return tlsDial(ctx, d, tlsConf, network, addr)
			}
		}
		defer tr.CloseIdleConnections()
		client := &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
		resp, err := client.Do(req)
		if err != nil {
			// url.Error quotes the whole URL, query string included.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return fmt.Errorf("GET %s: %w", display(req.URL), err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		if resp.StatusCode < 200 || resp.StatusCode > 399 {
			return fmt.Errorf("GET %s: status %d, want 2xx or 3xx", display(req.URL), resp.StatusCode)
		}
		return nil
	}
}

// tlsDial connects and completes a verified handshake (SNI = the host of
// addr), both bound to ctx.
func tlsDial(ctx context.Context, d *boundDialer, base *tls.Config, network, addr string) (*tls.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	conf := base.Clone()
	conf.ServerName = host
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, conf)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// display is how a check's URL appears in errors, which reach the log and
// the authorised caller's detailed view: without credentials or query
// string, either of which may carry a secret.
func display(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// TCP returns a check that connects to addr (host:port) and closes the
// connection at once.
//
// It proves that something on addr completes TCP handshakes: the kernel does
// that for a listening socket before the program accepts, so a process that
// is wedged, or never calls accept, still passes as long as its backlog has
// room. It does not prove that anything serves the port. Use http:// or
// tls:// when the dependency speaks either.
func TCP(addr string, opts ...Option) func(context.Context) error {
	return newConfig(opts).tcp(addr)
}

func (c *config) tcp(addr string) func(context.Context) error {
	return func(ctx context.Context) error {
		conn, err := c.dialer(ctx).DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return conn.Close()
	}
}

// TLS returns a check that connects to addr (host:port) and completes a TLS
// handshake, verifying the certificate chain against the roots and the host
// name (also sent as SNI). It reports the leaf certificate's days to expiry
// as the observation "certificateExpiry" (unit "d"). Fewer days left than
// the warn threshold (default [DefaultCertWarnDays]) make it warn; an
// expired, untrusted or misnamed certificate fails the handshake, and the
// check.
func TLS(addr string, opts ...Option) func(context.Context) error {
	return newConfig(opts).tls(addr)
}

func (c *config) tls(addr string) func(context.Context) error {
	conf := &tls.Config{RootCAs: c.rootCAs()}
	return func(ctx context.Context) error {
		conn, err := tlsDial(ctx, c.dialer(ctx), conf, "tcp", addr)
		if err != nil {
			return fmt.Errorf("TLS %s: %w", addr, err)
		}
		defer conn.Close()
		leaf := conn.ConnectionState().PeerCertificates[0]
		left := leaf.NotAfter.Sub(c.now())
		days := math.Floor(left.Hours() / 24)
		checks.Observe(ctx, checks.Observation{Measurement: "certificateExpiry", Value: days, Unit: "d"})
		if c.warnDays > 0 && left < time.Duration(c.warnDays)*24*time.Hour {
			return checks.Warn(fmt.Errorf("TLS %s: certificate expires in %.0f days (%s), under %d",
				addr, days, leaf.NotAfter.UTC().Format(time.RFC3339), c.warnDays))
		}
		return nil
	}
}
