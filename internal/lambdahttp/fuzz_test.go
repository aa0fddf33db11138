package lambdahttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

// This file reads events its own way, with encoding/json into maps, apart
// from the package's decoder on purpose: the fuzz target checks the two agree.

type obj = map[string]any

// front is this test's reading of which front sent payload: "rest", "v2",
// "alb", "lattice", or "" for none (the package must then refuse it). The
// rules are the package's contract: an authorizer or WebSocket event is
// none; each front needs its requestContext marker (VPC Lattice V1: no
// requestContext and a raw_path), a non-empty string method and a string
// path; null is absent; nothing else decides.
func front(ev obj) string {
	if ev == nil {
		return ""
	}
	if t, _ := ev["type"].(string); t == "REQUEST" || t == "TOKEN" || ev["methodArn"] != nil || ev["routeArn"] != nil {
		return ""
	}
	rc, ok := ev["requestContext"].(obj)
	if !ok && ev["requestContext"] == nil && ev["raw_path"] != nil {
		return latticeFront(ev, "raw_path")
	}
	if !ok || rc["connectionId"] != nil || rc["eventType"] != nil {
		return ""
	}
	method, _ := ev["httpMethod"].(string)
	_, hasPath := ev["path"].(string)
	switch {
	case rc["elb"] != nil:
		if _, ok := rc["elb"].(obj); ok && method != "" && hasPath {
			return "alb"
		}
	case rc["http"] != nil:
		hp, _ := rc["http"].(obj)
		m, _ := hp["method"].(string)
		_, hasPath = hp["path"].(string)
		if ev["rawPath"] != nil {
			_, hasPath = ev["rawPath"].(string)
		}
		if m != "" && hasPath {
			return "v2"
		}
	case rc["targetGroupArn"] != nil:
		return latticeFront(ev, "path")
	case ev["httpMethod"] != nil:
		if method != "" && hasPath {
			return "rest"
		}
	}
	return ""
}

// latticeFront is "lattice" if ev has a non-empty string method and a string
// path under pathKey.
func latticeFront(ev obj, pathKey string) string {
	method, _ := ev["method"].(string)
	if _, ok := ev[pathKey].(string); ok && method != "" {
		return "lattice"
	}
	return ""
}

// documented keeps only the fields some front reads (by exact name, at
// their place): the answer may depend on nothing else.
func documented(ev obj) obj {
	keep := func(m obj, keys ...string) obj {
		out := obj{}
		for _, k := range keys {
			if v, ok := m[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	out := keep(ev, "httpMethod", "path", "rawPath", "rawQueryString", "headers", "multiValueHeaders",
		"queryStringParameters", "multiValueQueryStringParameters", "cookies", "body", "isBase64Encoded",
		"methodArn", "routeArn", "type", "method", "raw_path", "query_string_parameters", "is_base64_encoded")
	if rc, ok := ev["requestContext"].(obj); ok {
		r := keep(rc, "elb", "http", "domainName", "requestId", "stage", "identity", "authorizer", "connectionId", "eventType", "targetGroupArn")
		if hp, ok := rc["http"].(obj); ok {
			r["http"] = keep(hp, "method", "path", "sourceIp")
		}
		out["requestContext"] = r
	} else if v, ok := ev["requestContext"]; ok {
		out["requestContext"] = v
	}
	return out
}

// asHealthCheck turns ev into GET /health on the same front, keeping
// headers, query, cookies, body and host.
func asHealthCheck(ev obj, f string) obj {
	ev = clone(ev)
	if f == "lattice" {
		ev["method"] = "GET"
		if _, v2 := ev["requestContext"].(obj); v2 {
			ev["path"] = "/health"
		} else {
			ev["raw_path"] = "/health"
		}
		return ev
	}
	rc := ev["requestContext"].(obj)
	rc["stage"] = "$default"
	if f == "v2" {
		hp := rc["http"].(obj)
		hp["method"], hp["path"] = "GET", "/health"
		ev["rawPath"] = "/health"
	} else {
		ev["httpMethod"], ev["path"] = "GET", "/health"
	}
	return ev
}

// headerForms returns ev with the same headers, one value each, as
// "headers" only, as "multiValueHeaders" only, and split between the two.
func headerForms(ev obj) []obj {
	pairs := map[string]string{}
	if mv, ok := ev["multiValueHeaders"].(obj); ok {
		for k, v := range mv {
			vs, _ := v.([]any)
			for _, e := range slices.Backward(vs) {
				if s, ok := e.(string); ok {
					pairs[k] = s
					break
				}
			}
		}
	}
	if hs, ok := ev["headers"].(obj); ok {
		for k, v := range hs {
			if s, ok := v.(string); ok {
				pairs[k] = s
			}
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range pairs {
			if !yield(k) {
				return
			}
		}
	})
	var forms []obj
	for split := range 3 {
		f := clone(ev)
		single, multi := obj{}, obj{}
		for i, k := range keys {
			if split == 0 || split == 2 && i%2 == 0 {
				single[k] = pairs[k]
			} else {
				multi[k] = []any{pairs[k]}
			}
		}
		delete(f, "headers")
		delete(f, "multiValueHeaders")
		if split > 0 {
			f["multiValueHeaders"] = multi
		}
		if split != 1 {
			f["headers"] = single
		}
		forms = append(forms, f)
	}
	return forms
}

func clone(m obj) obj {
	b, _ := json.Marshal(m)
	var out obj
	_ = json.Unmarshal(b, &out)
	return out
}

// echoApp answers with the request's host and headers, sorted.
func echoApp() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lines := []string{"Host: " + r.Host}
		for k, vs := range r.Header {
			vs = slices.Clone(vs)
			slices.Sort(vs)
			lines = append(lines, fmt.Sprintf("%s: %q", k, vs))
		}
		slices.Sort(lines)
		io.WriteString(w, strings.Join(lines, "\n"))
	})
}

