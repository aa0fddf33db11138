package localapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// proxyResponse is a function's answer once checked, ready to write.
type proxyResponse struct {
	status int
	header http.Header
	body   []byte
}

// allowedKeys are the keys SAM CLI accepts in a REST API proxy response
// (LocalApigwService._invalid_apig_response_keys); any other is a 502, as
// API Gateway's "Malformed Lambda proxy response".
var allowedKeys = []string{"statusCode", "body", "headers", "multiValueHeaders", "isBase64Encoded", "base64Encoded", "cookies"}

// parseProxyResponse checks a function's answer as SAM CLI's
// _parse_v1_payload_format_lambda_output does for an Api event. Where SAM
// CLI would turn a value of the wrong type into text with Python's str()
// (a number or object as body or header value, null as a header value)
// local mode refuses it, as API Gateway does. accept is the request's
// Accept header: a base64 body is decoded only when the answer's
// Content-Type, matched against it, is one of the API's binary media types.
func parseProxyResponse(out []byte, accept string, binaryTypes []string) (*proxyResponse, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("response is not JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("response is not one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("response is %s, not an object", kind(v))
	}
	var bad []string
	for k := range obj {
		if !slices.Contains(allowedKeys, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("invalid API Gateway response keys: %s", strings.Join(bad, ", "))
	}

	resp := &proxyResponse{header: http.Header{}}
	var err error
	if resp.status, err = statusCode(obj["statusCode"]); err != nil {
		return nil, err
	}
	if err := mergeHeaders(resp.header, obj["headers"], obj["multiValueHeaders"]); err != nil {
		return nil, err
	}
	if _, ok := resp.header["Content-Type"]; !ok {
		resp.header.Set("Content-Type", "application/json") // SAM CLI's default
	}
	b64, err := base64Flag(obj)
	if err != nil {
		return nil, err
	}
	switch body := obj["body"].(type) {
	case nil:
	case string:
		resp.body = []byte(body)
	default:
		return nil, fmt.Errorf("body is %s, not a string", kind(body))
	}
	if b64 && len(resp.body) > 0 && isBinaryAnswer(binaryTypes, accept, resp.header.Values("Content-Type")) {
		if resp.body, err = base64.StdEncoding.DecodeString(string(resp.body)); err != nil {
			return nil, fmt.Errorf("isBase64Encoded body does not decode: %w", err)
		}
	}
	return resp, nil
}

// statusCode reads statusCode as SAM CLI does: absent or falsy means 200,
// a number or a numeric string is taken (a fraction truncated, as Python's
// int() does); it must then be a valid HTTP status.
func statusCode(v any) (int, error) {
	code := 200
	switch v := v.(type) {
	case nil:
	case bool:
		if v {
			code = 1
		}
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, fmt.Errorf("statusCode %s is not a number", v)
		}
		if f != 0 {
			code = int(math.Trunc(f))
		}
	case string:
		if v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0, fmt.Errorf("statusCode %q is not an integer", v)
			}
			code = n
		}
	case []any:
		if len(v) > 0 {
			return 0, fmt.Errorf("statusCode is a list")
		}
	case map[string]any:
		if len(v) > 0 {
			return 0, fmt.Errorf("statusCode is an object")
		}
	}
	if code < 100 || code > 599 {
		return 0, fmt.Errorf("statusCode %d is not an HTTP status", code)
	}
	return code, nil
}

// mergeHeaders merges headers into multiValueHeaders as API Gateway does:
// every multi-value entry, then each single value unless the same name
// already lists that value.
func mergeHeaders(dst http.Header, single, multi any) error {
	sm, err := headerMap("headers", single)
	if err != nil {
		return err
	}
	mm, err := headerMap("multiValueHeaders", multi)
	if err != nil {
		return err
	}
	multiValues := map[string][]string{}
	for _, k := range sortedKeys(mm) {
		var vals []string
		switch v := mm[k].(type) {
		case []any:
			for _, e := range v {
				s, err := headerValue("multiValueHeaders", k, e)
				if err != nil {
					return err
				}
				vals = append(vals, s)
			}
		default:
			s, err := headerValue("multiValueHeaders", k, v)
			if err != nil {
				return err
			}
			vals = []string{s}
		}
		multiValues[k] = vals
		for _, s := range vals {
			dst[http.CanonicalHeaderKey(k)] = append(dst[http.CanonicalHeaderKey(k)], s)
		}
	}
	for _, k := range sortedKeys(sm) {
		s, err := headerValue("headers", k, sm[k])
		if err != nil {
			return err
		}
		if slices.Contains(multiValues[k], s) {
			continue
		}
		dst[http.CanonicalHeaderKey(k)] = append(dst[http.CanonicalHeaderKey(k)], s)
	}
	// Hop-by-hop and framing headers are the server's to set.
	for _, k := range []string{"Content-Length", "Transfer-Encoding", "Connection"} {
		dst.Del(k)
	}
	return nil
}

