package lambdahttp_test

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

// A field the function does not read, of the wrong type, never fails the
// invocation: GET /health still answers the seed body, on every front.
func TestFieldsOfTheWrongTypeAreIgnored(t *testing.T) {
	h := newHandler()
	edits := []struct {
		name string
		edit []any
	}{
		{"pathParameters is a string (mangum's test events)", []any{"pathParameters", ""}},
		{"stageVariables is a number", []any{"stageVariables", 7}},
		{"a header value is a number", []any{"headers.X-Count", 5}},
		{"a header value is an object", []any{"headers.X-Obj", map[string]any{"a": 1}}},
		{"headers is a number", []any{"headers", 5}},
		{"headers is an array", []any{"headers", []any{"a"}}},
		{"multiValueHeaders is a string", []any{"multiValueHeaders", "x"}},
		{"a multi-value header holds numbers", []any{"multiValueHeaders.X-Count", []any{1, "2", true}}},
		{"queryStringParameters is an array", []any{"queryStringParameters", []any{1}}},
		{"a query value is a number", []any{"queryStringParameters.n", 1}},
		{"multiValueQueryStringParameters is a number", []any{"multiValueQueryStringParameters", 1}},
		{"cookies is a string", []any{"cookies", "a=b"}},
		{"cookies holds a number", []any{"cookies", []any{1, "a=b"}}},
		{"body is a number", []any{"body", 5}},
		{"isBase64Encoded is a string", []any{"isBase64Encoded", "yes"}},
		{"rawQueryString is a number", []any{"rawQueryString", 5}},
		{"requestContext.domainName is a number", []any{"requestContext.domainName", 5}},
		{"requestContext.identity is a string", []any{"requestContext.identity", "x"}},
		{"requestContext.requestId is an object", []any{"requestContext.requestId", map[string]any{}}},
		{"requestContext.stage is a number", []any{"requestContext.stage", 1}},
		{"requestContext.authorizer is a string", []any{"requestContext.authorizer", "x"}},
		{"version is a number", []any{"version", 2}},
		{"routeKey is an array", []any{"routeKey", []any{}}},
	}
	for _, f := range []string{"rest-api.json", "http-api.json", "function-url.json", "alb.json", "alb-multivalue.json"} {
		for _, e := range edits {
			t.Run(f+"/"+e.name, func(t *testing.T) {
				if r := invoke(t, h, fixture(t, f, e.edit...)); r.StatusCode != 200 || r.Body != seedBody {
					t.Errorf("got %d %q", r.StatusCode, r.Body)
				}
			})
		}
	}
}

// The same request in either header form reaches the application the
// same; an event with both maps keeps a header only in "headers".
func TestHeaderForms(t *testing.T) {
	h := lambdahttp.New(echoApp())
	hdr := map[string]any{"origin": "https://app.example", "accept": "*/*", "x-count": "5"}
	multi := map[string]any{"origin": []any{"https://app.example"}, "accept": []any{"*/*"}, "x-count": []any{"5"}}
	for _, f := range []string{"rest-api.json", "alb.json"} {
		t.Run(f, func(t *testing.T) {
			host := []any{"headers.host", "h.example"}
			forms := [][]any{
				{"headers", hdr, "multiValueHeaders", nil},
				{"headers", nil, "multiValueHeaders", multi},
				{"headers", map[string]any{"origin": "https://app.example"}, "multiValueHeaders", map[string]any{"accept": []any{"*/*"}, "x-count": []any{"5"}}},
				{"headers", hdr, "multiValueHeaders", map[string]any{}},
				{"headers", hdr, "multiValueHeaders", multi},
				// Values of other types are skipped the same way in both forms.
				{"headers", map[string]any{"origin": "https://app.example", "accept": "*/*", "x-count": "5", "x-n": 5}, "multiValueHeaders", nil},
				{"headers", nil, "multiValueHeaders", map[string]any{"origin": []any{"https://app.example"}, "accept": []any{"*/*"}, "x-count": []any{"5", 6}, "x-n": 5}},
			}
			var first string
			for i, form := range forms {
				edits := form
				if f == "alb.json" {
					edits = append(append([]any{}, form...), host...)
					if form[1] == nil {
						edits = append(edits[:len(edits)-2], "multiValueHeaders.host", []any{"h.example"})
					}
				}
				r := invoke(t, h, fixture(t, f, edits...))
				if !strings.Contains(r.Body, `Origin: ["https://app.example"]`) {
					t.Errorf("form %d lost Origin:\n%s", i, r.Body)
				}
				if i == 0 {
					first = r.Body
				} else if r.Body != first {
					t.Errorf("form %d reached the application as\n%s\nwant\n%s", i, r.Body, first)
				}
			}
		})
	}
}

