/*
 * offload.c — see offload.h.
 *
 * Checksums are computed over memory-order 16-bit words (RFC 1071 §2(B)):
 * sums are added and folded in the host's order and stored back with a
 * plain 16-bit store, so no byte swapping is needed on either endianness.
 * Header fields that are numbers (lengths, sequence numbers) are read and
 * written big-endian through get16/put16/get32/put32.
 *
 * Pure.
 */
#include "edge/van/offload.h"
#include "edge/van/van.h"
#include "edge/van/bytes.h"

#include <string.h>


#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_URG		0x20
#define TCP_CWR		0x80

#define GRO_SEGS_MAX	64

void
vnet_hdr_get(const uint8_t p[static VNET_HDR_LEN], struct vnet_hdr *h)
{
	h->flags = p[0];
	h->gso_type = p[1];
	h->hdr_len = bytes_le16(p + 2);
	h->gso_size = bytes_le16(p + 4);
	h->csum_start = bytes_le16(p + 6);
	h->csum_offset = bytes_le16(p + 8);
}

void
vnet_hdr_put(uint8_t p[static VNET_HDR_LEN], const struct vnet_hdr *h)
{
	p[0] = h->flags;
	p[1] = h->gso_type;
	bytes_put_le16(p + 2, h->hdr_len);
	bytes_put_le16(p + 4, h->gso_size);
	bytes_put_le16(p + 6, h->csum_start);
	bytes_put_le16(p + 8, h->csum_offset);
}

/* ------------------------------------------------------------ checksum --- */

