package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/funcmain"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/samlocal"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

// README's "What answers what" is checked here, row by row and front by
// front, so it cannot drift from what the code and the template do.
//
// A front is one entry of fronts: the README column it belongs to (several
// fronts may share one) and how it turns a request into an answer. Adding a
// front (VPC Lattice, say) is one more entry here and its name in a column
// heading of the README's table.

// request is one concrete request a README row stands for.
type request struct {
	method, path string
	header       map[string]string
	// badBody sends a body marked base64 that is not: no front could have
	// sent it.
	badBody bool
}

// got is a front's answer to a request.
type got struct {
	status int
	header http.Header
	body   string
}

// front answers requests as one AWS front (or local mode) would. serve is
// built once per handler the function could have (newHandler, or one that
// panics).
type front struct {
	name string
	// fn: the front always invokes the function, so the README's body column
	// describes its answers.
	fn    bool
	serve func(t *testing.T, nh funcmain.NewHandler) func(request) (got, bool)
}

var fronts = []front{
	{name: "REST API, deployed", serve: restDeployed},
	{name: "make run", serve: localMode},
	{name: "HTTP API", fn: true, serve: invoking("http-api.json", v2Event)},
	{name: "Function URL", fn: true, serve: invoking("function-url.json", v2Event)},
	{name: "ALB", fn: true, serve: invoking("alb.json", albEvent)},
	{name: "VPC Lattice", fn: true, serve: invoking("lattice-v2.json", latticeEvent)},
}

// requestsFor are the requests of the rows whose first cell names none in
// backticks (`GET /health`).
var requestsFor = map[string][]request{
	"CORS preflight on `/health`, `/health/ready`, `/health/live`": {
		{method: "OPTIONS", path: "/health", header: preflight}, {method: "OPTIONS", path: "/health/ready", header: preflight},
		{method: "OPTIONS", path: "/health/live", header: preflight},
	},
	"CORS preflight on `/health/details`": {{method: "OPTIONS", path: "/health/details", header: preflight}},
	"`OPTIONS` without `Origin` on `/health`, `/health/ready`, `/health/live`": {
		{method: "OPTIONS", path: "/health"}, {method: "OPTIONS", path: "/health/ready"},
		{method: "OPTIONS", path: "/health/live", header: map[string]string{"Access-Control-Request-Method": "GET"}},
	},
	"another method on a health path": {
		{method: "POST", path: "/health"}, {method: "PUT", path: "/health/ready"}, {method: "DELETE", path: "/health/live"},
		{method: "PATCH", path: "/health/details"}, {method: "OPTIONS", path: "/health/details"},
	},
	"another path": {{method: "GET", path: "/nope"}, {method: "GET", path: "/"}, {method: "GET", path: "/Prod/health"}},
	"a request no front could have sent (bad base64 body)": {{method: "GET", path: "/health", badBody: true}},
	"a bug (panic)": {{method: "GET", path: "/health"}, {method: "GET", path: "/health/live"}},
}

var preflight = map[string]string{"Origin": "https://dashboard.example", "Access-Control-Request-Method": "GET"}

