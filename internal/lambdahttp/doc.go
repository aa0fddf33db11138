// Package lambdahttp runs any [net/http.Handler] as an AWS Lambda function,
// whichever AWS service fronts it.
//
// A [Handler] receives the raw invocation payload, decodes it once, tells
// from its shape which front sent it — API Gateway REST API (payload 1.0),
// HTTP API or Function URL (payload 2.0), or an Application Load Balancer —
// and hands it to the matching aws-lambda-go-api-proxy adapter
// (httpadapter.New, NewV2, NewALB). One binary therefore serves every front.
//
// The adapters have traps this package covers, so handlers need not:
//
//   - a payload of no known shape is an "unsupported event" error, never a 200;
//   - a bad request inside a known shape (bad base64 body, bad % escape,
//     invalid method) is a 400 in the front's own response format;
//   - an HTTP API named stage in rawPath (/Prod/health) and a configured
//     custom-domain base path are stripped by whole path segments;
//   - HEAD answers carry no body; a handler that writes nothing answers 200;
//     a body without Content-Type is labelled, JSON as application/json;
//   - a handler panic becomes a 500 JSON answer and a logged stack, and the
//     process keeps serving;
//   - an ALB answer uses the header form its request came in (headers or
//     multiValueHeaders), since ALB ignores the other one.
package lambdahttp
