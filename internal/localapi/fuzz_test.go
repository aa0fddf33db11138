package localapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

// FuzzEventFromRequest builds requests from fuzzed parts and checks the REST
// API event local mode makes of them:
//
//   - it always marshals, and round-trips through JSON;
//   - Path is URL.Path, the method is kept;
//   - the body, plain or base64, decodes back to the original bytes;
//   - every header is in multiValueHeaders with all its values, and in
//     headers with its last one;
//   - the function accepts every such event: the Lambda handler answers it
//     (200, or 400 for a path it cannot serve), never "unsupported".
func FuzzEventFromRequest(f *testing.F) {
	f.Add("GET", "/health", "", "Accept", "*/*", []byte(nil))
	f.Add("HEAD", "/health", "a=1&a=2&b", "X-Multi", "one", []byte(""))
	f.Add("POST", "/health", "", "Content-Type", "application/json", []byte(`{"a":1}`))
	f.Add("PUT", "/a%20b/%25zz", "q=%zz", "X-Bin", "\xff\xfe", []byte{0xff, 0xfe, 0x00})
	f.Add("OPTIONS", "/health", "", "Origin", "https://dashboard.example", []byte(nil))
	f.Add("GET", "//x/../health", "x=\x01", "", "", []byte("\x00"))

	fn := lambdahttp.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	f.Fuzz(func(t *testing.T, method, path, rawQuery, hname, hval string, body []byte) {
		target := "http://localhost:3000" + path
		if rawQuery != "" {
			target += "?" + rawQuery
		}
		r, err := http.NewRequest(method, target, bytes.NewReader(body))
		if err != nil {
			t.Skip("not a request net/http would build")
		}
		if hname != "" && http.CanonicalHeaderKey(hname) != "Host" { // a server moves Host to r.Host
			r.Header.Add(hname, hval)
			r.Header.Add(hname, hval+"2")
		}
		r.RemoteAddr = "127.0.0.1:1234"

		ev := localapi.EventFromRequest(r, body, "id")
		if ev.Path != r.URL.Path || ev.RequestContext.Path != r.URL.Path || ev.HTTPMethod != r.Method {
			t.Fatalf("request line: %q %q, want %q %q", ev.HTTPMethod, ev.Path, r.Method, r.URL.Path)
		}
		got := []byte(ev.Body)
		if ev.IsBase64Encoded {
			if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				t.Fatalf("base64 body does not decode: %v", err)
			}
		} else if !utf8.ValidString(ev.Body) {
			t.Fatal("plain body is not UTF-8: JSON would mangle it")
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("body %q, want %q", got, body)
		}
		for k, vs := range r.Header {
			if !slices.Equal(ev.MultiValueHeaders[k], vs) || ev.Headers[k] != vs[len(vs)-1] {
				t.Fatalf("header %q: multi %q single %q, want %q", k, ev.MultiValueHeaders[k], ev.Headers[k], vs)
			}
		}

		payload, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &back); err != nil {
			t.Fatalf("the event does not round-trip: %v", err)
		}
		if back.IsBase64Encoded != ev.IsBase64Encoded || (utf8.Valid(body) && back.Body != ev.Body) {
			t.Fatalf("body changed through JSON: %q -> %q", ev.Body, back.Body)
		}

		out, err := fn.Invoke(t.Context(), payload)
		if err != nil {
			t.Fatalf("the function rejected a local event: %v\n%s", err, payload)
		}
		var resp events.APIGatewayProxyResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("answer is not a proxy response: %v", err)
		}
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d for %s %s", resp.StatusCode, r.Method, r.URL)
		}
	})
}
