package lambdahttp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

// latticeFixtures are GET /health in VPC Lattice's two event structures,
// with the field names each uses.
var latticeFixtures = []struct {
	file, path, query, b64 string
	v2                     bool
}{
	{"lattice-v1.json", "raw_path", "query_string_parameters", "is_base64_encoded", false},
	{"lattice-v2.json", "path", "queryStringParameters", "isBase64Encoded", true},
}

// latticeKeys are the keys of a Lattice answer: the guide's response has
// statusCode, headers, body and isBase64Encoded (the first, second and
// fourth required), statusDescription as ALB's.
var latticeKeys = []string{"body", "headers", "isBase64Encoded", "statusCode", "statusDescription"}

// checkLatticeShape checks out is a Lattice answer and nothing else.
func checkLatticeShape(t *testing.T, out []byte) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, out)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, latticeKeys) {
		t.Errorf("answer keys %v, want %v:\n%s", keys, latticeKeys, out)
	}
	var hdr map[string]string
	if err := json.Unmarshal(raw["headers"], &hdr); err != nil {
		t.Errorf("headers is not an object of strings: %v (%s)", err, raw["headers"])
	}
}

func TestLatticeFronts(t *testing.T) {
	h := newHandler()
	for _, f := range latticeFixtures {
		tests := []struct {
			name   string
			edits  []any
			status int
			body   string
			allow  string
		}{
			{"GET", nil, 200, seedBody, ""},
			{"HEAD", []any{"method", "HEAD"}, 200, "", ""},
			{"POST", []any{"method", "POST", "body", `{"a":1}`}, 405, `{"error":"method not allowed"}`, "GET, HEAD"},
			{"OPTIONS", []any{"method", "OPTIONS"}, 405, `{"error":"method not allowed"}`, "GET, HEAD"},
			{"lowercase method", []any{"method", "get"}, 200, seedBody, ""},
			{"unknown path", []any{f.path, "/nope"}, 404, `{"error":"not found"}`, ""},
			{"/health/live (not in the test app)", []any{f.path, "/health/live"}, 404, `{"error":"not found"}`, ""},
			{"query", []any{f.query, map[string]any{"verbose": queryValue(f.v2, "1")}}, 200, seedBody, ""},
			{"good base64 body", []any{f.b64, true, "body", "aGVsbG8="}, 200, seedBody, ""},
			{"bad base64 body", []any{f.b64, true, "body", "!!not base64!!"}, 400, `{"error":"bad request"}`, ""},
			{"bad % escape", []any{f.path, "/health%zz"}, 400, `{"error":"bad request"}`, ""},
			{"control byte in path", []any{f.path, "/health\n"}, 400, `{"error":"bad request"}`, ""},
			{"invalid method", []any{"method", "GE T"}, 400, `{"error":"bad request"}`, ""},
			{"hostile host", []any{"headers.host", headerValue(f.v2, "a b/x?")}, 200, seedBody, ""},
			{"no host", []any{"headers.host", nil}, 200, seedBody, ""},
		}
		for _, tc := range tests {
			t.Run(f.file+"/"+tc.name, func(t *testing.T) {
				out, err := h.Invoke(t.Context(), fixture(t, f.file, tc.edits...))
				if err != nil {
					t.Fatal(err)
				}
				checkLatticeShape(t, out)
				r := decodeAnswer(t, out)
				if r.StatusCode != tc.status || r.Body != tc.body {
					t.Errorf("got %d %q, want %d %q", r.StatusCode, r.Body, tc.status, tc.body)
				}
				if want := fmt.Sprintf("%d %s", tc.status, http.StatusText(tc.status)); r.StatusDescription != want {
					t.Errorf("statusDescription %q, want %q", r.StatusDescription, want)
				}
				if r.IsBase64Encoded {
					t.Error("isBase64Encoded true for a JSON answer")
				}
				if tc.status == http.StatusBadRequest {
					checkSecurityHeaders(t, r) // the package's own answer
				}
				if r.header("Content-Type") != "application/json" || r.header("Cache-Control") != "no-store" || r.header("X-Content-Type-Options") != "nosniff" {
					t.Errorf("the application's headers did not all arrive: %v", r.Headers)
				}
				if tc.allow != "" && r.header("Allow") != tc.allow {
					t.Errorf("Allow %q, want %q", r.header("Allow"), tc.allow)
				}
			})
		}
	}
}

