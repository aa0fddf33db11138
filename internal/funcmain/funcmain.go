package funcmain

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/lambdalog"
	"github.com/whatsapp-contact-processor/health/internal/memlimit"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
)

// NewHandler builds a function's http.Handler. It reads the function's own
// configuration through getenv (the environment the template gives it) and
// logs through logger; an error stops the function before its first request
// (Lambda reports it as an init error, local mode answers 502 for its routes).
// It is called once per process.
type NewHandler func(getenv func(string) string, logger *slog.Logger) (http.Handler, error)

// basePathEnv is the one variable funcmain reads for every function: the
// custom-domain base path mapping (e.g. "/api") the adapter strips.
const basePathEnv = "BASE_PATH"

// runtimeAPIEnv is set by Lambda (and by the runtime interface emulator) to
// the Runtime API's address. Without it lambda.Start exits the process via
// log.Fatalf, so Run checks it first.
const runtimeAPIEnv = "AWS_LAMBDA_RUNTIME_API"

// Main runs the function called name (its directory under functions/) and
// exits 1 with the error if it fails to start. It does not return under
// Lambda.
func Main(name string, newHandler NewHandler) {
	if err := Run(context.Background(), name, os.Args[1:], os.Getenv, os.Stderr, newHandler, nil); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Run is Main with its inputs passed in, so tests can run a function in
// process. ready, if not nil, is told the local listener's address (tests use
// port 0).
func Run(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, newHandler NewHandler, ready func(net.Addr)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	local := localFlags(fs, name)
	if err := fs.Parse(args); err != nil {
		return err
	}

	// Lambda's slog handler (lambdacontext.NewLogHandler's output, cheaper):
	// request id from the invocation context, and format and level from the
	// function's LoggingConfig (JSON in the template, text for people running
	// it locally).
	logger := slog.New(lambdalog.New(os.Stdout, getenv))
	slog.SetDefault(logger) // the proxy adapter logs through package log

	build := func(getenv func(string) string) (lambda.Handler, error) {
		h, err := newHandler(getenv, logger)
		if err != nil {
			return nil, err
		}
		return Adapt(h, logger, getenv), nil
	}

	if getenv(runtimeAPIEnv) == "" {
		return serveLocal(ctx, local, getenv, stderr, build, logger, ready)
	}
	memlimit.Set(getenv) // before the first event: any event may be 6 MB
	fn, err := build(getenv)
	if err != nil {
		return err
	}
	// No WithEnableSIGTERM: it registers an extension (a Runtime API round
	// trip on every cold start) and replaces Go's default exit on SIGTERM
	// with a hook. The log writes through unbuffered, so there is nothing to
	// flush, and the default exit is what Lambda wants at shutdown.
	lambda.StartWithOptions(fn, lambda.WithContext(ctx))
	return nil
}

// Adapt returns h as every function is served, under Lambda and in local
// mode: every answer carries the security headers, whether h sets them or
// not (h may override one), and so do the adapter's own answers; BASE_PATH
// is stripped; one log line per request goes to logger. Tests and benchmarks
// that mean "the function as deployed" use it too.
func Adapt(h http.Handler, logger *slog.Logger, getenv func(string) string) *lambdahttp.Handler {
	return lambdahttp.New(secheaders.Wrap(h),
		lambdahttp.WithLogger(logger),
		lambdahttp.WithBasePath(strings.TrimSpace(getenv(basePathEnv))),
		lambdahttp.WithHeaders(secheaders.Header()),
	)
}
