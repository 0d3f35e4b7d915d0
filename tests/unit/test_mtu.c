/*
 * test_mtu.c — frame and MSS arithmetic; MSS clamping compared byte for
 * byte with frames built by an independent implementation (Scapy 2.5.0,
 * from the constructions listed below), including the TCP checksum it
 * computed, for IPv4, IPv6, a VLAN tag, IP options and an MSS at an odd
 * offset; the partial-checksum case completed afterwards as
 * a tap's offload would; refusals; and the ICMP / ICMPv6 "too big"
 * answers, their headers compared with Scapy's and every checksum
 * re-verified with a naive RFC 1071 sum.
 *
 * The golden frames, from (VM='02:00:00:00:00:0a', GW='02:00:00:00:00:0b',
 * L(mss) = [('MSS',mss),('SAckOK',b''),('Timestamp',(0x01020304,0)),
 * ('NOP',None),('WScale',7)], pat(n) = bytes((i*7+3)&0xff for i<n)):
 *   Ether(src=VM,dst=GW)/IP(src='10.0.0.10',dst='10.0.0.20',id=0x1234,
 *       flags='DF',ttl=64)/TCP(sport=40000,dport=80,seq=0x11223344,
 *       flags='S',window=64240,options=L(1460))                   and L(1406)
 *   Ether(src=GW,dst=VM)/IPv6(src='fd00::20',dst='fd00::10',hlim=64)/
 *       TCP(sport=80,dport=40000,seq=0x55667788,ack=0x11223345,flags='SA',
 *       window=64800,options=L(1440))                             and L(1366)
 *   Ether(src=VM,dst=GW)/Dot1Q(vlan=7)/IP(src='10.0.0.10',dst='10.0.0.20',
 *       id=1,flags='DF',options=[IPOption_Router_Alert()])/TCP(sport=40001,
 *       dport=443,seq=1,flags='S',window=1024,options=[NOP,('MSS',8960),
 *       NOP,NOP,NOP])                                          and MSS 1402
 *   u4 = Ether(src=VM,dst=GW)/IP(src='10.0.0.10',dst='192.0.2.7',id=0x4321,
 *       flags='DF',ttl=63)/UDP(sport=5000,dport=6000)/Raw(pat(1472))
 *   Ether(src=GW,dst=VM)/IP(src='192.0.2.7',dst='10.0.0.10',tos=0xc0,id=0,
 *       flags='DF',ttl=64)/ICMP(type=3,code=4,nexthopmtu=1446)/
 *       Raw(bytes(u4)[14:14+548])
 *   u6 = Ether(src=VM,dst=GW)/IPv6(src='2001:db8::10',dst='2001:db8:1::7',
 *       hlim=63)/UDP(sport=5000,dport=6000)/Raw(pat(1452))
 *   Ether(src=GW,dst=VM)/IPv6(src='2001:db8:1::7',dst='2001:db8::10',
 *       hlim=64)/ICMPv6PacketTooBig(mtu=1426)/Raw(bytes(u6)[14:14+1232])
 * of the last four only the headers are kept here; the rest is pat() and
 * quotes of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/mtu.h"
#include "edge/van/offload.h"
#include "tests/unit/frames.h"

/* IPv4 SYN, MSS 1460 (Linux options) (74 bytes) */
static const uint8_t syn4[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
	0x14, 0x6b, 0x0a, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x14, 0x9c, 0x40,
	0x00, 0x50, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0x53, 0xf5, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x07,
};
/* the same with MSS 1406 (74 bytes) */
static const uint8_t syn4_1406[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
	0x14, 0x6b, 0x0a, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x14, 0x9c, 0x40,
	0x00, 0x50, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0x54, 0x2b, 0x00, 0x00, 0x02, 0x04, 0x05, 0x7e, 0x04, 0x02,
	0x08, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x07,
};
/* IPv6 SYN-ACK, MSS 1440 (94 bytes) */
static const uint8_t synack6[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x50, 0x9c, 0x40, 0x55, 0x66,
	0x77, 0x88, 0x11, 0x22, 0x33, 0x45, 0xa0, 0x12, 0xfd, 0x20, 0x9e, 0xc5,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
/* the same with MSS 1366 (94 bytes) */
static const uint8_t synack6_1366[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x50, 0x9c, 0x40, 0x55, 0x66,
	0x77, 0x88, 0x11, 0x22, 0x33, 0x45, 0xa0, 0x12, 0xfd, 0x20, 0x9f, 0x0f,
	0x00, 0x00, 0x02, 0x04, 0x05, 0x56, 0x04, 0x02, 0x08, 0x0a, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
/* tagged IPv4 SYN with an IP option, MSS 8960 at an odd offset (70 bytes) */
static const uint8_t syn4_odd[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x81, 0x00, 0x00, 0x07, 0x08, 0x00, 0x46, 0x00, 0x00, 0x34, 0x00, 0x01,
	0x40, 0x00, 0x40, 0x06, 0x91, 0xa1, 0x0a, 0x00, 0x00, 0x0a, 0x0a, 0x00,
	0x00, 0x14, 0x94, 0x04, 0x00, 0x00, 0x9c, 0x41, 0x01, 0xbb, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0x04, 0x00, 0xd3, 0x98,
	0x00, 0x00, 0x01, 0x02, 0x04, 0x23, 0x00, 0x01, 0x01, 0x01,
};
/* the same with MSS 1402 (70 bytes) */
static const uint8_t syn4_odd_1402[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x81, 0x00, 0x00, 0x07, 0x08, 0x00, 0x46, 0x00, 0x00, 0x34, 0x00, 0x01,
	0x40, 0x00, 0x40, 0x06, 0x91, 0xa1, 0x0a, 0x00, 0x00, 0x0a, 0x0a, 0x00,
	0x00, 0x14, 0x94, 0x04, 0x00, 0x00, 0x9c, 0x41, 0x01, 0xbb, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0x04, 0x00, 0x59, 0xb6,
	0x00, 0x00, 0x01, 0x02, 0x04, 0x05, 0x7a, 0x01, 0x01, 0x01,
};
/* IPv4 UDP, DF, 1500 bytes of IP: headers; payload pattern(1472) (42 bytes) */
static const uint8_t udp4_hdr[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x45, 0x00, 0x05, 0xdc, 0x43, 0x21, 0x40, 0x00, 0x3f, 0x11,
	0x26, 0xdf, 0x0a, 0x00, 0x00, 0x0a, 0xc0, 0x00, 0x02, 0x07, 0x13, 0x88,
	0x17, 0x70, 0x05, 0xc8, 0x10, 0x45,
};
/* its ICMP answer at frame_max 1460: headers; then 548 bytes quoted (42 bytes) */
static const uint8_t icmp4_hdr[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x08, 0x00, 0x45, 0xc0, 0x02, 0x40, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
	0x6b, 0xec, 0xc0, 0x00, 0x02, 0x07, 0x0a, 0x00, 0x00, 0x0a, 0x03, 0x04,
	0xd6, 0x53, 0x00, 0x00, 0x05, 0xa6,
};
/* IPv6 UDP, 1500 bytes of IP: headers; payload pattern(1452) (62 bytes) */
static const uint8_t udp6_hdr[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x05, 0xb4, 0x11, 0x3f, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x13, 0x88, 0x17, 0x70, 0x05, 0xb4,
	0x21, 0xdc,
};
/* its Packet Too Big at frame_max 1440: headers; then 1232 bytes quoted (62 bytes) */
static const uint8_t icmp6_hdr[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x04, 0xd8, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x07, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x8d, 0xb4, 0x00, 0x00,
	0x05, 0x92,
};

static void
test_sizes(void **state)
{
	static const struct {
		unsigned	underlay;
		bool		v6;
		size_t		frame;
	} fm[] = {
		{ 1500, false, 1460 }, { 1500, true, 1440 },
		{ 9000, false, 8960 }, { 9000, true, 8940 },
		{ 9256, false, 9216 }, { 9257, false, 9216 }, { 65535, true, 9216 },
		{ 122, false, 82 }, { 121, false, 0 }, { 142, true, 82 }, { 141, true, 0 },
		{ 0, false, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fm) / sizeof(fm[0]); i++)
		if (mtu_frame_max(fm[i].underlay, fm[i].v6) != fm[i].frame)
			fail_msg("underlay %u v6 %d: %zu", fm[i].underlay, fm[i].v6,
			    mtu_frame_max(fm[i].underlay, fm[i].v6));
	assert_int_equal(mtu_vm_mtu(1460, false), 1446);
	assert_int_equal(mtu_vm_mtu(1460, true), 1442);
	assert_int_equal(mtu_vm_mtu(1440, false), 1426);
	assert_int_equal(mtu_vm_mtu(14, false), 0);
	assert_int_equal(mtu_vm_mtu(100000, false), 9202);
	assert_int_equal(mtu_mss_max(1460, false, false), 1406);
	assert_int_equal(mtu_mss_max(1460, false, true), 1386);
	assert_int_equal(mtu_mss_max(1440, false, false), 1386);
	assert_int_equal(mtu_mss_max(1440, false, true), 1366);
	assert_int_equal(mtu_mss_max(1460, true, false), 1402);
	assert_int_equal(mtu_mss_max(8960, false, false), 8906);
	assert_int_equal(mtu_mss_max(54, false, false), 0);
	assert_int_equal(mtu_mss_max(55, false, false), 1);
}

static void
check_clamp(const uint8_t *in, size_t len, const uint8_t *want, size_t frame_max,
    size_t l3)
{
	uint8_t f[128];

	memcpy(f, in, len);
	assert_true(frames_tcp_ok(f, len, l3));
	assert_true(mtu_clamp_mss(f, len, frame_max, false));
	assert_memory_equal(f, want, len);
	assert_true(frames_tcp_ok(f, len, l3));
	/* Done once is done: a second pass changes nothing. */
	assert_false(mtu_clamp_mss(f, len, frame_max, false));
	assert_memory_equal(f, want, len);
	/* A larger frame_max leaves the original alone. */
	memcpy(f, in, len);
	assert_false(mtu_clamp_mss(f, len, 9216, false));
	assert_memory_equal(f, in, len);
}

static void
test_clamp_golden(void **state)
{
	(void)state;
	check_clamp(syn4, sizeof(syn4), syn4_1406, 1460, 14);
	check_clamp(synack6, sizeof(synack6), synack6_1366, 1440, 14);
	check_clamp(syn4_odd, sizeof(syn4_odd), syn4_odd_1402, 1460, 18);
	/* Ethernet padding after the datagram does not matter. */
	{
		uint8_t f[128];

		memcpy(f, syn4, sizeof(syn4));
		memset(f + sizeof(syn4), 0, 10);
		assert_true(mtu_clamp_mss(f, sizeof(syn4) + 10, 1460, false));
		assert_memory_equal(f, syn4_1406, sizeof(syn4));
	}
}

/*
 * A tap with checksum offload: the field holds the pseudo-header sum; the
 * MSS changes, the field does not, and completing the checksum afterwards
 * gives exactly the frame with the right checksum.
 */
static void
test_clamp_partial(void **state)
{
	uint8_t f[128];
	uint16_t c, before;
	size_t l4 = 34;

	(void)state;
	memcpy(f, syn4, sizeof(syn4));
	c = (uint16_t)~frames_fold(frames_pseudo(f + 14, false, sizeof(syn4) - l4, 6));
	f[l4 + 16] = (uint8_t)(c >> 8);
	f[l4 + 17] = (uint8_t)c;
	before = (uint16_t)(f[l4 + 16] << 8 | f[l4 + 17]);
	assert_true(mtu_clamp_mss(f, sizeof(syn4), 1460, true));
	assert_int_equal(f[l4 + 16] << 8 | f[l4 + 17], before);
	assert_int_equal(f[l4 + 22] << 8 | f[l4 + 23], 1406);
	assert_true(offload_csum(f, sizeof(syn4), (uint16_t)l4, 16));
	assert_memory_equal(f, syn4_1406, sizeof(syn4));

	/* Without the flag the same frame would be wrong once completed. */
	memcpy(f, syn4, sizeof(syn4));
	f[l4 + 16] = (uint8_t)(c >> 8);
	f[l4 + 17] = (uint8_t)c;
	assert_true(mtu_clamp_mss(f, sizeof(syn4), 1460, false));
	assert_true(offload_csum(f, sizeof(syn4), (uint16_t)l4, 16));
	assert_false(frames_tcp_ok(f, sizeof(syn4), 14));
}

static void
test_clamp_cases(void **state)
{
	uint8_t f[128], before[128];
	size_t l4 = 34, n;

	(void)state;
	/* Two MSS options: both clamped, checksum right. */
	memcpy(f, syn4, sizeof(syn4));
	memcpy(f + l4 + 24, "\x02\x04\x05\xdc\x01\x01\x01\x01\x01\x01\x01\x01", 12);
	frames_fix_tcp(f, sizeof(syn4), 14);
	assert_true(mtu_clamp_mss(f, sizeof(syn4), 1460, false));
	assert_int_equal(f[l4 + 22] << 8 | f[l4 + 23], 1406);
	assert_int_equal(f[l4 + 26] << 8 | f[l4 + 27], 1406);
	assert_true(frames_tcp_ok(f, sizeof(syn4), 14));

	/* A wrong checksum stays exactly as wrong (0x10 too small). */
	memcpy(f, syn4, sizeof(syn4));
	f[l4 + 17] -= 0x10;
	assert_true(mtu_clamp_mss(f, sizeof(syn4), 1460, false));
	assert_int_equal(f[l4 + 16], syn4_1406[l4 + 16]);
	assert_int_equal(f[l4 + 17], syn4_1406[l4 + 17] - 0x10);
	assert_false(frames_tcp_ok(f, sizeof(syn4), 14));

	/* SYN-less, fragments, bad options: untouched. */
	static const struct {
		const char	*what;
		size_t		off;
		uint8_t		val;
	} no[] = {
		{ "ACK only", 34 + 13, 0x10 },
		{ "IPv4 fragment (MF)", 14 + 6, 0x20 },
		{ "IPv4 fragment (offset)", 14 + 7, 0x01 },
		{ "not TCP", 14 + 9, 17 },
		{ "option length 0", 34 + 25, 0 },
		{ "option length 1", 34 + 25, 1 },
		{ "option past the header", 34 + 38, 4 },
		{ "MSS of length 3", 34 + 21, 3 },
		{ "TCP header past the IP length", 14 + 3, 0x3b },
		{ "data offset past the frame", 34 + 12, 0xf0 },
		{ "data offset below 5", 34 + 12, 0x40 },
	};
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		memcpy(f, syn4, sizeof(syn4));
		f[no[i].off] = no[i].val;
		frames_fix_ip4(f + 14);
		memcpy(before, f, sizeof(syn4));
		if (mtu_clamp_mss(f, sizeof(syn4), 1460, false) ||
		    memcmp(f, before, sizeof(syn4)) != 0)
			fail_msg("%s: changed", no[i].what);
	}
	/* An MSS after the end-of-list option is not an option. */
	memcpy(f, syn4, sizeof(syn4));
	memcpy(f + l4 + 24, f + l4 + 20, 4);
	f[l4 + 20] = 0;
	frames_fix_tcp(f, sizeof(syn4), 14);
	memcpy(before, f, sizeof(syn4));
	assert_false(mtu_clamp_mss(f, sizeof(syn4), 1460, false));
	assert_memory_equal(f, before, sizeof(syn4));

	/* IPv6 with a hop-by-hop header before TCP: not walked, untouched. */
	memcpy(f, synack6, sizeof(synack6));
	f[20] = 0;
	assert_false(mtu_clamp_mss(f, sizeof(synack6), 1440, false));

	/* Every prefix: no over-read, nothing changed. */
	for (n = 0; n < sizeof(syn4); n++) {
		uint8_t *p = malloc(n ? n : 1);

		memcpy(p, syn4, n);
		assert_false(mtu_clamp_mss(p, n, 1460, false));
		assert_memory_equal(p, syn4, n);
		free(p);
	}
}

/* ------------------------------------------------------- too-big answers --- */

/* Headers hdr, then the pattern up to total bytes. */
static size_t
pat_frame(uint8_t *f, const uint8_t *hdr, size_t hlen, size_t total)
{
	memcpy(f, hdr, hlen);
	frames_pattern(f + hlen, total - hlen);
	return total;
}

static void
check_icmp4(const uint8_t *out, size_t n, size_t l3, const uint8_t *orig_ip, size_t quote,
    unsigned mtu)
{
	const uint8_t *ip = out + l3;

	assert_int_equal(n, l3 + 28 + quote);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[2] << 8 | ip[3], 28 + quote);
	assert_true(28 + quote <= 576);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 1);
	assert_int_equal(frames_csum(ip, 20, 0), 0);
	assert_memory_equal(ip + 12, orig_ip + 16, 4);
	assert_memory_equal(ip + 16, orig_ip + 12, 4);
	assert_int_equal(ip[20], 3);
	assert_int_equal(ip[21], 4);
	assert_int_equal(ip[26] << 8 | ip[27], mtu);
	assert_int_equal(frames_csum(ip + 20, 8 + quote, 0), 0);
	assert_memory_equal(ip + 28, orig_ip, quote);
}

