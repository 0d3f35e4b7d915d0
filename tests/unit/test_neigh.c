/*
 * test_neigh.c — the neighbour table of the ARP / ND proxy: the behaviours
 * the bridge relies on (new / refreshed / moved, the per-MAC cap and which
 * address it drops, newest-first address lists for LEARN, weak and router
 * flags, removal of a MAC or a VAN, iteration while removing, refusals) and
 * a randomized differential test against a deliberately naive reference (a
 * flat array searched linearly, recency kept as a counter, the router and
 * weak marks two booleans set case by case by the rules neigh.h states).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/van/neigh.h"

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

static struct wire_addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct wire_addr x;

	memset(&x, 0, sizeof(x));
	x.family = 4;
	x.bytes[0] = a;
	x.bytes[1] = b;
	x.bytes[2] = c;
	x.bytes[3] = d;
	return x;
}

/* 2001:db8::i, or fe80::i when ll */
static struct wire_addr
v6(uint32_t i, bool ll)
{
	struct wire_addr x;

	memset(&x, 0, sizeof(x));
	x.family = 6;
	if (ll) {
		x.bytes[0] = 0xfe;
		x.bytes[1] = 0x80;
	} else {
		x.bytes[0] = 0x20;
		x.bytes[1] = 0x01;
		x.bytes[2] = 0x0d;
		x.bytes[3] = 0xb8;
	}
	x.bytes[12] = (uint8_t)(i >> 24);
	x.bytes[13] = (uint8_t)(i >> 16);
	x.bytes[14] = (uint8_t)(i >> 8);
	x.bytes[15] = (uint8_t)i;
	return x;
}

