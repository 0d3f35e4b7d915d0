# 96b-qemu-migration — real live migrations of a qemu guest (qemu.conf):
# q1 goes a/h1 -> a/h2 (inside site a: QEMU's migration over the
# underlay) -> b/h3 (across sites: over the link vanlab adds between the
# two hosts for the move), each time a destination QEMU with -incoming,
# its tap attached to the new host's vanedge as a device port with q1's
# MAC, QMP migrate, then the source quits and its port goes.  vanlab sends
# no frame of its own: QEMU's RARP self-announce is q1's first frame on
# the new host (vanlab migrate --json says which EtherType it saw).
# Meanwhile b4 (b/h4, a third host for both moves) pings q1 every 5 ms
# (traffic.py ping-probe: the guest answers in its kernel), and q1's own
# TCP connection — a long busybox nc transfer from inside the guest to b2
# (a/h2), started in the background before the first move — runs through
# both moves.  Passes when the stream comes back after every move, the
# transfer arrives whole (bytes counted at b2), the old hosts keep no port
# and the new one has it; the gaps (after the first RARP) and outages are
# reported, not judged: a figure of a busy TCG machine.
. "$(dirname "$0")/lib.sh"
export VANLAB_ACCEL=${VANLAB_ACCEL:-tcg}
[ -r "$B/guest/initrd.gz" ] || fail "no guest in $B/guest (make guest)"
T=$HERE/traffic.py
lab_up "$HERE/qemu.conf"
poll 30 vm q1 ping -q -c 1 -W 1 10.0.0.12 || fail "q1 does not reach b2"
ping_ok b4 10.0.0.21 || fail "b4 does not reach q1"

# q1's TCP connection: 400 x 16 KiB, paced, from inside the guest.
SIZE=$((400 * 16384))
bg vm b2 python3 "$T" tcp-recv 10.0.0.12 5002 "$TMP/tcp" 120
poll 10 test -e "$TMP/tcp.ready" || fail "tcp receiver in b2"
vm q1 sh -c '( i=0; while [ $i -lt 400 ]; do dd if=/dev/zero bs=16384 count=1 2>/dev/null;
	usleep 20000; i=$((i + 1)); done | nc -w 20 10.0.0.12 5002 ) >/dev/null 2>&1 &' ||
	fail "cannot start nc in q1"
poll 10 vm b2 sh -c 'ss -tn state established | grep -q ":5002"' ||
	fail "q1's TCP connection to b2 did not open"

bg vm b4 python3 "$T" ping-probe 10.0.0.21 5000 90 "$TMP/p.sent" "$TMP/p.recv" \
    "$TMP/p.stop"
PROBE=$BG
delivered h1 t-q1 100 || fail "b4's pings do not reach q1"
M=$TMP/moves.json
k=0
for to in h2 h3; do
	from=$(host_of q1)
	move "$M" q1 $to
	k=$((k + 1))
	[ "$(host_of q1)" = $to ] || fail "move $k: q1 is not on $to"
	t=$(ctl $to show ports | jpy "([p['kind'] for p in j if p['tap']=='t-q1'] or ['none'])[0]")
	[ "$t" = device ] || fail "move $k: $to has no device port t-q1 ($t)"
	ctl "$from" show ports | jpy "[p['tap'] for p in j]" | grep -q '"t-q1"' &&
		fail "move $k: $from still has port t-q1"
	poll 10 vm b4 ping -n -q -c 1 -W 1 10.0.0.21 || fail "move $k: b4 lost q1 on $to"
	first=$(grep -o '"first_frame": "[^"]*"' "$M" | tail -n 1 | cut -d'"' -f4)
	say "move $k: q1 $from -> $to: first frame $first"
done
touch "$TMP/p.stop"
wait "$PROBE"
python3 "$T" probe-gap "$TMP/p.sent" "$TMP/p.recv" "$M" 5000 q1 >"$TMP/gaps" ||
	fail "probe-gap"
while read -r line; do say "b4 -> q1: $line"; done <"$TMP/gaps"
grep -q 'no probe arrived' "$TMP/gaps" && fail "the stream did not come back after a move"
[ "$(grep -c 'gap_ms=inf' "$TMP/gaps")" -eq 0 ] || fail "the stream did not come back"

poll 90 test -e "$TMP/tcp" || fail "q1's transfer to b2 did not end"
got=$(cut -d' ' -f1 "$TMP/tcp")
[ "$got" = $SIZE ] || fail "b2 got $got of $SIZE bytes of q1's transfer"
say "q1's TCP connection to b2 (busybox nc, started before the moves): $got of $SIZE bytes"
