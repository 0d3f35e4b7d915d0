# 95b-peer-claims — a peer site cannot take a MAC or an address of ours
# (fed2.conf; docs/proxy.md §5, docs/security.md).  In site b a clone of
# a's b1 appears (a port without a MAC on h3, its tap in a namespace with
# b1's MAC and IP) and announces itself: b's proxy, a real vanproxy doing
# its job, tells a's proxy "b1's MAC is behind me", newer than a knows.
# a's proxy never takes a MAC its own site holds (site-claim, counted): its
# site keeps b1 where it is, b2 reaches the real b1, and nothing is
# announced into a.  A new VM of b (a MAC a never saw) uses 10.0.0.12,
# b2's address in a: a's proxy takes the MAC and refuses the address
# (addr-conflict), so a's ARP/ND proxy keeps answering b2's MAC.  Then a's
# peering says what b may claim (`claims`: b3's and b4's MACs and one more,
# their addresses): the clone's frames are dropped (claim-denied), and an
# address outside the prefixes too; once the clone is gone, b3 and b4 reach
# b1 under the claims.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed2.conf"
B1MAC=02:00:0a:00:00:0b B2MAC=02:00:0a:00:00:0c
ping_ok b2 10.0.0.11 || fail "b2 -> b1 before"
ping_ok b2 10.0.0.13 || fail "b2 -> b3 before"
ping_ok b1 10.0.0.14 || fail "b1 -> b4 before"
[ "$(pfdb a 100 $B1MAC)" = 10.77.1.11:4797 ] || fail "a's proxy puts b1 at $(pfdb a 100 $B1MAC)"

# A VM of site b by hand: a port without a MAC on h3, its tap in a
# namespace with MAC and IP of our choice, which says so (a GARP).
EXTRA_NS=""
vm_b() {	# vm_b NAME MAC IP
	ip netns add "$PFX-$1" || fail "ip netns add $1"
	EXTRA_NS="$EXTRA_NS $PFX-$1"
	ip netns exec "$PFX-$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
	"$VANLAB" ctl --prefix "$PFX" h3 -- attach blue "t-$1" >/dev/null || fail "attach t-$1"
	ip -n $PFX-b-h3 link set "t-$1" netns "$PFX-$1" &&
	    ip -n "$PFX-$1" link set "t-$1" address "$2" mtu 1400 up &&
	    ip -n "$PFX-$1" addr add "$3/24" dev "t-$1" || fail "the NIC of $1"
}
garp_b() { ip netns exec "$PFX-$1" python3 "$T" garp "t-$1" "$2" || fail "garp from $1"; }

# 1. The clone in site b.
vm_b clone $B1MAC 10.0.0.11
sc0=$(peer_stat a b drops site-claim); tx0=$(port_tx h1 t-b1)
garp_b clone 10.0.0.11
b_has_clone() { [ "$(pfdb b 200 $B1MAC)" = 10.77.2.11:4797 ]; }
poll 5 b_has_clone || fail "b's proxy puts the clone at $(pfdb b 200 $B1MAC)"
claimed() { [ "$(peer_stat a b drops site-claim)" -ge $((sc0 + 1)) ]; }
poll 5 claimed || fail "a's proxy counts no site-claim from b"
say "the clone of b1 in site b: b's proxy has it behind h3 and tells a;" \
    "a's proxy refuses it (site-claim +$(($(peer_stat a b drops site-claim) - sc0)))"
[ "$(pfdb a 100 $B1MAC)" = 10.77.1.11:4797 ] || fail "a's proxy moved b1 to $(pfdb a 100 $B1MAC)"
[ "$(fdb_where h2 blue $B1MAC)" = 10.77.1.11:4797 ] || fail "h2 moved b1 to $(fdb_where h2 blue $B1MAC)"
[ "$(fdb_where h1 blue $B1MAC)" = t-b1 ] || fail "h1 moved b1 to $(fdb_where h1 blue $B1MAC)"
vm b2 ping -n -q -c 3 -i 0.2 -W 1 10.0.0.11 >/dev/null || fail "b2 -> b1 with the clone"
[ "$(port_tx h1 t-b1)" -ge $((tx0 + 3)) ] || fail "b2's pings did not reach the real b1"
say "site a keeps b1 on h1 (a's proxy, h1, h2 agree); b2's pings reach the real b1"

