#!/bin/sh
# tests/units.sh BUILD_DIR — the systemd units (systemd/*.service), no root:
# `systemd-analyze verify` is silent on each (a copy whose ExecStart= and
# ExecStartPre= name this build's programs: verify wants them to exist;
# --man=no: the man pages of Documentation= are not installed where the
# tree is built, and verify would look for them with man(1)),
# and `systemd-analyze security --offline=true` rates each at most its
# ceiling below.  `make check` runs it (target `units`).
#
# The ceiling: 2.0 for each (the units' comments say what is left off
# and why).  Lower it when the units get better.
set -u
B=${1:?usage: $0 BUILD_DIR}
cd "$(dirname "$0")/.." || exit 1
command -v systemd-analyze >/dev/null 2>&1 || {
	echo "units: systemd-analyze missing (Debian package systemd)" >&2
	exit 1
}
B=$(cd "$B" && pwd) || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vanunits.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0

for u in systemd/*.service; do
	n=${u##*/}
	max=20
	[ -x "$B/${n%.service}" ] || { echo "units: $B/${n%.service} not built" >&2; exit 1; }
	sed "s|/usr/local/sbin/|$B/|g" "$u" >"$tmp/$n"
	if ! systemd-analyze verify --man=no "$tmp/$n" >"$tmp/verify" 2>&1 || [ -s "$tmp/verify" ]; then
		echo "units: systemd-analyze verify $u:" >&2
		sed 's/^/  /' "$tmp/verify" >&2
		rc=1
	fi
	# "→ Overall exposure level for vanedge.service: 2.1 OK 🙂"
	got=$(systemd-analyze security --offline=true "$u" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9]*\)\.\([0-9]\) .*/\1\2/p')
	if [ -z "$got" ]; then
		echo "units: $u: no exposure level from systemd-analyze security" >&2
		rc=1
	elif [ "$got" -gt "$max" ]; then
		echo "units: $u: exposure $((got / 10)).$((got % 10)) is above" \
		    "$((max / 10)).$((max % 10)) (systemd-analyze security --offline=true $u)" >&2
		rc=1
	else
		echo "units: $n: verify clean, exposure $((got / 10)).$((got % 10))" \
		    "(at most $((max / 10)).$((max % 10)))"
	fi
done
exit $rc
