// Package deploytest holds tests of the deployment files at the repository root, and
// no code: template.yaml (parsed with internal/cfnyaml and checked against the contract in
// README "Deploy"; linted with cfn-lint and transformed with aws-sam-translator when
// they are installed), samconfig.toml, the Makefile, and every event in events/, each
// sent through the real bootstrap under the Lambda Runtime Interface Emulator with
// `make invoke-rie`.
package deploytest