static bool
addr_eq(const struct wire_addr *a, const struct wire_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

static void
test_valid(void **state)
{
	static const struct {
		uint8_t		family;
		uint8_t		b[16];
		bool		ok;
	} cases[] = {
		{ 4, { 10, 0, 0, 1 }, true },
		{ 4, { 169, 254, 1, 1 }, true },
		{ 4, { 223, 255, 255, 254 }, true },
		{ 4, { 0, 0, 0, 0 }, false },
		{ 4, { 0, 1, 2, 3 }, false },
		{ 4, { 127, 0, 0, 1 }, false },
		{ 4, { 224, 0, 0, 1 }, false },
		{ 4, { 240, 0, 0, 1 }, false },
		{ 4, { 255, 255, 255, 255 }, false },
		{ 6, { 0xfe, 0x80, [15] = 1 }, true },
		{ 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, true },
		{ 6, { [15] = 2 }, true },		/* ::2, odd but unicast */
		{ 6, { 0 }, false },			/* :: */
		{ 6, { [15] = 1 }, false },		/* ::1 */
		{ 6, { 0xff, 0x02, [15] = 1 }, false },
		{ 6, { [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 }, false },
		{ 5, { 10, 0, 0, 1 }, false },
		{ 0, { 10, 0, 0, 1 }, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wire_addr a;

		memset(&a, 0, sizeof(a));
		a.family = cases[i].family;
		memcpy(a.bytes, cases[i].b, 16);
		if (neigh_addr_valid(&a) != cases[i].ok)
			fail_msg("case %zu", i);
	}
}

static void
test_basic(void **state)
{
	struct neigh t;
	struct neigh_prev prev;
	const struct neigh_entry *e;
	struct wire_addr a = v4(10, 0, 0, 1), b = v6(1, true), out[WIRE_LEARN_ADDR_MAX];
	uint8_t m1[6], m2[6], bad[6] = { 0x01, 0, 0x5e, 0, 0, 1 }, zero[6] = { 0 };

	(void)state;
	assert_int_equal(neigh_init(&t, 0, key), -1);
	assert_int_equal(neigh_init(&t, NEIGH_MAX_LIMIT + 1, key), -1);
	assert_int_equal(neigh_init(&t, 16, key), 0);
	mac_of(1, m1);
	mac_of(2, m2);

	assert_null(neigh_lookup(&t, 7, &a));
	assert_int_equal(neigh_learn(&t, 7, &a, m1, NEIGH_LOCAL, 0, 100, &prev), NEIGH_NEW);
	assert_int_equal(prev.kind, NEIGH_FREE);
	assert_false(prev.evicted);
	e = neigh_lookup(&t, 7, &a);
	assert_non_null(e);
	assert_memory_equal(e->mac, m1, 6);
	assert_int_equal(e->kind, NEIGH_LOCAL);
	assert_int_equal(e->updated, 100);
	/* Another VAN is another table; bytes past an IPv4 address do not count. */
	assert_null(neigh_lookup(&t, 8, &a));
	a.bytes[9] = 0x55;
	assert_ptr_equal(neigh_lookup(&t, 7, &a), e);
	a.bytes[9] = 0;

	/* Same MAC: refreshed, kind follows the newest word. */
	assert_int_equal(neigh_learn(&t, 7, &a, m1, NEIGH_REMOTE, 0, 200, &prev),
	    NEIGH_REFRESHED);
	assert_int_equal(prev.kind, NEIGH_LOCAL);
	assert_memory_equal(prev.mac, m1, 6);
	assert_int_equal(e->kind, NEIGH_REMOTE);
	assert_int_equal(e->updated, 200);

	/* Another MAC: moved, old MAC reported, the entry did not move. */
	assert_int_equal(neigh_learn(&t, 7, &a, m2, NEIGH_LOCAL, 0, 300, &prev), NEIGH_MOVED);
	assert_memory_equal(prev.mac, m1, 6);
	assert_int_equal(prev.kind, NEIGH_REMOTE);
	assert_ptr_equal(neigh_lookup(&t, 7, &a), e);
	assert_memory_equal(e->mac, m2, 6);
	assert_int_equal(neigh_addrs(&t, 7, m1, out), 0);
	assert_int_equal(neigh_addrs(&t, 7, m2, out), 1);
	assert_int_equal(t.nmacs, 1);

	/* Refusals change nothing. */
	assert_int_equal(neigh_learn(&t, 7, &b, bad, NEIGH_LOCAL, 0, 1, &prev), NEIGH_INVALID);
	assert_int_equal(neigh_learn(&t, 7, &b, zero, NEIGH_LOCAL, 0, 1, NULL), NEIGH_INVALID);
	assert_int_equal(neigh_learn(&t, 7, &b, m1, NEIGH_FREE, 0, 1, NULL), NEIGH_INVALID);
	b = v4(255, 255, 255, 255);
	assert_int_equal(neigh_learn(&t, 7, &b, m1, NEIGH_LOCAL, 0, 1, NULL), NEIGH_INVALID);
	assert_int_equal(t.count, 1);

	assert_true(neigh_remove(&t, 7, &a));
	assert_false(neigh_remove(&t, 7, &a));
	assert_int_equal(t.count, 0);
	assert_int_equal(t.nmacs, 0);
	neigh_free(&t);
}

/* The cap per MAC: its least recently seen address goes, newest first. */
static void
test_per_mac_cap(void **state)
{
	struct neigh t;
	struct neigh_prev prev;
	struct wire_addr a, out[WIRE_LEARN_ADDR_MAX];
	uint8_t m1[6], m2[6];
	uint32_t i;

	(void)state;
	assert_int_equal(neigh_init(&t, 1000, key), 0);
	mac_of(1, m1);
	mac_of(2, m2);
	for (i = 0; i < NEIGH_PER_MAC_MAX; i++) {
		a = v4(10, 0, 0, (uint8_t)(1 + i));
		assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, 0, i, &prev),
		    NEIGH_NEW);
		assert_false(prev.evicted);
	}
	/* Refresh 10.0.0.1: it becomes the newest, 10.0.0.2 the oldest. */
	a = v4(10, 0, 0, 1);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, 0, 50, &prev),
	    NEIGH_REFRESHED);
	assert_int_equal(neigh_addrs(&t, 1, m1, out), NEIGH_PER_MAC_MAX);
	assert_true(addr_eq(&out[0], &a));
	for (i = 1; i < NEIGH_PER_MAC_MAX; i++) {
		struct wire_addr w = v4(10, 0, 0, (uint8_t)(NEIGH_PER_MAC_MAX + 1 - i));

		assert_true(addr_eq(&out[i], &w));
	}

	/* A ninth address pushes out the least recent, 10.0.0.2. */
	a = v6(9, false);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, 0, 60, &prev), NEIGH_NEW);
	assert_true(prev.evicted);
	a = v4(10, 0, 0, 2);
	assert_true(addr_eq(&prev.evicted_addr, &a));
	assert_null(neigh_lookup(&t, 1, &a));
	assert_int_equal(t.count, NEIGH_PER_MAC_MAX);
	assert_int_equal(neigh_addrs(&t, 1, m1, out), NEIGH_PER_MAC_MAX);
	a = v6(9, false);
	assert_true(addr_eq(&out[0], &a));

	/* The same MAC in another VAN has its own cap. */
	a = v4(10, 0, 0, 3);
	assert_int_equal(neigh_learn(&t, 2, &a, m1, NEIGH_REMOTE, 0, 61, &prev), NEIGH_NEW);
	assert_false(prev.evicted);

	/* Moving an address onto a full MAC evicts there, not on the old one. */
	a = v4(10, 9, 9, 9);
	assert_int_equal(neigh_learn(&t, 1, &a, m2, NEIGH_LOCAL, 0, 70, NULL), NEIGH_NEW);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, 0, 71, &prev), NEIGH_MOVED);
	assert_true(prev.evicted);
	a = v4(10, 0, 0, 3);
	assert_true(addr_eq(&prev.evicted_addr, &a));
	assert_memory_equal(prev.mac, m2, 6);
	assert_int_equal(neigh_addrs(&t, 1, m2, out), 0);
	assert_int_equal(neigh_addrs(&t, 1, m1, out), NEIGH_PER_MAC_MAX);
	a = v4(10, 9, 9, 9);
	assert_true(addr_eq(&out[0], &a));
	assert_int_equal(t.count, NEIGH_PER_MAC_MAX + 1);
	assert_int_equal(t.nmacs, 2);	/* (1, m1) and (2, m1) */

	/* One VM cycling through many addresses never holds more than the cap. */
	for (i = 0; i < 5000; i++) {
		a = v6(1000 + i, false);
		assert_int_not_equal(neigh_learn(&t, 1, &a, m2, NEIGH_LOCAL, 0, i, NULL),
		    NEIGH_FULL);
	}
	assert_int_equal(neigh_addrs(&t, 1, m2, out), NEIGH_PER_MAC_MAX);
	a = v6(1000 + 4999, false);
	assert_true(addr_eq(&out[0], &a));
	assert_int_equal(t.count, 2 * NEIGH_PER_MAC_MAX + 1);
	neigh_free(&t);
}

