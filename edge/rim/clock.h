/*
 * clock.h — where the I/O files read the time the pure code is given.
 * Only I/O files include this.
 */
#ifndef EDGE_RIM_CLOCK_H
#define EDGE_RIM_CLOCK_H

#include <time.h>

#include "crypto/wg.h"
#include "edge/van/monotime.h"

static inline monotime_t
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (monotime_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The crypto engine's time: the monotonic clock and the wall clock. */
static inline struct wg_now
clock_wg_now(void)
{
	struct timespec w;
	struct wg_now now;

	clock_gettime(CLOCK_REALTIME, &w);
	now.mono = (uint64_t)clock_mono();
	now.wall = (uint64_t)w.tv_sec * WG_NSEC + (uint64_t)w.tv_nsec;
	return now;
}

#endif /* EDGE_RIM_CLOCK_H */
