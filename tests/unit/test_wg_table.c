/*
 * test_wg_table.c — crypto/table.c against a deliberately naive reference
 * (an array searched linearly), over long random sequences of put, get
 * and delete on a small key space so that probe runs collide, wrap and
 * shift; plus the bound: a full table refuses new keys, not replacements.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/table.h"
#include "tests/unit/wgtest.h"

#define MAXE	64

struct naive {
	uint8_t		key[MAXE][32];
	uint32_t	val[MAXE];
	size_t		n;
};

static int
naive_find(const struct naive *nv, const uint8_t *k, size_t klen)
{
	size_t i;

	for (i = 0; i < nv->n; i++)
		if (memcmp(nv->key[i], k, klen) == 0)
			return (int)i;
	return -1;
}

static void
run_differential(size_t klen, unsigned ops, uint64_t seed)
{
	struct wgt_rng rng = { .counter = seed };
	struct wg_rng r = { wgt_rng_fill, &rng };
	struct table t;
	struct naive nv;
	uint8_t k[32];
	uint32_t v, got;
	uint64_t x = seed | 1;
	unsigned i, space = 3 * MAXE / 2;
	int at;

	memset(&nv, 0, sizeof(nv));
	assert_int_equal(table_init(&t, MAXE, klen, &r), 0);
	for (i = 0; i < ops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memset(k, 0, sizeof(k));
		/* keys from a space 1.5 times the capacity */
		k[0] = (uint8_t)((x >> 8) % space);
		k[klen - 1] ^= 0x5a;
		v = (uint32_t)(x >> 32);
		at = naive_find(&nv, k, klen);
		switch (x % 3) {
		case 0:
			if (at < 0 && nv.n == MAXE) {
				assert_int_equal(table_put(&t, k, v), -1);
				break;
			}
			assert_int_equal(table_put(&t, k, v), 0);
			if (at < 0) {
				at = (int)nv.n++;
				memcpy(nv.key[at], k, klen);
			}
			nv.val[at] = v;
			break;
		case 1:
			assert_int_equal(table_del(&t, k), at >= 0);
			if (at >= 0) {
				nv.n--;
				memcpy(nv.key[at], nv.key[nv.n], 32);
				nv.val[at] = nv.val[nv.n];
			}
			break;
		default:
			assert_int_equal(table_get(&t, k, &got), at >= 0);
			if (at >= 0)
				assert_int_equal(got, nv.val[at]);
			break;
		}
		assert_int_equal(t.count, nv.n);
	}
	/* every remaining key is still found */
	for (i = 0; i < nv.n; i++) {
		assert_true(table_get(&t, nv.key[i], &got));
		assert_int_equal(got, nv.val[i]);
	}
	table_clear(&t);
	assert_int_equal(t.count, 0);
	assert_false(nv.n > 0 && table_get(&t, nv.key[0], NULL));
	table_free(&t);
}

static void
test_differential_index(void **state)
{
	(void)state;
	run_differential(4, 200000, 12345);
}

static void
test_differential_pubkey(void **state)
{
	(void)state;
	run_differential(32, 100000, 999);
}

static void
test_bounds(void **state)
{
	struct table t;
	uint32_t k, v;

	(void)state;
	assert_int_equal(table_init(&t, 0, 4, &wg_rng_default), -1);
	assert_int_equal(table_init(&t, 4, 33, &wg_rng_default), -1);
	assert_int_equal(table_init(&t, 4, 4, &wg_rng_default), 0);
	assert_true(t.cap >= 8);
	for (k = 0; k < 4; k++)
		assert_int_equal(table_put(&t, &k, k * 10), 0);
	k = 99;
	assert_int_equal(table_put(&t, &k, 1), -1);	/* full */
	k = 2;
	assert_int_equal(table_put(&t, &k, 77), 0);	/* replace is fine */
	assert_true(table_get(&t, &k, &v));
	assert_int_equal(v, 77);
	assert_true(table_del(&t, &k));
	assert_false(table_del(&t, &k));
	k = 99;
	assert_int_equal(table_put(&t, &k, 1), 0);
	table_free(&t);
	/* operations on a freed table are refused, not crashes */
	assert_false(table_get(&t, &k, &v));
	assert_int_equal(table_put(&t, &k, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential_index),
		cmocka_unit_test(test_differential_pubkey),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
