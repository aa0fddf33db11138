package httpapi

import (
	"net/http"

	"github.com/rs/cors"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/origin"
)

// corsAllowedHeaders are the only request headers a preflight may ask for:
// Authorization carries the details token. rs/cors echoes
// Access-Control-Request-Headers back only when every name in it is on this
// list (a "*" would echo anything, CR/LF and markup included).
var corsAllowedHeaders = []string{"Accept", "Authorization"}

// withCORS answers CORS for the configured origins. Origins are matched by
// package origin's strict grammar, not by rs/cors's string wildcards (for which
// "https://*.example.com" also matches "https://evil.com/.example.com"): an
// Origin header that is not a well-formed serialized origin is removed before
// rs/cors sees it, so it is never echoed and never allowed.
//
// No credentials (Flask-CORS's default, which the original service had);
// only the methods this API serves.
func withCORS(cfg config.Config, next http.Handler) http.Handler {
	opts := cors.Options{
		AllowedMethods:   []string{http.MethodGet, http.MethodHead},
		AllowedHeaders:   corsAllowedHeaders,
		AllowCredentials: false,
		MaxAge:           600,
	}
	if len(cfg.AllowedOrigins) == 0 || contains(cfg.AllowedOrigins, "*") {
		// "Access-Control-Allow-Origin: *", a constant: nothing echoed.
		opts.AllowedOrigins = []string{"*"}
	} else {
		var patterns []origin.Pattern
		for _, o := range cfg.AllowedOrigins {
			// A malformed pattern (only reachable past config.Load, which
			// rejects them) matches nothing.
			if p, err := origin.ParsePattern(o); err == nil {
				patterns = append(patterns, p)
			}
		}
		opts.AllowOriginFunc = func(s string) bool {
			o, ok := origin.Parse(s)
			if !ok {
				return false
			}
			for _, p := range patterns {
				if p.Matches(o) {
					return true
				}
			}
			return false
		}
	}
	h := cors.New(opts).Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vs, ok := r.Header["Origin"]
		if ok && (len(vs) != 1 || !wellFormed(vs[0])) {
			r = r.Clone(r.Context())
			delete(r.Header, "Origin")
			ok = false
		}
		// Without an Origin a request is not CORS (Fetch standard), whatever
		// else it carries, yet rs/cors answers any OPTIONS with
		// Access-Control-Request-Method as a preflight (a bare 204). Without
		// that header it is a plain OPTIONS, answered as every other one is:
		// the route's 405 with Allow.
		if !ok && r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			r = r.Clone(r.Context())
			delete(r.Header, "Access-Control-Request-Method")
		}
		h.ServeHTTP(w, r)
	})
}

func wellFormed(s string) bool {
	_, ok := origin.Parse(s)
	return ok
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
