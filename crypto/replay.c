/*
 * replay.c — replay window [5].  Pure.
 *
 * A fresh window has last = 0 and an empty ring, so counter 0 is accepted
 * exactly once.  Moving forward clears the ring words between the old and
 * the new position (at most the whole ring); a counter more than the
 * window behind the greatest one is refused without touching the ring.
 */
#include "crypto/replay.h"

#include <string.h>

#define REPLAY_WORD_MASK	(REPLAY_WORDS - 1)

_Static_assert((REPLAY_WORDS & (REPLAY_WORDS - 1)) == 0, "ring of 2^n words");

void
replay_init(struct replay_window *w)
{
	memset(w, 0, sizeof(*w));
}

bool
replay_check(struct replay_window *w, uint64_t counter, uint64_t limit)
{
	uint64_t word = counter >> 6, bit = UINT64_C(1) << (counter & 63);
	uint64_t old;

	if (counter >= limit)
		return false;
	if (counter > w->last) {
		uint64_t cur = w->last >> 6, n = word - cur, i;

		if (n > REPLAY_WORDS)
			n = REPLAY_WORDS;
		for (i = 1; i <= n; i++)
			w->ring[(cur + i) & REPLAY_WORD_MASK] = 0;
		w->last = counter;
	} else if (w->last - counter > WG_REPLAY_WINDOW)
		return false;
	old = w->ring[word & REPLAY_WORD_MASK];
	w->ring[word & REPLAY_WORD_MASK] = old | bit;
	return (old & bit) == 0;
}
