package lambdahttp

import (
	"math/rand/v2"
	"net/textproto"
	"net/url"
	"testing"
)

// canonicalKey agrees with textproto.CanonicalMIMEHeaderKey.
func TestCanonicalKey(t *testing.T) {
	keys := []string{"", "host", "Host", "HOST", "x-forwarded-for", "X-FORWARDED-FOR", "x--a", "-x", "x-", "a1-b2",
		"user_agent", "x.y", "x y", "é", "x-\xff", "content-type", "WWW-authenticate"}
	alphabet := "aZ-_0 .\xc3\xa9"
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		keys = append(keys, string(b))
	}
	for _, k := range keys {
		if got, want := string(canonicalKey([]byte(k))), textproto.CanonicalMIMEHeaderKey(k); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", k, got, want)
		}
	}
}

// requestURL parses as url.Parse parses the whole URL.
func TestRequestURL(t *testing.T) {
	hosts := []string{"h.example", "", "host.invalid", "[::1]:3000", "localhost:", "a.b:80"}
	targets := []string{"/", "/health", "/health?verbose", "/health?a=1&b=%20", "/a%2Fb", "/%zz", "/health#frag",
		"/health?x#y%", "//evil.example/x", "///x", "/a:b", "/a?b?c", "/é", "/health?", "/h%20h/?q=%", "/a#b#c",
		"/\x7f", "/a b", "/%", "/?#", "/a?b#%zz", "/..%2F", "/@x", "/;a=b"}
	for _, h := range hosts {
		for _, tg := range targets {
			want, wantErr := url.Parse("https://" + h + tg)
			got, err := requestURL(h, tg)
			if (err != nil) != (wantErr != nil) {
				t.Errorf("%q %q: error %v, want %v", h, tg, err, wantErr)
				continue
			}
			if err == nil && *got != *want {
				t.Errorf("%q %q: %#v, want %#v", h, tg, got, want)
			}
		}
	}
}
