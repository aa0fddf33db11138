package httpapi

import (
	"net/http"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// addRoutes maps the entire API surface.
//
//	/health          readiness: the checks decide (the seed answer when none);
//	                 503 draining while the operator drains the region
//	/health/ready    the same
//	/health/details  readiness, always in the detailed view (the deployed
//	                 template puts IAM authorization on it); 503 fail,
//	                 "draining", while the operator drains the region
//	/health/live     liveness: the seed answer while the process answers
func addRoutes(rt routes, checker *checks.Checker, d details, draining bool) {
	ready := allowMethods(drain(draining, contentTypeJSON[0], func() []byte { return drainingBody }, handleReady(checker, d, false)), http.MethodGet, http.MethodHead)
	rt["/health"] = ready
	rt["/health/ready"] = ready
	rt["/health/details"] = allowMethods(drain(draining, healthJSONType, d.drained, handleReady(checker, d, true)), http.MethodGet, http.MethodHead)
	rt["/health/live"] = allowMethods(handleLive(), http.MethodGet, http.MethodHead)
}

// routes routes by exact path; anything else is a JSON 404. It stands in for
// ServeMux, whose 404s and 405s are text/plain and which answers an unclean
// path (/a/../health, //health) with a redirect whose Location echoes the
// request and whose body is HTML.
type routes map[string]http.Handler

var notFound = handleNotFound()

func (rt routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := rt[r.URL.Path]; ok {
		h.ServeHTTP(w, r)
		return
	}
	notFound.ServeHTTP(w, r)
}
