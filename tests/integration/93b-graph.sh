# 93b-graph — the federation drawn (fed3.conf: a chain a - b - c, blue
# crossing b in transit, red between a and b only).  `vanctl --proxy show
# graph --dot` of each proxy and `vanlab graph --dot` are accepted by
# Graphviz (dot -Tsvg) and checked by dotcheck.py: every tree tunnel once,
# none a - c, the VAN pairs each carries (each site its own IDs), the
# hosts in their sites with the VANs they JOINed.  Then b's proxy is
# killed: a's and c's graphs show their tunnel to it dead (dashed), the
# merged one b's proxy not answering and both its tunnels dashed; after
# `vanlab restart b-gw` all are alive (solid) again.  `show graph bogus`
# is a usage error (exit 1) in vanctl and in the daemon.
. "$(dirname "$0")/lib.sh"
command -v dot >/dev/null || fail "dot missing (tests/deps.sh all installs graphviz)"
lab_up "$HERE/fed3.conf"
D="python3 $HERE/dotcheck.py"

# pdot SITE — site's proxy's graph in $TMP/SITE.dot, checked by Graphviz.
pdot() {
	"$VANLAB" ctl --prefix "$PFX" "$1-gw" -- show graph --dot >"$TMP/$1.dot" &&
	    dot -Tsvg "$TMP/$1.dot" >"$TMP/$1.svg"
}
# fdot — the merged graph in $TMP/fed.dot, checked by Graphviz.
fdot() {
	"$VANLAB" graph --prefix "$PFX" --dot >"$TMP/fed.dot" 2>"$TMP/fed.err" &&
	    dot -Tsvg "$TMP/fed.dot" >"$TMP/fed.svg"
}

# --- each proxy's view ------------------------------------------------------
for s in a b c; do
	pdot $s || fail "$s's graph: $(cat "$TMP/$s.dot" "$TMP/$s.svg" | head -5)"
done
$D "$TMP/a.dot" tunnels 1 && $D "$TMP/b.dot" tunnels 2 && $D "$TMP/c.dot" tunnels 1 ||
    fail "tunnels per proxy"
$D "$TMP/a.dot" tunnel "proxy a" "peer b" solid "blue 100<->300" "red 200<->100" &&
    $D "$TMP/b.dot" tunnel "proxy b" "peer a" solid "blue 300<->100" "red 100<->200" &&
    $D "$TMP/b.dot" tunnel "proxy b" "peer c" solid "blue 300<->200" &&
    $D "$TMP/c.dot" tunnel "proxy c" "peer b" solid "blue 200<->300" ||
    fail "the VAN pairs of the proxies' tunnels"
$D "$TMP/a.dot" none "proxy a" "peer c" || fail "a's proxy draws a tunnel to c"
# Its site's members: h1 JOINed blue and red (a's 100, 200), h2 red (b's 100).
$D "$TMP/a.dot" tunnel "proxy a" 10.77.1.11:4797 solid "blue 100" "red 200" &&
    $D "$TMP/b.dot" tunnel "proxy b" 10.77.2.11:4797 solid "red 100" &&
    $D "$TMP/a.dot" node "peer b" solid ||
    fail "the site members in the proxies' graphs"
"$VANLAB" ctl --prefix "$PFX" b-gw -- show graph >"$TMP/b.txt" ||
    fail "b's graph as text"
tail -n 1 "$TMP/b.txt" | grep -q '^proxy b  peer c .* tunnel  alive  blue 300<->200$' ||
    fail "b's graph as text: $(cat "$TMP/b.txt")"
# An edge's view: its members (the proxy too) and the VANs each JOINed.
ctl h3 show graph | jpy "[(e['to'], e['state'], [v['id'] for v in e['vans']]) for e in j['edges']]" \
    >"$TMP/h3" || fail "h3's graph"
[ "$(cat "$TMP/h3")" = '[["10.77.3.10:4797", "alive", [200]]]' ] ||
    fail "h3's graph: $(cat "$TMP/h3")"
say "each proxy's graph: dot -Tsvg accepts it; a - b (blue 100<->300, red" \
    "200<->100), b - c (blue 300<->200), no a - c; members with their VANs"

