package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/version"
)

// healthJSONType is the media type of IETF draft-inadarei-api-health-check
// ("Health Check Response Format for HTTP APIs").
const healthJSONType = "application/health+json"

const (
	description = "Health of the WhatsApp Contact Processor API"
	withheld    = "reason withheld"
)

// healthJSON is the draft's top-level object, in the draft's key order.
type healthJSON struct {
	Status      checks.Status          `json:"status"`
	Version     string                 `json:"version,omitempty"`
	ReleaseID   string                 `json:"releaseId,omitempty"`
	ServiceID   string                 `json:"serviceId"`
	Description string                 `json:"description"`
	Checks      map[string][]checkJSON `json:"checks,omitempty"`
}

// checkJSON is one entry of "checks", keyed "<name>:responseTime".
type checkJSON struct {
	ComponentType string        `json:"componentType"`
	ObservedValue float64       `json:"observedValue"`
	ObservedUnit  string        `json:"observedUnit"`
	Status        checks.Status `json:"status"`
	Time          string        `json:"time"`
	Output        string        `json:"output,omitempty"`
}

// details renders the detailed view and decides who may see reasons.
type details struct {
	serviceID string
	tokenSum  *[sha256.Size]byte // nil: no token configured, no details
}

func newDetails(cfg Config) details {
	d := details{serviceID: cfg.ServiceID}
	if d.serviceID == "" {
		d.serviceID = DefaultServiceID
	}
	if cfg.DetailsToken != "" {
		sum := sha256.Sum256([]byte(cfg.DetailsToken))
		d.tokenSum = &sum
	}
	return d
}

// authorized reports whether r presents the configured bearer token. The
// comparison is over SHA-256 sums, in constant time, so neither the token's
// bytes nor its length leak through timing.
func (d details) authorized(r *http.Request) bool {
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

// encode renders res. Without authorization a failure's output is "reason
// withheld" and the version is left out, as Kubernetes' /readyz does.
func (d details) encode(res checks.Result, authorized bool) []byte {
	out := healthJSON{Status: res.Status, ServiceID: d.serviceID, Description: description}
	if authorized {
		out.Version, out.ReleaseID = version.Version, version.ReleaseID
	}
	if len(res.Checks) > 0 {
		out.Checks = make(map[string][]checkJSON, len(res.Checks))
	}
	for _, c := range res.Checks {
		cj := checkJSON{
			ComponentType: c.Kind,
			ObservedValue: checks.Millis(c.Duration),
			ObservedUnit:  "ms",
			Status:        c.Status,
			Time:          c.Time.UTC().Format(time.RFC3339Nano),
		}
		if c.Err != nil {
			cj.Output = withheld
			if authorized {
				cj.Output = c.Err.Error()
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
