package probe_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// TestAWSFaultsLeaveNothingBehind is the fault table of
// TestFaultsLeaveNothingBehind for the AWS and WhatsApp kinds, the fault
// being at the endpoint URL (AWS_ENDPOINT_URL, HEALTH_WHATSAPP_API_URL):
// each answers fail within the budget, no retry runs on, and no socket or
// goroutine remains. Run it with -v for the figures.
func TestAWSFaultsLeaveNothingBehind(t *testing.T) {
	syn := synDropper(t)
	silent := silentServer(t)
	_, port, _ := net.SplitHostPort(silent)
	dns := silentDNS(t)
	endless := endlessServer(t, `{"Table":`)
	sm := newFakeAWS(t, "EAAGtoken")

	const budget = 300 * time.Millisecond
	endpoints := []struct{ fault, url string }{
		{"SYN dropped", "http://" + syn},
		{"SYN dropped", "https://" + syn},
		{"TLS handshake never answered", "https://" + silent},
		{"HTTP answer never comes", "http://" + silent},
		{"HTTP body never ends", endless.URL},
		{"DNS never answers", "http://dep.example.test:" + port},
	}
	targets := []string{"dynamodb://orders", "s3://orders-bucket", "sqs://orders", "secretsmanager://db",
		"socialmessaging://phone-number-id-0123", "whatsapp://1001"}
	for _, ep := range endpoints {
		for _, target := range targets {
			if ep.fault == "HTTP body never ends" && strings.HasPrefix(target, "s3:") {
				continue // HeadBucket's answer has no body
			}
			name := ep.fault + " " + strings.SplitN(ep.url, ":", 2)[0] + " " + strings.SplitN(target, ":", 2)[0]
			t.Run(name, func(t *testing.T) {
				env := map[string]string{"AWS_ENDPOINT_URL": ep.url}
				wa := probe.WhatsApp{TokenSecret: "wa-token", APIURL: ep.url}
				if strings.HasPrefix(target, "whatsapp") {
					// The token comes from a working Secrets Manager; the
					// Graph API is at fault.
					env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = sm.URL
				}
				cs, err := probe.Parse("dep="+target+",critical", probe.WithResolver(dns), probe.WithRootCAs(x509Pool(t)),
					probe.WithGetenv(envWith(env)), probe.WithWhatsApp(wa))
				if err != nil {
					t.Fatal(err)
				}
				res, answered, took := runFault(t, cs, budget, "timed out")
				t.Logf("fault=%q endpoint=%s target=%s answer=%s after=%v back-to-baseline-after=%v",
					ep.fault, strings.SplitN(ep.url, ":", 2)[0], strings.SplitN(target, ":", 2)[0], res.Status,
					answered.Round(time.Millisecond), took.Round(time.Millisecond))
			})
		}
	}
}
