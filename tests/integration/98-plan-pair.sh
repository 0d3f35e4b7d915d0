# 98-plan-pair — vanplan's files for a site's gateway pair are what
# keepalived and vanproxy take.  vanplan plans tests/golden/plan/
# pair-sites.conf (four sites; a runs its vanproxy as the pair a-gw1,
# a-gw2) into $TMP: the summary names the pair, and the files are the
# golden ones (tests/golden/plan/pair-sites/files/; the programs' paths
# read as the default PREFIX's).  vanproxy -n takes a proxy.conf whose
# `proxy` group includes pair.conf: ha, listen on the endpoint, site_listen
# on the site VIP, the drain file.  In a namespace with interfaces eth0
# and eth1 (dummies; veths where the kernel has no dummy driver),
# `keepalived --config-test` accepts both keepalived.conf files, with the
# programs they run (vanfed-notify, vanproxy, vanctl of this build) where
# they name them — SBINDIR and BINDIR bind-mounted in a private mount
# namespace, the host's own stay as they are — and refuses a broken copy
# (the check can fail).  The two files differ in the header, router_id,
# priority, unicast_src_ip and unicast_peer only, node 1 preferred and
# each one's peer the other's source.  Needs keepalived (Debian's 2.2.7).
. "$(dirname "$0")/lib.sh"
VANPLAN=$B/vanplan
VANPROXY=$B/vanproxy
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
for p in "$VANPLAN" "$VANPROXY" "$VANCTL" "$KEEPALIVED"; do
	[ -x "$p" ] || fail "$p missing"
done
INV=$TOP/tests/golden/plan/pair-sites.conf
G=$TOP/tests/golden/plan/pair-sites/files
P=$TMP/plan
K1=$P/a/a-gw1/keepalived.conf
K2=$P/a/a-gw2/keepalived.conf

say "vanplan plan pair-sites.conf"
"$VANPLAN" plan "$INV" -o "$P" >"$TMP/summary" 2>"$TMP/err" ||
    fail "vanplan plan: $(cat "$TMP/err")"
grep -qx 'gateway pairs: a (a-gw1, a-gw2)' "$TMP/summary" ||
    fail "the summary does not name a's pair: $(cat "$TMP/summary")"
for f in "$K1" "$K2" "$P/a/pair.conf" "$P/a/peering.conf" "$P/b/peering.conf"; do
	[ -s "$f" ] || fail "${f#$TMP/} not written"
done
[ -e "$P/b/pair.conf" ] && fail "b has no pair but got a pair.conf"

# Where this build's keepalived.conf runs the programs from.
SBIN=$(sed -n 's|^    process "\(.*\)/vanproxy" -f .*|\1|p' "$K1")
BIN=$(sed -n 's|^    script "\(.*\)/vanctl -s .*|\1|p' "$K1")
[ -n "$SBIN" ] && [ -n "$BIN" ] || fail "no vanproxy or vanctl path in ${K1#$TMP/}"
say "programs: $SBIN/vanfed-notify, $SBIN/vanproxy, $BIN/vanctl"

say "the files are the golden ones"
cp -r "$P" "$TMP/norm"
for f in "$TMP"/norm/a/*/keepalived.conf; do
	sed -i "s|\"$SBIN/|\"/usr/local/sbin/|g; s|\"$BIN/|\"/usr/local/bin/|g" "$f"
done
diff -r "$G" "$TMP/norm" >"$TMP/diff" 2>&1 ||
    fail "vanplan's files differ from the golden ones: $(head -30 "$TMP/diff")"

say "vanproxy -n: pair.conf in proxy.conf's proxy group"
W=$TMP/gw
mkdir -p "$W"
(umask 077 && head -c 32 /dev/urandom | base64 >"$W/proxy.key")
cp "$P/a/pair.conf" "$P/a/vans.conf" "$P/a/peering.conf" "$W/"
cat >"$W/proxy.conf" <<EOF
proxy = { name = "a"; private_key = "$W/proxy.key";
  @include "pair.conf"
};
@include "vans.conf"
@include "peering.conf"
EOF
"$VANPROXY" -n -f "$W/proxy.conf" >"$W/out" 2>"$W/err" ||
    fail "vanproxy -n refuses pair.conf: $(cat "$W/err")"
for l in 'ha = true;' 'listen = "198.51.100.1:51820";' \
    'site_listen = "10.77.1.10:4797";' 'drain_file = "/run/van/pair/drain";'; do
	grep -qF "  $l" "$W/out" || fail "vanproxy -n: no '$l' in $(cat "$W/out")"
done

say "the two nodes differ where they should"
norm() {
	sed -e 's/^# keepalived.conf of .*/# keepalived.conf of NODE/' \
	    -e 's/^    router_id .*/    router_id ID/' \
	    -e 's/^    priority .*/    priority PRIO/' \
	    -e 's/^    unicast_src_ip .*/    unicast_src_ip SRC/' \
	    -e '/^    unicast_peer {$/{n;s/.*/        PEER/;}' "$1"
}
norm "$K1" >"$TMP/n1"
norm "$K2" >"$TMP/n2"
diff "$TMP/n1" "$TMP/n2" >"$TMP/ndiff" ||
    fail "the nodes' files differ elsewhere: $(cat "$TMP/ndiff")"
