package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/whatsapp-contact-processor/health/internal/checks"
)

// Resource names as the services accept them: a malformed one stops
// start-up instead of failing every run. (Plain functions, not regexps: a
// package-level regexp is compiled at every start, AWS checks or not.)
func tableName(s string) bool { return within(s, 3, 255, "_.-") }

func bucketName(s string) bool {
	return within(s, 3, 63, ".-") && strings.ToLower(s) == s && !strings.Contains(s, "..") &&
		!strings.ContainsAny(s[:1]+s[len(s)-1:], ".-")
}

func queueName(s string) bool { return within(strings.TrimSuffix(s, ".fifo"), 1, 80, "_-") }

func secretID(s string) bool { return within(s, 1, 2048, "/_+=.@:-") }

// phoneID accepts phone-number-id-… or its ARN (…:phone-number-id/…), as
// the social-messaging API does.
func phoneID(s string) bool {
	if rest, ok := strings.CutPrefix(s, "phone-number-id-"); ok {
		return within(rest, 1, 100, "")
	}
	i := strings.LastIndex(s, ":phone-number-id/")
	return strings.HasPrefix(s, "arn:") && strings.Contains(s, ":social-messaging:") && i > 0 && within(s[i+len(":phone-number-id/"):], 1, 100, "")
}

// within reports whether s has min to max ASCII letters, digits or extra
// characters.
func within(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(extra, r)) {
			return false
		}
	}
	return true
}

// awsTarget parses the resource of an AWS kind (what follows "scheme://")
// and builds its check. The resource never contains a secret, so errors
// may quote it.
func (c *config) awsTarget(scheme, res string) (func(context.Context) error, error) {
	var (
		valid bool
		form  string
		svc   awsService
		build func(awsEndpoint, string) func(context.Context) error
	)
	switch scheme {
	case "dynamodb":
		valid, form, svc, build = tableName(res), "dynamodb://TABLE", svcDynamoDB, c.dynamoDB
	case "s3":
		valid, form, svc, build = bucketName(res), "s3://BUCKET", svcS3, c.s3
	case "sqs":
		valid, form, svc, build = queueName(res) || isQueueURL(res),
			"sqs://QUEUE-NAME or sqs://https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE", svcSQS, c.sqs
	case "secretsmanager":
		valid, form, svc, build = secretID(res), "secretsmanager://SECRET-NAME-OR-ARN", svcSecrets, c.secret
	default:
		valid, form, svc, build = phoneID(res), "socialmessaging://phone-number-id-…", svcSocial, c.socialMessaging
	}
	if res == "" {
		return nil, fmt.Errorf("%s target names nothing (want %s)", scheme, form)
	}
	if !valid {
		return nil, fmt.Errorf("%s target %q is not valid (want %s)", scheme, res, form)
	}
	ep, err := c.resolveAWS(svc)
	if err != nil {
		return nil, err
	}
	if ep.base.Scheme == "https" {
		c.rootCAs() // now, not in the first check
	}
	return build(ep, res), nil
}

func isQueueURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		queueName(u.Path[strings.LastIndexByte(u.Path, '/')+1:]) && u.User == nil && u.RawQuery == ""
}

// dynamoDB checks a table with DescribeTable: it passes while the table can
// serve reads and writes (ACTIVE, or UPDATING), and fails with the status
// otherwise (CREATING, DELETING, ARCHIVING, INACCESSIBLE_ENCRYPTION_CREDENTIALS…).
func (c *config) dynamoDB(ep awsEndpoint, table string) func(context.Context) error {
	return func(ctx context.Context) error {
		call := jsonCall(ep, "1.0", "DynamoDB_20120810.DescribeTable", map[string]string{"TableName": table})
		call.op, call.resource, call.action = "DescribeTable", table, "dynamodb:DescribeTable"
		var out struct {
			Table struct{ TableStatus string }
		}
		if err := c.send(ctx, ep, call, &out); err != nil {
			return err
		}
		switch out.Table.TableStatus {
		case "ACTIVE", "UPDATING":
			return nil
		default:
			return fmt.Errorf("DescribeTable %s: table status %q", table, out.Table.TableStatus)
		}
	}
}

// s3 checks a bucket with HeadBucket (IAM action s3:ListBucket): it exists,
// lies in the function's region and the role may list it.
func (c *config) s3(ep awsEndpoint, bucket string) func(context.Context) error {
	u := *ep.base
	// Virtual-hosted style on AWS; path style for a configured endpoint (local
	// servers) and for names with dots, which break the wildcard certificate.
	if ep.custom || strings.Contains(bucket, ".") {
		u.Path += "/" + bucket
	} else {
		u.Host = bucket + "." + u.Host
		u.Path += "/"
	}
	return func(ctx context.Context) error {
		call := awsCall{method: http.MethodHead, url: &u, op: "HeadBucket", resource: bucket, action: "s3:ListBucket"}
		r, err := c.do(ctx, ep, call)
		if err != nil {
			return err
		}
		// HeadBucket's answers have no body: the status and
		// X-Amz-Bucket-Region say it all.
		switch region := r.header.Get("X-Amz-Bucket-Region"); {
		case r.status == http.StatusOK:
			return nil
		case r.status == http.StatusNotFound:
			return fmt.Errorf("HeadBucket %s: no such bucket", bucket)
		case r.status/100 == 3, r.status == http.StatusBadRequest && region != "" && region != ep.region:
			return fmt.Errorf("HeadBucket %s: the bucket is in region %q, not %s", bucket, region, ep.region)
		}
		return call.classify(r)
	}
}

