/*
 * plan.c — see plan.h.  Pure.  plan_run's steps, each a file of its own
 * (plan_int.h is what they share):
 *
 *   plan_check.c  check the input; refuse what cannot be a tree (forced
 *                 cycles, a disconnected candidate graph, degree bounds no
 *                 tree can meet)
 *   tree.c        Kruskal over the forced links, then the others by cost;
 *                 when a degree bound binds, Lagrangian rounds of bounded
 *                 Kruskal and edge exchanges
 *   ids.c         the VANs' subtrees and transit IDs
 *   standby.c     with redundancy, the standby links (a greedy cover of
 *                 the tree's links, then reverse delete); here, the tree
 *                 each one makes when a tree link fails, and its IDs:
 *                 one ID per (site, VAN) over all the trees, given in
 *                 their order (the main tree's first)
 *   summary.c     the summary
 *
 * Trees are rooted at site 0 by struct plan_rooted (tree.c): parent,
 * parent link, depth, and a BFS order (parents before children).
 */
#include "federation/plan/plan.h"
#include "federation/plan/plan_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_SHOWN		5

bool
plan_fail(struct plan_err *e, const void *src, const char *fmt, ...)
{
	va_list ap;

	e->src = src;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return false;
}

void
plan_name_list(char *buf, size_t len, unsigned i, unsigned total,
    const char *name)
{
	size_t n = strlen(buf);

	if (i < NAMES_SHOWN)
		snprintf(buf + n, len - n, "%s'%s'", i ? ", " : "", name);
	else if (i == NAMES_SHOWN)
		snprintf(buf + n, len - n, " and %u more", total - NAMES_SHOWN);
}

static void
tree_free(struct plan_tree *t)
{
	free(t->links);
	free(t->degree);
	free(t->carry);
	free(t->carry_off);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- plan --- */

bool
plan_run(const struct plan_input *in, struct plan_result *r, struct plan_err *e)
{
	uint32_t n = in->nsites, i;
	struct plan_idsofar so;
	bool ok = false;

	memset(r, 0, sizeof(*r));
	memset(&so, 0, sizeof(so));
	e->src = NULL;
	e->msg[0] = '\0';
	if (!plan_check_input(in, e) || !plan_check_feasible(in, e))
		return false;
	if (!plan_idsofar_init(&so, in)) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	if (!plan_tree_build(in, &r->tree, &r->exact, e))
		goto out;
	if (!plan_ids_assign(in, &r->tree, &so, "", e))
		goto out;
	if (in->redundancy > 0 && n > 1) {
		if (!plan_standby(in, r, e))
			goto out;
		if ((r->failover = calloc(r->tree.nlinks, sizeof(*r->failover))) == NULL) {
			plan_fail(e, in->src, "out of memory");
			goto out;
		}
		for (i = 0; i < r->tree.nlinks; i++) {
			struct plan_tree *f = &r->failover[i];
			const struct plan_link *l = &in->links[r->tree.links[i]];
			char when[PLAN_ERR_MAX / 4];

			if ((f->links = malloc(n * sizeof(uint32_t))) == NULL) {
				plan_fail(e, in->src, "out of memory");
				goto out;
			}
			memcpy(f->links, r->tree.links, (n - 1) * sizeof(uint32_t));
			f->links[i] = r->replace[i];
			f->nlinks = n - 1;
			snprintf(when, sizeof(when), "when link '%s'-'%s' fails, ",
			    in->sites[l->a].name, in->sites[l->b].name);
			if (!plan_tree_degrees(in, f) ||
			    !plan_ids_assign(in, f, &so, when, e)) {
				if (e->msg[0] == '\0')
					plan_fail(e, in->src, "out of memory");
				goto out;
			}
		}
	}
	if (!plan_summarize(in, r)) {
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	ok = true;
out:
	plan_idsofar_free(&so);
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
	free(r->replace_swap);
	memset(r, 0, sizeof(*r));
}
