package lambdahttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// response is the application's answer, whatever the front: the
// http.ResponseWriter the application writes to, encoded once at the end in
// the front's shape. The adapter's own response types are not used.
type response struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// shape is how a front wants the answer written.
type shape struct {
	multi       bool // headers as "multiValueHeaders", else "headers" joined with commas
	cookies     bool // Set-Cookie as "cookies" (payload 2.0)
	description bool // ALB's and VPC Lattice's "statusDescription"
	explicit    bool // "headers" and "isBase64Encoded" even when empty and false (VPC Lattice)
}

// responses reuses answers: nothing refers to one once it is encoded.
var responses = sync.Pool{New: func() any { return &response{header: http.Header{}} }}

const maxPooledBody = 64 << 10 // an unusually large answer's buffer is not kept

func (r *response) release() {
	if r.body.Cap() > maxPooledBody {
		return
	}
	clear(r.header)
	r.status = 0
	r.body.Reset()
	responses.Put(r)
}

func (r *response) Header() http.Header { return r.header }

// WriteHeader follows net/http: the first final status wins, 1xx are
// informational and ignored here, and an impossible code panics.
func (r *response) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if r.status == 0 && code >= 200 {
		r.status = code
	}
}

func (r *response) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// finish fills in what the application left out, as net/http would: 200 if
// nothing was written, a Content-Type for a body (JSON as
// application/json, which http.DetectContentType calls text/plain), and no
// body for HEAD.
func (r *response) finish(head bool) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if b := r.body.Bytes(); len(b) > 0 && r.header.Get("Content-Type") == "" {
		ct := http.DetectContentType(b)
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(b) {
			ct = "application/json"
		}
		r.header.Set("Content-Type", ct)
	}
	if head {
		r.body.Reset()
	}
}

var ownBodies = map[int]string{400: `{"error":"bad request"}`, 500: `{"error":"internal error"}`}

// fail replaces whatever was written with this package's own answer: a
// constant body that says nothing of the request, with hdr.
func (r *response) fail(status int, hdr http.Header) {
	clear(r.header)
	maps.Copy(r.header, hdr)
	r.header["Content-Type"] = []string{"application/json"}
	r.status = status
	r.body.Reset()
	r.body.WriteString(ownBodies[status])
}

// encode writes the answer as the front's JSON response, what encoding/json
// would write for the front's events type, by hand: reflection and map-key
// sorting were a fifth of an invocation. A body that is not UTF-8 goes as
// base64, as the adapters send it.
func (r *response) encode(s shape) []byte {
	b := make([]byte, 0, 256+r.body.Len()*4/3+64*len(r.header))
	b = append(b, `{"statusCode":`...)
	b = strconv.AppendInt(b, int64(r.status), 10)
	if s.description {
		b = append(b, `,"statusDescription":"`...)
		b = strconv.AppendInt(b, int64(r.status), 10)
		b = append(append(append(b, ' '), http.StatusText(r.status)...), '"')
	}
	var arr [16]string
	keys := arr[:0]
	for k := range r.header {
		if !s.cookies || k != "Set-Cookie" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) > 0 || s.explicit {
		if s.multi {
			b = append(b, `,"multiValueHeaders":{`...)
		} else {
			b = append(b, `,"headers":{`...)
		}
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendValues(b, r.header[k], s.multi)
		}
		b = append(b, '}')
	}
	if c := r.header["Set-Cookie"]; s.cookies && len(c) > 0 {
		b = append(b, `,"cookies":`...)
		b = appendValues(b, c, true)
	}
	b = append(b, `,"body":`...)
	if body := r.body.Bytes(); utf8.Valid(body) {
		b = appendString(b, string(body))
		if s.explicit {
			b = append(b, `,"isBase64Encoded":false`...)
		}
	} else {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, body)
		b = append(b, `","isBase64Encoded":true`...)
	}
	return append(b, '}')
}

// appendValues writes vs as a JSON array, or as one string joined with
// commas: the single-value form of RFC 9110 §5.3.
func appendValues(b []byte, vs []string, array bool) []byte {
	if !array {
		return appendString(b, strings.Join(vs, ","))
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string. Strings with a control byte or
// beyond ASCII go through encoding/json; the rest, bodies of JSON included,
// are escaped here.
func appendString(b []byte, s string) []byte {
	n0 := len(b)
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= utf8.RuneSelf:
			q, _ := json.Marshal(s) // a string always marshals
			return append(b[:n0], q...)
		case c == '"' || c == '\\':
			b = append(append(b, s[start:i]...), '\\', c)
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
