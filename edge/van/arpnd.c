/*
 * arpnd.c — ARP and IPv6 Neighbour Discovery packets (see arpnd.h for
 * what is answered and why).  Parsing goes through the wire cursor;
 * answers through the wire buffer, so nothing is read or written past a
 * length.  Checksums use offload.c's memory-order sums.
 *
 * Pure.
 */
#include "edge/van/arpnd.h"

#include <string.h>

#include "edge/van/neigh.h"
#include "edge/van/offload.h"


#define ARP_HTYPE_ETH	1
#define ARP_PTYPE_IP	0x0800
#define ARP_REQUEST	1
#define ARP_REPLY	2

#define IP6_HDR_LEN	40
#define ND_HOP_LIMIT	255

#define ND_RA		134
#define ND_NS		135
#define ND_NA		136
#define ND_NS_NA_LEN	24	/* type .. target */
#define ND_RA_LEN	16	/* type .. retrans timer */

#define ND_OPT_SLL	1	/* Source Link-Layer Address */
#define ND_OPT_TLL	2	/* Target Link-Layer Address */

#define NA_F_ROUTER	0x80
#define NA_F_SOLICITED	0x40
#define NA_F_OVERRIDE	0x20

static bool
is_unspecified6(const uint8_t a[static 16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* fe80::/10 */
static bool
is_link_local6(const uint8_t a[static 16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* ff02::1:ffXX:XXXX for target t (RFC 4291 §2.7.1). */
static bool
is_solicited_node(const uint8_t dst[static 16], const uint8_t t[static 16])
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff
	};

	return memcmp(dst, prefix, 13) == 0 && memcmp(dst + 13, t + 13, 3) == 0;
}

static void
addr4(struct wire_addr *a, const uint8_t b[static 4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->bytes, b, 4);
}

static void
addr6(struct wire_addr *a, const uint8_t b[static 16])
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	memcpy(a->bytes, b, 16);
}

/* The ICMPv6 sum: pseudo-header (RFC 8200 §8.1) and the message. */
static uint32_t
icmp6_sum(const uint8_t src[static 16], const uint8_t dst[static 16],
    const uint8_t *msg, size_t len)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = IPPROTO_ICMPV6;
	return csum_add(csum_add(0, ph, sizeof(ph)), msg, len);
}

/* ----------------------------------------------------------------- ARP --- */

static enum arpnd_kind
arp_classify(struct wire_cur *c, const uint8_t dst[static ETH_ALEN], struct arpnd_pkt *p)
{
	static const uint8_t zero4[4];
	uint16_t htype, ptype, oper;
	uint8_t hlen, plen, sha[ETH_ALEN], spa[4], tha[ETH_ALEN], tpa[4];

	if (!wire_get_u16(c, &htype) || !wire_get_u16(c, &ptype) ||
	    !wire_get_u8(c, &hlen) || !wire_get_u8(c, &plen) || !wire_get_u16(c, &oper) ||
	    !wire_get_bytes(c, sha, sizeof(sha)) || !wire_get_bytes(c, spa, sizeof(spa)) ||
	    !wire_get_bytes(c, tha, sizeof(tha)) || !wire_get_bytes(c, tpa, sizeof(tpa)))
		return ARPND_OTHER;
	if (htype != ARP_HTYPE_ETH || ptype != ARP_PTYPE_IP || hlen != ETH_ALEN ||
	    plen != 4 || (oper != ARP_REQUEST && oper != ARP_REPLY) ||
	    memcmp(sha, p->src_mac, ETH_ALEN) != 0)
		return ARPND_OTHER;
	addr4(&p->src_ip, spa);
	addr4(&p->target, tpa);
	if (memcmp(spa, zero4, 4) == 0)
		return oper == ARP_REQUEST ? ARPND_ARP_PROBE : ARPND_OTHER;
	if (!neigh_addr_valid(&p->src_ip))
		return ARPND_OTHER;
	p->glean = true;
	p->glean_ip = p->src_ip;
	memcpy(p->glean_mac, sha, ETH_ALEN);
	if (oper == ARP_REPLY || memcmp(spa, tpa, 4) == 0)
		return ARPND_ARP_REPLY;		/* a reply, or gratuitous */
	/* tha of a request means nothing (RFC 5227 §2.1.1): not looked at. */
	p->answerable = eth_is_multicast(dst) && neigh_addr_valid(&p->target);
	return ARPND_ARP_REQUEST;
}