func queryValue(v2 bool, v string) any {
	if v2 {
		return []any{v}
	}
	return v
}

func headerValue(v2 bool, v string) any { return queryValue(v2, v) }

// requestEcho answers with the request as the application sees it.
func requestEcho() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		lines := []string{"Host: " + r.Host}
		for k, vs := range r.Header {
			lines = append(lines, fmt.Sprintf("%s: %q", k, vs))
		}
		slices.Sort(lines)
		fmt.Fprintf(w, "%s %s\n%s\nbody %q", r.Method, r.URL.RequestURI(), strings.Join(lines, "\n"), body)
	})
}

// The request reaches the application as Lattice describes it: V2's lists
// of header and query values are every value, V1's one string is one value
// (Lattice joined them; the last query value is the one it kept); cookies
// arrive as the Cookie header; the Host header names the request.
func TestLatticeRequest(t *testing.T) {
	h := lambdahttp.New(requestEcho())
	const host = "Host: health-0a1b2c3d4e5f67890.7d67968.vpc-lattice-svcs.us-east-1.on.aws"
	tests := []struct {
		name, file string
		edits      []any
		want       []string
	}{
		{"V2 repeated header", "lattice-v2.json", []any{"headers.header2", []any{"value1", "value2"}}, []string{`Header2: ["value1" "value2"]`, host}},
		{"V1 repeated header, joined by Lattice", "lattice-v1.json", []any{"headers.header2", "value1, value2"}, []string{`Header2: ["value1, value2"]`, host}},
		{"V2 repeated query value", "lattice-v2.json", []any{"queryStringParameters", map[string]any{"QS1": []any{"value1", "value2"}}}, []string{"GET /health?QS1=value1&QS1=value2"}},
		{"V1 query", "lattice-v1.json", []any{"query_string_parameters", map[string]any{"QS1": "value2", "a b": "c&d"}}, []string{"QS1=value2", "a+b=c%26d"}},
		{"V2 query value of the wrong type is skipped", "lattice-v2.json", []any{"queryStringParameters", map[string]any{"a": []any{1, "x"}, "b": "y"}}, []string{"GET /health?a=x\n"}},
		{"V1 query value of the wrong type is skipped", "lattice-v1.json", []any{"query_string_parameters", map[string]any{"a": []any{"x"}, "b": "y"}}, []string{"GET /health?b=y\n"}},
		{"V2 cookies", "lattice-v2.json", []any{"headers.cookie", []any{"a=1", "b=2"}}, []string{`Cookie: ["a=1" "b=2"]`}},
		{"V1 cookies", "lattice-v1.json", []any{"headers.cookie", "a=1; b=2"}, []string{`Cookie: ["a=1; b=2"]`}},
		{"V2 base64 body", "lattice-v2.json", []any{"method", "POST", "isBase64Encoded", true, "body", "aGVsbG8="}, []string{"POST /health", `body "hello"`}},
		{"V1 base64 body", "lattice-v1.json", []any{"method", "POST", "is_base64_encoded", true, "body", "aGVsbG8="}, []string{"POST /health", `body "hello"`}},
		{"V1 reads is_base64_encoded only", "lattice-v1.json", []any{"method", "POST", "isBase64Encoded", true, "body", "aGVsbG8="}, []string{`body "aGVsbG8="`}},
		{"V2 reads isBase64Encoded only", "lattice-v2.json", []any{"method", "POST", "is_base64_encoded", true, "body", "aGVsbG8="}, []string{`body "aGVsbG8="`}},
		{"V2 plain body", "lattice-v2.json", []any{"method", "PUT", "body", `{"a":1}`}, []string{"PUT /health", `body "{\"a\":1}"`}},
		{"V2 header values that are not lists are skipped", "lattice-v2.json", []any{"headers.x-one", "v", "headers.x-n", []any{5, "w"}}, []string{`X-N: ["w"]`}},
		{"V2 one name in two cases", "lattice-v2.json", []any{"headers.x-dup", []any{"a"}, "headers.X-Dup", []any{"b", "c"}}, []string{`X-Dup: ["b" "c" "a"]`}},
		{"V2 empty and odd names", "lattice-v2.json", []any{"headers.x_under", []any{"u"}, "headers.", []any{"e"}}, []string{`X_under: ["u"]`, `: ["e"]`}},
		{"V2 GET without a body reads an empty body", "lattice-v2.json", []any{"body", nil}, []string{`body ""`}},
		{"V1 header values that are not strings are skipped", "lattice-v1.json", []any{"headers.x-one", []any{"v"}, "headers.x-n", "w"}, []string{`X-N: ["w"]`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := h.Invoke(t.Context(), fixture(t, tc.file, tc.edits...))
			if err != nil {
				t.Fatal(err)
			}
			checkLatticeShape(t, out)
			r := decodeAnswer(t, out)
			for _, w := range tc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("the application saw\n%s\nwant it to contain %q", r.Body, w)
				}
			}
			if strings.Contains(r.Body, "X-One") {
				t.Errorf("a header of the wrong type reached the application:\n%s", r.Body)
			}
		})
	}
}

