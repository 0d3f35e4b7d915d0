/*
 * monotime.h — the one time type of all pure code, crypto/ and edge/van/:
 * nanoseconds of CLOCK_MONOTONIC, passed in by the I/O layer as an
 * argument (edge/rim/clock.h reads it).  Pure files never read a clock;
 * they compare and add monotime_t values.  Every time, deadline, age and
 * duration is a monotime_t; none is negative.  MONO_NEVER is the deadline
 * that is not armed, later than any time.  (The wall clock, which only
 * TAI64N and the UAPI's last-handshake time need, is struct wg_now's
 * wall, crypto/wg.h.)
 *
 * Here because crypto/ is the lowest layer and may include only itself.
 */
#ifndef CRYPTO_MONOTIME_H
#define CRYPTO_MONOTIME_H

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

/*
 * The deadline d after t: MONO_NEVER when it lies beyond the range (t
 * itself MONO_NEVER, or a huge d), never a signed overflow.
 */
static inline monotime_t
mono_add(monotime_t t, monotime_t d)
{
	return t > MONO_NEVER - d ? MONO_NEVER : t + d;
}

/*
 * The age at now of what was stamped then.  A then later than now (a
 * caller's clock that went back) is as old as can be, MONO_NEVER: what
 * it stamped has expired, it does not stay fresh.
 */
static inline monotime_t
mono_since(monotime_t now, monotime_t then)
{
	return then > now ? MONO_NEVER : now - then;
}

#endif /* CRYPTO_MONOTIME_H */
