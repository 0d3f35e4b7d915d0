#!/usr/bin/env bash
# tests/bench/vanedge-plugin.sh — vanedge as a plug-in system of
# ../shared/bench/anchors.sh (contract in its header):
#
#   anchors.sh --plugin vanedge=tests/bench/vanedge-plugin.sh --only vxlan-bridge,vanedge
#
# One vanedge per host namespace, members of each other over the underlay,
# one VAN with one port each: the tap is created by vanedge, moved into the
# VM namespace and carries the overlay address there (the tap is the VM's
# NIC, as in vanlab).  With VAN_PORT=device (vanedge-device-plugin.sh) the
# port is a device port instead: a veth whose host end vanedge attaches
# (a packet socket) and whose other end is the VM's NIC, as a guest's tap
# that QEMU owns would be.  VAN_BUILD names the build directory (default:
# build/ next to tests/).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${VAN_BUILD:-$here/../../build}
vanedge=$build/vanedge
vanctl=$build/vanctl
TAP=vbtap0
DEV=vbdev0
VAN=4242
PORT=${VAN_PORT:-tap}

for v in AN_HOST_A AN_HOST_B AN_VM_A AN_VM_B AN_UL_A AN_UL_B AN_OV_A AN_OV_B \
         AN_OV_PREFIX AN_OV_MTU AN_WORK AN_LOGS AN_PIDS AN_PREFIX; do
  [ -n "${!v:-}" ] || { echo "vanedge-plugin: $v is not set (run me from anchors.sh --plugin)" >&2; exit 2; }
done
sock() { echo "/run/van/bench-$AN_PREFIX-$1.sock"; }

# wait_for SECONDS CMD... — poll every 0.1 s until CMD succeeds
wait_for() {
  local t=$1 i; shift
  for ((i = 0; i < t * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

side() {  # side A|B HOST VM LOCAL REMOTE OVERLAY_ADDR MAC
  local s=$1 host=$2 vm=$3 local=$4 remote=$5 addr=$6 mac=$7 conf=$AN_WORK/edge-$1.conf
  local port="tap = \"$TAP\"; mac = \"$mac\";"
  rm -f "$(sock "$s")"
  if [ "$PORT" = device ]; then
    # The VM's NIC is the veth's far end; vanedge gets the near one.
    ip -n "$host" link add "$DEV" type veth peer name "$TAP" netns "$vm" || return 1
    ip -n "$host" link set "$DEV" mtu "$AN_OV_MTU" up || return 1
    ip -n "$vm" link set "$TAP" address "$mac" || return 1
    port="device = \"$DEV\"; mac = \"$mac\";"
  fi
  cat >"$conf" <<CONF
edge = { listen = "$local"; control = "$(sock "$s")"; };
members = [ "$remote" ];
vans = ( { id = $VAN; name = "bench"; ports = ( { $port } ); } );
CONF
  ip netns exec "$host" "$vanedge" -f "$conf" >"$AN_LOGS/vanedge-$s.log" 2>&1 </dev/null &
  echo "$! $s" >>"$AN_PIDS"
  # Its answer, not the socket file: a killed run may have left the file.
  wait_for 10 "$vanctl" -s "$(sock "$s")" show ports || { echo "vanedge $s did not start" >&2; return 1; }
  [ "$PORT" = device ] || ip -n "$host" link set "$TAP" netns "$vm" || return 1
  ip -n "$vm" link set "$TAP" mtu "$AN_OV_MTU" || return 1
  ip -n "$vm" addr add "$addr/$AN_OV_PREFIX" dev "$TAP" || return 1
  ip -n "$vm" link set "$TAP" up
}

alive() {  # the member of side $1 is alive
  "$vanctl" -s "$(sock "$1")" --json show members | grep -q '"state": "alive"'
}

case "${1:-}" in
  setup)
    [ -x "$vanedge" ] && [ -x "$vanctl" ] || { echo "vanedge-plugin: build first ($vanedge)" >&2; exit 1; }
    side A "$AN_HOST_A" "$AN_VM_A" "$AN_UL_A" "$AN_UL_B" "$AN_OV_A" 02:00:00:00:0a:01 || exit 1
    side B "$AN_HOST_B" "$AN_VM_B" "$AN_UL_B" "$AN_UL_A" "$AN_OV_B" 02:00:00:00:0b:01 || exit 1
    wait_for 10 alive A && wait_for 10 alive B || { echo "vanedge: members not alive" >&2; exit 1; }
    ;;
  teardown)
    # What the edges delivered into VM B's NIC (its receive count: frames
    # the edge handed to its stack, whether or not the application there
    # kept up) and what VM A's NIC took in for the edge: the port's own
    # rate, which tests/bench/run.sh reads after a UDP-only run.
    for s in A B; do
      vm=AN_VM_$s
      ip -n "${!vm}" -s -j link show "$TAP" 2>/dev/null |
        jq -r '.[0].stats64 | "\(.rx.packets) \(.tx.packets) \(.tx.dropped)"' \
        >"$AN_LOGS/nic-$s.txt" 2>/dev/null || true
    done
    "$vanctl" -s "$(sock A)" --json show stats >"$AN_LOGS/stats-A.json" 2>/dev/null || true
    "$vanctl" -s "$(sock B)" --json show stats >"$AN_LOGS/stats-B.json" 2>/dev/null || true
    # daemons are stopped by the harness (AN_PIDS); they remove their sockets
    # on SIGTERM, a KILL leaves them: remove what is left.
    rm -f "$(sock A)" "$(sock B)"
    exit 0
    ;;
  *) echo "usage: $0 setup|teardown (called by anchors.sh --plugin)" >&2; exit 2 ;;
esac
