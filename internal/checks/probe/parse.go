package probe

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// Parse reads the HEALTH_CHECKS grammar:
//
//	spec    = [ entry *( ";" entry ) ]            blank entries are ignored
//	entry   = name "=" target *( "," option )
//	name    = 1*64( ALPHA / DIGIT / "-" / "_" / "." )   unique
//	target  = "http://" … / "https://" … / "tcp://" host ":" port
//	        / "tls://" host ":" port
//	        / "dynamodb://" table / "s3://" bucket / "sqs://" ( queue-name / queue-url )
//	        / "secretsmanager://" secret-id / "socialmessaging://" phone-number-id
//	        / "whatsapp://" phone-number-id
//	option  = "critical" / "noncritical" / "timeout=" duration
//
// Checks are critical unless marked noncritical, except whatsapp:// and
// socialmessaging:// (a global platform), which are noncritical unless
// marked critical; timeout is a Go duration
// ("500ms", "1s") bounding that check alone. Spaces and newlines around
// entries, names, targets and options are ignored. A comma or semicolon
// inside a URL must be percent-encoded (%2C, %3B).
//
//	db=tcp://db.internal:5432; crm=https://crm.example/health,noncritical,timeout=500ms
//
// See [HTTP], [TCP] and [TLS] for what each kind proves. When an https:// or
// tls:// target is configured and [WithRootCAs] is not given, Parse loads the
// system certificate pool, once: at start-up rather than in the first check.
//
// The error for a malformed entry names it by position and name; it does not
// repeat the URL, which may carry credentials.
func Parse(spec string, opts ...Option) ([]checks.Check, error) {
	conf := newConfig(opts)
	var out []checks.Check
	seen := map[string]bool{}
	pos := 0
	for raw := range strings.SplitSeq(spec, ";") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		pos++
		c, err := conf.parseEntry(raw)
		if err == nil && seen[c.Name] {
			err = fmt.Errorf("duplicate name")
		}
		if err != nil {
			// Name the entry by position, and by name when it looks like
			// one: never echo what may be a URL with credentials.
			n, _, _ := strings.Cut(raw, "=")
			if n = strings.TrimSpace(n); n == "" || len(n) > 64 || strings.ContainsAny(n, ":/@") {
				return nil, fmt.Errorf("HEALTH_CHECKS entry %d: %w", pos, err)
			}
			return nil, fmt.Errorf("HEALTH_CHECKS entry %d (%q): %w", pos, n, err)
		}
		seen[c.Name] = true
		out = append(out, c)
	}
	return out, nil
}

func (conf *config) parseEntry(raw string) (checks.Check, error) {
	name, rest, ok := strings.Cut(raw, "=")
	if !ok {
		return checks.Check{}, fmt.Errorf("want name=target[,options]")
	}
	name = strings.TrimSpace(name)
	if err := validName(name); err != nil {
		return checks.Check{}, err
	}
	parts := strings.Split(rest, ",")
	target := strings.TrimSpace(parts[0])
	scheme, _, _ := strings.Cut(target, "://")
	// A global dependency (the WhatsApp platform) is non-critical unless
	// marked critical: failing one region over cannot fix it, and failing
	// every region makes Route 53 fail open (docs/readiness.md).
	c := checks.Check{Name: name, Critical: scheme != "whatsapp" && scheme != "socialmessaging"}
	var err error
	if c.Func, err = conf.target(target); err != nil {
		return checks.Check{}, err
	}
	if scheme == "dynamodb" || scheme == "s3" {
		c.Kind = "datastore"
	}
	var critSet bool
	for _, opt := range parts[1:] {
		opt = strings.TrimSpace(opt)
		switch {
		case opt == "critical" || opt == "noncritical":
			if critSet {
				return checks.Check{}, fmt.Errorf("critical/noncritical given twice")
			}
			c.Critical, critSet = opt == "critical", true
		case strings.HasPrefix(opt, "timeout="):
			if c.Timeout != 0 {
				return checks.Check{}, fmt.Errorf("timeout given twice")
			}
			d, err := time.ParseDuration(strings.TrimPrefix(opt, "timeout="))
			if err != nil || d <= 0 {
				return checks.Check{}, fmt.Errorf("timeout %q: want a positive duration like 500ms", strings.TrimPrefix(opt, "timeout="))
			}
			c.Timeout = d
		default:
			return checks.Check{}, fmt.Errorf("unknown option %q (want critical, noncritical or timeout=<duration>)", opt)
		}
	}
	return c, nil
}

func validName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("name must be 1 to 64 characters")
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("name may hold only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

const schemes = "http, https, tcp, tls, dynamodb, s3, sqs, secretsmanager, socialmessaging or whatsapp"

func (conf *config) target(s string) (func(ctx context.Context) error, error) {
	// The AWS and WhatsApp kinds name a resource, not a host: an ARN's
	// colons or a queue URL would not parse as a URL's host.
	if scheme, res, ok := strings.Cut(s, "://"); ok {
		switch scheme {
		case "dynamodb", "s3", "sqs", "secretsmanager", "socialmessaging":
			return conf.awsTarget(scheme, res)
		case "whatsapp":
			return conf.whatsappTarget(res)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("target is not a URL")
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return nil, fmt.Errorf("%s target has no host", u.Scheme)
		}
		return conf.http(s), nil
	case "tcp", "tls":
		if u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
			return nil, fmt.Errorf("%s target must be %[1]s://host:port", u.Scheme)
		}
		host, port, err := net.SplitHostPort(u.Host)
		if err != nil || host == "" {
			return nil, fmt.Errorf("%s target must be %[1]s://host:port", u.Scheme)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%s port %q is not 1-65535", u.Scheme, port)
		}
		if u.Scheme == "tls" {
			return conf.tls(u.Host), nil
		}
		return conf.tcp(u.Host), nil
	case "":
		return nil, fmt.Errorf("target has no scheme (want %s)", schemes)
	default:
		return nil, fmt.Errorf("unsupported scheme %q (want %s)", u.Scheme, schemes)
	}
}
