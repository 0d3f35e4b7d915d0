/*
 * mtu.c — frame size arithmetic, MSS clamping and "too big" answers (see
 * mtu.h).  Headers are read through the wire cursor or offload.c's TCP
 * layout, answers written through the wire buffer; checksums are
 * offload.c's memory-order sums, except the RFC 1624 update of a TCP
 * checksum, which works on big-endian values.
 *
 * Pure.
 */
#include "edge/van/mtu.h"

#include <string.h>

#include "edge/van/offload.h"
#include "edge/van/bytes.h"


#define IP4_DF		0x4000
#define IP4_OFFSET	0x1fff
#define IP4_TOS_ERROR	0xc0	/* precedence 6, internetwork control */

#define ICMP4_UNREACH	3
#define ICMP4_NEEDFRAG	4
#define ICMP6_TOO_BIG	2
#define ICMP6_INFO	128	/* types below are errors */

#define TCP_SYN		0x02
#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_MSS_LEN	4
#define TCP_MSS_OPTS	20	/* MSS options one SYN may carry: all of 40 bytes */

#define IP6_EXT_MAX	8	/* extension headers walked looking for ICMPv6 */

/* ---------------------------------------------------------------- sizes --- */

size_t
mtu_frame_max(unsigned underlay_mtu, bool underlay_v6)
{
	unsigned over = MTU_OVERHEAD(underlay_v6);

	if (underlay_mtu < over + ETH_HDR_LEN + MTU_IP4_MIN)
		return 0;
	if (underlay_mtu - over > WIRE_FRAME_MAX)
		return WIRE_FRAME_MAX;
	return underlay_mtu - over;
}

size_t
mtu_tunnel_frame_max(unsigned tunnel_mtu, bool v6)
{
	unsigned over = (v6 ? MTU_IP6_HDR : MTU_IP4_HDR) + MTU_UDP_HDR + MTU_WG_OVERHEAD;
	unsigned room;

	if (tunnel_mtu < over + WIRE_HDR_LEN + ETH_HDR_LEN + MTU_IP4_MIN + 15)
		return 0;
	room = (tunnel_mtu - over) & ~15u;
	if (room - WIRE_HDR_LEN > WIRE_FRAME_MAX)
		return WIRE_FRAME_MAX;
	return room - WIRE_HDR_LEN;
}

unsigned
mtu_vm_mtu(size_t frame_max, bool tagged)
{
	size_t l2 = ETH_HDR_LEN + (tagged ? MTU_VLAN_LEN : 0);

	if (frame_max > WIRE_FRAME_MAX)
		frame_max = WIRE_FRAME_MAX;
	return frame_max > l2 ? (unsigned)(frame_max - l2) : 0;
}

unsigned
mtu_mss_max(size_t frame_max, bool tagged, bool v6)
{
	unsigned mtu = mtu_vm_mtu(frame_max, tagged);
	unsigned hdrs = (v6 ? MTU_IP6_HDR : MTU_IP4_HDR) + MTU_TCP_HDR;

	return mtu > hdrs ? mtu - hdrs : 0;
}

/* ------------------------------------------------------------------ MSS --- */