static void
test_full(void **state)
{
	struct neigh t;
	struct wire_addr a;
	uint8_t mac[6];
	uint32_t i;

	(void)state;
	assert_int_equal(neigh_init(&t, 20, key), 0);
	for (i = 0; i < 20; i++) {
		mac_of(i, mac);
		a = v4(10, 1, 0, (uint8_t)(1 + i));
		assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_REMOTE, 0, 0, NULL),
		    NEIGH_NEW);
	}
	/* Full: a new address of a new or a not-full MAC is refused ... */
	mac_of(99, mac);
	a = v4(10, 2, 0, 1);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_REMOTE, 0, 0, NULL), NEIGH_FULL);
	mac_of(0, mac);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_REMOTE, 0, 0, NULL), NEIGH_FULL);
	assert_null(neigh_lookup(&t, 1, &a));
	/* ... but refreshes and moves still work. */
	a = v4(10, 1, 0, 1);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_REMOTE, 0, 5, NULL),
	    NEIGH_REFRESHED);
	mac_of(5, mac);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_LOCAL, 0, 6, NULL), NEIGH_MOVED);
	mac_of(99, mac);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_LOCAL, 0, 7, NULL), NEIGH_MOVED);
	assert_int_equal(t.count, 20);
	assert_int_equal(t.nmacs, 20);	/* MAC 0 went, MAC 99 came */
	mac_of(0, mac);
	assert_int_equal(neigh_forget_mac(&t, 1, mac), 0);
	mac_of(3, mac);
	assert_int_equal(neigh_forget_mac(&t, 1, mac), 1);
	a = v4(10, 2, 0, 1);
	assert_int_equal(neigh_learn(&t, 1, &a, mac, NEIGH_REMOTE, 0, 0, NULL), NEIGH_NEW);
	neigh_free(&t);
}

