package lambdahttp

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Application Load Balancer: an event whose requestContext has "elb". A
// target group sends "headers", or "multiValueHeaders" if multi-value headers
// are on, and reads the answer only in the same form.

func serveALB(ctx context.Context, a *httpadapter.HandlerAdapterALB, ev *event, basePath string) (shape, bool) {
	s := shape{description: true, multi: isObject(ev.v.Get("multiValueHeaders"))}
	if ev.oversized() {
		return s, false
	}
	req := events.ALBTargetGroupRequest{HTTPMethod: ev.method}
	// The adapter takes the URL's host only from headers["host"].
	host := ""
	if req.MultiValueHeaders = ev.multiHeaders(); req.MultiValueHeaders != nil {
		if hs := req.MultiValueHeaders["host"]; len(hs) > 0 {
			host = hs[0]
		}
	} else {
		req.Headers = ev.headers()
		host = req.Headers["host"]
	}
	host, target, ok := requestTarget(ev, basePath, host, ev.path, ev.queryString())
	if !ok {
		return s, false
	}
	if req.MultiValueHeaders == nil && req.Headers["host"] != host {
		// The placeholder names the URL; the headers stay as sent.
		req.MultiValueHeaders = make(map[string][]string, len(req.Headers))
		for k, v := range req.Headers {
			req.MultiValueHeaders[k] = []string{v}
		}
	}
	if req.MultiValueHeaders != nil && host != "" {
		req.Headers = map[string]string{"host": host}
	}
	req.Path, req.Body = target, ev.bodyText
	_, err := a.ProxyWithContext(ctx, req)
	return s, err == nil
}
