package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/testutil/rietest"
)

// latticeSample is the sample VPC Lattice event of structure V1 or V2 for
// method and path, with extra headers (one value each) added.
func latticeSample(t *testing.T, v2 bool, method, path string, headers map[string]string) []byte {
	t.Helper()
	name, pathKey := "lattice-v1.json", "raw_path"
	if v2 {
		name, pathKey = "lattice-v2.json", "path"
	}
	var ev map[string]any
	if err := json.Unmarshal(rietest.SampleEvent(t, name), &ev); err != nil {
		t.Fatal(err)
	}
	ev["method"], ev[pathKey] = method, path
	hdr := ev["headers"].(map[string]any)
	for k, v := range headers {
		if v2 {
			hdr[k] = []any{v}
		} else {
			hdr[k] = v
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLatticeThroughTheRuntimeEmulator: the real bootstrap, invoked by the
// emulator with VPC Lattice events of both structures, gives every request
// the answer the REST API front gives it (status, body, every header value),
// in Lattice's response format.
func TestLatticeThroughTheRuntimeEmulator(t *testing.T) {
	fn := startHealth(t, "CORS_ALLOWED_ORIGINS=https://app.example")
	preflight := map[string]string{"origin": "https://app.example", "access-control-request-method": "GET"}
	requests := []struct {
		method, path string
		headers      map[string]string
		status       int
	}{
		{"GET", "/health", nil, 200},
		{"HEAD", "/health", nil, 200},
		{"POST", "/health", nil, 405},
		{"OPTIONS", "/health", preflight, 204},
		{"GET", "/health", map[string]string{"origin": "https://app.example"}, 200},
		{"GET", "/health/live", nil, 200},
		{"GET", "/health/ready", nil, 200},
		{"DELETE", "/health/ready", nil, 405},
		{"GET", "/nope", nil, 404},
	}
	for _, rq := range requests {
		rest := invoke(t, fn, restEvent(t, rq.path, func(ev map[string]any) {
			ev["httpMethod"] = rq.method
			for k, v := range rq.headers {
				ev["headers"].(map[string]any)[k] = v
				ev["multiValueHeaders"].(map[string]any)[k] = []any{v}
			}
		}))
		if rest.StatusCode != rq.status {
			t.Fatalf("%s %s through the REST API: %d, want %d", rq.method, rq.path, rest.StatusCode, rq.status)
		}
		want := map[string]string{}
		for k, vs := range rest.MultiValueHeaders {
			want[k] = strings.Join(vs, ",")
		}
		for _, v2 := range []bool{false, true} {
			out := invokeRaw(t, fn, latticeSample(t, v2, rq.method, rq.path, rq.headers))
			var got answer
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			name := rq.method + " " + rq.path
			if v2 {
				name += " (V2)"
			}
			if got.StatusCode != rest.StatusCode || got.Body != rest.Body || got.StatusDescription != fmt.Sprintf("%d %s", rest.StatusCode, http.StatusText(rest.StatusCode)) {
				t.Errorf("%s: %d %q, the REST API answers %d %q", name, got.StatusCode, got.Body, rest.StatusCode, rest.Body)
			}
			if !maps.Equal(got.Headers, want) {
				t.Errorf("%s: headers\n%v\nthe REST API's\n%v", name, got.Headers, want)
			}
			var keys map[string]json.RawMessage
			_ = json.Unmarshal(out, &keys)
			if k := slices.Sorted(maps.Keys(keys)); !slices.Equal(k, []string{"body", "headers", "isBase64Encoded", "statusCode", "statusDescription"}) {
				t.Errorf("%s: answer keys %v", name, k)
			}
		}
	}
	if n := strings.Count(fn.Output(), "Init Duration"); n != 1 {
		t.Errorf("bootstrap initialised %d times, want 1", n)
	}
}

// TestLatticeDetailsThroughTheRuntimeEmulator: a V2 request Lattice
// authenticated with AWS_IAM for a principal of the function's own account
// sees the detailed view, as the REST API's IAM callers do; another
// account, no authentication, and V1 (which carries no identity) do not.
func TestLatticeDetailsThroughTheRuntimeEmulator(t *testing.T) {
	closed := rietest.FreeAddr(t)
	fn := startHealth(t,
		"HEALTH_CHECKS=db=tcp://"+closed+",critical,timeout=500ms",
		"HEALTH_CHECK_BUDGET=1s",
	)
	// The emulator invokes the function as arn:aws:lambda:us-east-1:012345678912:function:….
	const sameAccount = "arn:aws:sts::012345678912:assumed-role/contact-processor/i-0a1b2c3d4e5f67890"
	const otherAccount = "arn:aws:sts::999999999999:assumed-role/contact-processor/i-0a1b2c3d4e5f67890"
	iam := func(principal, typ any) []byte {
		var ev map[string]any
		if err := json.Unmarshal(rietest.SampleEvent(t, "lattice-v2-iam.json"), &ev); err != nil {
			t.Fatal(err)
		}
		id := ev["requestContext"].(map[string]any)["identity"].(map[string]any)
		id["principal"], id["type"] = principal, typ
		b, _ := json.Marshal(ev)
		return b
	}
	tests := []struct {
		name       string
		payload    []byte
		wantDetail bool
	}{
		{"AWS_IAM, this account", iam(sameAccount, "AWS_IAM"), true},
		{"AWS_IAM, another account", iam(otherAccount, "AWS_IAM"), false},
		{"no auth policy", iam(nil, nil), false},
		{"a principal without AWS_IAM", iam(sameAccount, nil), false},
		{"V1", latticeSample(t, false, "GET", "/health/details", map[string]string{"principal": sameAccount}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got answer
			if err := json.Unmarshal(invokeRaw(t, fn, tc.payload), &got); err != nil {
				t.Fatal(err)
			}
			checkDetailView(t, got, tc.wantDetail)
		})
	}
}

// invokeRaw sends payload through the emulator and returns the answer as sent.
func invokeRaw(t *testing.T, fn *rietest.Function, payload []byte) []byte {
	t.Helper()
	status, out, err := fn.Invoke(t.Context(), payload)
	if err != nil || status != 200 {
		t.Fatalf("emulator answered %d, %v\n%s", status, err, fn.Output())
	}
	return out
}
