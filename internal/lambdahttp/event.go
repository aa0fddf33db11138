package lambdahttp

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/valyala/fastjson"
)

// The event is parsed with fastjson rather than encoding/json: decoding is
// most of an invocation's work, and fastjson parses without reflection into a
// reusable arena, so only the strings and maps a front hands its adapter are
// allocated. One pass over the top-level object and one over requestContext
// find every field any front reads; each front's file takes what it needs.
//
// Decoding is tolerant where it can be and strict where it must be. A field
// that only describes the request (a header, the query, the host, the body)
// is used when it has its documented type and ignored otherwise, the same way
// in every header form; fields the function does not read are never looked
// at. What identifies the front and the request line (method, path,
// requestContext) must be there with its type, or the payload is an
// unsupported event. null reads as absent, as AWS sends it.

// parsers reuses fastjson's arenas between invocations.
var parsers fastjson.ParserPool

// maxPooledPayload keeps a parser that held an unusually large payload (up
// to Lambda's 6 MB) from being kept alive by the pool.
const maxPooledPayload = 64 << 10

// event holds the parsed payload's fields (nil when absent or null), valid
// until parse's release runs, and what detection found.
type event struct {
	src          Source
	method, path string // the request line as the front sent it, for the log

	httpMethod, pathField, rawPath, rawQuery          *fastjson.Value
	headers, multiHeaders, query, multiQuery, cookies *fastjson.Value
	body, isBase64, requestContext                    *fastjson.Value
	methodArn, routeArn, authorizerType               *fastjson.Value

	elb, http, domainName, requestID, stage *fastjson.Value
	identity, authorizer                    *fastjson.Value
	connectionID, eventType                 *fastjson.Value

	bodyText string // the body, base64-decoded once checked
}

// parse parses payload and names its front. The error never quotes the
// payload: it may be large, and it is the caller's data.
func (ev *event) parse(payload []byte) (release func(), err error) {
	release = func() {}
	p := parsers.Get()
	if len(payload) <= maxPooledPayload {
		release = func() { parsers.Put(p) }
	}
	// The parser is lenient (unknown escapes, malformed numbers), so what
	// parses is validated too. In that order: the parser stops at 300
	// levels, and the validator, which has no depth limit, wraps its error
	// once per level (quadratic). Both are linear below that, and together
	// a quarter of encoding/json.Valid's cost.
	v, err := p.ParseBytes(payload)
	if err == nil {
		err = fastjson.ValidateBytes(payload)
	}
	if err != nil {
		return release, unsupported("payload is not a JSON object of a known shape (invalid JSON)")
	}
	o, err := v.Object()
	if err != nil {
		return release, unsupported("payload is not a JSON object of a known shape (top-level %s)", typeName(v))
	}
	o.Visit(func(k []byte, f *fastjson.Value) {
		switch string(k) {
		case "httpMethod":
			ev.httpMethod = f
		case "path":
			ev.pathField = f
		case "rawPath":
			ev.rawPath = f
		case "rawQueryString":
			ev.rawQuery = f
		case "headers":
			ev.headers = f
		case "multiValueHeaders":
			ev.multiHeaders = f
		case "queryStringParameters":
			ev.query = f
		case "multiValueQueryStringParameters":
			ev.multiQuery = f
		case "cookies":
			ev.cookies = f
		case "body":
			ev.body = f
		case "isBase64Encoded":
			ev.isBase64 = f
		case "requestContext":
			ev.requestContext = f
		case "methodArn":
			ev.methodArn = f
		case "routeArn":
			ev.routeArn = f
		case "type":
			ev.authorizerType = f
		}
	})
	return release, ev.detect()
}

// detect names the front and checks the fields every front needs.
func (ev *event) detect() error {
	if t := str(ev.authorizerType); present(ev.methodArn) || present(ev.routeArn) || t == "REQUEST" || t == "TOKEN" {
		return unsupported("API Gateway Lambda authorizer event")
	}
	rc, _ := object(ev.requestContext)
	if rc == nil {
		return unsupported("not an API Gateway, Function URL or ALB HTTP request (no requestContext object)")
	}
	rc.Visit(func(k []byte, f *fastjson.Value) {
		switch string(k) {
		case "elb":
			ev.elb = f
		case "http":
			ev.http = f
		case "domainName":
			ev.domainName = f
		case "requestId":
			ev.requestID = f
		case "stage":
			ev.stage = f
		case "identity":
			ev.identity = f
		case "authorizer":
			ev.authorizer = f
		case "connectionId":
			ev.connectionID = f
		case "eventType":
			ev.eventType = f
		}
	})
	var ok bool
	switch {
	case present(ev.connectionID) || present(ev.eventType):
		return unsupported("API Gateway WebSocket event")
	case present(ev.elb):
		ev.src = SourceALB
		_, isObj := object(ev.elb)
		ev.method, ok = required(ev.httpMethod)
		ok = ok && isObj
		ev.path, ok = ev.requiredPath(ok, ev.pathField)
	case present(ev.http):
		ev.src = SourceHTTPAPI
		if strings.Contains(str(ev.domainName), ".lambda-url.") {
			ev.src = SourceFunctionURL
		}
		ev.method, ok = required(last(ev.http, "method"))
		ok = ok && ev.http.Type() == fastjson.TypeObject
		if present(ev.rawPath) {
			ev.path, ok = ev.requiredPath(ok, ev.rawPath)
		} else {
			ev.path, ok = ev.requiredPath(ok, last(ev.http, "path"))
		}
	case present(ev.httpMethod):
		ev.src = SourceRESTAPI
		ev.method, ok = required(ev.httpMethod)
		ev.path, ok = ev.requiredPath(ok, ev.pathField)
	default:
		return unsupported("not an API Gateway, Function URL or ALB HTTP request")
	}
	if !ok {
		return unsupported("%s event without a method and path of type string", ev.src)
	}
	return nil
}

