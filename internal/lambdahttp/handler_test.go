package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

// seedBody is what the test app answers: the health function's own body.
const seedBody = httpapi.HealthyBody

// response is the union of the three Lambda response shapes.
type response struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// header reads h from whichever header map the response uses.
func (r response) header(h string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, h) {
			return v
		}
	}
	for k, v := range r.MultiValueHeaders {
		if strings.EqualFold(k, h) {
			return strings.Join(v, ",")
		}
	}
	return ""
}

// isUnsupported reports whether err is the error for a payload that is not
// an HTTP request from a known front.
func isUnsupported(err error) bool {
	var ue *lambdahttp.UnsupportedEventError
	return errors.As(err, &ue)
}

// fixture loads testdata/name and applies edits, each a JSON path
// ("requestContext.http.method") and a value (nil deletes the key).
func fixture(t testing.TB, name string, edits ...any) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		keys := strings.Split(edits[i].(string), ".")
		m := ev
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		if v := edits[i+1]; v == nil {
			delete(m, keys[len(keys)-1])
		} else {
			m[keys[len(keys)-1]] = v
		}
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testApp stands in for an application: the seed answer on GET and HEAD
// /health, 405 for other methods, 404 elsewhere. The real application is
// tested through this package end to end in functions/health.
func testApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(http.StatusMethodNotAllowed)
			io.WriteString(w, `{"error":"method not allowed"}`)
			return
		}
		io.WriteString(w, seedBody) // also on HEAD: dropping it is the adapter layer's job
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"not found"}`)
	})
	return mux
}

// appHeaders stand in for the application's header policy, handed to the
// adapter for the answers it writes itself.
var appHeaders = http.Header{
	"Cache-Control":             {"no-store"},
	"X-Content-Type-Options":    {"nosniff"},
	"X-Frame-Options":           {"DENY"},
	"Content-Security-Policy":   {"frame-ancestors 'none'"},
	"Strict-Transport-Security": {"max-age=63072000; includeSubDomains"},
}

func newHandler(opts ...lambdahttp.Option) *lambdahttp.Handler {
	return lambdahttp.New(testApp(), append([]lambdahttp.Option{lambdahttp.WithHeaders(appHeaders)}, opts...)...)
}

func invoke(t *testing.T, h *lambdahttp.Handler, payload []byte) response {
	t.Helper()
	out, err := h.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, out)
	}
	return r
}

func TestFronts(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name      string
		payload   []byte
		status    int
		body      string
		multi     bool // answer must use multiValueHeaders only
		single    bool // answer must use headers only
		statusTxt string
		allow     string
	}{
		// REST API, payload 1.0: the path never carries the stage.
		{name: "rest GET", payload: fixture(t, "rest-api.json"), status: 200, body: seedBody, multi: true},
		{name: "rest HEAD", payload: fixture(t, "rest-api.json", "httpMethod", "HEAD"), status: 200, body: "", multi: true},
		{name: "rest POST", payload: fixture(t, "rest-api.json", "httpMethod", "POST", "body", `{"a":1}`), status: 405, body: `{"error":"method not allowed"}`, multi: true, allow: "GET, HEAD"},
		{name: "rest unknown path", payload: fixture(t, "rest-api.json", "path", "/nope"), status: 404, body: `{"error":"not found"}`, multi: true},
		{name: "rest single-value headers only", payload: fixture(t, "rest-api.json", "multiValueHeaders", nil), status: 200, body: seedBody, multi: true},
		{name: "rest query string", payload: fixture(t, "rest-api.json", "multiValueQueryStringParameters", map[string]any{"a": []any{"1", "2"}}), status: 200, body: seedBody},
		{name: "rest lowercase method", payload: fixture(t, "rest-api.json", "httpMethod", "get"), status: 200, body: seedBody},

		// HTTP API, payload 2.0.
		{name: "http api $default GET", payload: fixture(t, "http-api.json"), status: 200, body: seedBody, single: true},
		{name: "http api named stage GET", payload: fixture(t, "http-api-stage.json"), status: 200, body: seedBody, single: true},
		{name: "http api named stage, path is only the stage", payload: fixture(t, "http-api-stage.json", "rawPath", "/Prod", "requestContext.http.path", "/Prod"), status: 404, body: `{"error":"not found"}`},
		{name: "http api stage is stripped by segment", payload: fixture(t, "http-api-stage.json", "rawPath", "/Production/health", "requestContext.http.path", "/Production/health"), status: 404, body: `{"error":"not found"}`},
		{name: "http api $default does not strip", payload: fixture(t, "http-api.json", "rawPath", "/$default/health"), status: 404, body: `{"error":"not found"}`},
		{name: "http api HEAD", payload: fixture(t, "http-api-stage.json", "requestContext.http.method", "HEAD"), status: 200, body: "", single: true},
		{name: "http api POST", payload: fixture(t, "http-api.json", "requestContext.http.method", "POST"), status: 405, body: `{"error":"method not allowed"}`, allow: "GET, HEAD"},
		{name: "http api rawPath empty falls back to http.path", payload: fixture(t, "http-api.json", "rawPath", nil), status: 200, body: seedBody},
		{name: "http api query string", payload: fixture(t, "http-api.json", "rawQueryString", "a=1&b=%20"), status: 200, body: seedBody},

		// Function URL, payload 2.0.
		{name: "function url GET", payload: fixture(t, "function-url.json"), status: 200, body: seedBody, single: true},
		{name: "function url HEAD", payload: fixture(t, "function-url.json", "requestContext.http.method", "HEAD"), status: 200, body: ""},
		{name: "function url unknown path", payload: fixture(t, "function-url.json", "rawPath", "/x"), status: 404, body: `{"error":"not found"}`},

		// ALB: answer in the header form of the request.
		{name: "alb headers GET", payload: fixture(t, "alb.json"), status: 200, body: seedBody, single: true, statusTxt: "200 OK"},
		{name: "alb multi-value GET", payload: fixture(t, "alb-multivalue.json"), status: 200, body: seedBody, multi: true, statusTxt: "200 OK"},
		{name: "alb headers HEAD", payload: fixture(t, "alb.json", "httpMethod", "HEAD"), status: 200, body: "", single: true},
		{name: "alb multi-value POST", payload: fixture(t, "alb-multivalue.json", "httpMethod", "POST"), status: 405, body: `{"error":"method not allowed"}`, multi: true, statusTxt: "405 Method Not Allowed", allow: "GET, HEAD"},
		{name: "alb unknown path", payload: fixture(t, "alb.json", "path", "/nope"), status: 404, body: `{"error":"not found"}`, single: true, statusTxt: "404 Not Found"},

		// Requests no front could have sent: 400 in the front's format, handler not run.
		{name: "rest bad base64 body", payload: fixture(t, "rest-api.json", "isBase64Encoded", true, "body", "!!not base64!!"), status: 400, body: `{"error":"bad request"}`, multi: true},
		{name: "rest good base64 body", payload: fixture(t, "rest-api.json", "isBase64Encoded", true, "body", "aGVsbG8="), status: 200, body: seedBody},
		{name: "rest bad % escape", payload: fixture(t, "rest-api.json", "path", "/health%zz"), status: 400, body: `{"error":"bad request"}`},
		{name: "rest truncated % escape", payload: fixture(t, "rest-api.json", "path", "/health%4"), status: 400, body: `{"error":"bad request"}`},
		{name: "rest control byte in path", payload: fixture(t, "rest-api.json", "path", "/health\n"), status: 400, body: `{"error":"bad request"}`},
		{name: "rest invalid method", payload: fixture(t, "rest-api.json", "httpMethod", "GE T"), status: 400, body: `{"error":"bad request"}`},
		{name: "http api bad % escape", payload: fixture(t, "http-api.json", "rawPath", "/health%"), status: 400, body: `{"error":"bad request"}`, single: true},
		{name: "http api control byte in query", payload: fixture(t, "http-api.json", "rawQueryString", "a=\x01"), status: 400, body: `{"error":"bad request"}`},
		{name: "http api bad base64 body", payload: fixture(t, "http-api.json", "isBase64Encoded", true, "body", "%%%"), status: 400, body: `{"error":"bad request"}`, single: true},
		{name: "function url invalid method", payload: fixture(t, "function-url.json", "requestContext.http.method", "G(E)T"), status: 400, body: `{"error":"bad request"}`},
		{name: "alb bad base64 body", payload: fixture(t, "alb.json", "isBase64Encoded", true, "body", "@@"), status: 400, body: `{"error":"bad request"}`, single: true, statusTxt: "400 Bad Request"},
		{name: "alb multi-value bad % escape", payload: fixture(t, "alb-multivalue.json", "path", "/%zz"), status: 400, body: `{"error":"bad request"}`, multi: true, statusTxt: "400 Bad Request"},
		{name: "rest bad % escape in a fragment", payload: fixture(t, "rest-api.json", "path", "/health#%zz"), status: 400, body: `{"error":"bad request"}`},
		{name: "rest exotic but valid method", payload: fixture(t, "rest-api.json", "httpMethod", "PROPFIND"), status: 405, body: `{"error":"method not allowed"}`},

		// The host only names the request URL: one that is no valid
		// authority gets a placeholder, and the answer is the same.
		{name: "rest hostile domain name", payload: fixture(t, "rest-api.json", "requestContext.domainName", "evil.example/x?"), status: 200, body: seedBody},
		{name: "rest lone bracket in domain name", payload: fixture(t, "rest-api.json", "requestContext.domainName", "["), status: 200, body: seedBody},
		{name: "rest unclosed IPv6 host", payload: fixture(t, "rest-api.json", "requestContext.domainName", "[::1"), status: 200, body: seedBody},
		{name: "rest two colons without brackets", payload: fixture(t, "rest-api.json", "requestContext.domainName", "a:1:2"), status: 200, body: seedBody},
		{name: "rest userinfo in domain name", payload: fixture(t, "rest-api.json", "requestContext.domainName", "u@evil.example"), status: 200, body: seedBody},
		{name: "rest IPv6 host with port", payload: fixture(t, "rest-api.json", "requestContext.domainName", "[::1]:3000"), status: 200, body: seedBody},
		{name: "rest host with port", payload: fixture(t, "rest-api.json", "requestContext.domainName", "localhost:3000"), status: 200, body: seedBody},
		{name: "function url AWS sample host <url-id>", payload: fixture(t, "function-url.json", "requestContext.domainName", "<url-id>.lambda-url.us-west-2.on.aws"), status: 200, body: seedBody},
		{name: "http api host with space", payload: fixture(t, "http-api.json", "requestContext.domainName", "a b"), status: 200, body: seedBody},
		{name: "alb hostile host header", payload: fixture(t, "alb.json", "headers.host", "a b"), status: 200, body: seedBody, single: true},
		{name: "alb bracket in host header", payload: fixture(t, "alb.json", "headers.host", "]["), status: 200, body: seedBody},
		{name: "alb multi-value hostile host", payload: fixture(t, "alb-multivalue.json", "multiValueHeaders.host", []any{"a b/x?"}), status: 200, body: seedBody, multi: true},

		// A stray % in the query: net/url keeps the query raw, and so do we.
		{name: "http api stray % in rawQueryString", payload: fixture(t, "http-api.json", "rawQueryString", "load=100%"), status: 200, body: seedBody},
		{name: "function url bad escape in query", payload: fixture(t, "function-url.json", "rawQueryString", "a=%zz&b=%"), status: 200, body: seedBody},
		{name: "rest % in a query value", payload: fixture(t, "rest-api.json", "multiValueQueryStringParameters", map[string]any{"load": []any{"100%"}}), status: 200, body: seedBody},
		{name: "alb % in a query value", payload: fixture(t, "alb.json", "queryStringParameters", map[string]any{"load": "100%"}), status: 200, body: seedBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, h, tc.payload)
			if r.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", r.StatusCode, tc.status)
			}
			if r.Body != tc.body {
				t.Errorf("body = %q, want %q", r.Body, tc.body)
			}
			if r.IsBase64Encoded {
				t.Error("isBase64Encoded = true for a JSON answer")
			}
			if got := r.header("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			if got := r.header("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := r.header("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if tc.multi && (len(r.MultiValueHeaders) == 0 || len(r.Headers) != 0) {
				t.Errorf("want multiValueHeaders only; headers=%v multiValueHeaders=%v", r.Headers, r.MultiValueHeaders)
			}
			if tc.single && (len(r.Headers) == 0 || len(r.MultiValueHeaders) != 0) {
				t.Errorf("want headers only; headers=%v multiValueHeaders=%v", r.Headers, r.MultiValueHeaders)
			}
			if tc.statusTxt != "" && r.StatusDescription != tc.statusTxt {
				t.Errorf("statusDescription = %q, want %q", r.StatusDescription, tc.statusTxt)
			}
			if tc.allow != "" && r.header("Allow") != tc.allow {
				t.Errorf("Allow = %q, want %q", r.header("Allow"), tc.allow)
			}
		})
	}
}

func TestBasePath(t *testing.T) {
	h := newHandler(lambdahttp.WithBasePath("api/"))
	tests := []struct {
		payload []byte
		status  int
	}{
		{fixture(t, "rest-api.json", "path", "/api/health"), 200},
		{fixture(t, "rest-api.json", "path", "/apiary/health"), 404},
		{fixture(t, "rest-api.json", "path", "/api"), 404},
		{fixture(t, "rest-api.json", "path", "/health"), 200}, // the execute-api URL keeps working
		{fixture(t, "http-api-stage.json", "rawPath", "/Prod/api/health"), 200},
		{fixture(t, "http-api.json", "rawPath", "/apiary/health"), 404},
		{fixture(t, "alb.json", "path", "/api/health"), 200},
		{fixture(t, "function-url.json", "rawPath", "/api/health"), 200},
	}
	for i, tc := range tests {
		if r := invoke(t, h, tc.payload); r.StatusCode != tc.status {
			t.Errorf("case %d: status = %d, want %d", i, r.StatusCode, tc.status)
		}
	}
}

func TestUnsupportedEvents(t *testing.T) {
	h := newHandler()
	valid := fixture(t, "rest-api.json")
	tests := []struct {
		name, payload, reason string
	}{
		{"not JSON", "hello", "invalid JSON"},
		{"truncated JSON", `{"httpMethod":"GET"`, "not a JSON object"},
		{"empty payload", "", "not a JSON object"},
		{"empty object (sam local invoke without -e)", "{}", "not an API Gateway, Function URL, ALB or VPC Lattice HTTP request"},
		{"null", "null", "top-level null"},
		{"array", "[1,2]", "top-level array"},
		{"number", "42", "top-level number"},
		{"string", `"GET /health"`, "top-level string"},
		{"S3 event", `{"Records":[{"eventSource":"aws:s3"}]}`, "not an API Gateway"},
		{"scheduled event", `{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}`, "not an API Gateway"},
		{"no requestContext", `{"httpMethod":"GET","path":"/health"}`, "no requestContext object"},
		{"requestContext of the wrong type", `{"httpMethod":"GET","path":"/health","requestContext":"x"}`, "no requestContext object"},
		{"ALB without method", `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"path":"/health"}`, "alb event without a method and path"},
		{"ALB without path", `{"requestContext":{"elb":{}},"httpMethod":"GET"}`, "alb event without a method and path"},
		{"ALB elb of the wrong type", `{"requestContext":{"elb":"x"},"httpMethod":"GET","path":"/health"}`, "alb event without"},
		{"REST method of the wrong type", `{"httpMethod":5,"path":"/health","requestContext":{}}`, "rest-api event without"},
		{"REST path of the wrong type", `{"httpMethod":"GET","path":["/health"],"requestContext":{}}`, "rest-api event without a method and path"},
		{"REST without path", `{"httpMethod":"GET","requestContext":{}}`, "rest-api event without"},
		{"v2 without method", `{"version":"2.0","rawPath":"/health","requestContext":{"http":{}}}`, "http-api event without"},
		{"v2 http of the wrong type", `{"version":"2.0","rawPath":"/health","requestContext":{"http":"GET"}}`, "http-api event without"},
		{"v2 rawPath of the wrong type", `{"version":"2.0","rawPath":1,"requestContext":{"http":{"method":"GET","path":"/health"}}}`, "http-api event without"},
		{"v2 without any path", `{"version":"2.0","requestContext":{"http":{"method":"GET"}}}`, "http-api event without"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := h.Invoke(t.Context(), []byte(tc.payload))
			if err == nil {
				t.Fatalf("no error; answered %s", out)
			}
			if _, ok := err.(*lambdahttp.UnsupportedEventError); !ok {
				t.Errorf("error is %T, want *UnsupportedEventError itself, unwrapped (Lambda reports the type name)", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "unsupported event: ") || !strings.Contains(msg, tc.reason) {
				t.Errorf("error = %q, want prefix %q and %q", msg, "unsupported event: ", tc.reason)
			}
			if out != nil {
				t.Errorf("answer %s alongside an error", out)
			}
			// The next invocation is served as usual.
			if r := invoke(t, h, valid); r.StatusCode != 200 || r.Body != seedBody {
				t.Errorf("after the bad payload: %d %q", r.StatusCode, r.Body)
			}
		})
	}
}

// The adapter's response traps, with handlers that fall into each.
func TestGuard(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		handler  http.HandlerFunc
		status   int
		body     string
		ctype    string
		noHeader string
	}{
		{name: "handler writes nothing", handler: func(http.ResponseWriter, *http.Request) {}, status: 200, body: "", ctype: ""},
		{name: "status only", handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }, status: 204, body: ""},
		{name: "JSON without Content-Type is not sniffed to text/plain", handler: func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, ` {"ok":true}`) },
			status: 200, body: ` {"ok":true}`, ctype: "application/json"},
		{name: "text without Content-Type", handler: func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") },
			status: 200, body: "hello", ctype: "text/plain; charset=utf-8"},
		{name: "brace but not JSON", handler: func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "{not json") },
			status: 200, body: "{not json", ctype: "text/plain; charset=utf-8"},
		{name: "explicit Content-Type is kept", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/health+json")
			io.WriteString(w, `{}`)
		}, status: 200, body: `{}`, ctype: "application/health+json"},
		{name: "first WriteHeader wins", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.WriteHeader(http.StatusOK)
		}, status: 418},
		{name: "1xx is not final", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, status: 202},
		{name: "HEAD drops the body a handler writes", method: "HEAD", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"big":"body"}`)
		}, status: 200, body: "", ctype: "application/json"},
		{name: "panic before writing", handler: func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") },
			status: 500, body: `{"error":"internal error"}`, ctype: "application/json"},
		{name: "panic after writing discards the partial answer", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Partial", "yes")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "half")
			panic(errors.New("boom"))
		}, status: 500, body: `{"error":"internal error"}`, ctype: "application/json", noHeader: "X-Partial"},
		{name: "invalid status code panics as in net/http", handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(42) },
			status: 500, body: `{"error":"internal error"}`, ctype: "application/json"},
		{name: "ErrAbortHandler", handler: func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) },
			status: 500, body: `{"error":"internal error"}`, ctype: "application/json"},
	}
	for _, front := range []string{"rest-api.json", "http-api.json", "alb.json", "lattice-v2.json", "lattice-v1.json"} {
		for _, tc := range tests {
			t.Run(front+"/"+tc.name, func(t *testing.T) {
				var logs bytes.Buffer
				h := lambdahttp.New(tc.handler, lambdahttp.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
				method := tc.method
				if method == "" {
					method = "GET"
				}
				field := "httpMethod"
				switch front {
				case "http-api.json":
					field = "requestContext.http.method"
				case "lattice-v2.json", "lattice-v1.json":
					field = "method"
				}
				r := invoke(t, h, fixture(t, front, field, method))
				if r.StatusCode != tc.status {
					t.Errorf("status = %d, want %d", r.StatusCode, tc.status)
				}
				if r.Body != tc.body {
					t.Errorf("body = %q, want %q", r.Body, tc.body)
				}
				if got := r.header("Content-Type"); got != tc.ctype {
					t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
				}
				if tc.noHeader != "" && r.header(tc.noHeader) != "" {
					t.Errorf("header %s from before the panic leaked into the answer", tc.noHeader)
				}
				if tc.status == 500 && tc.name != "ErrAbortHandler" {
					if !strings.Contains(logs.String(), `"msg":"handler panic"`) || !strings.Contains(logs.String(), "goroutine") {
						t.Errorf("panic not logged with a stack:\n%s", logs.String())
					}
					if strings.Contains(r.Body, "boom") || strings.Contains(r.Body, "secret") {
						t.Errorf("panic value leaked into the answer: %q", r.Body)
					}
				}
			})
		}
	}
}

