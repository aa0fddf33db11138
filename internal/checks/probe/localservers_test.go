package probe_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// The local servers the AWS kinds are tested against (docs/readiness.md,
// "Tested against"): dynalite (npm) for DynamoDB, gofakes3 (a Go module, in
// process) for S3, fauxqs (npm) for SQS's JSON protocol. `make tools` installs
// the npm ones into the user's cache; without them these tests skip,
// saying how to install.

// npmServer returns the path of an npm-installed file (a server's
// executable) in the cache `make tools` installs into, or skips the test.
func npmServer(t *testing.T, dir, pkg, bin string) string {
	t.Helper()
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	prefix := filepath.Join(cache, "whatsapp-health", dir)
	path := filepath.Join(prefix, "node_modules", bin)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is not installed: run make tools, or npm install --prefix %s %s", filepath.Base(bin), prefix, pkg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skipf("node is not installed (apt-get install nodejs npm): %s needs it", bin)
	}
	return path
}

// startServer runs a local server on a free loopback port until the test
// ends, and returns its URL once it accepts connections.
func startServer(t *testing.T, path string, args func(port string) []string, env ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	l.Close()
	cmd := exec.Command(path, args(port)...)
	cmd.Env = append(os.Environ(), env...)
	for i, e := range cmd.Env {
		cmd.Env[i] = strings.ReplaceAll(e, "$PORT", port)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("%s did not listen on %s within 20s:\n%s", filepath.Base(path), addr, out.String())
	return ""
}

// awsRequest sends one signed AWS JSON request (test set-up: creating a
// table or a queue) and fails the test unless it answers 200.
func awsRequest(t *testing.T, endpoint, service, version, target, body string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-"+version)
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: testAWSEnv["AWS_ACCESS_KEY_ID"], SecretAccessKey: testAWSEnv["AWS_SECRET_ACCESS_KEY"], SessionToken: testAWSEnv["AWS_SESSION_TOKEN"]}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), service, testAWSEnv["AWS_REGION"], time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: status %d: %s", target, resp.StatusCode, b)
	}
	return string(b)
}

// eventually runs spec until it reports want (a local server creating a
// resource takes a moment), bounded; it returns the last result.
func eventually(t *testing.T, spec string, want checks.Status, opts ...probe.Option) checks.CheckResult {
	t.Helper()
	var got checks.CheckResult
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = runOne(t, spec, opts...); got.Status == want {
			break
		}
	}
	return got
}

func TestDynamoDBAgainstDynalite(t *testing.T) {
	bin := npmServer(t, "dynalite", "dynalite@4.0.0", ".bin/dynalite")
	url := startServer(t, bin, func(port string) []string { return []string{"--port", port, "--createTableMs", "0"} })
	env := probe.WithGetenv(envWith(map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": url}))

	got := runOne(t, "t=dynamodb://contacts", env)
	if got.Status != checks.StatusFail || !strings.Contains(fmt.Sprint(got.Err), "ResourceNotFoundException") {
		t.Errorf("before the table exists: %s (%v), want fail with ResourceNotFoundException", got.Status, got.Err)
	}
	awsRequest(t, url, "dynamodb", "1.0", "DynamoDB_20120810.CreateTable", `{"TableName":"contacts",
		"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
		"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`)
	if got := eventually(t, "t=dynamodb://contacts", checks.StatusPass, env); got.Status != checks.StatusPass {
		t.Errorf("once the table is ACTIVE: %s (%v), want pass", got.Status, got.Err)
	}
}

func TestS3AgainstGofakes3(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("contact-exports"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	env := probe.WithGetenv(envWith(map[string]string{"AWS_ENDPOINT_URL_S3": srv.URL}))
	tests := []struct {
		bucket  string
		want    checks.Status
		wantErr string
	}{
		{"contact-exports", checks.StatusPass, ""},
		{"no-such-bucket", checks.StatusFail, "HeadBucket no-such-bucket: no such bucket"},
	}
	for _, tc := range tests {
		got := runOne(t, "b=s3://"+tc.bucket, env)
		if got.Status != tc.want || tc.wantErr != "" && !strings.Contains(fmt.Sprint(got.Err), tc.wantErr) {
			t.Errorf("s3://%s: %s (%v), want %s %q", tc.bucket, got.Status, got.Err, tc.want, tc.wantErr)
		}
	}
}

// fauxqs speaks SQS's JSON protocol (AmazonSQS.* targets, __type errors
// with X-Amzn-Query-Error), which the SQS check uses as aws-sdk-go-v2's SQS
// client does; dynalite-like servers for SQS that speak only the old query
// protocol (XML) would prove nothing. It needs Node.js 22.5 or later
// (node:sqlite), which `make tools` installs from npm next to it.
func TestSQSAgainstFauxqs(t *testing.T) {
	node := npmServer(t, "node22", "node@22", ".bin/node")
	cli := npmServer(t, "fauxqs", "fauxqs@2.4.1", "fauxqs/dist/cli.js")
	url := startServer(t, node, func(string) []string { return []string{"--no-warnings", cli} },
		"FAUXQS_PORT=$PORT", "FAUXQS_HOST=127.0.0.1", "FAUXQS_LOGGER=false", "FAUXQS_DEFAULT_REGION="+testAWSEnv["AWS_REGION"])
	env := probe.WithGetenv(envWith(map[string]string{"AWS_ENDPOINT_URL_SQS": url}))

	created := awsRequest(t, url, "sqs", "1.0", "AmazonSQS.CreateQueue", `{"QueueName":"inbound"}`)
	var out struct{ QueueUrl string }
	if err := json.Unmarshal([]byte(created), &out); err != nil || out.QueueUrl == "" {
		t.Fatalf("CreateQueue answered %s", created)
	}
	tests := []struct {
		target  string
		want    checks.Status
		wantErr string
	}{
		{"sqs://inbound", checks.StatusPass, ""},
		{"sqs://" + out.QueueUrl, checks.StatusPass, ""},
		{"sqs://no-such-queue", checks.StatusFail, "GetQueueUrl no-such-queue: QueueDoesNotExist"},
	}
	for _, tc := range tests {
		got := runOne(t, "q="+tc.target, env)
		if got.Status != tc.want || tc.wantErr != "" && !strings.Contains(fmt.Sprint(got.Err), tc.wantErr) {
			t.Errorf("%s: %s (%v), want %s %q", tc.target, got.Status, got.Err, tc.want, tc.wantErr)
		}
	}
}