grep -q '^# keepalived.conf of a-gw1, node 1 .*(with a-gw2)' "$K1" &&
    grep -q '^# keepalived.conf of a-gw2, node 2 .*(with a-gw1)' "$K2" ||
    fail "the headers do not name the node and its twin"
grep -qx '    router_id a-gw1' "$K1" && grep -qx '    router_id a-gw2' "$K2" ||
    fail "router_id is not the gateway's name"
[ "$(grep -c '^    priority 150$' "$K1")" = 2 ] &&
    [ "$(grep -c '^    priority 100$' "$K2")" = 2 ] ||
    fail "node 1 is not the preferred one on both sides"
src() { sed -n 's/^    unicast_src_ip //p' "$1" | tr '\n' ' '; }
peer() { sed -n '/^    unicast_peer {$/{n;s/^ *//p;}' "$1" | tr '\n' ' '; }
[ "$(src "$K1")" = "10.77.1.253 198.51.100.2 " ] &&
    [ "$(src "$K2")" = "10.77.1.252 198.51.100.3 " ] ||
    fail "unicast_src_ip: $(src "$K1")/ $(src "$K2")"
[ "$(peer "$K1")" = "$(src "$K2")" ] && [ "$(peer "$K2")" = "$(src "$K1")" ] ||
    fail "unicast_peer is not the twin's address: $(peer "$K1")/ $(peer "$K2")"

say "keepalived --config-test in a namespace with eth0 and eth1"
NS=$PFX-pair
EXTRA_NS="$EXTRA_NS $NS"
ip netns add "$NS" || fail "ip netns add $NS"
for d in eth0 eth1; do
	ip -n "$NS" link add "$d" type dummy 2>/dev/null ||
	    ip -n "$NS" link add "$d" type veth peer name "${d}p" ||
	    fail "no interface $d in $NS"
	ip -n "$NS" link set "$d" up || fail "$d up"
done
# keepalived checks that the scripts exist and are root's (script
# security): this build's programs at the paths the files name.
for d in "$SBIN" "$BIN"; do
	[ -d "$d" ] || fail "$d does not exist: nothing to mount this build's programs on"
done
mkdir -p "$TMP/sbin" "$TMP/bin"
NOTIFY=$B/vanfed-notify
[ -x "$NOTIFY" ] || NOTIFY=$TOP/contrib/keepalived/vanfed-notify
[ -x "$NOTIFY" ] || fail "no vanfed-notify ($B or contrib/keepalived/)"
install -m 0755 "$NOTIFY" "$TMP/sbin/vanfed-notify" &&
    install -m 0755 "$VANPROXY" "$TMP/sbin/vanproxy" &&
    install -m 0755 "$VANCTL" "$TMP/bin/vanctl" || fail "install the programs"
if [ "$SBIN" = "$BIN" ]; then
	cp "$TMP/bin/vanctl" "$TMP/sbin/" || fail "cp vanctl"
fi
# kcheck FILE — keepalived's verdict on FILE, in the namespace.
kcheck() {
	ip netns exec "$NS" unshare -m sh -c '
		mount --bind "$1" "$2" || exit 90
		if [ "$2" != "$4" ]; then mount --bind "$3" "$4" || exit 90; fi
		exec "$5" --config-test -f "$6"' sh "$TMP/sbin" "$SBIN" "$TMP/bin" \
	    "$BIN" "$KEEPALIVED" "$1" >"$TMP/k.out" 2>&1
}
for f in "$K1" "$K2"; do
	kcheck "$f" || fail "keepalived refuses ${f#$TMP/} (exit $?): $(cat "$TMP/k.out")"
	[ -s "$TMP/k.out" ] && fail "keepalived warns on ${f#$TMP/}: $(cat "$TMP/k.out")"
done
say "keepalived accepts both"
sed 's/^    virtual_router_id 51$/    virtual_router_id 256/' "$K1" >"$TMP/broken.conf"
cmp -s "$K1" "$TMP/broken.conf" && fail "no virtual_router_id 51 to break"
kcheck "$TMP/broken.conf" &&
    fail "keepalived accepts a VRID of 256: the check cannot fail"
grep -q "256" "$TMP/k.out" ||
    fail "keepalived refused the broken copy, not for its VRID: $(cat "$TMP/k.out")"
say "and refuses a broken copy: $(head -1 "$TMP/k.out")"
exit 0
