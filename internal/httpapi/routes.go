package httpapi

import (
	"net/http"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// addRoutes maps the entire API surface. ServeMux's own method patterns are
// not used: their 405 and 404 answers are text/plain, and ours must be JSON.
//
//	/health        readiness: the checks decide (the seed answer when none)
//	/health/ready  the same
//	/health/live   liveness: the seed answer while the process answers
func addRoutes(mux *http.ServeMux, checker *checks.Checker, d details) {
	ready := allowMethods(handleReady(checker, d), http.MethodGet, http.MethodHead)
	mux.Handle("/health", ready)
	mux.Handle("/health/ready", ready)
	mux.Handle("/health/live", allowMethods(handleLive(), http.MethodGet, http.MethodHead))
	mux.Handle("/", handleNotFound())
}
