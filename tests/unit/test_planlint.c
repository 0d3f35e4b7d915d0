/*
 * test_planlint.c — `vanplan lint` through its entry point, planlint_run
 * (federation/plan/planlint.h), on peering files written to a scratch
 * directory: three sites in a chain a - b - c, each with its peering.conf
 * and vans.conf as vanplan writes them.  The consistent set passes (0
 * faults, the verdict on out, nothing on err), given as the directory of
 * site directories or as the files; each planted fault is found, one
 * fault, as "FILE:LINE:" of the culprit's line with a word of its reason:
 * a peer that does not list us back, a VAN pair exported on one side
 * only, pairs that are not inverses, two sites that disagree on a third's
 * key, a key that is not the inventory's.  Messages are asserted by their
 * place and a keyword, not their wording (docs/vanplan.md has that).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "federation/plan/planlint.h"
#include "tests/unit/plantest.h"

/* No site's key (the bytes 1 to 32). */
#define PT_KEY_X	"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

/* The consistent set: blue is 100 at a, 200 at b, 300 at c. */
static const char peering_a[] =
    "peers = (\n"
    "  { name = \"b\";\n"
    "    public_key = \"" PT_KEY_B "\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    vans = ( { local = 100; remote = 200; } );\n"
    "  }\n"
    ");\n";
static const char peering_b[] =
    "peers = (\n"
    "  { name = \"a\";\n"
    "    public_key = \"" PT_KEY_A "\";\n"
    "    endpoint = \"198.51.100.1:51820\";\n"
    "    vans = ( { local = 200; remote = 100; } );\n"
    "  },\n"
    "  { name = \"c\";\n"
    "    public_key = \"" PT_KEY_C "\";\n"
    "    endpoint = \"198.51.100.3:51820\";\n"
    "    vans = ( { local = 200; remote = 300; } );\n"
    "  }\n"
    ");\n";
static const char peering_c[] =
    "peers = (\n"
    "  { name = \"b\";\n"
    "    public_key = \"" PT_KEY_B "\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    vans = ( { local = 300; remote = 200; } );\n"
    "  }\n"
    ");\n";

static const char inventory[] =
    "sites = (\n"
    "  { name = \"a\"; endpoint = \"198.51.100.1\"; public_key = \"" PT_KEY_A "\"; },\n"
    "  { name = \"b\"; endpoint = \"198.51.100.2\"; public_key = \"" PT_KEY_B "\"; },\n"
    "  { name = \"c\"; endpoint = \"198.51.100.3\"; public_key = \"" PT_KEY_C "\"; }\n"
    ");\n";

/* The consistent set, in a directory of its own. */
static int
setup(void **state)
{
	pt_setup(state);
	pt_write(pt_dir, "a/peering.conf", peering_a);
	pt_write(pt_dir, "a/vans.conf", "vans = ( { id = 100; name = \"blue\"; } );\n");
	pt_write(pt_dir, "b/peering.conf", peering_b);
	pt_write(pt_dir, "b/vans.conf", "vans = ( { id = 200; name = \"blue\"; } );\n");
	pt_write(pt_dir, "c/peering.conf", peering_c);
	pt_write(pt_dir, "c/vans.conf", "vans = ( { id = 300; name = \"blue\"; } );\n");
	return 0;
}

/* text with its one `was` replaced by `now`, into out (a fault to plant). */
static const char *
variant(char out[static 2048], const char *text, const char *was, const char *now)
{
	const char *at = strstr(text, was);

	assert_non_null(at);
	assert_null(strstr(at + 1, was));
	assert_true(snprintf(out, 2048, "%.*s%s%s", (int)(at - text), text, now,
	    at + strlen(was)) < 2048);
	return out;
}

struct verdict {
	int		faults;
	char		out[8192];
	char		err[8192];
};

/* Lint the paths under dir (NULL: dir itself), with an inventory text or none. */
static void
lint(struct verdict *v, const char *inv_text, const char *const *names, int n)
{
	char paths[4][PT_PATH_MAX], err[SETTING_ERR_MAX];
	const char *p[4];
	struct planconf *inv = NULL;
	FILE *out, *errf;
	int i;

	assert_true(n <= 4);
	for (i = 0; i < n; i++) {
		if (names[i] != NULL)
			pt_path(paths[i], pt_dir, names[i]);
		else
			snprintf(paths[i], sizeof(paths[i]), "%s", pt_dir);
		p[i] = paths[i];
	}
	if (inv_text != NULL) {
		char path[PT_PATH_MAX];

		pt_write(pt_dir, "inv.conf", inv_text);
		pt_path(path, pt_dir, "inv.conf");
		if ((inv = planconf_load(path, err)) == NULL)
			fail_msg("%s", err);
	}
	memset(v, 0, sizeof(*v));
	assert_non_null(out = fmemopen(v->out, sizeof(v->out) - 1, "w"));
	assert_non_null(errf = fmemopen(v->err, sizeof(v->err) - 1, "w"));
	v->faults = planlint_run(inv, p, n, out, errf);
	fclose(out);
	fclose(errf);
	planconf_free(inv);
}