// Lattice reads one string per response header name: repeated values are
// joined with commas (Lattice's own form for them), Set-Cookie included; the
// answer never carries multiValueHeaders or cookies, which Lattice ignores.
// A body that is not UTF-8 goes base64, as the guide says binary content must.
func TestLatticeAnswer(t *testing.T) {
	h := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		if r.URL.Path == "/binary" {
			w.Write([]byte{0xff, 0xfe, 0x00})
			return
		}
		io.WriteString(w, "ok")
	}))
	for _, f := range latticeFixtures {
		out, err := h.Invoke(t.Context(), fixture(t, f.file))
		if err != nil {
			t.Fatal(err)
		}
		checkLatticeShape(t, out)
		r := decodeAnswer(t, out)
		if r.Headers["X-Multi"] != "a,b" || r.Headers["Set-Cookie"] != "a=1,b=2" || r.Body != "ok" || r.IsBase64Encoded {
			t.Errorf("%s: %s", f.file, out)
		}
		out, err = h.Invoke(t.Context(), fixture(t, f.file, f.path, "/binary"))
		if err != nil {
			t.Fatal(err)
		}
		checkLatticeShape(t, out)
		if r := decodeAnswer(t, out); !r.IsBase64Encoded || r.Body != "//4A" {
			t.Errorf("%s binary: %s", f.file, out)
		}
	}
	// An answer with no header at all still has "headers": the guide says
	// the response must include them.
	bare := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	out, err := bare.Invoke(t.Context(), fixture(t, "lattice-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkLatticeShape(t, out)
	if want := `{"statusCode":204,"statusDescription":"204 No Content","headers":{},"body":"","isBase64Encoded":false}`; string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

// Every field Lattice fills, of the wrong type, is ignored, except the
// request line (method, path) and V2's requestContext, which decide the
// front: GET /health still answers the seed body.
func TestLatticeFieldsOfTheWrongTypeAreIgnored(t *testing.T) {
	h := newHandler()
	both := [][]any{
		{"headers", 5}, {"headers", []any{"a"}}, {"headers", "host: x"},
		{"headers.accept", 5}, {"headers.accept", map[string]any{}}, {"headers.host", true},
		{"body", 5}, {"body", map[string]any{"a": 1}},
		{"version", 2}, {"version", []any{"2.0"}},
	}
	only := map[bool][][]any{
		false: {
			{"query_string_parameters", []any{1}}, {"query_string_parameters", "a=b"}, {"query_string_parameters.a", 1},
			{"is_base64_encoded", "yes"}, {"is_base64_encoded", 1}, {"requestContext", nil},
		},
		true: {
			{"queryStringParameters", []any{1}}, {"queryStringParameters", "a=b"}, {"queryStringParameters.a", 1}, {"queryStringParameters.a", []any{map[string]any{}}},
			{"isBase64Encoded", "yes"}, {"isBase64Encoded", 1},
			{"requestContext.identity", "x"}, {"requestContext.identity", []any{}}, {"requestContext.identity.type", 5},
			{"requestContext.identity.principal", map[string]any{}}, {"requestContext.identity.sourceVpcArn", 1},
			{"requestContext.serviceNetworkArn", 1}, {"requestContext.serviceArn", []any{}}, {"requestContext.targetGroupArn", 7},
			{"requestContext.region", false}, {"requestContext.timeEpoch", 1796568000000000},
		},
	}
	for _, f := range latticeFixtures {
		for _, e := range append(slices.Clone(both), only[f.v2]...) {
			t.Run(fmt.Sprintf("%s/%s=%v", f.file, e[0], e[1]), func(t *testing.T) {
				out, err := h.Invoke(t.Context(), fixture(t, f.file, e...))
				if err != nil {
					t.Fatal(err)
				}
				checkLatticeShape(t, out)
				if r := decodeAnswer(t, out); r.StatusCode != 200 || r.Body != seedBody {
					t.Errorf("got %d %q", r.StatusCode, r.Body)
				}
			})
		}
	}
}

// What decides the front must be there with its type: otherwise the event
// is unsupported, and so is every look-alike that is not an HTTP request.
func TestLatticeDetection(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name    string
		payload []byte
		reason  string // "" means: answered as a Lattice event
	}{
		{"V1 without method", fixture(t, "lattice-v1.json", "method", nil), "vpc-lattice event without a method and path"},
		{"V1 method of the wrong type", fixture(t, "lattice-v1.json", "method", 5), "vpc-lattice event without"},
		{"V1 empty method", fixture(t, "lattice-v1.json", "method", ""), "vpc-lattice event without"},
		{"V1 raw_path of the wrong type", fixture(t, "lattice-v1.json", "raw_path", []any{"/health"}), "vpc-lattice event without"},
		{"V1 with requestContext of the wrong type", fixture(t, "lattice-v1.json", "requestContext", "x"), "no requestContext object"},
		{"V1 raw_path null", fixture(t, "lattice-v1.json", "raw_path", nil), "no requestContext object"},
		{"V2 without method", fixture(t, "lattice-v2.json", "method", nil), "vpc-lattice event without"},
		{"V2 path of the wrong type", fixture(t, "lattice-v2.json", "path", 1), "vpc-lattice event without"},
		{"V2 without path (raw_path is V1's)", fixture(t, "lattice-v2.json", "path", nil, "raw_path", "/health"), "vpc-lattice event without"},
		{"V2 without targetGroupArn", fixture(t, "lattice-v2.json", "requestContext.targetGroupArn", nil), "not an API Gateway, Function URL, ALB or VPC Lattice"},
		{"V2 targetGroupArn null", fixture(t, "lattice-v2.json", "requestContext.targetGroupArn", nil, "requestContext.serviceArn", nil), "not an API Gateway"},
		{"V2 requestContext of the wrong type", fixture(t, "lattice-v2.json", "requestContext", []any{}), "no requestContext object"},
		{"Bedrock Agent action group", []byte(`{"messageVersion":"1.0","agent":{"name":"a","id":"i","alias":"x","version":"1"},"inputText":"t","sessionId":"s","actionGroup":"g","apiPath":"/health","httpMethod":"GET","parameters":[],"sessionAttributes":{},"promptSessionAttributes":{}}`), "no requestContext object"},
		{"Bedrock Agent with a method and path too", []byte(`{"agent":{},"actionGroup":"g","apiPath":"/health","httpMethod":"GET","method":"GET","path":"/health"}`), "no requestContext object"},
		{"Lattice response", []byte(`{"statusCode":200,"statusDescription":"200 OK","headers":{},"body":"","isBase64Encoded":false}`), "no requestContext object"},
		{"ALB wins over a targetGroupArn", fixture(t, "alb.json", "requestContext.targetGroupArn", "arn"), ""},
		{"V1 with requestContext null", fixture(t, "lattice-v1.json", "requestContext", nil), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := h.Invoke(t.Context(), tc.payload)
			if tc.reason == "" {
				if err != nil || decodeAnswer(t, out).StatusCode != 200 {
					t.Fatalf("want 200, got %v %s", err, out)
				}
				return
			}
			var ue *lambdahttp.UnsupportedEventError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.reason) || out != nil {
				t.Fatalf("want an UnsupportedEventError naming %q, got %v %.200s", tc.reason, err, out)
			}
		})
	}
}

