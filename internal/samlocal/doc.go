// Package samlocal reads what local mode needs from a SAM template: one
// function's Api routes with their REST API's stage, its Timeout, and its
// environment as `sam local start-api` would give it (parameters,
// --parameter-overrides, an --env-vars file, Globals).
//
// It follows SAM CLI's own local providers (samcli/lib/providers,
// samcli/lib/intrinsic_resolver, samcli/local/lambdafn/env_vars.py), not a
// full CloudFormation model: intrinsic functions are evaluated where a
// value can be known without a deployed stack, with the pseudo parameters
// `sam local` uses, and left unresolved ("" in an environment variable, as
// SAM CLI does) where it cannot. Templates are read with [cfnyaml].
//
// The Lambda build leaves this package out: only local mode imports it.
package samlocal
