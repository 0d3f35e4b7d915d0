/*
 * test_planconf.c — vanplan's inventory parser (federation/plan/planconf.c)
 * beside its golden test (tests/golden/plan.sh, which holds the exact
 * messages): a valid inventory gives the right values (sites in order,
 * found by name; keys, inline or from a file beside the inventory;
 * endpoints normalised with the default port; keepalive and max_tunnels,
 * the federation's unless a site's own; transit ranges; link costs from
 * latency and price with their weights; force and forbid; VANs with the
 * IDs of their sites and their pass-through settings); without links
 * every pair that can reach the other is a candidate at default_cost; and
 * each refusal is "FILE:LINE: message" at the culprit's line — of the
 * included file when the culprit is there, of the inventory for the
 * planner's own refusals (planconf_error) — asserted by its prefix and a
 * keyword, not its wording.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/key.h"
#include "federation/plan/planconf.h"
#include "tests/unit/plantest.h"

static const char valid[] =
    "federation = { persistent_keepalive = 25; latency_weight = 2.0; "
    "price_weight = 0.5; };\n"
    "constraints = {\n"
    "  max_tunnels = 2;\n"
    "  force = ( [ \"b\", \"c\" ] );\n"
    "  forbid = ( [ \"a\", \"c\" ] );\n"
    "};\n"
    "sites = (\n"
    "  { name = \"a\"; endpoint = \"198.51.100.1:51821\";\n"
    "    public_key = \"" PT_KEY_A "\";\n"
    "    transit_ids = [ 4000, 4099 ]; },\n"
    "  { name = \"b\"; endpoint = \"198.51.100.2\"; max_tunnels = 1;\n"
    "    public_key_file = \"keys/b.pub\"; },\n"
    "  { name = \"c\"; public_key = \"" PT_KEY_C "\"; persistent_keepalive = 10; }\n"
    ");\n"
    "links = (\n"
    "  { sites = [ \"a\", \"b\" ]; latency = 10; },\n"
    "  { sites = [ \"b\", \"c\" ]; latency = 5; price = 3; },\n"
    "  { sites = [ \"a\", \"c\" ]; price = 40; }\n"
    ");\n"
    "vans = (\n"
    "  { name = \"blue\"; flood_rate = 2000;\n"
    "    ids = ( { site = \"a\"; id = 100; }, { site = \"c\"; id = 300; } ); }\n"
    ");\n";

static struct planconf *
load(const char *name, const char *text, char err[static SETTING_ERR_MAX])
{
	char path[PT_PATH_MAX];

	pt_write(pt_dir, name, text);
	pt_path(path, pt_dir, name);
	return planconf_load(path, err);
}

/* The link of sites x and y (either way), or NULL. */
static const struct plan_link *
link_of(const struct planconf *pc, const char *x, const char *y)
{
	uint32_t a = planconf_site(pc, x), b = planconf_site(pc, y), i;

	for (i = 0; i < pc->in.nlinks; i++)
		if ((pc->in.links[i].a == a && pc->in.links[i].b == b) ||
		    (pc->in.links[i].a == b && pc->in.links[i].b == a))
			return &pc->in.links[i];
	return NULL;
}

static void
assert_key(const struct wg_key *k, const char *b64)
{
	struct wg_key want;

	assert_true(key_from_base64(&want, b64, strlen(b64)));
	assert_true(key_equal(k, &want));
}

