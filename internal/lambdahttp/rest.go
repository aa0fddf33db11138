package lambdahttp

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// API Gateway REST API, payload 1.0: an event with httpMethod and a
// requestContext that is neither ALB's nor payload 2.0's. The path never
// carries the stage; the answer uses multiValueHeaders.

var restShape = shape{multi: true}

func (h *Handler) serveREST(ctx context.Context, ev *event, resp *response) shape {
	host, target, ok := h.target(ev, str(ev.rc.Get("domainName")), ev.path, ev.queryString())
	if !ok {
		resp.fail(http.StatusBadRequest, h.headers)
		return restShape
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
	if _, err := h.rest.ProxyWithContext(ctx, req); err != nil {
		resp.fail(http.StatusBadRequest, h.headers)
	}
	return restShape
}