static void
test_too_big4(void **state)
{
	static uint8_t f[1600], out[MTU_ICMP_MAX + 16];
	size_t len = pat_frame(f, udp4_hdr, sizeof(udp4_hdr), 1514), n;
	uint8_t *ip = f + 14;

	(void)state;
	memset(out, 0xee, sizeof(out));
	n = mtu_too_big(f, len, 1460, out, sizeof(out));
	assert_int_equal(n, 14 + 576);
	assert_memory_equal(out, icmp4_hdr, sizeof(icmp4_hdr));
	assert_memory_equal(out + 42, f + 14, 548);
	assert_int_equal(out[n], 0xee);
	check_icmp4(out, n, 14, ip, 548, 1446);
	assert_int_equal(mtu_too_big(f, len, 1460, out, n - 1), 0);
	assert_int_equal(mtu_too_big(f, len, 1460, out, n), n);
	/* Not oversize: no answer. */
	assert_int_equal(mtu_too_big(f, len, 1514, out, sizeof(out)), 0);

	/* A short datagram over a tiny frame_max is quoted whole. */
	ip[2] = 0;
	ip[3] = 200;
	frames_fix_ip4(ip);
	n = mtu_too_big(f, 214, 100, out, sizeof(out));
	check_icmp4(out, n, 14, ip, 200, 86);
	/* ... unless the datagram itself fits: only trailing bytes are long. */
	assert_int_equal(mtu_too_big(f, 300, 214, out, sizeof(out)), 0);
	assert_int_not_equal(mtu_too_big(f, 300, 213, out, sizeof(out)), 0);

	/* ICMP echo is answered; errors and unknown types are not. */
	ip[9] = 1;
	ip[20] = 8;
	frames_fix_ip4(ip);
	assert_int_not_equal(mtu_too_big(f, 214, 100, out, sizeof(out)), 0);
	ip[20] = 3;
	assert_int_equal(mtu_too_big(f, 214, 100, out, sizeof(out)), 0);
	ip[20] = 42;
	assert_int_equal(mtu_too_big(f, 214, 100, out, sizeof(out)), 0);

	/* IP options are quoted with the header; a tag is kept, MTU - 4. */
	len = pat_frame(f, udp4_hdr, sizeof(udp4_hdr), 1514);
	memmove(f + 16, f + 12, len - 12);
	memcpy(f + 12, "\x81\x00\x20\x05", 4);
	ip = f + 18;
	ip[0] = 0x46;
	memcpy(ip + 20, "\x94\x04\x00\x00", 4);	/* router alert */
	frames_fix_ip4(ip);
	n = mtu_too_big(f, len + 4, 1460, out, sizeof(out));
	assert_memory_equal(out + 12, "\x81\x00\x20\x05\x08\x00", 6);
	check_icmp4(out, n, 18, ip, 548, 1442);
	assert_int_equal(out[18 + 28 + 20], 0x94);	/* the option, quoted */
}

