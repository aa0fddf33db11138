// Package funcmain is what every function's main does besides building its
// http.Handler: read flags, build the logger, wrap the handler in the
// adapter with what every function shares (BASE_PATH, the security headers
// on every answer), then either serve it on the Lambda Runtime API
// (whichever front invokes it) or, outside Lambda, serve it over HTTP as API
// Gateway would. It knows no function's own settings: each reads its own
// environment through the getenv it is handed, as the health function reads
// internal/config's HEALTH_* variables.
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
