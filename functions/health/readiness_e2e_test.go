package main

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestReadinessThroughTheRuntimeEmulator runs the real bootstrap under AWS's
// Runtime Interface Emulator with a critical check on a closed loopback port
// and invokes it with a REST API event: the function must answer 503 with
// the unhealthy body.
func TestReadinessThroughTheRuntimeEmulator(t *testing.T) {
	closed := rietest.FreeAddr(t) // nothing listens there once FreeAddr returns
	fn := startHealth(t,
		"HEALTH_CHECKS=db=tcp://"+closed+",critical,timeout=500ms;crm=tcp://"+closed+",noncritical",
		"HEALTH_CHECK_BUDGET=1s",
	)
	got := invoke(t, fn, rietest.SampleEvent(t, "rest-api.json"))
	const want = `{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`
	if got.StatusCode != 503 || got.Body != want {
		t.Errorf("got %d %s, want 503 %s", got.StatusCode, got.Body, want)
	}
	if ct := got.MultiValueHeaders["Content-Type"]; len(ct) != 1 || ct[0] != "application/json" {
		t.Errorf("Content-Type = %v", ct)
	}
}
