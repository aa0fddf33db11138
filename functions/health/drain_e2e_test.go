package main

import (
	"encoding/json"
	"testing"
)

// TestDrainThroughTheRuntimeEmulator runs the real bootstrap under AWS's
// Runtime Interface Emulator with HEALTH_DRAIN=true, as the template's
// Drain=true sets it: readiness answers 503 draining (the detailed view 503
// fail), liveness 200.
func TestDrainThroughTheRuntimeEmulator(t *testing.T) {
	fn := startHealth(t, "HEALTH_DRAIN=true")
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
		wantType   string
	}{
		{"/health", 503, "draining", "application/json"},
		{"/health/ready", 503, "draining", "application/json"},
		{"/health/details", 503, "fail", "application/health+json"},
		{"/health/live", 200, "healthy", "application/json"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got := invoke(t, fn, restEvent(t, tc.path, nil))
			var body struct{ Status string }
			if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
				t.Fatalf("body %q: %v", got.Body, err)
			}
			if got.StatusCode != tc.wantStatus || body.Status != tc.wantBody {
				t.Errorf("%s: got %d %s, want %d status %q", tc.path, got.StatusCode, got.Body, tc.wantStatus, tc.wantBody)
			}
			if ct := got.MultiValueHeaders["Content-Type"]; len(ct) != 1 || ct[0] != tc.wantType {
				t.Errorf("Content-Type = %v, want %s", ct, tc.wantType)
			}
		})
	}
}
