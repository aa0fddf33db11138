#!/usr/bin/env bash
# The tools some checks of `make test` and `make lint` need besides Go, installed into the
# user's cache (never the repository: sam build copies the whole tree). Without them those
# checks are skipped, and say so.
#
#   scripts/tools.sh install   install what is missing (`make tools`; .ci/run calls it)
#   scripts/tools.sh status    list what is missing and which checks it leaves out
#
# The Makefile puts $cache/venv/bin first on PATH, so the tests find the Python tools there.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/whatsapp-health
venv=$cache/venv
export PATH="$venv/bin:$PATH"
guard_pkg=$cache/cfnguard/node_modules/@cdklabs/cdk-validator-cfnguard

# venv_pip installs Python packages into the cache's virtual environment (Debian's system
# Python refuses pip installs; a venv needs the python3-venv package there).
venv_pip() {
	[[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
}

# One line per tool: name | installed when this succeeds | how to install it | what it enables.
tools=(
	"cfn-guard|test -x $guard_pkg/bin/ubuntu/$(uname -m)/cfn-guard|npm install --silent --no-save --no-audit --no-fund --prefix $cache/cfnguard @cdklabs/cdk-validator-cfnguard@0.0.62|TestControlTowerGuard (AWS Control Tower's proactive controls)"
	"cfn-lint|command -v cfn-lint|venv_pip cfn-lint==1.51.0|TestCfnLint and make lint's cfn-lint"
	"aws-sam-translator|python3 -c 'import samtranslator'|venv_pip aws-sam-translator==1.110.0|the SAM transform tests and TestControlTowerGuard"
	"dynalite|test -e $cache/dynalite/node_modules/.bin/dynalite|npm install --silent --no-save --no-audit --no-fund --prefix $cache/dynalite dynalite@4.0.0|TestDynamoDBAgainstDynalite (dynamodb:// against a local DynamoDB)"
	"fauxqs|test -e $cache/fauxqs/node_modules/fauxqs/dist/cli.js|npm install --silent --no-save --no-audit --no-fund --prefix $cache/fauxqs fauxqs@2.4.1|TestSQSAgainstFauxqs (sqs:// against a local SQS speaking its JSON protocol)"
	"node22|test -x $cache/node22/node_modules/.bin/node|npm install --silent --no-save --no-audit --no-fund --prefix $cache/node22 node@22.23.3|TestSQSAgainstFauxqs (fauxqs needs Node.js 22.5+ for node:sqlite)"
)

installed() { eval "$1" >/dev/null 2>&1; }

case ${1:-status} in
install)
	failed=()
	for t in "${tools[@]}"; do
		IFS='|' read -r name check install _ <<<"$t"
		installed "$check" && continue
		echo "installing $name into $cache"
		if ! eval "$install" || ! installed "$check"; then
			failed+=("$name")
		fi
	done
	if ((${#failed[@]})); then
		echo "could not install: ${failed[*]} (npm needs its registry, pip the Python package index)" >&2
		exit 1
	fi
	;;
status)
	missing=0
	for t in "${tools[@]}"; do
		IFS='|' read -r name check _ enables <<<"$t"
		installed "$check" && continue
		((missing++)) || true
		echo "not installed: $name, so skipped: $enables"
	done
	if ((missing)); then
		echo "'make tools' installs them into $cache."
	else
		echo "Every optional tool is installed: no check was skipped for a missing tool."
	fi
	;;
*)
	echo "usage: $0 install|status" >&2
	exit 2
	;;
esac
