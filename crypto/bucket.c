/*
 * bucket.c — see bucket.h.
 */
#include "crypto/bucket.h"

#define NANO	1000000000ULL

static uint64_t
cap(const struct bucket *k)
{
	return (uint64_t)(k->burst != 0 ? k->burst : k->rate) * NANO;
}

void
bucket_set(struct bucket *k, uint32_t rate, uint32_t burst)
{
	k->rate = rate;
	k->burst = burst;
	if (k->last != 0 && k->credit > cap(k))
		k->credit = cap(k);
}

bool
bucket_take(struct bucket *k, uint32_t n, monotime_t now)
{
	uint64_t max, want = (uint64_t)n * NANO;

	if (k->rate == 0)
		return true;
	max = cap(k);
	if (k->last == 0)
		k->credit = max;
	else if (now > k->last) {
		/* Full after max / rate ns: no product beyond that can overflow. */
		uint64_t dt = (uint64_t)(now - k->last);

		if (dt >= (max - k->credit) / k->rate + 1)
			k->credit = max;
		else
			k->credit += dt * k->rate;
		if (k->credit > max)
			k->credit = max;
	}
	k->last = now != 0 ? now : 1;
	if (k->credit < want)
		return false;
	k->credit -= want;
	return true;
}

monotime_t
bucket_wait(const struct bucket *k, uint32_t n)
{
	uint64_t want = (uint64_t)n * NANO;

	if (k->rate == 0 || k->last == 0 || k->credit >= want)
		return 0;
	/* At most 2^32 s at 1 token a second: in range. */
	return (monotime_t)((want - k->credit + k->rate - 1) / k->rate);
}
