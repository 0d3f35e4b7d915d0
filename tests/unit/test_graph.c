/*
 * test_graph.c — edge/vanctl/graph.c, the graphs vanctl and vanlab draw:
 * a proxy's view in, the whole dot text out (alive solid, a dead peer
 * dashed and red, VAN pairs on the tunnel, '*' where not JOINed); names
 * with quotes, backslashes and control characters cannot leave their dot
 * string; clusters; the text tables; JSON that is not a graph refused
 * with nothing written; `show graph [--dot]`'s arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/vanctl/graph.h"

/* What graph_dot or graph_text writes for the JSON text in (freed by the
 * caller), and its return code in *rc. */
static char *
draw(const char *in, bool dot, int *rc, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *g = json_loads(in, 0, &jerr);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(g);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	*rc = dot ? graph_dot(f, g, err, errlen) : graph_text(f, g, err, errlen);
	fclose(f);
	json_decref(g);
	return out;
}

static const char proxy_view[] =
    "{\"view\": \"proxy\", \"self\": \"proxy a\","
    " \"nodes\": ["
    "  {\"id\": \"proxy a\", \"kind\": \"proxy\", \"name\": \"a\", \"state\": \"self\","
    "   \"role\": \"active\", \"vans\": [{\"id\": 100, \"name\": \"blue\"}]},"
    "  {\"id\": \"peer b\", \"kind\": \"peer\", \"name\": \"b\", \"state\": \"alive\","
    "   \"endpoint\": \"10.76.0.12:51820\", \"handshake_age_s\": 3, \"hello_age_ms\": 120},"
    "  {\"id\": \"peer c\", \"kind\": \"peer\", \"name\": \"c\", \"state\": \"dead\","
    "   \"endpoint\": null, \"handshake_age_s\": null, \"hello_age_ms\": 4100},"
    "  {\"id\": \"10.77.1.11:4797\", \"kind\": \"member\", \"state\": \"alive\","
    "   \"hello_age_ms\": 80}"
    " ],"
    " \"edges\": ["
    "  {\"kind\": \"tunnel\", \"from\": \"proxy a\", \"to\": \"peer b\", \"state\": \"alive\","
    "   \"vans\": [{\"local\": 100, \"name\": \"blue\", \"remote\": 300, \"joined\": true},"
    "    {\"local\": 200, \"name\": \"red\", \"remote\": 100, \"joined\": false}]},"
    "  {\"kind\": \"tunnel\", \"from\": \"proxy a\", \"to\": \"peer c\", \"state\": \"dead\","
    "   \"vans\": [{\"local\": 100, \"name\": \"blue\", \"remote\": 200, \"joined\": false}]},"
    "  {\"kind\": \"member\", \"from\": \"proxy a\", \"to\": \"10.77.1.11:4797\","
    "   \"state\": \"alive\", \"vans\": [{\"id\": 100, \"name\": \"blue\"}]}"
    " ]}";

static void
test_dot_proxy(void **state)
{
	static const char want[] =
	    "graph \"proxy a\" {\n"
	    "  node [fontsize=10];\n"
	    "  edge [fontsize=9];\n"
	    "  \"proxy a\" [label=\"proxy a\\nactive\", shape=box3d, style=bold];\n"
	    "  \"peer b\" [label=\"peer b\\n10.76.0.12:51820\\nhandshake 3 s ago\\n"
	    "HELLO 120 ms ago\", shape=box, style=solid, color=darkgreen];\n"
	    "  \"peer c\" [label=\"peer c\\ndead\\nno handshake\\nHELLO 4100 ms ago\","
	    " shape=box, style=dashed, color=red, fontcolor=red];\n"
	    "  \"10.77.1.11:4797\" [label=\"10.77.1.11:4797\\nHELLO 80 ms ago\","
	    " shape=ellipse, style=solid, color=darkgreen];\n"
	    "  \"proxy a\" -- \"peer b\" [label=\"blue 100<->300\\nred 200<->100*\","
	    " style=solid, color=darkgreen, penwidth=2];\n"
	    "  \"proxy a\" -- \"peer c\" [label=\"dead\\nblue 100<->200*\","
	    " style=dashed, color=red, fontcolor=red, penwidth=2];\n"
	    "  \"proxy a\" -- \"10.77.1.11:4797\" [label=\"blue 100\","
	    " style=solid, color=darkgreen];\n"
	    "}\n";
	char err[128];
	char *out;
	int rc;

	(void)state;
	out = draw(proxy_view, true, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
	free(out);
}

/* A name ends its dot string only where the renderer ends it. */
static void
test_dot_escaping(void **state)
{
	static const char in[] =
	    "{\"nodes\": [{\"id\": \"a\\\"b\\\\c\\nd\\u0001e\", \"state\": \"unknown\"}],"
	    " \"edges\": [{\"from\": \"x\\\"]; evil [\", \"to\": \"y\", \"state\": \"alive\","
	    "  \"vans\": [{\"id\": 7, \"name\": \"bl\\\"ue\"}]}],"
	    " \"title\": \"t\\\\\"}";
	char err[128];
	char *out;
	int rc;

	(void)state;
	out = draw(in, true, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "graph \"t\\\\\" {\n"));
	assert_non_null(strstr(out, "  \"a\\\"b\\\\c\\nd?e\" [label=\"a\\\"b\\\\c\\nd?e"
	    "\\nunknown\", shape=ellipse, style=dashed, color=gray50, fontcolor=gray30];\n"));
	assert_non_null(strstr(out, "  \"x\\\"]; evil [\" -- \"y\" [label=\"bl\\\"ue 7\""));
	/* No raw newline or control character inside any line but its end. */
	assert_null(strchr(out, '\001'));
	free(out);
}

