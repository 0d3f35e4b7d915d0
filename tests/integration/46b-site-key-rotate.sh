# 46b-site-key-rotate — a site's key is rotated by reloads, one member
# after another, with nothing refused and nobody dead (docs/protocol.md §7,
# "Rotating the site key"; docs/operations.md).  Two sites (fed2.conf) with
# site keys; site a (h1, h2 and its proxy a-gw) rotates from K1 to K2 while
# two probe streams run (b1 -> b2 inside the site, b2 -> b3 across to site
# b through a-gw):
#   1. every member: site_key_accept = K2 (reload);
#   2. every member: site_key = K2, site_key_accept = K1 (reload) — after
#      h1 alone, h2 and a-gw take h1's messages with the accepted key
#      (show members: auth_key "site_key_accept", show stats: auth_accepted
#      grows); after all, every member's last message took site_key;
#   3. every member: site_key = K2 only (reload).
# At each step: no no-auth, bad-auth, replay or new-epoch drop on any
# member, no member dead or restarted, h2's MAC still behind h2 on h1 (a
# reload of the keys touches no route), pings inside the site and across it
# answer; at the end both streams lost nothing.  A reload with a bad
# site_key_accept keeps the running keys.
# Then the negative case, K2 -> K3 with h2 skipping step 1: once h1 and a-gw
# have swapped, h2 refuses their messages (bad-auth grows) while they take
# h2's (site_key_accept); h2 catching up (both keys) mends it.
. "$(dirname "$0")/lib.sh"
sed 's/^lab = { /lab = { site_key = true; /' "$HERE/fed2.conf" >"$TMP/fed.conf"
lab_up "$TMP/fed.conf"

K1=$STATE/site-a.key
[ -s "$K1" ] || fail "no site key $K1"
( umask 077 && wg genkey >"$TMP/k2.key" && wg genkey >"$TMP/k3.key" ) || fail "wg genkey"
CONFS="$STATE/a-h1/edge.conf $STATE/a-h2/edge.conf $STATE/a-gw/proxy.conf"
for f in $CONFS; do
	grep -q "site_key = \"$K1\";" "$f" || fail "$f has no site key"
done
# nctl NODE ARGS... — vanctl --json against h1, h2 or site a's proxy (gw).
nctl() { n=$1; shift; case $n in gw) pctl a "$@" ;; *) ctl "$n" "$@" ;; esac; }
NODES="h1 h2 gw"

# The sum over the site members of NODE of a drop reason / a counter.
drop_sum() {
	nctl "$1" show stats | jpy "sum(m['drops'].get('$2', 0) for m in j['members'] if not m['address'].startswith('peer'))"
}
stat_sum() {
	nctl "$1" show stats | jpy "sum(m['$2'] for m in j['members'] if not m['address'].startswith('peer'))"
}
# "ADDR=KEY ..." of NODE's site members
keys_of() {
	nctl "$1" show members | jpy "' '.join('%s=%s' % (m['address'], m['auth_key']) for m in j if not m['address'].startswith('peer'))"
}
all_alive() {
	nctl "$1" show members | jpy "all(m['state'] == 'alive' for m in j)" | grep -qx true
}
# bad: the refusals and losses a rotation must not cause, on every node.
bad_now() {
	for n in $NODES; do
		printf '%s ' "$(drop_sum $n no-auth) $(drop_sum $n bad-auth)" \
		    "$(drop_sum $n replay) $(drop_sum $n new-epoch)" \
		    "$(stat_sum $n deaths) $(stat_sum $n restarts)"
	done
}
for n in $NODES; do poll 10 all_alive $n || fail "$n: not every member alive: $(nctl $n show members)"; done
BAD0=$(bad_now)
B2MAC=$(ctl h2 show fdb blue | jpy "[e['mac'] for e in j if e['kind']=='local'][0]")
H2AT=$(fdb_where h1 blue "$B2MAC")
[ "$H2AT" != none ] || fail "h1 does not know b2's MAC $B2MAC"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 before"
ping_ok b2 10.0.0.13 || fail "b2 -> b3 (site b) before"
say "site a keyed ($K1); h1 reaches b2 ($B2MAC) behind $H2AT; pings pass"