func TestREADMEWhatAnswersWhat(t *testing.T) {
	header, rows := readmeTable(t, "What answers what")
	if len(header) < 3 || header[0] != "request" || header[len(header)-1] != "body the function sends" {
		t.Fatalf("table heading %q: want request | <fronts> … | body the function sends", header)
	}
	// Each front's column, and each column's fronts.
	col := map[string]int{}
	for _, f := range fronts {
		for i, h := range header[1 : len(header)-1] {
			if slices.Contains(splitFronts(h), f.name) {
				col[f.name] = i + 1
			}
		}
		if col[f.name] == 0 {
			t.Errorf("front %q has no column in README's table %q", f.name, header)
		}
	}
	for i, h := range header[1 : len(header)-1] {
		for _, name := range splitFronts(h) {
			if !slices.ContainsFunc(fronts, func(f front) bool { return f.name == name }) {
				t.Errorf("README column %d names %q, which this test does not know as a front", i+1, name)
			}
		}
	}

	panics := func(func(string) string, *slog.Logger) (http.Handler, error) {
		return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug") }), nil
	}
	serve := map[string]func(request) (got, bool){}
	servePanic := map[string]func(request) (got, bool){}
	for _, f := range fronts {
		serve[f.name] = f.serve(t, newHandler)
		servePanic[f.name] = f.serve(t, panics)
	}

	seen := map[string]bool{}
	for _, row := range rows {
		label := row[0]
		seen[label] = true
		reqs := backtickedRequests(label)
		if len(reqs) == 0 {
			reqs = requestsFor[label]
		}
		if len(reqs) == 0 {
			t.Errorf("README row %q: no request in backticks and none in requestsFor", label)
			continue
		}
		want := map[string]string{}
		for _, f := range fronts {
			want[f.name] = row[col[f.name]]
		}
		bodyCell := row[len(row)-1]
		for _, r := range reqs {
			for _, f := range fronts {
				s := serve[f.name]
				if strings.HasPrefix(label, "a bug") {
					s = servePanic[f.name]
				}
				t.Run(label+"/"+r.method+" "+r.path+"/"+f.name, func(t *testing.T) {
					g, sent := s(r)
					checkCell(t, want[f.name], r.method, g, sent)
					if f.fn && sent {
						checkBody(t, bodyCell, g)
					}
				})
			}
		}
	}
	for label := range requestsFor {
		if !seen[label] {
			t.Errorf("requestsFor has %q, which is no row of README's table (rename both)", label)
		}
	}
}

// splitFronts turns a column heading into front names: "HTTP API, Function
// URL, ALB" -> three; "REST API, deployed" is one; "`make run`" is make run.
func splitFronts(h string) []string {
	h = strings.ReplaceAll(h, "`", "")
	if strings.HasPrefix(h, "REST API") {
		return []string{h}
	}
	var out []string
	for f := range strings.SplitSeq(h, ",") {
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

var (
	reqInLabel  = regexp.MustCompile("`([A-Z]+) (/[^`]*)`")
	statusRe    = regexp.MustCompile(`^(\d{3})((?:/\d{3})*)`)
	allowInCell = regexp.MustCompile("`Allow: ([^`]+)`")
	jsonInCell  = regexp.MustCompile("`(\\{[^`]*\\})`")
)

func backtickedRequests(label string) []request {
	var out []request
	for _, m := range reqInLabel.FindAllStringSubmatch(label, -1) {
		out = append(out, request{method: m[1], path: m[2]})
	}
	return out
}

// checkCell holds an answer to a cell: "—" (no such request reaches this
// front), else statuses ("200", "200/503") first, then optionally a
// backticked JSON body (what a GET gets; a HEAD gets none) and a backticked
// `Allow: …` header the answer must carry.
func checkCell(t *testing.T, cell, method string, g got, sent bool) {
	t.Helper()
	if cell == "—" {
		return
	}
	if !sent {
		t.Fatalf("cell %q, but the test cannot send this request to this front", cell)
	}
	m := statusRe.FindStringSubmatch(cell)
	if m == nil {
		t.Fatalf("cell %q does not start with a status", cell)
	}
	codes := strings.Split(m[1]+m[2], "/")
	if !slices.Contains(codes, strconv.Itoa(g.status)) {
		t.Errorf("README says %q; the answer is %d %s", cell, g.status, g.body)
	}
	if b := jsonInCell.FindStringSubmatch(cell); b != nil && method != http.MethodHead && g.body != b[1] {
		t.Errorf("README says body %s; the answer's is %q", b[1], g.body)
	}
	allow := allowInCell.FindStringSubmatch(cell)
	if allow == nil && g.header.Get("Allow") != "" {
		t.Errorf("README's cell %q has no Allow; the answer has Allow: %s", cell, g.header.Get("Allow"))
	}
	if allow != nil && g.header.Get("Allow") != allow[1] {
		t.Errorf("README says Allow: %s; the answer has %q", allow[1], g.header.Get("Allow"))
	}
}

// checkBody holds the function's answer to the README's body column.
func checkBody(t *testing.T, cell string, g got) {
	t.Helper()
	// README: every answer the function sends carries the security headers.
	for k, v := range secheaders.Header() {
		if g.header.Get(k) != v[0] {
			t.Errorf("the answer has %s: %q, want %q (README: every answer carries the security headers)", k, g.header.Get(k), v[0])
		}
	}
	switch {
	case strings.HasPrefix(cell, "none"):
		if g.body != "" {
			t.Errorf("README says no body; the function sent %q", g.body)
		}
	case strings.HasPrefix(cell, "the seed body"):
		if g.body != httpapi.HealthyBody {
			t.Errorf("README says the seed body; the function sent %q", g.body)
		}
	case strings.HasPrefix(cell, "the detailed readiness view"):
		if ct := g.header.Get("Content-Type"); ct != "application/health+json" {
			t.Errorf("README says the detailed view; the function sent %s %q", ct, g.body)
		}
	case jsonInCell.MatchString(cell):
		if b := jsonInCell.FindStringSubmatch(cell)[1]; g.body != b {
			t.Errorf("README says body %s; the function sent %q", b, g.body)
		}
	default:
		t.Errorf("README body cell %q: this test does not know what it means", cell)
	}
}

// readmeTable returns the heading and rows of the first table under the
// README heading "## <section>".
func readmeTable(t *testing.T, section string) ([]string, [][]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rietest.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n## "+section+"\n")
	if !ok {
		t.Fatalf("README has no section %q", section)
	}
	var rows [][]string
	for line := range strings.Lines(rest) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := splitRow(line)
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // the |---| line
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("README section %q has no table", section)
	}
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			t.Fatalf("README row %q has %d cells, the heading %d", r, len(r), len(rows[0]))
		}
	}
	return rows[0], rows[1:]
}

