/*
 * test_wire.c — the VAN wire codec: encodings byte for byte against
 * docs/protocol.md, round trips, and every refusal of wire_decode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/wire.h"

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };

static void
test_header_layout(void **state)
{
	struct wire_hdr h = {
		.type = WIRE_FLOOD, .flags = 0x01, .hop = 16, .pad = 3,
		.src_van = 0x01020304, .dst_van = 0xa0b0c0d0,
	};
	uint8_t out[WIRE_HDR_LEN];
	static const uint8_t want[WIRE_HDR_LEN] = {
		0x12, 0x01, 0x10, 0x03, 0x01, 0x02, 0x03, 0x04,
		0xa0, 0xb0, 0xc0, 0xd0,
	};

	(void)state;
	wire_put_hdr(out, &h);
	assert_memory_equal(out, want, sizeof(want));
}

static void
test_data_roundtrip(void **state)
{
	uint8_t msg[WIRE_HDR_LEN + 64 + 5];
	struct wire_hdr h = { .type = WIRE_DATA, .hop = 1, .pad = 5,
	    .src_van = 7, .dst_van = 7 };
	struct wire_msg m;

	(void)state;
	memset(msg, 0xee, sizeof(msg));
	wire_put_hdr(msg, &h);
	assert_int_equal(wire_decode(msg, sizeof(msg), &m), WIRE_OK);
	assert_int_equal(m.hdr.type, WIRE_DATA);
	assert_int_equal(m.hdr.src_van, 7);
	assert_int_equal(m.payload_len, 64);	/* padding stripped */
	assert_ptr_equal(m.payload, msg + WIRE_HDR_LEN);
}

static void
test_learn_layout(void **state)
{
	uint8_t out[WIRE_CTL_MAX];
	struct wire_hdr h = { .hop = 16, .src_van = 100, .dst_van = 100 };
	struct wire_learn l = { .naddr = 2, .seq = 0x11223344 };
	struct wire_msg m;
	size_t n;
	static const uint8_t want[] = {
		0x13, 0x00, 0x10, 0x00, 0, 0, 0, 100, 0, 0, 0, 100,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x02,
		0x11, 0x22, 0x33, 0x44,
		4, 10, 0, 0, 1,
		6, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};

	(void)state;
	memcpy(l.mac, mac_a, 6);
	l.addr[0].family = 4;
	memcpy(l.addr[0].bytes, "\x0a\x00\x00\x01", 4);
	l.addr[1].family = 6;
	memcpy(l.addr[1].bytes, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	n = wire_encode_learn(out, sizeof(out), &h, &l);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_int_equal(m.hdr.type, WIRE_LEARN);
	assert_memory_equal(m.body.learn.mac, mac_a, 6);
	assert_int_equal(m.body.learn.seq, 0x11223344);
	assert_int_equal(m.body.learn.naddr, 2);
	assert_int_equal(m.body.learn.addr[1].family, 6);
	assert_memory_equal(m.body.learn.addr[1].bytes, l.addr[1].bytes, 16);
	/* Does not fit: refused, nothing half-written counted as success. */
	assert_int_equal(wire_encode_learn(out, sizeof(want) - 1, &h, &l), 0);
}

static void
test_unlearn_hello_join(void **state)
{
	uint8_t out[WIRE_CTL_MAX];
	struct wire_hdr h = { .hop = 16, .src_van = 9, .dst_van = 9 };
	struct wire_unlearn u;
	struct wire_hello hello = { .epoch = 0x0102030405060708ULL,
	    .interval_ms = 1000, .van_count = 2, .van_digest = 0xdeadbeefULL };
	struct wire_msg m;
	size_t n;

	(void)state;
	memcpy(u.mac, mac_a, 6);
	n = wire_encode_unlearn(out, sizeof(out), &h, &u);
	assert_int_equal(n, WIRE_HDR_LEN + WIRE_UNLEARN_LEN);
	assert_int_equal(out[0], 0x14);
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_memory_equal(m.body.unlearn.mac, mac_a, 6);

	h.src_van = h.dst_van = 0;
	n = wire_encode_hello(out, sizeof(out), &h, &hello);
	assert_int_equal(n, WIRE_HDR_LEN + WIRE_HELLO_LEN);
	assert_int_equal(out[0], 0x17);
	assert_int_equal(out[12], 0x01);
	assert_int_equal(out[19], 0x08);
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_true(m.body.hello.epoch == hello.epoch);
	assert_int_equal(m.body.hello.interval_ms, 1000);
	assert_int_equal(m.body.hello.van_count, 2);
	assert_true(m.body.hello.van_digest == 0xdeadbeefULL);

	{
		/* TUNNEL: tunnel 0x0102, end 1, RESTORE, epoch, seq. */
		struct wire_tunnel t = { .tunnel = 0x0102, .end = 1,
		    .state = WIRE_TUN_RESTORE, .epoch = 0x1112131415161718ULL,
		    .seq = 0x21222324 };
		static const uint8_t body[WIRE_TUNNEL_LEN] = { 0x01, 0x02, 0x01, 0x03,
		    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
		    0x21, 0x22, 0x23, 0x24 };

		n = wire_encode_tunnel(out, sizeof(out), &h, &t);
		assert_int_equal(n, WIRE_HDR_LEN + WIRE_TUNNEL_LEN);
		assert_int_equal(out[0], 0x18);
		assert_memory_equal(out + WIRE_HDR_LEN, body, sizeof(body));
		assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
		assert_int_equal(m.hdr.type, WIRE_TUNNEL);
		assert_int_equal(m.body.tunnel.tunnel, 0x0102);
		assert_int_equal(m.body.tunnel.end, 1);
		assert_int_equal(m.body.tunnel.state, WIRE_TUN_RESTORE);
		assert_true(m.body.tunnel.epoch == t.epoch);
		assert_int_equal(m.body.tunnel.seq, 0x21222324);
		assert_true(wire_is_control(WIRE_TUNNEL));
		/* Refused: a VAN ID, each bad field, a cut or a longer body. */
		out[7] = 1;
		assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_VAN);
		out[7] = 0;
		assert_int_equal(wire_decode(out, n - 1, &m), WIRE_ERR_BODY);
		out[n] = 0;
		assert_int_equal(wire_decode(out, n + 1, &m), WIRE_ERR_BODY);
		out[WIRE_HDR_LEN + 2] = 2;			/* end */
		assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
		out[WIRE_HDR_LEN + 2] = 1;
		out[WIRE_HDR_LEN + 3] = WIRE_TUN_STATE_MAX + 1;	/* state */
		assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
		out[WIRE_HDR_LEN + 3] = 0;
		assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
		out[WIRE_HDR_LEN + 3] = WIRE_TUN_OFF;
		assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
		memset(out + WIRE_HDR_LEN, 0, 2);		/* tunnel 0 */
		assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
		t.epoch = 0;
		assert_int_equal(wire_encode_tunnel(out, sizeof(out), &h, &t), 0);
	}

	h.type = WIRE_JOIN;
	h.src_van = h.dst_van = 5;
	n = wire_encode_empty(out, sizeof(out), &h);
	assert_int_equal(n, WIRE_HDR_LEN);
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_int_equal(m.hdr.type, WIRE_JOIN);
	h.type = WIRE_DATA;
	assert_int_equal(wire_encode_empty(out, sizeof(out), &h), 0);
}

