package lambdahttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Handler is a [lambda.Handler] serving an http.Handler to every AWS front.
// One value is safe for concurrent invocations (AWS_LAMBDA_MAX_CONCURRENCY).
type Handler struct {
	next     http.Handler
	rest     *httpadapter.HandlerAdapter
	v2       *httpadapter.HandlerAdapterV2
	alb      *httpadapter.HandlerAdapterALB
	inner    http.Handler // serveHTTP, for VPC Lattice, which builds its own request
	logger   *slog.Logger
	basePath string
	headers  http.Header
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

// WithHeaders sets the application's header policy on the answers the
// Handler writes itself: 400 for a request no front could have sent, 500 for
// a panic. The default sets only Content-Type.
func WithHeaders(hdr http.Header) Option { return func(h *Handler) { h.headers = hdr.Clone() } }

// New returns a Handler that serves next.
func New(next http.Handler, opts ...Option) *Handler {
	h := &Handler{next: next, logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(h)
	}
	inner := http.HandlerFunc(h.serveHTTP)
	h.inner = inner
	h.rest = httpadapter.New(inner)
	h.v2 = httpadapter.NewV2(inner)
	h.alb = httpadapter.NewALB(inner)
	return h
}

// errInternal is all a caller learns of a bug here; the stack is logged.
var errInternal = errors.New("internal error")

// Invoke implements [lambda.Handler]: raw event in, raw response out. A
// payload that is not an HTTP request of a known front is an
// [*UnsupportedEventError]; everything else, bad requests included, is
// answered.
func (h *Handler) Invoke(ctx context.Context, payload []byte) (out []byte, err error) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			h.logger.ErrorContext(ctx, "invoke panic", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			out, err = nil, errInternal
		}
	}()

	var ev event
	release, err := ev.parse(payload)
	defer release()
	if err != nil {
		h.logger.WarnContext(ctx, "rejected event", slog.String("error", err.Error()))
		return nil, err
	}
	resp := responses.Get().(*response)
	defer resp.release()
	c := &call{resp: resp, caller: ev.caller()}
	ctx = context.WithValue(ctx, callKey{}, c)
	// Each front builds its adapter's request and has it call serveHTTP; ok
	// is false for a request no front could have sent.
	var s shape
	var ok bool
	switch ev.src {
	case sourceRESTAPI:
		s, ok = serveREST(ctx, h.rest, &ev, h.basePath)
	case sourceALB:
		s, ok = serveALB(ctx, h.alb, &ev, h.basePath)
	case sourceVPCLattice:
		s, ok = serveLattice(ctx, h.inner, &ev, h.basePath)
	default:
		s, ok = serveV2(ctx, h.v2, &ev, h.basePath)
	}
	if !ok {
		resp.fail(http.StatusBadRequest, h.headers)
	}
	h.logRequest(ctx, &ev, resp.status, start)
	return resp.encode(s), nil
}

// attrsHandler is a slog.Handler that also takes a record as its parts
// (internal/lambdalog's): the per-request line then needs no slog.Record,
// whose attributes past the fifth are allocated.
type attrsHandler interface {
	HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error
}

// logRequest writes the per-request line. It goes to the handler directly,
// with no caller's pc: the Logger would walk the stack for one on every
// invocation, and no handler here prints the source.
func (h *Handler) logRequest(ctx context.Context, ev *event, status int, start time.Time) {
	hd := h.logger.Handler()
	if !hd.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	attrs := [...]slog.Attr{
		slog.String("api_request_id", str(ev.rc.Get("requestId"))),
		slog.String("source", string(ev.src)),
		slog.String("method", truncate(ev.method, 16)),
		slog.String("path", truncate(ev.path, 256)),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(now.Sub(start).Microseconds())/1000),
	}
	// As the Logger does, a line that fails to write is not the caller's error.
	if fast, ok := hd.(attrsHandler); ok {
		_ = fast.HandleAttrs(ctx, now, slog.LevelInfo, "request", attrs[:])
		return
	}
	r := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	r.AddAttrs(attrs[:]...)
	_ = hd.Handle(ctx, r)
}

// call is the invocation's state on the request's context. Not pooled: a
// handler may keep the context.
type call struct {
	resp   *response
	caller string
}

type callKey struct{}

// CallerFromContext returns the IAM principal ARN that API Gateway, the
// Function URL or VPC Lattice authenticated: requestContext.identity.userArn
// of a REST API route with AWS_IAM auth, requestContext.authorizer.iam.userArn
// of an HTTP API or Function URL with IAM auth, requestContext.identity.principal
// of a Lattice V2 event whose identity type is AWS_IAM; never anything from
// headers, query or body. ALB and Lattice V1 events vouch for no one.
//
// Only a principal of the function's own account counts (the partition and
// account in the invocation's function ARN): valid credentials of any other
// AWS account say nothing about who may read this service's internals. ok is
// false when there is no such principal.
func CallerFromContext(ctx context.Context) (principal string, ok bool) {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil || c.caller == "" {
		return "", false
	}
	lc, _ := lambdacontext.FromContext(ctx)
	if lc == nil || arnOwner(c.caller) == "" || arnOwner(c.caller) != arnOwner(lc.InvokedFunctionArn) {
		return "", false
	}
	return c.caller, true
}

// arnOwner is the partition and account fields of an ARN
// (arn:partition:service:region:account:resource) as "partition:account",
// or "": account numbers are per partition.
func arnOwner(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" || f[1] == "" || len(f[4]) != 12 {
		return ""
	}
	return f[1] + ":" + f[4]
}

// serveHTTP is the handler the adapters call, with the request they built.
// The application writes into this invocation's response; the adapter gets
// only the status, which it insists on. A panic is logged and answered 500.
func (h *Handler) serveHTTP(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(callKey{}).(*call)
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				h.logger.ErrorContext(r.Context(), "handler panic", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			}
			c.resp.fail(http.StatusInternalServerError, h.headers)
		}
		c.resp.finish(r.Method == http.MethodHead)
		w.WriteHeader(c.resp.status)
	}()
	h.next.ServeHTTP(c.resp, r)
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
