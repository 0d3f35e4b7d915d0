# 97d-heal — tunnels that heal themselves (docs/proxy.md §13), on a lab
# from vanplan's files (fed-heal/: sites a, b, c, d on a ring, tree
# tunnels a-b, b-c, c-d, the standby d-a; blue at a, c, d, red at b, d,
# green at all four, so every pair of sites shares a VAN; failover_after
# 2 s, failback_after 4 s).
#
# At start every tree tunnel carries and d-a stands by (`show peers`:
# "tunnel N up", "standby off"); three probe streams (1 ms) cross b-c:
# blue a -> c and d -> a, red b -> d.  Then the internet link between b
# and c is cut (nft in b's gateway: b and c no longer reach each other,
# every other pair does): b's and c's ends go down, a's and d's standby
# ends go on, every VM reaches every VM of its VAN again, and no probe is
# delivered twice; green's VMs ping each other between every pair of
# sites.  Then the link comes back: b-c carries again, d-a is
# off, the streams flow, still no duplicate.  Each stream's outage at each
# event is reported (a timing figure: `make check` only requires that the
# streams flow again within WAIT_S; `make bench` holds them to the bound,
# HEAL_BOUNDS=1: failover_after + 1 s after the cut, 1 s at the failback);
# the counters say one failover and one failback; the isolation report is
# clean throughout.  HEAL_OUTAGES=FILE: "EVENT STREAM OUTAGE_MS BOUND_MS".
. "$(dirname "$0")/lib.sh"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"
command -v nft >/dev/null || fail "nft missing (tests/deps.sh all installs nftables)"
VANPLAN=$B/vanplan
WAIT_S=20
mono_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }
W=$TMP/heal
mkdir -p "$W"
cp "$HERE/fed-heal/inventory.conf" "$HERE/fed-heal/topology.conf" "$W/"
for s in a b c d; do
	(umask 077; wg genkey >"$W/$s.key")
	wg pubkey <"$W/$s.key" >"$W/$s.pub"
done
"$VANPLAN" plan "$W/inventory.conf" -o "$W/out" >"$W/summary" 2>&1 ||
    fail "vanplan plan: $(cat "$W/summary")"
"$VANPLAN" lint -i "$W/inventory.conf" "$W/out" >"$W/lint" 2>&1 ||
    fail "vanplan lint: $(cat "$W/lint")"
grep -q 'standby = (' "$W/out/a/peering.conf" && grep -q 'standby = (' "$W/out/d/peering.conf" ||
    fail "no standby peer in a's or d's peering.conf"
lab_up "$W/topology.conf"

# heal SITE PEER — the HEAL cell of SITE's peer PEER ("tunnel 2 up", ...).
heal() { pctl "$1" show peers | jpy "[p['heal'] for p in j if p['name'] == '$2'][0]"; }
# tun SITE PEER FIELD — a field of a tree peer's "tunnel".
tun() { pctl "$1" show peers | jpy "[p['tunnel']['$3'] for p in j if p['name'] == '$2'][0]"; }
sb() { pctl "$1" show peers | jpy "[p['standby']['$3'] for p in j if p['name'] == '$2'][0]"; }
states() { echo "a-b $(heal a b)/$(heal b a), b-c $(heal b c)/$(heal c b)," \
    "c-d $(heal c d)/$(heal d c), d-a $(heal a d)/$(heal d a)"; }
# all_up: every tree end up, both standby ends off; healed: b-c down at
# both ends, both standby ends on.
all_up() {
	for p in "a b" "b a" "b c" "c b" "c d" "d c"; do
		set -- $p
		case $(heal "$1" "$2") in "tunnel "*" up") ;; *) return 1 ;; esac
	done
	[ "$(heal a d)" = "standby off" ] && [ "$(heal d a)" = "standby off" ]
}
healed() {
	case $(heal b c) in "tunnel "*" down") ;; *) return 1 ;; esac
	case $(heal c b) in "tunnel "*" down") ;; *) return 1 ;; esac
	[ "$(heal a d)" = "standby on" ] && [ "$(heal d a)" = "standby on" ]
}
pairs() {
	when=$1
	for p in "b1 10.0.0.13" "b1 10.0.0.14" "b3 10.0.0.14" "b4 10.0.0.11" "r2 10.0.1.14" \
	    "r4 10.0.1.12" "g1 10.0.2.12" "g1 10.0.2.13" "g1 10.0.2.14" "g2 10.0.2.13" \
	    "g2 10.0.2.14" "g3 10.0.2.14"; do
		set -- $p
		ping_ok "$1" "$2" || fail "$when: $1 does not reach $2 ($(states))"
	done
}
report() {
	"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || fail "vanlab report: $(tail -5 "$TMP/report")"
	grep -q "every VAN connected and isolated" "$TMP/report" || fail "report $1: $(tail -3 "$TMP/report")"
}

