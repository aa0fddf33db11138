package lambdahttp

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// The event is parsed with fastjson, without reflection into a reusable
// arena (decoding is most of an invocation's work); each front reads the
// fields it needs from the tree. A field that only describes the request
// (header, query, host, body) is used if it has its documented type and
// ignored otherwise; what identifies the front and the request line
// (requestContext, method, path) must be there with its type, or the payload
// is an unsupported event. null reads as absent; a repeated key counts once.

// source names the AWS service that sent an invocation, as the request log
// line gives it.
type source string

// The fronts a Handler serves.
const (
	sourceRESTAPI     source = "rest-api"     // API Gateway REST API, payload 1.0
	sourceHTTPAPI     source = "http-api"     // API Gateway HTTP API, payload 2.0
	sourceFunctionURL source = "function-url" // Lambda Function URL, payload 2.0
	sourceALB         source = "alb"          // Application Load Balancer target group
	sourceVPCLattice  source = "vpc-lattice"  // Amazon VPC Lattice target group, event structure V1 or V2
)

// UnsupportedEventError is the error for a payload that is not an HTTP
// request from a known front. Lambda reports its type name as errorType, so
// the console and the invoker read "UnsupportedEventError": the name is
// part of the contract, which is why it is exported.
type UnsupportedEventError struct{ Reason string }

func (e *UnsupportedEventError) Error() string { return "unsupported event: " + e.Reason }

func unsupported(format string, args ...any) error {
	return &UnsupportedEventError{Reason: fmt.Sprintf(format, args...)}
}

// parsers keeps parsers, whatever they held: maxValues bounds a parser's
// arena (about 5 MB) and Lambda's payload limit its copy of the payload
// (6 MB), and the pool lets go of what two garbage collections found unused.
// Dropping large ones made every large event grow a new arena, which cost
// more than decoding it with encoding/json.
var parsers fastjson.ParserPool

// event is a parsed payload, valid until parse's release runs, and what
// detection found in it.
type event struct {
	size         int // of the payload
	src          source
	method, path string // the request line as the front sent it, for the log
	v, rc        *fastjson.Value
	bodyText     string // the body, base64-decoded once checked
}

// parse parses payload and names its front. The error never quotes the
// payload: it may be large, and it is the caller's data.
func (ev *event) parse(payload []byte) (release func(), err error) {
	p := parsers.Get()
	release = func() { parsers.Put(p) }
	// The parser is lenient (unknown escapes, malformed numbers), so what
	// parses is validated too, both at a quarter of encoding/json.Valid's
	// cost. Both wrap an error once per level of nesting (quadratic), so
	// deep nesting is refused first.
	deep, many := bounds(payload)
	if deep {
		return release, unsupported("payload is not a JSON object of a known shape (nested over %d levels)", maxDepth)
	}
	if many {
		return release, unsupported("payload is not a JSON object of a known shape (over %d values)", maxValues)
	}
	ev.size = len(payload)
	ev.v, err = p.ParseBytes(payload)
	if err == nil {
		err = fastjson.ValidateBytes(payload)
	}
	if err != nil {
		return release, unsupported("payload is not a JSON object of a known shape (invalid JSON)")
	}
	if ev.v.Type() != fastjson.TypeObject {
		return release, unsupported("payload is not a JSON object of a known shape (top-level %s)", ev.v.Type())
	}
	return release, ev.detect()
}

// maxValues bounds the JSON values (scalars and containers) of a payload.
// The parser allocates an 80-byte node per value in an arena that grows by
// a quarter at a time and whose outgrown copies stay referenced until the
// invocation ends: about 400 bytes per value, so a 6 MB payload of one-byte
// values would need a gigabyte. No front sends a tenth of this many: ALB
// takes at most 64 KB of headers and API Gateway 10 KB, and the query is
// bounded by the request line (16 KB at most). The limit holds the parser's
// arena to about 26 MB; the application then sees at most this many headers,
// query parameters and cookies together.
const maxValues = 1 << 16

// maxDepth is far more nesting than any event has.
const maxDepth = 64

