/*
 * test_arpnd.c — ARP / ND proxy packets: answers compared byte for byte
 * with frames built by an independent implementation (Scapy 2.5.0, from
 * the constructions listed below; checksums included), the NA checksum
 * re-verified with a naive RFC 1071 sum, every answer classified back,
 * what is gleaned from each kind of packet, and a table of malformed or
 * ignored variants of real packets, each refused for its own reason (the
 * checksum is recomputed after each change, so the rule under test is
 * the one that refuses it).
 *
 * The golden frames, from:
 *   A='52:54:00:12:34:56'; T='52:54:00:ab:cd:ef'
 *   Ether(dst='ff:ff:ff:ff:ff:ff', src=A)/ARP(op=1, hwsrc=A,
 *       psrc='192.168.1.10', pdst='192.168.1.1')            (padded to 60)
 *   Ether(dst=A, src=T)/ARP(op=2, hwsrc=T, psrc='192.168.1.1', hwdst=A,
 *       pdst='192.168.1.10')                                (padded to 60)
 *   the same two with Dot1Q(prio=3, vlan=100)
 *   Ether(dst='33:33:ff:00:00:01', src=A)/IPv6(src='fe80::5054:ff:fe12:3456',
 *       dst='ff02::1:ff00:1', hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/
 *       ICMPv6NDOptSrcLLAddr(lladdr=A)
 *   Ether(dst=A, src=T)/IPv6(src='2001:db8::1', dst='fe80::5054:ff:fe12:3456',
 *       hlim=255)/ICMPv6ND_NA(tgt='2001:db8::1', R=0, S=1, O=1)/
 *       ICMPv6NDOptDstLLAddr(lladdr=T)                      (and R=1, O=0)
 *   the NS from '::' without option (DAD); an unsolicited NA to ff02::1
 *   (R=1, S=0, O=1); an RA from fe80::1 with SLL, MTU and prefix options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/arpnd.h"
#include "edge/van/neigh.h"
#include "tests/unit/frames.h"

/* arp_req (60 bytes) */
static const uint8_t arp_req[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54,
	0x00, 0x12, 0x34, 0x56, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* arp_rep_want (60 bytes) */
static const uint8_t arp_rep_want[] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x52, 0x54,
	0x00, 0xab, 0xcd, 0xef, 0xc0, 0xa8, 0x01, 0x01, 0x52, 0x54, 0x00, 0x12,
	0x34, 0x56, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* arp_req_tag (60 bytes) */
static const uint8_t arp_req_tag[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x81, 0x00, 0x60, 0x64, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
	0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0xc0, 0xa8, 0x01, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* arp_rep_tag_want (60 bytes) */
static const uint8_t arp_rep_tag_want[] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x81, 0x00, 0x60, 0x64, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
	0x00, 0x02, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0xc0, 0xa8, 0x01, 0x01,
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* ns (86 bytes) */
static const uint8_t ns[] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12,
	0x34, 0x56, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x42, 0xea, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x52, 0x54, 0x00, 0x12,
	0x34, 0x56,
};
/* na_want (86 bytes) */
static const uint8_t na_want[] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
	0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x88, 0x00, 0x17, 0x03, 0x60, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x52, 0x54, 0x00, 0xab,
	0xcd, 0xef,
};
/* na_router_weak_want (86 bytes) */
static const uint8_t na_router_weak_want[] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
	0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x88, 0x00, 0xb7, 0x02, 0xc0, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x52, 0x54, 0x00, 0xab,
	0xcd, 0xef,
};
/* ns_dad (78 bytes) */
static const uint8_t ns_dad[] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x4c, 0xed, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};
/* na_unsol (86 bytes) */
static const uint8_t na_unsol[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x5a, 0x3c, 0xa0, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x52, 0x54, 0x00, 0xab,
	0xcd, 0xef,
};
/* ra (118 bytes) */
static const uint8_t ra[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3a, 0xff, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0x00, 0xd7, 0x08, 0x00, 0x08,
	0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01,
	0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x78, 0x03, 0x04, 0x40, 0xc0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };	/* asker */
