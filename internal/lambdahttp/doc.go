// Package lambdahttp runs any [net/http.Handler] as an AWS Lambda function,
// whichever AWS service fronts it.
//
// A [Handler] (handler.go) receives the raw invocation payload, parses it
// once and tells from its shape which front sent it (event.go) — API Gateway
// REST API (payload 1.0, rest.go), HTTP API or Function URL (payload 2.0,
// v2.go), an Application Load Balancer (alb.go), or Amazon VPC Lattice
// (event structure V1 or V2, lattice.go). The front's file builds, from what
// request.go reads out of the event, the request of the matching
// aws-lambda-go-api-proxy adapter (httpadapter.New, NewV2, NewALB), which
// builds the *http.Request; lattice.go builds it the same way itself, the
// adapter having no Lattice types. One binary therefore serves every front. The
// application's answer is captured once (response.go) and written in the
// front's shape. Files depend on each other in that order only: handler.go
// on the fronts, the fronts on request.go, request.go on event.go.
//
// The adapters have traps this package covers, so handlers need not:
//
//   - a payload of no known shape is an [UnsupportedEventError], never a
//     200; so are API Gateway Lambda authorizer and WebSocket events, and an
//     event whose method, path or requestContext is missing or not of its
//     type. Any other field of the wrong type is ignored, the same way in
//     either header form;
//   - a request no front could have sent (bad base64 body, control byte or
//     bad % escape in the path, invalid method) is a 400 in the front's own
//     format, checked with the parsers the adapter uses (net/url, net/http,
//     encoding/base64), so the adapter never fails and never prints to
//     stdout. A host that is no valid authority only names the URL: it gets
//     a placeholder and the answer is the same. The query is passed raw;
//     a stray % in it is the application's business;
//   - memory stays bounded for any payload up to Lambda's 6 MB: one of over
//     65,536 JSON values is an [UnsupportedEventError] before it is parsed
//     (the parser costs about 400 bytes a value), and a request whose path,
//     query, headers and cookies exceed 1 MiB, which no front sends, is a
//     400;
//   - the query is rebuilt in one pass (the adapter's is quadratic), from
//     either query map; an event with both header maps keeps the headers
//     only in "headers";
//   - an HTTP API named stage in rawPath (/Prod/health) and a configured
//     custom-domain base path are stripped by whole path segments;
//   - HEAD answers carry no body; a handler that writes nothing answers 200;
//     a body without Content-Type is labelled, JSON as application/json;
//   - a handler panic becomes a 500 JSON answer and a logged stack, and the
//     process keeps serving; the answers the package writes itself carry
//     the headers given [WithHeaders];
//   - an ALB answer uses the header form its request came in (headers or
//     multiValueHeaders), since ALB ignores the other one; a VPC Lattice
//     answer always carries headers and isBase64Encoded, which Lattice
//     requires.
//
// [CallerFromContext] gives the handler the IAM principal the front
// authenticated (API Gateway, Function URL, or VPC Lattice with an auth
// policy), read only from the requestContext AWS fills in, and only when it
// belongs to the function's own account.
package lambdahttp
