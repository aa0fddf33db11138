package lambdahttp

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

var badRequestBody = `{"error":"bad request"}`

// badRequest is the answer to a request that is well-formed as an event but
// cannot be an HTTP request (bad base64 body, bad % escape, invalid method).
// It is built here, in the front's own format, without running the handler.
func badRequest(src Source, multiValue bool) any {
	hdr := plainHeaders()
	switch src {
	case SourceHTTPAPI, SourceFunctionURL:
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest, Headers: flatten(hdr), Body: badRequestBody}
	case SourceALB:
		return albResponse(events.ALBTargetGroupResponse{StatusCode: http.StatusBadRequest, MultiValueHeaders: hdr, Body: badRequestBody}, multiValue)
	}
	return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest, MultiValueHeaders: hdr, Body: badRequestBody}
}

// albResponse answers in the header form of the request: a target group with
// multi-value headers off (the default) reads only "headers", on only
// "multiValueHeaders". The adapter always fills the latter.
func albResponse(r events.ALBTargetGroupResponse, multiValue bool) events.ALBTargetGroupResponse {
	r.StatusDescription = strconv.Itoa(r.StatusCode) + " " + http.StatusText(r.StatusCode)
	if !multiValue {
		r.Headers = flatten(r.MultiValueHeaders)
		r.MultiValueHeaders = nil
	}
	return r
}

// flatten joins repeated header values with commas (RFC 9110 §5.3).
func flatten(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}

// statusOf reads the status code of any of the three response types.
func statusOf(resp any) int {
	switch r := resp.(type) {
	case events.APIGatewayProxyResponse:
		return r.StatusCode
	case events.APIGatewayV2HTTPResponse:
		return r.StatusCode
	case events.ALBTargetGroupResponse:
		return r.StatusCode
	}
	return 0
}

func encode(resp any) ([]byte, error) { return json.Marshal(resp) }
