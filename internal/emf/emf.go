// Package emf writes the readiness checks' metrics as CloudWatch Embedded
// Metric Format (EMF) log lines: plain JSON objects on the function's log
// stream, which CloudWatch Logs turns into metrics. No AWS SDK, no API call.
//
// Specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
//
// Per readiness result it writes one line with the service's metrics and,
// for a fresh run (not for a cached answer), one line per check:
//
//	namespace  WhatsAppContactProcessor/Health
//	ReadinessStatus  dimensions [Service]         1 ready (pass or warn: 200), 0 not (503)
//	CacheHit         dimensions [Service]         1 the answer came from the cache, 0 a fresh run
//	CheckStatus      dimensions [Service, Check]  1 passing (pass or warn), 0 failing
//	CheckLatency     dimensions [Service, Check]  the check's duration, Milliseconds
//
// Service is HEALTH_SERVICE_ID, Check the check's name in HEALTH_CHECKS.
package emf

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// The names dashboards and alarms use; docs/readiness.md lists them too.
const (
	Namespace        = "WhatsAppContactProcessor/Health"
	ServiceDimension = "Service"
	CheckDimension   = "Check"
	ReadinessStatus  = "ReadinessStatus"
	CacheHit         = "CacheHit"
	CheckStatus      = "CheckStatus"
	CheckLatency     = "CheckLatency"
)

// Emitter writes EMF lines to w, one Write per line, so lines from
// concurrent results never interleave on a shared writer.
type Emitter struct {
	mu      sync.Mutex
	w       io.Writer
	service string
	now     func() time.Time
}

// New returns an Emitter for the service named service (its HEALTH_SERVICE_ID).
func New(w io.Writer, service string) *Emitter {
	return &Emitter{w: w, service: service, now: time.Now}
}

// Observe is a [checks.Observer]: pass e.Observe to checks.WithObserver.
func (e *Emitter) Observe(r checks.Result, cached bool) {
	ts := e.now().UnixMilli()
	ready := 1
	if r.Status == checks.StatusFail {
		ready = 0
	}
	hit := 0
	if cached {
		hit = 1
	}
	lines := [][]byte{e.line(ts, []string{ServiceDimension}, []metric{{ReadinessStatus, "None"}, {CacheHit, "None"}},
		map[string]any{ServiceDimension: e.service, ReadinessStatus: ready, CacheHit: hit})}
	if !cached {
		for _, c := range r.Checks {
			ok := 1
			if c.Status == checks.StatusFail {
				ok = 0
			}
			lines = append(lines, e.line(ts, []string{ServiceDimension, CheckDimension},
				[]metric{{CheckStatus, "None"}, {CheckLatency, "Milliseconds"}},
				map[string]any{ServiceDimension: e.service, CheckDimension: c.Name, CheckStatus: ok, CheckLatency: checks.Millis(c.Duration)}))
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range lines {
		_, _ = e.w.Write(l)
	}
}

type metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []metric   `json:"Metrics"`
}

func (e *Emitter) line(ts int64, dims []string, metrics []metric, values map[string]any) []byte {
	values["_aws"] = map[string]any{
		"Timestamp":         ts,
		"CloudWatchMetrics": []directive{{Namespace: Namespace, Dimensions: [][]string{dims}, Metrics: metrics}},
	}
	b, err := json.Marshal(values) // map keys sorted: stable lines
	if err != nil {                // cannot happen: strings and numbers
		return nil
	}
	return append(b, '\n')
}
