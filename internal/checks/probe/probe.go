// Package probe builds [checks.Check] functions for real dependencies (an
// HTTP(S) GET, a TCP connect) and parses the HEALTH_CHECKS grammar into them.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	"github.com/whatsapp-contact-processor/health/internal/version"
)

// maxBody is how much of an HTTP answer is read before the connection is
// closed: enough to finish small health bodies, never a download.
const maxBody = 64 << 10

// HTTP returns a check that GETs url and passes on a 2xx or 3xx status.
// Redirects are not followed (a 3xx is itself a pass, as for Route 53), TLS
// certificates are verified, and keep-alives are off: a check every TTL gains
// nothing from an idle connection, and none is left behind holding a
// goroutine. The deadline comes from ctx.
func HTTP(rawURL string) func(context.Context) error {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "whatsapp-contact-processor-health/"+version.Version)
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

// display is how a check's URL appears in errors, which reach the log and
// the token holder's detailed view: without credentials or query string,
// either of which may carry a secret.
func display(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// TCP returns a check that connects to addr (host:port) and closes the
// connection at once.
func TCP(addr string) func(context.Context) error {
	return func(ctx context.Context) error {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return conn.Close()
	}
}
