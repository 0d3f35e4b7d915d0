# 86-site-auth — with a site key, control messages forged by an address
# outside the site, sent without the key or with a wrong one, tampered
# with, or replayed are dropped and counted, and the daemon keeps serving.
#
# vanlab makes the key (mode 0600, in its state) and gives it to every
# host.  A namespace on the underlay switch that is not a member ("x",
# 10.77.1.200) sends them all, most with h2's address and port as source
# (IP_HDRINCL), to h1:
#   - a genuine HELLO of h2, captured on h1's underlay, sent again:
#     from x's own address (not-member), from h2's (replay);
#   - the same HELLO without its trailer (no-auth), with a byte changed
#     (bad-auth); a LEARN without a trailer (no-auth); a LEARN sealed with a
#     random key (bad-auth); a HELLO announcing a "restart" of h2, sealed
#     with a random key (bad-auth: no restart may follow); a DATA message
#     with the AUTH flag (bad-trailer);
#   - and, so that the test can tell the key from a malformed message, a
#     LEARN sealed with the site key itself, h2's epoch and a fresh counter:
#     that one is accepted (its MAC appears behind h2).
. "$(dirname "$0")/lib.sh"
sed 's/^lab = { /lab = { site_key = true; /' "$HERE/lab.conf" >"$TMP/lab.conf"
lab_up "$TMP/lab.conf"

KEY=$STATE/site.key
[ "$(stat -c %a "$KEY")" = 600 ] || fail "site key mode $(stat -c %a "$KEY")"
for h in h1 h2 h3; do
	grep -q "site_key = \"$KEY\";" "$STATE/a-$h/edge.conf" || fail "$h has no site key"
done
"$VANLAB" status --prefix "$PFX" | grep -q "^site key $KEY" || fail "status: no site key"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 before"
say "site key $KEY (mode 600) on every host; traffic flows"

# x: a namespace on the underlay switch that is not a member.
X=$PFX-x
EXTRA_NS=$X
ip netns add $X || fail "ip netns add"
ip netns exec $X sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
ip -n $PFX-a-sw link add name x type veth peer name eth0 netns $X || fail "veth"
ip -n $PFX-a-sw link set x master br0 up &&
    ip -n $X link set lo up && ip -n $X link set eth0 up &&
    ip -n $X addr add 10.77.1.200/24 dev eth0 || fail "x on the underlay"

# A genuine HELLO of h2 to h1, captured on h1's underlay.
bg vm h1 tcpdump -i eth0 -n -U -Z root -w "$TMP/cap.pcap" src host 10.77.1.12 \
    and udp port 4797 2>"$TMP/cap.err"
cap=$BG
poll 10 grep -q "listening on" "$TMP/cap.err" || fail "tcpdump did not start"
hello() { python3 "$T" pcap-van "$TMP/cap.pcap" 10.77.1.12 | awk '$1 == 7 && $2 != "-"' | head -1; }
have_hello() { [ -n "$(hello)" ]; }
poll 5 have_hello || fail "no authenticated HELLO from h2 captured"
stop $cap
read -r _ EPOCH CTR HELLO <<EOF
$(hello)
EOF
[ -n "$HELLO" ] || fail "no HELLO"
say "captured h2's HELLO: epoch $EPOCH, counter $CTR"

