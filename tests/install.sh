#!/bin/sh
# tests/install.sh BUILD_DIR [VERSION] — `make install` into a scratch
# DESTDIR, PREFIX=/usr, twice (as is, and INSTALL_LAB=1), no root: exactly
# the files expected, with their modes (programs 0755, /etc/van 0700, the
# examples, units, completion files and manual pages 0644), the units naming the
# programs under PREFIX, no vanlab (nor its completion or page) unless
# INSTALL_LAB=1, and each installed program's --version the build's.
# The build must be there (it installs what BUILD_DIR has; nothing is
# rebuilt).  `make check` runs it (target `install-check`).
set -u
B=${1:?usage: $0 BUILD_DIR [VERSION]}
V=${2:-$(cat "$B/version" 2>/dev/null)}
cd "$(dirname "$0")/.." || exit 1
[ -n "$V" ] || { echo "install: no version (argument, or $B/version)" >&2; exit 1; }
B=$(cd "$B" && pwd) || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vaninst.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "install: $*" >&2; rc=1; }

# The defaults the GNUmakefile takes (pkg-config, else its fallbacks).
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
[ -n "$unitdir" ] || unitdir=/lib/systemd/system
compdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
[ -n "$compdir" ] || compdir=/usr/share/bash-completion/completions

# check LAB — install with INSTALL_LAB=LAB, compare the tree.
check() {
	lab=$1 d=$tmp/root$1
	if ! make --no-print-directory -s B="$B" DESTDIR="$d" PREFIX=/usr \
	    INSTALL_LAB="$lab" install >"$tmp/log" 2>&1; then
		fail "make install INSTALL_LAB=$lab failed:"
		sed 's/^/  /' "$tmp/log" >&2
		return
	fi
	{
		echo "0755 /usr/bin/vanctl"
		echo "0755 /usr/bin/vanplan"
		echo "0755 /usr/sbin/vanedge"
		echo "0755 /usr/sbin/vanproxy"
		echo "0755 /usr/sbin/vanfed-notify"
		[ "$lab" = 1 ] && echo "0755 /usr/sbin/vanlab"
		echo "0700 /etc/van"
		echo "0644 /etc/van/edge.conf.example"
		echo "0644 /etc/van/proxy.conf.example"
		echo "0644 /etc/van/peering.conf.example"
		echo "0644 $unitdir/vanedge.service"
		echo "0644 $unitdir/vanproxy.service"
		echo "0644 $compdir/vanctl"
		echo "0644 $compdir/vanplan"
		[ "$lab" = 1 ] && echo "0644 $compdir/vanlab"
		for m in man8/vanedge.8 man5/vanedge.conf.5 man8/vanproxy.8 \
		    man5/vanproxy.conf.5 man8/vanctl.8 man1/vanplan.1 man5/vanplan.conf.5 \
		    man8/vanfed-notify.8; do
			echo "0644 /usr/share/man/$m"
		done
		[ "$lab" = 1 ] && echo "0644 /usr/share/man/man8/vanlab.8"
	} | sort -k2 >"$tmp/want"
	# Every file, and the directories that are ours (/etc/van).
	(cd "$d" && find . \( -type f -o -path ./etc/van \) -printf '%#m %p\n') |
	    sed 's| \./| /|; s/^0*\([0-7]\{3\}\) /0\1 /' | sort -k2 >"$tmp/got"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		fail "INSTALL_LAB=$lab: the installed files differ (- wanted, + got):"
		diff -u "$tmp/want" "$tmp/got" | sed -n '3,$p' | grep '^[-+]' | sed 's/^/  /' >&2
	fi
	for u in vanedge vanproxy; do
		f=$d$unitdir/$u.service
		[ -f "$f" ] || continue
		grep -q "^ExecStart=/usr/sbin/$u " "$f" || fail "$u.service: ExecStart not /usr/sbin/$u"
		grep -q /usr/local "$f" && fail "$u.service: still names /usr/local"
		grep -qx "Documentation=man:$u(8) man:$u.conf(5)" "$f" ||
		    fail "$u.service: Documentation= is not man:$u(8) man:$u.conf(5)"
	done
	for f in "$d"/usr/bin/* "$d"/usr/sbin/*; do
		[ -x "$f" ] || continue
		p=${f##*/}
		got=$("$f" --version 2>&1)
		[ "$got" = "$p $V" ] || fail "installed $p --version: '$got', want '$p $V'"
	done
}

check 0
check 1
[ $rc = 0 ] && echo "install: files, modes and versions ($V) as expected; vanlab only with INSTALL_LAB=1"
exit $rc
