# 48-libvirt-hook — the libvirt qemu hook (contrib/libvirt/qemu) with the
# real vanctl and vanedge, called as libvirt calls it for a guest's start,
# a live migration and a stop (tests/libvirt/run.sh checks its decisions
# with a fake vanctl; this checks that vanedge agrees).  The "guest" is a
# namespace behind a veth whose host end stands for the tap QEMU owns.
# Start on h2: the hook's attach makes it a device port, the guest reaches
# b1; a VAN h3 does not know refuses the start there; migration to h3: the
# destination's port is attached while the guest is "paused" and does not
# take the MAC, the source's interface goes (vanedge withdraws the port
# itself) and the source's stop is not an error; the guest's first frame on
# h3 moves it; the stop on h3 detaches the port.
. "$(dirname "$0")/lib.sh"
lab_up
HOOK=$TOP/contrib/libvirt/qemu
VANFED_VANCTL=$VANCTL VANFED_SYSLOG=0
export VANFED_VANCTL VANFED_SYSLOG
H2=$PFX-a-h2 H3=$PFX-a-h3
GU=$PFX-gu
MAC=02:00:0a:00:00:16
EXTRA_NS=$GU
ip netns add "$GU" || fail "netns $GU"
ip -n "$GU" link set lo up
gu() { ip netns exec "$GU" "$@"; }

# domxml DEV HOST VAN — the domain XML libvirt would pass on HOST.
domxml() {
	cat <<EOF
<domain type='kvm' id='3'>
  <name>gu</name>
  <uuid>8f0c2a54-1d3e-4b6f-9a7c-2e5d8b1f4c60</uuid>
  <metadata>
    <vanfed:ports xmlns:vanfed="urn:vanfed:libvirt:1" socket="$STATE/a-$2/edge.sock">
      <vanfed:port mac="$MAC" van="$3"/>
    </vanfed:ports>
  </metadata>
  <memory unit='KiB'>262144</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='ethernet'>
      <mac address='$MAC'/>
      <target dev='$1' managed='no'/>
      <model type='virtio'/>
      <mtu size='1400'/>
      <alias name='net0'/>
    </interface>
  </devices>
</domain>
EOF
}
# hook WANT DEV HOST VAN OP SUBOP EXTRA — one hook call.
hook() {
	want=$1
	domxml "$2" "$3" "$4" >"$TMP/dom.xml"
	shift 4
	"$HOOK" gu "$@" <"$TMP/dom.xml" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "hook $*: exit $rc, want $want: $(cat "$TMP/err")"
	[ -s "$TMP/out" ] && fail "hook $*: wrote to stdout: $(cat "$TMP/out")"
	return 0
}
ports_on() {	# ports_on HOST DEV — how many ports HOST has on DEV
	ctl "$1" show ports | jpy "len([p for p in j if p['tap']=='$2'])"
}

# The guest's NIC on h2 (the tap libvirt would open).
ip -n "$H2" link add gu-h2 type veth peer name eth0 netns "$GU" || fail "veth h2"
ip -n "$H2" link set gu-h2 mtu 1400 up
gu ip link set eth0 address $MAC mtu 1400 up
gu ip addr add 10.0.0.22/24 dev eth0

# A VAN h2 does not know: the start is refused, nothing attached.
hook 1 gu-h2 h2 green started begin -
grep -q "the guest is refused" "$TMP/err" || fail "no refusal message: $(cat "$TMP/err")"
[ "$(ports_on h2 gu-h2)" = 0 ] || fail "h2 has a port on gu-h2 after a refused start"
say "unknown VAN: $(head -n 1 "$TMP/err")"

# Start on h2.
for op in "prepare begin -" "start begin -" "started begin -"; do
	# shellcheck disable=SC2086
	hook 0 gu-h2 h2 blue $op
done
[ "$(ports_on h2 gu-h2)" = 1 ] || fail "h2 has no port on gu-h2 after started"
ping_ok b1 10.0.0.22 || fail "b1 does not reach the guest on h2"
w=$(fdb_where h1 blue $MAC)
case $w in 10.77.1.12:*) ;; *) fail "h1 has $MAC at $w, not h2" ;; esac
say "started on h2: device port gu-h2, b1 reaches the guest, h1 sends to $w"

# libvirtd restarted: reconnect attaches again, vanedge says it has it.
hook 0 gu-h2 h2 blue reconnect begin -
grep -q "already a port" "$TMP/err" || fail "reconnect: $(cat "$TMP/err")"
say "reconnect: the guest keeps its port"

# Migration to h3.  Destination: the new tap, the guest paused (its NIC
# there silent): migrate, prepare, start, started.
ip -n "$H3" link add gu-h3 type veth peer name eth1 netns "$GU" || fail "veth h3"
ip -n "$H3" link set gu-h3 mtu 1400 up
for op in "migrate begin -" "prepare begin -" "start begin -" "started begin -"; do
	# shellcheck disable=SC2086
	hook 0 gu-h3 h3 blue $op
done
[ "$(ports_on h3 gu-h3)" = 1 ] || fail "h3 has no port on gu-h3 after started"
w=$(fdb_where h1 blue $MAC)
case $w in 10.77.1.12:*) ;; *) fail "h1 moved $MAC to $w before the guest ran on h3" ;; esac
say "destination h3 attached while the guest is paused; h1 still sends to h2"

# The source's QEMU ends (its tap goes), then libvirt stops it there.
ip -n "$H2" link del gu-h2
poll 10 sh -c "[ \"\$($VANLAB ctl --prefix $PFX h2 -- --json show ports |
    python3 -c 'import json,sys; print(len([p for p in json.load(sys.stdin) if p[\"tap\"]==\"gu-h2\"]))')\" = 0 ]" ||
    fail "h2 kept its port on gu-h2 after the interface went"
hook 0 gu-h2 h2 blue stopped end -
grep -q "already withdrawn by vanedge" "$TMP/err" || fail "source stop: $(cat "$TMP/err")"
hook 0 gu-h2 h2 blue release end migrated
say "source h2: port withdrawn by vanedge, the hook's stop tolerates it"

# The guest runs on h3: its first frame claims the MAC there.
gu ip link set eth1 name eth0
gu ip link set eth0 address $MAC mtu 1400 up
gu ip addr add 10.0.0.22/24 dev eth0
poll 10 gu ping -n -q -c 1 -W 1 10.0.0.11 || fail "the guest does not reach b1 from h3"
moved() { case $(fdb_where h1 blue $MAC) in 10.77.1.13:*) ;; *) return 1 ;; esac; }
poll 10 moved || fail "h1 has $MAC at $(fdb_where h1 blue $MAC), not h3"
ping_ok b2 10.0.0.22 || fail "b2 (h2) does not reach the guest on h3"
say "the guest runs on h3: h1 sends to $(fdb_where h1 blue $MAC), b2 reaches it"

# The guest stops on h3: the hook detaches its port.
hook 0 gu-h3 h3 blue stopped end -
hook 0 gu-h3 h3 blue release end shutdown
[ "$(ports_on h3 gu-h3)" = 0 ] || fail "h3 still has a port on gu-h3 after stopped"
forgot() { [ "$(fdb_where h1 blue $MAC)" = none ]; }
poll 10 forgot || fail "h1 still routes $MAC after the stop"
say "stopped on h3: port detached, h1 forgot $MAC"
