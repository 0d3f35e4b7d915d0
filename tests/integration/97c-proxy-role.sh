# 97c-proxy-role — vanproxy as one node of a gateway pair (`ha = true`),
# its role switched by hand (97b switches it with keepalived): site a's
# proxy is restarted with ha = true (fed2.conf) without its site address
# (keepalived has not given it): it starts standby, refuses `role active`,
# and stays standby when the address comes.  A
# standby binds its addresses but sends nothing: b's proxy and a's hosts
# see it dead, its own send counters stay at zero, what it is sent is
# counted (standby_drops).  `vanctl role active` puts it in service at
# once: a newer boot epoch at a's hosts, a handshake with b, a's and b's
# streams flowing.  Standby again: silent from that moment (dead at both
# ends, no send counted after the switch).  Active once more; `role
# renew` (what keepalived runs on a master that hears a lower priority: the
# pair split and merged) gives a newer epoch; a restart while the node
# holds the pair's addresses starts it active.  Then an address of the
# pair taken off the gateway: it demotes itself (role_lost) and refuses
# `role active` until the address is back.  Bad
# requests: an unknown role, `role` of a proxy not in a pair, of vanedge.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed2.conf"
S=$STATE/a-gw
NS=$PFX-a-gw
ip netns list | grep -q "^$NS\b" || fail "no namespace $NS"
C() { "$VANCTL" -s "$S/proxy.sock" --json "$@"; }
role() { C show stats | jpy "j['daemon']['role']"; }
stat() { C show stats | jpy "j['daemon']['$1']"; }
# Everything a's proxy has sent: tunnel datagrams and site messages.
sent() {
	C show stats | jpy "j['tunnel']['tx_datagrams'] + sum(sum(m.get('tx', {}).values()) for m in j['members'] if not m['address'].startswith('peer '))"
}
b_sees_a() { [ "$(pctl b show peers | jpy "j[0]['state']")" = "$1" ]; }
h1_sees_gw() { [ "$(member state h1 10.77.1.10)" = "$1" ]; }

ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 before the restart"
kill "$(proxy_pid a)" || fail "stop a's vanproxy"
gone() { ! C show stats; }
poll 10 gone || fail "a's vanproxy did not stop"
sed 's/^  log_level = /  ha = true;\n  log_level = /' "$S/proxy.conf" >"$S/ha.conf"
grep -q '^  ha = true;' "$S/ha.conf" || fail "no ha line in $S/ha.conf"
# Started without the pair's site address (keepalived has not given it):
# standby, and `role active` refused until it is there.
dev=$(ip -n "$NS" -o -4 addr show | awk '$4 == "10.77.1.10/24" { print $2 }')
[ -n "$dev" ] || fail "a-gw has no 10.77.1.10/24"
ip -n "$NS" addr del 10.77.1.10/24 dev "$dev" || fail "ip addr del"
bg ip netns exec "$NS" "$B/vanproxy" -f "$S/ha.conf" >"$S/ha.log" 2>&1
HA=$BG
up() { [ "$(role)" = standby ]; }
poll 10 up || fail "vanproxy with ha = true did not start standby"
if e=$(C role active 2>&1); then fail "role active without the address: $e"; fi
case $e in *"10.77.1.10:4797 is not on this host"*) ;; *) fail "role active without the address: '$e'" ;; esac
say "started without the pair's address: standby; 'role active' refused"
say "  ($e)"
# The address given: still standby (keepalived's notify says when to serve).
ip -n "$NS" addr add 10.77.1.10/24 dev "$dev" || fail "ip addr add"

# Standby: silent, what it is sent dropped and counted.
poll 10 b_sees_a dead || fail "b's proxy does not see a standby a dead"
poll 10 h1_sees_gw dead || fail "h1 does not see a's standby proxy dead"
[ "$(sent)" = 0 ] || fail "a standby sent $(sent) datagrams"
d() { [ "$(stat standby_drops)" -gt 0 ]; }
poll 10 d || fail "a standby counted nothing it was sent"
say "standby: sends nothing (b and h1 see it dead), $(stat standby_drops) datagrams counted and dropped"

