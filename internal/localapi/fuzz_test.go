package localapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

// FuzzEventFromRequest builds requests from fuzzed parts and checks the REST
// API event local mode makes of them:
//
//   - a body is refused only when it is not UTF-8 and not of a binary
//     media type (SAM CLI's 502), and otherwise decodes back to the
//     original bytes, plain or base64; an empty body is null;
//   - Path is URL.Path, the method is kept;
//   - every header is in multiValueHeaders with all its values, and in
//     headers with its last one; X-Forwarded-Proto/-Port are set;
//   - each query parameter's single value is its last one, and there are
//     as many values as non-empty &-separated pairs;
//   - it always marshals, and round-trips through JSON;
//   - the function accepts every such event: the Lambda handler answers it
//     (200, or 400 for a path it cannot serve), never "unsupported".
func FuzzEventFromRequest(f *testing.F) {
	f.Add("GET", "/health", "", "Accept", "*/*", []byte(nil))
	f.Add("HEAD", "/health", "a=1&a=2&b", "X-Multi", "one", []byte(""))
	f.Add("POST", "/health", "", "Content-Type", "application/json", []byte(`{"a":1}`))
	f.Add("PUT", "/a%20b/%25zz", "q=%zz", "X-Bin", "\xff\xfe", []byte{0xff, 0xfe, 0x00})
	f.Add("OPTIONS", "/health", "", "Origin", "https://dashboard.example", []byte(nil))
	f.Add("GET", "//x/../health", "x=\x01", "", "", []byte("\x00"))
	f.Add("POST", "/health", "a=%zz;b&&c=%ff+d", "Content-Type", "image/png", []byte{0x89, 'P', 'N', 'G'})
	f.Add("GET", "/health", "", "X-Forwarded-Port", "1", []byte(nil))

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

		tgt := localapi.Target{Resource: "/health", Stage: "Prod", BinaryMediaTypes: []string{"image/png"}, Port: "3000"}
		ev, err := localapi.EventFromRequest(r, body, "id", tgt)
		if err != nil {
			if !errors.Is(err, localapi.ErrBodyNotText) || utf8.Valid(body) || strings.HasPrefix(r.Header.Get("Content-Type"), "image/png") {
				t.Fatalf("refused %q (Content-Type %q): %v", body, r.Header.Get("Content-Type"), err)
			}
			return
		}
		if ev.Path != r.URL.Path || ev.HTTPMethod != r.Method || ev.RequestContext.Stage != "Prod" {
			t.Fatalf("request line: %q %q, want %q %q", ev.HTTPMethod, ev.Path, r.Method, r.URL.Path)
		}
		if (ev.Body == nil) != (len(body) == 0) {
			t.Fatalf("body %v for %d bytes: null exactly when empty", ev.Body, len(body))
		}
		var got []byte
		if ev.Body != nil {
			got = []byte(*ev.Body)
		}
		if ev.IsBase64Encoded {
			if got, err = base64.StdEncoding.DecodeString(string(got)); err != nil {
				t.Fatalf("base64 body does not decode: %v", err)
			}
		} else if !utf8.Valid(got) {
			t.Fatal("plain body is not UTF-8: JSON would mangle it")
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("body %q, want %q", got, body)
		}
		for k, vs := range r.Header {
			if k == "X-Forwarded-Proto" || k == "X-Forwarded-Port" {
				continue // API Gateway's own
			}
			if !slices.Equal(ev.MultiValueHeaders[k], vs) || ev.Headers[k] != vs[len(vs)-1] {
				t.Fatalf("header %q: multi %q single %q, want %q", k, ev.MultiValueHeaders[k], ev.Headers[k], vs)
			}
		}
		if ev.Headers["X-Forwarded-Proto"] != "http" || ev.Headers["X-Forwarded-Port"] != "3000" {
			t.Fatalf("X-Forwarded-*: %q %q", ev.Headers["X-Forwarded-Proto"], ev.Headers["X-Forwarded-Port"])
		}
		pairs, values := 0, 0
		for _, p := range strings.Split(r.URL.RawQuery, "&") {
			if p != "" {
				pairs++
			}
		}
		for k, vs := range ev.MultiValueQueryStringParameters {
			values += len(vs)
			if ev.QueryStringParameters[k] != vs[len(vs)-1] {
				t.Fatalf("query %q: single %q, multi %q", k, ev.QueryStringParameters[k], vs)
			}
		}
		if values != pairs {
			t.Fatalf("query %q: %d values, want %d", r.URL.RawQuery, values, pairs)
		}

		payload, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &back); err != nil {
			t.Fatalf("the event does not round-trip: %v", err)
		}
		if back.IsBase64Encoded != ev.IsBase64Encoded || (ev.Body != nil && back.Body != *ev.Body) {
			t.Fatalf("body changed through JSON: %q -> %q", *ev.Body, back.Body)
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
