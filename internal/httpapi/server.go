package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/config"
)

// Option configures [NewServer].
type Option func(*server)

type server struct {
	logger   *slog.Logger
	trusted  func(*http.Request) (string, bool)
	observer checks.Observer
}

// WithObserver is told about every readiness result (see
// [checks.Observer]), e.g. emf.New(os.Stdout, serviceID).Observe for
// CloudWatch metrics. Default: none.
func WithObserver(o checks.Observer) Option { return func(s *server) { s.observer = o } }

// WithLogger sets the logger the readiness checks report state changes to
// (default: none).
func WithLogger(l *slog.Logger) Option { return func(s *server) { s.logger = l } }

// WithTrustedCaller lets the front vouch for a caller: when caller reports
// ok for a request, that request sees the whole detailed view, as a bearer
// token holder does. It must decide only from what the front attests (under
// Lambda, the identity API Gateway, a Function URL or VPC Lattice put in the
// invocation's request context after IAM authentication), never from
// anything the caller alone can send, such as a header. principal names the
// caller, for logs.
// Default: no caller is vouched for.
func WithTrustedCaller(caller func(r *http.Request) (principal string, ok bool)) Option {
	return func(s *server) { s.trusted = caller }
}

// NewServer returns the service's whole HTTP surface. CORS is applied here,
// once, so every route (and every 404) answers preflights alike; the
// security headers are the shared wiring's (funcmain.Adapt), as for every
// function.
func NewServer(cfg config.Config, opts ...Option) http.Handler {
	var s server
	for _, o := range opts {
		o(&s)
	}
	copts := []checks.Option{
		checks.WithCheck(cfg.Checks...),
		checks.WithBudget(cfg.CheckBudget),
		checks.WithLogger(s.logger),
		checks.WithObserver(s.observer),
	}
	if cfg.CacheTTL != nil {
		copts = append(copts, checks.WithCacheTTL(*cfg.CacheTTL))
	}
	rt := routes{}
	addRoutes(rt, checks.New(copts...), newDetails(cfg, s.trusted, s.logger), cfg.Drain)

	return withCORS(cfg, rt)
}
