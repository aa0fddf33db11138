package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/version"
)

// healthJSONType is the media type of IETF draft-inadarei-api-health-check
// ("Health Check Response Format for HTTP APIs").
const healthJSONType = "application/health+json"

const (
	description = "Health of the WhatsApp Contact Processor API"
	withheld    = "reason withheld"
)

// view is how much of the detailed view a caller sees.
type view int

const (
	// viewStatus: the overall status only (anonymous callers, by default).
	viewStatus view = iota
	// viewNames: each check's name and status too, a failure's output
	// "reason withheld" (anonymous callers with HEALTH_PUBLIC_CHECKS=true).
	viewNames
	// viewFull: latencies, times, reasons, observations and the version
	// (bearer token holders and callers the front vouches for).
	viewFull
)

// healthJSON is the draft's top-level object, in the draft's key order.
type healthJSON struct {
	Status      checks.Status          `json:"status"`
	Version     string                 `json:"version,omitempty"`
	ReleaseID   string                 `json:"releaseId,omitempty"`
	ServiceID   string                 `json:"serviceId"`
	Description string                 `json:"description"`
	Output      string                 `json:"output,omitempty"`
	Checks      map[string][]checkJSON `json:"checks,omitempty"`
}

// checkJSON is one entry of "checks", keyed "<name>:<measurement>".
type checkJSON struct {
	ComponentType string        `json:"componentType,omitempty"`
	ObservedValue *float64      `json:"observedValue,omitempty"`
	ObservedUnit  string        `json:"observedUnit,omitempty"`
	Status        checks.Status `json:"status"`
	Time          string        `json:"time,omitempty"`
	Output        string        `json:"output,omitempty"`
}

// details renders the detailed view and decides who sees how much of it.
type details struct {
	serviceID    string
	publicChecks bool
	tokenSum     *[sha256.Size]byte // nil: no token configured
	trusted      func(*http.Request) (string, bool)
	logger       *slog.Logger
}

func newDetails(cfg config.Config, trusted func(*http.Request) (string, bool), logger *slog.Logger) details {
	d := details{serviceID: cfg.ServiceID, publicChecks: cfg.PublicChecks, trusted: trusted, logger: logger}
	if d.serviceID == "" {
		d.serviceID = config.DefaultServiceID
	}
	if cfg.DetailsToken != "" {
		sum := sha256.Sum256([]byte(cfg.DetailsToken))
		d.tokenSum = &sum
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	return d
}

// viewFor decides how much r may see: everything for an authorised caller,
// else names and statuses if the operator made them public, else the
// overall status.
func (d details) viewFor(r *http.Request) view {
	if d.bearer(r) {
		return viewFull
	}
	if d.trusted != nil {
		if principal, ok := d.trusted(r); ok {
			d.logger.LogAttrs(r.Context(), slog.LevelInfo, "detailed view for a caller the front vouched for",
				slog.String("principal", principal))
			return viewFull
		}
	}
	if d.publicChecks {
		return viewNames
	}
	return viewStatus
}

// bearer reports whether r presents the configured bearer token. The
// comparison is over SHA-256 sums, in constant time, so neither the token's
// bytes nor its length leak through timing.
func (d details) bearer(r *http.Request) bool {
	if d.tokenSum == nil {
		return false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], d.tokenSum[:]) == 1
}

// encode renders res as much as v allows. Reasons, latencies and the version
// are only in viewFull; failure reasons go to the log in any case.
func (d details) encode(res checks.Result, v view) []byte {
	out := healthJSON{Status: res.Status, ServiceID: d.serviceID, Description: description}
	if v == viewFull {
		out.Version, out.ReleaseID = version.Version, version.ReleaseID
	}
	if v != viewStatus && len(res.Checks) > 0 {
		out.Checks = make(map[string][]checkJSON, len(res.Checks))
	}
	for _, c := range res.Checks {
		if v == viewStatus {
			break
		}
		cj := checkJSON{Status: c.Status}
		if c.Err != nil {
			cj.Output = withheld
		}
		if v == viewFull {
			ms := checks.Millis(c.Duration)
			cj.ComponentType, cj.ObservedValue, cj.ObservedUnit = c.Kind, &ms, "ms"
			cj.Time = c.Time.UTC().Format(time.RFC3339Nano)
			if c.Err != nil {
				cj.Output = c.Err.Error()
			}
			for _, o := range c.Observations {
				val := o.Value
				out.Checks[c.Name+":"+o.Measurement] = []checkJSON{{
					ComponentType: c.Kind, ObservedValue: &val, ObservedUnit: o.Unit,
					Status: c.Status, Time: cj.Time,
				}}
			}
		}
		out.Checks[c.Name+":responseTime"] = []checkJSON{cj}
	}
	b, err := json.Marshal(out)
	if err != nil { // cannot happen: plain strings and numbers
		return []byte(`{"status":"fail"}`)
	}
	return b
}

// drained is the detailed view while the operator drains the region: the
// draft's fail status (a 503 must not read pass) with the reason as its
// output, the same for every caller since it tells nothing about the checks.
func (d details) drained() []byte {
	b, err := json.Marshal(healthJSON{Status: checks.StatusFail, ServiceID: d.serviceID, Description: description, Output: drainNote})
	if err != nil { // cannot happen: plain strings
		return []byte(`{"status":"fail"}`)
	}
	return b
}

// wantsDetails reports whether r asks for the detailed view: a "verbose"
// query parameter (any value), or application/health+json among the Accept
// values. Fronts that split header values on commas (HTTP API, Function URL)
// and clients that send one list are handled alike.
func wantsDetails(r *http.Request) bool {
	if r.URL.Query().Has("verbose") {
		return true
	}
	for _, v := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || mt != healthJSONType {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
				continue // explicitly not acceptable
			}
			return true
		}
	}
	return false
}
