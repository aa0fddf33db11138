package lambdahttp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// marshalLikeTheRuntime is what lambda.NewHandler would write for v.
func marshalLikeTheRuntime(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	hostile := "q\"b\\s/<>&\x00\x01\x1f\x7f\n\r\t\b\f é \u2028\u2029 \xff\xfe\xc3( 𝄞"
	hdr := map[string][]string{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "X-Hostile": {hostile}, "Vary": {"Origin", "Accept"}}
	flat := map[string]string{"Content-Type": "application/json", "X-Hostile": hostile, "A": ""}
	tests := []any{
		events.APIGatewayProxyResponse{StatusCode: 200, MultiValueHeaders: hdr, Body: `{"status":"healthy"}`},
		events.APIGatewayProxyResponse{StatusCode: 404, Headers: flat, Body: hostile, IsBase64Encoded: true},
		events.APIGatewayProxyResponse{StatusCode: 204},
		events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: flat, Body: "x", Cookies: []string{"a=b", hostile}},
		events.APIGatewayV2HTTPResponse{StatusCode: 503, Headers: flat, Cookies: []string{}},
		events.ALBTargetGroupResponse{StatusCode: 200, StatusDescription: "200 OK", Headers: flat, Body: hostile},
		events.ALBTargetGroupResponse{StatusCode: 405, StatusDescription: "405 Method Not Allowed", MultiValueHeaders: hdr},
	}
	for i, resp := range tests {
		if alb, ok := resp.(events.ALBTargetGroupResponse); ok && alb.Headers == nil {
			// The single-value form of a multi-value answer.
			single := alb
			single.Headers = map[string]string{}
			for k, v := range alb.MultiValueHeaders {
				single.Headers[k] = strings.Join(v, ",")
			}
			single.MultiValueHeaders = nil
			checkEncoding(t, i, albSingleValue{alb}, single)
		}
		checkEncoding(t, i, resp, resp)
	}
}

// checkEncoding compares encode(resp) with what encoding/json writes for want.
func checkEncoding(t *testing.T, i int, resp, want any) {
	t.Helper()
	{
		got, err := encode(resp)
		if err != nil {
			t.Fatal(err)
		}
		// Field order and omitted empty fields differ from encoding/json's
		// struct order; the decoded values must be identical.
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("case %d: not JSON: %v\n%s", i, err, got)
		}
		if err := json.Unmarshal(marshalLikeTheRuntime(t, want), &b); err != nil {
			t.Fatal(err)
		}
		dropEmpty(b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("case %d:\n got %s\nwant %s", i, ja, jb)
		}
	}
}

// dropEmpty removes what encode omits: empty maps and slices, null, false.
func dropEmpty(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, x := range m {
		switch x := x.(type) {
		case nil:
			delete(m, k)
		case bool:
			if !x {
				delete(m, k)
			}
		case map[string]any:
			if len(x) == 0 {
				delete(m, k)
			}
		case []any:
			if len(x) == 0 {
				delete(m, k)
			}
		}
	}
}

func TestAppendStringEscapesLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "\"\\", "\x00\x1f\x7f", "\u2028\u2029", "\xff", "a\xc3", "é𝄞", "<script>&"} {
		want, _ := json.Marshal(s)
		want = bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<"))
		want = bytes.ReplaceAll(want, []byte(`\u003e`), []byte(">"))
		want = bytes.ReplaceAll(want, []byte(`\u0026`), []byte("&"))
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}
