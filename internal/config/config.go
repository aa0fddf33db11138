// Package config is the one place the function's environment is read. Every
// variable is parsed and checked at start-up, so a typo fails the deploy's
// first cold start with an error naming the variable, not every request.
package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
	"github.com/whatsapp-contact-processor/health/internal/origin"
)

// DefaultServiceID is the IETF serviceId when HEALTH_SERVICE_ID is unset.
const DefaultServiceID = "whatsapp-contact-processor-api"

// minTokenLength is the shortest HEALTH_DETAILS_TOKEN Load accepts: a token
// anyone could guess would unlock failure reasons for everyone.
const minTokenLength = 32

// Config is the function's whole configuration.
type Config struct {
	// AllowedOrigins lists the CORS origins (or https://*.example.com
	// patterns) allowed to read answers. The original Flask-CORS service
	// allowed any origin, which "*" keeps.
	AllowedOrigins []string
	// BasePath is a custom-domain base path mapping the adapter strips.
	BasePath string

	// Checks are the readiness checks behind /health and /health/ready.
	// None: both answer the seed body, as before readiness existed.
	Checks []checks.Check
	// CheckBudget bounds a whole run of the checks; zero means
	// [checks.DefaultBudget] (1.5 s).
	CheckBudget time.Duration
	// CacheTTL is how long a run's result is reused; nil means
	// [checks.DefaultCacheTTL] (10 s), a pointer to 0 disables the cache.
	CacheTTL *time.Duration
	// CertWarnDays is how many days before expiry a tls:// check warns
	// (the checks are built with it). Zero never warns.
	CertWarnDays int
	// WhatsApp is how whatsapp:// checks reach the Cloud API: the secret
	// holding the access token (its id, never the token), the expiry warning
	// and the pinned Graph API.
	WhatsApp probe.WhatsApp

	// DetailsToken, when set, is the bearer token that unlocks the whole
	// detailed view (latencies, failure reasons, the version) on fronts
	// where IAM cannot vouch for the caller.
	DetailsToken string
	// PublicChecks shows anonymous callers of the detailed view each check's
	// name and status, as Kubernetes' /readyz?verbose does. False: the
	// overall status only.
	PublicChecks bool
	// ServiceID is the IETF serviceId (and the metrics' Service dimension).
	ServiceID string
	// Drain makes /health and /health/ready answer 503 draining.
	Drain bool
}

// Default is the configuration of an empty environment.
func Default() Config {
	return Config{AllowedOrigins: []string{"*"}, ServiceID: DefaultServiceID, CertWarnDays: probe.DefaultCertWarnDays,
		WhatsApp: probe.WhatsApp{WarnDays: probe.DefaultTokenWarnDays, APIURL: probe.DefaultWhatsAppAPIURL, APIVersion: probe.DefaultWhatsAppAPIVersion}}
}

