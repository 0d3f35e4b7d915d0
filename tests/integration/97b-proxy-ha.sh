# 97b-proxy-ha — site a's gateway as a pair under keepalived (fed-ha.conf:
# fed2.conf with `proxy = { ha = true; }` for site a; 97c switches one
# vanproxy's role by hand).  a-gw1 and a-gw2 run vanproxy with the same
# configuration and key, and keepalived (VRRP) holds a's proxy addresses
# as VIPs on one of them.  Probe streams cross the sites both ways (b2@a
# -> b4@b, b3@b -> b1@a, one probe a millisecond) while the active gateway
# fails and comes back:
#   kill     a-gw1's vanproxy killed (SIGKILL): a-gw2 takes over;
#   back     a-gw1 restarted (`vanlab restart a-gw1`): it takes the VIPs
#            back (preemption);
#   cut      a-gw1 cut off (its ports on the switches down): a-gw2;
#   links    its ports up again: a-gw1;
#   planned  `vanctl role standby` on the active one (`vanlab ctl a-gw`):
#            keepalived notices, drains a-gw1, the VIPs go to a-gw2;
#   undrain  a-gw1 restarted, undrained: a-gw1.
# Each time: the streams' outage is reported (the goals: 2 s after a
# failure and at a failback, 1 s on a planned switch-over: a timing figure,
# so `make check` reports it and `make bench` holds it to the goal, with
# HA_BOUNDS=1: tests/bench/run.sh); the streams must flow again within
# WAIT_MS (15 s); by counting: exactly one
# gateway active and holding both VIPs; blue's forwarding tables agree on
# where each VM is, on every edge and both sites' proxies; the other
# gateway sends nothing (no UDP datagram leaves its links while both
# streams deliver 500 probes, its vanproxy's send counters stay); no
# datagram crosses into another VAN (udp sinks of the twins).  Before
# that: a keepalived that refuses its configuration fails `vanlab up`
# cleanly; the pair's files; status, check, exec and ctl by name.
. "$(dirname "$0")/lib.sh"
KA=$(command -v keepalived || echo /usr/sbin/keepalived)
[ -x "$KA" ] || fail "keepalived missing (tests/deps.sh ha installs it)"
mono_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }

# --- a refused keepalived.conf: `up` fails and leaves nothing ---------------
# A wrapper that breaks a keyword in a-gw1's file before keepalived reads
# it, as a keepalived of another version would not know one.
PFE=${PFX}e
trap 'rc=$?; "$VANLAB" down --prefix "$PFE" >/dev/null 2>&1; (exit $rc); cleanup' EXIT
cat >"$TMP/keepalived" <<EOF
#!/bin/sh
for a; do
	case \$a in */a-gw/keepalived.conf) sed -i 's/^    check_unicast_src\$/    check_unicast_sorce/' "\$a" ;; esac
done
exec "$KA" "\$@"
EOF
chmod 755 "$TMP/keepalived"
VANLAB_KEEPALIVED=$TMP/keepalived "$VANLAB" up --prefix "$PFE" "$HERE/fed-ha.conf" \
    >"$TMP/e.out" 2>"$TMP/e.err" && fail "vanlab up with a refused keepalived.conf succeeded"
grep -q "^vanlab: keepalived refuses the configuration of a-gw1:" "$TMP/e.err" ||
    fail "up: no word of keepalived's refusal: $(cat "$TMP/e.err")"
grep -Eq "^/run/vanlab/$PFE/a-gw/keepalived.conf:[0-9]+: Unknown keyword 'check_unicast_sorce'" \
    "$TMP/e.err" || fail "up: keepalived's message not as FILE:LINE: $(cat "$TMP/e.err")"
[ ! -e "/run/vanlab/$PFE" ] || fail "a failed up left /run/vanlab/$PFE"
ip netns list | grep -q "^$PFE-" && fail "a failed up left namespaces: $(ip netns list | grep "^$PFE-")"
pgrep -f "/run/vanlab/$PFE/" >/dev/null && fail "a failed up left processes: $(pgrep -af "/run/vanlab/$PFE/")"
ls /var/run/wireguard/"$PFE"-* >/dev/null 2>&1 && fail "a failed up left UAPI sockets"
say "a keepalived.conf keepalived refuses: up fails with" \
    "'$(grep -m1 "check_unicast_sorce" "$TMP/e.err" | sed "s|/run/vanlab/$PFE/||")'" \
    "and leaves no state, namespace, process or UAPI socket"

