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
 * key, a key that is not the inventory's; of tunnels that heal (a
 * triangle, two tree tunnels and a standby): IDs and ends that disagree,
 * an ID twice, a standby on one side, covers that differ, an end on the
 * wrong side, an unknown tunnel, a VAN that a failover splits or loops.
 * Messages are asserted by their
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

/* ------------------------------------------------ tunnels that heal --- */

/*
 * The triangle of tunnels that heal: tree tunnels a-b (1) and b-c (2),
 * a-c standing by for both (a is end 0 of each on its side, c end 1),
 * blue over all three.  With every tunnel up the standby peer carries
 * nothing: no loop.
 */
static const char heal_a[] =
    "peers = (\n"
    "  { name = \"b\";\n"
    "    public_key = \"" PT_KEY_B "\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    vans = ( { local = 100; remote = 200; } );\n"
    "    tunnel = { id = 1; end = 0; };\n"
    "  },\n"
    "  { name = \"c\";\n"
    "    public_key = \"" PT_KEY_C "\";\n"
    "    endpoint = \"198.51.100.3:51820\";\n"
    "    vans = ( { local = 100; remote = 300; } );\n"
    "    standby = ( { tunnel = 1; end = 0; }, { tunnel = 2; end = 0; } );\n"
    "  }\n"
    ");\n";
static const char heal_b[] =
    "peers = (\n"
    "  { name = \"a\";\n"
    "    public_key = \"" PT_KEY_A "\";\n"
    "    endpoint = \"198.51.100.1:51820\";\n"
    "    vans = ( { local = 200; remote = 100; } );\n"
    "    tunnel = { id = 1; end = 1; };\n"
    "  },\n"
    "  { name = \"c\";\n"
    "    public_key = \"" PT_KEY_C "\";\n"
    "    endpoint = \"198.51.100.3:51820\";\n"
    "    vans = ( { local = 200; remote = 300; } );\n"
    "    tunnel = { id = 2; end = 0; };\n"
    "  }\n"
    ");\n";
static const char heal_c[] =
    "peers = (\n"
    "  { name = \"a\";\n"
    "    public_key = \"" PT_KEY_A "\";\n"
    "    endpoint = \"198.51.100.1:51820\";\n"
    "    vans = ( { local = 300; remote = 100; } );\n"
    "    standby = ( { tunnel = 1; end = 1; }, { tunnel = 2; end = 1; } );\n"
    "  },\n"
    "  { name = \"b\";\n"
    "    public_key = \"" PT_KEY_B "\";\n"
    "    endpoint = \"198.51.100.2:51820\";\n"
    "    vans = ( { local = 300; remote = 200; } );\n"
    "    tunnel = { id = 2; end = 1; };\n"
    "  }\n"
    ");\n";
/* The inventory of the triangle: blue's own sites are a, b and c. */
static const char heal_inventory[] =
    "constraints = { redundancy = 1; };\n"
    "sites = (\n"
    "  { name = \"a\"; endpoint = \"198.51.100.1\"; public_key = \"" PT_KEY_A "\"; },\n"
    "  { name = \"b\"; endpoint = \"198.51.100.2\"; public_key = \"" PT_KEY_B "\"; },\n"
    "  { name = \"c\"; endpoint = \"198.51.100.3\"; public_key = \"" PT_KEY_C "\"; }\n"
    ");\n"
    "vans = ( { name = \"blue\"; ids = ( { site = \"a\"; id = 100; },\n"
    "  { site = \"b\"; id = 200; }, { site = \"c\"; id = 300; } ); } );\n";

static int
heal_setup(void **state)
{
	setup(state);
	pt_write(pt_dir, "a/peering.conf", heal_a);
	pt_write(pt_dir, "b/peering.conf", heal_b);
	pt_write(pt_dir, "c/peering.conf", heal_c);
	return 0;
}

/* A fault (among others, maybe) at name's line of needle, with word. */
static void
assert_has(const struct verdict *v, const char *name, const char *text,
    const char *needle, const char *word)
{
	char want[PT_PATH_MAX + 16], path[PT_PATH_MAX];
	const char *at;

	pt_path(path, pt_dir, name);
	snprintf(want, sizeof(want), "%s:%d: ", path, pt_line(text, needle));
	if (v->faults < 1 || (at = strstr(v->err, want)) == NULL ||
	    strstr(at, word) == NULL)
		fail_msg("%d faults, none at '%s...%s':\n%s", v->faults, want, word,
		    v->err);
	assert_null(strstr(v->out, "consistent"));
}

