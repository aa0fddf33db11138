package probe_test

import (
	"crypto/x509"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/checks/probe"
)

// runOne parses spec with opts and runs it once, uncached.
func runOne(t *testing.T, spec string, opts ...probe.Option) checks.CheckResult {
	t.Helper()
	cs, err := probe.Parse(spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	res := checks.New(checks.WithBudget(2*time.Second), checks.WithCacheTTL(0), checks.WithCheck(cs...)).Check(t.Context())
	return res.Checks[0]
}

// TestAWSKinds runs each AWS kind against the fake's documented answers:
// what passes, what fails and why, and what only warns (throttling).
func TestAWSKinds(t *testing.T) {
	f := newFakeAWS(t, "unused")
	env := envWith(map[string]string{"AWS_ENDPOINT_URL": f.URL})
	tests := []struct {
		target  string
		want    checks.Status
		wantErr string
	}{
		{"dynamodb://active", checks.StatusPass, ""},
		{"dynamodb://updating", checks.StatusPass, ""},
		{"dynamodb://creating", checks.StatusFail, `DescribeTable creating: table status "CREATING"`},
		{"dynamodb://missing", checks.StatusFail, "DescribeTable missing: ResourceNotFoundException: Requested resource not found"},
		{"dynamodb://denied", checks.StatusFail, "access denied: the function's role needs dynamodb:DescribeTable"},
		{"dynamodb://throttled", checks.StatusWarn, "DescribeTable throttled: throttled (ThrottlingException)"},
		{"s3://present", checks.StatusPass, ""},
		{"s3://missing", checks.StatusFail, "HeadBucket missing: no such bucket"},
		{"s3://denied", checks.StatusFail, "access denied: the function's role needs s3:ListBucket"},
		{"s3://throttled", checks.StatusWarn, "HeadBucket throttled: throttled (status 503)"},
		{"s3://elsewhere", checks.StatusFail, `the bucket is in region "us-west-2", not eu-west-1`},
		{"sqs://orders", checks.StatusPass, ""},
		{"sqs://orders.fifo", checks.StatusPass, ""},
		{"sqs://missing", checks.StatusFail, "GetQueueUrl missing: QueueDoesNotExist"},
		{"sqs://throttled", checks.StatusWarn, "GetQueueUrl throttled: throttled (RequestThrottled)"},
		{"sqs://denied", checks.StatusFail, "access denied: the function's role needs sqs:GetQueueAttributes"},
		{"sqs://" + f.URL + "/123456789012/orders", checks.StatusPass, ""},
		{"secretsmanager://live", checks.StatusPass, ""},
		{"secretsmanager://arn:aws:secretsmanager:eu-west-1:123456789012:secret:live-AbCdEf", checks.StatusPass, ""},
		{"secretsmanager://deleted", checks.StatusFail, "DescribeSecret deleted: scheduled for deletion"},
		{"secretsmanager://missing", checks.StatusFail, "DescribeSecret missing: ResourceNotFoundException"},
		{"socialmessaging://phone-number-id-green", checks.StatusPass, ""},
		{"socialmessaging://phone-number-id-red", checks.StatusWarn, "quality rating RED"},
		{"socialmessaging://phone-number-id-missing", checks.StatusFail, "ResourceNotFoundException: phone number not found"},
		{"socialmessaging://phone-number-id-denied", checks.StatusFail, "needs social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			got := runOne(t, "dep="+tc.target+",critical", probe.WithGetenv(env))
			if got.Status != tc.want {
				t.Errorf("status %s (%v), want %s", got.Status, got.Err, tc.want)
			}
			if (tc.wantErr == "") != (got.Err == nil) || got.Err != nil && !strings.Contains(got.Err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", got.Err, tc.wantErr)
			}
		})
	}
}

// TestAWSCredentialsAreReadWhenChecksRun: nothing is read at start-up, and a
// run without credentials fails saying so.
func TestAWSCredentialsAreReadWhenChecksRun(t *testing.T) {
	f := newFakeAWS(t, "unused")
	var reads []string
	getenv := func(k string) string {
		reads = append(reads, k)
		return envWith(map[string]string{"AWS_ENDPOINT_URL": f.URL, "AWS_ACCESS_KEY_ID": ""})(k)
	}
	cs, err := probe.Parse("t=dynamodb://active", probe.WithGetenv(getenv))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range reads {
		if strings.Contains(k, "KEY") || strings.Contains(k, "TOKEN") {
			t.Errorf("start-up read %s", k)
		}
	}
	err = cs[0].Func(t.Context())
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("err = %v, want no AWS credentials", err)
	}
}

