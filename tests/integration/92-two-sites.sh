# 92-two-sites — two sites (fed2.conf: two hosts and a proxy each), each
# with its own VAN IDs: a calls blue 100 and red 200, b calls blue 200 and
# red 100.  vanlab made each proxy's key (mode 0600), configuration and
# peering file; the tunnel is up (`wg show` on vanproxy's UAPI socket).
# VMs ping and move TCP across the sites in both VANs; datagrams to an
# address that twins of other VANs share reach the VAN's VM only; the
# report's isolation matrix shows no cross-VAN delivery.  VAN IDs are
# rewritten at the boundary; green, in no peering, never crosses.
# Privacy: site b's daemons name no address of site a, a's MACs are behind
# b's proxy for b's hosts and "peer a" for b's proxy; a move inside site a
# is invisible to b (b's tables unchanged, no LEARN crosses).
. "$(dirname "$0")/lib.sh"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"
lab_up "$HERE/fed2.conf"
B1MAC=02:00:0a:00:00:0b		# b1 and its twin r1
B3MAC=02:00:0a:00:00:0d

# --- the proxies: keys, files, tunnel -------------------------------------
for s in a b; do
	[ "$(stat -c %a "$STATE/$s-gw/proxy.key")" = 600 ] || fail "$s-gw/proxy.key is not 0600"
done
[ "$(stat -c %a "$STATE/psk-a-b.key")" = 600 ] || fail "the preshared key is not 0600"
WGA=$(wg_of a) WGB=$(wg_of b)
PUBA=$(wg pubkey <"$STATE/a-gw/proxy.key") PUBB=$(wg pubkey <"$STATE/b-gw/proxy.key")
hs() { [ "$(wg show "$1" latest-handshakes | awk '{ print $2 }')" -gt 0 ]; }
poll 10 hs "$WGA" || fail "no handshake in wg show $WGA"
poll 10 hs "$WGB" || fail "no handshake in wg show $WGB"
[ "$(wg show "$WGA" peers)" = "$PUBB" ] || fail "wg show $WGA: peer is not b's key"
[ "$(wg show "$WGB" peers)" = "$PUBA" ] || fail "wg show $WGB: peer is not a's key"
[ "$(wg show "$WGA" endpoints | awk '{ print $2 }')" = 10.76.0.12:51820 ] ||
    fail "wg show $WGA: b's endpoint"
[ "$(wg show "$WGB" preshared-keys | awk '{ print $2 }')" = "$(cat "$STATE/psk-a-b.key")" ] ||
    fail "wg show $WGB: the preshared key"
pairs=$(pctl a show peers | jpy "[(v['local'], v['remote'], v['joined']) for v in j[0]['vans']]")
[ "$pairs" = '[[100, 200, true], [200, 100, true]]' ] || fail "a's pairs: $pairs"
say "tunnel a-b up: wg show $WGA / $WGB (handshakes, keys, endpoint, psk);" \
    "a's pairs ours>theirs: blue 100>200, red 200>100, both JOINed"
"$VANLAB" status --prefix "$PFX" >"$TMP/status" || fail "vanlab status: $(cat "$TMP/status")"
grep -Eq "^a-gw +$PFX-a-gw +10\.77\.1\.10 +10\.76\.0\.11 +pid [0-9]+ +$WGA +1/1 alive" "$TMP/status" ||
    fail "vanlab status: $(grep -- -gw "$TMP/status")"
vm a-gw ip -o -4 addr show dev eth1 | grep -q "10\.76\.0\.11/24" || fail "exec a-gw: no eth1"
vm inet ip -o link show dev br0 >/dev/null || fail "exec inet: no br0"
"$VANLAB" migrate --prefix "$PFX" g2 h3 >/dev/null 2>"$TMP/err" && fail "green crossed by migrate"
grep -q "VAN green of VM g2 does not cross from site a to site b: no peerings carry it there" \
    "$TMP/err" || fail "migrate g2 h3: $(cat "$TMP/err")"
say "vanlab status lists the proxies; exec a-gw, exec inet; migrate refuses to" \
    "take green (in no peering) to site b"

# --- ping and TCP across the sites, both VANs -----------------------------
for p in "b1 10.0.0.13" "b1 10.0.0.14" "b2 10.0.0.13" "r1 10.0.0.13" "r2 10.0.0.14" \
    "b4 10.0.0.11" "r3 10.0.0.12"; do
	set -- $p
	ping_ok "$1" "$2" || fail "$1 does not reach $2 across the sites"
