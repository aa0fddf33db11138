// Package memlimit sets the Go runtime's soft memory limit from the memory
// Lambda gives the function, so the garbage collector works harder before
// the process nears it rather than after.
package memlimit

import (
	"runtime/debug"
	"strconv"
)

// memorySizeEnv is the function's MemorySize in MB (MiB, as Lambda counts),
// set by Lambda and by the runtime interface emulator.
const memorySizeEnv = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"

// Fraction of the memory size given to the Go runtime: the rest is the
// binary's own pages, the runtime client's buffers outside the heap and a
// margin, since the limit is soft.
const numerator, denominator = 3, 4

// Limit is the soft memory limit for the function's environment: three
// quarters of AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in bytes; 0 when the
// variable is unset or no positive number, or when GOMEMLIMIT is set (an
// explicit setting wins).
func Limit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	mb, err := strconv.ParseInt(getenv(memorySizeEnv), 10, 64)
	if err != nil || mb <= 0 || mb > 1<<20 {
		return 0
	}
	return mb << 20 * numerator / denominator
}

// Set applies Limit, if any, and returns it.
func Set(getenv func(string) string) int64 {
	limit := Limit(getenv)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit
}
