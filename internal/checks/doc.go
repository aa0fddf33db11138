// Package checks runs the health service's dependency checks: named
// functions, each critical or not, run concurrently under their own timeout
// and a total budget, with the result cached for a TTL and shared by
// concurrent callers (single-flight).
//
// It knows nothing about HTTP serving. Checks run synchronously inside the
// caller's request: there are no background goroutines, because Lambda
// freezes an execution environment between invocations and a periodic checker
// would report stale results. Probes for real dependencies (HTTP GET, TCP
// connect) and the HEALTH_CHECKS grammar live in package probe.
package checks
