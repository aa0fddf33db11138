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
	"testing/synctest"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.uber.org/goleak"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

const (
	degradedBody  = `{"status":"degraded","message":"WhatsApp Contact Processor API is running with degraded dependencies"}`
	unhealthyBody = `{"status":"unhealthy","message":"WhatsApp Contact Processor API is unhealthy"}`
	token         = "s3cret-token-of-at-least-32-chars"
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
			srv := httpapi.NewServer(config.Config{AllowedOrigins: []string{"*"}, Checks: states[tc.state]})
			rec := serve(srv, tc.method, tc.path, nil)
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %s, want %d %s", rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
			}
			want := map[string]string{"Content-Type": "application/json"}
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

func loadConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// In a synctest bubble (fake clock): the dependency is a check function, and
// the TTL passes without waiting for it.
func TestBurstCostsTheDependencyOneRequestPerTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int32
		const ttl = time.Second
		srv := httpapi.NewServer(config.Config{
			Checks: []checks.Check{{Name: "crm", Critical: true, Func: func(context.Context) error {
				hits.Add(1)
				time.Sleep(50 * time.Millisecond) // the burst piles up meanwhile
				return nil
			}}},
			CacheTTL: new(ttl),
		})
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
		burst()
		if n := hits.Load(); n != 1 {
			t.Fatalf("cold cache, 50 concurrent requests: the dependency saw %d, want 1", n)
		}
		time.Sleep(ttl - time.Nanosecond)
		burst()
		if n := hits.Load(); n != 1 {
			t.Fatalf("within the TTL: the dependency saw %d more", n-1)
		}
		time.Sleep(time.Nanosecond)
		burst()
		if n := hits.Load(); n != 2 {
			t.Fatalf("after the TTL: the dependency saw %d in all, want 2", n)
		}
	})
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
	// Real sockets: the answer and no goroutine left behind; when it comes is
	// TestWhenEveryCheckHangsThenTheAnswerComesAtTheBudget's (a fake clock).
	if rec := serve(srv, "GET", "/health", nil); rec.Code != 503 || rec.Body.String() != unhealthyBody {
		t.Errorf("got %d %s, want 503 unhealthy", rec.Code, rec.Body)
	}
}

// The same hangs as check functions, in a synctest bubble: the answer comes
// at the budget exactly, whatever the checks do.
func TestWhenEveryCheckHangsThenTheAnswerComesAtTheBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		hang := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
		stuck := func(context.Context) error { <-release; return nil } // ignores its context
		const budget = 300 * time.Millisecond
		srv := httpapi.NewServer(config.Config{CheckBudget: budget, Checks: []checks.Check{
			{Name: "a", Critical: true, Func: hang},
			{Name: "b", Func: hang},
			{Name: "c", Critical: true, Func: stuck},
			{Name: "d", Critical: true, Timeout: 100 * time.Millisecond, Func: hang},
		}})
		start := time.Now()
		rec := serve(srv, "GET", "/health", nil)
		if el := time.Since(start); el != budget {
			t.Errorf("answered after %v, want the budget, %v", el, budget)
		}
		if rec.Code != 503 || rec.Body.String() != unhealthyBody {
			t.Errorf("got %d %s, want 503 unhealthy", rec.Code, rec.Body)
		}
		close(release)
		synctest.Wait()
	})
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

// callerKey stands for what the Lambda front attests (the request context's
// IAM identity); tests put it on the request's context.
type callerKey struct{}

func trustedCaller(r *http.Request) (string, bool) {
	p, ok := r.Context().Value(callerKey{}).(string)
	return p, ok
}

