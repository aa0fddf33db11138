package checks_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/whatsapp-contact-processor/health/internal/checks"
	"github.com/whatsapp-contact-processor/health/internal/testutil/syncbuf"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func pass(context.Context) error { return nil }
func fail(context.Context) error { return errors.New("boom") }

// hang blocks until its context ends, as a well-behaved check on a dead
// dependency does.
func hang(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func TestWhenChecksFailThenStatusFollowsCriticality(t *testing.T) {
	tests := []struct {
		name   string
		checks []checks.Check
		want   checks.Status
		each   []checks.Status
	}{
		{"no checks", nil, checks.StatusPass, nil},
		{"all pass", []checks.Check{
			{Name: "a", Critical: true, Func: pass}, {Name: "b", Func: pass},
		}, checks.StatusPass, []checks.Status{"pass", "pass"}},
		{"non-critical fails", []checks.Check{
			{Name: "a", Critical: true, Func: pass}, {Name: "b", Func: fail},
		}, checks.StatusWarn, []checks.Status{"pass", "fail"}},
		{"critical fails", []checks.Check{
			{Name: "a", Critical: true, Func: fail}, {Name: "b", Func: pass},
		}, checks.StatusFail, []checks.Status{"fail", "pass"}},
		{"both fail", []checks.Check{
			{Name: "a", Critical: true, Func: fail}, {Name: "b", Func: fail},
		}, checks.StatusFail, []checks.Status{"fail", "fail"}},
		{"panic is a failure", []checks.Check{
			{Name: "a", Critical: true, Func: func(context.Context) error { panic("oops") }},
		}, checks.StatusFail, []checks.Status{"fail"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := checks.New(checks.WithCheck(tc.checks...)).Check(t.Context())
			if res.Status != tc.want {
				t.Errorf("status = %s, want %s", res.Status, tc.want)
			}
			if len(res.Checks) != len(tc.each) {
				t.Fatalf("got %d results, want %d", len(res.Checks), len(tc.each))
			}
			for i, c := range res.Checks {
				if c.Name != tc.checks[i].Name || c.Status != tc.each[i] || (c.Err != nil) != (c.Status == checks.StatusFail) {
					t.Errorf("check %d = %s %s (err %v), want %s %s", i, c.Name, c.Status, c.Err, tc.checks[i].Name, tc.each[i])
				}
				if c.Kind != "component" || c.Time.IsZero() {
					t.Errorf("check %d: kind %q, time %v", i, c.Kind, c.Time)
				}
			}
		})
	}
}

// The timing tests run in a synctest bubble: time is a fake clock that moves
// only when every goroutine of the test waits, so durations are exact and no
// test waits for real time. synctest.Test also fails a test that leaves a
// goroutine of its bubble running.

func TestWhenCheckOutlivesItsTimeoutThenItFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := checks.New(checks.WithBudget(time.Second), checks.WithCheck(
			checks.Check{Name: "slow", Critical: true, Timeout: 50 * time.Millisecond, Func: hang},
			checks.Check{Name: "ignores-ctx-but-returns-nil-late", Timeout: 50 * time.Millisecond, Func: func(context.Context) error {
				time.Sleep(100 * time.Millisecond)
				return nil
			}},
			checks.Check{Name: "fine", Func: pass},
		))
		start := time.Now()
		res := c.Check(t.Context())
		// The check that ignores its context is waited for (up to the
		// budget), and its late nil still counts as a timeout.
		if el := time.Since(start); el != 100*time.Millisecond {
			t.Errorf("answered after %v, want 100ms: when the check that ignores its context returns", el)
		}
		checkOutlived(t, res)
	})
}

// checkOutlived: both slow checks failed for their timeout, the third passed.
func checkOutlived(t *testing.T, res checks.Result) {
	t.Helper()
	if res.Status != checks.StatusFail {
		t.Errorf("status = %s, want fail", res.Status)
	}
	for i, want := range []checks.Status{"fail", "fail", "pass"} {
		if got := res.Checks[i]; got.Status != want {
			t.Errorf("%s = %s, want %s", got.Name, got.Status, want)
		} else if want == "fail" && !strings.Contains(got.Err.Error(), "timed out after 50ms") {
			t.Errorf("%s: err = %v, want a timeout", got.Name, got.Err)
		}
	}
}