stream_start in b1 b2 10.0.0.12 7101
stream_start out b2 b3 10.0.0.13 7102

# set_keys NODE SEND [ACCEPT] — its config's keys, then a reload.
set_keys() {
	case $1 in gw) f=$STATE/a-gw/proxy.conf ;; *) f=$STATE/a-$1/edge.conf ;; esac
	python3 - "$f" "$2" "${3:-}" <<-'EOF' || fail "editing $f"
	import re, sys
	f, send, acc = sys.argv[1:]
	t = open(f).read()
	t = re.sub(r'\n *site_key_accept = "[^"]*";', '', t)
	line = '  site_key = "%s";' % send
	if acc:
	    line += '\n  site_key_accept = "%s";' % acc
	t, n = re.subn(r' *site_key = "[^"]*";', line, t, count=1)
	assert n == 1, "no site_key line"
	open(f, "w").write(t)
	EOF
	nctl "$1" reload >"$TMP/reload.out" 2>&1 || fail "reload $1: $(cat "$TMP/reload.out")"
}
# step_ok WHAT — what every step must leave: nothing refused, everyone
# alive, b2's route kept, pings answered.
step_ok() {
	for n in $NODES; do all_alive $n || fail "$1: $n: a member not alive: $(nctl $n show members)"; done
	[ "$(bad_now)" = "$BAD0" ] || fail "$1: refusals or deaths: before [$BAD0] now [$(bad_now)] (per node: no-auth bad-auth replay new-epoch deaths restarts)"
	[ "$(fdb_where h1 blue "$B2MAC")" = "$H2AT" ] || fail "$1: h1 lost b2's route"
	ping_ok b1 10.0.0.12 || fail "$1: b1 -> b2"
	ping_ok b2 10.0.0.13 || fail "$1: b2 -> b3"
}
# hellos NODE — HELLOs it took from its site members so far
hellos() { nctl "$1" show stats | jpy "sum(m['rx']['HELLO'] for m in j['members'] if not m['address'].startswith('peer'))"; }
# a few HELLO rounds on every node, so that a refusal would have shown
rounds() {
	for n in $NODES; do eval "h0_$n=\$(hellos $n)"; done
	more() { for n in $NODES; do eval "[ \"\$(hellos $n)\" -ge \$((h0_$n + 8)) ]" || return 1; done; }
	poll 10 more || fail "HELLOs stopped coming"
}

# A bad site_key_accept: the reload is refused, the keys stay.
cp "$STATE/a-h1/edge.conf" "$TMP/h1.conf.good"
python3 - "$STATE/a-h1/edge.conf" "$K1" <<-'EOF'
	import sys
	f, k = sys.argv[1:]
	t = open(f).read().replace('site_key = "%s";' % k,
	    'site_key = "%s";\n  site_key_accept = "%s";' % (k, k), 1)
	open(f, "w").write(t)
	EOF
if ctl h1 reload >"$TMP/bad.out" 2>&1; then fail "a reload with site_key_accept = site_key was taken"; fi
grep -q "edge.conf:[0-9]*: site_key_accept: .* holds the same key as site_key" "$TMP/bad.out" ||
    fail "bad reload said: $(cat "$TMP/bad.out")"
cp "$TMP/h1.conf.good" "$STATE/a-h1/edge.conf"
rounds
step_ok "after a refused reload"
say "a reload with site_key_accept = site_key is refused ($(head -c 120 "$TMP/bad.out")); keys kept"

# 1. The new key accepted everywhere.
for n in $NODES; do set_keys $n "$K1" "$TMP/k2.key"; done
rounds
step_ok "step 1"
for n in $NODES; do
	keys_of $n | grep -q "site_key_accept" && fail "step 1: $n took a message with the new key: $(keys_of $n)"
