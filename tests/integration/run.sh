#!/bin/sh
# tests/integration/run.sh BUILD_DIR — run every scenario (NN-*.sh here),
# each in its own lab with its own prefix; print one line per scenario and
# "integration: N passed, N failed"; fail if any failed.  Root only.
#
# A scenario that hangs is stopped after SCENARIO_TIMEOUT seconds (its
# trap still tears its lab down).  INTEGRATION_ONLY=PATTERN runs a subset.
set -u
B=${1:?usage: $0 BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-150}

if [ "$(id -u)" != 0 ]; then
	echo "integration: needs root (network namespaces, taps): not run" >&2
	exit 1
fi
missing=""
for t in ip ping tcpdump python3 timeout nft iperf3 taskset keepalived tshark curl promtool; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "integration: missing:$missing (tests/deps.sh all installs them)" >&2
	exit 1
fi
for p in vanlab vanedge vanctl vanproxy; do
	[ -x "$B/$p" ] || { echo "integration: $B/$p not built" >&2; exit 1; }
done

pass=0 fail=0 failed=""
start=$(date +%s)
for s in "$here"/[0-9]*.sh; do
	name=$(basename "$s" .sh)
	case $name in *${INTEGRATION_ONLY:-}*) ;; *) continue ;; esac
	t0=$(date +%s%N)
	log=$(mktemp "${TMPDIR:-/tmp}/vanit-$name.XXXXXX")
	timeout -s TERM -k 10 "$SCENARIO_TIMEOUT" sh "$s" "$B" >"$log" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf 'PASS  %-24s %6d ms\n' "$name" "$ms"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL  %-24s %6d ms (exit %d)\n' "$name" "$ms" "$rc"
		sed 's/^/      /' "$log"
	fi
	[ -n "${V:-}" ] && [ $rc -eq 0 ] && sed 's/^/      /' "$log"
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed${failed:+ ($failed )} in $(($(date +%s) - start)) s"
[ "$fail" -eq 0 ]