/* One valid message, then each way of breaking it. */
static void
test_refusals(void **state)
{
	uint8_t base[WIRE_HDR_LEN + ETH_HDR_LEN], msg[sizeof(base) + 8];
	struct wire_hdr h = { .type = WIRE_DATA, .hop = 16, .src_van = 1,
	    .dst_van = 1 };
	struct wire_msg m;
	size_t i;

	(void)state;
	memset(base, 0, sizeof(base));
	wire_put_hdr(base, &h);
	memcpy(base + WIRE_HDR_LEN, mac_a, 6);
	assert_int_equal(wire_decode(base, sizeof(base), &m), WIRE_OK);

	for (i = 0; i < WIRE_HDR_LEN; i++)
		assert_int_equal(wire_decode(base, i, &m), WIRE_ERR_SHORT);

	memcpy(msg, base, sizeof(base));
	msg[0] = 0x21;
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_VERSION);
	msg[0] = 0x10;
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_TYPE);
	msg[0] = 0x19;
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_TYPE);

	memset(msg, 0, sizeof(msg));
	memcpy(msg, base, sizeof(base));
	msg[3] = 0x10;
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_RESERVED);
	msg[3] = 0x0f;
	assert_int_equal(wire_decode(msg, sizeof(msg), &m), WIRE_ERR_FRAME);
	assert_int_equal(wire_decode(msg, WIRE_HDR_LEN + 10, &m), WIRE_ERR_PAD);

	memcpy(msg, base, sizeof(base));
	msg[2] = 0;
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_HOP);

	memcpy(msg, base, sizeof(base));
	memset(msg + 4, 0, 4);
	assert_int_equal(wire_decode(msg, sizeof(base), &m), WIRE_ERR_VAN);

	/* Runt frame. */
	assert_int_equal(wire_decode(base, sizeof(base) - 1, &m), WIRE_ERR_FRAME);

	/* JOIN with a body; HELLO with VAN IDs. */
	memcpy(msg, base, sizeof(base));
	msg[0] = 0x15;
	assert_int_equal(wire_decode(msg, WIRE_HDR_LEN + 1, &m), WIRE_ERR_BODY);
	msg[0] = 0x17;
	assert_int_equal(wire_decode(msg, WIRE_HDR_LEN + WIRE_HELLO_LEN, &m),
	    WIRE_ERR_VAN);
}

