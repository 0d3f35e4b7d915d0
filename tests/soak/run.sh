#!/bin/sh
# tests/soak/run.sh BUILD_DIR — the soak (`make soak`, issue 16 item 3):
# the lab of tests/soak/soak.conf (three sites, six vanedges, three
# vanproxies) under steady traffic for SOAK_MINUTES, with an event every
# SOAK_EVENT seconds, in this rotation:
#
#   migrate        m1 to the next host of h1..h6: inside its site, then to
#                  the next site (c -> a crosses b); it must be local on
#                  its new host and the stream to it must reach it there
#   reload-edge    a vanedge (seeded choice), by SIGHUP or `vanctl reload`
#                  in turn, its file switched first between vanlab's and
#                  one with a VAN more (with a port: a tap vanedge makes);
#                  its `reloads` must grow, `reload_failures` not, and the
#                  VAN come or go
#   garbage-edge   200 random datagrams to a vanedge's socket, from the
#                  other host's member address and port or, in turn, from
#                  a port that is no member's; all must be counted as drops
#   reload-proxy   the same as reload-edge for a vanproxy
#   garbage-proxy  200 random datagrams to a vanproxy's site socket (from a
#                  host of its site) or, in turn, to its tunnel socket (from
#                  its peer's internet address and port); all counted
#   restart-proxy  c's vanproxy, the peer of b's, by `vanlab restart`
#                  (SIGTERM) or, in turn, SIGKILL first; b's must see it
#                  alive again.  c-gw is the only daemon the soak restarts:
#                  the others live the whole run, so a leak shows in them.
#
# Traffic: four probe streams of numbered UDP datagrams every
# SOAK_PROBE_US (traffic.py probe-send): b5@c -> m1 and m1 -> b4@b (to and
# from the VM that moves), b2@a -> b6@c (blue across b in transit),
# r3@b -> r1@a (red).
#
# Every SOAK_SAMPLE seconds, and at the end, a row per daemon in
# samples.csv: RSS, open fds, forwarding entries, members, peers, peer
# routes (tests/soak/soak.py sample).  Fails (exit 1) if an event fails,
# a daemon dies or changes pid without the soak restarting it, a
# sanitizer report appears (ASAN_OPTIONS and UBSAN_OPTIONS log into
# OUT/san/; the daemons that end at `vanlab down` run LeakSanitizer), a
# stream no longer reaches its VM at the end, or a metric grows beyond its
# bound over the second half (soak.py verdict: the linear fit, the bound
# and why).  The summary is in OUT/summary.txt.
#
# Variables: SOAK_MINUTES (60), SOAK_SAMPLE (60), SOAK_EVENT (5),
# SOAK_SEED (the choices of targets; default from the clock, printed),
# SOAK_PROBE_US (20000), SOAK_OUT (the output directory; default
# BUILD_DIR/soak/DATE-TIME).
. "$(dirname "$0")/../integration/lib.sh"
T=$TOP/tests/integration/traffic.py
PY=$HERE/soak.py
# The interpreter itself: a shim in front of it (pyenv) costs 0.1 s a call.
PY3=$(python3 -c 'import sys; print(sys.executable)') || fail "python3"
jpy() {
	"$PY3" -c 'import json,sys; j=json.load(sys.stdin); r=eval(sys.argv[1]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1"
}
# ctl NAME ARGS... — vanctl --json straight to the daemon's socket (no
# `vanlab ctl` in between: the soak asks hundreds of times an hour).
ctl() {
	case $1 in
	h1 | h2) s=$STATE/a-$1/edge.sock ;;
	h3 | h4) s=$STATE/b-$1/edge.sock ;;
	h5 | h6) s=$STATE/c-$1/edge.sock ;;
	*-gw) s=$STATE/$1/proxy.sock ;;
	*) return 2 ;;
	esac
	shift
	"$VANCTL" -s "$s" --json "$@"
}
pctl() {
	s=$1
	shift
	ctl "$s-gw" "$@"
}

