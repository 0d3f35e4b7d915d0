#!/usr/bin/env bash
# tests/bench/run.sh BUILD [anchors.sh options] — `make bench`.
#
# One run of ../shared/bench/anchors.sh with vanedge plugged in beside the
# kernel's VXLAN + bridge path, in the same topology, by the same method:
# TCP throughput, delivered 64-byte UDP packets per second and ping RTT,
# printed as ratios to vxlan-bridge.  Then the migration gap (migrate.sh:
# vanlab, BENCH_MIGRATIONS moves of each kind, default 10), and the crypto
# engine's figures beside ../shared/bench/cryptolimit.c, when
# tests/bench/crypto.sh exists, and vanplan's planning time.
# Extra arguments go to anchors.sh (e.g. --duration 5 --repeat 3).
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD [anchors options]}" && pwd); shift
anchors=$(cd "$here/../.." && pwd)/../shared/bench/anchors.sh
[ -f "$anchors" ] || { echo "bench: $anchors not found (../shared/bench)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (network namespaces)" >&2; exit 1; }

out=${BENCH_OUT:-${TMPDIR:-/tmp}/vanfed-bench-$(date +%Y%m%d-%H%M%S)}
export VAN_BUILD=$build
mkdir -p "$out"
echo "bench: results in $out"
bash "$anchors" --install --out "$out/anchors" --prefix vfb \
  --plugin vanedge="$here/vanedge-plugin.sh" \
  --only vxlan-bridge,vanedge "$@"
rc=$?
# The migration gap (issue 4), in a vanlab lab of its own, beside the ratios.
BENCH_OUT_DIR=$out sh "$here/migrate.sh" "$build" | tee "$out/migrate.md" || rc=1
# vanplan (issue 6): 10000 sites, 100000 candidate links (plan_bench.c).
echo
"$build/bench/plan-bench" | tee "$out/vanplan.txt" || rc=1
if [ -x "$here/crypto.sh" ]; then
  echo
  "$here/crypto.sh" "$build" | tee "$out/crypto.txt" || rc=1
fi
exit $rc
