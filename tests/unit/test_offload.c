/*
 * test_offload.c — checksums against a naive RFC 1071 reference; TCP
 * segmentation of IPv4 and IPv6 super-frames checked segment by segment
 * (lengths, sequence numbers, flags, both checksums, payload); GRO merging
 * them back into the same super-frame; refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/offload.h"
#include "tests/unit/frames.h"

static void
test_csum(void **state)
{
	uint8_t buf[1501];
	unsigned seed = 1, i, len;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand_r(&seed);
	for (len = 0; len <= sizeof(buf); len += 1 + len / 7) {
		uint16_t mine = csum_fold(csum_add(0, buf, len));
		uint16_t ref = frames_csum(buf, len, 0);
		uint8_t stored[2];

		memcpy(stored, &mine, 2);	/* memory order, as the code stores */
		assert_int_equal(frames_be16(stored), ref);
	}
}

/*
 * A super-frame: Ethernet, IPv4 or IPv6, TCP 5001 -> 80 with 12 bytes of
 * options (NOP NOP timestamp) and a sequence near the wrap, payload; the
 * TCP checksum left 0 (VNET_F_NEEDS_CSUM), the GSO header for mss.
 */
static size_t
make_super(uint8_t *f, bool v6, size_t payload, uint8_t flags, struct vnet_hdr *h,
    uint16_t mss)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t a4[4] = { 10, 0, 0, 1 }, b4[4] = { 10, 0, 0, 2 };
	static const uint8_t a6[16] = { 0xfd, [15] = 1 }, b6[16] = { 0xfd, [15] = 2 };
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 7 };
	size_t l3 = frames_eth(f, dst, src, v6 ? 0x86dd : 0x0800), l4, hl;

	l4 = l3 + (v6 ? frames_ip6(f + l3, 6, 64, a6, b6, 32 + payload) :
	    frames_ip4(f + l3, 6, 0x1234, a4, b4, 32 + payload));
	hl = l4 + frames_tcp(f + l4, 5001, 80, 0xf0000010, 12345, flags, 256, ts,
	    sizeof(ts));
	frames_pattern(f + hl, payload);
	memset(h, 0, sizeof(*h));
	h->flags = VNET_F_NEEDS_CSUM;
	h->gso_type = v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4;
	h->hdr_len = (uint16_t)hl;
	h->gso_size = mss;
	h->csum_start = (uint16_t)l4;
	h->csum_offset = 16;
	return hl + payload;
}

static void
tso_gro_case(bool v6, size_t payload, uint16_t mss)
{
	uint8_t *f = malloc(OFFLOAD_FRAME_MAX), *out = malloc(200000);
	uint8_t *gbuf = malloc(OFFLOAD_FRAME_MAX + VNET_HDR_LEN);
	size_t len, stride, last, l4 = v6 ? 54 : 34, hl = l4 + 32, got = 0;
	struct vnet_hdr h, gh;
	struct gro g;
	unsigned n, i;

	len = make_super(f, v6, payload, 0x18 /* ACK PSH */, &h, mss);
	assert_int_equal(offload_segs(f, len, &h), (payload + mss - 1) / mss);
	n = offload_tso(f, len, &h, out, 200000, 12, &stride, &last);
	assert_int_equal(n, (payload + mss - 1) / mss);
	assert_int_equal(stride, 12 + hl + mss);
	gro_init(&g, gbuf);
	for (i = 0; i < n; i++) {
		uint8_t *s = out + i * stride + 12;
		size_t slen = (i + 1 < n ? stride : last) - 12, plen = slen - hl;

		/* IP length and checksum, sequence, flags, TCP checksum */
		if (!v6) {
			assert_int_equal(frames_be16(s + 16), slen - 14);
			assert_int_equal(frames_be16(s + 18), 0x1234 + i);
			assert_int_equal(frames_csum(s + 14, 20, 0), 0);
		} else
			assert_int_equal(frames_be16(s + 18), slen - 54);
		assert_int_equal(frames_be32(s + l4 + 4), 0xf0000010u + (uint32_t)(i * mss));
		assert_int_equal(s[l4 + 13], i + 1 < n ? 0x10 : 0x18);
		assert_true(frames_tcp_ok(s, slen, 14));
		assert_memory_equal(s + hl, f + hl + got, plen);
		got += plen;
		assert_int_equal(gro_add(&g, s, slen), i == 0 ? GRO_STARTED : GRO_MERGED);
	}
	assert_int_equal(got, payload);
	/* Merged back: the same frame, with a partial checksum and GSO header. */
	assert_int_equal(gro_take(&g), len + VNET_HDR_LEN);
	vnet_hdr_get(gbuf, &gh);
	if (n > 1) {
		assert_int_equal(gh.gso_type, h.gso_type);
		assert_int_equal(gh.gso_size, mss);
		assert_int_equal(gh.flags, VNET_F_NEEDS_CSUM);
		assert_int_equal(gh.csum_start, l4);
		assert_int_equal(gh.csum_offset, 16);
		assert_int_equal(gh.hdr_len, hl);
		/* Everything but the checksums equals the original super-frame. */
		assert_memory_equal(gbuf + VNET_HDR_LEN, f, v6 ? l4 + 16 : 24);
		assert_memory_equal(gbuf + VNET_HDR_LEN + l4 + 18, f + l4 + 18,
		    len - l4 - 18);
		/* Completing the partial checksum gives a valid frame. */
		assert_true(offload_csum(gbuf + VNET_HDR_LEN, len, gh.csum_start,
		    gh.csum_offset));
		assert_true(frames_tcp_ok(gbuf + VNET_HDR_LEN, len, 14));
	} else
		assert_int_equal(gh.gso_type, VNET_GSO_NONE);
	assert_true(gro_empty(&g));
	free(f);
	free(out);
	free(gbuf);
}

