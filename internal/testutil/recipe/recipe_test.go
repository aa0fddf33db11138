package recipe

import (
	"errors"
	"strings"
	"testing"
)

const readme = "# x\n\n## Adding a function\n\ntext\n\n```go\n// functions/audit/main.go\npackage main\n```\n\n" +
	"```yaml\n# template.yaml, under Resources:\n  AuditFunction:\n    Type: AWS::Serverless::Function\n  AuditLogGroup:\n    Type: AWS::Logs::LogGroup\n```\n\n## Next\n"

const template = "Transform: x\nResources:\n  HealthFunction:\n    Type: AWS::Serverless::Function\n"

func TestParse(t *testing.T) {
	r, err := Parse(readme)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "audit" || !strings.HasPrefix(r.Go, "// functions/audit/main.go\n") || !strings.HasPrefix(r.YAML, "  AuditFunction:\n") {
		t.Errorf("Parse = %+v", r)
	}
	for _, bad := range []string{"no section", strings.Replace(readme, "```go", "```text", 1), strings.Replace(readme, "# template.yaml", "# somewhere", 1)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%.40q…): no error", bad)
		}
	}
}

func TestAddTo(t *testing.T) {
	r, err := Parse(readme)
	if err != nil {
		t.Fatal(err)
	}
	added, err := r.AddTo(template)
	if err != nil || strings.Count(added, "  AuditFunction:\n") != 1 || !strings.Contains(added, "  HealthFunction:") {
		t.Fatalf("AddTo = %q, %v", added, err)
	}
	// A template that followed the recipe keeps one copy.
	again, err := r.AddTo(added)
	if err != nil || again != added {
		t.Errorf("AddTo on a template that has the block = %q, %v; want it unchanged", again, err)
	}
	// One that changed the block cannot take it beside its own.
	changed := strings.Replace(added, "    Type: AWS::Serverless::Function\n  AuditLogGroup", "    Type: AWS::Serverless::Function\n    Properties: {}\n  AuditLogGroup", 1)
	if _, err := r.AddTo(changed); !errors.Is(err, ErrDefined) || !strings.Contains(err.Error(), "AuditFunction") {
		t.Errorf("AddTo on a changed block: %v, want ErrDefined naming AuditFunction", err)
	}
	if _, err := r.AddTo("Resources: {}\n"); err == nil {
		t.Error("AddTo on a template without a Resources: line: no error")
	}
}
