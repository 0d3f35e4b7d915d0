/*
 * test_metrics.c — edge/rim/metrics.c's exposition text, without a socket:
 * a JSON object made here and a table made here give exactly the expected
 * text (HELP and TYPE once per family, labels from arrays and objects by
 * name, constant labels, label values escaped — backslash, quote, newline —
 * and HELP text escaped, milliseconds as seconds, booleans as 1 and 0, a
 * null without a sample, a string as a label, a count, an info metric); a
 * number no row covers is found by metrics_unmapped.
 *
 * And the daemons' tables against the real show output: a bridge (edge
 * mode, and proxy mode) with a VAN, a port, members and a drop, its show
 * stats, show members and show vans — every number of it has a metric in
 * vanedge's and in vanproxy's tables, so a counter added to show.c without
 * a row in edge/rim/metricdefs.c fails here.  (The daemons' own objects,
 * "daemon", "tunnel", "ports", "peers", need a running daemon: the netns
 * scenario 77-metrics.sh checks vanfed_metrics_unmapped_fields is 0.)
 *
 * METRICS_DOC=1 prints the list of every metric as docs/operations.md has
 * it (a Markdown table), from the tables themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/rim/metrics.h"
#include "edge/rim/show.h"
#include "edge/vanedge/metricdefs.h"
#include "proxy/metricdefs.h"

static const struct metric_def test_defs[] = {
	{ .name = "info", .type = METRIC_GAUGE, .path = "info", .info = true,
	  .help = "Build \\ info\nsecond line." },
	{ .name = "frames_total", .type = METRIC_COUNTER,
	  .path = "vans[name=van].in", .labels = "dir=\"rx\"", .help = "Frames." },
	{ .name = "frames_total", .type = METRIC_COUNTER,
	  .path = "vans[name=van].out", .labels = "dir=\"tx\"" },
	{ .name = "drops_total", .type = METRIC_COUNTER, .path = "drops{reason}",
	  .help = "Drops." },
	{ .name = "age_seconds", .type = METRIC_GAUGE, .path = "members[address=member].age_ms",
	  .div = 1000, .help = "Age." },
	{ .name = "up", .type = METRIC_GAUGE, .path = "members[address=member].up",
	  .help = "Up." },
	{ .name = "state", .type = METRIC_GAUGE, .path = "members[address=member].state",
	  .value_label = "state", .help = "State." },
	{ .name = "alive", .type = METRIC_GAUGE, .path = "members", .count = "state=alive",
	  .help = "Alive." },
	{ .path = "vans[name=van].id", .help = "an ID" },
	{ .path = NULL },
};

static const struct metric_table test_tables[] = {
	{ "t_", test_defs },
	{ NULL, NULL },
};

static json_t *
test_json(void)
{
	json_error_t e;
	json_t *j = json_loads(
	    "{\"info\": {\"version\": \"1.0\", \"epoch\": \"00ff\"},"
	    " \"vans\": [{\"name\": \"blue\", \"id\": 100, \"in\": 5, \"out\": 7},"
	    "            {\"name\": \"re\\\\d\\\"x\\ny\", \"id\": 200, \"in\": 0, \"out\": 1}],"
	    " \"drops\": {\"spoofed-src\": 3, \"short\": 1},"
	    " \"members\": [{\"address\": \"10.0.0.2:4797\", \"age_ms\": 1234, \"up\": true,"
	    "                \"state\": \"alive\"},"
	    "               {\"address\": \"10.0.0.3:4797\", \"age_ms\": null, \"up\": false,"
	    "                \"state\": \"dead\"},"
	    "               {\"address\": \"10.0.0.4:4797\", \"age_ms\": 5, \"up\": true,"
	    "                \"state\": \"alive\"}]}", 0, &e);

	assert_non_null(j);
	return j;
}

static void
test_text(void **state)
{
	static const char want[] =
	    "# HELP vanfed_t_info Build \\\\ info\\nsecond line.\n"
	    "# TYPE vanfed_t_info gauge\n"
	    "vanfed_t_info{version=\"1.0\",epoch=\"00ff\"} 1\n"
	    "# HELP vanfed_t_frames_total Frames.\n"
	    "# TYPE vanfed_t_frames_total counter\n"
	    "vanfed_t_frames_total{van=\"blue\",dir=\"rx\"} 5\n"
	    "vanfed_t_frames_total{van=\"re\\\\d\\\"x\\ny\",dir=\"rx\"} 0\n"
	    "vanfed_t_frames_total{van=\"blue\",dir=\"tx\"} 7\n"
	    "vanfed_t_frames_total{van=\"re\\\\d\\\"x\\ny\",dir=\"tx\"} 1\n"
	    "# HELP vanfed_t_drops_total Drops.\n"
	    "# TYPE vanfed_t_drops_total counter\n"
	    "vanfed_t_drops_total{reason=\"spoofed-src\"} 3\n"
	    "vanfed_t_drops_total{reason=\"short\"} 1\n"
	    "# HELP vanfed_t_age_seconds Age.\n"
	    "# TYPE vanfed_t_age_seconds gauge\n"
	    "vanfed_t_age_seconds{member=\"10.0.0.2:4797\"} 1.234\n"
	    "vanfed_t_age_seconds{member=\"10.0.0.4:4797\"} 0.005\n"
	    "# HELP vanfed_t_up Up.\n"
	    "# TYPE vanfed_t_up gauge\n"
	    "vanfed_t_up{member=\"10.0.0.2:4797\"} 1\n"
	    "vanfed_t_up{member=\"10.0.0.3:4797\"} 0\n"
	    "vanfed_t_up{member=\"10.0.0.4:4797\"} 1\n"
	    "# HELP vanfed_t_state State.\n"
	    "# TYPE vanfed_t_state gauge\n"
	    "vanfed_t_state{member=\"10.0.0.2:4797\",state=\"alive\"} 1\n"
	    "vanfed_t_state{member=\"10.0.0.3:4797\",state=\"dead\"} 1\n"
	    "vanfed_t_state{member=\"10.0.0.4:4797\",state=\"alive\"} 1\n"
	    "# HELP vanfed_t_alive Alive.\n"
	    "# TYPE vanfed_t_alive gauge\n"
	    "vanfed_t_alive 2\n";
	json_t *j = test_json();
	size_t len;
	char *text;

	(void)state;
	assert_non_null(text = metrics_text(test_tables, j, &len));
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(metrics_unmapped(test_tables, j, NULL, NULL), 0);
	free(text);
	json_decref(j);
}

static void
test_escape(void **state)
{
	char out[16];

	(void)state;
	assert_true(metrics_escape("a\\b\"c\nd", out, sizeof(out)));
	assert_string_equal(out, "a\\\\b\\\"c\\nd");
	assert_true(metrics_escape("", out, sizeof(out)));
	assert_string_equal(out, "");
	/* Cut at a whole escape, never half of one. */
	assert_false(metrics_escape("abcdefghijklmn\"", out, sizeof(out)));
	assert_string_equal(out, "abcdefghijklmn");
}