// TestDetailView pins the detailed-view policy: anonymous callers see the
// overall status, or with PublicChecks each check's name and status;
// latencies, reasons, observations and the version only for a bearer token
// holder or a caller the front vouches for. /health/details always answers
// the detailed view under the same policy.
func TestDetailView(t *testing.T) {
	schema := compileSchema(t)
	cs := []checks.Check{
		{Name: "db", Critical: true, Func: ok},
		{Name: "crm", Func: bad},
	}
	failing := []checks.Check{{Name: "db", Critical: true, Func: bad}}
	withToken := config.Config{Checks: cs, DetailsToken: token}
	public := config.Config{Checks: cs, DetailsToken: token, PublicChecks: true}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	const (
		status = "status only"
		names  = "names"
		full   = "full"
	)
	tests := []struct {
		name       string
		cfg        config.Config
		target     string
		header     http.Header
		caller     string // vouched for by the front
		wantStatus int
		want       checks.Status
		view       string
	}{
		{name: "verbose, no token configured", cfg: config.Config{Checks: cs}, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "warn", view: status},
		{name: "verbose, token configured, none sent", cfg: withToken, target: "/health?verbose", wantStatus: 200, want: "warn", view: status},
		{name: "verbose, wrong token", cfg: withToken, target: "/health?verbose=1",
			header: http.Header{"Authorization": {"Bearer " + strings.ToUpper(token)}}, wantStatus: 200, want: "warn", view: status},
		{name: "verbose, token as basic", cfg: withToken, target: "/health?verbose",
			header: http.Header{"Authorization": {"Basic " + token}}, wantStatus: 200, want: "warn", view: status},
		{name: "verbose, right token", cfg: withToken, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "warn", view: full},
		{name: "right token, lower-case scheme", cfg: withToken, target: "/health/ready?verbose",
			header: http.Header{"Authorization": {"bearer " + token}}, wantStatus: 200, want: "warn", view: full},
		{name: "Accept alone", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/health+json"}}, wantStatus: 200, want: "warn", view: status},
		{name: "Accept in a list", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/json;q=0.9, application/health+json, */*"}}, wantStatus: 200, want: "warn", view: status},
		{name: "Accept split on commas by the front", cfg: withToken, target: "/health",
			header: http.Header{"Accept": {"application/health+json", " */*"}}, wantStatus: 200, want: "warn", view: status},
		{name: "critical failure", cfg: config.Config{Checks: failing, DetailsToken: token}, target: "/health?verbose",
			wantStatus: 503, want: "fail", view: status},
		{name: "critical failure with token", cfg: config.Config{Checks: failing, DetailsToken: token}, target: "/health?verbose",
			header: bearer, wantStatus: 503, want: "fail", view: full},
		{name: "no checks", cfg: config.Config{DetailsToken: token}, target: "/health?verbose",
			header: bearer, wantStatus: 200, want: "pass", view: full},
		{name: "public checks", cfg: public, target: "/health?verbose", wantStatus: 200, want: "warn", view: names},
		{name: "public checks, Accept", cfg: public, target: "/health/ready",
			header: http.Header{"Accept": {"application/health+json"}}, wantStatus: 200, want: "warn", view: names},
		{name: "public checks, right token", cfg: public, target: "/health?verbose", header: bearer, wantStatus: 200, want: "warn", view: full},
		{name: "public checks, critical failure", cfg: config.Config{Checks: failing, PublicChecks: true}, target: "/health?verbose",
			wantStatus: 503, want: "fail", view: names},
		{name: "front vouches for the caller", cfg: config.Config{Checks: cs}, target: "/health?verbose",
			caller: "arn:aws:iam::123456789012:user/ops", wantStatus: 200, want: "warn", view: full},
		{name: "caller's own header vouches for nothing", cfg: config.Config{Checks: cs}, target: "/health?verbose",
			header: http.Header{"X-Amzn-Principal": {"arn:aws:iam::123456789012:root"}}, wantStatus: 200, want: "warn", view: status},
		{name: "details route, anonymous", cfg: withToken, target: "/health/details", wantStatus: 200, want: "warn", view: status},
		{name: "details route, public checks", cfg: public, target: "/health/details", wantStatus: 200, want: "warn", view: names},
		{name: "details route, token", cfg: withToken, target: "/health/details", header: bearer, wantStatus: 200, want: "warn", view: full},
		{name: "details route, vouched for", cfg: config.Config{Checks: failing}, target: "/health/details",
			caller: "arn:aws:sts::123456789012:assumed-role/ops/me", wantStatus: 503, want: "fail", view: full},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.target, nil)
			for k, vs := range tc.header {
				req.Header[k] = vs
			}
			if tc.caller != "" {
				req = req.WithContext(context.WithValue(req.Context(), callerKey{}, tc.caller))
			}
			rec := httptest.NewRecorder()
			httpapi.NewServer(tc.cfg, httpapi.WithTrustedCaller(trustedCaller)).ServeHTTP(rec, req)
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/health+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var doc map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatalf("%v: %s", err, rec.Body)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("not application/health+json: %#v\n%s", err, rec.Body)
			}
			body := rec.Body.String()
			if doc["status"] != string(tc.want) || doc["serviceId"] != config.DefaultServiceID {
				t.Errorf("status %v serviceId %v, want %s %q", doc["status"], doc["serviceId"], tc.want, config.DefaultServiceID)
			}
			checksDoc, _ := doc["checks"].(map[string]any)
			switch tc.view {
			case status:
				if len(doc) != 3 || checksDoc != nil {
					t.Errorf("anonymous caller sees more than the overall status: %s", body)
				}
			case names:
				if len(doc) != 4 || len(checksDoc) != len(tc.cfg.Checks) {
					t.Errorf("want status, serviceId, description and %d checks: %s", len(tc.cfg.Checks), body)
				}
				for _, c := range tc.cfg.Checks {
					e, _ := checksDoc[c.Name+":responseTime"].([]any)
					if len(e) != 1 {
						t.Fatalf("check %s missing: %s", c.Name, body)
					}
					entry := e[0].(map[string]any)
					for k := range entry {
						if k != "status" && k != "output" {
							t.Errorf("check %s shows %s to an anonymous caller: %s", c.Name, k, body)
						}
					}
					if entry["status"] == "fail" && entry["output"] != "reason withheld" {
						t.Errorf("check %s: output %v, want reason withheld", c.Name, entry["output"])
					}
				}
			case full:
				if doc["version"] != "dev" || doc["releaseId"] != "dev" {
					t.Errorf("version/releaseId missing for an authorised caller: %s", body)
				}
				if len(checksDoc) != len(tc.cfg.Checks) {
					t.Errorf("%d checks listed, want %d: %s", len(checksDoc), len(tc.cfg.Checks), body)
				}
				for name, e := range checksDoc {
					entry := e.([]any)[0].(map[string]any)
					if _, ok := entry["observedValue"].(float64); !ok || entry["observedUnit"] != "ms" || entry["time"] == nil || entry["componentType"] != "component" {
						t.Errorf("%s: latency, time or type missing: %v", name, entry)
					}
					switch {
					case entry["status"] == "pass" && entry["output"] != nil:
						t.Errorf("%s passed but has output %v", name, entry["output"])
					case entry["status"] == "fail" && entry["output"] != reason:
						t.Errorf("%s: output %v, want the reason", name, entry["output"])
					}
				}
			}
			if tc.view != full && (strings.Contains(body, "version") || strings.Contains(body, "releaseId") ||
				strings.Contains(body, "10.0.0.7") || strings.Contains(body, "refused") || strings.Contains(body, "observed")) {
				t.Errorf("details leaked to an unauthorised caller: %s", body)
			}
		})
	}
}

