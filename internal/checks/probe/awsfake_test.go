package probe_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Test credentials and region, as Lambda would set them.
var testAWSEnv = map[string]string{
	"AWS_REGION":            "eu-west-1",
	"AWS_ACCESS_KEY_ID":     "AKIDEXAMPLE",
	"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	"AWS_SESSION_TOKEN":     "session-token-example",
}

// envWith is testAWSEnv plus extra, as a getenv.
func envWith(extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return testAWSEnv[k]
	}
}

// verifySigV4 re-signs the signed part of r with the test credentials and
// the request's own X-Amz-Date, and compares: the fake accepts only what
// AWS would. The scope must name service, the SigV4 name AWS expects for
// the operation: a signature scoped to another service is refused there.
func verifySigV4(r *http.Request, body []byte, service string) error {
	auth := r.Header.Get("Authorization")
	var scope, signed string
	for part := range strings.SplitSeq(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		if v, ok := strings.CutPrefix(part, "Credential="); ok {
			scope = v
		}
		if v, ok := strings.CutPrefix(part, "SignedHeaders="); ok {
			signed = v
		}
	}
	f := strings.Split(scope, "/") // key/date/region/service/aws4_request
	if len(f) != 5 || f[0] != testAWSEnv["AWS_ACCESS_KEY_ID"] || f[2] != testAWSEnv["AWS_REGION"] || f[3] != service {
		return fmt.Errorf("credential scope %q, want service %q", scope, service)
	}
	if r.Header.Get("X-Amz-Security-Token") != testAWSEnv["AWS_SESSION_TOKEN"] {
		return fmt.Errorf("no session token")
	}
	tm, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return err
	}
	// aws-sdk-go-v2's signer signs Content-Length whenever the request has
	// a body; AWS checks the headers the signature lists, so the request
	// signed again has a body only when Content-Length is among them.
	var rebody io.Reader
	if slices.Contains(strings.Split(signed, ";"), "content-length") {
		rebody = bytes.NewReader(body)
	}
	again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), rebody)
	for h := range strings.SplitSeq(signed, ";") {
		if h != "host" {
			again.Header.Set(h, r.Header.Get(h))
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: f[0], SecretAccessKey: testAWSEnv["AWS_SECRET_ACCESS_KEY"], SessionToken: testAWSEnv["AWS_SESSION_TOKEN"]}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, again, hex.EncodeToString(sum[:]), f[3], f[2], tm); err != nil {
		return err
	}
	if again.Header.Get("Authorization") != auth {
		return fmt.Errorf("signature does not match")
	}
	return nil
}

// awsJSONError answers as AWS's JSON protocols do.
func awsJSONError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

// fakeAWS is a stand-in for the AWS APIs no faithful local server exists
// for (Secrets Manager, End User Messaging Social), and for the error
// answers the real local servers cannot be made to give (AccessDenied,
// throttling). It answers the documented wire shapes: AWS JSON 1.0/1.1
// (X-Amz-Target, __type errors), REST-JSON (X-Amzn-ErrorType) and S3's
// bodiless HEAD answers, and rejects any request whose SigV4 signature is
// not right. Resource names choose the answer.
type fakeAWS struct {
	*httptest.Server
	secretReads atomic.Int32
	token       string
}

