package lambdahttp_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

// lambdaPayloadLimit is Lambda's synchronous invocation payload limit.
const lambdaPayloadLimit = 6 << 20

// marker is planted in hostile payloads: no error and no answer may quote it.
const marker = "ECHO-MARKER-7f3a"

// TestHostileInputs feeds each hostile input to one Handler, then checks the
// same Handler still answers GET /health. Each input must get a clean error
// (unsupported event) or a 4xx, never quote the input, and allocate at most
// 40 times its size plus 512 bytes per JSON value plus 1 MiB: linear,
// whatever the input. A value costs far more than its bytes (a one-byte
// header value about 450 bytes through parser, adapter and http.Header),
// which is why a payload of over 65,536 values is refused before parsing.
func TestHostileInputs(t *testing.T) {
	many := make(map[string]any, 10000)
	single := make(map[string]any, 10000)
	for i := range 10000 {
		many[fmt.Sprintf("X-Hostile-%05d", i)] = []any{marker}
		single[fmt.Sprintf("x-hostile-%05d", i)] = marker
	}
	longPath := "/" + strings.Repeat("a", 8191)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	bigText := strings.Repeat(marker, lambdaPayloadLimit/len(marker)-64) // the event around it brings it to ~6 MB
	bigBase64 := base64.StdEncoding.EncodeToString([]byte(bigText[:len(bigText)*3/4]))
	garbage := make([]byte, lambdaPayloadLimit)
	_, _ = rand.Read(garbage)

	tests := []struct {
		name    string
		payload []byte
		status  int // 0: must be an unsupported-event error
		body    string
	}{
		// Size.
		{name: "6 MB of random bytes", payload: garbage},
		{name: "6 MB of JSON whitespace then garbage", payload: append(bytes.Repeat([]byte(" "), lambdaPayloadLimit-1), 'x')},
		{name: "6 MB REST POST plain body", payload: fixture(t, "rest-api.json", "httpMethod", "POST", "body", bigText), status: 405},
		{name: "6 MB REST POST base64 body", payload: fixture(t, "rest-api.json", "httpMethod", "POST", "isBase64Encoded", true, "body", bigBase64), status: 405},
		{name: "6 MB GET body is ignored", payload: fixture(t, "http-api.json", "body", bigText), status: 200, body: seedBody},
		{name: "6 MB bad base64 body", payload: fixture(t, "alb.json", "isBase64Encoded", true, "body", bigText+"!"), status: 400},

		// Headers.
		{name: "REST 10,000 multi-value headers", payload: fixture(t, "rest-api.json", "multiValueHeaders", many), status: 200, body: seedBody},
		{name: "HTTP API 10,000 headers", payload: fixture(t, "http-api.json", "headers", single), status: 200, body: seedBody},
		{name: "ALB 10,000 multi-value headers", payload: fixture(t, "alb-multivalue.json", "multiValueHeaders", many), status: 200, body: seedBody},
		{name: "REST invalid UTF-8 header name and value", payload: spliceHeaders(t, "rest-api.json", `"X-`+marker+"\xff\xfe\": \"v\xc3\x28"+marker+`", `), status: 200, body: seedBody},
		{name: "HTTP API invalid UTF-8 header name and value", payload: spliceHeaders(t, "http-api.json", "\"x-\xed\xa0\x80\": \"\xf0\x28\x8c\x28\", "), status: 200, body: seedBody},
		{name: "ALB multi-value hostile host", payload: fixture(t, "alb-multivalue.json", "multiValueHeaders.host", []any{"a b/" + marker + "?"}), status: 200, body: seedBody},

		// Many values: the parser's cost per value is far above its bytes.
		{name: "REST one header of 65,000 one-byte values", payload: fixture(t, "rest-api.json", "multiValueHeaders", map[string]any{"X": strs(65000, "a")}), status: 200, body: seedBody},
		{name: "REST one header of 100,000 one-byte values", payload: fixture(t, "rest-api.json", "multiValueHeaders", map[string]any{"X": strs(100000, "a")})},
		{name: "HTTP API 64,000 headers", payload: fixture(t, "http-api.json", "headers", numbered(64000, "x-%06d", "v")), status: 200, body: seedBody},
		{name: "HTTP API 65,000 cookies", payload: fixture(t, "http-api.json", "cookies", strs(65000, "c=v")), status: 200, body: seedBody},
		{name: "ALB 64,000 query parameters", payload: fixture(t, "alb.json", "queryStringParameters", numbered(64000, "q%06d", "v")), status: 200, body: seedBody},
		{name: "65,000 numbers in an unknown field", payload: fixture(t, "rest-api.json", "x", strs(65000, "")), status: 200, body: seedBody},
		{name: "3,000,000 numbers in an unknown field", payload: []byte(`{"httpMethod":"GET","path":"/health","requestContext":{},"x":[` + strings.Repeat("0,", 3000000) + `0]}`)},
		{name: "HTTP API 2 MB of headers", payload: fixture(t, "http-api.json", "headers", numbered(20000, "x-%06d", strings.Repeat("v", 100))), status: 400},

		// Paths.
		{name: "REST 8 KB path", payload: fixture(t, "rest-api.json", "path", longPath), status: 404},
		{name: "HTTP API 8 KB rawPath", payload: fixture(t, "http-api.json", "rawPath", longPath, "requestContext.http.path", longPath), status: 404},
		{name: "ALB 8 KB path", payload: fixture(t, "alb.json", "path", longPath), status: 404},
		{name: "REST bad % escape", payload: fixture(t, "rest-api.json", "path", "/health%zz"+marker), status: 400},
		{name: "HTTP API bad % escape in rawPath", payload: fixture(t, "http-api.json", "rawPath", "/%zz"+marker), status: 400},
		{name: "HTTP API bad % escape in query", payload: fixture(t, "http-api.json", "rawQueryString", "a=%g0"+marker), status: 200, body: seedBody},
		{name: "Function URL bad % escape at the end", payload: fixture(t, "function-url.json", "rawPath", "/health%2"), status: 400},

		// Bodies.
		{name: "REST bad base64 body", payload: fixture(t, "rest-api.json", "isBase64Encoded", true, "body", "%%%"+marker), status: 400},
		{name: "HTTP API bad base64 body (bad padding)", payload: fixture(t, "http-api.json", "isBase64Encoded", true, "body", "aGVsbG8"), status: 400},
		{name: "ALB bad base64 body", payload: fixture(t, "alb.json", "isBase64Encoded", true, "body", "@@"), status: 400},
		{name: "deeply nested JSON as a string body", payload: fixture(t, "rest-api.json", "httpMethod", "POST", "body", deep), status: 405},

		// Payloads of no known shape.
		{name: "null", payload: []byte("null")},
		{name: "array", payload: []byte(`["` + marker + `"]`)},
		{name: "number", payload: []byte("42")},
		{name: "string", payload: []byte(`"` + marker + `"`)},
		{name: "true", payload: []byte("true")},
		{name: "deeply nested array (100,000 levels)", payload: []byte(deep)},
		{name: "unclosed nesting (100,000 \"[\")", payload: []byte(strings.Repeat("[", 100000))},
		{name: "unclosed nesting (100,000 objects)", payload: []byte(strings.Repeat(`{"a":`, 100000))},
		{name: "unclosed nesting in an event", payload: []byte(`{"httpMethod":"GET","path":"/health","x":` + strings.Repeat("[", 100000))},
		{name: "301 levels in 602 bytes (each level would wrap the parser's error)", payload: []byte(strings.Repeat("[", 301) + strings.Repeat("]", 301))},
		{name: "unclosed nesting of 299 levels", payload: []byte(strings.Repeat("[", 299))},
		{name: "60 levels in an unknown field are fine", payload: fixture(t, "rest-api.json", "x", nest(60)), status: 200, body: seedBody},
		{name: "65 levels in an unknown field", payload: fixture(t, "rest-api.json", "x", nest(65))},
		{name: "deeply nested object (100,000 levels)", payload: []byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000))},
		{name: "deeply nested JSON as body", payload: []byte(`{"httpMethod":"GET","path":"/health","body":` + deep + `}`)},
		{name: "deeply nested JSON in headers", payload: []byte(`{"httpMethod":"GET","path":"/health","headers":{"a":` + deep + `}}`)},
		{name: "deeply nested JSON in an unknown field", payload: []byte(`{"httpMethod":"GET","path":"/health","x":` + deep + `}`)},
		{name: "wrong type deep in requestContext", payload: []byte(`{"httpMethod":"GET","requestContext":{"elb":"` + marker + `"}}`)},
	}

	h := newHandler()
	valid := fixture(t, "rest-api.json")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, alloc, err := measure(t, h, tc.payload)
			t.Logf("%d-byte payload: %s; allocated %d bytes", len(tc.payload), outcome(out, err), alloc)
			if limit := 40*uint64(len(tc.payload)) + 512*min(jsonValues(tc.payload), 1<<16) + 1<<20; alloc > limit {
				t.Errorf("allocated %d bytes for a %d-byte payload of %d values, want <= %d", alloc, len(tc.payload), jsonValues(tc.payload), limit)
			}
			if tc.status == 0 {
				if !isUnsupported(err) || out != nil {
					t.Fatalf("want an unsupported-event error and no answer; got %v, %.200s", err, out)
				}
				if msg := err.Error(); len(msg) > 256 || strings.Contains(msg, marker) {
					t.Errorf("error quotes the payload (%d bytes): %.300s", len(msg), msg)
				}
			} else {
				if err != nil {
					t.Fatalf("want %d, got error %v", tc.status, err)
				}
				if !utf8.Valid(out) {
					t.Errorf("answer is not valid UTF-8 JSON")
				}
				if bytes.Contains(out, []byte(marker)) {
					t.Errorf("answer quotes the request: %.300s", out)
				}
				r := decodeAnswer(t, out)
				if r.StatusCode != tc.status {
					t.Errorf("status = %d, want %d (%.200s)", r.StatusCode, tc.status, r.Body)
				}
				if tc.body != "" && r.Body != tc.body {
					t.Errorf("body = %q, want %q", r.Body, tc.body)
				}
				if tc.status == http.StatusBadRequest {
					checkSecurityHeaders(t, r)
				}
			}
			if r := invoke(t, h, valid); r.StatusCode != 200 || r.Body != seedBody {
				t.Errorf("next invocation: %d %q", r.StatusCode, r.Body)
			}
		})
	}
}

