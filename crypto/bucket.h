/*
 * bucket.h — the one token bucket of the project: rate tokens a second, at
 * most burst of them, full at the first use; rate 0 is no limit.  Integer
 * arithmetic in nanotokens (a token is 10^9 of them), so that a rate is
 * exact whatever its size and no clock is read: `now` (crypto/monotime.h)
 * comes in.  Used for handshakes under load (ratelimit.c), floods, LEARNs
 * and ICMP answers (edge/van), and logs (edge/rim/log.c).
 *
 * Pure.
 */
#ifndef CRYPTO_BUCKET_H
#define CRYPTO_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/monotime.h"

struct bucket {
	uint32_t	rate;		/* tokens per second, 0: no limit */
	uint32_t	burst;		/* at most; 0 with a rate: the rate */
	uint64_t	credit;		/* nanotokens */
	monotime_t	last;		/* the last refill, 0: never used */
};

/* A rate and burst (0: the rate); the credit kept fits the new burst. */
void	bucket_set(struct bucket *, uint32_t rate, uint32_t burst);
/* Take n tokens if there are (always, without a rate). */
bool	bucket_take(struct bucket *, uint32_t n, monotime_t now);
/* The time from the last refill until there are n tokens, 0: there are. */
monotime_t bucket_wait(const struct bucket *, uint32_t n);

#endif /* CRYPTO_BUCKET_H */
