package perf_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/perf"
	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// TestColdStart is `make coldstart`: it starts each bootstrap under the
// runtime emulator 30 times, alternating ours and the floor, and prints the
// medians of the emulator's reported init duration and of the time to the
// first response; then each bootstrap's RSS after 1,000 warm invocations,
// and both binaries' stripped sizes for linux/arm64 and linux/amd64.
// It asserts nothing about time: it prints figures for the README.
func TestColdStart(t *testing.T) {
	if os.Getenv("PERF_COLDSTART") == "" {
		t.Skip("set PERF_COLDSTART=1 (make coldstart) to measure cold starts")
	}
	const runs = 30
	ldflags := []string{"-ldflags", "-s -w"}
	// -tags lambda.norpc (from BuildBootstrap) also leaves local mode out,
	// as in the deployed artifact.
	bins := []struct{ name, pkg, path string }{
		{name: "floor", pkg: "./internal/perf/cmd/floor"},
		{name: "ours", pkg: "./functions/health"},
	}
	for i := range bins {
		bins[i].path = rietest.BuildBootstrap(t, bins[i].pkg, ldflags...)
	}
	payload, err := perf.Fronts[0].Payload()
	if err != nil {
		t.Fatal(err)
	}

	// This emulator's Init Duration covers only its own init phase; the
	// first invocation's Duration also covers the bootstrap's start.
	reportRe := regexp.MustCompile(`Init Duration: ([0-9.]+) ms\s+Duration: ([0-9.]+) ms`)
	inits := map[string][]float64{}
	firstDurations := map[string][]float64{}
	firsts := map[string][]float64{}
	for i := range runs * len(bins) {
		b := bins[i%len(bins)]
		fn := rietest.Start(t, b.path)
		start := time.Now()
		status, out, err := fn.Invoke(t.Context(), payload)
		first := time.Since(start)
		if err != nil || status != 200 {
			t.Fatalf("%s: %d %v %s", b.name, status, err, out)
		}
		// The REPORT line follows the response; wait for it briefly.
		var m []string
		for deadline := time.Now().Add(2 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			m = reportRe.FindStringSubmatch(fn.Output())
		}
		fn.Stop()
		if m == nil {
			t.Fatalf("%s: no Init Duration in the emulator's output:\n%s", b.name, fn.Output())
		}
		ms, _ := strconv.ParseFloat(m[1], 64)
		inits[b.name] = append(inits[b.name], ms)
		ms, _ = strconv.ParseFloat(m[2], 64)
		firstDurations[b.name] = append(firstDurations[b.name], ms)
		firsts[b.name] = append(firsts[b.name], float64(first.Microseconds())/1000)
	}

	rss := map[string]float64{}
	for _, b := range bins {
		fn := rietest.Start(t, b.path)
		for range 1000 {
			if status, out, err := fn.Invoke(t.Context(), payload); err != nil || status != 200 {
				t.Fatalf("%s: %d %v %s", b.name, status, err, out)
			}
		}
		pid := fn.BootstrapPID()
		n, err := rietest.RSS(pid)
		if err != nil {
			t.Fatalf("%s: RSS of %d: %v", b.name, pid, err)
		}
		rss[b.name] = float64(n) / (1 << 20)
		fn.Stop()
	}

	sizes := map[string]float64{}
	for _, arch := range []string{"arm64", "amd64"} {
		for _, b := range bins {
			out := filepath.Join(t.TempDir(), "bootstrap")
			cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, b.pkg)
			cmd.Dir = rietest.ModuleRoot(t)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("build %s %s: %v\n%s", b.name, arch, err, msg)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			sizes[b.name+"/"+arch] = float64(fi.Size())
		}
	}

	row := func(what, unit string, floor, ours float64) {
		fmt.Printf("%-34s %12.2f %12.2f %8.3fx  %s\n", what, floor, ours, ours/floor, unit)
	}
	fmt.Printf("\n%-34s %12s %12s %9s\n", fmt.Sprintf("cold start (%d runs each)", runs), "floor", "ours", "ratio")
	row("emulator Init Duration, median", "ms", median(inits["floor"]), median(inits["ours"]))
	row("first invocation Duration, median", "ms", median(firstDurations["floor"]), median(firstDurations["ours"]))
	row("time to first response, median", "ms", median(firsts["floor"]), median(firsts["ours"]))
	row("RSS after 1,000 warm invocations", "MiB", rss["floor"], rss["ours"])
	row("stripped binary, linux/arm64", "MB", sizes["floor/arm64"]/1e6, sizes["ours/arm64"]/1e6)
	row("stripped binary, linux/amd64", "MB", sizes["floor/amd64"]/1e6, sizes["ours/amd64"]/1e6)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