// splitRow splits a Markdown table row on the pipes outside backticks.
func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	code := false
	for _, c := range line {
		switch {
		case c == '`':
			code = !code
		case c == '|' && !code:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteRune(c)
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// invoking is a front that sends every request to the function as an event
// shaped from the sample event file (internal/lambdahttp/testdata), through
// the adapter with the options funcmain gives it.
func invoking(sample string, shape func(ev map[string]any, r request)) func(*testing.T, funcmain.NewHandler) func(request) (got, bool) {
	return func(t *testing.T, nh funcmain.NewHandler) func(request) (got, bool) {
		h, err := nh(func(string) string { return "" }, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		fn := funcmain.Adapt(h, slog.New(slog.DiscardHandler), func(string) string { return "" })
		raw := rietest.SampleEvent(t, sample)
		return func(r request) (got, bool) {
			var ev map[string]any
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			shape(ev, r)
			if r.badBody {
				ev["body"], ev["isBase64Encoded"] = "%%% not base64 %%%", true
			}
			payload, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			out, err := fn.Invoke(t.Context(), payload)
			if err != nil {
				t.Fatalf("%s %s: %v", r.method, r.path, err)
			}
			return decodeAnswer(t, out), true
		}
	}
}

func decodeAnswer(t *testing.T, out []byte) got {
	t.Helper()
	var a struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("answer %s: %v", out, err)
	}
	g := got{status: a.StatusCode, header: http.Header{}, body: a.Body}
	for k, v := range a.Headers {
		g.header.Set(k, v)
	}
	for k, vs := range a.MultiValueHeaders {
		for _, v := range vs {
			g.header.Add(k, v)
		}
	}
	if a.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(a.Body)
		if err != nil {
			t.Fatal(err)
		}
		g.body = string(b)
	}
	return g
}

func restEventShape(ev map[string]any, r request) {
	ev["httpMethod"], ev["path"], ev["resource"] = r.method, r.path, r.path
	rc, _ := ev["requestContext"].(map[string]any)
	rc["httpMethod"], rc["resourcePath"] = r.method, r.path
	h, _ := ev["headers"].(map[string]any)
	mh, _ := ev["multiValueHeaders"].(map[string]any)
	for k, v := range r.header {
		h[k], mh[k] = v, []string{v}
	}
}

func v2Event(ev map[string]any, r request) {
	ev["rawPath"] = r.path
	ev["routeKey"] = "$default"
	rc, _ := ev["requestContext"].(map[string]any)
	hc, _ := rc["http"].(map[string]any)
	hc["method"], hc["path"] = r.method, r.path
	h, _ := ev["headers"].(map[string]any)
	for k, v := range r.header {
		h[strings.ToLower(k)] = v
	}
}

func albEvent(ev map[string]any, r request) {
	ev["httpMethod"], ev["path"] = r.method, r.path
	h, _ := ev["headers"].(map[string]any)
	for k, v := range r.header {
		h[strings.ToLower(k)] = v
	}
}

// latticeEvent shapes VPC Lattice's event structure V2: header values are
// lists.
func latticeEvent(ev map[string]any, r request) {
	ev["method"], ev["path"] = r.method, r.path
	h, _ := ev["headers"].(map[string]any)
	for k, v := range r.header {
		h[strings.ToLower(k)] = []any{v}
	}
}

// missingToken is API Gateway's answer to a REST request no method matches,
// and to an unsigned one on an AWS_IAM method.
const missingToken = `{"message":"Missing Authentication Token"}`

// restDeployed is the deployed REST API: API Gateway matches the request
// against the template's methods (a trailing slash does not keep a path from
// matching its resource, so /health/ reaches the function), answers 403
// itself when none matches or when the method wants a SigV4 signature (the
// test sends none), and otherwise invokes the function with the REST event.
func restDeployed(t *testing.T, nh funcmain.NewHandler) func(request) (got, bool) {
	tmpl, err := samlocal.Load(filepath.Join(rietest.ModuleRoot(t), "template.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := tmpl.Function("HealthFunction")
	if err != nil {
		t.Fatal(err)
	}
	invoke := invoking("rest-api.json", restEventShape)(t, nh)
	return func(r request) (got, bool) {
		if r.badBody {
			return got{}, false
		}
		p := strings.TrimSuffix(r.path, "/")
		for _, rt := range fn.Routes {
			if rt.Path != p || !slices.Contains(rt.Methods, r.method) {
				continue
			}
			if rt.Authorizer == "AWS_IAM" {
				return got{status: 403, header: http.Header{}, body: missingToken}, true
			}
			return invoke(r)
		}
		return got{status: 403, header: http.Header{}, body: missingToken}, true
	}
}

// localMode is `make run`: the function's own local mode (funcmain, as
// functions/health/main.go runs it) on a free port, reading template.yaml.
func localMode(t *testing.T, nh funcmain.NewHandler) func(request) (got, bool) {
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	var logs syncbuf.Buffer
	go func() {
		errc <- funcmain.Run(ctx, "health", []string{"-addr", "127.0.0.1:0"}, func(string) string { return "" }, &logs, nh, func(a net.Addr) { addrc <- a })
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-errc:
		cancel()
		t.Fatalf("local mode: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("local mode did not start")
	}
	t.Cleanup(func() { cancel(); <-errc })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(r request) (got, bool) {
		if r.badBody {
			return got{}, false
		}
		req, err := http.NewRequestWithContext(t.Context(), r.method, base+r.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return got{status: resp.StatusCode, header: resp.Header, body: string(b)}, true
	}
}

// TestREADMESeedBody: the answer README promises clients is the one the code
// sends (httpapi.HealthyBody, which every test imports).
func TestREADMESeedBody(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(rietest.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(b), "GET /health  ->  200 OK\n")
	block, _, _ = strings.Cut(block, "```")
	if !slices.Contains(strings.Split(block, "\n"), httpapi.HealthyBody) {
		t.Errorf("README's GET /health block %q does not show %s", block, httpapi.HealthyBody)
	}
}