# --- the pair ---------------------------------------------------------------
lab_up "$HERE/fed-ha.conf"
D1=$STATE/a-gw D2=$STATE/a-gw2 NS1=$PFX-a-gw NS2=$PFX-a-gw2
VIPS="10.77.1.10 10.76.0.11"
gd() { [ "$1" = 1 ] && echo "$D1" || echo "$D2"; }
gn() { [ "$1" = 1 ] && echo "$NS1" || echo "$NS2"; }
G() {
	g=$1
	shift
	"$VANCTL" -s "$(gd "$g")/proxy.sock" --json "$@"
}
role() { G "$1" show stats 2>/dev/null | jpy "j['daemon']['role']" 2>/dev/null || echo down; }
# vips G — how many of the pair's VIPs gateway G holds.
vips() {
	ip -n "$(gn "$1")" -4 -o addr show | grep -c -e ' 10\.77\.1\.10/' -e ' 10\.76\.0\.11/'
}
# active_is G — G active with both VIPs, its twin not active and without.
active_is() {
	o=$((3 - $1))
	[ "$(role "$1")" = active ] && [ "$(role $o)" != active ] &&
	    [ "$(vips "$1")" = 2 ] && [ "$(vips $o)" = 0 ]
}
# Everything a gateway's vanproxy has sent: tunnel datagrams and site messages.
sent() {
	G "$1" show stats | jpy "j['tunnel']['tx_datagrams'] + sum(sum(m.get('tx', {}).values()) for m in j['members'] if not m['address'].startswith('peer '))"
}

grep -q '^  ha = true;' "$D1/proxy.conf" || fail "a-gw1's proxy.conf has no ha = true"
diff "$D1/proxy.conf" "$D2/proxy.conf" | grep '^[<>]' | sed 's/ *= .*//; s/^[<>] *//' |
    sort -u >"$TMP/diff"
[ "$(cat "$TMP/diff" | tr '\n' ' ')" = "control drain_file wg_name " ] ||
    fail "the pair's proxy.conf differ in more than control, drain_file and wg_name: $(diff "$D1/proxy.conf" "$D2/proxy.conf")"
cmp -s "$D1/peering.conf" "$D2/peering.conf" || fail "the pair's peering files differ"
for g in 1 2; do
	ip netns exec "$(gn $g)" "$KA" --config-test -f "$(gd $g)/keepalived.conf" 2>"$TMP/t" ||
	    fail "keepalived --config-test of a-gw$g: $(cat "$TMP/t")"
done
poll 5 active_is 1 || fail "not a-gw1 active after up: roles $(role 1) $(role 2), VIPs $(vips 1) $(vips 2)"
[ "$(role 2)" = standby ] || fail "a-gw2 is $(role 2), not standby"
say "a-gw1 and a-gw2: proxy.conf the same but for control, drain_file and wg_name, one" \
    "peering file, keepalived.conf checked by keepalived; a-gw1 active with the" \
    "VIPs $VIPS, a-gw2 standby without"
"$VANLAB" status --prefix "$PFX" >"$TMP/status" || fail "vanlab status: $(cat "$TMP/status")"
grep -Eq "^a-gw1 +$NS1 +10\.77\.1\.254 +10\.76\.0\.254 +pid [0-9]+ +$PFX-a +1/1 alive +ACTIVE" "$TMP/status" &&
    grep -Eq "^a-gw2 +$NS2 +10\.77\.1\.253 +10\.76\.0\.253 +pid [0-9]+ +$PFX-a-2 +- +standby, keepalived pid" \
    "$TMP/status" || fail "vanlab status: $(grep -- -gw "$TMP/status")"
"$VANLAB" check --prefix "$PFX" --proxy a "$HERE/fed-ha.conf" >"$TMP/check" || fail "vanlab check --proxy a"
for d in a-gw a-gw2; do
	grep -q "^# $STATE/$d/keepalived.conf" "$TMP/check" ||
	    fail "check --proxy a does not print $d/keepalived.conf"
done
vm a-gw ip -4 -o addr show dev eth0 | grep -q ' 10\.77\.1\.10/32' || fail "exec a-gw is not the active one"
vm a-gw2 ip -4 -o addr show dev eth0 | grep -q ' 10\.77\.1\.253/24' || fail "exec a-gw2"
[ "$("$VANLAB" ctl --prefix "$PFX" a-gw2 -- --json show stats | jpy "j['daemon']['role']")" = standby ] ||
    fail "ctl a-gw2"
