// Package lambdalog is the functions' slog handler: what aws-lambda-go's
// lambdacontext.NewLogHandler writes (the format and level the function's
// LoggingConfig sets through AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL,
// the keys "timestamp" and "message", the invocation's requestId), with the
// writer and environment passed in, and the JSON lines of flat records of
// plain values written without slog's general machinery.
//
// One such line is written for every request, so its cost is part of every
// invocation's: slog's JSON handler formats a float through encoding/json,
// calls ReplaceAttr for every attribute and escapes byte by byte, about a
// fifth of a small invocation. A record the fast path does not cover (a
// group, an attribute added by With, a value of another kind, a string with
// a byte beyond ASCII, a float JSON cannot hold) goes to slog's own JSON
// handler, so the output is the same either way; TestFastPathMatchesSlog
// holds the two together.
package lambdalog

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// New returns the handler for a function's log, written to w. getenv gives
// AWS_LAMBDA_LOG_FORMAT ("JSON", else text) and AWS_LAMBDA_LOG_LEVEL
// ("DEBUG", "INFO", "WARN" or "ERROR"; INFO otherwise).
func New(w io.Writer, getenv func(string) string) slog.Handler {
	opts := &slog.HandlerOptions{Level: level(getenv("AWS_LAMBDA_LOG_LEVEL")), ReplaceAttr: lambdacontext.ReplaceAttr}
	if getenv("AWS_LAMBDA_LOG_FORMAT") != "JSON" {
		return &withRequestID{slog.NewTextHandler(w, opts)}
	}
	return &jsonHandler{w: w, level: opts.Level.Level(), slow: &withRequestID{slog.NewJSONHandler(w, opts)}}
}