// API Gateway Lambda authorizer events and WebSocket events carry a method
// and a path, but they are not HTTP requests to answer.
func TestAuthorizerAndWebSocketEventsAreRefused(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name    string
		payload []byte
		reason  string
	}{
		{"REST REQUEST authorizer", fixture(t, "rest-api.json", "type", "REQUEST", "methodArn", "arn:aws:execute-api:us-east-1:123456789012:abc/test/GET/health"), "authorizer"},
		{"REST TOKEN authorizer", []byte(`{"type":"TOKEN","authorizationToken":"allow","methodArn":"arn:aws:execute-api:us-east-1:123456789012:abc/test/GET/health"}`), "authorizer"},
		{"HTTP API authorizer, payload 1.0", fixture(t, "rest-api.json", "version", "1.0", "type", "REQUEST", "methodArn", "arn", "identitySource", "x"), "authorizer"},
		{"HTTP API authorizer, payload 2.0", fixture(t, "http-api.json", "type", "REQUEST", "routeArn", "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/health", "identitySource", []any{"x"}), "authorizer"},
		{"payload 2.0 authorizer without type", fixture(t, "http-api.json", "routeArn", "arn"), "authorizer"},
		{"WebSocket CONNECT", fixture(t, "rest-api.json", "requestContext.eventType", "CONNECT", "requestContext.connectionId", "TWzfZf", "requestContext.routeKey", "$connect"), "WebSocket"},
		{"WebSocket MESSAGE without httpMethod", fixture(t, "rest-api.json", "httpMethod", nil, "requestContext.eventType", "MESSAGE", "requestContext.connectionId", "TWzfZf"), "WebSocket"},
		{"WebSocket with only a connectionId", fixture(t, "http-api.json", "requestContext.connectionId", "TWzfZf"), "WebSocket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := h.Invoke(t.Context(), tc.payload)
			var ue *lambdahttp.UnsupportedEventError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("want an UnsupportedEventError naming %q, got %v %.200s", tc.reason, err, out)
			}
		})
	}
	// null is absent: these are ordinary requests.
	for _, p := range [][]byte{
		fixture(t, "rest-api.json", "methodArn", nil, "type", "PROXY"),
		fixture(t, "http-api.json", "requestContext.connectionId", nil),
	} {
		if r := invoke(t, h, p); r.StatusCode != 200 {
			t.Errorf("%s: %d", p[:40], r.StatusCode)
		}
	}
}

// queryEvent is GET /health with n query parameters on the given front.
func queryEvent(t testing.TB, front string, n int) []byte {
	switch front {
	case "rest":
		mv := make(map[string]any, n)
		for i := range n {
			mv[fmt.Sprintf("p%06d", i)] = []any{"v%"}
		}
		return fixture(t, "rest-api.json", "multiValueQueryStringParameters", mv, "queryStringParameters", nil)
	case "alb":
		q := make(map[string]any, n)
		for i := range n {
			q[fmt.Sprintf("p%06d", i)] = "v"
		}
		return fixture(t, "alb.json", "queryStringParameters", q)
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "&p%06d=v", i)
	}
	return fixture(t, "http-api.json", "rawQueryString", b.String()[1:])
}

