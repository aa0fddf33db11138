#!/usr/bin/env bash
# invoke-rie.sh EVENT.json [FUNCTION]
#
# Sends one event through the real bootstrap of functions/FUNCTION (default health) under
# the AWS Lambda Runtime Interface Emulator (a Go tool dependency, see go.mod), with no
# Docker and no sam CLI:
#
#   1. builds the bootstrap for this machine (CGO_ENABLED=0, -tags lambda.norpc), the
#      emulator and local mode's template reader (cmd/localapi) into bin/rie/;
#      the function gets the environment `make run` gives it (template.yaml's variables,
#      Timeout and MemorySize, as `sam local invoke` gives them);
#   2. picks two free loopback ports (the emulator's invoke API and its Runtime API);
#   3. starts the emulator with the bootstrap, waits until it accepts connections;
#   4. POSTs the event to /2015-03-31/functions/function/invocations;
#   5. prints the function's response (one JSON document) on stdout, stops the emulator.
#
# Exit status is 0 when the emulator answered 200 (the function ran, whatever HTTP status
# it returned inside its response). The emulator's and the function's logs go to stderr
# when the invocation fails, or always with VERBOSE=1.
#
# Needs: go, curl. Used by `make invoke-rie EVENT=...` and internal/deploytest.
set -euo pipefail

event=${1:-}
function=${2:-health}
if [[ -z $event ]]; then
	echo "usage: $0 EVENT.json [FUNCTION]   (e.g. events/rest-get.json health)" >&2
	exit 2
fi
if [[ ! -r $event ]]; then
	echo "invoke-rie: cannot read event file $event" >&2
	exit 2
fi
if ! command -v curl >/dev/null 2>&1; then
	echo "invoke-rie: curl not found (Debian: apt-get install curl)" >&2
	exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -d $root/functions/$function ]]; then
	echo "invoke-rie: FUNCTION=$function: no functions/$function; functions: $(ls "$root/functions" | tr '\n' ' ')" >&2
	exit 2
fi
GO=${GO:-go}
bindir=${RIE_BIN_DIR:-$root/bin/rie}
mkdir -p "$bindir"

# Build for the host, not for Lambda: the emulator runs the binary here.
(cd "$root" &&
	CGO_ENABLED=0 $GO build -tags lambda.norpc -o "$bindir/bootstrap" "./functions/$function" &&
	CGO_ENABLED=0 $GO build -tags lambda.norpc -o "$bindir/localapi" ./cmd/localapi &&
	$GO build -o "$bindir/aws-lambda-rie" github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie)

# The function's environment as the template gives it (its Timeout included), and nothing else.
fenv=()
while IFS= read -r line; do fenv+=("$line"); done < <(cd "$root" && "$bindir/localapi" -print-env -function "$function")
if [[ ${#fenv[@]} == 0 ]]; then
	echo "invoke-rie: no environment for $function from template.yaml" >&2
	exit 1
fi

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: a random port in 20000-59999 that nobody listens on.
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if port_free "$p"; then
			echo "$p"
			return 0
		fi
	done
	echo "invoke-rie: found no free port" >&2
	return 1
}

log=$(mktemp "${TMPDIR:-/tmp}/invoke-rie.XXXXXX")
rie_pid=
cleanup() {
	if [[ -n $rie_pid ]]; then
		kill "$rie_pid" 2>/dev/null || true
		wait "$rie_pid" 2>/dev/null || true
	fi
	if [[ ${VERBOSE:-0} == 1 || ${failed:-0} == 1 ]]; then
		echo "--- emulator and function log ---" >&2
		cat "$log" >&2
	fi
	rm -f "$log"
}
trap cleanup EXIT

# Another process may take a port between the check and the bind: then the emulator
# exits at once, and we try again with new ports.
started=0
for attempt in 1 2 3; do
	rie_port=$(free_port)
	api_port=$(free_port)
	[[ $rie_port != "$api_port" ]] || continue
	env -i "${fenv[@]}" \
		"$bindir/aws-lambda-rie" \
		--runtime-interface-emulator-address "127.0.0.1:$rie_port" \
		--runtime-api-address "127.0.0.1:$api_port" \
		"$bindir/bootstrap" >>"$log" 2>&1 &
	rie_pid=$!
	for _ in $(seq 1 100); do # up to 10 s
		if ! kill -0 "$rie_pid" 2>/dev/null; then
			break # exited: port taken, or worse
		fi
		if ! port_free "$rie_port"; then
			started=1
			break
		fi
		sleep 0.1
	done
	[[ $started == 1 ]] && break
	wait "$rie_pid" 2>/dev/null || true
	rie_pid=
	echo "invoke-rie: emulator did not start (attempt $attempt)" >&2
done
if [[ $started != 1 ]]; then
	failed=1
	exit 1
fi

out=$(mktemp "${TMPDIR:-/tmp}/invoke-rie-out.XXXXXX")
code=$(curl -sS --max-time 20 -o "$out" -w '%{http_code}' \
	-H 'Content-Type: application/json' \
	--data-binary "@$event" \
	"http://127.0.0.1:$rie_port/2015-03-31/functions/function/invocations") || code=000
cat "$out"
echo
rm -f "$out"
if [[ $code != 200 ]]; then
	echo "invoke-rie: emulator answered HTTP $code" >&2
	failed=1
	exit 1
fi
