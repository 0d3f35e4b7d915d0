# 50-dead — kill -9 of h3's vanedge: h1 and h2 mark it dead and drop its
# routes within the health timeout (4 x 250 ms here), and go on.
. "$(dirname "$0")/lib.sh"
lab_up

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