if command -v wg >/dev/null; then
	[ "$(wg show "$(cat "$D1/wg.name")" peers)" = "$(wg pubkey <"$STATE/b-gw/proxy.key")" ] &&
	    [ "$(wg show "$(cat "$D2/wg.name")" peers)" = "$(wg pubkey <"$STATE/b-gw/proxy.key")" ] ||
	    fail "wg show $(cat "$D1/wg.name") / $(cat "$D2/wg.name"): not b's key"
fi
say "status lists both (a-gw1 ACTIVE, a-gw2 standby), check --proxy prints both" \
    "keepalived.conf, exec/ctl a-gw is the active one, a-gw2 the other; wg show" \
    "$(cat "$D1/wg.name") and $(cat "$D2/wg.name")"
"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || { cat "$TMP/report" >&2; fail "vanlab report"; }
grep -q "every VAN connected and isolated" "$TMP/report" || fail "report: $(tail -1 "$TMP/report")"

# --- what is checked after each event ----------------------------------------
# fdb_agree G — blue's forwarding tables on every host, a's active gateway
# G and b's proxy: every entry where its VM is (local tap, the other host
# of the site, the site's proxy VIP, "peer SITE"), and the streams' senders
# known where their frames go.
fdb_agree() {
	for h in h1 h2 h3 h4; do
		echo "== $h"
		ctl $h show fdb blue
	done >"$TMP/fdb"
	{ echo "== a"; G "$1" show fdb 100; echo "== b"; pctl b show fdb 200; } >>"$TMP/fdb"
	python3 - "$TMP/fdb" <<'EOF'
import json, sys
vms = {"02:00:0a:00:00:0b": ("b1", "h1"), "02:00:0a:00:00:0c": ("b2", "h2"),
       "02:00:0a:00:00:0d": ("b3", "h3"), "02:00:0a:00:00:0e": ("b4", "h4")}
site = {"h1": "a", "h2": "a", "h3": "b", "h4": "b", "a": "a", "b": "b"}
addr = {"h1": "10.77.1.11", "h2": "10.77.1.12", "h3": "10.77.2.11", "h4": "10.77.2.12"}
vip = {"a": "10.77.1.10", "b": "10.77.2.10"}
need = {("h4", "b2"), ("b", "b2"), ("a", "b2"), ("h1", "b3"), ("a", "b3"), ("b", "b3")}
tables, name, buf = {}, None, []
for line in open(sys.argv[1]).read().splitlines() + ["== end"]:
    if line.startswith("== "):
        if name:
            tables[name] = json.loads("\n".join(buf))
        name, buf = line[3:], []
    else:
        buf.append(line)
bad, n = [], 0
for t, entries in tables.items():
    for e in entries:
        if e["mac"] not in vms:
            bad.append("%s: unknown MAC %s" % (t, e["mac"]))
            continue
        v, h = vms[e["mac"]]
        if t == h:
            want = "t-" + v
        elif t in addr and site[t] != site[h]:
            want = vip[site[t]] + ":4797"
        elif t in addr or site[t] == site[h]:
            want = addr[h] + ":4797"
        else:
            want = "peer " + site[h]
        if e["where"] != want:
            bad.append("%s: %s at %s, not %s" % (t, v, e["where"], want))
        need.discard((t, v))
        n += 1
bad += ["%s does not know %s" % x for x in sorted(need)]
if bad:
    sys.exit("; ".join(bad))
print(n)
EOF
}

# silent G — while both streams deliver 500 more probes (half a second),
# no UDP datagram leaves gateway G's links (tcpdump -Q out on each), and
# its vanproxy's send counters stay where they were (when it runs).
silent() {
	caps=""
	for i in eth0 eth1; do
		bg ip netns exec "$(gn "$1")" tcpdump -n -U -Q out -i $i -w "$TMP/cap-$i.pcap" udp \
		    2>"$TMP/cap-$i.err"
		caps="$caps $BG"
	done
	for i in eth0 eth1; do
		poll 10 grep -q "listening on" "$TMP/cap-$i.err" || fail "tcpdump on a-gw$1's $i"
	done
	n0=$(sent "$1" 2>/dev/null || echo down)
	delivered h4 t-b4 500 && delivered h1 t-b1 500 || fail "the streams stopped"
	n1=$(sent "$1" 2>/dev/null || echo down)
	stop $caps
	udp=0
	for i in eth0 eth1; do
		udp=$((udp + $(tcpdump -n -r "$TMP/cap-$i.pcap" 2>/dev/null | wc -l)))
	done
	[ "$udp" = 0 ] || fail "a-gw$1 ($(role "$1")) sent $udp UDP datagrams: $(tcpdump -n -r "$TMP/cap-eth0.pcap" 2>/dev/null | head -3)"
	[ "$n0" = "$n1" ] || fail "a-gw$1's vanproxy counted $n0 -> $n1 sent"
	SILENT="no UDP out of its links, vanproxy sent ${n1}"
	[ "$n1" = down ] && SILENT="no UDP out of its links (no vanproxy)"
}

