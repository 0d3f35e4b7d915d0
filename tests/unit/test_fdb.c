/*
 * test_fdb.c — the forwarding table and the id map: behaviour at the
 * edges (full, collisions of one VAN's MAC in another VAN, removal inside
 * clusters) and a randomized differential test of each against a
 * deliberately naive reference (a flat array searched linearly); the fdb's
 * owner lists likewise, against an array indexed by key, with entries of
 * one list shifted by removals in its own cluster.
 *
 * The list checks peek at the entries' private links (list, lprev), which
 * the API does not expose, to catch a broken back-link at once rather than
 * at the removal it would later corrupt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/fdb.h"
#include "edge/van/idmap.h"

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

/* ------------------------------------------------------- owner lists --- */

/* Key k <-> (VAN, MAC): three VANs share each MAC. */
static uint32_t
key_van(uint32_t k)
{
	return 1 + k % 3;
}

static uint32_t
key_of(const struct fdb_entry *e)
{
	uint32_t i = (uint32_t)e->mac[2] << 24 | (uint32_t)e->mac[3] << 16 |
	    (uint32_t)e->mac[4] << 8 | e->mac[5];

	return 3 * i + (e->van - 1);
}

static struct fdb_entry *
key_insert(struct fdb *t, uint32_t k, bool *created)
{
	uint8_t mac[6];

	mac_of(k / 3, mac);
	return fdb_insert(t, key_van(k), mac, created);
}

static struct fdb_entry *
key_lookup(struct fdb *t, uint32_t k)
{
	uint8_t mac[6];

	mac_of(k / 3, mac);
	return fdb_lookup(t, key_van(k), mac);
}

static bool
key_remove(struct fdb *t, uint32_t k)
{
	uint8_t mac[6];

	mac_of(k / 3, mac);
	return fdb_remove(t, key_van(k), mac);
}

/* The reference: one record per key, nothing clever. */
struct lref {
	bool		live;
	uint32_t	where;
	uint32_t	list;		/* FDB_LIST_NONE: on none */
	const struct fdb_entry *at;	/* where the table had it last */
};

/*
 * The table agrees with the reference: each list holds exactly the keys
 * the reference puts on it, with consistent back-links and length, and
 * every live key is found, on its list.  Counts entries of a list found in
 * another slot than at the last check into *moved.
 */
static void
lists_check(struct fdb *t, struct lref *r, uint32_t keys, uint32_t nlists,
    uint8_t *seen, uint32_t *moved)
{
	const struct fdb_entry *e;
	uint32_t k, l, n = 0, on = 0, linked = 0;

	memset(seen, 0, keys);
	for (l = 0; l < nlists; l++) {
		uint32_t len = 0, prev = FDB_LIST_NONE;

		for (e = fdb_list_first(t, l); e != NULL; e = fdb_list_next(t, e)) {
			assert_true(++len <= t->count);	/* no cycle */
			assert_int_not_equal(e->kind, FDB_FREE);
			assert_int_equal(e->list, l);
			assert_int_equal(e->lprev, prev);
			prev = (uint32_t)(e - t->slot);
			k = key_of(e);
			assert_true(k < keys);
			assert_true(r[k].live);
			assert_int_equal(r[k].list, l);
			assert_int_equal(seen[k]++, 0);
			assert_ptr_equal(key_lookup(t, k), e);
		}
		assert_int_equal(fdb_list_len(t, l), len);
		on += len;
	}
	assert_int_equal(fdb_list_len(t, nlists), 0);
	assert_int_equal(fdb_list_len(t, FDB_LIST_NONE), 0);
	assert_null(fdb_list_first(t, nlists));
	for (k = 0; k < keys; k++) {
		if (!r[k].live) {
			assert_null(key_lookup(t, k));
			continue;
		}
		n++;
		linked += r[k].list != FDB_LIST_NONE;
		e = key_lookup(t, k);
		assert_non_null(e);
		assert_int_equal(e->where, r[k].where);
		assert_int_equal(e->list, r[k].list);
		assert_int_equal(seen[k], r[k].list != FDB_LIST_NONE);
		if (e->list == FDB_LIST_NONE) {
			assert_int_equal(e->lprev, FDB_LIST_NONE);
			assert_int_equal(e->lnext, FDB_LIST_NONE);
		}
		if (r[k].at != e && r[k].list != FDB_LIST_NONE)
			(*moved)++;
		r[k].at = e;
	}
	assert_int_equal(t->count, n);
	assert_int_equal(on, linked);
}