NOAUTH=$(python3 -c 'import sys; m = bytearray.fromhex(sys.argv[1]); m[1] &= 0x7f; print(m[:-32].hex())' "$HELLO")
TAMPER=$(python3 -c 'import sys; m = bytearray.fromhex(sys.argv[1]); m[20] ^= 1; print(m.hex())' "$HELLO")
RESTART=$(python3 -c 'import sys, struct
m = bytearray.fromhex(sys.argv[1])[:-32]; m[1] &= 0x7f
m[12:20] = struct.pack("!Q", int(sys.argv[2]) + 1); print(m.hex())' "$HELLO" "$EPOCH")
RESTART=$(python3 "$T" seal "$RESTART" $((EPOCH + 1)) 1 -)
L1=$(python3 "$T" learn-msg 100 02:00:de:ad:00:01 1)
L2=$(python3 "$T" learn-msg 100 02:00:de:ad:00:02 1)
L3=$(python3 "$T" learn-msg 100 02:00:de:ad:00:03 1)
GOOD=$(python3 "$T" seal "$L1" "$EPOCH" $((CTR + 3000)) "$KEY")
WRONG=$(python3 "$T" seal "$L2" "$EPOCH" $((CTR + 3001)) -)
FRAME=02000a00000c02000a00000b0800$(printf '%092d' 0)
DATAAUTH=118010000000006400000064$FRAME

drops() { ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['drops']"; }
drop() { drops | jpy "j.get('$1', 0)"; }
restarts() { ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['restarts']"; }
nm() { ctl h1 show stats | jpy "j['global']['drops'].get('not-member', 0)"; }
r0=$(drop replay); n0=$(drop no-auth); b0=$(drop bad-auth); t0=$(drop bad-trailer)
nm0=$(nm); rs0=$(restarts); ep0=$(member epoch h1 10.77.1.12)
[ "$ep0" = "$(printf %016x "$EPOCH")" ] || fail "h1 knows h2's epoch as $ep0"

ip netns exec $X python3 "$T" van 10.77.1.200:4797 10.77.1.11 4797 "$HELLO" ||
    fail "sending from x"
ip netns exec $X python3 "$T" van-spoof 10.77.1.12:4797 10.77.1.11 4797 \
    "$HELLO" "$NOAUTH" "$L3" "$TAMPER" "$WRONG" "$RESTART" "$DATAAUTH" "$GOOD" ||
    fail "sending forgeries from x"
counted() {
	[ "$(nm)" -ge $((nm0 + 1)) ] && [ "$(drop replay)" -ge $((r0 + 1)) ] &&
	    [ "$(drop no-auth)" -ge $((n0 + 2)) ] && [ "$(drop bad-auth)" -ge $((b0 + 3)) ] &&
	    [ "$(drop bad-trailer)" -ge $((t0 + 1)) ]
}
poll 5 counted || fail "h1: not-member +$(($(nm) - nm0)), member h2 drops $(drops)"
dr=$(($(drop replay) - r0)); dn=$(($(drop no-auth) - n0))
db=$(($(drop bad-auth) - b0)); dt=$(($(drop bad-trailer) - t0))
say "h1 counts: not-member +$(($(nm) - nm0)); from h2's address: replay +$dr," \
    "no-auth +$dn, bad-auth +$db, bad-trailer +$dt"
[ "$dr" -eq 1 ] && [ "$dn" -eq 2 ] && [ "$db" -eq 3 ] && [ "$dt" -eq 1 ] ||
    fail "drops not as sent: $(drops)"

# The one sealed with the site key went through; the others changed nothing.
good() { [ "$(fdb_where h1 blue 02:00:de:ad:00:01)" = "10.77.1.12:4797" ]; }
poll 5 good || fail "the LEARN sealed with the site key was not accepted"
for m in 02:00:de:ad:00:02 02:00:de:ad:00:03; do
	[ "$(fdb_where h1 blue $m)" = none ] || fail "a forged LEARN for $m was applied"
done
[ "$(restarts)" -eq "$rs0" ] || fail "h1 believed the forged restart of h2"
[ "$(member epoch h1 10.77.1.12)" = "$ep0" ] || fail "h2's epoch changed on h1"
say "only the LEARN sealed with the site key was applied; no forged restart"

# Still serving: h2 alive, no routes lost, traffic in both VANs.
[ "$(member state h1 10.77.1.12)" = alive ] || fail "h2 is not alive on h1"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the forgeries"
ping_ok r2 10.0.0.11 || fail "r2 -> r1 after the forgeries"
ping_ok b3 10.0.0.14 || fail "b3 -> b4 after the forgeries"
kill -0 "$(pidof_edge h1)" || fail "h1's vanedge is gone"
say "h1 keeps serving: h2 alive (epoch unchanged), pings pass in both VANs"
