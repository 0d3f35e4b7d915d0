/*
 * plantest.h — what the unit tests of federation/plan/ share (test_planconf,
 * test_planlint, test_planout): a scratch directory of their own (mkdtemp)
 * with files written into it and removed after, the line of a text that a
 * piece of it stands on (so that a test says which line a message must
 * name without counting), and three sites' public keys (those of
 * etc/plan/three-sites.conf).  Header-only, as wgtest.h; include it after
 * <cmocka.h>.  pt_setup and pt_teardown give each test its pt_dir.
 */
#ifndef TESTS_UNIT_PLANTEST_H
#define TESTS_UNIT_PLANTEST_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PT_PATH_MAX	512

#define PT_KEY_A	"ZWWtg1iwb5XIL9u1CwsafzjZk7oE8geAScXGi9Gx6W4="
#define PT_KEY_B	"MmwBOuUEVrh+sHvVeuUl0nNRK7qJndeZB1heqHH6ATI="
#define PT_KEY_C	"n9e6rYLreh6AVN4CGW0Mqpje5ism9BTE9/411iVqTlk="

/* A new empty directory under $TMPDIR (or /tmp), into dir. */
static inline void
pt_mkdir(char dir[static PT_PATH_MAX])
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, PT_PATH_MAX, "%s/vanplan-unit.XXXXXX", t != NULL ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* dir/name into out. */
static inline void
pt_path(char out[static PT_PATH_MAX], const char *dir, const char *name)
{
	assert_true(snprintf(out, PT_PATH_MAX, "%s/%s", dir, name) < PT_PATH_MAX);
}

/* Write text to dir/name, making the directories name has in it. */
static inline void
pt_write(const char *dir, const char *name, const char *text)
{
	char path[PT_PATH_MAX], *slash;
	FILE *f;

	pt_path(path, dir, name);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(path, 0700);
		*slash = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The whole of dir/name, NUL-terminated, in a buffer of cap bytes. */
static inline void
pt_read(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[PT_PATH_MAX];
	size_t n;
	FILE *f;

	pt_path(path, dir, name);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, cap - 1, f);
	assert_true(n < cap - 1);
	buf[n] = '\0';
	fclose(f);
}

/* The line (from 1) of text that the first needle starts on. */
static inline int
pt_line(const char *text, const char *needle)
{
	const char *at = strstr(text, needle), *p;
	int line = 1;

	assert_non_null(at);
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static inline int
pt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove dir and all it holds. */
static inline void
pt_rmtree(const char *dir)
{
	assert_int_equal(nftw(dir, pt_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* The scratch directory of the test running, made by pt_setup. */
static char pt_dir[PT_PATH_MAX];

/* cmocka's setup and teardown: a new pt_dir for each test, removed after. */
static inline int
pt_setup(void **state)
{
	(void)state;
	pt_mkdir(pt_dir);
	return 0;
}

static inline int
pt_teardown(void **state)
{
	(void)state;
	pt_rmtree(pt_dir);
	return 0;
}

#endif /* TESTS_UNIT_PLANTEST_H */
