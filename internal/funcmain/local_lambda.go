//go:build lambda.norpc

package funcmain

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"

	"github.com/aws/aws-lambda-go/lambda"
)

type localOptions struct{}

func localFlags(*flag.FlagSet, string) localOptions { return localOptions{} }

// serveLocal explains why a Lambda build will not serve HTTP: the local
// server is compiled out of it (see the package comment).
func serveLocal(context.Context, localOptions, func(string) string, io.Writer, func(func(string) string) (lambda.Handler, error), *slog.Logger, func(net.Addr)) error {
	return errors.New("AWS_LAMBDA_RUNTIME_API is not set, and this is a Lambda build (-tags lambda.norpc) without local mode: run `make run` to serve HTTP locally, or `make invoke-rie` to run this bootstrap under the Lambda runtime emulator")
}
