/*
 * graph.c — a federation graph's JSON (docs/operations.md, "Seeing the
 * federation") drawn as a Graphviz graph or as two text tables.  The
 * daemons build the JSON (edge/rim/show.c show_graph, proxy/peer.c
 * peer_graph), vanlab merges the proxies' into one (federation/lab/
 * graph.c); this file only draws, for vanctl and vanlab alike.
 *
 * Pure: JSON in, text out on the caller's FILE; no socket, no clock.
 * Every string of the JSON is a daemon's or a configuration's, so each
 * goes into the dot text through dot_quoted, never as it is.
 */
#include "edge/vanctl/graph.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define GRAPH_LABEL_MAX	2048	/* one label or cell; longer ones are cut */

/* ----------------------------------------------------------- arguments --- */

bool
graph_args(int *argc, char **argv, bool *dot)
{
	int i, n = 2;

	*dot = false;
	if (*argc < 2 || strcmp(argv[0], "show") != 0 || strcmp(argv[1], "graph") != 0)
		return true;
	for (i = 2; i < *argc; i++) {
		if (strcmp(argv[i], "--dot") == 0 && !*dot)
			*dot = true;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
	return n == 2;
}

/* ------------------------------------------------------------- strings --- */

/* Append to buf (NUL-terminated, capacity len), cutting what does not fit. */
static void	add(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static void
add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/*
 * s as a dot string: quoted, '"' and '\' escaped, a newline as dot's line
 * break, any other control character as '?' (a name cannot end the string
 * or start an escape of dot's).
 */
static void
dot_quoted(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fputc('?', f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ------------------------------------------------------------- content --- */

/* A node's or edge's look: by its state, or bold for the daemon itself. */
static const char *
state_attrs(const char *state)
{
	if (strcmp(state, "self") == 0)
		return "style=bold";
	if (strcmp(state, "alive") == 0)
		return "style=solid, color=darkgreen";
	if (strcmp(state, "dead") == 0)
		return "style=dashed, color=red, fontcolor=red";
	return "style=dashed, color=gray50, fontcolor=gray30";
}

static bool
alive_or_self(const char *state)
{
	return strcmp(state, "alive") == 0 || strcmp(state, "self") == 0;
}

/*
 * An edge's VANs, sep between them: a tunnel's pairs "blue 100<->300"
 * (ours, theirs; '*': the far side has not JOINed it), a member's "blue 100".
 */
static void
vans_str(const json_t *e, const char *sep, char *buf, size_t len)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(e, "vans"), i, v) {
		const char *name = str(v, "name");

		if (i > 0)
			add(buf, len, "%s", sep);
		if (json_object_get(v, "remote") != NULL)
			add(buf, len, "%s%s%lld<->%lld%s", name, name[0] ? " " : "",
			    (long long)json_integer_value(json_object_get(v, "local")),
			    (long long)json_integer_value(json_object_get(v, "remote")),
			    json_is_false(json_object_get(v, "joined")) ? "*" : "");
		else
			add(buf, len, "%s%s%lld", name, name[0] ? " " : "",
			    (long long)json_integer_value(json_object_get(v, "id")));
	}
}

/* What a node says besides its name and state, sep between the parts. */
static void
detail_str(const json_t *n, const char *sep, char *buf, size_t len)
{
	const json_t *x;
	const char *first = "";

#define PART(...)	do { add(buf, len, "%s", first); add(buf, len, __VA_ARGS__); \
			    first = sep; } while (0)
	if (str(n, "role")[0] != '\0')
		PART("%s", str(n, "role"));
	if (str(n, "address")[0] != '\0')
		PART("%s", str(n, "address"));
	if (str(n, "endpoint")[0] != '\0')
		PART("%s", str(n, "endpoint"));
	if (json_object_get(n, "handshake_age_s") != NULL) {
		x = json_object_get(n, "handshake_age_s");
		if (json_is_integer(x))
			PART("handshake %lld s ago", (long long)json_integer_value(x));
		else
			PART("no handshake");
	}
	if (json_object_get(n, "hello_age_ms") != NULL &&
	    strcmp(str(n, "state"), "self") != 0) {
		x = json_object_get(n, "hello_age_ms");
		if (json_is_integer(x))
			PART("HELLO %lld ms ago", (long long)json_integer_value(x));
		else
			PART("no HELLO");
	}
	if (str(n, "note")[0] != '\0')
		PART("%s", str(n, "note"));
#undef PART
}

static int
check(const json_t *g, char *err, size_t errlen)
{
	const json_t *x;
	size_t i;

	if (!json_is_object(g) || !json_is_array(json_object_get(g, "nodes")) ||
	    !json_is_array(json_object_get(g, "edges"))) {
		snprintf(err, errlen, "not a graph: no \"nodes\" and \"edges\" arrays");
		return -1;
	}
	json_array_foreach(json_object_get(g, "nodes"), i, x)
		if (!json_is_string(json_object_get(x, "id"))) {
			snprintf(err, errlen, "not a graph: node %zu has no \"id\"", i);
			return -1;
		}
	json_array_foreach(json_object_get(g, "edges"), i, x)
		if (!json_is_string(json_object_get(x, "from")) ||
		    !json_is_string(json_object_get(x, "to"))) {
			snprintf(err, errlen, "not a graph: edge %zu has no \"from\" "
			    "and \"to\"", i);
			return -1;
		}
	return 0;
}

static const char *
title(const json_t *g)
{
	if (str(g, "title")[0] != '\0')
		return str(g, "title");
	if (str(g, "self")[0] != '\0')
		return str(g, "self");
	return "vanfed";
}

/* ----------------------------------------------------------------- dot --- */

static void
dot_node(FILE *f, const json_t *n, const char *indent)
{
	const char *state = str(n, "state"), *kind = str(n, "kind");
	char label[GRAPH_LABEL_MAX];

	snprintf(label, sizeof(label), "%s", str(n, "id"));
	if (!alive_or_self(state) && state[0] != '\0')
		add(label, sizeof(label), "\n%s", state);
	if (strlen(label) + 2 < sizeof(label)) {
		char d[GRAPH_LABEL_MAX] = "";

		detail_str(n, "\n", d, sizeof(d));
		if (d[0] != '\0')
			add(label, sizeof(label), "\n%s", d);
	}
	fprintf(f, "%s", indent);
	dot_quoted(f, str(n, "id"));
	fprintf(f, " [label=");
	dot_quoted(f, label);
	fprintf(f, ", shape=%s, %s];\n", strcmp(kind, "proxy") == 0 ? "box3d" :
	    strcmp(kind, "peer") == 0 ? "box" : "ellipse", state_attrs(state));
}

int
graph_dot(FILE *f, const json_t *g, char *err, size_t errlen)
{
	const json_t *nodes, *n, *m, *e;
	size_t i, j, c = 0;

	if (check(g, err, errlen) == -1)
		return -1;
	nodes = json_object_get(g, "nodes");
	fprintf(f, "graph ");
	dot_quoted(f, title(g));
	fprintf(f, " {\n  node [fontsize=10];\n  edge [fontsize=9];\n");
	/* A cluster per distinct "cluster", in the order of first sight. */
	json_array_foreach(nodes, i, n) {
		const char *cl = str(n, "cluster");
		bool seen = false;

		if (cl[0] == '\0')
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(str(json_array_get(nodes, j), "cluster"), cl) == 0;
		if (seen)
			continue;
		fprintf(f, "  subgraph cluster_%zu {\n    label=", c++);
		dot_quoted(f, cl);
		fprintf(f, ";\n");
		json_array_foreach(nodes, j, m)
			if (strcmp(str(m, "cluster"), cl) == 0)
				dot_node(f, m, "    ");
		fprintf(f, "  }\n");
	}
	json_array_foreach(nodes, i, n)
		if (str(n, "cluster")[0] == '\0')
			dot_node(f, n, "  ");
	json_array_foreach(json_object_get(g, "edges"), i, e) {
		const char *state = str(e, "state");
		char label[GRAPH_LABEL_MAX] = "", vans[GRAPH_LABEL_MAX] = "";

		if (!alive_or_self(state) && state[0] != '\0')
			add(label, sizeof(label), "%s", state);
		vans_str(e, "\n", vans, sizeof(vans));
		if (vans[0] != '\0')
			add(label, sizeof(label), "%s%s", label[0] ? "\n" : "", vans);
		fprintf(f, "  ");
		dot_quoted(f, str(e, "from"));
		fprintf(f, " -- ");
		dot_quoted(f, str(e, "to"));
		fprintf(f, " [label=");
		dot_quoted(f, label);
		fprintf(f, ", %s%s];\n", state_attrs(state),
		    strcmp(str(e, "kind"), "tunnel") == 0 ? ", penwidth=2" : "");
	}
	fprintf(f, "}\n");
	return 0;
}

/* ---------------------------------------------------------------- text --- */

#define TEXT_COLS	6

typedef void (*text_cell)(const json_t *, unsigned col, char *buf, size_t len);

static void
node_cell(const json_t *n, unsigned col, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (col) {
	case 0: add(buf, len, "%s", str(n, "id")); break;
	case 1: add(buf, len, "%s", str(n, "kind")); break;
	case 2: add(buf, len, "%s", str(n, "cluster")[0] ? str(n, "cluster") : "-"); break;
	case 3: add(buf, len, "%s", str(n, "state")[0] ? str(n, "state") : "-"); break;
	case 4: detail_str(n, "; ", buf, len); break;
	}
	if (buf[0] == '\0')
		add(buf, len, "-");
}

static void
edge_cell(const json_t *e, unsigned col, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (col) {
	case 0: add(buf, len, "%s", str(e, "from")); break;
	case 1: add(buf, len, "%s", str(e, "to")); break;
	case 2: add(buf, len, "%s", str(e, "kind")); break;
	case 3: add(buf, len, "%s", str(e, "state")); break;
	case 4: vans_str(e, ", ", buf, len); break;
	}
	if (buf[0] == '\0')
		add(buf, len, "-");
}

/* Columns padded to their widest cell; the last one is not. */
static void
text_table(FILE *f, const json_t *rows, const char *const *titles, unsigned ncol,
    text_cell cell)
{
	size_t w[TEXT_COLS] = { 0 }, i;
	char buf[GRAPH_LABEL_MAX];
	const json_t *r;
	unsigned c;
	char *p;

	for (c = 0; c < ncol; c++)
		w[c] = strlen(titles[c]);
	json_array_foreach(rows, i, r)
		for (c = 0; c < ncol; c++) {
			cell(r, c, buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	for (c = 0; c < ncol; c++)
		fprintf(f, "%-*s%s", c + 1 < ncol ? (int)w[c] : 0, titles[c],
		    c + 1 < ncol ? "  " : "\n");
	json_array_foreach(rows, i, r)
		for (c = 0; c < ncol; c++) {
			cell(r, c, buf, sizeof(buf));
			/* A cell is one line: a name's control characters as '?'. */
			for (p = buf; *p != '\0'; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = '?';
			fprintf(f, "%-*s%s", c + 1 < ncol ? (int)w[c] : 0, buf,
			    c + 1 < ncol ? "  " : "\n");
		}
}

int
graph_text(FILE *f, const json_t *g, char *err, size_t errlen)
{
	static const char *const node_titles[] = { "NODE", "KIND", "SITE", "STATE",
	    "DETAIL" };
	static const char *const edge_titles[] = { "FROM", "TO", "KIND", "STATE",
	    "VANS" };

	if (check(g, err, errlen) == -1)
		return -1;
	fprintf(f, "graph %s\n\n", title(g));
	text_table(f, json_object_get(g, "nodes"), node_titles, 5, node_cell);
	fprintf(f, "\n");
	text_table(f, json_object_get(g, "edges"), edge_titles, 5, edge_cell);
	return 0;
}
