// Command health is the WhatsApp Contact Processor API's health function.
//
// Under Lambda (AWS_LAMBDA_RUNTIME_API set) it serves GET /health to whichever
// front invokes it: REST API, HTTP API, Function URL or ALB. Anywhere else it
// serves the same Lambda handler over HTTP on -addr (default 127.0.0.1:3000),
// turning each request into a REST API event, so no Docker is needed locally.
//
// The Lambda build (-tags lambda.norpc, as the Makefile and SAM build it)
// leaves the local HTTP server out: Lambda never runs it, and net/http's
// server is the largest part of what the function would otherwise carry.
// `make run` and `go run ./functions/health` build it in.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/logging"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		os.Exit(1)
	}
}

// run wires the function together. ready, if not nil, is told the local
// listener's address (tests use port 0).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(net.Addr)) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:3000", "local mode: `host:port` to serve HTTP on")
	if err := fs.Parse(args); err != nil {
		return err
	}

	logger := logging.New(stderr, getenv(logging.LevelEnv))
	slog.SetDefault(logger) // the adapter logs through package log

	cfg, err := httpapi.LoadConfig(getenv)
	if err != nil {
		return err
	}
	app := httpapi.NewServer(cfg, httpapi.WithLogger(logger))
	fn := lambdahttp.New(app,
		lambdahttp.WithLogger(logger),
		lambdahttp.WithBasePath(getenv("BASE_PATH")),
	)

	if lambdahttp.InLambda(getenv) {
		// The log writes through unbuffered, so nothing needs flushing; the
		// SIGTERM hook leaves a last line marking when Lambda recycled this
		// environment. Registering it is one Runtime API round trip at init,
		// within the noise of `make coldstart` (README, Performance).
		lambdahttp.Start(ctx, fn, func() { logger.Info("shutdown: Lambda is recycling this execution environment") })
		return nil
	}
	return serveLocal(ctx, *addr, fn, logger, ready)
}
