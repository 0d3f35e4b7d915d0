/*
 * tree.c — the planner's tree (see plan.h, plan_int.h): Kruskal over the
 * forced links, then the others by cost; when a degree bound binds,
 * Lagrangian rounds of bounded Kruskal and edge exchanges.  Also what the
 * other steps build on: links ordered by a key, and trees rooted at site
 * 0 (struct plan_rooted).  Pure.
 */
#include "federation/plan/plan_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAGRANGE_ROUNDS		64
#define EXCHANGE_BUDGET		20000000u	/* path steps of the exchange pass */

/* ------------------------------------------------------------- sorting --- */

int
plan_keyed_cmp(const void *x, const void *y)
{
	const struct plan_keyed *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->link < b->link ? -1 : a->link > b->link;
}

/* Free links by key (cost + lambda of both ends; lambda NULL: 0). */
static uint32_t
order_links(const struct plan_input *in, const double *lambda,
    struct plan_keyed *k)
{
	uint32_t i, n = 0;

	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->kind != PLAN_LINK_FREE)
			continue;
		k[n].cost = l->cost;
		k[n].key = l->cost + (lambda ? lambda[l->a] + lambda[l->b] : 0);
		k[n++].link = i;
	}
	qsort(k, n, sizeof(*k), plan_keyed_cmp);
	return n;
}

/* -------------------------------------------------------------- rooted --- */

void
plan_rooted_free(struct plan_rooted *t)
{
	free(t->parent);
	free(t->plink);
	free(t->depth);
	free(t->order);
	free(t->adj_off);
	free(t->adj);
	memset(t, 0, sizeof(*t));
}

bool
plan_rooted_build(struct plan_rooted *t, const struct plan_input *in,
    const uint32_t *tl, uint32_t m)
{
	uint32_t n = in->nsites, i, head = 0, tail = 0;

	memset(t, 0, sizeof(*t));
	t->parent = malloc(n * sizeof(uint32_t));
	t->plink = malloc(n * sizeof(uint32_t));
	t->depth = malloc(n * sizeof(uint32_t));
	t->order = malloc(n * sizeof(uint32_t));
	t->adj_off = calloc(n + 1, sizeof(uint32_t));
	t->adj = malloc((2 * (size_t)m + 1) * sizeof(uint32_t));
	if (!t->parent || !t->plink || !t->depth || !t->order || !t->adj_off ||
	    !t->adj) {
		plan_rooted_free(t);
		return false;
	}
	for (i = 0; i < m; i++) {
		t->adj_off[in->links[tl[i]].a + 1]++;
		t->adj_off[in->links[tl[i]].b + 1]++;
	}
	for (i = 0; i < n; i++)
		t->adj_off[i + 1] += t->adj_off[i];
	/* Fill with a cursor in depth[], reused as scratch. */
	memcpy(t->depth, t->adj_off, n * sizeof(uint32_t));
	for (i = 0; i < m; i++) {
		t->adj[t->depth[in->links[tl[i]].a]++] = tl[i];
		t->adj[t->depth[in->links[tl[i]].b]++] = tl[i];
	}
	for (i = 0; i < n; i++)
		t->parent[i] = PLAN_NONE;
	t->plink[0] = PLAN_NONE;
	t->depth[0] = 0;
	t->order[tail++] = 0;
	t->parent[0] = 0;	/* visited; reset below */
	while (head < tail) {
		uint32_t v = t->order[head++], j;

		for (j = t->adj_off[v]; j < t->adj_off[v + 1]; j++) {
			uint32_t w = plan_other_end(&in->links[t->adj[j]], v);

			if (t->parent[w] != PLAN_NONE)
				continue;
			t->parent[w] = v;
			t->plink[w] = t->adj[j];
			t->depth[w] = t->depth[v] + 1;
			t->order[tail++] = w;
		}
	}
	t->parent[0] = PLAN_NONE;
	return true;
}

/* ------------------------------------------------------------- kruskal --- */

/*
 * The forced links, then the keyed ones in order while they join two
 * parts (and, with bounded, keep both ends within their bounds).  Fills
 * tl and deg; returns how many links it took.
 */
