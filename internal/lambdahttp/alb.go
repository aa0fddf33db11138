package lambdahttp

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// Application Load Balancer: an event whose requestContext has "elb". A
// target group sends "headers", or "multiValueHeaders" if multi-value headers
// are on, and reads the answer only in the same form.

func (h *Handler) serveALB(ctx context.Context, ev *event, resp *response) shape {
	s := shape{description: true, multi: isObject(ev.v.Get("multiValueHeaders"))}
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
	host, target, ok := h.target(ev, host, ev.path, ev.queryString())
	if !ok {
		resp.fail(http.StatusBadRequest, h.headers)
		return s
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
	if _, err := h.alb.ProxyWithContext(ctx, req); err != nil {
		resp.fail(http.StatusBadRequest, h.headers)
	}
	return s
}
