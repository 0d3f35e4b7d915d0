# 78-log-level — `vanctl log-level` changes a running vanedge's level, and
# debug shows what the bridge decides: at info (the lab's log_level) a VM
# that moves to another host and back logs no debug line; after `log-level debug`
# the same logs h2's LEARN received, our UNLEARNs and LEARNs sent;
# `log-level bogus` is refused and the level kept; a VM sending thousands of frames from forged MACs logs at most the
# rate-limited number of lines, then says how many it held back; `reload`
# sets the file's level again.
. "$(dirname "$0")/lib.sh"
lab_up
LOG=$STATE/a-h1/edge.log
LOG2=$STATE/a-h2/edge.log
CONF=$STATE/a-h1/edge.conf
[ -f "$LOG" ] && [ -f "$LOG2" ] || fail "no edge.log of h1 or h2"
grep -q 'log_level = "info"' "$CONF" || fail "the lab's log_level is not info"

# level HOST — what `vanctl log-level` prints.
level() { "$VANLAB" ctl --prefix "$PFX" "$1" -- log-level; }
# debug_since FILE LINE — debug lines after line LINE of FILE.
debug_since() { tail -n +$(($2 + 1)) "$1" | grep -c ': debug: ' || :; }
lines() { wc -l <"$1"; }
# bounce — b1 moves to h2 and back (vanlab migrate), reaching b2 each time.
bounce() {
	move "$TMP/moves" b1 h2
	ping_ok b1 10.0.0.12 || fail "b1 -> b2 on h2"
	move "$TMP/moves" b1 h1
	ping_ok b1 10.0.0.12 || fail "b1 -> b2 back on h1"
}

[ "$(level h1)" = "log-level info" ] || fail "log-level prints '$(level h1)'"
[ "$(ctl h1 show stats | jpy "j['daemon']['log_level']")" = info ] ||
    fail "show stats: daemon log_level is not info"
ping_ok b1 10.0.0.12 || fail "b1 -> b2"

# At info: nothing.
n0=$(lines "$LOG")
bounce
n=$(debug_since "$LOG" "$n0")
[ "$n" -eq 0 ] || fail "$n debug lines at info level"
say "info: b1 moved to h2 and back, no debug line"

# At debug: h2's LEARN of b1, our UNLEARNs and LEARNs to h2 and h3.
[ "$(level h1)" = "log-level info" ] || fail "level changed by itself"
"$VANLAB" ctl --prefix "$PFX" h1 -- log-level debug >"$TMP/out" ||
    fail "log-level debug refused"
[ "$(cat "$TMP/out")" = "log-level debug" ] || fail "log-level debug: $(cat "$TMP/out")"
[ "$(level h1)" = "log-level debug" ] || fail "log-level prints '$(level h1)'"
[ "$(ctl h1 show stats | jpy "j['daemon']['log_level']")" = debug ] ||
    fail "show stats: daemon log_level is not debug"
grep -q 'log level debug (vanctl' "$LOG" || fail "the change is not logged"
n0=$(lines "$LOG")
m0=$(lines "$LOG2")
bounce
after() { tail -n +$(($2 + 1)) "$1" | grep -c "$3" || :; }
saw_all() {
	[ "$(after "$LOG" "$n0" 'debug: VAN 100: LEARN .* seq .* from ')" -ge 1 ] &&
	    [ "$(after "$LOG" "$n0" 'debug: VAN 100: UNLEARN .* to ')" -ge 2 ] &&
	    [ "$(after "$LOG" "$n0" 'debug: VAN 100: LEARN .* seq .* to ')" -ge 2 ]
}
poll 10 saw_all || {
	tail -n +$((n0 + 1)) "$LOG" >&2
	fail "the debug lines of the port's bounce are missing"
}
n=$(debug_since "$LOG" "$n0")
say "debug: the same moves log $n debug lines ($(after "$LOG" "$n0" ' LEARN .* from ') LEARN in, $(after "$LOG" "$n0" ' LEARN .* to ') LEARN out, $(after "$LOG" "$n0" ' UNLEARN .* to ') UNLEARN out)"
# h2 stays at info: its log has no debug line.
[ "$(debug_since "$LOG2" "$m0")" -eq 0 ] || fail "h2 logs debug lines at info"

# A bad level: refused, exit 1, the level kept.
if "$VANLAB" ctl --prefix "$PFX" h1 -- log-level bogus >"$TMP/out" 2>"$TMP/err"; then
	fail "log-level bogus succeeded"
fi
want="vanctl: log-level: 'bogus' is not a level (error, warn, info, debug)"
[ "$(cat "$TMP/err")" = "$want" ] || fail "log-level bogus: '$(cat "$TMP/err")'"
[ "$(level h1)" = "log-level debug" ] || fail "log-level bogus changed the level"
say "log-level bogus: refused, still debug"

# A flood of forged source MACs from b4 (a port with its MAC configured:
# each frame is refused, each MAC another line): rate-limited lines.
N=4000
d0=$(van_stat h1 blue drops_total)
n0=$(lines "$LOG")
t0=$(ms_now)
vm b4 python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(int(sys.argv[1])):
    src = bytes([0x02, 0x77, (i >> 16) & 255, (i >> 8) & 255, i & 255, 1])
    s.send(b"\xff" * 6 + src + b"\x88\xb5" + b"vanlog".ljust(46, b"\0"))
' "$N" || fail "the flood"
dropped() { [ "$(van_stat h1 blue drops_total)" -ge $((d0 + N / 2)) ]; }
poll 10 dropped || fail "h1 did not drop the forged frames ($(van_stat h1 blue drops_total))"
# One more forged frame until a line says how many were held back.
told() {
	vm b4 python3 "$HERE/traffic.py" frame eth0 \
	    ffffffffffff02770000000288b5000000000000000000000000000000000000000000000000000000000000000000000000 ||
	    return 1
	tail -n +$((n0 + 1)) "$LOG" | grep -q 'debug: mac-refused: [0-9]* lines suppressed'
}
poll 10 told || fail "no line says how many were suppressed"
secs=$((($(ms_now) - t0) / 1000 + 1))
n=$(debug_since "$LOG" "$n0")
# Per second 10 lines of a kind after a burst of 20; as many on the ones
# held back or lost at most.
max=$((3 * (20 + 10 * secs)))
[ "$n" -le "$max" ] || fail "$n debug lines for $N forged frames in $secs s (at most $max)"
[ "$n" -ge 10 ] || fail "only $n debug lines for the forged frames"
say "flood: $N forged frames in $secs s, $n debug lines (at most $max): $(tail -n +$((n0 + 1)) "$LOG" | grep -m1 'suppressed' | sed 's/.*debug: //')"

# reload: the file's level again.
"$VANLAB" ctl --prefix "$PFX" h1 -- reload >/dev/null || fail "reload"
[ "$(level h1)" = "log-level info" ] || fail "after reload: '$(level h1)', not the file's info"
[ "$(ctl h1 show stats | jpy "j['daemon']['log_level']")" = info ] ||
    fail "show stats: daemon log_level is not info after reload"
n0=$(lines "$LOG")
bounce
n=$(debug_since "$LOG" "$n0")
[ "$n" -eq 0 ] || fail "$n debug lines after the reload"
say "reload: back to the file's info, no debug line"
