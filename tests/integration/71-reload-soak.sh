# 71-reload-soak — reloads lose nothing (issue 13, item 7).  Two sites
# (fed2.conf), three probe streams at 1 ms intervals: b2@a -> b4@b (blue)
# and r3@b -> r1@a (red) across the sites, r4@h4 -> r3@h3 (red) inside
# site b.  Then 50 rounds, each reloading all six daemons (four vanedges,
# two vanproxies) under that traffic: half by `vanctl reload`, half by
# SIGHUP (alternating per round and per daemon), and each round waits
# until every daemon's `reloads` counter reached the round's number.  The
# rounds go through five files in turn: a VAN "spare" (400, in no
# peering) added, with a port (a tap vanedge makes) on h1 and on h3; its
# flood_rate, green's flood_rate (edges) and the member_flood_rate
# changed; the file vanlab wrote back again (spare and its ports
# removed); twice that file unchanged.  So both the path that applies a
# changed configuration and the no-op one run, never touching blue or
# red.  After each change every daemon shows spare (h1 and h3 with their
# port, JOINed at the other host and the proxy of their site) or not, and
# blue and red as before.
#
# Passes by counting only: on every stream no probe lost, none twice,
# none out of order, no send refused; `reloads` = 50 more on every daemon,
# `reload_failures` unchanged; the same daemons (pids), every member and
# peer alive with the epoch it had and no death or restart counted;
# vanlab report: every VAN connected and isolated.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed2.conf"
ROUNDS=50
# NAME:DIR:KIND of each daemon (vanlab ctl NAME; its files in $STATE/DIR).
DAEMONS="h1:a-h1:edge h2:a-h2:edge h3:b-h3:edge h4:b-h4:edge a-gw:a-gw:proxy b-gw:b-gw:proxy"

PY=$TMP/soak.py
cat >"$PY" <<'EOF'
import json, sys

def docs():
    d, t, i = json.JSONDecoder(), sys.stdin.read(), 0
    while True:
        while i < len(t) and t[i].isspace():
            i += 1
        if i == len(t):
            return
        o, i = d.raw_decode(t, i)
        yield o

cmd = sys.argv[1]
if cmd == "reloads":
    # `show stats` of each daemon: "RELOADS/FAILURES" each.
    print(" ".join("%d/%d" % (o["daemon"]["reloads"], o["daemon"]["reload_failures"])
                   for o in docs()))
elif cmd == "vans":
    # `show vans` of each daemon: blue and red (ID, name, ports, members),
    # then spare's "PORTS/MEMBERS" on each ("none" where it is not).
    out, sp = [], []
    for o in docs():
        out.append(str(sorted((v["id"], v["name"], v["ports"], v["members"]) for v in o
                              if v["name"] in ("blue", "red"))))
        sp.append(" ".join("%d/%d" % (v["ports"], v["members"]) for v in o
                           if v["name"] == "spare") or "none")
    print(" | ".join(out), "# spare:", " ".join(sp))
elif cmd == "health":
    # `show members`, then `show stats` (and for a proxy `show peers`):
    # each member's address, state and epoch, its deaths and restarts;
    # "all alive:" first if every member and peer is alive.
    objs = list(docs())
    members, stats, peers = objs[0], objs[1], objs[2] if len(objs) > 2 else []
    count = {m["address"]: (m["deaths"], m["restarts"]) for m in stats["members"]}
    rows = ["%s %s %s deaths=%d restarts=%d" % ((m["address"], m["state"], m["epoch"]) +
                                                count.get(m["address"], (-1, -1)))
            for m in members]
    rows += ["peer %s %s" % (p["name"], p["state"]) for p in peers]
    ok = all(m["state"] == "alive" for m in members + peers) and members
    print("%s %d: %s" % ("all alive" if ok else "NOT all alive", len(rows),
                         "; ".join(sorted(rows))))
elif cmd == "floods":
    # `show stats` of hosts: blue's and red's flood_tx on each.
    print(" ".join("%s/%s" % tuple(v["flood_tx"] for n in ("blue", "red")
                                   for v in o["vans"] if v["name"] == n)
                   for o in docs()))
