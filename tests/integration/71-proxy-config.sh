# 71-proxy-config — vanproxy's configuration check mode, golden: `vanproxy
# -n` of etc/proxy.conf (which includes etc/peering.conf) prints exactly
# conf/etc-proxy.conf.golden and checks to itself (a fixpoint); a bad
# peering file fails with its own "FILE:LINE: message", a non-zero exit
# and nothing on stdout.  The example names /etc/van/proxy.key: the test
# copies both files to a temporary directory, points them at a key it
# makes there (0600), and maps that directory back to /etc/van in the
# output.  No namespaces, no daemon.  (Every refusal is in
# tests/unit/test_proxyconf.c.)
. "$(dirname "$0")/lib.sh"
VANPROXY=$B/vanproxy
[ -x "$VANPROXY" ] || fail "$VANPROXY not built"
C=$HERE/conf
D=$TMP/van
mkdir -p "$D" || fail "mkdir"
( umask 077 && wg genkey >"$D/proxy.key" ) || fail "key (wg genkey)"
PUB=$(wg pubkey <"$D/proxy.key")
sed "s|/etc/van/|$D/|g" "$TOP/etc/proxy.conf" >"$D/proxy.conf" &&
cp "$TOP/etc/peering.conf" "$D/peering.conf" || fail "copy etc/"

"$VANPROXY" -n -f "$D/proxy.conf" >"$TMP/out" 2>"$TMP/err" ||
    fail "vanproxy -n -f etc/proxy.conf: $(cat "$TMP/err")"
sed "s|$D/|/etc/van/|g; s|$PUB|PUBLIC-KEY|" "$TMP/out" >"$TMP/norm"
diff -u "$C/etc-proxy.conf.golden" "$TMP/norm" >&2 ||
    fail "vanproxy -n of etc/proxy.conf differs from conf/etc-proxy.conf.golden"
"$VANPROXY" -n -f "$TMP/out" >"$TMP/out2" 2>"$TMP/err" ||
    fail "vanproxy -n of its own output: $(cat "$TMP/err")"
cmp -s "$TMP/out" "$TMP/out2" || fail "vanproxy -n of etc/proxy.conf is not a fixpoint"
say "etc/proxy.conf + etc/peering.conf print their golden form, a fixpoint"
grep -q "$(cut -c1-20 "$D/proxy.key")" "$TMP/out" && fail "the private key was printed"

# A bad line in the peering file: its own name and line.
echo "peers_extra = 1;" >>"$D/peering.conf"
line=$(wc -l <"$D/peering.conf")
if "$VANPROXY" -n -f "$D/proxy.conf" >"$TMP/out" 2>"$TMP/err"; then
	fail "a bad peering file passed"
fi
[ "$(cat "$TMP/err")" = "$D/peering.conf:$line: unknown setting 'peers_extra'" ] ||
    fail "bad peering file: '$(cat "$TMP/err")'"
[ ! -s "$TMP/out" ] || fail "a refused file printed to stdout"
say "a bad peering file: '$D/peering.conf:$line: unknown setting 'peers_extra''"
# A key others may read is refused.
cp "$TOP/etc/peering.conf" "$D/peering.conf" || fail "copy etc/peering.conf"
chmod 0644 "$D/proxy.key"
"$VANPROXY" -n -f "$D/proxy.conf" >/dev/null 2>"$TMP/err" && fail "a 0644 key passed"
grep -q "private_key: $D/proxy.key: key file is accessible by group or others" \
    "$TMP/err" || fail "0644 key: '$(cat "$TMP/err")'"
say "a private key readable by others: refused"