// bounds reports whether payload nests over maxDepth levels (deep) and
// whether it holds over maxValues values (many), in one scan outside strings.
// Counting bytes first is fast and bounds both: nesting needs a bracket per
// level, and a value is a container or follows an opening bracket or a comma;
// a value takes at least a byte, so a payload of up to maxValues bytes cannot
// hold too many. Most payloads are not scanned at all.
func bounds(p []byte) (deep, many bool) {
	brackets := bytes.Count(p, []byte{'{'}) + bytes.Count(p, []byte{'['})
	mayDeep := brackets > maxDepth
	mayMany := len(p) > maxValues && brackets+bytes.Count(p, []byte{','}) >= maxValues
	depth, n, inString := 0, 1, false
	for i := 0; (mayDeep || mayMany) && i < len(p); i++ {
		switch c := p[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			if depth++; mayDeep && depth > maxDepth {
				return true, many
			}
			fallthrough
		case c == ',':
			if n++; mayMany && n > maxValues {
				// Deep nesting is still looked for: it is refused first.
				many, mayMany = true, false
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false, many
}

// detect names the front and reads the request line every front needs.
func (ev *event) detect() error {
	if t := str(ev.v.Get("type")); t == "REQUEST" || t == "TOKEN" || present(ev.v.Get("methodArn")) || present(ev.v.Get("routeArn")) {
		return unsupported("API Gateway Lambda authorizer event")
	}
	if ev.rc = ev.v.Get("requestContext"); !isObject(ev.rc) {
		if !present(ev.rc) && present(ev.v.Get("raw_path")) {
			return ev.detectLattice() // event structure V1 has no requestContext
		}
		return unsupported("not an API Gateway, Function URL, ALB or VPC Lattice HTTP request (no requestContext object)")
	}
	if present(ev.rc.Get("connectionId")) || present(ev.rc.Get("eventType")) {
		return unsupported("API Gateway WebSocket event")
	}
	method, path := ev.v.Get("httpMethod"), ev.v.Get("path")
	switch {
	case present(ev.rc.Get("elb")):
		ev.src = sourceALB
		if !isObject(ev.rc.Get("elb")) {
			method = nil
		}
	case present(ev.rc.Get("http")):
		ev.src = sourceHTTPAPI
		if strings.Contains(str(ev.rc.Get("domainName")), ".lambda-url.") {
			ev.src = sourceFunctionURL
		}
		method, path = ev.rc.Get("http", "method"), ev.v.Get("rawPath")
		if !present(path) {
			path = ev.rc.Get("http", "path")
		}
		if !isObject(ev.rc.Get("http")) {
			method = nil
		}
	case present(ev.rc.Get("targetGroupArn")):
		return ev.detectLattice()
	case present(method):
		ev.src = sourceRESTAPI
	default:
		return unsupported("not an API Gateway, Function URL, ALB or VPC Lattice HTTP request")
	}
	ev.method, ev.path = str(method), str(path)
	if ev.method == "" || path == nil || path.Type() != fastjson.TypeString {
		return unsupported("%s event without a method and path of type string", ev.src)
	}
	return nil
}

// detectLattice reads a VPC Lattice event's request line (lattice.go): "raw_path" in V1 (the
// event has no requestContext), "path" in V2.
func (ev *event) detectLattice() error {
	ev.src = sourceVPCLattice
	path := ev.v.Get("path")
	if !isObject(ev.rc) {
		ev.rc, path = nil, ev.v.Get("raw_path")
	}
	method := ev.v.Get("method")
	ev.method, ev.path = str(method), str(path)
	if ev.method == "" || path == nil || path.Type() != fastjson.TypeString {
		return unsupported("%s event without a method and path of type string", ev.src)
	}
	return nil
}

// latticeCaller is the principal Lattice authenticated. The guide says
// principal is present only if AWS authentication succeeded, and type is
// AWS_IAM if an auth policy is used and authentication succeeded: both must
// say so. V1 events carry no identity (rc is nil).
func latticeCaller(rc *fastjson.Value) string {
	if str(rc.Get("identity", "type")) != "AWS_IAM" {
		return ""
	}
	return str(rc.Get("identity", "principal"))
}

// caller is the IAM principal the front authenticated (CallerFromContext).
func (ev *event) caller() string {
	switch ev.src {
	case sourceRESTAPI:
		return str(ev.rc.Get("identity", "userArn"))
	case sourceALB:
		return ""
	case sourceVPCLattice:
		return latticeCaller(ev.rc)
	}
	return str(ev.rc.Get("authorizer", "iam", "userArn"))
}

func present(v *fastjson.Value) bool { return v != nil && v.Type() != fastjson.TypeNull }

func isObject(v *fastjson.Value) bool { return v != nil && v.Type() == fastjson.TypeObject }

// object is v's object, or nil if v is absent or not an object.
func object(v *fastjson.Value) *fastjson.Object {
	if !isObject(v) {
		return nil
	}
	o, _ := v.Object()
	return o
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

// strs reads an array's strings, skipping the rest.
func strs(v *fastjson.Value) []string {
	if v == nil || v.Type() != fastjson.TypeArray {
		return nil
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
