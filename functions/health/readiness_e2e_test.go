package main

import (
	"encoding/json"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestReadinessThroughTheRuntimeEmulator runs the real bootstrap under AWS's
// Runtime Interface Emulator with a critical check on a closed loopback port
// and invokes it with a REST API event: the function must answer 503 with
// the unhealthy body.
func TestReadinessThroughTheRuntimeEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the end-to-end run under the runtime emulator")
	}
	closed := rietest.FreeAddr(t) // nothing listens there once FreeAddr returns
	fn := rietest.Start(t, rietest.BuildBootstrap(t, "./functions/health"),
		"HEALTH_CHECKS=db=tcp://"+closed+",critical,timeout=500ms;crm=tcp://"+closed+",noncritical",
		"HEALTH_CHECK_BUDGET=1s",
	)
	payload := rietest.SampleEvent(t, "rest-api.json")
	status, out, err := fn.Invoke(t.Context(), payload)
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
	const want = `{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`
	if got.StatusCode != 503 || got.Body != want {
		t.Errorf("got %d %s, want 503 %s", got.StatusCode, got.Body, want)
	}
	if ct := got.MultiValueHeaders["Content-Type"]; len(ct) != 1 || ct[0] != "application/json" {
		t.Errorf("Content-Type = %v", ct)
	}
}
