# 90-proxy-smoke — two sites' proxies, no edges: namespaces A and B joined
# by a veth, vanproxy in each with one peering (A's VAN 100 is B's 300,
# preshared key).  The tunnel's handshake completes (`wg show NAME
# latest-handshakes` on vanproxy's UAPI socket, `vanctl show peers`); HELLO
# makes each the other's alive member; the JOINs are in the stats; byte
# counters grow; `wg set` may change a keepalive but not the peers; a
# reload adds a VAN pair, a bad one changes nothing, and one without the
# peer removes it from the tunnels and the bridge (B then sees A dead);
# SIGTERM removes the sockets.  Prints "N passed, N failed".
. "$(dirname "$0")/lib.sh"
VANPROXY=$B/vanproxy
[ -x "$VANPROXY" ] || fail "$VANPROXY not built"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"

NSA=vpa$$ NSB=vpb$$
WGA=vpa$$ WGB=vpb$$		# UAPI socket names: machine-global, hence $$
EXTRA_NS="$NSA $NSB"
PA= PB=
PASS=0 FAIL=0

# Stop the daemons (they remove their sockets), then remove whatever a
# daemon that died left, then the lib's cleanup (namespaces, $TMP).
proxy_cleanup() {
	rc0=$?
	for p in $PA $PB; do kill "$p" 2>/dev/null; done
	for p in $PA $PB; do wait "$p" 2>/dev/null; done
	rm -f "/var/run/wireguard/$WGA.sock" "/var/run/wireguard/$WGB.sock"
	[ "$FAIL" -eq 0 ] || rc0=1
	(exit $rc0)
	cleanup
}
trap proxy_cleanup EXIT

check() {	# check WHAT CMD...
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		PASS=$((PASS + 1))
		say "ok: $what"
	else
		FAIL=$((FAIL + 1))
		say "FAIL: $what"
	fi
}

ip netns add "$NSA" && ip netns add "$NSB" &&
ip link add va$$ netns "$NSA" type veth peer name vb$$ netns "$NSB" &&
ip -n "$NSA" addr add 10.97.0.1/24 dev va$$ &&
ip -n "$NSB" addr add 10.97.0.2/24 dev vb$$ &&
ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
ip -n "$NSA" link set va$$ up && ip -n "$NSB" link set vb$$ up ||
    fail "namespaces"
( umask 077 && cd "$TMP" && wg genkey >a.key && wg genkey >b.key && wg genpsk >psk ) ||
    fail "keys"
PUBA=$(wg pubkey <"$TMP/a.key") PUBB=$(wg pubkey <"$TMP/b.key")

# conf SITE ADDRESS VANS — proxy.conf, which includes peering-SITE.conf
conf() {
	cat >"$TMP/$1.conf" <<-EOF
	proxy = {
	  name = "$1";
	  private_key = "$TMP/$1.key";
	  listen = "$2:51820";
	  site_listen = "127.0.0.1:4797";
	  control = "$TMP/$1.sock";
	  wg_name = "vp$1$$";
	  hello_interval = 500;
	  log_level = "debug";
	};
	members = [ ];
	vans = ( $3 );
	@include "peering-$1.conf"
	EOF
}
# peering SITE NAME PUB ENDPOINT PAIRS
peering() {
	cat >"$TMP/peering-$1.conf" <<-EOF
	peers = (
	  { name = "$2";
	    public_key = "$3";
	    endpoint = "$4:51820";
	    preshared_key = "$TMP/psk";
	    vans = ( $5 );
	  }
	);
	EOF
}
conf a 10.97.0.1 '{ id = 100; name = "blue"; }, { id = 200; name = "red"; }'
peering a b "$PUBB" 10.97.0.2 '{ local = 100; remote = 300; }'
conf b 10.97.0.2 '{ id = 300; name = "azure"; }, { id = 310; name = "rose"; }'
peering b a "$PUBA" 10.97.0.1 '{ local = 300; remote = 100; }'
check "vanproxy -n accepts both configurations" \
    sh -c "'$VANPROXY' -n -f '$TMP/a.conf' && '$VANPROXY' -n -f '$TMP/b.conf'"

