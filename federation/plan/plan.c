/*
 * plan.c — see plan.h.  Pure.
 *
 * The steps of plan_run, each a section below: check the input; refuse
 * what cannot be a tree (forced cycles, a disconnected candidate graph,
 * degree bounds no tree can meet); Kruskal over the forced links, then
 * the others by cost; when a degree bound binds, Lagrangian rounds of
 * bounded Kruskal and edge exchanges; with redundancy, the standby links
 * (a greedy cover of the tree's links, then reverse delete) and the tree
 * each one makes when a tree link fails; the VANs' subtrees and transit
 * IDs; the summary.
 *
 * Trees are rooted at site 0 by struct rooted: parent, parent link,
 * depth, and a BFS order (parents before children).
 */
#include "federation/plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAGRANGE_ROUNDS		64
#define EXCHANGE_BUDGET		20000000u	/* path steps of the exchange pass */
#define NAMES_SHOWN		5

static bool fail(struct plan_err *, const void *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool
fail(struct plan_err *e, const void *src, const char *fmt, ...)
{
	va_list ap;

	e->src = src;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return false;
}

/* Append ", 'name'" to buf, or " (and N more)" past NAMES_SHOWN. */
static void
name_list(char *buf, size_t len, unsigned i, unsigned total, const char *name)
{
	size_t n = strlen(buf);

	if (i < NAMES_SHOWN)
		snprintf(buf + n, len - n, "%s'%s'", i ? ", " : "", name);
	else if (i == NAMES_SHOWN)
		snprintf(buf + n, len - n, " and %u more", total - NAMES_SHOWN);
}

/* ---------------------------------------------------------- union-find --- */

static uint32_t
uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static bool
uf_join(uint32_t *p, uint32_t a, uint32_t b)
{
	a = uf_find(p, a);
	b = uf_find(p, b);
	if (a == b)
		return false;
	if (a < b)
		p[b] = a;
	else
		p[a] = b;
	return true;
}

static void
uf_init(uint32_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = i;
}

/* ------------------------------------------------------------- sorting --- */

struct keyed {
	double		key;
	double		cost;
	uint32_t	link;
};

static int
keyed_cmp(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->link < b->link ? -1 : a->link > b->link;
}

/* Free links by key (cost + lambda of both ends; lambda NULL: 0). */
static uint32_t
order_links(const struct plan_input *in, const double *lambda, struct keyed *k)
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
	qsort(k, n, sizeof(*k), keyed_cmp);
	return n;
}

/* -------------------------------------------------------------- rooted --- */

struct rooted {
	uint32_t	*parent;	/* PLAN_NONE at the root */
	uint32_t	*plink;		/* the link to the parent */
	uint32_t	*depth;
	uint32_t	*order;		/* BFS: parents first */
	uint32_t	*adj_off;	/* n + 1 */
	uint32_t	*adj;		/* link indices */
};

static void
rooted_free(struct rooted *t)
{
	free(t->parent);
	free(t->plink);
	free(t->depth);
	free(t->order);
	free(t->adj_off);
	free(t->adj);
	memset(t, 0, sizeof(*t));
}

static uint32_t
other_end(const struct plan_link *l, uint32_t s)
{
	return l->a == s ? l->b : l->a;
}

/* Root the tree of links tl[0..m) (spanning) at site 0. */
static bool
rooted_build(struct rooted *t, const struct plan_input *in, const uint32_t *tl,
    uint32_t m)
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
		rooted_free(t);
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
			uint32_t w = other_end(&in->links[t->adj[j]], v);

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

/* ---------------------------------------------------------- the checks --- */

struct pair {
	uint32_t	a, b, i;
};