MINUTES=${SOAK_MINUTES:-60}
SAMPLE=${SOAK_SAMPLE:-60}
EVENT=${SOAK_EVENT:-5}
SEED=${SOAK_SEED:-$(($(date +%s) % 100000))}
PROBE_US=${SOAK_PROBE_US:-20000}
OUT=${SOAK_OUT:-$B/soak/$(date -u +%Y%m%d-%H%M%S)}
for v in "$MINUTES" "$SAMPLE" "$EVENT" "$SEED" "$PROBE_US"; do
	case $v in '' | *[!0-9]*) fail "SOAK_MINUTES, SOAK_SAMPLE, SOAK_EVENT, SOAK_SEED," \
	    "SOAK_PROBE_US: whole numbers" ;; esac
done
[ "$MINUTES" -ge 1 ] && [ "$SAMPLE" -ge 1 ] && [ "$EVENT" -ge 1 ] ||
    fail "SOAK_MINUTES, SOAK_SAMPLE, SOAK_EVENT: at least 1"
mkdir -p "$OUT/san" "$OUT/streams" "$OUT/logs" || fail "mkdir $OUT"
# The verdict can fail: it does on made-up leaks, and passes what settles.
"$PY3" "$PY" selftest || fail "soak.py selftest"
OUT=$(cd "$OUT" && pwd)
[ -z "$(ls -A "$OUT/san")" ] || fail "$OUT/san is not empty: a new SOAK_OUT, please"

# Sanitizer reports go to files, one per process (log_path.PID): a
# sanitized daemon's stderr is its log, and the files are what we count.
export ASAN_OPTIONS="log_path=$OUT/san/asan:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$OUT/san/ubsan:print_stacktrace=1:halt_on_error=0${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
SAN=0
grep -q __asan_init "$B/vanedge" && SAN=1

DAEMONS="h1:a-h1:edge h2:a-h2:edge h3:b-h3:edge h4:b-h4:edge h5:c-h5:edge h6:c-h6:edge
a-gw:a-gw:proxy b-gw:b-gw:proxy c-gw:c-gw:proxy"
EDGES="h1 h2 h3 h4 h5 h6"
PROXIES="a-gw b-gw c-gw"
CYCLE="h1 h2 h3 h4 h5 h6"
MOVER=m1
MOVER_MAC=02:00:0a:00:00:14
# daemon NAME:DIR:KIND — sets name, dir, kind.
daemon() {
	name=${1%%:*} kind=${1##*:} dir=${1#*:}
	dir=${dir%%:*}
}
dir_of() {
	for d in $DAEMONS; do
		daemon "$d"
		[ "$name" = "$1" ] && return 0
	done
	return 1
}
site_of() { case $1 in h1 | h2) echo a ;; h3 | h4) echo b ;; *) echo c ;; esac; }
mate() { case $1 in h1) echo h2 ;; h2) echo h1 ;; h3) echo h4 ;; h4) echo h3 ;;
	h5) echo h6 ;; h6) echo h5 ;; esac; }
peer_of() { case $1 in a-gw | c-gw) echo b-gw ;; *) echo a-gw ;; esac; }
# conf_addr DIR KIND KEY — an address vanlab wrote into a daemon's file.
conf_addr() {
	sed -n "s/^ *$3 = \"\\([0-9.]*\\).*/\\1/p" "$STATE/$1/$2.conf"
}

# A reproducible choice: rnd N sets R to 0..N-1; pick WORD... sets PICK.
RNG=$SEED
rnd() {
	RNG=$(((RNG * 1103515245 + 12345) % 2147483648))
	R=$(((RNG / 65536) % $1))
}
pick() {
	rnd $#
	shift $R
	PICK=$1
}