/* A purge's predicate, a function of where only (refusals must repeat). */
struct lpurge {
	struct fdb	*t;
	struct lref	*r;
	uint32_t	 keys;
	uint32_t	 list;		/* fdb_purge_list's, or NONE for fdb_purge */
	uint32_t	 salt, mod;	/* accept where*K ^ salt == 0 (mod mod) */
	uint8_t		*asked, *taken;	/* per key: match calls, acceptances */
};

static bool
lpurge_wants(const struct lpurge *p, uint32_t where)
{
	return p->mod != 0 && ((where * 2654435761u) ^ p->salt) % p->mod == 0;
}

static bool
lpurge_match(const struct fdb_entry *e, void *arg)
{
	struct lpurge *p = arg;
	uint32_t k = key_of(e);

	/* A live entry of the table, on the list purged. */
	assert_true(k < p->keys);
	assert_true(p->r[k].live);
	assert_ptr_equal(key_lookup(p->t, k), e);
	if (p->list != FDB_LIST_NONE) {
		assert_int_equal(p->r[k].list, p->list);
		assert_int_equal(p->asked[k], 0);
	}
	p->asked[k]++;
	if (!lpurge_wants(p, e->where))
		return false;
	assert_int_equal(p->taken[k]++, 0);
	return true;
}

static void
lists_run(uint32_t max, uint32_t nlists, uint32_t ops, unsigned seed)
{
	uint32_t keys = 3 * max, moved = 0, shifted_purges = 0;
	struct lref *r = calloc(keys, sizeof(*r));
	uint8_t *seen = malloc(keys), *asked = malloc(keys), *taken = malloc(keys);
	struct fdb t;
	uint32_t op, k, n = 0;

	assert_non_null(r);
	assert_non_null(seen);
	assert_non_null(asked);
	assert_non_null(taken);
	assert_int_equal(fdb_init(&t, max, key), 0);
	assert_int_equal(fdb_lists_init(&t, nlists), 0);
	assert_int_equal(fdb_lists_init(&t, nlists), -1);	/* once */
	for (op = 0; op < ops; op++) {
		int what = rand_r(&seed) % 100;
		struct fdb_entry *e;
		bool created;

		k = (uint32_t)rand_r(&seed) % keys;
		if (what < 40) {
			e = key_insert(&t, k, &created);
			if (r[k].live) {
				assert_non_null(e);
				assert_false(created);
			} else if (n == max) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_true(created);
				e->kind = FDB_REMOTE;
				e->where = op;
				r[k].live = true;
				r[k].where = op;
				r[k].list = FDB_LIST_NONE;
				n++;
				/* Mostly linked at once, so that shifts move them. */
				if (rand_r(&seed) % 4 != 0) {
					r[k].list = (uint32_t)rand_r(&seed) % nlists;
					fdb_link(&t, e, r[k].list);
				}
			}
		} else if (what < 70) {
			/* Some to no list, some past the last (the same). */
			uint32_t l = (uint32_t)rand_r(&seed) % (nlists + 2);

			if (l == nlists + 1)
				l = FDB_LIST_NONE;
			if ((e = key_lookup(&t, k)) != NULL) {
				assert_true(r[k].live);
				fdb_link(&t, e, l);
				r[k].list = l < nlists ? l : FDB_LIST_NONE;
			}
		} else if (what < 93) {
			assert_int_equal(key_remove(&t, k), r[k].live);
			if (r[k].live)
				n--;
			r[k].live = false;
		} else {
			struct lpurge p = { &t, r, keys, FDB_LIST_NONE, 0, 0,
			    asked, taken };
			uint32_t got, want = 0, before = moved;
			bool all = false;

			p.salt = (uint32_t)rand_r(&seed);
			p.mod = (uint32_t)rand_r(&seed) % 4;	/* 0: none, 1: all */
			if (what < 98)
				p.list = (uint32_t)rand_r(&seed) % nlists;
			memset(asked, 0, keys);
			memset(taken, 0, keys);
			if (p.list == FDB_LIST_NONE)
				got = fdb_purge(&t, lpurge_match, &p);
			else if (p.mod == 1 && (rand_r(&seed) & 1)) {
				all = true;	/* match NULL: all, nobody asked */
				got = fdb_purge_list(&t, p.list, NULL, NULL);
			} else
				got = fdb_purge_list(&t, p.list, lpurge_match, &p);
			for (k = 0; k < keys; k++) {
				bool in = r[k].live && (p.list == FDB_LIST_NONE ||
				    r[k].list == p.list);
				bool go = in && lpurge_wants(&p, r[k].where);

				/* Accepted exactly once if it went, else never. */
				assert_int_equal(taken[k], go && !all);
				/* fdb_purge_list asks each of its list once. */
				if (p.list != FDB_LIST_NONE)
					assert_int_equal(asked[k], in && !all);
				else
					assert_true(in ? asked[k] >= 1 : asked[k] == 0);
				if (go) {
					r[k].live = false;
					want++;
					n--;
				}
			}
			assert_int_equal(got, want);
			lists_check(&t, r, keys, nlists, seen, &moved);
			if (p.list != FDB_LIST_NONE && moved > before)
				shifted_purges++;
		}
		lists_check(&t, r, keys, nlists, seen, &moved);
	}
	/* The test exercised what it is for: linked entries were shifted. */
	assert_true(moved > ops / 50);
	assert_true(shifted_purges > ops / 1000);
	fdb_free(&t);
	free(taken);
	free(asked);
	free(seen);
	free(r);
}

