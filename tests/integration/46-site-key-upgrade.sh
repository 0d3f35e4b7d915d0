# 46-site-key-upgrade — a site upgrades from the site-key trailer of
# before (version 1: the tag keyed by the site key itself) to pair keys
# (version 2) without losing its members, as docs/protocol.md §7 says.
# B runs the vanedge of commit 609a4c4, the last before pair keys, built
# here from git; A runs this one.  Two namespaces, one veth, one site key,
# a port each in VAN 100 (so that they share it and say HELLO every
# interval):
#   1. A with site_key_compat: A and B see each other alive; A speaks
#      version 1 to B (B has not been heard with version 2);
#   2. A without it (a reload): B's messages are refused (old-auth), B goes
#      dead on A; with it again, alive;
#   3. B upgraded (this vanedge, site_key_compat too): both speak pair keys
#      within a HELLO;
#   4. site_key_compat removed on both (reloads): still alive, pair keys,
#      nothing refused.
. "$(dirname "$0")/lib.sh"
OLD=609a4c4
git -C "$TOP" cat-file -e "$OLD^{commit}" 2>/dev/null ||
    fail "commit $OLD is not in $TOP's history (a shallow clone?): this test needs it"
mkdir -p "$TMP/old" && git -C "$TOP" archive "$OLD" | tar -x -C "$TMP/old" ||
    fail "git archive $OLD"
make -s -C "$TMP/old" B="$TMP/old/b" "$TMP/old/b/vanedge" >"$TMP/old.log" 2>&1 ||
    fail "building the vanedge of $OLD: $(tail -5 "$TMP/old.log")"
OLDEDGE=$TMP/old/b/vanedge
say "built the vanedge of $OLD (site-key trailer version 1)"

NSA=ska$$ NSB=skb$$
EXTRA_NS="$NSA $NSB"
ip netns add "$NSA" && ip netns add "$NSB" &&
ip link add ka$$ netns "$NSA" type veth peer name kb$$ netns "$NSB" &&
ip -n "$NSA" addr add 10.98.2.1/24 dev ka$$ &&
ip -n "$NSB" addr add 10.98.2.2/24 dev kb$$ &&
ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
ip -n "$NSA" link set ka$$ up && ip -n "$NSB" link set kb$$ up ||
    fail "namespaces"
( umask 077 && wg genkey >"$TMP/site.key" ) || fail "wg genkey"

# conf NAME MEMBER COMPAT(true|false|-)
conf() {
	c=""
	[ "$3" != - ] && c="site_key_compat = $3;"
	cat >"$TMP/$1.conf" <<-EOF
	edge = { listen = "[::]:4797"; control = "$TMP/$1.sock"; hello_interval = 200;
	  dead_after = 3; site_key = "$TMP/site.key"; $c };
	members = [ "$2" ];
	vans = ( { id = 100; name = "blue"; ports = ( { tap = "t$1$$"; } ); } );
	EOF
}
ectl() { s=$1; shift; "$VANCTL" -s "$TMP/$s.sock" --json "$@"; }
mfield() { ectl "$1" show members | jpy "[m for m in j if m['address'].startswith('$2')][0].get('$3')"; }
mdrop() { ectl "$1" show stats | jpy "[m for m in j['members'] if m['address'].startswith('$2')][0]['drops'].get('$3', 0)"; }
alive() { [ "$(mfield "$1" "$2" state)" = alive ]; }
start() {	# start NAME BINARY NS
	bg ip netns exec "$3" "$2" -f "$TMP/$1.conf" 2>>"$TMP/$1.log"
	eval "PID_$1=\$BG"
}

# 1. Old B, new A with site_key_compat.
conf a 10.98.2.2 true
conf b 10.98.2.1 -
start a "$VANEDGE" "$NSA"
start b "$OLDEDGE" "$NSB"
poll 10 alive a 10.98.2.2 || fail "A does not see old B alive: $(ectl a show members)"
poll 10 alive b 10.98.2.1 || fail "old B does not see A alive: $(ectl b show members)"
[ "$(mfield a 10.98.2.2 auth)" = site-key ] || fail "A speaks $(mfield a 10.98.2.2 auth) to old B"
say "old B and new A (site_key_compat): alive both ways; A seals with the site key for B;" \
    "B refused A's pair-key HELLO copies: bad-auth $(mdrop b 10.98.2.1 bad-auth)"

# 2. A without site_key_compat: B refused, dead; with it again, alive.
conf a 10.98.2.2 false
ectl a reload >/dev/null || fail "reload A"
o0=$(mdrop a 10.98.2.2 old-auth)
refused() { [ "$(mdrop a 10.98.2.2 old-auth)" -ge $((o0 + 3)) ] && ! alive a 10.98.2.2; }
poll 10 refused || fail "A without compat: old-auth +$(($(mdrop a 10.98.2.2 old-auth) - o0)), B $(mfield a 10.98.2.2 state)"
st=$(mfield a 10.98.2.2 state)
conf a 10.98.2.2 true
ectl a reload >/dev/null || fail "reload A"
poll 10 alive a 10.98.2.2 || fail "A with compat again does not see B alive"
say "without site_key_compat A refuses old B's messages (old-auth) and B goes $st;" \
    "with it again, B is alive"

# 3. B upgraded: this vanedge, site_key_compat too.
kill "$PID_b" && wait "$PID_b" 2>/dev/null
conf b 10.98.2.1 true
start b "$VANEDGE" "$NSB"
pair() { [ "$(mfield a 10.98.2.2 auth)" = pair-key ] && [ "$(mfield b 10.98.2.1 auth)" = pair-key ] &&
    alive a 10.98.2.2 && alive b 10.98.2.1; }
poll 10 pair || fail "after B's upgrade: A $(mfield a 10.98.2.2 auth), B $(mfield b 10.98.2.1 auth)"
say "B upgraded: both seal with their pair keys, both alive"

# 4. site_key_compat off on both.
conf a 10.98.2.2 false
conf b 10.98.2.1 false
ectl a reload >/dev/null && ectl b reload >/dev/null || fail "reloads"
ba=$(mdrop a 10.98.2.2 bad-auth) bb=$(mdrop b 10.98.2.1 bad-auth)
oa=$(mdrop a 10.98.2.2 old-auth) ob=$(mdrop b 10.98.2.1 old-auth)
h0=$(ectl a show stats | jpy "[m for m in j['members'] if m['address'].startswith('10.98.2.2')][0]['rx']['HELLO']")
more() { [ "$(ectl a show stats | jpy "[m for m in j['members'] if m['address'].startswith('10.98.2.2')][0]['rx']['HELLO']")" -ge $((h0 + 5)) ]; }
poll 10 more || fail "A hears no more HELLOs from B"
poll 10 pair || fail "without compat: A $(mfield a 10.98.2.2 auth), B $(mfield b 10.98.2.1 auth)"
[ "$(mdrop a 10.98.2.2 old-auth)" = "$oa" ] && [ "$(mdrop b 10.98.2.1 old-auth)" = "$ob" ] &&
    [ "$(mdrop a 10.98.2.2 bad-auth)" = "$ba" ] && [ "$(mdrop b 10.98.2.1 bad-auth)" = "$bb" ] ||
    fail "messages refused after the upgrade: $(ectl a show stats | tr -d '\n ')"
say "site_key_compat removed on both: alive, pair keys, 5 more HELLOs, nothing refused"