# Started directly (not through a function), so that $! is vanproxy.
ip netns exec "$NSA" "$VANPROXY" -f "$TMP/a.conf" >"$TMP/a.log" 2>&1 &
PA=$!
ip netns exec "$NSB" "$VANPROXY" -f "$TMP/b.conf" >"$TMP/b.log" 2>&1 &
PB=$!

sock_up() { [ -S "/var/run/wireguard/$1.sock" ] && [ -S "$2" ]; }
check "A's UAPI and control sockets appear" poll 10 sock_up "$WGA" "$TMP/a.sock"
check "B's UAPI and control sockets appear" poll 10 sock_up "$WGB" "$TMP/b.sock"

# A's vanctl, B's vanctl (JSON)
ca() { "$VANCTL" -s "$TMP/a.sock" --json "$@"; }
cb() { "$VANCTL" -s "$TMP/b.sock" --json "$@"; }
hs() { [ "$(wg show "$1" latest-handshakes | awk '{ print $2 }')" -gt 0 ]; }
check "handshake: wg show $WGA latest-handshakes > 0" poll 15 hs "$WGA"
check "handshake: wg show $WGB latest-handshakes > 0" poll 15 hs "$WGB"
check "wg show $WGA: our public key" test "$(wg show "$WGA" public-key)" = "$PUBA"
check "wg show $WGA: the peer is B" test "$(wg show "$WGA" peers)" = "$PUBB"
check "wg show $WGA: B's endpoint" \
    test "$(wg show "$WGA" endpoints | awk '{ print $2 }')" = 10.97.0.2:51820
check "wg show $WGA: the preshared key" \
    test "$(wg show "$WGA" preshared-keys | awk '{ print $2 }')" = "$(cat "$TMP/psk")"
check "wg show $WGA: listen port" test "$(wg show "$WGA" listen-port)" = 51820

peer_field() {	# peer_field CTL FIELD
	$1 show peers | jpy "j[0]['$2']"
}
alive() { [ "$(peer_field "$1" state)" = alive ]; }
check "HELLO: B is A's alive peer" poll 10 alive ca
check "HELLO: A is B's alive peer" poll 10 alive cb
check "show peers: a handshake age" test "$(peer_field ca handshake_age_s)" -ge 0
check "show peers: the peering's MAC limit (the default, 4096)" \
    test "$(peer_field ca macs_max)" = 4096
check "show peers: the VAN pair 100>300, JOINed by B" \
    test "$(ca show peers | jpy "[(v['local'], v['remote'], v['joined']) for v in j[0]['vans']]")" = '[[100, 300, true]]'
check "show peers (B): the VAN pair 300>100" \
    test "$(cb show peers | jpy "[(v['local'], v['remote']) for v in j[0]['vans']]")" = '[[300, 100]]'
check "show members: 'peer b' alive" \
    test "$(ca show members | jpy "[(m['address'], m['state']) for m in j]")" = '[["peer b", "alive"]]'
join_rx() { ca show stats | jpy "[m for m in j['members'] if m['address']=='peer b'][0]['rx']['JOIN']"; }
join_tx() { ca show stats | jpy "[m for m in j['members'] if m['address']=='peer b'][0]['tx']['JOIN']"; }
check "stats: A received B's JOIN" test "$(join_rx)" -ge 1
check "stats: A sent B its JOIN" test "$(join_tx)" -ge 1
check "show vans: VAN 100 has B as a member, VAN 200 none" \
    test "$(ca show vans | jpy "[(v['id'], v['members']) for v in j]")" = '[[100, 1], [200, 0]]'
"$VANCTL" -s "$TMP/a.sock" show peers | sed 's/^/    | /'

rx() { ca show peers | jpy "j[0]['rx_bytes']"; }
r1=$(rx)
grew() { [ "$(rx)" -gt "$r1" ]; }
check "HELLOs keep coming: rx bytes grow ($r1 -> ...)" poll 5 grew
check "wg show transfer: both counters non-zero" \
    sh -c "wg show '$WGB' transfer | awk '{ n++; ok = \$2 > 0 && \$3 > 0 } END { exit !(n == 1 && ok) }'"

