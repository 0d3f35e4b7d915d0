/*
 * summary.c — the planner's figures (see struct plan_summary in plan.h):
 * tunnels and costs against a full mesh, the standby links, each
 * candidate link's stretch (the tree path's cost over its own, by binary
 * lifting), the diameter in hops, degrees, transit carries.  Pure.
 */
#include "federation/plan/plan_int.h"

#include <stdlib.h>
#include <string.h>

/* Hops from s to the farthest site; *far is that site. */
static uint32_t
farthest(const struct plan_rooted *t, const struct plan_input *in, uint32_t s,
    uint32_t *dist, uint32_t *queue, uint32_t *far)
{
	uint32_t head = 0, tail = 0, i, best = 0;

	for (i = 0; i < in->nsites; i++)
		dist[i] = PLAN_NONE;
	dist[s] = 0;
	queue[tail++] = s;
	*far = s;
	while (head < tail) {
		uint32_t v = queue[head++], j;

		if (dist[v] > best) {
			best = dist[v];
			*far = v;
		}
		for (j = t->adj_off[v]; j < t->adj_off[v + 1]; j++) {
			uint32_t w = plan_other_end(&in->links[t->adj[j]], v);

			if (dist[w] == PLAN_NONE) {
				dist[w] = dist[v] + 1;
				queue[tail++] = w;
			}
		}
	}
	return best;
}

bool
plan_summarize(const struct plan_input *in, struct plan_result *r)
{
	struct plan_summary *s = &r->sum;
	uint32_t n = in->nsites, i, j, levels = 1, *up = NULL, *a = NULL, *b = NULL;
	double *dist = NULL, total = 0;
	struct plan_rooted t;
	bool ok = false;

	memset(s, 0, sizeof(*s));
	s->sites = n;
	s->tunnels = r->tree.nlinks;
	s->full_mesh = (uint64_t)n * (n - 1) / 2;
	s->cost = plan_tree_cost(in, r->tree.links, r->tree.nlinks);
	s->standby = r->nstandby;
	s->standby_cost = plan_tree_cost(in, r->standby, r->nstandby);
	s->stretch_max_link = PLAN_NONE;
	for (i = 0; i < n; i++) {
		if (r->tree.degree[i] > s->max_degree)
			s->max_degree = r->tree.degree[i];
		for (j = r->tree.carry_off[i]; j < r->tree.carry_off[i + 1]; j++)
			s->transit += r->tree.carry[j].transit;
	}
	s->mean_degree = (double)2 * r->tree.nlinks / n;
	if (!plan_rooted_build(&t, in, r->tree.links, r->tree.nlinks))
		return false;
	while ((1u << levels) < n)
		levels++;
	up = malloc((size_t)levels * n * sizeof(*up));
	dist = malloc(n * sizeof(*dist));
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	if (!up || !dist || !a || !b)
		goto out;
	s->diameter = farthest(&t, in, 0, a, b, &i);
	s->diameter = farthest(&t, in, i, a, b, &j);
	/* Binary lifting: up[k * n + v] is v's 2^k-th ancestor (root: itself). */
	for (i = 0; i < n; i++) {
		uint32_t v = t.order[i];

		up[v] = t.parent[v] == PLAN_NONE ? v : t.parent[v];
		dist[v] = t.parent[v] == PLAN_NONE ? 0 :
		    dist[t.parent[v]] + in->links[t.plink[v]].cost;
	}
	for (j = 1; j < levels; j++)
		for (i = 0; i < n; i++)
			up[j * n + i] = up[(j - 1) * n + up[(j - 1) * n + i]];
	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];
		uint32_t u = l->a, v = l->b, d, k;
		double st;

		if (l->kind == PLAN_LINK_FORBIDDEN)
			continue;
		if (t.depth[u] < t.depth[v]) {
			u = l->b;
			v = l->a;
		}
		for (d = t.depth[u] - t.depth[v], k = 0; d; d >>= 1, k++)
			if (d & 1)
				u = up[k * n + u];
		for (k = levels; u != v && k-- > 0;)
			if (up[k * n + u] != up[k * n + v]) {
				u = up[k * n + u];
				v = up[k * n + v];
			}
		if (u != v)
			u = up[u];
		/* Below 1 where the tree's path is cheaper than the link. */
		st = (dist[l->a] + dist[l->b] - 2 * dist[u]) / l->cost;
		total += st;
		s->stretch_pairs++;
		if (st > s->stretch_max) {
			s->stretch_max = st;
			s->stretch_max_link = i;
		}
	}
	s->stretch_mean = s->stretch_pairs ? total / s->stretch_pairs : 0;
	ok = true;
out:
	plan_rooted_free(&t);
	free(up);
	free(dist);
	free(a);
	free(b);
	return ok;
}
