# 85-arp-proxy — an ARP request or an IPv6 Neighbor Solicitation for a
# known remote VM never leaves its host: the VM's edge answers it from its
# neighbour table, and the counters show answered vs flooded.
#
# IPv6 is on in this lab's VMs.  b2 (h2) makes its addresses known by
# speaking first (h2 gleans them from its own ARP and NS and announces
# them in LEARNs).  Then b1 (h1), with empty neighbour caches, pings b2
# over IPv4 and IPv6 while the underlay side of h1 and b2's NIC are
# captured: the answers come from h1 with b2's MAC, no ARP request or NS
# for b2 appears on the underlay or at b2, and h1 counts them answered.
# b2's own questions back (for b1) are answered by h2 the same way.  A
# question nobody can answer (10.0.0.99) is flooded and counted so — and
# seen in the same capture, so the capture could have seen the others.
. "$(dirname "$0")/lib.sh"
cat >"$TMP/lab.conf" <<'LAB'
lab = { hello_interval = 250; dead_after = 4; mtu = 1400; ipv6 = true; };
vans = ( { name = "blue"; id = 100; } );
sites = ( { name = "a"; underlay = "10.77.1.0/24";
    hosts = (
      { name = "h1"; vms = ( { name = "b1"; van = "blue"; ip = "10.0.0.11/24";
          ip6 = "fd00::11/64"; } ); },
      { name = "h2"; vms = ( { name = "b2"; van = "blue"; ip = "10.0.0.12/24";
          ip6 = "fd00::12/64"; } ); },
      { name = "h3"; vms = ( { name = "b3"; van = "blue"; ip = "10.0.0.13/24";
          ip6 = "fd00::13/64"; } ); }
    ); } );
LAB
lab_up "$TMP/lab.conf"

B1MAC=02:00:0a:00:00:0b
B2MAC=02:00:0a:00:00:0c
ping_ok b2 10.0.0.13 || fail "b2 -> b3 (IPv4)"
poll 10 vm b2 ping -6 -n -q -c 1 -W 1 fd00::13 || fail "b2 -> b3 (IPv6)"
known() {	# known HOST ADDR — the host's table has ADDR as a remote binding
	[ "$(ctl "$1" show neigh blue | jpy "[n['kind'] for n in j if n['address']=='$2']")" = '["remote"]' ]
}
poll 5 known h1 10.0.0.12 || fail "h1 never learnt b2's IPv4 address"
poll 5 known h1 fd00::12 || fail "h1 never learnt b2's IPv6 address"
say "h1's table: $(ctl h1 show neigh blue | jpy "sorted(n['address'] + ' ' + n['mac'] + ' ' + n['kind'] for n in j)")"

# The questions' bytes: ARP "who-has 10.0.0.12 tell 10.0.0.11" broadcast
# by b1; an NS for fd00::12 to its solicited-node group (ff02::1:ff00:12,
# then ICMPv6 type 135); and the unanswerable one.  Unicast probes are no
# questions: a VM that has an entry confirms it with the VM itself (here
# b3, five seconds after b2 spoke to it, which a slow run sees).
M1=$(echo $B1MAC | tr -d :)
ARP12=hex:ffffffffffff${M1}08060001080006040001${M1}0a00000b0000000000000a00000c
NS12=hex:ff0200000000000000000001ff00001287
ARP99=hex:08060001080006040001${M1}0a00000b0000000000000a000063

bg vm h1 tcpdump -i eth0 -n -U -Z root -w "$TMP/h1.pcap" udp port 4797 2>"$TMP/h1.err"
c1=$BG
bg vm b2 tcpdump -i eth0 -n -U -Z root -w "$TMP/b2.pcap" 2>"$TMP/b2.err"
c2=$BG
for c in h1 b2; do
	poll 10 grep -q "listening on" "$TMP/$c.err" || fail "tcpdump in $c did not start"
done

stat() { van_stat "$1" blue "$2"; }
a1=$(stat h1 arp_answered); n1=$(stat h1 nd_answered); f1=$(stat h1 arpnd_flooded)
a2=$(stat h2 arp_answered); n2=$(stat h2 nd_answered)
vm b1 ip neigh flush dev eth0
vm b1 ip -6 neigh flush dev eth0
vm b1 ping -n -q -c 1 -W 2 10.0.0.12 >/dev/null || fail "b1 -> b2 (IPv4)"
vm b1 ping -6 -n -q -c 1 -W 2 fd00::12 >/dev/null || fail "b1 -> b2 (IPv6)"
for a in 10.0.0.12 fd00::12; do
	l=$(vm b1 ip neigh show $a dev eth0)
	echo "$l" | grep -q "lladdr $B2MAC" || fail "b1's neighbour $a: '$l'"
done
say "b1 resolved 10.0.0.12 and fd00::12 to $B2MAC and reached b2 over both"
vm b1 ping -n -q -c 1 -W 1 10.0.0.99 >/dev/null 2>&1 && fail "10.0.0.99 answers?"
flooded() { [ "$(python3 "$T" count "$TMP/h1.pcap" "$ARP99")" -ge 1 ]; }
poll 5 flooded || fail "the question for 10.0.0.99 never reached the underlay"
got_echo() { vm b2 tcpdump -r "$TMP/b2.pcap" -n icmp6 2>/dev/null | grep -q "echo request"; }
poll 5 got_echo || fail "b2's capture has no ICMPv6 echo request"
stop $c1 $c2

da1=$(($(stat h1 arp_answered) - a1)); dn1=$(($(stat h1 nd_answered) - n1))
df1=$(($(stat h1 arpnd_flooded) - f1))
da2=$(($(stat h2 arp_answered) - a2)); dn2=$(($(stat h2 nd_answered) - n2))
say "h1 blue: arp_answered +$da1, nd_answered +$dn1, arpnd_flooded +$df1;" \
    "h2 blue: arp_answered +$da2, nd_answered +$dn2"
[ "$da1" -ge 1 ] || fail "h1 answered no ARP request"
[ "$dn1" -ge 1 ] || fail "h1 answered no neighbour solicitation"
[ "$da2" -ge 1 ] && [ "$dn2" -ge 1 ] || fail "h2 did not answer b2's questions for b1"
[ "$df1" -ge 1 ] || fail "the question for 10.0.0.99 was not counted as flooded"

u_arp=$(python3 "$T" count "$TMP/h1.pcap" "$ARP12")
u_ns=$(python3 "$T" count "$TMP/h1.pcap" "$NS12")
u_99=$(python3 "$T" count "$TMP/h1.pcap" "$ARP99")
b_arp=$(python3 "$T" count "$TMP/b2.pcap" "$ARP12")
b_ns=$(python3 "$T" count "$TMP/b2.pcap" "$NS12")
say "on h1's underlay: ARP for b2 $u_arp, NS for b2 $u_ns, ARP for 10.0.0.99 $u_99;" \
    "at b2: ARP for it $b_arp, NS for it $b_ns"
[ "$u_arp" -eq 0 ] && [ "$u_ns" -eq 0 ] || fail "a question for b2 left h1"
[ "$b_arp" -eq 0 ] && [ "$b_ns" -eq 0 ] || fail "a question for b2 reached b2"
