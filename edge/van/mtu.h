/*
 * mtu.h — what fits the underlay: the largest frame one VAN message can
 * carry in one underlay packet, TCP MSS clamping so that VMs with a larger
 * MTU still work, and the ICMP "fragmentation needed" / "packet too big"
 * answer a router would send for a frame that does not fit.
 *
 * The arithmetic (docs/mtu.md has the table): a frame travels as
 *   underlay IP header (20 IPv4, 40 IPv6) + UDP (8) + VAN header (12) + frame
 * so frame_max = underlay MTU - 40 (IPv4 underlay) or - 60 (IPv6), and at
 * most WIRE_FRAME_MAX.  Inside the frame: Ethernet 14 (+4 with an 802.1Q
 * tag), so the VM MTU that fits is frame_max - 14 (- 4); and the TCP MSS
 * that fits is that minus the fixed IP header (20 or 40) and the fixed TCP
 * header (20) — IP and TCP options come out of the MSS at the sender, as
 * RFC 9293 §3.7.1 / RFC 6691 say.
 *
 * What this file does not do: keep counters, rate-limit the ICMP answers
 * (the caller must: a VM sending oversize frames in a loop would otherwise
 * get one answer each), fragment IPv4 datagrams without DF (they are
 * dropped), walk IPv6 extension headers before TCP (such SYNs are not
 * clamped), or decide which frames are checked: a GSO super-frame from a
 * tap is longer than frame_max by design — its segments (headers +
 * gso_size each) are what must fit.
 *
 * Pure: byte arithmetic on caller buffers; no syscalls.
 */
#ifndef EDGE_VAN_MTU_H
#define EDGE_VAN_MTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/van/wire.h"

#define MTU_IP4_HDR		20
#define MTU_IP6_HDR		40
#define MTU_UDP_HDR		8
#define MTU_TCP_HDR		20
#define MTU_VLAN_LEN		4
#define MTU_IP4_MIN		68	/* RFC 791: every IPv4 link carries this */
#define MTU_IP6_MIN		1280	/* RFC 8200 §5 */
#define MTU_ICMP4_MAX		576	/* RFC 1812 §4.3.2.3: an ICMP error's IP length */
#define MTU_ANSWER_TTL		64	/* TTL / hop limit of the answers */
/* Room that every ICMP answer fits in (the IPv6 one is the larger). */
#define MTU_ICMP_MAX		(ETH_HDR_LEN + MTU_VLAN_LEN + MTU_IP6_MIN)

/* Underlay overhead in front of a frame. */
#define MTU_OVERHEAD(v6)	(((v6) ? MTU_IP6_HDR : MTU_IP4_HDR) + MTU_UDP_HDR + \
				    WIRE_HDR_LEN)

/*
 * The largest Ethernet frame (no FCS, VLAN tag included) that one VAN
 * message carries in one underlay packet of underlay_mtu bytes, at most
 * WIRE_FRAME_MAX; 0 when the underlay cannot carry a frame with a
 * minimal IPv4 packet (frame_max would be below 14 + MTU_IP4_MIN).
 */
size_t	mtu_frame_max(unsigned underlay_mtu, bool underlay_v6);

/*
 * Between proxies a VAN message (header and frame) is padded to a multiple
 * of 16 and travels in a WireGuard-protocol transport message: its header
 * (16) and tag (16) in a UDP datagram.  The largest frame that fits a
 * tunnel path of tunnel_mtu bytes:
 *   tunnel_mtu - IP - UDP - 32, rounded down to 16, - VAN header (12)
 * (1428 over IPv4 and 1396 over IPv6 at 1500), at most WIRE_FRAME_MAX; 0
 * as mtu_frame_max.
 */
#define MTU_WG_OVERHEAD		32
size_t	mtu_tunnel_frame_max(unsigned tunnel_mtu, bool v6);

/* The VM (IP) MTU that fits: frame_max - 14, - 4 more when tagged; >= 0. */
unsigned mtu_vm_mtu(size_t frame_max, bool tagged);

/* The largest TCP MSS that fits; 0 when nothing does. */
unsigned mtu_mss_max(size_t frame_max, bool tagged, bool v6);

/*
 * Clamp the MSS of a TCP SYN or SYN-ACK in place.  frame: Ethernet, one
 * optional 802.1Q tag, IPv4 (options allowed, not a fragment) or IPv6 (TCP
 * right after the fixed header), TCP with its options inside the IP
 * length.  Every MSS option above mtu_mss_max() is lowered to it; a SYN
 * without one is left alone — the peer then assumes 536 (IPv4) or 1220
 * (IPv6) (RFC 9293 §3.7.1), which fits whenever the VM MTU that fits is
 * at least 576 or 1280, the least IPv6 needs anyway.  Malformed options:
 * nothing is changed.
 *
 * The TCP checksum is updated incrementally (RFC 1624 eqn. 3), which keeps
 * a correct checksum correct and a wrong one wrong — unless csum_partial:
 * the frame came from a tap with checksum offload and its checksum field
 * holds only the pseudo-header sum; whoever completes it sums the new
 * MSS, so the field is left alone.  Returns whether anything changed.
 */
bool	mtu_clamp_mss(uint8_t *frame, size_t len, size_t frame_max, bool csum_partial);

/*
 * The answer a router would send for an oversize frame a VM sent (len >
 * frame_max), written into out: the frame's Ethernet addresses swapped
 * (the edge speaks as the next hop), the same 802.1Q tag, IP source = the
 * original destination, IP destination = the original source, TTL / hop
 * limit 64, correct checksums, reporting MTU mtu_vm_mtu(frame_max, tagged):
 *   - IPv4 (RFC 792, 1191, 1812 §4.3.2): type 3 code 4 "fragmentation
 *     needed and DF set", with the next-hop MTU, quoting the datagram
 *     from its IP header, as much as keeps the answer's IP length at 576;
 *     TOS 0xc0 (precedence 6, RFC 1812 §4.3.2.5), DF set, ID 0 (RFC 6864).
 *     Sent only for: a datagram with DF, a valid header and checksum, not
 *     a non-initial fragment, not an ICMP error (nor an ICMP message of
 *     unknown type), between unicast addresses (not 0/8, 127/8, 224/3)
 *     and unicast MACs (RFC 1812 §4.3.2.7, RFC 1122 §3.2.2).
 *   - IPv6 (RFC 4443 §3.2): type 2 "Packet Too Big" with the MTU, quoting
 *     the packet as far as keeps the answer within 1280 bytes of IPv6.
 *     Sent for every packet but an ICMPv6 error (type < 128, found after
 *     at most 8 extension headers; a non-initial fragment counts as not an
 *     error), between unicast addresses (not ::, ::1, ff00::/8) and
 *     unicast MACs — a packet to a group would be answered by a router
 *     (§2.4 e.3), but the edge has no address or MAC to answer it from.
 * A frame that is too long only by bytes after its IP datagram gets no
 * answer (the datagram fits).  Returns the answer's length, or 0: no
 * answer is due, the frame is not one of the above, or cap (MTU_ICMP_MAX
 * always suffices) is too small.
 */
size_t	mtu_too_big(const uint8_t *frame, size_t len, size_t frame_max,
	    uint8_t *out, size_t cap);

#endif /* EDGE_VAN_MTU_H */