static void
test_tso_gro(void **state)
{
	(void)state;
	tso_gro_case(false, 64000, 1348);
	tso_gro_case(true, 64000, 1328);
	tso_gro_case(false, 1000, 1348);	/* one segment */
	tso_gro_case(false, 2 * 1348, 1348);	/* exact multiple */
	tso_gro_case(true, 5000, 1001);		/* odd MSS */
}

static void
test_gro_refusals(void **state)
{
	uint8_t *f = malloc(OFFLOAD_FRAME_MAX), *out = malloc(200000);
	uint8_t *gbuf = malloc(OFFLOAD_FRAME_MAX + VNET_HDR_LEN), other[2000];
	size_t len, stride, last;
	struct vnet_hdr h;
	struct gro g;

	(void)state;
	len = make_super(f, false, 4 * 1000, 0x10, &h, 1000);
	assert_int_equal(offload_tso(f, len, &h, out, 200000, 0, &stride, &last), 4);
	gro_init(&g, gbuf);
	assert_int_equal(gro_add(&g, out, stride), GRO_STARTED);
	/* Out of order: segment 2 before 1. */
	assert_int_equal(gro_add(&g, out + 2 * stride, stride), GRO_NO);
	assert_int_equal(gro_add(&g, out + stride, stride), GRO_MERGED);
	/* Another flow (other port). */
	memcpy(other, out + 2 * stride, stride);
	other[34 + 1] ^= 1;
	assert_int_equal(gro_add(&g, other, stride), GRO_NO);
	/* A SYN is never merged, and alone it is plain. */
	other[34 + 13] = 0x02;
	gro_take(&g);
	assert_int_equal(gro_add(&g, other, stride), GRO_PLAIN);
	/* Not TCP at all. */
	memset(other, 0, 60);
	assert_int_equal(gro_add(&g, other, 60), GRO_PLAIN);
	/* A short segment closes the flow. */
	len = make_super(f, false, 1000 + 500, 0x10, &h, 1000);
	assert_int_equal(offload_tso(f, len, &h, out, 200000, 0, &stride, &last), 2);
	assert_int_equal(gro_add(&g, out, stride), GRO_STARTED);
	assert_int_equal(gro_add(&g, out + stride, last), GRO_MERGED);
	memcpy(other, out + stride, last);
	assert_int_equal(gro_add(&g, other, last), GRO_NO);
	gro_take(&g);
	/*
	 * The IP packet ends inside the TCP header (issue: its payload length
	 * came out negative, mss 65516, and a malformed GSO header went to the
	 * tap): not TCP to GRO or to the layout, the frame goes as it is.  Its
	 * Ethernet padding holds the rest of the header, so the frame itself is
	 * long enough.
	 */
	for (int v6 = 0; v6 <= 1; v6++) {
		struct tcp_layout lay;
		size_t hl;

		len = make_super(f, v6, 100, 0x10, &h, 1000);
		hl = (size_t)h.hdr_len;
		assert_true(offload_tcp_layout(f, len, &lay));
		if (!v6) {
			f[14 + 2] = 0;
			f[14 + 3] = 20 + 10;	/* 10 bytes of the 32-byte TCP header */
		} else {
			f[14 + 4] = 0;
			f[14 + 5] = 10;
		}
		assert_true(len >= hl);
		assert_false(offload_tcp_layout(f, len, &lay));
		assert_int_equal(gro_add(&g, f, len), GRO_PLAIN);
		assert_true(gro_empty(&g));
		/* At the end of the TCP header exactly: a segment without payload. */
		if (!v6)
			f[14 + 3] = 20 + 32;
		else
			f[14 + 5] = 32;
		assert_true(offload_tcp_layout(f, len, &lay));
		assert_int_equal(lay.payload, hl);
		assert_int_equal(gro_add(&g, f, len), GRO_PLAIN);
	}
	free(f);
	free(out);
	free(gbuf);
}

