package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestDetailsThroughTheRuntimeEmulator: the deployed REST API puts AWS_IAM on
// /health/details, and API Gateway then names the signed caller in
// requestContext.identity.userArn. The real bootstrap must show that caller
// the failure reasons and the version, and show an anonymous caller (no
// userArn), or one from another account, the overall status only.
func TestDetailsThroughTheRuntimeEmulator(t *testing.T) {
	closed := rietest.FreeAddr(t) // nothing listens there once FreeAddr returns
	fn := startHealth(t,
		"HEALTH_CHECKS=db=tcp://"+closed+",critical,timeout=500ms",
		"HEALTH_CHECK_BUDGET=1s",
	)
	// The emulator invokes the function as arn:aws:lambda:us-east-1:012345678912:function:….
	const sameAccount = "arn:aws:iam::012345678912:user/operator"
	const otherAccount = "arn:aws:iam::999999999999:user/operator"
	tests := []struct {
		name       string
		userArn    any
		wantDetail bool
	}{
		{"IAM caller of this account", sameAccount, true},
		{"anonymous", nil, false},
		{"IAM caller of another account", otherAccount, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := invoke(t, fn, restEvent(t, "/health/details", func(ev map[string]any) {
				ev["requestContext"].(map[string]any)["identity"].(map[string]any)["userArn"] = tc.userArn
			}))
			checkDetailView(t, got, tc.wantDetail)
		})
	}
}

// checkDetailView checks got is /health/details with its one check failing:
// the detailed view (version, the failure's reason, the check's name) if
// wantDetail, the overall status alone otherwise.
func checkDetailView(t *testing.T, got answer, wantDetail bool) {
	t.Helper()
	var view map[string]any
	if err := json.Unmarshal([]byte(got.Body), &view); err != nil {
		t.Fatalf("%v: %s", err, got.Body)
	}
	if got.StatusCode != 503 || view["status"] != "fail" {
		t.Errorf("got %d %s, want 503 and status fail", got.StatusCode, got.Body)
	}
	_, hasVersion := view["version"]
	hasReason := strings.Contains(got.Body, "connection refused")
	hasNames := strings.Contains(got.Body, `"db:`)
	if hasVersion != wantDetail || hasReason != wantDetail || hasNames != wantDetail {
		t.Errorf("version %v, reason %v, check names %v; want all %v:\n%s", hasVersion, hasReason, hasNames, wantDetail, got.Body)
	}
}
