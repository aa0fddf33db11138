package emf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/emf"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.jsonl")

// TestGolden pins the lines a fresh run and a cached answer write: the
// dashboard and alarms in template.yaml are built on these names.
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	e := emf.New(&buf, "whatsapp-contact-processor-api")
	e.SetNow(func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) })
	start := time.Date(2026, 11, 28, 11, 59, 59, 0, time.UTC)
	run := checks.Result{Status: checks.StatusFail, Time: start, Checks: []checks.CheckResult{
		{Name: "db", Critical: true, Status: checks.StatusFail, Err: errors.New("refused"), Duration: 1500 * time.Millisecond},
		{Name: "crm", Status: checks.StatusPass, Duration: 12345 * time.Microsecond},
		{Name: "cert", Status: checks.StatusWarn, Duration: 8 * time.Millisecond},
	}}
	e.Observe(run, false)
	e.Observe(checks.Result{Status: checks.StatusWarn, Time: start, Checks: run.Checks}, true)
	if *update {
		if err := os.WriteFile("testdata/golden.jsonl", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("got\n%s\nwant\n%s", buf.Bytes(), want)
	}
	// Each line is one JSON object whose metrics are all present as members.
	for _, l := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var doc struct {
			AWS struct {
				Timestamp         int64
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			} `json:"_aws"`
		}
		var members map[string]any
		if json.Unmarshal(l, &doc) != nil || json.Unmarshal(l, &members) != nil {
			t.Fatalf("not JSON: %s", l)
		}
		for _, d := range doc.AWS.CloudWatchMetrics {
			for _, m := range d.Metrics {
				if _, ok := members[m.Name].(float64); !ok {
					t.Errorf("metric %s has no numeric member: %s", m.Name, l)
				}
			}
			for _, dim := range d.Dimensions[0] {
				if _, ok := members[dim].(string); !ok {
					t.Errorf("dimension %s has no string member: %s", dim, l)
				}
			}
		}
	}
}

// Wired into a Checker, the emitter sees each fresh run and each cached
// answer once.
func TestEmitterAsCheckerObserver(t *testing.T) {
	var buf bytes.Buffer
	e := emf.New(&buf, "svc")
	c := checks.New(checks.WithObserver(e.Observe), checks.WithCacheTTL(time.Hour),
		checks.WithCheck(checks.Check{Name: "db", Func: func(context.Context) error { return nil }}))
	c.Check(t.Context())
	c.Check(t.Context())
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 (run, its check, cache hit):\n%s", len(lines), buf.Bytes())
	}
	for i, want := range []string{`"CacheHit":0`, `"CheckStatus":1`, `"CacheHit":1`} {
		if !bytes.Contains(lines[i], []byte(want)) {
			t.Errorf("line %d lacks %s: %s", i, want, lines[i])
		}
	}
}