// maxAgreedDepth is the nesting up to which decoders must agree (the
// package refuses more).
const maxAgreedDepth = 64

func tooDeep(payload []byte) bool {
	depth, max := 0, 0
	inString, escaped := false, false
	for _, c := range payload {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == '{' || c == '['):
			depth++
			max = maxInt(max, depth)
		case !inString && (c == '}' || c == ']'):
			depth--
		}
	}
	return max > maxAgreedDepth
}

// repeatsKeys reports whether an object in payload has a key twice.
func repeatsKeys(payload []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(payload))
	type level struct {
		keys  map[string]bool
		isKey bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if top != nil && top.keys != nil {
				top.isKey = true
			}
			l := &level{}
			if tok == json.Delim('{') {
				l.keys, l.isKey = map[string]bool{}, true
			}
			stack = append(stack, l)
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			continue
		}
		if top == nil || top.keys == nil {
			continue
		}
		if top.isKey {
			k := tok.(string)
			if top.keys[k] {
				return true
			}
			top.keys[k] = true
		}
		top.isKey = !top.isKey
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// fuzzSeeds are every sample event in testdata/ and the repository's
// events/, then payloads of no known shape.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "events")} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "external-events.json"))
	if err != nil {
		f.Fatal(err)
	}
	var doc struct{ Events []externalEvent }
	if err := json.Unmarshal(raw, &doc); err != nil {
		f.Fatal(err)
	}
	for _, ev := range doc.Events {
		seeds = append(seeds, append([]byte(ev.Raw), ev.Event...))
	}
	for _, s := range []string{
		"", "null", "[]", "42", `"GET /health"`, "{}", "{", "\x00\xff",
		`{"httpMethod":"GET","path":"/health","requestContext":{}}`,
		`{"httpMethod":"GET","path":"/health%zz","isBase64Encoded":true,"body":"!!","requestContext":{}}`,
		`{"version":"2.0","rawPath":"/Prod/health","requestContext":{"stage":"Prod","http":{"method":"GET","path":"/Prod/health"}}}`,
		`{"httpMethod":"GET","path":"/health","requestContext":{"elb":{"targetGroupArn":"arn"}},"multiValueHeaders":{"host":["h"]}}`,
		`{"httpMethod":"GET","path":"/health","requestContext":{},"headers":{"x":5,"origin":"o"},"multiValueHeaders":{"y":[1,"a"]}}`,
		`{"type":"REQUEST","methodArn":"arn","httpMethod":"GET","path":"/health","requestContext":{}}`,
		`{"httpMethod":"GET","path":"/health","requestContext":{"connectionId":"c","eventType":"CONNECT"}}`,
		"{\"httpMethod\":\"GET\",\"path\":\"/health\",\"requestContext\":{},\"headers\":{\"X-\xff\":\"\xfe\"}}",
		`{"httpMethod":"GET","path":"/health","headers":{"X-\xff":"\u00"}}`, // not JSON: bad escapes
		`{"raw_path":"/health","method":"GET","headers":{"host":"h"},"query_string_parameters":{"a":"1"},"is_base64_encoded":true,"body":"eA=="}`,
		`{"version":"2.0","path":"/health","method":"GET","headers":{"host":["h"],"x":["a","b"]},"queryStringParameters":{"a":["1","2"]},"requestContext":{"targetGroupArn":"arn","identity":{"type":"AWS_IAM","principal":"arn:aws:iam::111122223333:root"}}}`,
		`{"httpMethod":"GET","apiPath":"/health","agent":{},"actionGroup":"a","requestContext":{}}`,
		strings.Repeat("[", 64) + strings.Repeat("]", 64),
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzInvoke feeds raw invocation payloads to Handler.Invoke. Properties:
//
//   - it never panics, and never hits its own recover ("internal error");
//   - the result is exactly one of: an *UnsupportedEventError
//     and no answer, or a JSON answer with a status in 100..599;
//   - it errors exactly when this test's own reading finds no front;
//   - the answer depends only on the documented fields: the payload
//     re-encoded with just those gets the same status and body;
//   - the same event rewritten to GET /health answers the seed body (or a
//     400 if its body or query make it an impossible request);
//   - a payload 1.0 or ALB event's headers give the same request whichever
//     header form carries them (headers, multiValueHeaders, or both);
//   - a 400 is the package's own constant answer with the given headers;
//   - the adapter never logs: every request it cannot build is caught first.
func FuzzInvoke(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	h := newHandler()
	echo := lambdahttp.New(echoApp())
	// The adapter reports requests it cannot build through package log (and
	// fmt.Printf to stdout): the package must catch them all first.
	var adapterLog bytes.Buffer
	log.SetOutput(&adapterLog)
	f.Cleanup(func() { log.SetOutput(os.Stderr) })
	f.Fuzz(func(t *testing.T, payload []byte) {
		adapterLog.Reset()
		defer func() {
			if adapterLog.Len() > 0 {
				t.Fatalf("the adapter logged %q: a bad request reached it", adapterLog.String())
			}
		}()
		got, err := fuzzInvoke(t, h, payload)
		var ev obj
		if !json.Valid(payload) || tooDeep(payload) || repeatsKeys(payload) || json.Unmarshal(payload, &ev) != nil {
			// What a decoder accepts beyond JSON (fastjson takes "\x" as an
			// escape) is its own business; so is which of two equal keys
			// counts (RFC 8259 leaves it open; encoding/json takes the
			// last), and decoders may cap nesting below encoding/json's
			// 10,000. AWS sends none of these.
			if err == nil {
				checkAnswer(t, got, "")
			}
			return
		}
		fr := front(ev)
		if err != nil {
			if fr != "" {
				t.Fatalf("unsupported (%v), but the payload is a %s event", err, fr)
			}
			return
		}
		if fr == "" {
			t.Fatalf("answered %d, but the payload has no known front: %.300q", got.StatusCode, payload)
		}
		checkAnswer(t, got, "")

		again := mustInvoke(t, h, documented(ev))
		if again.StatusCode != got.StatusCode || again.Body != got.Body {
			t.Fatalf("answer depends on more than the documented fields: %d %q, re-encoded %d %q",
				got.StatusCode, got.Body, again.StatusCode, again.Body)
		}
		checkAnswer(t, mustInvoke(t, h, asHealthCheck(ev, fr)), seedBody)

		if fr == "rest" || fr == "alb" {
			var first response
			for i, form := range headerForms(ev) {
				r := mustInvoke(t, echo, form)
				if i > 0 && (r.StatusCode != first.StatusCode || r.Body != first.Body) {
					t.Fatalf("header form %d: %d %q; headers only: %d %q", i, r.StatusCode, r.Body, first.StatusCode, first.Body)
				}
				first = r
			}
		}
	})
}

func mustInvoke(t *testing.T, h *lambdahttp.Handler, ev obj) response {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	r, err := fuzzInvoke(t, h, b)
	if err != nil {
		t.Fatalf("rewritten event is unsupported: %v\n%s", err, b)
	}
	return r
}

// fuzzInvoke runs one invocation and checks the result has one of the two
// allowed forms; the answer is returned decoded.
func fuzzInvoke(t *testing.T, h *lambdahttp.Handler, payload []byte) (response, error) {
	t.Helper()
	out, err := h.Invoke(t.Context(), payload)
	if err != nil {
		if !isUnsupported(err) {
			t.Fatalf("error %q is not an unsupported event (a bug was hit)", err)
		}
		if out != nil {
			t.Fatalf("answer %q alongside error %v", out, err)
		}
		if len(err.Error()) > 256 {
			t.Fatalf("error message is %d bytes: it must not carry the payload", len(err.Error()))
		}
		return response{}, err
	}
	var r response
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("answer is not a Lambda response: %v\n%s", err, out)
	}
	if r.StatusCode < 100 || r.StatusCode > 599 {
		t.Fatalf("status %d", r.StatusCode)
	}
	return r, nil
}

// checkAnswer checks a status the test app or the package can give. With
// want set, the answer must be 200 want, or 400.
func checkAnswer(t *testing.T, r response, want string) {
	t.Helper()
	switch r.StatusCode {
	case http.StatusBadRequest:
		if r.Body != `{"error":"bad request"}` {
			t.Fatalf("400 body %q", r.Body)
		}
		checkSecurityHeaders(t, r)
		return
	case http.StatusOK:
		if want != "" && r.Body != want {
			t.Fatalf("GET /health answered %q, want %q", r.Body, want)
		}
		return
	}
	if want != "" {
		t.Fatalf("GET /health answered %d %q", r.StatusCode, r.Body)
	}
	switch r.StatusCode {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		// ServeMux's redirect to the clean path (/a/../health).
	default:
		t.Fatalf("status %d %q: the test app never answers that", r.StatusCode, r.Body)
	}
}
