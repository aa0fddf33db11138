package lambdahttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/valyala/fastjson"
)

// Request building: what every front reads from a parsed event to hand its
// adapter, and the checks that keep the adapter from failing on a request no
// front could have sent.

// maxRequestBytes bounds the request line, headers and cookies of a request
// together: over ten times the most any front sends (ALB: a 16 KB request
// line and 64 KB of headers; API Gateway 10 KB in all). More is a request no
// front could have sent, answered 400 before the adapter and the application
// copy it again, each several times over.
const maxRequestBytes = 1 << 20

// oversized reports whether the request's path, query, headers and cookies
// (names and values) add up to over maxRequestBytes. A payload that small
// cannot hold that much and is not looked at.
func (ev *event) oversized() bool {
	if ev.size <= maxRequestBytes {
		return false
	}
	n := len(ev.path)
	for _, k := range [...]string{"headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "rawQueryString", "cookies", "query_string_parameters"} {
		n += textSize(ev.v.Get(k))
	}
	return n > maxRequestBytes
}

// textSize is the length of the strings and keys in v, without copying them.
func textSize(v *fastjson.Value) int {
	if v == nil {
		return 0
	}
	n := 0
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		n = len(b)
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, e := range a {
			n += textSize(e)
		}
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, e *fastjson.Value) { n += len(k) + textSize(e) })
	}
	return n
}

// placeholderHost names the URL when the event's host is no valid authority
// (".invalid" never resolves, RFC 6761): the host must not decide the answer.
const placeholderHost = "host.invalid"

// requestTarget checks, before the adapter does, what the adapter's
// http.NewRequest would reject (it then prints to stdout and fails the
// invocation). It returns the host to hand the adapter and the path, with
// basePath stripped and the query added, or ok false for a request no front
// could have sent: invalid method, bad base64 body, control byte or bad %
// escape in the path.
func requestTarget(ev *event, basePath, host, path, query string) (string, string, bool) {
	if !validMethod(ev.method) || !ev.decodeBody() {
		return "", "", false
	}
	path = stripSegments(path, basePath)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path // as the adapter does
	}
	if query != "" {
		path += "?" + query
	}
	// The same parse as the adapter's, on the same string.
	if u, err := url.Parse("https://" + host + path); err == nil && u.Host == host {
		return host, path, true
	}
	if _, err := url.Parse("https://" + placeholderHost + path); err == nil {
		return placeholderHost, path, true
	}
	return "", "", false
}

// validMethod reports whether http.NewRequest accepts m, as the adapter
// passes it (upper-cased). The usual methods skip the check.
func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	_, err := http.NewRequest(strings.ToUpper(m), "/", nil)
	return err == nil
}

// cleanBasePath normalises a configured base path to "/seg[/seg…]" without a
// trailing slash; "" and "/" mean none.
func cleanBasePath(p string) string {
	if p = strings.Trim(strings.TrimSpace(p), "/"); p == "" {
		return ""
	}
	return "/" + p
}

// stripSegments removes prefix from p only where it ends at a segment
// boundary: "/api" strips "/api/health" and "/api", never "/apiary". The
// adapters' own StripBasePath cuts by string prefix, which is why this exists.
func stripSegments(p, prefix string) string {
	if prefix == "" || !strings.HasPrefix(p, prefix) {
		return p
	}
	switch rest := p[len(prefix):]; {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	}
	return p
}

// decodeBody base64-decodes the body if the event says so, as the adapter
// would, and reports false if it is not base64.
func (ev *event) decodeBody() bool {
	ev.bodyText = str(ev.v.Get("body"))
	flag := ev.v.Get("isBase64Encoded")
	if ev.src == sourceVPCLattice && ev.rc == nil {
		flag = ev.v.Get("is_base64_encoded") // VPC Lattice V1 is snake_case
	}
	if flag == nil || flag.Type() != fastjson.TypeTrue {
		return true
	}
	b, err := base64.StdEncoding.DecodeString(ev.bodyText)
	ev.bodyText = string(b)
	return err == nil
}

// headers reads the "headers" object, skipping values that are not strings.
func (ev *event) headers() map[string]string {
	o := object(ev.v.Get("headers"))
	if o == nil {
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

// multiHeaders reads "multiValueHeaders" with the headers only in "headers"
// added (API Gateway sends both; the adapter reads only the first when it is
// there), or nil if the event has no multiValueHeaders.
func (ev *event) multiHeaders() map[string][]string {
	o := object(ev.v.Get("multiValueHeaders"))
	if o == nil {
		return nil
	}
	m := make(map[string][]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) {
		if vs := strs(e); len(vs) > 0 {
			m[string(k)] = vs
		}
	})
	if single := object(ev.v.Get("headers")); single != nil {
		single.Visit(func(k []byte, e *fastjson.Value) {
			if _, dup := m[string(k)]; !dup && e.Type() == fastjson.TypeString {
				m[string(k)] = []string{str(e)}
			}
		})
	}
	return m
}

// queryString encodes the query parameters (the multi-value map if it has
// any) as the adapter would, in one pass: the adapter builds it by repeated
// string concatenation, quadratic in the number of parameters.
func (ev *event) queryString() string {
	o := object(ev.v.Get("multiValueQueryStringParameters"))
	if o == nil || o.Len() == 0 {
		if o = object(ev.v.Get("queryStringParameters")); o == nil {
			return ""
		}
	}
	var b strings.Builder
	add := func(k []byte, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(string(k)))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	o.Visit(func(k []byte, e *fastjson.Value) {
		if e.Type() == fastjson.TypeString { // queryStringParameters
			add(k, str(e))
			return
		}
		for _, v := range strs(e) {
			add(k, v)
		}
	})
	return b.String()
}
