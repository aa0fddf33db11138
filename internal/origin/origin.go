// Package origin is the grammar of browser origins this API allows in CORS:
// exactly what browsers send in an Origin header for http and https pages,
// and the patterns CORS_ALLOWED_ORIGINS may list. It is strict on purpose:
// string wildcards (as rs/cors has them) let "https://*.example.com" match
// "https://evil.com/.example.com".
package origin

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Origin is a serialized origin (RFC 6454 section 6.1) split into parts.
type Origin struct{ scheme, host, port string }

// Parse accepts exactly what browsers send in Origin for http and
// https pages: scheme "://" host [ ":" port ], the host a lower-case DNS name,
// an IPv4 address or a bracketed IPv6 address, the port 1-65535 without
// leading zeros. Anything else (a path, userinfo, query, upper case, spaces,
// control characters, "null") is not an origin this API allows.
func Parse(s string) (Origin, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return Origin{}, false
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' || strings.ContainsAny(port, "+-") {
			return Origin{}, false
		}
	}
	if !validHost(host, false) {
		return Origin{}, false
	}
	return Origin{scheme, host, port}, true
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

// Pattern is an allowed origin, its host possibly "*.<domain>": any one
// or more labels under domain, same scheme, same port.
type Pattern struct {
	Origin
	suffix string // ".example.com" for "*.example.com"; "" for an exact host
}

// ParsePattern parses an allowed origin as CORS_ALLOWED_ORIGINS lists it.
func ParsePattern(s string) (Pattern, error) {
	bad := fmt.Errorf("%q is not an origin like https://app.example.com, https://*.example.com or http://localhost:3000", s)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return Pattern{}, bad
	}
	wild := strings.HasPrefix(rest, "*.")
	candidate := s
	if wild {
		candidate = scheme + "://x" + rest[1:] // "*" stands for labels
	}
	o, ok := Parse(candidate)
	if !ok {
		return Pattern{}, bad
	}
	p := Pattern{Origin: o}
	if wild {
		p.suffix = o.host[1:]
	}
	return p, nil
}

// Matches reports whether o is allowed by p.
func (p Pattern) Matches(o Origin) bool {
	if o.scheme != p.scheme || o.port != p.port {
		return false
	}
	if p.suffix == "" {
		return o.host == p.host
	}
	return len(o.host) > len(p.suffix) && strings.HasSuffix(o.host, p.suffix) && !strings.HasPrefix(o.host, "[")
}
