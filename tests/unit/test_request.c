/*
 * test_request.c — the control socket's request lines: request_split
 * (edge/van/request.h) takes words of UTF-8 between spaces, tabs and
 * carriage returns and refuses control bytes, bytes that are not UTF-8
 * (truncated, overlong, surrogates, above U+10FFFF), too many words, an
 * empty or too long line; ctl_answer (edge/rim/ctl.h) answers each line
 * with one line of JSON, the handler's result or the reason of the
 * refusal, counted.  Before, a word that was not UTF-8 reached the
 * handler, whose error quoting it could not be put in JSON: the answer
 * was "out of memory" (found by fuzz_ctl).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "edge/rim/ctl.h"
#include "edge/van/request.h"

static int
split(const char *text, char *argv[static REQUEST_ARGS_MAX + 1], const char **err)
{
	static char line[REQUEST_LINE_MAX + 2];

	snprintf(line, sizeof(line), "%s", text);
	return request_split(line, strlen(line), argv, err);
}

static void
test_words(void **state)
{
	char *argv[REQUEST_ARGS_MAX + 1];
	const char *err;

	(void)state;
	assert_int_equal(split("show fdb 100", argv, &err), 3);
	assert_string_equal(argv[0], "show");
	assert_string_equal(argv[2], "100");
	assert_null(argv[3]);
	assert_int_equal(split(" \tshow\r  vans ", argv, &err), 2);
	assert_string_equal(argv[1], "vans");
	/* UTF-8 of two, three and four bytes is a word like any. */
	assert_int_equal(split("show fdb bl\xc3\xa9u \xe2\x82\xac \xf0\x9f\x90\x99", argv,
	    &err), 5);
	assert_string_equal(argv[2], "bl\xc3\xa9u");
	assert_string_equal(argv[4], "\xf0\x9f\x90\x99");
}

static void
test_refused(void **state)
{
	static const char *const not_utf8[] = {
		"show fdb \xff",		/* no such byte */
		"show fdb \x80",		/* a continuation alone */
		"show fdb \xc3",		/* truncated at the end */
		"show fdb \xc3 x",		/* ... and before a space */
		"show \xe2\x82 x",		/* three bytes, two given */
		"show \xc0\xaf",		/* overlong "/" */
		"show \xe0\x80\xaf",		/* overlong, three bytes */
		"show \xed\xa0\x80",		/* a surrogate */
		"show \xf4\x90\x80\x80",	/* above U+10FFFF */
	};
	char *argv[REQUEST_ARGS_MAX + 1], many[256] = "", line[REQUEST_LINE_MAX + 2];
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(not_utf8) / sizeof(not_utf8[0]); i++) {
		err = NULL;
		assert_int_equal(split(not_utf8[i], argv, &err), -1);
		assert_string_equal(err, "request is not UTF-8");
	}
	assert_int_equal(split("show\x01vans", argv, &err), -1);
	assert_string_equal(err, "request contains a control character");
	assert_int_equal(split("  \t", argv, &err), -1);
	assert_string_equal(err, "empty request");
	for (i = 0; i <= REQUEST_ARGS_MAX; i++)
		strcat(many, "w ");
	assert_int_equal(split(many, argv, &err), -1);
	assert_string_equal(err, "too many words in the request");
	memset(line, 'x', sizeof(line));
	assert_int_equal(request_split(line, REQUEST_LINE_MAX + 1, argv, &err), -1);
	assert_string_equal(err, "request too long");
}

/* A handler that answers every request with an error quoting its first word. */
static json_t *
echo(void *arg, int argc, char **argv, char *err, size_t errlen)
{
	(void)arg;
	(void)argc;
	snprintf(err, errlen, "unknown request '%s'", argv[0]);
	return NULL;
}

static json_t *
answer(const char *text, struct ctl_stats *st)
{
	char line[64], *s;
	json_t *doc;

	snprintf(line, sizeof(line), "%s", text);
	assert_non_null(s = ctl_answer(echo, NULL, st, line, strlen(line)));
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_null(memchr(s, '\n', strlen(s) - 1));
	assert_non_null(doc = json_loads(s, 0, NULL));
	free(s);
	assert_true(json_is_false(json_object_get(doc, "ok")));
	return doc;
}

static void
test_answer(void **state)
{
	struct ctl_stats st = { 0 };
	json_t *doc;

	(void)state;
	doc = answer("bl\xc3\xa9u", &st);
	assert_string_equal(json_string_value(json_object_get(doc, "error")),
	    "unknown request 'bl\xc3\xa9u'");
	json_decref(doc);
	doc = answer("show fdb \xff\xfe", &st);
	assert_string_equal(json_string_value(json_object_get(doc, "error")),
	    "request is not UTF-8");
	json_decref(doc);
	doc = answer("\xff", &st);
	assert_string_equal(json_string_value(json_object_get(doc, "error")),
	    "request is not UTF-8");
	json_decref(doc);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.errors, 3);
	assert_int_equal(st.rejected, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_answer),
	};

	return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
