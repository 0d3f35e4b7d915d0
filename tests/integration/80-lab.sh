# 80-lab — vanlab itself: the default lab's demo (up, report, down) passes
# and leaves nothing — the federation of three sites (`make lab`) and the
# one-site lab; a refused start creates nothing; `down` is
# idempotent and cleans up after a vanlab killed in the middle of `up`;
# bad command lines get clear errors.
. "$(dirname "$0")/lib.sh"

leftovers() {	# namespaces, state, daemons or UAPI sockets of our prefix
	ip netns list | grep -q "^$PFX-" && return 0
	[ -e "$STATE" ] && return 0
	pgrep -f "$STATE/" >/dev/null && return 0
	ls /var/run/wireguard/"$PFX"-*.sock >/dev/null 2>&1 && return 0
	return 1
}

# The default lab, as `make lab` runs it: three sites, a proxy each.
"$VANLAB" demo --prefix "$PFX" "$TOP/etc/lab/federation.conf" >"$TMP/demo" 2>&1 || {
	cat "$TMP/demo" >&2
	fail "vanlab demo etc/lab/federation.conf"
}
grep -q "every VAN connected and isolated" "$TMP/demo" || fail "no verdict in the federation demo"
for v in blue red green; do
	grep -q "^VAN $v .*: connected and isolated" "$TMP/demo" ||
	    fail "no verdict for $v: $(grep "^VAN $v " "$TMP/demo")"
done
grep -q "^VAN blue .*(IDs a:100 b:200 c:300): 20/20 pings inside the VAN answered (16 across sites)" \
    "$TMP/demo" || fail "blue across three sites: $(grep "^VAN blue " "$TMP/demo")"
grep -q "^VAN green .* 2/2 between sites it does not join went unanswered" "$TMP/demo" ||
    fail "green crossed sites: $(grep "^VAN green " "$TMP/demo")"
[ "$(grep -c "^proxy of site .: vanctl show peers" "$TMP/demo")" = 3 ] ||
    fail "the demo does not show the three proxies' peers"
! leftovers || fail "the federation demo left something behind"
say "demo of etc/lab/federation.conf: $(grep '^vanlab up in\|^vanlab: up in' "$TMP/demo"); $(grep '^vanlab report:' "$TMP/demo")"

# The one-site lab.
"$VANLAB" demo --prefix "$PFX" "$TOP/etc/lab/site.conf" >"$TMP/demo" 2>&1 || {
	cat "$TMP/demo" >&2
	fail "vanlab demo etc/lab/site.conf"
}
grep -q "every VAN connected and isolated" "$TMP/demo" || fail "no verdict in the demo"
grep -q "VAN blue .*connected and isolated" "$TMP/demo" || fail "no verdict for blue"
grep -q "VAN red .*connected and isolated" "$TMP/demo" || fail "no verdict for red"
! leftovers || fail "the demo left something behind"
say "demo of etc/lab/site.conf: $(grep '^vanlab report:' "$TMP/demo")"

"$VANLAB" down --prefix "$PFX" >"$TMP/out" || fail "down of nothing failed"
grep -q "nothing to do" "$TMP/out" || fail "down of nothing: $(cat "$TMP/out")"

# A namespace in the way: refused before anything is made.
EXTRA_NS="$PFX-b1"
ip netns add "$PFX-b1" || fail "ip netns add"
if "$VANLAB" up --prefix "$PFX" "$HERE/lab.conf" 2>"$TMP/err"; then
	ip netns delete "$PFX-b1"
	fail "up went ahead over an existing namespace"
fi
ip netns delete "$PFX-b1"
EXTRA_NS=""
grep -q "namespace $PFX-b1 exists already" "$TMP/err" || fail "$(cat "$TMP/err")"
! leftovers || fail "a refused up left something behind"
say "up refuses a namespace that exists, and makes nothing"

# vanlab killed in the middle of up: down cleans what it left.
LAB_UP=1
"$VANLAB" up --prefix "$PFX" "$HERE/lab.conf" >/dev/null 2>&1 &
up=$!
started() { [ -e "$STATE/a-h1/edge.pid" ]; }
poll 10 started || fail "up did not get as far as starting a vanedge"
kill -9 $up
wait $up 2>/dev/null
leftovers || fail "nothing left to clean after a killed up?"
"$VANLAB" down --prefix "$PFX" >/dev/null || fail "down after a killed up"
! leftovers || fail "down left something after a killed up"
say "down cleans up after an up killed half way"

# An up interrupted with SIGTERM tears itself down.
"$VANLAB" up --prefix "$PFX" "$HERE/lab.conf" >/dev/null 2>"$TMP/err" &
up=$!
poll 10 started || fail "up did not get as far as starting a vanedge"
kill -TERM $up
wait $up && fail "an interrupted up exited 0"
! leftovers || fail "an interrupted up left something"
say "an interrupted up tears down what it built"

# Clear errors on bad command lines, on a lab that is up.
lab_up
bad() {	# bad 'EXPECTED STDERR LINE' ARGS...
	want=$1
	shift
	"$VANLAB" "$@" >/dev/null 2>"$TMP/err" && fail "vanlab $* succeeded"
	grep -qF "$want" "$TMP/err" || fail "vanlab $*: $(cat "$TMP/err")"
}
bad "no VM or host 'b9' in lab $PFX" exec --prefix "$PFX" b9 -- true
bad "no host 'h9' in lab $PFX" ctl --prefix "$PFX" h9 -- show vans
bad "no VM 'b9' in lab $PFX" migrate --prefix "$PFX" b9 h2
bad "VM b1 runs on host h1 already" migrate --prefix "$PFX" b1 h1
bad "a lab with prefix '$PFX' is up" up --prefix "$PFX" "$HERE/lab.conf"
bad "no lab with prefix 'nosuch$$' is up" status --prefix "nosuch$$"
bad "prefix 'Bad-Prefix': 1-16 of a-z 0-9" status --prefix Bad-Prefix
bad "unknown command 'frob'" frob
bad "no proxy 'a-gw' in lab $PFX" restart --prefix "$PFX" a-gw
bad "no host 'a-gw' in lab $PFX" ctl --prefix "$PFX" a-gw -- show peers
bad "no VM or host 'inet' in lab $PFX" exec --prefix "$PFX" inet -- true
"$VANLAB" status --prefix "$PFX" >/dev/null || fail "status of a healthy lab"
vm b1 true || fail "exec"
[ "$(vm h2 cat /proc/sys/net/ipv6/conf/all/disable_ipv6)" = 1 ] || fail "IPv6 on in h2"
[ "$(vm b1 cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6)" = 1 ] || fail "IPv6 on in b1"
[ "$(vm b1 cat /sys/class/net/eth0/mtu)" = 1400 ] || fail "b1's MTU"
vm a-sw ip link show br0 >/dev/null || fail "exec in the switch"
kill -9 "$(pidof_edge h2)"
"$VANLAB" status --prefix "$PFX" >"$TMP/status" && fail "status of a broken lab is 0"
grep -q "NOT RUNNING" "$TMP/status" || fail "status does not say h2's vanedge is down"
say "clear errors; status tells a healthy lab from a broken one"
"$VANLAB" down --prefix "$PFX" >/dev/null || fail "down"
! leftovers || fail "down left something"