static const uint8_t mac_t[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };	/* target */
static const uint8_t ip6_a[16] = {	/* fe80::5054:ff:fe12:3456 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56
};
static const uint8_t ip6_t[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };	/* 2001:db8::1 */
static const uint8_t ip6_snm[16] = {	/* ff02::1:ff00:1 */
	0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01
};
static const uint8_t ip6_all[16] = { 0xff, 0x02, [15] = 1 };	/* ff02::1 */
static const uint8_t eth_snm[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x01 };

/* The ICMPv6 checksum of an ND frame out (IPv6 at 14): 0 when right. */
static uint16_t
icmp6_csum(const uint8_t *out, size_t len)
{
	return frames_l4_csum(out + 14, true, out + 54, len, 58);
}

static struct neigh_entry
entry(const struct wire_addr *a, const uint8_t mac[6], uint8_t flags)
{
	struct neigh_entry e;

	memset(&e, 0, sizeof(e));
	e.van = 1;
	e.addr = *a;
	e.kind = NEIGH_LOCAL;
	e.flags = flags;
	memcpy(e.mac, mac, 6);
	return e;
}

static struct wire_addr
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct wire_addr x = { .family = 4, .bytes = { a, b, c, d } };

	return x;
}

static struct wire_addr
ip6(const uint8_t b[16])
{
	struct wire_addr x = { .family = 6 };

	memcpy(x.bytes, b, 16);
	return x;
}

static void
assert_addr(const struct wire_addr *got, const struct wire_addr *want)
{
	assert_int_equal(got->family, want->family);
	assert_memory_equal(got->bytes, want->bytes, want->family == 4 ? 4 : 16);
}

/* ----------------------------------------------------------------- ARP --- */

static void
check_arp_answer(const uint8_t *req, size_t req_len, const uint8_t *want, size_t want_len,
    bool tagged)
{
	struct arpnd_pkt p, back;
	struct wire_addr t = ip4(192, 168, 1, 1), s = ip4(192, 168, 1, 10);
	struct neigh_entry e = entry(&t, mac_t, 0);
	uint8_t out[ARPND_ANSWER_MAX + 8];
	size_t n;

	assert_int_equal(arpnd_classify(req, req_len, &p), ARPND_ARP_REQUEST);
	assert_true(p.answerable);
	assert_int_equal(p.tagged, tagged);
	if (tagged)
		assert_int_equal(p.tci, 0x6064);	/* priority 3, VLAN 100 */
	assert_addr(&p.target, &t);
	assert_addr(&p.src_ip, &s);
	/* The asker's own binding is gleaned from the question. */
	assert_true(p.glean);
	assert_addr(&p.glean_ip, &s);
	assert_memory_equal(p.glean_mac, mac_a, 6);
	assert_int_equal(p.glean_flags, 0);

	memset(out, 0xee, sizeof(out));
	n = arpnd_answer(&p, &e, out, sizeof(out));
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
	/* Not a byte more than it says; one byte less room and it refuses. */
	assert_int_equal(out[n], 0xee);
	assert_int_equal(arpnd_answer(&p, &e, out, want_len - 1), 0);
	assert_int_equal(arpnd_answer(&p, &e, out, want_len), want_len);

	/* The answer is a reply that teaches T -> mac_t. */
	assert_int_equal(arpnd_classify(out, n, &back), ARPND_ARP_REPLY);
	assert_true(back.glean);
	assert_addr(&back.glean_ip, &t);
	assert_memory_equal(back.glean_mac, mac_t, 6);
	assert_false(back.answerable);
}

static void
test_arp_answer(void **state)
{
	(void)state;
	check_arp_answer(arp_req, sizeof(arp_req), arp_rep_want, sizeof(arp_rep_want), false);
	check_arp_answer(arp_req_tag, sizeof(arp_req_tag), arp_rep_tag_want,
	    sizeof(arp_rep_tag_want), true);
	/* Without Ethernet padding (as a tap may hand it): the same. */
	check_arp_answer(arp_req, 42, arp_rep_want, sizeof(arp_rep_want), false);
}

struct arp_case {
	const char	*what;
	size_t		off;		/* byte to change (-1: none) */
	uint8_t		val;
	size_t		len;		/* 0: whole frame */
	enum arpnd_kind	kind;
	bool		answerable;
	bool		glean;
};