// TestOwnAnswersCarrySecurityHeaders checks the answers the package makes
// without the application (400 for an impossible request, 500 for a panic)
// carry the OWASP set, in both header forms, and say nothing more.
func TestOwnAnswersCarrySecurityHeaders(t *testing.T) {
	panicky := lambdahttp.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret detail " + marker)
	}), lambdahttp.WithHeaders(appHeaders))
	tests := []struct {
		name    string
		h       *lambdahttp.Handler
		payload []byte
		status  int
		body    string
	}{
		{"REST 400", newHandler(), fixture(t, "rest-api.json", "path", "/%zz"), 400, `{"error":"bad request"}`},
		{"HTTP API 400", newHandler(), fixture(t, "http-api.json", "rawPath", "/%zz"), 400, `{"error":"bad request"}`},
		{"Function URL 400", newHandler(), fixture(t, "function-url.json", "rawPath", "/%zz"), 400, `{"error":"bad request"}`},
		{"ALB 400", newHandler(), fixture(t, "alb.json", "path", "/%zz"), 400, `{"error":"bad request"}`},
		{"ALB multi-value 400", newHandler(), fixture(t, "alb-multivalue.json", "path", "/%zz"), 400, `{"error":"bad request"}`},
		{"REST 500", panicky, fixture(t, "rest-api.json"), 500, `{"error":"internal error"}`},
		{"HTTP API 500", panicky, fixture(t, "http-api.json"), 500, `{"error":"internal error"}`},
		{"ALB 500", panicky, fixture(t, "alb.json"), 500, `{"error":"internal error"}`},
		{"ALB multi-value 500", panicky, fixture(t, "alb-multivalue.json"), 500, `{"error":"internal error"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, tc.h, tc.payload)
			if r.StatusCode != tc.status || r.Body != tc.body {
				t.Errorf("got %d %q, want %d %q", r.StatusCode, r.Body, tc.status, tc.body)
			}
			checkSecurityHeaders(t, r)
		})
	}
}

// checkSecurityHeaders checks an answer the package wrote itself carries
// the headers given WithHeaders, and Content-Type.
func checkSecurityHeaders(t *testing.T, r response) {
	t.Helper()
	if got := r.header("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	for k, want := range appHeaders {
		if got := r.header(k); got != want[0] {
			t.Errorf("%s = %q, want %q", k, got, want[0])
		}
	}
}

// jsonValues counts payload's JSON values as the package bounds them: one,
// plus one per comma or opening bracket outside strings.
func jsonValues(payload []byte) uint64 {
	n, inString := uint64(1), false
	for i := 0; i < len(payload); i++ {
		switch c := payload[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == '{' || c == '['):
			n++
		}
	}
	return n
}

// strs is n copies of s.
func strs(n int, s string) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = s
	}
	return a
}

// numbered is n keys made with format and i, each with value v.
func numbered(n int, format, v string) map[string]any {
	m := make(map[string]any, n)
	for i := range n {
		m[fmt.Sprintf(format, i)] = v
	}
	return m
}

// nest is n levels of arrays.
func nest(n int) any {
	var v any = "leaf"
	for range n - 1 {
		v = []any{v}
	}
	return v
}

// measure invokes h once and reports the bytes allocated meanwhile.
func measure(t *testing.T, h *lambdahttp.Handler, payload []byte) ([]byte, uint64, error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, err := h.Invoke(t.Context(), payload)
	runtime.ReadMemStats(&after)
	return out, after.TotalAlloc - before.TotalAlloc, err
}

func outcome(out []byte, err error) string {
	if err != nil {
		return "error " + err.Error()
	}
	var r response
	if decodeErr := json.Unmarshal(out, &r); decodeErr != nil {
		return "undecodable answer"
	}
	return fmt.Sprintf("%d %.60q", r.StatusCode, r.Body)
}

func decodeAnswer(t *testing.T, out []byte) response {
	t.Helper()
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return r
}

// spliceHeaders inserts raw bytes (possibly invalid UTF-8, which the fixture
// helper's re-encoding would repair) at the start of the fixture's headers.
func spliceHeaders(t *testing.T, name, raw string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(`"headers": {`))
	if i < 0 {
		t.Fatalf("%s has no headers object", name)
	}
	i += len(`"headers": {`)
	return append(append(append([]byte{}, b[:i]...), raw...), b[i:]...)
}
