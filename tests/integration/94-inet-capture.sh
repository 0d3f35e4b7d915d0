# 94-inet-capture — what crosses the "internet" between two sites
# (fed2.conf): tcpdump on the internet switch while VMs of both VANs talk
# across the sites (datagrams with a known text, ping, TCP) and while b's
# proxy restarts (a new handshake).  Every frame on the wire is IPv4 UDP
# between the two proxies' internet addresses, port 51820 to 51820, or an
# ARP between them, or the ICMP "port unreachable" of a proxy's kernel
# about a tunnel datagram while that proxy restarts; every datagram a
# WireGuard message no larger than the wire's MTU (the proxies' trains of
# datagrams, sent as one UDP_SEGMENT each, are cut into datagrams before
# the wire): type 1-4 in its first byte and three zero bytes, 148
# bytes for an initiation, 92 for a response, 64 for a cookie reply, at
# least 32 and a multiple of 16 for transport data.  Initiations,
# responses and transport data are all seen, none dropped by the capture,
# and nothing of the inside shows: not the text the VMs sent, not their
# MACs, not the pair of their addresses, not a host's.
. "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || fail "tcpdump missing"
lab_up "$HERE/fed2.conf"
INET=$PFX-inet
TEXT=VANFED-INSIDE-$$-PLAINTEXT

ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 before the capture"
bg ip netns exec "$INET" tcpdump -i br0 -n -U -B 65536 -s 0 \
    -w "$TMP/inet.pcap" 2>"$TMP/tcpdump.err"
echo "$BG" >"$TMP/tcpdump.pid"
listening() { grep -q "listening on br0" "$TMP/tcpdump.err"; }
poll 10 listening || fail "tcpdump on $INET did not start"
sleep 0.2
# A new handshake on the wire: b's proxy restarts, and starts anew.
"$VANLAB" restart --prefix "$PFX" b-gw >/dev/null || fail "vanlab restart b-gw"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after b's proxy restarted"

for v in b3 r4; do
	bg vm $v python3 "$T" udp-sink 0.0.0.0 9000 "$TMP/$v.sink" 30
done
poll 10 sh -c "test -e '$TMP/b3.sink' && test -e '$TMP/r4.sink'" || fail "udp sinks"
vm b1 python3 "$T" udp-send 10.0.0.13 9000 50 2 "$TEXT" || fail "udp-send b1"
vm r2 python3 "$T" udp-send 10.0.0.14 9000 50 2 "$TEXT" || fail "udp-send r2"
got() { [ "$(sink_count "$TMP/b3.sink")" -ge 50 ] && [ "$(sink_count "$TMP/r4.sink")" -ge 50 ]; }
poll 10 got || fail "b3 got $(sink_count "$TMP/b3.sink"), r4 $(sink_count "$TMP/r4.sink") of 50"
vm b2 ping -n -q -c 20 -i 0.05 10.0.0.14 >/dev/null || fail "ping b2 -> b4"
bg vm b4 python3 "$T" tcp-recv 0.0.0.0 5001 "$TMP/b4.tcp" 30
poll 10 test -e "$TMP/b4.tcp.ready" || fail "tcp-recv in b4"
vm b1 python3 "$T" tcp-send 10.0.0.14 5001 5 2000000 30 >/dev/null || fail "tcp-send b1 -> b4"
poll 10 test -s "$TMP/b4.tcp" || fail "TCP b1 -> b4 did not finish"
# The proxies sent trains of tunnel datagrams as single UDP_SEGMENT sends;
# the wire (checked below) still carries them one by one.
gso=0
for s in a b; do
	gso=$((gso + $(pctl $s show stats | jpy "j['tunnel']['gso_sends']")))
done
[ "$gso" -gt 0 ] || fail "no coalesced tunnel send"
# The kernel hands tcpdump its buffer within a second (no immediate mode:
# fewer wake-ups, nothing dropped on a busy machine).
sleep 1.5
stop "$(cat "$TMP/tcpdump.pid")"

# Every frame on the wire is in the file: none dropped.
grep -q "^0 packets dropped by kernel" "$TMP/tcpdump.err" ||
    fail "tcpdump: $(grep dropped "$TMP/tcpdump.err")"
python3 "$T" pcap-wg "$TMP/inet.pcap" 51820 10.76.0.11 10.76.0.12 >"$TMP/wg" ||
    fail "the capture: $(cat "$TMP/wg")"
say "capture on the internet switch: $(head -1 "$TMP/wg")"
c() { head -1 "$TMP/wg" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
[ "$(c type1)" -ge 1 ] && [ "$(c type2)" -ge 1 ] || fail "no handshake in the capture"
[ "$(c type4)" -ge 1000 ] || fail "only $(c type4) transport messages"
say "every frame: IPv4 UDP 10.76.0.11:51820 <-> 10.76.0.12:51820 (or their ARP), a" \
    "WireGuard message of the right size; $(c type1) initiations, $(c type2) responses," \
    "$(c type3) cookie replies, $(c type4) transport ($(c keepalive) keepalives);" \
    "$(c icmp_unreachable) ICMP unreachable about tunnel datagrams (b restarting)"

hex_text=$(printf %s "$TEXT" | od -An -tx1 | tr -d ' \n')
# The same search finds the proxies' address pair in the IP headers.
set -- $(python3 "$T" pcap-grep "$TMP/inet.pcap" 0a4c000b0a4c000c)
[ "$1" -gt 0 ] || fail "pcap-grep does not find the proxies' addresses"
say "pcap-grep finds 10.76.0.11 -> 10.76.0.12 in $1 IP headers"
set -- $(python3 "$T" pcap-grep "$TMP/inet.pcap" "$hex_text" 02000a00000b 02000a00000d \
    02000a00000c 02000a00000e 0a00000b0a00000d 0a00000c0a00000e 0a4d010b 0a4d020b)
what="the VMs' text;b1's MAC;b3's MAC;b2's MAC;b4's MAC;b1->b3 addresses;b2->b4 addresses;h1's address;h3's address"
i=0
for n in "$@"; do
	i=$((i + 1))
	w=$(echo "$what" | cut -d';' -f$i)
	[ "$n" = 0 ] || fail "the capture shows $w ($n times)"
done
say "in $(c frames) frames none of: $(echo "$what" | sed 's/;/, /g')"