static void
test_arp_classify(void **state)
{
	static const struct arp_case cases[] = {
		{ "as captured", (size_t)-1, 0, 0, ARPND_ARP_REQUEST, true, true },
		{ "htype 6", 15, 6, 0, ARPND_OTHER, false, false },
		{ "ptype IPv6", 16, 0x86, 0, ARPND_OTHER, false, false },
		{ "hlen 8", 18, 8, 0, ARPND_OTHER, false, false },
		{ "plen 16", 19, 16, 0, ARPND_OTHER, false, false },
		{ "oper 3", 21, 3, 0, ARPND_OTHER, false, false },
		{ "oper 0", 21, 0, 0, ARPND_OTHER, false, false },
		{ "sender MAC not the source", 27, 0x57, 0, ARPND_OTHER, false, false },
		{ "multicast source MAC", 6, 0x53, 0, ARPND_OTHER, false, false },
		{ "sender IP multicast", 28, 224, 0, ARPND_OTHER, false, false },
		{ "sender IP loopback", 28, 127, 0, ARPND_OTHER, false, false },
		{ "unicast request", 0, 0x02, 0, ARPND_ARP_REQUEST, false, true },
		{ "target broadcast", 38, 255, 0, ARPND_ARP_REQUEST, false, true },
		{ "reply", 21, 2, 0, ARPND_ARP_REPLY, false, true },
		{ "gratuitous (sender = target)", 41, 10, 0, ARPND_ARP_REPLY, false, true },
		{ "IPv4 ethertype", 13, 0x00, 0, ARPND_OTHER, false, false },
		{ "802.1ad outer tag", 12, 0x88, 0, ARPND_OTHER, false, false },
		{ "truncated", (size_t)-1, 0, 41, ARPND_OTHER, false, false },
		{ "unpadded", (size_t)-1, 0, 42, ARPND_ARP_REQUEST, true, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct arp_case *c = &cases[i];
		uint8_t f[sizeof(arp_req)];
		struct arpnd_pkt p;

		memcpy(f, arp_req, sizeof(f));
		if (c->off != (size_t)-1)
			f[c->off] = c->val;
		if (arpnd_classify(f, c->len ? c->len : sizeof(f), &p) != c->kind ||
		    p.kind != c->kind || p.answerable != c->answerable || p.glean != c->glean)
			fail_msg("%s: kind %s answerable %d glean %d", c->what,
			    arpnd_kind_str(p.kind), p.answerable, p.glean);
	}
}

static void
test_arp_probe(void **state)
{
	uint8_t f[sizeof(arp_req)];
	struct arpnd_pkt p;
	struct wire_addr t = ip4(192, 168, 1, 1);
	struct neigh_entry e = entry(&t, mac_t, 0);
	uint8_t out[ARPND_ANSWER_MAX];

	(void)state;
	memcpy(f, arp_req, sizeof(f));
	memset(f + 28, 0, 4);		/* sender 0.0.0.0: RFC 5227 probe */
	assert_int_equal(arpnd_classify(f, sizeof(f), &p), ARPND_ARP_PROBE);
	assert_false(p.glean);
	assert_false(p.answerable);
	assert_addr(&p.target, &t);
	/* Never answered, even with a binding at hand. */
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	/* A "reply" from 0.0.0.0 means nothing. */
	f[21] = 2;
	assert_int_equal(arpnd_classify(f, sizeof(f), &p), ARPND_OTHER);
}

/* ------------------------------------------------------------------ ND --- */

static void
check_na(const uint8_t *out, size_t n, const uint8_t *want, size_t want_len,
    unsigned glean_flags)
{
	struct arpnd_pkt back;
	struct wire_addr t = ip6(ip6_t);

	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
	/* The checksum by the naive sum: over the message it must come to 0. */
	assert_int_equal(icmp6_csum(out, 32), 0);
	assert_int_equal(out[21], 255);
	assert_int_equal(arpnd_classify(out, n, &back), ARPND_NA);
	assert_true(back.glean);
	assert_addr(&back.glean_ip, &t);
	assert_memory_equal(back.glean_mac, mac_t, 6);
	assert_int_equal(back.glean_flags, glean_flags);
}

static void
test_na_answer(void **state)
{
	struct arpnd_pkt p;
	struct wire_addr t = ip6(ip6_t), a = ip6(ip6_a);
	struct neigh_entry e = entry(&t, mac_t, 0);
	uint8_t out[ARPND_ANSWER_MAX], f[128], sll[8] = { 1, 1 };
	size_t n;

	(void)state;
	/* The builder of this test makes the golden NS too. */
	memcpy(sll + 2, mac_a, 6);
	n = frames_nd(f, eth_snm, mac_a, ip6_a, ip6_snm, 135, 0, ip6_t, sll, 8);
	assert_int_equal(n, sizeof(ns));
	assert_memory_equal(f, ns, n);

	assert_int_equal(arpnd_classify(ns, sizeof(ns), &p), ARPND_NS);
	assert_true(p.answerable);
	assert_addr(&p.target, &t);
	assert_addr(&p.src_ip, &a);
	assert_true(p.glean);
	assert_addr(&p.glean_ip, &a);
	assert_memory_equal(p.glean_mac, mac_a, 6);
	assert_int_equal(p.glean_flags, 0);

	/* A host's binding: R=0, S=1, O=1. */
	n = arpnd_answer(&p, &e, out, sizeof(out));
	check_na(out, n, na_want, sizeof(na_want), NEIGH_L_HOST);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(na_want) - 1), 0);
	/* A router's binding learnt only from O=0 NAs: R=1, S=1, O=0. */
	e.flags = NEIGH_F_ROUTER | NEIGH_F_WEAK;
	n = arpnd_answer(&p, &e, out, sizeof(out));
	check_na(out, n, na_router_weak_want, sizeof(na_router_weak_want),
	    NEIGH_L_ROUTER | NEIGH_L_WEAK);

	/* Tagged: the same message behind the same tag. */
	memcpy(f, ns, 12);
	memcpy(f + 12, "\x81\x00\x0f\xff", 4);
	memcpy(f + 16, ns + 12, sizeof(ns) - 12);
	assert_int_equal(arpnd_classify(f, sizeof(ns) + 4, &p), ARPND_NS);
	assert_true(p.tagged);
	assert_int_equal(p.tci, 0x0fff);
	e.flags = 0;
	n = arpnd_answer(&p, &e, out, sizeof(out));
	assert_int_equal(n, sizeof(na_want) + 4);
	assert_memory_equal(out, na_want, 12);
	assert_memory_equal(out + 12, "\x81\x00\x0f\xff", 4);
	assert_memory_equal(out + 16, na_want + 12, sizeof(na_want) - 12);
	assert_int_equal(arpnd_classify(out, n, &p), ARPND_NA);
	assert_true(p.tagged);
}

