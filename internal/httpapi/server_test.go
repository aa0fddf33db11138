package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

const seedBody = httpapi.HealthyBody

func TestServer(t *testing.T) {
	srv := httpapi.NewServer(config.Default())
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{name: "GET health", method: "GET", path: "/health", wantStatus: 200, wantBody: seedBody,
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "GET health with query", method: "GET", path: "/health?x=1", wantStatus: 200, wantBody: seedBody},
		{name: "HEAD health has no body", method: "HEAD", path: "/health", wantStatus: 200, wantBody: "",
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "POST health", method: "POST", path: "/health", wantStatus: 405, wantBody: `{"error":"method not allowed"}`,
			wantHeader: map[string]string{"Allow": "GET, HEAD", "Content-Type": "application/json"}},
		{name: "PUT health", method: "PUT", path: "/health", wantStatus: 405, wantBody: `{"error":"method not allowed"}`,
			wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "DELETE health", method: "DELETE", path: "/health", wantStatus: 405, wantBody: `{"error":"method not allowed"}`},
		{name: "OPTIONS without CORS headers is a plain 405", method: "OPTIONS", path: "/health", wantStatus: 405,
			wantHeader: map[string]string{"Allow": "GET, HEAD"}, wantBody: `{"error":"method not allowed"}`},
		{name: "unknown path", method: "GET", path: "/nope", wantStatus: 404, wantBody: `{"error":"not found"}`,
			wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "root", method: "GET", path: "/", wantStatus: 404, wantBody: `{"error":"not found"}`},
		{name: "trailing slash is another path", method: "GET", path: "/health/", wantStatus: 404, wantBody: `{"error":"not found"}`},
		{name: "unclean path is not redirected", method: "GET", path: "/a/../health", wantStatus: 404, wantBody: `{"error":"not found"}`,
			wantHeader: map[string]string{"Location": "", "Content-Type": "application/json"}},
		{name: "double slash is not redirected", method: "GET", path: "//health", wantStatus: 404, wantBody: `{"error":"not found"}`,
			wantHeader: map[string]string{"Location": ""}},
		{name: "404 does not echo the path", method: "GET", path: "/%3Cscript%3E", wantStatus: 404, wantBody: `{"error":"not found"}`},
		{name: "CORS simple request", method: "GET", path: "/health", header: map[string]string{"Origin": "https://dash.example"},
			wantStatus: 200, wantBody: seedBody,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": ""}},
		{name: "CORS preflight", method: "OPTIONS", path: "/health",
			header:     map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"},
			wantStatus: 204, wantBody: "",
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "authorization", "Access-Control-Allow-Credentials": ""}},
		{name: "CORS preflight for a header not allowed", method: "OPTIONS", path: "/health",
			header:     map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-custom"},
			wantStatus: 204, wantHeader: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Headers": ""}},
		{name: "OPTIONS with Access-Control-Request-Method but no Origin is not a preflight", method: "OPTIONS", path: "/health",
			header:     map[string]string{"Access-Control-Request-Method": "GET"},
			wantStatus: 405, wantBody: `{"error":"method not allowed"}`,
			wantHeader: map[string]string{"Allow": "GET, HEAD", "Access-Control-Allow-Methods": "", "Access-Control-Allow-Origin": ""}},
		{name: "OPTIONS with a malformed Origin is not a preflight", method: "OPTIONS", path: "/health/details",
			header:     map[string]string{"Origin": "not an origin", "Access-Control-Request-Method": "GET"},
			wantStatus: 405, wantBody: `{"error":"method not allowed"}`,
			wantHeader: map[string]string{"Allow": "GET, HEAD", "Access-Control-Allow-Methods": "", "Access-Control-Allow-Origin": ""}},
		{name: "CORS preflight for a method not served", method: "OPTIONS", path: "/health",
			header:     map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "DELETE"},
			wantStatus: 204, wantHeader: map[string]string{"Access-Control-Allow-Origin": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)

			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Body.String(); got != tc.wantBody {
				t.Errorf("body = %q, want %q", got, tc.wantBody)
			}
			for k, want := range tc.wantHeader {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestCORSOrigins(t *testing.T) {
	env := map[string]string{"CORS_ALLOWED_ORIGINS": " https://a.example , https://b.example ,"}
	srv := httpapi.NewServer(loadConfig(t, env))
	for origin, want := range map[string]string{
		"https://a.example":    "https://a.example",
		"https://b.example":    "https://b.example",
		"https://evil.example": "",
	} {
		req := httptest.NewRequest(http.MethodGet, "/health", nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
		if rec.Code != http.StatusOK || rec.Body.String() != seedBody {
			t.Errorf("origin %s: got %d %q; CORS must not change the answer itself", origin, rec.Code, rec.Body)
		}
	}
}

// TestCORSEchoesNothingItDidNotConfigure smuggles CR/LF, paths and markup
// through Origin and Access-Control-Request-Headers: no answer may carry
// them, and no malformed origin is allowed, whatever the patterns.
func TestCORSEchoesNothingItDidNotConfigure(t *testing.T) {
	configs := map[string]string{
		"any":      "*",
		"patterns": "https://*.example.com,http://localhost:3000,https://app.example.org",
	}
	tests := []struct {
		config, name, origin, reqHeaders string
		preflight                        bool
		wantOrigin, wantHeaders          string
	}{
		{"patterns", "exact", "https://app.example.org", "", false, "https://app.example.org", ""},
		{"patterns", "wildcard, one label", "https://a.example.com", "", false, "https://a.example.com", ""},
		{"patterns", "wildcard, two labels", "https://a.b.example.com", "", false, "https://a.b.example.com", ""},
		{"patterns", "wildcard, port", "http://localhost:3000", "", false, "http://localhost:3000", ""},
		{"patterns", "wildcard needs a label", "https://example.com", "", false, "", ""},
		{"patterns", "path posing as a subdomain", "https://evil.com/.example.com", "", false, "", ""},
		{"patterns", "userinfo", "https://evil.com@a.example.com", "", false, "", ""},
		{"patterns", "query", "https://a.example.com?x=.example.com", "", false, "", ""},
		{"patterns", "CRLF in origin", "https://a.example.com\r\nSet-Cookie: x=1", "", false, "", ""},
		{"patterns", "markup in origin", "https://<script>.example.com", "", false, "", ""},
		{"patterns", "other scheme", "http://a.example.com", "", false, "", ""},
		{"patterns", "other port", "https://a.example.com:8443", "", false, "", ""},
		{"patterns", "upper case", "https://A.example.com", "", false, "", ""},
		{"patterns", "suffix without dot", "https://evilexample.com", "", false, "", ""},
		{"patterns", "trailing dot", "https://a.example.com.", "", false, "", ""},
		{"patterns", "null", "null", "", false, "", ""},
		{"patterns", "preflight allowed", "https://a.example.com", "authorization", true, "https://a.example.com", "authorization"},
		{"patterns", "preflight, CRLF in headers", "https://a.example.com", "authorization\r\nx-evil: 1", true, "", ""},
		{"patterns", "preflight, markup in headers", "https://a.example.com", "<script>alert(1)</script>", true, "", ""},
		{"patterns", "preflight, path in origin", "https://evil.com/.example.com", "authorization", true, "", ""},
		{"any", "anything allowed, nothing echoed", "https://a.example.com", "", false, "*", ""},
		{"any", "malformed origin", "https://evil.com/<script>", "", false, "", ""},
		{"any", "preflight, CRLF in headers", "https://a.example.com", "authorization\r\nx-evil: 1", true, "", ""},
		{"any", "preflight, markup in headers", "https://a.example.com", "accept,<b>", true, "", ""},
		{"any", "preflight, allowed headers", "https://a.example.com", "accept,authorization", true, "*", "accept,authorization"},
	}
	for _, tc := range tests {
		t.Run(tc.config+" "+tc.name, func(t *testing.T) {
			env := map[string]string{"CORS_ALLOWED_ORIGINS": configs[tc.config]}
			cfg, err := config.Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			method := http.MethodGet
			if tc.preflight {
				method = http.MethodOptions
			}
			req := httptest.NewRequest(method, "/health", nil)
			// Set directly: Header.Set would not stop CR/LF either, and a
			// front may deliver any bytes.
			req.Header["Origin"] = []string{strings.ReplaceAll(strings.ReplaceAll(tc.origin, `\r`, "\r"), `\n`, "\n")}
			if tc.preflight {
				req.Header["Access-Control-Request-Method"] = []string{"GET"}
				req.Header["Access-Control-Request-Headers"] = []string{strings.ReplaceAll(strings.ReplaceAll(tc.reqHeaders, `\r`, "\r"), `\n`, "\n")}
			}
			rec := httptest.NewRecorder()
			httpapi.NewServer(cfg).ServeHTTP(rec, req)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tc.wantOrigin)
			}
			if got := rec.Header().Get("Access-Control-Allow-Headers"); got != tc.wantHeaders {
				t.Errorf("Access-Control-Allow-Headers = %q, want %q", got, tc.wantHeaders)
			}
			for k, vs := range rec.Header() {
				for _, v := range vs {
					if strings.ContainsAny(v, "\r\n<>") || strings.Contains(v, "evil") {
						t.Errorf("answer header %s: %q echoes the request", k, v)
					}
				}
			}
			if !tc.preflight && (rec.Code != 200 || rec.Body.String() != seedBody) {
				t.Errorf("got %d %s: CORS must not change the answer itself", rec.Code, rec.Body)
			}
		})
	}
}
