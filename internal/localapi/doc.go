// Package localapi serves a template's Lambda functions over plain HTTP on a
// developer's machine as `sam local start-api` does, without Docker:
// [RunProcesses] mounts exactly the functions' Api events (read with
// [samlocal]) and runs each function's bootstrap as its own process on a
// Lambda Runtime API served here ([Run] builds them in process instead).
//
// Each routed request becomes the REST API (payload 1.0) event SAM CLI's
// start-api builds (samcli/local/events/api_event.py) and goes through the
// very same [lambda.Handler.Invoke] path as in AWS, under the template's
// Timeout. Where SAM CLI and API Gateway differ (a function error: SAM CLI
// 500, API Gateway 502), local mode answers as API Gateway does;
// docs/local.md lists every difference.
//
// The Lambda build (-tags lambda.norpc) must not import this package.
package localapi