static void
test_answer_refusals(void **state)
{
	struct arpnd_pkt p;
	struct wire_addr t = ip6(ip6_t), other = ip6(ip6_snm), t4 = ip4(192, 168, 1, 1);
	struct neigh_entry e;
	uint8_t out[ARPND_ANSWER_MAX], f[sizeof(arp_req)];

	(void)state;
	assert_int_equal(arpnd_classify(ns, sizeof(ns), &p), ARPND_NS);
	/* Sanity: this entry is answered. */
	e = entry(&t, mac_t, 0);
	assert_int_not_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	/* Another address, another family, the asker's own MAC, no entry. */
	other.bytes[0] = 0x20;
	e = entry(&other, mac_t, 0);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	e = entry(&t4, mac_t, 0);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	e = entry(&t, mac_a, 0);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	assert_int_equal(arpnd_answer(&p, NULL, out, sizeof(out)), 0);
	e = entry(&t, mac_t, 0);
	e.kind = NEIGH_FREE;
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);

	/* Not answerable: a unicast ARP request (a reachability check). */
	memcpy(f, arp_req, sizeof(f));
	memcpy(f, mac_t, 6);
	assert_int_equal(arpnd_classify(f, sizeof(f), &p), ARPND_ARP_REQUEST);
	e = entry(&t4, mac_t, 0);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
	/* Not a question. */
	assert_int_equal(arpnd_classify(arp_rep_want, sizeof(arp_rep_want), &p),
	    ARPND_ARP_REPLY);
	assert_int_equal(arpnd_answer(&p, &e, out, sizeof(out)), 0);
}