// headerMap accepts an object, or any falsy value (null, "", 0, false, [])
// for none, as SAM CLI's `x or {}` does.
func headerMap(field string, v any) (map[string]any, error) {
	switch v := v.(type) {
	case map[string]any:
		for k := range v {
			if !validHeaderName(k) {
				return nil, fmt.Errorf("%s: %q is not a header name", field, k)
			}
		}
		return v, nil
	case nil:
		return nil, nil
	case bool:
		if !v {
			return nil, nil
		}
	case string:
		if v == "" {
			return nil, nil
		}
	case json.Number:
		if f, err := v.Float64(); err == nil && f == 0 {
			return nil, nil
		}
	case []any:
		if len(v) == 0 {
			return nil, nil
		}
	}
	return nil, fmt.Errorf("%s is %s, not an object", field, kind(v))
}

func headerValue(field, name string, v any) (string, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		return "", fmt.Errorf("%s[%q] is %s, not a string", field, name, kind(v))
	}
	if !validHeaderValue(s) {
		return "", fmt.Errorf("%s[%q] holds a control character", field, name)
	}
	return s, nil
}

// base64Flag reads base64Encoded (REST API only, checked first) or
// isBase64Encoded: a boolean, or "true"/"True"/"false"/"False".
func base64Flag(obj map[string]any) (bool, error) {
	for _, key := range []string{"base64Encoded", "isBase64Encoded"} {
		switch v := obj[key].(type) {
		case nil:
			continue
		case bool:
			return v, nil
		case string:
			switch v {
			case "true", "True":
				return true, nil
			case "false", "False":
				return false, nil
			}
		}
		return false, fmt.Errorf("%s %v is not a boolean", key, obj[key])
	}
	return false, nil
}

// isBinaryAnswer says whether API Gateway decodes a base64 body: the
// answer's Content-Type that best matches the request's Accept header is
// one of the binary media types (or they include */*). Without an Accept
// header nothing matches, as in Werkzeug's best_match.
func isBinaryAnswer(binaryTypes []string, accept string, contentTypes []string) bool {
	if len(binaryTypes) == 0 || strings.TrimSpace(accept) == "" {
		return false
	}
	best, bestQ := "", 0.0
	for _, ct := range contentTypes {
		if q := acceptQuality(accept, ct); q > bestQ {
			best, bestQ = ct, q
		}
	}
	if best == "" {
		return false
	}
	return slices.Contains(binaryTypes, "*/*") || slices.Contains(binaryTypes, best)
}

// acceptQuality is the quality the Accept header gives media type mt: that
// of its most specific matching entry.
func acceptQuality(accept, mt string) float64 {
	typ, sub, _ := strings.Cut(strings.ToLower(strings.TrimSpace(strings.Split(mt, ";")[0])), "/")
	q, spec := 0.0, -1
	for _, entry := range strings.Split(accept, ",") {
		parts := strings.Split(entry, ";")
		at, as, _ := strings.Cut(strings.ToLower(strings.TrimSpace(parts[0])), "/")
		s := 0
		switch {
		case at == typ && as == sub:
			s = 2
		case at == typ && as == "*":
			s = 1
		case at == "*" && as == "*":
			s = 0
		default:
			continue
		}
		eq := 1.0
		for _, p := range parts[1:] {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					eq = f
				}
			}
		}
		if s > spec {
			q, spec = eq, s
		}
	}
	return q
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return "an object"
}

// validHeaderName: an RFC 9110 token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue: no control characters but tab (no CR or LF smuggling
// a second header).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
