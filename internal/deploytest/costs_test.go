package deploytest

import (
	"fmt"
	"strings"
	"testing"
)

// AWS's published on-demand prices, us-east-1, USD, as read by the author from
// aws.amazon.com/{route53,api-gateway,lambda,cloudwatch,xray,waf,kms,vpc}/pricing (2025
// price lists; not re-fetched on 2026-11-28: no network here). Free tiers left out.
var price = struct {
	r53Check, r53Option                   float64 // per health check per month; each option (HTTPS, string match, 10 s)
	restPerM, httpPerM                    float64 // API Gateway, per million requests
	lambdaPerM, lambdaGBs                 float64 // Lambda requests per million; arm64 per GB-second
	logsIngestGB, logsStoreGB             float64 // CloudWatch Logs per GB ingested; per GB-month stored
	xrayPerM                              float64 // X-Ray per million traces recorded
	wafACL, wafRule, wafPerM              float64 // WAF per web ACL-month, per rule-month, per million requests
	alarm, dashboard, metric, kmsKey, nat float64 // per month: standard alarm, dashboard, custom metric, KMS key, NAT gateway (730 h)
}{
	r53Check: 0.50, r53Option: 1.00,
	restPerM: 3.50, httpPerM: 1.00,
	lambdaPerM: 0.20, lambdaGBs: 0.0000133334,
	logsIngestGB: 0.50, logsStoreGB: 0.03,
	xrayPerM: 5.00,
	wafACL:   5.00, wafRule: 1.00, wafPerM: 0.60,
	alarm: 0.10, dashboard: 3.00, metric: 0.30, kmsKey: 1.00, nat: 0.045 * 730,
}

// Assumptions, each stated in docs/costs.md.
const (
	secondsPerMonth = 730 * 3600
	billedMs        = 2.0   // per invocation: the function answers in about 1 ms
	memoryGB        = 0.125 // MemorySize 128
	logBytesPerReq  = 950.0 // one JSON access-log line (~450 B) + one EMF line (~500 B)
	checksAssumed   = 2     // HEALTH_CHECKS entries, for the EMF metric count
)

// route53Rate is the requests per second one endpoint sees from Route 53's checkers:
// about one every 2 s at a 30 s interval, three times that at 10 s.
func route53Rate(interval int) float64 { return 0.5 * 30 / float64(interval) }

// xraySampled is what X-Ray's default sampling rule records per second: the first
// request each second, then 5 % of the rest.
func xraySampled(rate float64) float64 {
	if rate <= 1 {
		return rate
	}
	return 1 + 0.05*(rate-1)
}

type costRow struct {
	option string
	cost   func(interval int) float64
	always bool
}

func costRows() []costRow {
	reqs := func(iv int) float64 { return route53Rate(iv) * secondsPerMonth / 1e6 } // millions
	logGB := func(iv int) float64 { return reqs(iv) * 1e6 * logBytesPerReq / 1e9 }
	return []costRow{
		{"Route 53 health check (HTTPS, string match; +10 s option)", func(iv int) float64 {
			c := price.r53Check + 2*price.r53Option
			if iv == 10 {
				c += price.r53Option
			}
			return c
		}, true},
		{"REST API requests (Route 53's stage)", func(iv int) float64 { return reqs(iv) * price.restPerM }, true},
		{"Lambda requests and duration", func(iv int) float64 {
			return reqs(iv)*price.lambdaPerM + reqs(iv)*1e6*billedMs/1000*memoryGB*price.lambdaGBs
		}, true},
		{"CloudWatch Logs ingestion (access log + EMF line per request)", func(iv int) float64 { return logGB(iv) * price.logsIngestGB }, true},
		{"CloudWatch Logs storage (one month's logs; x12 after a year at 365-day retention)", func(iv int) float64 { return logGB(iv) * price.logsStoreGB }, true},
		{"EMF custom metrics (ReadinessStatus, CacheHit, 2 per check; 2 checks)", func(int) float64 { return (2 + 2*checksAssumed) * price.metric }, true},
		{"X-Ray traces (default sampling)", func(iv int) float64 {
			return xraySampled(route53Rate(iv)) * secondsPerMonth / 1e6 * price.xrayPerM
		}, true},
		{"Alarms (5; the Route 53 alarm adds 1 in us-east-1)", func(int) float64 { return 5 * price.alarm }, true},
		{"Dashboard (the first 3 per account are free)", func(int) float64 { return price.dashboard }, true},
		{"Optional: KmsKeyArn (a key of its own)", func(int) float64 { return price.kmsKey }, false},
		{"Optional: WebAclArn (a web ACL with one rate rule; Route 53 does not pass it)", func(int) float64 { return price.wafACL + price.wafRule }, false},
		{"Optional: VPC with a NAT gateway for https:// checks (one AZ, before data)", func(int) float64 { return price.nat }, false},
		{"Optional: execution logging (ERROR level: only failures are logged)", func(int) float64 { return 0 }, false},
		{"Optional: custom domain, certificate, alias queries to API Gateway", func(int) float64 { return 0 }, false},
		{"Optional: HTTP API, Function URL (Route 53 does not poll them)", func(int) float64 { return 0 }, false},
	}
}

// TestCostTable computes the monthly cost at Route 53's polling rate and keeps the
// table in docs/costs.md equal to it.
func TestCostTable(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	equalJSON(t, "MemorySize the costs assume", dig(t, rawTemplate(t), "Resources", "HealthFunction", "Properties", "MemorySize"), memoryGB*1024)
	equalJSON(t, "intervals", dig(t, params, "HealthCheckRequestInterval", "AllowedValues"), []any{10, 30})
	var b strings.Builder
	fmt.Fprintf(&b, "| Per region, per month (USD) | 30 s interval | 10 s interval |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| Requests from Route 53 | %.2f M | %.2f M |\n",
		route53Rate(30)*secondsPerMonth/1e6, route53Rate(10)*secondsPerMonth/1e6)
	var base [2]float64
	for _, r := range costRows() {
		c30, c10 := r.cost(30), r.cost(10)
		if r.always {
			base[0] += c30
			base[1] += c10
		}
		fmt.Fprintf(&b, "| %s | %.2f | %.2f |\n", r.option, c30, c10)
	}
	fmt.Fprintf(&b, "| **One region: the rows above the options** | **%.2f** | **%.2f** |\n", base[0], base[1])
	fmt.Fprintf(&b, "| **Two regions (primary + secondary)** | **%.2f** | **%.2f** |\n", 2*base[0], 2*base[1])
	if base[0] <= 0 || base[1] <= base[0] {
		t.Errorf("totals %v: a 10 s interval must cost more than 30 s", base)
	}
	checkDocTable(t, "docs/costs.md", "costs", b.String())
}
