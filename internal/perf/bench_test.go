package perf_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/perf"
)

// BenchmarkInvoke is one invocation as the runtime performs it: raw payload
// bytes in, response bytes out. benchstat -col /impl puts ours beside the
// floor for each front.
func BenchmarkInvoke(b *testing.B) {
	ours := perf.Ours()
	for _, f := range perf.Fronts {
		payload, err := f.Payload()
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range []struct {
			name string
			h    lambda.Handler
		}{{"floor", f.Floor()}, {"ours", ours}} {
			b.Run("front="+f.Name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := impl.h.Invoke(b.Context(), payload); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The benchmark is only meaningful if both answer the same thing.
func TestFloorAndOursAgree(t *testing.T) {
	ours := perf.Ours()
	for _, f := range perf.Fronts {
		payload, err := f.Payload()
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.Floor().Invoke(t.Context(), payload)
		if err != nil {
			t.Fatal(err)
		}
		o, err := ours.Invoke(t.Context(), payload)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAnswer(parseAnswer(t, a), parseAnswer(t, o)) {
			t.Errorf("%s: floor and ours differ:\nfloor %s\nours  %s", f.Name, a, o)
		}
	}
}

// largeSizes are the payload sizes of BenchmarkLargeREST: below and above
// the 64 KiB where the parser pool once stopped, up to Lambda's 6 MiB.
var largeSizes = []int{32 << 10, 128 << 10, 1 << 20, 6 << 20}

// BenchmarkLargeREST compares ours with aws-lambda-go-api-proxy used naively
// on header-heavy REST API events of growing size: B/op and allocs/op are
// the figures (benchstat -col /impl).
func BenchmarkLargeREST(b *testing.B) {
	impls := []struct {
		name string
		h    lambda.Handler
	}{{"naive", perf.Naive()}, {"ours", perf.Ours()}}
	for _, size := range largeSizes {
		payload, err := perf.LargeREST(size)
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range impls {
			b.Run(fmt.Sprintf("size=%dKiB/impl=%s", size>>10, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(payload)))
				for b.Loop() {
					if _, err := impl.h.Invoke(b.Context(), payload); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The large-event benchmark compares like with like: both answer 200 with
// the same body.
func TestLargeRESTAnswersAgree(t *testing.T) {
	for _, size := range largeSizes {
		payload, err := perf.LargeREST(size)
		if err != nil {
			t.Fatal(err)
		}
		if len(payload) < size*9/10 || len(payload) > size*11/10 {
			t.Errorf("LargeREST(%d) is %d bytes", size, len(payload))
		}
		n, err := perf.Naive().Invoke(t.Context(), payload)
		if err != nil {
			t.Fatal(err)
		}
		o, err := perf.Ours().Invoke(t.Context(), payload)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := parseAnswer(t, n), parseAnswer(t, o); a.Status != 200 || a.Status != b.Status || a.Body != b.Body {
			t.Errorf("%d bytes: naive %d %q, ours %d %q", len(payload), a.Status, a.Body, b.Status, b.Body)
		}
	}
}