static void
test_valid(void **state)
{
	char err[SETTING_ERR_MAX];
	struct planconf *pc;
	const struct plan_link *l;
	const struct plan_van *v;

	(void)state;
	pt_write(pt_dir, "keys/b.pub", PT_KEY_B "\n");
	pc = load("inv.conf", valid, err);
	if (pc == NULL)
		fail_msg("%s", err);
	assert_int_equal(pc->in.nsites, 3);
	assert_string_equal(pc->in.sites[0].name, "a");
	assert_string_equal(pc->in.sites[1].name, "b");
	assert_string_equal(pc->in.sites[2].name, "c");
	assert_int_equal(planconf_site(pc, "b"), 1);
	assert_int_equal(planconf_site(pc, "c"), 2);
	assert_int_equal(planconf_site(pc, "d"), PLAN_NONE);
	/* Keys, inline and from the file beside the inventory. */
	assert_key(&pc->site[0].public_key, PT_KEY_A);
	assert_key(&pc->site[1].public_key, PT_KEY_B);
	assert_key(&pc->site[2].public_key, PT_KEY_C);
	/* Endpoints as vanproxy will read them; none for c. */
	assert_string_equal(pc->site[0].endpoint, "198.51.100.1:51821");
	assert_string_equal(pc->site[1].endpoint, "198.51.100.2:51820");
	assert_string_equal(pc->site[2].endpoint, "");
	/* The federation's settings, unless the site has its own. */
	assert_int_equal(pc->site[0].keepalive, 25);
	assert_int_equal(pc->site[2].keepalive, 10);
	assert_int_equal(pc->in.sites[0].max_tunnels, 2);
	assert_int_equal(pc->in.sites[1].max_tunnels, 1);
	assert_int_equal(pc->in.sites[0].transit_lo, 4000);
	assert_int_equal(pc->in.sites[0].transit_hi, 4099);
	assert_int_equal(pc->in.sites[1].transit_lo, 0);
	assert_int_equal(pc->site[1].line, pt_line(valid, "{ name = \"b\""));
	/* Costs: latency_weight * latency + price_weight * price. */
	assert_int_equal(pc->in.nlinks, 3);
	assert_non_null(l = link_of(pc, "a", "b"));
	assert_true(l->cost == 20.0);
	assert_int_equal(l->kind, PLAN_LINK_FREE);
	assert_non_null(l = link_of(pc, "b", "c"));
	assert_true(l->cost == 11.5);
	assert_int_equal(l->kind, PLAN_LINK_FORCED);
	assert_non_null(l = link_of(pc, "a", "c"));
	assert_true(l->cost == 20.0);
	assert_int_equal(l->kind, PLAN_LINK_FORBIDDEN);
	/* The VAN, its sites' IDs and what passes through to vans.conf. */
	assert_int_equal(pc->in.nvans, 1);
	v = &pc->in.vans[0];
	assert_string_equal(v->name, "blue");
	assert_int_equal(v->nmembers, 2);
	assert_int_equal(v->members[0].site, 0);
	assert_int_equal(v->members[0].id, 100);
	assert_int_equal(v->members[1].site, 2);
	assert_int_equal(v->members[1].id, 300);
	assert_int_equal(pc->van[0].flood_rate, 2000);
	assert_int_equal(pc->van[0].fdb_max, 0);
	assert_int_equal(pc->in.redundancy, 0);
	planconf_free(pc);
}

/* Without `links`: each pair that one of them can reach, at default_cost. */
static void
test_complete(void **state)
{
	static const char text[] =
	    "federation = { default_cost = 3; };\n"
	    "sites = (\n"
	    "  { name = \"a\"; endpoint = \"198.51.100.1\"; public_key = \"" PT_KEY_A "\"; },\n"
	    "  { name = \"b\"; public_key = \"" PT_KEY_B "\"; },\n"
	    "  { name = \"c\"; public_key = \"" PT_KEY_C "\"; }\n"
	    ");\n";
	char err[SETTING_ERR_MAX];
	struct planconf *pc;

	(void)state;
	if ((pc = load("complete.conf", text, err)) == NULL)
		fail_msg("%s", err);
	/* b and c have no endpoint: no tunnel between them can come up. */
	assert_int_equal(pc->in.nlinks, 2);
	assert_non_null(link_of(pc, "a", "b"));
	assert_non_null(link_of(pc, "a", "c"));
	assert_null(link_of(pc, "b", "c"));
	assert_true(link_of(pc, "a", "b")->cost == 3.0);
	assert_int_equal(pc->in.nvans, 0);
	planconf_free(pc);
}

/*
 * Each refusal: NULL, and "FILE:LINE: ..." with the line that needle
 * stands on in text (0: "FILE: ...") and the word in the message.
 */
static void
check_refused(const char *text, const char *needle, const char *word)
{
	char err[SETTING_ERR_MAX], want[PT_PATH_MAX + 32], path[PT_PATH_MAX];
	struct planconf *pc;

	pc = load("bad.conf", text, err);
	if (pc != NULL) {
		planconf_free(pc);
		fail_msg("taken: %s", text);
	}
	pt_path(path, pt_dir, "bad.conf");
	if (needle != NULL)
		snprintf(want, sizeof(want), "%s:%d: ", path, pt_line(text, needle));
	else
		snprintf(want, sizeof(want), "%s: ", path);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, word) == NULL)
		fail_msg("'%s': not '%s...%s...'", err, want, word);
}

#define SITE_A	"  { name = \"a\"; endpoint = \"198.51.100.1\";\n" \
		"    public_key = \"" PT_KEY_A "\"; }"
#define SITE_B	"  { name = \"b\"; endpoint = \"198.51.100.2\";\n" \
		"    public_key = \"" PT_KEY_B "\"; }"

