# 98-loop — a bad configuration: three sites whose peerings make a triangle
# for blue (fed-loop.conf; vanlab up warns).  Every frame is still
# delivered once: 100 broadcasts from b1 in site a arrive 100 times at b2
# (b) and b3 (c), unicast ping and TCP see no duplicate; the proxies drop
# the copies that come round (`loop`, counted per peer and VAN), log it,
# and nothing is amplified: the floods each proxy sent are bounded by what
# the VMs sent (each flood at most once to each peer), and once the VMs
# are quiet the flood counters stand still.  Red, which crosses a - b
# only, sees no loop.
. "$(dirname "$0")/lib.sh"
LAB_UP=1
"$VANLAB" up --prefix "$PFX" "$HERE/fed-loop.conf" >"$TMP/up.log" 2>&1 || {
	cat "$TMP/up.log" >&2
	fail "vanlab up"
}
grep -q "warning: the peerings that carry VAN blue make a loop" "$TMP/up.log" ||
    fail "vanlab up did not warn of the loop"
say "vanlab up: $(grep warning "$TMP/up.log")"
# Sites' IDs of blue: a 100, b 200, c 300.
floods() {	# the floods all proxies sent, all VANs
	for s in a b c; do pctl $s show stats | jpy "sum(v['flood_copies'] for v in j['vans'])"; done |
	    awk '{ n += $1 } END { print n }'
}
loops() {
	for s in a b c; do pctl $s show stats | jpy "sum(v['drops'].get('loop', 0) for v in j['vans'])"; done |
	    awk '{ n += $1 } END { print n }'
}

ping_ok b1 10.0.0.13 || fail "b1 (a) does not reach b3 (c)"
ping_ok b2 10.0.0.13 || fail "b2 (b) does not reach b3 (c)"
vm b1 ping -n -c 20 -i 0.05 10.0.0.12 >"$TMP/ping" 2>&1 || fail "ping b1 -> b2"
grep -q DUP "$TMP/ping" && fail "duplicate ping answers: $(grep -c DUP "$TMP/ping")"
grep -q "20 received" "$TMP/ping" || fail "ping b1 -> b2: $(tail -2 "$TMP/ping")"
say "unicast across the triangle: 20 pings b1 -> b2, 20 answers, no duplicate"

for v in b2 b3; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9000 "$TMP/$v.sink" 20
done
poll 10 sh -c "test -e '$TMP/b2.sink' && test -e '$TMP/b3.sink'" || fail "udp sinks"
f0=$(floods) l0=$(loops)
vm b1 python3 "$T" udp-send 10.0.0.255 9000 100 2 bcast || fail "udp-send b1"
got() { [ "$(sink_count "$TMP/b2.sink")" -ge 100 ] && [ "$(sink_count "$TMP/b3.sink")" -ge 100 ]; }
poll 10 got || fail "b2 got $(sink_count "$TMP/b2.sink"), b3 $(sink_count "$TMP/b3.sink") of 100"
sleep 1
n2=$(sink_count "$TMP/b2.sink") n3=$(sink_count "$TMP/b3.sink")
f=$(($(floods) - f0)) l=$(($(loops) - l0))
say "100 broadcasts from b1: b2 received $n2, b3 $n3; the proxies sent $f flood copies" \
    "and dropped $l as loops"
[ "$n2" = 100 ] && [ "$n3" = 100 ] || fail "delivered more than once: b2 $n2, b3 $n3"
[ "$l" -ge 100 ] || fail "only $l loop drops for 100 floods round a triangle"
# Each proxy sends each flood at most once to each of its two peers (and
# into its site): 100 x (2 + 2 + 2), and a little room for ARP.
[ "$f" -le 660 ] || fail "$f flood copies for 100 broadcasts: amplified"
for s in a b c; do
	pctl $s show stats | jpy "[(m['address'], m['drops'].get('loop', 0)) for m in j['members'] if m['address'].startswith('peer')]"
done >"$TMP/per-peer"
say "loop drops per peer: $(tr '\n' ' ' <"$TMP/per-peer")"
grep -h "make a loop" "$STATE"/*-gw/proxy.log >"$TMP/logged" || fail "no proxy logged the loop"
say "logged: $(head -1 "$TMP/logged")"
[ "$(wc -l <"$TMP/logged")" -le 30 ] || fail "$(wc -l <"$TMP/logged") loop log lines: not rate-limited"

# Quiet VMs: nothing circulates.
f1=$(floods) l1=$(loops)
sleep 2
f2=$(floods) l2=$(loops)
[ "$f2" = "$f1" ] && [ "$l2" = "$l1" ] || fail "floods go on without traffic: copies $f1 -> $f2, loops $l1 -> $l2"
say "2 s without traffic: flood copies stay at $f2, loop drops at $l2"
hop=0
for s in a b c; do
	for p in a b c; do
		[ $p = $s ] && continue
		hop=$((hop + $(peer_stat $s $p drops hop-limit)))
	done
done
say "hop-limit drops: $hop (the duplicate filter stops the copies first)"

# TCP through the triangle: the data arrives once and whole.
bg vm b3 python3 "$T" tcp-recv 0.0.0.0 5001 "$TMP/b3.tcp" 30
poll 10 test -e "$TMP/b3.tcp.ready" || fail "tcp-recv in b3"
sent=$(vm b1 python3 "$T" tcp-send 10.0.0.13 5001 9 4000000 30) || fail "tcp-send b1 -> b3"
poll 10 test -s "$TMP/b3.tcp" || fail "tcp-recv in b3 did not finish"
[ "$sent" = "$(cat "$TMP/b3.tcp")" ] || fail "TCP b1 -> b3: sent '$sent', got '$(cat "$TMP/b3.tcp")'"
ping_ok r1 10.0.0.12 || fail "red r1 (a) does not reach r2 (b)"
[ "$(pvan_stat a 200 drops.loop)" = 0 ] || fail "red, without a loop, had loop drops"
say "TCP b1 -> b3 4000000 bytes whole; red (a - b only) works and has no loop drops"
