#!/usr/bin/env bash
# tests/bench/vanproxy-plugin.sh — two sites joined by vanproxy, as a
# plug-in system of ../shared/bench/anchors.sh (contract in its header):
#
#   anchors.sh --plugin vanproxy=tests/bench/vanproxy-plugin.sh --only wireguard-go,vanproxy
#
# Each anchors host namespace is a site of one host: a vanedge (site socket
# on 127.0.0.1) and the site's vanproxy (site socket on 127.0.0.2, tunnel
# socket on the underlay address) are members of each other over loopback;
# the proxies peer over the anchors underlay, A's VAN 4242 being B's 4343.
# The VM's NIC is the tap vanedge made, moved into the VM namespace as in
# vanedge-plugin.sh.  So a VM's frame goes tap -> vanedge -> vanproxy ->
# encrypted tunnel (WireGuard protocol) -> vanproxy -> vanedge -> tap: the
# encrypted VM-to-VM path across two sites, beside wireguard-go, tinc and
# OpenVPN.  Keys come from `wg genkey` (mode 0600, in AN_WORK).  VAN_BUILD
# names the build directory (default: build/ next to tests/).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${VAN_BUILD:-$here/../../build}
vanedge=$build/vanedge
vanproxy=$build/vanproxy
vanctl=$build/vanctl
TAP=vptap0

for v in AN_HOST_A AN_HOST_B AN_VM_A AN_VM_B AN_UL_A AN_UL_B AN_OV_A AN_OV_B \
         AN_OV_PREFIX AN_OV_MTU AN_WORK AN_LOGS AN_PIDS AN_PREFIX; do
  [ -n "${!v:-}" ] || { echo "vanproxy-plugin: $v is not set (run me from anchors.sh --plugin)" >&2; exit 2; }
done
# Machine-wide names (UNIX sockets, the UAPI socket): the prefix in them.
esock() { echo "/run/van/bench-$AN_PREFIX-edge-$1.sock"; }
psock() { echo "/run/van/bench-$AN_PREFIX-proxy-$1.sock"; }
wgname() { echo "vb$AN_PREFIX$1"; }

# wait_for SECONDS CMD... — poll every 0.1 s until CMD succeeds
wait_for() {
  local t=$1 i; shift
  for ((i = 0; i < t * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# site A|B HOST VM UNDERLAY PEER PEER_UNDERLAY OUR_VAN ITS_VAN OVERLAY_ADDR MAC
site() {
  local s=$1 host=$2 vm=$3 ul=$4 peer=$5 peer_ul=$6 van=$7 its=$8 addr=$9 mac=${10}
  local w=$AN_WORK
  rm -f "$(esock "$s")" "$(psock "$s")" "/var/run/wireguard/$(wgname "$s").sock"
  cat >"$w/proxy-$s.conf" <<CONF
proxy = { name = "$s"; private_key = "$w/$s.key"; listen = "[::]:51820";
  site_listen = "127.0.0.2:4797"; control = "$(psock "$s")"; wg_name = "$(wgname "$s")"; };
members = [ "127.0.0.1:4797" ];
vans = ( { id = $van; name = "bench"; } );
peers = ( { name = "$peer"; public_key = "$(wg pubkey <"$w/$peer.key")";
  endpoint = "$peer_ul:51820"; vans = ( { local = $van; remote = $its; } ); } );
CONF
  cat >"$w/edge-$s.conf" <<CONF
edge = { listen = "127.0.0.1:4797"; control = "$(esock "$s")"; };
members = [ "127.0.0.2:4797" ];
vans = ( { id = $van; name = "bench"; ports = ( { tap = "$TAP"; mac = "$mac"; } ); } );
CONF
  ip netns exec "$host" "$vanproxy" -f "$w/proxy-$s.conf" >"$AN_LOGS/vanproxy-$s.log" 2>&1 </dev/null &
  echo "$! $s" >>"$AN_PIDS"
  # Its answer, not the socket file: a killed run may have left the file.
  wait_for 10 "$vanctl" -s "$(psock "$s")" show vans || { echo "vanproxy $s did not start" >&2; return 1; }
  ip netns exec "$host" "$vanedge" -f "$w/edge-$s.conf" >"$AN_LOGS/vanedge-$s.log" 2>&1 </dev/null &
  echo "$! $s" >>"$AN_PIDS"
  wait_for 10 "$vanctl" -s "$(esock "$s")" show ports || { echo "vanedge $s did not start" >&2; return 1; }
  ip -n "$host" link set "$TAP" netns "$vm" || return 1
  ip -n "$vm" link set "$TAP" mtu "$AN_OV_MTU" || return 1
  ip -n "$vm" addr add "$addr/$AN_OV_PREFIX" dev "$TAP" || return 1
  ip -n "$vm" link set "$TAP" up
}

# ready S: its proxy's peer is alive and has JOINed the VAN, its edge sees
# the proxy alive (HELLOs over loopback).
ready() {
  "$vanctl" -s "$(psock "$1")" --json show peers | grep -q '"state": "alive"' &&
  "$vanctl" -s "$(psock "$1")" --json show peers | grep -q '"joined": true' &&
  "$vanctl" -s "$(esock "$1")" --json show members | grep -q '"state": "alive"'
}

case "${1:-}" in
  setup)
    for p in "$vanedge" "$vanproxy" "$vanctl"; do
      [ -x "$p" ] || { echo "vanproxy-plugin: build first ($p)" >&2; exit 1; }
    done
    command -v wg >/dev/null || { echo "vanproxy-plugin: wg missing (wireguard-tools)" >&2; exit 1; }
    (umask 077 && wg genkey >"$AN_WORK/A.key" && wg genkey >"$AN_WORK/B.key") || exit 1
    site A "$AN_HOST_A" "$AN_VM_A" "$AN_UL_A" B "$AN_UL_B" 4242 4343 "$AN_OV_A" 02:00:00:00:0a:01 || exit 1
    site B "$AN_HOST_B" "$AN_VM_B" "$AN_UL_B" A "$AN_UL_A" 4343 4242 "$AN_OV_B" 02:00:00:00:0b:01 || exit 1
    # Started one after another, the handshake completes at once; allow
    # for one retransmission (5 s).
    wait_for 15 ready A && wait_for 15 ready B || { echo "vanproxy: sites not ready" >&2; exit 1; }
    ;;
  teardown)
    # Daemons are stopped by the harness (AN_PIDS); on SIGTERM they remove
    # their sockets, a KILL leaves them: remove what is left.
    rm -f "$(esock A)" "$(esock B)" "$(psock A)" "$(psock B)" \
      "/var/run/wireguard/$(wgname A).sock" "/var/run/wireguard/$(wgname B).sock"
    exit 0
    ;;
  *) echo "usage: $0 setup|teardown (called by anchors.sh --plugin)" >&2; exit 2 ;;
esac
