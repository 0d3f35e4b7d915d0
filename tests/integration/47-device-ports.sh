# 47-device-ports — a port on an interface that exists without vanedge
# (here the host end of a veth, as a guest's tap that QEMU owns would be):
# `vanctl attach blue --device IFNAME MAC` refuses an interface that does
# not exist, is down or is already a port; attached, its MAC is not
# claimed until its first frame; then it pings and carries TCP (offloaded
# super-frames through the packet socket) to VMs on other hosts; frames
# from another MAC are dropped as spoofed; the host's own stack neither
# hears the guest nor speaks to it (the fence); a config naming a device
# that is not there is refused on reload (FILE:LINE) and the old one
# keeps running; when the interface goes (RTM_DELLINK), vanedge withdraws
# the port by itself: counted, and the other hosts forget the MAC.
. "$(dirname "$0")/lib.sh"
lab_up
T=$HERE/traffic.py
H2=$PFX-a-h2
DV=$PFX-dv
MAC=02:00:0a:00:00:15
EXTRA_NS=$DV
ip netns add "$DV" || fail "netns $DV"
# Quiet: no IPv6 of its own (it would send before our first ping).
ip netns exec "$DV" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$H2" link add dv-h type veth peer name eth0 netns "$DV" || fail "veth"
ip -n "$DV" link set eth0 address $MAC mtu 1400 up
ip -n "$DV" addr add 10.0.0.21/24 dev eth0
ip -n "$DV" link set lo up
dv() { ip netns exec "$DV" "$@"; }

refused() {	# refused 'EXPECTED STDERR' VANCTL-ARGS...
	want=$1
	shift
	if "$VANLAB" ctl --prefix "$PFX" h2 -- "$@" >"$TMP/out" 2>"$TMP/err"; then
		fail "vanctl $* succeeded"
	fi
	[ "$(cat "$TMP/err")" = "$want" ] ||
	    fail "vanctl $*: got '$(cat "$TMP/err")', want '$want'"
	say "vanctl $*: $want"
}
refused "vanctl: device nosuch0: no such interface: No such device" \
    attach blue --device nosuch0
refused "vanctl: device dv-h: interface is not up: Network is down" \
    attach blue --device dv-h $MAC
ip -n "$H2" link set dv-h mtu 1400 up
refused "vanctl: t-b2 is already a port" attach blue --device t-b2
refused "vanctl: usage: attach VAN TAP [MAC] | attach VAN --device IFNAME [MAC]" \
    attach blue --device
"$VANLAB" ctl --prefix "$PFX" h2 -- attach blue --device dv-h $MAC >"$TMP/out" ||
    fail "attach --device dv-h"
[ "$(cat "$TMP/out")" = "attached device dv-h to VAN 100" ] ||
    fail "attach said: $(cat "$TMP/out")"
kind=$(ctl h2 show ports | jpy "[p['kind'] for p in j if p['tap']=='dv-h']")
[ "$kind" = '["device"]' ] || fail "show ports: dv-h is $kind"
say "attached: $(cat "$TMP/out")"

# Claimed at the first frame, not at attach: h1 does not know it yet.
[ "$(fdb_where h1 blue $MAC)" = none ] || fail "h1 knew $MAC before its first frame"
poll 10 dv ping -n -q -c 1 -W 1 10.0.0.11 || fail "dv does not reach b1 on h1"
ping_ok b3 10.0.0.21 || fail "b3 (h3) does not reach dv"
w=$(fdb_where h1 blue $MAC)
case $w in 10.77.1.12:*) ;; *) fail "h1 has $MAC at $w, not h2" ;; esac
st=$(ctl h2 show fdb blue | jpy "[e['static'] for e in j if e['mac']=='$MAC']")
[ "$st" = '[true]' ] || fail "h2: $MAC is not static after its first frame ($st)"
say "first frame claimed $MAC: h1 sends to $w, h2 holds it static"