func level(s string) slog.Level {
	switch s {
	case "DEBUG":
		return slog.LevelDebug
	case "WARN":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// withRequestID adds the invocation's request id last, as
// lambdacontext.NewLogHandler does.
type withRequestID struct{ slog.Handler }

func (h *withRequestID) Handle(ctx context.Context, r slog.Record) error {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String("requestId", lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *withRequestID) WithAttrs(as []slog.Attr) slog.Handler {
	return &withRequestID{h.Handler.WithAttrs(as)}
}

func (h *withRequestID) WithGroup(name string) slog.Handler {
	return &withRequestID{h.Handler.WithGroup(name)}
}

// jsonHandler writes flat records of plain values itself and hands the rest
// to slow, which writes to the same writer.
type jsonHandler struct {
	w     io.Writer
	level slog.Level
	slow  slog.Handler
	mu    sync.Mutex
}

func (h *jsonHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

// WithAttrs and WithGroup leave the fast path: such loggers are made once,
// for lines that are not per request.
func (h *jsonHandler) WithAttrs(as []slog.Attr) slog.Handler { return h.slow.WithAttrs(as) }
func (h *jsonHandler) WithGroup(name string) slog.Handler    { return h.slow.WithGroup(name) }

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (h *jsonHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.NumAttrs() > maxFastAttrs {
		return h.slow.Handle(ctx, r)
	}
	var arr [maxFastAttrs]slog.Attr
	as := arr[:0]
	r.Attrs(func(a slog.Attr) bool { as = append(as, a); return true })
	return h.write(ctx, r.Time, r.Level, r.Message, as, func() error { return h.slow.Handle(ctx, r) })
}

// maxFastAttrs is the most attributes a record may have for the fast path.
const maxFastAttrs = 16

// HandleAttrs is Handle for a record given as its parts, for a caller that
// logs on every request: it saves building a slog.Record (whose attributes
// past the fifth are allocated) and calling back for each attribute. A
// caller uses it when the handler has it (lambdahttp does) and Handle
// otherwise; the line is the same.
func (h *jsonHandler) HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error {
	return h.write(ctx, t, level, msg, attrs, func() error {
		r := slog.NewRecord(t, level, msg, 0)
		r.AddAttrs(attrs...)
		return h.slow.Handle(ctx, r)
	})
}

// write writes the line, or calls slow if the fast path does not cover it.
func (h *jsonHandler) write(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr, slow func() error) error {
	bp := buffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 4<<10 {
			buffers.Put(bp)
		}
	}()
	b, ok := appendLine((*bp)[:0], ctx, t, level, msg, attrs)
	if !ok {
		return slow()
	}
	*bp = b
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(b)
	return err
}

// appendLine writes a record as slog's JSON handler with lambdacontext's
// ReplaceAttr and request id would, or reports false if it is not one it
// covers.
func appendLine(b []byte, ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) ([]byte, bool) {
	b = append(b, '{')
	if !t.IsZero() {
		t = t.Round(0)
		if u := t.Unix(); u < minUnix || u >= maxUnix {
			return b, false // slog adds an error for a year of other than 4 digits
		}
		b = append(b, `"timestamp":"`...)
		b = appendTime(b, t)
		b = append(b, `",`...)
	}
	b = append(b, `"level":"`...)
	b = append(b, level.String()...)
	b = append(b, `","message":`...)
	b, ok := appendString(b, msg)
	for _, a := range attrs {
		if !ok || a.Key == "" { // slog drops an empty key; rare enough to leave to it
			return b, false
		}
		b = append(b, ',')
		key := a.Key
		switch key { // lambdacontext.ReplaceAttr renames these at any place
		case slog.TimeKey:
			key = "timestamp"
		case slog.MessageKey:
			key = "message"
		}
		if b, ok = appendString(b, key); ok {
			b = append(b, ':')
			b, ok = appendValue(b, a.Value)
		}
	}
	if !ok {
		return b, false
	}
	if lc, found := lambdacontext.FromContext(ctx); found {
		b = append(b, `,"requestId":`...)
		if b, ok = appendString(b, lc.AwsRequestID); !ok {
			return b, false
		}
	}
	return append(b, '}', '\n'), true
}

func appendValue(b []byte, v slog.Value) ([]byte, bool) {
	switch v.Kind() {
	case slog.KindString:
		return appendString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindDuration:
		return strconv.AppendInt(b, int64(v.Duration()), 10), true
	case slog.KindFloat64:
		return appendFloat(b, v.Float64())
	}
	return b, false
}

// appendTime writes t as time.RFC3339Nano formats it, by hand for UTC
// (Lambda's time zone).
func appendTime(b []byte, t time.Time) []byte {
	if _, off := t.Zone(); off != 0 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	d := [30]byte{4: '-', 7: '-', 10: 'T', 13: ':', 16: ':', 19: '.'}
	two := func(at, v int) { d[at], d[at+1] = digits[2*v], digits[2*v+1] }
	two(0, year/100)
	two(2, year%100)
	two(5, int(month))
	two(8, day)
	two(11, hour)
	two(14, minute)
	two(17, sec)
	n := 19
	if ns := t.Nanosecond(); ns != 0 {
		d[28] = byte('0' + ns%10)
		ns /= 10
		for at := 26; at >= 20; at -= 2 {
			two(at, ns%100)
			ns /= 100
		}
		n = 29
		for d[n-1] == '0' {
			n--
		}
	}
	b = append(b, d[:n]...)
	return append(b, 'Z')
}

// The Unix times of the years slog formats: 0000 to 9999.
var (
	minUnix = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxUnix = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
)

// appendFloat writes f as encoding/json does (which slog calls for floats).
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	// A duration in milliseconds to the microsecond, as the request line
	// has it, is the integer k/1000, whose shortest form is its decimal.
	if k := math.Round(f * 1000); k >= 0 && k < 1<<40 && k/1000 == f {
		return appendMillis(b, uint64(k)), true
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendMillis writes k thousandths as a decimal, without trailing zeros.
func appendMillis(b []byte, k uint64) []byte {
	b = strconv.AppendUint(b, k/1000, 10)
	if frac := k % 1000; frac != 0 {
		d := [4]byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
		n := 4
		for d[n-1] == '0' {
			n--
		}
		b = append(b, d[:n]...)
	}
	return b
}

// plain marks the bytes a JSON string holds as they are (slog's safeSet
// within ASCII).
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plain8 reports whether the 8 bytes of s are all plain, a word at a time
// (the per-request line's strings are mostly plain and short).
func plain8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := binary.LittleEndian.Uint64([]byte(s))
	zero := func(x uint64) uint64 { return (x - ones) &^ x & highs } // high bit where a byte of x is 0
	return (w&highs)|((w-0x20*ones)&^w&highs)|zero(w^'"'*ones)|zero(w^'\\'*ones) == 0
}

// isPlain reports whether every byte of s is plain: a word at a time, the
// last word overlapping the one before it.
func isPlain(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if !plain[s[i]] {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(s)-8; i += 8 {
		if !plain8(s[i : i+8]) {
			return false
		}
	}
	return plain8(s[len(s)-8:])
}

// appendString writes an ASCII string as slog escapes it; a byte beyond
// ASCII reports false.
func appendString(b []byte, s string) ([]byte, bool) {
	if isPlain(s) { // the usual case
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), true
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plain[c] {
			continue
		}
		if c > 0x7f {
			return b, false
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"'), true
}

const hex = "0123456789abcdef"

// digits holds 00 to 99.
const digits = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" + "30313233343536373839" + "40414243444546474849" +
	"50515253545556575859" + "60616263646566676869" + "70717273747576777879" + "80818283848586878889" + "90919293949596979899"
