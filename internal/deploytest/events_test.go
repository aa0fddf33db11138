package deploytest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// response is the union of the answers the fronts read: REST API (payload 1.0) and ALB
// use statusCode/headers/multiValueHeaders/body; HTTP API and Function URL (2.0)
// statusCode/headers/cookies/body; ALB adds statusDescription.
type response struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// format is the header shape a front reads back.
type format int

const (
	multiValue  format = iota // REST API: multiValueHeaders (headers may be empty)
	singleValue               // HTTP API, Function URL: headers only
	albSingle                 // ALB, multi-value headers off: headers only, statusDescription
	albMulti                  // ALB, multi-value headers on: multiValueHeaders only, statusDescription
)

// eventCases is what each file in events/ must answer. Every file there needs an entry.
var eventCases = map[string]struct {
	status int
	body   string
	format format
}{
	"rest-get.json":            {200, seedBody, multiValue},
	"rest-head.json":           {200, "", multiValue},
	"rest-post.json":           {405, `{"error":"method not allowed"}`, multiValue},
	"httpapi-default-get.json": {200, seedBody, singleValue},
	"httpapi-stage-get.json":   {200, seedBody, singleValue}, // rawPath /Prod/health: stage stripped
	"function-url-get.json":    {200, seedBody, singleValue},
	"alb-get.json":             {200, seedBody, albSingle},
	"alb-multivalue-get.json":  {200, seedBody, albMulti},
	"lattice-get.json":         {200, seedBody, albSingle}, // VPC Lattice V2: headers only, statusDescription
}

// TestEventsThroughRuntimeEmulator runs `make invoke-rie EVENT=events/<file>` on every
// event: the real bootstrap (built for this machine) under AWS's Runtime Interface
// Emulator, no Docker. The same events serve `sam local invoke -e`.
func TestEventsThroughRuntimeEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap; skipped with -short")
	}
	for _, tool := range []string{"make", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: make invoke-rie needs it", tool)
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in events/: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	for name := range eventCases {
		if !slices.Contains(names, name) {
			t.Errorf("events/%s is missing", name)
		}
	}

	binDir := t.TempDir() // the test's own bootstrap and emulator, not the repo's bin/
	for _, name := range names {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			want, ok := eventCases[name]
			if !ok {
				t.Fatalf("events/%s has no expected answer in eventCases", name)
			}
			cmd := exec.CommandContext(t.Context(), "make", "-s", "--no-print-directory", "invoke-rie", "EVENT=events/"+name)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "RIE_BIN_DIR="+binDir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("make invoke-rie EVENT=events/%s: %v\nstdout: %s\nstderr: %s", name, err, out, stderr.Bytes())
			}
			checkAnswer(t, out, want.status, want.body, want.format)
		})
	}
}

func checkAnswer(t *testing.T, out []byte, status int, body string, f format) {
	t.Helper()
	var raw map[string]json.RawMessage
	var resp response
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, out)
	}
	if _, ok := raw["errorMessage"]; ok {
		t.Fatalf("function error: %s", out)
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("answer: %v\n%s", err, out)
	}
	if resp.StatusCode != status {
		t.Errorf("statusCode = %d, want %d", resp.StatusCode, status)
	}
	if resp.IsBase64Encoded {
		t.Errorf("isBase64Encoded = true for a JSON body")
	}
	if resp.Body != body {
		t.Errorf("body = %q, want %q", resp.Body, body)
	}

	contentType := func() string {
		switch f {
		case multiValue, albMulti:
			return strings.Join(lookup(resp.MultiValueHeaders, "Content-Type"), ",")
		default:
			return strings.Join(lookup(resp.Headers, "Content-Type"), ",")
		}
	}
	if body != "" || status == 200 {
		if ct := contentType(); ct != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
	}
	if status == 405 {
		allow := lookup(resp.MultiValueHeaders, "Allow")
		if f == singleValue || f == albSingle {
			allow = lookup(resp.Headers, "Allow")
		}
		if strings.Join(allow, ",") != "GET, HEAD" {
			t.Errorf("Allow = %q, want \"GET, HEAD\"", allow)
		}
	}

	switch f {
	case multiValue:
		if len(resp.MultiValueHeaders) == 0 {
			t.Errorf("REST API answer has no multiValueHeaders: %s", out)
		}
	case singleValue:
		if len(resp.Headers) == 0 || len(resp.MultiValueHeaders) != 0 {
			t.Errorf("payload 2.0 answer must use headers only: %s", out)
		}
	case albSingle, albMulti:
		if want := albStatus(status); resp.StatusDescription != want {
			t.Errorf("statusDescription = %q, want %q", resp.StatusDescription, want)
		}
		single, multi := len(resp.Headers) > 0, len(resp.MultiValueHeaders) > 0
		if f == albSingle && (!single || multi) {
			t.Errorf("ALB with multi-value headers off must answer in headers only: %s", out)
		}
		if f == albMulti && (single || !multi) {
			t.Errorf("ALB with multi-value headers on must answer in multiValueHeaders only: %s", out)
		}
	}
}

func albStatus(code int) string {
	switch code {
	case 200:
		return "200 OK"
	case 405:
		return "405 Method Not Allowed"
	}
	return ""
}

// lookup finds a header case-insensitively in either header map shape.
func lookup[V string | []string](h map[string]V, name string) []string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			switch v := any(v).(type) {
			case string:
				return []string{v}
			case []string:
				return v
			}
		}
	}
	return nil
}