/* Where the IP datagram ends (without Ethernet padding). */
static size_t
ip_end(const uint8_t *f, const struct tcp_layout *lay)
{
	if (!lay->v6)
		return lay->l3 + (size_t)bytes_be16(f + lay->l3 + 2);
	return lay->l3 + MTU_IP6_HDR + (size_t)bytes_be16(f + lay->l3 + 4);
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for a 16-bit value at byte
 * offset `at` of the summed data: at an odd offset its two bytes fall in
 * two words, where they add up to the value byte-swapped.
 */
static void
csum_update16(uint8_t *field, size_t at, uint16_t old, uint16_t new)
{
	uint32_t sum;

	if (at & 1) {
		old = (uint16_t)(old << 8 | old >> 8);
		new = (uint16_t)(new << 8 | new >> 8);
	}
	sum = (uint16_t)~bytes_be16(field);
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	bytes_put_be16(field, (uint16_t)~sum);
}

bool
mtu_clamp_mss(uint8_t *f, size_t len, size_t frame_max, bool csum_partial)
{
	struct tcp_layout lay;
	struct wire_cur c;
	size_t at[TCP_MSS_OPTS], n = 0, i, opts;
	unsigned limit;
	bool changed = false;

	if (!offload_tcp_layout(f, len, &lay) || !(f[lay.l4 + 13] & TCP_SYN) ||
	    lay.payload > ip_end(f, &lay))
		return false;
	limit = mtu_mss_max(frame_max, lay.l3 == ETH_HDR_LEN + MTU_VLAN_LEN, lay.v6);
	if (limit == 0)
		return false;

	/* First find every MSS option; change nothing if any option is bad. */
	opts = lay.l4 + MTU_TCP_HDR;
	wire_cur_init(&c, f + opts, lay.payload - opts);
	while (wire_cur_left(&c) > 0) {
		uint8_t kind, olen;
		size_t start = c.off;

		if (!wire_get_u8(&c, &kind) || kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		if (!wire_get_u8(&c, &olen) || olen < 2 || olen > c.len - start)
			return false;
		if (kind == TCPOPT_MSS) {
			if (olen != TCPOPT_MSS_LEN || n == TCP_MSS_OPTS)
				return false;
			at[n++] = opts + start + 2;
		}
		c.off = start + olen;
	}
	for (i = 0; i < n; i++) {
		uint16_t mss = bytes_be16(f + at[i]);

		if (mss <= limit)
			continue;
		bytes_put_be16(f + at[i], (uint16_t)limit);
		if (!csum_partial)
			csum_update16(f + lay.l4 + 16, at[i] - lay.l4, mss, (uint16_t)limit);
		changed = true;
	}
	return changed;
}

/* ------------------------------------------------------- too-big answers --- */

struct l2 {
	uint8_t		dst[ETH_ALEN], src[ETH_ALEN];
	bool		tagged;
	uint16_t	tci;
	uint16_t	type;
};

static bool
l2_parse(struct wire_cur *c, struct l2 *e)
{
	if (!wire_get_bytes(c, e->dst, ETH_ALEN) || !wire_get_bytes(c, e->src, ETH_ALEN) ||
	    !wire_get_u16(c, &e->type))
		return false;
	e->tagged = e->type == ETHERTYPE_VLAN;
	if (e->tagged && (!wire_get_u16(c, &e->tci) || !wire_get_u16(c, &e->type)))
		return false;
	/* The answer goes from dst to src: both must be one station's. */
	return !eth_is_multicast(e->src) && !eth_is_zero(e->src) &&
	    !eth_is_multicast(e->dst) && !eth_is_zero(e->dst);
}

static void
l2_put(struct wire_buf *b, const struct l2 *e, uint16_t type)
{
	wire_put_bytes(b, e->src, ETH_ALEN);
	wire_put_bytes(b, e->dst, ETH_ALEN);
	if (e->tagged) {
		wire_put_u16(b, ETHERTYPE_VLAN);
		wire_put_u16(b, e->tci);
	}
	wire_put_u16(b, type);
}

/* Not 0/8, 127/8, nor 224/3 (multicast, reserved, broadcast). */
static bool
ip4_host(const uint8_t a[static 4])
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* ICMP types that are not errors (RFC 792, 950, 1256). */
static bool
icmp4_informational(uint8_t type)
{
	switch (type) {
	case 0: case 8:			/* echo reply, echo */
	case 9: case 10:		/* router advertisement, solicitation */
	case 13: case 14:		/* timestamp, reply */
	case 15: case 16:		/* information request, reply */
	case 17: case 18:		/* address mask request, reply */
		return true;
	default:
		return false;
	}
}

static size_t
too_big4(struct wire_cur *c, const struct l2 *e, unsigned mtu, uint8_t *out, size_t cap)
{
	const uint8_t *ip = c->p + c->off;
	struct wire_buf b;
	size_t ihl, tot, quote, icmp;
	uint16_t frag, sum;

	if (wire_cur_left(c) < MTU_IP4_HDR || ip[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = bytes_be16(ip + 2);
	frag = bytes_be16(ip + 6);
	if (ihl < MTU_IP4_HDR || tot < ihl || tot > wire_cur_left(c) || tot <= mtu ||
	    csum_fold(csum_add(0, ip, ihl)) != 0)
		return 0;
	if (!(frag & IP4_DF) || (frag & IP4_OFFSET) != 0 ||
	    !ip4_host(ip + 12) || !ip4_host(ip + 16))
		return 0;
	if (ip[9] == IPPROTO_ICMP && (tot == ihl || !icmp4_informational(ip[ihl])))
		return 0;

	quote = tot;
	if (quote > MTU_ICMP4_MAX - MTU_IP4_HDR - 8)
		quote = MTU_ICMP4_MAX - MTU_IP4_HDR - 8;
	wire_buf_init(&b, out, cap);
	l2_put(&b, e, ETHERTYPE_IP);
	wire_put_u8(&b, 0x45);
	wire_put_u8(&b, IP4_TOS_ERROR);
	wire_put_u16(&b, (uint16_t)(MTU_IP4_HDR + 8 + quote));
	wire_put_u16(&b, 0);			/* ID: atomic datagram */
	wire_put_u16(&b, IP4_DF);
	wire_put_u8(&b, MTU_ANSWER_TTL);
	wire_put_u8(&b, IPPROTO_ICMP);
	wire_put_u16(&b, 0);			/* header checksum, below */
	wire_put_bytes(&b, ip + 16, 4);		/* from the original destination */
	wire_put_bytes(&b, ip + 12, 4);		/* to the original source */
	icmp = b.len;
	wire_put_u8(&b, ICMP4_UNREACH);
	wire_put_u8(&b, ICMP4_NEEDFRAG);
	wire_put_u16(&b, 0);			/* checksum, below */
	wire_put_u16(&b, 0);			/* unused */
	wire_put_u16(&b, (uint16_t)mtu);	/* next-hop MTU (RFC 1191) */
	wire_put_bytes(&b, ip, quote);
	if (b.bad)
		return 0;
	sum = csum_fold(csum_add(0, out + icmp - MTU_IP4_HDR, MTU_IP4_HDR));
	memcpy(out + icmp - MTU_IP4_HDR + 10, &sum, 2);
	sum = csum_fold(csum_add(0, out + icmp, b.len - icmp));
	memcpy(out + icmp + 2, &sum, 2);
	return b.len;
}

/* Unicast, not :: or ::1, not ff00::/8. */
static bool
ip6_host(const uint8_t a[static 16])
{
	static const uint8_t zero[15];

	return a[0] != 0xff && !(memcmp(a, zero, 15) == 0 && a[15] <= 1);
}

/*
 * Is the packet (IPv6 header at ip, plen bytes after it) an ICMPv6 error?
 * Extension headers are walked (RFC 8200 §4); a non-initial fragment, an
 * unknown header or too many count as "not an error", as a router cannot
 * tell; an ICMPv6 header cut short counts as one.
 */
static bool
icmp6_error(const uint8_t *ip, size_t plen)
{
	const uint8_t *p = ip + MTU_IP6_HDR;
	uint8_t nh = ip[6];
	size_t off = 0, hl;
	unsigned i;

	for (i = 0; i < IP6_EXT_MAX; i++) {
		switch (nh) {
		case IPPROTO_ICMPV6:
			return off >= plen || p[off] < ICMP6_INFO;
		case 0: case 43: case 60:	/* hop-by-hop, routing, destination */
			if (plen - off < 2)
				return false;
			hl = ((size_t)p[off + 1] + 1) * 8;
			break;
		case 51:			/* AH */
			if (plen - off < 2)
				return false;
			hl = ((size_t)p[off + 1] + 2) * 4;
			break;
		case 44:			/* fragment */
			if (plen - off < 8 || (bytes_be16(p + off + 2) & 0xfff8) != 0)
				return false;
			hl = 8;
			break;
		default:
			return false;
		}
		nh = p[off];
		if (hl > plen - off)
			return false;
		off += hl;
	}
	return false;
}

static size_t
too_big6(struct wire_cur *c, const struct l2 *e, unsigned mtu, uint8_t *out, size_t cap)
{
	const uint8_t *ip = c->p + c->off;
	struct wire_buf b;
	size_t plen, quote, icmp;
	uint32_t sum;
	uint16_t fold;
	uint8_t ph[40];

	if (wire_cur_left(c) < MTU_IP6_HDR || ip[0] >> 4 != 6)
		return 0;
	plen = bytes_be16(ip + 4);
	if (MTU_IP6_HDR + plen > wire_cur_left(c) || MTU_IP6_HDR + plen <= mtu ||
	    !ip6_host(ip + 8) || !ip6_host(ip + 24) || icmp6_error(ip, plen))
		return 0;

	quote = MTU_IP6_HDR + plen;
	if (quote > MTU_IP6_MIN - MTU_IP6_HDR - 8)
		quote = MTU_IP6_MIN - MTU_IP6_HDR - 8;
	wire_buf_init(&b, out, cap);
	l2_put(&b, e, ETHERTYPE_IPV6);
	wire_put_u32(&b, 6u << 28);
	wire_put_u16(&b, (uint16_t)(8 + quote));
	wire_put_u8(&b, IPPROTO_ICMPV6);
	wire_put_u8(&b, MTU_ANSWER_TTL);
	wire_put_bytes(&b, ip + 24, 16);	/* from the original destination */
	wire_put_bytes(&b, ip + 8, 16);		/* to the original source */
	icmp = b.len;
	wire_put_u8(&b, ICMP6_TOO_BIG);
	wire_put_u8(&b, 0);
	wire_put_u16(&b, 0);			/* checksum, below */
	wire_put_u32(&b, mtu);
	wire_put_bytes(&b, ip, quote);
	if (b.bad)
		return 0;
	/* Pseudo-header (RFC 8200 §8.1): addresses, length, next header. */
	memcpy(ph, out + icmp - 32, 32);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)((b.len - icmp) >> 8);
	ph[35] = (uint8_t)(b.len - icmp);
	ph[39] = IPPROTO_ICMPV6;
	sum = csum_add(csum_add(0, ph, sizeof(ph)), out + icmp, b.len - icmp);
	fold = csum_fold(sum);
	memcpy(out + icmp + 2, &fold, 2);
	return b.len;
}

size_t
mtu_too_big(const uint8_t *f, size_t len, size_t frame_max, uint8_t *out, size_t cap)
{
	struct wire_cur c;
	struct l2 e;
	unsigned mtu;

	if (len <= frame_max)
		return 0;
	wire_cur_init(&c, f, len);
	if (!l2_parse(&c, &e))
		return 0;
	mtu = mtu_vm_mtu(frame_max, e.tagged);
	if (e.type == ETHERTYPE_IP)
		return too_big4(&c, &e, mtu, out, cap);
	if (e.type == ETHERTYPE_IPV6)
		return too_big6(&c, &e, mtu, out, cap);
	return 0;
}
