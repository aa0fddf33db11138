package perf_test

import (
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
