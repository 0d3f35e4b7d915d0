# 44-multihomed — an edge on a host with two underlay addresses.  Host A
# has 10.98.1.1 and 10.98.1.11, and its edge listens on every address
# ([::]); B lists A as 10.98.1.11, while A's route to B would send from
# 10.98.1.1.  A sends to B from the address B calls it at (noted from B's
# HELLOs): each sees the other alive, and once they are, B drops nothing
# more as not-member.  When the other way round B lists A as 10.98.1.1
# (after a reload), A follows.
. "$(dirname "$0")/lib.sh"
NSA=mha$$ NSB=mhb$$
EXTRA_NS="$NSA $NSB"

ip netns add "$NSA" && ip netns add "$NSB" &&
ip link add ma$$ netns "$NSA" type veth peer name mb$$ netns "$NSB" &&
ip -n "$NSA" addr add 10.98.1.1/24 dev ma$$ &&
ip -n "$NSA" addr add 10.98.1.11/24 dev ma$$ &&
ip -n "$NSB" addr add 10.98.1.2/24 dev mb$$ &&
ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
ip -n "$NSA" link set ma$$ up && ip -n "$NSB" link set mb$$ up ||
    fail "namespaces"
ip -n "$NSA" route get 10.98.1.2 | grep -q "src 10.98.1.1 " ||
    fail "A's route to B does not pick 10.98.1.1: $(ip -n "$NSA" route get 10.98.1.2)"

# conf SITE LISTEN MEMBER
conf() {
	cat >"$TMP/$1.conf" <<-EOF
	edge = { listen = "$2"; control = "$TMP/$1.sock"; hello_interval = 200;
	  dead_after = 3; };
	members = [ "$3" ];
	vans = ( { id = 100; name = "blue"; } );
	EOF
}
conf a "[::]:4797" 10.98.1.2
conf b 10.98.1.2:4797 10.98.1.11
bg ip netns exec "$NSA" "$VANEDGE" -f "$TMP/a.conf"
bg ip netns exec "$NSB" "$VANEDGE" -f "$TMP/b.conf"
ectl() { s=$1; shift; "$VANCTL" -s "$TMP/$s.sock" --json "$@"; }
state() { ectl "$1" show members | jpy "[m['state'] for m in j if m['address'].startswith('$2')][0]"; }
alive() { [ "$(state "$1" "$2")" = alive ]; }
poll 10 alive a 10.98.1.2 || fail "A does not see B alive: $(ectl a show members)"
poll 10 alive b 10.98.1.11 || fail "B does not see A alive: $(ectl b show members)"
say "A (on [::], addresses .1 and .11) and B (lists A as .11): both alive"

notmember() { ectl b show stats | jpy "j['global']['drops'].get('not-member', 0)"; }
hellos() { ectl a show stats | jpy "[m for m in j['members'] if m['address'].startswith('10.98.1.2')][0]['tx'].get('HELLO', 0)"; }
n0=$(notmember) h0=$(hellos)
more() { [ "$(hellos)" -ge $((h0 + 3)) ]; }
poll 20 more || fail "A sent no more HELLOs: $(ectl a show stats | tr -d "\n ")"
[ "$(notmember)" = "$n0" ] || fail "B dropped $(( $(notmember) - n0 )) more as not-member"
say "then 3 more HELLOs from A: B dropped none as not-member ($n0 before A knew)"

# B now knows A as 10.98.1.1 (a reload): A follows B's HELLOs there.
conf b 10.98.1.2:4797 10.98.1.1
ectl b reload >/dev/null || fail "reload B"
poll 10 alive b 10.98.1.1 || fail "B does not see A at .1 alive: $(ectl b show members)"
n0=$(notmember) h0=$(hellos)
poll 20 more || fail "A sent no more HELLOs: $(ectl a show stats | tr -d "\n ")"
[ "$(notmember)" = "$n0" ] || fail "B dropped $(( $(notmember) - n0 )) more as not-member (at .1)"
say "B lists A as .1 instead: A alive there, nothing dropped"
