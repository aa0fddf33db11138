package lambdahttp

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Handler is a [lambda.Handler] serving an http.Handler to every AWS front.
// It holds no per-invocation state, so one value is safe for concurrent
// invocations (AWS_LAMBDA_MAX_CONCURRENCY > 1).
type Handler struct {
	rest     *httpadapter.HandlerAdapter
	v2       *httpadapter.HandlerAdapterV2
	alb      *httpadapter.HandlerAdapterALB
	logger   *slog.Logger
	basePath string
}

var _ lambda.Handler = (*Handler)(nil)

// Option configures a Handler.
type Option func(*Handler)

// WithLogger sets the logger for the per-request line and for panics.
// The default discards everything.
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.logger = l } }

// WithBasePath strips a custom-domain base path mapping ("/api") from every
// request path, by whole segments. The default strips nothing.
func WithBasePath(p string) Option { return func(h *Handler) { h.basePath = cleanBasePath(p) } }

// New returns a Handler that serves next.
func New(next http.Handler, opts ...Option) *Handler {
	h := &Handler{logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(h)
	}
	g := guard{next: next, logger: h.logger}
	h.rest = httpadapter.New(g)
	h.v2 = httpadapter.NewV2(g)
	h.alb = httpadapter.NewALB(g)
	return h
}

// errInternal is all a caller learns of a bug in this package; the stack goes
// to the log.
var errInternal = errors.New("internal error")

// Invoke implements [lambda.Handler]: raw event in, raw response out. A
// payload that is not an HTTP request of a known front is an error wrapping
// [ErrUnsupportedEvent]; everything else, bad requests included, is answered.
func (h *Handler) Invoke(ctx context.Context, payload []byte) (out []byte, err error) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			h.logger.ErrorContext(ctx, "invoke panic", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			out, err = nil, errInternal
		}
	}()

	ev, src, err := decodeEvent(payload)
	if err != nil {
		h.logger.WarnContext(ctx, "rejected event", slog.String("request_id", requestID(ctx, nil)), slog.String("error", err.Error()))
		return nil, err
	}
	defer releaseEvent(ev)
	method, path := ev.method(), ev.path() // as the front sent them, before stripping
	resp := h.serve(ctx, ev, src)
	h.logger.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("request_id", requestID(ctx, ev)),
		slog.String("source", string(src)),
		slog.String("method", truncate(method, 16)),
		slog.String("path", truncate(path, 256)),
		slog.Int("status", statusOf(resp)),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	)
	return encode(resp)
}

// serve turns the event into a request for the matching adapter and returns
// the front's response type.
func (h *Handler) serve(ctx context.Context, ev *event, src Source) any {
	multiValue := ev.MultiValueHeaders != nil
	if !h.prepare(ev, src) {
		return badRequest(src, multiValue)
	}
	switch src {
	case SourceHTTPAPI, SourceFunctionURL:
		resp, err := h.v2.ProxyWithContext(ctx, ev.v2Request())
		if err != nil {
			return badRequest(src, multiValue)
		}
		return resp
	case SourceALB:
		resp, err := h.alb.ProxyWithContext(ctx, ev.albRequest())
		if err != nil {
			return badRequest(src, multiValue)
		}
		return albResponse(resp, multiValue)
	}
	resp, err := h.rest.ProxyWithContext(ctx, ev.restRequest())
	if err != nil {
		return badRequest(src, multiValue)
	}
	return resp
}

// prepare strips stage and base path by segment, decodes a base64 body, and
// checks what http.NewRequest would reject, so the adapter only ever sees
// requests it can build. It reports false for a bad request.
func (h *Handler) prepare(ev *event, src Source) bool {
	if !validMethod(ev.method()) || !validHost(ev.RequestContext.DomainName) {
		return false
	}
	if src == SourceALB && !validHost(ev.Headers["host"]) {
		return false
	}
	// With multi-value headers on, albRequest takes the host from there.
	if host := ev.MultiValueHeaders["host"]; src == SourceALB && ev.Headers == nil && len(host) > 0 && !validHost(host[0]) {
		return false
	}
	if hp := ev.RequestContext.HTTP; hp != nil {
		stage := stagePrefix(ev.RequestContext.Stage)
		ev.RawPath = stripSegments(stripSegments(ev.RawPath, stage), h.basePath)
		hp.Path = stripSegments(stripSegments(hp.Path, stage), h.basePath)
		if !validTarget(ev.RawPath) || !validTarget(hp.Path) || !validTarget(ev.RawQueryString) {
			return false
		}
	} else {
		ev.Path = stripSegments(ev.Path, h.basePath)
		if !validTarget(ev.Path) {
			return false
		}
	}
	if ev.IsBase64Encoded {
		body, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return false
		}
		ev.Body, ev.IsBase64Encoded = string(body), false
	}
	return true
}

func requestID(ctx context.Context, ev *event) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		return lc.AwsRequestID
	}
	if ev != nil {
		return ev.RequestContext.RequestID
	}
	return ""
}

// truncate cuts s to at most n bytes, not inside a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