# The pid each daemon must have: set_pid NAME PID, want_pid NAME.
set_pid() { eval "PID_$(echo "$1" | tr - _)=$2"; }
want_pid() { eval "echo \${PID_$(echo "$1" | tr - _)}"; }
pid_file() {
	dir_of "$1" && cat "$STATE/$dir/$kind.pid" 2>/dev/null
}
running() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# check_daemons — every daemon runs with the pid it should have; else
# DIED says which and how, and the daemon's log's end is in the output.
check_daemons() {
	for d in $DAEMONS; do
		daemon "$d"
		p=$(want_pid "$name") now=$(cat "$STATE/$dir/$kind.pid" 2>/dev/null)
		if ! running "$p"; then
			DIED="$DIED $name (pid $p gone)"
		elif [ "$now" != "$p" ]; then
			DIED="$DIED $name (pid $now, not $p: restarted by no one of ours)"
		else
			continue
		fi
		say "$name died; the end of its log:"
		tail -n 15 "$STATE/$dir/$kind.log" | sed 's/^/    /'
	done
	[ -z "$DIED" ]
}

EVENTS=$OUT/events.csv
SAMPLES=$OUT/samples.csv
FAILED=""
DIED=""
echo "n,t,kind,target,how,ms,result" >"$EVENTS"
"$PY" header >"$SAMPLES"

sample_all() {
	t=$(($(date +%s) - T0))
	for d in $DAEMONS; do
		daemon "$d"
		{ ctl "$name" show vans && ctl "$name" show members &&
		    { [ "$kind" = edge ] || ctl "$name" show peers; }; } |
		    "$PY3" "$PY" sample "$t" "$name" "$kind" "$(want_pid "$name")" \
		    >>"$SAMPLES" 2>"$TMP/sample.err" || {
			FAILED="sample at $t s: $name: $(cat "$TMP/sample.err")"
			return 1
		}
	done
}

