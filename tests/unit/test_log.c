/*
 * test_log.c — the level names of edge/rim/log.c, which the configuration
 * (log_level) and `vanctl log-level` share: each name parses to its level
 * and back, "warn" is "warning", anything else is refused and leaves the
 * output alone; the -d floor holds whatever log_set_level asks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "edge/rim/log.h"

static void
test_names(void **state)
{
	static const struct {
		const char	*in;
		bool		ok;
		enum log_level	lvl;
		const char	*out;
	} t[] = {
		{ "error", true, LOG_LVL_ERR, "error" },
		{ "warning", true, LOG_LVL_WARN, "warning" },
		{ "warn", true, LOG_LVL_WARN, "warning" },
		{ "info", true, LOG_LVL_INFO, "info" },
		{ "debug", true, LOG_LVL_DEBUG, "debug" },
		{ "bogus", false, 0, NULL },
		{ "", false, 0, NULL },
		{ "Debug", false, 0, NULL },
		{ "debug ", false, 0, NULL },
		{ "war", false, 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum log_level lvl = (enum log_level)99;

		assert_int_equal(log_level_parse(t[i].in, &lvl), t[i].ok);
		if (!t[i].ok) {
			assert_int_equal(lvl, 99);
			continue;
		}
		assert_int_equal(lvl, t[i].lvl);
		assert_string_equal(log_level_str(lvl), t[i].out);
	}
}

static void
test_floor(void **state)
{
	(void)state;
	log_set_level(LOG_LVL_WARN);
	assert_int_equal(log_get_level(), LOG_LVL_WARN);
	assert_false(log_below_floor(LOG_LVL_ERR));
	log_set_floor(LOG_LVL_DEBUG);
	assert_int_equal(log_get_level(), LOG_LVL_DEBUG);
	assert_true(log_below_floor(LOG_LVL_INFO));
	assert_false(log_below_floor(LOG_LVL_DEBUG));
	log_set_level(LOG_LVL_ERR);
	assert_int_equal(log_get_level(), LOG_LVL_DEBUG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
