# 87-storm — service independence: a VM floods broadcast frames into VAN
# red as fast as it can while VAN blue carries a probe stream and a TCP
# transfer; with the per-VAN flood limit (flood_rate 2000/s, flood_burst
# 4000 in the topology), by counting: the limit held the storm at its
# source (h3 let through at most rate x time + burst, h1 and h2 got no
# more), and every probe of blue's stream arrived, once.  Blue's TCP
# throughput during the storms, as a ratio to its baseline, is a timing
# figure: reported here, held to >= 90 % by `make bench` (STORM_BOUNDS=1:
# tests/bench/run.sh), so that a busy machine cannot fail `make check`.
#
# Measurement, on a 2-core machine that has to play every host: the hosts
# of the transfer (b1 on h1 to b2 on h2, iperf3, both vanedges) run on CPU
# 0, the storming VM (r3) and its host's vanedge (h3) on CPU 1 — as they
# would on machines of their own; the baseline is measured the same way,
# with the same pinning.  Baseline and storm runs alternate, B S B S B S B,
# 3 s per transfer; the storm starts before and ends after its transfer.
# Each storm run is compared with the mean of the baselines either side of
# it (so a slow drift of the machine's load cancels out), and the
# figure is the median of those three ratios.  The test
# checks that the storm was real (at least twice what the limit lets
# through, sent by the storming VM: its eth0's transmitted and dropped
# counters — the edge stops reading a tap that floods past its VAN's
# rate, so the excess is dropped in the VM's own tap queue) and that the
# limit held it at its source: h1 and h2 get at most what flood_rate lets
# through.
#
# Two more figures are printed, not checked (see the header of each): the
# same storm without the flood limit, and a storm from a VM on the sending
# host itself (r1 on h1), where one vanedge must read the storm and carry
# the transfer with one thread.
. "$(dirname "$0")/lib.sh"
[ "$(nproc)" -ge 2 ] || fail "needs 2 CPUs (one for the storm's side)"
command -v iperf3 >/dev/null || fail "iperf3 is missing (tests/deps.sh)"
RATE=2000 BURST=4000 DUR=3
sed "s/name = \"red\";  *id = 200;/name = \"red\"; id = 200; flood_rate = $RATE; flood_burst = $BURST;/;
     s/name = \"blue\"; id = 100;/name = \"blue\"; id = 100; flood_rate = $RATE; flood_burst = $BURST;/" \
    "$HERE/lab.conf" >"$TMP/lab.conf"
grep -q "flood_rate = $RATE" "$TMP/lab.conf" || fail "topology"
lab_up "$TMP/lab.conf"
grep -q "name = \"red\"; flood_rate = $RATE; flood_burst = $BURST;" \
    "$STATE/a-h3/edge.conf" || fail "h3 has no flood limit in red"

pin() { taskset -a -p -c "$2" "$(pidof_edge "$1")" >/dev/null || fail "taskset $1"; }
pin h1 0; pin h2 0; pin h3 1
ping_ok b1 10.0.0.12 || fail "b1 -> b2"
ping_ok r3 10.0.0.11 || fail "r3 -> r1"

# tcp — one transfer b1 -> b2 on CPU 0: prints Mbit/s received.
tcp() {
	bg vm b2 taskset -c 0 iperf3 -s -1 -p 5201 >/dev/null 2>&1
	srv=$BG
	listening() { vm b2 ss -ltn | grep -q ':5201 '; }
	poll 5 listening || fail "iperf3 server"
	vm b1 taskset -c 0 iperf3 -c 10.0.0.12 -p 5201 -t $DUR -J >"$TMP/iperf.json" ||
	    fail "iperf3: $(cat "$TMP/iperf.json")"
	wait $srv
	jpy "int(j['end']['sum_received']['bits_per_second'] / 1e6)" <"$TMP/iperf.json"
}
# sent VM — frames VM's eth0 sent or dropped (its tap's queue full).
sent() {
	vm "$1" sh -c 'echo $(( $(cat /sys/class/net/eth0/statistics/tx_packets) +
	    $(cat /sys/class/net/eth0/statistics/tx_dropped) ))'
}
# storm VM HOST CPU — tcp while VM storms VAN red from CPU CPU; prints
# "MBITS SENT READ": frames the VM sent, and those HOST's vanedge read.
storm() {
	f0=$(van_stat "$2" red frames_in)
	s0=$(sent "$1")
	bg vm "$1" taskset -c "$3" python3 "$T" storm eth0 $((DUR + 2)) >/dev/null
	st=$BG
	storming() { [ "$(sent "$1")" -ge $((s0 + 20000)) ]; }
	poll 5 storming "$@" || fail "the storm from $1 does not start"
	m=$(tcp)
	f=$(($(van_stat "$2" red frames_in) - f0))
	n=$(($(sent "$1") - s0))
	wait $st
	echo "$m $n $f"
}
median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }

