package httpapi

import "net/http"

// drainingBody is the answer while the operator drains this deployment
// (HEALTH_DRAIN=true): it matches neither Route 53 search string, and its
// status tells a reader the 503 was asked for, not an outage.
var drainingBody = []byte(`{"status":"draining","message":"WhatsApp Contact Processor API is draining: taken out of rotation by its operator"}`)

// drainPaths answer 503 while draining. /health/live is not among them: the
// process is fine, and an orchestrator must not restart it.
var drainPaths = map[string]bool{"/health": true, "/health/ready": true}

// drain answers GET and HEAD on the readiness paths with 503 draining, without
// running the checks, when on is set: an operator takes a region out of DNS
// rotation on purpose (issue 12's failover drill). Other methods go on to the
// routes so they keep their 405.
func drain(on bool, next http.Handler) http.Handler {
	if !on {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if drainPaths[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			writeJSON(w, r, http.StatusServiceUnavailable, drainingBody)
			return
		}
		next.ServeHTTP(w, r)
	})
}