# TCP both ways across the device port.  The guest's TCP super-frames
# come whole through the packet socket (its virtio-net header), and h2
# cuts each into one UDP_SEGMENT send (gso_sends).
gso0=$(ctl h2 show stats | jpy "j['daemon']['gso_sends']")
bg dv python3 "$T" tcp-recv 10.0.0.21 5001 "$TMP/in" 60; r1=$BG
bg vm b1 python3 "$T" tcp-recv 10.0.0.11 5002 "$TMP/out2" 60; r2=$BG
poll 10 test -e "$TMP/in.ready" || fail "dv's receiver did not start"
poll 10 test -e "$TMP/out2.ready" || fail "b1's receiver did not start"
bg vm b1 python3 "$T" tcp-send 10.0.0.21 5001 1 4000000 60 >"$TMP/in.sent"; s1=$BG
bg dv python3 "$T" tcp-send 10.0.0.11 5002 2 4000000 60 >"$TMP/out2.sent"; s2=$BG
wait $s1 $s2 $r1 $r2
for f in in out2; do
	[ -s "$TMP/$f" ] && [ "$(cat "$TMP/$f")" = "$(cat "$TMP/$f.sent")" ] ||
	    fail "TCP $f: sent '$(cat "$TMP/$f.sent")', received '$(cat "$TMP/$f" 2>/dev/null)'"
done
dstat=$(ctl h2 show stats | jpy "[j['daemon'][k] for k in ('gso_sends', 'offload_errors')]")
set -- $(echo "$dstat" | tr -d '[],')
[ "$1" -gt "$gso0" ] || fail "h2: no super-frame from the device port (gso_sends $gso0 -> $1)"
[ "$2" = 0 ] || fail "h2: offload_errors $2 (want 0)"
say "TCP b1 -> dv and dv -> b1: 4000000 bytes each, intact; $(($1 - gso0)) super-frames from the guest cut"

# Another source MAC from the guest: dropped as spoofed, nothing learnt.
sp0=$(ctl h2 show stats | jpy "[v for v in j['vans'] if v['name']=='blue'][0]['drops'].get('spoofed-src', 0)")
dv python3 "$T" frame eth0 ffffffffffff02000a0000990806$(printf '%056d' 0) \
    ffffffffffff02000a0000990806$(printf '%056d' 0) || fail "raw frames"
poll 10 sh -c "[ \"\$($VANLAB ctl --prefix $PFX h2 -- --json show stats | python3 -c \
    'import json,sys; print([v for v in json.load(sys.stdin)[\"vans\"] if v[\"name\"]==\"blue\"][0][\"drops\"].get(\"spoofed-src\", 0))')\" -ge $((sp0 + 2)) ]" ||
    fail "h2 did not count the 2 spoofed frames"
[ "$(fdb_where h2 blue 02:00:0a:00:00:99)" = none ] || fail "h2 learnt the spoofed MAC"
say "2 frames from another MAC: dropped (spoofed-src), not learnt"

# The fence: the host's stack does not answer the guest, nor speak to it.
ip -n "$H2" addr add 10.0.0.99/24 dev dv-h
if dv ping -n -q -c 2 -W 1 10.0.0.99 >/dev/null 2>&1; then
	fail "h2's own stack answered the guest on dv-h"
fi
if ip netns exec "$H2" ping -n -q -c 2 -W 1 -I dv-h 10.0.0.21 >/dev/null 2>&1; then
	fail "h2's own stack reached the guest on dv-h"
fi
ip -n "$H2" addr del 10.0.0.99/24 dev dv-h
ping_ok b1 10.0.0.21 || fail "b1 lost dv after the fence test"
say "fence: h2's stack neither answers the guest nor reaches it"

# A configuration naming a device that is not there: refused, old kept.
CONF=$STATE/a-h2/edge.conf
cp "$CONF" "$TMP/edge.conf.orig"
python3 - "$CONF" <<'PY' || fail "edit $CONF"
import re, sys
p = sys.argv[1]
s = open(p).read()
s, n = re.subn(r'(name = "blue";.*?ports = \()', r'\1 { device = "vnet-gone"; },', s,
               count=1, flags=re.S)
assert n == 1
open(p, "w").write(s)
PY
line=$(grep -n 'vnet-gone' "$CONF" | cut -d: -f1)
if "$VANLAB" ctl --prefix "$PFX" h2 -- reload >"$TMP/out" 2>"$TMP/err"; then
	fail "reload with a missing device succeeded"
fi
want="vanctl: $CONF:$line: device vnet-gone: no such interface: No such device"
[ "$(cat "$TMP/err")" = "$want" ] || fail "reload: got '$(cat "$TMP/err")', want '$want'"
cp "$TMP/edge.conf.orig" "$CONF"
ping_ok b1 10.0.0.21 || fail "dv lost after the refused reload"
say "reload: $(cat "$TMP/err" | sed 's/^vanctl: //')"