struct nd_case {
	const char	*what;
	size_t		off;		/* byte to change (-1: none) */
	uint8_t		val;
	bool		fix;		/* recompute the checksum after */
	enum arpnd_kind	kind;
	bool		answerable;
	bool		glean;
};

/* Variants of the golden NS (offsets: IPv6 at 14, ICMPv6 at 54). */
static void
test_ns_classify(void **state)
{
	static const struct nd_case cases[] = {
		{ "as captured", (size_t)-1, 0, false, ARPND_NS, true, true },
		{ "hop limit 254", 21, 254, true, ARPND_OTHER, false, false },
		{ "code 1", 55, 1, true, ARPND_OTHER, false, false },
		{ "bad checksum", 57, 0xeb, false, ARPND_OTHER, false, false },
		{ "option length 0", 79, 0, true, ARPND_OTHER, false, false },
		{ "option past the end", 79, 2, true, ARPND_OTHER, false, false },
		{ "unknown option", 78, 14, true, ARPND_NS, true, false },
		{ "multicast target", 62, 0xff, true, ARPND_OTHER, false, false },
		{ "option MAC not the source", 85, 0x57, true, ARPND_OTHER, false, false },
		{ "multicast source MAC", 6, 0x53, true, ARPND_OTHER, false, false },
		{ "multicast source address", 22, 0xff, true, ARPND_OTHER, false, false },
		{ "not the target's group", 53, 0x02, true, ARPND_OTHER, false, false },
		{ "group address, unicast MAC", 0, 0x02, true, ARPND_OTHER, false, false },
		{ "hop-by-hop header", 20, 0, true, ARPND_OTHER, false, false },
		{ "IP version 4", 14, 0x40, true, ARPND_OTHER, false, false },
		{ "payload past the frame", 19, 0x28, true, ARPND_OTHER, false, false },
		{ "payload short of the option", 19, 0x18, true, ARPND_NS, true, false },
		{ "payload short of the target", 19, 0x17, true, ARPND_OTHER, false, false },
		{ "redirect", 54, 137, true, ARPND_OTHER, false, false },
		{ "router solicitation", 54, 133, true, ARPND_OTHER, false, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct nd_case *c = &cases[i];
		uint8_t f[sizeof(ns)];
		struct arpnd_pkt p;

		memcpy(f, ns, sizeof(f));
		if (c->off != (size_t)-1)
			f[c->off] = c->val;
		if (c->fix && f[19] <= 0x20)
			frames_fix_icmp6(f, sizeof(f), 14);
		if (arpnd_classify(f, sizeof(f), &p) != c->kind ||
		    p.kind != c->kind || p.answerable != c->answerable || p.glean != c->glean)
			fail_msg("%s: kind %s answerable %d glean %d", c->what,
			    arpnd_kind_str(p.kind), p.answerable, p.glean);
	}
}

/* Solicitations built field by field: options, DAD, unicast. */
static void
test_ns_built(void **state)
{
	static const uint8_t ip6_b[16] = { 0xfe, 0x80, [15] = 0x77 };
	static const uint8_t zero[16];
	uint8_t f[200], opts[32];
	struct arpnd_pkt p;
	struct wire_addr a = ip6(ip6_a);
	size_t n;

	(void)state;
	/* SLL twice, same MAC: malformed. */
	memcpy(opts, "\x01\x01", 2);
	memcpy(opts + 2, mac_a, 6);
	memcpy(opts + 8, opts, 8);
	n = frames_nd(f, eth_snm, mac_a, ip6_a, ip6_snm, 135, 0, ip6_t, opts, 16);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	/* SLL of 16 bytes: not an Ethernet address. */
	memcpy(opts, "\x01\x02", 2);
	memset(opts + 8, 0, 8);
	n = frames_nd(f, eth_snm, mac_a, ip6_a, ip6_snm, 135, 0, ip6_t, opts, 16);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	/* A nonce option (RFC 3971) then SLL: fine, gleaned. */
	memcpy(opts, "\x0e\x01\x01\x02\x03\x04\x05\x06\x01\x01", 10);
	memcpy(opts + 10, mac_a, 6);
	n = frames_nd(f, eth_snm, mac_a, ip6_a, ip6_snm, 135, 0, ip6_t, opts, 16);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_NS);
	assert_true(p.glean);
	assert_true(p.answerable);
	/* Ethernet padding past the IPv6 payload is not looked at. */
	memset(f + n, 0xaa, 20);
	assert_int_equal(arpnd_classify(f, n + 20, &p), ARPND_NS);
	/* No SLL: answered (to the Ethernet source), nothing gleaned. */
	n = frames_nd(f, eth_snm, mac_a, ip6_a, ip6_snm, 135, 0, ip6_t, NULL, 0);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_NS);
	assert_true(p.answerable);
	assert_false(p.glean);
	/* A link-local target (how hosts reach routers): not answered ... */
	{
		static const uint8_t ll[16] = { 0xfe, 0x80, [13] = 0x12, 0x34, 0x77 };
		static const uint8_t gl[16] = {
			0x20, 0x01, 0x0d, 0xb8, [13] = 0x12, 0x34, 0x77
		};
		static const uint8_t snm[16] = {
			0xff, 0x02, [11] = 0x01, 0xff, 0x12, 0x34, 0x77
		};
		static const uint8_t esnm[6] = { 0x33, 0x33, 0xff, 0x12, 0x34, 0x77 };

		memcpy(opts, "\x01\x01", 2);
		memcpy(opts + 2, mac_a, 6);
		n = frames_nd(f, esnm, mac_a, ip6_a, snm, 135, 0, ll, opts, 8);
		assert_int_equal(arpnd_classify(f, n, &p), ARPND_NS);
		assert_false(p.answerable);
		assert_true(p.glean);
		/* ... a global one with the same group is. */
		n = frames_nd(f, esnm, mac_a, ip6_a, snm, 135, 0, gl, opts, 8);
		assert_int_equal(arpnd_classify(f, n, &p), ARPND_NS);
		assert_true(p.answerable);
	}
	/* Unicast NS (reachability): gleaned, not answered. */
	memcpy(opts, "\x01\x01", 2);
	memcpy(opts + 2, mac_a, 6);
	n = frames_nd(f, mac_t, mac_a, ip6_a, ip6_b, 135, 0, ip6_t, opts, 8);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_NS);
	assert_false(p.answerable);
	assert_true(p.glean);
	assert_addr(&p.glean_ip, &a);

	/* DAD as captured; with an option, or to another group: malformed. */
	assert_int_equal(arpnd_classify(ns_dad, sizeof(ns_dad), &p), ARPND_NS_DAD);
	assert_false(p.answerable);
	assert_false(p.glean);
	n = frames_nd(f, eth_snm, mac_a, zero, ip6_snm, 135, 0, ip6_t, opts, 8);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	n = frames_nd(f, eth_snm, mac_a, zero, ip6_all, 135, 0, ip6_t, NULL, 0);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	n = frames_nd(f, eth_snm, mac_a, zero, ip6_snm, 135, 0, ip6_t, NULL, 0);
	assert_int_equal(n, sizeof(ns_dad));
	assert_memory_equal(f, ns_dad, n);
}