func TestWhenEveryCheckHangsThenTheBudgetHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const budget = 200 * time.Millisecond
		var cs []checks.Check
		for _, n := range []string{"a", "b", "c", "d"} {
			cs = append(cs, checks.Check{Name: n, Critical: true, Func: hang})
		}
		c := checks.New(checks.WithBudget(budget), checks.WithCheck(cs...))
		start := time.Now()
		res := c.Check(t.Context())
		if el := time.Since(start); el != budget {
			t.Errorf("answered after %v, want %v", el, budget)
		}
		if res.Status != checks.StatusFail {
			t.Errorf("status = %s, want fail", res.Status)
		}
	})
}

func TestWhenChecksIgnoreTheirContextThenCheckStillReturnsAtTheBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		c := checks.New(checks.WithBudget(100*time.Millisecond), checks.WithCheck(
			checks.Check{Name: "stuck", Critical: true, Func: func(context.Context) error { <-release; return nil }},
		))
		start := time.Now()
		res := c.Check(t.Context())
		if el := time.Since(start); el != 100*time.Millisecond {
			t.Errorf("answered after %v, want 100ms", el)
		}
		if res.Status != checks.StatusFail || !strings.Contains(res.Checks[0].Err.Error(), "budget") {
			t.Errorf("got %s %v, want a failure for the budget", res.Status, res.Checks[0].Err)
		}
		close(release) // the check's goroutine ends once the check returns
		synctest.Wait()
	})
}

// Under Lambda the invocation's deadline can come before the budget (a
// budget set above the function's Timeout): the run stops AnswerMargin before
// it, so the function still answers 503 instead of being timed out.
func TestWhenTheDeadlineIsShorterThanTheBudgetThenItWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := checks.New(checks.WithBudget(5*time.Second), checks.WithCheck(checks.Check{Name: "a", Critical: true, Func: hang}))
		const deadline = 400 * time.Millisecond
		ctx, cancel := context.WithTimeout(t.Context(), deadline)
		defer cancel()
		start := time.Now()
		res := c.Check(ctx)
		if el := time.Since(start); el != deadline-checks.AnswerMargin {
			t.Errorf("answered after %v; want %v, %v before the caller's deadline", el, deadline-checks.AnswerMargin, checks.AnswerMargin)
		}
		if res.Status != checks.StatusFail || !strings.Contains(res.Checks[0].Err.Error(), "invocation's deadline") {
			t.Errorf("got %s %v, want a failure naming the invocation's deadline", res.Status, res.Checks[0].Err)
		}
	})
}

func TestWhenCallsAreConcurrentThenOneRunPerTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		const ttl = 500 * time.Millisecond
		c := checks.New(checks.WithCacheTTL(ttl), checks.WithCheck(checks.Check{Name: "db", Critical: true,
			Func: func(context.Context) error {
				calls.Add(1)
				time.Sleep(20 * time.Millisecond) // the burst piles up meanwhile
				return nil
			}}))
		burst := func() {
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					if res := c.Check(t.Context()); res.Status != checks.StatusPass {
						t.Errorf("status = %s", res.Status)
					}
				})
			}
			wg.Wait()
		}
		burst()
		if n := calls.Load(); n != 1 {
			t.Fatalf("cold burst of 50: %d runs, want 1", n)
		}
		time.Sleep(ttl - time.Nanosecond) // cached for ttl from the run's end: now
		burst()
		if n := calls.Load(); n != 1 {
			t.Fatalf("burst within the TTL: %d runs in all, want still 1", n)
		}
		time.Sleep(time.Nanosecond)
		burst()
		if n := calls.Load(); n != 2 {
			t.Fatalf("burst at the TTL: %d runs in all, want 2", n)
		}
	})
}

