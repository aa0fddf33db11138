package httpapi

import "net/http"

// healthyBody is the seed service's answer, byte for byte (key order included):
// dashboards and string-matching health checks compare it literally.
const healthyBody = `{"status":"healthy","message":"WhatsApp Contact Processor API is running"}`

// handleHealth answers the liveness of the process: if this code runs, the API
// is up.
func handleHealth() http.Handler {
	body := []byte(healthyBody)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, http.StatusOK, body)
	})
}
