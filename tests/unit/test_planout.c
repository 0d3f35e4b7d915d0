/*
 * test_planout.c — what vanplan writes (federation/plan/planout.c), read
 * back as vanproxy reads it, with libconfig: for a chain a - b - c whose
 * VAN red has no ID at b (b carries it in transit), each site's
 * peering.conf lists its tree neighbours in the inventory's order, with
 * their keys and endpoints, its own keepalive, and VAN pairs that are the IDs of
 * both sides — inverse on the two sides of a tunnel, b's transit ID from
 * its range and the same toward both neighbours; vans.conf declares every
 * VAN the site carries; with redundancy, the same files carry every
 * failover (tree peers' `tunnel`, standby peers and their covered
 * tunnels' ends, union maps), and timers without redundancy are refused;
 * the JSON summary parses and counts the same tunnels.  The
 * golden test (tests/golden/plan.sh) holds the files byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>
#include <libconfig.h>

#include "federation/plan/planout.h"
#include "tests/unit/plantest.h"

static const char chain_head[] = "federation = { persistent_keepalive = 25; };\n";
static const char chain[] =
    "sites = (\n"
    "  { name = \"a\"; endpoint = \"198.51.100.1\"; public_key = \"" PT_KEY_A "\"; },\n"
    "  { name = \"b\"; endpoint = \"198.51.100.2:4000\"; public_key = \"" PT_KEY_B "\";\n"
    "    transit_ids = [ 4000, 4099 ]; persistent_keepalive = 15; },\n"
    "  { name = \"c\"; public_key = \"" PT_KEY_C "\"; }\n"
    ");\n"
    "links = (\n"
    "  { sites = [ \"a\", \"b\" ]; latency = 10; },\n"
    "  { sites = [ \"b\", \"c\" ]; latency = 12; },\n"
    "  { sites = [ \"a\", \"c\" ]; latency = 30; }\n"
    ");\n"
    "vans = (\n"
    "  { name = \"blue\"; ids = ( { site = \"a\"; id = 100; },\n"
    "    { site = \"b\"; id = 200; }, { site = \"c\"; id = 300; } ); },\n"
    "  { name = \"red\";\n"
    "    ids = ( { site = \"a\"; id = 200; }, { site = \"c\"; id = 100; } ); }\n"
    ");\n";

/* Plan the chain (with the constraints given) and write it to dir/out. */
static void
plan_and_write(const char *constraints, struct json_t **summary)
{
	char text[4096], path[PT_PATH_MAX], out[PT_PATH_MAX], err[SETTING_ERR_MAX];
	struct plan_result r;
	struct plan_err e;
	struct planconf *pc;

	snprintf(text, sizeof(text), "%s%s%s", chain_head, constraints, chain);
	pt_write(pt_dir, "inv.conf", text);
	pt_path(path, pt_dir, "inv.conf");
	if ((pc = planconf_load(path, err)) == NULL)
		fail_msg("%s", err);
	if (!plan_run(&pc->in, &r, &e)) {
		planconf_error(pc, &e, err);
		fail_msg("%s", err);
	}
	assert_true(planout_check(pc, &r, err));
	pt_path(out, pt_dir, "out");
	if (planout_write(pc, &r, out, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	if (summary != NULL) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		json_error_t je;

		assert_non_null(f);
		planout_json(f, pc, &r);
		fclose(f);
		*summary = json_loads(buf, 0, &je);
		if (*summary == NULL)
			fail_msg("JSON summary: %s", je.text);
		free(buf);
	}
	plan_result_free(&r);
	planconf_free(pc);
}

/* A written file, read by libconfig. */
static void
read_conf(config_t *cfg, const char *name)
{
	char path[PT_PATH_MAX], rel[PT_PATH_MAX];

	snprintf(rel, sizeof(rel), "out/%s", name);
	pt_path(path, pt_dir, rel);
	config_init(cfg);
	if (config_read_file(cfg, path) != CONFIG_TRUE)
		fail_msg("%s:%d: %s", path, config_error_line(cfg), config_error_text(cfg));
}

static bool
exists(const char *name)
{
	char path[PT_PATH_MAX], rel[PT_PATH_MAX];
	struct stat st;

	snprintf(rel, sizeof(rel), "out/%s", name);
	pt_path(path, pt_dir, rel);
	return stat(path, &st) == 0;
}

/* Peer i of a peering file: its name, and its remote ID for local (0: none). */
static const char *
peer_name(const config_t *cfg, int i)
{
	const config_setting_t *p = config_setting_get_elem(config_lookup(cfg, "peers"),
	    (unsigned)i);
	const char *name = NULL;

	if (p == NULL || !config_setting_lookup_string(p, "name", &name))
		return NULL;
	return name;
}

static int
remote_of(const config_t *cfg, int i, int local)
{
	const config_setting_t *p = config_setting_get_elem(config_lookup(cfg, "peers"),
	    (unsigned)i);
	const config_setting_t *vans = config_setting_get_member(p, "vans");
	int k, l, rem, found = 0;

	for (k = 0; vans != NULL && k < config_setting_length(vans); k++) {
		const config_setting_t *x = config_setting_get_elem(vans, (unsigned)k);

		assert_true(config_setting_lookup_int(x, "local", &l));
		assert_true(config_setting_lookup_int(x, "remote", &rem));
		if (l == local) {
			assert_int_equal(found, 0);	/* one pair a local ID */
			found = rem;
		}
	}
	return found;
}

static int
npairs(const config_t *cfg, int i)
{
	const config_setting_t *p = config_setting_get_elem(config_lookup(cfg, "peers"),
	    (unsigned)i);

	return config_setting_length(config_setting_get_member(p, "vans"));
}

static int
npeers(const config_t *cfg)
{
	return config_setting_length(config_lookup(cfg, "peers"));
}

/* The VAN IDs vans.conf declares, and their names, in order. */
static void
assert_vans(const char *name, int n, const int *ids, const char *const *names)
{
	config_t cfg;
	const config_setting_t *l;
	int i, id;
	const char *nm;

	read_conf(&cfg, name);
	l = config_lookup(&cfg, "vans");
	assert_non_null(l);
	assert_int_equal(config_setting_length(l), n);
	for (i = 0; i < n; i++) {
		const config_setting_t *v = config_setting_get_elem(l, (unsigned)i);

		assert_true(config_setting_lookup_int(v, "id", &id));
		assert_true(config_setting_lookup_string(v, "name", &nm));
		if (ids[i] != 0)
			assert_int_equal(id, ids[i]);
		assert_string_equal(nm, names[i]);
	}
	config_destroy(&cfg);
}

static void
test_chain(void **state)
{
	config_t a, b, c;
	const char *s;
	int ka, t;
	json_t *sum;

	(void)state;
	plan_and_write("", &sum);
	read_conf(&a, "a/peering.conf");
	read_conf(&b, "b/peering.conf");
	read_conf(&c, "c/peering.conf");
	/* The tree: a - b - c (a-c costs more than both). */
	assert_int_equal(npeers(&a), 1);
	assert_string_equal(peer_name(&a, 0), "b");
	assert_int_equal(npeers(&b), 2);
	assert_string_equal(peer_name(&b, 0), "a");
	assert_string_equal(peer_name(&b, 1), "c");
	assert_int_equal(npeers(&c), 1);
	assert_string_equal(peer_name(&c, 0), "b");
	/* What vanproxy needs of each peer. */
	{
		const config_setting_t *p;

		p = config_setting_get_elem(config_lookup(&a, "peers"), 0);

		assert_true(config_setting_lookup_string(p, "public_key", &s));
		assert_string_equal(s, PT_KEY_B);
		assert_true(config_setting_lookup_string(p, "endpoint", &s));
		assert_string_equal(s, "198.51.100.2:4000");
		assert_true(config_setting_lookup_int(p, "persistent_keepalive", &ka));
		assert_int_equal(ka, 25);
		/* Each site's own keepalive toward its peers (b's is 15). */
		p = config_setting_get_elem(config_lookup(&b, "peers"), 0);
		assert_true(config_setting_lookup_int(p, "persistent_keepalive", &ka));
		assert_int_equal(ka, 15);
		/* c has no endpoint: b's entry for it has none. */
		p = config_setting_get_elem(config_lookup(&b, "peers"), 1);
		assert_false(config_setting_lookup_string(p, "endpoint", &s));
		assert_true(config_setting_lookup_string(p, "public_key", &s));
		assert_string_equal(s, PT_KEY_C);
	}
	/* blue: each side's own ID, inverse pairs. */
	assert_int_equal(remote_of(&a, 0, 100), 200);
	assert_int_equal(remote_of(&b, 0, 200), 100);
	assert_int_equal(remote_of(&b, 1, 200), 300);
	assert_int_equal(remote_of(&c, 0, 300), 200);
	/* red: in transit at b, with one ID of b's range toward both sides. */
	t = remote_of(&a, 0, 200);
	assert_true(t >= 4000 && t <= 4099);
	assert_int_equal(remote_of(&b, 0, t), 200);
	assert_int_equal(remote_of(&b, 1, t), 100);
	assert_int_equal(remote_of(&c, 0, 100), t);
	assert_int_equal(npairs(&a, 0), 2);
	assert_int_equal(npairs(&b, 0), 2);
	assert_int_equal(npairs(&b, 1), 2);
	config_destroy(&a);
	config_destroy(&b);
	config_destroy(&c);
	/* vans.conf: what each proxy carries, the transit VAN too. */
	assert_vans("a/vans.conf", 2, (const int[]){ 100, 200 },
	    (const char *const[]){ "blue", "red" });
	assert_vans("b/vans.conf", 2, (const int[]){ 200, t },
	    (const char *const[]){ "blue", "red" });
	assert_vans("c/vans.conf", 2, (const int[]){ 300, 100 },
	    (const char *const[]){ "blue", "red" });
	/* Without redundancy, no failover files. */
	assert_false(exists("failover"));
	/* The summary says the same. */
	assert_int_equal(json_integer_value(json_object_get(sum, "sites")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum, "tunnels")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum, "vans")), 2);
	json_decref(sum);
}

