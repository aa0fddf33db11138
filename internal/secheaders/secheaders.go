// Package secheaders is the one home of the security headers every answer
// carries: the application's (through [Wrap]) and those the Lambda adapter
// writes itself when a request never reaches the application (it is given
// [Header] as an option; the policy stays here).
package secheaders

import "net/http"

// Header returns OWASP's REST headers. no-store matters most: a cached
// "healthy" from a shared cache would hide an outage. Each call returns a
// fresh copy, so callers may change theirs.
func Header() http.Header { return headers.Clone() }

var headers = http.Header{
	"Cache-Control":             {"no-store"},
	"X-Content-Type-Options":    {"nosniff"},
	"X-Frame-Options":           {"DENY"},
	"Content-Security-Policy":   {"frame-ancestors 'none'"},
	"Strict-Transport-Security": {"max-age=63072000; includeSubDomains"},
}

// Wrap sets [Header] on every answer of next, before next runs (so next may
// override one). The value slices are shared, not copied per request
// (Header.Set would allocate one each): they have len == cap, so a later Add
// appends to a copy, never to the shared array.
func Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range headers {
			h[k] = v[:len(v):len(v)]
		}
		next.ServeHTTP(w, r)
	})
}