func TestRequestLog(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler(lambdahttp.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{AwsRequestID: "req-123"})
	if _, err := h.Invoke(ctx, fixture(t, "http-api-stage.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(t.Context(), []byte("{}")); err == nil {
		t.Fatal("no error for {}")
	}
	lines := bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("want one line per invocation, got %d:\n%s", len(lines), logs.String())
	}
	var req map[string]any
	if err := json.Unmarshal(lines[0], &req); err != nil {
		t.Fatalf("log is not JSON: %v", err)
	}
	// Lambda's request id is the log handler's to add (aws-lambda-go's
	// lambdacontext handler does); the line carries API Gateway's, which
	// its access log has too.
	want := map[string]any{"level": "INFO", "msg": "request", "api_request_id": "LV7fzho-PHcEJPw=", "source": "http-api",
		"method": "GET", "path": "/Prod/health", "status": float64(200)}
	for k, v := range want {
		if req[k] != v {
			t.Errorf("%s = %v, want %v", k, req[k], v)
		}
	}
	if d, ok := req["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %v", req["duration_ms"])
	}
	var rej map[string]any
	if err := json.Unmarshal(lines[1], &rej); err != nil {
		t.Fatal(err)
	}
	if rej["level"] != "WARN" || rej["msg"] != "rejected event" || !strings.Contains(fmt.Sprint(rej["error"]), "unsupported event") {
		t.Errorf("rejected event line = %v", rej)
	}
}