static void
lint_all(struct verdict *v)
{
	static const char *const all[] = { NULL };	/* a directory of sites */

	lint(v, NULL, all, 1);
}

/* One fault, at name's line of needle in text, with word in it. */
static void
assert_fault(const struct verdict *v, const char *name, const char *text,
    const char *needle, const char *word)
{
	char want[PT_PATH_MAX + 16], path[PT_PATH_MAX];
	const char *at;

	pt_path(path, pt_dir, name);
	snprintf(want, sizeof(want), "%s:%d: ", path, pt_line(text, needle));
	if (v->faults != 1 || (at = strstr(v->err, want)) == NULL ||
	    strstr(at, word) == NULL)
		fail_msg("%d faults, not one at '%s...%s':\n%s", v->faults, want, word,
		    v->err);
	assert_null(strstr(v->out, "consistent"));
}

static void
test_consistent(void **state)
{
	static const char *const files[] = { "a/peering.conf", "b/peering.conf",
	    "c/peering.conf" };
	struct verdict v;

	(void)state;
	lint_all(&v);
	if (v.faults != 0)
		fail_msg("%s", v.err);
	assert_non_null(strstr(v.out, "consistent"));
	assert_string_equal(v.err, "");
	/* The same given file by file, and against its inventory. */
	lint(&v, NULL, files, 3);
	assert_int_equal(v.faults, 0);
	lint(&v, inventory, files, 3);
	if (v.faults != 0)
		fail_msg("%s", v.err);
	assert_non_null(strstr(v.out, "consistent"));
}

/* c lists b, b does not list c: the tunnel is one-sided. */
static void
test_missing_peer(void **state)
{
	char b[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "b/peering.conf", variant(b, peering_b, "  },\n"
	    "  { name = \"c\";\n"
	    "    public_key = \"" PT_KEY_C "\";\n"
	    "    endpoint = \"198.51.100.3:51820\";\n"
	    "    vans = ( { local = 200; remote = 300; } );\n", ""));
	lint_all(&v);
	assert_fault(&v, "c/peering.conf", peering_c, "{ name = \"b\"", "one-sided");
}

/* a maps blue to b's 200, but b has no pair for its 200 toward a. */
static void
test_pair_one_side(void **state)
{
	char b[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "b/peering.conf", variant(b, peering_b,
	    "vans = ( { local = 200; remote = 100; } );", "vans = ( );"));
	lint_all(&v);
	assert_fault(&v, "a/peering.conf", peering_a, "{ local = 100; remote = 200; }",
	    "one side");
}

/* b maps its 200 to a's 100, and a its 100 to b's 201: not inverses. */
static void
test_pair_not_inverse(void **state)
{
	char buf[2048];
	const char *a_other = variant(buf, peering_a, "{ local = 100; remote = 200; }",
	    "{ local = 100; remote = 201; },\n             { local = 101; remote = 200; }");
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "a/peering.conf", a_other);
	pt_write(pt_dir, "a/vans.conf", "vans = ( { id = 100; name = \"blue\"; },\n"
	    "  { id = 101; name = \"red\"; } );\n");
	lint_all(&v);
	/* a's 100 goes to b's 201, which b does not have: one side ... */
	if (v.faults < 1 || strstr(v.err, "one side") == NULL)
		fail_msg("%s", v.err);
	/* ... and b's 200 comes back as a's 101, not as the 100 it maps. */
	{
		char want[PT_PATH_MAX + 16], path[PT_PATH_MAX];

		pt_path(path, pt_dir, "a/peering.conf");
		snprintf(want, sizeof(want), "%s:%d: ", path,
		    pt_line(a_other, "{ local = 101; remote = 200; }"));
		if (strstr(v.err, want) == NULL || strstr(v.err, "inverse") == NULL)
			fail_msg("no '%s...inverse':\n%s", want, v.err);
	}
}

/* a and c disagree on b's key. */
static void
test_key_mismatch(void **state)
{
	static const char *const files[] = { "a/peering.conf", "b/peering.conf",
	    "c/peering.conf" };
	char buf[2048];
	const char *c_other_key = variant(buf, peering_c, PT_KEY_B, PT_KEY_X);
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "c/peering.conf", c_other_key);
	lint_all(&v);
	assert_fault(&v, "c/peering.conf", c_other_key, "{ name = \"b\"", "key");
	/* Against the inventory, the key is not its own either. */
	lint(&v, inventory, files, 3);
	if (v.faults != 2 || strstr(v.err, "inventory") == NULL)
		fail_msg("%d faults:\n%s", v.faults, v.err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consistent, setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_missing_peer, setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_pair_one_side, setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_pair_not_inverse, setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_key_mismatch, setup, pt_teardown),
	};

	return cmocka_run_group_tests_name("planlint", tests, NULL, NULL);
}
