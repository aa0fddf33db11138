package funcmain_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLocalModeHostileInputs sends hostile requests to local mode as raw
// bytes over TCP (so nothing client-side cleans them up). Each must get a
// 4xx or, where the request is merely large, the normal answer; the next
// request must answer the seed body. Answers from the application and local
// mode's own (403, 413) carry the OWASP headers; 400/431 come from net/http
// before local mode sees the request.
func TestLocalModeHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping multi-megabyte requests")
	}
	base, _ := startLocal(t, nil)
	addr := strings.TrimPrefix(base, "http://")

	manyHeaders := func(n, size int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-Hostile-%05d: %s\r\n", i, strings.Repeat("v", size))
		}
		return b.String()
	}
	get := func(target, headers string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\n" + headers + "Connection: close\r\n\r\n"
	}
	getWithBody := func(n int) string {
		return fmt.Sprintf("GET /health HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", addr, n, strings.Repeat("x", n))
	}
	tests := []struct {
		name   string
		raw    string
		status int
		body   string
		owasp  bool // answered by the application or local mode: security headers expected
	}{
		{name: "10,000 headers (160 KB, under the 1 MiB header limit)", raw: get("/health", manyHeaders(10000, 1)), status: 200, body: seedBody, owasp: true},
		{name: "10,000 headers over 1 MiB", raw: get("/health", manyHeaders(10000, 120)), status: 431},
		{name: "8 KB path (not routed: API Gateway's 403)", raw: get("/"+strings.Repeat("a", 8191), ""), status: 403, body: `{"message":"Missing Authentication Token"}`, owasp: true},
		{name: "bad % escape", raw: get("/health%zz", ""), status: 400},
		{name: "truncated % escape", raw: get("/health%4", ""), status: 400},
		{name: "invalid UTF-8 header value", raw: get("/health", "X-Bin: \xff\xfe\xc3\x28\r\n"), status: 200, body: seedBody, owasp: true},
		{name: "invalid header name", raw: get("/health", "X-\xff: v\r\n"), status: 400},
		{name: "6 MB body (Lambda's limit)", raw: getWithBody(6 << 20), status: 200, body: seedBody, owasp: true},
		{name: "body over 6 MB", raw: getWithBody(6<<20 + 1), status: 413, body: `{"message":"Request Too Long"}`, owasp: true},
		{name: "POST (not routed: API Gateway's 403)", raw: strings.Replace(getWithBody(16), "GET", "POST", 1), status: 403, body: `{"message":"Missing Authentication Token"}`, owasp: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := rawRequest(t, addr, tc.raw)
			t.Logf("%d bytes: %d %.60q", len(tc.raw), resp.StatusCode, body)
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.body != "" && body != tc.body {
				t.Errorf("body = %q, want %q", body, tc.body)
			}
			if strings.Contains(body, "Hostile") || strings.Contains(body, "aaaaaaaa") {
				t.Errorf("answer echoes the request: %.200q", body)
			}
			if tc.owasp {
				for k, want := range map[string]string{
					"Cache-Control":             "no-store",
					"X-Content-Type-Options":    "nosniff",
					"X-Frame-Options":           "DENY",
					"Content-Security-Policy":   "frame-ancestors 'none'",
					"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
				} {
					if got := resp.Header.Get(k); got != want {
						t.Errorf("%s = %q, want %q", k, got, want)
					}
				}
			}
			if resp, body := rawRequest(t, addr, get("/health", "")); resp.StatusCode != 200 || body != seedBody {
				t.Errorf("next request: %d %q", resp.StatusCode, body)
			}
		})
	}
}

// rawRequest writes raw to addr and reads one response. The server may
// answer and close before reading everything (413, 431): that is not an
// error here.
func rawRequest(t *testing.T, addr, raw string) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	go func() { _, _ = io.Copy(conn, strings.NewReader(raw)) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, resp.Body)
	return resp, b.String()
}
