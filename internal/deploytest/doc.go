// Package deploytest holds tests of the deployment files at the repository root, and
// no code: template.yaml (evaluated with internal/cfn, the evaluator local mode uses,
// for parameter profiles, and checked for properties over every resource of a type:
// every function logged, traced, alarmed and on the dashboard, least-privilege roles,
// stage isolation; linted with cfn-lint, transformed with aws-sam-translator and
// checked against Control Tower's controls with cfn-guard when they are installed),
// samconfig.toml, the Makefile, and every event in events/, each sent through the real
// bootstrap under the Lambda Runtime Interface Emulator with `make invoke-rie`.
package deploytest
