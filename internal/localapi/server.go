package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/uuid"

	"github.com/whatsapp-contact-processor/health/internal/samlocal"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
)

const (
	// MaxBodyBytes is Lambda's synchronous invocation payload limit; a
	// larger request could never reach the function.
	MaxBodyBytes = 6 << 20

	shutdownGrace = 5 * time.Second
)

// API Gateway's own answers, sent without invoking the function or in
// place of an answer it could not use.
var (
	missingTokenBody = []byte(`{"message":"Missing Authentication Token"}`)
	badGatewayBody   = []byte(`{"message":"Internal server error"}`)
	tooLargeBody     = []byte(`{"message":"Request Too Long"}`)
	badRequestBody   = []byte(`{"message":"Bad Request"}`)
)

// server answers HTTP requests as API Gateway's REST API in front of the
// functions would.
type server struct {
	router router
	logger *slog.Logger
}

// function is one mounted function: its routes, timeout, environment and
// handler.
type function struct {
	*samlocal.Function
	env map[string]string
	h   lambda.Handler
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, id := s.serve(w, r)
	// "local api", not "request": the function logs its own request line.
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000)}
	if id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	s.logger.LogAttrs(r.Context(), slog.LevelInfo, "local api", attrs...)
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) (status int, requestID string) {
	route, params, ok := s.router.match(r.Method, r.URL.Path)
	if !ok {
		return writeGatewayError(w, http.StatusForbidden, missingTokenBody), ""
	}
	if _, ok := r.Header["X-Amz-Tenant-Id"]; ok {
		// A tenant id for a function without tenant isolation (no function
		// here has a TenancyConfig): SAM CLI refuses it without invoking.
		return writeGatewayError(w, http.StatusBadRequest, badRequestBody), ""
	}
	fn := route.fn
	t := Target{Resource: route.Path, PathParameters: params, Port: localPort(r),
		Stage: route.API.Stage, StageVariables: route.API.StageVariables, BinaryMediaTypes: route.API.BinaryMediaTypes}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		return writeGatewayError(w, http.StatusRequestEntityTooLarge, tooLargeBody), ""
	} else if err != nil {
		// The client went away or sent a broken body: nobody reads an answer.
		return writeGatewayError(w, http.StatusBadRequest, badRequestBody), ""
	}
	// A random id, like Lambda's. (SAM CLI computes its default once, so
	// every one of its events carries the same id.)
	id := uuid.NewString()
	ev, err := EventFromRequest(r, body, id, t)
	if err != nil {
		s.logger.WarnContext(r.Context(), "request not sent to the function", slog.String("request_id", id), slog.String("error", err.Error()))
		return writeGatewayError(w, http.StatusBadGateway, badGatewayBody), id
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return writeGatewayError(w, http.StatusBadGateway, badGatewayBody), id
	}

	out, err := fn.invoke(r.Context(), id, payload)
	if err != nil {
		// API Gateway answers a function error or timeout with a 502.
		// (SAM CLI answers a function error with a 500.)
		s.logger.WarnContext(r.Context(), "invocation failed", slog.String("function", fn.LogicalID), slog.String("request_id", id), slog.String("error", err.Error()))
		return writeGatewayError(w, http.StatusBadGateway, badGatewayBody), id
	}
	resp, err := parseProxyResponse(out, r.Header.Get("Accept"), t.BinaryMediaTypes)
	if err != nil {
		s.logger.WarnContext(r.Context(), "malformed Lambda proxy response", slog.String("request_id", id), slog.String("error", err.Error()))
		return writeGatewayError(w, http.StatusBadGateway, badGatewayBody), id
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
	return resp.status, id
}

// invoke runs one invocation under the function's timeout. The handler
// runs on its own goroutine so the answer leaves at the deadline even if
// the handler ignores its context (Lambda would stop it there); a panic is
// a function error, as Lambda reports it, and local mode keeps serving.
func (fn *function) invoke(ctx context.Context, id string, payload []byte) ([]byte, error) {
	// A cold start's init has its own limit (initTimeout), as on Lambda:
	// the function's Timeout counts from the invocation, not from the start
	// of a new process.
	if p, ok := fn.h.(*process); ok {
		if err := p.start(ctx); err != nil {
			return nil, err
		}
	}
	// A client that goes away does not stop the invocation (API Gateway's
	// does not): only the Timeout does, which also stops the process.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fn.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: id, InvokedFunctionArn: functionARN(fn.LogicalID)})

	done := make(chan invokeResult, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- invokeResult{err: fmt.Errorf("function panicked: %v", p)}
			}
		}()
		out, err := fn.h.Invoke(ctx, payload)
		done <- invokeResult{out, err}
	}()
	select {
	case res := <-done:
		if res.err == nil && ctx.Err() != nil {
			return nil, fmt.Errorf("task timed out after %s", fn.Timeout)
		}
		return res.out, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("task timed out after %s", fn.Timeout)
	}
}

// writeGatewayError writes one of local mode's own answers, with the
// security headers every answer carries (API Gateway's own 403/413/502 do
// not have them; the project's answers all do).
func writeGatewayError(w http.ResponseWriter, status int, body []byte) int {
	h := w.Header()
	for k, v := range secheaders.Header() {
		h[k] = v
	}
	h.Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

// localPort is the port the request came in on, for X-Forwarded-Port.
func localPort(r *http.Request) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			return port
		}
	}
	return "3000"
}

// serve serves h on ln until ctx is done, then drains in-flight requests.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("local mode: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func functionARN(name string) string {
	return "arn:aws:lambda:us-east-1:" + AccountID + ":function:" + name
}
