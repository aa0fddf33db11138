// Command health is the WhatsApp Contact Processor API's health function:
// GET /health (and /health/ready, /health/live, /health/details) for every
// front that invokes it. internal/funcmain does the rest; `make run` serves
// it locally.
package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/emf"
	"github.com/whatsapp-contact-processor/health/internal/funcmain"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
)

func main() { funcmain.Main("health", newHandler) }

// newHandler is the health API, configured by the HEALTH_* variables (and
// CORS_ALLOWED_ORIGINS) of internal/config: a malformed one stops this
// function, naming the variable. Its readiness metrics go out as CloudWatch
// Embedded Metric Format lines on stdout (the function's log stream), and
// the detailed view opens to the IAM principals the front vouches for.
func newHandler(getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	return httpapi.NewServer(cfg,
		httpapi.WithLogger(logger),
		httpapi.WithObserver(emf.New(os.Stdout, cfg.ServiceID).Observe),
		httpapi.WithTrustedCaller(func(r *http.Request) (string, bool) { return lambdahttp.CallerFromContext(r.Context()) }),
	), nil
}
