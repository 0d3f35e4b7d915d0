/*
 * standby.c — the planner's standby links (see plan.h, plan_int.h): with
 * redundancy 1, links so that no tree link is a bridge — a greedy cover
 * of the tree's links by links covered per cost, then reverse delete —
 * and, per tree link, the standby link that replaces it when it fails
 * and which of its ends lies on which side of the cut.
 * The tree each replacement makes is plan_run's (plan.c).  Pure.
 */
#include "federation/plan/plan_int.h"

#include <stdlib.h>
#include <string.h>

struct heap_item {
	double		ratio;		/* links newly covered per cost */
	uint32_t	link;
};

static void
heap_push(struct heap_item *h, uint32_t *n, struct heap_item x)
{
	uint32_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2].ratio < x.ratio) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static struct heap_item
heap_pop(struct heap_item *h, uint32_t *n)
{
	struct heap_item top = h[0], x = h[--(*n)];
	uint32_t i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].ratio > h[c].ratio)
			c++;
		if (h[c].ratio <= x.ratio)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = x;
	return top;
}

/* Tree links are named by their lower end: site v for link v-parent(v). */
static uint32_t
path_count(const struct plan_rooted *t, const struct plan_link *l,
    const bool *mark, bool want)
{
	uint32_t u = l->a, v = l->b, c = 0;

	while (u != v) {
		uint32_t *w = t->depth[u] >= t->depth[v] ? &u : &v;

		c += mark[*w] == want;
		*w = t->parent[*w];
	}
	return c;
}

static void
path_add(const struct plan_rooted *t, const struct plan_link *l, uint32_t *cnt,
    int d)
{
	uint32_t u = l->a, v = l->b;

	while (u != v) {
		uint32_t *w = t->depth[u] >= t->depth[v] ? &u : &v;

		cnt[*w] = (uint32_t)((int)cnt[*w] + d);
		*w = t->parent[*w];
	}
}

static int
cost_desc(const void *x, const void *y)
{
	const struct plan_keyed *a = x, *b = y;

	return -plan_keyed_cmp(a, b);
}

/*
 * Standby links so that no tree link is a bridge: every tree link lies on
 * the tree path of a standby link.  Greedy by links covered per cost
 * (lazily re-evaluated: the ratio only falls), then reverse delete, the
 * dearest first.  replace[]: per tree link, the cheapest standby over it.
 */
bool
plan_standby(const struct plan_input *in, struct plan_result *r,
    struct plan_err *e)
{
	uint32_t n = in->nsites, i, j, nh = 0, nc = 0, *cnt = NULL, *where = NULL;
	struct heap_item *h = NULL;
	struct plan_keyed *chosen = NULL;
	struct plan_rooted t;
	bool *covered = NULL, *intree = NULL, ok = false;