/* Peer i's `tunnel` member m (id, end, failover_after, failback_after). */
static int
tunnel_of(const config_t *cfg, int i, const char *m)
{
	const config_setting_t *p = config_setting_get_elem(config_lookup(cfg, "peers"),
	    (unsigned)i);
	const config_setting_t *t = config_setting_get_member(p, "tunnel");
	int v = -1;

	if (t == NULL || !config_setting_lookup_int(t, m, &v))
		return -1;
	return v;
}

/* Peer i's `standby` as "TUNNEL/END TUNNEL/END ..." into buf. */
static const char *
standby_of(const config_t *cfg, int i, char *buf, size_t len)
{
	const config_setting_t *p = config_setting_get_elem(config_lookup(cfg, "peers"),
	    (unsigned)i);
	const config_setting_t *l = config_setting_get_member(p, "standby");
	int k, t, e;

	buf[0] = '\0';
	for (k = 0; l != NULL && k < config_setting_length(l); k++) {
		const config_setting_t *x = config_setting_get_elem(l, (unsigned)k);
		size_t n = strlen(buf);

		assert_true(config_setting_lookup_int(x, "tunnel", &t));
		assert_true(config_setting_lookup_int(x, "end", &e));
		snprintf(buf + n, len - n, "%s%d/%d", k ? " " : "", t, e);
	}
	return buf;
}

