package origin_test

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/origin"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]bool{
		"https://app.example.com":      true,
		"http://localhost:3000":        true,
		"https://[::1]:8443":           true,
		"http://10.0.0.1":              true,
		"https://app.example.com/":     false, // a path
		"https://user@app.example.com": false,
		"https://App.Example.com":      false, // browsers send lower case
		"https://app.example.com:0":    false,
		"https://app.example.com:08":   false,
		"https://a.example\r\nX: y":    false,
		"null":                         false,
		"ftp://app.example.com":        false,
		"https://<script>":             false,
		"https://[fe80::1%25eth0]":     false,
		"":                             false,
	} {
		if _, ok := origin.Parse(s); ok != want {
			t.Errorf("Parse(%q) ok = %v, want %v", s, ok, want)
		}
	}
}

func TestPatternMatches(t *testing.T) {
	tests := []struct {
		pattern, origin string
		want            bool
	}{
		{"https://*.example.com", "https://app.example.com", true},
		{"https://*.example.com", "https://a.b.example.com", true},
		{"https://*.example.com", "https://example.com", false},
		{"https://*.example.com", "https://evil.com/.example.com", false},
		{"https://*.example.com", "https://evilexample.com", false},
		{"https://*.example.com", "http://app.example.com", false},
		{"https://*.example.com", "https://app.example.com:8443", false},
		{"http://localhost:3000", "http://localhost:3000", true},
		{"http://localhost:3000", "http://localhost:3001", false},
	}
	for _, tc := range tests {
		p, err := origin.ParsePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		o, ok := origin.Parse(tc.origin)
		if got := ok && p.Matches(o); got != tc.want {
			t.Errorf("%s matches %q = %v, want %v", tc.pattern, tc.origin, got, tc.want)
		}
	}
	for _, bad := range []string{"https://a.*.example", "https://example.com/path", "*", "https://*"} {
		if _, err := origin.ParsePattern(bad); err == nil {
			t.Errorf("ParsePattern(%q): want an error", bad)
		}
	}
}
