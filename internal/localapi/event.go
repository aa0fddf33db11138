package localapi

import (
	"encoding/base64"
	"errors"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Values SAM CLI puts in every REST API event (samcli/local/events/api_event.py).
const (
	AccountID  = "123456789012"
	APIID      = "1234567890"
	ResourceID = "123456"
	// UserAgent is requestContext.identity.userAgent: SAM CLI sends this
	// placeholder, not the request's User-Agent (which is in the headers).
	UserAgent = "Custom User Agent String"
)

// Event is a REST API (payload 1.0) proxy event with the exact keys and
// nulls SAM CLI's start-api sends.
type Event struct {
	Body                            *string             `json:"body"`
	Headers                         map[string]string   `json:"headers"`
	HTTPMethod                      string              `json:"httpMethod"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	Path                            string              `json:"path"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	RequestContext                  RequestContext      `json:"requestContext"`
	Resource                        string              `json:"resource"`
	StageVariables                  map[string]string   `json:"stageVariables"`
}

// RequestContext is the event's requestContext as SAM CLI fills it.
type RequestContext struct {
	AccountID         string   `json:"accountId"`
	APIID             string   `json:"apiId"`
	DomainName        string   `json:"domainName"`
	ExtendedRequestID *string  `json:"extendedRequestId"`
	HTTPMethod        string   `json:"httpMethod"`
	Identity          Identity `json:"identity"`
	// Path is the route's template path, as SAM CLI sets it; API Gateway
	// sets the request path with the stage (/Prod/health).
	Path             string `json:"path"`
	Protocol         string `json:"protocol"`
	RequestID        string `json:"requestId"`
	RequestTime      string `json:"requestTime"`
	RequestTimeEpoch int64  `json:"requestTimeEpoch"`
	ResourceID       string `json:"resourceId"`
	ResourcePath     string `json:"resourcePath"`
	Stage            string `json:"stage"`
}

// Identity is requestContext.identity: only the source IP is known locally.
type Identity struct {
	AccountID                     *string `json:"accountId"`
	APIKey                        *string `json:"apiKey"`
	Caller                        *string `json:"caller"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	SourceIP                      string  `json:"sourceIp"`
	User                          *string `json:"user"`
	UserAgent                     string  `json:"userAgent"`
	UserArn                       *string `json:"userArn"`
}

// Target is what an event needs to know of the route a request matched.
type Target struct {
	Resource         string            // the template's path pattern: /health, /items/{id}
	PathParameters   map[string]string // nil when the pattern has none
	Stage            string            // the REST API's StageName
	StageVariables   map[string]string
	BinaryMediaTypes []string // request bodies of these types are sent base64-encoded
	Port             string   // X-Forwarded-Port: the port local mode listens on
}

// ErrBodyNotText: SAM CLI answers such a request with a 502 without invoking
// the function.
var ErrBodyNotText = errors.New("request body is not UTF-8 and its Content-Type is not a binary media type")

// EventFromRequest builds the REST API event SAM CLI's start-api builds for
// r with the given body.
func EventFromRequest(r *http.Request, body []byte, requestID string, t Target) (*Event, error) {
	now := time.Now().UTC()
	ev := &Event{
		HTTPMethod:     r.Method,
		Path:           r.URL.Path,
		Resource:       t.Resource,
		PathParameters: t.PathParameters,
		RequestContext: RequestContext{
			AccountID:        AccountID,
			APIID:            APIID,
			DomainName:       r.Host,
			HTTPMethod:       r.Method,
			Identity:         Identity{SourceIP: sourceIP(r.RemoteAddr), UserAgent: UserAgent},
			Path:             t.Resource,
			Protocol:         r.Proto,
			RequestID:        requestID,
			RequestTime:      now.Format("02/Jan/2006:15:04:05 +0000"),
			RequestTimeEpoch: now.UnixMilli(),
			ResourceID:       ResourceID,
			ResourcePath:     t.Resource,
			Stage:            t.Stage,
		},
	}
	if len(t.StageVariables) > 0 {
		ev.StageVariables = t.StageVariables
	}

	ev.MultiValueHeaders = make(map[string][]string, len(r.Header)+4)
	maps.Copy(ev.MultiValueHeaders, r.Header)
	// net/http moves Host and Transfer-Encoding out of the header map;
	// the event keeps them, as SAM CLI's does.
	if r.Host != "" {
		ev.MultiValueHeaders["Host"] = []string{r.Host}
	}
	if len(r.TransferEncoding) > 0 {
		ev.MultiValueHeaders["Transfer-Encoding"] = []string{strings.Join(r.TransferEncoding, ", ")}
	}
	ev.MultiValueHeaders["X-Forwarded-Proto"] = []string{"http"}
	ev.MultiValueHeaders["X-Forwarded-Port"] = []string{t.Port}
	ev.Headers = make(map[string]string, len(ev.MultiValueHeaders))
	for k, v := range ev.MultiValueHeaders {
		ev.Headers[k] = v[len(v)-1] // the last value, as in API Gateway
	}

	if pairs := parseQuery(r.URL.RawQuery); len(pairs) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(pairs))
		ev.MultiValueQueryStringParameters = make(map[string][]string, len(pairs))
		for _, p := range pairs {
			ev.QueryStringParameters[p[0]] = p[1]
			ev.MultiValueQueryStringParameters[p[0]] = append(ev.MultiValueQueryStringParameters[p[0]], p[1])
		}
	}

	if isBinary(t.BinaryMediaTypes, r.Header.Get("Content-Type")) {
		ev.IsBase64Encoded = true
		if len(body) > 0 {
			s := base64.StdEncoding.EncodeToString(body)
			ev.Body = &s
		}
	} else if len(body) > 0 {
		if !utf8.Valid(body) {
			return nil, ErrBodyNotText
		}
		s := string(body)
		ev.Body = &s
	}
	return ev, nil
}

// isBinary says whether a request body goes base64-encoded: its media type
// is one of the API's binary media types, or they include */*.
func isBinary(types []string, contentType string) bool {
	if slices.Contains(types, "*/*") {
		return true
	}
	mt := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	return mt != "" && slices.Contains(types, mt)
}

// parseQuery splits a raw query as Flask's request.args does: pairs
// separated by & only (a ; is data), empty pairs skipped, + as space, and
// a pair whose escapes are malformed or not UTF-8 kept as sent. (Werkzeug
// decodes the valid escapes of such a pair and re-escapes the rest.)
func parseQuery(raw string) [][2]string {
	var out [][2]string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, [2]string{unescapeOrKeep(k), unescapeOrKeep(v)})
	}
	return out
}

func unescapeOrKeep(s string) string {
	if u, err := url.QueryUnescape(s); err == nil && utf8.ValidString(u) {
		return u
	}
	return s
}

func sourceIP(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}