static void
lint_heal_inv(struct verdict *v)
{
	static const char *const files[] = { "a", "b", "c" };

	lint(v, heal_inventory, files, 3);
}

static void
test_heal_consistent(void **state)
{
	struct verdict v;

	(void)state;
	lint_all(&v);
	if (v.faults != 0)
		fail_msg("%s", v.err);
	assert_non_null(strstr(v.out, "2 tunnels and 1 standby"));
	lint_heal_inv(&v);
	if (v.faults != 0)
		fail_msg("%s", v.err);
}

/* b calls tunnel a-b 3, a calls it 1. */
static void
test_heal_id_differs(void **state)
{
	char b[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "b/peering.conf", variant(b, heal_b,
	    "tunnel = { id = 1; end = 1; }", "tunnel = { id = 3; end = 1; }"));
	lint_all(&v);
	assert_has(&v, "a/peering.conf", heal_a, "{ name = \"b\"", "one ID");
}

/* Both ends of a-b say they are end 0. */
static void
test_heal_same_end(void **state)
{
	char b[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "b/peering.conf", variant(b, heal_b,
	    "tunnel = { id = 1; end = 1; }", "tunnel = { id = 1; end = 0; }"));
	lint_all(&v);
	assert_fault(&v, "a/peering.conf", heal_a, "{ name = \"b\"", "both ends");
}

/* a says a-b is tunnel 1, b says nothing of it. */
static void
test_heal_one_side(void **state)
{
	char b[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "b/peering.conf", variant(b, heal_b,
	    "    tunnel = { id = 1; end = 1; };\n", ""));
	lint_all(&v);
	assert_has(&v, "a/peering.conf", heal_a, "{ name = \"b\"", "one side only");
}

/* d-e, apart from the triangle, is tunnel 1 too. */
static void
test_heal_id_twice(void **state)
{
#define PT_KEY_D	"BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ="
#define PT_KEY_E	"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU="
	static const char d[] =
	    "peers = (\n"
	    "  { name = \"e\"; public_key = \"" PT_KEY_E "\";\n"
	    "    vans = ( { local = 7; remote = 8; } );\n"
	    "    tunnel = { id = 1; end = 0; };\n"
	    "  }\n"
	    ");\n";
	static const char e[] =
	    "peers = (\n"
	    "  { name = \"d\"; public_key = \"" PT_KEY_D "\";\n"
	    "    vans = ( { local = 8; remote = 7; } );\n"
	    "    tunnel = { id = 1; end = 1; };\n"
	    "  }\n"
	    ");\n";
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "d/peering.conf", d);
	pt_write(pt_dir, "e/peering.conf", e);
	lint_all(&v);
	assert_has(&v, "d/peering.conf", d, "{ name = \"e\"", "unique");
}

/* c lists a as a tree peer with blue: a standby on a's side only (and a
 * loop of the tree, now that a-c carries blue for good). */
static void
test_heal_standby_one_side(void **state)
{
	char c[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "c/peering.conf", variant(c, heal_c,
	    "    standby = ( { tunnel = 1; end = 1; }, { tunnel = 2; end = 1; } );\n",
	    ""));
	lint_all(&v);
	assert_has(&v, "a/peering.conf", heal_a, "{ name = \"c\"", "one side only");
}

/* c's standby peer a covers tunnel 1 only; a's covers 1 and 2. */
static void
test_heal_covers_differ(void **state)
{
	char c[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "c/peering.conf", variant(c, heal_c,
	    "{ tunnel = 1; end = 1; }, { tunnel = 2; end = 1; }",
	    "{ tunnel = 1; end = 1; }"));
	lint_all(&v);
	assert_fault(&v, "a/peering.conf", heal_a, "standby = (", "not in");
}

/* a says the end of b-c on its side is c (end 1): it is b. */
static void
test_heal_wrong_side(void **state)
{
	char a[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "a/peering.conf", variant(a, heal_a,
	    "{ tunnel = 2; end = 0; }", "{ tunnel = 2; end = 1; }"));
	lint_all(&v);
	assert_fault(&v, "a/peering.conf", heal_a, "standby = (", "our side");
}

