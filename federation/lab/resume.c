/*
 * resume.c — see resume.h.  Both frames are written field by field in
 * network byte order; nothing is cast over the buffer.
 */
#include "federation/lab/resume.h"

#include <string.h>

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

static uint8_t *
put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

size_t
resume_garp(const uint8_t mac[static 6], uint32_t ip, uint8_t *out, size_t cap)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	uint8_t *p = out;

	if (cap < RESUME_GARP_LEN)
		return 0;
	memset(out, 0, RESUME_GARP_LEN);	/* the padding */
	p = put(p, bcast, 6);
	p = put(p, mac, 6);
	p = put16(p, 0x0806);		/* ARP */
	p = put16(p, 1);		/* hardware: Ethernet */
	p = put16(p, 0x0800);		/* protocol: IPv4 */
	*p++ = 6;
	*p++ = 4;
	p = put16(p, 1);		/* request */
	p = put(p, mac, 6);		/* sender */
	p = put32(p, ip);
	p = put(p, zero, 6);		/* target: unknown, */
	put32(p, ip);			/* the sender's own address */
	return RESUME_GARP_LEN;
}

/* The Internet checksum's one's-complement sum of n bytes, folded. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

size_t
resume_una(const uint8_t mac[static 6], const uint8_t ip6[static 16],
    uint8_t *out, size_t cap)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const size_t icmp_len = 24 + 8;
	uint8_t *p = out, *icmp, pseudo[8];
	uint32_t sum;

	if (cap < RESUME_UNA_LEN)
		return 0;
	p = put(p, all_nodes_mac, 6);
	p = put(p, mac, 6);
	p = put16(p, 0x86dd);		/* IPv6 */
	p = put32(p, 0x60000000);	/* version 6, class 0, flow 0 */
	p = put16(p, (uint16_t)icmp_len);
	*p++ = 58;			/* ICMPv6 */
	*p++ = 255;			/* hop limit: ND demands it */
	p = put(p, ip6, 16);
	p = put(p, all_nodes, 16);
	icmp = p;
	*p++ = 136;			/* Neighbor Advertisement */
	*p++ = 0;			/* code */
	p = put16(p, 0);		/* checksum, below */
	p = put32(p, 0x20000000);	/* R=0 S=0 O=1 */
	p = put(p, ip6, 16);		/* target */
	*p++ = 2;			/* Target Link-Layer Address */
	*p++ = 1;			/* 8 bytes */
	put(p, mac, 6);
	/* RFC 8200 §8.1: source, destination, upper-layer length, next header. */
	put32(put32(pseudo, (uint32_t)icmp_len), 58);
	sum = csum_add(0, ip6, 16);
	sum = csum_add(sum, all_nodes, 16);
	sum = csum_add(sum, pseudo, sizeof(pseudo));
	sum = csum_add(sum, icmp, icmp_len);
	put16(icmp + 2, (uint16_t)~sum);
	return RESUME_UNA_LEN;
}
