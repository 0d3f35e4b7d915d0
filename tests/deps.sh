#!/bin/sh
# tests/deps.sh [all|build|lab|bench|ha|metrics|man|model|deb] — install the Debian packages that the
# build, the tests, the lab or the bench need, when they are missing.
# Called by `make check` (all), `make lab`, `make bench` and `make deb`.  Installs with
# --no-install-recommends (wireguard-tools would otherwise pull a kernel).
set -eu
what=${1:-all}

build="gcc make pkg-config libevent-dev libconfig-dev libsodium-dev libb2-dev
	libjansson-dev libcmocka-dev libmnl-dev libnftables-dev libsystemd-dev"
fuzz="clang libclang-rt-14-dev"
net="iproute2 iputils-ping iperf3 tcpdump procps psmisc python3 nftables wireguard-go
	wireguard-tools kmod tshark"
# vanlab's qemu guests (federation/lab/guest/build.sh; kind = "qemu").
guest="qemu-system-x86 busybox-static cpio kmod"
bench_extra="jq tinc openvpn openssl n2n net-tools"
# A site's pair of gateways under VRRP (vanlab's `proxy = { ha = true; }`,
# test 97b): Debian's keepalived (2.2.7 in bookworm).
ha="keepalived"
# The metrics scenario (test 77): promtool checks the exposition, curl scrapes.
metrics="prometheus curl"
# The units' check (tests/units.sh): systemd-analyze verify and security.
units="systemd"
# The completion test (tests/completion.sh): bash runs the completion
# functions (no bash-completion needed: they use none of its helpers),
# python3 stands in for a daemon's control socket.
completion="bash python3"
# The manual pages' check (tests/man.sh): mandoc -Tlint.
man="mandoc"
# The protocol's model (tests/model/run.sh): spin, and cc for its verifier.
model="spin gcc"
# The graph scenario (test 93b): dot checks `show graph --dot`, `vanlab graph --dot`.
graph="graphviz"
# The Debian packages (make deb, tests/deb.sh): dpkg-buildpackage and what
# it checks for (build-essential), dh, lintian; systemd-analyze verifies the
# installed units.  debian/control has Rules-Requires-Root: no: no fakeroot.
deb="$build build-essential dpkg-dev debhelper lintian systemd"

case $what in
all)	pkgs="$build $fuzz $net $guest $ha $metrics $units $completion $man $model $graph $deb" ;;
build)	pkgs="$build" ;;
lab)	pkgs="$build iproute2 iputils-ping procps $guest $ha" ;;
bench)	pkgs="$build $net $bench_extra" ;;
ha)	pkgs="$ha" ;;
metrics) pkgs="$metrics" ;;
man)	pkgs="$man" ;;
model)	pkgs="$model" ;;
deb)	pkgs="$deb" ;;
*)	echo "usage: $0 [all|build|lab|bench|ha|metrics|man|model|deb]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $s in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root, or: apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
