# 60-garbage — malformed VAN messages from a member, and anything from a
# non-member, are dropped and counted by reason; the daemon keeps serving.
# Crafted in h2's namespace with a raw socket, so that they come from h2's
# own address and port (a member) or from 10.77.1.200 (not one).
. "$(dirname "$0")/lib.sh"
lab_up
T=$HERE/traffic.py

ids=0000006400000064				# VAN 100 -> 100
frame=02000a00000c02000a00000b0800$(printf '%092d' 0)	# 60 bytes
# reason hex
cat >"$TMP/cases" <<CASES
short 1101
bad-version 21001000${ids}${frame}
bad-type 10001000${ids}${frame}
reserved-bits 11001010${ids}${frame}
bad-padding 1100100f${ids}0000
hop-limit 11000000${ids}${frame}
bad-van-id 110010000000000000000000${frame}
bad-frame 11001000${ids}0102030405
bad-body 14001000${ids}010203
unknown-van 11001000000003e7000003e7${frame}
van-mismatch 1100100000000064000000c8${frame}
CASES

ping_ok b1 10.0.0.12 || fail "b1 -> b2 before"
drops() { ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['drops']"; }
before=$(drops)
[ "$before" = "{}" ] || fail "h1 counts drops from h2 already: $before"
vm h2 python3 "$T" van 4797 10.77.1.11 4797 $(cut -d' ' -f2 "$TMP/cases") ||
    fail "sending"
all_counted() {
	d=$(drops)
	while read -r reason hex; do
		[ "$(echo "$d" | jpy "j.get('$reason', 0)")" = 1 ] || return 1
	done <"$TMP/cases"
}
poll 5 all_counted || fail "h1 member h2 drops: $(drops)"
say "from member h2, one of each: $(drops)"
# An empty datagram is a message too short for a header.
vm h2 python3 "$T" van 4797 10.77.1.11 4797 "" || fail "sending"
empty_counted() { [ "$(drops | jpy "j.get('short', 0)")" = 2 ]; }
poll 5 empty_counted || fail "empty datagram: h1 member h2 drops: $(drops)"
say "an empty datagram: short +1"

# Not a member: another address, and a member's address from another port.
vm h2 ip addr add 10.77.1.200/24 dev eth0 || fail "secondary address"
nm0=$(ctl h1 show stats | jpy "j['global']['drops'].get('not-member', 0)")
vm h2 python3 "$T" van 10.77.1.200:4797 10.77.1.11 4797 \
    $(for i in 1 2 3 4 5; do echo "11001000${ids}${frame}"; done) || fail "sending"
vm h2 python3 "$T" van 5555 10.77.1.11 4797 \
    "11001000${ids}${frame}" "17001000000000000000000000000000000000000000000000000000000000000000" ||
    fail "sending"
nm() { [ "$(ctl h1 show stats | jpy "j['global']['drops'].get('not-member', 0)")" -eq $((nm0 + 7)) ]; }
poll 5 nm || fail "not-member drops: $(ctl h1 show stats | jpy "j['global']['drops']")"
say "7 messages from non-members: global not-member +7"
grep -q "not a site member" "$STATE/a-h1/edge.log" || fail "h1 did not log the stranger"

# A burst of random garbage from the member's own address and port.
N=3000
t0=$(ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['drops_total']")
vm h2 python3 "$T" van-random 4797 10.77.1.11 4797 $N 7 || fail "sending"
burst() {
	[ "$(ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['drops_total']")" -ge $((t0 + N)) ]
}
poll 10 burst || fail "h1 counted $(($(ctl h1 show stats | jpy "[m for m in j['members'] if m['address']=='10.77.1.12:4797'][0]['drops_total']") - t0)) of $N garbage messages"
say "$N random messages from h2's address and port: all dropped and counted"

# Still serving, h2 still a healthy member.
[ "$(member state h1 10.77.1.12)" = alive ] || fail "h2 is not alive on h1"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the garbage"
ping_ok r2 10.0.0.11 || fail "r2 -> r1 after the garbage"
kill -0 "$(pidof_edge h1)" || fail "h1's vanedge is gone"
say "h1 still serves: members alive, pings pass"
