package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// WhatsApp Cloud API defaults (docs/readiness.md cites Meta's pages).
const (
	// DefaultWhatsAppAPIURL is Meta's Graph API.
	DefaultWhatsAppAPIURL = "https://graph.facebook.com"
	// DefaultWhatsAppAPIVersion is the pinned Graph API version: an
	// unversioned call gets the app's oldest available version, which
	// changes under the function.
	DefaultWhatsAppAPIVersion = "v25.0"
	// DefaultTokenWarnDays is how many days before the access token
	// expires a whatsapp:// check warns.
	DefaultTokenWarnDays = 7
)

// WhatsApp configures whatsapp:// checks: where the access token lives
// (a Secrets Manager secret id or ARN, read with the function's role), when
// to warn about its expiry, and which Graph API to ask.
type WhatsApp struct {
	TokenSecret string
	WarnDays    int
	APIURL      string // default DefaultWhatsAppAPIURL
	APIVersion  string // default DefaultWhatsAppAPIVersion
}

// WithWhatsApp sets how whatsapp:// checks reach the Cloud API.
func WithWhatsApp(w WhatsApp) Option { return func(c *config) { c.whatsapp = w } }

// WithGetenv makes the AWS and WhatsApp kinds read AWS_REGION, the
// endpoint variables and the credentials through getenv (default
// os.Getenv). Credentials are read when a check runs, never at start-up.
func WithGetenv(getenv func(string) string) Option { return func(c *config) { c.getenv = getenv } }

// WithSecretTTL sets how long a secret read by a check (the WhatsApp access
// token) is kept in memory: the result cache's TTL. Zero reads it on every
// run.
func WithSecretTTL(d time.Duration) Option { return func(c *config) { c.secretTTL = d } }

// tokenCache keeps the access token in memory for the TTL. The token is
// never logged, put in an error, shown or exported: it lives here and in
// the Authorization header only.
type tokenCache struct {
	mu      sync.Mutex
	token   string
	expires time.Time
}

func (t *tokenCache) get(now time.Time) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && now.Before(t.expires) {
		return t.token
	}
	return ""
}

func (t *tokenCache) put(token string, until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token, t.expires = token, until
}

func (t *tokenCache) drop() { t.put("", time.Time{}) }

