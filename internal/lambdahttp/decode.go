package lambdahttp

import (
	"encoding/json"

	"github.com/valyala/fastjson"
)

// The event is decoded with fastjson rather than encoding/json: decoding is
// three quarters of an invocation's work, and fastjson parses without
// reflection into a reusable arena, so only the strings and maps the
// adapters read are allocated. Fields are taken in one pass over each
// object; fields the adapters never read (authorizer, certificates…) are
// skipped.

// parsers reuses fastjson's arenas between invocations.
var parsers fastjson.ParserPool

// maxPooledPayload keeps a parser that held an unusually large payload (up
// to Lambda's 6 MB) from being kept alive by the pool.
const maxPooledPayload = 64 << 10

// decoder collects the first type error; fields after it are ignored.
type decoder struct{ err error }

func (d *decoder) mismatch(field string, v *fastjson.Value, want string) {
	if d.err == nil {
		d.err = unsupported("field %q is %s, want %s", field, typeName(v.Type()), want)
	}
}

func typeName(t fastjson.Type) string {
	if t == fastjson.TypeTrue || t == fastjson.TypeFalse {
		return "bool"
	}
	return t.String()
}

// parseEvent decodes payload into ev. Errors never quote the payload.
func parseEvent(payload []byte, ev *event) error {
	// The parser is lenient (unknown escapes, raw control characters), so
	// what is not JSON is rejected first. Not with fastjson.Validate: it has
	// no depth limit and wraps its error once per level, so unclosed
	// nesting costs quadratic time and memory (8,000 "[" took 7 s).
	// json.Valid is linear and stops at 10,000 levels.
	if !json.Valid(payload) {
		return unsupported("payload is not a JSON object of a known shape (invalid JSON)")
	}
	p := parsers.Get()
	if len(payload) <= maxPooledPayload {
		defer parsers.Put(p)
	}
	v, err := p.ParseBytes(payload)
	if err != nil {
		return unsupported("payload is not a JSON object of a known shape (invalid JSON)")
	}
	switch v.Type() {
	case fastjson.TypeObject:
	case fastjson.TypeNull:
		return nil // as encoding/json: an empty event, rejected by shape
	default:
		return unsupported("payload is not a JSON object of a known shape (top-level %s, want object)", typeName(v.Type()))
	}
	var d decoder
	d.event(v, ev)
	return d.err
}

func (d *decoder) event(v *fastjson.Value, ev *event) {
	// The payload 1.0 adapters read multiValueHeaders (and the multi-value
	// query) when present and the single-value maps only otherwise, so the
	// single-value maps are built after the pass, and only when needed.
	var headers, query *fastjson.Value
	defer func() {
		if headers != nil && (ev.MultiValueHeaders == nil || ev.RequestContext.ELB != nil) {
			ev.Headers = d.strMap(headers, "headers")
		}
		if query != nil && ev.MultiValueQueryStringParameters == nil {
			ev.QueryStringParameters = d.strMap(query, "queryStringParameters")
		}
	}()
	o, _ := v.Object()
	o.Visit(func(k []byte, f *fastjson.Value) {
		switch string(k) {
		case "version":
			ev.Version = d.str(f, "version")
		case "httpMethod":
			ev.HTTPMethod = d.str(f, "httpMethod")
		case "path":
			ev.Path = d.str(f, "path")
		case "resource":
			ev.Resource = d.str(f, "resource")
		case "rawPath":
			ev.RawPath = d.str(f, "rawPath")
		case "rawQueryString":
			ev.RawQueryString = d.str(f, "rawQueryString")
		case "routeKey":
			ev.RouteKey = d.str(f, "routeKey")
		case "body":
			ev.Body = d.str(f, "body")
		case "isBase64Encoded":
			ev.IsBase64Encoded = d.bool(f, "isBase64Encoded")
		case "headers":
			headers = f
		case "multiValueHeaders":
			ev.MultiValueHeaders = d.strsMap(f, "multiValueHeaders")
		case "queryStringParameters":
			query = f
		case "multiValueQueryStringParameters":
			ev.MultiValueQueryStringParameters = d.strsMap(f, "multiValueQueryStringParameters")
		case "pathParameters":
			ev.PathParameters = d.strMap(f, "pathParameters")
		case "stageVariables":
			ev.StageVariables = d.strMap(f, "stageVariables")
		case "cookies":
			ev.Cookies = d.strs(f, "cookies")
		case "requestContext":
			d.requestContext(f, &ev.RequestContext)
		}
	})
}

