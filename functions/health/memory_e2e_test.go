package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// invokeLimit is Lambda's payload limit for a synchronous invocation.
const invokeLimit = 6 << 20

// peakRSSBound is the most resident memory the bootstrap may reach serving
// any event up to invokeLimit, under the template's MemorySize of 128 MB
// with more than a third to spare. The worst peak TestPeakMemory measured is
// 68.0–68.1 MiB (2026-12-06, three runs, 64,000 HTTP API headers); the bound
// leaves room for the collector's pacing on a loaded machine, where its
// background marking gets less CPU and the heap grows further meanwhile.
const peakRSSBound = 80 << 20

// TestPeakMemory sends the real bootstrap, under the runtime emulator with
// the template's 128 MB, one event of each shape that costs memory out of
// proportion to its size, each to a fresh process, and checks the process's
// peak RSS (VmHWM) stays within peakRSSBound. Shapes of more JSON values
// than any front sends are refused; the rest are answered; either way the
// next invocation is answered.
func TestPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the memory bound under the runtime emulator")
	}
	tests := []struct {
		name   string
		event  []byte
		status int // 0: refused as an unsupported event
	}{
		{"REST one header of 100,000 one-byte values", edit(t, "rest-api.json", "multiValueHeaders", map[string]any{"X": fill(100000, "a")}), 0},
		{"HTTP API 350,000 headers", edit(t, "http-api.json", "headers", headers(350000, 1, false)), 0},
		{"REST 1,000,000 query values", edit(t, "rest-api.json", "multiValueQueryStringParameters", map[string]any{"q": fill(1000000, "a")}), 0},
		{"an unknown field of 3,000,000 numbers", edit(t, "rest-api.json", "x", json.RawMessage("["+strings.Repeat("0,", 3000000-1)+"0]")), 0},
		{"REST one header of 65,000 values, 6 MB", edit(t, "rest-api.json", "multiValueHeaders", map[string]any{"X": fill(65000, strings.Repeat("v", 90))}), 400},
		{"HTTP API 65,000 headers, 6 MB", edit(t, "http-api.json", "headers", headers(65000, 80, false)), 400},
		{"ALB 32,000 multi-value headers, 6 MB", edit(t, "alb-multivalue.json", "multiValueHeaders", headers(32000, 170, true)), 400},
		{"HTTP API 65,000 cookies, 6 MB", edit(t, "http-api.json", "cookies", fill(65000, "c="+strings.Repeat("v", 86))), 400},
		{"REST 32,000 query parameters, 6 MB", edit(t, "rest-api.json", "multiValueQueryStringParameters", headers(32000, 170, true)), 400},
		{"REST 65,000 values in an unknown field, 6 MB", edit(t, "rest-api.json", "x", fill(65000, strings.Repeat("v", 90))), 200},
		{"REST one header of 65,000 values, 1 MB", edit(t, "rest-api.json", "multiValueHeaders", map[string]any{"X": fill(65000, strings.Repeat("v", 14))}), 200},
		{"REST 32,000 multi-value headers, 1 MB", edit(t, "rest-api.json", "multiValueHeaders", headers(32000, 22, true)), 200},
		{"HTTP API 64,000 headers, 1 MB", edit(t, "http-api.json", "headers", headers(64000, 6, false)), 200},
		{"ALB 32,000 multi-value headers, 1 MB", edit(t, "alb-multivalue.json", "multiValueHeaders", headers(32000, 22, true)), 200},
		{"HTTP API 65,000 cookies, 1 MB", edit(t, "http-api.json", "cookies", fill(65000, "c="+strings.Repeat("v", 12))), 200},
		{"ALB 64,000 query parameters, 1 MB", edit(t, "alb.json", "queryStringParameters", headers(64000, 6, false)), 200},
		{"HTTP API 6 MB query on /health/details", edit(t, "http-api.json", "rawPath", "/health/details", "rawQueryString", strings.Repeat("a=b&", invokeLimit/4-1024)), 400},
		{"REST 6 MB body", edit(t, "rest-api.json", "httpMethod", "POST", "body", strings.Repeat("b", invokeLimit-4096)), 405},
		{"REST 6 MB base64 body", edit(t, "rest-api.json", "httpMethod", "POST", "isBase64Encoded", true, "body", base64.StdEncoding.EncodeToString(make([]byte, (invokeLimit-4096)*3/4))), 405},
	}
	valid := rietest.SampleEvent(t, "rest-api.json")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.event) > invokeLimit {
				t.Fatalf("the event is %d bytes, over Lambda's limit", len(tc.event))
			}
			fn := startHealth(t)
			if a := invoke(t, fn, valid); a.StatusCode != 200 {
				t.Fatalf("first invocation: %+v", a)
			}
			a := invoke(t, fn, tc.event)
			switch {
			case tc.status == 0 && (a.ErrorType != "UnsupportedEventError" || a.StatusCode != 0):
				t.Errorf("want a refusal (UnsupportedEventError), got %d %.200s %s", a.StatusCode, a.Body, a.ErrorMessage)
			case tc.status != 0 && a.StatusCode != tc.status:
				t.Errorf("status %d, want %d (%.200s %s)", a.StatusCode, tc.status, a.Body, a.ErrorMessage)
			}
			if a := invoke(t, fn, valid); a.StatusCode != 200 {
				t.Fatalf("next invocation: %+v", a)
			}
			pid := fn.BootstrapPID()
			if pid == 0 {
				t.Fatal("no bootstrap process")
			}
			peak, err := rietest.PeakRSS(pid)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%.2f MB event: peak RSS %.1f MiB", float64(len(tc.event))/1e6, mib(peak))
			if peak > peakRSSBound {
				t.Errorf("peak RSS %.1f MiB, over the bound of %.0f MiB", mib(peak), mib(peakRSSBound))
			}
		})
	}
}

// edit reads a sample event and sets top-level keys (key, value, key, value…).
func edit(t *testing.T, name string, kv ...any) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(rietest.SampleEvent(t, name), &ev); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		ev[kv[i].(string)] = kv[i+1]
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a query's & stays one byte
	if err := enc.Encode(ev); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fill is n copies of s.
func fill(n int, s string) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = s
	}
	return a
}

// headers is n distinct names, each with a value of size bytes, as strings
// or (multi) one-element lists.
func headers(n, size int, multi bool) map[string]any {
	m := make(map[string]any, n)
	v := strings.Repeat("v", size)
	for i := range n {
		if multi {
			m[fmt.Sprintf("x-%07d", i)] = []any{v}
		} else {
			m[fmt.Sprintf("x-%07d", i)] = v
		}
	}
	return m
}
