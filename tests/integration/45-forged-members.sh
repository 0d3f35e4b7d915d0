# 45-forged-members — a host on the underlay that forges site members'
# addresses (no site key: the member list is all that stands) cannot make
# an edge an amplifier, fill its tables, take a VM's configured MAC or
# address, outrun a binding's sequence, keep it busy with restarts, or get
# a malformed frame to a VM (docs/security.md).  A namespace "x" on the
# underlay switch (10.77.1.200) sends, with h2's or h3's address and port
# as source (IP_HDRINCL), to h1 only:
#   - 200 HELLOs with SYNC: h1 answers one an interval (sync-limit), not
#     a JOIN per VAN for each;
#   - 70 000 JOINs of VANs h1 does not carry: it keeps 256 of them
#     (join-foreign), its membership table never fills (table-full 0), and
#     h2's real JOINs, asked for again afterwards, are kept;
#   - 500 times a JOIN and a HELLO of a new epoch of h3: at most one
#     restart an interval is taken (epoch-limit), and h3 recovers;
#   - a LEARN of b1's MAC (configured on h1's port) with a higher sequence:
#     it stays on its port (static-claim), b4 on h1 still reaches it;
#   - a LEARN of b3's MAC (on h3) a sequence half the space ahead: refused
#     (seq-jump), b1 still reaches b3 at h3;
#   - a LEARN of another MAC with b4's address (b4 is on h1): the address
#     stays b4's (addr-conflict); b1's ARP for it is not answered with the
#     forger's MAC;
#   - 17 000 DATA messages from 17 000 source MACs: at most fdb_max / 4
#     routes through h2 (member_routes_max's default), the rest refused;
# and b1 sends b3 a TCP frame whose IP packet ends inside its TCP header:
# it reaches b3 whole (GRO takes only frames it can parse), not cut.
. "$(dirname "$0")/lib.sh"
lab_up

intruder
H2=10.77.1.12:4797 H3=10.77.1.13:4797 H1=10.77.1.11
spoof() { ip netns exec $X python3 "$T" "$@" || fail "x: $1"; }
mstat() { ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='$1:4797'][0]$2"; }
mdrop() { mstat "$1" "['drops'].get('$2', 0)"; }
vdrop() { ctl h1 show stats | jpy "[v for v in j['vans'] if v['name']=='$1'][0]['drops'].get('$2', 0)"; }
ping_ok b1 10.0.0.13 || fail "b1 -> b3 before"
ping_ok b4 10.0.0.11 || fail "b4 -> b1 before"

