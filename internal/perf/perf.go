package perf

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
)

// Front is one AWS service in front of the function, with the sample event
// it sends (AWS's own, from aws-lambda-go's events/testdata, path /health).
type Front struct {
	Name    string
	Fixture string // file under internal/lambdahttp/testdata
	floor   any
}

// Fronts lists every front benchmarked.
var Fronts = []Front{
	{"rest", "rest-api.json", FloorREST},
	{"httpapi", "http-api.json", FloorHTTPAPI},
	{"url", "function-url.json", FloorFunctionURL},
	{"alb", "alb.json", FloorALB},
}

// FrontByName finds a front.
func FrontByName(name string) (Front, error) {
	for _, f := range Fronts {
		if f.Name == name {
			return f, nil
		}
	}
	return Front{}, fmt.Errorf("unknown front %q", name)
}

// EventsDir holds the sample events. The default is found from this
// source file, which works for `go test`; binaries built with -trimpath set
// it themselves.
var EventsDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "lambdahttp", "testdata")
}()

// Payload reads the front's sample event.
func (f Front) Payload() ([]byte, error) {
	return os.ReadFile(filepath.Join(EventsDir, f.Fixture))
}

// Floor is the hand-written handler for this front, as the runtime wraps it.
func (f Front) Floor() lambda.Handler { return lambda.NewHandler(f.floor) }

// Ours is the function as funcmain wires it (default configuration, JSON
// logging at INFO to discard), wrapped by the runtime as lambda.Start wraps it.
func Ours() lambda.Handler {
	logger := slog.New(slog.NewJSONHandler(discard{}, &slog.HandlerOptions{ReplaceAttr: lambdacontext.ReplaceAttr}))
	app := httpapi.NewServer(config.Default())
	return lambda.NewHandler(lambdahttp.New(app, lambdahttp.WithLogger(logger), lambdahttp.WithHeaders(secheaders.Header())))
}

// discard drops the log lines after slog has formatted them: formatting is
// part of an invocation's cost, the write to stderr is the kernel's.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
