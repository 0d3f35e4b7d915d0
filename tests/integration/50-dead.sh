# 50-dead — kill -9 of h3's vanedge: h1 and h2 mark it dead and drop its
# routes within the health timeout (4 x 250 ms here), and go on.  First, a
# stall: h2's vanedge stopped (SIGSTOP) until h1 and h3 have marked it
# dead, then continued: they take it back, and h2 declares neither of them
# dead — the time it did not run is not their silence (docs/protocol.md
# §6, "Liveness") — and counts the stall.
. "$(dirname "$0")/lib.sh"
lab_up

deaths() { ctl "$1" show stats | jpy "sum(m['deaths'] for m in j['members'])"; }
alive_all() { [ "$(ctl "$1" show members | jpy "all(m['state'] == 'alive' for m in j)")" = true ]; }
for h in h1 h2 h3; do poll 10 alive_all $h || fail "$h: not every member alive"; done
d2=$(deaths h2); s2=$(ctl h2 show stats | jpy "j['global']['stalls']")
p2=$(pidof_edge h2)
kill -STOP "$p2" || fail "kill -STOP"
h2_dead() { [ "$(member state "$1" 10.77.1.12)" = dead ]; }
for h in h1 h3; do
	poll 10 h2_dead $h || { kill -CONT "$p2"; fail "$h: h2 is $(member state $h 10.77.1.12), stopped"; }
done
kill -CONT "$p2" || fail "kill -CONT"
for h in h1 h2 h3; do poll 10 alive_all $h || fail "$h: not every member alive after h2 went on"; done
[ "$(deaths h2)" = "$d2" ] || fail "h2, stopped, declared $(($(deaths h2) - d2)) members dead"
s=$(ctl h2 show stats | jpy "j['global']['stalls']")
[ "$s" -gt "$s2" ] || fail "h2 did not count its stall ($s2 -> $s)"
say "h2 stopped until h1 and h3 marked it dead, then continued: alive again, it declared nobody dead; stalls $s2 -> $s"

ping_ok b3 10.0.0.11 || fail "b3 -> b1"
ping_ok b3 10.0.0.12 || fail "b3 -> b2"
ping_ok r3 10.0.0.11 || fail "r3 -> r1"
for h in h1 h2; do
	r=$(member routes $h 10.77.1.13)
	s=$(member state $h 10.77.1.13)
	[ "$s" = alive ] || fail "$h: h3 is $s before the kill"
	[ "$r" -gt 0 ] || fail "$h has no routes through h3 before the kill"
	say "$h: h3 alive with $r routes"
done

kill -9 "$(pidof_edge h3)" || fail "kill"
t0=$(ms_now)
dead() {
	[ "$(member state "$1" 10.77.1.13)" = dead ] &&
	    [ "$(member routes "$1" 10.77.1.13)" -eq 0 ]
}
# dead_after x hello = 1 s; allow a loaded machine some more.
for h in h1 h2; do
	poll 4 dead $h || fail "$h: h3 is $(member state $h 10.77.1.13) with" \
	    "$(member routes $h 10.77.1.13) routes 4 s after the kill"
	say "$h: h3 dead, 0 routes, $(($(ms_now) - t0)) ms after the kill"
done
d=$(ctl h1 show stats | jpy "[m for m in j['members'] if m['address'].startswith('10.77.1.13:')][0]['deaths']")
[ "$d" -eq 1 ] || fail "h1 counts $d deaths of h3"
ping_ok b1 10.0.0.12 || fail "h1 and h2 no longer reach each other"
ping_ok r2 10.0.0.11 || fail "r2 -> r1"
say "h1 <-> h2 still fine"