/* ------------------------------------------------------------------ ND --- */

struct nd_opts {
	bool		sll, tll;
	uint8_t		sll_mac[ETH_ALEN];
	uint8_t		tll_mac[ETH_ALEN];
};

/* RFC 4861 §4.6: every option has a non-zero length and fits. */
static bool
nd_options(const uint8_t *p, size_t len, struct nd_opts *o)
{
	struct wire_cur c;

	memset(o, 0, sizeof(*o));
	wire_cur_init(&c, p, len);
	while (wire_cur_left(&c) > 0) {
		uint8_t type, units, mac[ETH_ALEN];
		size_t olen, start = c.off;

		if (!wire_get_u8(&c, &type) || !wire_get_u8(&c, &units) || units == 0)
			return false;
		olen = (size_t)units * 8;
		if (olen > len - start)
			return false;
		if (type == ND_OPT_SLL || type == ND_OPT_TLL) {
			bool *seen = type == ND_OPT_SLL ? &o->sll : &o->tll;

			/* An Ethernet address takes exactly 8 bytes (§4.6.1). */
			if (units != 1 || *seen || !wire_get_bytes(&c, mac, ETH_ALEN))
				return false;
			*seen = true;
			memcpy(type == ND_OPT_SLL ? o->sll_mac : o->tll_mac, mac, ETH_ALEN);
		}
		c.off = start + olen;
	}
	return !c.bad;
}

static enum arpnd_kind
nd_ns(struct arpnd_pkt *p, const uint8_t dst_mac[static ETH_ALEN],
    const uint8_t src[static 16], const uint8_t dst[static 16],
    const uint8_t target[static 16], const struct nd_opts *o)
{
	if (is_unspecified6(src)) {
		/* DAD (RFC 4861 §7.1.1): no option, to the solicited-node group. */
		if (o->sll || !is_solicited_node(dst, target))
			return ARPND_OTHER;
		return ARPND_NS_DAD;
	}
	if (!neigh_addr_valid(&p->src_ip))
		return ARPND_OTHER;
	if (o->sll) {
		if (memcmp(o->sll_mac, p->src_mac, ETH_ALEN) != 0)
			return ARPND_OTHER;
		p->glean = true;
		p->glean_ip = p->src_ip;
		memcpy(p->glean_mac, o->sll_mac, ETH_ALEN);
	}
	if (dst[0] == 0xff) {
		if (!is_solicited_node(dst, target) || !eth_is_multicast(dst_mac))
			return ARPND_OTHER;
		p->answerable = neigh_addr_valid(&p->target) && !is_link_local6(target);
	}
	return ARPND_NS;
}

