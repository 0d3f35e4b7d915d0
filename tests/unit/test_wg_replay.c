/*
 * test_wg_replay.c — crypto/replay.c, table-driven: the Linux selftest
 * sequence (counter.c, mirrored by wireguard-go's replay_test.go) as the
 * digest lists it [11], its ascending/descending blocks, and a
 * differential run against a naive reference (the set of accepted
 * counters plus the window rule) on pseudo-random counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/replay.h"

#define W	((uint64_t)WG_REPLAY_WINDOW + 1)
#define R	WG_REJECT_AFTER_MESSAGES

struct step {
	uint64_t	counter;
	bool		ok;
};

static const struct step selftest[] = {
	{ 0, true }, { 1, true }, { 1, false }, { 9, true }, { 8, true },
	{ 7, true }, { 7, false }, { W, true }, { W - 1, true },
	{ W - 1, false }, { W - 2, true }, { 2, true }, { 2, false },
	{ W + 16, true }, { 3, false }, { W + 16, false }, { 4 * W, true },
	{ 4 * W - (W - 1), true }, { 10, false }, { 4 * W - W, false },
	{ 4 * W - (W + 1), false }, { 4 * W - (W - 2), true },
	{ 4 * W + 1 - W, false }, { 0, false },
	{ R, false }, { R - 1, true }, { R, false }, { R - 1, false },
	{ R - 2, true }, { R + 1, false }, { R + 2, false }, { R - 2, false },
	{ R - 3, true }, { 0, false },
};

static void
test_selftest_sequence(void **state)
{
	struct replay_window w;
	size_t i;

	(void)state;
	replay_init(&w);
	for (i = 0; i < sizeof(selftest) / sizeof(selftest[0]); i++) {
		bool got = replay_check(&w, selftest[i].counter, R);

		if (got != selftest[i].ok)
			fail_msg("step %zu: counter %llu: got %d want %d", i,
			    (unsigned long long)selftest[i].counter, got,
			    selftest[i].ok);
	}
}

/* A block: a run of counters, all expected accepted, then checks. */
struct block {
	uint64_t	from, to;	/* inclusive; from > to runs down */
	struct step	then[2];
	size_t		nthen;
};

static const struct block blocks[] = {
	{ 1, WG_REPLAY_WINDOW, { { 0, true }, { 0, false } }, 2 },
	{ 2, WG_REPLAY_WINDOW + 1, { { 1, true }, { 0, false } }, 2 },
	{ WG_REPLAY_WINDOW, 0, { { 0, false } }, 1 },
	{ WG_REPLAY_WINDOW + 1, 1, { { 0, false } }, 1 },
	{ WG_REPLAY_WINDOW, 1, { { WG_REPLAY_WINDOW + 1, true }, { 0, false } },
	    2 },
	{ WG_REPLAY_WINDOW, 1, { { 0, true }, { WG_REPLAY_WINDOW + 1, true } },
	    2 },
};

static void
test_blocks(void **state)
{
	struct replay_window w;
	size_t b, j;
	uint64_t c;

	(void)state;
	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		const struct block *k = &blocks[b];

		replay_init(&w);
		for (c = k->from;; c = k->from <= k->to ? c + 1 : c - 1) {
			if (!replay_check(&w, c, R))
				fail_msg("block %zu: %llu refused", b,
				    (unsigned long long)c);
			if (c == k->to)
				break;
		}
		for (j = 0; j < k->nthen; j++)
			if (replay_check(&w, k->then[j].counter, R) !=
			    k->then[j].ok)
				fail_msg("block %zu: then %zu", b, j);
	}
}

/* The naive reference: remember everything, apply the window rule. */
struct naive {
	uint64_t	*seen;
	size_t		n;
	uint64_t	last;
};

static bool
naive_check(struct naive *s, uint64_t c)
{
	size_t i;

	if (c >= R)
		return false;
	if (c <= s->last && s->last - c > WG_REPLAY_WINDOW)
		return false;
	for (i = 0; i < s->n; i++)
		if (s->seen[i] == c)
			return false;
	s->seen[s->n++] = c;
	if (c > s->last)
		s->last = c;
	return true;
}

static void
test_differential(void **state)
{
	struct replay_window w;
	struct naive s = { 0 };
	uint64_t x = 88172645463325252ULL, base = 0, c;
	uint64_t hist[64] = { 0 };
	unsigned i, steps = 30000, accepted = 0;
	bool ok;

	(void)state;
	s.seen = calloc(steps, sizeof(uint64_t));
	assert_non_null(s.seen);
	replay_init(&w);
	for (i = 0; i < steps; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* advance a little or a lot, go back (inside and outside
		 * the window), or repeat one of the last 64 counters */
		switch (x % 20) {
		case 0: case 1: case 2: case 3: case 4:
			base += 1 + (x >> 8) % 50;
			c = base;
			break;
		case 5: case 6:
			base += (x >> 8) % 20000;
			c = base;
			break;
		case 7: case 8: case 9: case 10: case 11: case 12:
			c = hist[(x >> 8) % 64];
			break;
		default:
			c = base - ((x >> 8) % 9000 < base ? (x >> 8) % 9000 : 0);
			break;
		}
		hist[i % 64] = c;
		ok = replay_check(&w, c, R);
		if (ok != naive_check(&s, c))
			fail_msg("step %u counter %llu disagrees", i,
			    (unsigned long long)c);
		accepted += ok;
	}
	free(s.seen);
	/* both outcomes were exercised plenty */
	assert_true(accepted > steps / 10);
	assert_true(accepted < steps - steps / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selftest_sequence),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
