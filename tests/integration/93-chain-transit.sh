# 93-chain-transit — three sites in a chain a - b - c (fed3.conf): blue has
# VMs in a and c only, so b's proxy carries it in transit (a VAN it has no
# node in), each site with its own ID for it (a 100, b 300, c 200).  VMs
# ping and move TCP from a to c; b's proxy counts the frames as transit,
# none as relayed into its site, and b's host hears nothing of blue.  Split
# horizon: broadcasts from a reach c once each and never come back to a.
# Privacy across the transit: c's proxy knows b alone, and nothing site c
# shows names an address of a or of b's inside.  Red crosses a - b only.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed3.conf"
B1MAC=02:00:0a:00:00:0b B3MAC=02:00:0a:00:00:0d

ping_ok b1 10.0.0.13 || fail "b1 (a) does not reach b3 (c)"
ping_ok b3 10.0.0.11 || fail "b3 (c) does not reach b1 (a)"
ping_ok r2 10.0.0.11 || fail "r2 (b) does not reach r1 (a)"
bg vm b3 python3 "$T" tcp-recv 0.0.0.0 5001 "$TMP/b3.tcp" 30
poll 10 test -e "$TMP/b3.tcp.ready" || fail "tcp-recv in b3"
t0=$(ms_now)
sent=$(vm b1 python3 "$T" tcp-send 10.0.0.13 5001 3 8000000 30) || fail "tcp-send b1 -> b3"
poll 10 test -s "$TMP/b3.tcp" || fail "tcp-recv in b3 did not finish"
[ "$sent" = "$(cat "$TMP/b3.tcp")" ] || fail "TCP b1 -> b3: sent '$sent', got '$(cat "$TMP/b3.tcp")'"
say "a -> c through b: ping both ways, TCP 8000000 bytes in $(($(ms_now) - t0)) ms, sha256 equal"

# --- transit: b carries blue (its 300) without a node in it -----------------
tr=$(pvan_stat b 300 transit) rl=$(pvan_stat b 300 relayed)
[ "$tr" -gt 1000 ] || fail "b's proxy counted $tr transit frames of blue"
[ "$rl" = 0 ] || fail "b's proxy relayed $rl blue frames into its site"
[ "$(pctl b show vans | jpy "[v['members'] for v in j if v['id']==300][0]")" = 2 ] ||
    fail "blue at b's proxy: not 2 members (peers a and c)"
[ "$(pfdb b 300 $B1MAC)" = "peer a" ] && [ "$(pfdb b 300 $B3MAC)" = "peer c" ] ||
    fail "b's proxy: b1 at '$(pfdb b 300 $B1MAC)', b3 at '$(pfdb b 300 $B3MAC)'"
n=$(ctl h2 show fdb blue | jpy "len(j)")
[ "$n" = 0 ] || fail "h2 has $n blue routes"
[ "$(van_stat h2 blue flood_rx)" = 0 ] && [ "$(van_stat h2 blue data_rx)" = 0 ] ||
    fail "h2 received blue frames"
say "b's proxy: blue (its 300) transit $tr frames, relayed into b $rl; b1 'peer a'," \
    "b3 'peer c'; h2 heard nothing of blue"

# --- split horizon: floods from a reach c once, never come back ------------
bg vm b3 python3 "$T" udp-sink 0.0.0.0 9001 "$TMP/b3.sink" 20
poll 10 test -e "$TMP/b3.sink" || fail "udp-sink in b3"
ra0=$(peer_stat b a rx FLOOD) tc0=$(peer_stat b c tx FLOOD) ta0=$(peer_stat b a tx FLOOD)
rc0=$(peer_stat c b rx FLOOD)
vm b1 python3 "$T" udp-send 10.0.0.255 9001 60 2 bcast || fail "udp-send b1"
got() { [ "$(sink_count "$TMP/b3.sink")" -ge 60 ]; }
poll 10 got || fail "b3 got $(sink_count "$TMP/b3.sink") of 60 broadcasts"
sleep 0.5
ra=$(($(peer_stat b a rx FLOOD) - ra0)) tc=$(($(peer_stat b c tx FLOOD) - tc0))
ta=$(($(peer_stat b a tx FLOOD) - ta0)) rc=$(($(peer_stat c b rx FLOOD) - rc0))
nb=$(sink_count "$TMP/b3.sink")
say "60 broadcasts from b1: b's proxy got $ra floods from a, sent $tc to c and $ta" \
    "back to a; c's proxy got $rc; b3 received $nb"
[ "$nb" = 60 ] || fail "b3 received $nb broadcasts, not 60 (once each)"
[ "$ra" -ge 60 ] && [ "$tc" = "$ra" ] && [ "$rc" = "$tc" ] ||
    fail "floods from a: $ra in at b, $tc on to c, $rc at c"
[ "$ta" = 0 ] || fail "split horizon: b sent $ta floods back to a"
[ "$(peer_stat b a drops hop-limit)" = 0 ] && [ "$(peer_stat b c drops hop-limit)" = 0 ] ||
    fail "hop-limit drops on a chain of three"

# --- privacy across the transit ---------------------------------------------
[ "$(pctl c show peers | jpy "[p['name'] for p in j]")" = '["b"]' ] ||
    fail "c's proxy has peers other than b"
[ "$(pfdb c 200 $B1MAC)" = "peer b" ] || fail "c's proxy: b1 at '$(pfdb c 200 $B1MAC)'"
[ "$(fdb_where h3 blue $B1MAC)" = 10.77.3.10:4797 ] || fail "h3: b1 at '$(fdb_where h3 blue $B1MAC)'"
{ for w in members fdb neigh stats peers vans; do pctl c show $w; done
  for w in members fdb neigh stats; do ctl h3 show $w; done; } >"$TMP/c-view"
for a in '10\.77\.1\.' '10\.77\.2\.' '10\.76\.0\.11'; do
	grep -q "$a" "$TMP/c-view" && fail "site c's daemons name $a: $(grep -m1 "$a" "$TMP/c-view")"
done
pctl c show vans | jpy "[v['id'] for v in j]" | grep -q 300 && fail "c's proxy configures red"
say "c sees b1 as 'peer b' (its proxy) and behind 10.77.3.10 (its hosts); nothing in" \
    "c names a's underlay, a's proxy or b's underlay; red stays between a and b"