// Only what Lattice attests after IAM authentication names a caller: a V2
// identity of type AWS_IAM with a principal (the guide: principal is present
// only if AWS authentication succeeded; type is AWS_IAM if an auth policy is
// used and authentication succeeded) of the function's own account.
func TestLatticeCaller(t *testing.T) {
	var got string
	var gotOK bool
	h := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, gotOK = lambdahttp.CallerFromContext(r.Context())
	}))
	const role = "arn:aws:sts::111122223333:assumed-role/contact-processor/i-0a1b2c3d4e5f67890"
	const user = "arn:aws:iam::111122223333:user/operator"
	const other = "arn:aws:sts::999999999999:assumed-role/contact-processor/s"
	iam := func(principal any, more ...any) []byte {
		return fixture(t, "lattice-v2-iam.json", append([]any{"requestContext.identity.principal", principal}, more...)...)
	}
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"V2 IAM, assumed role of this account", iam(role), role},
		{"V2 IAM, user of this account", iam(user), user},
		{"V2 IAM, Roles Anywhere session of this account", iam(role, "requestContext.identity.x509SubjectCn", "client.example"), role},
		{"V2 IAM, another account", iam(other), ""},
		{"V2 IAM, this account's number in another partition", iam("arn:aws-cn:iam::111122223333:user/operator"), ""},
		{"V2 IAM, no partition", iam("arn::iam::111122223333:user/operator"), ""},
		{"V2 IAM, principal not an ARN", iam("111122223333"), ""},
		{"V2 IAM, account field too short", iam("arn:aws:iam::11112222333:user/operator"), ""},
		{"V2 IAM, account in the wrong field", iam("arn:aws:iam:111122223333::user/operator"), ""},
		{"V2 IAM, principal of the wrong type", iam(5), ""},
		{"V2 IAM, no principal", iam(nil), ""},
		{"V2 without type (no auth policy)", iam(role, "requestContext.identity.type", nil), ""},
		{"V2 type NONE", iam(role, "requestContext.identity.type", "NONE"), ""},
		{"V2 type in lower case", iam(role, "requestContext.identity.type", "aws_iam"), ""},
		{"V2 type of the wrong type", iam(role, "requestContext.identity.type", []any{"AWS_IAM"}), ""},
		{"V2 identity of the wrong type", fixture(t, "lattice-v2-iam.json", "requestContext.identity", "AWS_IAM "+role), ""},
		{"V2 identity outside requestContext", fixture(t, "lattice-v2-iam.json", "requestContext.identity", nil, "identity", map[string]any{"type": "AWS_IAM", "principal": role}), ""},
		{"V2 forged headers and query", fixture(t, "lattice-v2-iam.json", "requestContext.identity", map[string]any{},
			"headers.x-amzn-principal", []any{role}, "headers.principal", []any{role}, "queryStringParameters", map[string]any{"principal": []any{role}}), ""},
		{"V2 forged body", fixture(t, "lattice-v2-iam.json", "requestContext.identity", map[string]any{}, "method", "POST",
			"body", `{"requestContext":{"identity":{"type":"AWS_IAM","principal":"`+role+`"}}}`), ""},
		{"V2 REST API's userArn place", fixture(t, "lattice-v2-iam.json", "requestContext.identity", map[string]any{"userArn": role}), ""},
		{"V2 HTTP API's authorizer place", fixture(t, "lattice-v2-iam.json", "requestContext.identity", map[string]any{}, "requestContext.authorizer", map[string]any{"iam": map[string]any{"userArn": role}}), ""},
		{"V1 never vouches", fixture(t, "lattice-v1.json", "identity", map[string]any{"type": "AWS_IAM", "principal": role}, "headers.principal", role), ""},
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
}

