package httpapi

import (
	"net/http"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// HealthyBody is the answer to GET /health that clients rely on, the seed
// service's, byte for byte (key order included): dashboards and Route 53's
// string matching compare it literally. README shows it; tests import it
// rather than copy it.
const HealthyBody = `{"status":"healthy","message":"WhatsApp Contact Processor API is running"}`

// The other plain answers.
const (
	degradedBody  = `{"status":"degraded","message":"WhatsApp Contact Processor API is running with degraded dependencies"}`
	unhealthyBody = `{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`
)

// handleLive answers the liveness of the process: if this code runs, the API
// is up.
func handleLive() http.Handler {
	body := []byte(HealthyBody)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, http.StatusOK, body)
	})
}

// handleReady answers readiness from the checker's (possibly cached) result,
// in the plain form or, on request (or always, for /health/details), the IETF
// detailed form, as much of it as the caller may see. Checks run inside the
// request, bounded by the checker's budget and r.Context() (which carries
// the Lambda deadline).
func handleReady(checker *checks.Checker, d details, always bool) http.Handler {
	plain := map[checks.Status][]byte{
		checks.StatusPass: []byte(HealthyBody),
		checks.StatusWarn: []byte(degradedBody),
		checks.StatusFail: []byte(unhealthyBody),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The answer depends on these headers; no-store already keeps it
		// out of caches, Vary says why for anyone looking.
		w.Header().Add("Vary", "Accept, Authorization")
		res := checker.Check(r.Context())
		code := http.StatusOK
		if res.Status == checks.StatusFail {
			code = http.StatusServiceUnavailable
		}
		if always || wantsDetails(r) {
			write(w, r, healthJSONType, code, d.encode(res, d.viewFor(r)))
			return
		}
		writeJSON(w, r, code, plain[res.Status])
	})
}
