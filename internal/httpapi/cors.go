package httpapi

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rs/cors"
)

// corsAllowedHeaders are the only request headers a preflight may ask for:
// Authorization carries the details token. rs/cors echoes
// Access-Control-Request-Headers back only when every name in it is on this
// list (a "*" would echo anything, CR/LF and markup included).
var corsAllowedHeaders = []string{"Accept", "Authorization"}

// withCORS answers CORS for the configured origins. Origins are matched by
// withCORS's own parser, not by rs/cors's string wildcards (for which
// "https://*.example.com" also matches "https://evil.com/.example.com"): an
// Origin header that is not a well-formed serialized origin is removed before
// rs/cors sees it, so it is never echoed and never allowed.
//
// No credentials (Flask-CORS's default, which the original service had);
// only the methods this API serves.
func withCORS(cfg Config, next http.Handler) http.Handler {
	opts := cors.Options{
		AllowedMethods:   []string{http.MethodGet, http.MethodHead},
		AllowedHeaders:   corsAllowedHeaders,
		AllowCredentials: false,
		MaxAge:           600,
	}
	if len(cfg.AllowedOrigins) == 0 || contains(cfg.AllowedOrigins, "*") {
		// "Access-Control-Allow-Origin: *", a constant: nothing echoed.
		opts.AllowedOrigins = []string{"*"}
	} else {
		var patterns []originPattern
		for _, o := range cfg.AllowedOrigins {
			// A malformed pattern (only reachable past LoadConfig, which
			// rejects them) matches nothing.
			if p, err := parseOriginPattern(o); err == nil {
				patterns = append(patterns, p)
			}
		}
		opts.AllowOriginFunc = func(s string) bool {
			o, ok := parseOrigin(s)
			if !ok {
				return false
			}
			for _, p := range patterns {
				if p.matches(o) {
					return true
				}
			}
			return false
		}
	}
	h := cors.New(opts).Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if vs, ok := r.Header["Origin"]; ok && (len(vs) != 1 || !wellFormedOrigin(vs[0])) {
			r = r.Clone(r.Context())
			delete(r.Header, "Origin")
		}
		h.ServeHTTP(w, r)
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// origin is a serialized origin (RFC 6454 section 6.1) split into parts.
type origin struct{ scheme, host, port string }

func wellFormedOrigin(s string) bool {
	_, ok := parseOrigin(s)
	return ok
}

// parseOrigin accepts exactly what browsers send in Origin for http and
// https pages: scheme "://" host [ ":" port ], the host a lower-case DNS name,
// an IPv4 address or a bracketed IPv6 address, the port 1-65535 without
// leading zeros. Anything else (a path, userinfo, query, upper case, spaces,
// control characters, "null") is not an origin this API allows.
func parseOrigin(s string) (origin, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return origin{}, false
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' || strings.ContainsAny(port, "+-") {
			return origin{}, false
		}
	}
	if !validHost(host, false) {
		return origin{}, false
	}
	return origin{scheme, host, port}, true
}

// validHost reports whether host is a lower-case DNS name, an IPv4 address or
// a bracketed IPv6 address; with wildcard, a leading "*." is allowed.
func validHost(host string, wildcard bool) bool {
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		return err == nil && a.Is6() && a.Zone() == ""
	}
	if wildcard {
		host = strings.TrimPrefix(host, "*.")
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// originPattern is an allowed origin, its host possibly "*.<domain>": any
// one or more labels under domain, same scheme, same port.
type originPattern struct {
	origin
	suffix string // ".example.com" for "*.example.com"; "" for an exact host
}

func parseOriginPattern(s string) (originPattern, error) {
	bad := fmt.Errorf("%q is not an origin like https://app.example.com, https://*.example.com or http://localhost:3000", s)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return originPattern{}, bad
	}
	wild := strings.HasPrefix(rest, "*.")
	candidate := s
	if wild {
		candidate = scheme + "://x" + rest[1:] // "*" stands for labels
	}
	o, ok := parseOrigin(candidate)
	if !ok {
		return originPattern{}, bad
	}
	p := originPattern{origin: o}
	if wild {
		p.suffix = o.host[1:]
	}
	return p, nil
}

func (p originPattern) matches(o origin) bool {
	if o.scheme != p.scheme || o.port != p.port {
		return false
	}
	if p.suffix == "" {
		return o.host == p.host
	}
	return len(o.host) > len(p.suffix) && strings.HasSuffix(o.host, p.suffix) && !strings.HasPrefix(o.host, "[")
}
