package secheaders_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/secheaders"
)

func TestWrapSetsEveryHeader(t *testing.T) {
	h := secheaders.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Cache-Control", "private") // must not reach the shared value
		w.WriteHeader(http.StatusTeapot)
	}))
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		for k, want := range secheaders.Header() {
			got := rec.Header().Values(k)
			if k == "Cache-Control" {
				got = got[:1]
			}
			if len(got) != 1 || got[0] != want[0] {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	}
	if got := secheaders.Header().Values("Cache-Control"); len(got) != 1 {
		t.Errorf("the handler's Add leaked into the shared headers: %q", got)
	}
}

func TestHeaderIsACopy(t *testing.T) {
	secheaders.Header().Set("X-Frame-Options", "ALLOW")
	if got := secheaders.Header().Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q after a caller changed its copy", got)
	}
	if len(secheaders.Header()) != 5 {
		t.Errorf("got %d headers, want OWASP's 5", len(secheaders.Header()))
	}
}
