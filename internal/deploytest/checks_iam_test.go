package deploytest

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
)

// checkReadActions are the actions readiness checks need (docs/readiness.md,
// "AWS and WhatsApp checks"), keyed by the parameter naming their resources.
var checkReadActions = map[string][]string{
	"CheckedTableArns":       {"dynamodb:DescribeTable"},
	"CheckedBucketArns":      {"s3:ListBucket"},
	"CheckedQueueArns":       {"sqs:GetQueueAttributes", "sqs:GetQueueUrl"},
	"CheckedSecretArns":      {"secretsmanager:DescribeSecret"},
	"CheckedPhoneNumberArns": {"social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber"},
	"WhatsAppTokenSecretArn": {"secretsmanager:GetSecretValue"},
	// Only with WhatsAppTokenSecretArn: the key the token's secret is encrypted with.
	"WhatsAppTokenKmsKeyArn": {"kms:Decrypt"},
}

// checkARNs are example values for each parameter.
var checkARNs = map[string]string{
	"CheckedTableArns":       "arn:aws:dynamodb:eu-west-1:123456789012:table/contacts,arn:aws:dynamodb:eu-west-1:123456789012:table/opt-outs",
	"CheckedBucketArns":      "arn:aws:s3:::contact-exports",
	"CheckedQueueArns":       "arn:aws:sqs:eu-west-1:123456789012:inbound.fifo",
	"CheckedSecretArns":      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm/api-key-AbCdEf,arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm/old-key-??????",
	"CheckedPhoneNumberArns": "arn:aws:social-messaging:eu-west-1:123456789012:phone-number-id/0123456789abcdef0123456789abcdef",
	"WhatsAppTokenSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:whatsapp/token-AbCdEf",
	"WhatsAppTokenKmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
}

// checkGrants lists, for every action on a data service (DynamoDB, S3, SQS, Secrets
// Manager, End User Messaging Social) or KMS, the resources any role or managed policy of
// the resolved template allows it on. A KMS grant must be for Secrets Manager's requests
// only (kms:ViaService).
func checkGrants(t *testing.T, tpl map[string]any) map[string][]string {
	t.Helper()
	var docs []any
	for _, m := range resources(tpl, "AWS::IAM::ManagedPolicy") {
		docs = append(docs, props(m)["PolicyDocument"])
	}
	for _, r := range resources(tpl, "AWS::IAM::Role") {
		pols, _ := props(r)["Policies"].([]any)
		for _, pol := range pols {
			docs = append(docs, cfn.AsMap(pol)["PolicyDocument"])
		}
	}
	got := map[string][]string{}
	for _, doc := range docs {
		for _, st := range statements(doc) {
			if st["Effect"] != "Allow" {
				continue
			}
			for _, a := range list(st["Action"]) {
				service, _, _ := strings.Cut(a, ":")
				switch service {
				case "kms":
					via := cfn.Text(cfn.AsMap(cfn.AsMap(st["Condition"])["StringEquals"])["kms:ViaService"])
					if !strings.HasPrefix(via, "secretsmanager.") {
						t.Errorf("%s on %v not limited to Secrets Manager's requests (kms:ViaService %q)", a, st["Resource"], via)
					}
					fallthrough
				case "dynamodb", "s3", "sqs", "secretsmanager", "social-messaging":
					got[a] = append(got[a], list(st["Resource"])...)
				}
			}
		}
	}
	for a := range got {
		slices.Sort(got[a])
	}
	return got
}

// TestRolesGrantCheckReadsOnlyOnNamedResources: with no resource named, no
// role may touch a data service; with some named, the roles grant exactly
// each check's read action on exactly those ARNs (never "*", never
// another action).
func TestRolesGrantCheckReadsOnlyOnNamedResources(t *testing.T) {
	profiles := []struct {
		name  string
		named []string
	}{
		{"none named", nil},
		{"tables only", []string{"CheckedTableArns"}},
		{"the WhatsApp token only", []string{"WhatsAppTokenSecretArn"}},
		{"the WhatsApp token's key without the token", []string{"WhatsAppTokenKmsKeyArn"}},
		{"every kind", []string{"CheckedTableArns", "CheckedBucketArns", "CheckedQueueArns", "CheckedSecretArns", "CheckedPhoneNumberArns", "WhatsAppTokenSecretArn", "WhatsAppTokenKmsKeyArn"}},
	}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			overrides := map[string]string{}
			want := map[string][]string{}
			for _, param := range p.named {
				overrides[param] = checkARNs[param]
				arns := strings.Split(checkARNs[param], ",")
				slices.Sort(arns)
				for _, a := range checkReadActions[param] {
					want[a] = arns
				}
			}
			if overrides["WhatsAppTokenSecretArn"] == "" {
				delete(want, "kms:Decrypt") // a key alone decrypts nothing
			}
			equalJSON(t, "grants to data services", checkGrants(t, parseTemplate(t, overrides)), want)
		})
	}
}

// TestCheckParametersAcceptWhatTheDocsShow: every example ARN matches its
// parameter's AllowedPattern, and a name where an ARN belongs does not.
func TestCheckParametersAcceptWhatTheDocsShow(t *testing.T) {
	params := dig(t, rawTemplate(t), "Parameters")
	for param, arns := range checkARNs {
		pattern := regexp.MustCompile(dig(t, params, param, "AllowedPattern").(string))
		for arn := range strings.SplitSeq(arns, ",") {
			if !pattern.MatchString(arn) {
				t.Errorf("%s rejects %s", param, arn)
			}
		}
		if pattern.MatchString("contacts") {
			t.Errorf("%s accepts a bare name; the role needs ARNs", param)
		}
		if !pattern.MatchString("") {
			t.Errorf("%s rejects empty (its default: grant nothing)", param)
		}
	}
	// The token's secret is the SecretId read and the role's Resource: a
	// partial ARN (no random suffix) or a wildcard would deploy a role that
	// cannot read it.
	token := regexp.MustCompile(dig(t, params, "WhatsAppTokenSecretArn", "AllowedPattern").(string))
	for _, arn := range []string{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:whatsapp/token",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:whatsapp/token-??????"} {
		if token.MatchString(arn) {
			t.Errorf("WhatsAppTokenSecretArn accepts %s", arn)
		}
	}
}
