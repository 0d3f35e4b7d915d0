/*
 * wgtest.h — helpers shared by the crypto/ unit tests: hex decoding of the
 * digest's vectors, and a scripted random source so that a test can feed
 * the exact ephemeral keys and indices of the vectors to the engine.
 * Header-only (each test is its own program).
 */
#ifndef TESTS_UNIT_WGTEST_H
#define TESTS_UNIT_WGTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto/wg.h"

/* Decode hex into out (cmocka fails the test on bad input or length). */
static inline void
wgt_hex(uint8_t *out, size_t len, const char *hex)
{
	size_t i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static inline void
wgt_key(struct wg_key *k, const char *hex)
{
	wgt_hex(k->b, sizeof(k->b), hex);
}

/*
 * A random source that first plays back queued byte strings (each request
 * must match the length of the next queued string exactly, so a test
 * notices when the engine draws in another order) and then, when the
 * queue is empty, returns a counter-based stream that differs per call.
 */
#define WGT_RNG_QUEUE	16
struct wgt_rng {
	uint8_t		q[WGT_RNG_QUEUE][32];
	size_t		qlen[WGT_RNG_QUEUE];
	unsigned	head, tail;
	uint64_t	counter;
	unsigned	mismatches;
};

static inline void
wgt_rng_queue(struct wgt_rng *r, const void *p, size_t len)
{
	assert_true(len <= 32 && r->tail < WGT_RNG_QUEUE);
	memcpy(r->q[r->tail], p, len);
	r->qlen[r->tail++] = len;
}

static inline void
wgt_rng_fill(void *ctx, void *buf, size_t len)
{
	struct wgt_rng *r = ctx;
	uint8_t *b = buf;
	size_t i;

	if (r->head < r->tail) {
		if (r->qlen[r->head] == len) {
			memcpy(buf, r->q[r->head++], len);
			return;
		}
		r->mismatches++;
	}
	for (i = 0; i < len; i++) {
		r->counter = r->counter * 6364136223846793005ULL +
		    1442695040888963407ULL;
		b[i] = (uint8_t)(r->counter >> 56);
	}
}

#endif /* TESTS_UNIT_WGTEST_H */
