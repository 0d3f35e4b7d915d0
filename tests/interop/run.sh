#!/bin/bash
# tests/interop/run.sh BUILD_DIR — interop of the crypto/ WireGuard engine
# with Debian's wireguard-go (`make interop`; root).
#
# Every scenario gets its own pair of network namespaces joined by a veth
# (underlay 10.231.0.1 REF / 10.231.0.2 DUT, UDP 51820 / 51821, tunnel
# 10.232.0.1 / 10.232.0.2), a reference wireguard-go in REF and, in DUT,
# BUILD_DIR/wgpeer (crypto/ carrying IP over a TUN, serving the wg UAPI),
# both configured with the same `wg set` commands (digest §12).  The first
# scenario runs a second wireguard-go as DUT: a self-check of the harness.
#
#   selfcheck       wireguard-go vs wireguard-go: the harness itself
#   ref-initiates   REF initiates; ping both ways; DUT learns REF's endpoint;
#                   `wg show` on DUT: peer, PSK, endpoint, handshake time,
#                   byte counters mirror REF's; REF changes port, then goes
#                   over IPv6 (fd00:231::/64): DUT roams with it
#   dut-initiates   DUT initiates; REF learns DUT's endpoint; `wg set peer
#                   remove` and re-add through DUT's UAPI; a new handshake
#   rekey           forced expiry (SIGUSR2) rekeys at once; then a 4 s
#                   rekey-after-time rekeys under a ping stream, no loss
#   cookie          DUT "under load": REF's initiation gets a cookie reply,
#                   REF's retry carries a valid mac2 and is answered
#   reverse-cookie  REF flooded until under load: DUT gets a cookie reply,
#                   its retry's mac2 is accepted while the load lasts
#   replay          a data message REF sent is replayed 3 times by the
#                   network: DUT drops exactly 3 as replays, none as forged
#   vanproxy        BUILD_DIR/vanproxy itself as DUT (no TUN: its payloads
#                   are VAN messages), configured from its own file: it
#                   initiates, REF answers and decrypts its HELLOs ("Packet
#                   with invalid IP version"); counters mirror; REF's IP
#                   packets are counted as not VAN (bad-version); REF
#                   initiates (a ping) and vanproxy answers; REF changes
#                   port: vanproxy roams with it (digest §12, "vanproxy");
#                   REF calls a second address of vanproxy's (IPv4, IPv6):
#                   vanproxy answers from it, so REF stays there; the
#                   address is removed: vanproxy sends from the kernel's
#                   choice (counted) and REF follows
#
# INTEROP_ONLY="name ..." runs only the scenarios named; INTEROP_KEEP=1
# keeps the logs.
#
# Names carry this shell's PID (namespaces, interfaces and UAPI sockets are
# machine-global).  A trap kills what was started by PID, waits for it,
# deletes the namespaces and removes the socket files, whatever happens.
# Every wait polls against a deadline.  Prints "N passed, N failed".
set -u

B=${1:?usage: run.sh BUILD_DIR}
B=$(cd "$B" && pwd) || exit 1
WGPEER=$B/wgpeer
WGTOOL=$B/wgtool
VANPROXY=$B/vanproxy
VANCTL=$B/vanctl
SFX=$$
PASS=0
FAIL=0
FAILED=""

if [ "$(id -u)" != 0 ]; then
	echo "interop: must run as root (network namespaces)" >&2
	exit 1
fi
for c in ip wg wireguard-go ping; do
	command -v "$c" >/dev/null || { echo "interop: $c missing (tests/deps.sh)" >&2; exit 1; }
