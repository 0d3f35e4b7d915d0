/*
 * test_stage.c — packets waiting for a session (crypto/stage.h): each
 * peer's queue gives its packets back oldest first, with their bytes,
 * lengths and flags, where a slot has room for the transport header in
 * front and padding and tag behind; a full queue drops its oldest (and
 * counts it); a pool used up takes the pushing queue's oldest for the new
 * packet, and refuses the packet of an empty queue, never taking a slot
 * from another peer's queue; a popped or cleared slot is wiped (it held
 * plaintext); sizes out of range are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/stage.h"
#include "crypto/wg.h"

/* A payload whose bytes say which packet it is. */
static void
payload(uint8_t *p, size_t len, unsigned tag)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(tag * 31 + i);
}

/* The queue's head is packet tag, of len bytes, with flags: then pop it. */
static void
expect_head(struct stage_pool *sp, struct stage_queue *q, unsigned tag, size_t len,
    uint32_t flags)
{
	uint8_t want[256];
	uint32_t s = stage_head(q);

	assert_int_not_equal(s, STAGE_NONE);
	assert_int_equal(stage_meta(sp, s)->len, len);
	assert_int_equal(stage_meta(sp, s)->flags, flags);
	payload(want, len, tag);
	assert_memory_equal(stage_buf(sp, s) + WG_TRANSPORT_HDR_LEN, want, len);
	stage_pop(sp, q);
}

static void
test_fifo(void **state)
{
	struct stage_pool sp;
	struct stage_queue q;
	uint8_t p[256];
	unsigned dropped = 0, i;

	(void)state;
	assert_int_equal(stage_init(&sp, 16, 200), 0);
	stage_queue_init(&q);
	assert_int_equal(stage_head(&q), STAGE_NONE);
	for (i = 0; i < 5; i++) {
		payload(p, 10 + i, i);
		assert_int_equal(stage_push(&sp, &q, p, 10 + i, i * 3, 8, &dropped), 0);
	}
	assert_int_equal(q.count, 5);
	assert_int_equal(sp.nfree, 11);
	for (i = 0; i < 5; i++)
		expect_head(&sp, &q, i, 10 + i, i * 3);
	assert_int_equal(stage_head(&q), STAGE_NONE);
	assert_int_equal(q.count, 0);
	assert_int_equal(sp.nfree, 16);
	assert_int_equal(dropped, 0);
	/* Popping an empty queue does nothing. */
	stage_pop(&sp, &q);
	assert_int_equal(sp.nfree, 16);
	/* An empty payload (a keepalive) is a packet too. */
	assert_int_equal(stage_push(&sp, &q, NULL, 0, 0, 8, &dropped), 0);
	assert_int_equal(stage_meta(&sp, stage_head(&q))->len, 0);
	assert_int_equal(stage_clear(&sp, &q), 1);
	stage_free(&sp);
}

/* A slot holds header, payload, padding and tag: sealed in place. */
static void
test_room(void **state)
{
	struct stage_pool sp;
	struct stage_queue q;
	uint8_t p[WG_PAYLOAD_MAX + 1];
	unsigned dropped = 0;

	(void)state;
	assert_int_equal(stage_init(&sp, 2, 100), 0);
	stage_queue_init(&q);
	assert_true(sp.stride >= WG_TRANSPORT_HDR_LEN + 112 + WG_AEAD_TAG_LEN);
	payload(p, sizeof(p), 1);
	/* The largest payload that fits the slot's room (100, padded to 112). */
	assert_int_equal(stage_push(&sp, &q, p, 112, 0, 8, &dropped), 0);
	assert_int_equal(stage_push(&sp, &q, p, 113, 0, 8, &dropped), -1);
	assert_int_equal(q.count, 1);
	assert_int_equal(dropped, 0);
	stage_free(&sp);

	/* The limits of the pool. */
	assert_int_equal(stage_init(&sp, 0, 100), -1);
	assert_int_equal(stage_init(&sp, WG_STAGE_POOL_MAX + 1, 100), -1);
	assert_int_equal(stage_init(&sp, 1, WG_PAYLOAD_MAX + 1), -1);
	assert_int_equal(stage_init(&sp, 1, WG_PAYLOAD_MAX), 0);
	stage_queue_init(&q);
	assert_int_equal(stage_push(&sp, &q, p, WG_PAYLOAD_MAX, 0, 8, &dropped), 0);
	stage_free(&sp);
}

