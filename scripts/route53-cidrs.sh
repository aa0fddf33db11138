#!/usr/bin/env bash
# Prints Route 53's health-checker IPv4 ranges as a Route53CheckerCidrs value: AWS's
# ip-ranges.json, service ROUTE53_HEALTHCHECKS, commercial (aws) partition only. China and
# GovCloud ranges are left out: their checkers never probe a commercial-region API.
# IP_RANGES_URL overrides the source (tests use a file:// fixture).
set -euo pipefail
url=${IP_RANGES_URL:-https://ip-ranges.amazonaws.com/ip-ranges.json}

if ! json=$(curl -fsS --max-time 20 "$url" 2>&1); then
	echo "route53-cidrs: cannot fetch $url: ${json:-no answer}" >&2
	echo "This needs network access to ip-ranges.amazonaws.com; template.yaml's default is the list as of its last refresh." >&2
	exit 1
fi
python3 -c '
import json, sys
try:
    prefixes = json.loads(sys.stdin.read())["prefixes"]
    cidrs = sorted({p["ip_prefix"] for p in prefixes
                    if p["service"] == "ROUTE53_HEALTHCHECKS"
                    and not p["region"].startswith(("cn-", "us-gov-", "us-iso", "eusc-"))})
except (ValueError, KeyError, TypeError) as e:
    sys.exit("route53-cidrs: not the ip-ranges.json format (%s: %s)" % (type(e).__name__, e))
if not cidrs:
    sys.exit("route53-cidrs: no ROUTE53_HEALTHCHECKS ranges in the answer")
print("Route53CheckerCidrs=" + ",".join(cidrs))
' <<<"$json"
