package localapi

import (
	"net/http"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// FuzzParseProxyResponse feeds arbitrary function answers to the proxy
// response check: it never panics, and what it accepts can be written by
// net/http as is (a real status, header names and values without CR/LF).
func FuzzParseProxyResponse(f *testing.F) {
	f.Add([]byte(`{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"ok"}`), "image/png")
	f.Add([]byte(`{"statusCode":"201","multiValueHeaders":{"X-A":["1",2]},"headers":{"X-A":"1"},"isBase64Encoded":"True","body":"aGk="}`), "*/*")
	f.Add([]byte(`{"statusCode":1e3,"headers":[],"multiValueHeaders":{"A":"x"},"base64Encoded":false}`), "")
	f.Add([]byte(`{"statusCode":200,"headers":{"Bad Name":"x"}}`), "text/*;q=0.5")
	f.Add([]byte(`[{"statusCode":200}]`), "")
	f.Fuzz(func(t *testing.T, out []byte, accept string) {
		resp, err := parseProxyResponse(out, accept, []string{"image/png"})
		if err != nil {
			return
		}
		if resp.status < 100 || resp.status > 599 {
			t.Fatalf("accepted status %d", resp.status)
		}
		for k, vs := range resp.header {
			if !httpguts.ValidHeaderFieldName(k) || k != http.CanonicalHeaderKey(k) {
				t.Fatalf("accepted header name %q", k)
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Fatalf("accepted header value %q", v)
				}
			}
		}
		if len(resp.header.Values("Content-Type")) == 0 {
			t.Fatal("no Content-Type: SAM CLI's default is application/json")
		}
	})
}