# Twins at 10.0.0.13 (b3, r3, g3 in b) and 10.0.0.11 (b1, r1 in a) count
# what they get; each check sends 20 blue and 10 red datagrams each way.
for v in b3 r3 g3; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9000 "$TMP/$v.sink" 110
done
for v in b1 r1; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9001 "$TMP/$v.sink" 110
done
for v in b3 r3 g3 b1 r1; do
	poll 10 test -e "$TMP/$v.sink" || fail "udp sink in $v"
done
SENT_B=0 SENT_R=0
isolated() {
	vm b2 python3 "$T" udp-send 10.0.0.13 9000 20 1 blue && vm r2 python3 "$T" udp-send 10.0.0.13 9000 10 1 red &&
	    vm b4 python3 "$T" udp-send 10.0.0.11 9001 20 1 blue && vm r4 python3 "$T" udp-send 10.0.0.11 9001 10 1 red ||
	    fail "udp-send"
	SENT_B=$((SENT_B + 20)) SENT_R=$((SENT_R + 10))
	got() {
		[ "$(sink_count "$TMP/b3.sink")" -ge $SENT_B ] && [ "$(sink_count "$TMP/r3.sink")" -ge $SENT_R ] &&
		    [ "$(sink_count "$TMP/b1.sink")" -ge $SENT_B ] && [ "$(sink_count "$TMP/r1.sink")" -ge $SENT_R ]
	}
	poll 5 got || true
	c="$(sink_count "$TMP/b3.sink") $(sink_count "$TMP/r3.sink") $(sink_count "$TMP/g3.sink") $(sink_count "$TMP/b1.sink") $(sink_count "$TMP/r1.sink")"
	[ "$c" = "$SENT_B $SENT_R 0 $SENT_B $SENT_R" ] ||
	    fail "isolation: b3 r3 g3 b1 r1 got $c, not $SENT_B $SENT_R 0 $SENT_B $SENT_R"
}
isolated
say "isolation before the events: blue $SENT_B and red $SENT_R datagrams each way," \
    "each to its own twin, green 0"

ping_ok b2 10.0.0.14 || fail "b2 does not reach b4"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1"
stream_start ab b2 b4 10.0.0.14 7001
stream_start ba b3 b1 10.0.0.11 7002
delivered h4 t-b4 200 || fail "the stream a -> b does not flow"
delivered h1 t-b1 200 || fail "the stream b -> a does not flow"

# --- the events ---------------------------------------------------------------
# event NAME TO BOUND_MS CMD... — run CMD; gateway TO becomes active with
# the VIPs and both streams flow again (waited for up to WAIT_MS); then the
# checks.  BOUND_MS bounds the streams' outage (probe-gap, below).
WAIT_MS=15000
EV=$TMP/events.json
: >"$TMP/bounds"
event() {
	name=$1 to=$2 bound=$3
	shift 3
	from=$((3 - to))
	t0=$(mono_ns) m0=$(ms_now)
	"$@" >"$TMP/cmd" 2>&1 || fail "$name: $*: $(cat "$TMP/cmd")"
	until active_is "$to"; do
		[ "$(ms_now)" -lt $((m0 + WAIT_MS)) ] ||
		    fail "$name: a-gw$to not active after $WAIT_MS ms: roles $(role 1) $(role 2), VIPs $(vips 1) $(vips 2)"
		sleep 0.02
	done
	t1=$(mono_ns)
	a0=$(port_tx h4 t-b4) b0=$(port_tx h1 t-b1)
	until [ "$(port_tx h4 t-b4)" -ge $((a0 + 50)) ] && [ "$(port_tx h1 t-b1)" -ge $((b0 + 50)) ]; do
		[ "$(ms_now)" -lt $((m0 + WAIT_MS)) ] || fail "$name: the streams did not resume within $WAIT_MS ms"
		sleep 0.02
	done
	took=$(($(ms_now) - m0))
	printf '{ "port_mac": "configured", "moves": [ { "vm": "%s", "from": "a-gw%s", "to": "a-gw%s",
	    "stop_ns": %s, "first_frame_ns": %s } ] }\n' "$name" "$from" "$to" "$t0" "$t1" >>"$EV"
	echo "$name $bound" >>"$TMP/bounds"
	nfdb=$(fdb_agree "$to" 2>"$TMP/fdb.err") || fail "$name: blue's tables disagree: $(cat "$TMP/fdb.err")"
	silent "$from"
	isolated
	say "$name: a-gw$to active with the VIPs after $(((t1 - t0) / 1000000)) ms," \
	    "streams flowing at $took ms; $nfdb fdb entries agree; a-gw$from ($(role $from)):" \
	    "$SILENT; isolation holds"
}
cut() {
	ip -n "$PFX-a-sw" link set dev gw "$1" && ip -n "$PFX-inet" link set dev a "$1"
}
restart() { "$VANLAB" restart --prefix "$PFX" "$1"; }