// The query is handled in time and memory linear in its size (the
// adapter's own loop concatenates strings: quadratic). Measured as bytes
// allocated, which do not depend on the machine: 4x the parameters may cost
// at most 6x the bytes (quadratic would be 16x).
func TestQueryCostIsLinear(t *testing.T) {
	// One P: the parser pool keeps a parser per P, and which one an
	// invocation finds would decide whether it grows an arena.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	// No collection while measuring: a collection empties the parser pool
	// (two in a row drop what it kept), and whether one fell inside a run
	// would decide whether that run grew a new arena.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	h := newHandler()
	for _, front := range []string{"rest", "alb", "httpapi"} {
		t.Run(front, func(t *testing.T) {
			small, large := queryEvent(t, front, 8000), queryEvent(t, front, 32000)
			// The least of several runs after a warm-up measures the
			// query's handling, not whether the pools kept what they were
			// given: under -race, sync.Pool drops a quarter of it, and an
			// invocation uses several pools, so a run misses one about two
			// times in three; the least of 32 runs misses with odds of about
			// one in 200,000 (the least of 8 failed 1 run in 25).
			allocs := [2]uint64{math.MaxUint64, math.MaxUint64}
			for i, p := range [][]byte{small, large} {
				if r := invoke(t, h, p); r.StatusCode != 200 {
					t.Fatalf("status %d", r.StatusCode)
				}
				for range 32 {
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					out, err := h.Invoke(t.Context(), p)
					runtime.ReadMemStats(&after)
					if err != nil {
						t.Fatal(err)
					}
					alloc := after.TotalAlloc - before.TotalAlloc
					if r := decodeAnswer(t, out); r.StatusCode != 200 {
						t.Fatalf("status %d", r.StatusCode)
					}
					allocs[i] = min(allocs[i], alloc)
				}
			}
			ratio := float64(allocs[1]) / float64(allocs[0])
			t.Logf("8,000 parameters: %d bytes; 32,000: %d bytes (%.1fx)", allocs[0], allocs[1], ratio)
			if ratio > 6 {
				t.Errorf("4x the parameters allocated %.1fx the bytes: not linear", ratio)
			}
		})
	}
}

// BenchmarkInvokeQuery shows the time per invocation growing with the
// number of query parameters: linearly (ns/op per parameter stays flat).
func BenchmarkInvokeQuery(b *testing.B) {
	h := newHandler()
	for _, front := range []string{"rest", "alb", "httpapi"} {
		for _, n := range []int{8000, 16000, 32000} {
			payload := queryEvent(b, front, n)
			b.Run(fmt.Sprintf("front=%s/params=%d", front, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := h.Invoke(b.Context(), payload); err != nil {
						b.Fatal(err)
					}
				}
				runtime.KeepAlive(payload)
			})
		}
	}
}

// The query reaches the application from either map: an ALB target group
// without multi-value headers sends only queryStringParameters.
func TestQueryReachesTheApplication(t *testing.T) {
	var got string
	h := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.RawQuery }))
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"ALB single-value", fixture(t, "alb.json", "queryStringParameters", map[string]any{"verbose": ""}), "verbose="},
		{"ALB multi-value", fixture(t, "alb-multivalue.json", "multiValueQueryStringParameters", map[string]any{"verbose": []any{"1", "2"}}), "verbose=1&verbose=2"},
		{"ALB multi-value empty, single-value set", fixture(t, "alb-multivalue.json", "queryStringParameters", map[string]any{"a b": "c&d"}), "a+b=c%26d"},
		{"REST both maps", fixture(t, "rest-api.json", "queryStringParameters", map[string]any{"verbose": "2"}, "multiValueQueryStringParameters", map[string]any{"verbose": []any{"1", "2"}}), "verbose=1&verbose=2"},
		{"REST single-value only", fixture(t, "rest-api.json", "queryStringParameters", map[string]any{"verbose": "1"}, "multiValueQueryStringParameters", nil), "verbose=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = "unset"
			if _, err := h.Invoke(t.Context(), tc.payload); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("RawQuery = %q, want %q", got, tc.want)
			}
		})
	}
}