done
say "step 1 (K2 accepted on h1, h2, a-gw by reload): nothing refused, all alive, pings pass"

# 2. Swapped: h1 first.
a0=$(stat_sum h2 auth_accepted)
set_keys h1 "$TMP/k2.key" "$K1"
rounds
step_ok "step 2, h1 swapped"
for n in h2 gw; do
	keys_of $n | tr ' ' '\n' | grep "=site_key_accept$" | grep -q . ||
	    fail "step 2: $n does not take h1's messages with the accepted key: $(keys_of $n)"
done
[ "$(stat_sum h2 auth_accepted)" -gt "$a0" ] || fail "step 2: auth_accepted did not grow on h2"
say "step 2, h1 swapped: h2 and a-gw take its messages with site_key_accept ($(keys_of h2))"
set_keys h2 "$TMP/k2.key" "$K1"
set_keys gw "$TMP/k2.key" "$K1"
rounds
step_ok "step 2"
for n in $NODES; do
	keys_of $n | tr ' ' '\n' | grep -qv "=site_key$" &&
	    fail "step 2: on $n a member's last message did not take site_key: $(keys_of $n)"
done
acc=$(for n in $NODES; do stat_sum $n auth_accepted; done)
rounds
[ "$(for n in $NODES; do stat_sum $n auth_accepted; done)" = "$acc" ] ||
    fail "step 2: messages still take the accepted key"
say "step 2 (K2 sent, K1 accepted, everywhere): every member's last message took site_key; auth_accepted stopped"

# 3. The old key dropped.
for n in $NODES; do set_keys $n "$TMP/k2.key"; done
rounds
step_ok "step 3"
say "step 3 (K2 only): nothing refused, all alive, pings pass"

streams_stop
for s in in out; do
	r=$(python3 -c 'import sys
sent = {int(l.split()[0]) for l in open(sys.argv[1])}
got = {int(l.split()[0]) for l in open(sys.argv[2])}
print(len(sent), len(sent - got))' "$TMP/$s.sent" "$TMP/$s.recv")
	set -- $r
	[ "$1" -gt 1000 ] || fail "stream $s: only $1 probes sent"
	[ "$2" -le $(($1 / 1000)) ] || fail "stream $s: $2 of $1 probes lost"
	say "stream $s: $1 probes, $2 lost"
done

# The negative case: K2 -> K3, h2 skips step 1.
b0=$(drop_sum h2 bad-auth)
set_keys h1 "$TMP/k2.key" "$TMP/k3.key"
set_keys gw "$TMP/k2.key" "$TMP/k3.key"
set_keys h1 "$TMP/k3.key" "$TMP/k2.key"
set_keys gw "$TMP/k3.key" "$TMP/k2.key"
refused() { [ "$(drop_sum h2 bad-auth)" -ge $((b0 + 8)) ]; }
poll 10 refused || fail "h2 (no K3) did not refuse the swapped members: bad-auth +$(($(drop_sum h2 bad-auth) - b0))"
keys_of h1 | tr ' ' '\n' | grep -q "=site_key_accept$" ||
    fail "h1 does not take h2's messages with the accepted key: $(keys_of h1)"
say "h2 skipped step 1: it refuses h1's and a-gw's messages (bad-auth +$(($(drop_sum h2 bad-auth) - b0))); they take h2's with site_key_accept"
set_keys h2 "$TMP/k3.key" "$TMP/k2.key"
for n in $NODES; do poll 10 all_alive $n || fail "after h2 caught up: $n: $(nctl $n show members)"; done
b1=$(drop_sum h2 bad-auth)
rounds
[ "$(drop_sum h2 bad-auth)" -eq "$b1" ] || fail "h2 still refuses after catching up"
ping_ok b1 10.0.0.12 || fail "b1 -> b2 after h2 caught up"
say "h2 caught up (K3 sent, K2 accepted): refusals stop, everyone alive, pings pass"
