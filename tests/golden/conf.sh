#!/bin/sh
# tests/golden/conf.sh BUILD_DIR [--update] — the golden tests of the
# configuration check modes (part of `make unit`, so of `make check`; no
# root, no network, no daemon).  Files under tests/golden/conf/:
#
#   vanedge -n of etc/edge.conf and of each good-*.conf prints exactly
#   etc-edge.conf.golden, NAME.golden, and checks to itself (a fixpoint);
#   each bad-*.conf is refused (exit non-zero, nothing on stdout) with
#   exactly the "FILE:LINE: message" its first line gives ("# expect:
#   LINE: message"); a file that is not there, "FILE: cannot read: ...".
#
#   vanlab check refuses each lab-bad-*.conf likewise; the shipped
#   topologies (etc/lab/, tests/integration's) check to a fixpoint,
#   vanedge takes each host's file, and with several sites each proxy's
#   files are written (vanproxy's parser reads them in test_lab).
#
#   vanproxy -n of etc/proxy.conf (which includes etc/peering.conf), with a
#   key this test makes, prints etc-proxy.conf.golden (the test's
#   directory read as /etc/van/, the public key as PUBLIC-KEY), checks to
#   itself and never prints the private key; a bad line added to the
#   peering file is refused by its own name and line; a private key
#   others may read is refused.  (Every refusal: test_proxyconf.)
#
# What needs root stays in tests/integration/70-config.sh: `vanlab up`
# refusing what check refuses, a key file another user owns.
#
# --update rewrites the .golden files from this build (then read the diff).
set -u
B=${1:?usage: $0 BUILD_DIR [--update]}
UPDATE=${2:-}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
C=$TOP/tests/golden/conf
VANEDGE=$B/vanedge
VANPROXY=$B/vanproxy
VANLAB=$B/vanlab
TMP=$(mktemp -d "${TMPDIR:-/tmp}/van-conf-golden.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0 checks=0

bad() { echo "conf golden: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# Compare file $2 (made now) with golden $1, or refresh it.
same() {
	if [ "$UPDATE" = --update ]; then
		cp "$2" "$1"
	elif cmp -s "$1" "$2"; then
		ok
	else
		bad "$3 differs from ${1#$TOP/}:"; diff -u "$1" "$2" | head -40 >&2
	fi
}

for p in "$VANEDGE" "$VANPROXY" "$VANLAB"; do
	[ -x "$p" ] || { echo "conf golden: $p not built" >&2; exit 1; }
done
cd "$C" || exit 1

# ------------------------------------------------------------- vanedge ---

# edge_golden FILE GOLDEN: vanedge -n prints GOLDEN, and that checks to itself.
edge_golden() {
	if ! "$VANEDGE" -n -f "$1" >"$TMP/out" 2>"$TMP/err"; then
		bad "vanedge -n -f $1: $(cat "$TMP/err")"
		return
	fi
	same "$2" "$TMP/out" "vanedge -n -f $1"
	if "$VANEDGE" -n -f "$TMP/out" >"$TMP/out2" 2>"$TMP/err" &&
	    cmp -s "$TMP/out" "$TMP/out2"; then
		ok
	else
		bad "vanedge -n of $1 is not a fixpoint: $(cat "$TMP/err")"
	fi
}

# refused FILE CMD...: CMD FILE fails, prints nothing, and says exactly
# "FILE:" and what the first line of FILE expects.
refused() {
	f=$1
	shift
	want="$f:$(sed -n '1s/^# expect: //p' "$f")"
	if [ "$want" = "$f:" ]; then
		bad "$f has no '# expect:' first line"
		return
	fi
	if "$@" "$f" >"$TMP/out" 2>"$TMP/err"; then
		bad "$* $f succeeded"
		return
	fi
	got=$(cat "$TMP/err")
	if [ "$got" != "$want" ]; then
		bad "$* $f:
	  got  '$got'
	  want '$want'"
	elif [ -s "$TMP/out" ]; then
		bad "$* $f printed to stdout"
	else
		ok
	fi
}

edge_golden "$TOP/etc/edge.conf" etc-edge.conf.golden
for f in good-*.conf; do
	edge_golden "$f" "${f%.conf}.golden"
done
for f in bad-*.conf; do
	refused "$f" "$VANEDGE" -n -f
done
if "$VANEDGE" -n -f no-such.conf >/dev/null 2>"$TMP/err"; then
	bad "vanedge -n of a missing file passed"
elif [ "$(cat "$TMP/err")" != "no-such.conf: cannot read: No such file or directory" ]
then
	bad "a missing file: '$(cat "$TMP/err")'"
else
	ok
fi

# -------------------------------------------------------------- vanlab ---

for f in lab-bad-*.conf; do
	refused "$f" "$VANLAB" check
done
# The shipped topologies check, and their edge configurations too; with
# several sites, every proxy's files are written.
for t in "$TOP"/etc/lab/*.conf "$TOP"/tests/integration/lab.conf "$TOP"/tests/integration/qemu.conf \
    "$TOP"/tests/integration/fed*.conf; do
	if ! "$VANLAB" check "$t" >"$TMP/norm" 2>"$TMP/err"; then
		bad "vanlab check $t: $(cat "$TMP/err")"
		continue
	fi
	"$VANLAB" check "$TMP/norm" | cmp -s - "$TMP/norm" && ok ||
	    bad "vanlab check of $t is not a fixpoint"
	hosts=$(sed -n 's/^      { name = "\([a-z0-9_]*\)"; address = .*/\1/p' "$TMP/norm")
	[ -n "$hosts" ] || bad "no hosts in the normalised $t"
	for h in $hosts; do
		if "$VANLAB" check --edge "$h" "$t" >"$TMP/edge.conf" &&
		    "$VANEDGE" -n -f "$TMP/edge.conf" >/dev/null; then
			ok
		else
			bad "vanedge refuses host $h of $t"
		fi
	done
	for s in $(sed -n 's/^  { name = "\([a-z0-9_]*\)"; underlay = .*/\1/p' "$TMP/norm"); do
		if grep -q '^  internet = ' "$TMP/norm"; then
			"$VANLAB" check --proxy "$s" "$t" >"$TMP/proxy.conf" &&
			    grep -q "^  name = \"$s\";" "$TMP/proxy.conf" && ok ||
			    bad "check --proxy $s $t: not site $s's proxy"
		else
			"$VANLAB" check --proxy "$s" "$t" >/dev/null 2>&1 &&
			    bad "check --proxy $s of one site $t succeeded" || ok
		fi
	done
done

# ------------------------------------------------------------ vanproxy ---

# etc/ names /etc/van/proxy.key: the files are copied to a directory of
# the test's, with a key made there (any 32 bytes in `wg genkey`'s form:
# vanproxy clamps), and that directory is read back as /etc/van/.
D=$TMP/van
mkdir -p "$D" || exit 1
( umask 077 && head -c 32 /dev/urandom | base64 >"$D/proxy.key" ) || exit 1
sed "s|/etc/van/|$D/|g" "$TOP/etc/proxy.conf" >"$D/proxy.conf" &&
    cp "$TOP/etc/peering.conf" "$D/peering.conf" || exit 1
if "$VANPROXY" -n -f "$D/proxy.conf" >"$TMP/out" 2>"$TMP/err"; then
	pub=$(sed -n 's/.*# public key \(.*\)$/\1/p' "$TMP/out")
	sed "s|$D/|/etc/van/|g; s|$pub|PUBLIC-KEY|" "$TMP/out" >"$TMP/norm"
	same etc-proxy.conf.golden "$TMP/norm" "vanproxy -n of etc/proxy.conf"
	if "$VANPROXY" -n -f "$TMP/out" >"$TMP/out2" 2>"$TMP/err" &&
	    cmp -s "$TMP/out" "$TMP/out2"; then
		ok
	else
		bad "vanproxy -n of etc/proxy.conf is not a fixpoint: $(cat "$TMP/err")"
	fi
	grep -qF "$(cut -c1-20 "$D/proxy.key")" "$TMP/out" &&
	    bad "vanproxy -n printed the private key" || ok
else
	bad "vanproxy -n -f etc/proxy.conf: $(cat "$TMP/err")"
fi
# A bad line in the peering file: its own name and line.
echo "peers_extra = 1;" >>"$D/peering.conf"
line=$(wc -l <"$D/peering.conf")
if "$VANPROXY" -n -f "$D/proxy.conf" >"$TMP/out" 2>"$TMP/err"; then
	bad "a bad peering file passed"
elif [ "$(cat "$TMP/err")" != "$D/peering.conf:$line: unknown setting 'peers_extra'" ]
then
	bad "a bad peering file: '$(cat "$TMP/err")'"
elif [ -s "$TMP/out" ]; then
	bad "a refused peering file printed to stdout"
else
	ok
fi
# A key others may read is refused.
cp "$TOP/etc/peering.conf" "$D/peering.conf" || exit 1
chmod 0644 "$D/proxy.key"
if "$VANPROXY" -n -f "$D/proxy.conf" >/dev/null 2>"$TMP/err"; then
	bad "a private key of mode 0644 passed"
elif grep -qF "private_key: $D/proxy.key: key file is accessible by group or others" \
    "$TMP/err"; then
	ok
else
	bad "a key of mode 0644: '$(cat "$TMP/err")'"
fi

if [ "$UPDATE" = --update ]; then
	echo "conf golden: updated tests/golden/conf/*.golden (review: git diff)"
	exit 0
fi
echo "conf golden: $checks passed, $fails failed"
[ $fails -eq 0 ]