uint32_t
csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	/* Two 32-bit words per step: 2^32 steps before the 64 bits overflow. */
	while (len >= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		acc += (uint64_t)a + b;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t a;

		memcpy(&a, p, 4);
		acc += a;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t a;

		memcpy(&a, p, 2);
		acc += a;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		uint16_t a = 0;

		memcpy(&a, p, 1);	/* the odd byte, padded with a zero byte */
		acc += a;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

static uint16_t
fold16(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
csum_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

/* The sum of the TCP pseudo-header (RFC 793, RFC 8200 §8.1). */
static uint32_t
pseudo_sum(const uint8_t *frame, const struct tcp_layout *lay, uint32_t l4len)
{
	uint8_t ph[40];

	if (!lay->v6) {
		memcpy(ph, frame + lay->l3 + 12, 8);	/* source, destination */
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		bytes_put_be16(ph + 10, (uint16_t)l4len);
		return csum_add(0, ph, 12);
	}
	memcpy(ph, frame + lay->l3 + 8, 32);
	bytes_put_be32(ph + 32, l4len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = IPPROTO_TCP;
	return csum_add(0, ph, 40);
}

/* Store a checksum field (computed in memory order) at p. */
static void
store_csum(uint8_t *p, uint16_t c)
{
	memcpy(p, &c, 2);
}

bool
offload_csum(uint8_t *frame, size_t len, uint16_t start, uint16_t offset)
{
	uint16_t c;

	if (start >= len || (size_t)start + offset + 2 > len)
		return false;
	c = csum_fold(csum_add(0, frame + start, len - start));
	/* In UDP (checksum at offset 6) 0 means "none": send all ones. */
	if (c == 0 && offset == 6)
		c = 0xffff;
	store_csum(frame + start + offset, c);
	return true;
}

/* -------------------------------------------------------------- layout --- */

bool
offload_tcp_layout(const uint8_t *f, size_t len, struct tcp_layout *lay)
{
	size_t l3 = 14, l4, doff, end;
	uint16_t type;

	if (len < 14)
		return false;
	type = bytes_be16(f + 12);
	if (type == ETHERTYPE_VLAN) {
		if (len < 18)
			return false;
		type = bytes_be16(f + 16);
		l3 = 18;
	}
	if (type == ETHERTYPE_IP) {
		size_t ihl, tot;

		if (len < l3 + 20 || f[l3] >> 4 != 4)
			return false;
		ihl = (size_t)(f[l3] & 0x0f) * 4;
		tot = bytes_be16(f + l3 + 2);
		if (ihl < 20 || f[l3 + 9] != IPPROTO_TCP ||
		    (bytes_be16(f + l3 + 6) & 0x3fff) != 0 ||	/* a fragment */
		    tot < ihl || l3 + tot > len)
			return false;
		l4 = l3 + ihl;
		end = l3 + tot;
		lay->v6 = false;
	} else if (type == ETHERTYPE_IPV6) {
		if (len < l3 + 40 || f[l3] >> 4 != 6 || f[l3 + 6] != IPPROTO_TCP ||
		    l3 + 40 + (size_t)bytes_be16(f + l3 + 4) > len)
			return false;
		l4 = l3 + 40;
		end = l4 + bytes_be16(f + l3 + 4);
		lay->v6 = true;
	} else
		return false;
	/* The TCP header within the IP packet, not just within the frame:
	 * its payload (end - payload) is never negative. */
	if (end < l4 + 20)
		return false;
	doff = (size_t)(f[l4 + 12] >> 4) * 4;
	if (doff < 20 || l4 + doff > end)
		return false;
	lay->l3 = (uint16_t)l3;
	lay->l4 = (uint16_t)l4;
	lay->payload = (uint16_t)(l4 + doff);
	return true;
}

/* The frame's end by its IP length (Ethernet padding excluded). */
static size_t
ip_end(const uint8_t *f, const struct tcp_layout *lay)
{
	if (!lay->v6)
		return lay->l3 + (size_t)bytes_be16(f + lay->l3 + 2);
	return lay->l3 + 40 + (size_t)bytes_be16(f + lay->l3 + 4);
}

static bool
gso_layout(const uint8_t *f, size_t len, const struct vnet_hdr *h,
    struct tcp_layout *lay)
{
	uint8_t type = h->gso_type & (uint8_t)~VNET_GSO_ECN;

	if (h->gso_size == 0 || !offload_tcp_layout(f, len, lay) ||
	    (type == VNET_GSO_TCPV4) == lay->v6 ||
	    (type != VNET_GSO_TCPV4 && type != VNET_GSO_TCPV6))
		return false;
	/* The kernel sets the IP length of a super-frame to the whole frame. */
	return ip_end(f, lay) == len;
}

unsigned
offload_segs(const uint8_t *f, size_t len, const struct vnet_hdr *h)
{
	struct tcp_layout lay;
	size_t payload;

	if (h->gso_type == VNET_GSO_NONE)
		return 1;
	if (!gso_layout(f, len, h, &lay))
		return 0;
	payload = len - lay.payload;
	return (unsigned)((payload + h->gso_size - 1) / h->gso_size);
}

/* ----------------------------------------------------------------- TSO --- */

static void
ipv4_fix(uint8_t *f, const struct tcp_layout *lay, size_t end, uint16_t id)
{
	uint8_t *ip = f + lay->l3;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	bytes_put_be16(ip + 2, (uint16_t)(end - lay->l3));
	bytes_put_be16(ip + 4, id);
	ip[10] = ip[11] = 0;
	store_csum(ip + 10, csum_fold(csum_add(0, ip, ihl)));
}

unsigned
offload_tso(const uint8_t *f, size_t len, const struct vnet_hdr *h, uint8_t *out,
    size_t cap, size_t prefix, size_t *stride, size_t *last_len)
{
	struct tcp_layout lay;
	size_t hl, payload, mss = h->gso_size;
	uint32_t seq0;
	uint16_t id0 = 0;
	uint8_t flags0;
	unsigned n, i;

	if (!gso_layout(f, len, h, &lay))
		return 0;
	hl = lay.payload;
	payload = len - hl;
	n = (unsigned)((payload + mss - 1) / mss);
	if (n == 0 || n > OFFLOAD_SEGS_MAX)
		return 0;
	*stride = prefix + hl + mss;
	*last_len = prefix + hl + (payload - (n - 1) * mss);
	if ((n - 1) * *stride + *last_len > cap)
		return 0;
	seq0 = bytes_be32(f + lay.l4 + 4);
	flags0 = f[lay.l4 + 13];
	if (!lay.v6)
		id0 = bytes_be16(f + lay.l3 + 4);
	for (i = 0; i < n; i++) {
		uint8_t *s = out + i * *stride + prefix, *th = s + lay.l4;
		size_t plen = i + 1 < n ? mss : payload - (n - 1) * mss;
		size_t l4len = hl - lay.l4 + plen;

		memcpy(s, f, hl);
		memcpy(s + hl, f + hl + i * mss, plen);
		if (!lay.v6)
			ipv4_fix(s, &lay, hl + plen, (uint16_t)(id0 + i));
		else
			bytes_put_be16(s + lay.l3 + 4, (uint16_t)(hl - lay.l3 - 40 + plen));
		bytes_put_be32(th + 4, seq0 + (uint32_t)(i * mss));
		th[13] = flags0;
		if (i + 1 < n)
			th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (i > 0)
			th[13] &= (uint8_t)~TCP_CWR;
		th[16] = th[17] = 0;
		store_csum(th + 16, csum_fold(csum_add(pseudo_sum(s, &lay,
		    (uint32_t)l4len), th, l4len)));
	}
	return n;
}

/* ----------------------------------------------------------------- GRO --- */

void
gro_init(struct gro *g, uint8_t *buf)
{
	memset(g, 0, sizeof(*g));
	g->buf = buf;
}

bool
gro_empty(const struct gro *g)
{
	return g->segs == 0;
}

/*
 * Can seg (layout lay) be merged into the buffer's flow?  Everything but
 * the lengths, IPv4 ID, checksums, sequence number and the PSH/FIN flags
 * of a closing segment must be the same bytes.
 */
static bool
gro_same_flow(const struct gro *g, const uint8_t *seg, const struct tcp_layout *lay)
{
	const uint8_t *f = g->buf + VNET_HDR_LEN;
	const uint8_t *ip = f + lay->l3, *sip = seg + lay->l3;
	const uint8_t *th = f + lay->l4, *sth = seg + lay->l4;

	if (lay->l3 != g->lay.l3 || lay->l4 != g->lay.l4 ||
	    lay->payload != g->lay.payload || lay->v6 != g->lay.v6)
		return false;
	if (memcmp(f, seg, lay->l3) != 0)			/* Ethernet, VLAN */
		return false;
	if (!lay->v6) {
		if (memcmp(ip, sip, 2) != 0 || memcmp(ip + 6, sip + 6, 4) != 0 ||
		    memcmp(ip + 12, sip + 12, (size_t)(lay->l4 - lay->l3) - 12) != 0)
			return false;
	} else if (memcmp(ip, sip, 4) != 0 || memcmp(ip + 6, sip + 6, 34) != 0)
		return false;
	/* ports; ack; offset, window; urgent pointer; options */
	return memcmp(th, sth, 4) == 0 && memcmp(th + 8, sth + 8, 5) == 0 &&
	    memcmp(th + 14, sth + 14, 2) == 0 &&
	    memcmp(th + 18, sth + 18, (size_t)(lay->payload - lay->l4) - 18) == 0;
}

enum gro_result
gro_add(struct gro *g, const uint8_t *seg, size_t len)
{
	struct tcp_layout lay;
	uint8_t flags;
	size_t end, plen;
	uint32_t seq;

	if (!offload_tcp_layout(seg, len, &lay))
		return g->segs ? GRO_NO : GRO_PLAIN;
	end = ip_end(seg, &lay);
	plen = end - lay.payload;
	flags = seg[lay.l4 + 13];
	seq = bytes_be32(seg + lay.l4 + 4);
	if (plen == 0 || end > len || (flags & (TCP_SYN | TCP_RST | TCP_URG)) ||
	    !(flags & TCP_ACK) || (flags & TCP_CWR))
		return g->segs ? GRO_NO : GRO_PLAIN;
	if (g->segs == 0) {
		memset(g->buf, 0, VNET_HDR_LEN);
		memcpy(g->buf + VNET_HDR_LEN, seg, end);
		g->len = end;
		g->lay = lay;
		g->next_seq = seq + (uint32_t)plen;
		g->mss = (uint16_t)plen;
		g->segs = 1;
		g->closed = (flags & (TCP_PSH | TCP_FIN)) != 0;
		return GRO_STARTED;
	}
	if (g->closed || g->segs >= GRO_SEGS_MAX || seq != g->next_seq ||
	    plen > g->mss || g->len + plen > OFFLOAD_FRAME_MAX ||
	    g->len + plen - g->lay.l3 > 65535 || !gro_same_flow(g, seg, &lay))
		return GRO_NO;
	memcpy(g->buf + VNET_HDR_LEN + g->len, seg + lay.payload, plen);
	g->len += plen;
	g->next_seq += (uint32_t)plen;
	g->segs++;
	if (flags & (TCP_PSH | TCP_FIN)) {
		g->buf[VNET_HDR_LEN + lay.l4 + 13] |= flags & (TCP_PSH | TCP_FIN);
		g->closed = true;
	}
	if (plen < g->mss)
		g->closed = true;
	return GRO_MERGED;
}

size_t
gro_take(struct gro *g)
{
	uint8_t *f = g->buf + VNET_HDR_LEN;
	struct vnet_hdr h;
	size_t n = g->len;

	memset(&h, 0, sizeof(h));
	if (g->segs > 1) {
		/* The TCP checksum field holds the pseudo-header sum: partial. */
		uint32_t l4len = (uint32_t)(g->len - g->lay.l4);
		uint16_t partial = (uint16_t)~csum_fold(pseudo_sum(f, &g->lay, l4len));

		if (!g->lay.v6)
			ipv4_fix(f, &g->lay, g->len, bytes_be16(f + g->lay.l3 + 4));
		else
			bytes_put_be16(f + g->lay.l3 + 4, (uint16_t)(g->len - g->lay.l3 - 40));
		store_csum(f + g->lay.l4 + 16, partial);
		h.flags = VNET_F_NEEDS_CSUM;
		h.gso_type = g->lay.v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4;
		h.hdr_len = g->lay.payload;
		h.gso_size = g->mss;
		h.csum_start = g->lay.l4;
		h.csum_offset = 16;
	}
	vnet_hdr_put(g->buf, &h);
	g->segs = 0;
	g->len = 0;
	g->closed = false;
	return n + VNET_HDR_LEN;
}
