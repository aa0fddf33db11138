package lambdahttp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

// wire is the three payload shapes as AWS documents them: every field the
// package decodes, with its JSON name and type. It is this test's own
// reading of the payload, kept apart from the package's decoder on purpose:
// the fuzz target checks the two agree.
type wire struct {
	Version                         string              `json:"version,omitempty"`
	Resource                        string              `json:"resource,omitempty"`
	HTTPMethod                      string              `json:"httpMethod,omitempty"`
	Path                            string              `json:"path,omitempty"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RouteKey                        string              `json:"routeKey,omitempty"`
	RawPath                         string              `json:"rawPath,omitempty"`
	RawQueryString                  string              `json:"rawQueryString,omitempty"`
	Cookies                         []string            `json:"cookies"`
	Body                            string              `json:"body,omitempty"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded,omitempty"`
	RequestContext                  wireContext         `json:"requestContext"`
}

type wireContext struct {
	AccountID        string `json:"accountId,omitempty"`
	APIID            string `json:"apiId,omitempty"`
	DomainName       string `json:"domainName,omitempty"`
	DomainPrefix     string `json:"domainPrefix,omitempty"`
	RequestID        string `json:"requestId,omitempty"`
	Stage            string `json:"stage,omitempty"`
	RouteKey         string `json:"routeKey,omitempty"`
	Time             string `json:"time,omitempty"`
	TimeEpoch        int64  `json:"timeEpoch,omitempty"`
	ResourceID       string `json:"resourceId,omitempty"`
	ResourcePath     string `json:"resourcePath,omitempty"`
	Path             string `json:"path,omitempty"`
	HTTPMethod       string `json:"httpMethod,omitempty"`
	Protocol         string `json:"protocol,omitempty"`
	RequestTime      string `json:"requestTime,omitempty"`
	RequestTimeEpoch int64  `json:"requestTimeEpoch,omitempty"`
	Identity         struct {
		SourceIP  string `json:"sourceIp,omitempty"`
		UserAgent string `json:"userAgent,omitempty"`
	} `json:"identity"`
	HTTP *wireHTTP `json:"http,omitempty"`
	ELB  *struct {
		TargetGroupArn string `json:"targetGroupArn"`
	} `json:"elb,omitempty"`
}

type wireHTTP struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol,omitempty"`
	SourceIP  string `json:"sourceIp,omitempty"`
	UserAgent string `json:"userAgent,omitempty"`
}

// known reports whether w has the shape of a front the package serves.
func (w *wire) known() bool {
	switch rc := &w.RequestContext; {
	case rc.ELB != nil:
		return w.HTTPMethod != ""
	case rc.HTTP != nil && rc.HTTP.Method != "":
		return true
	}
	return w.HTTPMethod != ""
}

// asHealthCheck turns w into GET /health on the same front, keeping headers,
// query, cookies, body and host: whatever those hold, the answer must be the
// seed body or, if they make it an impossible request, a 400.
func (w wire) asHealthCheck() wire {
	w.RequestContext.Stage = "$default"
	if h := w.RequestContext.HTTP; h != nil && h.Method != "" && w.RequestContext.ELB == nil {
		hp := *h
		hp.Method, hp.Path = "GET", "/health"
		w.RequestContext.HTTP = &hp
		w.RawPath = "/health"
		return w
	}
	w.HTTPMethod, w.Path = "GET", "/health"
	return w
}

// eventFields are every JSON name of the three shapes' fields the package
// decodes, at any level.
var eventFields = strings.Fields(`version httpMethod path multiValueHeaders
	multiValueQueryStringParameters pathParameters stageVariables resource rawPath
	rawQueryString cookies routeKey headers queryStringParameters body isBase64Encoded
	requestContext accountId apiId domainName domainPrefix requestId stage time
	timeEpoch resourceId resourcePath protocol requestTime requestTimeEpoch identity
	sourceIp userAgent http method elb targetGroupArn`)

// maxAgreedDepth is the nesting up to which decoders must agree.
const maxAgreedDepth = 256

// ambiguous reports whether a JSON payload has an object key that matches a
// field name only case-insensitively, or nests deeper than maxAgreedDepth.
func ambiguous(payload []byte) bool {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		return true // nested beyond encoding/json's own limit
	}
	var walk func(v any, depth int) bool
	walk = func(v any, depth int) bool {
		if depth > maxAgreedDepth {
			return true
		}
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				for _, f := range eventFields {
					if k != f && strings.EqualFold(k, f) {
						return true
					}
				}
				if walk(e, depth+1) {
					return true
				}
			}
		case []any:
			for _, e := range v {
				if walk(e, depth+1) {
					return true
				}
			}
		}
		return false
	}
	return walk(v, 1)
}

