//go:build !lambda.norpc

package funcmain

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/whatsapp-contact-processor/health/internal/localapi"
	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

// localOptions are local mode's flags, named as `sam local start-api` names
// its own.
type localOptions struct {
	addr, template, function, envVars, overrides *string
}

func localFlags(fs *flag.FlagSet, name string) localOptions {
	return localOptions{
		addr:      fs.String("addr", localapi.DefaultAddr, "local mode: `host:port` to serve HTTP on"),
		template:  fs.String("template", "", "local mode: SAM `template` to read routes, environment, stage and timeout from (default: template.yaml here or in the nearest parent directory)"),
		function:  fs.String("function", samlocal.LogicalID(name), "local mode: the template's `logical id` of this function"),
		envVars:   fs.String("env-vars", "", "local mode: SAM --env-vars JSON `file` ({\"HealthFunction\": {...}, \"Parameters\": {...}})"),
		overrides: fs.String("parameter-overrides", "", "local mode: SAM --parameter-overrides `text` (\"Key=Value Key2=Value2\")"),
	}
}

// serveLocal serves the function as `sam local start-api` would until ctx is
// cancelled or the process gets SIGINT or SIGTERM, then drains in-flight
// requests.
func serveLocal(ctx context.Context, o localOptions, getenv func(string) string, stderr io.Writer, build func(func(string) string) (lambda.Handler, error), logger *slog.Logger, ready func(net.Addr)) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	tmpl := *o.template
	if tmpl == "" {
		tmpl = findTemplate()
	}
	return localapi.Run(ctx, localapi.Options{
		Addr:               *o.addr,
		Template:           tmpl,
		Function:           *o.function,
		EnvVarsFile:        *o.envVars,
		ParameterOverrides: *o.overrides,
		LookupEnv:          func(k string) (string, bool) { v := getenv(k); return v, v != "" },
		Logger:             logger,
		Stdout:             stderr,
		Ready:              ready,
	}, build)
}

// findTemplate returns the nearest template.yaml from the working directory
// up, so `go run ./functions/health` works from anywhere in the module; when
// there is none, the plain name, for localapi to report as missing.
func findTemplate() string {
	dir, err := os.Getwd()
	for err == nil {
		p := filepath.Join(dir, localapi.DefaultTemplate)
		if _, statErr := os.Stat(p); statErr == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return localapi.DefaultTemplate
}
