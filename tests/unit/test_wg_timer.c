/*
 * test_wg_timer.c — crypto/timer.c transitions [7.1]: each timer's arming
 * rule, its firing action, its cancellations, retransmission up to the
 * give-up, the "need another keepalive" re-arm, the persistent keepalive,
 * timer_next as the earliest deadline, and deadlines beyond the range of
 * monotime_t (MONO_NEVER, never an overflow).  Times in ns from an
 * arbitrary origin T0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/timer.h"

#define S	MONO_SEC(1)
#define MS	MONO_MS(1)
#define T0	(1000 * S)

static const struct wg_timing *tm = &wg_timing_default;

static void
test_idle(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	assert_true(timer_next(&t) == MONO_NEVER);
	assert_int_equal(timer_run(&t, tm, MONO_NEVER - 1), 0);
}

static void
test_retransmit_until_give_up(void **state)
{
	struct timer_state t;
	monotime_t now = T0;
	unsigned retries = 0, run;

	(void)state;
	timer_init(&t);
	timer_event_handshake_started(&t);
	timer_event_handshake_initiated(&t, tm, now, 100 * MS);
	assert_true(timer_next(&t) == now + 5 * S + 100 * MS);
	assert_int_equal(timer_run(&t, tm, now + 5 * S + 100 * MS - 1), 0);
	for (;;) {
		now = timer_next(&t);
		assert_true(now != MONO_NEVER);
		run = timer_run(&t, tm, now);
		if (run & TIMER_RUN_GIVE_UP)
			break;
		assert_int_equal(run, TIMER_RUN_RETRY_HANDSHAKE);
		retries++;
		assert_int_equal(t.attempts, retries);
		/* the device sends the retry, which re-arms */
		timer_event_handshake_initiated(&t, tm, now, 333 * MS);
	}
	/* attempts 0..18 retry: 19 retries after the first initiation */
	assert_int_equal(retries, WG_MAX_TIMER_HANDSHAKES + 1);
	assert_int_equal(run, TIMER_RUN_GIVE_UP);
	assert_true(t.at[TIMER_ZERO_KEYS] == now + 3 * WG_REJECT_AFTER_TIME);
	assert_true(t.at[TIMER_RETRANSMIT] == MONO_NEVER);
	assert_true(t.at[TIMER_KEEPALIVE] == MONO_NEVER);
	/* ~ 90 s of tries in all, plus the last timeout */
	assert_true(now - T0 >= 20 * 5 * S && now - T0 <= 20 * (5 * S + 333 * MS));
}

static void
test_give_up_keeps_armed_zero_keys(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_session_derived(&t, tm, T0);
	t.attempts = WG_MAX_TIMER_HANDSHAKES + 1;
	timer_event_data_received(&t, tm, T0);
	timer_event_handshake_initiated(&t, tm, T0, 0);
	assert_int_equal(timer_run(&t, tm, T0 + 5 * S), TIMER_RUN_GIVE_UP);
	assert_true(t.at[TIMER_ZERO_KEYS] == T0 + 540 * S);	/* unchanged */
	assert_true(t.at[TIMER_KEEPALIVE] == MONO_NEVER);
}

static void
test_handshake_complete(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_handshake_initiated(&t, tm, T0, 0);
	assert_int_equal(timer_run(&t, tm, T0 + 5 * S),
	    TIMER_RUN_RETRY_HANDSHAKE);
	timer_event_handshake_initiated(&t, tm, T0 + 5 * S, 0);
	t.sent_last_minute = true;
	timer_event_handshake_complete(&t);
	assert_int_equal(t.attempts, 0);
	assert_false(t.sent_last_minute);
	assert_true(timer_next(&t) == MONO_NEVER);
	assert_int_equal(timer_run(&t, tm, T0 + 60 * S), 0);
}

static void
test_keepalive(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	/* data received: keepalive in 10 s */
	timer_event_data_received(&t, tm, T0);
	assert_true(timer_next(&t) == T0 + 10 * S);
	/* more data while armed: one more keepalive wanted */
	timer_event_data_received(&t, tm, T0 + 3 * S);
	assert_true(timer_next(&t) == T0 + 10 * S);
	assert_int_equal(timer_run(&t, tm, T0 + 10 * S), TIMER_RUN_KEEPALIVE);
	assert_true(timer_next(&t) == T0 + 20 * S);
	assert_int_equal(timer_run(&t, tm, T0 + 20 * S), TIMER_RUN_KEEPALIVE);
	assert_true(timer_next(&t) == MONO_NEVER);
	/* anything authenticated we send cancels it */
	timer_event_data_received(&t, tm, T0 + 30 * S);
	timer_event_authenticated_sent(&t);
	assert_true(timer_next(&t) == MONO_NEVER);
}