	if (!plan_rooted_build(&t, in, r->tree.links, r->tree.nlinks))
		return plan_fail(e, in->src, "out of memory");
	h = malloc(((size_t)in->nlinks + 1) * sizeof(*h));
	chosen = malloc(((size_t)n + 1) * sizeof(*chosen));
	covered = calloc(n, sizeof(*covered));
	intree = calloc((size_t)in->nlinks + 1, sizeof(*intree));
	cnt = calloc(n, sizeof(*cnt));
	where = malloc(n * sizeof(*where));
	r->replace = malloc(((size_t)r->tree.nlinks + 1) * sizeof(*r->replace));
	r->replace_swap = calloc((size_t)r->tree.nlinks + 1,
	    sizeof(*r->replace_swap));
	if (!h || !chosen || !covered || !intree || !cnt || !where || !r->replace ||
	    !r->replace_swap) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	for (i = 0; i < r->tree.nlinks; i++)
		intree[r->tree.links[i]] = true;
	/* Which tree links no candidate covers: bridges of the candidates. */
	for (i = 0; i < in->nlinks; i++)
		if (!intree[i] && in->links[i].kind != PLAN_LINK_FORBIDDEN)
			path_add(&t, &in->links[i], cnt, 1);
	for (i = 1; i < n; i++) {
		uint32_t v = t.order[i];
		const struct plan_link *l = &in->links[t.plink[v]];

		if (cnt[v] == 0) {
			plan_fail(e, in->redundancy_src,
			    "redundancy: tree link '%s'-'%s' cannot be "
			    "protected: no other candidate link joins its two "
			    "sides", in->sites[l->a].name,
			    in->sites[l->b].name);
			goto out;
		}
	}
	covered[0] = true;	/* the root names no link */
	for (i = 0; i < in->nlinks; i++)
		if (!intree[i] && in->links[i].kind != PLAN_LINK_FORBIDDEN)
			heap_push(h, &nh, (struct heap_item){
			    path_count(&t, &in->links[i], covered, false) /
			    in->links[i].cost, i });
	for (j = n - 1; j > 0 && nh > 0;) {
		struct heap_item x = heap_pop(h, &nh);
		const struct plan_link *l = &in->links[x.link];
		uint32_t c = path_count(&t, l, covered, false);
		double ratio = c / l->cost;

		if (c == 0)
			continue;
		if (nh > 0 && ratio < h[0].ratio) {
			x.ratio = ratio;
			heap_push(h, &nh, x);
			continue;
		}
		chosen[nc].key = chosen[nc].cost = l->cost;
		chosen[nc++].link = x.link;
		{
			uint32_t u = l->a, v = l->b;

			while (u != v) {
				uint32_t *w = t.depth[u] >= t.depth[v] ? &u : &v;

				if (!covered[*w]) {
					covered[*w] = true;
					j--;
				}
				*w = t.parent[*w];
			}
		}
	}
	/* Reverse delete: drop a standby whose every link another covers. */
	memset(cnt, 0, n * sizeof(*cnt));
	for (i = 0; i < nc; i++)
		path_add(&t, &in->links[chosen[i].link], cnt, 1);
	qsort(chosen, nc, sizeof(*chosen), cost_desc);
	for (i = 0, j = 0; i < nc; i++) {
		const struct plan_link *l = &in->links[chosen[i].link];
		uint32_t u = l->a, v = l->b;
		bool needed = false;

		while (u != v && !needed) {
			uint32_t *w = t.depth[u] >= t.depth[v] ? &u : &v;

			needed = cnt[*w] < 2;
			*w = t.parent[*w];
		}
		if (needed)
			chosen[j++] = chosen[i];
		else
			path_add(&t, l, cnt, -1);
	}
	nc = j;
	qsort(chosen, nc, sizeof(*chosen), plan_keyed_cmp);
	if ((r->standby = malloc(((size_t)nc + 1) * sizeof(*r->standby))) == NULL) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	r->nstandby = nc;
	for (i = 0; i < n; i++)
		where[i] = PLAN_NONE;
	for (i = 0; i < r->tree.nlinks; i++) {
		const struct plan_link *l = &in->links[r->tree.links[i]];

		where[t.parent[l->a] == l->b ? l->a : l->b] = i;
		r->replace[i] = PLAN_NONE;
	}
	for (i = 0; i < nc; i++) {
		const struct plan_link *l = &in->links[chosen[i].link];
		uint32_t u = l->a, v = l->b;

		r->standby[i] = chosen[i].link;
		while (u != v) {
			uint32_t *w = t.depth[u] >= t.depth[v] ? &u : &v;

			if (r->replace[where[*w]] == PLAN_NONE)
				r->replace[where[*w]] = chosen[i].link;
			*w = t.parent[*w];
		}
	}
	/* Which side of each cut tree link its standby's end a is on: in
	 * the subtree of the link's lower end (the child) or not. */
	for (i = 0; i < r->tree.nlinks; i++) {
		const struct plan_link *l = &in->links[r->tree.links[i]];
		uint32_t child = t.parent[l->a] == l->b ? l->a : l->b, u;

		if (r->replace[i] == PLAN_NONE)
			continue;
		for (u = in->links[r->replace[i]].a; t.depth[u] > t.depth[child];)
			u = t.parent[u];
		r->replace_swap[i] = (u == child) != (child == l->a);
	}
	ok = true;
out:
	plan_rooted_free(&t);
	free(h);
	free(chosen);
	free(covered);
	free(intree);
	free(cnt);
	free(where);
	return ok;
}
