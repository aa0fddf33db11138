package lambdahttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
)

// guard wraps the application handler before the adapter sees it. It
// buffers the status and body (headers go straight to the adapter's map) so
// that, whatever the handler did, the adapter is handed one complete,
// well-formed response:
//
//   - a panic discards what was written and answers 500 "internal error";
//   - no WriteHeader and no Write answers 200, as net/http would (the adapter
//     would fail with "Status code not set on response");
//   - a body without Content-Type is labelled here, JSON as application/json
//     (the adapter would sniff JSON as text/plain);
//   - HEAD keeps status and headers and drops the body (the adapter keeps it).
type guard struct {
	next   http.Handler
	logger *slog.Logger
}

// responses reuses buffered answers: the body is copied into the adapter's
// own buffer before ServeHTTP returns.
var responses = sync.Pool{New: func() any { return new(bufferedResponse) }}

// maxPooledBody keeps an unusually large answer's buffer out of the pool.
const maxPooledBody = 64 << 10

func (g guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	buf := responses.Get().(*bufferedResponse)
	buf.header = w.Header()
	if !g.serve(buf, r) {
		buf.internalError()
	}
	buf.flush(w, r.Method == http.MethodHead)
	if buf.body.Cap() <= maxPooledBody {
		buf.reset()
		responses.Put(buf)
	}
}

// serve runs the handler and reports false if it panicked.
func (g guard) serve(w *bufferedResponse, r *http.Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
			g.logPanic(r.Context(), v)
		}
	}()
	g.next.ServeHTTP(w, r)
	return true
}

func (g guard) logPanic(ctx context.Context, v any) {
	if v == http.ErrAbortHandler {
		return
	}
	g.logger.ErrorContext(ctx, "handler panic",
		slog.String("panic", fmt.Sprint(v)),
		slog.String("stack", string(debug.Stack())))
}

// bufferedResponse is an http.ResponseWriter that keeps the status and body
// in memory; its header map is the adapter's.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) reset() {
	b.header, b.status = nil, 0
	b.body.Reset()
}

func (b *bufferedResponse) Header() http.Header { return b.header }

// WriteHeader follows net/http: the first final status wins, 1xx are
// informational and ignored here, and an impossible code panics.
func (b *bufferedResponse) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if b.status == 0 && code >= 200 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// flush hands the answer to w, filling in what the handler left out.
func (b *bufferedResponse) flush(w http.ResponseWriter, head bool) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	if b.body.Len() > 0 && b.header.Get("Content-Type") == "" {
		b.header.Set("Content-Type", contentType(b.body.Bytes()))
	}
	w.WriteHeader(b.status)
	if !head && b.body.Len() > 0 {
		_, _ = w.Write(b.body.Bytes())
	}
}

// contentType is http.DetectContentType that also knows JSON.
func contentType(body []byte) string {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(body) {
		return "application/json"
	}
	return http.DetectContentType(body)
}

var internalErrorBody = []byte(`{"error":"internal error"}`)

// internalError replaces whatever the handler wrote, headers included.
func (b *bufferedResponse) internalError() {
	clear(b.header)
	for k, v := range plainHeaders() {
		b.header[k] = v
	}
	b.status = http.StatusInternalServerError
	b.body.Reset()
	b.body.Write(internalErrorBody)
}

// plainHeaders are the headers of the answers this package makes itself
// (400, 500): the same OWASP REST set the application sets on its own.
func plainHeaders() http.Header {
	return http.Header{
		"Content-Type":              {"application/json"},
		"Cache-Control":             {"no-store"},
		"X-Content-Type-Options":    {"nosniff"},
		"X-Frame-Options":           {"DENY"},
		"Content-Security-Policy":   {"frame-ancestors 'none'"},
		"Strict-Transport-Security": {"max-age=63072000; includeSubDomains"},
	}
}