static void
test_new_handshake(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_data_sent(&t, tm, T0, 200 * MS);
	assert_true(timer_next(&t) == T0 + 15 * S + 200 * MS);
	/* further data does not push it back */
	timer_event_data_sent(&t, tm, T0 + 4 * S, 0);
	assert_true(timer_next(&t) == T0 + 15 * S + 200 * MS);
	assert_int_equal(timer_run(&t, tm, T0 + 15 * S + 200 * MS),
	    TIMER_RUN_NEW_HANDSHAKE);
	/* an authenticated packet received in time cancels it */
	timer_event_data_sent(&t, tm, T0 + 20 * S, 0);
	timer_event_authenticated_received(&t);
	assert_int_equal(timer_run(&t, tm, T0 + 60 * S), 0);
}

static void
test_zero_keys(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_session_derived(&t, tm, T0);
	assert_true(timer_next(&t) == T0 + 540 * S);
	/* a newer session pushes it */
	timer_event_session_derived(&t, tm, T0 + 100 * S);
	assert_int_equal(timer_run(&t, tm, T0 + 540 * S), 0);
	assert_int_equal(timer_run(&t, tm, T0 + 640 * S), TIMER_RUN_ZERO_KEYS);
}

static void
test_persistent(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_authenticated_traversal(&t, T0);
	assert_true(timer_next(&t) == MONO_NEVER);	/* off by default */
	timer_set_persistent(&t, 25, T0);
	timer_event_authenticated_traversal(&t, T0 + S);
	assert_true(timer_next(&t) == T0 + 26 * S);
	/* every traversal pushes it */
	timer_event_authenticated_traversal(&t, T0 + 10 * S);
	assert_int_equal(timer_run(&t, tm, T0 + 26 * S), 0);
	assert_int_equal(timer_run(&t, tm, T0 + 35 * S), TIMER_RUN_KEEPALIVE);
	timer_event_authenticated_traversal(&t, T0 + 35 * S);
	timer_set_persistent(&t, 0, T0 + 36 * S);
	assert_true(timer_next(&t) == MONO_NEVER);
	/* timer_stop keeps the interval, drops the deadlines */
	timer_set_persistent(&t, 5, T0);
	timer_event_authenticated_traversal(&t, T0);
	timer_stop(&t);
	assert_true(timer_next(&t) == MONO_NEVER);
	assert_int_equal(t.persistent_interval, 5);
}

static void
test_next_is_earliest(void **state)
{
	struct timer_state t;

	(void)state;
	timer_init(&t);
	timer_event_session_derived(&t, tm, T0);
	timer_event_data_sent(&t, tm, T0, 0);
	timer_event_data_received(&t, tm, T0);
	timer_event_handshake_initiated(&t, tm, T0, 0);
	assert_true(timer_next(&t) == T0 + 5 * S);
	/* several due at once fire together */
	assert_int_equal(timer_run(&t, tm, T0 + 15 * S),
	    TIMER_RUN_RETRY_HANDSHAKE | TIMER_RUN_KEEPALIVE |
	    TIMER_RUN_NEW_HANDSHAKE);
	assert_true(timer_next(&t) == T0 + 540 * S);
}

/* A deadline past the end of time is never, not a wrapped early one. */
static void
test_deadline_saturates(void **state)
{
	struct timer_state t;
	monotime_t late = MONO_NEVER - S;

	(void)state;
	timer_init(&t);
	timer_event_data_received(&t, tm, late);
	timer_event_session_derived(&t, tm, late);
	timer_event_handshake_initiated(&t, tm, late, 333 * MS);
	assert_true(t.at[TIMER_KEEPALIVE] == MONO_NEVER);
	assert_true(t.at[TIMER_ZERO_KEYS] == MONO_NEVER);
	assert_true(timer_next(&t) == MONO_NEVER);
	assert_int_equal(timer_run(&t, tm, late), 0);
	assert_true(mono_add(T0, 5 * S) == T0 + 5 * S);
	assert_true(mono_add(MONO_NEVER, 0) == MONO_NEVER);
	assert_true(mono_add(MONO_NEVER - 1, 1) == MONO_NEVER);
	assert_true(mono_add(late, S + 1) == MONO_NEVER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_retransmit_until_give_up),
		cmocka_unit_test(test_give_up_keeps_armed_zero_keys),
		cmocka_unit_test(test_handshake_complete),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_new_handshake),
		cmocka_unit_test(test_zero_keys),
		cmocka_unit_test(test_persistent),
		cmocka_unit_test(test_next_is_earliest),
		cmocka_unit_test(test_deadline_saturates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
