# 75-control — the control socket refuses bad requests with a clear error,
# counts them in `show stats` (control errors/rejected), and keeps
# serving; `reload` of a bad file keeps the running configuration (traffic
# flows), of a good changed one applies it (a new VAN appears).
. "$(dirname "$0")/lib.sh"
lab_up
T=$HERE/traffic.py
SOCK=$STATE/a-h1/edge.sock
CONF=$STATE/a-h1/edge.conf

cstat() { ctl h1 show stats | jpy "j['control']['$1']"; }
e0=$(cstat errors); r0=$(cstat rejected)

refused() {	# refused 'EXPECTED STDERR' VANCTL-ARGS...
	want=$1
	shift
	if "$VANLAB" ctl --prefix "$PFX" h1 -- "$@" >"$TMP/out" 2>"$TMP/err"; then
		fail "vanctl $* succeeded"
	fi
	[ "$(cat "$TMP/err")" = "$want" ] ||
	    fail "vanctl $*: got '$(cat "$TMP/err")', want '$want'"
	say "vanctl $*: $want"
}
refused "vanctl: unknown VAN 'green'" attach green t-x
refused "vanctl: tap eth0: name is taken by a device that is not a tap: Invalid argument" \
    attach blue eth0
refused "vanctl: tap name 'a-much-too-long-name': 1-15 of A-Z a-z 0-9 _ . -" \
    attach blue a-much-too-long-name
refused "vanctl: '01:00:5e:00:00:01' is not a unicast MAC address" \
    attach blue t-x 01:00:5e:00:00:01
refused "vanctl: no port on 't-nosuch'" detach t-nosuch
refused "vanctl: unknown request 'frobnicate' (show, attach, detach, reload, log-level)" frobnicate
# A port that exists stays: attaching its tap again is refused.
refused "vanctl: t-b1 is already a port" attach blue t-b1

raw() {	# raw HEX 'EXPECTED ERROR' ['OR THIS ONE']
	vm h1 python3 "$T" ctl "$SOCK" "$1" >"$TMP/reply" || fail "raw request"
	got=$(jpy "j['error'] if not j['ok'] else 'ok'" <"$TMP/reply")
	[ "$got" = "$2" ] || [ "$got" = "${3:-}" ] ||
	    fail "raw request: got '$got', want '$2'"
	say "raw request: $got"
}
raw 0a "empty request"
raw "$(printf 'show vans' | od -v -An -tx1 | tr -d ' \n')00780a" \
    "request contains a control character"
# The reply must arrive although most of the request is still unread.
raw "$(head -c 60000 /dev/zero | tr '\0' a | od -v -An -tx1 | tr -d ' \n')0a" "request too long"
raw "$(printf 'show' | od -v -An -tx1 | tr -d ' \n')$(for i in $(seq 20); do printf 20; printf x | od -v -An -tx1 | tr -d ' \n'; done)0a" \
    "too many words in the request"

e1=$(cstat errors); r1=$(cstat rejected)
# 7 refused vanctl requests, empty, NUL, too many words: errors; too long: rejected.
[ $((e1 - e0)) -eq 10 ] || fail "control errors +$((e1 - e0)), not 10"
[ $((r1 - r0)) -eq 1 ] || fail "control rejected +$((r1 - r0)), not 1"
say "show stats: control errors +$((e1 - e0)), rejected +$((r1 - r0))"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the bad requests"

# Reload: a bad file changes nothing.
cp "$CONF" "$TMP/good.conf"
lines=$(wc -l <"$CONF")
echo "bogus = 1;" >>"$CONF"
refused "vanctl: $CONF:$((lines + 1)): unknown setting 'bogus'" reload
[ "$(ctl h1 show stats | jpy "j['daemon']['reload_failures']")" -eq 1 ] ||
    fail "reload_failures is not 1"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the bad reload"
ping_ok b4 10.0.0.11 || fail "b4 -> b1 (both on h1) after the bad reload"
ctl h1 show vans | jpy "[v['name'] for v in j]" | grep -q green &&
    fail "the bad file was applied"
# A good changed file: a new VAN, the old ones untouched.
sed 's/^vans = (/vans = (\n  { id = 300; name = "green"; },/' "$TMP/good.conf" >"$CONF"
"$VANLAB" ctl --prefix "$PFX" h1 -- reload >/dev/null || fail "reload of a good file"
ctl h1 show vans | jpy "[v['name'] for v in j]" | grep -q '"green"' ||
    fail "the new VAN is not there after the reload"
p=$(ctl h1 show vans | jpy "[v['ports'] for v in j if v['name']=='blue'][0]")
[ "$p" -eq 2 ] || fail "blue has $p ports after the reload, not 2"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after the good reload"
say "reload: the bad file kept the old configuration, the good one added VAN green"
