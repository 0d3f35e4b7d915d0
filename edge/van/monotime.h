/*
 * monotime.h — the one time type of the pure code: nanoseconds of
 * CLOCK_MONOTONIC, passed in by the I/O layer as an argument.  Pure files
 * never read a clock; they compare and add monotime_t values.
 */
#ifndef EDGE_VAN_MONOTIME_H
#define EDGE_VAN_MONOTIME_H

#include <stdint.h>

typedef int64_t monotime_t;

#define MONO_NEVER	INT64_MAX
#define MONO_MS(ms)	((monotime_t)(ms) * 1000000)
#define MONO_SEC(s)	((monotime_t)(s) * 1000000000)

static inline int64_t
mono_to_ms(monotime_t t)
{
	return t / 1000000;
}

#endif /* EDGE_VAN_MONOTIME_H */
