# 70-config — configuration check mode, golden: `vanedge -n` of etc/edge.conf
# and of conf/good-*.conf prints exactly its .golden file, and its output
# checks to itself (a fixpoint); each conf/bad-*.conf fails with exactly
# the "FILE:LINE: message" its first line expects, and a non-zero exit.
# The same for vanlab topologies (conf/lab-bad-*.conf, `vanlab check`).
. "$(dirname "$0")/lib.sh"
C=$HERE/conf
cd "$C" || fail "cd $C"

golden() {	# golden FILE GOLDEN
	"$VANEDGE" -n -f "$1" >"$TMP/out" 2>"$TMP/err" ||
	    fail "vanedge -n -f $1: $(cat "$TMP/err")"
	diff -u "$2" "$TMP/out" >&2 || fail "vanedge -n -f $1 differs from $2"
	"$VANEDGE" -n -f "$TMP/out" >"$TMP/out2" 2>"$TMP/err" ||
	    fail "vanedge -n of its own output: $(cat "$TMP/err")"
	cmp -s "$TMP/out" "$TMP/out2" || fail "vanedge -n of $1 is not a fixpoint"
}

n=0
if [ -f "$TOP/etc/edge.conf" ]; then
	golden "$TOP/etc/edge.conf" "$C/etc-edge.conf.golden"
	n=$((n + 1))
else
	fail "etc/edge.conf is missing"
fi
for f in good-*.conf; do
	golden "$f" "${f%.conf}.golden"
	n=$((n + 1))
done
say "$n files print their golden normalised form, and are fixpoints"

expect_error() {	# expect_error FILE CMD...
	f=$1
	shift
	want="$f:$(sed -n '1s/^# expect: //p' "$f")"
	[ "$want" != "$f:" ] || fail "$f has no '# expect:' first line"
	if "$@" "$f" >"$TMP/out" 2>"$TMP/err"; then
		fail "$* $f succeeded"
	fi
	got=$(cat "$TMP/err")
	[ "$got" = "$want" ] || fail "$* $f:
	  got  '$got'
	  want '$want'"
	[ ! -s "$TMP/out" ] || fail "$* $f printed to stdout"
}
n=0
for f in bad-*.conf; do
	expect_error "$f" "$VANEDGE" -n -f
	n=$((n + 1))
done
say "$n bad vanedge files: the exact FILE:LINE: message, exit non-zero"
"$VANEDGE" -n -f no-such.conf 2>"$TMP/err" && fail "a missing file passed"
[ "$(cat "$TMP/err")" = "no-such.conf:0: cannot read: No such file or directory" ] ||
    fail "missing file: $(cat "$TMP/err")"

n=0
for f in lab-bad-*.conf; do
	expect_error "$f" "$VANLAB" check
	expect_error "$f" "$VANLAB" up --prefix "$PFX"
	n=$((n + 1))
done
[ ! -d "$STATE" ] || fail "a refused topology left state behind"
say "$n bad topologies: the exact FILE:LINE: message from check and up"
# The shipped topologies check, and their edge configurations too; with
# several sites every proxy's files (vanproxy's own parser reads them in
# test_lab, with real keys).
n=0
for t in "$TOP"/etc/lab/*.conf "$HERE"/lab.conf "$HERE"/fed*.conf; do
	"$VANLAB" check "$t" >"$TMP/norm" || fail "vanlab check $t"
	"$VANLAB" check "$TMP/norm" | cmp -s - "$TMP/norm" ||
	    fail "vanlab check of $t is not a fixpoint"
	hosts=$(sed -n 's/^      { name = "\([a-z0-9_]*\)"; address = .*/\1/p' "$TMP/norm")
	[ -n "$hosts" ] || fail "no hosts in the normalised $t"
	for h in $hosts; do
		"$VANLAB" check --edge $h "$t" >"$TMP/edge.conf" || fail "check --edge $h $t"
		"$VANEDGE" -n -f "$TMP/edge.conf" >/dev/null || fail "vanedge refuses $h of $t"
	done
	for s in $(sed -n 's/^  { name = "\([a-z0-9_]*\)"; underlay = .*/\1/p' "$TMP/norm"); do
		if grep -q '^  internet = ' "$TMP/norm"; then
			"$VANLAB" check --proxy $s "$t" >"$TMP/proxy.conf" ||
			    fail "check --proxy $s $t"
			grep -q "^  name = \"$s\";" "$TMP/proxy.conf" ||
			    fail "check --proxy $s $t: not site $s's proxy"
		else
			"$VANLAB" check --proxy $s "$t" >/dev/null 2>&1 &&
			    fail "check --proxy $s of one site $t succeeded"
		fi
	done
	n=$((n + 1))
done
say "$n lab topologies (etc/lab, lab.conf, fed*.conf) check; vanedge accepts their" \
    "host files; each proxy's files are written"

# A site key another user owns, even at mode 0600, is refused: its owner
# could chmod it or put a key of its own there (docs/security.md).
( umask 077 && wg genkey >"$TMP/site.key" ) || fail "wg genkey"
chown 65534:65534 "$TMP/site.key" || fail "chown"
printf 'edge = {\n  site_key = "%s";\n};\n' "$TMP/site.key" >"$TMP/owned.conf"
"$VANEDGE" -n -f "$TMP/owned.conf" >/dev/null 2>"$TMP/err" &&
    fail "vanedge took a site key owned by uid 65534"
want="$TMP/owned.conf:2: site_key: $TMP/site.key: key file is owned by uid 65534, neither root nor this daemon's user (uid 0); refusing it: chown it"
[ "$(cat "$TMP/err")" = "$want" ] || fail "key owner: got '$(cat "$TMP/err")'"
chown 0:0 "$TMP/site.key" && "$VANEDGE" -n -f "$TMP/owned.conf" >/dev/null ||
    fail "the same key owned by root is refused"
say "a site key file owned by another user is refused with FILE:LINE; owned by root it loads"