static void
test_na_ra_glean(void **state)
{
	uint8_t f[200], opts[8] = { 2, 1 };
	struct arpnd_pkt p;
	struct wire_addr t = ip6(ip6_t);
	static const uint8_t ll1[16] = { 0xfe, 0x80, [15] = 1 };
	struct wire_addr r = ip6(ll1);
	size_t n;

	(void)state;
	/* Unsolicited NA (R=1, O=1) to all nodes: gleaned as a router. */
	assert_int_equal(arpnd_classify(na_unsol, sizeof(na_unsol), &p), ARPND_NA);
	assert_true(p.glean);
	assert_addr(&p.glean_ip, &t);
	assert_memory_equal(p.glean_mac, mac_t, 6);
	assert_int_equal(p.glean_flags, NEIGH_L_ROUTER);
	assert_false(p.answerable);

	memcpy(opts + 2, mac_t, 6);
	/* S to a group: malformed (RFC 4861 §7.1.2). */
	n = frames_nd(f, (const uint8_t *)"\x33\x33\0\0\0\x01", mac_t, ip6_t, ip6_all, 136,
	    0xe0, ip6_t, opts, 8);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	/* O=0: weak. */
	n = frames_nd(f, (const uint8_t *)"\x33\x33\0\0\0\x01", mac_t, ip6_t, ip6_all, 136,
	    0x00, ip6_t, opts, 8);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_NA);
	assert_int_equal(p.glean_flags, NEIGH_L_HOST | NEIGH_L_WEAK);
	/* Option MAC not the sender's: ignored. */
	opts[7] ^= 1;
	n = frames_nd(f, (const uint8_t *)"\x33\x33\0\0\0\x01", mac_t, ip6_t, ip6_all, 136,
	    0x20, ip6_t, opts, 8);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);
	/* Without the option (a solicited NA may omit it): nothing to glean. */
	n = frames_nd(f, mac_a, mac_t, ip6_t, ip6_a, 136, 0x60, ip6_t, NULL, 0);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_NA);
	assert_false(p.glean);
	/* Multicast target. */
	n = frames_nd(f, mac_a, mac_t, ip6_t, ip6_a, 136, 0x60, ip6_all, NULL, 0);
	assert_int_equal(arpnd_classify(f, n, &p), ARPND_OTHER);

	/* RA as captured: the router's link-local address, as a router. */
	assert_int_equal(arpnd_classify(ra, sizeof(ra), &p), ARPND_RA);
	assert_true(p.glean);
	assert_addr(&p.glean_ip, &r);
	assert_memory_equal(p.glean_mac, mac_t, 6);
	assert_int_equal(p.glean_flags, NEIGH_L_ROUTER);
	/* From a global address: malformed (RFC 4861 §6.1.2). */
	memcpy(f, ra, sizeof(ra));
	f[22] = 0x20;
	assert_true(frames_fix_icmp6(f, sizeof(ra), 14));
	assert_int_equal(arpnd_classify(f, sizeof(ra), &p), ARPND_OTHER);
	/* Hop limit 64: malformed. */
	memcpy(f, ra, sizeof(ra));
	f[21] = 64;
	assert_int_equal(arpnd_classify(f, sizeof(ra), &p), ARPND_OTHER);
}

