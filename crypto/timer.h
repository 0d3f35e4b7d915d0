/*
 * timer.h — the per-peer timers of WireGuard [7.1] as a pure state machine.
 *
 * The device feeds events (timer_event_*) with the current monotonic time
 * and, where a timer is armed with jitter, a jitter value it drew; it calls
 * timer_run when timer_next says a deadline passed, and performs the
 * returned actions (TIMER_RUN_*).  Nothing here sends, reads a clock or
 * draws randomness.
 *
 * The timers (deadline MONO_NEVER when disarmed; a deadline past the
 * range of monotime_t is MONO_NEVER too, mono_add):
 *   retransmit     armed when an initiation is sent: rekey_timeout + jitter.
 *                  Fires: when attempts > max_handshakes, give up (drop staged
 *                  packets, stop the keepalive timer, arm zero-keys if it
 *                  is not armed); otherwise attempts += 1 and retry.
 *   keepalive      armed when authenticated data is received, if not armed
 *                  (else "need another"): keepalive_timeout.  Fires: send a
 *                  keepalive; re-arm once if another was needed.
 *   new_handshake  armed when data is sent, if not armed:
 *                  keepalive_timeout + rekey_timeout + jitter.  Fires:
 *                  start a handshake (we sent but heard nothing).
 *   zero_keys      armed when a session is derived: 3 * reject_after_time.
 *                  Fires: wipe all keypairs and handshake state.
 *   persistent     armed on any authenticated packet sent or received when
 *                  the interval is set: interval seconds.  Fires: keepalive.
 * Cancellations: an authenticated packet sent cancels keepalive; one
 * received cancels new_handshake; handshake complete cancels retransmit and
 * resets the attempts and the last-minute flag.
 */
#ifndef CRYPTO_TIMER_H
#define CRYPTO_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "crypto/wg.h"

enum timer_id {
	TIMER_RETRANSMIT = 0,
	TIMER_KEEPALIVE,
	TIMER_NEW_HANDSHAKE,
	TIMER_ZERO_KEYS,
	TIMER_PERSISTENT,
	TIMER_COUNT
};

/* Actions timer_run asks for (a bit set). */
enum timer_run {
	TIMER_RUN_RETRY_HANDSHAKE	= 1 << 0,	/* send a new initiation */
	TIMER_RUN_GIVE_UP		= 1 << 1,	/* drop staged packets */
	TIMER_RUN_KEEPALIVE		= 1 << 2,	/* send a keepalive */
	TIMER_RUN_NEW_HANDSHAKE		= 1 << 3,	/* start a handshake */
	TIMER_RUN_ZERO_KEYS		= 1 << 4	/* wipe keypairs, handshake */
};

struct timer_state {
	monotime_t	at[TIMER_COUNT];	/* deadlines */
	unsigned	attempts;		/* retransmissions so far */
	bool		need_another_keepalive;
	bool		sent_last_minute;	/* [7.2] once per keypair */
	uint16_t	persistent_interval;	/* seconds, 0: off */
};

void	timer_init(struct timer_state *);
/* Every deadline disarmed, counters reset; the interval is kept. */
void	timer_stop(struct timer_state *);

/* Is it armed?  (A caller draws jitter only when it will be used.) */
bool	timer_armed(const struct timer_state *, enum timer_id);
void	timer_event_data_sent(struct timer_state *, const struct wg_timing *,
	    monotime_t now, monotime_t jitter);
void	timer_event_data_received(struct timer_state *,
	    const struct wg_timing *, monotime_t now);
void	timer_event_authenticated_sent(struct timer_state *);
void	timer_event_authenticated_received(struct timer_state *);
/* Any authenticated packet sent or received: the persistent keepalive. */
void	timer_event_authenticated_traversal(struct timer_state *,
	    monotime_t now);
void	timer_event_handshake_initiated(struct timer_state *,
	    const struct wg_timing *, monotime_t now, monotime_t jitter);
void	timer_event_handshake_complete(struct timer_state *);
void	timer_event_session_derived(struct timer_state *,
	    const struct wg_timing *, monotime_t now);
/* A new handshake was started from scratch (not a retry): attempts = 0. */
void	timer_event_handshake_started(struct timer_state *);
void	timer_set_persistent(struct timer_state *, uint16_t interval,
	    monotime_t now);

/* Fire every timer whose deadline is <= now; returns TIMER_RUN_* bits. */
unsigned timer_run(struct timer_state *, const struct wg_timing *,
	    monotime_t now);
/* The earliest deadline, or MONO_NEVER. */
monotime_t timer_next(const struct timer_state *);

#endif /* CRYPTO_TIMER_H */
