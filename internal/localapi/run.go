package localapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

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
	// Function is the logical id of the function served, e.g.
	// "HealthFunction"; "" is the template's only AWS::Serverless::Function.
	Function string
	// EnvVarsFile is a SAM --env-vars JSON file:
	// {"HealthFunction": {...}, "Parameters": {...}}; "Parameters" there
	// are environment variables for every function, as in SAM CLI.
	EnvVarsFile string
	// ParameterOverrides is SAM's --parameter-overrides text:
	// "Key=Value Key2='a b'" or "ParameterKey=Key,ParameterValue=Value ...".
	ParameterOverrides string
	// LookupEnv is the shell's environment (os.LookupEnv). As in SAM CLI,
	// a variable the template declares takes the shell's value over the
	// template's; nil means no shell values.
	LookupEnv func(string) (string, bool)
	Logger    *slog.Logger   // request and route lines; nil discards them
	Stdout    io.Writer      // where the mounted routes are printed; nil discards them
	Ready     func(net.Addr) // told the listener's address (tests use port 0)
}

// NewFunc builds the function's Lambda handler from its environment as SAM
// would give it (template Environment.Variables with parameters resolved,
// then overrides).
type NewFunc func(getenv func(string) string) (lambda.Handler, error)

// Run reads the template, mounts the function's Api routes, and serves until
// ctx is done, then drains in-flight requests. A template/function/env error
// is returned before listening.
//
// Requests to a method and path the template does not route get API
// Gateway's 403 {"message":"Missing Authentication Token"} without an
// invocation. Each routed request becomes a REST API event as SAM CLI builds
// it, the function runs under the template's Timeout, and its answer is
// checked as API Gateway checks a proxy response: a function error, a
// timeout or a malformed answer is a 502 {"message":"Internal server error"}.
func Run(ctx context.Context, opts Options, newFn NewFunc) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	fn, env, err := Load(opts)
	if err != nil {
		return err
	}
	if len(fn.Routes) == 0 {
		return fmt.Errorf("%s has no Api events: nothing to mount", fn.LogicalID)
	}
	h, err := newFn(func(k string) string { return env[k] })
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
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
		slog.Duration("timeout", fn.Timeout))
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	s := &server{
		fn:      h,
		router:  newRouter(fn.Routes),
		timeout: fn.Timeout,
		arn:     functionARN(fn.LogicalID),
		logger:  opts.Logger,
	}
	return serve(ctx, ln, s, opts.Logger)
}

// Load reads what Run needs from opts' template and files: the function,
// and the environment it gets (AWS_* variables SAM CLI sets, and the
// template's variables with overrides applied).
func Load(opts Options) (*samlocal.Function, map[string]string, error) {
	if opts.Template == "" {
		opts.Template = DefaultTemplate
	}
	overrides, err := samlocal.ParseParameterOverrides(opts.ParameterOverrides)
	if err != nil {
		return nil, nil, err
	}
	var envVars samlocal.EnvVars
	if opts.EnvVarsFile != "" {
		if envVars, err = samlocal.LoadEnvVars(opts.EnvVarsFile); err != nil {
			return nil, nil, err
		}
	}
	tmpl, err := samlocal.Load(opts.Template, overrides)
	if err != nil {
		return nil, nil, err
	}
	id := opts.Function
	if id == "" {
		if id, err = tmpl.OnlyFunction(); err != nil {
			return nil, nil, err
		}
	}
	fn, err := tmpl.Function(id)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", opts.Template, err)
	}
	return fn, fn.Env(opts.LookupEnv, envVars), nil
}