# 1. HELLO+SYNC, 200 times: one answer an interval.
E2=$(member epoch h1 10.77.1.12)
HELLO=$(python3 -c 'import struct, sys
print((bytes([0x17, 1, 16, 0]) + bytes(8) + struct.pack("!QIIQ", int(sys.argv[1], 16),
    250, 2, 0)).hex())' "$E2")
j0=$(mstat 10.77.1.12 "['tx']['JOIN']"); s0=$(mdrop 10.77.1.12 sync-limit)
t0=$(ms_now)
spoof van-spoof $H2 $H1 4797 $(for i in $(seq 200); do printf '%s ' "$HELLO"; done)
limited() { [ "$(mdrop 10.77.1.12 sync-limit)" -ge $((s0 + 190)) ]; }
poll 5 limited || fail "sync-limit +$(($(mdrop 10.77.1.12 sync-limit) - s0)), not >= 190"
dt=$(($(ms_now) - t0))
dj=$(($(mstat 10.77.1.12 "['tx']['JOIN']") - j0))
say "200 forged HELLO+SYNC in $dt ms: h1 sent h2 $dj JOINs," \
    "sync-limit +$(($(mdrop 10.77.1.12 sync-limit) - s0))"
# Two VANs here: two JOINs an answer, one answer an interval (250 ms).
[ "$dj" -le $((2 * (dt / 250 + 2))) ] || fail "h1 answered with $dj JOINs in $dt ms"

# 2. 70 000 JOINs of VANs h1 does not carry, "from h3".
f0=$(mdrop 10.77.1.13 join-foreign); j0=$(mstat 10.77.1.13 "['rx']['JOIN']")
y0=$(mstat 10.77.1.13 "['syncs']")
spoof flood-joins $H3 $H1 4797 100000 70000
# All that arrived (a loaded machine may drop some on the way) was counted.
joins() { echo $(($(mstat 10.77.1.13 "['rx']['JOIN']") - j0)); }
settled_joins() { a=$(joins); sleep 0.2; [ "$a" -ge 1000 ] && [ "$(joins)" -eq "$a" ]; }
poll 20 settled_joins || fail "h1 got $(joins) of the JOINs"
# Kept: 256 of them (and h3's own) — again after each resync h3's HELLO
# digest asks for, which forgets them.
foreign() { [ "$(mdrop 10.77.1.13 join-foreign)" -ge \
    $((f0 + $(joins) - 260 * ($(mstat 10.77.1.13 "['syncs']") - y0 + 1))) ]; }
poll 5 foreign || fail "join-foreign +$(($(mdrop 10.77.1.13 join-foreign) - f0)) of $(joins) JOINs"
kept=$(ctl h1 show members | jpy "[m for m in j if m['address']=='10.77.1.13:4797'][0]['vans_kept']")
tf=$(ctl h1 show stats | jpy "sum(m['drops'].get('table-full', 0) for m in j['members'])")
say "70 000 forged JOINs ($(joins) arrived): h1 keeps $kept memberships of h3," \
    "join-foreign +$(($(mdrop 10.77.1.13 join-foreign) - f0)), table-full $tf"
[ "$kept" -le 258 ] || fail "h1 keeps $kept memberships of h3"
[ "$tf" -eq 0 ] || fail "h1's membership table filled (table-full $tf)"
# h1 forgets h2's memberships (a HELLO with a wrong digest) and asks again.
BADDIGEST=$(python3 -c 'import struct, sys
print((bytes([0x17, 0, 16, 0]) + bytes(8) + struct.pack("!QIIQ", int(sys.argv[1], 16),
    250, 7, 7)).hex())' "$E2")
spoof van-spoof $H2 $H1 4797 "$BADDIGEST"
h2_vans() { [ "$(ctl h1 show members | jpy "[m for m in j if m['address']=='10.77.1.12:4797'][0]['vans_kept']")" -eq 2 ]; }
poll 5 h2_vans || fail "h1 lost h2's memberships"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the JOIN flood"
say "h2's JOINs asked for again are kept (2 VANs); b1 reaches b2"

# 3. A JOIN and a new epoch of h3, 500 times.
E3=$(member epoch h1 10.77.1.13)
r0=$(mstat 10.77.1.13 "['restarts']"); l0=$(mdrop 10.77.1.13 epoch-limit)
t0=$(ms_now)
spoof epoch-churn $H3 $H1 4797 100 "$((0x$E3 + 1000000))" 500
churned() { [ "$(mdrop 10.77.1.13 epoch-limit)" -ge $((l0 + 400)) ]; }
poll 10 churned || fail "epoch-limit +$(($(mdrop 10.77.1.13 epoch-limit) - l0))"
dt=$(($(ms_now) - t0)); dr=$(($(mstat 10.77.1.13 "['restarts']") - r0))
say "500 forged restarts of h3 in $dt ms: h1 took $dr," \
    "epoch-limit +$(($(mdrop 10.77.1.13 epoch-limit) - l0))"
[ "$dr" -le $((dt / 250 + 2)) ] || fail "h1 took $dr restarts in $dt ms"
back() { [ "$(member epoch h1 10.77.1.13)" = "$E3" ] && [ "$(member state h1 10.77.1.13)" = alive ]; }
poll 10 back || fail "h3 did not recover on h1 (epoch $(member epoch h1 10.77.1.13))"
ping_ok b1 10.0.0.13 || fail "b1 -> b3 after the restarts"
say "h3 back on h1 with its own epoch; b1 reaches b3"

# 4. Claims: b1's configured MAC, b3's sequence, b4's address.
B1MAC=02:00:0a:00:00:0b B3MAC=02:00:0a:00:00:0d B4MAC=02:00:0a:00:00:0e
sc0=$(vdrop blue static-claim); sj0=$(vdrop blue seq-jump); ac0=$(vdrop blue addr-conflict)
s1=$(fdb_field h1 blue $B1MAC seq); s3=$(fdb_field h1 blue $B3MAC seq)
vm b4 python3 "$T" garp eth0 10.0.0.14 || fail "garp b4"
b4_local() { [ "$(ctl h1 show neigh blue | jpy "[e['kind'] for e in j if e['address']=='10.0.0.14'] == ['local']")" = true ]; }
poll 5 b4_local || fail "h1 does not know 10.0.0.14 as b4's: $(ctl h1 show neigh blue)"
L1=$(python3 "$T" learn-msg 100 $B1MAC $((s1 + 100)))
L3=$(python3 "$T" learn-msg 100 $B3MAC $((s3 + 0x7fffffff)))
L4=$(python3 -c 'import struct
print((bytes([0x13, 0, 16, 0]) + struct.pack("!II", 100, 100) +
    bytes.fromhex("0200deadbeef") + struct.pack("!BBI", 0, 1, 1) + bytes([4, 10, 0, 0, 14])).hex())')
spoof van-spoof $H2 $H1 4797 "$L1" "$L3" "$L4"
claims() { [ "$(vdrop blue static-claim)" -ge $((sc0 + 1)) ] &&
    [ "$(vdrop blue seq-jump)" -ge $((sj0 + 1)) ] &&
    [ "$(vdrop blue addr-conflict)" -ge $((ac0 + 1)) ]; }
poll 5 claims || fail "h1 counts static-claim +$(($(vdrop blue static-claim) - sc0))," \
    "seq-jump +$(($(vdrop blue seq-jump) - sj0)), addr-conflict +$(($(vdrop blue addr-conflict) - ac0))"
[ "$(fdb_where h1 blue $B1MAC)" = t-b1 ] || fail "h1 moved b1's configured MAC"
[ "$(fdb_where h1 blue $B3MAC)" = 10.77.1.13:4797 ] || fail "h1 moved b3 off h3"
owner=$(ctl h1 show neigh blue | jpy "[e['mac'] for e in j if e['address']=='10.0.0.14'][0]")
[ "$owner" = $B4MAC ] || fail "h1 binds 10.0.0.14 to $owner"
ping_ok b4 10.0.0.11 || fail "b4 -> b1 after the claim"
ping_ok b1 10.0.0.13 || fail "b1 -> b3 after the claim"
vm b1 ip neigh flush dev eth0 >/dev/null 2>&1
ping_ok b1 10.0.0.14 || fail "b1 -> b4 after the claim on its address"
got=$(vm b1 ip neigh show 10.0.0.14 dev eth0 | awk '{ print $3 }')
[ "$got" = $B4MAC ] || fail "b1 resolves 10.0.0.14 to '$got'"
say "claims refused and counted: b1's MAC stays on t-b1 (static-claim), b3's" \
    "at h3 (seq-jump), 10.0.0.14 b4's (addr-conflict); b1 resolves 10.0.0.14 to $got"

# 5. Source learning: 17 000 source MACs "through h2".
max=$((65536 / 4))	# fdb_max's default / BRIDGE_MEMBER_ROUTES_SHARE
q0=$(mstat 10.77.1.12 "['learn_refused']"); d0=$(mstat 10.77.1.12 "['rx']['DATA']")
routes() { ctl h1 show members | jpy "[m for m in j if m['address']=='10.77.1.12:4797'][0]['routes']"; }
r0=$(routes)
spoof flood-srcmacs $H2 $H1 4797 100 02:00:00:00:99:99 17000
datas() { echo $(($(mstat 10.77.1.12 "['rx']['DATA']") - d0)); }
settled_data() { a=$(datas); sleep 0.2; [ "$a" -ge 1000 ] && [ "$(datas)" -eq "$a" ]; }
poll 20 settled_data || fail "h1 got $(datas) of the DATA messages"
# Each new source MAC is a route until the limit; every one past it refused
# (h2's own frames meanwhile, from MACs known already, are neither).
want=$((r0 + $(datas) > max ? max : r0 + $(datas)))
capped() {
	n=$(($(routes) - r0)) q=$(($(mstat 10.77.1.12 "['learn_refused']") - q0))
	[ "$(routes)" -eq "$want" ] && [ $((n + q)) -le "$(datas)" ] &&
	    [ $((n + q)) -ge $(($(datas) - 20)) ]
}
poll 5 capped || fail "routes $(routes), not $want; learn_refused" \
    "+$(($(mstat 10.77.1.12 "['learn_refused']") - q0)) of $(datas)"
say "17 000 forged source MACs ($(datas) arrived): $(routes) routes through h2 (limit $max)," \
    "learn_refused +$(($(mstat 10.77.1.12 "['learn_refused']") - q0))"
[ "$(routes)" -le "$max" ] || fail "$(routes) routes through h2, over $max"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the source-MAC flood"

# 6. A frame whose IP packet ends inside its TCP header, b1 -> b3.
F=$(python3 -c 'import struct
ip = bytearray(20); ip[0] = 0x45; struct.pack_into("!H", ip, 2, 30); ip[6] = 0x40
ip[8] = 64; ip[9] = 6; ip[12:20] = bytes([10, 0, 0, 11, 10, 0, 0, 13])
tcp = bytearray(32); tcp[0:4] = bytes([0x13, 0x89, 0, 80]); tcp[12] = 8 << 4; tcp[13] = 0x10
f = bytes.fromhex("02000a00000d02000a00000b0800") + bytes(ip) + bytes(tcp)
print((f + bytes([0x5a]) * (100 - len(f))).hex())')
bg vm b3 tcpdump -i eth0 -n -U -Z root -w "$TMP/b3.pcap" ether src $B1MAC and tcp 2>"$TMP/b3.err"
cap=$BG
poll 10 grep -q "listening on" "$TMP/b3.err" || fail "tcpdump did not start"
vm b1 python3 "$T" frame eth0 "$F" "$F" || fail "frame from b1"
whole() { [ "$(python3 "$T" pcap-grep "$TMP/b3.pcap" "$F")" -ge 2 ]; }
poll 5 whole || fail "b3 did not get the frame whole ($(python3 "$T" pcap-grep "$TMP/b3.pcap" "$F") of 2)"
stop $cap
say "a TCP frame with its IP packet ending in its TCP header reaches b3 whole, twice"
kill -0 "$(pidof_edge h1)" && kill -0 "$(pidof_edge h3)" || fail "an edge is gone"
