package checks

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults, visible here and in the Option docs.
const (
	// DefaultBudget bounds a whole run: well under Route 53's 2 s limit for
	// the answer, leaving room for the front and the encoding.
	DefaultBudget = 1500 * time.Millisecond
	// DefaultCacheTTL is how long a run's result is reused. Route 53 sends
	// about one request every 2 s at its 30 s interval: a 10 s TTL cuts the
	// load on each dependency to about one request per TTL per warm
	// execution environment.
	DefaultCacheTTL = 10 * time.Second

	// AnswerMargin is kept free before a caller's deadline (the Lambda
	// invocation's) for answering once the checks are cut short.
	AnswerMargin = 100 * time.Millisecond
)

// Checker runs its checks on demand. It is safe for concurrent use; all its
// methods may be called from many goroutines.
type Checker struct {
	checks []Check
	budget time.Duration
	ttl    time.Duration
	logger *slog.Logger

	group singleflight.Group

	observe Observer

	mu      sync.Mutex
	cached  Result
	expires time.Time         // zero: nothing cached
	last    map[string]Status // last logged status per check
}

// Option configures a Checker.
type Option func(*Checker)

// WithCheck adds checks, run in the order given. Names must be unique and
// non-empty and Func non-nil: New panics otherwise (a programming error;
// configuration from the environment is validated by package probe).
func WithCheck(checks ...Check) Option {
	return func(c *Checker) { c.checks = append(c.checks, checks...) }
}

// WithBudget bounds a whole run (default [DefaultBudget]). A check still
// running when the budget is spent counts as failed. Zero or negative keeps
// the default.
func WithBudget(d time.Duration) Option {
	return func(c *Checker) {
		if d > 0 {
			c.budget = d
		}
	}
}

// WithCacheTTL sets how long a result is reused (default [DefaultCacheTTL]),
// counted from the end of the run. Zero disables the cache: every call that
// does not join a run in flight starts one. Negative keeps the default.
func WithCacheTTL(d time.Duration) Option {
	return func(c *Checker) {
		if d >= 0 {
			c.ttl = d
		}
	}
}

// WithLogger sets where state changes are logged (default: nowhere). A
// check's outcome and latency are logged when its status changes, the first
// result included, not on every run.
func WithLogger(l *slog.Logger) Option {
	return func(c *Checker) {
		if l != nil {
			c.logger = l
		}
	}
}

// Observer is told about every result a Checker with checks gives: once per run, with
// cached false, and once per call answered from the cache, with cached true.
// (Callers that join a run in flight are not reported again.) It runs before
// the callers get the result: keep it quick.
type Observer func(r Result, cached bool)

// WithObserver sets the Observer (default: none), e.g. a metrics emitter.
func WithObserver(o Observer) Option { return func(c *Checker) { c.observe = o } }

// New returns a Checker with the defaults above, changed by opts in order.
func New(opts ...Option) *Checker {
	c := &Checker{
		budget: DefaultBudget,
		ttl:    DefaultCacheTTL,
		logger: slog.New(slog.DiscardHandler),
		last:   map[string]Status{},
	}
	for _, o := range opts {
		o(c)
	}
	seen := map[string]bool{}
	for _, chk := range c.checks {
		switch {
		case chk.Name == "":
			panic("checks: a check has no name")
		case seen[chk.Name]:
			panic(fmt.Sprintf("checks: two checks are named %q", chk.Name))
		case chk.Func == nil:
			panic(fmt.Sprintf("checks: check %q has no Func", chk.Name))
		}
		seen[chk.Name] = true
	}
	return c
}

// Len reports how many checks c runs.
func (c *Checker) Len() int { return len(c.checks) }

// Check returns the result of the last run if it is younger than the cache
// TTL; otherwise it runs every check concurrently, or joins the run already in
// flight, so a burst of concurrent calls costs each dependency one request.
//
// Check blocks for at most the budget (or until ctx is done, whichever comes
// first). The run inherits ctx's values and deadline but not its
// cancellation: one caller giving up does not spoil the result the others
// wait for. If ctx is done first, Check returns a failed Result at once.
func (c *Checker) Check(ctx context.Context) Result {
	if len(c.checks) == 0 {
		// Nothing ran, so nothing is reported: an Observer emitting metrics
		// would otherwise log a constant "ready" line on every request.
		return Result{Status: StatusPass, Time: time.Now()}
	}
	if r, ok := c.fromCache(); ok {
		c.notify(r, true)
		return r
	}
	ch := c.group.DoChan("", func() (any, error) {
		// A run may have finished between fromCache and DoChan.
		if r, ok := c.fromCache(); ok {
			c.notify(r, true)
			return r, nil
		}
		r := c.run(ctx)
		c.record(r)
		c.notify(r, false)
		return r, nil
	})
	select {
	case res := <-ch:
		r := res.Val.(Result)
		r.Checks = slices.Clone(r.Checks)
		return r
	case <-ctx.Done():
		return c.abandoned(ctx)
	}
}

func (c *Checker) notify(r Result, cached bool) {
	if c.observe != nil {
		c.observe(r, cached)
	}
}

func (c *Checker) fromCache() (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expires.IsZero() || !time.Now().Before(c.expires) {
		return Result{}, false
	}
	r := c.cached
	r.Checks = slices.Clone(r.Checks)
	return r, true
}

