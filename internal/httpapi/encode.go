package httpapi

import (
	"net/http"
	"strings"
)

// Error bodies are constants: they never echo the request, so nothing a
// caller sends (or anything internal) can be reflected back.
var (
	notFoundBody         = []byte(`{"error":"not found"}`)
	methodNotAllowedBody = []byte(`{"error":"method not allowed"}`)
)

// writeJSON writes a complete JSON answer. HEAD gets the same status and
// headers without the body, as RFC 9110 asks.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	write(w, r, "application/json", status, body)
}

// Shared Content-Type values (len == cap, so never appended to in place):
// Header.Set would allocate a fresh slice on every answer.
var (
	contentTypeJSON       = []string{"application/json"}
	contentTypeHealthJSON = []string{"application/health+json"}
)

// write is writeJSON for any JSON media type (application/health+json).
func write(w http.ResponseWriter, r *http.Request, contentType string, status int, body []byte) {
	switch contentType {
	case contentTypeJSON[0]:
		w.Header()["Content-Type"] = contentTypeJSON
	case contentTypeHealthJSON[0]:
		w.Header()["Content-Type"] = contentTypeHealthJSON
	default:
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, http.StatusNotFound, notFoundBody)
	})
}

// allowMethods answers 405 with an Allow header for any method not listed.
func allowMethods(next http.Handler, methods ...string) http.Handler {
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				next.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Allow", allow)
		writeJSON(w, r, http.StatusMethodNotAllowed, methodNotAllowedBody)
	})
}
