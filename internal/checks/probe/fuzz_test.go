package probe_test

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// FuzzParse: whatever HEALTH_CHECKS holds, Parse returns checks or an error, never
// panics, and what it returns can be run by a Checker (names unique and set, Func set).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"db=tcp://db.internal:5432; crm=https://crm.example/health,noncritical,timeout=500ms",
		"t=dynamodb://contacts;b=s3://contact-exports;q=sqs://inbound.fifo",
		"q=sqs://https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
		"s=secretsmanager://arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm/key-AbCdEf",
		"p=socialmessaging://phone-number-id-0123,critical;wa=whatsapp://106540352242922,timeout=1s",
		"t=dynamodb://", "b=s3://a b", "x=://", "=s3://", "a=tls://[::1]:443",
	} {
		f.Add(seed)
	}
	env := envWith(map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"})
	f.Fuzz(func(t *testing.T, spec string) {
		cs, err := probe.Parse(spec, probe.WithGetenv(env), probe.WithWhatsApp(probe.WhatsApp{TokenSecret: "wa"}),
			probe.WithRootCAs(x509Pool(t)))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if c.Name == "" || seen[c.Name] || c.Func == nil {
				t.Fatalf("Parse(%q) gave an unusable check %+v", spec, c)
			}
			seen[c.Name] = true
		}
	})
}
