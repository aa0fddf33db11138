package deploytest

import (
	"strings"
	"testing"
)

// The API Gateway account setting belongs to the region, not the stack: every role an
// AWS::ApiGateway::Account names outlives the stack (DeletionPolicy and
// UpdateReplacePolicy Retain), or deleting the stack silently ends REST logging for
// every API in the region. Its trust policy has no conditions: no AWS document says
// which condition keys API Gateway sends when it assumes the role.
func TestAccountLogRolesAreRetained(t *testing.T) {
	resources := dig(t, rawTemplate(t), "Resources").(map[string]any)
	n := 0
	for name, r := range resources {
		r, _ := r.(map[string]any)
		if r["Type"] != "AWS::ApiGateway::Account" {
			continue
		}
		n++
		role := roleOf(dig(t, r, "Properties", "CloudWatchRoleArn"))
		res, ok := resources[role].(map[string]any)
		if !ok || res["Type"] != "AWS::IAM::Role" {
			t.Errorf("%s: CloudWatchRoleArn names %q, not a role of this template", name, role)
			continue
		}
		for _, policy := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if res[policy] != "Retain" {
				t.Errorf("%s (the account's log role): %s = %v, want Retain", role, policy, res[policy])
			}
		}
		for _, st := range dig(t, res, "Properties", "AssumeRolePolicyDocument", "Statement").([]any) {
			if c, ok := st.(map[string]any)["Condition"]; ok {
				t.Errorf("%s: trust policy has a condition %v", role, c)
			}
		}
	}
	if n == 0 {
		t.Fatal("no AWS::ApiGateway::Account in the template: CreateApiGatewayAccountRole has nothing to create")
	}
}

// roleOf is the logical id in a GetAtt of a role's Arn, in either spelling.
func roleOf(v any) string {
	m, _ := v.(map[string]any)
	switch g := m["Fn::GetAtt"].(type) {
	case []any:
		s, _ := g[0].(string)
		return s
	case string:
		s, _, _ := strings.Cut(g, ".")
		return s
	}
	return ""
}
