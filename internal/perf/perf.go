package perf

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/funcmain"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdalog"
)

// Front is one AWS service in front of the function, with the sample event
// it sends (AWS's own, from aws-lambda-go's events/testdata, path /health;
// VPC Lattice's is event structure V2 as its user guide shows it).
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
	{"lattice", "lattice-v2.json", FloorLattice},
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
	getenv := func(k string) string {
		return map[string]string{"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}[k]
	}
	logger := slog.New(lambdalog.New(discard{}, getenv))
	app := httpapi.NewServer(config.Default())
	return lambda.NewHandler(funcmain.Adapt(app, logger, getenv))
}

// discard drops the log lines after slog has formatted them: formatting is
// part of an invocation's cost, the write to stderr is the kernel's.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Naive is aws-lambda-go-api-proxy used as its README shows: the runtime
// decodes the REST API event with encoding/json and the adapter serves the
// same application, with no log line.
func Naive() lambda.Handler {
	adapter := httpadapter.New(httpapi.NewServer(config.Default()))
	return lambda.NewHandler(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return adapter.ProxyWithContext(ctx, req)
	})
}

// LargeREST is AWS's sample REST API event for GET /health grown to about
// size bytes: headers of 40 bytes each, sent in both header maps as API
// Gateway sends them, up to half the size or 256 KiB, and the rest as a body
// (which GET ignores). Header-heavy events are where a parser's per-value
// cost shows.
func LargeREST(size int) ([]byte, error) {
	f, err := FrontByName("rest")
	if err != nil {
		return nil, err
	}
	raw, err := f.Payload()
	if err != nil {
		return nil, err
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	single, multi := map[string]any{}, map[string]any{}
	for k, v := range ev["headers"].(map[string]any) {
		single[k] = v
		multi[k] = []any{v}
	}
	headerBytes := min(size/2, 256<<10)
	for i := 0; i*60 < headerBytes; i++ { // about 60 bytes of JSON per header and map
		k, v := fmt.Sprintf("X-Header-%06d", i), fmt.Sprintf("value-%06d", i)
		single[k], multi[k] = v, []any{v}
	}
	ev["headers"], ev["multiValueHeaders"] = single, multi
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	if pad := size - len(b) - len(`,"body":""`); pad > 0 {
		ev["body"] = strings.Repeat("b", pad)
		b, err = json.Marshal(ev)
	}
	return b, err
}