// Load reads the configuration through getenv (tests pass a map lookup). A
// malformed value is an error naming the variable (and, for HEALTH_CHECKS,
// the entry) but never repeating a secret or a URL.
//
//	CORS_ALLOWED_ORIGINS   comma-separated origins ("https://*.example.com" allowed); default "*"
//	BASE_PATH              custom-domain base path to strip, e.g. "/api"; default none
//	HEALTH_CHECKS          readiness checks, see [probe.Parse]; default none
//	HEALTH_CHECK_BUDGET    total time for a run, e.g. "1500ms"; default 1.5s
//	HEALTH_CACHE_TTL       result reuse, e.g. "10s", "0" disables; default 10s
//	HEALTH_CERT_WARN_DAYS  tls:// checks warn this many days before expiry; default 14, 0 never
//	HEALTH_WHATSAPP_TOKEN_SECRET     Secrets Manager id/ARN of the WhatsApp access token; needed by whatsapp://
//	HEALTH_WHATSAPP_TOKEN_WARN_DAYS  whatsapp:// warns this many days before the token expires; default 7, 0 never
//	HEALTH_WHATSAPP_API_URL          Graph API base; default https://graph.facebook.com
//	HEALTH_WHATSAPP_API_VERSION      pinned Graph API version; default v25.0
//	HEALTH_DETAILS_TOKEN   bearer token for the whole detailed view, 32+ characters; default none
//	HEALTH_PUBLIC_CHECKS   "true": anonymous detailed view lists check names and status; default false
//	HEALTH_SERVICE_ID      IETF serviceId; default "whatsapp-contact-processor-api"
//	HEALTH_DRAIN           "true": readiness answers 503 draining; default false
//
// The AWS kinds (dynamodb://, s3://, sqs://, secretsmanager://,
// socialmessaging://) and whatsapp:// also read AWS_REGION and the SDKs'
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> here; the credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) only when a
// check runs.
//
// Logging is configured by Lambda itself (AWS_LAMBDA_LOG_FORMAT and
// AWS_LAMBDA_LOG_LEVEL, from the function's LoggingConfig), which
// aws-lambda-go's log handler reads.
func Load(getenv func(string) string) (Config, error) {
	cfg := Default()
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }

	if v := get("CORS_ALLOWED_ORIGINS"); v != "" {
		var origins []string
		for o := range strings.SplitSeq(v, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			if o != "*" {
				if _, err := origin.ParsePattern(o); err != nil {
					return Config{}, fmt.Errorf("CORS_ALLOWED_ORIGINS entry %d: %w", len(origins)+1, err)
				}
			}
			origins = append(origins, o)
		}
		if len(origins) > 0 {
			cfg.AllowedOrigins = origins
		}
	}
	cfg.BasePath = get("BASE_PATH")
	if v := get("HEALTH_SERVICE_ID"); v != "" {
		cfg.ServiceID = v
	}
	cfg.DetailsToken = get("HEALTH_DETAILS_TOKEN")
	if n := len(cfg.DetailsToken); n > 0 && n < minTokenLength {
		return Config{}, fmt.Errorf("HEALTH_DETAILS_TOKEN is shorter than %d characters: use a random one, e.g. openssl rand -hex 32", minTokenLength)
	}
	var err error
	if cfg.PublicChecks, err = parseBool(get, "HEALTH_PUBLIC_CHECKS"); err != nil {
		return Config{}, err
	}
	if cfg.Drain, err = parseBool(get, "HEALTH_DRAIN"); err != nil {
		return Config{}, err
	}
	if v := get("HEALTH_CERT_WARN_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3650 {
			return Config{}, fmt.Errorf("HEALTH_CERT_WARN_DAYS %q: want a number of days, 0 to 3650", v)
		}
		cfg.CertWarnDays = n
	}
	if v := get("HEALTH_CHECK_BUDGET"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("HEALTH_CHECK_BUDGET %q: want a positive duration like 1500ms", v)
		}
		cfg.CheckBudget = d
	}
	if v := get("HEALTH_CACHE_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return Config{}, fmt.Errorf("HEALTH_CACHE_TTL %q: want a duration like 10s, or 0 to disable", v)
		}
		cfg.CacheTTL = &d
	}
	if err := loadWhatsApp(get, &cfg.WhatsApp); err != nil {
		return Config{}, err
	}
	secretTTL := checks.DefaultCacheTTL
	if cfg.CacheTTL != nil {
		secretTTL = *cfg.CacheTTL
	}
	if cfg.Checks, err = probe.Parse(getenv("HEALTH_CHECKS"), probe.WithCertWarnDays(cfg.CertWarnDays),
		probe.WithGetenv(getenv), probe.WithWhatsApp(cfg.WhatsApp), probe.WithSecretTTL(secretTTL)); err != nil {
		return Config{}, err
	}
	budget := cfg.CheckBudget
	if budget <= 0 {
		budget = checks.DefaultBudget
	}
	for i, c := range cfg.Checks {
		if c.Timeout > budget {
			return Config{}, fmt.Errorf("HEALTH_CHECKS entry %d (%q): timeout %v exceeds HEALTH_CHECK_BUDGET %v", i+1, c.Name, c.Timeout, budget)
		}
	}
	return cfg, nil
}

// parseBool reads a true/false variable; unset is false.
func parseBool(get func(string) string, name string) (bool, error) {
	v := get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s %q: want true or false", name, v)
	}
	return b, nil
}

// loadWhatsApp reads the HEALTH_WHATSAPP_* variables. Whether a whatsapp://
// check needs them is decided by [probe.Parse], which names the missing
// one.
func loadWhatsApp(get func(string) string, w *probe.WhatsApp) error {
	w.TokenSecret = get("HEALTH_WHATSAPP_TOKEN_SECRET")
	if v := get("HEALTH_WHATSAPP_TOKEN_WARN_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 365 {
			return fmt.Errorf("HEALTH_WHATSAPP_TOKEN_WARN_DAYS %q: want a number of days, 0 to 365", v)
		}
		w.WarnDays = n
	}
	if v := get("HEALTH_WHATSAPP_API_URL"); v != "" {
		if _, err := probe.BaseURL("HEALTH_WHATSAPP_API_URL", v); err != nil {
			return fmt.Errorf("%w, e.g. %s", err, probe.DefaultWhatsAppAPIURL)
		}
		w.APIURL = v
	}
	if v := get("HEALTH_WHATSAPP_API_VERSION"); v != "" {
		if !validGraphVersion(v) {
			return fmt.Errorf("HEALTH_WHATSAPP_API_VERSION %q: want a Graph API version like %s", v, probe.DefaultWhatsAppAPIVersion)
		}
		w.APIVersion = v
	}
	return nil
}

// validGraphVersion accepts "vN.M" as Meta spells versions (v25.0).
func validGraphVersion(v string) bool {
	major, minor, ok := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	digits := func(s string) bool { return s != "" && len(s) <= 3 && strings.Trim(s, "0123456789") == "" }
	return strings.HasPrefix(v, "v") && ok && digits(major) && digits(minor)
}
