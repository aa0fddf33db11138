package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
	"github.com/whatsapp-contact-processor/health/internal/secheaders"
)

// DefaultServiceID is the IETF serviceId when HEALTH_SERVICE_ID is unset.
const DefaultServiceID = "whatsapp-contact-processor-api"

// Config is what the server reads from its environment.
type Config struct {
	// AllowedOrigins lists the CORS origins allowed to read answers.
	// The original Flask-CORS service allowed any origin, which "*" keeps.
	AllowedOrigins []string

	// Checks are the readiness checks behind /health and /health/ready.
	// None: both answer the seed body, as before readiness existed.
	Checks []checks.Check
	// CheckBudget bounds a whole run of the checks; zero means
	// [checks.DefaultBudget] (1.5 s).
	CheckBudget time.Duration
	// CacheTTL is how long a run's result is reused; nil means
	// [checks.DefaultCacheTTL] (10 s), a pointer to 0 disables the cache.
	CacheTTL *time.Duration
	// DetailsToken, when set, is the bearer token that unlocks failure
	// reasons and the version in the detailed view. Empty: no details to
	// anyone.
	DetailsToken string
	// ServiceID is the IETF serviceId; empty means [DefaultServiceID].
	ServiceID string
	// Drain makes /health and /health/ready answer 503 draining (HEALTH_DRAIN=true).
	Drain bool
}

// ConfigFromEnv reads the part of the configuration that cannot be malformed,
// through getenv, so tests can pass a map lookup instead of the process
// environment. [LoadConfig] reads it all and is what the function uses.
//
//	CORS_ALLOWED_ORIGINS  comma-separated origins; default "*"
//	HEALTH_DETAILS_TOKEN  bearer token for failure reasons; default none
//	HEALTH_SERVICE_ID     IETF serviceId; default "whatsapp-contact-processor-api"
//	HEALTH_DRAIN          "true": readiness answers 503 draining; default off
func ConfigFromEnv(getenv func(string) string) Config {
	cfg := Config{AllowedOrigins: []string{"*"}}
	if v := strings.TrimSpace(getenv("CORS_ALLOWED_ORIGINS")); v != "" {
		var origins []string
		for o := range strings.SplitSeq(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				origins = append(origins, o)
			}
		}
		if len(origins) > 0 {
			cfg.AllowedOrigins = origins
		}
	}
	cfg.DetailsToken = strings.TrimSpace(getenv("HEALTH_DETAILS_TOKEN"))
	cfg.ServiceID = strings.TrimSpace(getenv("HEALTH_SERVICE_ID"))
	cfg.Drain = strings.TrimSpace(getenv("HEALTH_DRAIN")) == "true"
	return cfg
}

// LoadConfig reads the whole configuration: [ConfigFromEnv] plus the
// readiness checks. A malformed value is an error naming the variable (and,
// for HEALTH_CHECKS, the entry), meant to fail the function's start-up.
//
//	HEALTH_CHECKS        checks, see [probe.Parse]; default none
//	HEALTH_CHECK_BUDGET  total time for a run, e.g. "1500ms"; default 1.5s
//	HEALTH_CACHE_TTL     result reuse, e.g. "10s", "0" disables; default 10s
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := ConfigFromEnv(getenv)
	var err error
	if cfg.Checks, err = probe.Parse(getenv("HEALTH_CHECKS")); err != nil {
		return Config{}, err
	}
	if v := strings.TrimSpace(getenv("HEALTH_CHECK_BUDGET")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("HEALTH_CHECK_BUDGET %q: want a positive duration like 1500ms", v)
		}
		cfg.CheckBudget = d
	}
	if v := strings.TrimSpace(getenv("HEALTH_CACHE_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return Config{}, fmt.Errorf("HEALTH_CACHE_TTL %q: want a duration like 10s, or 0 to disable", v)
		}
		cfg.CacheTTL = &d
	}
	budget := orDefault(cfg.CheckBudget, checks.DefaultBudget)
	for i, c := range cfg.Checks {
		if c.Timeout > budget {
			return Config{}, fmt.Errorf("HEALTH_CHECKS entry %d (%q): timeout %v exceeds HEALTH_CHECK_BUDGET %v", i+1, c.Name, c.Timeout, budget)
		}
	}
	return cfg, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Option configures [NewServer].
type Option func(*server)

type server struct {
	logger *slog.Logger
}

// WithLogger sets the logger the readiness checks report state changes to
// (default: none).
func WithLogger(l *slog.Logger) Option { return func(s *server) { s.logger = l } }

// NewServer returns the service's whole HTTP surface. Middleware is applied
// here, once, so every route (and every 404) gets the same headers.
func NewServer(cfg Config, opts ...Option) http.Handler {
	var s server
	for _, o := range opts {
		o(&s)
	}
	copts := []checks.Option{
		checks.WithCheck(cfg.Checks...),
		checks.WithBudget(cfg.CheckBudget),
		checks.WithLogger(s.logger),
	}
	if cfg.CacheTTL != nil {
		copts = append(copts, checks.WithCacheTTL(*cfg.CacheTTL))
	}
	rt := routes{}
	addRoutes(rt, checks.New(copts...), newDetails(cfg))

	var h http.Handler = drain(cfg.Drain, rt)
	h = corsFor(cfg).Handler(h)
	h = secheaders.Wrap(h)
	return h
}

// corsFor mirrors Flask-CORS's defaults (any origin, any request header, no
// credentials) but advertises only the methods this API serves.
func corsFor(cfg Config) *cors.Cors {
	return cors.New(cors.Options{
		AllowedOrigins:   cfg.AllowedOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodHead},
		AllowedHeaders:   []string{"*"},
		AllowCredentials: false,
		MaxAge:           600,
	})
}
