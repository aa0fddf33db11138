package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

const seedBody = `{"status":"healthy","message":"WhatsApp Contact Processor API is running"}`

func TestServer(t *testing.T) {
	srv := httpapi.NewServer(httpapi.ConfigFromEnv(func(string) string { return "" }))
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
			header:     map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "X-Custom"},
			wantStatus: 204, wantBody: "",
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "X-Custom", "Access-Control-Allow-Credentials": ""}},
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
			// Every answer, errors and preflights included, carries these.
			for k, want := range map[string]string{
				"Cache-Control":           "no-store",
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
				"Content-Security-Policy": "frame-ancestors 'none'",
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestCORSOrigins(t *testing.T) {
	env := map[string]string{"CORS_ALLOWED_ORIGINS": " https://a.example , https://b.example ,"}
	srv := httpapi.NewServer(httpapi.ConfigFromEnv(func(k string) string { return env[k] }))
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

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"", []string{"*"}},
		{" , ", []string{"*"}},
		{"https://a.example", []string{"https://a.example"}},
		{"https://a.example,https://b.example", []string{"https://a.example", "https://b.example"}},
	}
	for _, tc := range tests {
		got := httpapi.ConfigFromEnv(func(string) string { return tc.env }).AllowedOrigins
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want %q", tc.env, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %q, want %q", tc.env, got, tc.want)
			}
		}
	}
}