// abandoned is the answer for a caller whose own context ended first.
func (c *Checker) abandoned(ctx context.Context) Result {
	now := time.Now()
	r := Result{Status: StatusFail, Time: now, Checks: make([]CheckResult, len(c.checks))}
	for i, chk := range c.checks {
		r.Checks[i] = c.failed(chk, now, fmt.Errorf("not checked: %w", context.Cause(ctx)))
	}
	return r
}

func (c *Checker) failed(chk Check, start time.Time, err error) CheckResult {
	return CheckResult{
		Name: chk.Name, Kind: kind(chk), Critical: chk.Critical,
		Status: StatusFail, Err: err, Duration: time.Since(start), Time: start,
	}
}

// run executes every check once, concurrently, and returns when all are done
// or the budget is spent, whichever comes first.
func (c *Checker) run(parent context.Context) Result {
	start := time.Now()
	deadline := start.Add(c.budget)
	spent := fmt.Sprintf("total budget %v", c.budget)
	// Under Lambda the invocation's deadline may come first (a budget set
	// above the function's Timeout): stop early enough to still answer 503,
	// rather than let Lambda time the invocation out.
	if d, ok := parent.Deadline(); ok {
		if d = d.Add(-AnswerMargin); d.Before(deadline) {
			deadline, spent = d, "the invocation's deadline"
		}
	}
	ctx, cancel := context.WithDeadline(context.WithoutCancel(parent), deadline)
	defer cancel()

	type indexed struct {
		i int
		r CheckResult
	}
	// Buffered: a check finishing after the budget never blocks, so its
	// goroutine ends as soon as its Func returns.
	done := make(chan indexed, len(c.checks))
	for i, chk := range c.checks {
		go func() { done <- indexed{i, c.runOne(ctx, chk)} }()
	}

	results := make([]CheckResult, len(c.checks))
	got := make([]bool, len(c.checks))
collect:
	for range c.checks {
		select {
		case d := <-done:
			results[d.i], got[d.i] = d.r, true
		case <-ctx.Done():
			for i, chk := range c.checks {
				if !got[i] {
					results[i] = c.failed(chk, start, fmt.Errorf("timed out: %s reached", spent))
				}
			}
			break collect
		}
	}
	return Result{Status: aggregate(results), Checks: results, Time: start}
}

func (c *Checker) runOne(ctx context.Context, chk Check) (res CheckResult) {
	start := time.Now()
	if chk.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, chk.Timeout)
		defer cancel()
	}
	obs := &observations{}
	err := call(context.WithValue(ctx, observerKey{}, obs), chk.Func)
	// A dial or read bound by the deadline may return its own timeout a
	// moment before ctx reports it: past the deadline is a timeout too.
	cerr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && cerr == nil && !time.Now().Before(d) {
		cerr = context.DeadlineExceeded
	}
	if cerr != nil {
		// Outlived its timeout (or the budget): a failure, whatever it said.
		limit := chk.Timeout
		if limit <= 0 || limit > c.budget {
			limit = c.budget
		}
		if err == nil {
			err = cerr
		}
		err = fmt.Errorf("timed out after %v: %w", limit, err)
	}
	r := CheckResult{
		Name: chk.Name, Kind: kind(chk), Critical: chk.Critical,
		Status: StatusPass, Err: err, Duration: time.Since(start), Time: start,
		Observations: obs.close(),
	}
	switch {
	case err == nil:
	case IsWarning(err) && cerr == nil:
		r.Status = StatusWarn
	default:
		r.Status = StatusFail
	}
	return r
}

// call runs fn, turning a panic into an error: one broken check must not take
// the process down.
func call(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("check panicked: %v", p)
		}
	}()
	return fn(ctx)
}

func kind(chk Check) string {
	if chk.Kind == "" {
		return "component"
	}
	return chk.Kind
}

func aggregate(results []CheckResult) Status {
	s := StatusPass
	for _, r := range results {
		switch {
		case r.Status == StatusFail && r.Critical:
			return StatusFail
		case r.Status != StatusPass:
			s = StatusWarn
		}
	}
	return s
}

// record caches r and logs the checks whose status changed.
func (c *Checker) record(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl > 0 {
		c.cached, c.expires = r, time.Now().Add(c.ttl)
	}
	for _, cr := range r.Checks {
		prev, seen := c.last[cr.Name]
		if seen && prev == cr.Status {
			continue
		}
		c.last[cr.Name] = cr.Status
		attrs := []slog.Attr{
			slog.String("check", cr.Name),
			slog.String("status", string(cr.Status)),
			slog.Bool("critical", cr.Critical),
			slog.Float64("duration_ms", Millis(cr.Duration)),
		}
		level := slog.LevelInfo
		if cr.Err != nil {
			level = slog.LevelWarn
			attrs = append(attrs, slog.String("error", cr.Err.Error()))
		}
		if seen {
			attrs = append(attrs, slog.String("previous", string(prev)))
		}
		c.logger.LogAttrs(context.Background(), level, "health check state", attrs...)
	}
}

// Millis is d in milliseconds, to the microsecond: the unit of logs and of
// the IETF observedValue.
func Millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
