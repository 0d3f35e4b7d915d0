# 43-dad — duplicate-address detection, and a port's configured MAC
# defended: two clones of b1 (same MAC, same IP) appear, one on h3 and one
# on h2 — ports attached there without a MAC, each tap the NIC of a
# namespace of its own — and announce themselves in turn (gratuitous ARPs),
# so the binding of their MAC moves between h2 and h3 with every frame.
# With dad_moves = 3 in the topology, the first host to see a fourth move
# in the window freezes the MAC where it is, logs it ("duplicate? frozen")
# and refuses later moves (counted).  That host stops announcing, so the
# others see no more moves: the binding settles while the two go on (no
# announcement, no move), instead of ping-ponging.  b1 itself, on h1,
# has the MAC configured on its port: h1 never lets a claim take it (each
# one counted as static-claim, and logged), never moves or freezes it, and
# its own VMs still reach b1.  Frames to the MAC still flow, and the red
# twin (r1, same MAC in VAN red) is not touched.
. "$(dirname "$0")/lib.sh"
sed 's/^lab = { /lab = { dad_moves = 3; /' "$HERE/lab.conf" >"$TMP/lab.conf"
lab_up "$TMP/lab.conf"
B1MAC=02:00:0a:00:00:0b
ping_ok b3 10.0.0.11 || fail "b3 -> b1"
rs=$(fdb_field h2 red $B1MAC seq)

# The clones: a port without a MAC on h3 and on h2, each tap in a namespace.
D3=$PFX-dup3 D2=$PFX-dup2
EXTRA_NS="$D3 $D2"
clone() {	# clone NS HOST TAP
	ip netns add "$1" || fail "ip netns add $1"
	ip netns exec "$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
	"$VANLAB" ctl --prefix "$PFX" "$2" -- attach blue "$3" >/dev/null ||
	    fail "attach $3 on $2"
	ip -n "$PFX-a-$2" link set "$3" netns "$1" &&
	    ip -n "$1" link set "$3" address $B1MAC mtu 1400 up &&
	    ip -n "$1" addr add 10.0.0.11/24 dev "$3" || fail "the clone's NIC on $2"
}
clone $D3 h3 t-dup3
clone $D2 h2 t-dup2

where_all() { for h in h1 h2 h3; do printf '%s ' "$(fdb_where $h blue $B1MAC)"; done; }
frozen_any() {
	for h in h2 h3; do
		[ "$(fdb_field $h blue $B1MAC frozen_ms)" -gt 0 ] && return 0
	done
	return 1
}
# settled HOST TAP — the host has the MAC on TAP, or has frozen it.
settled() {
	[ "$(fdb_where "$1" blue $B1MAC)" = "$2" ] ||
	    [ "$(fdb_field "$1" blue $B1MAC frozen_ms)" -gt 0 ]
}
sc0=$(van_stat h1 blue drops | jpy "j.get('static-claim', 0)")
i=0
while [ $i -lt 8 ] && ! frozen_any; do
	ip netns exec $D3 python3 "$T" garp t-dup3 10.0.0.11 || fail "garp from the clone on h3"
	poll 2 settled h3 t-dup3 || fail "h3 neither took its clone's frame nor froze the MAC"
	ip netns exec $D2 python3 "$T" garp t-dup2 10.0.0.11 || fail "garp from the clone on h2"
	poll 2 settled h2 t-dup2 || fail "h2 neither took its clone's frame nor froze the MAC"
	i=$((i + 1))
done
frozen_any || fail "nothing frozen after $i rounds: $(where_all)"
say "after $i rounds of gratuitous ARPs from both clones: h1 h2 h3 put the MAC at $(where_all)"
nf=0
for h in h2 h3; do
	f=$(van_stat $h blue dad_freezes); m=$(van_stat $h blue moves)
	z=$(fdb_field $h blue $B1MAC frozen_ms)
	say "$h: moves $m, dad_freezes $f, frozen for $z ms"
	[ "$m" -le 4 ] || fail "$h moved the MAC $m times with dad_moves = 3"
	[ "$f" -eq 0 ] && continue
	nf=$((nf + 1))
	[ "$z" -gt 0 ] || fail "$h counts a freeze but its entry is not frozen"
	grep -q "MAC $B1MAC moved 4 times in 180 s: duplicate? frozen at" \
	    "$STATE/a-$h/edge.log" || fail "$h did not log the freeze"
done
[ "$nf" -ge 1 ] || fail "no host counts a freeze"

# h1: b1's port has the MAC configured; no claim moved it, each was counted.
sc=$(($(van_stat h1 blue drops | jpy "j.get('static-claim', 0)") - sc0))
say "h1: b1 stays on t-b1 (moves $(van_stat h1 blue moves), frozen" \
    "$(fdb_field h1 blue $B1MAC frozen_ms) ms); static-claim +$sc"
[ "$(fdb_where h1 blue $B1MAC)" = t-b1 ] || fail "h1 let a claim take b1's configured MAC"
[ "$(van_stat h1 blue moves)" -eq 0 ] || fail "h1 moved the MAC"
[ "$(fdb_field h1 blue $B1MAC frozen_ms)" = 0 ] || fail "h1 froze b1's configured MAC"
[ "$sc" -ge 1 ] || fail "h1 counted no static-claim"
grep -q "claims MAC $B1MAC, a port's configured MAC here: refused (static-claim)" \
    "$STATE/a-h1/edge.log" || fail "h1 did not log the claims"
ping_ok b4 10.0.0.11 || fail "b4 (h1) does not reach b1 on its own host"

# It stays put while both go on: the later moves are refused and counted.
w0=$(where_all)
announces() { a=0; for h in h1 h2 h3; do a=$((a + $(van_stat $h blue announces))); done; echo $a; }
a0=$(announces)
r0=0; for h in h2 h3; do r0=$((r0 + $(van_stat $h blue moves_refused))); done
for i in 1 2 3; do
	ip netns exec $D3 python3 "$T" garp t-dup3 10.0.0.11 || fail "garp"
	ip netns exec $D2 python3 "$T" garp t-dup2 10.0.0.11 || fail "garp"
done
refused() {
	r=0; for h in h2 h3; do r=$((r + $(van_stat $h blue moves_refused))); done
	[ "$r" -gt "$r0" ]
}
poll 5 refused || fail "no move refused after the freeze"
[ "$(where_all)" = "$w0" ] || fail "the frozen binding moved: $w0 -> $(where_all)"
[ "$(announces)" -eq "$a0" ] || fail "announcements went on: $a0 -> $(announces)"
say "3 more rounds: moves refused, no announcement, the binding stays ($w0)"
ping_ok b3 10.0.0.11 || fail "frames to the frozen MAC do not flow"
[ "$(fdb_where h2 red $B1MAC)" = "10.77.1.11:4797" ] &&
    [ "$(fdb_field h2 red $B1MAC seq)" = "$rs" ] &&
    [ "$(fdb_field h2 red $B1MAC frozen_ms)" = 0 ] || fail "the red twin was touched"
say "b3 still reaches 10.0.0.11; r1, the twin in red, untouched"
