package lambdahttp

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

// RuntimeAPIEnv is set by Lambda (and by the runtime interface emulator) to
// the Runtime API's address. Without it lambda.Start exits the process via
// log.Fatalf, so callers check [InLambda] first.
const RuntimeAPIEnv = "AWS_LAMBDA_RUNTIME_API"

// InLambda reports whether the process runs under a Lambda Runtime API.
func InLambda(getenv func(string) string) bool { return getenv(RuntimeAPIEnv) != "" }

// Start serves h on the Lambda Runtime API and blocks for the life of the
// execution environment; it does not return. onShutdown, if given, runs when
// Lambda sends SIGTERM before recycling the environment, so buffered output
// can be flushed. Without it no SIGTERM extension is registered: that
// registration is a Runtime API round trip on every cold start.
func Start(ctx context.Context, h lambda.Handler, onShutdown ...func()) {
	opts := []lambda.Option{lambda.WithContext(ctx)}
	if len(onShutdown) > 0 {
		opts = append(opts, lambda.WithEnableSIGTERM(onShutdown...))
	}
	lambda.StartWithOptions(h, opts...)
}
