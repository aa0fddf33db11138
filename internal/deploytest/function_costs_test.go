package deploytest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
	"github.com/whatsapp-contact-processor/health/internal/testutil/recipe"
)

// Per-function assumptions for the "what a function adds" table of docs/costs.md.
const (
	functionLogBytes = 300.0 // the function's own JSON request line per request
	publicRatePerSec = 10.0  // the rate X-Ray's default sampling is priced at
)

// TestFunctionCostTable prices what README's recipe for a new function
// adds to the stack: the resources it creates, then per million requests to the new
// function through the REST API. The table in docs/costs.md follows it.
func TestFunctionCostTable(t *testing.T) {
	r, err := recipe.Read(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block, err := cfnyaml.Decode([]byte("Resources:\n" + r.YAML))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range cfn.AsMap(block["Resources"]) {
		count[cfn.Text(cfn.AsMap(r)["Type"])]++
	}
	free := map[string]string{
		"AWS::Serverless::Function": "nothing until invoked",
		"AWS::Logs::LogGroup":       "nothing until written: per request, below",
		"AWS::IAM::Role":            "free",
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| A new function adds | USD per month |\n|---|---|\n")
	fixed := 0.0
	for _, typ := range sortedKeys(count) {
		switch {
		case typ == "AWS::CloudWatch::Alarm":
			c := float64(count[typ]) * price.alarm
			fixed += c
			fmt.Fprintf(&b, "| %d × %s (standard resolution) | %.2f |\n", count[typ], typ, c)
		case free[typ] != "":
			fmt.Fprintf(&b, "| %d × %s | 0.00 (%s) |\n", count[typ], typ, free[typ])
		default:
			t.Errorf("the function block adds a %s, which this table does not price", typ)
		}
	}
	fmt.Fprintf(&b, "| **Fixed, per function** | **%.2f** |\n", fixed)
	xray := xraySampled(publicRatePerSec) / publicRatePerSec * price.xrayPerM
	for _, ms := range []float64{10, 100} {
		perM := price.restPerM + price.lambdaPerM + 1e6*ms/1000*memoryGB*price.lambdaGBs +
			1e6*(functionLogBytes+450)/1e9*(price.logsIngestGB+price.logsStoreGB) + xray
		fmt.Fprintf(&b, "| Per million requests, %.0f ms billed at 128 MB arm64 (REST, Lambda, logs, X-Ray at %.0f req/s) | %.2f |\n", ms, publicRatePerSec, perM)
	}
	if fixed <= 0 {
		t.Errorf("a function adds no fixed cost: the block has no alarm?")
	}
	checkDocTable(t, "docs/costs.md", "function", b.String())
}
