package lambdalog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func env(format, level string) func(string) string {
	return func(k string) string {
		return map[string]string{"AWS_LAMBDA_LOG_FORMAT": format, "AWS_LAMBDA_LOG_LEVEL": level}[k]
	}
}

// reference is what lambdacontext.NewLogHandler writes, to w.
func reference(w *bytes.Buffer, lvl slog.Level) slog.Handler {
	return &withRequestID{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: lambdacontext.ReplaceAttr})}
}

// TestFastPathMatchesSlog logs each record through the handler and through
// slog's JSON handler configured as lambdacontext.NewLogHandler configures
// it, and wants the same bytes; fast says whether the record must take the
// fast path (the per-request line must).
func TestFastPathMatchesSlog(t *testing.T) {
	at := time.Date(2026, 12, 6, 21, 24, 14, 123456789, time.UTC)
	tests := []struct {
		name  string
		msg   string
		attrs []slog.Attr
		fast  bool
	}{
		{"the request line", "request", []slog.Attr{
			slog.String("api_request_id", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"), slog.String("source", "rest-api"),
			slog.String("method", "GET"), slog.String("path", "/health"), slog.Int("status", 200), slog.Float64("duration_ms", 0.123),
		}, true},
		{"escapes", "a \"quoted\" \\ line\n\r\t\x00\x1f\x7f <&>", []slog.Attr{slog.String("k\"", "v\x01")}, true},
		{"escapes past eight bytes", "abcdefgh\"ijklmnop\\qrstuvwx\x1fyz01234\x7f", []slog.Attr{slog.String("abcdefghi", "0123456789abcdef\t")}, true},
		{"non-ASCII past eight bytes", "abcdefghij\xc3\xa9", nil, false},
		{"numbers", "n", []slog.Attr{
			slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64), slog.Bool("t", true), slog.Bool("f", false),
			slog.Duration("d", 1500*time.Millisecond),
			slog.Float64("zero", 0), slog.Float64("neg", -0.5), slog.Float64("tiny", 1e-7), slog.Float64("small", 1.5e-9),
			slog.Float64("big", 1e21), slog.Float64("huge", 1.7976931348623157e308), slog.Float64("int", 42), slog.Float64("third", 1.0/3),
			slog.Float64("negtiny", -2.5e-7), slog.Float64("edge", 1e-6), slog.Float64("below", 9.99e20),
		}, true},
		{"keys renamed as ReplaceAttr does", "m", []slog.Attr{slog.String("time", "x"), slog.String("msg", "y"), slog.String("level", "z")}, true},
		{"no attributes", "", nil, true},
		{"more attributes than the fast path holds", "m", func() (as []slog.Attr) {
			for i := range 20 {
				as = append(as, slog.Int(strconv.Itoa(i), i))
			}
			return as
		}(), true},
		{"non-ASCII", "héllo", []slog.Attr{slog.String("p", "/\u2028\xff")}, false},
		{"NaN", "m", []slog.Attr{slog.Float64("nan", math.NaN())}, false},
		{"infinity", "m", []slog.Attr{slog.Float64("inf", math.Inf(1))}, false},
		{"group", "m", []slog.Attr{slog.Group("g", slog.Int("a", 1))}, false},
		{"time value", "m", []slog.Attr{slog.Time("at", at)}, false},
		{"any value", "m", []slog.Attr{slog.Any("err", context.Canceled), slog.Any("list", []int{1, 2})}, false},
		{"empty key", "m", []slog.Attr{slog.String("", "v")}, false},
	}
	lc := &lambdacontext.LambdaContext{AwsRequestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd"}
	contexts := map[string]context.Context{"outside an invocation": context.Background(), "in an invocation": lambdacontext.NewContext(context.Background(), lc)}
	for _, tc := range tests {
		for cname, ctx := range contexts {
			t.Run(tc.name+"/"+cname, func(t *testing.T) {
				for _, lvl := range []slog.Level{slog.LevelInfo, slog.LevelWarn + 2} {
					r := slog.NewRecord(at, lvl, tc.msg, 0)
					r.AddAttrs(tc.attrs...)
					var got, want bytes.Buffer
					if err := New(&got, env("JSON", "")).Handle(ctx, r.Clone()); err != nil {
						t.Fatal(err)
					}
					if err := reference(&want, slog.LevelInfo).Handle(ctx, r.Clone()); err != nil {
						t.Fatal(err)
					}
					if got.String() != want.String() {
						t.Errorf("got  %s\nwant %s", got.String(), want.String())
					}
					if _, ok := appendLine(nil, ctx, at, lvl, tc.msg, tc.attrs); ok != tc.fast {
						t.Errorf("fast path: %v, want %v", ok, tc.fast)
					}
					got.Reset()
					if err := New(&got, env("JSON", "")).(*jsonHandler).HandleAttrs(ctx, at, lvl, tc.msg, tc.attrs); err != nil {
						t.Fatal(err)
					}
					if got.String() != want.String() {
						t.Errorf("HandleAttrs:\ngot  %s\nwant %s", got.String(), want.String())
					}
				}
			})
		}
	}
}

// The request line's duration is formatted by hand; it must read as
// encoding/json writes the same float.
func TestMillisecondsMatchEncodingJSON(t *testing.T) {
	check := func(us int64) {
		f := float64(us) / 1000
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := appendFloat(nil, f); !ok || string(got) != string(want) {
			t.Fatalf("%d µs: got %s, want %s", us, got, want)
		}
	}
	for us := range int64(2_000_000) {
		check(us)
	}
	for us := int64(1 << 20); us < 1<<40; us = us*3 + 7 {
		check(us)
	}
}

// Times in UTC are formatted by hand; they must read as RFC3339Nano does.
func TestTimeMatchesRFC3339Nano(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 12, 6, 21, 24, 14, 123456789, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 100000000, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 1, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 6, 1, 12, 0, 0, 5000, time.FixedZone("CEST", 2*3600)),
		time.Date(2026, 6, 1, 12, 0, 0, 5000, time.FixedZone("UTC-ish", 0)),
		time.Now(), time.Now().UTC(),
	}
	for ns := 0; ns < 1e9; ns += 7_654_321 {
		times = append(times, time.Date(2026, 3, 4, 5, 6, 7, ns, time.UTC))
	}
	for _, at := range times {
		if got, want := string(appendTime(nil, at)), at.Format(time.RFC3339Nano); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// TestFormatAndLevel: the environment picks the format and the level, as
// it does for lambdacontext.NewLogHandler; With leaves the fast path but
// not the request id.
func TestFormatAndLevel(t *testing.T) {
	lc := &lambdacontext.LambdaContext{AwsRequestID: "req-1"}
	ctx := lambdacontext.NewContext(context.Background(), lc)
	tests := []struct {
		name, format, level string
		with                bool
		want                []string // substrings of the output, "" for none
	}{
		{"JSON at INFO", "JSON", "", false, []string{`"level":"INFO","message":"info"`, `"message":"warn"`, `"requestId":"req-1"}`}},
		{"JSON at WARN", "JSON", "WARN", false, []string{`"message":"warn"`}},
		{"JSON at DEBUG", "JSON", "DEBUG", false, []string{`"message":"debug"`, `"message":"info"`}},
		{"JSON at ERROR", "JSON", "ERROR", false, []string{""}},
		{"JSON With", "JSON", "", true, []string{`"message":"info","fn":"health","requestId":"req-1"}`}},
		{"text", "Text", "", false, []string{`level=INFO message=info requestId=req-1`}},
		{"unset format is text", "", "", false, []string{`message=warn`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(New(&buf, env(tc.format, tc.level)))
			if tc.with {
				l = l.With("fn", "health")
			}
			l.DebugContext(ctx, "debug")
			l.InfoContext(ctx, "info")
			l.WarnContext(ctx, "warn")
			out := buf.String()
			for _, w := range tc.want {
				if w == "" && out != "" || !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tc.level == "WARN" && strings.Contains(out, "info") || tc.level == "" && strings.Contains(out, "debug") {
				t.Errorf("a line below the level was written:\n%s", out)
			}
		})
	}
}

// plain8 checks a word at a time what the plain table checks a byte at a
// time: every byte value in every position.
func TestPlain8MatchesTable(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			if got := plain8(string(w)); got != plain[c] {
				t.Errorf("byte %#x at %d: plain8 %v, table %v", c, pos, got, plain[c])
			}
		}
	}
}

// isPlain finds a byte that is not plain at any place in strings of any
// length, the overlapping last word included.
func TestIsPlain(t *testing.T) {
	for n := range 20 {
		s := []byte(strings.Repeat("a", n))
		if !isPlain(string(s)) {
			t.Errorf("%q: not plain", s)
		}
		for pos := range n {
			for _, c := range []byte{0, 0x1f, '"', '\\', 0x80, 0xff} {
				s := []byte(strings.Repeat("a", n))
				s[pos] = c
				if isPlain(string(s)) {
					t.Errorf("%q: plain", s)
				}
			}
		}
	}
}
