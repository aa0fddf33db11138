package httpapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

const (
	drainingBody = `{"status":"draining","message":"WhatsApp Contact Processor API is draining: taken out of rotation by its operator"}`
	// drainingDetails is the detailed view while draining: fail, with the reason.
	drainingDetails = `{"status":"fail","serviceId":"whatsapp-contact-processor-api","description":"Health of the WhatsApp Contact Processor API","output":"draining: taken out of rotation by its operator"}`
)

func TestDrain(t *testing.T) {
	env := func(drain string) func(string) string {
		return func(k string) string {
			if k == "HEALTH_DRAIN" {
				return drain
			}
			return ""
		}
	}
	tests := []struct {
		name       string
		drain      string
		method     string
		path       string
		wantStatus int
		wantBody   string
		wantAllow  string
		wantType   string // "" means application/json
	}{
		{"draining health", "true", "GET", "/health", 503, drainingBody, "", ""},
		{"draining ready", "true", "GET", "/health/ready", 503, drainingBody, "", ""},
		{"draining HEAD has no body", "true", "HEAD", "/health/ready", 503, "", "", ""},
		{"draining verbose view is drained too", "true", "GET", "/health?verbose", 503, drainingBody, "", ""},
		{"draining details view says draining", "true", "GET", "/health/details", 503, drainingDetails, "", "application/health+json"},
		{"draining details HEAD", "true", "HEAD", "/health/details", 503, "", "", "application/health+json"},
		{"details keeps its 405 while draining", "true", "POST", "/health/details", 405, `{"error":"method not allowed"}`, "GET, HEAD", ""},
		{"details not draining", "false", "GET", "/health/details", 200, `{"status":"pass","serviceId":"whatsapp-contact-processor-api","description":"Health of the WhatsApp Contact Processor API"}`, "", "application/health+json"},
		{"live stays up while draining", "true", "GET", "/health/live", 200, seedBody, "", ""},
		{"other methods keep their 405", "true", "POST", "/health", 405, `{"error":"method not allowed"}`, "GET, HEAD", ""},
		{"unknown paths keep their 404", "true", "GET", "/nope", 404, `{"error":"not found"}`, "", ""},
		{"not draining", "false", "GET", "/health", 200, seedBody, "", ""},
		{"unset is not draining", "", "GET", "/health/ready", 200, seedBody, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(env(tc.drain))
			if err != nil {
				t.Fatal(err)
			}
			srv := httpapi.NewServer(cfg)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.path, rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
			}
			wantType := tc.wantType
			if wantType == "" {
				wantType = "application/json"
			}
			if ct := rec.Header().Get("Content-Type"); ct != wantType {
				t.Errorf("Content-Type = %q, want %s", ct, wantType)
			}
			if got := rec.Header().Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
		})
	}
}
