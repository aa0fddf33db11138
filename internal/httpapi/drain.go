package httpapi

import "net/http"

// drainingBody is the answer while the operator drains this deployment
// (HEALTH_DRAIN=true): it matches neither Route 53 search string, and its
// status tells a reader the 503 was asked for, not an outage.
var drainingBody = []byte(`{"status":"draining","message":"WhatsApp Contact Processor API is draining: taken out of rotation by its operator"}`)

// drain answers 503 draining instead of next, without running the checks,
// when on is set: an operator takes a region out of DNS rotation on purpose
// (the failover drill). addRoutes puts it on the readiness routes only:
// liveness stays 200, since the process is fine and an orchestrator must not
// restart it.
func drain(on bool, next http.Handler) http.Handler {
	if !on {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, http.StatusServiceUnavailable, drainingBody)
	})
}
