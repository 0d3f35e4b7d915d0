/*
 * frames.c — test frames and slow checksums (see frames.h).
 */
#include "tests/unit/frames.h"

#include <string.h>

uint16_t
frames_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
frames_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* ---------------------------------------------------------- checksums --- */

uint32_t
frames_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

uint16_t
frames_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
frames_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	return frames_fold(frames_sum(p, len, sum));
}

uint32_t
frames_pseudo(const uint8_t *ip, bool v6, size_t l4len, uint8_t proto)
{
	uint32_t sum = v6 ? frames_sum(ip + 8, 32, 0) : frames_sum(ip + 12, 8, 0);

	return sum + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff) + proto;
}

uint16_t
frames_l4_csum(const uint8_t *ip, bool v6, const uint8_t *l4, size_t l4len,
    uint8_t proto)
{
	return frames_csum(l4, l4len, frames_pseudo(ip, v6, l4len, proto));
}

/* The upper layer of the IP packet at l3: where it starts and ends. */
static bool
upper(const uint8_t *f, size_t len, size_t l3, size_t *l4, size_t *end, bool *v6)
{
	if (len < l3 + FRAMES_IP4_LEN)
		return false;
	if (f[l3] >> 4 == 6) {
		if (len < l3 + FRAMES_IP6_LEN)
			return false;
		*v6 = true;
		*l4 = l3 + FRAMES_IP6_LEN;
		*end = *l4 + frames_be16(f + l3 + 4);
	} else if (f[l3] >> 4 == 4) {
		*v6 = false;
		*l4 = l3 + (size_t)(f[l3] & 15) * 4;
		*end = l3 + frames_be16(f + l3 + 2);
	} else
		return false;
	return *end <= len && *l4 <= *end;
}

bool
frames_tcp_ok(const uint8_t *f, size_t len, size_t l3)
{
	size_t l4, end;
	bool v6;

	if (!upper(f, len, l3, &l4, &end, &v6))
		return false;
	return frames_l4_csum(f + l3, v6, f + l4, end - l4, 6) == 0;
}

void
frames_fix_ip4(uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;

	ip[10] = ip[11] = 0;
	put16(ip + 10, frames_csum(ip, ihl, 0));
}

bool
frames_fix_tcp(uint8_t *f, size_t len, size_t l3)
{
	size_t l4, end;
	bool v6;

	if (!upper(f, len, l3, &l4, &end, &v6) || end < l4 + FRAMES_TCP_LEN)
		return false;
	f[l4 + 16] = f[l4 + 17] = 0;
	put16(f + l4 + 16, frames_l4_csum(f + l3, v6, f + l4, end - l4, 6));
	return true;
}

bool
frames_fix_icmp6(uint8_t *f, size_t len, size_t l3)
{
	size_t l4 = l3 + FRAMES_IP6_LEN, plen;

	if (len < l4)
		return false;
	plen = frames_be16(f + l3 + 4);
	if (plen < 4 || l4 + plen > len)
		return false;
	f[l4 + 2] = f[l4 + 3] = 0;
	put16(f + l4 + 2, frames_l4_csum(f + l3, true, f + l4, plen, 58));
	return true;
}

/* ----------------------------------------------------------- builders --- */

size_t
frames_eth(uint8_t *f, const uint8_t dst[static 6], const uint8_t src[static 6],
    uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return FRAMES_ETH_LEN;
}

size_t
frames_ip4(uint8_t *ip, uint8_t proto, uint16_t id, const uint8_t src[static 4],
    const uint8_t dst[static 4], size_t l4len)
{
	memset(ip, 0, FRAMES_IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(FRAMES_IP4_LEN + l4len));
	put16(ip + 4, id);
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	frames_fix_ip4(ip);
	return FRAMES_IP4_LEN;
}

size_t
frames_ip6(uint8_t *ip, uint8_t next, uint8_t hlim, const uint8_t src[static 16],
    const uint8_t dst[static 16], size_t l4len)
{
	memset(ip, 0, FRAMES_IP6_LEN);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)l4len);
	ip[6] = next;
	ip[7] = hlim;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return FRAMES_IP6_LEN;
}

size_t
frames_tcp(uint8_t *tcp, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
    uint8_t flags, uint16_t window, const uint8_t *opts, size_t optlen)
{
	size_t hl = FRAMES_TCP_LEN + optlen;

	memset(tcp, 0, FRAMES_TCP_LEN);
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)(hl / 4 << 4);
	tcp[13] = flags;
	put16(tcp + 14, window);
	if (optlen > 0)
		memcpy(tcp + FRAMES_TCP_LEN, opts, optlen);
	return hl;
}

size_t
frames_udp(uint8_t *udp, uint16_t sport, uint16_t dport, size_t paylen)
{
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(FRAMES_UDP_LEN + paylen));
	udp[6] = udp[7] = 0;
	return FRAMES_UDP_LEN;
}

size_t
frames_nd(uint8_t *f, const uint8_t edst[static 6], const uint8_t esrc[static 6],
    const uint8_t src[static 16], const uint8_t dst[static 16], uint8_t type,
    uint8_t flags, const uint8_t target[static 16], const uint8_t *opts, size_t optlen)
{
	size_t fixed = type == 134 ? 16 : 24, plen = fixed + optlen;
	size_t l3 = frames_eth(f, edst, esrc, 0x86dd);
	size_t l4 = l3 + frames_ip6(f + l3, 58, 255, src, dst, plen);

	memset(f + l4, 0, fixed);
	f[l4] = type;
	f[l4 + 4] = flags;
	if (type != 134)
		memcpy(f + l4 + 8, target, 16);
	if (optlen > 0)
		memcpy(f + l4 + fixed, opts, optlen);
	frames_fix_icmp6(f, l4 + plen, l3);
	return l4 + plen;
}

void
frames_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}
