// Command invokeloop performs N in-process invocations of ours or the floor
// on one front's sample event, for counting instructions under callgrind:
// the count at N minus the count at 0, divided by N, is the cost of one
// invocation with start-up subtracted.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/perf"
)

func main() {
	impl := flag.String("impl", "ours", "ours or floor")
	front := flag.String("front", "rest", "rest, httpapi, url or alb")
	n := flag.Int("n", 10000, "invocations")
	flag.StringVar(&perf.EventsDir, "events", "internal/lambdahttp/testdata", "directory of the sample events")
	flag.Parse()
	if err := run(*impl, *front, *n); err != nil {
		fmt.Fprintln(os.Stderr, "invokeloop:", err)
		os.Exit(1)
	}
}

func run(impl, frontName string, n int) error {
	front, err := perf.FrontByName(frontName)
	if err != nil {
		return err
	}
	payload, err := front.Payload()
	if err != nil {
		return err
	}
	var h lambda.Handler
	switch impl {
	case "ours":
		h = perf.Ours()
	case "floor":
		h = front.Floor()
	default:
		return fmt.Errorf("unknown impl %q", impl)
	}
	ctx := context.Background()
	for range n {
		if _, err := h.Invoke(ctx, payload); err != nil {
			return err
		}
	}
	return nil
}
