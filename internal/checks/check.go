package checks

import (
	"context"
	"time"
)

// Status is a result's status, spelled as the IETF draft "Health Check
// Response Format for HTTP APIs" spells it.
type Status string

const (
	// StatusPass: every check passed (or there are none).
	StatusPass Status = "pass"
	// StatusWarn: only non-critical checks failed; the service still serves.
	StatusWarn Status = "warn"
	// StatusFail: a critical check failed (for a single check: it failed).
	StatusFail Status = "fail"
)

// Check is one named dependency check.
type Check struct {
	// Name identifies the check in answers and logs; unique per Checker.
	Name string
	// Kind is the IETF componentType ("component", "datastore", "system"…);
	// empty means "component".
	Kind string
	// Critical checks make the service unhealthy when they fail; the others
	// only degrade it.
	Critical bool
	// Timeout bounds this check; zero means only the Checker's budget does.
	// A timeout longer than the budget is cut to the budget.
	Timeout time.Duration
	// Func reports the dependency's health: nil is a pass, an error marked
	// by [Warn] a warning, any other error a failure. It must return soon
	// after ctx is done, or its goroutine outlives the run; every network
	// operation it starts must be bound to ctx, or its socket does.
	Func func(ctx context.Context) error
}

// CheckResult is the outcome of one check in one run.
type CheckResult struct {
	Name     string
	Kind     string
	Critical bool
	// Status is StatusPass, StatusWarn (the check returned an error marked
	// by [Warn]) or StatusFail.
	Status Status
	// Err is why the check failed or warned; nil when it passed. It may hold
	// internal detail (addresses, messages): log it, do not show it to the
	// public.
	Err error
	// Observations are what the check reported through [Observe].
	Observations []Observation
	// Duration is how long the check ran (up to the moment it was given up).
	Duration time.Duration
	// Time is when the check started.
	Time time.Time
}

// Result is the outcome of one run of every check.
type Result struct {
	// Status is StatusFail if a critical check failed, else StatusWarn if a
	// non-critical check failed or any check warned, else StatusPass.
	Status Status
	// Checks holds one result per check, in the order the checks were given.
	Checks []CheckResult
	// Time is when the run started; a cached result keeps its original time.
	Time time.Time
}
