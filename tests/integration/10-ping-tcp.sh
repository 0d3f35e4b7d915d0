# 10-ping-tcp — VMs on different hosts reach each other: ping, and a TCP
# transfer whose content is checked (sha256), in both VANs at once over
# the same IPs, MACs and ports, so each VAN must get its own bytes.
. "$(dirname "$0")/lib.sh"
lab_up

ping_ok b1 10.0.0.12 || fail "b1 (h1) does not reach b2 (h2)"
ping_ok r3 10.0.0.12 || fail "r3 (h3) does not reach r2 (h2)"
say "ping b1@h1 -> b2@h2 and r3@h3 -> r2@h2: ok"

T=$HERE/traffic.py
bg vm b2 python3 "$T" tcp-recv 10.0.0.12 5001 "$TMP/blue" 60; r1=$BG
bg vm r2 python3 "$T" tcp-recv 10.0.0.12 5001 "$TMP/red" 60; r2=$BG
poll 10 test -e "$TMP/blue.ready" || fail "blue receiver did not start"
poll 10 test -e "$TMP/red.ready" || fail "red receiver did not start"
t0=$(ms_now)
bg vm b1 python3 "$T" tcp-send 10.0.0.12 5001 1 8000000 60 >"$TMP/blue.sent"; s1=$BG
bg vm r3 python3 "$T" tcp-send 10.0.0.12 5001 2 6000000 60 >"$TMP/red.sent"; s2=$BG
# Each side gives up after 60 s on its own.
wait $s1 $s2 $r1 $r2
ms=$(($(ms_now) - t0))
for v in blue red; do
	[ -s "$TMP/$v" ] || fail "$v: the receiver got no complete stream"
	sent=$(cat "$TMP/$v.sent")
	got=$(cat "$TMP/$v")
	[ -n "$sent" ] && [ "$sent" = "$got" ] ||
	    fail "$v: sent '$sent', received '$got'"
	say "$v: TCP $got (bytes sha256) received intact"
done
[ "$(cat "$TMP/blue")" != "$(cat "$TMP/red")" ] || fail "both VANs got the same stream"
say "both transfers in $ms ms"

# The bytes crossed the overlay as DATA, not as floods.
tx=$(van_stat h1 blue data_tx)
[ "$tx" -gt 1000 ] || fail "h1 sent only $tx DATA messages in blue"
fl=$(van_stat h1 blue flood_tx)
[ "$fl" -lt 20 ] || fail "h1 flooded $fl frames in blue"
say "h1 blue: $tx DATA, $fl floods"
