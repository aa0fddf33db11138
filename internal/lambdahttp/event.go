package lambdahttp

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
)

// Source names the AWS service that sent an invocation.
type Source string

// The fronts a Handler serves.
const (
	SourceRESTAPI     Source = "rest-api"     // API Gateway REST API, payload 1.0
	SourceHTTPAPI     Source = "http-api"     // API Gateway HTTP API, payload 2.0
	SourceFunctionURL Source = "function-url" // Lambda Function URL, payload 2.0
	SourceALB         Source = "alb"          // Application Load Balancer target group
)

// ErrUnsupportedEvent matches (errors.Is) every error about a payload that
// is not an HTTP request from a known front.
var ErrUnsupportedEvent = errors.New("unsupported event")

// UnsupportedEventError is the error for such a payload. Lambda reports its
// type name as errorType, so the console and the invoker read
// "UnsupportedEventError" rather than a wrapper's name.
type UnsupportedEventError struct{ Reason string }

func (e *UnsupportedEventError) Error() string { return "unsupported event: " + e.Reason }

// Is makes errors.Is(err, ErrUnsupportedEvent) true.
func (e *UnsupportedEventError) Is(target error) bool { return target == ErrUnsupportedEvent }

func unsupported(format string, args ...any) error {
	return &UnsupportedEventError{Reason: fmt.Sprintf(format, args...)}
}

// event is the union of the three payload shapes: decoding into it once is
// both the detection and the decode (decode.go), and fields the adapters
// never read (authorizer, identity details, certificates) are skipped, not
// allocated.
type event struct {
	Version string `json:"version"`

	// Payload 1.0 (REST API) and ALB.
	HTTPMethod                      string              `json:"httpMethod"`
	Path                            string              `json:"path"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	Resource                        string              `json:"resource"`

	// Payload 2.0 (HTTP API, Function URL).
	RawPath        string   `json:"rawPath"`
	RawQueryString string   `json:"rawQueryString"`
	Cookies        []string `json:"cookies"`
	RouteKey       string   `json:"routeKey"`

	// Common to all.
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	Body                  string            `json:"body"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	RequestContext        requestContext    `json:"requestContext"`
}