// TestWhatsApp runs whatsapp:// against the Graph API fake with the token
// in the Secrets Manager fake: pass, token expiry warning and failure,
// OAuth 190, rate limits, the number's status and quality; the token never
// appears in an error, and is read once per TTL.
func TestWhatsApp(t *testing.T) {
	const token = "EAAGtokenSECRETvalue0123456789"
	day := int64(24 * 3600)
	var expires atomic.Int64
	sm := newFakeAWS(t, token)
	graph := fakeGraph(t, token, expires.Load)
	env := envWith(map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": sm.URL})
	wa := probe.WhatsApp{TokenSecret: "wa-token", WarnDays: 7, APIURL: graph.URL}
	tests := []struct {
		name    string
		id      string
		expires int64 // seconds from now; 0 = never
		secret  string
		want    checks.Status
		wantErr string
	}{
		{"never expires", "1001", 0, "", checks.StatusPass, ""},
		{"expires in 30 days", "1001", 30 * day, "", checks.StatusPass, ""},
		{"expires in 3 days", "1001", 3*day + 60, "", checks.StatusWarn, "expires in 3 days"},
		{"expired", "1001", -60, "", checks.StatusFail, "expired"},
		{"number disconnected", "1003", 0, "", checks.StatusFail, "status DISCONNECTED"},
		{"quality RED", "1004", 0, "", checks.StatusWarn, "quality rating RED"},
		{"throughput limit 130429", "4290", 0, "", checks.StatusWarn, "rate limited (code 130429"},
		{"WABA rate limit 80007", "8007", 0, "", checks.StatusWarn, "rate limited (code 80007"},
		{"app rate limit 4", "4", 0, "", checks.StatusWarn, "rate limited (code 4"},
		{"token secret unreadable", "1001", 0, "other", checks.StatusFail, "access denied: the function's role needs secretsmanager:GetSecretValue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			exp := int64(0)
			if tc.expires != 0 {
				exp = time.Now().Unix() + tc.expires
			}
			expires.Store(exp)
			w := wa
			if tc.secret != "" {
				w.TokenSecret = tc.secret
			}
			got := runOne(t, "wa=whatsapp://"+tc.id+",critical", probe.WithGetenv(env), probe.WithWhatsApp(w))
			if got.Status != tc.want {
				t.Errorf("status %s (%v), want %s", got.Status, got.Err, tc.want)
			}
			if (tc.wantErr == "") != (got.Err == nil) || got.Err != nil && !strings.Contains(got.Err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", got.Err, tc.wantErr)
			}
			if got.Err != nil && strings.Contains(got.Err.Error(), token) {
				t.Errorf("the error shows the token: %v", got.Err)
			}
		})
	}

	t.Run("OAuth 190 fails and the token is read again next run", func(t *testing.T) {
		other := fakeGraph(t, "a-different-token", expires.Load)
		w := wa
		w.APIURL = other.URL
		cs, err := probe.Parse("wa=whatsapp://1001", probe.WithGetenv(env), probe.WithWhatsApp(w), probe.WithSecretTTL(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		before := sm.secretReads.Load()
		for range 2 {
			err = cs[0].Func(t.Context())
			if err == nil || !strings.Contains(err.Error(), "OAuth error 190") || strings.Contains(err.Error(), token) {
				t.Errorf("err = %v, want OAuth error 190 without the token", err)
			}
		}
		if n := sm.secretReads.Load() - before; n != 2 {
			t.Errorf("the secret was read %d times in 2 runs after a 190, want 2 (the token is dropped)", n)
		}
	})

	// A run abandoned at the budget may still be reading the secret when
	// the next run starts: runs of one check overlap (go test -race).
	t.Run("overlapping runs share no state but the token cache", func(t *testing.T) {
		expires.Store(0)
		cs, err := probe.Parse("wa=whatsapp://1001", probe.WithGetenv(env), probe.WithWhatsApp(wa), probe.WithSecretTTL(0))
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 4)
		for range cap(errs) {
			go func() { errs <- cs[0].Func(t.Context()) }()
		}
		for range cap(errs) {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("the token is read once per TTL", func(t *testing.T) {
		expires.Store(0)
		cs, err := probe.Parse("wa=whatsapp://1001", probe.WithGetenv(env), probe.WithWhatsApp(wa), probe.WithSecretTTL(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if cs[0].Critical {
			t.Errorf("whatsapp:// is critical by default, want noncritical")
		}
		before := sm.secretReads.Load()
		for range 3 {
			if err := cs[0].Func(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if n := sm.secretReads.Load() - before; n != 1 {
			t.Errorf("the secret was read %d times in 3 runs, want 1", n)
		}
	})
}

// TestParseAWSKinds: bad specs stop start-up with an error naming the
// variable and the entry; whatsapp:// and socialmessaging:// are
// noncritical unless marked critical.
func TestParseAWSKinds(t *testing.T) {
	tests := []struct {
		spec     string
		env      map[string]string
		wa       probe.WhatsApp
		critical bool
		wantErr  string
	}{
		{spec: "t=dynamodb://orders", critical: true},
		{spec: "b=s3://my-bucket.logs", critical: true},
		{spec: "q=sqs://https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo", critical: true},
		{spec: "s=secretsmanager://arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf", critical: true},
		{spec: "p=socialmessaging://phone-number-id-0123456789abcdef", critical: false},
		{spec: "p=socialmessaging://phone-number-id-0123456789abcdef,critical", critical: true},
		{spec: "w=whatsapp://106540352242922", wa: probe.WhatsApp{TokenSecret: "wa"}, critical: false},
		{spec: "t=dynamodb://", wantErr: `HEALTH_CHECKS entry 1 ("t"): dynamodb target names nothing`},
		{spec: "b=s3://a b", wantErr: `HEALTH_CHECKS entry 1 ("b"): s3 target "a b" is not valid`},
		{spec: "b=s3://Upper", wantErr: `s3 target "Upper" is not valid`},
		{spec: "q=sqs://bad name", wantErr: `sqs target "bad name" is not valid`},
		{spec: "p=socialmessaging://12345", wantErr: `socialmessaging target "12345" is not valid`},
		{spec: "x=rds://db", wantErr: `HEALTH_CHECKS entry 1 ("x"): unsupported scheme "rds"`},
		{spec: "w=whatsapp://106540352242922", wantErr: `HEALTH_CHECKS entry 1 ("w"): whatsapp target needs HEALTH_WHATSAPP_TOKEN_SECRET`},
		{spec: "w=whatsapp://+1555", wa: probe.WhatsApp{TokenSecret: "wa"}, wantErr: `whatsapp target "+1555" is not valid`},
		{spec: "t=dynamodb://orders", env: map[string]string{"AWS_REGION": ""}, wantErr: "needs AWS_REGION"},
		{spec: "t=dynamodb://orders", env: map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "localhost:8000"}, wantErr: "AWS_ENDPOINT_URL_DYNAMODB: want http(s)://host[:port]"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := probe.Parse(tc.spec, probe.WithGetenv(envWith(tc.env)), probe.WithWhatsApp(tc.wa))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Critical != tc.critical {
				t.Errorf("critical = %v, want %v", got[0].Critical, tc.critical)
			}
		})
	}
}

// TestAWSRootsAreLoadedAtStartUp: an AWS kind on an https endpoint (the
// default) loads the certificate roots when it is parsed, not in its first
// run, as https:// checks do; on an http endpoint nothing is loaded.
func TestAWSRootsAreLoadedAtStartUp(t *testing.T) {
	f := newFakeAWSTLS(t)
	pool := x509.NewCertPool()
	pool.AddCert(f.Certificate())
	plain := newFakeAWS(t, "")
	for _, tc := range []struct {
		endpoint string
		loads    int32
	}{{plain.URL, 0}, {f.URL, 1}} {
		t.Run(tc.endpoint, func(t *testing.T) {
			loads := probe.FakeSystemCertPool(t, pool)
			cs, err := probe.Parse("t=dynamodb://active;s=secretsmanager://live", probe.WithGetenv(envWith(map[string]string{"AWS_ENDPOINT_URL": tc.endpoint})))
			if err != nil {
				t.Fatal(err)
			}
			if n := loads.Load(); n != tc.loads {
				t.Fatalf("Parse loaded the system pool %d times, want %d", n, tc.loads)
			}
			// The fake "system" pool alone trusts the https fake: the runs
			// pass only with the pool Parse loaded.
			c := checks.New(checks.WithCacheTTL(0), checks.WithCheck(cs...))
			for range 2 {
				if res := c.Check(t.Context()); res.Status != checks.StatusPass {
					t.Fatalf("got %s: %v", res.Status, res.Checks)
				}
			}
			if n := loads.Load(); n != tc.loads {
				t.Errorf("after two runs the pool was loaded %d times, want still %d", n, tc.loads)
			}
		})
	}
}