static void
collect(const char *path, void *arg)
{
	char *buf = arg;

	strcat(buf, path);
	strcat(buf, " ");
}

static void
test_unmapped(void **state)
{
	json_t *j = test_json();
	char found[256] = "";

	(void)state;
	json_object_set_new(json_array_get(json_object_get(j, "vans"), 0), "new_counter",
	    json_integer(1));
	json_object_set_new(j, "flag", json_true());
	json_object_set_new(j, "name", json_string("strings are not metrics"));
	assert_int_equal(metrics_unmapped(test_tables, j, collect, found), 2);
	assert_string_equal(found, "vans[].new_counter flag ");
	json_decref(j);
}

/* ------------------------------------------------ the daemons' tables --- */

static void
report(const char *path, void *arg)
{
	(void)arg;
	print_message("no metric for show field %s\n", path);
}

static void
discard(struct bridge_out *o, void *arg)
{
	(void)arg;
	o->n = 0;
	o->arena_used = 0;
}

/* A bridge's show output, as the daemons put it into a scrape's JSON. */
static json_t *
bridge_json(bool proxy)
{
	struct bridge_conf c = { .proxy = proxy, .fdb_max = 1024, .hello_ms = 1000,
	    .dead_count = 3, .epoch = 42 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct van_addr m0, m1;
	struct bridge_out out;
	struct bridge *b;
	const char *err;
	json_t *j;
	uint8_t junk[4] = { 0 };

	memset(c.hashkey, 7, sizeof(c.hashkey));
	assert_true(addr_parse("10.0.0.1", 4797, &c.self, &err));
	assert_non_null(b = bridge_new(&c));
	bridge_out_init(&out, discard, NULL);
	assert_int_equal(bridge_van_add(b, 100, "blue", &err), 0);
	if (!proxy)
		assert_true(bridge_port_add(b, &out, 0, mac, 0, MONO_SEC(1), &err) >= 0);
	assert_true(addr_parse("10.0.0.2", 4797, &m0, &err));
	assert_true(addr_parse("10.0.0.3", 4797, &m1, &err));
	assert_true(bridge_member_add(b, &out, &m0, MONO_SEC(1), &err) >= 0);
	assert_true(bridge_member_add(b, &out, &m1, MONO_SEC(1), &err) >= 0);
	/* A short message: a drop, so that every drops object has a reason. */
	(void)bridge_input_member(b, &out, 0, &c.self, junk, sizeof(junk), MONO_SEC(2));
	discard(&out, NULL);
	j = json_pack("{s:o, s:o, s:o}", "stats", show_stats(b, NULL, NULL),
	    "members", show_members(b, NULL, NULL, MONO_SEC(3)), "vans", show_vans(b));
	json_object_set_new(json_object_get(j, "stats"), "control",
	    json_pack("{s:i, s:i, s:i}", "requests", 1, "errors", 0, "rejected", 0));
	bridge_free(b);
	return j;
}

static void
test_edge_table(void **state)
{
	json_t *j = bridge_json(false);
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(metrics_unmapped(edge_metric_tables, j, report, NULL), 0);
	assert_non_null(text = metrics_text(edge_metric_tables, j, &len));
	assert_non_null(strstr(text, "\nvanfed_edge_frames_total{van=\"blue\",dir=\"rx\"} 0\n"));
	assert_non_null(strstr(text, "\nvanfed_edge_members_alive 0\n"));
	assert_non_null(strstr(text, "reason=\"short\"} 1\n"));
	free(text);
	json_decref(j);
}

static void
test_proxy_table(void **state)
{
	json_t *j = bridge_json(true);

	(void)state;
	assert_non_null(json_object_get(json_array_get(json_object_get(json_object_get(j,
	    "stats"), "vans"), 0), "relayed"));
	assert_int_equal(metrics_unmapped(proxy_metric_tables, j, report, NULL), 0);
	json_decref(j);
}

/* A table's families, for docs/operations.md: name, type, labels, help. */
static void
doc_table(const struct metric_table *t, const char *prefix)
{
	size_t i;

	for (i = 0; t->defs[i].path != NULL; i++) {
		const struct metric_def *d = &t->defs[i];
		char labels[256] = "";
		const char *p;

		if (d->name == NULL || d->help == NULL)
			continue;	/* not exported, or a family's later row */
		for (p = d->path; (p = strpbrk(p, "[{")) != NULL; p++) {
			const char *l = *p == '[' ? strchr(p, '=') + 1 : p + 1;
			size_t n = strcspn(l, "]}");

			snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels),
			    "%s%.*s", labels[0] ? ", " : "", (int)n, l);
		}
		if (d->labels != NULL)
			snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels),
			    "%s%.*s", labels[0] ? ", " : "", (int)strcspn(d->labels, "="),
			    d->labels);
		if (d->value_label != NULL)
			snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels),
			    "%s%s", labels[0] ? ", " : "", d->value_label);
		if (d->info)
			snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels),
			    "%s", t->defs == proxy_metric_defs ? "version, epoch, site" :
			    "version, epoch");
		printf("| `" METRICS_PREFIX "%s%s` | %s | %s | %s |\n", prefix, d->name,
		    d->type == METRIC_COUNTER ? "counter" : "gauge", labels, d->help);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_unmapped),
		cmocka_unit_test(test_edge_table),
		cmocka_unit_test(test_proxy_table),
	};

	if (getenv("METRICS_DOC") != NULL) {
		printf("| metric | type | labels | meaning |\n| --- | --- | --- | --- |\n");
		doc_table(&edge_metric_tables[0], edge_metric_tables[0].prefix);
		doc_table(&proxy_metric_tables[0], proxy_metric_tables[0].prefix);
		doc_table(&edge_metric_tables[1], "{edge,proxy}_");
		doc_table(&edge_metric_tables[2], edge_metric_tables[2].prefix);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
