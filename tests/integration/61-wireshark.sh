# 61-wireshark — contrib/wireshark/vanfed.lua decodes what the lab's edges
# send, and survives what they must refuse.
#
# Twice, on a two-host site (blue 100 and red 200 on both hosts), without
# and with a site key: tcpdump on the site switch while VMs ping in both
# VANs (DATA), one asks for an address nobody has (FLOOD of an ARP request)
# and b2 moves to h1 and back (h2 LEAVEs blue and JOINs it again, the new
# host announces with LEARN, the old one withdraws with UNLEARN; HELLO all
# along).  Then tshark with the dissector: every datagram on port 4797 is
# a VAN message, all seven types show with their names, the VAN IDs are the
# lab's (0 in HELLO only), the pings are found inside DATA (-Y icmp) of
# each VAN and the ARP inside FLOOD, nothing is marked malformed and no Lua
# error shows.  With the site key every control message has its trailer:
# pair-keyed, counters rising per direction, and h2's HELLO epoch is the
# one h1 knows for h2.  The edges' UDP GSO trains are cut before the wire
# (gso_max_segs 1, as a NIC without UDP segmentation offload would).
#
# Then a pcap written by hand: good messages around truncated headers, a
# wrong version, LEARNs with short bodies and overrunning counts, padding
# longer than the message, a frame with the AUTH flag, a short trailer, an
# unknown type, ...: each bad one is marked malformed (expert info and
# _ws.malformed) with wire_decode's drop reason, the good ones decode,
# tshark exits 0.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || fail "tshark missing (tests/deps.sh all installs it)"
command -v tcpdump >/dev/null || fail "tcpdump missing"
LUA=$TOP/contrib/wireshark/vanfed.lua
[ -r "$LUA" ] || fail "no $LUA"

cat >"$TMP/ws.conf" <<'EOF'
lab = { hello_interval = 250; dead_after = 4; mtu = 1400; ipv6 = false; };
vans = ( { name = "blue"; id = 100; }, { name = "red"; id = 200; } );
sites = (
  { name = "a"; underlay = "10.77.1.0/24";
    hosts = (
      { name = "h1"; vms = (
          { name = "b1"; van = "blue"; ip = "10.0.0.11/24"; },
          { name = "r1"; van = "red";  ip = "10.0.0.11/24"; } ); },
      { name = "h2"; vms = (
          { name = "b2"; van = "blue"; ip = "10.0.0.12/24"; },
          { name = "r2"; van = "red";  ip = "10.0.0.12/24"; } ); }
    ); }
);
EOF
sed 's/^lab = { /lab = { site_key = true; /' "$TMP/ws.conf" >"$TMP/ws-key.conf"

# ts FILE ARGS... — tshark with the dissector; stderr to FILE.err, which
# must hold nothing but tshark's warning about running as root.
ts() {
	f=$1
	shift
	tshark -n -X lua_script:"$LUA" -r "$f" "$@" 2>>"$f.err" || fail "tshark -r $f $*: exit $?"
}
clean_stderr() {
	if grep -v 'Running as user "root"' "$1.err" | grep -q .; then
		fail "tshark on $1 said: $(grep -v 'Running as user' "$1.err" | head -5)"
	fi
}
# n FILE FILTER — packets of FILE that FILTER matches.
n() { ts "$1" -Y "$2" -T fields -e frame.number | wc -l; }

