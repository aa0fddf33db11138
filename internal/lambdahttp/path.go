package lambdahttp

import "strings"

// cleanBasePath normalises a configured base path to "/seg[/seg…]" without a
// trailing slash; "" and "/" mean none.
func cleanBasePath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), "/")
	if p == "" {
		return ""
	}
	return "/" + p
}

// stripSegments removes prefix from p only where it ends at a segment
// boundary: "/api" strips "/api/health" and "/api", never "/apiary". The
// adapters' own StripBasePath cuts by string prefix, which is why this exists.
func stripSegments(p, prefix string) string {
	if prefix == "" || !strings.HasPrefix(p, prefix) {
		return p
	}
	switch rest := p[len(prefix):]; {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	}
	return p
}

// stagePrefix is the path prefix an HTTP API puts in rawPath for a named
// stage; the $default stage adds none.
func stagePrefix(stage string) string {
	if stage == "" || stage == "$default" {
		return ""
	}
	return "/" + stage
}

// validMethod reports whether m is an RFC 9110 token, as http.NewRequest
// requires; checking first keeps the adapter from logging a raw stdout line.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// validTarget reports whether s can stand in a URL: no control bytes and
// every '%' followed by two hex digits.
func validTarget(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validHost reports whether h can be the authority of the adapter's
// "https://" + host + path URL and parse as that authority: a name or IPv4
// address, or a bracketed IPv6 address, with an optional numeric port.
// Anything else (a lone "[", a "/" or "?") would fail url.Parse inside the
// adapter, which then prints to stdout, or shift the path.
func validHost(h string) bool {
	host, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		host, port = h[1:end], h[end+1:]
		for i := 0; i < len(host); i++ {
			if c := host[i]; !isHex(c) && c != ':' && c != '.' {
				return false
			}
		}
		if port != "" {
			if port[0] != ':' {
				return false
			}
			port = port[1:]
		}
	} else {
		if i := strings.IndexByte(h, ':'); i >= 0 {
			host, port = h[:i], h[i+1:]
		}
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
				return false
			}
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}