done
say "ping across the sites: b1/b2 <-> b3/b4 (blue), r1/r2 <-> r3/r4 (red)"
tcp() {	# tcp FROM TO TO_IP PORT BYTES
	bg vm "$2" python3 "$T" tcp-recv 0.0.0.0 "$4" "$TMP/$2.tcp" 30
	poll 10 test -e "$TMP/$2.tcp.ready" || fail "tcp-recv in $2"
	t0=$(ms_now)
	sent=$(vm "$1" python3 "$T" tcp-send "$3" "$4" 7 "$5" 30) || fail "tcp-send $1 -> $2"
	poll 10 test -s "$TMP/$2.tcp" || fail "tcp-recv in $2 did not finish"
	[ "$sent" = "$(cat "$TMP/$2.tcp")" ] || fail "TCP $1 -> $2: sent '$sent', got '$(cat "$TMP/$2.tcp")'"
	ms=$(($(ms_now) - t0))
	say "TCP $1 -> $2 across the sites: $5 bytes, sha256 equal, $ms ms"
}
tcp b1 b4 10.0.0.14 5001 8000000
tcp r4 r1 10.0.0.11 5002 8000000

# --- no cross-VAN delivery: 10.0.0.13 is b3, r3 and g3 ----------------------
for v in b3 r3 g3; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9000 "$TMP/$v.sink" 20
done
poll 10 sh -c "test -e '$TMP/b3.sink' && test -e '$TMP/r3.sink' && test -e '$TMP/g3.sink'" ||
    fail "udp sinks"
vm b1 python3 "$T" udp-send 10.0.0.13 9000 100 1 blue || fail "udp-send b1"
got_b3() { [ "$(sink_count "$TMP/b3.sink")" -ge 100 ]; }
poll 10 got_b3 || fail "b3 got $(sink_count "$TMP/b3.sink") of b1's 100 datagrams"
vm r2 python3 "$T" udp-send 10.0.0.13 9000 50 1 red || fail "udp-send r2"
got_r3() { [ "$(sink_count "$TMP/r3.sink")" -ge 50 ]; }
poll 10 got_r3 || fail "r3 got $(sink_count "$TMP/r3.sink") of r2's 50 datagrams"
sleep 0.3
nb=$(sink_count "$TMP/b3.sink") nr=$(sink_count "$TMP/r3.sink") ng=$(sink_count "$TMP/g3.sink")
[ "$nb" = 100 ] && [ "$nr" = 50 ] && [ "$ng" = 0 ] ||
    fail "10.0.0.13 in site b: blue b3 got $nb (want 100), red r3 $nr (50), green g3 $ng (0)"
say "datagrams to 10.0.0.13 from site a: blue b3 got 100 (b1's), red r3 50 (r2's)," \
    "green g3 0"

"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || { cat "$TMP/report" >&2; fail "vanlab report"; }
grep -q "every VAN connected and isolated" "$TMP/report" || fail "report: $(tail -1 "$TMP/report")"
grep -Eq ' (LEAK|FAIL)( |$)' "$TMP/report" && fail "report: a LEAK or FAIL in the matrix"
for v in blue red green; do
	say "report: $(grep "^VAN $v " "$TMP/report")"
done
grep -q "^VAN green .* 2/2 between sites it does not join went unanswered" "$TMP/report" ||
    fail "report: green crossed sites"

# --- VAN IDs rewritten at the boundary ---------------------------------
[ "$(pfdb a 100 $B3MAC)" = "peer b" ] || fail "a's proxy: b3 in its blue (100) at '$(pfdb a 100 $B3MAC)'"
[ "$(pfdb b 200 $B1MAC)" = "peer a" ] || fail "b's proxy: b1 in its blue (200) at '$(pfdb b 200 $B1MAC)'"
[ "$(pfdb b 100 $B1MAC)" = "peer a" ] || fail "b's proxy: r1 in its red (100) at '$(pfdb b 100 $B1MAC)'"
[ "$(fdb_where h3 blue $B1MAC)" = 10.77.2.10:4797 ] || fail "h3: b1 at '$(fdb_where h3 blue $B1MAC)'"
[ "$(fdb_where h3 red $B1MAC)" = 10.77.2.10:4797 ] || fail "h3: r1 at '$(fdb_where h3 red $B1MAC)'"
[ "$(ctl h3 show vans | jpy "[v['id'] for v in j if v['name']=='blue'][0]")" = 200 ] ||
    fail "h3's blue is not 200"
for s in a b; do
	pctl $s show vans | jpy "[v['id'] for v in j]" | grep -q 300 && fail "$s's proxy configures green"
done
vm g2 ping -n -q -c 2 -W 1 10.0.0.13 >/dev/null 2>&1 && fail "green crossed: g2 reached g3"
[ "$(pvan_stat b 200 drops.unmapped-van)" = 0 ] && [ "$(pvan_stat b 100 drops.unmapped-van)" = 0 ] ||
    fail "b's proxy dropped mapped traffic"
