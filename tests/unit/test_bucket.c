/*
 * test_bucket.c — crypto/bucket.c: the token bucket, against a naive
 * reference in exact rational arithmetic (tokens as a fraction with
 * denominator 10^9, refilled second by second of simulated time) on
 * pseudo-random rates, bursts and gaps; the first use, no limit, long
 * gaps that must not overflow, bucket_wait and bucket_set's clamp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/bucket.h"

#define NS	1000000000ULL		/* nanotokens a token */
#define S	MONO_SEC(1)

static void
test_basics(void **state)
{
	struct bucket k;
	int i;

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_true(bucket_take(&k, 1000000, 5));	/* rate 0: no limit */
	bucket_set(&k, 10, 3);
	/* Full at the first use: 3, then nothing until 1/10 s has passed. */
	for (i = 0; i < 3; i++)
		assert_true(bucket_take(&k, 1, 100 * S));
	assert_false(bucket_take(&k, 1, 100 * S));
	assert_int_equal(bucket_wait(&k, 1), S / 10);
	assert_false(bucket_take(&k, 1, 100 * S + S / 10 - 1));
	assert_true(bucket_take(&k, 1, 100 * S + S / 10));
	/* Never more than the burst, however long the gap. */
	assert_true(bucket_take(&k, 3, 10000 * S));
	assert_false(bucket_take(&k, 1, 10000 * S));
	/* A smaller burst clamps what is kept. */
	assert_true(bucket_take(&k, 0, 20000 * S));	/* refill: 3 */
	bucket_set(&k, 10, 1);
	assert_true(bucket_take(&k, 1, 20000 * S));
	assert_false(bucket_take(&k, 1, 20000 * S));
	/* Burst 0 is the rate. */
	memset(&k, 0, sizeof(k));
	bucket_set(&k, 4, 0);
	for (i = 0; i < 4; i++)
		assert_true(bucket_take(&k, 1, S));
	assert_false(bucket_take(&k, 1, S));
}

/* The largest rate and a gap of a century: no overflow, exact counts. */
static void
test_extremes(void **state)
{
	struct bucket k;
	monotime_t t = S;
	int i;

	(void)state;
	memset(&k, 0, sizeof(k));
	bucket_set(&k, 100000000, 100000000);
	assert_true(bucket_take(&k, 100000000, t));
	assert_false(bucket_take(&k, 1, t));
	t += 100LL * 365 * 86400 * S;
	assert_true(bucket_take(&k, 100000000, t));
	/* 10 ns is one token at 10^8 a second: 1000 in 10 µs, not one more. */
	for (i = 0; i < 1000; i++)
		assert_true(bucket_take(&k, 1, t + 10 * (i + 1)));
	assert_false(bucket_take(&k, 1, t + 10000));
}

/* Against a naive reference: tokens as numerator over 10^9, exactly. */
static void
test_differential(void **state)
{
	unsigned seed = 7, round, i;

	(void)state;
	for (round = 0; round < 200; round++) {
		uint32_t rate = 1 + (uint32_t)rand_r(&seed) % 5000;
		uint32_t burst = (uint32_t)rand_r(&seed) % 50;
		uint64_t cap = (uint64_t)(burst ? burst : rate) * NS, have = cap;
		monotime_t t = S;
		struct bucket k;

		memset(&k, 0, sizeof(k));
		bucket_set(&k, rate, burst);
		assert_true(bucket_take(&k, 0, t));	/* first use: full */
		for (i = 0; i < 500; i++) {
			monotime_t dt = rand_r(&seed) % (S / 50);
			uint32_t n = 1 + (uint32_t)rand_r(&seed) % 3;
			bool ref;

			t += dt;
			have += (uint64_t)dt * rate;
			if (have > cap)
				have = cap;
			ref = have >= (uint64_t)n * NS;
			if (ref)
				have -= (uint64_t)n * NS;
			assert_int_equal(bucket_take(&k, n, t), ref);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
