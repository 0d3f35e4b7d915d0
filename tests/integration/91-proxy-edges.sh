# 91-proxy-edges — a VAN across two sites: in each of two namespaces (a
# site each, joined by a veth) a vanedge with one tap and the site's
# vanproxy as its member (on loopback addresses); A calls the VAN 100, B
# calls it 300, the peering maps them.  A ping from A's tap to B's crosses
# edge -> proxy -> tunnel -> proxy -> edge and back; the proxies' tables put
# the other site's MAC "behind peer X" under their own VAN ID; B's edge
# sees A's MAC behind its own proxy only (privacy); the proxies count the
# frames they relayed.  Prints "N passed, N failed".
. "$(dirname "$0")/lib.sh"
VANPROXY=$B/vanproxy
[ -x "$VANPROXY" ] || fail "$VANPROXY not built"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"

NSA=vea$$ NSB=veb$$
EXTRA_NS="$NSA $NSB"
PIDS=""
PASS=0 FAIL=0

proxy_cleanup() {
	rc0=$?
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -f "/var/run/wireguard/vea$$.sock" "/var/run/wireguard/veb$$.sock"
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
ip link add xa$$ netns "$NSA" type veth peer name xb$$ netns "$NSB" &&
ip -n "$NSA" addr add 10.98.0.1/24 dev xa$$ &&
ip -n "$NSB" addr add 10.98.0.2/24 dev xb$$ &&
ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
ip -n "$NSA" link set xa$$ up && ip -n "$NSB" link set xb$$ up ||
    fail "namespaces"
( umask 077 && cd "$TMP" && wg genkey >a.key && wg genkey >b.key ) || fail "keys"

# site S ADDR PEER PEER-PUB PEER-ADDR OUR-VAN ITS-VAN MAC-BYTE
site() {
	cat >"$TMP/proxy-$1.conf" <<-EOF
	proxy = { name = "$1"; private_key = "$TMP/$1.key"; listen = "$2:51820";
	  site_listen = "127.0.0.2:4797"; control = "$TMP/p$1.sock"; wg_name = "ve$1$$"; };
	members = [ "127.0.0.1:4797" ];
	vans = ( { id = $6; name = "blue"; } );
	peers = ( { name = "$3"; public_key = "$4"; endpoint = "$5:51820";
	  vans = ( { local = $6; remote = $7; } ); } );
	EOF
	cat >"$TMP/edge-$1.conf" <<-EOF
	edge = { listen = "127.0.0.1:4797"; control = "$TMP/e$1.sock"; };
	members = [ "127.0.0.2:4797" ];
	vans = ( { id = $6; name = "blue";
	  ports = ( { tap = "t$1$$"; mac = "02:00:00:00:00:$8"; } ); } );
	EOF
}
site a 10.98.0.1 b "$(wg pubkey <"$TMP/b.key")" 10.98.0.2 100 300 0a
site b 10.98.0.2 a "$(wg pubkey <"$TMP/a.key")" 10.98.0.1 300 100 0b

for s in a b; do
	ip netns exec "ve$s$$" "$VANPROXY" -f "$TMP/proxy-$s.conf" >"$TMP/p$s.log" 2>&1 &
	PIDS="$PIDS $!"
	ip netns exec "ve$s$$" "$VANEDGE" -f "$TMP/edge-$s.conf" >"$TMP/e$s.log" 2>&1 &
	PIDS="$PIDS $!"
done

up() { [ -S "$TMP/pa.sock" ] && [ -S "$TMP/pb.sock" ] && [ -S "$TMP/ea.sock" ] &&
    [ -S "$TMP/eb.sock" ]; }
check "both proxies and both edges answer" poll 10 up
for s in a b; do
	ip -n "ve$s$$" link set "t$s$$" up
done
ip -n "$NSA" addr add 10.50.0.1/24 dev "ta$$" &&
ip -n "$NSB" addr add 10.50.0.2/24 dev "tb$$" || fail "tap addresses"

pj() { s=$1; shift; "$VANCTL" -s "$TMP/p$s.sock" --json "$@"; }
ej() { s=$1; shift; "$VANCTL" -s "$TMP/e$s.sock" --json "$@"; }
peer_alive() { [ "$(pj "$1" show peers | jpy "j[0]['state']")" = alive ]; }
edge_alive() { [ "$(ej "$1" show members | jpy "j[0]['state']")" = alive ]; }
check "A's proxy: peer b alive (tunnel, HELLO)" poll 15 peer_alive a
check "B's proxy: peer a alive" poll 15 peer_alive b
check "A's edge: its proxy alive" poll 10 edge_alive a
check "B's edge: its proxy alive" poll 10 edge_alive b
joined() { [ "$(pj "$1" show vans | jpy "j[0]['members']")" = 2 ]; }
check "A's proxy: VAN 100 has its edge and peer b" poll 10 joined a
check "B's proxy: VAN 300 has its edge and peer a" poll 10 joined b

ping_across() { ip netns exec "$NSA" ping -n -q -c 1 -W 1 10.50.0.2; }
check "ping A -> B across the sites" poll 10 ping_across
check "ping B -> A, 3 of 3" ip netns exec "$NSB" ping -n -q -c 3 -W 2 10.50.0.1

where() {	# where SITE CTL VAN MAC
	$2 "$1" show fdb "$3" | jpy "([e['where'] for e in j if e['mac']=='$4'] or ['none'])[0]"
}
check "A's proxy: B's VM behind 'peer b' in VAN 100" \
    test "$(where a pj 100 02:00:00:00:00:0b)" = "peer b"
check "B's proxy: A's VM behind 'peer a' in VAN 300 (IDs rewritten)" \
    test "$(where b pj 300 02:00:00:00:00:0a)" = "peer a"
check "A's proxy: its own VM behind its edge" \
    test "$(where a pj 100 02:00:00:00:00:0a)" = 127.0.0.1:4797
check "B's edge: A's VM behind its own proxy (privacy)" \
    test "$(where b ej 300 02:00:00:00:00:0a)" = 127.0.0.2:4797
relayed() { pj "$1" show stats | jpy "j['vans'][0]['relayed']"; }
check "A's proxy relayed frames" test "$(relayed a)" -gt 0
check "B's proxy relayed frames" test "$(relayed b)" -gt 0
"$VANCTL" -s "$TMP/pa.sock" show peers | sed 's/^/    | /'
"$VANCTL" -s "$TMP/pa.sock" show fdb | sed 's/^/    | /'

if [ "$FAIL" -ne 0 ]; then
	for f in pa pb ea eb; do
		echo "  --- $f.log (last 20 lines)"
		tail -n 20 "$TMP/$f.log" | sed 's/^/  | /'
	done
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
