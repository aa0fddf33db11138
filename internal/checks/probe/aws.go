package probe

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4"
	v4 "github.com/aws/smithy-go/aws-http-auth/v4"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/version"
)

// The AWS kinds sign small hand-made requests with AWS's standalone SigV4
// signer (smithy-go's aws-http-auth module) instead of using the service
// clients: the five clients add 3.6 MB to the arm64 bootstrap (over the
// 7.8 MB budget). aws-sdk-go-v2's own signer was used first; it pulls in
// smithy-go's transport and event-stream packages, whose package
// initialisation cost every cold start about 60 k instructions (+8 %) even
// with no AWS check configured; this module has no dependencies
// (docs/readiness.md, "AWS and WhatsApp checks"). One request per run, no
// retry: a check that retried could not stay inside its timeout, and the
// next run (one TTL later) is the retry.

// awsService describes one AWS API as the checks call it.
type awsService struct {
	envID   string // AWS_ENDPOINT_URL_<envID>
	host    string // default endpoint host, before ".<region>.amazonaws.com"
	signing string // SigV4 service name
}

var (
	svcDynamoDB = awsService{"DYNAMODB", "dynamodb", "dynamodb"}
	svcS3       = awsService{"S3", "s3", "s3"}
	svcSQS      = awsService{"SQS", "sqs", "sqs"}
	svcSecrets  = awsService{"SECRETS_MANAGER", "secretsmanager", "secretsmanager"}
	svcSocial   = awsService{"SOCIALMESSAGING", "social-messaging", "social-messaging"}
)

// awsEndpoint is where one service's requests go.
type awsEndpoint struct {
	base   *url.URL // scheme://host[:port][/path], no trailing slash
	custom bool     // from AWS_ENDPOINT_URL*: path-style S3, no virtual hosts
	region string
	svc    awsService
}

