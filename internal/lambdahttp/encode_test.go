package lambdahttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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
	return buf.Bytes()
}

// TestEncodeMatchesEncodingJSON checks the one encoder against what the
// runtime would write for each front's events type holding the same answer.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	hostile := "q\"b\\s/<>&\x00\x01\x1f\x7f\n\r\t\b\f é \u2028\u2029 \xff\xfe\xc3( 𝄞"
	answers := []struct {
		status int
		header http.Header
		body   string
	}{
		{200, http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "Vary": {"Origin", "Accept"}}, `{"status":"healthy"}`},
		{404, http.Header{"X-Hostile": {hostile}, "A": {""}}, hostile},
		{204, http.Header{}, ""},
		{503, http.Header{"Set-Cookie": {"a=b", hostile}, "Content-Type": {"text/plain"}}, "x"},
		{418, http.Header{"X-Bin": {"1"}}, "\xff\xfe binary"},
	}
	for i, a := range answers {
		r := &response{header: a.header, status: a.status}
		r.body.WriteString(a.body)
		body, b64 := a.body, false // the adapter's rule: base64 unless UTF-8
		if !utf8.ValidString(a.body) {
			body, b64 = base64.StdEncoding.EncodeToString([]byte(a.body)), true
		}
		flat := map[string]string{}
		var cookies []string
		for k, v := range a.header {
			if k == "Set-Cookie" {
				cookies = v
				continue
			}
			flat[k] = strings.Join(v, ",")
		}
		allFlat := map[string]string{}
		for k, v := range a.header {
			allFlat[k] = strings.Join(v, ",")
		}
		desc := strconv.Itoa(a.status) + " " + http.StatusText(a.status)
		for _, tc := range []struct {
			s    shape
			want any
		}{
			{restShape, events.APIGatewayProxyResponse{StatusCode: a.status, MultiValueHeaders: a.header, Body: body, IsBase64Encoded: b64}},
			{v2Shape, events.APIGatewayV2HTTPResponse{StatusCode: a.status, Headers: flat, Cookies: cookies, Body: body, IsBase64Encoded: b64}},
			{shape{description: true}, events.ALBTargetGroupResponse{StatusCode: a.status, StatusDescription: desc, Headers: allFlat, Body: body, IsBase64Encoded: b64}},
			{shape{description: true, multi: true}, events.ALBTargetGroupResponse{StatusCode: a.status, StatusDescription: desc, MultiValueHeaders: a.header, Body: body, IsBase64Encoded: b64}},
		} {
			var got, want any
			if err := json.Unmarshal(r.encode(tc.s), &got); err != nil {
				t.Fatalf("answer %d %+v: not JSON: %v\n%s", i, tc.s, err, r.encode(tc.s))
			}
			if err := json.Unmarshal(marshalLikeTheRuntime(t, tc.want), &want); err != nil {
				t.Fatal(err)
			}
			dropEmpty(got)
			dropEmpty(want)
			if g, w := marshalLikeTheRuntime(t, got), marshalLikeTheRuntime(t, want); !bytes.Equal(g, w) {
				t.Errorf("answer %d %+v:\n got %s\nwant %s", i, tc.s, g, w)
			}
		}
	}
}

// dropEmpty removes what encode leaves out and encoding/json writes: empty
// maps and slices, null, false, and ALB's omitted empty body.
func dropEmpty(v any) {
	m, _ := v.(map[string]any)
	for k, x := range m {
		switch x := x.(type) {
		case nil:
			delete(m, k)
		case bool:
			if !x {
				delete(m, k)
			}
		case string:
			if k == "body" && x == "" {
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

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "\"\\", "\x00\x1f\x7f", "\u2028\u2029", "\xff", "a\xc3", "é𝄞", "<script>&", "\xed\xa0\x80x"} {
		want, _ := json.Marshal(s)
		var got, w string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		_ = json.Unmarshal(want, &w)
		if got != w {
			t.Errorf("%q: got %q, want %q", s, got, w)
		}
	}
}
