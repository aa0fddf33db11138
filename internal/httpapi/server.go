package httpapi

import (
	"net/http"
	"strings"

	"github.com/rs/cors"
)

// Config is what the server reads from its environment.
type Config struct {
	// AllowedOrigins lists the CORS origins allowed to read answers.
	// The original Flask-CORS service allowed any origin, which "*" keeps.
	AllowedOrigins []string
}

// ConfigFromEnv reads the configuration through getenv, so tests can pass a
// map lookup instead of the process environment.
//
//	CORS_ALLOWED_ORIGINS  comma-separated origins; default "*"
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
	return cfg
}

// NewServer returns the service's whole HTTP surface. Middleware is applied
// here, once, so every route (and every 404) gets the same headers.
func NewServer(cfg Config) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux)

	var h http.Handler = mux
	h = corsFor(cfg).Handler(h)
	h = secureHeaders(h)
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
