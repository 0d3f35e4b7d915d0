# 77-metrics — both daemons serve Prometheus metrics over HTTP (two sites,
# fed2.conf with `lab = { metrics = true; }`): promtool accepts vanedge's
# and vanproxy's exposition; every number of their show output is a metric
# (vanfed_metrics_unmapped_fields 0); counters move with traffic (frames of
# the VAN, the proxy's peer and its handshake, role, members and peers
# alive); /other is 404, POST 405; a 100 KiB header gets a 4xx; 200 slow
# connections at once get the cap (32) served and the rest closed at once,
# while pings pass and a scrape beyond the cap is refused; once they go,
# scrapes work again.  A reload whose metrics address is in use fails with
# FILE:LINE and the old listener keeps answering; a free new address is
# taken at the reload (the old one closed); a start on an address in use
# exits non-zero with the error.
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "no promtool (tests/deps.sh metrics)"
command -v curl >/dev/null || fail "no curl (tests/deps.sh metrics)"
sed 's/^lab = { /lab = { metrics = true; /' "$HERE/fed2.conf" >"$TMP/fed2.conf"
grep -q 'metrics = true' "$TMP/fed2.conf" || fail "fed2.conf has no lab group"
lab_up "$TMP/fed2.conf"

CONF=$STATE/a-h1/edge.conf
mline() { sed -n 's/^  metrics = "\(.*\)";$/\1/p' "$1"; }
EA=$(mline "$CONF")
PA=$(mline "$STATE/a-gw/proxy.conf")
[ -n "$EA" ] && [ -n "$PA" ] || fail "vanlab wrote no metrics address ($EA, $PA)"
EIP=${EA%:*}
say "vanedge h1 at $EA, vanproxy a at $PA"

# get NS ADDR [PATH] — the body of a scrape; fails if the request does.
get() { vm "$1" curl -sSf --max-time 10 "http://$2${3:-/metrics}"; }
# code NS URL [CURL ARGS...] — the HTTP status of a request (000: none).
code() {
	ns=$1 url=$2
	shift 2
	vm "$ns" curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$@" "$url"
}
# value FILE SERIES — the value of one series (name and labels as printed).
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }

get h1 "$EA" >"$TMP/e0" || fail "scrape of vanedge"
get a-gw "$PA" >"$TMP/p0" || fail "scrape of vanproxy"
promtool check metrics <"$TMP/e0" || fail "promtool: vanedge's exposition"
promtool check metrics <"$TMP/p0" || fail "promtool: vanproxy's exposition"
say "promtool accepts both: $(grep -c '^# TYPE' "$TMP/e0") and $(grep -c '^# TYPE' "$TMP/p0") families"
for f in e0 p0; do
	[ "$(value "$TMP/$f" vanfed_metrics_unmapped_fields)" = 0 ] ||
	    fail "$f: fields of show without a metric"
	grep -q '^# HELP vanfed_drops_total ' "$TMP/$f" || fail "$f: no vanfed_drops_total"
done
grep -Eq '^vanfed_edge_info\{version="[^"]*",epoch="[0-9a-f]{16}"\} 1$' "$TMP/e0" ||
    fail "no vanfed_edge_info"
grep -Eq '^vanfed_proxy_info\{version="[^"]*",epoch="[0-9a-f]{16}",site="a"\} 1$' "$TMP/p0" ||
    fail "no vanfed_proxy_info"
[ "$(value "$TMP/p0" 'vanfed_proxy_role{role="active"}')" = 1 ] || fail "proxy not active"