func (ev *event) requiredPath(ok bool, v *fastjson.Value) (string, bool) {
	if !ok || v == nil || v.Type() != fastjson.TypeString {
		return "", false
	}
	return str(v), true
}

// required reads a non-empty string.
func required(v *fastjson.Value) (string, bool) {
	s := str(v)
	return s, s != ""
}

// caller is the IAM principal the front authenticated (CallerFromContext).
func (ev *event) caller() string {
	if ev.src == SourceRESTAPI {
		return str(last(ev.identity, "userArn"))
	}
	if ev.src != SourceALB {
		return str(last(last(ev.authorizer, "iam"), "userArn"))
	}
	return ""
}

// decodeBody base64-decodes the body if the event says so, as the adapter
// would, and reports false if it is not base64.
func (ev *event) decodeBody() bool {
	ev.bodyText = str(ev.body)
	if ev.isBase64 == nil || ev.isBase64.Type() != fastjson.TypeTrue {
		return true
	}
	b, err := base64.StdEncoding.DecodeString(ev.bodyText)
	ev.bodyText = string(b)
	return err == nil
}

// last is v's field named key, the last one if repeated (as encoding/json
// reads it); nil if v is not an object or has no such field.
func last(v *fastjson.Value, key string) *fastjson.Value {
	o, _ := object(v)
	if o == nil {
		return nil
	}
	var f *fastjson.Value
	o.Visit(func(k []byte, e *fastjson.Value) {
		if string(k) == key {
			f = e
		}
	})
	return f
}

func present(v *fastjson.Value) bool { return v != nil && v.Type() != fastjson.TypeNull }

func object(v *fastjson.Value) (*fastjson.Object, bool) {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil, false
	}
	o, _ := v.Object()
	return o, true
}

func typeName(v *fastjson.Value) string {
	if t := v.Type(); t != fastjson.TypeTrue && t != fastjson.TypeFalse {
		return t.String()
	}
	return "bool"
}

// str reads a string; anything else reads as "".
func str(v *fastjson.Value) string {
	if v == nil {
		return ""
	}
	b, err := v.StringBytes()
	if err != nil {
		return ""
	}
	return string(b)
}

// strs reads an array's strings (a lone string as one), skipping the rest.
func strs(v *fastjson.Value) []string {
	if v == nil {
		return nil
	}
	if v.Type() == fastjson.TypeString {
		return []string{str(v)}
	}
	a, _ := v.Array()
	out := make([]string, 0, len(a))
	for _, e := range a {
		if e.Type() == fastjson.TypeString {
			out = append(out, str(e))
		}
	}
	return out
}

// singleHeaders reads a "headers" object, skipping values that are not
// strings.
func singleHeaders(v *fastjson.Value) map[string]string {
	o, ok := object(v)
	if !ok {
		return nil
	}
	m := make(map[string]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) {
		if e.Type() == fastjson.TypeString {
			m[string(k)] = str(e)
		}
	})
	return m
}

// multiHeaders reads "multiValueHeaders" with the headers only in
// "headers" added: API Gateway sends both, and the adapter reads only
// the first when it is there. nil if the event has no multiValueHeaders.
func (ev *event) multiHeaderMap() map[string][]string {
	o, ok := object(ev.multiHeaders)
	if !ok {
		return nil
	}
	m := make(map[string][]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) {
		if vs := strs(e); len(vs) > 0 {
			m[string(k)] = vs
		}
	})
	if single, ok := object(ev.headers); ok {
		single.Visit(func(k []byte, e *fastjson.Value) {
			if _, dup := m[string(k)]; !dup && e.Type() == fastjson.TypeString {
				m[string(k)] = []string{str(e)}
			}
		})
	}
	return m
}

// queryString encodes the payload 1.0 query maps (multi-value if it has
// any) as the adapter would, in one pass: the adapter builds it by repeated
// string concatenation, quadratic in the number of parameters.
func (ev *event) queryString() string {
	o, _ := object(ev.multiQuery)
	if o == nil || o.Len() == 0 {
		o, _ = object(ev.query)
	}
	if o == nil {
		return ""
	}
	var b strings.Builder
	o.Visit(func(k []byte, e *fastjson.Value) {
		for _, v := range strs(e) {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(string(k)))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	})
	return b.String()
}
