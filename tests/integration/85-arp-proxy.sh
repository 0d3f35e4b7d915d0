# 85-arp-proxy — an ARP request or an IPv6 Neighbor Solicitation for a
# known remote VM never leaves its host: the VM's edge answers it from its
# neighbour table, and the counters show answered vs flooded.
#
# IPv6 is on in this lab's VMs.  b2 (h2) makes its addresses known by
# speaking first (h2 gleans them from its own ARP and NS and announces
# them in LEARNs).  Then b1 (h1), with empty neighbour caches, pings b2
# over IPv4 and IPv6 while the underlay side of h1 and b2's NIC are
# captured: the answers come from h1 with b2's MAC, b1's ARP request and
# NS for b2 (seen at b1) appear neither on the underlay nor at b2, and h1
# counts them answered.
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

# The questions' bytes, b1's own: ARP "who-has 10.0.0.12 tell 10.0.0.11"
# broadcast by b1; an NS from b1's MAC to fd00::12's solicited-node group
# (Ethernet 33:33:ff:00:00:12; ff02::1:ff00:12 then ICMPv6 type 135 in the
# IPv6 header); and the unanswerable one.  Unicast probes are no questions:
# a VM that has an entry confirms it with the VM itself (here b3, five
# seconds after b2 spoke to it, which a slow run sees).  Another VM's
# question is not b1's: b3's, from before h3 learnt b2's address, may be
# flooded rightly — shown, not counted.
M1=$(echo $B1MAC | tr -d :)
ARP12=hex:ffffffffffff${M1}08060001080006040001${M1}0a00000b0000000000000a00000c
NS12=hex:3333ff000012${M1}86dd
NSANY12=hex:ff0200000000000000000001ff00001287
ARP99=hex:08060001080006040001${M1}0a00000b0000000000000a000063

bg vm h1 tcpdump -i eth0 -n -U -Z root -w "$TMP/h1.pcap" udp port 4797 2>"$TMP/h1.err"
c1=$BG
bg vm b2 tcpdump -i eth0 -n -U -Z root -w "$TMP/b2.pcap" 2>"$TMP/b2.err"
c2=$BG
bg vm b1 tcpdump -i eth0 -n -U -Z root -w "$TMP/b1.pcap" 2>"$TMP/b1.err"
c3=$BG
for c in h1 b2 b1; do
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
stop $c1 $c2 $c3

da1=$(($(stat h1 arp_answered) - a1)); dn1=$(($(stat h1 nd_answered) - n1))
df1=$(($(stat h1 arpnd_flooded) - f1))
da2=$(($(stat h2 arp_answered) - a2)); dn2=$(($(stat h2 nd_answered) - n2))
say "h1 blue: arp_answered +$da1, nd_answered +$dn1, arpnd_flooded +$df1;" \
    "h2 blue: arp_answered +$da2, nd_answered +$dn2"
[ "$da1" -ge 1 ] || fail "h1 answered no ARP request"
[ "$dn1" -ge 1 ] || fail "h1 answered no neighbour solicitation"
[ "$da2" -ge 1 ] && [ "$dn2" -ge 1 ] || fail "h2 did not answer b2's questions for b1"
[ "$df1" -ge 1 ] || fail "the question for 10.0.0.99 was not counted as flooded"

# b1 asked both questions (the patterns are right), and at most answers
# came back.
[ "$(python3 "$T" count "$TMP/b1.pcap" "$ARP12")" -ge 1 ] ||
    fail "b1's capture has no ARP for 10.0.0.12 from b1"
[ "$(python3 "$T" count "$TMP/b1.pcap" "$NS12")" -ge 1 ] ||
    fail "b1's capture has no NS for fd00::12 from b1"
u_arp=$(python3 "$T" count "$TMP/h1.pcap" "$ARP12")
u_ns=$(python3 "$T" count "$TMP/h1.pcap" "$NS12")
u_99=$(python3 "$T" count "$TMP/h1.pcap" "$ARP99")
b_arp=$(python3 "$T" count "$TMP/b2.pcap" "$ARP12")
b_ns=$(python3 "$T" count "$TMP/b2.pcap" "$NS12")
b_any=$(python3 "$T" count "$TMP/b2.pcap" "$NSANY12")
say "on h1's underlay: ARP for b2 $u_arp, NS for b2 $u_ns, ARP for 10.0.0.99 $u_99;" \
    "at b2: b1's ARP for it $b_arp, b1's NS for it $b_ns (any VM's NS for it: $b_any)"
if [ "$b_any" -ne 0 ] || [ "$b_arp" -ne 0 ]; then
	vm b2 tcpdump -r "$TMP/b2.pcap" -n -e 'arp or (icmp6 and ip6[40] == 135)' \
	    2>/dev/null | sed 's/^/        at b2: /'
fi
[ "$u_arp" -eq 0 ] && [ "$u_ns" -eq 0 ] || fail "a question of b1 for b2 left h1"
[ "$b_arp" -eq 0 ] && [ "$b_ns" -eq 0 ] || fail "a question of b1 for b2 reached b2"
