# 86-site-auth — with a site key, control messages forged by an address
# outside the site, sent without the key or with a wrong one, tampered
# with, replayed — also from another member's address or to another
# member — are dropped and counted, nobody is cut off, and the daemon keeps
# serving (docs/protocol.md §7, docs/security.md).
#
# vanlab makes the key (mode 0600, in its state) and gives it to every
# host.  A namespace on the underlay switch that is not a member ("x",
# 10.77.1.200) sends them all, most with a member's address and port as
# source (IP_HDRINCL):
#   - a genuine HELLO of h2 to h1, captured on h1's underlay, sent again
#     to h1: from x's own address (not-member), from h2's (replay);
#   - the same HELLO without its trailer (no-auth), with a byte changed
#     (bad-auth); a LEARN without a trailer (no-auth); a LEARN sealed with a
#     random key (bad-auth); a HELLO announcing a "restart" of h2, sealed
#     with a random key (bad-auth: no restart may follow); a DATA message
#     with the AUTH flag (bad-trailer); a LEARN sealed as before pair keys,
#     with the site key itself (old-auth: site_key_compat is off); a LEARN
#     sealed for h2 -> h1 but of an epoch h2 never announced (new-epoch: an
#     epoch changes by a HELLO only);
#   - a genuine HELLO of h3, the newest member, captured on its way to h1:
#     sent to h1 from h2's address (the attack that used to move h2 to h3's
#     epoch, after which every genuine message of h2 was dropped as a
#     replay: now bad-auth, as the tag names sender and receiver), and to
#     h2 from h3's own address (bad-auth: it was sealed for h1);
#   - and, so that the test can tell the key from a malformed message, a
#     LEARN sealed with the pair key of h2 -> h1, h2's epoch and a fresh
#     counter: that one is accepted (its MAC appears behind h2).
# Afterwards h2 is alive on h1 with its own epoch, never restarted, and its
# genuine messages still count (no replay drops) for several HELLOs.
# (h2 and h3 above: the victim is whichever of them started first, the
# newest member the other: vanlab starts the edges at once.)
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
intruder

# Genuine HELLOs of h2 and h3 to h1, captured on h1's underlay.
bg vm h1 tcpdump -i eth0 -n -U -Z root -w "$TMP/cap.pcap" udp port 4797 and \
    '(' src host 10.77.1.12 or src host 10.77.1.13 ')' 2>"$TMP/cap.err"
cap=$BG
poll 10 grep -q "listening on" "$TMP/cap.err" || fail "tcpdump did not start"
hello() { python3 "$T" pcap-van "$TMP/cap.pcap" "$1" | awk '$1 == 7 && $2 != "-"' | head -1; }
have_hellos() { [ -n "$(hello 10.77.1.12)" ] && [ -n "$(hello 10.77.1.13)" ]; }
poll 5 have_hellos || fail "no authenticated HELLOs from h2 and h3 captured"
stop $cap
# The victim (V) and the newest member (N): h2 and h3 by their boot
# epochs, whichever started later is N (vanlab starts the edges at once).
read -r _ E2 C2 M2 <<EOF
$(hello 10.77.1.12)
EOF
read -r _ E3 C3 M3 <<EOF
$(hello 10.77.1.13)
EOF
[ -n "$M2" ] && [ -n "$M3" ] || fail "no HELLO"
if [ "$E3" -gt "$E2" ]; then
	V=h2 VIP=10.77.1.12 EPOCH=$E2 CTR=$C2 HELLO=$M2 N=h3 NIP=10.77.1.13 EPOCH3=$E3 HELLO3=$M3
else
	V=h3 VIP=10.77.1.13 EPOCH=$E3 CTR=$C3 HELLO=$M3 N=h2 NIP=10.77.1.12 EPOCH3=$E2 HELLO3=$M2
fi
[ "$EPOCH3" -gt "$EPOCH" ] || fail "h2 and h3 have the same epoch ($EPOCH)"
python3 -c 'import sys; sys.exit(not bytes.fromhex(sys.argv[1])[1] & 0x40)' "$HELLO" ||
    fail "$V's HELLO is not sealed with a pair key"
say "captured HELLOs to h1: the victim $V's (epoch $EPOCH, counter $CTR) and the newest member $N's (epoch $EPOCH3)"

