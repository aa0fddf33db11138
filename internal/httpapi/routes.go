package httpapi

import "net/http"

// addRoutes maps the entire API surface. ServeMux's own method patterns are
// not used: their 405 and 404 answers are text/plain, and ours must be JSON.
func addRoutes(mux *http.ServeMux) {
	mux.Handle("/health", allowMethods(handleHealth(), http.MethodGet, http.MethodHead))
	mux.Handle("/", handleNotFound())
}
