package localapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

// answers are what the test function returns on /answer/{kind}.
var answers = map[string]string{
	"extra-key":      `{"statusCode":200,"body":"x","extra":1}`,
	"body-object":    `{"statusCode":200,"body":{"a":1}}`,
	"body-number":    `{"statusCode":200,"body":5}`,
	"status-text":    `{"statusCode":"abc"}`,
	"status-999":     `{"statusCode":999}`,
	"status-string":  `{"statusCode":"201","body":"created"}`,
	"no-status":      `{"body":"ok"}`,
	"empty":          `{"statusCode":200}`,
	"headers-list":   `{"statusCode":200,"headers":["a"]}`,
	"header-newline": `{"statusCode":200,"headers":{"A":"x\r\nB: y"}}`,
	"not-json":       `not json`,
	"array":          `[1]`,
	"b64-flag-text":  `{"statusCode":200,"isBase64Encoded":"yes"}`,
	"b64-flag-true":  `{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}`,
	"cookies":        `{"statusCode":200,"cookies":["a=b"],"body":"ok"}`,
	"merge": `{"statusCode":200,"headers":{"X-A":"1","X-B":"2","Content-Type":"text/plain"},` +
		`"multiValueHeaders":{"X-A":["1","3"],"X-C":["c1","c2"]},"body":"merged"}`,
	"image": `{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"aGk=","isBase64Encoded":true}`,
}

// testFunction answers by the event's resource: /echo... and /files...
// echo the event as the body, /slow outlasts the timeout, /error fails,
// /panic panics, /answer/{kind} returns answers[kind].
type testFunction struct {
	calls atomic.Int64
}

