# tests/integration/lib.sh — sourced by every scenario: its own lab with a
# unique prefix, a cleanup trap that always runs, polls with deadlines, and
# small JSON helpers over `vanctl --json`.
#
# A scenario is `sh SCENARIO.sh BUILD_DIR`; it exits 0 when it passed.
set -u

B=${1:?usage: $0 BUILD_DIR}
B=$(cd "$B" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VANLAB=$B/vanlab
VANEDGE=$B/vanedge
VANCTL=$B/vanctl
PFX=i$$
STATE=/run/vanlab/$PFX
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vanit.XXXXXX")
LAB_UP=0
EXTRA_NS=""	# namespaces a scenario made by hand: cleanup deletes them

say() { printf '  %s\n' "$*"; }
fail() {
	printf '  FAIL: %s\n' "$*" >&2
	exit 1
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	# Background jobs of the scenario first, then the lab (which also
	# stops whatever was left inside its namespaces).
	if [ -s "$TMP/bg" ]; then
		for p in $(cat "$TMP/bg"); do kill "$p" 2>/dev/null; done
		wait 2>/dev/null
	fi
	for n in $EXTRA_NS; do ip netns delete "$n" 2>/dev/null; done
	if [ "$LAB_UP" = 1 ] || [ -d "$STATE" ]; then
		"$VANLAB" down --prefix "$PFX" >/dev/null || rc=1
	fi
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg CMD... — run in the background; cleanup stops it.  $BG is its pid.
bg() {
	"$@" &
	BG=$!
	echo $BG >>"$TMP/bg"
}

# stop PID... — stop background commands and wait for them.
stop() {
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
}

lab_up() {
	LAB_UP=1
	"$VANLAB" up --prefix "$PFX" "${1:-$HERE/lab.conf}" >"$TMP/up.log" 2>&1 || {
		cat "$TMP/up.log" >&2
		fail "vanlab up"
	}
}

# vm NAME CMD... — run in a VM's (or host's) namespace.
vm() {
	n=$1
	shift
	"$VANLAB" exec --prefix "$PFX" "$n" -- "$@"
}

# ctl HOST ARGS... — vanctl --json against a host's vanedge.
ctl() {
	h=$1
	shift
	"$VANLAB" ctl --prefix "$PFX" "$h" -- --json "$@"
}

# jq-like: JSON on stdin, a Python expression over it as j.
jpy() {
	python3 -c 'import json,sys; j=json.load(sys.stdin); r=eval(sys.argv[1]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1"
}

# van_stat HOST VAN FIELD — a per-VAN counter of `show stats`.
van_stat() {
	ctl "$1" show stats | jpy "[v for v in j['vans'] if v['name']=='$2'][0]['$3']"
}

# member FIELD HOST ADDR — a field of `show members` for one member.
member() {
	ctl "$2" show members |
	    jpy "([m for m in j if m['address'].startswith('$3:')] or [{}])[0].get('$1')"
}

# fdb_where HOST VAN MAC — where the host's forwarding table puts the MAC
# ("none" if it does not know it).
fdb_where() {
	ctl "$1" show fdb "$2" |
	    jpy "([e['where'] for e in j if e['mac']=='$3'] or ['none'])[0]"
}

# poll SECONDS CMD... — run CMD until it succeeds; fail after SECONDS.
poll() {
	secs=$1
	shift
	end=$(($(date +%s%N) / 1000000 + secs * 1000))
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -lt "$end" ] || return 1
		sleep 0.05
	done
}

# ping_ok VM ADDR — one ping with retries for up to 10 s.
ping_ok() {
	poll 10 vm "$1" ping -n -q -c 1 -W 1 "$2"
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# intruder — namespace $PFX-x ($X) on site a's underlay switch, 10.77.1.200,
# not a member: it sends what a scenario forges (IP_HDRINCL for sources).
intruder() {
	X=$PFX-x
	EXTRA_NS="$EXTRA_NS $X"
	ip netns add $X || fail "ip netns add"
	ip netns exec $X sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
	ip -n $PFX-a-sw link add name x type veth peer name eth0 netns $X || fail "veth"
	ip -n $PFX-a-sw link set x master br0 up &&
	    ip -n $X link set lo up && ip -n $X link set eth0 up &&
	    ip -n $X addr add 10.77.1.200/24 dev eth0 || fail "x on the underlay"
}

pidof_edge() { cat "$STATE/a-$1/edge.pid"; }

T=$HERE/traffic.py

# fdb_field HOST VAN MAC FIELD — a field of the host's forwarding entry for
# the MAC ("none" if it has no entry).
fdb_field() {
	ctl "$1" show fdb "$2" |
	    jpy "([e['$4'] for e in j if e['mac']=='$3'] or ['none'])[0]"
}

# port_tx HOST TAP — frames the host's vanedge wrote to that port.
port_tx() {
	ctl "$1" show ports | jpy "([p['tx_frames'] for p in j if p['tap']=='$2'] or [0])[0]"
}

# host_of VM — the host a VM runs on now.
host_of() {
	"$VANLAB" status --prefix "$PFX" | awk -v v="$1" '$1 == v { print $4 }'
}

# move FILE [--learn] VM HOST... — vanlab migrate, its JSON appended to FILE.
move() {
	f=$1
	shift
	"$VANLAB" migrate --prefix "$PFX" --json "$@" >>"$f" || fail "vanlab migrate $*"
}

# Probe streams: numbered UDP datagrams every millisecond, one sender and
# one receiver each, for at most STREAM_SECONDS (streams_stop ends them
# sooner).  Files: $TMP/ID.sent, $TMP/ID.recv.  The bound is the runner's
# scenario timeout (150 s), not the scenario's expected length: a stream
# must outlast whatever a slow machine makes of the steps it watches.
STREAM_SECONDS=${STREAM_SECONDS:-140}
STREAMS=""
# stream_start ID FROM_VM TO_VM TO_IP PORT
stream_start() {
	bg vm "$3" python3 "$T" probe-recv 0.0.0.0 "$5" "$TMP/$1.recv" \
	    $((STREAM_SECONDS + 5)) "$TMP/streams.stop"
	STREAMS="$STREAMS $BG"
	poll 10 test -e "$TMP/$1.recv.ready" || fail "probe receiver $1 in $3 did not start"
	bg vm "$2" python3 "$T" probe-send "$4" "$5" 1000 "$STREAM_SECONDS" \
	    "$TMP/$1.sent" "$TMP/streams.stop"
	STREAMS="$STREAMS $BG"
}
# streams_stop — end every stream; their files are complete afterwards.
streams_stop() {
	touch "$TMP/streams.stop"
	for p in $STREAMS; do wait "$p" 2>/dev/null; done
	STREAMS=""
	rm -f "$TMP/streams.stop"
}
# stream_gaps ID MOVES_FILE [VM [SRC_HOST]] — one line per move (of VM, the
# stream's receiver; from SRC_HOST, the sender's host, if given: traffic.py
# probe-gap).
stream_gaps() {
	python3 "$T" probe-gap "$TMP/$1.sent" "$TMP/$1.recv" "$2" 1000 ${3:-} ${4:-}
}
# delivered HOST TAP N — poll until the port got N more frames than now.
delivered() {
	d0=$(port_tx "$1" "$2")
	d_more() { [ "$(port_tx "$1" "$2")" -ge $((d0 + $3)) ]; }
	poll 10 d_more "$1" "$2" "$3"
}

# Several sites (fed*.conf): SITE-gw is the proxy of a site.
# pctl SITE ARGS... — vanctl --json against the proxy of SITE.
pctl() {
	s=$1
	shift
	"$VANLAB" ctl --prefix "$PFX" "$s-gw" -- --json "$@"
}
# wg_of SITE — the `wg` name of its proxy's tunnels.
wg_of() { cat "$STATE/$1-gw/wg.name"; }
# proxy_pid SITE
proxy_pid() { cat "$STATE/$1-gw/proxy.pid"; }
# peer_stat SITE PEER KEY... — a counter of the peer's row of `show stats`
# (`peer_stat a b tx LEARN`, `peer_stat b a drops unmapped-van`; 0 if none).
peer_stat() {
	pctl "$1" show stats | jpy "([m for m in j['members'] if m['address']=='peer $2'] or [{}])[0].get('$3', {}).get('$4', 0)"
}
# pvan_stat SITE VAN_ID FIELD — a per-VAN counter of a proxy's `show stats`
# (drops: pvan_stat SITE ID drops.REASON).
pvan_stat() {
	case $3 in
	drops.*) f="['drops'].get('${3#drops.}', 0)" ;;
	*) f="['$3']" ;;
	esac
	pctl "$1" show stats | jpy "[v for v in j['vans'] if v['id']==$2][0]$f"
}
# pfdb SITE VAN_ID MAC — where the proxy puts the MAC ("none" if unknown).
pfdb() {
	pctl "$1" show fdb "$2" |
	    jpy "([e['where'] for e in j if e['mac']=='$3'] or ['none'])[0]"
}
# settled NAME... — poll until none of these daemons (HOST or SITE-gw) has
# an announcement or withdrawal still to say again (docs/protocol.md §4b):
# counters of the LEARNs and UNLEARNs it sends then count only what follows.
settled() {
	settled_one() {
		[ "$("$VANLAB" ctl --prefix "$PFX" "$1" -- --json show stats |
		    jpy "j['global']['repeats_pending']")" = 0 ]
	}
	for n in "$@"; do
		poll 10 settled_one "$n" || return 1
	done
}
# sink_count FILE — datagrams a udp-sink has counted so far.
sink_count() { cat "$1" 2>/dev/null || echo 0; }
