# 99-tunnel-mtu — VMs with an MTU of 1500 whose sites carry it, across a
# tunnel path of 1500 (fed-mtu.conf): the proxies' tunnel_mtu.  A tunnel
# datagram carries frames of up to 1428 bytes (docs/mtu.md): IP packets
# of 1414.  TCP between the sites works without a single oversize frame
# (the proxies lowered the MSS of the SYNs both ways); a ping with DF of
# 1414 bytes crosses, one of 1415 is answered with "fragmentation needed,
# MTU 1414" from the proxy and counted over-mtu; inside a site 1500 still
# goes.  Neither proxy's kernel fragments or reassembles a datagram.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed-mtu.conf"
ipstat() {	# ipstat NS FIELD — a counter of /proc/net/snmp's Ip: lines
	ip netns exec "$1" awk -v f="$2" '$1 == "Ip:" { if (!n) { for (i = 2; i <= NF; i++)
	    if ($i == f) c = i; n = 1 } else print $c }' /proc/net/snmp
}
frags() {
	echo $(($(ipstat "$PFX-a-gw" FragCreates) + $(ipstat "$PFX-b-gw" FragCreates) +
	    $(ipstat "$PFX-a-gw" ReasmReqds) + $(ipstat "$PFX-b-gw" ReasmReqds)))
}
over() { echo $(($(pvan_stat a 100 drops.over-mtu) + $(pvan_stat b 200 drops.over-mtu))); }
f0=$(frags)
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3"

# TCP first (no path MTU cached yet): the MSS the proxies gave the SYNs.
o0=$(over)
bg vm b3 python3 "$T" tcp-recv 0.0.0.0 5001 "$TMP/b3.tcp" 30
poll 10 test -e "$TMP/b3.tcp.ready" || fail "tcp-recv in b3"
sent=$(vm b1 python3 "$T" tcp-send 10.0.0.13 5001 7 4000000 30) || fail "tcp-send b1 -> b3"
poll 10 test -s "$TMP/b3.tcp" || fail "tcp-recv in b3 did not finish"
[ "$sent" = "$(cat "$TMP/b3.tcp")" ] || fail "TCP b1 -> b3: sent '$sent', got '$(cat "$TMP/b3.tcp")'"
[ "$(over)" -eq "$o0" ] || fail "TCP made $(($(over) - o0)) oversize frames at the proxies"
say "TCP b1 -> b3 (VM MTU 1500, tunnel 1500): 4000000 bytes, sha256 equal, no oversize frame"

# Pings with DF: 1414 bytes of IP cross, 1415 do not and are answered.
vm b2 ping -n -q -c 3 -W 2 -M do -s $((1414 - 28)) 10.0.0.14 >/dev/null ||
    fail "a 1414-byte ping with DF b2 -> b4 did not cross"
o0=$(over)
i0=$(pvan_stat a 100 icmp_sent)
vm b2 ping -n -c 2 -W 2 -M do -s $((1415 - 28)) 10.0.0.14 >"$TMP/big" 2>&1 &&
    fail "a 1415-byte ping with DF crossed: $(cat "$TMP/big")"
grep -qi "mtu *= *1414" "$TMP/big" || fail "no 'fragmentation needed, mtu 1414' for b2: $(cat "$TMP/big")"
[ "$(over)" -gt "$o0" ] || fail "the proxies did not count the oversize frame"
[ "$(pvan_stat a 100 icmp_sent)" -gt "$i0" ] || fail "a's proxy sent no ICMP"
say "ping with DF b2 -> b4: 1414 bytes cross, 1415 answered by a's proxy ($(grep -i -m1 mtu "$TMP/big" | tr -s ' '))"
# Inside a site nothing changes: 1500 goes.
vm b1 ping -n -q -c 2 -W 2 -M do -s $((1500 - 28)) 10.0.0.12 >/dev/null ||
    fail "a 1500-byte ping inside site a did not go"
# The other way, from b: answered by b's proxy.
vm b4 ping -n -c 2 -W 2 -M do -s $((1500 - 28)) 10.0.0.11 >"$TMP/big4" 2>&1 &&
    fail "a 1500-byte ping with DF b4 -> b1 crossed"
grep -qi "mtu *= *1414" "$TMP/big4" || fail "no 'fragmentation needed' for b4: $(cat "$TMP/big4")"
[ "$(frags)" -eq "$f0" ] || fail "the proxies' kernels fragmented or reassembled $(($(frags) - f0)) datagrams"
say "inside site a 1500 goes; b4 -> b1 answered by b's proxy; no IP fragment between the proxies"
