#!/bin/sh
# tests/deb.sh BUILD_DIR — the Debian packages (debian/): built by `make
# deb` into BUILD_DIR/deb/, free of lintian errors, installed with dpkg -i
# on this machine, checked (the programs, the units, /etc/van 0700, the
# examples and contrib files where docs/operations.md says; vanedge runs;
# `systemd-analyze verify` is silent on the installed units; no unit is
# enabled or running), then purged: every file they brought, /etc/van and
# the units' state are gone.  A trap purges them on any failure.
#
# Root only, and only where vanfed is not installed already: it refuses to
# run where dpkg knows a vanfed package (in any state) or where a program,
# unit or /etc/van of a `make install` is in the package's paths, so that
# it never overwrites, nor purges, an operator's install.  `make check`
# runs it (target deb-test).
set -u
B=${1:?usage: $0 BUILD_DIR}
cd "$(dirname "$0")/.." || exit 1
PKGS="vanfed vanfed-lab"

fail() {
	echo "deb: FAIL: $*" >&2
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "deb: needs root (dpkg -i, dpkg --purge): not run" >&2
	exit 1
fi
# Refuse before anything is built or installed.
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || continue
	case $s in
	*" not-installed") ;;
	*)	echo "deb: package $p is on this machine ($s): refusing to" \
		    "install over it or purge it (run tests/deb.sh on a scratch machine)" >&2
		exit 1 ;;
	esac
done
for f in /usr/sbin/vanedge /usr/sbin/vanproxy /usr/sbin/vanlab /usr/bin/vanctl \
    /lib/systemd/system/vanedge.service /lib/systemd/system/vanproxy.service /etc/van; do
	if [ -e "$f" ]; then
		echo "deb: $f exists (an install of vanfed not from its package?):" \
		    "refusing to overwrite it (run tests/deb.sh on a scratch machine)" >&2
		exit 1
	fi
done

t0=$(date +%s)
${MAKE:-make} --no-print-directory B="$B" deb >/dev/null || fail "make deb (log: $B/deb/build.log)"
t1=$(date +%s)
debs=""
for p in $PKGS; do
	d=$(ls "$B"/deb/"${p}"_*.deb 2>/dev/null | head -n 1)
	[ -n "$d" ] || fail "make deb made no ${p}_*.deb in $B/deb"
	debs="$debs $d"
done
echo "deb: built$debs in $((t1 - t0)) s"

# lintian: errors fail; warnings are printed (debian/*.lintian-overrides
# holds the justified ones).
lint=$(lintian --fail-on error $debs 2>&1)
rc=$?
echo "$lint" | grep -v '^running with root privileges' | sed '/^$/d; s/^/deb: lintian: /'
[ $rc = 0 ] || fail "lintian: errors (E: above), or lintian failed"

