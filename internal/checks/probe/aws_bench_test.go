package probe_test

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// BenchmarkFirstCheck is the first readiness call of a new execution
// environment with one check configured: parse the spec (init) and run it
// once, against a server on loopback. kind=http is the round trip with
// nothing AWS about it; the others' extra time over it is what signing,
// credentials, the JSON and (for whatsapp) the token read cost. Budget:
// ≤ 20 ms of CPU beyond the round trip (docs/readiness.md).
//
//	go test -run '^$' -bench FirstCheck -benchmem -count 3 ./internal/checks/probe
func BenchmarkFirstCheck(b *testing.B) {
	f := newFakeAWS(b, "EAAGtoken")
	graph := fakeGraph(b, "EAAGtoken", func() int64 { return 0 })
	env := envWith(map[string]string{"AWS_ENDPOINT_URL": f.URL})
	wa := probe.WhatsApp{TokenSecret: "wa-token", APIURL: graph.URL}
	for _, kind := range []struct{ name, spec string }{
		{"http", "dep=" + f.URL + "/"},
		{"dynamodb", "dep=dynamodb://active"},
		{"s3", "dep=s3://present"},
		{"sqs", "dep=sqs://orders"},
		{"secretsmanager", "dep=secretsmanager://live"},
		{"whatsapp", "dep=whatsapp://1001"},
	} {
		b.Run("kind="+kind.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cs, err := probe.Parse(kind.spec, probe.WithGetenv(env), probe.WithWhatsApp(wa))
				if err != nil {
					b.Fatal(err)
				}
				res := checks.New(checks.WithCheck(cs...)).Check(b.Context())
				// The fake answers 400 to the plain GET: only the AWS kinds
				// must pass.
				if kind.name != "http" && res.Status != checks.StatusPass {
					b.Fatalf("%s: %v", res.Status, res.Checks[0].Err)
				}
			}
		})
	}
}
