package localapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

// Defaults, as `sam local start-api` has them.
const (
	DefaultAddr     = "127.0.0.1:3000"
	DefaultTemplate = "template.yaml"
)

// Options configure Run. Zero values mean SAM's defaults.
type Options struct {
	Addr     string // host:port, default "127.0.0.1:3000"
	Template string // path to template.yaml, default "template.yaml"
	// Function narrows local mode to the function with this logical id,
	// e.g. "HealthFunction"; "" serves every AWS::Serverless::Function of
	// the template with Api events, as `sam local start-api` does.
	Function           string
	EnvVarsFile        string                      // SAM's --env-vars JSON file: [samlocal.EnvVars]
	ParameterOverrides string                      // SAM's --parameter-overrides: "Key=Value Key2='a b'"
	LookupEnv          func(string) (string, bool) // the shell's environment (os.LookupEnv); nil: none
	Logger             *slog.Logger                // request and route lines; nil discards them
	Stdout             io.Writer                   // where the mounted routes are printed; nil discards them
	Ready              func(net.Addr)              // told the listener's address (tests use port 0)
}

// NewFunc builds a function's Lambda handler in this process from the
// environment SAM would give it.
type NewFunc func(getenv func(string) string) (lambda.Handler, error)

// Run serves the Api routes of opts.Function (every function when it is "")
// with each handler built in process by newFn, until ctx is done, then drains
// in-flight requests. A template, function, env or newFn error is returned
// before listening.
func Run(ctx context.Context, opts Options, newFn NewFunc) error {
	return run(ctx, opts, func(_ *samlocal.Function, env map[string]string) (lambda.Handler, error) {
		return newFn(func(k string) string { return env[k] })
	})
}

// RunProcesses is Run with each function run as its own process, as `sam
// local start-api` runs each in its own container: bootstraps maps a logical
// id to the function's executable, built for this machine. A function that
// cannot start (no executable, or it exits during init) answers 502 on its
// routes, and the log says why, while the others serve.
func RunProcesses(ctx context.Context, opts Options, bootstraps map[string]string, output io.Writer) error {
	var started []*process
	defer func() {
		for _, p := range started {
			p.stop()
		}
	}()
	return run(ctx, opts, func(fn *samlocal.Function, env map[string]string) (lambda.Handler, error) {
		p := &process{name: fn.LogicalID, path: bootstraps[fn.LogicalID], env: env, output: output}
		started = append(started, p)
		return p, nil
	})
}

func run(ctx context.Context, opts Options, newFn func(*samlocal.Function, map[string]string) (lambda.Handler, error)) error {
	opts.Logger = cmp.Or(opts.Logger, slog.New(slog.DiscardHandler))
	opts.Stdout = cmp.Or(opts.Stdout, io.Discard)
	opts.Addr = cmp.Or(opts.Addr, DefaultAddr)
	fns, err := load(opts, false)
	if err != nil {
		return err
	}
	for _, fn := range fns {
		if fn.h, err = newFn(fn.Function, fn.env); err != nil {
			return fmt.Errorf("%s: %w", fn.LogicalID, err)
		}
	}

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("%w (set ADDR, or -addr, to another host:port)", err)
	}
	for _, fn := range fns {
		for _, r := range fn.Routes {
			fmt.Fprintf(opts.Stdout, "Mounting %s at http://%s%s [%s]\n", fn.LogicalID, ln.Addr(), r.Path, strings.Join(r.Methods, ", "))
			if r.Authorizer == "AWS_IAM" {
				fmt.Fprintf(opts.Stdout, "  %s: AWS_IAM authorization is not checked locally (SAM CLI does not check it either)\n", r.Path)
			}
		}
		for _, n := range fn.Notes {
			fmt.Fprintf(opts.Stdout, "Note: %s\n", n)
		}
		opts.Logger.Info("local mode: serving the template's routes as API Gateway would",
			slog.String("function", fn.LogicalID), slog.String("addr", "http://"+ln.Addr().String()),
			slog.Int64("timeout_ms", fn.Timeout.Milliseconds()))
	}
	// Processes start now, together, so the first request finds them warm
	// (samconfig.toml's warm_containers = "EAGER"); one that cannot start
	// is reported here and answers 502.
	var wg sync.WaitGroup
	for _, fn := range fns {
		if p, ok := fn.h.(*process); ok {
			wg.Go(func() {
				if err := p.start(ctx); err != nil {
					opts.Logger.Error("local mode: function failed to start; its routes answer 502", slog.String("function", fn.LogicalID), slog.String("error", err.Error()))
				}
			})
		}
	}
	wg.Wait()
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	return serve(ctx, ln, &server{router: newRouter(fns), logger: opts.Logger}, opts.Logger)
}

// Environ is the environment Run gives opts.Function, for running its
// bootstrap elsewhere (under the runtime emulator, say). Any function of the
// template has one, whether or not an Api event invokes it.
func Environ(opts Options) (map[string]string, error) {
	if opts.Function == "" {
		return nil, errors.New("no function named (Options.Function)")
	}
	fns, err := load(opts, true)
	if err != nil {
		return nil, err
	}
	return fns[0].env, nil
}

// load reads the functions Run serves, each with the environment it gets;
// with anyEvents, opts.Function too if no Api event invokes it.
func load(opts Options, anyEvents bool) ([]*function, error) {
	opts.Template = cmp.Or(opts.Template, DefaultTemplate)
	overrides, err := samlocal.ParseParameterOverrides(opts.ParameterOverrides)
	if err != nil {
		return nil, err
	}
	var envVars samlocal.EnvVars
	if opts.EnvVarsFile != "" {
		if envVars, err = samlocal.LoadEnvVars(opts.EnvVarsFile); err != nil {
			return nil, err
		}
	}
	tmpl, err := samlocal.Load(opts.Template, overrides)
	if err != nil {
		return nil, err
	}
	ids := tmpl.Functions()
	if opts.Function != "" {
		ids = []string{opts.Function}
	}
	var out []*function
	for _, id := range ids {
		fn, err := tmpl.Function(id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Template, err)
		}
		if len(fn.Routes) == 0 && opts.Function == "" {
			continue // a function no API invokes (a queue consumer, say)
		}
		if len(fn.Routes) == 0 && !anyEvents {
			return nil, fmt.Errorf("%s has no Api events: nothing to mount", fn.LogicalID)
		}
		out = append(out, &function{Function: fn, env: fn.Env(opts.LookupEnv, envVars)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no function has Api events: nothing to mount", opts.Template)
	}
	return out, nil
}
