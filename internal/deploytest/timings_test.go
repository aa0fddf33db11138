package deploytest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// dnsTTL is how long resolvers may keep the old answer after Route 53 withdraws a
// region's record. Alias records have no TTL of their own: resolvers see the target's,
// and an API Gateway regional domain name answers with 60 s (check with
// `dig +noall +answer <your domain>` once deployed).
const dnsTTL = 60 * time.Second

// route53Window is how long Route 53 waits for the status after connecting.
const route53Window = 2 * time.Second

// TestTimingTable computes failover and recovery times from AWS's rules and the
// template's defaults, and keeps the table in docs/operations.md equal to it.
//
// A checker declares a failure after FailureThreshold consecutive failed checks, one per
// RequestInterval: at most interval × threshold after the fault (the fault may start
// just after a check). Recovery takes the same number of consecutive passes. On top:
// a readiness result cached in a warm environment (HEALTH_CACHE_TTL) can hide the change
// that long, and resolvers keep the old answer up to the DNS TTL. The drain switch
// skips the cache, so a drill loses that term.
func TestTimingTable(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	ttl, err := time.ParseDuration(dig(t, params, "HealthCacheTTL", "Default").(string))
	if err != nil {
		t.Fatal(err)
	}
	budget, err := time.ParseDuration(dig(t, params, "HealthCheckBudget", "Default").(string))
	if err != nil {
		t.Fatal(err)
	}
	// A failing check must come back as a 503 inside Route 53's window, not as a timeout.
	if budget >= route53Window {
		t.Errorf("HealthCheckBudget default %v is not under Route 53's %v window", budget, route53Window)
	}
	defInterval := dig(t, params, "HealthCheckRequestInterval", "Default").(float64)
	defThreshold := dig(t, params, "HealthCheckFailureThreshold", "Default").(float64)
	var intervals []float64
	for _, v := range dig(t, params, "HealthCheckRequestInterval", "AllowedValues").([]any) {
		intervals = append(intervals, v.(float64))
	}
	equalJSON(t, "intervals Route 53 offers", intervals, []float64{10, 30})

	var b strings.Builder
	fmt.Fprintf(&b, "| RequestInterval | FailureThreshold | Route 53 decides | Failover, worst case | Recovery, worst case | Drain drill, worst case |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|\n")
	sec := func(d time.Duration) string { return fmt.Sprintf("%d s", int(d.Seconds())) }
	sawDefaults := false
	for _, iv := range intervals {
		for th := 1; th <= 3; th++ {
			decide := time.Duration(iv) * time.Second * time.Duration(th)
			failover := decide + ttl + dnsTTL
			recovery := decide + ttl + dnsTTL
			drill := decide + dnsTTL
			mark := ""
			if iv == defInterval && float64(th) == defThreshold {
				mark, sawDefaults = " (template default)", true
			}
			fmt.Fprintf(&b, "| %d s%s | %d | %s | %s | %s | %s |\n", int(iv), mark, th, sec(decide), sec(failover), sec(recovery), sec(drill))
		}
	}
	if !sawDefaults {
		t.Errorf("the template's defaults (%v s, %v) are not in the table", defInterval, defThreshold)
	}
	fmt.Fprintf(&b, "\nWith HEALTH_CACHE_TTL = %s (the template default) and a DNS TTL of %s.\n", ttl, sec(dnsTTL))
	checkDocTable(t, "docs/operations.md", "timings", b.String())
}