# wg set: keepalive and endpoint may change; the peers may not.
check "wg set persistent-keepalive" wg set "$WGA" peer "$PUBB" persistent-keepalive 7
check "... shown by wg show" \
    test "$(wg show "$WGA" persistent-keepalive | awk '{ print $2 }')" = 7
other=$(wg genkey | wg pubkey)
refused() { ! wg set "$@" 2>"$TMP/wgerr" && grep -q "Operation not permitted" "$TMP/wgerr"; }
check "wg set: adding a peer is refused (EPERM)" refused "$WGA" peer "$other"
check "wg set: removing a peer is refused (EPERM)" refused "$WGA" peer "$PUBB" remove
check "wg set: allowed IPs are refused (EPERM)" refused "$WGA" peer "$PUBB" allowed-ips 10.0.0.0/8
check "wg set: another private key is refused (EPERM)" refused "$WGA" private-key "$TMP/b.key"
check "the peers are unchanged" test "$(wg show "$WGA" peers)" = "$PUBB"
check "stats: 4 wg set requests refused" \
    test "$(ca show stats | jpy "j['tunnel']['uapi_refused']")" = 4

# Reload: a second VAN pair on both sides.
peering a b "$PUBB" 10.97.0.2 '{ local = 100; remote = 300; }, { local = 200; remote = 310; }'
peering b a "$PUBA" 10.97.0.1 '{ local = 300; remote = 100; }, { local = 310; remote = 200; }'
check "reload A" "$VANCTL" -s "$TMP/a.sock" reload
kill -HUP "$PB"
pairs() { [ "$(ca show peers | jpy "len([v for v in j[0]['vans'] if v['joined']])")" = 2 ]; }
check "after the reloads: two VAN pairs, both JOINed by B" poll 5 pairs
# A bad peering file: refused with its own FILE:LINE, nothing changes.
cp "$TMP/peering-a.conf" "$TMP/peering-a.good"
echo "bogus = 1;" >>"$TMP/peering-a.conf"
line=$(wc -l <"$TMP/peering-a.conf")
"$VANCTL" -s "$TMP/a.sock" reload 2>"$TMP/err" && fail "a bad reload succeeded"
check "bad reload: '$TMP/peering-a.conf:$line: unknown setting 'bogus''" \
    test "$(cat "$TMP/err")" = "vanctl: $TMP/peering-a.conf:$line: unknown setting 'bogus'"
check "bad reload: the peer and its pairs stay" pairs
check "stats: one reload failed" \
    test "$(ca show stats | jpy "j['daemon']['reload_failures']")" = 1
# A peering without B: B leaves the tunnels and the bridge.
echo "peers = ( );" >"$TMP/peering-a.conf"
check "reload A without B" "$VANCTL" -s "$TMP/a.sock" reload
check "wg show: no peer left" test -z "$(wg show "$WGA" peers)"
check "show peers: none" test "$(ca show peers)" = '[]'
check "show members: none" test "$(ca show members)" = '[]'
dead() { [ "$(peer_field cb state)" = dead ]; }
check "B sees A dead (HELLOs stopped)" poll 10 dead
check "wg set on B: keepalive of its configured peer" \
    wg set "$WGB" peer "$PUBA" persistent-keepalive 0

kill "$PA" "$PB"
wait "$PA"
ra=$?
wait "$PB"
rb=$?
PA= PB=
check "SIGTERM: both exit 0" test "$ra$rb" = 00
check "SIGTERM: UAPI sockets removed" \
    test ! -e "/var/run/wireguard/$WGA.sock" -a ! -e "/var/run/wireguard/$WGB.sock"
check "SIGTERM: control sockets removed" test ! -e "$TMP/a.sock" -a ! -e "$TMP/b.sock"
check "no error in the logs" sh -c "! grep -h 'error' '$TMP/a.log' '$TMP/b.log' | grep -v 'reload failed'"
if [ "$FAIL" -ne 0 ]; then
	for f in a b; do
		echo "  --- $f.log (last 30 lines)"
		tail -n 30 "$TMP/$f.log" | sed 's/^/  | /'
	done
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
