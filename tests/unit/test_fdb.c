/*
 * test_fdb.c — the forwarding table and the id map: behaviour at the
 * edges (full, collisions of one VAN's MAC in another VAN, removal inside
 * clusters) and a randomized differential test of each against a
 * deliberately naive reference (a flat array searched linearly).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/fdb.h"
#include "edge/idmap.h"

static const uint8_t key[16] = "0123456789abcdef";

static void
mac_of(uint32_t i, uint8_t mac[static 6])
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void
test_basic(void **state)
{
	struct fdb t;
	struct fdb_entry *e;
	uint8_t mac[6];
	bool created;

	(void)state;
	assert_int_equal(fdb_init(&t, 0, key), -1);
	assert_int_equal(fdb_init(&t, 4, key), 0);
	mac_of(1, mac);
	assert_null(fdb_lookup(&t, 10, mac));
	e = fdb_insert(&t, 10, mac, &created);
	assert_non_null(e);
	assert_true(created);
	e->kind = FDB_REMOTE;
	e->where = 3;
	/* Same MAC in another VAN is another entry. */
	e = fdb_insert(&t, 11, mac, &created);
	assert_true(created);
	e->where = 4;
	assert_int_equal(fdb_lookup(&t, 10, mac)->where, 3);
	assert_int_equal(fdb_lookup(&t, 11, mac)->where, 4);
	e = fdb_insert(&t, 10, mac, &created);
	assert_false(created);
	assert_int_equal(e->where, 3);
	assert_int_equal(t.count, 2);

	/* Full at the named maximum, whatever the slot count. */
	mac_of(2, mac);
	assert_non_null(fdb_insert(&t, 10, mac, &created));
	mac_of(3, mac);
	assert_non_null(fdb_insert(&t, 10, mac, &created));
	mac_of(4, mac);
	assert_null(fdb_insert(&t, 10, mac, &created));
	assert_int_equal(t.count, 4);
	mac_of(1, mac);
	assert_true(fdb_remove(&t, 10, mac));
	assert_false(fdb_remove(&t, 10, mac));
	assert_null(fdb_lookup(&t, 10, mac));
	mac_of(4, mac);
	assert_non_null(fdb_insert(&t, 10, mac, &created));
	fdb_free(&t);
}

/* ----------------------------------------------- naive reference model --- */

struct ref {
	uint32_t	van;
	uint8_t		mac[6];
	uint32_t	where;
};

static int
ref_find(const struct ref *r, int n, uint32_t van, const uint8_t mac[6])
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].van == van && memcmp(r[i].mac, mac, 6) == 0)
			return i;
	return -1;
}

static bool
match_where_mod(const struct fdb_entry *e, void *arg)
{
	return e->where % 7 == *(uint32_t *)arg;
}

/*
 * Random operations on a small key space (so that inserts, hits, removals
 * and a full table all happen often) against the reference.  The table is
 * small relative to the key space, so probe clusters wrap around the end.
 */
static void
test_differential(void **state)
{
	enum { MAX = 200, KEYS = 600, OPS = 200000 };
	struct ref *r = calloc(KEYS, sizeof(*r));
	struct fdb t;
	int n = 0, op;
	unsigned seed = 12345;

	(void)state;
	assert_int_equal(fdb_init(&t, MAX, key), 0);
	for (op = 0; op < OPS; op++) {
		uint32_t k = (uint32_t)rand_r(&seed) % KEYS;
		uint32_t van = 1 + k % 3;	/* same MACs in several VANs */
		uint8_t mac[6];
		struct fdb_entry *e;
		int i, what = rand_r(&seed) % 100;
		bool created;

		mac_of(k / 3, mac);
		i = ref_find(r, n, van, mac);
		if (what < 50) {
			e = fdb_insert(&t, van, mac, &created);
			if (i >= 0) {
				assert_non_null(e);
				assert_false(created);
				assert_int_equal(e->where, r[i].where);
			} else if (n == MAX) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_true(created);
				e->kind = FDB_REMOTE;
				e->where = (uint32_t)op;
				r[n].van = van;
				memcpy(r[n].mac, mac, 6);
				r[n].where = (uint32_t)op;
				n++;
			}
		} else if (what < 80) {
			assert_int_equal(fdb_remove(&t, van, mac), i >= 0);
			if (i >= 0)
				r[i] = r[--n];
		} else if (what < 99) {
			e = fdb_lookup(&t, van, mac);
			if (i < 0)
				assert_null(e);
			else {
				assert_non_null(e);
				assert_int_equal(e->where, r[i].where);
			}
		} else {
			uint32_t m = (uint32_t)rand_r(&seed) % 7;
			uint32_t removed = fdb_purge(&t, match_where_mod, &m), want = 0;

			for (i = 0; i < n; )
				if (r[i].where % 7 == m) {
					r[i] = r[--n];
					want++;
				} else
					i++;
			assert_int_equal(removed, want);
		}
		assert_int_equal(t.count, n);
	}
	/* Every entry of the reference is reachable; iteration sees n. */
	{
		uint32_t pos = 0, seen = 0;
		int i;

		for (i = 0; i < n; i++)
			assert_non_null(fdb_lookup(&t, r[i].van, r[i].mac));
		while (fdb_next(&t, &pos) != NULL)
			seen++;
		assert_int_equal(seen, n);
	}
	fdb_free(&t);
	free(r);
}

static bool
match_odd(uint64_t k, uint32_t v, void *arg)
{
	(void)v;
	(void)arg;
	return k & 1;
}

static void
test_idmap_differential(void **state)
{
	enum { MAX = 100, KEYS = 300, OPS = 100000 };
	uint64_t rk[MAX];
	uint32_t rv[MAX];
	struct idmap m;
	int n = 0, op;
	unsigned seed = 777;

	(void)state;
	assert_int_equal(idmap_init(&m, MAX, key), 0);
	for (op = 0; op < OPS; op++) {
		uint64_t k = (uint64_t)(rand_r(&seed) % KEYS) << 33 | 5;
		int i, what = rand_r(&seed) % 100, r;
		uint32_t v;

		if (rand_r(&seed) & 1)
			k ^= 1;
		for (i = 0; i < n && rk[i] != k; i++)
			;
		if (i == n)
			i = -1;
		if (what < 50) {
			r = idmap_put(&m, k, (uint32_t)op);
			if (i >= 0) {
				assert_int_equal(r, 0);
				rv[i] = (uint32_t)op;
			} else if (n == MAX)
				assert_int_equal(r, -1);
			else {
				assert_int_equal(r, 1);
				rk[n] = k;
				rv[n++] = (uint32_t)op;
			}
		} else if (what < 80) {
			assert_int_equal(idmap_del(&m, k), i >= 0);
			if (i >= 0) {
				rk[i] = rk[--n];
				rv[i] = rv[n];
			}
		} else if (what < 99) {
			assert_int_equal(idmap_get(&m, k, &v), i >= 0);
			if (i >= 0)
				assert_int_equal(v, rv[i]);
		} else {
			uint32_t removed = idmap_purge(&m, match_odd, NULL), want = 0;

			for (i = 0; i < n; )
				if (rk[i] & 1) {
					rk[i] = rk[--n];
					rv[i] = rv[n];
					want++;
				} else
					i++;
			assert_int_equal(removed, want);
		}
		assert_int_equal(m.count, n);
	}
	idmap_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_idmap_differential),
	};

	return cmocka_run_group_tests_name("fdb", tests, NULL, NULL);
}