# The interface goes: vanedge withdraws the port by itself.
g0=$(ctl h2 show stats | jpy "j['daemon']['devices_gone']")
ip -n "$H2" link del dv-h
gone() { [ "$(ctl h2 show ports | jpy "len([p for p in j if p['tap']=='dv-h'])")" = 0 ]; }
poll 10 gone || fail "h2 still has a port on dv-h"
g=$(ctl h2 show stats | jpy "j['daemon']['devices_gone']")
[ "$g" -eq $((g0 + 1)) ] || fail "devices_gone $g0 -> $g, not +1"
forgot() { [ "$(fdb_where h1 blue $MAC)" = none ] && [ "$(fdb_where h3 blue $MAC)" = none ]; }
poll 10 forgot || fail "h1/h3 still route $MAC ($(fdb_where h1 blue $MAC))"
grep -q 'device dv-h: interface removed: port withdrawn from VAN 100' "$STATE/a-h2/edge.log" ||
    fail "h2 did not log the withdrawal"
ping_ok b1 10.0.0.12 || fail "b1 lost b2 (h2) after the withdrawal"
say "dv-h removed: port withdrawn (devices_gone $g), h1 and h3 forgot $MAC"

# Auto-attach: blue's `devices = "dva-*"` takes an interface of that name
# once it is up, as its VAN's port (no MAC: learnt); vanctl detach keeps it
# detached while the interface lives; explicit ports win over the pattern.
python3 - "$CONF" <<'PY' || fail "edit $CONF"
import re, sys
p = sys.argv[1]
s = open(p).read()
s, n = re.subn(r'(name = "blue";)', r'\1 devices = "dva-*";', s, count=1)
assert n == 1
open(p, "w").write(s)
PY
"$VANLAB" ctl --prefix "$PFX" h2 -- reload >/dev/null || fail "reload with devices"
DV2=$PFX-dv2
EXTRA_NS="$DV $DV2"
ip netns add "$DV2" || fail "netns $DV2"
ip netns exec "$DV2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$H2" link add dva-1 type veth peer name eth0 netns "$DV2" || fail "veth dva-1"
ip -n "$DV2" link set eth0 address 02:00:0a:00:00:16 mtu 1400 up
ip -n "$DV2" addr add 10.0.0.22/24 dev eth0
ports_of() { ctl h2 show ports | jpy "len([p for p in j if p['tap']=='$1'])"; }
[ "$(ports_of dva-1)" = 0 ] || fail "dva-1 attached while down"
ip -n "$H2" link set dva-1 mtu 1400 up
auto() { [ "$(ctl h2 show ports | jpy "[p['automatic'] for p in j if p['tap']=='dva-1']")" = '[true]' ]; }
poll 10 auto || fail "dva-1 was not attached by blue's pattern"
poll 10 ip netns exec "$DV2" ping -n -q -c 1 -W 1 10.0.0.11 || fail "dva-1's VM does not reach b1"
n=$(ctl h2 show stats | jpy "j['daemon']['devices_auto']")
[ "$n" -eq 1 ] || fail "devices_auto $n, not 1"
say "dva-1 up: attached to blue by its pattern (devices_auto $n), reaches b1"
"$VANLAB" ctl --prefix "$PFX" h2 -- detach dva-1 >/dev/null || fail "detach dva-1"
ip -n "$H2" link set dva-1 down
ip -n "$H2" link set dva-1 up
# The flag changes are rtnetlink events, read in order: once dva-2 (made
# after them) is attached, vanedge has seen dva-1's too.
ip -n "$H2" link add dva-2 type veth peer name dva-2p
ip -n "$H2" link set dva-2 up
poll 10 sh -c "[ \"\$($VANLAB ctl --prefix $PFX h2 -- --json show stats | python3 -c \
    'import json,sys; print(json.load(sys.stdin)[\"daemon\"][\"devices_auto\"])')\" -eq 2 ]" ||
    fail "dva-2 was not attached"
[ "$(ports_of dva-1)" = 0 ] || fail "dva-1 came back after vanctl detach"
[ "$(ports_of dva-2)" = 1 ] || fail "dva-2 is not a port"
say "vanctl detach dva-1: it stays detached through down/up (dva-2, after it, attached)"
ip -n "$H2" link del dva-1
ip -n "$H2" link del dva-2