// Huge header and query lists are answered, never echoed, and cost memory
// linear in their size as on every other front (TestHostileInputs' bound);
// past what any front sends they are refused as on every other front: over
// 1 MiB of request is a 400, over 65,536 JSON values an unsupported event.
func TestLatticeHugeLists(t *testing.T) {
	h := newHandler()
	manyV2, manyV1, manyQuery, bigV1 := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for i := range 10000 {
		manyV2[fmt.Sprintf("x-hostile-%05d", i)] = []any{marker}
		manyV1[fmt.Sprintf("x-hostile-%05d", i)] = marker
		manyQuery[fmt.Sprintf("q%05d", i)] = []any{marker, marker}
	}
	for i := range 20000 {
		bigV1[fmt.Sprintf("q%05d", i)] = strings.Repeat("v", 100)
	}
	values := func(n int) []any {
		vs := make([]any, n)
		for i := range vs {
			vs[i] = "v"
		}
		return vs
	}
	tests := []struct {
		name    string
		payload []byte
		status  int // 0: an unsupported event
	}{
		{"V2 10,000 headers", fixture(t, "lattice-v2.json", "headers", manyV2), 200},
		{"V1 10,000 headers", fixture(t, "lattice-v1.json", "headers", manyV1), 200},
		{"V2 10,000 query keys with two values", fixture(t, "lattice-v2.json", "queryStringParameters", manyQuery), 200},
		{"V2 one header with 60,000 values", fixture(t, "lattice-v2.json", "headers.x-hostile", values(60000)), 200},
		{"V1 2 MB of query", fixture(t, "lattice-v1.json", "query_string_parameters", bigV1), 400},
		{"V2 one header with 100,000 values", fixture(t, "lattice-v2.json", "headers.x-hostile", values(100000)), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, alloc, err := measure(t, h, tc.payload)
			if tc.status == 0 {
				var ue *lambdahttp.UnsupportedEventError
				if !errors.As(err, &ue) || out != nil {
					t.Fatalf("want an unsupported event, got %v %.200s", err, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := decodeAnswer(t, out)
			if r.StatusCode != tc.status || tc.status == 200 && r.Body != seedBody || strings.Contains(string(out), marker) {
				t.Errorf("got %d %.200s, want %d", r.StatusCode, out, tc.status)
			}
			values := bytes.Count(tc.payload, []byte{','}) + 1
			if limit := uint64(40*len(tc.payload) + 512*values + 1<<20); alloc > limit {
				t.Errorf("allocated %d bytes for a %d-byte event of about %d values (limit %d)", alloc, len(tc.payload), values, limit)
			}
		})
	}
	if r := invoke(t, h, fixture(t, "lattice-v2.json")); r.StatusCode != 200 || r.Body != seedBody {
		t.Errorf("next invocation: %d %q", r.StatusCode, r.Body)
	}
}
