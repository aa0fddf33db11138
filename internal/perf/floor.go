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

// latticeRequest is VPC Lattice's event structure V2, as encoding/json would
// decode it: aws-lambda-go has no type for it.
type latticeRequest struct {
	Version               string              `json:"version"`
	Path                  string              `json:"path"`
	Method                string              `json:"method"`
	Headers               map[string][]string `json:"headers"`
	QueryStringParameters map[string][]string `json:"queryStringParameters"`
	Body                  string              `json:"body"`
	IsBase64Encoded       bool                `json:"isBase64Encoded"`
	RequestContext        struct {
		ServiceNetworkArn string `json:"serviceNetworkArn"`
		ServiceArn        string `json:"serviceArn"`
		TargetGroupArn    string `json:"targetGroupArn"`
		Identity          struct {
			SourceVpcArn   string `json:"sourceVpcArn"`
			Type           string `json:"type"`
			Principal      string `json:"principal"`
			PrincipalOrgID string `json:"principalOrgID"`
			SessionName    string `json:"sessionName"`
		} `json:"identity"`
		Region    string `json:"region"`
		TimeEpoch string `json:"timeEpoch"`
	} `json:"requestContext"`
}

// latticeResponse is the answer VPC Lattice reads.
type latticeResponse struct {
	StatusCode        int               `json:"statusCode"`
	StatusDescription string            `json:"statusDescription"`
	Headers           map[string]string `json:"headers"`
	Body              string            `json:"body"`
	IsBase64Encoded   bool              `json:"isBase64Encoded"`
}

// FloorLattice is the hand-written VPC Lattice (event structure V2) handler.
func FloorLattice(_ context.Context, req latticeRequest) (latticeResponse, error) {
	status, body := floorAnswer(req.Method, req.Path)
	return latticeResponse{StatusCode: status, StatusDescription: "200 OK", Headers: floorHeaders, Body: body}, nil
}
