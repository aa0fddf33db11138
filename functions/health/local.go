//go:build !lambda.norpc

package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

// serveLocal serves fn over HTTP on addr until ctx is cancelled.
func serveLocal(ctx context.Context, addr string, fn lambda.Handler, logger *slog.Logger, ready func(net.Addr)) error {
	return localapi.ListenAndServe(ctx, addr, localapi.NewHandler(fn, logger), logger, ready)
}