fr1=$(van_stat h1 red flood_rx); fr2=$(van_stat h2 red flood_rx)
lim=$(ctl h3 show stats | jpy "[v for v in j['vans'] if v['name']=='red'][0]['drops'].get('flood-limit', 0)")
fin=$(van_stat h3 red frames_in)
t0=$(ms_now)
b0=$(tcp)
base="$b0" storms="" frames="" read="" ratios=""
for i in 1 2 3; do
	set -- $(storm r3 h3 1)
	b1=$(tcp)
	storms="$storms $1"
	frames="$frames $2"
	read="$read $3"
	base="$base $b1"
	ratios="$ratios $(awk -v s="$1" -v a="$b0" -v b="$b1" 'BEGIN { printf "%.1f", 200 * s / (a + b) }')"
	b0=$b1
done
secs=$(( ($(ms_now) - t0 + 999) / 1000 ))
B=$(echo $base | median)
say "blue TCP b1 -> b2, Mbit/s: baselines $base (median $B); during red storms" \
    "from r3 on h3:$storms"
say "each storm run over the mean of the baselines beside it, %:$ratios"
say "storm frames sent by r3 per run:$frames; read by h3:$read"
dfin=$(($(van_stat h3 red frames_in) - fin))
dlim=$(($(ctl h3 show stats | jpy "[v for v in j['vans'] if v['name']=='red'][0]['drops'].get('flood-limit', 0)") - lim))
dfr1=$(($(van_stat h1 red flood_rx) - fr1)); dfr2=$(($(van_stat h2 red flood_rx) - fr2))
cap=$((RATE * secs + BURST))
say "h3 red: $dfin frames in, $dlim dropped by the flood limit; h1 red flood_rx" \
    "+$dfr1, h2 +$dfr2 (at most $cap in $secs s)"
for f in $frames; do
	[ "$f" -ge $((2 * (RATE * DUR + BURST))) ] || fail "a storm of only $f frames: not a storm"
done
[ "$dlim" -ge $((dfin - cap)) ] || fail "h3 let $((dfin - dlim)) storm frames through"
[ "$dfr1" -le "$cap" ] && [ "$dfr2" -le "$cap" ] ||
    fail "more than flood_rate reached h1/h2: +$dfr1, +$dfr2"
P=$(echo $ratios | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[2] }')
say "blue keeps $P % of its baseline during the storm (median; make bench's criterion >= 90 %)"
[ -z "${STORM_RATIO:-}" ] || echo "$P" >"$STORM_RATIO"
if [ "${STORM_BOUNDS:-0}" = 1 ]; then
	awk -v p="$P" 'BEGIN { exit !(p >= 90) }' || fail "blue kept $P % (< 90 %)"
fi

# Counted: blue's probe stream b1 -> b2 (one every millisecond) through a
# storm, every probe delivered once.
STREAM_SECONDS=$((DUR + 4))
s0=$(sent r3)
stream_start blue b1 b2 10.0.0.12 7201
bg vm r3 taskset -c 1 python3 "$T" storm eth0 $DUR >/dev/null
st=$BG
wait $st
streams_stop
ns=$(($(sent r3) - s0))
[ "$ns" -ge $((2 * (RATE * DUR + BURST))) ] || fail "the stream's storm: only $ns frames"
nsent=$(wc -l <"$TMP/blue.sent") nrecv=$(awk '{ print $1 }' "$TMP/blue.recv" | sort -u | wc -l)
ndup=$(($(wc -l <"$TMP/blue.recv") - nrecv))
say "blue's probe stream through a storm of $ns red frames: $nrecv of $nsent probes arrived, $ndup twice"
[ "$nsent" -ge 1000 ] || fail "only $nsent probes sent"
[ "$nrecv" -eq "$nsent" ] && [ "$ndup" -eq 0 ] ||
    fail "blue lost $((nsent - nrecv)) probes (or got $ndup twice) during the red storm"

# Not checked — the same storm without a flood limit (reloaded without
# flood_rate): h3 floods every storm frame to h1 and h2, whose vanedges
# now carry it on CPU 0 beside the transfer.  Shows what the limit buys.
for h in h1 h2 h3; do
	cp "$STATE/a-$h/edge.conf" "$TMP/$h.conf"
	sed -i "s/ flood_rate = $RATE; flood_burst = $BURST;//" "$STATE/a-$h/edge.conf"
	"$VANLAB" ctl --prefix "$PFX" $h -- reload >/dev/null || fail "reload $h"
done
! grep -q flood_rate "$STATE/a-h3/edge.conf" || fail "the limit is still there"
set -- $(storm r3 h3 1)
b=$(tcp)
say "without a flood limit (not checked): $1 Mbit/s during the storm," \
    "$(pct "$1" "$B") % of the baseline median ($b Mbit/s right after)"
for h in h1 h2 h3; do
	cp "$TMP/$h.conf" "$STATE/a-$h/edge.conf"
	"$VANLAB" ctl --prefix "$PFX" $h -- reload >/dev/null || fail "reload $h"
done

# Not checked — the storm from the sending host's own VM (r1 on h1, limit
# on again): h1's vanedge, on the thread that carries the transfer, stops
# reading r1's tap while red is out of flood tokens.
set -- $(storm r1 h1 1)
b=$(tcp)
say "storm from r1 on the sending host h1 (not checked): $1 Mbit/s," \
    "$(pct "$1" "$B") % of the baseline median; r1 sent $2 storm frames," \
    "h1 read $3 ($b Mbit/s right after)"
