package logging_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/logging"
)

// Lambda's advanced logging controls set AWS_LAMBDA_LOG_LEVEL in its own
// spelling; each level must let through exactly what it names and above.
func TestLevelFromLambda(t *testing.T) {
	tests := []struct {
		level string
		want  []string // messages that get through, of debug, info, warn, error
	}{
		{"", []string{"info", "warn", "error"}},
		{"nonsense", []string{"info", "warn", "error"}},
		{"TRACE", []string{"debug", "info", "warn", "error"}},
		{"DEBUG", []string{"debug", "info", "warn", "error"}},
		{"info", []string{"info", "warn", "error"}},
		{" WARN ", []string{"warn", "error"}},
		{"ERROR", []string{"error"}},
		{"FATAL", []string{"error"}},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		l := logging.New(&buf, tc.level)
		l.Debug("debug")
		l.Info("info")
		l.Warn("warn")
		l.Error("error")
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if line == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("level %q: not a JSON line: %s", tc.level, line)
			}
			got = append(got, m["msg"].(string))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("level %q: logged %v, want %v", tc.level, got, tc.want)
		}
	}
}