# --- events: each returns non-zero with WHY set when it failed ------------
stat_of() { ctl "$1" show stats | jpy "$2"; }
reloads_of() {
	stat_of "$1" "'%d %d' % (j['daemon']['reloads'], j['daemon']['reload_failures'])"
}
member_drops() {
	stat_of "$1" "([m for m in j['members'] if m['address']=='$2'] or [{}])[0].get('drops_total', 0)"
}
not_member_drops() { stat_of "$1" "j['global']['drops'].get('not-member', 0)"; }
tunnel_drops() { stat_of "$1" "j['tunnel']['drops_total']"; }
# at_least N CMD... — CMD prints a number >= N.
at_least() {
	want=$1
	shift
	v=$("$@") && [ -n "$v" ] && [ "$v" -ge "$want" ]
}
HOW=""
WHY=""
ev_migrate() {
	from=$(host_of $MOVER)
	to=""
	set -- $CYCLE $CYCLE
	while [ $# -gt 0 ]; do
		[ "$1" = "$from" ] && { to=$2; break; }
		shift
	done
	[ -n "$to" ] || { WHY="$MOVER is on '$from'"; return 1; }
	TARGET="$MOVER:$from->$to"
	if [ "$(site_of "$from")" = "$(site_of "$to")" ]; then
		KIND=migrate-site
	else
		KIND=migrate-cross
	fi
	"$VANLAB" migrate --prefix "$PFX" --json $MOVER "$to" >>"$OUT/moves.json" \
	    2>"$TMP/err" || { WHY="vanlab migrate: $(cat "$TMP/err")"; return 1; }
	is_local() { [ "$(fdb_where "$to" blue $MOVER_MAC)" = t-$MOVER ]; }
	poll 10 is_local || { WHY="$MOVER is not local on $to"; return 1; }
	delivered "$to" t-$MOVER 10 || { WHY="the stream to $MOVER does not reach it on $to"; return 1; }
}
# A reload switches a daemon's file between the one vanlab wrote (and
# rewrites at each migration: the ports its host has now) and that one
# with a VAN "spare" more (400, in no peering; on an edge with a port, a
# tap vanedge makes and, at the next reload, removes) — so that reloads
# run the path that applies a change, not only the no-op.
# with_spare FILE KIND, without_spare FILE — the two, to stdout.
with_spare() {
	case $2 in
	edge) sp='  { id = 400; name = "spare"; ports = ( { tap = "t-spare"; } ); },' ;;
	*) sp='  { id = 400; name = "spare"; },' ;;
	esac
	awk -v s="$sp" '{ print } /^vans = \($/ { print s }' "$1"
}
without_spare() { grep -v '^  { id = 400; name = "spare";' "$1"; }
variants() {
	for d in $DAEMONS; do
		daemon "$d"
		f=$STATE/$dir/$kind.conf
		with_spare "$f" $kind >"$STATE/$dir/check.conf"	# beside its @include
		cmp -s "$f" "$STATE/$dir/check.conf" && fail "$dir: the variant changes nothing"
		"$B/van$kind" -n -f "$STATE/$dir/check.conf" >"$TMP/check" 2>&1 ||
		    fail "the variant of $dir: $(cat "$TMP/check")"
		without_spare "$STATE/$dir/check.conf" | cmp -s - "$f" ||
		    fail "$dir: without_spare does not undo with_spare"
		rm -f "$STATE/$dir/check.conf"
	done
}
has_spare() { ctl "$1" show vans | jpy "any(v['name'] == 'spare' for v in j)"; }
# ev_reload COUNTER NAME... — one of the daemons NAME reloads, by SIGHUP
# and `vanctl reload` in turn (each kind its own COUNTER of turns), its
# file made the other variant first — by what the daemon has, not what
# the file says (a migration rewrites its host's file without spare) —
# so that spare must come or go.
NRELOAD_EDGE=0
NRELOAD_PROXY=0
ev_reload() {
	eval "$1=\$((\$$1 + 1)); turn=\$$1"
	shift
	pick "$@"
	TARGET=$PICK
	dir_of "$PICK"
	f=$STATE/$dir/$kind.conf
	had=$(has_spare "$PICK") || { WHY="show vans"; return 1; }
	without_spare "$f" >"$TMP/without"
	if [ "$had" = true ]; then
		v=0 spare=false
		mv -f "$TMP/without" "$f.new"
	else
		v=1 spare=true
		with_spare "$TMP/without" $kind >"$f.new"
	fi
	r0=$(reloads_of "$PICK") || { WHY="show stats"; return 1; }
	# Renamed into place: a reload never reads half a file.
	mv -f "$f.new" "$f" || { WHY="install $f"; return 1; }
	if [ $((turn % 2)) = 0 ]; then
		HOW=sighup
		kill -HUP "$(want_pid "$PICK")" || { WHY="kill -HUP"; return 1; }
	else
		HOW=vanctl
		ctl "$PICK" reload >"$TMP/err" 2>&1 || { WHY="vanctl reload: $(cat "$TMP/err")"; return 1; }
	fi
	HOW="$HOW $([ $v = 1 ] && echo +spare || echo -spare)"
	want="$((${r0% *} + 1)) ${r0#* }"
	reloaded() { [ "$(reloads_of "$PICK")" = "$want" ]; }
	poll 10 reloaded || { WHY="reloads/failures $(reloads_of "$PICK"), want $want"; return 1; }
	spare_is() { [ "$(has_spare "$PICK")" = $spare ]; }
	poll 10 spare_is || { WHY="VAN spare: $(has_spare "$PICK") after the reload, want $spare"; return 1; }
}
NGARB_EDGE=0
NGARB_PROXY=0
GARBAGE_N=200
# garbage TARGET_NAME FROM_NS SRC DST_ADDR PORT COUNTER... — send and
# wait until COUNTER (a command printing a number) grew by GARBAGE_N.
garbage() {
	tgt=$1 ns=$2 src=$3 dst=$4 port=$5
	shift 5
	c0=$("$@") || { WHY="counter: $*"; return 1; }
	rnd 100000
	vm "$ns" "$PY3" "$T" van-random "$src" "$dst" "$port" $GARBAGE_N $R \
	    >"$TMP/err" 2>&1 || { WHY="van-random: $(cat "$TMP/err")"; return 1; }
	poll 10 at_least $((c0 + GARBAGE_N)) "$@" ||
	    { WHY="$tgt counted $(($("$@") - c0)) of $GARBAGE_N as drops"; return 1; }
}
ev_garbage_edge() {
	pick $EDGES
	e=$PICK m=$(mate "$PICK")
	dir_of "$e"
	ea=$(conf_addr "$dir" edge listen)
	dir_of "$m"
	ma=$(conf_addr "$dir" edge listen)
	TARGET=$e
	NGARB_EDGE=$((NGARB_EDGE + 1))
	if [ $((NGARB_EDGE % 2)) = 1 ]; then
		HOW="member $m"
		garbage "$e" "$m" 4797 "$ea" 4797 member_drops "$e" "$ma:4797"
	else
		HOW="not a member"
		garbage "$e" "$m" 5555 "$ea" 4797 not_member_drops "$e"
	fi
}
ev_garbage_proxy() {
	pick $PROXIES
	p=$PICK s=${PICK%-gw}
	TARGET=$p
	NGARB_PROXY=$((NGARB_PROXY + 1))
	if [ $((NGARB_PROXY % 2)) = 1 ]; then
		h=$(for e in $EDGES; do [ "$(site_of "$e")" = "$s" ] && echo "$e"; done | head -n 1)
		dir_of "$h"
		ha=$(conf_addr "$dir" edge listen)
		HOW="site socket from $h"
		garbage "$p" "$h" 4797 "$(conf_addr "$p" proxy site_listen)" 4797 \
		    member_drops "$p" "$ha:4797"
	else
		q=$(peer_of "$p")
		qa=$(conf_addr "$q" proxy listen)
		HOW="tunnel socket from $q"
		garbage "$p" "$q" "$qa:51820" "$(conf_addr "$p" proxy listen)" 51820 \
		    tunnel_drops "$p"
	fi
}
peer_state() {
	pctl "${1%-gw}" show peers | jpy "([p['state'] for p in j if p['name']=='$2'] or ['none'])[0]"
}
NRESTART=0
RESTARTED=c-gw
ev_restart_proxy() {
	p=$RESTARTED q=$(peer_of $RESTARTED)
	TARGET=$p
	old=$(want_pid "$p")
	NRESTART=$((NRESTART + 1))
	if [ $((NRESTART % 2)) = 0 ]; then
		HOW=sigkill
		kill -9 "$old" || { WHY="kill -9 $old"; return 1; }
		seen_dead() { [ "$(peer_state "$q" "${p%-gw}")" = dead ]; }
		poll 10 seen_dead || { WHY="$q does not see $p dead"; return 1; }
	else
		HOW=sigterm
	fi
	"$VANLAB" restart --prefix "$PFX" "$p" >"$TMP/err" 2>&1 ||
	    { WHY="vanlab restart: $(cat "$TMP/err")"; return 1; }
	new=$(pid_file "$p")
	[ -n "$new" ] && [ "$new" != "$old" ] && running "$new" ||
	    { WHY="no new vanproxy (pid '$new', was $old)"; return 1; }
	set_pid "$p" "$new"
	seen_alive() { [ "$(peer_state "$q" "${p%-gw}")" = alive ]; }
	poll 10 seen_alive || { WHY="$q does not see $p alive again"; return 1; }
}
ROTATION="migrate reload-edge garbage-edge migrate reload-proxy garbage-proxy migrate restart-proxy"
N=0
event() {
	set -- $ROTATION
	shift $((N % $#))
	KIND=$1 HOW="" WHY="" TARGET=""
	N=$((N + 1))
	t_ev=$(ms_now)
	case $KIND in
	migrate) ev_migrate ;;
	reload-edge) ev_reload NRELOAD_EDGE $EDGES ;;
	reload-proxy) ev_reload NRELOAD_PROXY $PROXIES ;;
	garbage-edge) ev_garbage_edge ;;
	garbage-proxy) ev_garbage_proxy ;;
	restart-proxy) ev_restart_proxy ;;
	esac
	rc=$?
	# No field has a comma.
	echo "$N,$(($(date +%s) - T0)),$KIND,$TARGET,$HOW,$(($(ms_now) - t_ev)),$([ $rc = 0 ] &&
	    echo ok || echo failed)" \
	    >>"$EVENTS"
	[ $rc = 0 ] || FAILED="event $N ($KIND $TARGET${HOW:+, $HOW}): $WHY"
	return $rc
}

