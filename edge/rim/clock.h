/*
 * clock.h — where the I/O files read the time the pure code is given.
 * Only I/O files include this.
 */
#ifndef EDGE_RIM_CLOCK_H
#define EDGE_RIM_CLOCK_H

#include <time.h>

#include "edge/van/monotime.h"

static inline monotime_t
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (monotime_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif /* EDGE_RIM_CLOCK_H */
