// Command localapi is `make run`: it serves every function of template.yaml
// at once, as `sam local start-api` does, each function's bootstrap (built
// for this machine) running as its own process with only its own
// environment. Its arguments are those bootstraps, named after their
// directory under functions/ (bin/local/health serves HealthFunction).
//
//	localapi [-addr host:port] [-function name] [-template file] [-env-vars file] [-parameter-overrides text] bootstrap...
//	localapi -print-env -function name [-template file] ...
//
// -print-env prints the environment the function gets, one NAME=value a
// line, and exits: scripts/invoke-rie.sh runs the bootstrap with it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/whatsapp-contact-processor/health/internal/localapi"
	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "localapi: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("localapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := localapi.Options{LookupEnv: lookupEnv, Stdout: stdout}
	fs.StringVar(&opts.Addr, "addr", localapi.DefaultAddr, "`host:port` to serve HTTP on")
	fs.StringVar(&opts.Template, "template", localapi.DefaultTemplate, "SAM `template` to read routes, environment, stage and timeout from")
	fs.StringVar(&opts.Function, "function", "", "serve only this `function`: its directory under functions/ or its logical id (default: every function)")
	fs.StringVar(&opts.EnvVarsFile, "env-vars", "", "SAM --env-vars JSON `file` ({\"HealthFunction\": {...}, \"Parameters\": {...}})")
	fs.StringVar(&opts.ParameterOverrides, "parameter-overrides", "", "SAM --parameter-overrides `text` (\"Key=Value Key2=Value2\")")
	printEnv := fs.Bool("print-env", false, "print the environment -function gets, one NAME=value a line, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.Function != "" && !strings.HasSuffix(opts.Function, "Function") {
		opts.Function = samlocal.LogicalID(opts.Function)
	}
	if *printEnv {
		if opts.Function == "" {
			return errors.New("-print-env needs -function")
		}
		env, err := localapi.Environ(opts)
		if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(env)) {
			fmt.Fprintf(stdout, "%s=%s\n", k, env[k])
		}
		return nil
	}
	bootstraps := map[string]string{}
	for _, path := range fs.Args() {
		bootstraps[samlocal.LogicalID(filepath.Base(path))] = path
	}
	// Text or JSON as AWS_LAMBDA_LOG_FORMAT says, like the functions' own lines.
	opts.Logger = slog.New(lambdacontext.NewLogHandler())
	return localapi.RunProcesses(ctx, opts, bootstraps, stderr)
}
