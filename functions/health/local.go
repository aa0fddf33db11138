//go:build !lambda.norpc

package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

// serveLocal serves fn over HTTP on addr until ctx is cancelled or the
// process gets SIGINT or SIGTERM, then drains in-flight requests. (Under
// Lambda, SIGTERM belongs to the runtime's shutdown hook instead.)
func serveLocal(ctx context.Context, addr string, fn lambda.Handler, logger *slog.Logger, ready func(net.Addr)) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return localapi.ListenAndServe(ctx, addr, localapi.NewHandler(fn, logger), logger, ready)
}