/*
 * Redundancy 1: the main files carry every failover.  The tree a-b (tunnel
 * 1), b-c (tunnel 2); a-c stands by for both.  Each tree peer has its
 * tunnel's ID, its end (0: the lower site) and the inventory's timers; a
 * and c have each other as a standby peer, with the end of each tunnel on
 * their side of it (a is on b's side of b-c, c on b's side of a-b); the
 * standby peer's pairs are the failover trees' (blue and red direct), and
 * the tree tunnels keep the union of all trees' pairs; no failover/.
 */
static void
test_failover(void **state)
{
	char buf[64];
	config_t cfg;

	(void)state;
	plan_and_write("constraints = { redundancy = 1; failover_after = 2; "
	    "failback_after = 4; };\n", NULL);
	assert_false(exists("failover"));
	read_conf(&cfg, "a/peering.conf");
	assert_int_equal(npeers(&cfg), 2);
	assert_string_equal(peer_name(&cfg, 0), "b");
	assert_int_equal(tunnel_of(&cfg, 0, "id"), 1);
	assert_int_equal(tunnel_of(&cfg, 0, "end"), 0);
	assert_int_equal(tunnel_of(&cfg, 0, "failover_after"), 2);
	assert_int_equal(tunnel_of(&cfg, 0, "failback_after"), 4);
	assert_string_equal(standby_of(&cfg, 0, buf, sizeof(buf)), "");
	assert_int_equal(npairs(&cfg, 0), 2);
	assert_string_equal(peer_name(&cfg, 1), "c");
	assert_int_equal(tunnel_of(&cfg, 1, "id"), -1);
	assert_string_equal(standby_of(&cfg, 1, buf, sizeof(buf)), "1/0 2/0");
	/* Direct: blue and red from a's ID to c's. */
	assert_int_equal(remote_of(&cfg, 1, 100), 300);
	assert_int_equal(remote_of(&cfg, 1, 200), 100);
	assert_int_equal(npairs(&cfg, 1), 2);
	config_destroy(&cfg);
	read_conf(&cfg, "b/peering.conf");
	assert_int_equal(npeers(&cfg), 2);
	assert_int_equal(tunnel_of(&cfg, 0, "id"), 1);
	assert_int_equal(tunnel_of(&cfg, 0, "end"), 1);
	assert_int_equal(tunnel_of(&cfg, 1, "id"), 2);
	assert_int_equal(tunnel_of(&cfg, 1, "end"), 0);
	assert_int_equal(npairs(&cfg, 1), 2);	/* red in transit: the main tree's */
	config_destroy(&cfg);
	read_conf(&cfg, "c/peering.conf");
	assert_int_equal(npeers(&cfg), 2);
	assert_string_equal(peer_name(&cfg, 0), "a");
	assert_string_equal(standby_of(&cfg, 0, buf, sizeof(buf)), "1/1 2/1");
	assert_int_equal(remote_of(&cfg, 0, 300), 100);
	assert_int_equal(remote_of(&cfg, 0, 100), 200);
	assert_string_equal(peer_name(&cfg, 1), "b");
	assert_int_equal(tunnel_of(&cfg, 1, "id"), 2);
	assert_int_equal(tunnel_of(&cfg, 1, "end"), 1);
	config_destroy(&cfg);
}

/* Timers without standby tunnels would be lost: refused at their line. */
static void
test_timers_need_redundancy(void **state)
{
	char text[4096], path[PT_PATH_MAX], err[SETTING_ERR_MAX], want[64];

	(void)state;
	snprintf(text, sizeof(text), "%sconstraints = {\n  redundancy = 0;\n"
	    "  failback_after = 4;\n};\n%s", chain_head, chain);
	pt_write(pt_dir, "inv.conf", text);
	pt_path(path, pt_dir, "inv.conf");
	assert_null(planconf_load(path, err));
	snprintf(want, sizeof(want), "inv.conf:4: failback_after: only with");
	assert_non_null(strstr(err, want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_failover, pt_setup, pt_teardown),
		cmocka_unit_test_setup_teardown(test_timers_need_redundancy, pt_setup,
		    pt_teardown),
	};

	return cmocka_run_group_tests_name("planout", tests, NULL, NULL);
}
