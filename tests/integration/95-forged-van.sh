# 95-forged-van — a peer that sends valid tunnel traffic with VAN IDs the
# peering does not map gets nothing delivered (fed2.conf).  Site a's proxy
# is misconfigured on purpose: its peering file maps its red (200) to b's
# blue ID (200: a forged pair, red frames claiming to be blue) and its blue
# (100) to b's green ID (300, which b maps to nobody).  vanproxy takes the
# file (it is consistent in itself), the tunnel stays up, and a's VMs send
# datagrams, broadcasts and pings to site b: b's proxy decrypts them (its
# byte counters grow), drops every one as `unmapped-van`, and no port in
# site b receives a frame.  Restoring the file restores the traffic.
. "$(dirname "$0")/lib.sh"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"
lab_up "$HERE/fed2.conf"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 before the change"
ping_ok r1 10.0.0.13 || fail "r1 does not reach r3 before the change"
P=$STATE/a-gw/peering.conf
cp "$P" "$TMP/peering.good"
sed -i 's|^      { local = 100; remote = 200; }.*|      { local = 100; remote = 300; },  /* blue to b'"'"'s green: unmapped */|
        s|^      { local = 200; remote = 100; }.*|      { local = 200; remote = 200; }   /* red as b'"'"'s blue: forged */|' "$P"
grep -q 'remote = 300' "$P" && grep -q 'local = 200; remote = 200' "$P" || fail "sed: $(cat "$P")"
"$VANLAB" ctl --prefix "$PFX" a-gw -- reload >/dev/null || fail "a's proxy refused the misconfigured file"
pairs=$(pctl a show peers | jpy "sorted([v['local'], v['remote']] for v in j[0]['vans'])")
[ "$pairs" = '[[100, 300], [200, 200]]' ] || fail "a's pairs after the reload: $pairs"
alive() { [ "$(pctl b show peers | jpy "j[0]['state']")" = alive ]; }
poll 5 alive || fail "b's proxy lost peer a"
say "a's proxy now maps blue 100>300 (b's green) and red 200>200 (b's blue); the tunnel stays up"

# Nothing may arrive: sinks on 10.0.0.13 in all three VANs of site b.
for v in b3 r3 g3; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9000 "$TMP/$v.sink" 20
done
poll 10 sh -c "test -e '$TMP/b3.sink' && test -e '$TMP/r3.sink' && test -e '$TMP/g3.sink'" ||
    fail "udp sinks"
# Static neighbours: the frames themselves cross, not only ARP.
for v in b1 r1; do
	vm $v ip neigh replace 10.0.0.13 lladdr 02:00:0a:00:00:0d dev eth0 || fail "ip neigh $v"
done
tx0=$(for p in t-b3 t-r3 t-g3; do port_tx h3 $p; done | tr '\n' ' ')
u0=$(peer_stat b a drops unmapped-van)
rxb0=$(pctl b show peers | jpy "j[0]['rx_bytes']")
wg0=$(wg show "$(wg_of b)" transfer | awk '{ print $2 }')
vm r1 python3 "$T" udp-send 10.0.0.13 9000 100 1 forged || fail "udp-send r1"
vm b1 python3 "$T" udp-send 10.0.0.13 9000 100 1 unmapped || fail "udp-send b1"
vm r1 python3 "$T" udp-send 10.0.0.255 9000 20 1 bcast || fail "udp-send r1 broadcast"
vm b1 ping -n -q -c 3 -i 0.2 -W 1 10.0.0.13 >/dev/null 2>&1 && fail "b1 reached 10.0.0.13"
dropped() { [ "$(peer_stat b a drops unmapped-van)" -ge $((u0 + 220)) ]; }
poll 10 dropped || fail "b's proxy dropped $(($(peer_stat b a drops unmapped-van) - u0)) as unmapped-van, not >= 220"
sleep 0.5
u=$(($(peer_stat b a drops unmapped-van) - u0))
rxb=$(($(pctl b show peers | jpy "j[0]['rx_bytes']") - rxb0))
wg=$(($(wg show "$(wg_of b)" transfer | awk '{ print $2 }') - wg0))
tx1=$(for p in t-b3 t-r3 t-g3; do port_tx h3 $p; done | tr '\n' ' ')
nb=$(sink_count "$TMP/b3.sink") nr=$(sink_count "$TMP/r3.sink") ng=$(sink_count "$TMP/g3.sink")
say "a sent 223 frames with its wrong IDs: b's proxy decrypted $rxb bytes from a" \
    "(wg show: +$wg), dropped $u as unmapped-van"
[ "$nb$nr$ng" = 000 ] || fail "delivered in site b: blue $nb, red $nr, green $ng"
[ "$tx1" = "$tx0" ] || fail "ports t-b3 t-r3 t-g3 of h3 wrote frames: $tx0-> $tx1"
[ "$rxb" -gt 10000 ] && [ "$wg" -gt 10000 ] || fail "the tunnel carried only $rxb bytes"
set -- $tx1
say "site b delivered nothing: sinks on b3, r3, g3 got 0; h3's ports t-b3, t-r3, t-g3" \
    "wrote no frame (still $1, $2, $3)"

cp "$TMP/peering.good" "$P"
"$VANLAB" ctl --prefix "$PFX" a-gw -- reload >/dev/null || fail "reload of the good file"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 after the good file is back"
ping_ok r1 10.0.0.13 || fail "r1 does not reach r3 after the good file is back"
u2=$(($(peer_stat b a drops unmapped-van) - u0 - u))
say "the good peering file back: b1 -> b3 and r1 -> r3 work again (unmapped-van +$u2)"
