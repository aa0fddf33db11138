// Package samlocal reads what local mode needs from a SAM template: one
// function's Api routes with their REST API's stage, its Timeout, and its
// environment as `sam local start-api` would give it (parameters,
// --parameter-overrides, an --env-vars file, Globals).
//
// It follows SAM CLI's own local providers (samcli/lib/providers,
// samcli/local/lambdafn/env_vars.py), not a full CloudFormation model;
// intrinsic functions are evaluated with [cfn].
//
// The Lambda build leaves this package out: only local mode imports it.
package samlocal