# --- streams ---------------------------------------------------------------
STREAM_LIST=""
# soak_stream ID FROM_VM TO_VM TO_IP PORT
soak_stream() {
	bg vm "$3" "$PY3" "$T" probe-recv 0.0.0.0 "$5" "$OUT/streams/$1.recv" \
	    $((MINUTES * 60 + 300)) "$TMP/streams.stop"
	STREAMS="$STREAMS $BG"
	poll 10 test -e "$OUT/streams/$1.recv.ready" || fail "probe receiver $1 in $3 did not start"
	bg vm "$2" "$PY3" "$T" probe-send "$4" "$5" "$PROBE_US" $((MINUTES * 60 + 240)) \
	    "$OUT/streams/$1.sent" "$TMP/streams.stop"
	STREAMS="$STREAMS $BG"
	STREAM_LIST="$STREAM_LIST $1:$2:$3"
}

# At the end, even after a ^C: the daemons' logs into OUT/logs.
soak_exit() {
	rc=$?
	if [ -d "$STATE" ]; then
		for d in $DAEMONS; do
			daemon "$d"
			cp "$STATE/$dir/$kind.log" "$OUT/logs/$name.log" 2>/dev/null
		done
	fi
	(exit $rc)
	cleanup
}
trap soak_exit EXIT