static void
test_body_refusals(void **state)
{
	uint8_t out[WIRE_CTL_MAX];
	struct wire_hdr h = { .hop = 16, .src_van = 3, .dst_van = 3 };
	struct wire_learn l = { .naddr = 1 };
	struct wire_unlearn u;
	struct wire_hello hello = { .epoch = 1, .interval_ms = 1 };
	struct wire_msg m;
	size_t n;

	(void)state;
	memcpy(l.mac, mac_a, 6);
	l.addr[0].family = 4;
	n = wire_encode_learn(out, sizeof(out), &h, &l);
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_int_equal(wire_decode(out, n - 1, &m), WIRE_ERR_BODY);	/* cut */
	out[n] = 0;
	assert_int_equal(wire_decode(out, n + 1, &m), WIRE_ERR_BODY);	/* extra */
	out[WIRE_HDR_LEN + 7] = WIRE_LEARN_ADDR_MAX + 1;		/* count */
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
	out[WIRE_HDR_LEN + 7] = 1;
	out[WIRE_HDR_LEN + 12] = 5;					/* family */
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
	out[WIRE_HDR_LEN + 12] = 4;
	out[WIRE_HDR_LEN] = 0x03;					/* multicast */
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);

	memcpy(u.mac, mac_a, 6);
	n = wire_encode_unlearn(out, sizeof(out), &h, &u);
	out[n - 1] = 1;
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_RESERVED);
	memset(out + WIRE_HDR_LEN, 0, 8);
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);	/* zero MAC */

	h.src_van = h.dst_van = 0;
	n = wire_encode_hello(out, sizeof(out), &h, &hello);
	assert_int_equal(wire_decode(out, n, &m), WIRE_OK);
	assert_int_equal(wire_decode(out, n - 1, &m), WIRE_ERR_BODY);
	hello.epoch = 0;
	n = wire_encode_hello(out, sizeof(out), &h, &hello);
	assert_int_equal(wire_decode(out, n, &m), WIRE_ERR_BODY);
}

static void
test_cursor(void **state)
{
	static const uint8_t in[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct wire_cur c;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t buf[4], v8;

	(void)state;
	wire_cur_init(&c, in, sizeof(in));
	assert_true(wire_get_u64(&c, &v64));
	assert_true(v64 == 0x0102030405060708ULL);
	assert_false(wire_get_u16(&c, &v16));
	/* Once failed, stays failed, even for what would fit. */
	assert_false(wire_get_u8(&c, &v8));
	assert_int_equal(wire_cur_left(&c), 0);

	wire_cur_init(&c, in, 3);
	assert_false(wire_get_u32(&c, &v32));
	wire_cur_init(&c, in, 3);
	assert_false(wire_get_bytes(&c, buf, 4));

	{
		uint8_t out[5];
		struct wire_buf b;

		wire_buf_init(&b, out, sizeof(out));
		assert_true(wire_put_u32(&b, 0xa1b2c3d4));
		assert_false(wire_put_u16(&b, 1));
		assert_false(wire_put_u8(&b, 1));
		assert_true(b.bad);
		assert_int_equal(out[0], 0xa1);
		assert_int_equal(out[3], 0xd4);
	}
}

static void
test_digest(void **state)
{
	uint32_t i, j;

	(void)state;
	/* Distinct IDs give distinct terms (a bijection): spot-check. */
	for (i = 1; i < 200; i++)
		for (j = i + 1; j < 200; j++)
			assert_true(wire_van_digest(i) != wire_van_digest(j));
	/* The sum is order-free and undoes itself. */
	assert_true(wire_van_digest(5) + wire_van_digest(9) - wire_van_digest(5) ==
	    wire_van_digest(9));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_data_roundtrip),
		cmocka_unit_test(test_learn_layout),
		cmocka_unit_test(test_unlearn_hello_join),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_body_refusals),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