static enum arpnd_kind
nd_classify(struct wire_cur *c, const uint8_t dst_mac[static ETH_ALEN],
    struct arpnd_pkt *p)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh, hop, src[16], dst[16], type, code, target[16];
	const uint8_t *msg;
	struct nd_opts o;
	size_t fixed;

	if (!wire_get_u32(c, &vtf) || !wire_get_u16(c, &plen) || !wire_get_u8(c, &nh) ||
	    !wire_get_u8(c, &hop) || !wire_get_bytes(c, src, 16) ||
	    !wire_get_bytes(c, dst, 16))
		return ARPND_OTHER;
	/* Beyond plen is Ethernet padding. */
	if (vtf >> 28 != 6 || nh != IPPROTO_ICMPV6 || plen > wire_cur_left(c))
		return ARPND_OTHER;
	msg = c->p + c->off;
	if (!wire_get_u8(c, &type) || !wire_get_u8(c, &code))
		return ARPND_OTHER;
	if (type != ND_NS && type != ND_NA && type != ND_RA)
		return ARPND_OTHER;
	fixed = type == ND_RA ? ND_RA_LEN : ND_NS_NA_LEN;
	/* RFC 4861 §6.1.2, §7.1.1, §7.1.2. */
	if (hop != ND_HOP_LIMIT || code != 0 || plen < fixed ||
	    csum_fold(icmp6_sum(src, dst, msg, plen)) != 0 ||
	    !nd_options(msg + fixed, plen - fixed, &o))
		return ARPND_OTHER;
	addr6(&p->src_ip, src);
	if (type == ND_RA) {
		if (!is_link_local6(src))
			return ARPND_OTHER;
		if (o.sll) {
			if (memcmp(o.sll_mac, p->src_mac, ETH_ALEN) != 0)
				return ARPND_OTHER;
			p->glean = true;
			p->glean_ip = p->src_ip;
			memcpy(p->glean_mac, o.sll_mac, ETH_ALEN);
			p->glean_flags = NEIGH_L_ROUTER;
		}
		return ARPND_RA;
	}
	memcpy(target, msg + 8, 16);
	if (target[0] == 0xff)
		return ARPND_OTHER;
	addr6(&p->target, target);
	if (type == ND_NS)
		return nd_ns(p, dst_mac, src, dst, target, &o);

	/* NA: S must be clear when sent to a group (§7.1.2). */
	if (dst[0] == 0xff && (msg[4] & NA_F_SOLICITED))
		return ARPND_OTHER;
	if (o.tll) {
		if (memcmp(o.tll_mac, p->src_mac, ETH_ALEN) != 0)
			return ARPND_OTHER;
		if (neigh_addr_valid(&p->target)) {
			p->glean = true;
			p->glean_ip = p->target;
			memcpy(p->glean_mac, o.tll_mac, ETH_ALEN);
			p->glean_flags = (msg[4] & NA_F_ROUTER) ? NEIGH_L_ROUTER :
			    NEIGH_L_HOST;
			if (!(msg[4] & NA_F_OVERRIDE))
				p->glean_flags |= NEIGH_L_WEAK;
		}
	}
	return ARPND_NA;
}

enum arpnd_kind
arpnd_classify(const uint8_t *frame, size_t len, struct arpnd_pkt *p)
{
	struct wire_cur c;
	uint8_t dst[ETH_ALEN];
	uint16_t type;
	enum arpnd_kind k = ARPND_OTHER;

	memset(p, 0, sizeof(*p));
	wire_cur_init(&c, frame, len);
	if (!wire_get_bytes(&c, dst, ETH_ALEN) ||
	    !wire_get_bytes(&c, p->src_mac, ETH_ALEN) || !wire_get_u16(&c, &type))
		goto out;
	if (type == ETHERTYPE_VLAN) {
		p->tagged = true;
		if (!wire_get_u16(&c, &p->tci) || !wire_get_u16(&c, &type))
			goto out;
	}
	if (type != ETHERTYPE_ARP && type != ETHERTYPE_IPV6)
		goto out;
	if (eth_is_multicast(p->src_mac) || eth_is_zero(p->src_mac))
		goto out;
	k = type == ETHERTYPE_ARP ? arp_classify(&c, dst, p) : nd_classify(&c, dst, p);
out:
	if (k == ARPND_OTHER)
		memset(p, 0, sizeof(*p));
	p->kind = k;
	return k;
}

/* -------------------------------------------------------------- answers --- */

static void
put_eth(struct wire_buf *b, const struct arpnd_pkt *p, const uint8_t src[static ETH_ALEN],
    uint16_t type)
{
	wire_put_bytes(b, p->src_mac, ETH_ALEN);
	wire_put_bytes(b, src, ETH_ALEN);
	if (p->tagged) {
		wire_put_u16(b, ETHERTYPE_VLAN);
		wire_put_u16(b, p->tci);
	}
	wire_put_u16(b, type);
}