static int
pair_cmp(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* Indices in range, costs positive, one link per pair, IDs once a site. */
static bool
check_input(const struct plan_input *in, struct plan_err *e)
{
	struct pair *p = NULL;
	uint32_t i, j, n = 0, total = 0;
	bool ok = false;

	if (in->nsites == 0)
		return fail(e, in->src, "no sites");
	if (in->redundancy > 1)
		return fail(e, in->redundancy_src, "redundancy: 0 or 1");
	for (i = 0; i < in->nsites; i++)
		if (in->sites[i].max_tunnels == 0)
			return fail(e, in->sites[i].src, "site '%s': max_tunnels 0",
			    in->sites[i].name);
	for (i = 0; i < in->nvans; i++)
		total += in->vans[i].nmembers;
	if ((p = malloc(((size_t)in->nlinks + total + 1) * sizeof(*p))) == NULL)
		return fail(e, in->src, "out of memory");
	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->a >= in->nsites || l->b >= in->nsites || l->a == l->b) {
			fail(e, l->src, "a link joins two different sites");
			goto out;
		}
		if (!(l->cost > 0) || !isfinite(l->cost)) {
			fail(e, l->src, "link '%s'-'%s': its cost must be more than 0",
			    in->sites[l->a].name, in->sites[l->b].name);
			goto out;
		}
		p[i].a = l->a < l->b ? l->a : l->b;
		p[i].b = l->a < l->b ? l->b : l->a;
		p[i].i = i;
	}
	qsort(p, in->nlinks, sizeof(*p), pair_cmp);
	for (i = 1; i < in->nlinks; i++)
		if (p[i].a == p[i - 1].a && p[i].b == p[i - 1].b) {
			fail(e, in->links[p[i].i].src, "link '%s'-'%s' listed twice",
			    in->sites[p[i].a].name, in->sites[p[i].b].name);
			goto out;
		}
	/* (site, ID, member) for every VAN member, then (site, VAN) twice. */
	for (i = 0; i < in->nvans; i++)
		for (j = 0; j < in->vans[i].nmembers; j++) {
			const struct plan_member *m = &in->vans[i].members[j];

			if (m->site >= in->nsites || m->id == 0) {
				fail(e, m->src, "VAN '%s': a member is a site and an ID >= 1",
				    in->vans[i].name);
				goto out;
			}
			p[n].a = m->site;
			p[n].b = m->id;
			p[n++].i = i;		/* the VAN */
		}
	qsort(p, n, sizeof(*p), pair_cmp);
	for (i = 1; i < n; i++)
		if (p[i].a == p[i - 1].a && p[i].b == p[i - 1].b) {
			const struct plan_van *v = &in->vans[p[i].i];
			const void *src = NULL;

			for (j = 0; j < v->nmembers; j++)
				if (v->members[j].site == p[i].a && v->members[j].id == p[i].b)
					src = v->members[j].src;
			fail(e, src, "site '%s' already gives ID %u to VAN '%s'",
			    in->sites[p[i].a].name, p[i].b, in->vans[p[i - 1].i].name);
			goto out;
		}
	for (i = 0; i < in->nvans; i++) {
		const struct plan_van *v = &in->vans[i];

		for (j = 0; j < v->nmembers; j++) {
			p[j].a = v->members[j].site;
			p[j].b = 0;
			p[j].i = j;
		}
		qsort(p, v->nmembers, sizeof(*p), pair_cmp);
		for (j = 1; j < v->nmembers; j++)
			if (p[j].a == p[j - 1].a) {
				fail(e, v->members[p[j].i].src, "VAN '%s': site '%s' "
				    "given twice", v->name, in->sites[p[j].a].name);
				goto out;
			}
	}
	ok = true;
out:
	free(p);
	return ok;
}

/*
 * What no tree can be: forced links in a cycle or past a bound, sites the
 * candidate links cannot join, bounds too tight to hold a tree.
 */
