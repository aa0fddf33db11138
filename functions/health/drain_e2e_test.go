package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestDrainThroughTheRuntimeEmulator runs the real bootstrap under AWS's
// Runtime Interface Emulator with HEALTH_DRAIN=true, as the template's
// Drain=true sets it: readiness answers 503 draining, liveness 200.
func TestDrainThroughTheRuntimeEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the end-to-end run under the runtime emulator")
	}
	fn := rietest.Start(t, rietest.BuildBootstrap(t, "./functions/health"), "HEALTH_DRAIN=true")
	rest := string(rietest.SampleEvent(t, "rest-api.json"))
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/health", 503, "draining"},
		{"/health/ready", 503, "draining"},
		{"/health/live", 200, "healthy"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			payload := strings.ReplaceAll(rest, `"path": "/health"`, `"path": "`+tc.path+`"`)
			if payload == rest && tc.path != "/health" {
				t.Fatalf("sample event has no \"path\": \"/health\" to replace")
			}
			status, out, err := fn.Invoke(t.Context(), []byte(payload))
			if err != nil || status != 200 {
				t.Fatalf("emulator answered %d, %v\n%s", status, err, fn.Output())
			}
			var got struct {
				StatusCode        int                 `json:"statusCode"`
				MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
				Body              string              `json:"body"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var body struct{ Status string }
			if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
				t.Fatalf("body %q: %v", got.Body, err)
			}
			if got.StatusCode != tc.wantStatus || body.Status != tc.wantBody {
				t.Errorf("%s: got %d %s, want %d status %q", tc.path, got.StatusCode, got.Body, tc.wantStatus, tc.wantBody)
			}
			if ct := got.MultiValueHeaders["Content-Type"]; len(ct) != 1 || ct[0] != "application/json" {
				t.Errorf("Content-Type = %v", ct)
			}
		})
	}
}
