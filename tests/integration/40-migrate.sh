# 40-migrate — a VM moved from h1 to h2 (vanlab migrate: its NIC stops, a
# new port with the same MAC comes up on h2, its tap becomes the VM's eth0
# with the same IP, the old port goes) is reachable again.
#
# Changed with issue 4: the new port is announced at once (a LEARN with a
# sequence one higher than the binding it replaces), so h3 and h1 move b1
# before any frame is sent to it — no flood, no stale DATA, no UNLEARN, and
# nothing left to withdraw when the old port goes (h1 gave the binding up
# when it heard the higher sequence).  Stale DATA is still answered with
# UNLEARN, and that is shown for a host that missed the announcement: h3
# drops incoming LEARN and UNLEARN (nftables) while b1 moves back; its next
# frame to b1 goes as DATA to h2, which answers UNLEARN; h3 floods, h1
# answers LEARN.  h1 keeps b4 in blue, so it does not LEAVE the VAN.
. "$(dirname "$0")/lib.sh"
lab_up

B1MAC=02:00:0a:00:00:0b
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 before the move"
# b3 must send nothing while b1 moves (below: h3 learns of the move from
# the announcement alone).  But the ping leaves ARP entries that are
# probed 5 s later (used while stale: NUD DELAY -> PROBE) — b1's for b3,
# which b3 answers, and b3's for b1 — inside the move on a slow machine.
# Permanent entries are never probed.
vm b1 ip neigh replace 10.0.0.13 lladdr 02:00:0a:00:00:0d dev eth0 nud permanent &&
    vm b3 ip neigh replace 10.0.0.11 lladdr $B1MAC dev eth0 nud permanent ||
    fail "b1, b3: permanent neighbour entries for each other"
# What the hosts announced has been said again (repeats) by now — at start,
# and at the ping (an ARP answer that tells h1 b1's address is announced):
# the counters below count only what the move sends.
settled h1 h2 h3 || fail "the hosts still repeat their announcements"
w=$(fdb_where h3 blue $B1MAC); s=$(fdb_field h3 blue $B1MAC seq)
[ "$w" = "10.77.1.11:4797" ] || fail "h3 puts b1 at '$w' before the move"
say "before: h3 puts b1 at $w, sequence $s"

in3=$(van_stat h3 blue frames_in); f3=$(van_stat h3 blue flood_tx)
l3=$(van_stat h3 blue learn_rx); u1=$(van_stat h1 blue unlearn_tx)
wd1=$(van_stat h1 blue withdraws); a2=$(van_stat h2 blue announces)
r1=$(van_stat h1 blue repeats)
"$VANLAB" migrate --prefix "$PFX" b1 h2 >"$TMP/mv" || fail "vanlab migrate b1 h2"
say "$(cat "$TMP/mv")"
# Told, not found: h3 moved b1 before it sent anything to it.
at_h2() { [ "$(fdb_where h3 blue $B1MAC)" = "10.77.1.12:4797" ]; }
poll 2 at_h2 || fail "h3 puts b1 at '$(fdb_where h3 blue $B1MAC)' after the move"
[ "$(fdb_field h3 blue $B1MAC seq)" = $((s + 1)) ] ||
    fail "h3 has b1 with sequence $(fdb_field h3 blue $B1MAC seq), not $((s + 1))"
[ "$(fdb_where h1 blue $B1MAC)" = "10.77.1.12:4797" ] ||
    fail "h1 puts b1 at '$(fdb_where h1 blue $B1MAC)' after the move"
[ "$(van_stat h3 blue frames_in)" -eq "$in3" ] || fail "b3 sent frames meanwhile"
dl3=$(($(van_stat h3 blue learn_rx) - l3)); da2=$(($(van_stat h2 blue announces) - a2))
say "announced: h2 announces +$da2, h3 learn_rx +$dl3; h3 and h1 put b1 at h2," \
    "sequence $((s + 1)), before any frame to it"
[ "$da2" -ge 1 ] && [ "$dl3" -ge 1 ] || fail "no announcement"

