package localapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// proxyResponse is a function's answer once checked, ready to write.
type proxyResponse struct {
	status int
	header http.Header
	body   []byte
}

// proxyAnswer is the REST API proxy response format (payload 1.0), the
// only one a function behind a REST API may answer with.
type proxyAnswer struct {
	StatusCode        *int                `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// parseProxyResponse checks a function's answer as API Gateway does: one
// JSON object of the proxy format, no other key, each value of its type
// (SAM CLI also takes a numeric string as statusCode, "True" as a boolean
// and a cookies key, which no function here sends), statusCode absent for
// 200. Header names and values must be writable as sent. accept is the
// request's Accept header: a base64 body is decoded only when the answer's
// Content-Type is one of the API's binary media types and Accept takes it.
func parseProxyResponse(out []byte, accept string, binaryTypes []string) (*proxyResponse, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var a proxyAnswer
	if bytes.Equal(bytes.TrimSpace(out), []byte("null")) {
		return nil, errors.New("response is null")
	}
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("malformed Lambda proxy response: %w", err)
	}
	if dec.More() {
		return nil, errors.New("response is not one JSON value")
	}
	resp := &proxyResponse{status: http.StatusOK, header: http.Header{}, body: []byte(a.Body)}
	if a.StatusCode != nil {
		resp.status = *a.StatusCode
	}
	if resp.status < 100 || resp.status > 599 {
		return nil, fmt.Errorf("statusCode %d is not an HTTP status", resp.status)
	}
	// API Gateway sends every multi-value entry, then each single value
	// unless the same name already lists it.
	for k, vs := range a.MultiValueHeaders {
		for _, v := range vs {
			resp.header[http.CanonicalHeaderKey(k)] = append(resp.header[http.CanonicalHeaderKey(k)], v)
		}
	}
	for k, v := range a.Headers {
		if !slices.Contains(a.MultiValueHeaders[k], v) {
			resp.header[http.CanonicalHeaderKey(k)] = append(resp.header[http.CanonicalHeaderKey(k)], v)
		}
	}
	for k, vs := range resp.header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, fmt.Errorf("%q is not a header name", k)
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) { // no CR or LF smuggling a second header
				return nil, fmt.Errorf("header %s holds a control character", k)
			}
		}
	}
	// Hop-by-hop and framing headers are the server's to set.
	for _, k := range []string{"Content-Length", "Transfer-Encoding", "Connection"} {
		resp.header.Del(k)
	}
	if _, ok := resp.header["Content-Type"]; !ok {
		resp.header.Set("Content-Type", "application/json") // API Gateway's and SAM CLI's default
	}
	if a.IsBase64Encoded && len(resp.body) > 0 && isBinaryAnswer(binaryTypes, accept, resp.header.Get("Content-Type")) {
		var err error
		if resp.body, err = base64.StdEncoding.DecodeString(a.Body); err != nil {
			return nil, fmt.Errorf("isBase64Encoded body does not decode: %w", err)
		}
	}
	return resp, nil
}

// isBinaryAnswer says whether API Gateway decodes a base64 body: the
// answer's media type is one of the binary media types (or they include
// */*), and the request's Accept header lists it, its type/* or */*.
func isBinaryAnswer(binaryTypes []string, accept, contentType string) bool {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	if !slices.Contains(binaryTypes, "*/*") && !slices.Contains(binaryTypes, mt) {
		return false
	}
	typ, _, _ := strings.Cut(mt, "/")
	for _, entry := range strings.Split(accept, ",") {
		switch r := strings.ToLower(strings.TrimSpace(strings.Split(entry, ";")[0])); r {
		case mt, typ + "/*", "*/*":
			return true
		}
	}
	return false
}