// resolveAWS finds the endpoint of svc as the AWS SDKs do:
// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the regional
// default; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores the first two.
// It reads only the environment: no credentials, no SDK work.
func (c *config) resolveAWS(svc awsService) (awsEndpoint, error) {
	getenv := c.getenv
	region := strings.TrimSpace(getenv("AWS_REGION"))
	if region == "" {
		region = strings.TrimSpace(getenv("AWS_DEFAULT_REGION"))
	}
	if region == "" {
		return awsEndpoint{}, fmt.Errorf("an AWS check needs AWS_REGION (Lambda sets it; set it for local runs)")
	}
	ep := awsEndpoint{region: region, svc: svc}
	if !strings.EqualFold(strings.TrimSpace(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true") {
		for _, name := range []string{"AWS_ENDPOINT_URL_" + svc.envID, "AWS_ENDPOINT_URL"} {
			v := strings.TrimSpace(getenv(name))
			if v == "" {
				continue
			}
			u, err := BaseURL(name, v)
			if err != nil {
				return awsEndpoint{}, err
			}
			ep.base, ep.custom = u, true
			return ep, nil
		}
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	ep.base = &url.URL{Scheme: "https", Host: svc.host + "." + region + "." + suffix}
	return ep, nil
}

// BaseURL parses the value v of the endpoint variable name (an
// AWS_ENDPOINT_URL*, HEALTH_WHATSAPP_API_URL): http(s)://host[:port] and
// an optional path, no user, query or fragment. The path loses its
// trailing slash. The error names the variable, not the value.
func BaseURL(name, v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s: want http(s)://host[:port]", name)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// awsCall is one signed request.
type awsCall struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
	// op and resource name the call in errors: "DescribeTable orders".
	op, resource string
	// action is the IAM action the call needs, named when access is denied.
	action string
}

// awsReply is what came back: the status, headers and up to maxBody bytes.
type awsReply struct {
	status int
	header http.Header
	body   []byte
}

// signer is built on first use, so that a function without AWS checks
// does no SDK work at all. It holds no state between requests.
var signer = sync.OnceValue(func() *sigv4.Signer { return sigv4.New() })

// credentials reads the function's credentials from the environment, where
// Lambda puts them, at call time (they are not read at start-up, and a
// rotated session token is picked up).
func (c *config) credentials() (credentials.Credentials, error) {
	id, secret := c.getenv("AWS_ACCESS_KEY_ID"), c.getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return credentials.Credentials{}, errors.New("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	return credentials.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: c.getenv("AWS_SESSION_TOKEN")}, nil
}

// do signs and sends call, bound to ctx exactly as [HTTP] is: its own
// transport with no idle connections, the dial, DNS, TLS handshake and body
// read all ended by ctx.
func (c *config) do(ctx context.Context, ep awsEndpoint, call awsCall) (awsReply, error) {
	creds, err := c.credentials()
	if err != nil {
		return awsReply{}, err
	}
	req, err := http.NewRequestWithContext(ctx, call.method, call.url.String(), bytes.NewReader(call.body))
	if err != nil {
		return awsReply{}, err
	}
	for k, v := range call.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "whatsapp-contact-processor-health/"+version.Version)
	if id := traceHeader(ctx); id != "" {
		req.Header.Set("X-Amzn-Trace-Id", id)
	}
	sum := sha256.Sum256(call.body)
	var opts []v4.SignerOption
	if ep.svc.signing == "s3" {
		// S3 wants the payload's hash in a header and the path escaped once.
		opts = append(opts, func(o *v4.SignerOptions) { o.AddPayloadHashHeader, o.DisableDoublePathEscape = true, true })
	}
	in := &sigv4.SignRequestInput{Request: req, PayloadHash: sum[:], Credentials: creds, Service: ep.svc.signing, Region: ep.region, Time: time.Now()}
	if err := signer().SignRequest(in, opts...); err != nil {
		return awsReply{}, fmt.Errorf("%s %s: signing: %w", call.op, call.resource, err)
	}
	resp, err := c.client(ctx, req.URL.Scheme).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return awsReply{}, fmt.Errorf("%s %s: %w", call.op, call.resource, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return awsReply{}, fmt.Errorf("%s %s: reading the answer: %w", call.op, call.resource, err)
	}
	return awsReply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// send does call and decodes a 200 answer's JSON into out; any other
// answer becomes the check's error (see [awsCall.classify]).
func (c *config) send(ctx context.Context, ep awsEndpoint, call awsCall, out any) error {
	r, err := c.do(ctx, ep, call)
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return call.classify(r)
	}
	if json.Unmarshal(r.body, out) != nil {
		return fmt.Errorf("%s %s: unreadable answer", call.op, call.resource)
	}
	return nil
}

// client is an HTTP client whose every network step ends with ctx (see
// [HTTP]); redirects are answers, not followed.
func (c *config) client(ctx context.Context, scheme string) *http.Client {
	d := c.dialer(ctx)
	tlsConf := &tls.Config{RootCAs: c.roots} // loaded at start-up when an endpoint is https
	tr := &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		DialContext:       d.DialContext,
		TLSClientConfig:   tlsConf,
		DisableKeepAlives: true,
	}
	if scheme == "https" {
		tr.DialTLSContext = func(_ context.Context, network, addr string) (net.Conn, error) {
			return tlsDial(ctx, d, tlsConf, network, addr)
		}
	}
	context.AfterFunc(ctx, tr.CloseIdleConnections)
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// awsError is an AWS API's error answer, read from any of its protocols:
// JSON (__type or code, message), REST (X-Amzn-ErrorType), or a bodiless
// HEAD answer (the status alone).
type awsError struct {
	status  int
	code    string
	message string
}

func parseAWSError(r awsReply) awsError {
	e := awsError{status: r.status}
	var body struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	_ = json.Unmarshal(r.body, &body)
	e.code = body.Type
	if e.code == "" {
		e.code = r.header.Get("X-Amzn-ErrorType")
	}
	if e.code == "" {
		e.code = body.Code
	}
	// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
	// "ValidationException:http://internal.amazon.com/…"
	if i := strings.LastIndexByte(e.code, '#'); i >= 0 {
		e.code = e.code[i+1:]
	}
	if i := strings.IndexByte(e.code, ':'); i >= 0 {
		e.code = e.code[:i]
	}
	// SQS's JSON protocol keeps its query-era code in a header.
	if q := r.header.Get("X-Amzn-Query-Error"); q != "" && e.code == "" {
		e.code, _, _ = strings.Cut(q, ";")
	}
	e.message = body.Message
	if e.message == "" {
		e.message = body.Message2
	}
	if len(e.message) > 200 {
		e.message = e.message[:200] + "…"
	}
	return e
}

// isThrottling reports whether code is one aws-sdk-go-v2's retryer treats
// as throttling (aws/retry's doc.go lists them). A switch, not a map: a
// package-level map is built at every start, AWS checks or not.
func isThrottling(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
		"ProvisionedThroughputExceededException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"LimitExceededException", "RequestLimitExceededException":
		return true
	}
	return false
}

// classify turns an error answer into the check's error: AccessDenied
// names the missing action, throttling is a warning (the service answers,
// it asks us to slow down), anything else fails with the code.
func (call awsCall) classify(r awsReply) error {
	e := parseAWSError(r)
	switch {
	case strings.HasPrefix(e.code, "AccessDenied") || (e.code == "" && r.status == http.StatusForbidden):
		// AWS's message goes along: it names what else was missing (a KMS
		// key's kms:Decrypt, an explicit deny).
		if e.message != "" {
			return fmt.Errorf("%s %s: access denied: the function's role needs %s on it (%s)", call.op, call.resource, call.action, e.message)
		}
		return fmt.Errorf("%s %s: access denied: the function's role needs %s on it", call.op, call.resource, call.action)
	case isThrottling(e.code) || r.status == http.StatusTooManyRequests || (e.code == "" && r.status == http.StatusServiceUnavailable && call.method == http.MethodHead):
		return checks.Warn(fmt.Errorf("%s %s: throttled (%s)", call.op, call.resource, orStatus(e)))
	}
	if e.message != "" {
		return fmt.Errorf("%s %s: %s: %s", call.op, call.resource, orStatus(e), e.message)
	}
	return fmt.Errorf("%s %s: %s", call.op, call.resource, orStatus(e))
}

func orStatus(e awsError) string {
	if e.code != "" {
		return e.code
	}
	return fmt.Sprintf("status %d", e.status)
}

// jsonCall is a call to an AWS JSON-protocol API (DynamoDB, SQS, Secrets
// Manager): POST / with the operation in X-Amz-Target.
func jsonCall(ep awsEndpoint, version, target string, input any) awsCall {
	body, _ := json.Marshal(input)
	u := *ep.base
	u.Path += "/"
	return awsCall{
		method: http.MethodPost,
		url:    &u,
		header: http.Header{
			"Content-Type": {"application/x-amz-json-" + version},
			"X-Amz-Target": {target},
		},
		body: body,
	}
}
