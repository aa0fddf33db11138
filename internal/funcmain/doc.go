// Package funcmain is what every function's main does besides naming its
// http.Handler: read flags, build the logger and the configuration, then
// either serve the handler on the Lambda Runtime API (whichever front invokes
// it) or, outside Lambda, serve it over HTTP as API Gateway would.
//
// A function in functions/<name> is then a few lines:
//
//	func main() { funcmain.Main("health", newHandler) }
//
// The Lambda build (-tags lambda.norpc, as the Makefile and SAM build it)
// leaves local mode out: Lambda never runs it, and net/http's server and the
// template reader are the largest part of what the function would otherwise
// carry. `make run` builds it in.
package funcmain