func newFakeAWS(t testing.TB, token string) *fakeAWS {
	f := &fakeAWS{token: token}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// newFakeAWSTLS is the fake over https, with its own certificate.
func newFakeAWSTLS(t testing.TB) *fakeAWS {
	f := &fakeAWS{}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// awsProtocol is what AWS expects of a request to the operation r names:
// the SigV4 service name and, for the JSON protocols, the Content-Type.
func awsProtocol(r *http.Request) (service, contentType string) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, "DynamoDB_20120810."):
		return "dynamodb", "application/x-amz-json-1.0"
	case strings.HasPrefix(target, "AmazonSQS."):
		return "sqs", "application/x-amz-json-1.0"
	case strings.HasPrefix(target, "secretsmanager."):
		return "secretsmanager", "application/x-amz-json-1.1"
	case strings.HasPrefix(r.URL.Path, "/v1/whatsapp/"):
		return "social-messaging", ""
	}
	return "s3", ""
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	service, contentType := awsProtocol(r)
	if err := verifySigV4(r, body, service); err != nil {
		awsJSONError(w, 403, "InvalidSignatureException", err.Error())
		return
	}
	if got := r.Header.Get("Content-Type"); got != contentType {
		awsJSONError(w, 400, "SerializationException", fmt.Sprintf("Content-Type %q, want %q", got, contentType))
		return
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	str := func(k string) string { s, _ := in[k].(string); return s }
	switch target := r.Header.Get("X-Amz-Target"); {
	case target == "DynamoDB_20120810.DescribeTable":
		switch name := str("TableName"); name {
		case "missing":
			awsJSONError(w, 400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Requested resource not found")
		case "denied":
			awsJSONError(w, 400, "com.amazonaws.dynamodb.v20120810#AccessDeniedException", "User is not authorized")
		case "throttled":
			awsJSONError(w, 400, "com.amazonaws.dynamodb.v20120810#ThrottlingException", "Rate exceeded")
		default:
			json.NewEncoder(w).Encode(map[string]any{"Table": map[string]string{"TableName": name, "TableStatus": strings.ToUpper(name)}})
		}
	case target == "AmazonSQS.GetQueueUrl":
		switch name := str("QueueName"); name {
		case "missing":
			w.Header().Set("X-Amzn-Query-Error", "AWS.SimpleQueueService.NonExistentQueue;Sender")
			awsJSONError(w, 400, "com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist.")
		case "throttled":
			awsJSONError(w, 403, "RequestThrottled", "Request is throttled.")
		default:
			json.NewEncoder(w).Encode(map[string]string{"QueueUrl": f.URL + "/123456789012/" + name})
		}
	case target == "AmazonSQS.GetQueueAttributes":
		if strings.HasSuffix(str("QueueUrl"), "/denied") {
			awsJSONError(w, 400, "com.amazon.coral.service#AccessDeniedException", "not authorized to perform: sqs:getqueueattributes")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Attributes": map[string]string{"QueueArn": "arn:aws:sqs:eu-west-1:123456789012:q"}})
	case target == "secretsmanager.DescribeSecret":
		switch id := str("SecretId"); id {
		case "missing":
			awsJSONError(w, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		case "deleted":
			json.NewEncoder(w).Encode(map[string]any{"Name": id, "DeletedDate": 1.7649e9})
		default:
			json.NewEncoder(w).Encode(map[string]any{"Name": id, "ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + id + "-AbCdEf"})
		}
	case target == "secretsmanager.GetSecretValue":
		f.secretReads.Add(1)
		if str("SecretId") != "wa-token" {
			awsJSONError(w, 400, "AccessDeniedException", "not authorized")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Name": "wa-token", "SecretString": f.token})
	case r.URL.Path == "/v1/whatsapp/waba/phone/details":
		switch id := r.URL.Query().Get("id"); id {
		case "phone-number-id-missing":
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"phone number not found"}`))
		case "phone-number-id-denied":
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(403)
			w.Write([]byte(`{"message":"not authorized"}`))
		default:
			json.NewEncoder(w).Encode(map[string]any{"linkedWhatsAppBusinessAccountId": "waba-1",
				"phoneNumber": map[string]string{"phoneNumberId": id, "qualityRating": strings.ToUpper(strings.TrimPrefix(id, "phone-number-id-"))}})
		}
	case r.Method == http.MethodHead: // S3 HeadBucket, path style
		switch strings.Trim(r.URL.Path, "/") {
		case "denied":
			w.WriteHeader(403)
		case "throttled":
			w.WriteHeader(503)
		case "missing":
			w.WriteHeader(404)
		case "elsewhere":
			w.Header().Set("X-Amz-Bucket-Region", "us-west-2")
			w.WriteHeader(301)
		default:
			w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
		}
	default:
		awsJSONError(w, 400, "UnknownOperationException", "")
	}
}

// fakeGraph stands in for Meta's Graph API (no local server exists): the
// phone number node and debug_token, with Meta's documented error shape
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}. The
// phone number id chooses the answer; only token is accepted.
func fakeGraph(t testing.TB, token string, expiresAt func() int64) *httptest.Server {
	graphErr := func(w http.ResponseWriter, status, code, sub int, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException",
			"code": code, "error_subcode": sub, "fbtrace_id": "AbCdEf"}})
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			graphErr(w, 401, 190, 463, "Error validating access token: Session has expired")
			return
		}
		version, node, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if version != "v25.0" {
			graphErr(w, 400, 2635, 0, "unknown version")
			return
		}
		switch node {
		case "debug_token":
			if r.URL.Query().Get("input_token") != token {
				graphErr(w, 400, 100, 0, "bad input_token")
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"app_id": "1", "type": "SYSTEM_USER",
				"is_valid": true, "expires_at": expiresAt(), "scopes": []string{"whatsapp_business_messaging"}}})
		case "4290":
			graphErr(w, 400, 130429, 2494055, "(#130429) Rate limit hit")
		case "8007":
			graphErr(w, 400, 80007, 0, "(#80007) Rate limit issues")
		case "4":
			graphErr(w, 429, 4, 0, "(#4) Application request limit reached")
		case "1003":
			json.NewEncoder(w).Encode(map[string]string{"id": node, "status": "DISCONNECTED", "quality_rating": "GREEN"})
		case "1004":
			json.NewEncoder(w).Encode(map[string]string{"id": node, "status": "CONNECTED", "quality_rating": "RED"})
		default:
			json.NewEncoder(w).Encode(map[string]string{"id": node, "display_phone_number": "+1 555 0100",
				"status": "CONNECTED", "quality_rating": "GREEN", "code_verification_status": "VERIFIED", "name_status": "APPROVED"})
		}
	}))
	t.Cleanup(s.Close)
	return s
}