poll "$WAIT_S" all_up || fail "not every tree tunnel up at start: $(states)"
pairs "at start"
say "start: $(states); every VM reaches its VAN in every site"

# Three streams across b-c.
stream_start ac b1 b3 10.0.0.13 7101
stream_start da b4 b1 10.0.0.11 7102
stream_start bd r2 r4 10.0.1.14 7103
flowing() { delivered h3 t-b3 100 && delivered h1 t-b1 100 && delivered h4 t-r4 100; }
flowing || fail "the streams do not flow at start"

EV=$TMP/events.json
: >"$EV"
OUTAGES=${HEAL_OUTAGES:-$TMP/outages}
: >"$OUTAGES"
FAILOVER_MS=$(sed -n 's/^ *failover_after = \([0-9]*\);.*/\1/p' "$W/inventory.conf")000
# event NAME CMD... — CMD, then until COND (the rest: a function) holds
# and the three streams flow again, within WAIT_S.
event() {
	name=$1 cond=$2
	shift 2
	t0=$(mono_ns) m0=$(ms_now)
	"$@" || fail "$name: $*"
	poll "$WAIT_S" "$cond" || fail "$name: the tunnels did not switch within $WAIT_S s: $(states)"
	t1=$(mono_ns) m1=$(ms_now)
	flowing || fail "$name: the streams do not flow again ($(states))"
	printf '{ "port_mac": "configured", "moves": [ { "vm": "%s", "from": "-", "to": "-",
	    "stop_ns": %s, "first_frame_ns": %s } ] }\n' "$name" "$t0" "$t1" >>"$EV"
	say "$name: switched after $((m1 - m0)) ms, streams flowing at $(($(ms_now) - m0)) ms: $(states)"
}
cat >"$TMP/cut.nft" <<NFT
table inet vancut {
	chain out { type filter hook output priority 0; ip daddr 10.76.0.13 drop; }
	chain in { type filter hook input priority 0; ip saddr 10.76.0.13 drop; }
}
NFT
cut_bc() { vm b-gw nft -f "$TMP/cut.nft"; }
uncut_bc() { vm b-gw nft delete table inet vancut; }

event cut healed cut_bc
pairs "b-c cut"
report "after the cut"
[ "$(tun b c downs)" = 1 ] && [ "$(tun c b downs)" = 1 ] ||
    fail "b-c went down $(tun b c downs) / $(tun c b downs) times, not once"
[ "$(tun a b state)" = up ] && [ "$(tun d c state)" = up ] ||
    fail "a-b or c-d switched too: $(states)"
say "b-c cut: a-d carries, every VM reaches its VAN, isolation holds"

event back all_up uncut_bc
pairs "b-c back"
streams_stop
report "after the failback"
[ "$(sb a d ons)" = 1 ] && [ "$(sb d a ons)" = 1 ] ||
    fail "the standby went on $(sb a d ons) / $(sb d a ons) times, not once"
[ "$(tun b c ups)" -ge 2 ] || fail "b-c came up $(tun b c ups) times, not at start and back"

# The streams: no probe twice, each event's outage.
for st in ac da bd; do
	dup=$(awk '{ n[$1]++ } END { d = 0; for (q in n) if (n[q] > 1) d += n[q] - 1; print d }' "$TMP/$st.recv")
	[ "$dup" = 0 ] || fail "stream $st: $dup probes delivered twice"
	python3 "$T" probe-gap "$TMP/$st.sent" "$TMP/$st.recv" "$EV" 1000 >"$TMP/$st.gaps" ||
	    fail "probe-gap $st"
	while read -r line; do
		case $line in
		move=*)
			set -- $(echo "$line" | sed -n 's/^move=[0-9]* vm=\([a-z]*\) .*outage_ms=\([0-9.inf]*\) lost=\([0-9]*\).*/\1 \2 \3/p')
			[ $# = 3 ] || fail "stream $st: $line"
			[ "$2" != inf ] || fail "stream $st: $1: never resumed"
			case $1 in cut) bound=$((FAILOVER_MS + 1000)) ;; *) bound=1000 ;; esac
			echo "$1 $st $2 $bound" >>"$OUTAGES"
			say "stream $st: $1: outage $2 ms ($3 probes lost), none twice"
			[ "${HEAL_BOUNDS:-0}" = 1 ] || continue
			awk -v o="$2" -v b="$bound" 'BEGIN { exit !(o + 0 <= b + 0) }' ||
			    fail "stream $st: $1: outage $2 ms, over the bound of $bound ms" ;;
		*)	say "stream $st: $line" ;;
		esac
	done <"$TMP/$st.gaps"
done
say "counters: b-c down once at each end, up at start and back; d-a on once at each end"
