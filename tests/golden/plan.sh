#!/bin/sh
# tests/golden/plan.sh BUILD_DIR [--update] — vanplan's golden test (part
# of `make unit`, so of `make check`; no root, no network).
#
# For each inventory etc/plan/NAME.conf and tests/golden/plan/NAME.conf (a
# gateway pair, whose keepalived.conf names the default PREFIX's programs):
# `vanplan check` (summary, --json,
# --dot) and every file `vanplan plan -o` writes must equal
# tests/golden/plan/NAME/ byte for byte; vanproxy -n must accept each
# site's files (a proxy.conf that @includes its vans.conf and
# peering.conf, with a key and preshared keys the test makes); vanplan
# lint must find them consistent, and find the faults planted in a copy.
# Each tests/golden/plan/bad/NAME.conf must be refused with exit 1 and
# exactly the message in tests/golden/plan/bad/NAME.err.
#
# --update rewrites the golden files from this build (then read the diff).
set -u
B=${1:?usage: $0 BUILD_DIR [--update]}
UPDATE=${2:-}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
G=$TOP/tests/golden/plan
cd "$TOP" || exit 1
VANPLAN=$B/vanplan
VANPROXY=$B/vanproxy
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vanplan-golden.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0 checks=0

bad() { echo "plan golden: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# A private key in `wg genkey`'s format (any 32 bytes; vanproxy clamps).
newkey() { ( umask 077 && head -c 32 /dev/urandom | base64 >"$1" ); }

# Compare file $2 (made now) with golden $1, or refresh it.
same() {
	if [ "$UPDATE" = --update ]; then
		mkdir -p "$(dirname "$1")" && cp "$2" "$1"
	elif cmp -s "$1" "$2"; then
		ok
	else
		bad "$2 differs from ${1#$TOP/}:"; diff -u "$1" "$2" | head -40 >&2
	fi
}

# vanproxy -n on SITE's files in DIR (a plan's DIR/SITE/).
proxy_check() {
	dir=$1 site=$2 w=$TMP/proxy/$site
	rm -rf "$w" && mkdir -p "$w/psk" || return
	newkey "$w/proxy.key"
	sed "s|/etc/van/peers/|$w/psk/|" "$dir/peering.conf" >"$w/peering.conf"
	cp "$dir/vans.conf" "$w/vans.conf"
	for p in $(sed -n 's|.*preshared_key = "\(.*\)";|\1|p' "$w/peering.conf"); do
		newkey "$p"
	done
	cat >"$w/proxy.conf" <<EOF
proxy = { name = "$site"; private_key = "$w/proxy.key"; };
@include "vans.conf"
@include "peering.conf"
EOF
	if "$VANPROXY" -n -f "$w/proxy.conf" >"$w/out" 2>"$w/err"; then
		ok
	else
		bad "vanproxy -n refuses $dir's files: $(cat "$w/err")"
	fi
}

for p in "$VANPLAN" "$VANPROXY"; do
	[ -x "$p" ] || { echo "plan golden: $p not built" >&2; exit 1; }
done

for inv in etc/plan/*.conf tests/golden/plan/*.conf; do
	name=$(basename "$inv" .conf)
	out=$TMP/$name
	"$VANPLAN" check "$inv" >"$TMP/$name.txt" 2>"$TMP/err" ||
	    bad "vanplan check $inv: $(cat "$TMP/err")"
	same "$G/$name/summary.txt" "$TMP/$name.txt"
	"$VANPLAN" check --json "$inv" >"$TMP/$name.json" 2>&1 || bad "check --json $inv"
	same "$G/$name/summary.json" "$TMP/$name.json"
	"$VANPLAN" check --dot "$inv" >"$TMP/$name.dot" 2>&1 || bad "check --dot $inv"
	same "$G/$name/plan.dot" "$TMP/$name.dot"
	"$VANPLAN" plan "$inv" -o "$out" >"$TMP/$name.plan" 2>"$TMP/err" ||
	    bad "vanplan plan $inv: $(cat "$TMP/err")"
	cmp -s "$TMP/$name.txt" "$TMP/$name.plan" || bad "plan and check print differently"
	if [ "$UPDATE" = --update ]; then
		rm -rf "$G/$name/files" && cp -r "$out" "$G/$name/files"
	elif diff -r "$G/$name/files" "$out" >"$TMP/diff" 2>&1; then
		ok
	else
		bad "vanplan plan $inv differs from tests/golden/plan/$name/files:"
		head -40 "$TMP/diff" >&2
	fi
	for d in "$out"/*/; do
		[ -f "$d/peering.conf" ] || continue
		proxy_check "$d" "$(basename "$d")"
	done
	if "$VANPLAN" lint -i "$inv" "$out" >"$TMP/lint" 2>&1; then ok
	else bad "lint of $inv's plan: $(cat "$TMP/lint")"; fi
done

# Lint finds planted faults, each at its line.
L=$TMP/three-sites
sed -i 's/{ local = 300; remote = 100; }/{ local = 300; remote = 101; }/' "$L/b/peering.conf"
sed -i "s/198.51.100.2:51820/198.51.100.9:51820/" "$L/c/peering.conf"
printf 'peers = (\n  { name = "a"; public_key = "%s";\n    vans = ( { local = 1; remote = 2; } ); }\n);\n' \
    "$(sed -n 's|.*public_key = "\(.*\)";|\1|p' "$L/b/peering.conf" | head -1)" >"$L/d.conf"
"$VANPLAN" lint -i etc/plan/three-sites.conf "$L" "$L/d.conf" >/dev/null 2>"$TMP/lint.err"
rc=$?
sed "s|$L/|PLAN/|g" "$TMP/lint.err" >"$TMP/lint.txt"
[ $rc -eq 1 ] || bad "lint of planted faults: exit $rc"
same "$G/lint-faults.txt" "$TMP/lint.txt"

# Refusals: exit 1 and exactly the golden message.
for f in "$G"/bad/*.conf; do
	rel=${f#$TOP/}
	"$VANPLAN" check "$rel" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || bad "$rel: exit $rc, not 1"
	[ -s "$TMP/out" ] && bad "$rel: a refused inventory printed a summary"
	same "${f%.conf}.err" "$TMP/err"
done

# Usage: exit 2.
"$VANPLAN" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "usage: not exit 2"
"$VANPLAN" -h | grep -q '^usage: vanplan plan' && ok || bad "-h"

if [ "$UPDATE" = --update ]; then
	echo "plan golden: updated tests/golden/plan/ (review: git diff)"
	exit 0
fi
echo "plan golden: $checks passed, $fails failed"
[ $fails -eq 0 ]