# capture NAME CONF [wire] — a lab, traffic, the capture in $TMP/NAME.pcap;
# wire: the hosts' underlay sends datagram by datagram, as a NIC without
# UDP segmentation offload (without it the edges' trains of datagrams
# cross the veths, and the capture, as one: the dissector splits them).
capture() {
	cap=$TMP/$1.pcap
	lab_up "$2"
	if [ "${3:-}" = wire ]; then
		for h in h1 h2; do
			vm $h ip link set dev eth0 gso_max_segs 1 || fail "gso_max_segs on $h"
		done
	fi
	ping_ok b1 10.0.0.12 || fail "$1: b1 does not reach b2"
	bg ip netns exec "$PFX-a-sw" tcpdump -i br0 -n -U --immediate-mode -s 0 -w "$cap" \
	    udp port 4797 2>"$TMP/$1.tcpdump"
	tcpd=$BG
	poll 10 grep -q "listening on br0" "$TMP/$1.tcpdump" || fail "$1: tcpdump did not start"
	vm b1 ping -n -q -c 5 -i 0.1 10.0.0.12 >/dev/null || fail "$1: ping b1 -> b2"
	vm r2 ping -n -q -c 5 -i 0.1 10.0.0.11 >/dev/null || fail "$1: ping r2 -> r1"
	vm b1 ping -n -q -c 1 -W 1 10.0.0.99 >/dev/null 2>&1	# nobody: ARP floods
	"$VANLAB" migrate --prefix "$PFX" b2 h1 >/dev/null || fail "$1: migrate b2 h1"
	ping_ok b1 10.0.0.12 || fail "$1: b1 does not reach b2 on h1"
	"$VANLAB" migrate --prefix "$PFX" b2 h2 >/dev/null || fail "$1: migrate b2 h2"
	ping_ok b1 10.0.0.12 || fail "$1: b1 does not reach b2 back on h2"
	vm b1 ping -n -q -c 3 -i 0.1 10.0.0.12 >/dev/null || fail "$1: ping b1 -> b2 after"
	EPOCH2=$(member epoch h1 10.77.1.12)
	sleep 0.6	# HELLOs; tcpdump has each packet at once (--immediate-mode)
	stop "$tcpd"
	grep -q "^0 packets dropped by kernel" "$TMP/$1.tcpdump" ||
	    fail "$1: tcpdump: $(grep dropped "$TMP/$1.tcpdump")"
	"$VANLAB" down --prefix "$PFX" >/dev/null || fail "$1: vanlab down"
	LAB_UP=0
}

