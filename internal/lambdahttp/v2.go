package lambdahttp

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Payload 2.0, HTTP API or Function URL (whose domainName is
// <id>.lambda-url.<region>.on.aws): an event whose requestContext has "http".
// An HTTP API's named stage leads rawPath ("/Prod/health") and is stripped by
// segments. The answer uses "headers", Set-Cookie going to "cookies".

var v2Shape = shape{cookies: true}

func serveV2(ctx context.Context, a *httpadapter.HandlerAdapterV2, ev *event, basePath string) (shape, bool) {
	if ev.oversized() {
		return v2Shape, false
	}
	path := ev.path
	if stage := str(ev.rc.Get("stage")); stage != "" && stage != "$default" {
		path = stripSegments(path, "/"+stage)
	}
	query := str(ev.v.Get("rawQueryString"))
	if query == "" {
		query = ev.queryString()
	}
	host, target, ok := requestTarget(ev, basePath, str(ev.rc.Get("domainName")), path, query)
	if !ok {
		return v2Shape, false
	}
	req := events.APIGatewayV2HTTPRequest{
		RawPath: target,
		Cookies: strs(ev.v.Get("cookies")),
		Headers: ev.headers(),
		Body:    ev.bodyText,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: host,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:   ev.method,
				SourceIP: str(ev.rc.Get("http", "sourceIp")),
			},
		},
	}
	_, err := a.ProxyWithContext(ctx, req)
	return v2Shape, err == nil
}