static void
test_tso_refusals(void **state)
{
	uint8_t *f = malloc(OFFLOAD_FRAME_MAX), *out = malloc(200000);
	size_t len, stride, last;
	struct vnet_hdr h;

	(void)state;
	len = make_super(f, false, 10000, 0x10, &h, 1000);
	/* wrong GSO type for the frame */
	h.gso_type = VNET_GSO_TCPV6;
	assert_int_equal(offload_tso(f, len, &h, out, 200000, 0, &stride, &last), 0);
	h.gso_type = VNET_GSO_TCPV4;
	/* IP length disagrees with the frame */
	assert_int_equal(offload_tso(f, len - 1, &h, out, 200000, 0, &stride, &last), 0);
	/* no room */
	assert_int_equal(offload_tso(f, len, &h, out, 5000, 0, &stride, &last), 0);
	/* MSS 0, too many segments */
	h.gso_size = 0;
	assert_int_equal(offload_tso(f, len, &h, out, 200000, 0, &stride, &last), 0);
	h.gso_size = 10;
	assert_int_equal(offload_tso(f, len, &h, out, 200000, 0, &stride, &last), 0);
	/* truncated headers */
	h.gso_size = 1000;
	assert_int_equal(offload_tso(f, 40, &h, out, 200000, 0, &stride, &last), 0);
	free(f);
	free(out);
}

static void
test_csum_complete(void **state)
{
	/* An IPv4 UDP frame whose checksum holds the pseudo-header sum. */
	static const uint8_t zero[6], a[4] = { 192, 168, 1, 1 }, b[4] = { 192, 168, 1, 2 };
	uint8_t f[14 + 20 + 8 + 33];
	uint32_t sum;
	uint16_t part;
	size_t i;

	(void)state;
	frames_eth(f, zero, zero, 0x0800);
	frames_ip4(f + 14, 17, 0, a, b, 8 + 33);
	frames_udp(f + 34, 53, 53, 33);
	for (i = 42; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	sum = 0xc0a8 + 0x0101 + 0xc0a8 + 0x0102 + 17 + 41;
	part = (uint16_t)((sum & 0xffff) + (sum >> 16));
	f[34 + 6] = (uint8_t)(part >> 8);
	f[34 + 7] = (uint8_t)part;
	assert_true(offload_csum(f, sizeof(f), 34, 6));
	sum = 0xc0a8 + 0x0101 + 0xc0a8 + 0x0102 + 17 + 41;
	assert_int_equal(frames_csum(f + 34, sizeof(f) - 34, sum), 0);
	/* Offsets outside the frame: refused, frame untouched. */
	assert_false(offload_csum(f, sizeof(f), 34, (uint16_t)(sizeof(f) - 35)));
	assert_false(offload_csum(f, sizeof(f), (uint16_t)sizeof(f), 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_tso_gro),
		cmocka_unit_test(test_gro_refusals),
		cmocka_unit_test(test_tso_refusals),
		cmocka_unit_test(test_csum_complete),
	};

	return cmocka_run_group_tests_name("offload", tests, NULL, NULL);
}
