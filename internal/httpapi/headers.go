package httpapi

import "net/http"

// securityHeaders are OWASP's REST headers, set on every answer. no-store
// matters most: a cached "healthy" from a shared cache would hide an outage.
var securityHeaders = http.Header{
	"Cache-Control":             {"no-store"},
	"X-Content-Type-Options":    {"nosniff"},
	"X-Frame-Options":           {"DENY"},
	"Content-Security-Policy":   {"frame-ancestors 'none'"},
	"Strict-Transport-Security": {"max-age=63072000; includeSubDomains"},
}

// secureHeaders sets securityHeaders. The value slices are shared, not
// copied per request (Header.Set would allocate one each): they have
// len == cap, so a later Add appends to a copy, never to the shared array.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v[:len(v):len(v)]
		}
		next.ServeHTTP(w, r)
	})
}
