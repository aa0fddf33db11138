// Package localapi serves a Lambda function over plain HTTP on a developer's
// machine, the way `sam local start-api` does but without Docker: each HTTP
// request becomes an API Gateway REST API proxy event, goes through the very
// same [lambda.Handler.Invoke] path as in AWS, and the Lambda response is
// written back.
package localapi