static void
test_lists_differential(void **state)
{
	(void)state;
	lists_run(16, 3, 50000, 1);	/* 32 slots: everything collides */
	lists_run(64, 5, 50000, 2);
	lists_run(200, 8, 50000, 3);
}

/* Keys whose home slot in a table of `max` entries is `home`. */
static void
keys_at(uint32_t max, uint32_t home, uint32_t *out, int want)
{
	struct fdb t;
	struct fdb_entry *e;
	uint32_t k;
	bool created;
	int got = 0;

	assert_int_equal(fdb_init(&t, max, key), 0);
	for (k = 0; got < want; k++) {
		assert_true(k < 1000000);
		e = key_insert(&t, k, &created);	/* alone: at its home */
		if ((uint32_t)(e - t.slot) == home)
			out[got++] = k;
		assert_true(key_remove(&t, k));
	}
	fdb_free(&t);
}

struct lcount {
	uint32_t	accept;		/* key accepted, or UINT32_MAX: all */
	int		calls[4];	/* per key index in the test's array */
	const uint32_t	*k;
};

static bool
lcount_match(const struct fdb_entry *e, void *arg)
{
	struct lcount *c = arg;
	int i;

	for (i = 0; i < 4 && c->k[i] != key_of(e); i++)
		;
	assert_true(i < 4);
	c->calls[i]++;
	return c->accept == UINT32_MAX || c->accept == key_of(e);
}

/*
 * Three keys of one home slot h sit in h, h+1, h+2 (wrapping past the end
 * when h is the last slot).  Removing the first shifts the other two back,
 * under the walk of fdb_purge_list and under a list head.
 */
