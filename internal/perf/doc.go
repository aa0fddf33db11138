// Package perf measures what one invocation of the health function costs
// against a floor: a hand-written handler for the same event, decoded by
// lambda.NewHandler with encoding/json, with no net/http in the path.
//
// The ratio ours/floor, measured in one run, is the figure that matters:
// this machine is shared and noisy, so absolute times are not compared
// across runs. `make bench` prints time, bytes and allocations per
// invocation; `make bench-instructions` counts instructions under callgrind,
// which repeat to within a fraction of a percent; `make coldstart` measures
// init duration, time to first response, RSS and binary size.
package perf