/* A full queue makes room by dropping its oldest packet. */
static void
test_queue_full(void **state)
{
	struct stage_pool sp;
	struct stage_queue q;
	uint8_t p[64];
	unsigned dropped = 0, i;

	(void)state;
	assert_int_equal(stage_init(&sp, 64, 64), 0);
	stage_queue_init(&q);
	for (i = 0; i < 10; i++) {
		payload(p, 20, i);
		assert_int_equal(stage_push(&sp, &q, p, 20, 0, 4, &dropped), 0);
	}
	/* Four kept, the newest; six dropped, counted. */
	assert_int_equal(q.count, 4);
	assert_int_equal(dropped, 6);
	assert_int_equal(sp.nfree, 60);
	for (i = 6; i < 10; i++)
		expect_head(&sp, &q, i, 20, 0);
	stage_free(&sp);
}

/*
 * A pool used up: a peer with packets waiting gives up its own oldest;
 * a peer with none has its packet refused; no peer loses a slot to
 * another.
 */
static void
test_pool_used_up(void **state)
{
	struct stage_pool sp;
	struct stage_queue a, b;
	uint8_t p[64];
	unsigned dropped = 0, i;

	(void)state;
	assert_int_equal(stage_init(&sp, 4, 64), 0);
	stage_queue_init(&a);
	stage_queue_init(&b);
	for (i = 0; i < 4; i++) {
		payload(p, 8, i);
		assert_int_equal(stage_push(&sp, &a, p, 8, 0, WG_STAGED_PER_PEER,
		    &dropped), 0);
	}
	assert_int_equal(sp.nfree, 0);
	/* b has none waiting: refused, a keeps all four. */
	payload(p, 8, 100);
	assert_int_equal(stage_push(&sp, &b, p, 8, 0, WG_STAGED_PER_PEER, &dropped), -1);
	assert_int_equal(b.count, 0);
	assert_int_equal(a.count, 4);
	assert_int_equal(dropped, 0);
	/* a pushes again: its oldest (0) makes room, counted. */
	payload(p, 8, 4);
	assert_int_equal(stage_push(&sp, &a, p, 8, 0, WG_STAGED_PER_PEER, &dropped), 0);
	assert_int_equal(dropped, 1);
	assert_int_equal(a.count, 4);
	/* One slot back (a popped one): b's packet now goes in. */
	expect_head(&sp, &a, 1, 8, 0);
	payload(p, 8, 100);
	assert_int_equal(stage_push(&sp, &b, p, 8, 7, WG_STAGED_PER_PEER, &dropped), 0);
	for (i = 2; i < 5; i++)
		expect_head(&sp, &a, i, 8, 0);
	expect_head(&sp, &b, 100, 8, 7);
	assert_int_equal(sp.nfree, 4);
	stage_free(&sp);
}

/* What a slot held is gone once it is popped or its queue cleared. */
static void
test_wiped(void **state)
{
	static const uint8_t zero[WG_TRANSPORT_MIN_LEN + 64 + WG_PAD_MULTIPLE];
	struct stage_pool sp;
	struct stage_queue q;
	uint8_t p[64];
	unsigned dropped = 0;
	uint32_t s1, s2;

	(void)state;
	assert_int_equal(stage_init(&sp, 2, 64), 0);
	stage_queue_init(&q);
	memset(p, 0xa5, sizeof(p));
	assert_int_equal(stage_push(&sp, &q, p, 64, 0, 8, &dropped), 0);
	s1 = stage_head(&q);
	/* As a sealed packet would: header, ciphertext, padding, tag. */
	memset(stage_buf(&sp, s1), 0x5a, WG_TRANSPORT_MIN_LEN + 64);
	stage_pop(&sp, &q);
	assert_memory_equal(stage_buf(&sp, s1), zero, WG_TRANSPORT_MIN_LEN + 64);
	assert_int_equal(stage_push(&sp, &q, p, 64, 0, 8, &dropped), 0);
	assert_int_equal(stage_push(&sp, &q, p, 64, 0, 8, &dropped), 0);
	s1 = stage_head(&q);
	s2 = sp.meta[s1].next;
	assert_int_equal(stage_clear(&sp, &q), 2);
	assert_int_equal(stage_head(&q), STAGE_NONE);
	assert_memory_equal(stage_buf(&sp, s1) + WG_TRANSPORT_HDR_LEN, zero, 64);
	assert_memory_equal(stage_buf(&sp, s2) + WG_TRANSPORT_HDR_LEN, zero, 64);
	assert_int_equal(sp.nfree, 2);
	stage_free(&sp);
	assert_null(sp.buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_pool_used_up),
		cmocka_unit_test(test_wiped),
	};

	return cmocka_run_group_tests_name("stage", tests, NULL, NULL);
}
