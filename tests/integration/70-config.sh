# 70-config — what of the configuration check needs root (the rest, `-n`
# of every daemon and `vanlab check`, is tests/golden/conf.sh, in `make
# unit`): `vanlab up` refuses each topology of tests/golden/conf/
# lab-bad-*.conf with exactly the "FILE:LINE: message" check gives, and
# leaves no state (as root, a refusal that regressed would bring a lab
# up: this test's trap takes it down); a site key another user owns is
# refused even at mode 0600.
. "$(dirname "$0")/lib.sh"
C=$TOP/tests/golden/conf
cd "$C" || fail "cd $C"

n=0
for f in lab-bad-*.conf; do
	want="$f:$(sed -n '1s/^# expect: //p' "$f")"
	[ "$want" != "$f:" ] || fail "$f has no '# expect:' first line"
	if "$VANLAB" up --prefix "$PFX" "$f" >"$TMP/out" 2>"$TMP/err"; then
		LAB_UP=1
		fail "vanlab up $f succeeded"
	fi
	got=$(cat "$TMP/err")
	[ "$got" = "$want" ] || fail "vanlab up $f:
	  got  '$got'
	  want '$want'"
	[ ! -s "$TMP/out" ] || fail "vanlab up $f printed to stdout"
	n=$((n + 1))
done
[ ! -d "$STATE" ] || fail "a refused topology left state behind"
say "$n bad topologies: vanlab up refuses each with check's FILE:LINE: message"

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
