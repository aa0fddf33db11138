package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	// DetailsToken, when set, is the bearer token that unlocks the whole
	// detailed view (latencies, failure reasons, the version). Empty: only
	// callers vouched for by [WithTrustedCaller] see it.
	DetailsToken string
	// PublicChecks shows anonymous callers of the detailed view each check's
	// name and status, as Kubernetes' /readyz?verbose does. False: the
	// overall status only.
	PublicChecks bool
	// CertWarnDays is how many days before expiry a tls:// check warns;
	// LoadConfig builds the checks with it. Zero never warns.
	CertWarnDays int
	// ServiceID is the IETF serviceId; empty means [DefaultServiceID].
	ServiceID string
	// Drain makes /health and /health/ready answer 503 draining (HEALTH_DRAIN=true).
	Drain bool
}

// ConfigFromEnv reads the part of the configuration that cannot be malformed,
// through getenv, so tests can pass a map lookup instead of the process
// environment. [LoadConfig] reads it all and is what the function uses.
//
//	CORS_ALLOWED_ORIGINS  comma-separated origins ("https://*.example.com" allowed); default "*"
//	HEALTH_DETAILS_TOKEN  bearer token for the whole detailed view (LoadConfig: 32+ characters); default none
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
//	HEALTH_CHECKS          checks, see [probe.Parse]; default none
//	HEALTH_CHECK_BUDGET    total time for a run, e.g. "1500ms"; default 1.5s
//	HEALTH_CACHE_TTL       result reuse, e.g. "10s", "0" disables; default 10s
//	HEALTH_CERT_WARN_DAYS  tls:// checks warn this many days before expiry; default 14, 0 never
//	HEALTH_PUBLIC_CHECKS   "true": anonymous detailed view lists check names and status; default false
//
// It also rejects a HEALTH_DETAILS_TOKEN shorter than [MinTokenLength] and a
// CORS_ALLOWED_ORIGINS entry that is not "*" or an origin (pattern).
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := ConfigFromEnv(getenv)
	if n := len(cfg.DetailsToken); n > 0 && n < MinTokenLength {
		return Config{}, fmt.Errorf("HEALTH_DETAILS_TOKEN is shorter than %d characters: use a random one, e.g. openssl rand -hex 32", MinTokenLength)
	}
	for i, o := range cfg.AllowedOrigins {
		if o == "*" {
			continue
		}
		if _, err := parseOriginPattern(o); err != nil {
			return Config{}, fmt.Errorf("CORS_ALLOWED_ORIGINS entry %d: %w", i+1, err)
		}
	}
	if v := strings.TrimSpace(getenv("HEALTH_PUBLIC_CHECKS")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("HEALTH_PUBLIC_CHECKS %q: want true or false", v)
		}
		cfg.PublicChecks = b
	}
	cfg.CertWarnDays = probe.DefaultCertWarnDays
	if v := strings.TrimSpace(getenv("HEALTH_CERT_WARN_DAYS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3650 {
			return Config{}, fmt.Errorf("HEALTH_CERT_WARN_DAYS %q: want a number of days, 0 to 3650", v)
		}
		cfg.CertWarnDays = n
	}
	var err error
	if cfg.Checks, err = probe.Parse(getenv("HEALTH_CHECKS"), probe.WithCertWarnDays(cfg.CertWarnDays)); err != nil {
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

// MinTokenLength is the shortest HEALTH_DETAILS_TOKEN LoadConfig accepts.
const MinTokenLength = 32

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
// Lambda, the identity API Gateway or a Function URL put in the invocation's
// request context after IAM authorization), never from anything the caller
// alone can send, such as a header. principal names the caller, for logs.
// Default: no caller is vouched for.
func WithTrustedCaller(caller func(r *http.Request) (principal string, ok bool)) Option {
	return func(s *server) { s.trusted = caller }
}

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
		checks.WithObserver(s.observer),
	}
	if cfg.CacheTTL != nil {
		copts = append(copts, checks.WithCacheTTL(*cfg.CacheTTL))
	}
	rt := routes{}
	addRoutes(rt, checks.New(copts...), newDetails(cfg, s.trusted, s.logger))

	var h http.Handler = drain(cfg.Drain, rt)
	h = withCORS(cfg, h)
	h = secheaders.Wrap(h)
	return h
}