// whatsappTarget builds a whatsapp://PHONE-NUMBER-ID check.
func (c *config) whatsappTarget(id string) (func(context.Context) error, error) {
	if !within(id, 1, 32, "") || strings.Trim(id, "0123456789") != "" {
		return nil, fmt.Errorf("whatsapp target %q is not valid (want whatsapp://PHONE-NUMBER-ID, the number's Graph API id: digits)", id)
	}
	w := c.whatsapp
	if w.TokenSecret == "" {
		return nil, fmt.Errorf("whatsapp target needs HEALTH_WHATSAPP_TOKEN_SECRET (the Secrets Manager secret holding the access token)")
	}
	ep, err := c.resolveAWS(svcSecrets)
	if err != nil {
		return nil, err
	}
	api, err := BaseURL("HEALTH_WHATSAPP_API_URL", w.APIURL)
	if err != nil {
		return nil, err
	}
	api.Path += "/" + w.APIVersion
	if ep.base.Scheme == "https" || api.Scheme == "https" {
		c.rootCAs() // now, not in the first check
	}
	cache := &tokenCache{}
	return func(ctx context.Context) error {
		token := cache.get(c.now())
		if token == "" {
			// A local err: the closure's captured one would be shared by a
			// run abandoned at the budget and the next run.
			t, err := c.getSecretString(ctx, ep, w.TokenSecret)
			if err != nil {
				return fmt.Errorf("WhatsApp access token: %w", err)
			}
			token = t
			cache.put(token, c.now().Add(c.secretTTL))
		}
		phone := *api
		phone.Path += "/" + id
		phone.RawQuery = url.Values{"fields": {"display_phone_number,quality_rating,status,code_verification_status,name_status"}}.Encode()
		var number struct {
			QualityRating string `json:"quality_rating"`
			Status        string `json:"status"`
		}
		if err := c.graphGet(ctx, &phone, token, "phone number "+id, &number); err != nil {
			if errors.Is(err, errInvalidToken) {
				cache.drop() // a rotated secret is read on the next run
			}
			return err
		}
		debug := *api
		debug.Path += "/debug_token"
		debug.RawQuery = url.Values{"input_token": {token}}.Encode()
		var info struct {
			Data struct {
				IsValid   bool  `json:"is_valid"`
				ExpiresAt int64 `json:"expires_at"`
			} `json:"data"`
		}
		if err := c.graphGet(ctx, &debug, token, "debug_token", &info); err != nil {
			if errors.Is(err, errInvalidToken) {
				cache.drop()
			}
			return err
		}
		if !info.Data.IsValid {
			cache.drop()
			return errors.New("WhatsApp debug_token: the access token is not valid")
		}
		switch strings.ToUpper(number.Status) {
		case "", "CONNECTED":
		case "FLAGGED", "RATE_LIMITED":
			return checks.Warn(fmt.Errorf("WhatsApp phone number %s: status %s", id, number.Status))
		default:
			return fmt.Errorf("WhatsApp phone number %s: status %s, cannot send", id, number.Status)
		}
		if info.Data.ExpiresAt != 0 {
			left := time.Unix(info.Data.ExpiresAt, 0).Sub(c.now())
			days := math.Floor(left.Hours() / 24)
			checks.Observe(ctx, checks.Observation{Measurement: "tokenExpiry", Value: days, Unit: "d"})
			if left <= 0 {
				cache.drop()
				return errors.New("WhatsApp access token: expired")
			}
			if w.WarnDays > 0 && left < time.Duration(w.WarnDays)*24*time.Hour {
				return checks.Warn(fmt.Errorf("WhatsApp access token expires in %.0f days (%s), under %d",
					days, time.Unix(info.Data.ExpiresAt, 0).UTC().Format(time.RFC3339), w.WarnDays))
			}
		}
		if strings.EqualFold(number.QualityRating, "RED") {
			return checks.Warn(fmt.Errorf("WhatsApp phone number %s: quality rating RED", id))
		}
		return nil
	}, nil
}

var errInvalidToken = errors.New("the access token is invalid or expired")

// isGraphRateLimit reports whether a Graph API or Cloud API error code is
// one Meta files under throttling (docs/readiness.md cites the pages): the
// platform answers, it asks us to slow down.
func isGraphRateLimit(code int) bool {
	switch code {
	case 4, 17, 32, 613, 80007, 130429, 131048, 131056:
		return true
	}
	return false
}

// graphGet GETs u with the token as a bearer and decodes a 200 answer into
// out. Errors name what was asked (what), never the URL, which may carry
// the token (debug_token's input_token), and never Meta's message, which
// may quote it.
func (c *config) graphGet(ctx context.Context, u *url.URL, token, what string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("WhatsApp %s: bad request", what)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if id := traceHeader(ctx); id != "" {
		req.Header.Set("X-Amzn-Trace-Id", id)
	}
	resp, err := c.client(ctx, u.Scheme).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("WhatsApp %s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("WhatsApp %s: reading the answer: %w", what, err)
	}
	if resp.StatusCode == http.StatusOK {
		if json.Unmarshal(body, out) != nil {
			return fmt.Errorf("WhatsApp %s: unreadable answer", what)
		}
		return nil
	}
	var e struct {
		Error struct {
			Type    string `json:"type"`
			Code    int    `json:"code"`
			Subcode int    `json:"error_subcode"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	switch code := e.Error.Code; {
	case code == 190:
		return fmt.Errorf("WhatsApp %s: %w (OAuth error 190, subcode %d)", what, errInvalidToken, e.Error.Subcode)
	case isGraphRateLimit(code) || resp.StatusCode == http.StatusTooManyRequests:
		return checks.Warn(fmt.Errorf("WhatsApp %s: rate limited (code %d, status %d)", what, code, resp.StatusCode))
	case code != 0:
		return fmt.Errorf("WhatsApp %s: Graph API error %d (%s), status %d", what, code, e.Error.Type, resp.StatusCode)
	default:
		return fmt.Errorf("WhatsApp %s: status %d", what, resp.StatusCode)
	}
}
