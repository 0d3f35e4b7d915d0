/*
 * timer.c — per-peer timer state machine [7.1] and the protocol's default
 * timing (crypto/wg.h).  Pure.
 */
#include "crypto/timer.h"

#include <string.h>

const struct wg_timing wg_timing_default = {
	.rekey_after_time = WG_REKEY_AFTER_TIME,
	.reject_after_time = WG_REJECT_AFTER_TIME,
	.rekey_timeout = WG_REKEY_TIMEOUT,
	.jitter_max = WG_REKEY_JITTER_MAX,
	.keepalive_timeout = WG_KEEPALIVE_TIMEOUT,
	.cookie_secret_life = WG_COOKIE_SECRET_LIFE,
	.cookie_life = WG_COOKIE_LIFE,
	.initiation_min_interval = WG_INITIATION_MIN_INTERVAL,
	.rekey_after_messages = WG_REKEY_AFTER_MESSAGES,
	.reject_after_messages = WG_REJECT_AFTER_MESSAGES,
	.max_handshakes = WG_MAX_TIMER_HANDSHAKES,
};

static bool
armed(const struct timer_state *t, enum timer_id id)
{
	return t->at[id] != MONO_NEVER;
}

/* Due d after now (MONO_NEVER beyond the range: mono_add). */
static void
arm(struct timer_state *t, enum timer_id id, monotime_t now, monotime_t d)
{
	t->at[id] = mono_add(now, d);
}

static void
disarm(struct timer_state *t, enum timer_id id)
{
	t->at[id] = MONO_NEVER;
}

void
timer_init(struct timer_state *t)
{
	memset(t, 0, sizeof(*t));
	timer_stop(t);
}

void
timer_stop(struct timer_state *t)
{
	int i;

	for (i = 0; i < TIMER_COUNT; i++)
		t->at[i] = MONO_NEVER;
	t->attempts = 0;
	t->need_another_keepalive = false;
	t->sent_last_minute = false;
}

bool
timer_armed(const struct timer_state *t, enum timer_id id)
{
	return armed(t, id);
}

void
timer_event_data_sent(struct timer_state *t, const struct wg_timing *tm,
    monotime_t now, monotime_t jitter)
{
	if (!armed(t, TIMER_NEW_HANDSHAKE))
		arm(t, TIMER_NEW_HANDSHAKE, now, tm->keepalive_timeout +
		    tm->rekey_timeout + jitter);
}

void
timer_event_data_received(struct timer_state *t, const struct wg_timing *tm,
    monotime_t now)
{
	if (!armed(t, TIMER_KEEPALIVE))
		arm(t, TIMER_KEEPALIVE, now, tm->keepalive_timeout);
	else
		t->need_another_keepalive = true;
}

void
timer_event_authenticated_sent(struct timer_state *t)
{
	disarm(t, TIMER_KEEPALIVE);
}

void
timer_event_authenticated_received(struct timer_state *t)
{
	disarm(t, TIMER_NEW_HANDSHAKE);
}

void
timer_event_authenticated_traversal(struct timer_state *t, monotime_t now)
{
	if (t->persistent_interval > 0)
		arm(t, TIMER_PERSISTENT, now, MONO_SEC(t->persistent_interval));
}

void
timer_event_handshake_initiated(struct timer_state *t,
    const struct wg_timing *tm, monotime_t now, monotime_t jitter)
{
	arm(t, TIMER_RETRANSMIT, now, tm->rekey_timeout + jitter);
}

void
timer_event_handshake_complete(struct timer_state *t)
{
	disarm(t, TIMER_RETRANSMIT);
	t->attempts = 0;
	t->sent_last_minute = false;
}

void
timer_event_session_derived(struct timer_state *t, const struct wg_timing *tm,
    monotime_t now)
{
	arm(t, TIMER_ZERO_KEYS, now, 3 * tm->reject_after_time);
}

void
timer_event_handshake_started(struct timer_state *t)
{
	t->attempts = 0;
}

void
timer_set_persistent(struct timer_state *t, uint16_t interval, monotime_t now)
{
	t->persistent_interval = interval;
	if (interval == 0)
		disarm(t, TIMER_PERSISTENT);
	else if (armed(t, TIMER_PERSISTENT))
		arm(t, TIMER_PERSISTENT, now, MONO_SEC(interval));
}

unsigned
timer_run(struct timer_state *t, const struct wg_timing *tm, monotime_t now)
{
	unsigned run = 0;

	if (t->at[TIMER_RETRANSMIT] <= now) {
		disarm(t, TIMER_RETRANSMIT);
		if (t->attempts > tm->max_handshakes) {
			/* ~max_handshakes * rekey_timeout of tries: give up */
			run |= TIMER_RUN_GIVE_UP;
			disarm(t, TIMER_KEEPALIVE);
			if (!armed(t, TIMER_ZERO_KEYS))
				arm(t, TIMER_ZERO_KEYS, now,
				    3 * tm->reject_after_time);
		} else {
			t->attempts++;
			run |= TIMER_RUN_RETRY_HANDSHAKE;
		}
	}
	if (t->at[TIMER_KEEPALIVE] <= now) {
		disarm(t, TIMER_KEEPALIVE);
		run |= TIMER_RUN_KEEPALIVE;
		if (t->need_another_keepalive) {
			t->need_another_keepalive = false;
			arm(t, TIMER_KEEPALIVE, now, tm->keepalive_timeout);
		}
	}
	if (t->at[TIMER_NEW_HANDSHAKE] <= now) {
		disarm(t, TIMER_NEW_HANDSHAKE);
		run |= TIMER_RUN_NEW_HANDSHAKE;
	}
	if (t->at[TIMER_ZERO_KEYS] <= now) {
		disarm(t, TIMER_ZERO_KEYS);
		run |= TIMER_RUN_ZERO_KEYS;
	}
	if (t->at[TIMER_PERSISTENT] <= now) {
		disarm(t, TIMER_PERSISTENT);
		if (t->persistent_interval > 0)
			run |= TIMER_RUN_KEEPALIVE;
	}
	return run;
}

monotime_t
timer_next(const struct timer_state *t)
{
	monotime_t next = MONO_NEVER;
	int i;

	for (i = 0; i < TIMER_COUNT; i++)
		if (t->at[i] < next)
			next = t->at[i];
	return next;
}
