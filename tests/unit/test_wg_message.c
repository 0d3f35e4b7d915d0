/*
 * test_wg_message.c — crypto/message.c: the digest's initiation and
 * response vectors decode into the right fields and encode back byte for
 * byte; every size and type-word refusal of message_type and the
 * decoders; the little-endian cursor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/message.h"
#include "tests/unit/wgtest.h"

static const char init_hex[] =
    "0100000044332211392d174a38b3b1beafaf1fe824870841c5fa531bc6eafdb6402c"
    "124664488c1c0c866baac29f4bf4df0c9d4462d272eeb09d6a1212e247851f727b56"
    "2292c28be0c55562545967524af7c3bc7aafee5c227b76cf3f6cf814a54470a1ae4e"
    "4325d2fe79618b8f003695de3630c91b8027b7959b93df144cc0fb54df4400000000"
    "000000000000000000000000";
static const char resp_hex[] =
    "02000000887766554433221123b7bb8c91ae008711fb12846780bcdf1e065f821bdf"
    "ec49f57e7c7dcd4c482377010064907d17e3bcd97a5cadefb516588a9a6d4180ad4f"
    "e05caf461c48a2b000000000000000000000000000000000";
static const char cookie_hex[] =
    "0300000044332211d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e75951"
    "119979f54d87db3fae70af6b3fafa379ef397ae3ee531960b29d4ae38e1d";

static void
test_initiation(void **state)
{
	uint8_t pkt[WG_INITIATION_LEN], out[WG_INITIATION_LEN];
	struct message_initiation m;

	(void)state;
	wgt_hex(pkt, sizeof(pkt), init_hex);
	assert_int_equal(message_type(pkt, sizeof(pkt)), WG_MSG_INITIATION);
	assert_true(message_decode_initiation(pkt, sizeof(pkt), &m));
	assert_int_equal(m.sender, 0x11223344);
	assert_int_equal(m.ephemeral[0], 0x39);
	assert_int_equal(m.mac1[0], 0xc9);
	message_encode_initiation(out, &m);
	assert_memory_equal(out, pkt, sizeof(pkt));
	/* sizes */
	assert_int_equal(message_type(pkt, sizeof(pkt) - 1), 0);
	assert_false(message_decode_initiation(pkt, sizeof(pkt) - 1, &m));
	{
		struct message_response r;

		assert_false(message_decode_response(pkt, sizeof(pkt), &r));
	}
}

static void
test_response_cookie(void **state)
{
	uint8_t pkt[WG_RESPONSE_LEN], out[WG_RESPONSE_LEN];
	uint8_t c[WG_COOKIE_REPLY_LEN], cout[WG_COOKIE_REPLY_LEN];
	struct message_response m;
	struct message_cookie mc;

	(void)state;
	wgt_hex(pkt, sizeof(pkt), resp_hex);
	assert_int_equal(message_type(pkt, sizeof(pkt)), WG_MSG_RESPONSE);
	assert_true(message_decode_response(pkt, sizeof(pkt), &m));
	assert_int_equal(m.sender, 0x55667788);
	assert_int_equal(m.receiver, 0x11223344);
	message_encode_response(out, &m);
	assert_memory_equal(out, pkt, sizeof(pkt));

	wgt_hex(c, sizeof(c), cookie_hex);
	assert_int_equal(message_type(c, sizeof(c)), WG_MSG_COOKIE);
	assert_true(message_decode_cookie(c, sizeof(c), &mc));
	assert_int_equal(mc.receiver, 0x11223344);
	assert_int_equal(mc.nonce[0], 0xd0);
	message_encode_cookie(cout, &mc);
	assert_memory_equal(cout, c, sizeof(c));
	assert_false(message_decode_cookie(c, sizeof(c) + 1, &mc));
}

static void
test_transport(void **state)
{
	uint8_t pkt[64];
	struct message_transport m;

	(void)state;
	memset(pkt, 0x77, sizeof(pkt));
	message_encode_transport(pkt, 0x88776655, 0x0102030405060708ULL);
	assert_int_equal(pkt[0], 4);
	assert_int_equal(pkt[4], 0x55);
	assert_int_equal(pkt[8], 0x08);
	assert_int_equal(pkt[15], 0x01);
	assert_int_equal(message_type(pkt, 32), WG_MSG_TRANSPORT);
	assert_int_equal(message_type(pkt, 31), 0);
	assert_true(message_decode_transport(pkt, sizeof(pkt), &m));
	assert_int_equal(m.receiver, 0x88776655);
	assert_true(m.counter == 0x0102030405060708ULL);
	assert_int_equal(m.ct_len, sizeof(pkt) - 16);
	assert_false(message_decode_transport(pkt, 31, &m));
	assert_true(message_decode_transport(pkt, 32, &m));
	assert_int_equal(m.ct_len, 16);
}

/* The type is a whole little-endian word: reserved bytes must be 0. */
static void
test_type_word(void **state)
{
	uint8_t pkt[WG_INITIATION_LEN];
	struct message_initiation m;
	unsigned i, t;

	(void)state;
	wgt_hex(pkt, sizeof(pkt), init_hex);
	for (i = 1; i < 4; i++) {
		pkt[i] = 1;
		assert_int_equal(message_type(pkt, sizeof(pkt)), 0);
		assert_false(message_decode_initiation(pkt, sizeof(pkt), &m));
		pkt[i] = 0;
	}
	for (t = 0; t < 256; t++) {
		pkt[0] = (uint8_t)t;
		if (t == 1)
			assert_int_equal(message_type(pkt, 148), 1);
		else if (t == 4)
			assert_int_equal(message_type(pkt, 148), 4);
		else
			assert_int_equal(message_type(pkt, 148), 0);
	}
	assert_int_equal(message_type(pkt, 0), 0);
	assert_int_equal(message_type(pkt, 3), 0);
}

static void
test_cursor(void **state)
{
	static const uint8_t b[12] = { 1, 0, 0, 0, 0xff, 0xee, 0xdd, 0xcc,
	    0xbb, 0xaa, 0x99, 0x88 };
	struct message_cur c;
	uint32_t v;
	uint64_t w;
	uint8_t x[4];

	(void)state;
	message_cur_init(&c, b, sizeof(b));
	assert_true(message_get_u32(&c, &v));
	assert_int_equal(v, 1);
	assert_true(message_get_u64(&c, &w));
	assert_true(w == 0x8899aabbccddeeffULL);
	assert_int_equal(message_cur_left(&c), 0);
	assert_false(message_get_bytes(&c, x, 1));
	/* a failed get poisons the cursor */
	message_cur_init(&c, b, 6);
	assert_true(message_get_u32(&c, &v));
	assert_false(message_get_u32(&c, &v));
	assert_false(message_get_bytes(&c, x, 0));
	assert_int_equal(message_cur_left(&c), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initiation),
		cmocka_unit_test(test_response_cookie),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_type_word),
		cmocka_unit_test(test_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
