package lambdahttp

import (
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

// albSingleValue is an ALB answer for a target group with multi-value
// headers off (the default): ALB then reads only "headers", so its
// MultiValueHeaders are encoded as "headers", each joined with commas,
// without building a second map.
type albSingleValue struct{ events.ALBTargetGroupResponse }

// albResponse answers in the header form of the request: "headers" with
// multi-value headers off, "multiValueHeaders" with them on. The adapter
// always fills the latter.
func albResponse(r events.ALBTargetGroupResponse, multiValue bool) any {
	r.StatusDescription = statusDescription(r.StatusCode)
	if !multiValue {
		return albSingleValue{r}
	}
	return r
}

// statusDescription is ALB's "200 OK" form.
func statusDescription(code int) string {
	switch code {
	case http.StatusOK:
		return "200 OK"
	case http.StatusNotFound:
		return "404 Not Found"
	}
	return strconv.Itoa(code) + " " + http.StatusText(code)
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
	case albSingleValue:
		return r.StatusCode
	}
	return 0
}
