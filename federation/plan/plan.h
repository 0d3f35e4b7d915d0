/*
 * plan.h — vanplan's planner: from sites, candidate links with costs, VANs
 * and constraints to the tree of tunnels between the sites' proxies, the
 * standby tunnels that keep the federation whole when one tunnel fails,
 * the VAN IDs every site uses on every tunnel (transit sites get theirs
 * from their range) and the figures of the summary (docs/vanplan.md).
 *
 * Pure: no I/O, no libconfig, no clock.  Errors fill a struct plan_err
 * with a message and the opaque source of the culprit (the caller's
 * libconfig setting, so that it can say FILE:LINE).  It knows no file
 * format and no key: the inventory parser (planconf.c) and the writers
 * (planout.c) do.
 *
 * What is guaranteed (tests/unit/test_plan.c checks it against brute
 * force):
 *   - every site bound and every forced and forbidden link is respected,
 *     or the plan is refused with the reason;
 *   - when the cheapest tree that contains the forced links also keeps the
 *     degree bounds (always, without bounds), the tree is that tree: a
 *     minimum spanning tree (plan_result.exact);
 *   - otherwise (a degree bound binds: NP-hard) the tree is a heuristic's
 *     (Lagrangian penalties on the sites' degrees, bounded Kruskal, edge
 *     exchanges): feasible, not necessarily minimal, and a feasible tree
 *     may exist where the heuristic finds none (it then names the sites
 *     whose bounds it could not meet);
 *   - with redundancy 1, tree and standby links together survive the loss
 *     of any one link, and no standby link can be dropped without losing
 *     that (minimal, not minimum: the cheapest such set is NP-hard too).
 */
#ifndef FEDERATION_PLAN_PLAN_H
#define FEDERATION_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAN_NAME_MAX		32	/* as BRIDGE_NAME_MAX: a peer or VAN name */
#define PLAN_ERR_MAX		512
#define PLAN_SITE_MAX		1000000
#define PLAN_LINK_MAX		10000000
#define PLAN_VAN_MAX		100000
#define PLAN_REDUNDANCY_MAX	1	/* standby tunnels: none, or one set */
#define PLAN_NONE		UINT32_MAX

enum plan_link_kind {
	PLAN_LINK_FREE,
	PLAN_LINK_FORCED,	/* in the tree, whatever it costs */
	PLAN_LINK_FORBIDDEN	/* never a tunnel, tree or standby */
};

struct plan_site {
	char		name[PLAN_NAME_MAX];
	uint32_t	max_tunnels;	/* tree tunnels at most; >= 1 */
	uint32_t	transit_lo;	/* IDs for transit VANs; lo 0: none */
	uint32_t	transit_hi;
	const void	*src;		/* the caller's, for errors */
};

struct plan_link {
	uint32_t	a, b;		/* site indices, a != b */
	double		cost;		/* > 0 */
	enum plan_link_kind kind;
	const void	*src;
};

/* A VAN's ID in a site that has nodes of it. */
struct plan_member {
	uint32_t	site;
	uint32_t	id;		/* >= 1 */
	const void	*src;
};

struct plan_van {
	char		name[PLAN_NAME_MAX];
	struct plan_member *members;
	uint32_t	nmembers;
	const void	*src;
};

struct plan_input {
	struct plan_site *sites;
	uint32_t	nsites;
	struct plan_link *links;	/* at most one per pair of sites */
	uint32_t	nlinks;
	struct plan_van	*vans;
	uint32_t	nvans;
	unsigned	redundancy;	/* 0, or 1: survive any one link's loss */
	const void	*src;		/* for errors of the whole (e.g. the sites list) */
	const void	*redundancy_src;
};

struct plan_err {
	const void	*src;		/* where, as the input gave it; NULL: nowhere */
	char		msg[PLAN_ERR_MAX];
};

/* What one site carries of one VAN: its own ID, or a transit ID. */
struct plan_carry {
	uint32_t	van;
	uint32_t	id;
	bool		transit;
};

/*
 * A tree and what it carries.  links: n - 1 link indices.  carry: per
 * site s, carry[carry_off[s] .. carry_off[s + 1]), sorted by VAN; a VAN
 * that crosses no tunnel (nodes in one site only) is carried nowhere.
 * A tunnel a-b carries every VAN that both a and b carry.
 */
struct plan_tree {
	uint32_t	*links;
	uint32_t	nlinks;
	uint32_t	*degree;	/* per site */
	struct plan_carry *carry;
	uint32_t	*carry_off;	/* nsites + 1 */
};

struct plan_summary {
	uint32_t	sites;
	uint32_t	tunnels;
	uint64_t	full_mesh;	/* n (n - 1) / 2 */
	double		cost;
	uint32_t	standby;
	double		standby_cost;
	uint32_t	stretch_pairs;	/* candidate links (forbidden ones not) */
	double		stretch_max;	/* tree path cost / direct link cost */
	double		stretch_mean;
	uint32_t	stretch_max_link;	/* the link of stretch_max */
	uint32_t	diameter;	/* hops */
	uint32_t	max_degree;
	double		mean_degree;
	uint32_t	transit;	/* (site, VAN) pairs carried in transit */
};

struct plan_result {
	struct plan_tree tree;
	bool		exact;		/* a minimum spanning tree (see above) */
	uint32_t	*standby;	/* link indices, by cost */
	uint32_t	nstandby;
	/*
	 * redundancy 1: per tree link (index into tree.links) the standby
	 * link that replaces it, and the tree with that exchange made.  A
	 * (site, VAN) has one ID in the tree and every failover tree, an ID
	 * no other VAN of that site has in any of them.
	 */
	uint32_t	*replace;
	/*
	 * Per tree link i, how replace[i] = S-T (link a, b) lies over it
	 * when it is cut: false when S is on the side of tree link i's end
	 * a (and T on b's), true when S is on b's side.
	 */
	bool		*replace_swap;
	struct plan_tree *failover;
	struct plan_summary sum;
};

/*
 * Plan: true with *r filled (free it with plan_result_free), or false
 * with *err.  The input is only read.
 */
bool	plan_run(const struct plan_input *, struct plan_result *r,
	    struct plan_err *err);
void	plan_result_free(struct plan_result *);

/* The ID of VAN van at site s in tree t, 0 if it does not carry it. */
uint32_t plan_tree_id(const struct plan_tree *t, uint32_t s, uint32_t van,
	    bool *transit);
/* Is link l one of t's? (linear) */
bool	plan_tree_has(const struct plan_tree *t, uint32_t l);

/* ----------------------------------------------- for the tests, benches --- */

/* The plain minimum spanning tree cost over non-forbidden links with the
 * forced ones in (Kruskal); -1 when they do not span.  No bounds. */
double	plan_mst_cost(const struct plan_input *);

#endif /* FEDERATION_PLAN_PLAN_H */
