package lambdahttp

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// The three response types are encoded by hand: they are small and fixed,
// and encoding/json's reflection (and its sorting of map keys through
// allocated slices) was a fifth of an invocation. The output is what
// encoding/json with SetEscapeHTML(false) — the runtime's default — would
// write, keys sorted, as TestEncodeMatchesEncodingJSON checks.

func encode(resp any) ([]byte, error) {
	b := make([]byte, 0, encodedSize(resp))
	switch r := resp.(type) {
	case events.APIGatewayProxyResponse:
		b = appendStatus(b, r.StatusCode)
		b = appendHeaderMaps(b, r.Headers, r.MultiValueHeaders)
		b = appendBody(b, r.Body, r.IsBase64Encoded)
	case events.APIGatewayV2HTTPResponse:
		b = appendStatus(b, r.StatusCode)
		b = appendHeaderMaps(b, r.Headers, r.MultiValueHeaders)
		b = appendBody(b, r.Body, r.IsBase64Encoded)
		if len(r.Cookies) > 0 {
			b = append(b, `,"cookies":[`...)
			for i, c := range r.Cookies {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, c)
			}
			b = append(b, ']')
		}
	case events.ALBTargetGroupResponse:
		b = appendALB(b, r, false)
	case albSingleValue:
		b = appendALB(b, r.ALBTargetGroupResponse, true)
	default:
		panic("lambdahttp: encode of an unknown response type")
	}
	return append(b, '}'), nil
}

// encodedSize is a close upper estimate of the encoding's length, so the
// buffer is allocated once; escapes beyond 1/8 of the text only regrow it.
func encodedSize(resp any) int {
	var n int
	add := func(single map[string]string, multi map[string][]string, body string) {
		for k, v := range single {
			n += len(k) + len(v) + 6
		}
		for k, vs := range multi {
			n += len(k) + 6
			for _, v := range vs {
				n += len(v) + 3
			}
		}
		n += len(body)
	}
	switch r := resp.(type) {
	case events.APIGatewayProxyResponse:
		add(r.Headers, r.MultiValueHeaders, r.Body)
	case events.APIGatewayV2HTTPResponse:
		add(r.Headers, r.MultiValueHeaders, r.Body)
		for _, c := range r.Cookies {
			n += len(c) + 3
		}
	case events.ALBTargetGroupResponse:
		add(r.Headers, r.MultiValueHeaders, r.Body)
		n += len(r.StatusDescription) + 24
	case albSingleValue:
		add(r.Headers, r.MultiValueHeaders, r.Body)
		n += len(r.StatusDescription) + 24
	}
	return n + n/8 + 96
}

func appendALB(b []byte, r events.ALBTargetGroupResponse, flat bool) []byte {
	b = appendStatus(b, r.StatusCode)
	b = append(b, `,"statusDescription":`...)
	b = appendString(b, r.StatusDescription)
	if flat {
		b = appendMulti(b, "headers", r.MultiValueHeaders, true)
	} else {
		b = appendHeaderMaps(b, r.Headers, r.MultiValueHeaders)
	}
	if r.Body != "" { // the type's tag says omitempty
		b = appendBody(b, r.Body, r.IsBase64Encoded)
	}
	return b
}

func appendStatus(b []byte, code int) []byte {
	b = append(b, `{"statusCode":`...)
	return strconv.AppendInt(b, int64(code), 10)
}

func appendHeaderMaps(b []byte, single map[string]string, multi map[string][]string) []byte {
	if len(single) > 0 {
		b = append(b, `,"headers":{`...)
		var arr [16]string
		for i, k := range sortedKeys(arr[:0], single) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, single[k])
		}
		b = append(b, '}')
	}
	return appendMulti(b, "multiValueHeaders", multi, false)
}

// appendMulti writes multi as the object named key: values as arrays, or
// (joined) as single strings with repeated values joined by commas, the
// single-value form of RFC 9110 §5.3.
func appendMulti(b []byte, key string, multi map[string][]string, joined bool) []byte {
	if len(multi) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':', '{')
	open, closing := byte('['), byte(']')
	if joined {
		open, closing = '"', '"'
	}
	var arr [16]string
	for i, k := range sortedKeys(arr[:0], multi) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':', open)
		for j, v := range multi[k] {
			if j > 0 {
				b = append(b, ',')
			}
			if joined {
				b = appendEscaped(b, v)
			} else {
				b = appendString(b, v)
			}
		}
		b = append(b, closing)
	}
	return append(b, '}')
}

func appendBody(b []byte, body string, base64 bool) []byte {
	b = append(b, `,"body":`...)
	b = appendString(b, body)
	if base64 {
		b = append(b, `,"isBase64Encoded":true`...)
	}
	return b
}

// sortedKeys appends m's keys to keys, in order; callers pass a stack array
// so the usual handful allocates nothing.
func sortedKeys[V any](keys []string, m map[string]V) []string {
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does without
// HTML escaping: control characters escaped, invalid UTF-8 replaced by
// U+FFFD, and U+2028/U+2029 escaped for JavaScript's sake.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped is appendString without the quotes.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
