package localapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Stage is the stage name local events carry. As with `sam local start-api`,
// the path never includes it.
const Stage = "local"

// EventFromRequest builds the REST API (payload 1.0) event API Gateway would
// send for r with the given body, filling both the single- and multi-value
// header and query maps as API Gateway does.
func EventFromRequest(r *http.Request, body []byte, requestID string) events.APIGatewayProxyRequest {
	now := time.Now().UTC()
	ev := events.APIGatewayProxyRequest{
		Resource:   r.URL.Path,
		Path:       r.URL.Path,
		HTTPMethod: r.Method,
		RequestContext: events.APIGatewayProxyRequestContext{
			Stage:            Stage,
			RequestID:        requestID,
			ResourcePath:     r.URL.Path,
			Path:             r.URL.Path,
			HTTPMethod:       r.Method,
			DomainName:       r.Host,
			Protocol:         r.Proto,
			RequestTime:      now.Format("02/Jan/2006:15:04:05 -0700"),
			RequestTimeEpoch: now.UnixMilli(),
			Identity: events.APIGatewayRequestIdentity{
				SourceIP:  sourceIP(r.RemoteAddr),
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(r.Header) > 0 || r.Host != "" {
		ev.Headers = make(map[string]string, len(r.Header)+1)
		ev.MultiValueHeaders = make(map[string][]string, len(r.Header)+1)
		for k, v := range r.Header {
			ev.Headers[k] = v[len(v)-1] // API Gateway keeps the last value
			ev.MultiValueHeaders[k] = v
		}
		// net/http moves Host out of the header map; API Gateway keeps it.
		if r.Host != "" {
			ev.Headers["Host"] = r.Host
			ev.MultiValueHeaders["Host"] = []string{r.Host}
		}
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q))
		ev.MultiValueQueryStringParameters = q
		for k, v := range q {
			ev.QueryStringParameters[k] = v[len(v)-1]
		}
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

func sourceIP(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

// newRequestID returns a random UUIDv4-shaped id, like Lambda's.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return strings.Join([]string{s[:8], s[8:12], s[12:16], s[16:20], s[20:]}, "-")
}
