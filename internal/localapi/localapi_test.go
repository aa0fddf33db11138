package localapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

func TestEventFromRequest(t *testing.T) {
	req := httptest.NewRequest("POST", "http://localhost:3000/health?a=1&a=2&b=x", strings.NewReader(""))
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	req.Header.Set("User-Agent", "curl/8")
	req.RemoteAddr = "127.0.0.1:54321"

	ev := localapi.EventFromRequest(req, []byte(`{"a":1}`), "id-1")

	if ev.HTTPMethod != "POST" || ev.Path != "/health" || ev.Body != `{"a":1}` || ev.IsBase64Encoded {
		t.Errorf("request line/body wrong: %+v", ev)
	}
	if got := ev.MultiValueHeaders["X-Multi"]; len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Errorf("multiValueHeaders[X-Multi] = %v", got)
	}
	if ev.Headers["X-Multi"] != "two" {
		t.Errorf("headers keep the last value as API Gateway does; got %q", ev.Headers["X-Multi"])
	}
	if ev.Headers["Host"] != "localhost:3000" {
		t.Errorf("Host = %q", ev.Headers["Host"])
	}
	if got := ev.MultiValueQueryStringParameters["a"]; len(got) != 2 || ev.QueryStringParameters["a"] != "2" || ev.QueryStringParameters["b"] != "x" {
		t.Errorf("query = %v / %v", ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	}
	rc := ev.RequestContext
	if rc.RequestID != "id-1" || rc.Stage != localapi.Stage || rc.Identity.SourceIP != "127.0.0.1" || rc.Identity.UserAgent != "curl/8" || rc.DomainName != "localhost:3000" {
		t.Errorf("requestContext = %+v", rc)
	}

	bin := localapi.EventFromRequest(req, []byte{0xff, 0xfe, 0x00}, "id-2")
	if !bin.IsBase64Encoded || bin.Body != "//4A" {
		t.Errorf("binary body: base64=%v body=%q", bin.IsBase64Encoded, bin.Body)
	}
}

// fakeFunction records the event it got and answers with out/err.
type fakeFunction struct {
	got   events.APIGatewayProxyRequest
	ctx   context.Context
	out   []byte
	err   error
	block bool
}

func (f *fakeFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.ctx = ctx
	if err := json.Unmarshal(payload, &f.got); err != nil {
		return nil, err
	}
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return f.out, f.err
}

func proxyResponse(t *testing.T, r events.APIGatewayProxyResponse) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name       string
		fn         *fakeFunction
		body       io.Reader
		wantStatus int
		wantBody   string
		wantHeader map[string][]string
	}{
		{
			name: "proxy response written back, both header maps",
			fn: &fakeFunction{out: proxyResponse(t, events.APIGatewayProxyResponse{
				StatusCode:        201,
				Headers:           map[string]string{"X-Single": "s", "X-Both": "from-headers"},
				MultiValueHeaders: map[string][]string{"X-Multi": {"a", "b"}, "X-Both": {"from-multi"}},
				Body:              "created",
			})},
			wantStatus: 201, wantBody: "created",
			wantHeader: map[string][]string{"X-Single": {"s"}, "X-Multi": {"a", "b"}, "X-Both": {"from-multi"}},
		},
		{
			name:       "base64 body decoded",
			fn:         &fakeFunction{out: proxyResponse(t, events.APIGatewayProxyResponse{StatusCode: 200, Body: "aGk=", IsBase64Encoded: true})},
			wantStatus: 200, wantBody: "hi",
		},
		{
			name:       "function error is API Gateway's 502",
			fn:         &fakeFunction{err: errors.New("unsupported event: secret")},
			wantStatus: 502, wantBody: `{"message":"Internal server error"}`,
		},
		{
			name:       "malformed function response is a 502",
			fn:         &fakeFunction{out: []byte(`not json`)},
			wantStatus: 502, wantBody: `{"message":"Internal server error"}`,
		},
		{
			name:       "impossible status is a 502",
			fn:         &fakeFunction{out: []byte(`{"statusCode":0}`)},
			wantStatus: 502, wantBody: `{"message":"Internal server error"}`,
		},
		{
			name:       "body over Lambda's 6 MB limit",
			fn:         &fakeFunction{out: []byte(`{"statusCode":200}`)},
			body:       bytes.NewReader(make([]byte, localapi.MaxBodyBytes+1)),
			wantStatus: 413, wantBody: `{"message":"Request Too Long"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := localapi.NewHandler(tc.fn, slog.New(slog.DiscardHandler))
			body := tc.body
			if body == nil {
				body = http.NoBody
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/health", body))
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
			}
			for k, want := range tc.wantHeader {
				got := rec.Header().Values(k)
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestHandlerGivesALambdaContext(t *testing.T) {
	fn := &fakeFunction{out: []byte(`{"statusCode":200}`)}
	localapi.NewHandler(fn, slog.New(slog.DiscardHandler)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/health", nil))
	lc, ok := lambdacontext.FromContext(fn.ctx)
	if !ok || lc.AwsRequestID == "" || lc.AwsRequestID != fn.got.RequestContext.RequestID {
		t.Errorf("lambda context %+v, event request id %q", lc, fn.got.RequestContext.RequestID)
	}
	if _, ok := fn.ctx.Deadline(); !ok {
		t.Error("no deadline: a Lambda invocation always has one")
	}
}

func TestHandlerTimesOutLikeAPIGateway(t *testing.T) {
	fn := &fakeFunction{block: true}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	localapi.NewHandler(fn, slog.New(slog.DiscardHandler)).ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil).WithContext(ctx))
	if rec.Code != http.StatusGatewayTimeout || rec.Body.String() != `{"message":"Endpoint request timed out"}` {
		t.Errorf("got %d %q", rec.Code, rec.Body)
	}
}

// Cancelling the context (SIGINT/SIGTERM in main) lets a request already in
// flight finish before ListenAndServe returns.
func TestListenAndServeDrainsInFlightRequests(t *testing.T) {
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- localapi.ListenAndServe(ctx, "127.0.0.1:0", slow, slog.New(slog.DiscardHandler), func(a net.Addr) { addrc <- a })
	}()
	addr := <-addrc

	type result struct {
		body string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr.String() + "/")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{string(b), err}
	}()
	<-started
	cancel()
	if r := <-resc; r.err != nil || r.body != "done" {
		t.Errorf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-errc; err != nil {
		t.Errorf("ListenAndServe = %v, want nil after a clean shutdown", err)
	}
}