type requestContext struct {
	AccountID    string `json:"accountId"`
	APIID        string `json:"apiId"`
	DomainName   string `json:"domainName"`
	DomainPrefix string `json:"domainPrefix"`
	RequestID    string `json:"requestId"`
	Stage        string `json:"stage"`
	RouteKey     string `json:"routeKey"`
	Time         string `json:"time"`
	TimeEpoch    int64  `json:"timeEpoch"`

	// Payload 1.0 only.
	ResourceID       string `json:"resourceId"`
	ResourcePath     string `json:"resourcePath"`
	Path             string `json:"path"`
	HTTPMethod       string `json:"httpMethod"`
	Protocol         string `json:"protocol"`
	RequestTime      string `json:"requestTime"`
	RequestTimeEpoch int64  `json:"requestTimeEpoch"`
	Identity         struct {
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"identity"`

	HTTP *httpDescription // payload 2.0 only
	ELB  *elbContext      // ALB only
}

type httpDescription struct {
	Method, Path, Protocol, SourceIP, UserAgent string
}

type elbContext struct {
	TargetGroupArn string
}

// eventPool reuses event values: the struct is large, and nothing refers to it
// once the invocation is answered (the request holds its maps, not it).
var eventPool = sync.Pool{New: func() any { return new(event) }}

func releaseEvent(ev *event) {
	*ev = event{}
	eventPool.Put(ev)
}

// decodeEvent decodes payload and names its front; the caller releases ev. The error never quotes
// the payload: it may be large, and it is the caller's data.
func decodeEvent(payload []byte) (*event, Source, error) {
	ev := eventPool.Get().(*event)
	if err := parseEvent(payload, ev); err != nil {
		releaseEvent(ev)
		return nil, "", err
	}
	switch {
	case ev.RequestContext.ELB != nil:
		if ev.HTTPMethod == "" {
			releaseEvent(ev)
			return nil, "", unsupported("ALB event without httpMethod")
		}
		return ev, SourceALB, nil
	case ev.RequestContext.HTTP != nil && ev.RequestContext.HTTP.Method != "":
		if strings.Contains(ev.RequestContext.DomainName, ".lambda-url.") {
			return ev, SourceFunctionURL, nil
		}
		return ev, SourceHTTPAPI, nil
	case ev.HTTPMethod != "":
		return ev, SourceRESTAPI, nil
	}
	releaseEvent(ev)
	return nil, "", unsupported("not an API Gateway, Function URL or ALB HTTP request")
}

func (ev *event) restRequest() events.APIGatewayProxyRequest {
	rc := &ev.RequestContext
	return events.APIGatewayProxyRequest{
		Resource:                        ev.Resource,
		Path:                            ev.Path,
		HTTPMethod:                      ev.HTTPMethod,
		Headers:                         ev.Headers,
		MultiValueHeaders:               ev.MultiValueHeaders,
		QueryStringParameters:           ev.QueryStringParameters,
		MultiValueQueryStringParameters: ev.MultiValueQueryStringParameters,
		PathParameters:                  ev.PathParameters,
		StageVariables:                  ev.StageVariables,
		Body:                            ev.Body,
		IsBase64Encoded:                 ev.IsBase64Encoded,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:        rc.AccountID,
			ResourceID:       rc.ResourceID,
			Stage:            rc.Stage,
			RequestID:        rc.RequestID,
			ResourcePath:     rc.ResourcePath,
			Path:             rc.Path,
			HTTPMethod:       rc.HTTPMethod,
			RequestTime:      rc.RequestTime,
			RequestTimeEpoch: rc.RequestTimeEpoch,
			APIID:            rc.APIID,
			DomainName:       rc.DomainName,
			DomainPrefix:     rc.DomainPrefix,
			Protocol:         rc.Protocol,
			Identity: events.APIGatewayRequestIdentity{
				SourceIP:  rc.Identity.SourceIP,
				UserAgent: rc.Identity.UserAgent,
			},
		},
	}
}

func (ev *event) v2Request() events.APIGatewayV2HTTPRequest {
	rc := &ev.RequestContext
	h := rc.HTTP
	return events.APIGatewayV2HTTPRequest{
		Version:               ev.Version,
		RouteKey:              ev.RouteKey,
		RawPath:               ev.RawPath,
		RawQueryString:        ev.RawQueryString,
		Cookies:               ev.Cookies,
		Headers:               ev.Headers,
		QueryStringParameters: ev.QueryStringParameters,
		PathParameters:        ev.PathParameters,
		StageVariables:        ev.StageVariables,
		Body:                  ev.Body,
		IsBase64Encoded:       ev.IsBase64Encoded,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     rc.RouteKey,
			AccountID:    rc.AccountID,
			Stage:        rc.Stage,
			RequestID:    rc.RequestID,
			APIID:        rc.APIID,
			DomainName:   rc.DomainName,
			DomainPrefix: rc.DomainPrefix,
			Time:         rc.Time,
			TimeEpoch:    rc.TimeEpoch,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    h.Method,
				Path:      h.Path,
				Protocol:  h.Protocol,
				SourceIP:  h.SourceIP,
				UserAgent: h.UserAgent,
			},
		},
	}
}

func (ev *event) albRequest() events.ALBTargetGroupRequest {
	headers := ev.Headers
	// The adapter takes Host only from headers["host"]; with multi-value
	// headers on, ALB sends none there.
	if headers == nil {
		if host := ev.MultiValueHeaders["host"]; len(host) > 0 {
			headers = map[string]string{"host": host[0]}
		}
	}
	return events.ALBTargetGroupRequest{
		HTTPMethod:                      ev.HTTPMethod,
		Path:                            ev.Path,
		QueryStringParameters:           ev.QueryStringParameters,
		MultiValueQueryStringParameters: ev.MultiValueQueryStringParameters,
		Headers:                         headers,
		MultiValueHeaders:               ev.MultiValueHeaders,
		IsBase64Encoded:                 ev.IsBase64Encoded,
		Body:                            ev.Body,
		RequestContext: events.ALBTargetGroupRequestContext{
			ELB: events.ELBContext{TargetGroupArn: ev.RequestContext.ELB.TargetGroupArn},
		},
	}
}

// method and path are the request line as the front reported it, before any
// stripping: what the logs show.
func (ev *event) method() string {
	if h := ev.RequestContext.HTTP; h != nil {
		return h.Method
	}
	return ev.HTTPMethod
}

func (ev *event) path() string {
	if ev.RequestContext.HTTP != nil {
		if ev.RawPath != "" {
			return ev.RawPath
		}
		return ev.RequestContext.HTTP.Path
	}
	return ev.Path
}
