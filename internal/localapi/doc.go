// Package localapi serves a template's Lambda functions over plain HTTP on a
// developer's machine as `sam local start-api` does, without Docker:
// [RunProcesses] reads the SAM template (through [samlocal]), mounts exactly
// the functions' Api events, runs each function's bootstrap as its own
// process on a Lambda Runtime API served here ([Run] builds them in
// process instead), and answers every other method and path with API
// Gateway's 403 {"message":"Missing Authentication Token"} without an
// invocation.
//
// Each routed request becomes the REST API (payload 1.0) event SAM CLI's
// start-api builds (samcli/local/apigw, samcli/local/events/api_event.py):
// the template's stage, body null when empty, isBase64Encoded, the
// X-Forwarded-Proto/-Port headers, SAM CLI's fixed requestContext ids, the
// template path as resource, path parameters, the query split as Flask
// splits it. It goes through the very same [lambda.Handler.Invoke] path as
// in AWS, under the template's Timeout, and the answer is checked as SAM CLI
// checks a proxy response. Where SAM CLI and API Gateway differ (a function
// error: SAM CLI 500, API Gateway 502), local mode answers as API Gateway
// does; docs/local.md lists every difference.
//
// The Lambda build (-tags lambda.norpc) must not import this package.
package localapi