func (d *decoder) requestContext(v *fastjson.Value, rc *requestContext) {
	o := d.object(v, "requestContext")
	if o == nil {
		return
	}
	o.Visit(func(k []byte, f *fastjson.Value) {
		switch string(k) {
		case "accountId":
			rc.AccountID = d.str(f, "requestContext.accountId")
		case "apiId":
			rc.APIID = d.str(f, "requestContext.apiId")
		case "domainName":
			rc.DomainName = d.str(f, "requestContext.domainName")
		case "domainPrefix":
			rc.DomainPrefix = d.str(f, "requestContext.domainPrefix")
		case "requestId":
			rc.RequestID = d.str(f, "requestContext.requestId")
		case "stage":
			rc.Stage = d.str(f, "requestContext.stage")
		case "routeKey":
			rc.RouteKey = d.str(f, "requestContext.routeKey")
		case "time":
			rc.Time = d.str(f, "requestContext.time")
		case "timeEpoch":
			rc.TimeEpoch = d.int64(f, "requestContext.timeEpoch")
		case "resourceId":
			rc.ResourceID = d.str(f, "requestContext.resourceId")
		case "resourcePath":
			rc.ResourcePath = d.str(f, "requestContext.resourcePath")
		case "path":
			rc.Path = d.str(f, "requestContext.path")
		case "httpMethod":
			rc.HTTPMethod = d.str(f, "requestContext.httpMethod")
		case "protocol":
			rc.Protocol = d.str(f, "requestContext.protocol")
		case "requestTime":
			rc.RequestTime = d.str(f, "requestContext.requestTime")
		case "requestTimeEpoch":
			rc.RequestTimeEpoch = d.int64(f, "requestContext.requestTimeEpoch")
		case "identity":
			if o := d.object(f, "requestContext.identity"); o != nil {
				rc.Identity.SourceIP = d.str(o.Get("sourceIp"), "requestContext.identity.sourceIp")
				rc.Identity.UserAgent = d.str(o.Get("userAgent"), "requestContext.identity.userAgent")
			}
		case "http":
			if o := d.object(f, "requestContext.http"); o != nil {
				h := &httpDescription{}
				h.Method = d.str(o.Get("method"), "requestContext.http.method")
				h.Path = d.str(o.Get("path"), "requestContext.http.path")
				h.Protocol = d.str(o.Get("protocol"), "requestContext.http.protocol")
				h.SourceIP = d.str(o.Get("sourceIp"), "requestContext.http.sourceIp")
				h.UserAgent = d.str(o.Get("userAgent"), "requestContext.http.userAgent")
				rc.HTTP = h
			}
		case "elb":
			if o := d.object(f, "requestContext.elb"); o != nil {
				rc.ELB = &elbContext{TargetGroupArn: d.str(o.Get("targetGroupArn"), "requestContext.elb.targetGroupArn")}
			}
		}
	})
}

// object returns v's object, nil for null; anything else is a type error.
func (d *decoder) object(v *fastjson.Value, field string) *fastjson.Object {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		return o
	case fastjson.TypeNull:
	default:
		d.mismatch(field, v, "object")
	}
	return nil
}

// str returns a string field; absent (nil) and null read as "".
func (d *decoder) str(v *fastjson.Value, field string) string {
	if v == nil {
		return ""
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return string(b)
	case fastjson.TypeNull:
	default:
		d.mismatch(field, v, "string")
	}
	return ""
}

func (d *decoder) bool(v *fastjson.Value, field string) bool {
	switch v.Type() {
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse, fastjson.TypeNull:
	default:
		d.mismatch(field, v, "bool")
	}
	return false
}

func (d *decoder) int64(v *fastjson.Value, field string) int64 {
	switch v.Type() {
	case fastjson.TypeNumber:
		n, err := v.Int64()
		if err != nil {
			d.mismatch(field, v, "integer")
		}
		return n
	case fastjson.TypeNull:
	default:
		d.mismatch(field, v, "number")
	}
	return 0
}

func (d *decoder) strs(v *fastjson.Value, field string) []string {
	switch v.Type() {
	case fastjson.TypeArray:
	case fastjson.TypeNull:
		return nil
	default:
		d.mismatch(field, v, "array")
		return nil
	}
	a, _ := v.Array()
	out := make([]string, len(a))
	for i, e := range a {
		out[i] = d.str(e, field)
	}
	return out
}

func (d *decoder) strMap(v *fastjson.Value, field string) map[string]string {
	o := d.object(v, field)
	if o == nil {
		return nil
	}
	m := make(map[string]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) { m[string(k)] = d.str(e, field) })
	return m
}

func (d *decoder) strsMap(v *fastjson.Value, field string) map[string][]string {
	o := d.object(v, field)
	if o == nil {
		return nil
	}
	m := make(map[string][]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) { m[string(k)] = d.strs(e, field) })
	return m
}
