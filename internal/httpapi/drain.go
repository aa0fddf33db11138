package httpapi

import "net/http"

// drainingBody is the answer while the operator drains this deployment
// (HEALTH_DRAIN=true): it matches neither Route 53 search string, and its
// status tells a reader the 503 was asked for, not an outage.
var drainingBody = []byte(`{"status":"draining","message":"WhatsApp Contact Processor API is draining: taken out of rotation by its operator"}`)

// drainNote is the detailed view's reason while draining.
const drainNote = "draining: taken out of rotation by its operator"

// drain answers 503 draining instead of next, without running the checks,
// when on is set: an operator takes a region out of DNS rotation on purpose
// (the failover drill). body is the answer in next's own form: the plain
// draining body on /health and /health/ready, the detailed view saying
// draining on /health/details. addRoutes puts it on the readiness routes
// only: liveness stays 200, since the process is fine and an orchestrator
// must not restart it. body is called only when on: the detailed view's
// body is encoded with encoding/json, whose first use costs a cold start
// about 260 k instructions that a function not draining need not pay.
func drain(on bool, contentType string, body func() []byte, next http.Handler) http.Handler {
	if !on {
		return next
	}
	b := body()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		write(w, r, contentType, http.StatusServiceUnavailable, b)
	})
}