static void
test_flags(void **state)
{
	struct neigh t;
	struct neigh_prev prev;
	struct wire_addr a = v6(1, true), b = v6(2, false);
	const struct neigh_entry *e;
	uint8_t m1[6], m2[6];

	(void)state;
	assert_int_equal(neigh_init(&t, 16, key), 0);
	mac_of(1, m1);
	mac_of(2, m2);

	/* A weak learn binds an unknown address, marked weak ... */
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, NEIGH_L_WEAK, 1, NULL),
	    NEIGH_NEW);
	e = neigh_lookup(&t, 1, &a);
	assert_int_equal(e->flags, NEIGH_F_WEAK);
	/* ... does not take a bound address over ... */
	assert_int_equal(neigh_learn(&t, 1, &a, m2, NEIGH_LOCAL, NEIGH_L_WEAK, 2, &prev),
	    NEIGH_KEPT);
	assert_memory_equal(prev.mac, m1, 6);
	assert_memory_equal(e->mac, m1, 6);
	assert_int_equal(e->updated, 1);
	/* ... and keeps the mark when it refreshes; a strong learn clears it. */
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, NEIGH_L_WEAK, 3, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(e->flags, NEIGH_F_WEAK);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, 0, 4, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(e->flags, 0);

	/* Router: set by ROUTER, kept by neutral learns of the same MAC ... */
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, NEIGH_L_ROUTER, 5, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(e->flags, NEIGH_F_ROUTER);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_REMOTE, 0, 6, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(e->flags, NEIGH_F_ROUTER);
	/* ... cleared by HOST, and not carried over to another MAC. */
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, NEIGH_L_HOST, 7, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(e->flags, 0);
	assert_int_equal(neigh_learn(&t, 1, &a, m1, NEIGH_LOCAL, NEIGH_L_ROUTER, 8, NULL),
	    NEIGH_REFRESHED);
	assert_int_equal(neigh_learn(&t, 1, &a, m2, NEIGH_LOCAL, 0, 9, NULL), NEIGH_MOVED);
	assert_int_equal(e->flags, 0);
	assert_int_equal(neigh_learn(&t, 1, &b, m2, NEIGH_LOCAL,
	    NEIGH_L_ROUTER | NEIGH_L_WEAK, 9, NULL), NEIGH_NEW);
	assert_int_equal(neigh_lookup(&t, 1, &b)->flags, NEIGH_F_ROUTER | NEIGH_F_WEAK);
	neigh_free(&t);
}

static bool
match_odd_time(const struct neigh_entry *e, void *arg)
{
	(*(int *)arg)++;
	return e->updated & 1;
}

