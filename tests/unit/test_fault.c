/*
 * test_fault.c — vanlab's faults (federation/lab/fault.c): netem's words
 * parsed and refused, each fault's share over many frames, delays within
 * delay ± jitter, reordered frames sent at once, and the delay line's
 * order (due time, then arrival).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "federation/lab/fault.h"

static bool
parse(struct fault *f, const char *words, char *err)
{
	char buf[256], *argv[16], *w;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (w = strtok(buf, " "); w != NULL && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	return fault_parse(f, argc, argv, err, 128);
}

static void
test_parse(void **state)
{
	struct fault f;
	char err[128], s[FAULT_STR_MAX];

	(void)state;
	assert_true(parse(&f, "delay 20ms 10ms loss 5% duplicate 1% reorder 25%", err));
	assert_int_equal(f.delay_us, 20000);
	assert_int_equal(f.jitter_us, 10000);
	assert_int_equal(f.loss_ppm, 50000);
	assert_int_equal(f.dup_ppm, 10000);
	assert_int_equal(f.reorder_ppm, 250000);
	fault_str(&f, s);
	assert_string_equal(s, "delay 20ms 10ms loss 5% duplicate 1% reorder 25%");
	assert_true(parse(&f, "loss 0.5 delay 1s", err));
	assert_int_equal(f.loss_ppm, 5000);
	assert_int_equal(f.delay_us, 1000000);
	assert_int_equal(f.jitter_us, 0);
	assert_true(parse(&f, "delay 500us 100us", err));
	assert_int_equal(f.jitter_us, 100);
	/* Refused, each with a reason. */
	static const char *const bad[] = { "", "drop 5%", "loss", "loss 101%", "loss -1",
	    "loss 5% loss 6%", "delay 11s", "delay 10ms 20ms", "reorder 25%",
	    "delay 20ms loss 5%x", "delay fast" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_false(parse(&f, bad[i], err));
		assert_true(err[0] != '\0');
	}
}

static void
test_fate(void **state)
{
	struct fault f;
	struct fault_rng r = { 42 };
	char err[128];
	unsigned i, k, lost = 0, dup = 0, now = 0, copies = 0;
	const unsigned n = 200000;

	(void)state;
	assert_true(parse(&f, "delay 20ms 10ms loss 5% duplicate 1% reorder 25%", err));
	for (i = 0; i < n; i++) {
		uint32_t d[2];
		unsigned c = fault_fate(&f, &r, d);

		assert_true(c <= 2);
		lost += c == 0;
		dup += c == 2;
		for (k = 0; k < c; k++) {
			copies++;
			if (d[k] == 0)
				now++;
			else
				assert_true(d[k] >= 10000 && d[k] <= 30000);
		}
	}
	/* Within a few standard deviations of the shares asked for. */
	assert_true(lost > n * 45 / 1000 && lost < n * 55 / 1000);
	assert_true(dup > (n - lost) * 8 / 1000 && dup < (n - lost) * 12 / 1000);
	assert_true(now > copies * 24 / 100 && now < copies * 26 / 100);
	/* No fault: every frame once, at once. */
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 1000; i++) {
		uint32_t d[2];

		assert_int_equal(fault_fate(&f, &r, d), 1);
		assert_int_equal(d[0], 0);
	}
}

static struct fault_queue q;

static void
test_queue(void **state)
{
	struct fault_item it, out;
	static const int64_t due[] = { 50, 10, 30, 10, 40, 20 };
	int64_t last = -1;
	uint64_t last_seq = 0;
	unsigned i;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_int_equal(fault_queue_next(&q), -1);
	for (i = 0; i < 6; i++) {
		memset(&it, 0, sizeof(it));
		it.due_ns = due[i];
		it.seq = i + 1;
		assert_true(fault_queue_push(&q, &it));
	}
	assert_int_equal(fault_queue_next(&q), 10);
	assert_false(fault_queue_pop_due(&q, 9, &out));
	for (i = 0; i < 6; i++) {
		assert_true(fault_queue_pop_due(&q, 100, &out));
		assert_true(out.due_ns > last || (out.due_ns == last && out.seq > last_seq));
		last = out.due_ns;
		last_seq = out.seq;
	}
	assert_false(fault_queue_pop_due(&q, 100, &out));
	/* Full: refused, as the switch then drops and counts. */
	for (i = 0; i < FAULT_QUEUE_MAX; i++)
		assert_true(fault_queue_push(&q, &it));
	assert_false(fault_queue_push(&q, &it));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fate),
		cmocka_unit_test(test_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
