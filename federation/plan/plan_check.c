/*
 * plan_check.c — the planner's first step (see plan.h, plan_int.h): the
 * input as given (indices in range, costs positive, one link per pair of
 * sites, a VAN's ID once in a site, a site once in a VAN), then what no
 * tree can be (forced links in a cycle or past a bound, a disconnected
 * candidate graph, degree bounds no tree can meet).  Each refusal names
 * its culprit's source.  Pure.
 */
#include "federation/plan/plan_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
bool
plan_check_input(const struct plan_input *in, struct plan_err *e)
{
	struct pair *p = NULL;
	uint32_t i, j, n = 0, total = 0;
	bool ok = false;

	if (in->nsites == 0)
		return plan_fail(e, in->src, "no sites");
	if (in->redundancy > 1)
		return plan_fail(e, in->redundancy_src, "redundancy: 0 or 1");
	for (i = 0; i < in->nsites; i++)
		if (in->sites[i].max_tunnels == 0)
			return plan_fail(e, in->sites[i].src,
			    "site '%s': max_tunnels 0", in->sites[i].name);
	for (i = 0; i < in->nvans; i++)
		total += in->vans[i].nmembers;
	if ((p = malloc(((size_t)in->nlinks + total + 1) * sizeof(*p))) == NULL)
		return plan_fail(e, in->src, "out of memory");
	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->a >= in->nsites || l->b >= in->nsites || l->a == l->b) {
			plan_fail(e, l->src,
			    "a link joins two different sites");
			goto out;
		}
		if (!(l->cost > 0) || !isfinite(l->cost)) {
			plan_fail(e, l->src,
			    "link '%s'-'%s': its cost must be more than 0",
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
			plan_fail(e, in->links[p[i].i].src,
			    "link '%s'-'%s' listed twice",
			    in->sites[p[i].a].name, in->sites[p[i].b].name);
			goto out;
		}
	/* (site, ID, member) for every VAN member, then (site, VAN) twice. */
	for (i = 0; i < in->nvans; i++)
		for (j = 0; j < in->vans[i].nmembers; j++) {
			const struct plan_member *m = &in->vans[i].members[j];

			if (m->site >= in->nsites || m->id == 0) {
				plan_fail(e, m->src, "VAN '%s': a member is a "
				    "site and an ID >= 1", in->vans[i].name);
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
			plan_fail(e, src,
			    "site '%s' already gives ID %u to VAN '%s'",
			    in->sites[p[i].a].name, p[i].b,
			    in->vans[p[i - 1].i].name);
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
				plan_fail(e, v->members[p[j].i].src,
				    "VAN '%s': site '%s' given twice", v->name,
				    in->sites[p[j].a].name);
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
bool
plan_check_feasible(const struct plan_input *in, struct plan_err *e)
{
	uint32_t n = in->nsites, i, *p = NULL, *deg = NULL, *cand = NULL;
	uint64_t ends = 0;
	bool ok = false;
	char names[PLAN_ERR_MAX / 2];

	p = malloc(n * sizeof(*p));
	deg = calloc(n, sizeof(*deg));
	cand = calloc(n, sizeof(*cand));
	if (p == NULL || deg == NULL || cand == NULL) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	plan_uf_init(p, n);
	for (i = 0; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];

		if (l->kind == PLAN_LINK_FORBIDDEN)
			continue;
		cand[l->a]++;
		cand[l->b]++;
		if (l->kind != PLAN_LINK_FORCED)
			continue;
		if (!plan_uf_join(p, l->a, l->b)) {
			plan_fail(e, l->src,
			    "forced link '%s'-'%s' closes a cycle of forced "
			    "links: a tree cannot hold them all",
			    in->sites[l->a].name, in->sites[l->b].name);
			goto out;
		}
		if (++deg[l->a] > in->sites[l->a].max_tunnels ||
		    ++deg[l->b] > in->sites[l->b].max_tunnels) {
			uint32_t s = deg[l->a] > in->sites[l->a].max_tunnels ? l->a : l->b;

			plan_fail(e, l->src,
			    "forced link '%s'-'%s': more forced links at site "
			    "'%s' than its max_tunnels (%u)",
			    in->sites[l->a].name, in->sites[l->b].name,
			    in->sites[s].name, in->sites[s].max_tunnels);
			goto out;
		}
	}
	if (n > 1)
		for (i = 0; i < n; i++)
			if (cand[i] == 0) {
				plan_fail(e, in->sites[i].src,
				    "site '%s': no candidate link (none "
				    "listed, or all forbidden): it cannot be "
				    "joined", in->sites[i].name);
				goto out;
			}
	for (i = 0; i < in->nlinks; i++)
		if (in->links[i].kind == PLAN_LINK_FREE)
			plan_uf_join(p, in->links[i].a, in->links[i].b);
	for (i = 0; i < n; i++)
		p[i] = plan_uf_find(p, i);
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
					plan_name_list(names, sizeof(names),
					    k++, out_n, in->sites[i].name);
				}
			plan_fail(e, in->sites[first].src,
			    "the candidate links cannot join every site: no "
			    "path from '%s' to %s", in->sites[big].name, names);
			goto out;
		}
	}
	/* Degree bounds: a tree of n sites has 2 (n - 1) link ends. */
	for (i = 0; i < n; i++)
		ends += in->sites[i].max_tunnels < n ? in->sites[i].max_tunnels : n;
	if (n > 1 && ends < 2 * (uint64_t)(n - 1)) {
		plan_fail(e, in->src,
		    "max_tunnels: the sites allow %llu tunnel ends in all; a "
		    "tree of %u sites needs %llu", (unsigned long long)ends, n,
		    2 * (unsigned long long)(n - 1));
		goto out;
	}
	/*
	 * Sites of bound 1 are leaves (n > 2): the others must be joined among
	 * themselves, and each leaf to one of them.
	 */
	if (n > 2) {
		uint32_t root = PLAN_NONE;

		plan_uf_init(p, n);
		memset(cand, 0, n * sizeof(*cand));
		for (i = 0; i < in->nlinks; i++) {
			const struct plan_link *l = &in->links[i];
			bool la = in->sites[l->a].max_tunnels == 1;
			bool lb = in->sites[l->b].max_tunnels == 1;

			if (l->kind == PLAN_LINK_FORBIDDEN)
				continue;
			if (la && lb) {
				if (l->kind == PLAN_LINK_FORCED) {
					plan_fail(e, l->src,
					    "forced link '%s'-'%s' joins two "
					    "sites of max_tunnels 1: they "
					    "would be cut off from the rest",
					    in->sites[l->a].name,
					    in->sites[l->b].name);
					goto out;
				}
				continue;
			}
			if (la)
				cand[l->a] = 1;
			else if (lb)
				cand[l->b] = 1;
			else
				plan_uf_join(p, l->a, l->b);
		}
		for (i = 0; i < n; i++) {
			if (in->sites[i].max_tunnels == 1) {
				if (!cand[i]) {
					plan_fail(e, in->sites[i].src,
					    "site '%s' (max_tunnels 1) has no "
					    "candidate link to a site that "
					    "allows 2 or more",
					    in->sites[i].name);
					goto out;
				}
				continue;
			}
			if (root == PLAN_NONE)
				root = plan_uf_find(p, i);
			else if (plan_uf_find(p, i) != root) {
				plan_fail(e, in->sites[i].src,
				    "site '%s' cannot be joined to the others "
				    "without passing through a site of "
				    "max_tunnels 1", in->sites[i].name);
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