static uint32_t
kruskal(const struct plan_input *in, const struct plan_keyed *k, uint32_t nk,
    bool bounded, uint32_t *p, uint32_t *tl, uint32_t *deg)
{
	uint32_t i, m = 0, n = in->nsites;

	plan_uf_init(p, n);
	memset(deg, 0, n * sizeof(*deg));
	for (i = 0; i < in->nlinks && m + 1 < n; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->kind == PLAN_LINK_FORCED &&
		    plan_uf_join(p, l->a, l->b)) {
			deg[l->a]++;
			deg[l->b]++;
			tl[m++] = i;
		}
	}
	for (i = 0; i < nk && m + 1 < n; i++) {
		const struct plan_link *l = &in->links[k[i].link];

		if (bounded && (deg[l->a] >= in->sites[l->a].max_tunnels ||
		    deg[l->b] >= in->sites[l->b].max_tunnels))
			continue;
		if (plan_uf_join(p, l->a, l->b)) {
			deg[l->a]++;
			deg[l->b]++;
			tl[m++] = k[i].link;
		}
	}
	return m;
}

double
plan_tree_cost(const struct plan_input *in, const uint32_t *tl, uint32_t m)
{
	double c = 0;
	uint32_t i;

	for (i = 0; i < m; i++)
		c += in->links[tl[i]].cost;
	return c;
}

static bool
within_bounds(const struct plan_input *in, const uint32_t *deg)
{
	uint32_t i;

	for (i = 0; i < in->nsites; i++)
		if (deg[i] > in->sites[i].max_tunnels)
			return false;
	return true;
}

double
plan_mst_cost(const struct plan_input *in)
{
	uint32_t n = in->nsites, *p, *tl, *deg, m = 0, nk;
	struct plan_keyed *k;
	double c = -1;

	p = malloc((n + 1) * sizeof(*p));
	tl = malloc((n + 1) * sizeof(*tl));
	deg = malloc((n + 1) * sizeof(*deg));
	k = malloc(((size_t)in->nlinks + 1) * sizeof(*k));
	if (p && tl && deg && k) {
		nk = order_links(in, NULL, k);
		m = kruskal(in, k, nk, false, p, tl, deg);
		if (m + 1 == n)
			c = plan_tree_cost(in, tl, m);
	}
	free(p);
	free(tl);
	free(deg);
	free(k);
	return c;
}

/* ------------------------------------------------ bounded: the heuristic --- */

/*
 * Exchanges: a free non-tree link e replaces the dearest free tree link
 * on e's tree path that costs more, when both bounds still hold.  Until
 * none improves or the budget is spent.
 */
static void
exchange(const struct plan_input *in, const struct plan_keyed *k, uint32_t nk,
    uint32_t *tl, uint32_t m, uint32_t *deg, uint32_t *budget)
{
	struct plan_rooted t;
	bool improved = true;
	uint32_t i;

	while (improved && *budget > 0) {
		improved = false;
		if (!plan_rooted_build(&t, in, tl, m))
			return;
		for (i = 0; i < nk && *budget > 0; i++) {
			const struct plan_link *e = &in->links[k[i].link];
			uint32_t u = e->a, v = e->b, best = PLAN_NONE, j;
			double bc = e->cost;

			if (t.parent[u] != PLAN_NONE && t.plink[u] == k[i].link)
				continue;
			if (t.parent[v] != PLAN_NONE && t.plink[v] == k[i].link)
				continue;
			while (u != v && *budget > 0) {
				uint32_t *w = t.depth[u] >= t.depth[v] ? &u : &v;
				const struct plan_link *f = &in->links[t.plink[*w]];
				uint32_t du = deg[e->a] + 1, dv = deg[e->b] + 1;

				(*budget)--;
				if (f->a == e->a || f->b == e->a)
					du--;
				if (f->a == e->b || f->b == e->b)
					dv--;
				if (f->kind == PLAN_LINK_FREE && f->cost > bc &&
				    du <= in->sites[e->a].max_tunnels &&
				    dv <= in->sites[e->b].max_tunnels) {
					bc = f->cost;
					best = t.plink[*w];
				}
				*w = t.parent[*w];
			}
			if (best == PLAN_NONE || u != v)
				continue;
			for (j = 0; j < m && tl[j] != best; j++)
				;
			deg[in->links[best].a]--;
			deg[in->links[best].b]--;
			deg[e->a]++;
			deg[e->b]++;
			tl[j] = k[i].link;
			improved = true;
			break;		/* the tree changed: root it again */
		}
		plan_rooted_free(&t);
	}
}

/*
 * Rounds of Lagrangian relaxation: each round orders the links by cost
 * plus a penalty on both ends, takes the bounded Kruskal tree of that
 * order (and the plain one, when it happens to keep the bounds), improves
 * it by exchanges and keeps the cheapest; the penalties of the sites the
 * plain tree overloads grow (subgradient steps), those with room shrink.
 */
