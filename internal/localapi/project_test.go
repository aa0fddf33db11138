package localapi_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/whatsapp-contact-processor/health/internal/config"
	"github.com/whatsapp-contact-processor/health/internal/httpapi"
	"github.com/whatsapp-contact-processor/health/internal/lambdahttp"
	"github.com/whatsapp-contact-processor/health/internal/localapi"
)

const seedBody = httpapi.HealthyBody

// The project's template and function, as `make run` serves them: the
// template's routes answer as deployed, anything else is API Gateway's 403.
func TestProjectTemplate(t *testing.T) {
	newFn := func(getenv func(string) string) (lambda.Handler, error) {
		cfg, err := config.Load(getenv)
		if err != nil {
			return nil, err
		}
		return lambdahttp.New(httpapi.NewServer(cfg)), nil
	}
	l := startRun(t, localapi.Options{Template: "../../template.yaml", Function: "HealthFunction"}, newFn)
	tests := []struct {
		method, path string
		header       map[string]string
		status       int
		body         string
	}{
		{method: "GET", path: "/health", status: 200, body: seedBody},
		{method: "HEAD", path: "/health", status: 200, body: ""},
		{method: "GET", path: "/health/ready", status: 200, body: seedBody},
		{method: "GET", path: "/health/live", status: 200},
		{method: "OPTIONS", path: "/health", header: map[string]string{"Origin": "https://dashboard.example", "Access-Control-Request-Method": "GET"}, status: 204},
		{method: "POST", path: "/health", status: 403, body: missingToken},
		{method: "DELETE", path: "/health/live", status: 403, body: missingToken},
		{method: "GET", path: "/nope", status: 403, body: missingToken},
		{method: "GET", path: "/Prod/health", status: 403, body: missingToken},
		{method: "GET", path: "/", status: 403, body: missingToken},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := do(t, tc.method, l.base+tc.path, tc.header, nil)
			if resp.StatusCode != tc.status || (tc.body != "" || tc.method == "HEAD") && string(body) != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			if tc.method == "HEAD" && resp.Header.Get("Content-Length") != "0" {
				t.Errorf("HEAD Content-Length = %q, want 0", resp.Header.Get("Content-Length"))
			}
		})
	}
}
