package config_test

import (
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
	"github.com/whatsapp-contact-processor/health/internal/config"
)

// The AWS and WhatsApp variables: defaults, accepted values, and errors
// naming the variable (and never a token).
func TestLoadAWSAndWhatsApp(t *testing.T) {
	aws := map[string]string{"AWS_REGION": "eu-west-1"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range aws {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    probe.WhatsApp // when wantErr is empty
		checks  int
		wantErr string
	}{
		{name: "defaults", env: nil, want: probe.WhatsApp{WarnDays: 7, APIURL: "https://graph.facebook.com", APIVersion: "v25.0"}},
		{name: "every variable", env: with("HEALTH_WHATSAPP_TOKEN_SECRET", "whatsapp/token", "HEALTH_WHATSAPP_TOKEN_WARN_DAYS", "14",
			"HEALTH_WHATSAPP_API_URL", "http://127.0.0.1:9000", "HEALTH_WHATSAPP_API_VERSION", "v26.0",
			"HEALTH_CHECKS", "wa=whatsapp://106540352242922;t=dynamodb://contacts"),
			want: probe.WhatsApp{TokenSecret: "whatsapp/token", WarnDays: 14, APIURL: "http://127.0.0.1:9000", APIVersion: "v26.0"}, checks: 2},
		{name: "whatsapp without a token secret", env: with("HEALTH_CHECKS", "wa=whatsapp://106540352242922"),
			wantErr: `HEALTH_CHECKS entry 1 ("wa"): whatsapp target needs HEALTH_WHATSAPP_TOKEN_SECRET`},
		{name: "no table", env: with("HEALTH_CHECKS", "t=dynamodb://"), wantErr: `HEALTH_CHECKS entry 1 ("t"): dynamodb target names nothing`},
		{name: "bucket with a space", env: with("HEALTH_CHECKS", "b=s3://a b"), wantErr: `HEALTH_CHECKS entry 1 ("b"): s3 target "a b" is not valid`},
		{name: "unknown scheme", env: with("HEALTH_CHECKS", "x=kinesis://stream"), wantErr: `HEALTH_CHECKS entry 1 ("x"): unsupported scheme "kinesis"`},
		{name: "AWS check without a region", env: map[string]string{"HEALTH_CHECKS": "t=dynamodb://contacts"}, wantErr: "needs AWS_REGION"},
		{name: "bad endpoint", env: with("HEALTH_CHECKS", "t=dynamodb://contacts", "AWS_ENDPOINT_URL", "localhost:8000"), wantErr: "AWS_ENDPOINT_URL: want http(s)://host[:port]"},
		{name: "bad warn days", env: with("HEALTH_WHATSAPP_TOKEN_WARN_DAYS", "soon"), wantErr: `HEALTH_WHATSAPP_TOKEN_WARN_DAYS "soon"`},
		{name: "bad API URL", env: with("HEALTH_WHATSAPP_API_URL", "graph.facebook.com"), wantErr: "HEALTH_WHATSAPP_API_URL: want http(s)://host[:port]"},
		{name: "bad API version", env: with("HEALTH_WHATSAPP_API_VERSION", "25"), wantErr: `HEALTH_WHATSAPP_API_VERSION "25"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.WhatsApp != tc.want || len(cfg.Checks) != tc.checks {
				t.Errorf("got %+v and %d checks, want %+v and %d", cfg.WhatsApp, len(cfg.Checks), tc.want, tc.checks)
			}
		})
	}
}
