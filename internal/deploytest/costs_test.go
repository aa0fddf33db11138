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
	r53Check, r53Option                   float64 // per health check per month; each option (HTTPS, string match, 10 s): AWS endpoints
	r53CheckOther, r53OptionOther         float64 // the same at the rate for other endpoints
	restPerM, httpPerM                    float64 // API Gateway, per million requests
	lambdaPerM, lambdaGBs                 float64 // Lambda requests per million; arm64 per GB-second
	logsIngestGB, logsStoreGB             float64 // CloudWatch Logs per GB ingested; per GB-month stored
	xrayPerM                              float64 // X-Ray per million traces recorded
	wafACL, wafRule, wafPerM              float64 // WAF per web ACL-month, per rule-month, per million requests
	alarm, dashboard, metric, kmsKey, nat float64 // per month: standard alarm, dashboard, custom metric, KMS key, NAT gateway (730 h)
}{
	r53Check: 0.50, r53Option: 1.00,
	r53CheckOther: 0.75, r53OptionOther: 2.00,
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
	// high, when set, is the cost where a price is not settled: the row and the totals
	// show the range cost–high.
	high   func(interval int) float64
	always bool
}

// route53Check is a HTTPS_STR_MATCH check's monthly price: two options (HTTPS, string
// match), a third at a 10 s interval.
func route53Check(base, option float64) func(int) float64 {
	return func(iv int) float64 {
		c := base + 2*option
		if iv == 10 {
			c += option
		}
		return c
	}
}

func costRows() []costRow {
	reqs := func(iv int) float64 { return route53Rate(iv) * secondsPerMonth / 1e6 } // millions
	logGB := func(iv int) float64 { return reqs(iv) * 1e6 * logBytesPerReq / 1e9 }
	return []costRow{
		// Whether Route 53 bills a check of an execute-api host at its AWS-endpoint rate is
		// not settled: both rates, as a range.
		{option: "Route 53 health check (HTTPS, string match; +10 s option; AWS-endpoint to other-endpoint rate)",
			cost: route53Check(price.r53Check, price.r53Option), high: route53Check(price.r53CheckOther, price.r53OptionOther), always: true},
		{option: "REST API requests (Route 53's stage)", cost: func(iv int) float64 { return reqs(iv) * price.restPerM }, always: true},
		{option: "Lambda requests and duration", cost: func(iv int) float64 {
			return reqs(iv)*price.lambdaPerM + reqs(iv)*1e6*billedMs/1000*memoryGB*price.lambdaGBs
		}, always: true},
		{option: "CloudWatch Logs ingestion (access log + EMF line per request)", cost: func(iv int) float64 { return logGB(iv) * price.logsIngestGB }, always: true},
		{option: "CloudWatch Logs storage (one month's logs; x12 after a year at 365-day retention)", cost: func(iv int) float64 { return logGB(iv) * price.logsStoreGB }, always: true},
		{option: "EMF custom metrics (ReadinessStatus, CacheHit, 2 per check; 2 checks)", cost: func(int) float64 { return (2 + 2*checksAssumed) * price.metric }, always: true},
		{option: "X-Ray traces (default sampling)", cost: func(iv int) float64 {
			return xraySampled(route53Rate(iv)) * secondsPerMonth / 1e6 * price.xrayPerM
		}, always: true},
		{option: "Alarms (5; the Route 53 alarm adds 1 in us-east-1)", cost: func(int) float64 { return 5 * price.alarm }, always: true},
		{option: "Dashboard (the first 3 per account are free)", cost: func(int) float64 { return price.dashboard }, always: true},
		{option: "Optional: KmsKeyArn (a key of its own)", cost: func(int) float64 { return price.kmsKey }},
		{option: "Optional: WebAclArn (a web ACL with one rate rule; Route 53 does not pass it)", cost: func(int) float64 { return price.wafACL + price.wafRule }},
		{option: "Optional: VPC with a NAT gateway for https:// checks (one AZ, before data)", cost: func(int) float64 { return price.nat }},
		{option: "Optional: execution logging (ERROR level: only failures are logged)", cost: func(int) float64 { return 0 }},
		{option: "Optional: custom domain, certificate, alias queries to API Gateway", cost: func(int) float64 { return 0 }},
		{option: "Optional: HTTP API, Function URL (Route 53 does not poll them)", cost: func(int) float64 { return 0 }},
	}
}

// usd is a cost, or a range "low–high", in bold when b is "**".
func usd(low, high float64, b string) string {
	if high == low {
		return fmt.Sprintf("%s%.2f%s", b, low, b)
	}
	return fmt.Sprintf("%s%.2f–%.2f%s", b, low, high, b)
}

// TestCostTable computes the monthly cost at Route 53's polling rate and keeps the
// table in docs/costs.md equal to it.
func TestCostTable(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	equalJSON(t, "MemorySize the costs assume", dig(t, parseTemplate(t, nil), "Resources", "HealthFunction", "Properties", "MemorySize"), memoryGB*1024)
	equalJSON(t, "intervals", dig(t, params, "HealthCheckRequestInterval", "AllowedValues"), []any{10, 30})
	var b strings.Builder
	fmt.Fprintf(&b, "| Per region, per month (USD) | 30 s interval | 10 s interval |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| Requests from Route 53 | %.2f M | %.2f M |\n",
		route53Rate(30)*secondsPerMonth/1e6, route53Rate(10)*secondsPerMonth/1e6)
	// base and top: the one-region totals at 30 s and 10 s, at the low and high end.
	var base, top [2]float64
	for _, r := range costRows() {
		c30, c10 := r.cost(30), r.cost(10)
		h30, h10 := c30, c10
		if r.high != nil {
			h30, h10 = r.high(30), r.high(10)
			if h30 <= c30 || h10 <= c10 {
				t.Errorf("%s: range %.2f-%.2f / %.2f-%.2f is not a range", r.option, c30, h30, c10, h10)
			}
		}
		if r.always {
			base[0], base[1] = base[0]+c30, base[1]+c10
			top[0], top[1] = top[0]+h30, top[1]+h10
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.option, usd(c30, h30, ""), usd(c10, h10, ""))
	}
	fmt.Fprintf(&b, "| **One region: the rows above the options** | %s | %s |\n", usd(base[0], top[0], "**"), usd(base[1], top[1], "**"))
	fmt.Fprintf(&b, "| **Two regions (primary + secondary)** | %s | %s |\n", usd(2*base[0], 2*top[0], "**"), usd(2*base[1], 2*top[1], "**"))
	if base[0] <= 0 || base[1] <= base[0] {
		t.Errorf("totals %v: a 10 s interval must cost more than 30 s", base)
	}
	checkDocTable(t, "docs/costs.md", "costs", b.String())
}