/* Every prefix of every golden frame: no over-read (ASan) and sane kinds. */
static void
test_truncated(void **state)
{
	static const struct {
		const uint8_t	*f;
		size_t		len;
		size_t		need;	/* shortest prefix of the same kind */
	} frames[] = {
		{ arp_req, sizeof(arp_req), 42 },
		{ arp_req_tag, sizeof(arp_req_tag), 46 },
		{ ns, sizeof(ns), sizeof(ns) },
		{ ns_dad, sizeof(ns_dad), sizeof(ns_dad) },
		{ na_unsol, sizeof(na_unsol), sizeof(na_unsol) },
		{ ra, sizeof(ra), sizeof(ra) },
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		struct arpnd_pkt p;
		enum arpnd_kind whole = arpnd_classify(frames[i].f, frames[i].len, &p);

		assert_int_not_equal(whole, ARPND_OTHER);
		for (n = 0; n < frames[i].len; n++) {
			uint8_t *copy = malloc(n ? n : 1);	/* exact size for ASan */
			enum arpnd_kind k;

			memcpy(copy, frames[i].f, n);
			k = arpnd_classify(copy, n, &p);
			assert_int_equal(k, n < frames[i].need ? ARPND_OTHER : whole);
			free(copy);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_answer),
		cmocka_unit_test(test_arp_classify),
		cmocka_unit_test(test_arp_probe),
		cmocka_unit_test(test_na_answer),
		cmocka_unit_test(test_answer_refusals),
		cmocka_unit_test(test_ns_classify),
		cmocka_unit_test(test_ns_built),
		cmocka_unit_test(test_na_ra_glean),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests_name("arpnd", tests, NULL, NULL);
}