# --- the federation ---------------------------------------------------------
fdot || fail "vanlab graph --dot: $(cat "$TMP/fed.err" "$TMP/fed.svg" | head -5)"
$D "$TMP/fed.dot" tunnels 2 &&
    $D "$TMP/fed.dot" tunnel a-gw b-gw solid "blue 100<->300" "red 200<->100" &&
    $D "$TMP/fed.dot" tunnel b-gw c-gw solid "blue 300<->200" &&
    $D "$TMP/fed.dot" none a-gw c-gw ||
    fail "the federation's tunnels: $(cat "$TMP/fed.dot")"
for x in "a-gw site a" "h1 site a" "b-gw site b" "h2 site b" "c-gw site c" "h3 site c"; do
	set -- $x
	$D "$TMP/fed.dot" node "$1" solid "$2 $3" || fail "the federation's $1"
done
$D "$TMP/fed.dot" tunnel b-gw h2 solid "red 100" || fail "b-gw -- h2"
say "vanlab graph: 3 sites as clusters with their hosts, tunnels a - b and b - c" \
    "once each with their VANs, all alive"

# --- a proxy gone, and back ---------------------------------------------------
kill -9 "$(proxy_pid b)" || fail "kill b's vanproxy"
t0=$(ms_now)
b_dead() {
	pdot a && pdot c &&
	    $D "$TMP/a.dot" tunnel "proxy a" "peer b" dashed &&
	    $D "$TMP/c.dot" tunnel "proxy c" "peer b" dashed
}
poll 10 b_dead || fail "a's and c's graphs do not show b dead: $(cat "$TMP/a.dot")"
say "b's proxy killed: a's and c's graphs draw their tunnel to b dead after" \
    "$(($(ms_now) - t0)) ms"
fdot || fail "vanlab graph --dot without b: $(cat "$TMP/fed.err")"
$D "$TMP/fed.dot" tunnels 2 &&
    $D "$TMP/fed.dot" tunnel a-gw b-gw dashed "blue 100<->300" "red 200<->100" &&
    $D "$TMP/fed.dot" tunnel b-gw c-gw dashed &&
    $D "$TMP/fed.dot" node b-gw dashed "site b" &&
    $D "$TMP/fed.dot" node a-gw solid "site a" ||
    fail "the federation without b's proxy: $(cat "$TMP/fed.dot")"
grep -q "site b's proxy does not answer" "$TMP/fed.err" ||
    fail "vanlab graph does not say b's proxy is silent: $(cat "$TMP/fed.err")"

"$VANLAB" restart --prefix "$PFX" b-gw >"$TMP/restart" || fail "vanlab restart b-gw"
t0=$(ms_now)
b_alive() {
	pdot a && pdot c && fdot &&
	    $D "$TMP/a.dot" tunnel "proxy a" "peer b" solid &&
	    $D "$TMP/c.dot" tunnel "proxy c" "peer b" solid &&
	    $D "$TMP/fed.dot" tunnel a-gw b-gw solid &&
	    $D "$TMP/fed.dot" tunnel b-gw c-gw solid &&
	    $D "$TMP/fed.dot" node b-gw solid
}
poll 20 b_alive || fail "b's tunnels are not alive again: $(cat "$TMP/fed.dot")"
say "vanlab restart b-gw: every graph draws both tunnels alive again after" \
    "$(($(ms_now) - t0)) ms"

# --- a bad request -------------------------------------------------------------
SOCK=$STATE/b-gw/proxy.sock
"$VANCTL" -s "$SOCK" show graph bogus >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -q 'usage: show graph \[--dot\]' "$TMP/err" && [ ! -s "$TMP/out" ] ||
    fail "vanctl show graph bogus: exit $rc, '$(cat "$TMP/err")'"
r=$(python3 "$T" ctl "$SOCK" "$(printf 'show graph bogus\n' | od -An -tx1 | tr -d ' \n')")
[ "$(echo "$r" | jpy "[j['ok'], j['error']]")" = '[false, "usage: show graph"]' ] ||
    fail "vanproxy answers show graph bogus with '$r'"
say "show graph bogus: vanctl exits 1 with its usage; vanproxy answers 'usage: show graph'"