# Counters move with traffic: b1 (a, h1) pings b3 (b, h3) across the tunnel.
RX='vanfed_edge_frames_total{van="blue",dir="rx"}'
f0=$(value "$TMP/e0" "$RX")
[ -n "$f0" ] || fail "no $RX"
ping_ok b1 10.0.0.13 || fail "b1 -> b3"
vm b1 ping -n -q -c 5 -i 0.2 10.0.0.13 >/dev/null || fail "5 pings b1 -> b3"
frames_grew() {
	get h1 "$EA" >"$TMP/e1" && [ "$(value "$TMP/e1" "$RX")" -ge $((f0 + 6)) ]
}
poll 10 frames_grew || fail "$RX stayed at $(value "$TMP/e1" "$RX") (from $f0)"
say "$RX: $f0 -> $(value "$TMP/e1" "$RX")"
peer_up() {
	get a-gw "$PA" >"$TMP/p1" &&
	    [ "$(value "$TMP/p1" vanfed_proxy_peers_alive)" = 1 ] &&
	    [ -n "$(value "$TMP/p1" 'vanfed_proxy_peer_handshake_age_seconds{peer="b"}')" ] &&
	    [ "$(value "$TMP/p1" 'vanfed_proxy_peer_bytes_total{peer="b",dir="rx"}')" -gt 0 ]
}
poll 10 peer_up || fail "vanproxy: peer b not alive, or no handshake, or no bytes"
alive() { get h1 "$EA" >"$TMP/e2" && [ "$(value "$TMP/e2" vanfed_edge_members_alive)" = 2 ]; }
poll 10 alive || fail "h1: members alive $(value "$TMP/e2" vanfed_edge_members_alive), not 2"
say "peer b alive, handshake age $(value "$TMP/p1" 'vanfed_proxy_peer_handshake_age_seconds{peer="b"}') s; h1 has 2 members alive"

# Only GET (or HEAD) /metrics.
for t in "h1 $EA" "a-gw $PA"; do
	set -- $t
	c=$(code "$1" "http://$2/other") && [ "$c" = 404 ] || fail "$1 /other: $c, not 404"
	c=$(code "$1" "http://$2/metrics" -X POST) && [ "$c" = 405 ] ||
	    fail "$1 POST /metrics: $c, not 405"
	c=$(code "$1" "http://$2/metrics" -I) && [ "$c" = 200 ] || fail "$1 HEAD: $c"
done
say "/other 404, POST 405, HEAD 200 on both"

# A 100 KiB header: refused (4xx), and the data path does not notice.
big=$(head -c 102400 /dev/zero | tr '\0' a)
c=$(code h1 "http://$EA/metrics" -H "X-Big: $big")
case $c in 4??) ;; *) fail "a 100 KiB header got $c, not 4xx" ;; esac
ping_ok b1 10.0.0.13 || fail "b1 -> b3 after the big header"
get h1 "$EA" >/dev/null || fail "no scrape after the big header"
say "a 100 KiB header: $c; pings pass, scrapes work"

# 200 connections at once, each a request that never ends (a header byte
# every half second keeps it within the timeout): the cap is served, the rest is
# closed at once; `slow` writes how many it saw closed, how many are open.
cat >"$TMP/slow.py" <<'EOF'
import os, select, socket, sys, threading, time
host, port, n, out, release = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
socks, lock = [], threading.Lock()
def connect():	# a thread: a connect the kernel retries does not stop the trickle
    for i in range(n):
        s = socket.create_connection((host, port), timeout=30)
        s.sendall(b"GET /metrics HTTP/1.1\r\nX-Slow: ")
        with lock:
            socks.append(s)
threading.Thread(target=connect, daemon=True).start()
closed, last = set(), 0.0
while not os.path.exists(release):
    with lock:
        live = [s for s in socks if s not in closed]
        total = len(socks)
    if live:
        r, _, _ = select.select(live, [], [], 0.1)
    else:
        r = []
        time.sleep(0.1)
    for s in r:
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if d == b"":
            closed.add(s)
    if time.time() - last >= 0.5:
        last = time.time()
        for s in live:
            if s not in closed:
                try:
                    s.send(b"x")
                except OSError:
                    closed.add(s)
    if total == n:
        with open(out + ".tmp", "w") as f:
            f.write("%d %d\n" % (len(closed), n - len(closed)))
        os.rename(out + ".tmp", out)
for s in socks:
    s.close()