elif cmd == "count":
    # SENT RECEIVED (probe-send's and probe-recv's files, the latter in
    # arrival order): sent, received, lost, duplicates, out of order,
    # probes the sender could not send, received that were never sent.
    sent = [int(l.split()[0]) for l in open(sys.argv[2])]
    recv = [int(l.split()[0]) for l in open(sys.argv[3])]
    s, r = set(sent), set(recv)
    top, late = -1, 0
    for q in recv:
        if q < top:
            late += 1
        top = max(top, q)
    refused = (max(sent) + 1 - len(s)) if sent else 0
    print("sent=%d received=%d lost=%d duplicates=%d reordered=%d refused=%d unknown=%d" %
          (len(sent), len(r), len(s - r), len(recv) - len(r), late, refused, len(r - s)))
EOF

# The interpreter itself: a shim in front of it (pyenv) costs 0.1 s a call.
PY3=$(python3 -c 'import sys; print(sys.executable)') || fail "python3"
# daemon NAME:DIR:KIND — sets name, dir, kind.
daemon() {
	name=${1%%:*} kind=${1##*:} dir=${1#*:}
	dir=${dir%%:*}
}

# Each daemon's configuration vanlab wrote, and the two variants.
for d in $DAEMONS; do
	daemon "$d"
	case $dir in
	a-h1|b-h3) spare='  { id = 400; name = "spare"; flood_rate = FR; ports = ( { tap = "t-spare"; } ); },' ;;
	*) spare='  { id = 400; name = "spare"; flood_rate = FR; },' ;;
	esac
	f=$STATE/$dir/$kind.conf
	[ -f "$f" ] || fail "no $f"
	cp "$f" "$TMP/v0.$dir"
	awk -v s="$spare" '{ print } /^vans = \($/ { sub(/FR/, "100", s); print s }' \
	    "$f" >"$TMP/v1.$dir"
	awk -v s="$spare" '{
		sub(/\{ id = 300; name = "green";/, "& flood_rate = 1234;")
		print
		if ($0 ~ /^(edge|proxy) = \{$/) print "  member_flood_rate = 9000;"
		if ($0 ~ /^vans = \($/) { sub(/FR/, "200", s); print s }
	}' "$f" >"$TMP/v2.$dir"
	for v in 1 2; do
		cmp -s "$TMP/v0.$dir" "$TMP/v$v.$dir" && fail "variant $v of $dir: no change"
		cp "$TMP/v$v.$dir" "$STATE/$dir/check.conf"	# beside its @include
		"$B/van$kind" -n -f "$STATE/$dir/check.conf" >"$TMP/check" 2>&1 ||
		    fail "variant $v of $dir: $(cat "$TMP/check")"
		rm -f "$STATE/$dir/check.conf"
	done
	[ "$kind" = proxy ] || grep -q 'name = "green"; flood_rate = 1234;' "$TMP/v2.$dir" ||
	    fail "variant 2 of $dir does not change green"
done

# install V — every daemon's file becomes variant V (renamed into place:
# a reload never reads half a file).
install_variant() {
	for d in $DAEMONS; do
		daemon "$d"
		cp "$TMP/v$1.$dir" "$STATE/$dir/$kind.conf.new" &&
		    mv -f "$STATE/$dir/$kind.conf.new" "$STATE/$dir/$kind.conf" ||
		    fail "install variant $1 for $dir"
	done
}
# each REQUEST... — the JSON of `vanctl REQUEST` on every daemon, in order.
each() {
	for d in $DAEMONS; do
		ctl "${d%%:*}" "$@" || return 1
	done
}
# reloads — "RELOADS/FAILURES" of each daemon (`show stats`: the JSON's
# daemon object; no other key of that name).  reloads_at N — true once
# each made N more than it had at the start ($R0) and failed no more.
reloads() {
	each show stats >"$TMP/stats" || return 1
	grep -oE '"reload(s|_failures)": *[0-9]+' "$TMP/stats" | awk -F': *' '
	    /"reloads"/ { r = $2 } /"reload_failures"/ { printf "%s%s/%s", sep, r, $2; sep = " " }
	    END { print "" }'
}
reloads_at() {
	rwant=""
	for x in $R0; do
		rwant="$rwant${rwant:+ }$((${x%/*} + $1))/${x#*/}"
	done
	[ "$(reloads)" = "$rwant" ]
}
vans() { each show vans | "$PY3" "$PY" vans; }
# vans_are SPARE — blue and red as at the start; spare as SPARE says
# (vans' "# spare:" part).
vans_are() {
	[ "$(vans)" = "${V0%%# spare:*}# spare: $1" ]
}
# Spare where it is configured: its port on h1 and h3, each JOINed at the
# other host of its site and at its proxy (the proxies JOIN nothing: no
# peering carries spare).
SPARE="1/0 0/1 1/0 0/1 0/1 0/1"
NONE="none none none none none none"
health() {
	for d in $DAEMONS; do
		n=${d%%:*}
		{ ctl "$n" show members && ctl "$n" show stats &&
		    case $d in *:proxy) ctl "$n" show peers ;; esac; } |
		    "$PY3" "$PY" health || return 1
	done
}
pids() {
	for d in $DAEMONS; do
		daemon "$d"
		p=$(cat "$STATE/$dir/$kind.pid") && kill -0 "$p" && printf '%s ' "$p" ||
		    return 1
	done
}

# --- traffic -------------------------------------------------------------
ping_ok b2 10.0.0.14 || fail "b2 does not reach b4"
ping_ok r3 10.0.0.11 || fail "r3 does not reach r1"
ping_ok r4 10.0.0.13 || fail "r4 does not reach r3"
stream_start ab b2 b4 10.0.0.14 7001
stream_start ba r3 r1 10.0.0.11 7002
stream_start in r4 r3 10.0.0.13 7003
delivered h4 t-b4 200 || fail "the stream b2@a -> b4@b does not flow"
delivered h1 t-r1 200 || fail "the stream r3@b -> r1@a does not flow"
delivered h3 t-r3 200 || fail "the stream r4@h4 -> r3@h3 does not flow"

R0=$(reloads) || fail "show stats"
[ "$R0" = "$(each show stats | "$PY3" "$PY" reloads)" ] || fail "reloads: $R0 is not what the JSON says"
[ "$(echo $R0 | wc -w)" = 6 ] || fail "reloads of six daemons: $R0"
V0=$(vans) || fail "show vans"
H0=$(health) || fail "show members"
P0=$(pids) || fail "a daemon is not running before the rounds"
[ "$(echo "$H0" | grep -c '^all alive ')" = 6 ] || fail "before the rounds: $H0"
[ "${V0#*# spare: }" = "$NONE" ] || fail "before the rounds: $V0"
floods() { for h in h1 h2 h3 h4; do ctl $h show stats; done | "$PY3" "$PY" floods; }
fl0=$(floods) || fail "show stats"
say "streams flow; reloads/failures before: $R0"

# --- the rounds ------------------------------------------------------------
t0=$(ms_now)
prev=0 nctl=0 nhup=0 changes=0
r=1
while [ $r -le $ROUNDS ]; do
	case $((r % 5)) in 1) v=1 ;; 2) v=2 ;; *) v=0 ;; esac
	if [ $v != $prev ]; then
		install_variant $v
		changes=$((changes + 1))
	fi
	i=0
	for d in $DAEMONS; do
		i=$((i + 1))
		daemon "$d"
		if [ $(((r + i) % 2)) = 0 ]; then
			ctl "$name" reload >"$TMP/reload" 2>&1 ||
			    fail "round $r: vanctl reload on $name: $(cat "$TMP/reload")"
			nctl=$((nctl + 1))
		else
			kill -HUP "$(cat "$STATE/$dir/$kind.pid")" ||
			    fail "round $r: SIGHUP to $name"
			nhup=$((nhup + 1))
		fi
	done
	poll 10 reloads_at $r ||
	    fail "round $r: reloads/failures $(reloads), want $r more than $R0"
	if [ $v != $prev ]; then
		case $v in 0) want=$NONE ;; *) want=$SPARE ;; esac
		poll 10 vans_are "$want" ||
		    fail "round $r (variant $v): VANs $(vans), want spare $want, blue and red as before"
	fi
	prev=$v
	[ $((r % 10)) = 0 ] && say "round $r: every daemon reloaded $r times ($(reloads))"
	r=$((r + 1))