static void
test_forget_and_iterate(void **state)
{
	struct neigh t;
	struct wire_addr a, out[WIRE_LEARN_ADDR_MAX];
	const struct neigh_entry *e;
	uint8_t mac[6];
	uint32_t i, pos, seen;
	int calls = 0;

	(void)state;
	assert_int_equal(neigh_init(&t, 300, key), 0);
	for (i = 0; i < 240; i++) {
		mac_of(i / 4, mac);
		a = (i & 1) ? v6(i, i & 2) : v4(10, 3, (uint8_t)(i >> 8), (uint8_t)i);
		assert_int_equal(neigh_learn(&t, 1 + i % 3, &a, mac, NEIGH_LOCAL, 0, i, NULL),
		    NEIGH_NEW);
	}
	assert_int_equal(t.count, 240);
	/* MAC 5 has i = 20..23, in VANs 3, 1, 2, 3. */
	mac_of(5, mac);
	assert_int_equal(neigh_addrs(&t, 3, mac, out), 2);
	a = v4(10, 3, 0, 23 - 1);	/* i = 22 is VAN 2 */
	assert_int_equal(neigh_forget_mac(&t, 3, mac), 2);
	assert_int_equal(neigh_addrs(&t, 3, mac, out), 0);
	assert_int_equal(neigh_addrs(&t, 2, mac, out), 1);
	assert_true(addr_eq(&out[0], &a));
	assert_int_equal(t.count, 238);

	assert_int_equal(neigh_forget_van(&t, 2), 80);
	assert_int_equal(t.count, 158);
	pos = 0;
	while ((e = neigh_next(&t, &pos)) != NULL)
		assert_int_not_equal(e->van, 2);

	/* Purge: match called once per entry; the odd times go. */
	assert_int_equal(neigh_purge(&t, match_odd_time, &calls), 79);
	assert_int_equal(calls, 158);
	assert_int_equal(t.count, 79);

	/* Removing while iterating is allowed and sees every entry once. */
	pos = 0;
	seen = 0;
	while ((e = neigh_next(&t, &pos)) != NULL) {
		struct wire_addr x = e->addr;

		assert_int_equal(e->updated & 1, 0);
		seen++;
		assert_true(neigh_remove(&t, e->van, &x));
	}
	assert_int_equal(seen, 79);
	assert_int_equal(t.count, 0);
	assert_int_equal(t.nmacs, 0);
	neigh_free(&t);
}

/* ----------------------------------------------- naive reference model --- */

/*
 * A binding of the reference: its two flags as booleans, set by the rules
 * neigh.h states for NEIGH_F_ROUTER and NEIGH_F_WEAK (ref_learn, case by
 * case), not by neigh.c's bit arithmetic.
 */
struct ref {
	uint32_t	van;
	struct wire_addr addr;
	uint8_t		mac[6];
	uint8_t		kind;
	bool		router;		/* it said it is a router */
	bool		weak;		/* bound by a weak learn only */
	monotime_t	updated;
	uint64_t	touched;	/* recency: larger is more recent */
};

/* What neigh_entry.flags should read for it. */
static uint8_t
ref_flags(const struct ref *r)
{
	return (uint8_t)((r->router ? NEIGH_F_ROUTER : 0) | (r->weak ? NEIGH_F_WEAK : 0));
}

static int
ref_find(const struct ref *r, int n, uint32_t van, const struct wire_addr *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].van == van && addr_eq(&r[i].addr, a))
			return i;
	return -1;
}

/* The MAC's addresses, most recent first (selection sort, it is naive). */
static int
ref_addrs(const struct ref *r, int n, uint32_t van, const uint8_t mac[6], int idx[])
{
	int i, k = 0, a, b;

	for (i = 0; i < n; i++)
		if (r[i].van == van && memcmp(r[i].mac, mac, 6) == 0)
			idx[k++] = i;
	for (a = 0; a < k; a++)
		for (b = a + 1; b < k; b++)
			if (r[idx[b]].touched > r[idx[a]].touched) {
				int x = idx[a];

				idx[a] = idx[b];
				idx[b] = x;
			}
	return k;
}

/*
 * neigh.h: the router mark is set by ROUTER, cleared by HOST (HOST wins if
 * a learn says both), kept by a learn that says neither while the MAC
 * stays, and not carried over to another MAC.
 */
static bool
ref_router(bool was, bool same_mac, unsigned how)
{
	if (how & NEIGH_L_HOST)
		return false;
	if (how & NEIGH_L_ROUTER)
		return true;
	return same_mac && was;
}

/* Drop the MAC's least recent address if it has the cap; the dropped one. */
static int
ref_make_room(struct ref *r, int *n, uint32_t van, const uint8_t mac[6],
    struct wire_addr *evicted)
{
	int idx[64], k = ref_addrs(r, *n, van, mac, idx);

	if (k < NEIGH_PER_MAC_MAX)
		return 0;
	*evicted = r[idx[k - 1]].addr;
	r[idx[k - 1]] = r[--*n];
	return 1;
}