say "IDs rewritten: the MAC 02:00:0a:00:00:0b is b1 in a's 100 = b's 200 and r1 in" \
    "a's 200 = b's 100, 'peer a' at b's proxy, behind b's proxy (10.77.2.10) at h3;" \
    "green (no peering) stays in its site"

# --- privacy: site b knows nothing of a's inside --------------------------
for h in h3 h4; do
	for w in members fdb neigh stats; do ctl $h show $w; done
done >"$TMP/b-view"
for w in members fdb neigh stats peers; do pctl b show $w; done >>"$TMP/b-view"
grep -q '10\.77\.1\.' "$TMP/b-view" && fail "site b's daemons name an address of site a: $(grep -m1 '10\.77\.1\.' "$TMP/b-view")"
for h in h1 h2; do
	for w in members fdb neigh stats; do ctl $h show $w; done
done >"$TMP/a-view"
grep -q '10\.77\.2\.' "$TMP/a-view" && fail "site a's daemons name an address of site b"
say "privacy: no address of a's underlay in anything b's hosts and proxy show," \
    "and none of b's in a's ($(wc -l <"$TMP/b-view") + $(wc -l <"$TMP/a-view") lines)"

# --- a move inside site a is invisible to b ---------------------------------
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 before the move"
w0=$(pfdb b 200 $B1MAC)
s0=$(pctl b show fdb 200 | jpy "[e['seq'] for e in j if e['mac']=='$B1MAC'][0]")
h0=$(ctl h3 show fdb blue | jpy "[(e['where'], e['seq']) for e in j if e['mac']=='$B1MAC']")
# What a's proxy and hosts announced before has been said again by now.
settled a-gw h1 h2 || fail "a still repeats its announcements"
lt0=$(peer_stat a b tx LEARN) lr0=$(peer_stat b a rx LEARN)
# a's proxy at debug (vanctl --proxy log-level): it logs the move it sees.
PLOG=$STATE/a-gw/proxy.log
[ "$(pctl a log-level | jpy "j['log_level']")" = info ] || fail "a's proxy is not at info"
[ "$(pctl a log-level debug | jpy "j['log_level']")" = debug ] ||
    fail "a's proxy refused log-level debug"
[ "$(pctl a show stats | jpy "j['daemon']['log_level']")" = debug ] ||
    fail "a's proxy show stats: log_level is not debug"
! pctl a log-level loud >/dev/null 2>&1 || fail "a's proxy took log-level loud"
pl0=$(wc -l <"$PLOG")
"$VANLAB" migrate --prefix "$PFX" b1 h2 >"$TMP/mv" || fail "vanlab migrate b1 h2"
p_traced() {
	tail -n +$((pl0 + 1)) "$PLOG" | grep -q "debug: VAN 100: LEARN $B1MAC seq [0-9]* from "
}
poll 5 p_traced || fail "a's proxy at debug did not log the LEARN of b1's move"
[ "$(pctl a log-level info | jpy "j['log_level']")" = info ] ||
    fail "a's proxy refused log-level info"
say "a's proxy: log-level debug logged h2's LEARN of b1; back to info"
at_h2() { [ "$(pfdb a 100 $B1MAC)" = 10.77.1.12:4797 ]; }
poll 5 at_h2 || fail "a's proxy puts b1 at '$(pfdb a 100 $B1MAC)' after the move"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after the move"
sleep 0.5
s1=$(pctl b show fdb 200 | jpy "[e['seq'] for e in j if e['mac']=='$B1MAC'][0]")
h1=$(ctl h3 show fdb blue | jpy "[(e['where'], e['seq']) for e in j if e['mac']=='$B1MAC']")
lt1=$(peer_stat a b tx LEARN) lr1=$(peer_stat b a rx LEARN)
[ "$(pfdb b 200 $B1MAC)" = "$w0" ] && [ "$s1" = "$s0" ] ||
    fail "b's proxy saw the move: b1 at '$(pfdb b 200 $B1MAC)' seq $s1 (was '$w0' seq $s0)"
[ "$h1" = "$h0" ] || fail "h3 saw the move: $h1 (was $h0)"
[ "$lt1" = "$lt0" ] && [ "$lr1" = "$lr0" ] ||
    fail "LEARNs crossed: a's proxy sent $((lt1 - lt0)), b's received $((lr1 - lr0))"
say "b1 moved h1 -> h2 inside a: a's proxy follows it (10.77.1.12); b's proxy keeps" \
    "'$w0' seq $s0, h3 keeps $h0; LEARNs a -> b: +0"
