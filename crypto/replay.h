/*
 * replay.h — the sliding replay window of a keypair's receive direction [5]
 * (RFC 6479 style: a ring of 8192 bits in 64-bit words, usable window
 * 8192 - 64 = 8128 counters behind the greatest accepted).
 *
 * Pure.  Call replay_check only after the packet authenticated, so that a
 * forged counter cannot move the window.
 */
#ifndef CRYPTO_REPLAY_H
#define CRYPTO_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/wg.h"

#define REPLAY_WORDS	(WG_REPLAY_RING_BITS / 64)

struct replay_window {
	uint64_t	last;			/* greatest counter accepted */
	uint64_t	ring[REPLAY_WORDS];
};

void	replay_init(struct replay_window *);
/*
 * Accept counter once: false if counter >= limit, if it fell behind the
 * window, or if it was seen before.  Accepting records it.
 */
bool	replay_check(struct replay_window *, uint64_t counter, uint64_t limit);

#endif /* CRYPTO_REPLAY_H */