static void
test_too_big4_refusals(void **state)
{
	static const struct {
		const char	*what;
		size_t		off;	/* from the frame's start */
		uint8_t		val;
		bool		fix;	/* recompute the header checksum */
	} no[] = {
		{ "no DF", 20, 0x00, true },
		{ "non-initial fragment", 21, 0x10, true },
		{ "bad header checksum", 24, 0x00, false },
		{ "IP version 5", 14, 0x55, true },
		{ "IHL 4", 14, 0x44, true },
		{ "length past the frame", 16, 0x06, true },
		{ "source 0.0.0.0/8", 26, 0, true },
		{ "source loopback", 26, 127, true },
		{ "source multicast", 26, 239, true },
		{ "destination broadcast", 30, 255, true },
		{ "destination class E", 30, 240, true },
		{ "broadcast MAC destination", 0, 0xff, true },
		{ "multicast MAC source", 6, 0x03, true },
		{ "ARP ethertype", 13, 0x06, true },
	};
	static uint8_t f[1600], out[MTU_ICMP_MAX];
	size_t i, n, len;

	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		len = pat_frame(f, udp4_hdr, sizeof(udp4_hdr), 1514);
		f[no[i].off] = no[i].val;
		if (no[i].off == 0)
			memset(f, 0xff, 6);
		if (no[i].fix)
			frames_fix_ip4(f + 14);
		if (mtu_too_big(f, len, 1460, out, sizeof(out)) != 0)
			fail_msg("%s: answered", no[i].what);
	}
	/* Every prefix: no over-read; answers only once the datagram is there. */
	len = pat_frame(f, udp4_hdr, sizeof(udp4_hdr), 1514);
	for (n = 0; n < len; n += n < 64 ? 1 : 97) {
		uint8_t *p = malloc(n ? n : 1);

		memcpy(p, f, n);
		assert_int_equal(mtu_too_big(p, n, 60, out, sizeof(out)), 0);
		free(p);
	}
}

