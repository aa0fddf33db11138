package funcmain_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/secheaders"
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

// Another function in the same environment never reads HEALTH_*: a value
// that stops health leaves it serving, and funcmain adds the security
// headers to answers whose handler sets none.
func TestMalformedHealthConfigLeavesOtherFunctionsAlone(t *testing.T) {
	plain := func(getenv func(string) string, _ *slog.Logger) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "plain") }), nil
	}
	env := map[string]string{"HEALTH_CHECKS": "db=ftp://db", "HEALTH_CHECK_BUDGET": "soon"}
	// Mounted on health's routes: the template has no other function.
	base, _ := startFunction(t, "plain", plain, []string{"-function", "HealthFunction"}, env)
	resp, err := http.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "plain" {
		t.Errorf("got %d %q, want 200 \"plain\"", resp.StatusCode, body)
	}
	for k, want := range secheaders.Header() {
		if got := resp.Header.Values(k); !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}
