# 47-qemu-guest — real QEMU guests (qemu.conf: q1 blue and q2 red on h1,
# the same MAC and IP, kind = "qemu"; TCG unless VANLAB_ACCEL=kvm): each
# boots the guest of `make guest` in h1's namespace on a tap QEMU owns,
# attached to h1's vanedge as a device port.  q1 pings namespace VMs on
# another host (b2, h2) and in another site (b3, b/h3) and sends them a
# TCP stream from busybox's nc (bytes counted at the receiver); `vanlab
# exec` returns the guest command's output and exit status, several at
# once; `vanlab report` finds every VAN connected and isolated with the
# guests in it (q1 and q2 twins in two VANs).  Then q2's QEMU is killed
# with SIGKILL: its tap goes with it, h1's vanedge withdraws the port
# (RTM_DELLINK: `show ports` no longer lists it), r2's host forgets the
# MAC, and r2's pings to it reach h1 as no DATA at all (counted).
. "$(dirname "$0")/lib.sh"
export VANLAB_ACCEL=${VANLAB_ACCEL:-tcg}
[ -r "$B/guest/initrd.gz" ] || fail "no guest in $B/guest (make guest)"
T=$HERE/traffic.py
QMAC=02:00:00:00:00:21
t0=$(ms_now)
lab_up "$HERE/qemu.conf"
say "lab with 2 qemu guests up in $(($(ms_now) - t0)) ms ($VANLAB_ACCEL)"
[ "$(ctl h1 show ports | jpy "[p['kind'] for p in j if p['tap']=='t-q1'][0]")" = device ] ||
	fail "t-q1 is not a device port of h1"

# exec: output and status, several at once.
[ "$(vm q1 sh -c 'echo out; echo err >&2; exit 3' 2>/dev/null)" = out ] ||
	fail "exec: no stdout"
vm q1 sh -c 'exit 3' && fail "exec: exit status lost"
[ $? -eq 3 ] || fail "exec: exit status not 3"
for k in 1 2 3 4 5 6; do
	bg sh -c "\"$VANLAB\" exec --prefix $PFX q1 -- sh -c 'usleep 300000; echo $k' >$TMP/par$k"
done
wait
for k in 1 2 3 4 5 6; do
	[ "$(cat "$TMP/par$k")" = "$k" ] || fail "exec $k of 6 at once: '$(cat "$TMP/par$k")'"
done
say "exec: stdout, stderr, exit status; 6 at once"

gping() { poll 30 vm "$1" ping -q -c 1 -W 1 "$2"; }
gping q1 10.0.0.12 || fail "q1 does not reach b2 (a/h2)"
gping q1 10.0.0.13 || fail "q1 does not reach b3 (b/h3)"
ping_ok b2 10.0.0.21 || fail "b2 does not reach q1"
ping_ok b3 10.0.0.21 || fail "b3 does not reach q1"
gping q2 10.0.0.13 || fail "q2 does not reach r3 (b/h3)"
say "pings: q1 <-> b2 (other host), q1 <-> b3 (other site), q2 -> r3"

SIZE=1048576
for t in b2:10.0.0.12 b3:10.0.0.13; do
	v=${t%%:*} ip=${t#*:}
	bg vm "$v" python3 "$T" tcp-recv "$ip" 5001 "$TMP/tcp-$v" 60
	poll 10 test -e "$TMP/tcp-$v.ready" || fail "tcp receiver in $v"
	vm q1 sh -c "dd if=/dev/zero bs=1024 count=1024 2>/dev/null | nc -w 3 $ip 5001" ||
		fail "nc from q1 to $v"
	poll 20 test -e "$TMP/tcp-$v" || fail "$v: the TCP stream from q1 did not end"
	got=$(cut -d' ' -f1 "$TMP/tcp-$v")
	[ "$got" = $SIZE ] || fail "$v got $got of $SIZE bytes from q1"
done
say "TCP: q1 -> b2 and q1 -> b3 (busybox nc), $SIZE bytes each at the receiver"

"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || {
	cat "$TMP/report" >&2
	fail "vanlab report"
}
n=$(grep -c '^VAN .*: connected and isolated$' "$TMP/report")
[ "$n" -eq 2 ] || fail "report: $n of 2 VANs connected and isolated"
say "report: blue and red connected and isolated, q1/q2 twins (same MAC and IP)"

# SIGKILL: the port goes with the tap.
gone() { ! ctl h1 show ports | jpy "[p['tap'] for p in j]" | grep -q '"t-q2"'; }
[ "$(fdb_where h2 red $QMAC)" = "10.77.1.11:4797" ] || fail "h2 does not route q2 via h1"
w0=$(van_stat h1 red withdraws)
qpid=$(cat "$STATE/q2.qemu/qemu.pid")
t0=$(ms_now)
kill -KILL "$qpid"
poll 5 gone || fail "h1 still lists t-q2 5 s after its QEMU was killed"
t1=$(ms_now)
[ $(($(van_stat h1 red withdraws) - w0)) -ge 1 ] || fail "h1 withdrew nothing"
poll 5 test "$(fdb_where h2 red $QMAC)" = none || fail "h2 still routes q2's MAC"
d0=$(van_stat h1 red data_rx)
vm r2 ping -n -q -c 3 -i 0.2 -W 1 10.0.0.21 >/dev/null 2>&1 && fail "r2 reached the killed q2"
d=$(($(van_stat h1 red data_rx) - d0))
[ "$d" -eq 0 ] || fail "h1 got $d DATA for the killed q2"
say "SIGKILL of q2's QEMU: port withdrawn within $((t1 - t0)) ms (poll included), h2 forgot the MAC, r2's pings: 0 DATA to h1"

# down leaves nothing: no QEMU of this lab, no namespace.
q1pid=$(cat "$STATE/q1.qemu/qemu.pid")
"$VANLAB" down --prefix "$PFX" >/dev/null || fail "vanlab down"
LAB_UP=0
kill -0 "$q1pid" 2>/dev/null && fail "q1's QEMU (pid $q1pid) is still there after down"
ip netns list | grep -q "^$PFX-" && fail "namespaces of $PFX left after down"
say "down: q1's QEMU gone, no namespace left"