static void
lists_cluster(uint32_t home)
{
	enum { MAX = 8 };		/* 16 slots */
	uint32_t k[4];
	struct fdb t;
	struct fdb_entry *a, *b, *c;
	struct lcount cnt;
	bool created;

	keys_at(MAX, home, k, 3);
	keys_at(MAX, (home + 8) & 15, k + 3, 1);	/* elsewhere */
	cnt.k = k;

	/* fdb_remove: b moves from h+1 to h, c to h+1, with their lists. */
	assert_int_equal(fdb_init(&t, MAX, key), 0);
	assert_int_equal(fdb_lists_init(&t, 2), 0);
	a = key_insert(&t, k[0], &created);
	b = key_insert(&t, k[1], &created);
	c = key_insert(&t, k[2], &created);
	assert_int_equal(a - t.slot, home);
	assert_int_equal(b - t.slot, (home + 1) & 15);
	assert_int_equal(c - t.slot, (home + 2) & 15);
	fdb_link(&t, b, 0);
	fdb_link(&t, a, 0);		/* list 0: a, b */
	fdb_link(&t, c, 1);
	assert_true(key_remove(&t, k[0]));
	assert_ptr_equal(key_lookup(&t, k[1]), &t.slot[home]);
	assert_ptr_equal(fdb_list_first(&t, 0), &t.slot[home]);
	assert_null(fdb_list_next(&t, fdb_list_first(&t, 0)));
	assert_int_equal(fdb_list_len(&t, 0), 1);
	assert_ptr_equal(fdb_list_first(&t, 1), key_lookup(&t, k[2]));
	assert_int_equal(key_lookup(&t, k[2]) - t.slot, (home + 1) & 15);
	fdb_free(&t);

	/*
	 * fdb_purge_list of a, b, c in that order, all accepted: removing a
	 * shifts b, the next to visit, from h+1 to h, and then c.
	 */
	assert_int_equal(fdb_init(&t, MAX, key), 0);
	assert_int_equal(fdb_lists_init(&t, 2), 0);
	a = key_insert(&t, k[0], &created);
	b = key_insert(&t, k[1], &created);
	c = key_insert(&t, k[2], &created);
	fdb_link(&t, c, 0);
	fdb_link(&t, b, 0);
	fdb_link(&t, a, 0);
	fdb_link(&t, key_insert(&t, k[3], &created), 1);
	assert_ptr_equal(fdb_list_first(&t, 0), a);
	assert_ptr_equal(fdb_list_next(&t, a), b);
	assert_ptr_equal(fdb_list_next(&t, b), c);
	memset(cnt.calls, 0, sizeof(cnt.calls));
	cnt.accept = UINT32_MAX;
	assert_int_equal(fdb_purge_list(&t, 0, lcount_match, &cnt), 3);
	assert_int_equal(cnt.calls[0], 1);
	assert_int_equal(cnt.calls[1], 1);
	assert_int_equal(cnt.calls[2], 1);
	assert_int_equal(cnt.calls[3], 0);
	assert_int_equal(t.count, 1);
	assert_int_equal(fdb_list_len(&t, 0), 0);
	assert_null(fdb_list_first(&t, 0));
	assert_int_equal(fdb_list_len(&t, 1), 1);
	assert_non_null(key_lookup(&t, k[3]));
	fdb_free(&t);

	/*
	 * Order a, b, c, only a accepted: b and c shift back and are each
	 * still asked once; list 0 keeps them, at their new slots.
	 */
	assert_int_equal(fdb_init(&t, MAX, key), 0);
	assert_int_equal(fdb_lists_init(&t, 1), 0);
	a = key_insert(&t, k[0], &created);
	b = key_insert(&t, k[1], &created);
	c = key_insert(&t, k[2], &created);
	fdb_link(&t, c, 0);
	fdb_link(&t, b, 0);
	fdb_link(&t, a, 0);
	memset(cnt.calls, 0, sizeof(cnt.calls));
	cnt.accept = k[0];
	assert_int_equal(fdb_purge_list(&t, 0, lcount_match, &cnt), 1);
	assert_int_equal(cnt.calls[0], 1);
	assert_int_equal(cnt.calls[1], 1);
	assert_int_equal(cnt.calls[2], 1);
	assert_int_equal(fdb_list_len(&t, 0), 2);
	assert_ptr_equal(fdb_list_first(&t, 0), &t.slot[home]);
	assert_ptr_equal(fdb_list_next(&t, &t.slot[home]), &t.slot[(home + 1) & 15]);
	assert_int_equal(key_of(&t.slot[home]), k[1]);
	fdb_free(&t);

	/*
	 * Order c, b, a, only a accepted: it is visited last, and shifts the
	 * already refused b and c back; neither is asked again.
	 */
	assert_int_equal(fdb_init(&t, MAX, key), 0);
	assert_int_equal(fdb_lists_init(&t, 1), 0);
	a = key_insert(&t, k[0], &created);
	b = key_insert(&t, k[1], &created);
	c = key_insert(&t, k[2], &created);
	fdb_link(&t, a, 0);
	fdb_link(&t, b, 0);
	fdb_link(&t, c, 0);
	memset(cnt.calls, 0, sizeof(cnt.calls));
	cnt.accept = k[0];
	assert_int_equal(fdb_purge_list(&t, 0, lcount_match, &cnt), 1);
	assert_int_equal(cnt.calls[0], 1);
	assert_int_equal(cnt.calls[1], 1);
	assert_int_equal(cnt.calls[2], 1);
	assert_int_equal(fdb_list_len(&t, 0), 2);
	assert_int_equal(key_of(fdb_list_first(&t, 0)), k[2]);
	assert_int_equal(key_lookup(&t, k[2]) - t.slot, (home + 1) & 15);
	assert_int_equal(key_of(fdb_list_next(&t, fdb_list_first(&t, 0))), k[1]);
	assert_int_equal(key_lookup(&t, k[1]) - t.slot, home);
	fdb_free(&t);
}