EOF
bg vm h1 python3 "$TMP/slow.py" "$EIP" "${EA##*:}" 200 "$TMP/slow.count" "$TMP/slow.release"
SLOW=$BG
capped() { [ "$(cat "$TMP/slow.count" 2>/dev/null)" = "168 32" ]; }
poll 30 capped || fail "200 slow connections: closed/open $(cat "$TMP/slow.count" 2>/dev/null), not 168 32"
say "200 slow connections: 32 served, 168 closed at once"
vm b1 ping -n -q -c 5 -i 0.2 10.0.0.13 >/dev/null || fail "pings b1 -> b3 with 32 slow connections"
if get h1 "$EA" >/dev/null 2>&1; then fail "a scrape beyond the cap was served"; fi
get a-gw "$PA" >/dev/null || fail "vanproxy's scrape, while vanedge's is full"
capped || fail "the slow connections changed: $(cat "$TMP/slow.count")"
touch "$TMP/slow.release"
wait "$SLOW" 2>/dev/null
served() { get h1 "$EA" >"$TMP/e3"; }
poll 10 served || fail "no scrape once the slow connections went"
r=$(value "$TMP/e3" vanfed_metrics_refused_total)
[ "$r" -ge 169 ] || fail "vanfed_metrics_refused_total $r, not at least 169"
gone() { get h1 "$EA" >"$TMP/e3" && [ "$(value "$TMP/e3" vanfed_metrics_connections)" = 1 ]; }
poll 10 gone || fail "vanfed_metrics_connections $(value "$TMP/e3" vanfed_metrics_connections) once they went"
say "pings passed; the scrape beyond the cap was refused; scrapes work again (refused $r)"

# Reload: a metrics address in use fails at its line, the old one answers.
cat >"$TMP/hold.py" <<'EOF'
import os, socket, sys, time
s = socket.socket()
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
open(sys.argv[3], "w").close()
while not os.path.exists(sys.argv[4]):
    time.sleep(0.05)
EOF
bg vm h1 python3 "$TMP/hold.py" "$EIP" 9798 "$TMP/hold.ready" "$TMP/hold.release"
HOLD=$BG
poll 10 test -e "$TMP/hold.ready" || fail "nothing listens on $EIP:9798"
cp "$CONF" "$TMP/edge.conf.orig"
sed -i "s/^  metrics = \"$EA\";/  metrics = \"$EIP:9798\";/" "$CONF"
line=$(grep -n "^  metrics = \"$EIP:9798\";" "$CONF" | cut -d: -f1)
[ -n "$line" ] || fail "could not change $CONF"
if "$VANLAB" ctl --prefix "$PFX" h1 -- reload >"$TMP/out" 2>"$TMP/err"; then
	fail "reload onto an address in use succeeded"
fi
want="vanctl: $CONF:$line: metrics $EIP:9798: bind: Address already in use"
[ "$(cat "$TMP/err")" = "$want" ] || fail "reload: got '$(cat "$TMP/err")', want '$want'"
get h1 "$EA" >/dev/null || fail "the old metrics listener went with the failed reload"
say "reload onto $EIP:9798 in use: $(cat "$TMP/err"); $EA still answers"
# Once it is free, the reload moves the server there.
touch "$TMP/hold.release"
wait "$HOLD" 2>/dev/null
"$VANLAB" ctl --prefix "$PFX" h1 -- reload >/dev/null || fail "reload onto a free $EIP:9798"
get h1 "$EIP:9798" >/dev/null || fail "no metrics on $EIP:9798 after the reload"
c=$(code h1 "http://$EA/metrics")
[ "$c" = 000 ] || fail "$EA still answers ($c)"
cp "$TMP/edge.conf.orig" "$CONF"
"$VANLAB" ctl --prefix "$PFX" h1 -- reload >/dev/null || fail "reload back onto $EA"
get h1 "$EA" >/dev/null || fail "no metrics on $EA after reloading back"
say "reload moves the metrics server ($EA -> $EIP:9798 -> $EA)"

# A start on an address in use exits non-zero, saying so.
cat >"$TMP/second.conf" <<EOF
edge = { listen = "$EIP:4999"; control = "$TMP/second.sock";
  metrics = "$EA"; };
EOF
if vm h1 "$VANEDGE" -f "$TMP/second.conf" >"$TMP/second.out" 2>&1; then
	fail "a second vanedge on $EA started"
fi
grep -q "$TMP/second.conf:2: metrics $EA: bind: Address already in use" "$TMP/second.out" ||
    fail "start on $EA in use: $(cat "$TMP/second.out")"
ping_ok b1 10.0.0.13 || fail "b1 -> b3 at the end"
say "a start on $EA in use: exit non-zero, $(tail -1 "$TMP/second.out")"