/* RFC 826: "swap hardware and protocol fields ... set opcode to reply". */
static size_t
arp_answer(const struct arpnd_pkt *p, const struct neigh_entry *e, uint8_t *out,
    size_t cap)
{
	struct wire_buf b;

	wire_buf_init(&b, out, cap);
	put_eth(&b, p, e->mac, ETHERTYPE_ARP);
	wire_put_u16(&b, ARP_HTYPE_ETH);
	wire_put_u16(&b, ARP_PTYPE_IP);
	wire_put_u8(&b, ETH_ALEN);
	wire_put_u8(&b, 4);
	wire_put_u16(&b, ARP_REPLY);
	wire_put_bytes(&b, e->mac, ETH_ALEN);
	wire_put_bytes(&b, p->target.bytes, 4);
	wire_put_bytes(&b, p->src_mac, ETH_ALEN);
	wire_put_bytes(&b, p->src_ip.bytes, 4);
	while (!b.bad && b.len < ARPND_ETH_MIN)
		wire_put_u8(&b, 0);
	return b.bad ? 0 : b.len;
}

/* RFC 4861 §7.2.4, for the node that owns the target. */
static size_t
na_answer(const struct arpnd_pkt *p, const struct neigh_entry *e, uint8_t *out,
    size_t cap)
{
	struct wire_buf b;
	uint8_t flags = NA_F_SOLICITED;
	size_t icmp;
	uint16_t sum;

	if (e->flags & NEIGH_F_ROUTER)
		flags |= NA_F_ROUTER;
	if (!(e->flags & NEIGH_F_WEAK))
		flags |= NA_F_OVERRIDE;
	wire_buf_init(&b, out, cap);
	put_eth(&b, p, e->mac, ETHERTYPE_IPV6);
	wire_put_u32(&b, 6u << 28);
	wire_put_u16(&b, ND_NS_NA_LEN + 8);
	wire_put_u8(&b, IPPROTO_ICMPV6);
	wire_put_u8(&b, ND_HOP_LIMIT);
	wire_put_bytes(&b, p->target.bytes, 16);	/* from the target ... */
	wire_put_bytes(&b, p->src_ip.bytes, 16);	/* ... to the asker */
	icmp = b.len;
	wire_put_u8(&b, ND_NA);
	wire_put_u8(&b, 0);
	wire_put_u16(&b, 0);			/* checksum, below */
	wire_put_u32(&b, (uint32_t)flags << 24);
	wire_put_bytes(&b, p->target.bytes, 16);
	wire_put_u8(&b, ND_OPT_TLL);
	wire_put_u8(&b, 1);
	wire_put_bytes(&b, e->mac, ETH_ALEN);
	if (b.bad)
		return 0;
	sum = csum_fold(icmp6_sum(p->target.bytes, p->src_ip.bytes, out + icmp,
	    b.len - icmp));
	memcpy(out + icmp + 2, &sum, 2);	/* memory order, as summed */
	return b.len;
}

size_t
arpnd_answer(const struct arpnd_pkt *p, const struct neigh_entry *e, uint8_t *out,
    size_t cap)
{
	if (!p->answerable || e == NULL || e->kind == NEIGH_FREE ||
	    e->addr.family != p->target.family ||
	    memcmp(e->addr.bytes, p->target.bytes, p->target.family == 4 ? 4 : 16) != 0 ||
	    eth_is_multicast(e->mac) || eth_is_zero(e->mac) ||
	    memcmp(e->mac, p->src_mac, ETH_ALEN) == 0)
		return 0;
	if (p->kind == ARPND_ARP_REQUEST)
		return arp_answer(p, e, out, cap);
	if (p->kind == ARPND_NS)
		return na_answer(p, e, out, cap);
	return 0;
}

const char *
arpnd_kind_str(enum arpnd_kind k)
{
	switch (k) {
	case ARPND_ARP_REQUEST:
		return "arp-request";
	case ARPND_ARP_REPLY:
		return "arp-reply";
	case ARPND_ARP_PROBE:
		return "arp-probe";
	case ARPND_NS:
		return "ns";
	case ARPND_NS_DAD:
		return "ns-dad";
	case ARPND_NA:
		return "na";
	case ARPND_RA:
		return "ra";
	default:
		return "other";
	}
}
