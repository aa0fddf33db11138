package lambdahttp_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// externalEvent is one event shape another project wrote, with the outcome
// it must get (testdata/external-events.json says how the shapes were made).
type externalEvent struct {
	From  []string        `json:"from"`
	Want  string          `json:"want"` // rest, v2, alb, lattice or unsupported
	Event json.RawMessage `json:"event"`
	Raw   string          `json:"raw"` // a payload that is not JSON
}

// TestExternalEvents runs every event shape from aws-lambda-go's
// events/testdata, Powertools' tests/events, the Rust runtime's fixtures
// (its VPC Lattice ones from pull request #1036) and SAM CLI's generate-event
// templates. An HTTP front's event, rewritten to
// GET /health, answers the seed body in the front's format; as sent it gets
// an answer of the application (never 400 or 500: AWS sent it); every other
// event is an unsupported event. After each, a valid request still answers.
func TestExternalEvents(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "external-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Events []externalEvent }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	h := newHandler()
	valid := fixture(t, "rest-api.json")
	counts := map[string]int{}
	for _, ev := range doc.Events {
		counts[ev.Want]++
		t.Run(strings.TrimSuffix(ev.From[0], ".json"), func(t *testing.T) {
			payload := []byte(ev.Event)
			if ev.Raw != "" {
				payload = []byte(ev.Raw)
			}
			out, err := h.Invoke(t.Context(), payload)
			switch ev.Want {
			case "unsupported":
				if !isUnsupported(err) {
					t.Fatalf("want an unsupported event, got %v %.300s\nalso in %v", err, out, ev.From)
				}
			case "rest", "v2", "alb", "lattice":
				if err != nil {
					t.Fatalf("as sent: %v (also in %v)", err, ev.From)
				}
				r := decodeAnswer(t, out)
				if r.StatusCode == http.StatusBadRequest || r.StatusCode >= 500 {
					t.Errorf("as sent: %d %q", r.StatusCode, r.Body)
				}
				var m obj
				if err := json.Unmarshal(payload, &m); err != nil {
					t.Fatal(err)
				}
				if got := front(m); got != ev.Want {
					t.Fatalf("this test reads it as %q, the table says %q", got, ev.Want)
				}
				r = mustInvoke(t, h, asHealthCheck(m, ev.Want))
				if r.StatusCode != http.StatusOK || r.Body != seedBody {
					t.Errorf("GET /health: %d %q", r.StatusCode, r.Body)
				}
				multi := ev.Want == "rest" || ev.Want == "alb" && m["multiValueHeaders"] != nil
				if multi != (len(r.MultiValueHeaders) > 0) || multi == (len(r.Headers) > 0) {
					t.Errorf("answer in the wrong header form: headers %v, multiValueHeaders %v", r.Headers, r.MultiValueHeaders)
				}
			default:
				t.Fatalf("want %q", ev.Want)
			}
			if r := invoke(t, h, valid); r.StatusCode != 200 || r.Body != seedBody {
				t.Errorf("next invocation: %d %q", r.StatusCode, r.Body)
			}
		})
	}
	t.Logf("%d shapes: %v", len(doc.Events), counts)
}