static bool
check_feasible(const struct plan_input *in, struct plan_err *e)
{
	uint32_t n = in->nsites, i, *p = NULL, *deg = NULL, *cand = NULL;
	uint64_t ends = 0;
	bool ok = false;
	char names[PLAN_ERR_MAX / 2];

	p = malloc(n * sizeof(*p));
	deg = calloc(n, sizeof(*deg));
	cand = calloc(n, sizeof(*cand));
	if (p == NULL || deg == NULL || cand == NULL) {
		fail(e, in->src, "out of memory");
		goto out;
	}
	uf_init(p, n);
	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->kind == PLAN_LINK_FORBIDDEN)
			continue;
		cand[l->a]++;
		cand[l->b]++;
		if (l->kind != PLAN_LINK_FORCED)
			continue;
		if (!uf_join(p, l->a, l->b)) {
			fail(e, l->src, "forced link '%s'-'%s' closes a cycle of forced "
			    "links: a tree cannot hold them all", in->sites[l->a].name,
			    in->sites[l->b].name);
			goto out;
		}
		if (++deg[l->a] > in->sites[l->a].max_tunnels ||
		    ++deg[l->b] > in->sites[l->b].max_tunnels) {
			uint32_t s = deg[l->a] > in->sites[l->a].max_tunnels ? l->a : l->b;

			fail(e, l->src, "forced link '%s'-'%s': more forced links at "
			    "site '%s' than its max_tunnels (%u)", in->sites[l->a].name,
			    in->sites[l->b].name, in->sites[s].name,
			    in->sites[s].max_tunnels);
			goto out;
		}
	}
	if (n > 1)
		for (i = 0; i < n; i++)
			if (cand[i] == 0) {
				fail(e, in->sites[i].src, "site '%s': no candidate link "
				    "(none listed, or all forbidden): it cannot be joined",
				    in->sites[i].name);
				goto out;
			}
	for (i = 0; i < in->nlinks; i++)
		if (in->links[i].kind == PLAN_LINK_FREE)
			uf_join(p, in->links[i].a, in->links[i].b);
	for (i = 0; i < n; i++)
		p[i] = uf_find(p, i);
	if (n > 1) {
		uint32_t *size = deg, big = 0, out_n = 0, k = 0, first = PLAN_NONE;

		memset(size, 0, n * sizeof(*size));
		for (i = 0; i < n; i++)
			size[p[i]]++;
		for (i = 0; i < n; i++)
			if (size[i] > size[big])
				big = i;
		if (size[big] < n) {
			for (i = 0; i < n; i++)
				if (p[i] != big)
					out_n++;
			names[0] = '\0';
			for (i = 0; i < n; i++)
				if (p[i] != big) {
					if (first == PLAN_NONE)
						first = i;
					name_list(names, sizeof(names), k++, out_n,
					    in->sites[i].name);
				}
			fail(e, in->sites[first].src, "the candidate links cannot "
			    "join every site: no path from '%s' to %s",
			    in->sites[big].name, names);
			goto out;
		}
	}
	/* Degree bounds: a tree of n sites has 2 (n - 1) link ends. */
	for (i = 0; i < n; i++)
		ends += in->sites[i].max_tunnels < n ? in->sites[i].max_tunnels : n;
	if (n > 1 && ends < 2 * (uint64_t)(n - 1)) {
		fail(e, in->src, "max_tunnels: the sites allow %llu tunnel ends in "
		    "all; a tree of %u sites needs %llu", (unsigned long long)ends, n,
		    2 * (unsigned long long)(n - 1));
		goto out;
	}
	/*
	 * Sites of bound 1 are leaves (n > 2): the others must be joined among
	 * themselves, and each leaf to one of them.
	 */
	if (n > 2) {
		uint32_t root = PLAN_NONE;

		uf_init(p, n);
		memset(cand, 0, n * sizeof(*cand));
		for (i = 0; i < in->nlinks; i++) {
			const struct plan_link *l = &in->links[i];
			bool la = in->sites[l->a].max_tunnels == 1;
			bool lb = in->sites[l->b].max_tunnels == 1;

			if (l->kind == PLAN_LINK_FORBIDDEN)
				continue;
			if (la && lb) {
				if (l->kind == PLAN_LINK_FORCED) {
					fail(e, l->src, "forced link '%s'-'%s' joins two sites of "
					    "max_tunnels 1: they would be cut off from the rest",
					    in->sites[l->a].name, in->sites[l->b].name);
					goto out;
				}
				continue;
			}
			if (la)
				cand[l->a] = 1;
			else if (lb)
				cand[l->b] = 1;
			else
				uf_join(p, l->a, l->b);
		}
		for (i = 0; i < n; i++) {
			if (in->sites[i].max_tunnels == 1) {
				if (!cand[i]) {
					fail(e, in->sites[i].src, "site '%s' (max_tunnels 1) has "
					    "no candidate link to a site that allows 2 or more",
					    in->sites[i].name);
					goto out;
				}
				continue;
			}
			if (root == PLAN_NONE)
				root = uf_find(p, i);
			else if (uf_find(p, i) != root) {
				fail(e, in->sites[i].src, "site '%s' cannot be joined to the "
				    "others without passing through a site of max_tunnels 1",
				    in->sites[i].name);
				goto out;
			}
		}
	}
	ok = true;