done
t1=$(ms_now)
say "$ROUNDS rounds in $((t1 - t0)) ms: $nctl \`vanctl reload\`, $nhup SIGHUP;" \
    "$changes changed files"

# Still flowing after the last round (the streams outlast any rounds the
# scenario timeout allows: lib.sh's STREAM_SECONDS), then stop and count.
delivered h4 t-b4 100 || fail "the stream b2@a -> b4@b stopped"
delivered h1 t-r1 100 || fail "the stream r3@b -> r1@a stopped"
delivered h3 t-r3 100 || fail "the stream r4@h4 -> r3@h3 stopped"
streams_stop
: >"$TMP/none.json"
bad=""
for s in ab ba in; do
	case $s in
	ab) from="b2@a -> b4@b (blue, across)" ;;
	ba) from="r3@b -> r1@a (red, across)" ;;
	*) from="r4@h4 -> r3@h3 (red, in site b)" ;;
	esac
	c=$("$PY3" "$PY" count "$TMP/$s.sent" "$TMP/$s.recv") || fail "count $s"
	g=$(python3 "$T" probe-gap "$TMP/$s.sent" "$TMP/$s.recv" "$TMP/none.json" 1000) ||
	    fail "probe-gap $s: $g"
	say "stream $from: $c"
	set -- $(echo "$c" | tr '=' ' ')
	[ "$2" -gt 0 ] && [ "$6" = 0 ] && [ "$8" = 0 ] && [ "${10}" = 0 ] &&
	    [ "${12}" = 0 ] && [ "${14}" = 0 ] || bad="$bad $s"
	# probe-gap's own tally agrees.
	[ "$g" = "interval_ms=1.0 sent=$2 received=$4" ] || fail "stream $s: probe-gap says $g"
