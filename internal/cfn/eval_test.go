package cfn_test

import (
	"encoding/json"
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/cfn"
	"github.com/whatsapp-contact-processor/health/internal/cfnyaml"
)

const tmpl = `
Parameters:
  On: {Type: String, Default: "false"}
  Subnets: {Type: CommaDelimitedList, Default: ""}
Conditions:
  IsOn: !Equals [!Ref On, "true"]
Globals:
  Function:
    Tracing: Active
    LoggingConfig: {LogFormat: JSON}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      LoggingConfig: {LogGroup: !Ref Logs}
      Role: !GetAtt Role.Arn
      Name: !Sub "${AWS::StackName}-${Logs}-${AWS::Region}"
      Vpc: !If [IsOn, !Ref Subnets, !Ref AWS::NoValue]
  Logs: {Type: AWS::Logs::LogGroup}
  Maybe: {Type: AWS::SNS::Topic, Condition: IsOn}
Outputs:
  Only: {Condition: IsOn, Value: !Ref Maybe}
`

// Template merges Globals, drops what its condition leaves out, and renders
// references to resources as Refs says; sam local's table fills pseudo parameters.
func TestTemplate(t *testing.T) {
	doc, err := cfnyaml.Decode([]byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	symbolic := func(id, attr string) (any, error) {
		if attr == "" {
			return "{" + id + "}", nil
		}
		return "{" + id + "." + attr + "}", nil
	}
	tests := []struct {
		name      string
		overrides map[string]string
		refs      func(string, string) (any, error)
		want      string
	}{
		{"defaults, sam local's references", nil, nil,
			`{"Outputs":{},"Resources":{"Fn":{"Properties":{"LoggingConfig":{"LogFormat":"JSON","LogGroup":"Logs"},"Name":"local-Logs-us-east-1","Role":"arn:aws:lambda:us-east-1:123456789012:function:Role","Tracing":"Active"},"Type":"AWS::Serverless::Function"},"Logs":{"Type":"AWS::Logs::LogGroup"}}}`},
		{"overrides, symbolic references", map[string]string{"On": "true", "Subnets": "a, b", "AWS::Region": "eu-west-1"}, symbolic,
			`{"Outputs":{"Only":{"Condition":"IsOn","Value":"{Maybe}"}},"Resources":{"Fn":{"Properties":{"LoggingConfig":{"LogFormat":"JSON","LogGroup":"{Logs}"},"Name":"local-{Logs}-eu-west-1","Role":"{Role.Arn}","Tracing":"Active","Vpc":["a","b"]},"Type":"AWS::Serverless::Function"},"Logs":{"Type":"AWS::Logs::LogGroup"},"Maybe":{"Condition":"IsOn","Type":"AWS::SNS::Topic"}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := cfn.New(doc, tc.overrides)
			e.Refs = tc.refs
			got, err := e.Template()
			if err != nil {
				t.Fatal(err)
			}
			delete(got, "Parameters")
			delete(got, "Conditions")
			js, _ := json.Marshal(got)
			if string(js) != tc.want {
				t.Errorf("got  %s\nwant %s", js, tc.want)
			}
		})
	}
}