# 2. A new VM in b (a MAC a never saw) with b2's address 10.0.0.12.
ac0=$(pvan_stat a 100 drops.addr-conflict)
vm_b imp 02:00:0a:00:00:99 10.0.0.12
garp_b imp 10.0.0.12
arrived() { [ "$(pfdb a 100 02:00:0a:00:00:99)" = "peer b" ]; }
poll 5 arrived || fail "a's proxy does not have b's new VM behind b"
conflict() { [ "$(pvan_stat a 100 drops.addr-conflict)" -ge $((ac0 + 1)) ]; }
poll 5 conflict || fail "a's proxy counts no addr-conflict"
nmac() { ctl "$1" show neigh blue | jpy "([e['mac'] for e in j if e['address']=='$2'] or ['none'])[0]"; }
[ "$(nmac h1 10.0.0.12)" = $B2MAC ] || fail "h1 binds 10.0.0.12 to $(nmac h1 10.0.0.12)"
vm b1 ip neigh flush dev eth0 >/dev/null 2>&1
ping_ok b1 10.0.0.12 || fail "b1 -> b2 with b's VM claiming its address"
got=$(vm b1 ip neigh show 10.0.0.12 dev eth0 | awk '{ print $3 }')
[ "$got" = $B2MAC ] || fail "b1 resolves 10.0.0.12 to '$got'"
say "a new VM of b with 10.0.0.12: a's proxy takes the MAC, refuses the address" \
    "(addr-conflict); b1 resolves 10.0.0.12 to b2's MAC"

# 3. What b may claim, by a's peering file: b3's and b4's MACs and one of
# its own, and their addresses.
P=$STATE/a-gw/peering.conf
python3 - "$P" <<'PY' || fail "claims into $P"
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("    vans = (")
s = s[:i] + ('    claims = { macs = [ "02:00:0a:00:00:0d", "02:00:0a:00:00:0e",\n'
             '      "02:00:0a:00:00:98" ]; prefixes = [ "10.0.0.13/32", "10.0.0.14/32" ]; };\n') + s[i:]
open(p, "w").write(s)
PY
"$VANLAB" ctl --prefix "$PFX" a-gw -- reload >/dev/null || fail "a's proxy refused the claims"
cd0=$(peer_stat a b drops claim-denied)
garp_b clone 10.0.0.11			# a MAC not b's to claim
vm_b own 02:00:0a:00:00:98 10.0.0.98	# b's to claim, but not its address
garp_b own 10.0.0.98
denied() { [ "$(peer_stat a b drops claim-denied)" -ge $((cd0 + 2)) ]; }
poll 5 denied || fail "a's proxy counts claim-denied +$(($(peer_stat a b drops claim-denied) - cd0))"
[ "$(pfdb a 100 02:00:0a:00:00:98)" = "peer b" ] || fail "a's proxy refused b's own MAC"
[ "$(nmac h1 10.0.0.98)" = none ] || fail "h1 binds 10.0.0.98 to $(nmac h1 10.0.0.98)"
[ "$(pfdb a 100 $B1MAC)" = 10.77.1.11:4797 ] || fail "a's proxy moved b1"
# Site b has its own clone of b1 (to b's hosts, b1's MAC is the clone):
# once it goes, b3 and b4 reach a's b1 again, under the claims.
"$VANLAB" ctl --prefix "$PFX" h3 -- detach t-clone >/dev/null || fail "detach t-clone"
ping_ok b1 10.0.0.13 || fail "b1 -> b3 with b's claims"
ping_ok b1 10.0.0.14 || fail "b1 -> b4 with b's claims"
say "with claims for b: the clone's frame and 10.0.0.98 are refused (claim-denied" \
    "+$(($(peer_stat a b drops claim-denied) - cd0))), b's own MAC is taken; the clone gone, b3 and b4 reach b1"
grep -q "not its to claim: refused (claim-denied)" "$STATE/a-gw/proxy.log" ||
    fail "a's proxy did not log the refused claims"