# Active: in service at once.
ep0=$(member epoch h1 10.77.1.10)
stream_start ab b2 b4 10.0.0.14 7101
stream_start ba b3 b1 10.0.0.11 7102
mono_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }
t0=$(mono_ns)
out=$(C role active) || fail "role active: $out"
delivered h4 t-b4 50 || fail "the stream a -> b does not flow after role active"
delivered h1 t-b1 50 || fail "the stream b -> a does not flow after role active"
poll 10 b_sees_a alive || fail "b does not see a alive"
ep1=$(member epoch h1 10.77.1.10)
python3 -c "import sys; sys.exit(0 if int('$ep1', 16) > int('$ep0', 16) else 1)" ||
    fail "h1: epoch $ep0 -> $ep1, not newer"
[ "$(stat role_changes)" = 1 ] || fail "role_changes $(stat role_changes), not 1"
say "role active: h1 sees epoch $ep0 -> $ep1"

# Standby again: nothing sent from the switch on.
out=$(C role standby) || fail "role standby: $out"
n0=$(sent)
poll 10 b_sees_a dead || fail "b's proxy does not see a dead after role standby"
poll 10 h1_sees_gw dead || fail "h1 does not see a dead after role standby"
[ "$(sent)" = "$n0" ] || fail "a sent $(($(sent) - n0)) datagrams as a standby"
streams_stop
say "role standby: silent (b and h1 see it dead; its counters stayed at $n0)"
if e=$(C role renew 2>&1); then fail "role renew of a standby: $e"; fi
case $e in *"this proxy is standby"*) ;; *) fail "role renew of a standby: '$e'" ;; esac
# The streams: nothing through before `role active`, and the first probe
# through how soon after it was asked (lines: seq sent_ns recv_ns).
for st in ab ba; do
	set -- $(awk -v t0="$t0" '$3 < t0 { early++ } $3 >= t0 && (first == "" || $3 < first) { first = $3 }
	    END { printf "%d %s\n", early, first == "" ? "none" : sprintf("%.1f", (first - t0) / 1e6) }' "$TMP/$st.recv")
	[ "$1" = 0 ] || fail "stream $st: $1 probes through while a was standby"
	[ "$2" != none ] || fail "stream $st: no probe through after role active"
	say "stream $st: none through a standby; the first $2 ms after 'role active' was asked"
done

# Active once more; renewed (a newer epoch, traffic on); restarted while
# it holds the pair's addresses: active at start.  Then an address of the
# pair taken away.
out=$(C role active) || fail "role active (again): $out"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 after the second role active"
newer() { python3 -c "import sys; sys.exit(0 if int('$(member epoch h1 10.77.1.10)', 16) > int('$1', 16) else 1)"; }
ep2=$(member epoch h1 10.77.1.10)
out=$(C role renew) || fail "role renew: $out"
poll 5 newer "$ep2" || fail "h1 sees no newer epoch after role renew"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 after role renew"
say "role renew: h1 sees a newer epoch, traffic on"
kill -9 "$HA"
wait "$HA" 2>/dev/null
bg ip netns exec "$NS" "$B/vanproxy" -f "$S/ha.conf" >"$S/ha2.log" 2>&1
HA=$BG
act() { [ "$(role)" = active ]; }
poll 10 act || fail "a restarted vanproxy holding the pair's addresses is not active"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 after the restart"
say "restarted (SIGKILL, start) while holding the pair's addresses: active at start"
ip -n "$NS" addr del 10.77.1.10/24 dev "$dev" || fail "ip addr del"
sb() { [ "$(role)" = standby ]; }
poll 5 sb || fail "a's proxy stays active without its site address"
[ "$(stat role_lost)" = 1 ] || fail "role_lost $(stat role_lost), not 1"
if e=$(C role active 2>&1); then fail "role active without the address: $e"; fi
ip -n "$NS" addr add 10.77.1.10/24 dev "$dev" || fail "ip addr add"
out=$(C role active) || fail "role active with the address back: $out"
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 with the address back"
say "address taken away: demoted by itself (role_lost 1), 'role active' refused;"
say "  in service once it is back"

# Bad requests.
want_err() {	# want_err TEXT CMD...
	t=$1
	shift
	if out=$("$@" 2>&1); then fail "$* succeeded: $out"; fi
	case $out in *"$t"*) ;; *) fail "$*: '$out', not '$t'" ;; esac
}
want_err "usage: role active|standby|renew" C role primary
want_err "usage: role active|standby|renew" C role
want_err "not one of a pair" "$VANLAB" ctl --prefix "$PFX" b-gw -- role active
want_err "vanedge has none" "$VANLAB" ctl --prefix "$PFX" h1 -- role active
[ "$(role)" = active ] || fail "a bad request changed the role"
say "bad requests: unknown role, a proxy not in a pair, vanedge: refused, role kept"
stop "$HA"
