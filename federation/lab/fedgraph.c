/*
 * fedgraph.c — see fedgraph.h.  fedgraph_merge is pure (JSON and the
 * topology in, JSON out); fedgraph_run asks the proxies through vanctl
 * (gateway.c) and draws with vanctl's own renderer (edge/vanctl/graph.h),
 * so `vanlab graph --dot` and `vanctl show graph --dot` look alike.
 *
 * Names in the merged graph are the lab's: SITE-gw for a proxy, a host's
 * name for its vanedge (found by its underlay address in the proxy's
 * view), so one picture covers the sites whichever proxy said what.
 */
#include "federation/lab/fedgraph.h"

#include <stdio.h>
#include <string.h>

#include "edge/vanctl/graph.h"
#include "federation/lab/gateway.h"
#include "federation/lab/state.h"

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static int
site_by_name(const struct lab *lab, const char *name)
{
	unsigned s;

	for (s = 0; s < lab->nsites; s++)
		if (strcmp(lab->site[s].name, name) == 0)
			return (int)s;
	return -1;
}

/* The host of site s whose vanedge is at addr ("IP:PORT"), or -1. */
static int
host_by_addr(const struct lab *lab, unsigned s, const char *addr)
{
	char want[32], ip[16];
	unsigned h;

	for (h = 0; h < lab->nhosts; h++) {
		if (lab->host[h].site != s)
			continue;
		snprintf(want, sizeof(want), "%s:%u", lab_ip_str(lab->host[h].addr, ip),
		    LAB_SITE_PORT);
		if (strcmp(want, addr) == 0)
			return (int)h;
	}
	return -1;
}

/* A node of view whose id is id, or NULL. */
static const json_t *
view_node(const json_t *view, const char *id)
{
	const json_t *n;
	size_t i;

	json_array_foreach(json_object_get(view, "nodes"), i, n)
		if (strcmp(str(n, "id"), id) == 0)
			return n;
	return NULL;
}

/* Of two views' states of one tunnel, the one to draw: alive only if both
 * are, dead over any other. */
static int
state_rank(const char *state)
{
	return strcmp(state, "alive") == 0 ? 0 : strcmp(state, "dead") == 0 ? 2 : 1;
}

static const char *
worse(const char *a, const char *b)
{
	return state_rank(b) > state_rank(a) ? b : a;
}

static void
gw_id(const struct lab *lab, unsigned s, char out[static LAB_NAME_MAX + 8])
{
	snprintf(out, LAB_NAME_MAX + 8, "%s-gw", lab->site[s].name);
}

/* Site s: its proxy and hosts, clustered, and the proxy's member edges. */
static void
merge_site(const struct lab *lab, unsigned s, const json_t *view, json_t *nodes,
    json_t *edges)
{
	char id[LAB_NAME_MAX + 8], cluster[LAB_NAME_MAX + 8], ip[16];
	const json_t *self = view != NULL ? view_node(view, str(view, "self")) : NULL;
	const json_t *e;
	json_t *n;
	unsigned h;
	size_t i;

	gw_id(lab, s, id);
	snprintf(cluster, sizeof(cluster), "site %s", lab->site[s].name);
	n = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "kind", "proxy",
	    "name", id, "cluster", cluster, "state", view != NULL ? "alive" : "down",
	    "address", lab_ip_str(lab->site[s].proxy_inet, ip));
	if (self != NULL && str(self, "role")[0] != '\0')
		json_object_set_new(n, "role", json_string(str(self, "role")));
	if (view == NULL)
		json_object_set_new(n, "note", json_string("no answer"));
	json_array_append_new(nodes, n);
	for (h = 0; h < lab->nhosts; h++) {
		if (lab->host[h].site != s)
			continue;
		json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", lab->host[h].name, "kind", "edge", "name", lab->host[h].name,
		    "cluster", cluster, "state", "unknown",
		    "address", lab_ip_str(lab->host[h].addr, ip)));
	}
	json_array_foreach(json_object_get(view, "edges"), i, e) {
		const char *to = str(e, "to");
		int hh;
		json_t *me;

		if (strcmp(str(e, "kind"), "member") != 0)
			continue;
		hh = host_by_addr(lab, s, to);
		if (hh >= 0) {
			/* The host's state is what its proxy sees. */
			size_t k;
			json_t *x;

			to = lab->host[hh].name;
			json_array_foreach(nodes, k, x)
				if (strcmp(str(x, "id"), to) == 0)
					json_object_set_new(x, "state",
					    json_string(str(e, "state")));
		} else
			json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:s, s:s}",
			    "id", to, "kind", "member", "name", to, "cluster", cluster,
			    "state", str(e, "state")));
		me = json_pack("{s:s, s:s, s:s, s:s, s:O}", "kind", "member",
		    "from", id, "to", to, "state", str(e, "state"),
		    "vans", json_object_get(e, "vans"));
		json_array_append_new(edges, me);
	}
}