event kill 2 2000 kill -9 "$(cat "$D1/proxy.pid")"
vm a-gw ip -4 -o addr show dev eth0 | grep -q ' 10\.77\.1\.253/' || fail "exec a-gw is not a-gw2 now"
event back 1 2000 restart a-gw1
event cut 2 2000 cut down
event links 1 2000 cut up
event planned 2 1000 "$VANLAB" ctl --prefix "$PFX" a-gw -- role standby
[ "$(cat "$D1/drain")" = 1 ] || fail "a-gw1 stood down by hand is not drained"
"$VANLAB" status --prefix "$PFX" | grep -q "^a-gw1 .* standby (drained)" || fail "status: a-gw1 not drained"
event undrain 1 2000 restart a-gw1
[ "$(cat "$D1/drain")" = 0 ] || fail "a-gw1 still drained after its restart"
streams_stop

# --- the outages ------------------------------------------------------------
# HA_OUTAGES=FILE (tests/bench/run.sh): one line per event and stream,
# "EVENT DIRECTION OUTAGE_MS GOAL_MS".
OUTAGES=${HA_OUTAGES:-$TMP/outages}
: >"$OUTAGES"
for st in ab ba; do
	case $st in ab) dir="b2@a -> b4@b" ;; *) dir="b3@b -> b1@a" ;; esac
	python3 "$T" probe-gap "$TMP/$st.sent" "$TMP/$st.recv" "$EV" 1000 >"$TMP/$st.gaps" ||
	    fail "probe-gap $st"
	while read -r line; do
		case $line in
		move=*)
			set -- $(echo "$line" | sed -n 's/^move=[0-9]* vm=\([a-z]*\) from=\([a-z0-9-]*\) to=\([a-z0-9-]*\) .*outage_ms=\([0-9.inf]*\) lost=\([0-9]*\) .*gap_ms=\([0-9.inf]*\).*/\1 \2 \3 \4 \5 \6/p')
			[ $# = 6 ] || fail "stream $dir: $line"
			bound=$(awk -v n="$1" '$1 == n { print $2 }' "$TMP/bounds")
			say "stream $dir: $1 ($2 -> $3): outage $4 ms ($5 probes lost)," \
			    "flowing $6 ms after $3 was active"
			[ "$4" != inf ] || fail "stream $dir: $1: the stream never resumed"
			echo "$1 $dir $4 $bound" >>"$OUTAGES"
			[ "${HA_BOUNDS:-0}" = 1 ] || continue
			awk -v o="$4" -v b="$bound" 'BEGIN { exit !(o + 0 <= b + 0) }' ||
			    fail "stream $dir: $1: outage $4 ms, more than the goal's $bound ms" ;;
		*)	say "stream $dir: $line" ;;
		esac
	done <"$TMP/$st.gaps"
done
for g in 1 2; do
	say "a-gw$g: $(G $g show stats | jpy "'role %s, role_changes %d, standby_drops %d' % (j['daemon']['role'], j['daemon']['role_changes'], j['daemon']['standby_drops'])")"
done
"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || { cat "$TMP/report" >&2; fail "vanlab report after the events"; }
grep -q "every VAN connected and isolated" "$TMP/report" || fail "report: $(tail -1 "$TMP/report")"
say "report after the events: $(tail -1 "$TMP/report")"