static enum neigh_result
ref_learn(struct ref *r, int *n, int max, uint32_t van, const struct wire_addr *a,
    const uint8_t mac[6], uint8_t kind, unsigned how, monotime_t now, uint64_t tick,
    struct neigh_prev *prev)
{
	int i = ref_find(r, *n, van, a), idx[64];

	memset(prev, 0, sizeof(*prev));
	if (!neigh_addr_valid(a))
		return NEIGH_INVALID;
	if (i >= 0) {
		memcpy(prev->mac, r[i].mac, 6);
		prev->kind = r[i].kind;
		if (memcmp(r[i].mac, mac, 6) == 0) {
			r[i].kind = kind;
			r[i].router = ref_router(r[i].router, true, how);
			/* Weak: kept by a weak refresh, cleared by a strong one. */
			if (!(how & NEIGH_L_WEAK))
				r[i].weak = false;
			r[i].updated = now;
			r[i].touched = tick;
			return NEIGH_REFRESHED;
		}
		if (how & NEIGH_L_WEAK)
			return NEIGH_KEPT;
		if (ref_addrs(r, *n, van, mac, idx) == NEIGH_PER_MAC_MAX) {
			struct ref moving = r[i];

			prev->evicted = true;
			prev->evicted_addr = r[idx[NEIGH_PER_MAC_MAX - 1]].addr;
			r[idx[NEIGH_PER_MAC_MAX - 1]] = r[--*n];
			i = ref_find(r, *n, van, &moving.addr);
		}
		memcpy(r[i].mac, mac, 6);
		r[i].kind = kind;
		r[i].router = ref_router(r[i].router, false, how);
		r[i].weak = false;	/* a move is never weak (that is KEPT) */
		r[i].updated = now;
		r[i].touched = tick;
		return NEIGH_MOVED;
	}
	if (ref_make_room(r, n, van, mac, &prev->evicted_addr))
		prev->evicted = true;
	else if (*n >= max)
		return NEIGH_FULL;
	i = (*n)++;
	memset(&r[i], 0, sizeof(r[i]));
	r[i].van = van;
	r[i].addr = *a;
	memcpy(r[i].mac, mac, 6);
	r[i].kind = kind;
	r[i].router = ref_router(false, false, how);
	r[i].weak = (how & NEIGH_L_WEAK) != 0;	/* a weak learn binds it weak */
	r[i].updated = now;
	r[i].touched = tick;
	return NEIGH_NEW;
}

static bool
match_mac_low(const struct neigh_entry *e, void *arg)
{
	return e->mac[5] % 5 == *(const uint8_t *)arg;
}

/*
 * Random operations on a small key space — 2 VANs, 5 MACs, 40 addresses,
 * a table of 40 — so that new, refreshed, moved, kept, evicted and full all
 * happen often, against the reference; after each one the counts agree,
 * and at intervals every binding and every MAC's newest-first list is
 * compared.
 */