static void
test_dot_clusters(void **state)
{
	static const char in[] =
	    "{\"title\": \"federation vl\", \"nodes\": ["
	    " {\"id\": \"a-gw\", \"kind\": \"proxy\", \"cluster\": \"site a\", \"state\": \"alive\"},"
	    " {\"id\": \"b-gw\", \"kind\": \"proxy\", \"cluster\": \"site b\", \"state\": \"down\","
	    "  \"note\": \"no answer\"},"
	    " {\"id\": \"h1\", \"kind\": \"edge\", \"cluster\": \"site a\", \"state\": \"alive\"}],"
	    " \"edges\": [{\"kind\": \"tunnel\", \"from\": \"a-gw\", \"to\": \"b-gw\","
	    "  \"state\": \"dead\", \"vans\": []}]}";
	static const char want[] =
	    "graph \"federation vl\" {\n"
	    "  node [fontsize=10];\n"
	    "  edge [fontsize=9];\n"
	    "  subgraph cluster_0 {\n"
	    "    label=\"site a\";\n"
	    "    \"a-gw\" [label=\"a-gw\", shape=box3d, style=solid, color=darkgreen];\n"
	    "    \"h1\" [label=\"h1\", shape=ellipse, style=solid, color=darkgreen];\n"
	    "  }\n"
	    "  subgraph cluster_1 {\n"
	    "    label=\"site b\";\n"
	    "    \"b-gw\" [label=\"b-gw\\ndown\\nno answer\", shape=box3d, style=dashed,"
	    " color=gray50, fontcolor=gray30];\n"
	    "  }\n"
	    "  \"a-gw\" -- \"b-gw\" [label=\"dead\", style=dashed, color=red,"
	    " fontcolor=red, penwidth=2];\n"
	    "}\n";
	char err[128];
	char *out;
	int rc;

	(void)state;
	out = draw(in, true, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
	free(out);
}

static void
test_text(void **state)
{
	char err[128];
	char *out;
	int rc;

	(void)state;
	out = draw(proxy_view, false, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "graph proxy a\n\nNODE "));
	assert_non_null(strstr(out, "\npeer c           peer    -     dead   no handshake; "
	    "HELLO 4100 ms ago\n"));
	assert_non_null(strstr(out, "\nFROM     TO               KIND    STATE  VANS\n"));
	assert_non_null(strstr(out, "\nproxy a  peer b           tunnel  alive  "
	    "blue 100<->300, red 200<->100*\n"));
	assert_non_null(strstr(out, "\nproxy a  peer c           tunnel  dead   "
	    "blue 100<->200*\n"));
	free(out);
}

static void
test_not_a_graph(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"nodes\": []}",
		"{\"nodes\": {}, \"edges\": []}",
		"{\"nodes\": [{\"name\": \"x\"}], \"edges\": []}",
		"{\"nodes\": [], \"edges\": [{\"from\": \"x\"}]}",
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out;
		int rc;

		err[0] = '\0';
		out = draw(bad[i], i % 2 == 0, &rc, err, sizeof(err));
		assert_int_equal(rc, -1);
		assert_string_equal(out, "");
		assert_non_null(strstr(err, "not a graph"));
		free(out);
	}
}

static void
test_args(void **state)
{
	static const struct {
		const char	*words[5];
		bool		ok, dot;
		int		argc;	/* after */
	} t[] = {
		{ { "show", "graph" }, true, false, 2 },
		{ { "show", "graph", "--dot" }, true, true, 2 },
		{ { "show", "graph", "bogus" }, false, false, 3 },
		{ { "show", "graph", "--dot", "bogus" }, false, true, 3 },
		{ { "show", "graph", "--dot", "--dot" }, false, true, 3 },
		{ { "show", "peers", "--dot" }, true, false, 3 },
		{ { "reload" }, true, false, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *argv[5] = { NULL };
		int argc = 0;
		bool dot = !t[i].dot;

		while (argc < 5 && t[i].words[argc] != NULL) {
			argv[argc] = (char *)(uintptr_t)t[i].words[argc];
			argc++;
		}
		assert_int_equal(graph_args(&argc, argv, &dot), t[i].ok);
		assert_int_equal(dot, t[i].dot);
		assert_int_equal(argc, t[i].argc);
		if (t[i].ok && t[i].dot)
			assert_string_equal(argv[1], "graph");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dot_proxy),
		cmocka_unit_test(test_dot_escaping),
		cmocka_unit_test(test_dot_clusters),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_not_a_graph),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
