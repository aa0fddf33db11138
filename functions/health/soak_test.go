package main

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

var (
	soak  = flag.Bool("soak", os.Getenv("SOAK") == "1", "run the full soak (10,000 invocations unless -soak.n); also SOAK=1")
	soakN = flag.Int("soak.n", 0, "invocations in TestSoak; 0 means 10,000 with -soak, 300 without")
)

// soakRSSBound is how far the bootstrap's mean RSS over the last window may
// exceed the first window's.
const soakRSSBound = 4 << 20

// TestSoak invokes the real bootstrap under the runtime emulator many times,
// cycling through every front's sample event with garbage every 7th
// invocation. Every valid event must answer the seed body, every garbage
// payload an UnsupportedEventError, on one process that never restarts, and
// the bootstrap's RSS must not grow by more than soakRSSBound between the
// first and last windows (1,000 invocations each; in a short run a third of
// the run each, the first after a warm-up of a sixth).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the soak under the runtime emulator")
	}
	n := *soakN
	if n <= 0 {
		n = 300
		if *soak {
			n = 10000
		}
	}
	window := min(1000, n/3)
	// A short run's first window would be mostly the runtime's warm-up
	// (heap growth to a steady state): start it a little later.
	warmup := 0
	if n < 3000 {
		warmup = n / 6
	}

	fronts := []string{"rest-api.json", "http-api.json", "http-api-stage.json", "function-url.json", "alb.json", "alb-multivalue.json"}
	var valid [][]byte
	for _, name := range fronts {
		valid = append(valid, rietest.SampleEvent(t, name))
	}
	garbage := [][]byte{
		[]byte("\x00not json at all"), []byte("{}"), []byte("[]"), []byte("null"), []byte("42"),
		[]byte(`{"Records":[{"eventSource":"aws:s3"}]}`),
		[]byte(strings.Repeat("[", 20000)),
		[]byte(`{"httpMethod":"GET","headers":5}`),
	}

	fn := startHealth(t)
	var (
		pid                int
		firstRSS, lastRSS  int64
		firstN, lastN      int
		validN, garbageN   int
		failures, restarts int
	)
	start := time.Now()
	for i := range n {
		isGarbage := i%7 == 6
		payload := valid[i%len(valid)]
		if isGarbage {
			payload = garbage[(i/7)%len(garbage)]
		}
		status, out, err := fn.Invoke(t.Context(), payload)
		if err != nil || status != 200 {
			t.Fatalf("invocation %d: emulator answered %d, %v\n%s", i, status, err, tail(fn.Output()))
		}
		var a answer
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatalf("invocation %d: answer is not JSON: %.200s", i, out)
		}
		if isGarbage {
			garbageN++
			if a.ErrorType != "UnsupportedEventError" || a.StatusCode != 0 {
				failures++
				t.Errorf("invocation %d (garbage): %.200s", i, out)
			}
		} else {
			validN++
			if a.StatusCode != 200 || a.Body != seedBody || a.ErrorMessage != "" {
				failures++
				t.Errorf("invocation %d (%s): %.200s", i, fronts[i%len(fronts)], out)
			}
		}
		if failures > 10 {
			t.Fatal("too many failures")
		}

		p := fn.BootstrapPID()
		switch {
		case p == 0:
			t.Fatalf("invocation %d: no bootstrap process", i)
		case pid == 0:
			pid = p
		case p != pid:
			restarts++
			pid = p
		}
		rss, err := rietest.RSS(pid)
		if err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
		if i >= warmup && i < warmup+window {
			firstRSS += rss
			firstN++
		}
		if i >= n-window {
			lastRSS += rss
			lastN++
		}
	}
	elapsed := time.Since(start)
	inits := strings.Count(fn.Output(), "Init Duration")
	first, last := firstRSS/int64(firstN), lastRSS/int64(lastN)
	t.Logf("soak: %d invocations (%d valid, %d garbage) in %v, %.0f invocations/s", n, validN, garbageN, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	t.Logf("soak: bootstrap pid %d, inits %d, pid changes %d", pid, inits, restarts)
	t.Logf("soak: bootstrap RSS mean over invocations %d-%d: %.2f MiB, over the last %d: %.2f MiB, growth %+.2f MiB (bound %d MiB)",
		warmup+1, warmup+firstN, mib(first), lastN, mib(last), mib(last-first), soakRSSBound>>20)
	if inits != 1 || restarts != 0 {
		t.Errorf("bootstrap initialised %d times, changed pid %d times; want 1 and 0", inits, restarts)
	}
	if last > first+soakRSSBound {
		t.Errorf("bootstrap RSS grew from %.2f MiB to %.2f MiB, more than %d MiB", mib(first), mib(last), soakRSSBound>>20)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