/* Both sides of a-c cover a tunnel 9 that no tree peer is. */
static void
test_heal_unknown_tunnel(void **state)
{
	char a[2048], c[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "a/peering.conf", variant(a, heal_a,
	    "{ tunnel = 2; end = 0; }", "{ tunnel = 2; end = 0; },\n"
	    "                { tunnel = 9; end = 0; }"));
	pt_write(pt_dir, "c/peering.conf", variant(c, heal_c,
	    "{ tunnel = 2; end = 1; }", "{ tunnel = 2; end = 1; },\n"
	    "                { tunnel = 9; end = 1; }"));
	lint_all(&v);
	assert_int_equal(v.faults, 2);
	assert_has(&v, "a/peering.conf", a, "{ tunnel = 9;", "no tree tunnel");
	assert_has(&v, "c/peering.conf", c, "{ tunnel = 9;", "no tree tunnel");
}

/* a-c carries no VAN: when either tree tunnel fails, blue comes apart
 * (seen with the inventory, which says a, b and c are blue's own). */
static void
test_heal_apart(void **state)
{
	char a[2048], c[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "a/peering.conf", variant(a, heal_a,
	    "vans = ( { local = 100; remote = 300; } );", "vans = ( );"));
	pt_write(pt_dir, "c/peering.conf", variant(c, heal_c,
	    "vans = ( { local = 300; remote = 100; } );", "vans = ( );"));
	lint_heal_inv(&v);
	assert_int_equal(v.faults, 2);
	assert_non_null(strstr(v.err, "when tunnel 1 (a-b) fails and its standby "
	    "is up, it no longer reaches"));
	assert_non_null(strstr(v.err, "when tunnel 2 (b-c) fails"));
	/* Without it, lint cannot tell a VAN's own sites from transit ones. */
	lint_all(&v);
	assert_int_equal(v.faults, 0);
}

/*
 * A standby that does not cross the cut: d hangs off c by tree tunnel 3,
 * and a-c claims to cover it too.  With c-d down and a-c up, blue's
 * a - b - c - a is a loop (and a-c's ends are on no side of tunnel 3).
 */
static void
test_heal_loop(void **state)
{
#define PT_KEY_D	"BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ="
	static const char d[] =
	    "peers = (\n"
	    "  { name = \"c\"; public_key = \"" PT_KEY_C "\";\n"
	    "    vans = ( { local = 400; remote = 300; } );\n"
	    "    tunnel = { id = 3; end = 1; };\n"
	    "  }\n"
	    ");\n";
	char a[2048], c[2048], c2[2048];
	struct verdict v;

	(void)state;
	pt_write(pt_dir, "d/peering.conf", d);
	pt_write(pt_dir, "a/peering.conf", variant(a, heal_a,
	    "{ tunnel = 2; end = 0; }", "{ tunnel = 2; end = 0; }, "
	    "{ tunnel = 3; end = 0; }"));
	variant(c, heal_c, "{ tunnel = 2; end = 1; }", "{ tunnel = 2; end = 1; }, "
	    "{ tunnel = 3; end = 1; }");
	pt_write(pt_dir, "c/peering.conf", variant(c2, c, "  }\n);\n", "  },\n"
	    "  { name = \"d\"; public_key = \"" PT_KEY_D "\";\n"
	    "    vans = ( { local = 300; remote = 400; } );\n"
	    "    tunnel = { id = 3; end = 0; };\n"
	    "  }\n);\n"));
	lint_all(&v);
	if (strstr(v.err, "when tunnel 3 (c-d) fails, the tunnel to") == NULL ||
	    strstr(v.err, "closes a loop") == NULL)
		fail_msg("no loop when tunnel 3 fails:\n%s", v.err);
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
		cmocka_unit_test_setup_teardown(test_heal_consistent, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_id_differs, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_same_end, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_one_side, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_id_twice, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_standby_one_side, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_covers_differ, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_wrong_side, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_unknown_tunnel, heal_setup,
		    pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_apart, heal_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_heal_loop, heal_setup, pt_teardown),
	};

	return cmocka_run_group_tests_name("planlint", tests, NULL, NULL);
}