// sqs checks a queue: GetQueueUrl when it is given by name, then
// GetQueueAttributes (QueueArn): the queue exists and answers.
func (c *config) sqs(ep awsEndpoint, queue string) func(context.Context) error {
	name := queue[strings.LastIndexByte(queue, '/')+1:]
	return func(ctx context.Context) error {
		qurl := queue
		if !strings.Contains(queue, "/") {
			call := jsonCall(ep, "1.0", "AmazonSQS.GetQueueUrl", map[string]string{"QueueName": queue})
			call.op, call.resource, call.action = "GetQueueUrl", name, "sqs:GetQueueUrl"
			call.header.Set("X-Amzn-Query-Mode", "true")
			var out struct{ QueueUrl string }
			if err := c.send(ctx, ep, call, &out); err != nil {
				return err
			}
			if out.QueueUrl == "" {
				return fmt.Errorf("GetQueueUrl %s: the answer has no QueueUrl", name)
			}
			qurl = out.QueueUrl
		}
		call := jsonCall(ep, "1.0", "AmazonSQS.GetQueueAttributes",
			map[string]any{"QueueUrl": qurl, "AttributeNames": []string{"QueueArn"}})
		call.op, call.resource, call.action = "GetQueueAttributes", name, "sqs:GetQueueAttributes"
		call.header.Set("X-Amzn-Query-Mode", "true")
		var out struct{ Attributes map[string]string }
		if err := c.send(ctx, ep, call, &out); err != nil {
			return err
		}
		if out.Attributes["QueueArn"] == "" {
			return fmt.Errorf("GetQueueAttributes %s: the answer has no QueueArn", name)
		}
		return nil
	}
}

// secret checks a secret with DescribeSecret: it exists and is not
// scheduled for deletion (DeletedDate set). Its value is never read.
func (c *config) secret(ep awsEndpoint, id string) func(context.Context) error {
	return func(ctx context.Context) error {
		call := jsonCall(ep, "1.1", "secretsmanager.DescribeSecret", map[string]string{"SecretId": id})
		call.op, call.resource, call.action = "DescribeSecret", id, "secretsmanager:DescribeSecret"
		var out struct {
			DeletedDate *json.Number
		}
		if err := c.send(ctx, ep, call, &out); err != nil {
			return err
		}
		if out.DeletedDate != nil {
			return fmt.Errorf("DescribeSecret %s: scheduled for deletion", id)
		}
		return nil
	}
}

// getSecretString reads a secret's SecretString (GetSecretValue). The
// value goes to the caller only: errors name the secret, never the value.
func (c *config) getSecretString(ctx context.Context, ep awsEndpoint, id string) (string, error) {
	call := jsonCall(ep, "1.1", "secretsmanager.GetSecretValue", map[string]string{"SecretId": id})
	call.op, call.resource, call.action = "GetSecretValue", id, "secretsmanager:GetSecretValue"
	var out struct{ SecretString string }
	if err := c.send(ctx, ep, call, &out); err != nil {
		return "", err
	}
	if out.SecretString == "" {
		return "", fmt.Errorf("GetSecretValue %s: no SecretString", id)
	}
	return strings.TrimSpace(out.SecretString), nil
}

// socialMessaging checks a WhatsApp number linked through AWS End User
// Messaging Social (GetLinkedWhatsAppBusinessAccountPhoneNumber): it passes
// when the number answers, warns when Meta rates its quality RED.
func (c *config) socialMessaging(ep awsEndpoint, id string) func(context.Context) error {
	u := *ep.base
	u.Path += "/v1/whatsapp/waba/phone/details"
	u.RawQuery = url.Values{"id": {id}}.Encode()
	return func(ctx context.Context) error {
		call := awsCall{method: http.MethodGet, url: &u, op: "GetLinkedWhatsAppBusinessAccountPhoneNumber", resource: id,
			action: "social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber"}
		var out struct {
			PhoneNumber struct{ QualityRating string } `json:"phoneNumber"`
		}
		if err := c.send(ctx, ep, call, &out); err != nil {
			return err
		}
		if strings.EqualFold(out.PhoneNumber.QualityRating, "RED") {
			return checks.Warn(fmt.Errorf("GetLinkedWhatsAppBusinessAccountPhoneNumber %s: quality rating RED", id))
		}
		return nil
	}
}
