/*
 * plan_int.h — what the planner's files share (plan.c runs the steps;
 * plan_check.c, tree.c, ids.c, standby.c and summary.c are the steps):
 * the error filler, union-find over the sites, links ordered by a key,
 * trees rooted at site 0, and each step's entry point.  Pure, as the
 * planner.  Not for other files: plan.h is the planner's interface.
 */
#ifndef FEDERATION_PLAN_PLAN_INT_H
#define FEDERATION_PLAN_PLAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "federation/plan/plan.h"

/* plan.c.  Fill e (message, source); false. */
bool	plan_fail(struct plan_err *e, const void *src, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Append ", 'name'" to buf, or " (and N more)" past the first few. */
void	plan_name_list(char *buf, size_t len, unsigned i, unsigned total,
	    const char *name);

/* ---------------------------------------------------------- union-find --- */

static inline uint32_t
plan_uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static inline bool
plan_uf_join(uint32_t *p, uint32_t a, uint32_t b)
{
	a = plan_uf_find(p, a);
	b = plan_uf_find(p, b);
	if (a == b)
		return false;
	if (a < b)
		p[b] = a;
	else
		p[a] = b;
	return true;
}

static inline void
plan_uf_init(uint32_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = i;
}

/* ------------------------------------------------------ tree.c: sorting --- */

struct plan_keyed {
	double		key;
	double		cost;
	uint32_t	link;
};

/* By key, then cost, then link index (qsort). */
int	plan_keyed_cmp(const void *, const void *);

/* ------------------------------------------------------- tree.c: rooted --- */

/*
 * A spanning tree rooted at site 0: parent, parent link, depth, and a BFS
 * order (parents before children).
 */
struct plan_rooted {
	uint32_t	*parent;	/* PLAN_NONE at the root */
	uint32_t	*plink;		/* the link to the parent */
	uint32_t	*depth;
	uint32_t	*order;		/* BFS: parents first */
	uint32_t	*adj_off;	/* n + 1 */
	uint32_t	*adj;		/* link indices */
};

/* Root the tree of links tl[0..m) (spanning) at site 0; false: no memory. */
bool	plan_rooted_build(struct plan_rooted *t, const struct plan_input *in,
	    const uint32_t *tl, uint32_t m);
void	plan_rooted_free(struct plan_rooted *t);

static inline uint32_t
plan_other_end(const struct plan_link *l, uint32_t s)
{
	return l->a == s ? l->b : l->a;
}

/* ------------------------------------------------------------ the steps --- */

/* plan_check.c.  Indices in range, costs positive, one link per pair, IDs
 * once a site. */
bool	plan_check_input(const struct plan_input *, struct plan_err *);
/* plan_check.c.  What no tree can be: forced links in a cycle or past a
 * bound, sites the candidate links cannot join, bounds too tight. */
bool	plan_check_feasible(const struct plan_input *, struct plan_err *);

/* tree.c.  The tree (t->links, nlinks, degree) of a checked input: the
 * minimum spanning tree with the forced links (*exact) or, when a bound
 * binds, the heuristic's. */
bool	plan_tree_build(const struct plan_input *, struct plan_tree *t,
	    bool *exact, struct plan_err *);
/* tree.c.  The cost of links tl[0..m). */
double	plan_tree_cost(const struct plan_input *, const uint32_t *tl,
	    uint32_t m);
/* tree.c.  t->degree from t->links; false: no memory. */
bool	plan_tree_degrees(const struct plan_input *, struct plan_tree *t);

/*
 * ids.c.  The transit IDs given so far, over the trees of one plan: per
 * (site, VAN) the one ID, and per site the next ID of its range no tree
 * has given (own IDs are skipped as they come).  given: sorted by key
 * (site << 32 | VAN).
 */
struct plan_given {
	uint64_t	key;
	uint32_t	id;
};

struct plan_idsofar {
	uint32_t	*next;		/* per site */
	struct plan_given *given;
	uint32_t	n;
};

bool	plan_idsofar_init(struct plan_idsofar *, const struct plan_input *);
void	plan_idsofar_free(struct plan_idsofar *);
/* ids.c.  The VANs' subtrees of tr and the IDs each site carries them
 * with: tr->carry, carry_off; a transit ID the one so gave the (site,
 * VAN) before, else a new one, which so then records.  when: prefixed
 * to messages. */
bool	plan_ids_assign(const struct plan_input *, struct plan_tree *tr,
	    struct plan_idsofar *so, const char *when, struct plan_err *);

/* standby.c.  With redundancy: r->standby, nstandby and replace. */
bool	plan_standby(const struct plan_input *, struct plan_result *r,
	    struct plan_err *);

/* summary.c.  r->sum; false: no memory. */
bool	plan_summarize(const struct plan_input *, struct plan_result *r);

#endif /* FEDERATION_PLAN_PLAN_INT_H */
