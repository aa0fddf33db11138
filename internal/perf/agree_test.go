package perf_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// answer is what must agree between floor and ours: status, body and the
// header names in the same form (single or multi-value). Vary's value is
// left out: ours lists whatever the application negotiates on.
type answer struct {
	Status  int
	Body    string
	Single  []string
	Multi   []string
	Headers map[string]string
}

func parseAnswer(t *testing.T, b []byte) answer {
	t.Helper()
	var r struct {
		StatusCode        int                 `json:"statusCode"`
		Body              string              `json:"body"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	a := answer{Status: r.StatusCode, Body: r.Body, Headers: map[string]string{}}
	a.Single = slices.Sorted(maps.Keys(r.Headers))
	a.Multi = slices.Sorted(maps.Keys(r.MultiValueHeaders))
	for k, v := range r.Headers {
		a.Headers[k] = v
	}
	for k, v := range r.MultiValueHeaders {
		a.Headers[k] = strings.Join(v, ",")
	}
	delete(a.Headers, "Vary")
	return a
}

func sameAnswer(a, b answer) bool {
	return a.Status == b.Status && a.Body == b.Body && slices.Equal(a.Single, b.Single) &&
		slices.Equal(a.Multi, b.Multi) && maps.Equal(a.Headers, b.Headers)
}