installed=0
cleanup() {
	if [ $installed = 1 ]; then
		dpkg --purge $PKGS >/dev/null 2>&1 ||
		    echo "deb: dpkg --purge $PKGS failed: check this machine" >&2
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

installed=1
out=$(dpkg -i $debs 2>&1) || { echo "$out" >&2; fail "dpkg -i$debs"; }
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	[ "$s" = "install ok installed" ] || fail "$p: status '$s' after dpkg -i"
done

# What each package has (dpkg -L), and that it is on disk.
dpkg -L vanfed >"$B/deb/vanfed.list" || fail "dpkg -L vanfed"
dpkg -L vanfed-lab >"$B/deb/vanfed-lab.list" || fail "dpkg -L vanfed-lab"
has() {
	grep -qx "$2" "$B/deb/$1.list" || fail "dpkg -L $1 has no $2"
	[ -e "$2" ] || fail "$2 (of $1) is not on disk"
}
for f in /usr/sbin/vanedge /usr/sbin/vanproxy /usr/sbin/vanfed-notify /usr/bin/vanctl \
    /usr/bin/vanplan /lib/systemd/system/vanedge.service \
    /lib/systemd/system/vanproxy.service /etc/van \
    /usr/share/doc/vanfed/examples/edge.conf /usr/share/doc/vanfed/examples/proxy.conf \
    /usr/share/doc/vanfed/examples/peering.conf /usr/share/doc/vanfed/README.md \
    /usr/share/vanfed/grafana/vanfed.json /usr/share/vanfed/wireshark/vanfed.lua \
    /usr/share/vanfed/keepalived/keepalived-after-vanproxy.conf \
    /usr/share/vanfed/libvirt/qemu; do
	has vanfed "$f"
done
has vanfed-lab /usr/sbin/vanlab
has vanfed-lab /usr/share/doc/vanfed-lab/examples/federation.conf
! grep -q vanlab "$B/deb/vanfed.list" || fail "vanfed has vanlab's files: $(grep vanlab "$B/deb/vanfed.list")"
for x in /usr/sbin/vanedge /usr/sbin/vanproxy /usr/sbin/vanfed-notify /usr/bin/vanctl \
    /usr/bin/vanplan /usr/sbin/vanlab; do
	[ -x "$x" ] || fail "$x is not executable"
done
m=$(stat -c %a /etc/van)
[ "$m" = 700 ] || fail "/etc/van has mode $m, not 700"
# Nothing in /etc a daemon would start with.
[ -z "$(ls -A /etc/van)" ] || fail "/etc/van is not empty: $(ls -A /etc/van)"
echo "deb: installed: $(wc -l <"$B/deb/vanfed.list") paths in vanfed," \
    "$(wc -l <"$B/deb/vanfed-lab.list") in vanfed-lab; /etc/van 0700"

# The packages' version is the tree's (VERSION), and every installed
# program says it.
V=$(cat VERSION)
for p in vanfed vanfed-lab; do
	got=$(dpkg-query -W -f '${Version}' "$p")
	[ "$got" = "$V" ] || fail "$p is version '$got', not VERSION's $V (debian/changelog)"
done
for x in /usr/sbin/vanedge /usr/sbin/vanproxy /usr/sbin/vanfed-notify /usr/bin/vanctl \
    /usr/bin/vanplan /usr/sbin/vanlab; do
	got=$("$x" --version 2>&1)
	[ "$got" = "${x##*/} $V" ] || fail "$x --version: '$got', want '${x##*/} $V'"
done
echo "deb: version $V, every installed program's --version says it"
# The installed vanedge runs and reads the shipped example.
out=$(/usr/sbin/vanedge -n -f /usr/share/doc/vanfed/examples/edge.conf 2>&1) ||
    fail "/usr/sbin/vanedge -n -f .../examples/edge.conf: $out"
echo "$out" | grep -q '^edge = {' || fail "vanedge -n printed no configuration: $out"

# The installed units as installed: their programs are /usr/sbin's.
for u in vanedge vanproxy; do
	f=/lib/systemd/system/$u.service
	grep -q "^ExecStart=/usr/sbin/$u " "$f" || fail "$f: ExecStart= is not /usr/sbin/$u"
	out=$(systemd-analyze verify "$f" 2>&1)
	[ $? = 0 ] && [ -z "$out" ] || fail "systemd-analyze verify $f: $out"
done
echo "deb: systemd-analyze verify: both units clean"

# Neither enabled (no symlink anywhere under /etc/systemd) nor running.
for u in vanedge vanproxy; do
	e=$(systemctl --root=/ is-enabled "$u.service" 2>&1)
	[ "$e" = disabled ] || fail "$u.service is-enabled: $e (not disabled)"
	l=$(find /etc/systemd -name "$u.service" 2>/dev/null)
	[ -z "$l" ] || fail "$u.service linked: $l"
	if [ -d /run/systemd/system ]; then
		a=$(systemctl is-active "$u.service" 2>&1)
		[ "$a" = inactive ] || fail "$u.service is $a after install"
	fi
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" != "/usr/sbin/$u" ] ||
		    fail "/usr/sbin/$u runs (pid ${p#/proc/}) after install"
	done
done
echo "deb: no unit enabled, no daemon running"

# Purge: the packages, each of their files, /etc/van and the units' state
# go.  Directories other packages share (/usr/sbin, ...) stay.
out=$(dpkg --purge $PKGS 2>&1) || { echo "$out" >&2; fail "dpkg --purge $PKGS"; }
installed=0
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case $s in "" | *" not-installed") ;; *) fail "$p: status '$s' after purge" ;; esac
done
left=$(cat "$B/deb/vanfed.list" "$B/deb/vanfed-lab.list" | while read -r f; do
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && echo "$f"
done)
[ -z "$left" ] || fail "left after purge: $left"
for d in /etc/van /usr/share/vanfed /usr/share/doc/vanfed /usr/share/doc/vanfed-lab; do
	[ ! -e "$d" ] || fail "$d is left after purge"
done
st=$(ls /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    2>/dev/null | grep -E 'van(edge|proxy)')
[ -z "$st" ] || fail "deb-systemd-helper state left after purge: $st"
echo "deb: purged: no file, /etc/van or unit state left"
echo "deb: passed in $(($(date +%s) - t0)) s"