done
[ -z "$bad" ] || fail "probes lost, duplicated or reordered on:$bad"

# --- the daemons afterwards ------------------------------------------------
R1=$(reloads) || fail "show stats"
[ "$R1" = "$(each show stats | "$PY3" "$PY" reloads)" ] || fail "reloads: $R1 is not what the JSON says"
reloads_at $ROUNDS || fail "reloads/failures $R1, want $ROUNDS more than $R0"
say "reloads/failures after: $R1 (before: $R0)"
P1=$(pids) || fail "a daemon is gone after the rounds"
[ "$P1" = "$P0" ] || fail "the daemons' pids changed: $P1, were $P0"
H1=$(health) || fail "show members"
[ "$H1" = "$H0" ] || fail "members changed: before $H0; after $H1"
[ "$(echo "$H1" | grep -c '^all alive ')" = 6 ] || fail "not every member alive: $H1"
say "same pids; every member and peer alive" \
    "($(echo "$H1" | awk '{ n += $3 } END { print n }') on 6 daemons)," \
    "each with the epoch it had, no death or restart counted"
fl1=$(floods) || fail "show stats"
say "frames flooded (blue/red, h1..h4): $fl0 before the rounds, $fl1 after"
vans_are "$NONE" || fail "VANs after the rounds: $(vans)"

"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || { cat "$TMP/report" >&2; fail "vanlab report"; }
grep -q "every VAN connected and isolated" "$TMP/report" || fail "report: $(tail -1 "$TMP/report")"
grep -Eq ' (LEAK|FAIL)( |$)' "$TMP/report" && fail "report: a LEAK or FAIL in the matrix"
say "report: $(tail -1 "$TMP/report")"