json_t *
fedgraph_merge(const struct lab *lab, const char *title,
    json_t *const views[static LAB_SITE_MAX])
{
	json_t *tun[LAB_SITE_MAX][LAB_SITE_MAX];
	json_t *nodes = json_array(), *edges = json_array();
	char a[LAB_NAME_MAX + 8], b[LAB_NAME_MAX + 8];
	const json_t *e;
	unsigned s, o, p, v;
	size_t i;

	memset(tun, 0, sizeof(tun));
	for (s = 0; s < lab->nsites; s++)
		merge_site(lab, s, views[s], nodes, edges);
	/* Tunnels: each once, from the side that reports it first. */
	for (s = 0; s < lab->nsites; s++)
		json_array_foreach(json_object_get(views[s], "edges"), i, e) {
			const json_t *peer;
			const char *state = str(e, "state");
			json_t **t;
			int oo;

			if (strcmp(str(e, "kind"), "tunnel") != 0 ||
			    (peer = view_node(views[s], str(e, "to"))) == NULL ||
			    (oo = site_by_name(lab, str(peer, "name"))) < 0 ||
			    (unsigned)oo == s)
				continue;
			o = (unsigned)oo;
			t = s < o ? &tun[s][o] : &tun[o][s];
			if (*t == NULL) {
				gw_id(lab, s, a);
				gw_id(lab, o, b);
				*t = json_pack("{s:s, s:s, s:s, s:s, s:O, s:{}}", "kind",
				    "tunnel", "from", a, "to", b, "state", state,
				    "vans", json_object_get(e, "vans"), "seen_by");
			} else
				json_object_set_new(*t, "state", json_string(worse(
				    str(*t, "state"), state)));
			json_object_set_new(json_object_get(*t, "seen_by"),
			    lab->site[s].name, json_string(state));
		}
	/* Peerings of the topology that no answering proxy reports. */
	for (p = 0; p < lab->npeerings; p++) {
		const struct lab_peering *pe = &lab->peering[p];
		unsigned x = pe->site[0], y = pe->site[1];
		json_t **t = x < y ? &tun[x][y] : &tun[y][x];
		json_t *vans;

		if (*t != NULL)
			continue;
		vans = json_array();
		for (v = 0; v < lab->nvans; v++)
			if (pe->van[v])
				json_array_append_new(vans, json_pack("{s:I, s:s, s:I}",
				    "local", (json_int_t)lab->site[x].van_id[v],
				    "name", lab->van[v].name,
				    "remote", (json_int_t)lab->site[y].van_id[v]));
		gw_id(lab, x, a);
		gw_id(lab, y, b);
		*t = json_pack("{s:s, s:s, s:s, s:s, s:o, s:{}}", "kind", "tunnel",
		    "from", a, "to", b, "state", "unknown", "vans", vans, "seen_by");
	}
	for (s = 0; s < lab->nsites; s++)
		for (o = s + 1; o < lab->nsites; o++)
			if (tun[s][o] != NULL)
				json_array_append_new(edges, tun[s][o]);
	return json_pack("{s:s, s:s, s:o, s:o}", "view", "federation", "title", title,
	    "nodes", nodes, "edges", edges);
}

int
fedgraph_run(const char *prefix, bool dot)
{
	static const char *const show_graph[] = { "show", "graph", NULL };
	json_t *views[LAB_SITE_MAX] = { NULL }, *g = NULL;
	char title[LAB_PREFIX_MAX + 16], err[256];
	struct state st;
	struct lab *lab;
	unsigned s;
	int rc = 1;

	if ((lab = state_open_lab(&st, prefix)) == NULL)
		return 1;
	if (!lab_federated(lab)) {
		fprintf(stderr, "vanlab: graph: lab %s has one site and no proxy "
		    "(vanlab ctl HOST -- show graph draws its view)\n", prefix);
		goto out;
	}
	for (s = 0; s < lab->nsites; s++) {
		views[s] = gateway_query(&st, lab, s, show_graph, true);
		if (views[s] != NULL && !json_is_object(views[s])) {
			json_decref(views[s]);
			views[s] = NULL;
		}
		if (views[s] == NULL)
			fprintf(stderr, "vanlab: graph: site %s's proxy does not "
			    "answer: drawn from its peers' views\n", lab->site[s].name);
	}
	snprintf(title, sizeof(title), "federation %s", prefix);
	if ((g = fedgraph_merge(lab, title, views)) == NULL) {
		fprintf(stderr, "vanlab: graph: out of memory\n");
		goto out;
	}
	if ((dot ? graph_dot(stdout, g, err, sizeof(err)) :
	    graph_text(stdout, g, err, sizeof(err))) == -1) {
		fprintf(stderr, "vanlab: graph: %s\n", err);
		goto out;
	}
	rc = 0;
out:
	json_decref(g);
	for (s = 0; s < LAB_SITE_MAX; s++)
		json_decref(views[s]);
	lab_free(lab);
	state_close(&st);
	return rc;
}