static void
check_icmp6(const uint8_t *out, size_t n, size_t l3, const uint8_t *orig_ip, size_t quote,
    unsigned mtu)
{
	const uint8_t *ip = out + l3;

	assert_int_equal(n, l3 + 48 + quote);
	assert_true(48 + quote <= 1280);
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[4] << 8 | ip[5], 8 + quote);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 64);
	assert_memory_equal(ip + 8, orig_ip + 24, 16);
	assert_memory_equal(ip + 24, orig_ip + 8, 16);
	assert_int_equal(ip[40], 2);
	assert_int_equal(ip[41], 0);
	assert_int_equal((uint32_t)ip[44] << 24 | (uint32_t)ip[45] << 16 |
	    (uint32_t)ip[46] << 8 | ip[47], mtu);
	assert_int_equal(frames_l4_csum(ip, true, ip + 40, 8 + quote, 58), 0);
	assert_memory_equal(ip + 48, orig_ip, quote);
}

static void
test_too_big6(void **state)
{
	static uint8_t f[1600], out[MTU_ICMP_MAX + 16];
	size_t len = pat_frame(f, udp6_hdr, sizeof(udp6_hdr), 1514), n;
	uint8_t *ip = f + 14;

	(void)state;
	memset(out, 0xee, sizeof(out));
	n = mtu_too_big(f, len, 1440, out, sizeof(out));
	assert_int_equal(n, 14 + 1280);
	assert_int_equal(n, MTU_ICMP_MAX - 4);
	assert_memory_equal(out, icmp6_hdr, sizeof(icmp6_hdr));
	assert_memory_equal(out + 62, f + 14, 1232);
	assert_int_equal(out[n], 0xee);
	check_icmp6(out, n, 14, ip, 1232, 1426);
	assert_int_equal(mtu_too_big(f, len, 1440, out, n - 1), 0);
	assert_int_equal(mtu_too_big(f, len, 1514, out, sizeof(out)), 0);

	/* ICMPv6: echo request answered, an error not. */
	ip[6] = 58;
	ip[40] = 128;
	assert_int_not_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	ip[40] = 1;
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	/* The error behind a destination options header: still found. */
	ip[6] = 60;
	memcpy(ip + 40, "\x3a\x00\x01\x04\x00\x00\x00\x00\x01", 9);
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	/* Behind a non-initial fragment: cannot be told, so answered. */
	ip[6] = 44;
	memcpy(ip + 40, "\x3a\x00\x05\x00\x00\x00\x00\x01", 8);
	assert_int_not_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	/* Behind the first fragment: found. */
	memcpy(ip + 40, "\x3a\x00\x00\x01\x00\x00\x00\x01\x01", 9);
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	/* ICMPv6 with no room for its type: treated as an error. */
	ip[6] = 58;
	ip[4] = 0;
	ip[5] = 0;
	assert_int_equal(mtu_too_big(f, len, 20, out, sizeof(out)), 0);

	/* Addresses that cannot be answered from or to. */
	len = pat_frame(f, udp6_hdr, sizeof(udp6_hdr), 1514);
	assert_int_not_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	memset(ip + 8, 0, 16);				/* source :: */
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	ip[23] = 1;					/* source ::1 */
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	len = pat_frame(f, udp6_hdr, sizeof(udp6_hdr), 1514);
	ip[24] = 0xff;					/* to a group */
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);
	len = pat_frame(f, udp6_hdr, sizeof(udp6_hdr), 1514);
	ip[5] = 0xb5;					/* past the frame */
	assert_int_equal(mtu_too_big(f, len, 1440, out, sizeof(out)), 0);

	/* A small packet over a tiny frame_max: quoted whole; tagged. */
	len = pat_frame(f, udp6_hdr, sizeof(udp6_hdr), 1514);
	memmove(f + 16, f + 12, len - 12);
	memcpy(f + 12, "\x81\x00\x00\x09", 4);
	ip = f + 18;
	ip[4] = 0;
	ip[5] = 100;
	n = mtu_too_big(f, 18 + 140, 100, out, sizeof(out));
	assert_memory_equal(out + 12, "\x81\x00\x00\x09\x86\xdd", 6);
	check_icmp6(out, n, 18, ip, 140, 82);
}

