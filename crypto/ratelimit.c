/*
 * ratelimit.c — per-source token bucket for handshakes under load [6].
 * Pure.
 */
#include "crypto/ratelimit.h"

#include <sodium.h>
#include <string.h>

#define RATELIMIT_SETS	(WG_RATELIMIT_ENTRIES / RATELIMIT_WAYS)

void
ratelimit_init(struct ratelimit *r, const struct wg_rng *rng)
{
	memset(r, 0, sizeof(*r));
	rng->fill(rng->ctx, r->hash_key, sizeof(r->hash_key));
}

bool
ratelimit_allow(struct ratelimit *r, const struct wg_endpoint *src,
    monotime_t now)
{
	uint8_t addr[16], h[8], family;
	struct ratelimit_entry *set, *e = NULL, *victim;
	uint64_t v = 0;
	size_t alen;
	int i;

	memset(addr, 0, sizeof(addr));
	switch (src->addr.sa.sa_family) {
	case AF_INET:
		memcpy(addr, &src->addr.in4.sin_addr, 4);
		alen = 4;
		family = 4;
		break;
	case AF_INET6:
		memcpy(addr, &src->addr.in6.sin6_addr, 8);	/* the /64 */
		alen = 8;
		family = 6;
		break;
	default:
		return false;
	}
	crypto_shorthash(h, addr, alen, r->hash_key);
	for (i = 0; i < 8; i++)
		v |= (uint64_t)h[i] << (8 * i);
	set = &r->e[(v % RATELIMIT_SETS) * RATELIMIT_WAYS];

	victim = &set[0];
	for (i = 0; i < RATELIMIT_WAYS; i++) {
		if (set[i].family == family &&
		    memcmp(set[i].addr, addr, sizeof(addr)) == 0) {
			e = &set[i];
			break;
		}
		if (set[i].family == 0 ||
		    (victim->family != 0 && set[i].bucket.last < victim->bucket.last))
			victim = &set[i];
	}
	if (e == NULL) {
		/* A new source starts with a full bucket (this packet from it). */
		e = victim;
		e->family = family;
		memcpy(e->addr, addr, sizeof(addr));
		memset(&e->bucket, 0, sizeof(e->bucket));
		bucket_set(&e->bucket, WG_RATELIMIT_PER_SEC, WG_RATELIMIT_BURST);
	}
	return bucket_take(&e->bucket, 1, now);
}
