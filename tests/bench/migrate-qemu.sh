#!/bin/sh
# tests/bench/migrate-qemu.sh BUILD [MOVES] — the gap of real QEMU live
# migrations, for `make bench`.
#
# The lab of tests/integration/qemu.conf (two sites; q1 a qemu guest on
# a/h1): q1 live-migrates MOVES times between h1 and h2 (inside site a;
# default $BENCH_QEMU_MIGRATIONS, else 6), then to b/h3 and back to a/h1
# (across sites), while b4 (b/h4) pings it every millisecond (traffic.py
# ping-probe: the guest answers in its kernel).  Each move is `vanlab
# migrate`: a destination QEMU with -incoming, its tap a device port with
# q1's MAC, QMP migrate, the source quits; QEMU's RARP is q1's first
# frame on the new host.  Per kind of move: the median and largest gap
# after that first frame (to the first probe sent after it, and after the
# last one lost, that came back; the goal is <= 5 ms, as for namespace
# VMs), the stream's outage and QEMU's own downtime.  TCG unless
# VANLAB_ACCEL says kvm.  A markdown table on stdout.
set -u
MOVES=${2:-${BENCH_QEMU_MIGRATIONS:-6}}
. "$(cd "$(dirname "$0")/../integration" && pwd)/lib.sh"
T=$TOP/tests/integration/traffic.py
case $MOVES in '' | *[!0-9]*) fail "MOVES: a number" ;; esac
[ "$MOVES" -ge 1 ] && [ "$MOVES" -le 50 ] || fail "MOVES: 1..50"
export VANLAB_ACCEL=${VANLAB_ACCEL:-tcg}
[ -r "$B/guest/initrd.gz" ] || fail "no guest in $B/guest (make guest)"

lab_up "$TOP/tests/integration/qemu.conf"
poll 30 vm q1 ping -q -c 1 -W 1 10.0.0.12 || fail "q1 does not reach b2"
ping_ok b4 10.0.0.21 || fail "b4 does not reach q1"
bg vm b4 python3 "$T" ping-probe 10.0.0.21 1000 $((MOVES * 10 + 60)) "$TMP/p.sent" \
    "$TMP/p.recv" "$TMP/p.stop"
PROBE=$BG
delivered h1 t-q1 200 || fail "b4's pings do not reach q1"
M=$TMP/moves.json
i=0
while [ $i -lt "$MOVES" ]; do
	to=h2
	[ "$(host_of q1)" = h2 ] && to=h1
	move "$M" q1 $to
	poll 10 vm b4 ping -n -q -c 1 -W 1 10.0.0.21 || fail "b4 lost q1 on $to"
	i=$((i + 1))
done
for to in h3 h1; do
	move "$M" q1 $to
	poll 10 vm b4 ping -n -q -c 1 -W 1 10.0.0.21 || fail "b4 lost q1 on $to"
done
touch "$TMP/p.stop"
wait "$PROBE"
python3 "$T" probe-gap "$TMP/p.sent" "$TMP/p.recv" "$M" 1000 q1 >"$TMP/gaps" ||
    fail "probe-gap"
grep -q 'no probe arrived' "$TMP/gaps" && fail "$(grep 'no probe arrived' "$TMP/gaps")"
# QEMU's downtime of each move, in order, from vanlab's records.
python3 - "$M" >"$TMP/down" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec, i = json.JSONDecoder(), 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    o, i = dec.raw_decode(text, i)
    for r in o.get("moves", []):
        print(r.get("downtime_ms", "nan"))
PY

printf '\n### QEMU live migration gap (vanlab, %s: %d moves inside a site, 2 across sites; 1 ms pings from a third host)\n\n' \
    "$VANLAB_ACCEL" "$MOVES"
echo "| moves | n | gap after the first RARP, median | max | stream outage, median | QEMU downtime, median |"
echo "| --- | --- | --- | --- | --- | --- |"
grep '^move=' "$TMP/gaps" | paste -d' ' - "$TMP/down" | awk -v inside="$MOVES" '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
		t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = NR <= inside ? 1 : 2
	for (i = 1; i < NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	n[k]++; g[k, n[k]] = f["gap_ms"]; o[k, n[k]] = f["outage_ms"]; d[k, n[k]] = $NF
	if (f["gap_ms"] + 0 > max[k]) max[k] = f["gap_ms"] + 0
}
END {
	split("inside site a (h1 <-> h2)|across sites (a -> b -> a)", name, "|")
	for (k = 1; k <= 2; k++) {
		if (n[k] == 0) continue
		for (i = 1; i <= n[k]; i++) { G[i] = g[k, i]; O[i] = o[k, i]; D[i] = d[k, i] }
		printf "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", name[k], n[k],
		    med(G, n[k]), max[k], med(O, n[k]), med(D, n[k])
	}
}'
echo
echo "Goal: <= 5 ms after the guest's first frame (its RARP) on the new host."
if [ -n "${BENCH_OUT_DIR:-}" ]; then
	cp "$TMP/gaps" "$BENCH_OUT_DIR/migrate-qemu-moves.txt"
	echo "Every move: $BENCH_OUT_DIR/migrate-qemu-moves.txt"
fi