# decoded NAME — the checks that both captures pass.
decoded() {
	cap=$TMP/$1.pcap
	all=$(n "$cap" "udp.port == 4797")
	[ "$all" -gt 0 ] || fail "$1: nothing captured"
	[ "$(n "$cap" "udp.port == 4797 && !vanfed")" -eq 0 ] ||
	    fail "$1: datagrams on 4797 not decoded as VAN messages"
	ts "$cap" -Y vanfed -T fields -E occurrence=a -E aggregator=, \
	    -e vanfed.type -e vanfed.van >"$TMP/$1.fields"
	ts "$cap" -Y vanfed -O vanfed >"$TMP/$1.tree"
	counts=""
	for e in 1:0001:DATA 2:0010:FLOOD 3:0011:LEARN 4:0100:UNLEARN 5:0101:JOIN \
	    6:0110:LEAVE 7:0111:HELLO; do
		t=${e%%:*} bits=${e#*:} name=${e##*:}
		bits=${bits%:*}
		c=$(cut -f1 "$TMP/$1.fields" | tr , '\n' | grep -cx "$t")
		c2=$(grep -c "^    \.\.\.\. $bits = Type: $name ($t)\$" "$TMP/$1.tree")
		[ "$c" -gt 0 ] || fail "$1: no $name (type $t) in the capture"
		[ "$c2" -eq "$c" ] || fail "$1: $c of type $t, $c2 named $name"
		counts="$counts $name $c"
	done
	say "$1: $all datagrams on 4797, all VAN messages:$counts;" \
	    "$(n "$cap" vanfed.train.count) GSO trains split"
	# one message: type, both IDs; a train: types, then two IDs each
	bad=$(awk -F'\t' '{
	    nt = split($1, t, ","); nv = split($2, v, ",")
	    if (nv != 2 * nt) { print; next }
	    for (i = 1; i <= nt; i++) {
		s = v[2 * i - 1] "," v[2 * i]
		if (!((t[i] == 7 && s == "0,0") || (t[i] != 7 && (s == "100,100" || s == "200,200"))))
			{ print; next }
	    } }' "$TMP/$1.fields" | head -3)
	[ -z "$bad" ] || fail "$1: VAN IDs not the lab's: $bad"
	for v in 100 200; do
		[ "$(n "$cap" "vanfed.van == $v && vanfed.type != 7")" -gt 0 ] ||
		    fail "$1: no message of VAN $v"
	done
	# The frames inside: pings in DATA of both VANs, the ARP in FLOOD.
	pb=$(n "$cap" "vanfed.type == 1 && vanfed.van == 100 && icmp.type == 8 && ip.src == 10.0.0.11 && ip.dst == 10.0.0.12")
	rb=$(n "$cap" "vanfed.type == 1 && vanfed.van == 100 && icmp.type == 0 && ip.src == 10.0.0.12")
	pr=$(n "$cap" "vanfed.type == 1 && vanfed.van == 200 && icmp.type == 8 && ip.src == 10.0.0.12 && ip.dst == 10.0.0.11")
	arp=$(n "$cap" "vanfed.type == 2 && arp.opcode == 1 && arp.dst.proto_ipv4 == 10.0.0.99")
	[ "$pb" -ge 8 ] && [ "$rb" -ge 8 ] && [ "$pr" -ge 5 ] ||
	    fail "$1: pings inside DATA: blue $pb requests, $rb replies; red $pr requests"
	[ "$arp" -ge 1 ] || fail "$1: no ARP request for 10.0.0.99 inside FLOOD"
	[ "$(n "$cap" icmp)" -ge $((pb + rb + pr)) ] || fail "$1: -Y icmp misses pings"
	say "$1: inside DATA: blue $pb echo requests, $rb replies; red $pr requests;" \
	    "inside FLOOD: $arp ARP requests for 10.0.0.99"
	m=$(n "$cap" "vanfed.malformed || vanfed.dropped || vanfed.truncated || _ws.malformed || _ws.lua.error")
	[ "$m" -eq 0 ] || fail "$1: $m messages marked: $(ts "$cap" -Y _ws.expert -T fields -e _ws.expert.message | sort | uniq -c | head -3)"
	clean_stderr "$cap"
}

capture plain "$TMP/ws.conf"
decoded plain
[ "$(n "$TMP/plain.pcap" "vanfed.flags.auth == 1 || vanfed.auth")" -eq 0 ] ||
    fail "plain: a trailer without a site key"

capture keyed "$TMP/ws-key.conf" wire
decoded keyed
cap=$TMP/keyed.pcap
[ "$(n "$cap" vanfed.train.count)" -eq 0 ] || fail "keyed: a GSO train on the wire"
ctl_all=$(n "$cap" "vanfed.type >= 3")
ctl_auth=$(n "$cap" "vanfed.type >= 3 && vanfed.flags.auth == 1 && vanfed.flags.pair == 1 && vanfed.auth.counter && vanfed.auth.tag && vanfed.auth.key contains \"pair key\"")
[ "$ctl_all" -gt 0 ] && [ "$ctl_auth" -eq "$ctl_all" ] ||
    fail "keyed: $ctl_auth of $ctl_all control messages with a pair-keyed trailer"
[ "$(n "$cap" "vanfed.type <= 2 && vanfed.auth")" -eq 0 ] || fail "keyed: a frame with a trailer"
# Counters: per direction, rising in the order of the capture.
ts "$cap" -Y "vanfed.auth" -T fields -E occurrence=f -e ip.src -e ip.dst -e vanfed.auth.epoch \
    -e vanfed.auth.counter >"$TMP/ctr"
awk -F'\t' '{ k = $1 " " $2 " " $3; if ((k in last) && $4 + 0 <= last[k]) { print; exit 1 } last[k] = $4 + 0 }' \
    "$TMP/ctr" || fail "keyed: counters not rising: $(awk 'NR < 4' "$TMP/ctr")"
dirs=$(cut -f1,2 "$TMP/ctr" | sort -u | wc -l)
[ "$dirs" -eq 2 ] || fail "keyed: trailers in $dirs directions, not 2"
# h2's HELLO to h1: body epoch and trailer epoch are the epoch h1 knows.
ts "$cap" -Y "vanfed.type == 7 && ip.src == 10.77.1.12 && ip.dst == 10.77.1.11" -T fields \
    -e vanfed.hello.epoch -e vanfed.auth.epoch -e vanfed.auth.counter >"$TMP/hello2"
[ -s "$TMP/hello2" ] || fail "keyed: no HELLO of h2 to h1"
read -r he ae hc <"$TMP/hello2"
[ "$he" = "$ae" ] && [ "$(printf %016x "$ae")" = "$EPOCH2" ] ||
    fail "keyed: h2's HELLO epoch $he, trailer $ae; h1 knows $EPOCH2"
say "keyed: all $ctl_all control messages carry a pair-keyed trailer; counters rise in" \
    "both directions; h2's HELLO epoch $he (0x$EPOCH2) in body and trailer, counter $hc first"

# Malformed datagrams, written by hand: Ethernet, IPv4, UDP 4797.  Each
# line of $TMP/expect: "good" or the drop reason wire_decode gives.
python3 - "$TMP/crafted.pcap" "$TMP/expect" <<'EOF'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

def datagram(msg):
    udp = struct.pack("!HHHH", 4797, 4797, 8 + len(msg), 0) + msg
    return (bytes.fromhex("02000a4d010c02000a4d010b0800") +
            ipv4([10, 77, 1, 11], [10, 77, 1, 12], 17, udp))

def hdr(t, van=100, flags=0, hop=16, pad=0, ver=1):
    return struct.pack("!BBBBII", ver << 4 | t, flags, hop, pad, van, van)

B1, B2 = bytes.fromhex("02000a00000b"), bytes.fromhex("02000a00000c")
ping = B2 + B1 + b"\x08\x00" + ipv4([10, 0, 0, 11], [10, 0, 0, 12], 1,
                                     bytes.fromhex("0800f7fe00010000"))
arp = (b"\xff" * 6 + B1 + bytes.fromhex("08060001080006040001") + B1 +
       bytes([10, 0, 0, 11]) + bytes(6) + bytes([10, 0, 0, 12]))
ping16 = B2 + B1 + b"\x08\x00" + ipv4([10, 0, 0, 11], [10, 0, 0, 12], 1,
                                       bytes.fromhex("0800f7fe00010000") + bytes(16))
hello = struct.pack("!QIIQ", 1700000000123456789, 250, 2, 0x1234567890abcdef)
learn = B1 + b"\0\x01" + struct.pack("!I", 3) + b"\x04" + bytes([10, 0, 0, 11])
trailer = struct.pack("!QQ", 1700000000123456789, 42) + bytes(range(16))
tunnel = struct.pack("!HBBQI", 2, 1, 3, 1700000000123456789, 7)   # RESTORE

msgs = [
    ("good", hdr(7, van=0, flags=1) + hello),
    ("good", hdr(3) + learn),
    ("good", hdr(1) + ping),
    ("short", bytes.fromhex("1700100000")),                 # 5 bytes
    ("short", hdr(3)[:11]),
    ("bad-version", hdr(7, van=0, ver=2) + hello),
    ("bad-version", hdr(3, ver=0) + learn),
    ("bad-body", hdr(3) + learn[:5]),                       # LEARN, short body
    ("bad-body", hdr(3)),                                   # LEARN, no body
    ("bad-body", hdr(3) + learn[:7] + b"\x03" + learn[8:]), # 3 addresses, 1 there
    ("bad-body", hdr(3) + learn[:12] + b"\x06\xfe\x80"),    # IPv6 cut short
    ("bad-body", hdr(3) + learn + b"\x00"),                 # a byte too many
    ("bad-padding", hdr(4, pad=9) + B1),                    # pad past the end
    ("bad-type", hdr(9) + b"xx"),
    ("bad-trailer", hdr(1, flags=0x80) + ping),             # AUTH on a frame
    ("bad-trailer", hdr(6, flags=0xc0) + trailer[:20]),     # trailer cut short
    ("bad-frame", hdr(2) + arp[:10]),
    ("hop-limit", hdr(5, hop=0)),
    ("bad-van-id", hdr(7, van=5) + hello),
    ("bad-van-id", hdr(5, van=0)),
    ("reserved-bits", hdr(4) + B1 + b"\x00\x01"),
    ("bad-body", hdr(7, van=0) + hello[:20]),
    ("bad-body", hdr(5) + b"\x00"),
    ("good", hdr(2, pad=4) + arp + bytes(4)),
    ("good", hdr(3, flags=0xc0) + learn[:7] + b"\x02" + learn[8:] +
     b"\x06" + bytes([0xfe, 0x80] + [0] * 13 + [0x0b]) + trailer),
    ("good", hdr(4) + B1 + b"\0\0"),
    ("good", hdr(5, flags=0xc1, pad=4) + trailer + bytes(4)),
    ("good", hdr(7, van=0, flags=0xc0) + hello + trailer),
    # UDP GSO trains, as a capture on a sending host shows them: one
    # datagram, messages of the first one's size, the last may be shorter.
    ("good", hdr(4) + B1 + b"\0\0" + hdr(6)),
    ("good", hdr(3, flags=0xc0) + learn + trailer + hdr(3, flags=0xc0) + learn + trailer),
    ("good", hdr(1) + ping16 + hdr(1) + ping16 + hdr(1) + ping),
    # ... and what is no train: junk after a LEARN, a JOIN cut short after a JOIN.
    ("bad-body", hdr(3) + learn + hdr(3, ver=0)),
    ("bad-body", hdr(5) + hdr(5, van=200)[:6]),            # not a train: cut short
    # TUNNEL (proxy to proxy, as a decrypted capture shows it)
    ("good", hdr(8, van=0) + tunnel),
    ("bad-van-id", hdr(8, van=3) + tunnel),
    ("bad-body", hdr(8, van=0) + tunnel[:15]),
    ("bad-body", hdr(8, van=0) + tunnel[:3] + b"\x06" + tunnel[4:]),  # state 6
]
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, (_, m) in enumerate(msgs):
        f = datagram(m)
        out.write(struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f)
with open(sys.argv[2], "w") as e:
    e.write("".join(w + "\n" for w, _ in msgs))
EOF
[ $? -eq 0 ] || fail "writing the crafted pcap"
cap=$TMP/crafted.pcap
ts "$cap" -T fields -e frame.number -e vanfed.type -e vanfed.error -e _ws.malformed \
    -e vanfed.malformed >"$TMP/crafted.fields"
total=$(wc -l <"$TMP/expect")
[ "$(wc -l <"$TMP/crafted.fields")" -eq "$total" ] || fail "crafted: tshark read $(wc -l <"$TMP/crafted.fields") of $total"
paste "$TMP/expect" "$TMP/crafted.fields" >"$TMP/crafted.cmp"
# good: a type, no reason, nothing marked; bad: its reason, marked twice.
wrong=$(awk -F'\t' '
    $1 == "good" && ($3 == "" || $4 != "" || $5 != "" || $6 != "") { print; next }
    $1 != "good" && ($4 != $1 || $5 == "" || $6 == "") { print }' "$TMP/crafted.cmp")
[ -z "$wrong" ] || fail "crafted: not as expected (expect, frame, type, reason, _ws.malformed, expert):
$wrong"
pings=$(ts "$cap" -Y "vanfed.type == 1 && icmp.type == 8" -T fields -E occurrence=a -e icmp.type |
    tr , '\n' | grep -c .)
[ "$pings" -eq 4 ] || fail "crafted: $pings pings in the good DATA messages, not 1 + a train of 3"
[ "$(n "$cap" vanfed.train.count)" -eq 3 ] || fail "crafted: $(n "$cap" vanfed.train.count) GSO trains, not 3"
[ "$(n "$cap" "_ws.lua.error")" -eq 0 ] || fail "crafted: a Lua error"
nbad=$(grep -vc '^good$' "$TMP/expect")
say "crafted: $nbad malformed datagrams each marked with wire_decode's reason" \
    "($(grep -v '^good$' "$TMP/expect" | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }'))," \
    "$((total - nbad)) good ones around them decoded (3 GSO trains split), no Lua error"
clean_stderr "$cap"
