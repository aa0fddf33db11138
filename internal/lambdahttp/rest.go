package lambdahttp

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// API Gateway REST API, payload 1.0: an event with httpMethod and a
// requestContext that is neither ALB's nor payload 2.0's. The path never
// carries the stage; the answer uses multiValueHeaders.

var restShape = shape{multi: true}

func serveREST(ctx context.Context, a *httpadapter.HandlerAdapter, ev *event, basePath string) (shape, bool) {
	if ev.oversized() {
		return restShape, false
	}
	host, target, ok := requestTarget(ev, basePath, str(ev.rc.Get("domainName")), ev.path, ev.queryString())
	if !ok {
		return restShape, false
	}
	req := events.APIGatewayProxyRequest{
		HTTPMethod: ev.method,
		Path:       target,
		Body:       ev.bodyText,
		RequestContext: events.APIGatewayProxyRequestContext{
			DomainName: host,
			Identity:   events.APIGatewayRequestIdentity{SourceIP: str(ev.rc.Get("identity", "sourceIp"))},
		},
	}
	if req.MultiValueHeaders = ev.multiHeaders(); req.MultiValueHeaders == nil {
		req.Headers = ev.headers()
	}
	_, err := a.ProxyWithContext(ctx, req)
	return restShape, err == nil
}