# --- the run ---------------------------------------------------------------
say "soak: $MINUTES min, an event every $EVENT s, a sample every $SAMPLE s, seed $SEED," \
    "build $B$([ $SAN = 1 ] && echo ' (ASan/UBSan)'); output in $OUT"
lab_up "$HERE/soak.conf"
variants
for d in $DAEMONS; do
	daemon "$d"
	p=$(cat "$STATE/$dir/$kind.pid") && running "$p" || fail "$name is not running"
	set_pid "$name" "$p"
done
[ "$(host_of $MOVER)" = h1 ] || fail "$MOVER does not start on h1"
ping_ok b5 10.0.0.20 || fail "b5 does not reach m1"
ping_ok m1 10.0.0.14 || fail "m1 does not reach b4"
ping_ok b2 10.0.0.16 || fail "b2 does not reach b6"
ping_ok r3 10.0.0.11 || fail "r3 does not reach r1"
soak_stream to-m1 b5 m1 10.0.0.20 7001
soak_stream from-m1 m1 b4 10.0.0.14 7002
soak_stream transit b2 b6 10.0.0.16 7003
soak_stream red r3 r1 10.0.0.11 7004
delivered h1 t-m1 20 || fail "the stream b5 -> m1 does not flow"
delivered h4 t-b4 20 || fail "the stream m1 -> b4 does not flow"
delivered h6 t-b6 20 || fail "the stream b2 -> b6 does not flow"
delivered h1 t-r1 20 || fail "the stream r3 -> r1 does not flow"
say "lab up, four streams flow"

