/*
 * clock.h — where the I/O files read the time the pure code is given.
 * Only I/O files include this.
 */
#ifndef EDGE_RIM_CLOCK_H
#define EDGE_RIM_CLOCK_H

#include <time.h>

#include "crypto/monotime.h"
#include "crypto/wg.h"

static inline monotime_t
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return MONO_SEC(ts.tv_sec) + ts.tv_nsec;
}

/* The crypto engine's time: the monotonic clock and the wall clock. */
static inline struct wg_now
clock_wg_now(void)
{
	struct timespec w;
	struct wg_now now;

	clock_gettime(CLOCK_REALTIME, &w);
	now.mono = clock_mono();
	now.wall = (uint64_t)w.tv_sec * WG_WALL_SEC + (uint64_t)w.tv_nsec;
	return now;
}

#endif /* EDGE_RIM_CLOCK_H */