done
for f in "$WGPEER" "$WGTOOL" "$VANPROXY" "$VANCTL"; do
	[ -x "$f" ] || { echo "interop: $f missing (make interop builds it)" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/van-interop.XXXXXX")
PIDS=()
NSS=()
SOCKS=()

# ------------------------------------------------------------ cleanup ---

# Stop one process by PID: TERM, up to 5 s, then KILL; always reaped.
stop_pid() {
	local p=$1 i
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

teardown() {
	local p ns s
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for s in "${SOCKS[@]}"; do rm -f "/var/run/wireguard/$s.sock"; done
	PIDS=()
	NSS=()
	SOCKS=()
}

# INTEROP_KEEP=1 keeps the logs (in $WORK, printed at the end).
trap 'teardown; if [ -n "${INTEROP_KEEP:-}" ]; then echo "interop: logs in $WORK"; else rm -rf "$WORK"; fi' EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ helpers ---

ok()   { PASS=$((PASS + 1)); echo "  ok: $*"; }
bad()  { FAIL=$((FAIL + 1)); FAILED="$FAILED $SCEN"; echo "  FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local end=$((SECONDS + $1)); shift
	while ! "$@" 2>/dev/null; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

in_ref() { ip netns exec "$NS_REF" "$@"; }
in_dut() { ip netns exec "$NS_DUT" "$@"; }
ping1()  { ip netns exec "$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1; }
# ping_within SECONDS NS ADDR: one echo answered before the deadline
ping_within() { wait_until "$1" ping1 "$2" "$3"; }
sock_up() { [ -S "/var/run/wireguard/$1.sock" ]; }
count()  { grep -c -- "$1" "$2" 2>/dev/null || true; }
# the single peer's value(s) of a `wg show IF FIELD` listing
show1()  { wg show "$1" "$2" 2>/dev/null | awk -F'\t' 'NR == 1 { $1 = ""; sub(/^ /, ""); print }'; }
gt()     { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -gt "$2" ]; }
# counters_mirror: what one side sent the other received, both ways
counters_mirror() {
	local r d
	r=$(show1 "$IF_REF" transfer) d=$(show1 "$IF_DUT" transfer)
	set -- $r $d		# REF rx, REF tx, DUT rx, DUT tx
	[ $# = 4 ] && [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$1" = "$4" ] &&
	    [ "$2" = "$3" ]
}
# DUT's counter NAME from its latest "stats:" line (after SIGUSR1)
dut_stat() {
	grep 'stats:' "$DUT_LOG" | tail -n 1 | tr ' ' '\n' |
	    awk -F= -v k="$1" '$1 == k { print $2 }'
}
has_stats() { grep -q 'stats:' "$DUT_LOG"; }
past_second() { [ "$(date +%s)" -gt "$1" ]; }
# the log time (s) of the first line matching a pattern in a wgpeer log
log_time() {
	grep -m1 -- "$1" "$2" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }
pinged_until_gone() { ping1 "$NS_REF" 10.232.0.2; ! kill -0 "$1" 2>/dev/null; }
# the flood has reported progress more than 0.5 s after time $1
flood_past() {
	local t
	t=$(sed -n 's/^wgtool: at \([0-9.]*\):.*/\1/p' "$WORK/$SCEN.flood.log" | tail -n 1)
	before "$1" "$(awk -v t="$t" 'BEGIN { print t - 0.5 }')"
}
in_order() { before "$1" "$2" && before "$2" "$3" && before "$3" "$4"; }

# Dump the logs of a scenario that failed.
dump_logs() {
	local f
	for f in "$WORK/$SCEN".*.log; do
		[ -f "$f" ] || continue
		echo "  --- ${f##*/} (last 25 lines)"
		grep -v "Routine:" "$f" | tail -n 25 | sed 's/^/  | /'
	done
}

# ---------------------------------------------------------- topology ---

N=0
# scenario NAME: a fresh namespace pair, keys, REF running.
scenario() {
	SCEN=$1
	N=$((N + 1))
	NS_REF=wgref$SFX-$N NS_DUT=wgdut$SFX-$N
	IF_REF=wr$SFX$N IF_DUT=wd$SFX$N
	V_REF=vr$SFX$N V_DUT=vd$SFX$N
	REF_LOG=$WORK/$SCEN.ref.log DUT_LOG=$WORK/$SCEN.dut.log
	FAIL_BEFORE=$FAIL
	echo "scenario $SCEN"
	NSS+=("$NS_REF" "$NS_DUT")
	SOCKS+=("$IF_REF" "$IF_DUT")
	ip netns add "$NS_REF" && ip netns add "$NS_DUT" &&
	ip link add "$V_REF" netns "$NS_REF" type veth peer name "$V_DUT" netns "$NS_DUT" &&
	ip -n "$NS_REF" addr add 10.231.0.1/24 dev "$V_REF" &&
	ip -n "$NS_DUT" addr add 10.231.0.2/24 dev "$V_DUT" &&
	ip -n "$NS_REF" addr add fd00:231::1/64 dev "$V_REF" nodad &&
	ip -n "$NS_DUT" addr add fd00:231::2/64 dev "$V_DUT" nodad &&
	ip -n "$NS_REF" link set lo up && ip -n "$NS_DUT" link set lo up &&
	ip -n "$NS_REF" link set "$V_REF" up && ip -n "$NS_DUT" link set "$V_DUT" up ||
	    { bad "topology"; return 1; }
	( umask 077; cd "$WORK" && wg genkey > "$SCEN.ref.key" &&
	  wg pubkey < "$SCEN.ref.key" > "$SCEN.ref.pub" &&
	  wg genkey > "$SCEN.dut.key" && wg pubkey < "$SCEN.dut.key" > "$SCEN.dut.pub" &&
	  wg genpsk > "$SCEN.psk" ) || { bad "keys"; return 1; }
	REF_PUB=$(cat "$WORK/$SCEN.ref.pub") DUT_PUB=$(cat "$WORK/$SCEN.dut.pub")
	PSK_FILE=$WORK/$SCEN.psk
	# Started with `ip netns exec` directly (never through a shell
	# function), so that $! is the daemon itself: ip and env exec.
	ip netns exec "$NS_REF" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=verbose \
	    wireguard-go "$IF_REF" > "$REF_LOG" 2>&1 &
	PIDS+=($!)
}

# start_dut CMD...: the device under test, NAME appended.
start_dut() {
	ip netns exec "$NS_DUT" "$@" "$IF_DUT" > "$DUT_LOG" 2>&1 &
	DUT_PID=$!
	PIDS+=($DUT_PID)
	wait_until 10 sock_up "$IF_REF" && wait_until 10 sock_up "$IF_DUT" ||
	    { bad "UAPI sockets appear"; return 1; }
}

# configure REF_EP DUT_EP: `wg set` both sides ("-" = no endpoint), the
# tunnel addresses, links up.
configure() {
	local ref_ep=() dut_ep=()
	[ "$1" != - ] && ref_ep=(endpoint "$1")
	[ "$2" != - ] && dut_ep=(endpoint "$2")
	in_ref wg set "$IF_REF" private-key "$WORK/$SCEN.ref.key" listen-port 51820 \
	    peer "$DUT_PUB" preshared-key "$PSK_FILE" allowed-ips 10.232.0.2/32 "${ref_ep[@]}" &&
	in_dut wg set "$IF_DUT" private-key "$WORK/$SCEN.dut.key" listen-port 51821 \
	    peer "$REF_PUB" preshared-key "$PSK_FILE" allowed-ips 10.232.0.1/32 "${dut_ep[@]}" &&
	ip -n "$NS_REF" addr add 10.232.0.1/24 dev "$IF_REF" &&
	ip -n "$NS_REF" link set "$IF_REF" up &&
	ip -n "$NS_DUT" addr add 10.232.0.2/24 dev "$IF_DUT" &&
	ip -n "$NS_DUT" link set "$IF_DUT" up ||
	    { bad "wg set / addresses"; return 1; }
}

finish() {
	[ "$FAIL" -gt "$FAIL_BEFORE" ] && dump_logs
	teardown
}

# ---------------------------------------------------------- scenarios ---

s_selfcheck() {
	scenario selfcheck || return
	start_dut env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=verbose wireguard-go || return
	configure 10.231.0.2:51821 - || return
	check "REF initiates, ping REF -> DUT" ping_within 10 "$NS_REF" 10.232.0.2
	check "ping DUT -> REF" ping_within 5 "$NS_DUT" 10.232.0.1
	check "both report a handshake" gt "$(show1 "$IF_DUT" latest-handshakes)" 0
	check "DUT's endpoint learnt by REF's initiation" \
	    test "$(show1 "$IF_DUT" endpoints)" = 10.231.0.1:51820
	check "byte counters mirror" wait_until 5 counters_mirror
}

s_ref_initiates() {
	local now hs
	scenario ref-initiates || return
	start_dut "$WGPEER" || return
	configure 10.231.0.2:51821 - || return
	check "REF initiates, ping REF -> DUT" ping_within 10 "$NS_REF" 10.232.0.2
	check "DUT answered REF's initiation" test "$(count 'handshake response sent' "$DUT_LOG")" -ge 1
	check "ping DUT -> REF" ping_within 5 "$NS_DUT" 10.232.0.1
	wg show "$IF_DUT" | sed 's/^/  | /'
	check "wg show: DUT's public key (from our private_key)" \
	    test "$(wg show "$IF_DUT" public-key)" = "$DUT_PUB"
	check "wg show: the peer is REF" test "$(wg show "$IF_DUT" peers)" = "$REF_PUB"
	check "wg show: preshared key" test "$(show1 "$IF_DUT" preshared-keys)" = "$(cat "$PSK_FILE")"
	check "wg show: listen port" test "$(wg show "$IF_DUT" listen-port)" = 51821
	check "wg show: allowed ips" test "$(show1 "$IF_DUT" allowed-ips)" = 10.232.0.1/32
	check "wg show: endpoint learnt from REF's packets" \
	    test "$(show1 "$IF_DUT" endpoints)" = 10.231.0.1:51820
	now=$(date +%s) hs=$(show1 "$IF_DUT" latest-handshakes)
	check "wg show: latest handshake within the last minute" \
	    test -n "$hs" -a "$hs" -gt $((now - 60)) -a "$hs" -le $((now + 1))
	check "wg show: byte counters mirror REF's (rx = REF tx, tx = REF rx)" \
	    wait_until 5 counters_mirror
	# roaming: REF moves to another port; DUT follows the first packet
	in_ref wg set "$IF_REF" listen-port 51830
	check "ping REF -> DUT from REF's new port" ping_within 5 "$NS_REF" 10.232.0.2
	check "DUT roams to REF's new endpoint" \
	    test "$(show1 "$IF_DUT" endpoints)" = 10.231.0.1:51830
	check "ping DUT -> REF at the new endpoint" ping_within 5 "$NS_DUT" 10.232.0.1
	# and to the IPv6 underlay: DUT's one socket is dual-stack
	in_ref wg set "$IF_REF" peer "$DUT_PUB" endpoint '[fd00:231::2]:51821'
	check "ping REF -> DUT over the IPv6 underlay" ping_within 5 "$NS_REF" 10.232.0.2
	check "DUT roams to REF's IPv6 endpoint" \
	    test "$(show1 "$IF_DUT" endpoints)" = '[fd00:231::1]:51830'
	check "ping DUT -> REF over IPv6" ping_within 5 "$NS_DUT" 10.232.0.1
	check "byte counters still mirror" wait_until 5 counters_mirror
}

s_dut_initiates() {
	scenario dut-initiates || return
	start_dut "$WGPEER" || return
	configure - 10.231.0.1:51820 || return
	check "DUT initiates, ping DUT -> REF" ping_within 10 "$NS_DUT" 10.232.0.1
	check "DUT sent the initiation, REF answered it" \
	    test "$(count 'handshake initiation sent' "$DUT_LOG")" -ge 1 -a \
	    "$(count 'Sending handshake response' "$REF_LOG")" -ge 1
	check "REF learnt DUT's endpoint" test "$(show1 "$IF_REF" endpoints)" = 10.231.0.2:51821
	check "ping REF -> DUT" ping_within 5 "$NS_REF" 10.232.0.2
	check "byte counters mirror" wait_until 5 counters_mirror
	# forget the peer through DUT's UAPI, then configure it again
	in_dut wg set "$IF_DUT" peer "$REF_PUB" remove
	check "wg set peer remove: no peer left" test -z "$(wg show "$IF_DUT" peers)"
	in_dut wg set "$IF_DUT" peer "$REF_PUB" preshared-key "$PSK_FILE" \
	    allowed-ips 10.232.0.1/32 endpoint 10.231.0.1:51820
	check "re-added peer: ping DUT -> REF (new handshake)" ping_within 10 "$NS_DUT" 10.232.0.1
	check "two handshakes completed at DUT" test "$(count 'handshake complete' "$DUT_LOG")" -ge 2
}

s_rekey() {
	local h1 h2 h3 out
	scenario rekey || return
	start_dut "$WGPEER" --rekey-after-time 4 || return
	configure - 10.231.0.1:51820 || return
	check "DUT initiates, ping DUT -> REF" ping_within 10 "$NS_DUT" 10.232.0.1
	h1=$(show1 "$IF_REF" latest-handshakes)
	# handshake times have 1 s resolution: let the second pass
	wait_until 3 past_second "$h1"
	kill -USR2 "$DUT_PID"
	check "forced expiry logged" wait_until 5 grep -q 'expired the keypairs' "$DUT_LOG"
	check "after forced expiry: ping DUT -> REF" ping_within 10 "$NS_DUT" 10.232.0.1
	h2=$(show1 "$IF_REF" latest-handshakes)
	check "REF's latest handshake moved ($h1 -> $h2)" gt "$h2" "$h1"
	check "DUT completed a second handshake" test "$(count 'handshake complete' "$DUT_LOG")" -ge 2
	wait_until 3 past_second "$h2"
	# a ping stream across the 4 s rekey-after-time: no loss
	out=$(in_dut ping -q -i 0.2 -c 40 -W 2 10.232.0.1 2>&1)
	check "40 pings across a time-based rekey, none lost" \
	    grep -q '40 packets transmitted, 40 received' <<<"$out"
	check "DUT started a rekey on age" test "$(count 'rekey started' "$DUT_LOG")" -ge 1
	h3=$(show1 "$IF_REF" latest-handshakes)
	check "REF's latest handshake moved again ($h2 -> $h3)" gt "$h3" "$h2"
	check "REF answered every initiation" \
	    test "$(count 'Received handshake initiation' "$REF_LOG")" -ge 3
}

s_cookie() {
	scenario cookie || return
	start_dut "$WGPEER" --under-load || return
	configure 10.231.0.2:51821 - || return
	check "REF initiates under load: ping REF -> DUT within 15 s" \
	    ping_within 15 "$NS_REF" 10.232.0.2
	check "DUT sent exactly one cookie reply" \
	    test "$(count 'cookie reply sent' "$DUT_LOG")" = 1
	check "REF received it" test "$(count 'Receiving cookie response' "$REF_LOG")" -ge 1
	check "REF's retry (valid mac2) was answered" \
	    test "$(count 'handshake response sent' "$DUT_LOG")" -ge 1
	check "ping DUT -> REF" ping_within 5 "$NS_DUT" 10.232.0.1
}

s_reverse_cookie() {
	local flood t_cookie t_done first last
	scenario reverse-cookie || return
	start_dut "$WGPEER" || return
	configure - 10.231.0.1:51820 || return
	# junk initiations with a valid mac1 until REF is under load
	ip netns exec "$NS_DUT" "$WGTOOL" flood 10.231.0.1 51820 "$REF_PUB" 40 \
	    ${FLOOD_BURST:-400} ${FLOOD_IVAL:-50} > "$WORK/$SCEN.flood.log" 2>&1 &
	flood=$!
	PIDS+=($flood)
	check "REF is under load (it answers the flood with cookies)" \
	    wait_until 10 grep -q 'under load' "$WORK/$SCEN.flood.log"
	check "DUT initiates: ping DUT -> REF within 20 s" ping_within 20 "$NS_DUT" 10.232.0.1
	# keep the load on for a moment after DUT's handshake, then stop it
	t_done=$(log_time 'handshake complete' "$DUT_LOG")
	wait_until 5 flood_past "$t_done"
	stop_pid "$flood"
	check "DUT received and opened REF's cookie reply" \
	    test "$(count 'cookie reply received' "$DUT_LOG")" -ge 1
	check "REF sent DUT one cookie reply: DUT's retry had a valid mac2" \
	    test "$(count 'Sending cookie response for denied handshake message for 10.231.0.2:51821' "$REF_LOG")" = 1
	t_cookie=$(log_time 'cookie reply received' "$DUT_LOG")
	first=$(sed -n 's/.*first at \([0-9.]*\),.*/\1/p' "$WORK/$SCEN.flood.log")
	last=$(sed -n 's/.*last at \([0-9.]*\)$/\1/p' "$WORK/$SCEN.flood.log")
	check "REF under load from before DUT's cookie until after its handshake ($first < $t_cookie < $t_done < $last)" \
	    in_order "$first" "$t_cookie" "$t_done" "$last"
}

s_replay() {
	local tool
	scenario replay || return
	start_dut "$WGPEER" || return
	configure 10.231.0.2:51821 - || return
	check "ping REF -> DUT" ping_within 10 "$NS_REF" 10.232.0.2
	# capture the next data message REF sends, and send it 3 more times
	ip netns exec "$NS_REF" "$WGTOOL" replay "$V_REF" 51821 3 10 \
	    > "$WORK/$SCEN.tool.log" 2>&1 &
	tool=$!
	PIDS+=($tool)
	# ping until the tool has caught one (it may start after a ping)
	wait_until 10 pinged_until_gone "$tool"
	wait "$tool"
	check "a data message REF -> DUT was captured and replayed 3 times" test $? = 0
	sed 's/^/  | /' "$WORK/$SCEN.tool.log"
	kill -USR1 "$DUT_PID"
	wait_until 5 has_stats
	check "DUT dropped exactly 3 replays" test "$(dut_stat replay)" = 3
	check "... and none as forged" test "$(dut_stat decrypt)" = 0
	check "ping REF -> DUT still works" ping_within 5 "$NS_REF" 10.232.0.2
}

# vanproxy's own counters, through its control socket
vp_json() { "$VANCTL" -s "$WORK/$SCEN.ctl.sock" --json "$@"; }
vp_drops() {
	vp_json show stats | python3 -c 'import json,sys; j=json.load(sys.stdin)
print(sum(m["drops"].get(sys.argv[1], 0) for m in j["members"] if m["address"] == "peer ref"))' "$1"
}
# more lines match $1 in REF's log (vanproxy's: dut_) than $2
log_grew() { [ "$(count "$1" "$REF_LOG")" -gt "$2" ]; }
dut_log_grew() { [ "$(count "$1" "$DUT_LOG")" -gt "$2" ]; }
# both of REF's counters are above "RX TX" ($1)
ref_transfer_grew() {
	set -- $1 $(show1 "$IF_REF" transfer)
	[ $# = 4 ] && [ "$3" -gt "$1" ] && [ "$4" -gt "$2" ]
}
ref_initiated() {
	ping1 "$NS_REF" 10.232.0.2
	dut_log_grew 'handshake response sent' "$1"
}
dut_endpoint_is() { [ "$(show1 "$IF_DUT" endpoints)" = "$1" ]; }
ref_endpoint_is() { [ "$(show1 "$IF_REF" endpoints)" = "$1" ]; }
# vanproxy's address for REF (show peers: local_address; "None": any)
dut_local_is() {
	[ "$(vp_json show peers | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["local_address"])')" = "$1" ]
}
vp_tunnel() {
	vp_json show stats | python3 -c 'import json,sys
print(json.load(sys.stdin)["tunnel"][sys.argv[1]])' "$1"
}
# REF called vanproxy at $1: vanproxy answers from there, REF stays.
ref_stays() {
	local v0
	ping1 "$NS_REF" 10.232.0.2
	dut_local_is "$2" || return 1
	# two more of vanproxy's messages decrypted by REF since then
	v0=$(count 'Packet with invalid IP version' "$REF_LOG")
	wait_until 5 log_grew 'Packet with invalid IP version' $((v0 + 1)) &&
	    ref_endpoint_is "$1"
}
# REF calls vanproxy at $1 (and vanproxy must answer from $2, REF stay).
# vanproxy HELLOs REF every round: one that left from the old address
# after the endpoint was set but before vanproxy saw REF's ping there
# takes REF back (it follows what it authenticates), and then the ping
# goes there too; so each try sets the endpoint again.
ref_calls() {
	in_ref wg set "$IF_REF" peer "$DUT_PUB" endpoint "$1" || return 1
	ref_stays "$@"
}

s_vanproxy() {
	local conf=$WORK/vanproxy.conf n0 t0 v0
	scenario vanproxy || return
	wait_until 10 sock_up "$IF_REF" || { bad "REF's UAPI socket appears"; return; }
	# REF knows no endpoint of ours: the first handshake is vanproxy's.
	in_ref wg set "$IF_REF" private-key "$WORK/$SCEN.ref.key" listen-port 51820 \
	    peer "$DUT_PUB" preshared-key "$PSK_FILE" allowed-ips 10.232.0.2/32 &&
	ip -n "$NS_REF" addr add 10.232.0.1/24 dev "$IF_REF" &&
	ip -n "$NS_REF" link set "$IF_REF" up || { bad "REF set up"; return; }
	# REF never JOINs our VAN, but a peer is HELLOed every round: rounds
	# of 100 ms make ten messages a second for REF to decrypt.
	cat >"$conf" <<-EOF
	proxy = { name = "dut"; private_key = "$WORK/$SCEN.dut.key"; listen = "[::]:51821";
	  hello_interval = 100;
	  site_listen = "127.0.0.1:4797"; control = "$WORK/$SCEN.ctl.sock";
	  wg_name = "$IF_DUT"; };
	vans = ( { id = 100; name = "blue"; } );
	peers = ( { name = "ref"; public_key = "$REF_PUB"; endpoint = "10.231.0.1:51820";
	  preshared_key = "$PSK_FILE"; vans = ( { local = 100; remote = 100; } ); } );
	EOF
	ip netns exec "$NS_DUT" "$VANPROXY" -d -f "$conf" > "$DUT_LOG" 2>&1 &
	DUT_PID=$!
	PIDS+=($DUT_PID)
	wait_until 10 sock_up "$IF_DUT" || { bad "vanproxy's UAPI socket appears"; return; }
	check "vanproxy initiates, REF answers" \
	    wait_until 10 grep -q 'Sending handshake response' "$REF_LOG"
	check "vanproxy: tunnel up" wait_until 5 grep -q 'tunnel up' "$DUT_LOG"
	check "REF decrypts vanproxy's VAN messages ('Packet with invalid IP version')" \
	    wait_until 5 grep -q 'Packet with invalid IP version' "$REF_LOG"
	wg show "$IF_DUT" | sed 's/^/  | /'
	check "wg show REF: a handshake" gt "$(show1 "$IF_REF" latest-handshakes)" 0
	check "wg show vanproxy: the peer is REF" test "$(wg show "$IF_DUT" peers)" = "$REF_PUB"
	check "wg show vanproxy: a handshake" gt "$(show1 "$IF_DUT" latest-handshakes)" 0
	check "wg show vanproxy: REF's endpoint" \
	    test "$(show1 "$IF_DUT" endpoints)" = 10.231.0.1:51820
	check "wg show vanproxy: our public key" \
	    test "$(wg show "$IF_DUT" public-key)" = "$DUT_PUB"
	check "wg show vanproxy: the preshared key" \
	    test "$(show1 "$IF_DUT" preshared-keys)" = "$(cat "$PSK_FILE")"
	t0=$(show1 "$IF_REF" transfer)
	# REF sends on the session too: an IP packet vanproxy cannot use.
	ping1 "$NS_REF" 10.232.0.2
	check "wg show REF: transfer grows both ways ($t0 -> ...)" \
	    wait_until 5 ref_transfer_grew "$t0"
	check "vanproxy counts REF's IP packet as not VAN (bad-version)" \
	    test "$(vp_drops bad-version)" -ge 1
	check "byte counters mirror" wait_until 5 counters_mirror
	# REF initiates: it forgets us, learns our endpoint, and pings.
	in_ref wg set "$IF_REF" peer "$DUT_PUB" remove &&
	in_ref wg set "$IF_REF" peer "$DUT_PUB" preshared-key "$PSK_FILE" \
	    allowed-ips 10.232.0.2/32 endpoint 10.231.0.2:51821
	n0=$(count 'handshake response sent' "$DUT_LOG")
	v0=$(count 'Packet with invalid IP version' "$REF_LOG")
	check "REF initiates (a ping), vanproxy answers" wait_until 15 ref_initiated "$n0"
	check "REF sent that initiation" \
	    test "$(count 'Sending handshake initiation' "$REF_LOG")" -ge 1
	check "REF decrypts vanproxy's messages on the new session" \
	    wait_until 5 log_grew 'Packet with invalid IP version' "$v0"
	# roaming: REF moves to another port; vanproxy follows its packets
	in_ref wg set "$IF_REF" listen-port 51830
	check "vanproxy roams to REF's new endpoint (after a ping)" \
	    wait_until 5 sh -c "ip netns exec '$NS_REF' ping -q -c 1 -W 1 10.232.0.2 >/dev/null; \
	    wg show '$IF_DUT' endpoints | grep -q 10.231.0.1:51830"
	v0=$(count 'Packet with invalid IP version' "$REF_LOG")
	check "REF gets vanproxy's messages at its new port" \
	    wait_until 5 log_grew 'Packet with invalid IP version' "$v0"
	check "vanproxy logged the roaming" grep -q 'endpoint now 10.231.0.1:51830' "$DUT_LOG"
	# A multi-homed gateway: REF calls a second address of ours, and
	# vanproxy (listening on every address) answers from it.  REF follows
	# the source of what it authenticates, so it stays at that address;
	# from the kernel's choice (10.231.0.2, fd00:231::2) it would move.
	ip -n "$NS_DUT" addr add 10.231.0.12/24 dev "$V_DUT" &&
	ip -n "$NS_DUT" addr add fd00:231::12/64 dev "$V_DUT" nodad ||
	    { bad "a second address"; return; }
	check "REF calls 10.231.0.12: vanproxy answers from it, REF stays" \
	    wait_until 10 ref_calls 10.231.0.12:51821 10.231.0.12
	check "vanproxy sent nothing from another source (src_fallbacks 0)" \
	    test "$(vp_tunnel src_fallbacks)" = 0
	check "REF calls fd00:231::12: vanproxy answers from it, REF stays" \
	    wait_until 10 ref_calls "[fd00:231::12]:51821" fd00:231::12
	check "back to 10.231.0.12" wait_until 10 ref_calls 10.231.0.12:51821 10.231.0.12
	# The address goes: vanproxy's next message leaves from the kernel's
	# choice (counted), REF follows it, and its packets arrive again.
	ip -n "$NS_DUT" addr del 10.231.0.12/24 dev "$V_DUT"
	check "address removed: REF follows vanproxy to 10.231.0.2:51821" \
	    wait_until 10 ref_endpoint_is 10.231.0.2:51821
	check "vanproxy counted the refused source (src_fallbacks)" \
	    test "$(vp_tunnel src_fallbacks)" -ge 1
	check "vanproxy's address for REF is 10.231.0.2 again" \
	    wait_until 10 ref_stays 10.231.0.2:51821 10.231.0.2
	check "wg set on vanproxy: adding a peer is refused" \
	    sh -c "! wg set '$IF_DUT' peer '$(wg genkey | wg pubkey)' 2>/dev/null"
}

# INTEROP_ONLY="rekey replay" runs a subset (scenario names as above).
for s in selfcheck ref-initiates dut-initiates rekey cookie reverse-cookie \
    replay vanproxy; do
	case " ${INTEROP_ONLY:-$s} " in *" $s "*) ;; *) continue ;; esac
	"s_${s//-/_}"
	finish
done

echo "interop: $PASS passed, $FAIL failed${FAILED:+ (in:$(tr ' ' '\n' <<<"$FAILED" | sort -u | tr '\n' ' '))}"
[ "$FAIL" -eq 0 ]
