# 88-mtu — VMs with an MTU of 1500 over a 1500-byte underlay (vanedge's
# underlay_mtu = 1500: frames up to 1460 bytes fit, so a VM MTU of 1446 and
# a TCP MSS of 1406 would).  A TCP transfer between two of them works and
# arrives intact, because the edges lower the MSS of the SYN and the SYN-ACK
# to 1406 (seen in both VMs' captures).  A UDP datagram with DF that does
# not fit is dropped (over-mtu), and the sending VM gets ICMP "fragmentation
# needed" with MTU 1446 back: its kernel caches that path MTU (ip route get),
# refuses the next datagram of that size itself, and one of 1446 bytes
# then crosses.
. "$(dirname "$0")/lib.sh"
sed 's/^lab = { .*/lab = { hello_interval = 250; dead_after = 4; mtu = 1500; underlay_mtu = 1500; };/' \
    "$HERE/lab.conf" >"$TMP/lab.conf"
lab_up "$TMP/lab.conf"

for n in b1 b2; do
	[ "$(vm $n cat /sys/class/net/eth0/mtu)" = 1500 ] || fail "$n's MTU"
done
for n in h1 h2 a-sw; do
	d=eth0
	[ $n = a-sw ] && d=br0
	[ "$(vm $n cat /sys/class/net/$d/mtu)" = 1500 ] || fail "$n's underlay MTU"
done
grep -q "underlay_mtu = 1500;" "$STATE/a-h1/edge.conf" || fail "h1's underlay_mtu"
say "VM MTU 1500, underlay MTU 1500 (switch, hosts, vanedge)"

# TCP, with both VMs' SYNs captured.
for n in b1 b2; do
	bg vm $n tcpdump -i eth0 -n -U -Z root -w "$TMP/$n.pcap" \
	    'tcp[tcpflags] & tcp-syn != 0' 2>"$TMP/$n.err"
	eval "cap_$n=\$BG"
	poll 10 grep -q "listening on" "$TMP/$n.err" || fail "tcpdump in $n did not start"
done
o0=$(van_stat h1 blue drops | jpy "j.get('over-mtu', 0)")
bg vm b2 python3 "$T" tcp-recv 10.0.0.12 5001 "$TMP/tcp" 60; r=$BG
poll 10 test -e "$TMP/tcp.ready" || fail "receiver did not start"
t0=$(ms_now)
vm b1 python3 "$T" tcp-send 10.0.0.12 5001 4 8000000 60 >"$TMP/tcp.sent" ||
    fail "tcp-send"
wait $r
ms=$(($(ms_now) - t0))
sent=$(cat "$TMP/tcp.sent"); got=$(cat "$TMP/tcp" 2>/dev/null)
[ -n "$sent" ] && [ "$sent" = "$got" ] || fail "sent '$sent', received '$got'"
syn_seen() { vm "$1" tcpdump -r "$TMP/$1.pcap" -n -v 2>/dev/null | grep -q "$2"; }
poll 5 syn_seen b2 "Flags \[S\].*mss 1406" || fail "b2's SYN: $(vm b2 tcpdump -r "$TMP/b2.pcap" -n 2>/dev/null)"
poll 5 syn_seen b1 "Flags \[S\.\].*mss 1406" || fail "b1's SYN-ACK: $(vm b1 tcpdump -r "$TMP/b1.pcap" -n 2>/dev/null)"
stop $cap_b1 $cap_b2
say "TCP b1 -> b2: $got (bytes sha256) intact in $ms ms; SYN and SYN-ACK" \
    "arrived with MSS 1406 (each VM offered 1460)"
for n in b1 b2; do
	vm $n tcpdump -r "$TMP/$n.pcap" -n 2>/dev/null | grep -q "mss 1460" ||
	    fail "$n's own SYN did not offer 1460: the clamp is not what changed it"
done
[ "$(van_stat h1 blue drops | jpy "j.get('over-mtu', 0)")" -eq "$o0" ] ||
    fail "TCP segments were dropped as over-mtu"

# UDP with DF, 1500 bytes of IP: dropped at h1, answered with ICMP.
bg vm b2 python3 "$T" udp-sink 10.0.0.12 5002 "$TMP/sink" 30; sink=$BG
poll 10 test -e "$TMP/sink" || fail "udp-sink did not start"
i0=$(van_stat h1 blue icmp_sent)
# The socket stays open until the ICMP answer is in (5 s at most): the
# kernel applies "fragmentation needed" only to a socket that still exists.
r=$(vm b1 python3 "$T" udp-df 10.0.0.12 5002 1472 5) || fail "udp-df"
[ "$r" = "sent 1446" ] || fail "first datagram (sent, then told 1446): $r"
over() { [ "$(van_stat h1 blue drops | jpy "j.get('over-mtu', 0)")" -eq $((o0 + 1)) ]; }
poll 5 over || fail "h1 over-mtu drops: $(van_stat h1 blue drops)"
pmtu() { vm b1 ip route get 10.0.0.12 | grep -q "mtu 1446"; }
poll 5 pmtu || fail "b1 has no path MTU 1446: $(vm b1 ip route get 10.0.0.12)"
di=$(($(van_stat h1 blue icmp_sent) - i0))
[ "$di" -eq 1 ] || fail "h1 sent $di ICMP answers"
say "a 1500-byte DF datagram: h1 over-mtu +1, icmp_sent +1; b1's route:" \
    "$(vm b1 ip route get 10.0.0.12 | tr -s ' \n' ' ')"
r=$(vm b1 python3 "$T" udp-df 10.0.0.12 5002 1472) || fail "udp-df"
[ "$r" = "refused 1446" ] || fail "second datagram of 1500: $r"
r=$(vm b1 python3 "$T" udp-df 10.0.0.12 5002 1418) || fail "udp-df"
[ "$r" = "sent 1446" ] || fail "a datagram of 1446: $r"
arrived() { [ "$(cat "$TMP/sink")" -ge 1 ]; }
poll 5 arrived || fail "the 1446-byte datagram did not arrive"
[ "$(cat "$TMP/sink")" -eq 1 ] || fail "b2 got $(cat "$TMP/sink") datagrams, not 1"
say "then b1's kernel refuses 1500 bytes itself, and 1446 bytes arrive at b2"
