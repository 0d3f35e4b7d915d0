/*
 * test_resume.c — the frames `vanlab migrate` sends for a resumed VM:
 * byte for byte against hand-written frames, the ICMPv6 checksum summed
 * independently, and each one read back by the edge's own ARP/ND parser
 * (arpnd_classify), which must glean the VM's address and MAC from it —
 * that is what the frames are for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/arpnd.h"
#include "edge/van/neigh.h"
#include "federation/lab/resume.h"
#include "tests/unit/frames.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x0a, 0x00, 0x00, 0x0b };
static const uint8_t ip6[16] = { 0xfd, 0x00, [14] = 0x00, [15] = 0x0b };

static void
test_garp(void **state)
{
	static const uint8_t want[RESUME_GARP_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x0b,
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x02, 0x00, 0x0a, 0x00, 0x00, 0x0b, 10, 0, 0, 11,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 11,
		/* padding to 60: zero */
	};
	uint8_t out[RESUME_FRAME_MAX];
	struct arpnd_pkt p;

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(resume_garp(mac, 0x0a00000b, out, sizeof(out)), RESUME_GARP_LEN);
	assert_memory_equal(out, want, RESUME_GARP_LEN);
	assert_int_equal(resume_garp(mac, 0x0a00000b, out, RESUME_GARP_LEN - 1), 0);

	/* A gratuitous ARP: the edge gleans it and never answers it. */
	assert_int_equal(arpnd_classify(out, RESUME_GARP_LEN, &p), ARPND_ARP_REPLY);
	assert_true(p.glean);
	assert_false(p.answerable);
	assert_int_equal(p.glean_ip.family, 4);
	assert_memory_equal(p.glean_ip.bytes, ((uint8_t[]){ 10, 0, 0, 11 }), 4);
	assert_memory_equal(p.glean_mac, mac, 6);
}

static void
test_una(void **state)
{
	static const uint8_t want_head[14 + 8] = {
		0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x0b,
		0x86, 0xdd,
		0x60, 0x00, 0x00, 0x00, 0x00, 32, 58, 255,
	};
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t out[RESUME_FRAME_MAX];
	struct arpnd_pkt p;

	(void)state;
	assert_int_equal(resume_una(mac, ip6, out, sizeof(out)), RESUME_UNA_LEN);
	assert_memory_equal(out, want_head, sizeof(want_head));
	assert_memory_equal(out + 22, ip6, 16);		/* from the address itself */
	assert_memory_equal(out + 38, all_nodes, 16);
	assert_int_equal(out[54], 136);			/* NA, code 0 */
	assert_int_equal(out[55], 0);
	assert_int_equal(out[58], 0x20);		/* O only */
	assert_int_equal(out[59] | out[60] | out[61], 0);
	assert_memory_equal(out + 62, ip6, 16);		/* target */
	assert_int_equal(out[78], 2);			/* target link-layer */
	assert_int_equal(out[79], 1);
	assert_memory_equal(out + 80, mac, 6);
	/* The checksum, summed independently: 0 over the message. */
	assert_int_equal(frames_l4_csum(out + 14, true, out + 54,
	    frames_be16(out + 18), 58), 0);
	assert_int_equal(resume_una(mac, ip6, out, RESUME_UNA_LEN - 1), 0);

	/* The edge gleans the address as the VM's, with Override (not weak). */
	assert_int_equal(resume_una(mac, ip6, out, sizeof(out)), RESUME_UNA_LEN);
	assert_int_equal(arpnd_classify(out, RESUME_UNA_LEN, &p), ARPND_NA);
	assert_true(p.glean);
	assert_false(p.answerable);
	assert_int_equal(p.glean_ip.family, 6);
	assert_memory_equal(p.glean_ip.bytes, ip6, 16);
	assert_memory_equal(p.glean_mac, mac, 6);
	assert_int_equal(p.glean_flags & (NEIGH_L_WEAK | NEIGH_L_ROUTER), 0);

	/* A checksum that is off by one bit is refused by the same parser. */
	out[57] ^= 1;
	assert_int_equal(arpnd_classify(out, RESUME_UNA_LEN, &p), ARPND_OTHER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_una),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
