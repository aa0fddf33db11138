package perf

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/whatsapp-contact-processor/health/internal/httpapi"
)

// The floor answers exactly what ours answers for GET /health, headers
// included, so the comparison is of the same output for the same input.
const seedBody = httpapi.HealthyBody

var floorHeaders = map[string]string{
	"Cache-Control":             "no-store",
	"Content-Security-Policy":   "frame-ancestors 'none'",
	"Content-Type":              "application/json",
	"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	"Vary":                      "Origin",
	"X-Content-Type-Options":    "nosniff",
	"X-Frame-Options":           "DENY",
}

var floorMultiHeaders = func() map[string][]string {
	m := make(map[string][]string, len(floorHeaders))
	for k, v := range floorHeaders {
		m[k] = []string{v}
	}
	return m
}()

func floorAnswer(method, path string) (int, string) {
	switch {
	case path != "/health":
		return http.StatusNotFound, `{"error":"not found"}`
	case method == http.MethodGet:
		return http.StatusOK, seedBody
	case method == http.MethodHead:
		return http.StatusOK, ""
	}
	return http.StatusMethodNotAllowed, `{"error":"method not allowed"}`
}

// FloorREST is the hand-written REST API (payload 1.0) handler.
func FloorREST(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	status, body := floorAnswer(req.HTTPMethod, req.Path)
	return events.APIGatewayProxyResponse{StatusCode: status, MultiValueHeaders: floorMultiHeaders, Body: body}, nil
}

// FloorHTTPAPI is the hand-written HTTP API (payload 2.0) handler.
func FloorHTTPAPI(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	status, body := floorAnswer(req.RequestContext.HTTP.Method, req.RawPath)
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: floorHeaders, Body: body}, nil
}

// FloorFunctionURL is the hand-written Function URL handler.
func FloorFunctionURL(_ context.Context, req events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	status, body := floorAnswer(req.RequestContext.HTTP.Method, req.RawPath)
	return events.LambdaFunctionURLResponse{StatusCode: status, Headers: floorHeaders, Body: body}, nil
}

// FloorALB is the hand-written ALB handler (multi-value headers off).
func FloorALB(_ context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	status, body := floorAnswer(req.HTTPMethod, req.Path)
	return events.ALBTargetGroupResponse{StatusCode: status, StatusDescription: "200 OK", Headers: floorHeaders, Body: body}, nil
}
