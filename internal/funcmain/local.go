//go:build !lambda.norpc

package funcmain

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

type localOptions struct {
	addr     *string
	function string
}

func localFlags(fs *flag.FlagSet, name string) localOptions {
	return localOptions{
		addr:     fs.String("addr", "127.0.0.1:3000", "local mode: `host:port` to serve HTTP on"),
		function: logicalID(name),
	}
}

// serveLocal serves the function over HTTP until ctx is cancelled or the
// process gets SIGINT or SIGTERM, then drains in-flight requests.
func serveLocal(ctx context.Context, o localOptions, getenv func(string) string, build func(func(string) string) (lambda.Handler, error), logger *slog.Logger, ready func(net.Addr)) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fn, err := build(getenv)
	if err != nil {
		return err
	}
	return localapi.ListenAndServe(ctx, *o.addr, localapi.NewHandler(fn, logger), logger, ready)
}