H2=$VIP:4797 H1=10.77.1.11:4797
NOAUTH=$(python3 -c 'import sys; m = bytearray.fromhex(sys.argv[1]); m[1] &= 0x3f; print(m[:-32].hex())' "$HELLO")
TAMPER=$(python3 -c 'import sys; m = bytearray.fromhex(sys.argv[1]); m[20] ^= 1; print(m.hex())' "$HELLO")
RESTART=$(python3 -c 'import sys, struct
m = bytearray.fromhex(sys.argv[1])[:-32]; m[1] &= 0x3f
m[12:20] = struct.pack("!Q", int(sys.argv[2]) + 1); print(m.hex())' "$HELLO" "$EPOCH")
RESTART=$(python3 "$T" seal "$RESTART" $((EPOCH + 1)) 1 - $H2 $H1)
L1=$(python3 "$T" learn-msg 100 02:00:de:ad:00:01 1)
L2=$(python3 "$T" learn-msg 100 02:00:de:ad:00:02 1)
L3=$(python3 "$T" learn-msg 100 02:00:de:ad:00:03 1)
L4=$(python3 "$T" learn-msg 100 02:00:de:ad:00:04 1)
L5=$(python3 "$T" learn-msg 100 02:00:de:ad:00:05 1)
GOOD=$(python3 "$T" seal "$L1" "$EPOCH" $((CTR + 3000)) "$KEY" $H2 $H1)
WRONG=$(python3 "$T" seal "$L2" "$EPOCH" $((CTR + 3001)) - $H2 $H1)
V1=$(python3 "$T" seal "$L4" "$EPOCH" $((CTR + 3002)) "$KEY")
NEWEPOCH=$(python3 "$T" seal "$L5" $((EPOCH + 7)) 1 "$KEY" $H2 $H1)
FRAME=02000a00000c02000a00000b0800$(printf '%092d' 0)
DATAAUTH=118010000000006400000064$FRAME

stat_of() { ctl "$1" show stats | jpy "[m for m in j['members'] if m['address']=='$2:4797'][0]['$3']"; }
drops() { stat_of h1 $VIP drops; }
drop() { drops | jpy "j.get('$1', 0)"; }
restarts() { stat_of h1 $VIP restarts; }
nm() { ctl h1 show stats | jpy "j['global']['drops'].get('not-member', 0)"; }
h3bad() { stat_of $V $NIP drops | jpy "j.get('bad-auth', 0)"; }
r0=$(drop replay); n0=$(drop no-auth); b0=$(drop bad-auth); t0=$(drop bad-trailer)
o0=$(drop old-auth); e0=$(drop new-epoch)
nm0=$(nm); rs0=$(restarts); ep0=$(member epoch h1 $VIP); x0=$(h3bad)
[ "$ep0" = "$(printf %016x "$EPOCH")" ] || fail "h1 knows $V's epoch as $ep0"

ip netns exec $X python3 "$T" van 10.77.1.200:4797 10.77.1.11 4797 "$HELLO" ||
    fail "sending from x"
ip netns exec $X python3 "$T" van-spoof $H2 10.77.1.11 4797 \
    "$HELLO" "$NOAUTH" "$L3" "$TAMPER" "$WRONG" "$RESTART" "$DATAAUTH" "$V1" \
    "$NEWEPOCH" "$HELLO3" "$GOOD" || fail "sending forgeries from x"
ip netns exec $X python3 "$T" van-spoof $NIP:4797 $VIP 4797 "$HELLO3" ||
    fail "sending $N's HELLO to $V"
counted() {
	[ "$(nm)" -ge $((nm0 + 1)) ] && [ "$(drop replay)" -ge $((r0 + 1)) ] &&
	    [ "$(drop no-auth)" -ge $((n0 + 2)) ] && [ "$(drop bad-auth)" -ge $((b0 + 4)) ] &&
	    [ "$(drop bad-trailer)" -ge $((t0 + 1)) ] && [ "$(drop old-auth)" -ge $((o0 + 1)) ] &&
	    [ "$(drop new-epoch)" -ge $((e0 + 1)) ] && [ "$(h3bad)" -ge $((x0 + 1)) ]
}
poll 5 counted || fail "h1: not-member +$(($(nm) - nm0)), member $V drops $(drops)"
dr=$(($(drop replay) - r0)); dn=$(($(drop no-auth) - n0))
db=$(($(drop bad-auth) - b0)); dt=$(($(drop bad-trailer) - t0))
do=$(($(drop old-auth) - o0)); de=$(($(drop new-epoch) - e0))
say "h1 counts: not-member +$(($(nm) - nm0)); from $V's address: replay +$dr," \
    "no-auth +$dn, bad-auth +$db, bad-trailer +$dt, old-auth +$do, new-epoch +$de;" \
    "$V counts $N's HELLO for h1 as bad-auth +$(($(h3bad) - x0))"
[ "$dr" -eq 1 ] && [ "$dn" -eq 2 ] && [ "$db" -eq 4 ] && [ "$dt" -eq 1 ] &&
    [ "$do" -eq 1 ] && [ "$de" -eq 1 ] || fail "drops not as sent: $(drops)"

# The one sealed for V -> h1 went through; the others changed nothing.
good() { [ "$(fdb_where h1 blue 02:00:de:ad:00:01)" = "$VIP:4797" ]; }
poll 5 good || fail "the LEARN sealed with the pair key was not accepted"
for m in 02:00:de:ad:00:02 02:00:de:ad:00:03 02:00:de:ad:00:04 02:00:de:ad:00:05; do
	[ "$(fdb_where h1 blue $m)" = none ] || fail "a forged LEARN for $m was applied"
done
[ "$(restarts)" -eq "$rs0" ] || fail "h1 believed a forged restart of $V"
[ "$(member epoch h1 $VIP)" = "$ep0" ] || fail "$V's epoch changed on h1"
say "only the LEARN sealed for $V -> h1 was applied; no forged restart, $V's epoch kept"

# V is not cut off: for several HELLOs its genuine messages count.
hellos() { stat_of h1 $VIP rx | jpy "j['HELLO']"; }
r1=$(drop replay); a0=$(hellos)
more_hellos() { [ "$(hellos)" -ge $((a0 + 8)) ]; }
poll 10 more_hellos || fail "$V's HELLOs no longer count on h1"
[ "$(drop replay)" -eq "$r1" ] || fail "h1 drops $V's genuine messages as replays"
[ "$(member state h1 $VIP)" = alive ] || fail "$V is not alive on h1"
say "$V stays alive on h1: 8 more HELLOs accepted, none taken for a replay"

# Still serving: traffic in both VANs.
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the forgeries"
ping_ok r2 10.0.0.11 || fail "r2 -> r1 after the forgeries"
ping_ok b3 10.0.0.14 || fail "b3 -> b4 after the forgeries"
kill -0 "$(pidof_edge h1)" || fail "h1's vanedge is gone"
say "h1 keeps serving: pings pass in both VANs"