out:
	free(p);
	free(deg);
	free(cand);
	return ok;
}

/* ------------------------------------------------------------- kruskal --- */

/*
 * The forced links, then the keyed ones in order while they join two
 * parts (and, with bounded, keep both ends within their bounds).  Fills
 * tl and deg; returns how many links it took.
 */
static uint32_t
kruskal(const struct plan_input *in, const struct keyed *k, uint32_t nk,
    bool bounded, uint32_t *p, uint32_t *tl, uint32_t *deg)
{
	uint32_t i, m = 0, n = in->nsites;

	uf_init(p, n);
	memset(deg, 0, n * sizeof(*deg));
	for (i = 0; i < in->nlinks && m + 1 < n; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->kind == PLAN_LINK_FORCED && uf_join(p, l->a, l->b)) {
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
		if (uf_join(p, l->a, l->b)) {
			deg[l->a]++;
			deg[l->b]++;
			tl[m++] = k[i].link;
		}
	}
	return m;
}

static double
tree_cost(const struct plan_input *in, const uint32_t *tl, uint32_t m)
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
	struct keyed *k;
	double c = -1;

	p = malloc((n + 1) * sizeof(*p));
	tl = malloc((n + 1) * sizeof(*tl));
	deg = malloc((n + 1) * sizeof(*deg));
	k = malloc(((size_t)in->nlinks + 1) * sizeof(*k));
	if (p && tl && deg && k) {
		nk = order_links(in, NULL, k);
		m = kruskal(in, k, nk, false, p, tl, deg);
		if (m + 1 == n)
			c = tree_cost(in, tl, m);
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
exchange(const struct plan_input *in, const struct keyed *k, uint32_t nk,
    uint32_t *tl, uint32_t m, uint32_t *deg, uint32_t *budget)
{
	struct rooted t;
	bool improved = true;
	uint32_t i;

	while (improved && *budget > 0) {
		improved = false;
		if (!rooted_build(&t, in, tl, m))
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
		rooted_free(&t);
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
bounded_tree(const struct plan_input *in, struct keyed *k, uint32_t *tl,
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
		fail(e, in->src, "out of memory");
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
			if ((c = tree_cost(in, cur, m)) < best) {
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
				name_list(names, sizeof(names), j++, over, in->sites[i].name);
			}
		fail(e, in->sites[first].src, "no tree found that keeps every "
		    "max_tunnels bound (the candidate links crowd %s): allow more "
		    "tunnels there, or add candidate links", names);
	}
out:
	free(lambda);
	free(p);
	free(cur);
	free(deg);
	free(udeg);
	return ok;
}

/* --------------------------------------------------- redundancy: standby --- */

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
path_count(const struct rooted *t, const struct plan_link *l, const bool *mark,
    bool want)
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
path_add(const struct rooted *t, const struct plan_link *l, uint32_t *cnt, int d)
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
	const struct keyed *a = x, *b = y;

	return -keyed_cmp(a, b);
}

/*
 * Standby links so that no tree link is a bridge: every tree link lies on
 * the tree path of a standby link.  Greedy by links covered per cost
 * (lazily re-evaluated: the ratio only falls), then reverse delete, the
 * dearest first.  replace[]: per tree link, the cheapest standby over it.
 */
static bool
standby(const struct plan_input *in, struct plan_result *r, struct plan_err *e)
{
	uint32_t n = in->nsites, i, j, nh = 0, nc = 0, *cnt = NULL, *where = NULL;
	struct heap_item *h = NULL;
	struct keyed *chosen = NULL;
	struct rooted t;
	bool *covered = NULL, *intree = NULL, ok = false;

	if (!rooted_build(&t, in, r->tree.links, r->tree.nlinks))
		return fail(e, in->src, "out of memory");
	h = malloc(((size_t)in->nlinks + 1) * sizeof(*h));
	chosen = malloc(((size_t)n + 1) * sizeof(*chosen));
	covered = calloc(n, sizeof(*covered));
	intree = calloc((size_t)in->nlinks + 1, sizeof(*intree));
	cnt = calloc(n, sizeof(*cnt));
	where = malloc(n * sizeof(*where));
	r->replace = malloc(((size_t)r->tree.nlinks + 1) * sizeof(*r->replace));
	if (!h || !chosen || !covered || !intree || !cnt || !where || !r->replace) {
		fail(e, in->src, "out of memory");
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
			fail(e, in->redundancy_src, "redundancy: tree link '%s'-'%s' "
			    "cannot be protected: no other candidate link joins its two "
			    "sides", in->sites[l->a].name, in->sites[l->b].name);
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
	qsort(chosen, nc, sizeof(*chosen), keyed_cmp);
	if ((r->standby = malloc(((size_t)nc + 1) * sizeof(*r->standby))) == NULL) {
		fail(e, in->src, "out of memory");
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
	ok = true;
out:
	rooted_free(&t);
	free(h);
	free(chosen);
	free(covered);
	free(intree);
	free(cnt);
	free(where);
	return ok;
}

/* ------------------------------------------------------- VANs and IDs --- */

struct carry_at {
	uint32_t	site;
	struct plan_carry c;
};

static void
tree_free(struct plan_tree *t)
{
	free(t->links);
	free(t->degree);
	free(t->carry);
	free(t->carry_off);
	memset(t, 0, sizeof(*t));
}

static int
u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static bool
sorted_has(const uint32_t *v, uint32_t n, uint32_t x)
{
	return bsearch(&x, v, n, sizeof(x), u32_cmp) != NULL;
}

/*
 * Per site, sorted: the IDs it uses itself (own), and those it carried
 * in transit in prev (kept for the same VAN, never given to another).
 */
struct idsets {
	uint32_t	*own_off, *own;
	uint32_t	*prev_off, *prev;
};

static void
idsets_free(struct idsets *s)
{
	free(s->own_off);
	free(s->own);
	free(s->prev_off);
	free(s->prev);
}

static bool
idsets_build(const struct plan_input *in, const struct plan_tree *prev,
    struct idsets *s)
{
	uint32_t n = in->nsites, i, j, total = 0, *cur;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < in->nvans; i++)
		total += in->vans[i].nmembers;
	s->own_off = calloc(n + 1, sizeof(uint32_t));
	s->own = malloc(((size_t)total + 1) * sizeof(uint32_t));
	s->prev_off = calloc(n + 1, sizeof(uint32_t));
	s->prev = malloc(((prev ? prev->carry_off[n] : 0) + 1) * sizeof(uint32_t));
	if ((cur = malloc((n + 1) * sizeof(*cur))) == NULL || !s->own_off ||
	    !s->own || !s->prev_off || !s->prev) {
		free(cur);
		idsets_free(s);
		return false;
	}
	for (i = 0; i < in->nvans; i++)
		for (j = 0; j < in->vans[i].nmembers; j++)
			s->own_off[in->vans[i].members[j].site + 1]++;
	for (i = 0; i < n; i++)
		s->own_off[i + 1] += s->own_off[i];
	memcpy(cur, s->own_off, n * sizeof(*cur));
	for (i = 0; i < in->nvans; i++)
		for (j = 0; j < in->vans[i].nmembers; j++)
			s->own[cur[in->vans[i].members[j].site]++] =
			    in->vans[i].members[j].id;
	for (i = 0; i < n; i++) {
		qsort(s->own + s->own_off[i], s->own_off[i + 1] - s->own_off[i],
		    sizeof(uint32_t), u32_cmp);
		s->prev_off[i + 1] = s->prev_off[i];
		if (prev == NULL)
			continue;
		for (j = prev->carry_off[i]; j < prev->carry_off[i + 1]; j++)
			if (prev->carry[j].transit)
				s->prev[s->prev_off[i + 1]++] = prev->carry[j].id;
		qsort(s->prev + s->prev_off[i], s->prev_off[i + 1] - s->prev_off[i],
		    sizeof(uint32_t), u32_cmp);
	}
	free(cur);
	return true;
}

/*
 * For each VAN in two or more sites, the sites of its minimal subtree
 * (rooted at 0: the link above v is in it when v's subtree holds some but
 * not all of the VAN's sites); sites without an ID of their own take the
 * lowest free one of their range (prev's, if they carried it there).
 */
static bool
assign(const struct plan_input *in, struct plan_tree *tr,
    const struct plan_tree *prev, const char *when, struct plan_err *e)
{
	uint32_t n = in->nsites, i, j, k, na = 0, cap = 1024;
	uint32_t *cnt = NULL, *own = NULL, *next = NULL;
	struct carry_at *acc = NULL, *grow;
	struct idsets ids;
	struct rooted t;
	bool *in_sub = NULL, ok = false;

	if (!rooted_build(&t, in, tr->links, tr->nlinks))
		return fail(e, in->src, "out of memory");
	if (!idsets_build(in, prev, &ids)) {
		rooted_free(&t);
		return fail(e, in->src, "out of memory");
	}
	cnt = malloc(n * sizeof(*cnt));
	own = calloc(n, sizeof(*own));
	next = malloc(n * sizeof(*next));
	in_sub = calloc(n, sizeof(*in_sub));
	acc = malloc(cap * sizeof(*acc));
	tr->carry_off = calloc(n + 1, sizeof(uint32_t));
	if (!cnt || !own || !next || !in_sub || !acc || !tr->carry_off) {
		fail(e, in->src, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		next[i] = in->sites[i].transit_lo;
	for (k = 0; k < in->nvans; k++) {
		const struct plan_van *v = &in->vans[k];

		if (v->nmembers < 2)
			continue;
		memset(cnt, 0, n * sizeof(*cnt));
		for (j = 0; j < v->nmembers; j++) {
			own[v->members[j].site] = v->members[j].id;
			cnt[v->members[j].site] = 1;
			in_sub[v->members[j].site] = true;
		}
		for (i = n; i-- > 1;) {
			uint32_t s = t.order[i];

			if (cnt[s] > 0 && cnt[s] < v->nmembers)
				in_sub[s] = in_sub[t.parent[s]] = true;
			cnt[t.parent[s]] += cnt[s];
		}
		for (i = 0; i < n; i++) {
			const struct plan_site *site = &in->sites[i];
			uint32_t id = own[i];
			bool transit = false;

			if (!in_sub[i])
				continue;
			in_sub[i] = false;
			if (id == 0) {
				transit = true;
				if (prev != NULL)
					id = plan_tree_id(prev, i, k, NULL);
			}
			if (id == 0) {
				if (site->transit_lo == 0) {
					fail(e, site->src, "%ssite '%s' carries VAN '%s' in "
					    "transit but has no transit_ids", when, site->name,
					    v->name);
					goto out;
				}
				while (next[i] <= site->transit_hi && next[i] != 0 &&
				    (sorted_has(ids.own + ids.own_off[i],
				    ids.own_off[i + 1] - ids.own_off[i], next[i]) ||
				    sorted_has(ids.prev + ids.prev_off[i],
				    ids.prev_off[i + 1] - ids.prev_off[i], next[i])))
					next[i]++;
				if (next[i] > site->transit_hi || next[i] == 0) {
					fail(e, site->src, "%ssite '%s': transit_ids %u..%u "
					    "are all taken (VAN '%s' needs one)", when, site->name,
					    site->transit_lo, site->transit_hi, v->name);
					goto out;
				}
				id = next[i]++;
			}
			if (na == cap) {
				if ((grow = realloc(acc, 2 * cap * sizeof(*acc))) == NULL) {
					fail(e, in->src, "out of memory");
					goto out;
				}
				acc = grow;
				cap *= 2;
			}
			acc[na].site = i;
			acc[na].c.van = k;
			acc[na].c.id = id;
			acc[na++].c.transit = transit;
			tr->carry_off[i + 1]++;
		}
		for (j = 0; j < v->nmembers; j++)
			own[v->members[j].site] = 0;
	}
	for (i = 0; i < n; i++)
		tr->carry_off[i + 1] += tr->carry_off[i];
	if ((tr->carry = malloc(((size_t)na + 1) * sizeof(*tr->carry))) == NULL) {
		fail(e, in->src, "out of memory");
		goto out;
	}
	memcpy(next, tr->carry_off, n * sizeof(*next));
	for (i = 0; i < na; i++)	/* stable: by VAN within a site */
		tr->carry[next[acc[i].site]++] = acc[i].c;
	ok = true;
out:
	rooted_free(&t);
	idsets_free(&ids);
	free(cnt);
	free(own);
	free(next);
	free(in_sub);
	free(acc);
	return ok;
}

uint32_t
plan_tree_id(const struct plan_tree *t, uint32_t s, uint32_t van, bool *transit)
{
	uint32_t lo = t->carry_off[s], hi = t->carry_off[s + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->carry[mid].van == van) {
			if (transit != NULL)
				*transit = t->carry[mid].transit;
			return t->carry[mid].id;
		}
		if (t->carry[mid].van < van)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
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

static bool
tree_degrees(const struct plan_input *in, struct plan_tree *t)
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

/* ------------------------------------------------------------- summary --- */

/* Hops from s to the farthest site; *far is that site. */
static uint32_t
farthest(const struct rooted *t, const struct plan_input *in, uint32_t s,
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
			uint32_t w = other_end(&in->links[t->adj[j]], v);

			if (dist[w] == PLAN_NONE) {
				dist[w] = dist[v] + 1;
				queue[tail++] = w;
			}
		}
	}
	return best;
}

static bool
summarize(const struct plan_input *in, struct plan_result *r)
{
	struct plan_summary *s = &r->sum;
	uint32_t n = in->nsites, i, j, levels = 1, *up = NULL, *a = NULL, *b = NULL;
	double *dist = NULL, total = 0;
	struct rooted t;
	bool ok = false;

	memset(s, 0, sizeof(*s));
	s->sites = n;
	s->tunnels = r->tree.nlinks;
	s->full_mesh = (uint64_t)n * (n - 1) / 2;
	s->cost = tree_cost(in, r->tree.links, r->tree.nlinks);
	s->standby = r->nstandby;
	s->standby_cost = tree_cost(in, r->standby, r->nstandby);
	s->stretch_max_link = PLAN_NONE;
	for (i = 0; i < n; i++) {
		if (r->tree.degree[i] > s->max_degree)
			s->max_degree = r->tree.degree[i];
		for (j = r->tree.carry_off[i]; j < r->tree.carry_off[i + 1]; j++)
			s->transit += r->tree.carry[j].transit;
	}
	s->mean_degree = (double)2 * r->tree.nlinks / n;
	if (!rooted_build(&t, in, r->tree.links, r->tree.nlinks))
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
	rooted_free(&t);
	free(up);
	free(dist);
	free(a);
	free(b);
	return ok;
}

/* ---------------------------------------------------------------- plan --- */

bool
plan_run(const struct plan_input *in, struct plan_result *r, struct plan_err *e)
{
	uint32_t n = in->nsites, i, m, nk, *p = NULL;
	struct keyed *k = NULL;
	bool ok = false;

	memset(r, 0, sizeof(*r));
	e->src = NULL;
	e->msg[0] = '\0';
	if (!check_input(in, e) || !check_feasible(in, e))
		return false;
	p = malloc(n * sizeof(*p));
	k = malloc(((size_t)in->nlinks + 1) * sizeof(*k));
	r->tree.links = malloc(n * sizeof(uint32_t));
	r->tree.degree = calloc(n, sizeof(uint32_t));
	if (!p || !k || !r->tree.links || !r->tree.degree) {
		fail(e, in->src, "out of memory");
		goto out;
	}
	nk = order_links(in, NULL, k);
	m = kruskal(in, k, nk, false, p, r->tree.links, r->tree.degree);
	r->tree.nlinks = n - 1;
	if (m + 1 != n) {	/* check_feasible saw them connected */
		fail(e, in->src, "the candidate links do not join every site");
		goto out;
	}
	r->exact = within_bounds(in, r->tree.degree);
	if (!r->exact) {
		if (!bounded_tree(in, k, r->tree.links, e))
			goto out;
		free(r->tree.degree);
		r->tree.degree = NULL;
		if (!tree_degrees(in, &r->tree)) {
			fail(e, in->src, "out of memory");
			goto out;
		}
	}
	if (!assign(in, &r->tree, NULL, "", e))
		goto out;
	if (in->redundancy > 0 && n > 1) {
		if (!standby(in, r, e))
			goto out;
		if ((r->failover = calloc(r->tree.nlinks, sizeof(*r->failover))) == NULL) {
			fail(e, in->src, "out of memory");
			goto out;
		}
		for (i = 0; i < r->tree.nlinks; i++) {
			struct plan_tree *f = &r->failover[i];
			const struct plan_link *l = &in->links[r->tree.links[i]];
			char when[PLAN_ERR_MAX / 4];

			if ((f->links = malloc(n * sizeof(uint32_t))) == NULL) {
				fail(e, in->src, "out of memory");
				goto out;
			}
			memcpy(f->links, r->tree.links, (n - 1) * sizeof(uint32_t));
			f->links[i] = r->replace[i];
			f->nlinks = n - 1;
			snprintf(when, sizeof(when), "when link '%s'-'%s' fails, ",
			    in->sites[l->a].name, in->sites[l->b].name);
			if (!tree_degrees(in, f) || !assign(in, f, &r->tree, when, e)) {
				if (e->msg[0] == '\0')
					fail(e, in->src, "out of memory");
				goto out;
			}
		}
	}
	if (!summarize(in, r)) {
		fail(e, in->src, "out of memory");
		goto out;
	}
	ok = true;
out:
	free(p);
	free(k);
	if (!ok)
		plan_result_free(r);
	return ok;
}

void
plan_result_free(struct plan_result *r)
{
	uint32_t i;

	if (r->failover != NULL)
		for (i = 0; i < r->tree.nlinks; i++)
			tree_free(&r->failover[i]);
	free(r->failover);
	tree_free(&r->tree);
	free(r->standby);
	free(r->replace);
	memset(r, 0, sizeof(*r));
}
