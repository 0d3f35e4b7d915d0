/*
 * ratelimit.h — the per-source token bucket that handshakes with a valid
 * mac2 pass while the device is under load [6]: 20 per second, burst 5,
 * keyed by source IP (IPv6 by its /64).
 *
 * Pure.  A fixed set-associative table (WG_RATELIMIT_ENTRIES, 4 ways) with
 * a random-keyed SipHash; a full set recycles its least recently used
 * entry.  That can only make the limit more lenient for the evicted
 * source, and only sources that proved their address with a cookie get
 * here, so it cannot be turned against a third party.
 */
#ifndef CRYPTO_RATELIMIT_H
#define CRYPTO_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/bucket.h"
#include "crypto/monotime.h"
#include "crypto/wg.h"

#define RATELIMIT_WAYS	4

struct ratelimit_entry {
	uint8_t		addr[16];
	struct bucket	bucket;		/* its last refill: the last packet */
	uint8_t		family;		/* 0: free */
};

struct ratelimit {
	struct ratelimit_entry e[WG_RATELIMIT_ENTRIES];
	uint8_t		hash_key[16];
};

_Static_assert(WG_RATELIMIT_ENTRIES % RATELIMIT_WAYS == 0, "whole sets");

void	ratelimit_init(struct ratelimit *, const struct wg_rng *);
/* May one more handshake from src be processed now? */
bool	ratelimit_allow(struct ratelimit *, const struct wg_endpoint *src,
	    monotime_t now);

#endif /* CRYPTO_RATELIMIT_H */