func TestWhenTTLIsZeroThenEveryCallRuns(t *testing.T) {
	var calls atomic.Int32
	c := checks.New(checks.WithCacheTTL(0), checks.WithCheck(checks.Check{Name: "a",
		Func: func(context.Context) error { calls.Add(1); return nil }}))
	for range 3 {
		c.Check(t.Context())
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
}

func TestWhenTheCallerGivesUpThenOthersStillGetTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{})
		c := checks.New(checks.WithCheck(checks.Check{Name: "a", Critical: true, Func: func(ctx context.Context) error {
			close(started)
			time.Sleep(100 * time.Millisecond)
			return ctx.Err()
		}}))
		ctx, cancel := context.WithCancel(t.Context())
		first := make(chan checks.Result)
		go func() { first <- c.Check(ctx) }()
		<-started
		cancel()
		if res := <-first; res.Status != checks.StatusFail {
			t.Errorf("the caller that gave up: status = %s, want fail", res.Status)
		}
		if res := c.Check(t.Context()); res.Status != checks.StatusPass {
			t.Errorf("a caller joining the same run: status = %s (%v), want pass", res.Status, res.Checks[0].Err)
		}
	})
}

func TestWhenStatusChangesThenItIsLoggedOnce(t *testing.T) {
	var buf syncbuf.Buffer
	var failing atomic.Bool
	c := checks.New(checks.WithCacheTTL(0),
		checks.WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))),
		checks.WithCheck(checks.Check{Name: "db", Critical: true, Func: func(context.Context) error {
			if failing.Load() {
				return errors.New("connection refused")
			}
			return nil
		}}))
	for _, f := range []bool{false, false, true, true, true, false, false} {
		failing.Store(f)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() { c.Check(t.Context()) })
		}
		wg.Wait()
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3 (first pass, fail, pass again):\n%s", len(lines), buf.String())
	}
	for i, want := range []string{
		`"level":"INFO","msg":"health check state","check":"db","status":"pass","critical":true,"duration_ms":`,
		`"level":"WARN","msg":"health check state","check":"db","status":"fail","critical":true,"duration_ms":`,
		`"level":"INFO","msg":"health check state","check":"db","status":"pass"`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s\nwant it to contain %s", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[1], `"error":"connection refused","previous":"pass"`) {
		t.Errorf("the failure line lacks the reason: %s", lines[1])
	}
}

func TestNewPanicsOnBadChecks(t *testing.T) {
	for name, cs := range map[string][]checks.Check{
		"no name":   {{Func: pass}},
		"duplicate": {{Name: "a", Func: pass}, {Name: "a", Func: pass}},
		"no func":   {{Name: "a"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			checks.New(checks.WithCheck(cs...))
		})
	}
}

func TestWhenACheckWarnsThenTheRunIsDegradedNotFailed(t *testing.T) {
	warn := func(ctx context.Context) error {
		checks.Observe(ctx, checks.Observation{Measurement: "certificateExpiry", Value: 3, Unit: "d"})
		return checks.Warn(errors.New("expires in 3 days"))
	}
	tests := []struct {
		name   string
		checks []checks.Check
		want   checks.Status
	}{
		{"critical warns", []checks.Check{{Name: "a", Critical: true, Func: warn}, {Name: "b", Func: pass}}, checks.StatusWarn},
		{"non-critical warns", []checks.Check{{Name: "a", Func: warn}}, checks.StatusWarn},
		{"warn and critical failure", []checks.Check{{Name: "a", Func: warn}, {Name: "b", Critical: true, Func: fail}}, checks.StatusFail},
		{"warning past the timeout is a failure", []checks.Check{{Name: "a", Critical: true, Timeout: 10 * time.Millisecond,
			Func: func(ctx context.Context) error { <-ctx.Done(); return checks.Warn(ctx.Err()) }}}, checks.StatusFail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := checks.New(checks.WithCheck(tc.checks...)).Check(t.Context())
			if res.Status != tc.want {
				t.Errorf("status = %s, want %s", res.Status, tc.want)
			}
			a := res.Checks[0]
			if tc.want == checks.StatusWarn && (a.Status != checks.StatusWarn || a.Err == nil ||
				len(a.Observations) != 1 || a.Observations[0].Value != 3) {
				t.Errorf("check a = %s %v %v, want warn with its reason and observation", a.Status, a.Err, a.Observations)
			}
		})
	}
	if checks.Warn(nil) != nil || checks.IsWarning(errors.New("x")) || !checks.IsWarning(checks.Warn(errors.New("x"))) {
		t.Error("Warn/IsWarning")
	}
	checks.Observe(t.Context(), checks.Observation{}) // outside a run: ignored, no panic
}