static void
test_differential(void **state)
{
	enum { MAX = 40, MACS = 5, ADDRS = 40, OPS = 200000 };
	struct ref *r = calloc(MAX + 1, sizeof(*r));
	struct neigh t;
	int n = 0, op, hist[NEIGH_INVALID + 1] = { 0 }, evictions = 0;
	unsigned seed = 4242;

	(void)state;
	assert_int_equal(neigh_init(&t, MAX, key), 0);
	for (op = 0; op < OPS; op++) {
		uint32_t van = 1 + (uint32_t)rand_r(&seed) % 2;
		uint32_t ai = (uint32_t)rand_r(&seed) % ADDRS;
		struct wire_addr a = ai % 3 ? v4(10, 0, 0, (uint8_t)(1 + ai)) : v6(ai, ai & 1);
		uint8_t mac[6];
		int what = rand_r(&seed) % 100, i;

		mac_of((uint32_t)rand_r(&seed) % MACS, mac);
		if (ai == ADDRS - 1)
			a = v4(224, 0, 0, 1);		/* sometimes invalid */
		i = ref_find(r, n, van, &a);
		if (what < 60) {
			struct neigh_prev p1, p2;
			unsigned how = (unsigned)rand_r(&seed) % 8 == 0 ? NEIGH_L_WEAK : 0;
			uint8_t kind = rand_r(&seed) & 1 ? NEIGH_LOCAL : NEIGH_REMOTE;
			enum neigh_result got, want;

			how |= (unsigned)rand_r(&seed) % 3 == 0 ? NEIGH_L_ROUTER : 0;
			how |= (unsigned)rand_r(&seed) % 5 == 0 ? NEIGH_L_HOST : 0;
			got = neigh_learn(&t, van, &a, mac, kind, how, op, &p1);
			want = ref_learn(r, &n, MAX, van, &a, mac, kind, how, op,
			    (uint64_t)op + 1, &p2);
			assert_int_equal(got, want);
			hist[got]++;
			assert_int_equal(p1.evicted, p2.evicted);
			if (p1.evicted) {
				assert_true(addr_eq(&p1.evicted_addr, &p2.evicted_addr));
				evictions++;
			}
			if (got != NEIGH_NEW && got != NEIGH_FULL && got != NEIGH_INVALID) {
				assert_memory_equal(p1.mac, p2.mac, 6);
				assert_int_equal(p1.kind, p2.kind);
			}
		} else if (what < 70) {
			assert_int_equal(neigh_remove(&t, van, &a), i >= 0);
			if (i >= 0)
				r[i] = r[--n];
		} else if (what < 78) {
			unsigned got = neigh_forget_mac(&t, van, mac), want = 0;

			for (i = 0; i < n; )
				if (r[i].van == van && memcmp(r[i].mac, mac, 6) == 0) {
					r[i] = r[--n];
					want++;
				} else
					i++;
			assert_int_equal(got, want);
		} else if (what < 79) {
			uint8_t m = (uint8_t)(rand_r(&seed) % 5);
			uint32_t got, want = 0;

			if (rand_r(&seed) & 1) {
				got = neigh_forget_van(&t, van);
				for (i = 0; i < n; )
					if (r[i].van == van) {
						r[i] = r[--n];
						want++;
					} else
						i++;
			} else {
				got = neigh_purge(&t, match_mac_low, &m);
				for (i = 0; i < n; )
					if (r[i].mac[5] % 5 == m) {
						r[i] = r[--n];
						want++;
					} else
						i++;
			}
			assert_int_equal(got, want);
		} else {
			const struct neigh_entry *e = neigh_lookup(&t, van, &a);

			if (i < 0)
				assert_null(e);
			else {
				assert_non_null(e);
				assert_memory_equal(e->mac, r[i].mac, 6);
				assert_int_equal(e->kind, r[i].kind);
				assert_int_equal(e->flags, ref_flags(&r[i]));
				assert_int_equal(e->updated, r[i].updated);
			}
		}
		assert_int_equal(t.count, n);
		if (op % 1000 == 0) {
			uint32_t v, mi, pos = 0, seen = 0;

			for (i = 0; i < n; i++) {
				const struct neigh_entry *e;

				e = neigh_lookup(&t, r[i].van, &r[i].addr);
				assert_non_null(e);
				assert_memory_equal(e->mac, r[i].mac, 6);
			}
			for (v = 1; v <= 2; v++)
				for (mi = 0; mi < MACS; mi++) {
					struct wire_addr out[WIRE_LEARN_ADDR_MAX];
					uint8_t mac2[6];
					int idx[64], k, j;

					mac_of(mi, mac2);
					k = ref_addrs(r, n, v, mac2, idx);
					assert_int_equal(neigh_addrs(&t, v, mac2, out), k);
					for (j = 0; j < k; j++)
						assert_true(addr_eq(&out[j], &r[idx[j]].addr));
				}
			while (neigh_next(&t, &pos) != NULL)
				seen++;
			assert_int_equal(seen, n);
		}
	}
	/* Every outcome happened, or the test proved less than it claims. */
	for (op = NEIGH_NEW; op <= NEIGH_INVALID; op++)
		if (hist[op] <= 100)
			fail_msg("result %d happened %d times", op, hist[op]);
	if (evictions <= 100)
		fail_msg("%d evictions", evictions);
	neigh_free(&t);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_per_mac_cap),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_forget_and_iterate),
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests_name("neigh", tests, NULL, NULL);
}