func TestLongPathIsTruncatedInTheLog(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler(lambdahttp.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	if r := invoke(t, h, fixture(t, "rest-api.json", "path", "/"+strings.Repeat("a", 8192))); r.StatusCode != 404 {
		t.Errorf("status = %d, want 404", r.StatusCode)
	}
	if logs.Len() > 1024 {
		t.Errorf("an 8 KB path made a %d-byte log line", logs.Len())
	}

	// Cut on a character boundary: "é" is two bytes, and 1 + 2k never
	// lands on byte 256.
	logs.Reset()
	invoke(t, h, fixture(t, "rest-api.json", "path", "/"+strings.Repeat("é", 300)))
	if strings.Contains(logs.String(), `\ufffd`) || !strings.Contains(logs.String(), "é…") {
		t.Errorf("path truncated inside a character: %s", logs.String())
	}
}

// The handler sees the Lambda context (request id, deadline) on r.Context().
func TestContextReachesHandler(t *testing.T) {
	var gotID string
	var gotDeadline bool
	h := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc, ok := lambdacontext.FromContext(r.Context()); ok {
			gotID = lc.AwsRequestID
		}
		_, gotDeadline = r.Context().Deadline()
	}))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "abc"})
	for _, f := range []string{"rest-api.json", "http-api.json", "function-url.json", "alb.json", "lattice-v2.json", "lattice-v1.json"} {
		gotID, gotDeadline = "", false
		if _, err := h.Invoke(ctx, fixture(t, f)); err != nil {
			t.Fatal(err)
		}
		if gotID != "abc" || !gotDeadline {
			t.Errorf("%s: request id %q, deadline %v", f, gotID, gotDeadline)
		}
	}
}

// With AWS_LAMBDA_MAX_CONCURRENCY > 1 the runtime calls Invoke from several
// goroutines at once; run under -race.
func TestConcurrentInvocations(t *testing.T) {
	var logs syncbuf.Buffer
	h := newHandler(lambdahttp.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	payloads := [][]byte{
		fixture(t, "rest-api.json"), fixture(t, "http-api.json"), fixture(t, "http-api-stage.json"),
		fixture(t, "function-url.json"), fixture(t, "alb.json"), fixture(t, "alb-multivalue.json"),
		fixture(t, "lattice-v2.json"), fixture(t, "lattice-v1.json"),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 48 {
		wg.Go(func() {
			p := payloads[i%len(payloads)]
			if i%9 == 8 {
				p = []byte("garbage")
			}
			out, err := h.Invoke(t.Context(), p)
			if i%9 == 8 {
				if err == nil {
					errs <- fmt.Errorf("garbage answered %s", out)
				}
				return
			}
			var r response
			if err != nil || json.Unmarshal(out, &r) != nil || r.StatusCode != 200 || r.Body != seedBody {
				errs <- fmt.Errorf("invocation %d: %v %s", i, err, out)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