// fuzzSeeds are every sample event in testdata/ and the repository's
// events/ (skipped if absent), then payloads of no known shape.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "events")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	for _, s := range []string{
		"", "null", "[]", "42", `"GET /health"`, "{}", "{", "\x00\xff",
		`{"httpMethod":"GET","path":"/health"}`,
		`{"httpMethod":"GET","path":"/health%zz","isBase64Encoded":true,"body":"!!"}`,
		`{"version":"2.0","rawPath":"/Prod/health","requestContext":{"stage":"Prod","http":{"method":"GET","path":"/Prod/health"}}}`,
		`{"httpMethod":"GET","path":"/health","requestContext":{"elb":{"targetGroupArn":"arn"}},"multiValueHeaders":{"host":["h"]}}`,
		"{\"httpMethod\":\"GET\",\"path\":\"/health\",\"headers\":{\"X-\xff\":\"\xfe\"}}",
		`{"httpMethod":"GET","path":"/health","headers":{"X-\xff":"\u00"}}`, // not JSON: bad escapes
		strings.Repeat("[", 64) + strings.Repeat("]", 64),
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzInvoke feeds raw invocation payloads to Handler.Invoke. Properties:
//
//   - it never panics, and never hits its own recover ("internal error");
//   - the result is exactly one of: an error matching ErrUnsupportedEvent
//     and no answer, or a JSON answer with a status in 100..599;
//   - it errors exactly when this test's independent reading of the payload
//     finds no known front (detection agrees with the AWS shapes);
//   - the answer depends only on the documented fields: the payload
//     re-encoded with just those, in canonical JSON, gets the same status
//     and body;
//   - the same event rewritten to GET /health answers the seed body (or a
//     400 if its headers, host or body make it an impossible request);
//   - a 400 is the package's own constant answer with every security header;
//   - the adapter never logs: every request it cannot build is caught first.
func FuzzInvoke(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	h := newHandler()
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
		var w wire
		decodes := json.Unmarshal(payload, &w) == nil
		if !json.Valid(payload) {
			// What a decoder accepts beyond JSON (fastjson takes "\x" as an
			// escape) is its own business: AWS only sends JSON.
			if err == nil {
				checkAnswer(t, got, "")
			}
			return
		}
		if ambiguous(payload) {
			// Keys in another case ("PATH") bind for encoding/json but not for
			// AWS's exact names, and decoders may cap nesting below
			// encoding/json's 10,000: no agreement is owed on these.
			if err == nil {
				checkAnswer(t, got, "")
			}
			return
		}
		if err != nil {
			if decodes && w.known() {
				t.Fatalf("unsupported (%v), but the payload has a known shape: %+v", err, w)
			}
			return
		}
		if !decodes || !w.known() {
			t.Fatalf("answered %d, but the payload has no known shape: %.300q", got.StatusCode, payload)
		}
		checkAnswer(t, got, "")

		canon, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("re-encoding the event: %v", err)
		}
		again, err := fuzzInvoke(t, h, canon)
		if err != nil {
			t.Fatalf("the re-encoded event is unsupported: %v\n%s", err, canon)
		}
		if again.StatusCode != got.StatusCode || again.Body != got.Body {
			t.Fatalf("answer depends on more than the documented fields: %d %q, re-encoded %d %q\n%s",
				got.StatusCode, got.Body, again.StatusCode, again.Body, canon)
		}

		hc, err := json.Marshal(w.asHealthCheck())
		if err != nil {
			t.Fatal(err)
		}
		health, err := fuzzInvoke(t, h, hc)
		if err != nil {
			t.Fatalf("GET /health rewrite is unsupported: %v\n%s", err, hc)
		}
		checkAnswer(t, health, seedBody)
	})
}

// fuzzInvoke runs one invocation and checks the result has one of the two
// allowed forms; the answer is returned decoded.
func fuzzInvoke(t *testing.T, h *lambdahttp.Handler, payload []byte) (response, error) {
	t.Helper()
	out, err := h.Invoke(t.Context(), payload)
	if err != nil {
		if !errors.Is(err, lambdahttp.ErrUnsupportedEvent) {
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
		for k, v := range securityHeaders {
			if got := r.header(k); got != v {
				t.Fatalf("400 answer: %s = %q, want %q", k, got, v)
			}
		}
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

// securityHeaders are OWASP's REST set, on every answer the package makes.
var securityHeaders = map[string]string{
	"Content-Type":              "application/json",
	"Cache-Control":             "no-store",
	"X-Content-Type-Options":    "nosniff",
	"X-Frame-Options":           "DENY",
	"Content-Security-Policy":   "frame-ancestors 'none'",
	"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