T0=$(date +%s)
END=$((T0 + MINUTES * 60))
next_sample=$T0
next_event=$T0
while :; do
	now=$(date +%s)
	if [ "$now" -ge "$next_sample" ] || [ "$now" -ge "$END" ]; then
		sample_all || break
		k=$((($(wc -l <"$SAMPLES") - 1) / $(echo $DAEMONS | wc -w)))
		say "[$(((now - T0) / 60))/$MINUTES min] $N events, $k samples; RSS KiB:" \
		    "$(awk -F, -v t=$((now - T0)) 'NR > 1 { r[$2] = $5 } END {
		        for (d in r) printf "%s=%s ", d, r[d] }' "$SAMPLES" | tr ' ' '\n' |
		        sort | tr '\n' ' ')"
		[ -z "$(ls -A "$OUT/san")" ] || { FAILED="a sanitizer report: $(ls "$OUT/san")"; break; }
		next_sample=$((next_sample + SAMPLE))
	fi
	[ "$now" -lt "$END" ] || break
	event || break
	check_daemons || { FAILED="a daemon died:$DIED"; break; }
	next_event=$((next_event + EVENT))
	now=$(date +%s)
	[ "$now" -ge "$next_event" ] || sleep $((next_event - now))
	# An event that took longer than the gap: the next one now, not a burst.
	[ "$now" -le "$next_event" ] || next_event=$now
done
T1=$(date +%s)
say "events stopped after $((T1 - T0)) s: $N events${FAILED:+; FAILED: $FAILED}"

# Each stream still reaches its VM, the events over.
STREAMS_OK=1
for s in $STREAM_LIST; do
	id=${s%%:*} to=${s##*:}
	h=$(host_of "$to")
	delivered "$h" "t-$to" 20 || { STREAMS_OK=0; say "stream $id no longer reaches $to on $h"; }
done
streams_stop
SUMMARY=$OUT/summary.txt
{
	echo "soak $(date -u '+%Y-%m-%d %H:%M') UTC: $MINUTES min (ran $((T1 - T0)) s), event every" \
	    "$EVENT s, sample every $SAMPLE s, seed $SEED, build $B$([ $SAN = 1 ] &&
	    echo ' (ASan/UBSan)')"
	for s in $STREAM_LIST; do
		id=${s%%:*} v=${s#*:}
		set -- $("$PY3" "$PY" tally "$OUT/streams/$id.sent" "$OUT/streams/$id.recv" 2>/dev/null)
		if [ $# = 3 ]; then
			echo "stream $id (${v%%:*} -> ${v#*:}): sent $1, received $2, lost $3" \
			    "($(awk -v l="$3" -v s="$1" 'BEGIN { printf "%.2f", s ? 100 * l / s : 0 }') %)"
		else
			echo "stream $id (${v%%:*} -> ${v#*:}): no tally (its files are missing)"
		fi
	done
} >"$SUMMARY"

# Down now, so that every sanitized daemon's exit (LeakSanitizer) reports.
for d in $DAEMONS; do
	daemon "$d"
	cp "$STATE/$dir/$kind.log" "$OUT/logs/$name.log" 2>/dev/null
done
"$VANLAB" down --prefix "$PFX" >"$TMP/down" 2>&1 || FAILED="${FAILED:+$FAILED; }vanlab down: $(cat "$TMP/down")"
LAB_UP=0
rc=0
"$PY3" "$PY" verdict "$SAMPLES" "$EVENTS" $SAN >>"$SUMMARY" || rc=1
reports=$(ls -A "$OUT/san")
{
	echo "daemon logs: $(du -ck "$OUT"/logs/*.log | tail -n 1 | cut -f1) KiB in $OUT/logs"
	if [ -n "$reports" ]; then
		echo "FAIL: sanitizer reports: $(echo $reports)"
		for f in $reports; do
			echo "--- $f"
			head -n 30 "$OUT/san/$f"
		done
	else
		echo "sanitizer reports: none"
	fi
	[ "$STREAMS_OK" = 1 ] && echo "every stream still delivers at the end" ||
	    echo "FAIL: a stream no longer delivers at the end"
	[ -z "$FAILED" ] || echo "FAIL: $FAILED"
} >>"$SUMMARY"
[ -z "$reports" ] && [ "$STREAMS_OK" = 1 ] && [ -z "$FAILED" ] || rc=1
sed 's/^/  /' "$SUMMARY"
[ $rc = 0 ] && say "soak: passed" || say "soak: FAILED (figures in $OUT)"
exit $rc
