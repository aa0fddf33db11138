// Command health is the WhatsApp Contact Processor API's health function:
// GET /health (and /health/ready, /health/live) for every front that invokes
// it. internal/funcmain does the rest; `make run` serves it locally.
package main

import (
	"log/slog"
	"net/http"

	"github.com/whatsapp-contact-processor/health/internal/funcmain"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

func main() { funcmain.Main("health", newHandler) }

func newHandler(cfg httpapi.Config, logger *slog.Logger) (http.Handler, error) {
	return httpapi.NewServer(cfg, httpapi.WithLogger(logger)), nil
}
