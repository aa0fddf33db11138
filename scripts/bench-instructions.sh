#!/usr/bin/env bash
# Instructions per invocation, ours vs the floor, for every front, counted by
# valgrind's callgrind: unlike times, counts repeat within a fraction of a
# percent on a shared, noisy machine.
#
#   scripts/bench-instructions.sh [N]     (default N=10000)
#   FRONTS="alb lattice" scripts/bench-instructions.sh   (some fronts only)
#
# Each figure is (Ir at N - Ir at 0) / N, so process start-up cancels out.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
if ! command -v valgrind >/dev/null; then
  echo "valgrind not found: install it (Debian: apt-get install -y valgrind)" >&2
  exit 1
fi

bin=$(mktemp -d)/invokeloop
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -o "$bin" ./internal/perf/cmd/invokeloop

# Go's async preemption signals and a second P make callgrind's count vary;
# valgrind 3.19 cannot decode RDTSCP, which the runtime's lock timing uses.
# (Set for the measured programs only: the go command warns about cpu.rdtscp.)
run_env=(env GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=1)

count() { # impl front n -> total instructions
  "${run_env[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" -impl "$1" -front "$2" -n "$3" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-8s %14s %14s %8s\n' front floor ours ratio
for front in ${FRONTS:-rest httpapi url alb lattice}; do
  f0=$(count floor "$front" 0); fN=$(count floor "$front" "$N")
  o0=$(count ours "$front" 0);  oN=$(count ours "$front" "$N")
  awk -v f0="$f0" -v fN="$fN" -v o0="$o0" -v oN="$oN" -v n="$N" -v front="$front" 'BEGIN {
    f = (fN - f0) / n; o = (oN - o0) / n
    printf "%-8s %14.0f %14.0f %7.3fx\n", front, f, o, o / f
  }'
done
echo "(instructions per invocation, N=$N, GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off)"

# Init: each Lambda bootstrap run once outside Lambda, from exec to exit when
# it finds no Runtime API (ours: the error naming local mode; the floor:
# lambda.Start's log.Fatalf). Both do all their package and main-time setup.
dir=$(dirname "$bin")
CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags "-s -w" -o "$dir/ours" ./functions/health
CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags "-s -w" -o "$dir/floor" ./internal/perf/cmd/floor
initcount() {
  # Both exit 1 by design; only the count matters.
  { env -u AWS_LAMBDA_RUNTIME_API "${run_env[@]:1}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 2>&1 || true; } \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
fi=$(initcount "$dir/floor"); oi=$(initcount "$dir/ours")
awk -v f="$fi" -v o="$oi" 'BEGIN { printf "%-8s %14.0f %14.0f %7.3fx\n", "init", f, o, o / f }'
echo "(instructions from exec to exit without a Runtime API: init, once)"
