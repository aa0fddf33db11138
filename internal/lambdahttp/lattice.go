package lambdahttp

import (
	"context"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/valyala/fastjson"
)

// Amazon VPC Lattice, a target group of type LAMBDA, in either event
// structure the target group is set to (VPC Lattice User Guide, "Lambda
// functions as targets in VPC Lattice"):
//
//   - V2: "version" "2.0", "method", "path", "headers" and
//     "queryStringParameters" with lists of values, "body",
//     "isBase64Encoded", and a requestContext naming the service network,
//     service and target group (targetGroupArn is what detection keys on),
//     the caller's identity, region and timeEpoch;
//   - V1: no requestContext; "raw_path", "method", "headers" with one string
//     each (repeated values joined with ", "), "query_string_parameters" (the
//     last value of a repeated key), "body", "is_base64_encoded".
//
// aws-lambda-go and aws-lambda-go-api-proxy have no Lattice types, so the
// *http.Request is built here as the adapter's EventToRequest builds one (URL
// "https://" + host + path, the method upper-cased, the body decoded,
// RequestURI set), after the same checks (requestTarget): the Host header names the URL (as
// requestContext.domainName does for API Gateway) and V2's lists keep every
// value.
//
// The answer is "headers" with one string per name (repeated values joined
// with commas, which is how Lattice's response carries them), a
// statusDescription as ALB's, and isBase64Encoded and headers always
// present: the guide says the response must include them.

var latticeShape = shape{description: true, explicit: true}

// serveLattice builds the request and has next (the Handler's serveHTTP)
// answer it into the invocation's response; ok is false for a request no
// front could have sent.
func serveLattice(ctx context.Context, next http.Handler, ev *event, basePath string) (shape, bool) {
	if ev.oversized() {
		return latticeShape, false
	}
	v1 := ev.rc == nil
	hdr := ev.latticeHeader(v1)
	host := ""
	if hs := hdr["Host"]; len(hs) > 0 {
		host = hs[0]
	}
	host, target, ok := requestTarget(ev, basePath, host, ev.path, ev.latticeQuery(v1))
	if !ok {
		return latticeShape, false
	}
	// What the adapter's EventToRequest does, without its copy of a request
	// context Lattice does not have: the same URL, checked by requestTarget.
	u, err := requestURL(host, target)
	if err != nil {
		return latticeShape, false
	}
	var body io.Reader
	if ev.bodyText != "" {
		body = strings.NewReader(ev.bodyText)
	}
	r, err := http.NewRequestWithContext(ctx, strings.ToUpper(ev.method), "", body)
	if err != nil {
		return latticeShape, false
	}
	if body == nil {
		r.Body = http.NoBody // as a server's request has
	}
	r.URL, r.Host, r.Header, r.RequestURI = u, strings.TrimSuffix(u.Host, ":"), hdr, u.RequestURI()
	next.ServeHTTP(statusOnly{}, r)
	return latticeShape, true
}

// statusOnly is the ResponseWriter serveHTTP reports the final status to, as
// it does to an adapter's; the answer itself is already in the invocation's
// response.
type statusOnly struct{}

func (statusOnly) Header() http.Header         { return http.Header{} }
func (statusOnly) Write(p []byte) (int, error) { return len(p), nil }
func (statusOnly) WriteHeader(int)             {}

// requestURL is url.Parse("https://" + host + target), target having been
// checked to parse with host as the URL's host: a target that starts with a
// single "/" parses to the same path, query and fragment alone, without the
// host's parse again (a third of the cost with Lattice's long host names).
// NewRequest's own parse of "" is free.
func requestURL(host, target string) (*url.URL, error) {
	if strings.HasPrefix(target, "//") {
		return url.Parse("https://" + host + target) // "//x" alone would be a host
	}
	u, err := url.Parse(target)
	if err == nil {
		u.Scheme, u.Host = "https", host
	}
	return u, err
}

// latticeHeader reads "headers": V1's one string per name, V2's lists.
// Values of another type are skipped. Names (canonicalised) and values are
// copied into one string that the header's keys and values share, and the
// values into one slice: a few allocations per invocation, not three per
// header.
func (ev *event) latticeHeader(v1 bool) http.Header {
	o := object(ev.v.Get("headers"))
	if o == nil {
		return http.Header{}
	}
	var (
		bufArr  [512]byte
		spanArr [64]int
	)
	// spans: per name, its end in buf and its number of values, then each
	// value's end.
	buf, spans, nvals := bufArr[:0], spanArr[:0], 0
	addValue := func(v *fastjson.Value) bool {
		b, err := v.StringBytes()
		if err != nil {
			return false
		}
		buf = append(buf, b...)
		spans = append(spans, len(buf))
		nvals++
		return true
	}
	o.Visit(func(k []byte, e *fastjson.Value) {
		start, at := len(buf), len(spans)
		buf = append(buf, k...)
		canonicalKey(buf[start:])
		spans = append(spans, len(buf), 0)
		n := 0
		switch {
		case v1:
			if addValue(e) {
				n = 1
			}
		case e.Type() == fastjson.TypeArray:
			a, _ := e.Array()
			for _, v := range a {
				if addValue(v) {
					n++
				}
			}
		}
		if n == 0 {
			buf, spans = buf[:start], spans[:at] // no value of the documented type
			return
		}
		spans[at+1] = n
	})
	all := string(buf)
	vals := make([]string, nvals)
	hdr := make(http.Header, o.Len())
	for i, from := 0, 0; i < len(spans); {
		key := all[from:spans[i]]
		n, first := spans[i+1], len(vals)-nvals
		from, i = spans[i], i+2
		for j := range n {
			vals[first+j] = all[from:spans[i]]
			from, i = spans[i], i+1
		}
		vs := vals[first : first+n : first+n]
		nvals -= n
		if old, ok := hdr[key]; ok {
			vs = append(old, vs...) // the same name twice, in another case
		}
		hdr[key] = vs
	}
	return hdr
}

// canonicalKey is textproto.CanonicalMIMEHeaderKey in place, without its
// allocations: Lattice sends header names in lower case.
func canonicalKey(k []byte) []byte {
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			// Its rules for the rest; they never change the length.
			copy(k, textproto.CanonicalMIMEHeaderKey(string(k)))
			return k
		}
	}
	upper := true
	for i, c := range k {
		switch {
		case upper && c >= 'a' && c <= 'z':
			k[i] = c - 'a' + 'A'
		case !upper && c >= 'A' && c <= 'Z':
			k[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return k
}

// latticeQuery encodes the query parameters as the adapter would, in one
// pass: V1's "query_string_parameters" hold one string per key, V2's
// "queryStringParameters" a list. Values of another type are skipped.
func (ev *event) latticeQuery(v1 bool) string {
	key := "queryStringParameters"
	if v1 {
		key = "query_string_parameters"
	}
	o := object(ev.v.Get(key))
	if o == nil {
		return ""
	}
	var b strings.Builder
	add := func(k []byte, v *fastjson.Value) {
		s, err := v.StringBytes()
		if err != nil {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(string(k)))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(string(s)))
	}
	o.Visit(func(k []byte, e *fastjson.Value) {
		switch {
		case v1:
			add(k, e)
		case e.Type() == fastjson.TypeArray:
			a, _ := e.Array()
			for _, v := range a {
				add(k, v)
			}
		}
	})
	return b.String()
}