// CallerFromContext reports only the identity API Gateway or the Function
// URL authenticated, never one the request itself claims.
func TestCallerFromContext(t *testing.T) {
	var got string
	var gotOK bool
	h := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, gotOK = lambdahttp.CallerFromContext(r.Context())
	}))
	const user = "arn:aws:iam::111122223333:user/example-user"
	const forged = "arn:aws:iam::999999999999:root"
	forgedBody := `{"requestContext":{"identity":{"userArn":"` + forged + `"},"authorizer":{"iam":{"userArn":"` + forged + `"}}}}`
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"REST with AWS_IAM", fixture(t, "rest-api.json", "requestContext.identity.userArn", user), user},
		{"REST with AWS_IAM, another account", fixture(t, "rest-api.json", "requestContext.identity.userArn", forged), ""},
		{"REST with AWS_IAM, not an ARN", fixture(t, "rest-api.json", "requestContext.identity.userArn", "theUserArn"), ""},
		{"HTTP API with IAM, another account", fixture(t, "http-api.json", "requestContext.authorizer", map[string]any{"iam": map[string]any{"userArn": forged}}), ""},
		{"REST without IAM auth", fixture(t, "rest-api.json", "requestContext.identity.userArn", nil), ""},
		{"REST userArn null", fixture(t, "rest-api.json", "requestContext.identity.userArn", nil, "requestContext.identity.user", nil), ""},
		{"REST userArn in payload 2.0's place", fixture(t, "rest-api.json", "requestContext.identity.userArn", nil, "requestContext.authorizer", map[string]any{"iam": map[string]any{"userArn": forged}}), ""},
		{"HTTP API with IAM", fixture(t, "http-api.json", "requestContext.authorizer", map[string]any{"iam": map[string]any{"userArn": user}}), user},
		{"HTTP API without authorizer", fixture(t, "http-api.json", "requestContext.authorizer", nil), ""},
		{"HTTP API userArn in payload 1.0's place", fixture(t, "http-api.json", "requestContext.identity", map[string]any{"userArn": forged}), ""},
		{"Function URL with IAM", fixture(t, "function-url.json"), user},
		{"Function URL, forged header", fixture(t, "function-url.json", "requestContext.authorizer", nil, "headers.x-amz-user-arn", forged, "headers.userarn", forged), ""},
		{"Function URL, forged body", fixture(t, "function-url.json", "requestContext.authorizer", nil, "requestContext.http.method", "POST", "body", forgedBody), ""},
		{"REST, forged header and query", fixture(t, "rest-api.json", "requestContext.identity.userArn", nil, "headers.userArn", forged, "multiValueHeaders.userArn", []any{forged}, "multiValueQueryStringParameters.userArn", []any{forged}), ""},
		{"ALB never vouches", fixture(t, "alb.json", "headers.x-amzn-oidc-identity", forged, "requestContext.identity", map[string]any{"userArn": forged}), ""},
		{"userArn of the wrong type", fixture(t, "http-api.json", "requestContext.authorizer", map[string]any{"iam": map[string]any{"userArn": 5}}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, gotOK = "unset", true
			invokeAs(t, h, tc.payload, "arn:aws:lambda:us-east-1:111122223333:function:health")
			if got != tc.want || gotOK != (tc.want != "") {
				t.Errorf("CallerFromContext = %q, %v; want %q", got, gotOK, tc.want)
			}
		})
	}
	if p, ok := lambdahttp.CallerFromContext(t.Context()); ok || p != "" {
		t.Errorf("outside an invocation: %q, %v", p, ok)
	}
	// Without the invocation's function ARN there is no account to match.
	got, gotOK = "unset", true
	invoke(t, h, fixture(t, "rest-api.json", "requestContext.identity.userArn", user))
	if got != "" || gotOK {
		t.Errorf("no Lambda context: CallerFromContext = %q, %v", got, gotOK)
	}
}

// The answers the package writes itself carry the headers given, and only
// Content-Type without the option: the policy is the application's.
func TestWithHeaders(t *testing.T) {
	given := http.Header{"X-Policy": {"on"}}
	h := lambdahttp.New(testApp(), lambdahttp.WithHeaders(given))
	given.Set("X-Policy", "changed after New")
	bad := fixture(t, "rest-api.json", "path", "/%zz")
	if r := invoke(t, h, bad); r.StatusCode != 400 || r.header("X-Policy") != "on" || r.header("Content-Type") != "application/json" {
		t.Errorf("with the option: %d %v", r.StatusCode, r.MultiValueHeaders)
	}
	r := invoke(t, lambdahttp.New(testApp()), bad)
	if r.StatusCode != 400 || len(r.MultiValueHeaders) != 1 || r.header("Content-Type") != "application/json" {
		t.Errorf("without the option: %d %v", r.StatusCode, r.MultiValueHeaders)
	}
}

// invokeAs invokes h as Lambda would the function functionARN.
func invokeAs(t *testing.T, h *lambdahttp.Handler, payload []byte, functionARN string) {
	t.Helper()
	ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{InvokedFunctionArn: functionARN})
	if _, err := h.Invoke(ctx, payload); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
}
