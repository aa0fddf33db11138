package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.uber.org/goleak"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

const (
	degradedBody  = `{"status":"degraded","message":"WhatsApp Contact Processor API is running with degraded dependencies"}`
	unhealthyBody = `{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`
	token         = "s3cret-token"
	reason        = "dial tcp 10.0.0.7:5432: connection refused"
)

func ok(context.Context) error  { return nil }
func bad(context.Context) error { return errors.New(reason) }

func serve(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestReadinessAnswers is the answer table of the README: which state gives
// which status and body on which route.
func TestReadinessAnswers(t *testing.T) {
	states := map[string][]checks.Check{
		"no checks":             nil,
		"all pass":              {{Name: "db", Critical: true, Func: ok}, {Name: "crm", Func: ok}},
		"non-critical failure":  {{Name: "db", Critical: true, Func: ok}, {Name: "crm", Func: bad}},
		"critical failure":      {{Name: "db", Critical: true, Func: bad}, {Name: "crm", Func: ok}},
		"critical and non-crit": {{Name: "db", Critical: true, Func: bad}, {Name: "crm", Func: bad}},
	}
	tests := []struct {
		state, method, path string
		wantStatus          int
		wantBody            string
	}{
		{"no checks", "GET", "/health", 200, seedBody},
		{"no checks", "GET", "/health/ready", 200, seedBody},
		{"no checks", "GET", "/health/live", 200, seedBody},
		{"all pass", "GET", "/health", 200, seedBody},
		{"all pass", "GET", "/health/ready", 200, seedBody},
		{"non-critical failure", "GET", "/health", 200, degradedBody},
		{"non-critical failure", "GET", "/health/ready", 200, degradedBody},
		{"non-critical failure", "GET", "/health/live", 200, seedBody},
		{"critical failure", "GET", "/health", 503, unhealthyBody},
		{"critical failure", "GET", "/health?x=1", 503, unhealthyBody},
		{"critical failure", "GET", "/health/ready", 503, unhealthyBody},
		{"critical failure", "HEAD", "/health", 503, ""},
		{"critical failure", "GET", "/health/live", 200, seedBody},
		{"critical failure", "HEAD", "/health/live", 200, ""},
		{"critical and non-crit", "GET", "/health", 503, unhealthyBody},
		{"critical failure", "POST", "/health/ready", 405, `{"error":"method not allowed"}`},
		{"critical failure", "DELETE", "/health/live", 405, `{"error":"method not allowed"}`},
		{"critical failure", "GET", "/health/live/", 404, `{"error":"not found"}`},
		{"critical failure", "GET", "/health/db", 404, `{"error":"not found"}`},
	}
	for _, tc := range tests {
		t.Run(tc.state+" "+tc.method+" "+tc.path, func(t *testing.T) {
			srv := httpapi.NewServer(httpapi.Config{AllowedOrigins: []string{"*"}, Checks: states[tc.state]})
			rec := serve(srv, tc.method, tc.path, nil)
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %s, want %d %s", rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
			}
			want := map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
			if tc.wantStatus == 405 {
				want["Allow"] = "GET, HEAD"
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// countingServer is a dependency that counts the requests it sees.
func countingServer(t *testing.T, delay time.Duration) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(delay)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func loadConfig(t *testing.T, env map[string]string) httpapi.Config {
	t.Helper()
	cfg, err := httpapi.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestBurstCostsTheDependencyOneRequestPerTTL(t *testing.T) {
	dep, hits := countingServer(t, 50*time.Millisecond)
	const ttl = time.Second
	srv := httpapi.NewServer(loadConfig(t, map[string]string{
		"HEALTH_CHECKS":    "crm=" + dep.URL + "/health",
		"HEALTH_CACHE_TTL": ttl.String(),
	}))
	burst := func() {
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				path := []string{"/health", "/health/ready", "/health?verbose"}[i%3]
				if rec := serve(srv, "GET", path, nil); rec.Code != 200 {
					t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
				}
			})
		}
		wg.Wait()
	}
	start := time.Now()
	burst()
	if n := hits.Load(); n != 1 {
		t.Fatalf("cold cache, 50 concurrent requests: the dependency saw %d, want 1", n)
	}
	burst()
	if n := hits.Load(); n != 1 {
		t.Fatalf("within the TTL: the dependency saw %d more", n-1)
	}
	if el := time.Since(start); el > ttl/2 {
		t.Logf("bursts took %v; the TTL assertions may be loose", el)
	}
	time.Sleep(time.Until(start.Add(ttl + 100*time.Millisecond)))
	burst()
	if n := hits.Load(); n != 2 {
		t.Fatalf("after the TTL: the dependency saw %d in all, want 2", n)
	}
}

func TestWhenEveryCheckHangsThenTheAnswerComesWithinTheBudget(t *testing.T) {
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	// A listener that never accepts: connects complete (backlog), but the
	// HTTP request then hangs, as a wedged dependency does.
	wedged, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer func() { close(release); hanging.Close(); wedged.Close() }()

	const budget = 300 * time.Millisecond
	srv := httpapi.NewServer(loadConfig(t, map[string]string{
		"HEALTH_CHECKS": "a=" + hanging.URL + "/;b=" + hanging.URL + "/x,noncritical;" +
			"c=http://" + wedged.Addr().String() + "/;d=" + hanging.URL + "/y,timeout=100ms",
		"HEALTH_CHECK_BUDGET": budget.String(),
	}))
	start := time.Now()
	rec := serve(srv, "GET", "/health", nil)
	el := time.Since(start)
	if rec.Code != 503 || rec.Body.String() != unhealthyBody {
		t.Errorf("got %d %s, want 503 unhealthy", rec.Code, rec.Body)
	}
	if el > budget+400*time.Millisecond {
		t.Errorf("answered after %v; budget %v", el, budget)
	}
	t.Logf("answered 503 after %v (budget %v)", el, budget)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile("testdata/health-json.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := jsonschema.CompileString("health-json.schema.json", string(b))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDetailView(t *testing.T) {
	schema := compileSchema(t)
	cs := []checks.Check{
		{Name: "db", Critical: true, Func: ok},
		{Name: "crm", Func: bad},
	}
	failing := []checks.Check{{Name: "db", Critical: true, Func: bad}}
	withToken := httpapi.Config{Checks: cs, DetailsToken: token}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	tests := []struct {
		name       string
		cfg        httpapi.Config
		target     string
		header     http.Header
		wantStatus int
		want       checks.Status
		details    bool // version and real reasons shown
	}{
		{name: "verbose, no token configured", cfg: httpapi.Config{Checks: cs}, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "warn"},
		{name: "verbose, token configured, none sent", cfg: withToken, target: "/health?verbose", wantStatus: 200, want: "warn"},
		{name: "verbose, wrong token", cfg: withToken, target: "/health?verbose=1",
			header: http.Header{"Authorization": {"Bearer s3cret-tokeN"}}, wantStatus: 200, want: "warn"},
		{name: "verbose, token as basic", cfg: withToken, target: "/health?verbose",
			header: http.Header{"Authorization": {"Basic " + token}}, wantStatus: 200, want: "warn"},
		{name: "verbose, right token", cfg: withToken, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "warn", details: true},
		{name: "right token, lower-case scheme", cfg: withToken, target: "/health/ready?verbose",
			header: http.Header{"Authorization": {"bearer " + token}}, wantStatus: 200, want: "warn", details: true},
		{name: "Accept alone", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/health+json"}}, wantStatus: 200, want: "warn"},
		{name: "Accept in a list", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/json;q=0.9, application/health+json, */*"}}, wantStatus: 200, want: "warn"},
		{name: "Accept split on commas by the front", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/health+json", " */*"}}, wantStatus: 200, want: "warn"},
		{name: "critical failure", cfg: httpapi.Config{Checks: failing, DetailsToken: token}, target: "/health?verbose",
			wantStatus: 503, want: "fail"},
		{name: "critical failure with token", cfg: httpapi.Config{Checks: failing, DetailsToken: token}, target: "/health?verbose",
			header: bearer, wantStatus: 503, want: "fail", details: true},
		{name: "no checks", cfg: httpapi.Config{DetailsToken: token}, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "pass", details: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(httpapi.NewServer(tc.cfg), "GET", tc.target, tc.header)
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/health+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var doc any
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("%v: %s", err, rec.Body)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("not application/health+json: %#v\n%s", err, rec.Body)
			}
			var got struct {
				Status    checks.Status
				Version   *string
				ReleaseID *string `json:"releaseId"`
				ServiceID string  `json:"serviceId"`
				Checks    map[string][]struct {
					Status checks.Status
					Output *string
				}
			}
			json.Unmarshal(rec.Body.Bytes(), &got)
			if got.Status != tc.want || got.ServiceID != httpapi.DefaultServiceID {
				t.Errorf("status %s serviceId %q, want %s %q", got.Status, got.ServiceID, tc.want, httpapi.DefaultServiceID)
			}
			body := rec.Body.String()
			if tc.details {
				if got.Version == nil || *got.Version != "dev" || got.ReleaseID == nil || *got.ReleaseID != "dev" {
					t.Errorf("version/releaseId missing for an authorized caller: %s", body)
				}
			} else {
				if strings.Contains(body, "version") || strings.Contains(body, "releaseId") ||
					strings.Contains(body, "10.0.0.7") || strings.Contains(body, "refused") {
					t.Errorf("details leaked to an unauthorized caller: %s", body)
				}
			}
			for name, entries := range got.Checks {
				e := entries[0]
				switch {
				case e.Status == "pass" && e.Output != nil:
					t.Errorf("%s passed but has output %q", name, *e.Output)
				case e.Status == "fail" && tc.details && (e.Output == nil || *e.Output != reason):
					t.Errorf("%s: output %v, want the reason", name, e.Output)
				case e.Status == "fail" && !tc.details && (e.Output == nil || *e.Output != "reason withheld"):
					t.Errorf("%s: output %v, want reason withheld", name, e.Output)
				}
			}
			if len(tc.cfg.Checks) != len(got.Checks) {
				t.Errorf("%d checks listed, want %d", len(got.Checks), len(tc.cfg.Checks))
			}
		})
	}
}

func TestDetailViewExample(t *testing.T) {
	rec := serve(httpapi.NewServer(httpapi.Config{Checks: []checks.Check{
		{Name: "db", Critical: true, Func: ok},
		{Name: "crm", Func: bad},
	}}), "GET", "/health?verbose", nil)
	var doc map[string]any
	json.Unmarshal(rec.Body.Bytes(), &doc)
	crm := doc["checks"].(map[string]any)["crm:responseTime"].([]any)[0].(map[string]any)
	db := doc["checks"].(map[string]any)["db:responseTime"].([]any)[0].(map[string]any)
	if doc["status"] != "warn" || doc["description"] == "" || crm["status"] != "fail" || db["status"] != "pass" ||
		crm["componentType"] != "component" || crm["observedUnit"] != "ms" {
		t.Errorf("unexpected document: %s", rec.Body)
	}
}

func TestPlainViewIsKeptForOtherAccepts(t *testing.T) {
	srv := httpapi.NewServer(httpapi.Config{Checks: []checks.Check{{Name: "db", Critical: true, Func: ok}}})
	for _, accept := range []string{"", "application/json", "*/*", "application/health+json;q=0", "text/html, application/health+jsonx"} {
		rec := serve(srv, "GET", "/health", http.Header{"Accept": {accept}})
		if rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != seedBody {
			t.Errorf("Accept %q: got %s %s, want the plain seed answer", accept, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{name: "empty", env: nil},
		{name: "full", env: map[string]string{
			"HEALTH_CHECKS":       "db=tcp://db.internal:5432;crm=https://crm.example/health,noncritical,timeout=500ms",
			"HEALTH_CHECK_BUDGET": "1s", "HEALTH_CACHE_TTL": "0", "HEALTH_DETAILS_TOKEN": "t", "HEALTH_SERVICE_ID": "x"}},
		{name: "bad entry", env: map[string]string{"HEALTH_CHECKS": "db=tcp://db.internal:5432;crm=ftp://crm"},
			wantErr: `HEALTH_CHECKS entry 2 ("crm"): unsupported scheme "ftp"`},
		{name: "bad budget", env: map[string]string{"HEALTH_CHECK_BUDGET": "fast"}, wantErr: `HEALTH_CHECK_BUDGET "fast"`},
		{name: "zero budget", env: map[string]string{"HEALTH_CHECK_BUDGET": "0s"}, wantErr: `HEALTH_CHECK_BUDGET "0s"`},
		{name: "bad TTL", env: map[string]string{"HEALTH_CACHE_TTL": "-1s"}, wantErr: `HEALTH_CACHE_TTL "-1s"`},
		{name: "timeout over the budget", env: map[string]string{"HEALTH_CHECKS": "db=tcp://db:1,timeout=2s"},
			wantErr: `HEALTH_CHECKS entry 1 ("db"): timeout 2s exceeds HEALTH_CHECK_BUDGET 1.5s`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := httpapi.LoadConfig(func(k string) string { return tc.env[k] })
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.AllowedOrigins[0] != "*" {
					t.Errorf("CORS default lost: %v", cfg.AllowedOrigins)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