t0=$(ms_now)
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after the move"
say "b3 reaches b1 again $(($(ms_now) - t0)) ms after the move"
settled h1 || fail "h1 still repeats its withdrawal"
df3=$(($(van_stat h3 blue flood_tx) - f3)); du1=$(($(van_stat h1 blue unlearn_tx) - u1))
dw1=$(($(van_stat h1 blue withdraws) - wd1)); dr1=$(($(van_stat h1 blue repeats) - r1))
say "h3 flood_tx +$df3; h1 unlearn_tx +$du1, withdraws +$dw1, said again $dr1 times"
[ "$df3" -eq 0 ] || fail "h3 flooded $df3 frames to reach b1"
# h1 held b1's configured MAC until its port went (a member's claim never
# takes a port's configured MAC), then withdrew it: one UNLEARN to each
# other member of blue, said again BRIDGE_REPEATS (3) times, and none for
# stale DATA.
[ "$dw1" -eq 1 ] && [ "$dr1" -eq 3 ] && [ "$du1" -eq $((2 * (1 + dr1))) ] ||
    fail "h1 sent $du1 UNLEARNs, $dw1 withdrawals said again $dr1 times (one withdrawal to 2 members, 3 times again, expected)"

# h1 is still in blue (b4), b1 is a port of h2 now, and the VM is whole.
m=$(ctl h3 show vans | jpy "[v for v in j if v['name']=='blue'][0]['members']")
[ "$m" -eq 2 ] || fail "blue has $m members on h3, not 2 (h1 left?)"
ctl h2 show ports | jpy "[p['tap'] for p in j]" | grep -q '"t-b1"' ||
    fail "t-b1 is not a port of h2"
ctl h1 show ports | jpy "[p['tap'] for p in j]" | grep -q '"t-b1"' &&
    fail "t-b1 is still a port of h1"
vm b1 ip -o addr show dev eth0 | grep -q "10.0.0.11/24" || fail "b1 lost its IP"
vm b1 ip -o link show dev eth0 | grep -q "$B1MAC" || fail "b1 lost its MAC"
vm b1 ip -o link show dev old0 >/dev/null 2>&1 && fail "b1 still has its old NIC"
ping_ok b1 10.0.0.14 || fail "b1 (now h2) does not reach b4 (h1)"
"$VANLAB" status --prefix "$PFX" | grep -Eq '^b1 +[^ ]+ +blue +h2 ' ||
    fail "vanlab status does not show b1 on h2"

# And back, while h3 hears no LEARN or UNLEARN: it keeps the stale route.
vm h3 nft -f - <<'NFT' || fail "nft"
table inet van40 {
	chain input {
		type filter hook input priority 0;
		udp dport 4797 @th,64,8 { 0x13, 0x14 } counter drop
	}
}
NFT
u2=$(van_stat h2 blue unlearn_tx); u3=$(van_stat h3 blue unlearn_rx)
f3=$(van_stat h3 blue flood_tx); l3=$(van_stat h3 blue learn_rx)
"$VANLAB" migrate --prefix "$PFX" b1 h1 >/dev/null || fail "vanlab migrate b1 h1"
dropped() { [ "$(vm h3 nft list table inet van40 | sed -n 's/.*packets \([0-9]*\).*/\1/p')" -ge 1 ]; }
poll 2 dropped || fail "h3 dropped no announcement"
# ... nor any of their repeats (docs/protocol.md §4b).
settled h1 h2 || fail "h1 or h2 still repeat the move"
w=$(fdb_where h3 blue $B1MAC)
[ "$w" = "10.77.1.12:4797" ] || fail "h3 puts b1 at '$w': it heard the move?"
vm h3 nft delete table inet van40 || fail "nft delete"
say "moved back; h3 missed the announcement and still puts b1 at $w"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after it moved back"
du2=$(($(van_stat h2 blue unlearn_tx) - u2)); du3=$(($(van_stat h3 blue unlearn_rx) - u3))
df3=$(($(van_stat h3 blue flood_tx) - f3)); dl3=$(($(van_stat h3 blue learn_rx) - l3))
w=$(fdb_where h3 blue $B1MAC)
say "stale DATA: h2 unlearn_tx +$du2, h3 unlearn_rx +$du3, flood_tx +$df3," \
    "learn_rx +$dl3; h3 puts b1 at $w"
[ "$du2" -ge 1 ] || fail "h2 sent no UNLEARN for the stale DATA"
[ "$du3" -ge 1 ] || fail "h3 received no UNLEARN"
[ "$df3" -ge 1 ] && [ "$dl3" -ge 1 ] || fail "h3 did not find b1 by flooding"
[ "$w" = "10.77.1.11:4797" ] || fail "h3 puts b1 at '$w' after the move back"
[ "$(fdb_field h3 blue $B1MAC seq)" = $((s + 2)) ] ||
    fail "h3 has b1 with sequence $(fdb_field h3 blue $B1MAC seq), not $((s + 2))"
ping_ok b2 10.0.0.11 || fail "b2 does not reach b1 after it moved back"
say "moved back to h1: reachable, h3 up to date (sequence $((s + 2)))"