func (f *testFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.calls.Add(1)
	var ev struct {
		Resource       string            `json:"resource"`
		PathParameters map[string]string `json:"pathParameters"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	switch ev.Resource {
	case "/slow":
		<-ctx.Done()
		return []byte(`{"statusCode":200,"body":"too late"}`), nil
	case "/error":
		return nil, errors.New("boom")
	case "/panic":
		panic("boom")
	case "/answer/{kind}":
		return []byte(answers[ev.PathParameters["kind"]]), nil
	}
	lc, _ := lambdacontext.FromContext(ctx)
	_, hasDeadline := ctx.Deadline()
	return json.Marshal(map[string]any{
		"statusCode": 200,
		"headers":    map[string]string{"X-Request-Id": lc.AwsRequestID, "X-Deadline": map[bool]string{true: "yes", false: "no"}[hasDeadline]},
		"body":       string(payload),
	})
}

type local struct {
	base   string
	port   string
	stdout *syncbuf.Buffer
	stop   func() error
}

// startRun runs Run on 127.0.0.1:0 until the test ends.
func startRun(t *testing.T, opts localapi.Options, newFn localapi.NewFunc) *local {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout syncbuf.Buffer
	opts.Addr, opts.Stdout = "127.0.0.1:0", &stdout
	addrc := make(chan net.Addr, 1)
	opts.Ready = func(a net.Addr) { addrc <- a }
	errc := make(chan error, 1)
	go func() { errc <- localapi.Run(ctx, opts, newFn) }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-errc:
		cancel()
		t.Fatalf("Run: %v", err)
	}
	stopped := false
	var runErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			runErr = <-errc
		}
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run = %v after cancel, want nil", err)
		}
	})
	_, port, _ := net.SplitHostPort(addr.String())
	return &local{base: "http://" + addr.String(), port: port, stdout: &stdout, stop: stop}
}

func fixed(h lambda.Handler) localapi.NewFunc {
	return func(func(string) string) (lambda.Handler, error) { return h, nil }
}

func do(t *testing.T, method, url string, header map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

const (
	missingToken = `{"message":"Missing Authentication Token"}`
	internal     = `{"message":"Internal server error"}`
)

// TestRequests is the request table of docs/local.md: each request, the
// answer API Gateway and SAM CLI give it, and what the function's event
// holds.
func TestRequests(t *testing.T) {
	fn := &testFunction{}
	l := startRun(t, localapi.Options{Template: "testdata/api.yaml", Function: "Fn"}, fixed(fn))

	type event = map[string]any
	tests := []struct {
		name       string
		method     string
		target     string
		header     map[string]string
		body       []byte
		status     int
		wantBody   string // exact, unless the answer is an echoed event
		wantHeader map[string][]string
		invoked    bool
		event      func(t *testing.T, ev event)
	}{
		{name: "unrouted path", method: "GET", target: "/nope", status: 403, wantBody: missingToken,
			wantHeader: map[string][]string{"Content-Type": {"application/json"}}},
		{name: "unrouted method on a routed path", method: "POST", target: "/echo", status: 403, wantBody: missingToken},
		{name: "HEAD is not implied by GET", method: "HEAD", target: "/echo", status: 403},
		{name: "root not routed", method: "GET", target: "/", status: 403, wantBody: missingToken},
		{name: "too many segments", method: "GET", target: "/echo/1/2", status: 403, wantBody: missingToken},
		{name: "empty greedy parameter", method: "GET", target: "/files/", status: 403, wantBody: missingToken},
		{name: "body over Lambda's 6 MB", method: "POST", target: "/echo/1", body: make([]byte, localapi.MaxBodyBytes+1),
			status: 413, wantBody: `{"message":"Request Too Long"}`},
		{name: "X-Amz-Tenant-Id: SAM CLI's 400 (no function has tenant isolation)", method: "GET", target: "/echo",
			header: map[string]string{"X-Amz-Tenant-Id": "t1"}, status: 400, wantBody: `{"message":"Bad Request"}`},
		// docs/local.md: SAM CLI (Werkzeug) merges the slashes and serves these, or 308s.
		{name: "doubled leading slash not routed", method: "GET", target: "//echo", status: 403, wantBody: missingToken},
		{name: "encoded slash not routed", method: "GET", target: "/%2Fecho", status: 403, wantBody: missingToken},
		{name: "doubled trailing slash not routed", method: "GET", target: "/echo//", status: 403, wantBody: missingToken},
		{name: "non-UTF-8 text body: SAM CLI's 502", method: "POST", target: "/echo/1", header: map[string]string{"Content-Type": "text/plain"},
			body: []byte{0xff, 0xfe}, status: 502, wantBody: internal},

		{name: "GET: the event as SAM CLI builds it", method: "GET", target: "/echo", status: 200, invoked: true,
			wantHeader: map[string][]string{"Content-Type": {"application/json"}},
			event: func(t *testing.T, ev event) {
				want(t, ev, "body", nil)
				want(t, ev, "isBase64Encoded", false)
				want(t, ev, "httpMethod", "GET")
				want(t, ev, "path", "/echo")
				want(t, ev, "resource", "/echo")
				want(t, ev, "pathParameters", nil)
				want(t, ev, "queryStringParameters", nil)
				want(t, ev, "multiValueQueryStringParameters", nil)
				want(t, ev, "stageVariables", map[string]any{"Color": "blue"})
				want(t, ev, "requestContext.stage", "Stage1")
				want(t, ev, "requestContext.resourcePath", "/echo")
				want(t, ev, "requestContext.path", "/echo")
				want(t, ev, "requestContext.accountId", "123456789012")
				want(t, ev, "requestContext.apiId", "1234567890")
				want(t, ev, "requestContext.resourceId", "123456")
				want(t, ev, "requestContext.httpMethod", "GET")
				want(t, ev, "requestContext.protocol", "HTTP/1.1")
				want(t, ev, "requestContext.extendedRequestId", nil)
				want(t, ev, "requestContext.identity.sourceIp", "127.0.0.1")
				want(t, ev, "requestContext.identity.userAgent", "Custom User Agent String")
				want(t, ev, "requestContext.identity.user", nil)
				want(t, ev, "headers.X-Forwarded-Proto", "http")
				want(t, ev, "headers.X-Forwarded-Port", l.port)
				want(t, ev, "multiValueHeaders.X-Forwarded-Port", []any{l.port})
				want(t, ev, "headers.Host", strings.TrimPrefix(l.base, "http://"))
			}},
		{name: "query: repeated, blank, malformed % and ; passed on", method: "GET", target: "/echo?a=1&a=2&b&c=%zz&d=x;y&e=%41+b&&f=%ff",
			status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "queryStringParameters", map[string]any{"a": "2", "b": "", "c": "%zz", "d": "x;y", "e": "A b", "f": "%ff"})
				want(t, ev, "multiValueQueryStringParameters", map[string]any{
					"a": []any{"1", "2"}, "b": []any{""}, "c": []any{"%zz"}, "d": []any{"x;y"}, "e": []any{"A b"}, "f": []any{"%ff"}})
			}},
		{name: "request header in both maps", method: "GET", target: "/echo",
			header: map[string]string{"X-Multi": "one"}, status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "headers.X-Multi", "one")
				want(t, ev, "multiValueHeaders.X-Multi", []any{"one"})
			}},
		{name: "header with an underscore kept (SAM CLI drops it)", method: "GET", target: "/echo",
			header: map[string]string{"X_Under": "u"}, status: 200, invoked: true,
			event: func(t *testing.T, ev event) { want(t, ev, "headers.X_under", "u") }},
		{name: "trailing slash routed, path kept", method: "GET", target: "/echo/", status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "resource", "/echo")
				want(t, ev, "path", "/echo/")
			}},
		{name: "ANY route, path parameter, text body", method: "POST", target: "/echo/42", body: []byte(`{"a":1}`),
			header: map[string]string{"Content-Type": "application/json"}, status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "resource", "/echo/{id}")
				want(t, ev, "requestContext.resourcePath", "/echo/{id}")
				want(t, ev, "path", "/echo/42")
				want(t, ev, "pathParameters", map[string]any{"id": "42"})
				want(t, ev, "body", `{"a":1}`)
				want(t, ev, "isBase64Encoded", false)
			}},
		{name: "AWS_IAM route answers without a signature, as in SAM CLI", method: "GET", target: "/private/7", status: 200, invoked: true,
			event: func(t *testing.T, ev event) { want(t, ev, "resource", "/private/{id}") }},
		{name: "literal segment beats a parameter", method: "POST", target: "/echo/fixed", status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "resource", "/echo/fixed")
				want(t, ev, "pathParameters", nil)
			}},
		{name: "method not on the literal route falls back to the parameter", method: "GET", target: "/echo/fixed", status: 200, invoked: true,
			event: func(t *testing.T, ev event) { want(t, ev, "pathParameters", map[string]any{"id": "fixed"}) }},
		{name: "greedy path parameter", method: "GET", target: "/files/a/b%20c/d.txt", status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "resource", "/files/{path+}")
				want(t, ev, "pathParameters", map[string]any{"path": "a/b c/d.txt"})
			}},
		{name: "binary media type body base64-encoded", method: "PUT", target: "/echo/1", header: map[string]string{"Content-Type": "image/png"},
			body: []byte{0x89, 'P', 'N', 'G', 0xff}, status: 200, invoked: true,
			event: func(t *testing.T, ev event) {
				want(t, ev, "isBase64Encoded", true)
				want(t, ev, "body", base64.StdEncoding.EncodeToString([]byte{0x89, 'P', 'N', 'G', 0xff}))
			}},
		{name: "HEAD: headers, Content-Length of the answer, no body", method: "HEAD", target: "/answer/no-status", status: 200, invoked: true,
			wantBody: "", wantHeader: map[string][]string{"Content-Length": {"2"}}},
		{name: "HEAD of an empty answer: Content-Length 0", method: "HEAD", target: "/answer/empty", status: 200, invoked: true,
			wantBody: "", wantHeader: map[string][]string{"Content-Length": {"0"}}},

		{name: "function timeout: 502", method: "GET", target: "/slow", status: 502, wantBody: internal, invoked: true},
		{name: "function error: 502 (SAM CLI: 500)", method: "GET", target: "/error", status: 502, wantBody: internal, invoked: true},
		{name: "function panic: 502", method: "GET", target: "/panic", status: 502, wantBody: internal, invoked: true},
		{name: "response key outside the proxy format", method: "GET", target: "/answer/extra-key", status: 502, wantBody: internal, invoked: true},
		{name: "body an object", method: "GET", target: "/answer/body-object", status: 502, wantBody: internal, invoked: true},
		{name: "body a number", method: "GET", target: "/answer/body-number", status: 502, wantBody: internal, invoked: true},
		{name: "statusCode not a number", method: "GET", target: "/answer/status-text", status: 502, wantBody: internal, invoked: true},
		{name: "statusCode not an HTTP status", method: "GET", target: "/answer/status-999", status: 502, wantBody: internal, invoked: true},
		{name: "headers a list", method: "GET", target: "/answer/headers-list", status: 502, wantBody: internal, invoked: true},
		{name: "header value with CRLF", method: "GET", target: "/answer/header-newline", status: 502, wantBody: internal, invoked: true},
		{name: "answer not JSON", method: "GET", target: "/answer/not-json", status: 502, wantBody: internal, invoked: true},
		{name: "answer not an object", method: "GET", target: "/answer/array", status: 502, wantBody: internal, invoked: true},
		{name: "isBase64Encoded not a boolean", method: "GET", target: "/answer/b64-flag-text", status: 502, wantBody: internal, invoked: true},
		{name: "statusCode as a numeric string (SAM CLI takes it)", method: "GET", target: "/answer/status-string", status: 502, wantBody: internal, invoked: true},
		{name: "no statusCode: 200, Content-Type defaults to JSON", method: "GET", target: "/answer/no-status", status: 200, wantBody: "ok", invoked: true,
			wantHeader: map[string][]string{"Content-Type": {"application/json"}}},
		{name: "cookies key (SAM CLI ignores it)", method: "GET", target: "/answer/cookies", status: 502, wantBody: internal, invoked: true},
		{name: "headers merged into multiValueHeaders", method: "GET", target: "/answer/merge", status: 200, wantBody: "merged", invoked: true,
			wantHeader: map[string][]string{"X-A": {"1", "3"}, "X-B": {"2"}, "X-C": {"c1", "c2"}, "Content-Type": {"text/plain"}}},
		{name: "base64 body of a binary type decoded when Accept matches", method: "GET", target: "/answer/image",
			header: map[string]string{"Accept": "image/png"}, status: 200, wantBody: "hi", invoked: true},
		{name: "base64 body left encoded without a matching Accept", method: "GET", target: "/answer/image", status: 200, wantBody: "aGk=", invoked: true},
		{name: "base64 body of a type that is not binary left encoded", method: "GET", target: "/answer/b64-flag-true",
			header: map[string]string{"Accept": "*/*"}, status: 200, wantBody: "aGk=", invoked: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fn.calls.Load()
			resp, body := do(t, tc.method, l.base+tc.target, tc.header, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (body %.200q)", resp.StatusCode, tc.status, body)
			}
			if invoked := fn.calls.Load() > before; invoked != tc.invoked {
				t.Errorf("function invoked: %v, want %v", invoked, tc.invoked)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Values(k); !reflect.DeepEqual(got, v) {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if own := resp.StatusCode == 403 || resp.StatusCode == 413 || resp.StatusCode == 502; own {
				// Local mode's own answers carry the security headers too.
				for k, v := range secheaders.Header() {
					if got := resp.Header.Values(k); !reflect.DeepEqual(got, v) {
						t.Errorf("local mode's %d: %s = %q, want %q", resp.StatusCode, k, got, v)
					}
				}
			}
			if tc.event == nil {
				if string(body) != tc.wantBody {
					t.Errorf("body %q, want %q", body, tc.wantBody)
				}
				return
			}
			var ev map[string]any
			if err := json.Unmarshal(body, &ev); err != nil {
				t.Fatalf("not an echoed event: %v: %.300q", err, body)
			}
			tc.event(t, ev)
			id := get(ev, "requestContext.requestId")
			if id == "" || id != resp.Header.Get("X-Request-Id") || resp.Header.Get("X-Deadline") != "yes" {
				t.Errorf("Lambda context: request id %q (event %q), deadline %q", resp.Header.Get("X-Request-Id"), id, resp.Header.Get("X-Deadline"))
			}
		})
	}
	// Nothing above broke the server: the next request is answered.
	if resp, _ := do(t, "GET", l.base+"/answer/no-status", nil, nil); resp.StatusCode != 200 {
		t.Errorf("after the table: %d", resp.StatusCode)
	}
}

// get follows a dotted path through the event.
func get(ev map[string]any, path string) any {
	var v any = ev
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func want(t *testing.T, ev map[string]any, path string, w any) {
	t.Helper()
	if got := get(ev, path); !reflect.DeepEqual(got, w) {
		t.Errorf("%s = %#v, want %#v", path, got, w)
	}
}

func TestRunPrintsMountedRoutes(t *testing.T) {
	l := startRun(t, localapi.Options{Template: "testdata/api.yaml", Function: "Fn"}, fixed(&testFunction{}))
	host := strings.TrimPrefix(l.base, "http://")
	wantLines := []string{
		"Mounting Fn at http://" + host + "/answer/{kind} [DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT]",
		"Mounting Fn at http://" + host + "/echo [GET]",
		"Mounting Fn at http://" + host + "/echo/fixed [POST]",
		"Mounting Fn at http://" + host + "/echo/{id} [DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT]",
		"Mounting Fn at http://" + host + "/error [GET]",
		"Mounting Fn at http://" + host + "/files/{path+} [GET]",
		"Mounting Fn at http://" + host + "/panic [GET]",
		"Mounting Fn at http://" + host + "/private/{id} [GET]",
		"  /private/{id}: AWS_IAM authorization is not checked locally (SAM CLI does not check it either)",
		"Mounting Fn at http://" + host + "/slow [GET]",
	}
	if got := strings.Split(strings.TrimSpace(l.stdout.String()), "\n"); !reflect.DeepEqual(got, wantLines) {
		t.Errorf("printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
}

// The environment NewFunc gets: template variables with parameters
// resolved, then the shell, the env-vars file and parameter overrides.
func TestRunEnvironment(t *testing.T) {
	tests := []struct {
		name string
		opts localapi.Options
		want map[string]string
	}{
		{"template", localapi.Options{}, map[string]string{"GREETING": "hello, us-east-1", "FROM_FILE": "template", "UNDECLARED": ""}},
		// As in SAM CLI, a key with "::" is no override (sam local takes the region from --region).
		{"overrides and env-vars file", localapi.Options{ParameterOverrides: "Greeting=hi AWS::Region=eu-west-1", EnvVarsFile: "testdata/env.json"},
			map[string]string{"GREETING": "hi, us-east-1", "FROM_FILE": "file-function", "UNDECLARED": ""}},
		{"shell", localapi.Options{LookupEnv: func(k string) (string, bool) { return "shell-" + k, k != "HOME" }},
			map[string]string{"GREETING": "shell-GREETING", "FROM_FILE": "shell-FROM_FILE", "HOME": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			newFn := func(getenv func(string) string) (lambda.Handler, error) {
				for k := range tc.want {
					got[k] = getenv(k)
				}
				return &testFunction{}, nil
			}
			tc.opts.Template, tc.opts.Function = "testdata/api.yaml", "Fn"
			l := startRun(t, tc.opts, newFn)
			if err := l.stop(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("getenv gave %q, want %q", got, tc.want)
			}
		})
	}
}

// A bad template, function, override, env-vars file or constructor is an
// error before anything listens.
func TestRunErrorsBeforeListening(t *testing.T) {
	failing := func(func(string) string) (lambda.Handler, error) { return nil, errors.New("bad config: HEALTH_CHECKS") }
	tests := []struct {
		name  string
		opts  localapi.Options
		newFn localapi.NewFunc
		want  string
	}{
		{"no template", localapi.Options{Template: "testdata/none.yaml"}, fixed(&testFunction{}), "none.yaml"},
		{"unknown function", localapi.Options{Template: "testdata/api.yaml", Function: "Nope"}, fixed(&testFunction{}), `"Nope"`},
		{"bad overrides", localapi.Options{Template: "testdata/api.yaml", ParameterOverrides: "nonsense"}, fixed(&testFunction{}), "Key=Value"},
		{"missing env-vars file", localapi.Options{Template: "testdata/api.yaml", EnvVarsFile: "testdata/none.json"}, fixed(&testFunction{}), "none.json"},
		{"bad env-vars file", localapi.Options{Template: "testdata/api.yaml", EnvVarsFile: "testdata/api.yaml"}, fixed(&testFunction{}), "env vars"},
		{"constructor fails", localapi.Options{Template: "testdata/api.yaml"}, failing, "HEALTH_CHECKS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Addr = "127.0.0.1:0"
			tc.opts.Ready = func(net.Addr) { t.Error("listening despite the error") }
			err := localapi.Run(t.Context(), tc.opts, tc.newFn)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run = %v, want an error mentioning %s", err, tc.want)
			}
		})
	}
}

// blockingFunction answers once release is closed.
type blockingFunction struct {
	started chan struct{}
	release chan struct{}
}

func (f *blockingFunction) Invoke(ctx context.Context, _ []byte) ([]byte, error) {
	close(f.started)
	<-f.release
	return []byte(`{"statusCode":200,"body":"done"}`), nil
}

// Cancelling the context (SIGINT/SIGTERM) lets a request already in flight
// finish before Run returns.
func TestRunDrainsInFlightRequests(t *testing.T) {
	fn := &blockingFunction{started: make(chan struct{}), release: make(chan struct{})}
	l := startRun(t, localapi.Options{Template: "testdata/api.yaml", Function: "Fn"}, fixed(fn))
	type result struct {
		body string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Get(l.base + "/echo")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{string(b), err}
	}()
	<-fn.started
	stopped := make(chan error, 1)
	go func() { stopped <- l.stop() }()
	close(fn.release)
	if r := <-resc; r.err != nil || r.body != "done" {
		t.Errorf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Run = %v, want nil after a clean shutdown", err)
	}
}

func TestEventFromRequestHeaders(t *testing.T) {
	r, err := http.NewRequest("GET", "http://localhost:3000/health", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.Header.Set("X-Forwarded-Proto", "https") // API Gateway sets its own
	r.Host = "localhost:3000"
	ev, err := localapi.EventFromRequest(r, nil, "id", localapi.Target{Resource: "/health", Stage: "Prod", Port: "3000"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.MultiValueHeaders["X-Multi"]; !reflect.DeepEqual(got, []string{"one", "two"}) || ev.Headers["X-Multi"] != "two" {
		t.Errorf("X-Multi: multi %q single %q; want both values and the last", got, ev.Headers["X-Multi"])
	}
	if ev.Headers["Host"] != "localhost:3000" || ev.Headers["X-Forwarded-Proto"] != "http" || ev.Headers["X-Forwarded-Port"] != "3000" {
		t.Errorf("headers %q", ev.Headers)
	}
	if ev.Body != nil || ev.IsBase64Encoded {
		t.Errorf("empty body: %v %v, want null and false", ev.Body, ev.IsBase64Encoded)
	}
}

func TestRunLogsEachRequest(t *testing.T) {
	var logs syncbuf.Buffer
	l := startRun(t, localapi.Options{Template: "testdata/api.yaml", Function: "Fn", Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, fixed(&testFunction{}))
	do(t, "GET", l.base+"/nope", nil, nil)
	do(t, "GET", l.base+"/answer/no-status", nil, nil)
	if err := l.stop(); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		if m["msg"] == "local api" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 || lines[0]["status"] != 403.0 || lines[0]["path"] != "/nope" || lines[0]["request_id"] != nil ||
		lines[1]["status"] != 200.0 || lines[1]["request_id"] == nil {
		t.Errorf("request lines: %v", lines)
	}
}

// A chunked request's Transfer-Encoding stays in the event, as in SAM CLI's
// (net/http takes it out of the header map).
func TestTransferEncodingInEvent(t *testing.T) {
	l := startRun(t, localapi.Options{Template: "testdata/api.yaml", Function: "Fn"}, fixed(&testFunction{}))
	req, err := http.NewRequest("POST", l.base+"/echo/1", io.MultiReader(strings.NewReader(`{"a":`), strings.NewReader(`1}`)))
	if err != nil {
		t.Fatal(err)
	}
	req.TransferEncoding = []string{"chunked"}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ev map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil {
		t.Fatal(err)
	}
	want(t, ev, "headers.Transfer-Encoding", "chunked")
	want(t, ev, "multiValueHeaders.Transfer-Encoding", []any{"chunked"})
	want(t, ev, "body", `{"a":1}`)
}

// Environ gives any function of the template its environment, so `make
// invoke-rie` can run one no Api event invokes; Run has nothing to mount
// for it.
func TestEnviron(t *testing.T) {
	opts := localapi.Options{Template: "testdata/worker.yaml", Function: "Worker"}
	env, err := localapi.Environ(opts)
	if err != nil {
		t.Fatal(err)
	}
	if env["WORKER_QUEUE"] != "jobs" || env["AWS_LAMBDA_FUNCTION_TIMEOUT"] != "7" || env["AWS_LAMBDA_FUNCTION_NAME"] != "Worker" {
		t.Errorf("Environ(Worker) = %v", env)
	}
	if _, err := localapi.Environ(localapi.Options{Template: "testdata/worker.yaml"}); err == nil {
		t.Error("Environ without a function: no error")
	}
	opts.Addr, opts.Ready = "127.0.0.1:0", func(net.Addr) { t.Error("listening with nothing to mount") }
	if err := localapi.Run(t.Context(), opts, fixed(&testFunction{})); err == nil || !strings.Contains(err.Error(), "no Api events") {
		t.Errorf("Run(Worker) = %v, want nothing to mount", err)
	}
}