static void
test_refusals(void **state)
{
	(void)state;
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\ncolour = 1;\n",
	    "colour", "colour");
	check_refused("sites = (\n" SITE_A ",\n"
	    "  { name = \"a\"; public_key = \"" PT_KEY_B "\"; }\n);\n",
	    "{ name = \"a\"; public_key", "already");
	check_refused("sites = (\n" SITE_A ",\n"
	    "  { name = \"b\"; public_key = \"" PT_KEY_A "\"; }\n);\n",
	    "{ name = \"b\"", "key");
	check_refused("sites = (\n" SITE_A ",\n"
	    "  { name = \"b\";\n    public_key = \"not a key\"; }\n);\n",
	    "not a key", "public_key");
	check_refused("sites = (\n"
	    "  { name = \"a\";\n    endpoint = \"198.51.100.1:70000\";\n"
	    "    public_key = \"" PT_KEY_A "\"; }\n);\n", "endpoint", "port");
	check_refused("sites = (\n" SITE_A ",\n"
	    "  { name = \"../b\"; public_key = \"" PT_KEY_B "\"; }\n);\n",
	    "../b", "name");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "links = (\n  { sites = [ \"a\", \"d\" ]; latency = 1; }\n);\n",
	    "\"d\"", "unknown site");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "links = (\n  { sites = [ \"a\", \"b\" ]; latency = 1; },\n"
	    "  { sites = [ \"b\", \"a\" ]; latency = 2; }\n);\n",
	    "[ \"b\", \"a\" ]", "already");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "links = (\n  { sites = [ \"a\", \"b\" ]; }\n);\n",
	    "[ \"a\", \"b\" ]", "latency");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "vans = (\n  { name = \"blue\"; ids = ( { site = \"a\"; id = 1; },\n"
	    "    { site = \"a\"; id = 2; } ); }\n);\n",
	    "{ site = \"a\"; id = 2; }", "already");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "vans = (\n  { name = \"blue\";\n    ids = ( { site = \"x\"; id = 1; } ); }\n);\n",
	    "{ site = \"x\"", "unknown site");
	check_refused("sites = (\n"
	    "  { name = \"a\"; public_key = \"" PT_KEY_A "\";\n"
	    "    transit_ids = [ 10, 5 ]; }\n);\n", "transit_ids", "transit_ids");
	check_refused("constraints = { redundancy = 2; };\nsites = (\n" SITE_A "\n);\n",
	    "redundancy", "redundancy");
	check_refused("sites = (\n" SITE_A ",\n" SITE_B "\n);\n"
	    "constraints = {\n  force = ( [ \"a\", \"c\" ] );\n};\n",
	    "[ \"a\", \"c\" ]", "unknown site");
	check_refused("federation = { };\n", NULL, "sites");
	/* libconfig's own: the line of the syntax error. */
	check_refused("sites = (\n" SITE_A "\n  oops\n);\n", "oops", "syntax");
}

/* A culprit in an included file is named by that file and its line. */
static void
test_included(void **state)
{
	static const char sites[] =
	    "sites = (\n" SITE_A ",\n"
	    "  { name = \"b\";\n    public_key = \"short\"; }\n);\n";
	char err[SETTING_ERR_MAX], want[PT_PATH_MAX + 32], path[PT_PATH_MAX];

	(void)state;
	pt_write(pt_dir, "sub/sites.conf", sites);
	assert_null(load("top.conf", "# top\n@include \"sub/sites.conf\"\n", err));
	pt_path(path, pt_dir, "sub/sites.conf");
	snprintf(want, sizeof(want), "%s:%d: ", path, pt_line(sites, "\"short\""));
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, "public_key") == NULL)
		fail_msg("'%s': not '%s...'", err, want);
	/* A key file that is not there: the setting's line, and the path. */
	pt_write(pt_dir, "sub/sites.conf", "sites = (\n  { name = \"a\";\n"
	    "    public_key_file = \"none.pub\"; }\n);\n");
	assert_null(load("top.conf", "@include \"sub/sites.conf\"\n", err));
	snprintf(want, sizeof(want), "%s:3: ", path);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, "none.pub") == NULL)
		fail_msg("'%s': not '%s...none.pub'", err, want);
	/* No file at all. */
	pt_path(path, pt_dir, "absent.conf");
	assert_null(planconf_load(path, err));
	assert_true(strncmp(err, path, strlen(path)) == 0);
}

/* The planner's refusals point into the inventory too (planconf_error). */
static void
test_planner_error(void **state)
{
	static const char text[] =
	    "sites = (\n" SITE_A ",\n" SITE_B ",\n"
	    "  { name = \"c\"; endpoint = \"198.51.100.3\"; public_key = \"" PT_KEY_C "\"; }\n"
	    ");\n"
	    "links = (\n  { sites = [ \"a\", \"b\" ]; latency = 1; }\n);\n";
	char err[SETTING_ERR_MAX], want[PT_PATH_MAX + 32], path[PT_PATH_MAX];
	struct plan_result r;
	struct plan_err e;
	struct planconf *pc;

	(void)state;
	if ((pc = load("apart.conf", text, err)) == NULL)
		fail_msg("%s", err);
	assert_false(plan_run(&pc->in, &r, &e));
	planconf_error(pc, &e, err);
	pt_path(path, pt_dir, "apart.conf");
	/* c cannot be joined: its line. */
	snprintf(want, sizeof(want), "%s:%d: ", path, pt_line(text, "{ name = \"c\""));
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, "'c'") == NULL)
		fail_msg("'%s': not '%s...'c'...'", err, want);
	planconf_free(pc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_complete, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_included, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_planner_error, pt_setup, pt_teardown),
	};

	return cmocka_run_group_tests_name("planconf", tests, NULL, NULL);
}