static void
test_lists_shift(void **state)
{
	(void)state;
	lists_cluster(3);
	lists_cluster(15);		/* the cluster wraps to slots 0 and 1 */
}

static bool
match_never(const struct fdb_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	fail_msg("match called on a table without lists");
	return false;
}

/* Without lists the list calls do nothing and the rest is as before. */
static void
test_lists_none(void **state)
{
	struct fdb t;
	struct fdb_entry *e;
	uint32_t k, m = 0;
	bool created;

	(void)state;
	assert_int_equal(fdb_init(&t, 32, key), 0);
	assert_int_equal(fdb_lists_init(&t, 0), 0);
	assert_null(t.list);
	assert_int_equal(fdb_lists_init(&t, FDB_LISTS_LIMIT + 1), -1);
	for (k = 0; k < 32; k++) {
		e = key_insert(&t, k, &created);
		assert_non_null(e);
		e->kind = FDB_REMOTE;
		e->where = k;
		fdb_link(&t, e, 0);
		assert_int_equal(e->list, FDB_LIST_NONE);
	}
	assert_null(key_insert(&t, 32, &created));
	assert_int_equal(fdb_list_len(&t, 0), 0);
	assert_null(fdb_list_first(&t, 0));
	assert_int_equal(fdb_purge_list(&t, 0, match_never, NULL), 0);
	assert_int_equal(fdb_purge_list(&t, 0, NULL, NULL), 0);
	assert_int_equal(t.count, 32);
	for (k = 0; k < 32; k += 2)
		assert_true(key_remove(&t, k));
	assert_int_equal(fdb_purge(&t, match_where_mod, &m), 2);	/* 7, 21 */
	for (k = 0; k < 32; k++) {
		e = key_lookup(&t, k);
		if (k % 2 == 0 || k % 7 == 0)
			assert_null(e);
		else {
			assert_non_null(e);
			assert_int_equal(e->where, k);
		}
	}
	fdb_free(&t);
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
		cmocka_unit_test(test_lists_differential),
		cmocka_unit_test(test_lists_shift),
		cmocka_unit_test(test_lists_none),
		cmocka_unit_test(test_idmap_differential),
	};

	return cmocka_run_group_tests_name("fdb", tests, NULL, NULL);
}
