// Package httpapi is the HTTP surface of the WhatsApp Contact Processor API's
// health service: a plain [net/http.Handler] that knows nothing about Lambda,
// so the same value serves tests, local mode and every AWS front.
//
// The contract that clients already rely on is fixed:
//
//	GET /health -> 200, Content-Type: application/json,
//	{"status":"healthy","message":"WhatsApp Contact Processor API is running"}
package httpapi