static bool
bounded_tree(const struct plan_input *in, struct plan_keyed *k, uint32_t *tl,
    struct plan_err *e)
{
	uint32_t n = in->nsites, i, round, m, nk, *p, *cur, *deg, *udeg;
	uint32_t budget = EXCHANGE_BUDGET;
	double *lambda, best = INFINITY, step = 0, c;
	bool ok = false;

	lambda = calloc(n, sizeof(*lambda));
	p = malloc(n * sizeof(*p));
	cur = malloc(n * sizeof(*cur));
	deg = malloc(n * sizeof(*deg));
	udeg = malloc(n * sizeof(*udeg));
	if (!lambda || !p || !cur || !deg || !udeg) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	for (i = 0; i < in->nlinks; i++)
		step += in->links[i].cost;
	step = in->nlinks ? step / in->nlinks : 1;
	for (round = 0; round < LAGRANGE_ROUNDS; round++) {
		nk = order_links(in, lambda, k);
		for (i = 0; i < 2; i++) {
			m = kruskal(in, k, nk, i == 0, p, cur, deg);
			if (i == 1)
				memcpy(udeg, deg, n * sizeof(*deg));
			if (m + 1 != n || !within_bounds(in, deg))
				continue;
			exchange(in, k, nk, cur, m, deg, &budget);
			if ((c = plan_tree_cost(in, cur, m)) < best) {
				best = c;
				memcpy(tl, cur, m * sizeof(*tl));
			}
		}
		for (i = 0; i < n; i++) {
			lambda[i] += step * ((double)udeg[i] - in->sites[i].max_tunnels);
			if (lambda[i] < 0)
				lambda[i] = 0;
		}
		step *= 0.92;
	}
	if (best < INFINITY)
		ok = true;
	else {
		char names[PLAN_ERR_MAX / 2] = "";
		uint32_t over = 0, j = 0, first = 0;

		for (i = 0; i < n; i++)
			if (udeg[i] > in->sites[i].max_tunnels)
				over++;
		for (i = 0; i < n; i++)
			if (udeg[i] > in->sites[i].max_tunnels) {
				if (j == 0)
					first = i;
				plan_name_list(names, sizeof(names), j++, over,
				    in->sites[i].name);
			}
		plan_fail(e, in->sites[first].src, "no tree found that keeps "
		    "every max_tunnels bound (the candidate links crowd %s): "
		    "allow more tunnels there, or add candidate links", names);
	}
out:
	free(lambda);
	free(p);
	free(cur);
	free(deg);
	free(udeg);
	return ok;
}

/* ------------------------------------------------------------ the tree --- */

bool
plan_tree_build(const struct plan_input *in, struct plan_tree *t, bool *exact,
    struct plan_err *e)
{
	uint32_t n = in->nsites, m, nk, *p = NULL;
	struct plan_keyed *k = NULL;
	bool ok = false;

	p = malloc(n * sizeof(*p));
	k = malloc(((size_t)in->nlinks + 1) * sizeof(*k));
	t->links = malloc(n * sizeof(uint32_t));
	t->degree = calloc(n, sizeof(uint32_t));
	if (!p || !k || !t->links || !t->degree) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	nk = order_links(in, NULL, k);
	m = kruskal(in, k, nk, false, p, t->links, t->degree);
	t->nlinks = n - 1;
	if (m + 1 != n) {	/* plan_check_feasible saw them connected */
		plan_fail(e, in->src,
		    "the candidate links do not join every site");
		goto out;
	}
	*exact = within_bounds(in, t->degree);
	if (!*exact) {
		if (!bounded_tree(in, k, t->links, e))
			goto out;
		free(t->degree);
		t->degree = NULL;
		if (!plan_tree_degrees(in, t)) {
			plan_fail(e, in->src, "out of memory");
			goto out;
		}
	}
	ok = true;
out:
	free(p);
	free(k);
	return ok;
}

bool
plan_tree_has(const struct plan_tree *t, uint32_t l)
{
	uint32_t i;

	for (i = 0; i < t->nlinks; i++)
		if (t->links[i] == l)
			return true;
	return false;
}

bool
plan_tree_degrees(const struct plan_input *in, struct plan_tree *t)
{
	uint32_t i;

	if ((t->degree = calloc(in->nsites, sizeof(*t->degree))) == NULL)
		return false;
	for (i = 0; i < t->nlinks; i++) {
		t->degree[in->links[t->links[i]].a]++;
		t->degree[in->links[t->links[i]].b]++;
	}
	return true;
}