/*
 * The tunnel's frame limit, against the datagram it makes: the largest
 * frame's transport message fits tunnel_mtu, one byte more does not.
 */
static size_t
tunnel_datagram(size_t frame, bool v6)
{
	size_t msg = WIRE_HDR_LEN + frame;

	msg = (msg + 15) / 16 * 16;		/* padded to 16 */
	return (v6 ? 40 : 20) + 8 + 16 + msg + 16;
}

static void
test_tunnel(void **state)
{
	static const struct { unsigned mtu; bool v6; size_t frame; } t[] = {
		{ 1500, false, 1428 }, { 1500, true, 1396 }, { 1420, false, 1348 },
		{ 9000, false, 8916 }, { 65535, true, WIRE_FRAME_MAX }, { 100, false, 0 },
	};
	unsigned mtu;
	size_t i, f;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(mtu_tunnel_frame_max(t[i].mtu, t[i].v6), t[i].frame);
	for (mtu = 0; mtu <= 9300; mtu++) {
		for (i = 0; i < 2; i++) {
			f = mtu_tunnel_frame_max(mtu, i == 1);
			if (f == 0) {
				assert_true(mtu < 200);
				continue;
			}
			assert_true(f >= ETH_HDR_LEN + MTU_IP4_MIN);
			assert_true(tunnel_datagram(f, i == 1) <= mtu);
			if (f < WIRE_FRAME_MAX)
				assert_true(tunnel_datagram(f + 1, i == 1) > mtu);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_clamp_golden),
		cmocka_unit_test(test_clamp_partial),
		cmocka_unit_test(test_clamp_cases),
		cmocka_unit_test(test_too_big4),
		cmocka_unit_test(test_too_big4_refusals),
		cmocka_unit_test(test_too_big6),
		cmocka_unit_test(test_tunnel),
	};

	return cmocka_run_group_tests_name("mtu", tests, NULL, NULL);
}
