package checks

import (
	"context"
	"errors"
	"sync"
)

// Observation is a value a check measured besides its latency, such as a
// certificate's days to expiry. It becomes an IETF "checks" entry keyed
// "<check>:<Measurement>".
type Observation struct {
	Measurement string  // e.g. "certificateExpiry"
	Value       float64 // e.g. 41
	Unit        string  // e.g. "d"
}

type observerKey struct{}

// observations collects what one check run reports; once the run's result
// is built, later reports (from a check outliving its timeout) are dropped.
type observations struct {
	mu     sync.Mutex
	closed bool
	list   []Observation
}

// Observe records a measurement for the check whose ctx this is. Outside a
// check run it does nothing, so probes stay usable on their own.
func Observe(ctx context.Context, o Observation) {
	obs, _ := ctx.Value(observerKey{}).(*observations)
	if obs == nil {
		return
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !obs.closed {
		obs.list = append(obs.list, o)
	}
}

func (o *observations) close() []Observation {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	return o.list
}

// warning marks an error as a warning: the dependency serves, but something
// needs attention soon (a certificate close to expiry).
type warning struct{ err error }

func (w warning) Error() string { return w.err.Error() }
func (w warning) Unwrap() error { return w.err }

// Warn wraps err so that the check reports StatusWarn instead of StatusFail:
// the service stays ready (200) and the run is at worst degraded, whether the
// check is critical or not. Warn(nil) is nil.
func Warn(err error) error {
	if err == nil {
		return nil
	}
	return warning{err}
}

// IsWarning reports whether err was marked by [Warn].
func IsWarning(err error) bool {
	var w warning
	return errors.As(err, &w)
}
