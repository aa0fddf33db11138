package localapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

const (
	// MaxBodyBytes is Lambda's synchronous invocation payload limit; API
	// Gateway refuses larger requests before they reach a function.
	MaxBodyBytes = 6 << 20

	// InvokeTimeout bounds one invocation as the function's Timeout
	// (template.yaml: 2 s) does in AWS, so an overrun shows locally too.
	InvokeTimeout = 2 * time.Second

	shutdownGrace = 5 * time.Second
)

// API Gateway's own answers when it cannot get a usable one from the function.
var (
	badGatewayBody      = []byte(`{"message":"Internal server error"}`)
	tooLargeBody        = []byte(`{"message":"Request Too Long"}`)
	gatewayTimeoutBody  = []byte(`{"message":"Endpoint request timed out"}`)
	gatewayErrorHeaders = http.Header{"Content-Type": {"application/json"}}
)

// NewHandler returns an http.Handler that invokes fn once per request with a
// REST API proxy event, as API Gateway would.
func NewHandler(fn lambda.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			writeGatewayError(w, http.StatusRequestEntityTooLarge, tooLargeBody)
			return
		}
		id := newRequestID()
		payload, err := json.Marshal(EventFromRequest(r, body, id))
		if err != nil {
			writeGatewayError(w, http.StatusBadGateway, badGatewayBody)
			return
		}

		ctx, cancel := context.WithTimeout(r.Context(), InvokeTimeout)
		defer cancel()
		ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
			AwsRequestID:       id,
			InvokedFunctionArn: "arn:aws:lambda:local:000000000000:function:local",
		})

		out, err := fn.Invoke(ctx, payload)
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			logger.WarnContext(ctx, "invocation timed out", slog.String("request_id", id))
			writeGatewayError(w, http.StatusGatewayTimeout, gatewayTimeoutBody)
			return
		case err != nil:
			logger.WarnContext(ctx, "invocation failed", slog.String("request_id", id), slog.String("error", err.Error()))
			writeGatewayError(w, http.StatusBadGateway, badGatewayBody)
			return
		}
		if err := writeProxyResponse(w, out); err != nil {
			logger.WarnContext(ctx, "malformed function response", slog.String("request_id", id), slog.String("error", err.Error()))
			writeGatewayError(w, http.StatusBadGateway, badGatewayBody)
		}
	})
}

// writeProxyResponse writes a REST API proxy response as API Gateway would.
func writeProxyResponse(w http.ResponseWriter, out []byte) error {
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return err
	}
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return fmt.Errorf("status code %d", resp.StatusCode)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return err
		}
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return nil
}

func writeGatewayError(w http.ResponseWriter, status int, body []byte) {
	for k, v := range gatewayErrorHeaders {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// ListenAndServe serves h on addr until ctx is cancelled, then lets in-flight
// requests finish (up to a grace period) before it returns. ready, if not
// nil, receives the bound address once the listener is open, which is how
// tests using port 0 learn the port.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
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
	logger.Info("local mode: serving the function over HTTP", slog.String("addr", "http://"+ln.Addr().String()))
	if ready != nil {
		ready(ln.Addr())
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
