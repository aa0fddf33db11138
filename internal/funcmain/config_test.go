package funcmain_test

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunRejectsMalformedHealthChecks(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HEALTH_CHECKS": "db=tcp://db:5432;crm=ftp://crm.example"}, `HEALTH_CHECKS entry 2 ("crm"): unsupported scheme "ftp"`},
		{map[string]string{"HEALTH_CHECKS": "db=tcp://db:5432,sometimes"}, `HEALTH_CHECKS entry 1 ("db"): unknown option "sometimes"`},
		{map[string]string{"HEALTH_CHECK_BUDGET": "soon"}, `HEALTH_CHECK_BUDGET "soon"`},
		{map[string]string{"HEALTH_CACHE_TTL": "forever"}, `HEALTH_CACHE_TTL "forever"`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			var stderr bytes.Buffer
			// In local mode run would serve; a config error must stop it first.
			err := run(t.Context(), []string{"-addr", "127.0.0.1:0"}, func(k string) string { return tc.env[k] }, &stderr, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