// An authorised caller sees what checks observed besides latency (a tls://
// check's certificate days to expiry), and a warning's reason.
func TestDetailViewShowsObservationsToAuthorisedCallers(t *testing.T) {
	cert := func(ctx context.Context) error {
		checks.Observe(ctx, checks.Observation{Measurement: "certificateExpiry", Value: 9, Unit: "d"})
		return checks.Warn(errors.New("certificate expires in 9 days"))
	}
	srv := httpapi.NewServer(config.Config{DetailsToken: token, PublicChecks: true,
		Checks: []checks.Check{{Name: "api", Kind: "system", Critical: true, Func: cert}}})
	for _, tc := range []struct {
		header http.Header
		want   string
	}{
		{http.Header{"Authorization": {"Bearer " + token}}, `"api:certificateExpiry":[{"componentType":"system","observedValue":9,"observedUnit":"d","status":"warn","time":`},
		{nil, `"checks":{"api:responseTime":[{"status":"warn","output":"reason withheld"}]}`},
	} {
		rec := serve(srv, "GET", "/health/details", tc.header)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("got %d %s\nwant it to contain %s", rec.Code, rec.Body, tc.want)
		}
		if err := compileSchema(t).Validate(decode(t, rec.Body.Bytes())); err != nil {
			t.Errorf("not application/health+json: %v", err)
		}
	}
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDetailViewExample(t *testing.T) {
	rec := serve(httpapi.NewServer(config.Config{DetailsToken: token, Checks: []checks.Check{
		{Name: "db", Critical: true, Func: ok},
		{Name: "crm", Func: bad},
	}}), "GET", "/health?verbose", http.Header{"Authorization": {"Bearer " + token}})
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
	srv := httpapi.NewServer(config.Config{Checks: []checks.Check{{Name: "db", Critical: true, Func: ok}}})
	for _, accept := range []string{"", "application/json", "*/*", "application/health+json;q=0", "text/html, application/health+jsonx"} {
		rec := serve(srv, "GET", "/health", http.Header{"Accept": {accept}})
		if rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != seedBody {
			t.Errorf("Accept %q: got %s %s, want the plain seed answer", accept, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestObserverSeesEveryReadinessAnswer(t *testing.T) {
	var runs, hits atomic.Int32
	srv := httpapi.NewServer(config.Config{Checks: []checks.Check{{Name: "db", Critical: true, Func: ok}}},
		httpapi.WithObserver(func(_ checks.Result, cached bool) {
			if cached {
				hits.Add(1)
			} else {
				runs.Add(1)
			}
		}))
	for _, path := range []string{"/health", "/health/ready", "/health/details", "/health/live"} {
		serve(srv, "GET", path, nil)
	}
	if runs.Load() != 1 || hits.Load() != 2 {
		t.Errorf("observer saw %d runs and %d cache hits, want 1 and 2 (liveness runs no check)", runs.Load(), hits.Load())
	}
}

// With no checks nothing runs, so a metrics observer must not log a constant
// "ready" line on every request.
func TestObserverHearsNothingWithoutChecks(t *testing.T) {
	var calls atomic.Int32
	srv := httpapi.NewServer(config.Default(), httpapi.WithObserver(func(checks.Result, bool) { calls.Add(1) }))
	for _, path := range []string{"/health", "/health/ready", "/health/details"} {
		if rec := serve(srv, "GET", path, nil); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("observer called %d times with no checks configured", n)
	}
}
