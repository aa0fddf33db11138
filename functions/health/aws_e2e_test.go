package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestAWSAndWhatsAppChecksThroughTheRuntimeEmulator runs the real bootstrap
// with a dynamodb:// and a whatsapp:// check against one stand-in server
// (DynamoDB's and Secrets Manager's JSON protocols, the Graph API; the
// probe package's tests cover their wire shapes and signatures in depth):
// a good token answers healthy; a token the Graph API rejects makes the
// noncritical whatsapp check fail, the answer degraded, and the token
// appears nowhere in the function's output (logs and EMF lines).
func TestAWSAndWhatsAppChecksThroughTheRuntimeEmulator(t *testing.T) {
	const token = "EAAGe2eTOKENvalue0123456789abcdef"
	for _, tc := range []struct {
		name, graphToken, want string
	}{
		{"token accepted", token, httpapi.HealthyBody},
		{"token rejected", "another-token", `{"status":"degraded","message":"WhatsApp Contact Processor API is running with degraded dependencies"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDE2E/") && r.Header.Get("X-Amz-Target") != "" {
					w.WriteHeader(403)
					return
				}
				switch r.Header.Get("X-Amz-Target") {
				case "DynamoDB_20120810.DescribeTable":
					w.Write([]byte(`{"Table":{"TableName":"contacts","TableStatus":"ACTIVE"}}`))
					return
				case "secretsmanager.GetSecretValue":
					json.NewEncoder(w).Encode(map[string]string{"Name": "wa", "SecretString": token})
					return
				}
				if r.Header.Get("Authorization") != "Bearer "+tc.graphToken {
					w.WriteHeader(401)
					w.Write([]byte(`{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}}`))
					return
				}
				if strings.HasSuffix(r.URL.Path, "/debug_token") {
					w.Write([]byte(`{"data":{"is_valid":true,"expires_at":0}}`))
					return
				}
				w.Write([]byte(`{"id":"1001","status":"CONNECTED","quality_rating":"GREEN"}`))
			}))
			t.Cleanup(srv.Close)
			fn := startHealth(t,
				"HEALTH_CHECKS=contacts=dynamodb://contacts;wa=whatsapp://1001",
				"HEALTH_WHATSAPP_TOKEN_SECRET=wa",
				"HEALTH_WHATSAPP_API_URL="+srv.URL,
				"AWS_ENDPOINT_URL="+srv.URL,
				"AWS_REGION=eu-west-1",
				"AWS_ACCESS_KEY_ID=AKIDE2E",
				"AWS_SECRET_ACCESS_KEY=secret-e2e",
				"AWS_SESSION_TOKEN=session-e2e",
			)
			got := invoke(t, fn, rietest.SampleEvent(t, "rest-api.json"))
			if got.StatusCode != 200 || got.Body != tc.want {
				t.Errorf("got %d %s, want 200 %s\n%s", got.StatusCode, got.Body, tc.want, fn.Output())
			}
			if tc.graphToken != token && !fn.WaitOutput("OAuth error 190") {
				t.Errorf("the failure is not logged:\n%s", fn.Output())
			}
			// The emulator writes END after the invocation; wait for it so the
			// check below reads everything the invocation wrote.
			if !fn.WaitOutput("END RequestId") {
				t.Errorf("no END line:\n%s", fn.Output())
			}
			if strings.Contains(fn.Output(), token) {
				t.Errorf("the function's output shows the token:\n%s", fn.Output())
			}
		})
	}
}
