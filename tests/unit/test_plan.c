/*
 * test_plan.c — federation/plan/, vanplan's planner (plan.c and the steps
 * it runs), against brute force on small random graphs (up to 7 sites,
 * every spanning tree enumerated):
 * without binding bounds the tree is a minimum spanning tree; with bounds
 * every bound, forced and forbidden link holds, the cost is never below
 * the optimum, and the heuristic finds a tree in (nearly) every instance
 * that has one; standby links survive any one link's loss and none is
 * redundant; each VAN is carried by exactly its minimal subtree, transit
 * IDs come from the range, never collide, and are one per (site, VAN)
 * over the main and every failover tree; and
 * each refusal names its culprit.  Fixed seeds: the same instances every
 * run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "federation/plan/plan.h"

#define N_MAX		7
#define L_MAX		(N_MAX * (N_MAX - 1) / 2)

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

struct inst {
	struct plan_site sites[N_MAX];
	struct plan_link links[L_MAX];
	struct plan_van	vans[4];
	struct plan_member members[4][N_MAX];
	struct plan_input in;
};

/* n sites, each pair a link with probability pct, integer costs 1..9. */
static void
make(struct inst *x, uint32_t n, uint32_t pct)
{
	uint32_t a, b;

	memset(x, 0, sizeof(*x));
	for (a = 0; a < n; a++) {
		snprintf(x->sites[a].name, PLAN_NAME_MAX, "s%u", a);
		x->sites[a].max_tunnels = 256;
		x->sites[a].src = &x->sites[a];
	}
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++)
			if (rnd(100) < pct) {
				struct plan_link *l = &x->links[x->in.nlinks++];

				l->a = rnd(2) ? a : b;
				l->b = l->a == a ? b : a;
				l->cost = 1 + rnd(9);
				l->src = l;
			}
	x->in.sites = x->sites;
	x->in.nsites = n;
	x->in.links = x->links;
	x->in.vans = x->vans;
	x->in.src = &x->in;
	x->in.redundancy_src = &x->in.redundancy;
}

/* ---------------------------------------------------------- brute force --- */

static uint32_t
find(uint32_t *p, uint32_t x)
{
	while (p[x] != x)
		x = p[x];
	return x;
}

struct brute {
	const struct plan_input *in;
	uint32_t	pick[N_MAX];
	uint32_t	deg[N_MAX];
	double		best;
	uint32_t	trees;		/* feasible trees seen */
};

static void
brute_dfs(struct brute *b, uint32_t from, uint32_t m, const uint32_t *p0,
    double cost)
{
	const struct plan_input *in = b->in;
	uint32_t i, p[N_MAX];

	if (m + 1 == in->nsites) {
		for (i = 0; i < in->nlinks; i++) {
			uint32_t j;
			bool have = false;

			if (in->links[i].kind != PLAN_LINK_FORCED)
				continue;
			for (j = 0; j < m; j++)
				have |= b->pick[j] == i;
			if (!have)
				return;
		}
		b->trees++;
		if (cost < b->best)
			b->best = cost;
		return;
	}
	for (i = from; i < in->nlinks; i++) {
		const struct plan_link *l = &in->links[i];
		uint32_t ra, rb;

		if (l->kind == PLAN_LINK_FORBIDDEN)
			continue;
		if (b->deg[l->a] >= in->sites[l->a].max_tunnels ||
		    b->deg[l->b] >= in->sites[l->b].max_tunnels)
			continue;
		memcpy(p, p0, sizeof(p));
		ra = find(p, l->a);
		rb = find(p, l->b);
		if (ra == rb)
			continue;
		p[ra] = rb;
		b->pick[m] = i;
		b->deg[l->a]++;
		b->deg[l->b]++;
		brute_dfs(b, i + 1, m + 1, p, cost + l->cost);
		b->deg[l->a]--;
		b->deg[l->b]--;
	}
}

/* The cheapest feasible tree's cost, or -1 when there is none. */
static double
brute_best(const struct plan_input *in)
{
	struct brute b;
	uint32_t p[N_MAX], i;

	memset(&b, 0, sizeof(b));
	b.in = in;
	b.best = 1e300;
	for (i = 0; i < N_MAX; i++)
		p[i] = i;
	brute_dfs(&b, 0, 0, p, 0);
	return b.trees ? b.best : -1;
}

/* Are the sites connected by links ls[0..m) but `skip`? */
static bool
connected(const struct plan_input *in, const uint32_t *ls, uint32_t m,
    uint32_t skip)
{
	uint32_t p[N_MAX], i, roots = 0;

	for (i = 0; i < in->nsites; i++)
		p[i] = i;
	for (i = 0; i < m; i++)
		if (i != skip) {
			uint32_t ra = find(p, in->links[ls[i]].a);
			uint32_t rb = find(p, in->links[ls[i]].b);

			if (ra != rb)
				p[ra] = rb;
		}
	for (i = 0; i < in->nsites; i++)
		roots += p[i] == i;
	return roots == 1;
}

/* Do links ls[0..m) but `skip` join sites u and v? */
static bool
joins(const struct plan_input *in, const uint32_t *ls, uint32_t m,
    uint32_t skip, uint32_t u, uint32_t v)
{
	uint32_t p[N_MAX], i;

	for (i = 0; i < in->nsites; i++)
		p[i] = i;
	for (i = 0; i < m; i++)
		if (i != skip) {
			uint32_t ra = find(p, in->links[ls[i]].a);
			uint32_t rb = find(p, in->links[ls[i]].b);

			if (ra != rb)
				p[ra] = rb;
		}
	return find(p, u) == find(p, v);
}

/*
 * A valid tree of in: spanning, forced in (but `failed`, when it stands
 * for a failed link), forbidden out, bounds kept (bounded).
 */
static void
check_tree(const struct plan_input *in, const struct plan_tree *t,
    uint32_t failed)
{
	uint32_t deg[N_MAX] = { 0 }, i;

	assert_int_equal(t->nlinks, in->nsites - 1);
	assert_true(connected(in, t->links, t->nlinks, PLAN_NONE));
	for (i = 0; i < t->nlinks; i++) {
		const struct plan_link *l = &in->links[t->links[i]];

		assert_int_not_equal(l->kind, PLAN_LINK_FORBIDDEN);
		deg[l->a]++;
		deg[l->b]++;
	}
	for (i = 0; i < in->nsites; i++) {
		assert_true(deg[i] <= in->sites[i].max_tunnels);
		assert_int_equal(deg[i], t->degree[i]);
	}
	for (i = 0; i < in->nlinks; i++)
		if (in->links[i].kind == PLAN_LINK_FORCED && i != failed)
			assert_true(plan_tree_has(t, i));
}

/* Some links forced (never a cycle of them), some forbidden. */
static void
constrain(struct inst *x)
{
	uint32_t p[N_MAX], i;

	for (i = 0; i < N_MAX; i++)
		p[i] = i;
	for (i = 0; i < x->in.nlinks; i++) {
		struct plan_link *l = &x->links[i];
		uint32_t r = rnd(100), ra, rb;

		if (r < 8) {
			l->kind = PLAN_LINK_FORBIDDEN;
		} else if (r < 14) {
			ra = find(p, l->a);
			rb = find(p, l->b);
			if (ra != rb) {
				p[ra] = rb;
				l->kind = PLAN_LINK_FORCED;
			}
		}
	}
}

/* ---------------------------------------------------------------- tests --- */

/* No bounds: the plan is refused exactly when no tree exists, and else
 * costs exactly the brute-force optimum. */
static void
test_mst_exact(void **state)
{
	struct inst x;
	struct plan_result r;
	struct plan_err e;
	uint32_t it, planned = 0;

	(void)state;
	rng_state = 0x5eed0001;
	for (it = 0; it < 3000; it++) {
		double best;

		make(&x, 2 + rnd(N_MAX - 1), 30 + rnd(70));
		if (it % 2)
			constrain(&x);
		best = brute_best(&x.in);
		if (!plan_run(&x.in, &r, &e)) {
			assert_true(best < 0);
			assert_true(e.msg[0] != '\0');
			continue;
		}
		assert_true(best >= 0);
		assert_true(r.exact);
		check_tree(&x.in, &r.tree, PLAN_NONE);
		assert_true(r.sum.cost == best);
		assert_true(plan_mst_cost(&x.in) == best);
		assert_int_equal(r.sum.tunnels, x.in.nsites - 1);
		plan_result_free(&r);
		planned++;
	}
	assert_true(planned > 1500);
}

/*
 * Degree bounds 1..3: whatever is planned holds every constraint and
 * costs no less than the optimum; nothing is planned where brute force
 * finds no tree; where it finds one, the heuristic nearly always does,
 * and mostly the optimum (the rates are printed).
 */
static void
test_bounds(void **state)
{
	struct inst x;
	struct plan_result r;
	struct plan_err e;
	uint32_t it, feasible = 0, found = 0, optimal = 0, exact = 0;

	(void)state;
	rng_state = 0x5eed0002;
	for (it = 0; it < 3000; it++) {
		uint32_t i;
		double best;

		/* Half of them 7 sites of bound 1 or 2: Hamiltonian paths. */
		make(&x, it % 2 ? N_MAX : 3 + rnd(N_MAX - 2), 40 + rnd(60));
		if (it % 3 == 0)
			constrain(&x);
		for (i = 0; i < x.in.nsites; i++)
			x.sites[i].max_tunnels = 1 + rnd(it % 2 ? 2 : 3);
		best = brute_best(&x.in);
		feasible += best >= 0;
		if (!plan_run(&x.in, &r, &e)) {
			assert_true(e.msg[0] != '\0');
			continue;
		}
		assert_true(best >= 0);
		check_tree(&x.in, &r.tree, PLAN_NONE);
		assert_true(r.sum.cost >= best);
		found++;
		optimal += r.sum.cost == best;
		if (r.exact) {
			exact++;
			assert_true(r.sum.cost == best);
		}
		plan_result_free(&r);
	}
	print_message("bounds: %u feasible instances, a tree found in %u (%.1f%%), "
	    "the optimum in %u (%.1f%%; %u known exact)\n", feasible, found,
	    100.0 * found / feasible, optimal, 100.0 * optimal / feasible, exact);
	assert_true(feasible > 1000);
	assert_true(found * 100 >= feasible * 97);
	assert_true(optimal * 100 >= feasible * 85);
}

/*
 * redundancy 1: planned exactly when the candidate graph has no bridge;
 * then no single link's loss disconnects tree + standby, removing any
 * standby link leaves a link whose loss does, and each failover tree is
 * the tree with its link exchanged for a standby one that reconnects it.
 */
static void
test_redundancy(void **state)
{
	struct inst x;
	struct plan_result r;
	struct plan_err e;
	uint32_t it, planned = 0;

	(void)state;
	rng_state = 0x5eed0003;
	for (it = 0; it < 2000; it++) {
		uint32_t all[L_MAX], na = 0, i, j, k;
		bool bridge = false;

		make(&x, 2 + rnd(N_MAX - 1), 40 + rnd(60));
		if (it % 2)
			constrain(&x);
		x.in.redundancy = 1;
		for (i = 0; i < x.in.nlinks; i++)
			if (x.links[i].kind != PLAN_LINK_FORBIDDEN)
				all[na++] = i;
		if (!connected(&x.in, all, na, PLAN_NONE)) {
			assert_false(plan_run(&x.in, &r, &e));
			continue;
		}
		for (i = 0; i < na; i++)
			bridge |= !connected(&x.in, all, na, i);
		if (brute_best(&x.in) < 0) {	/* forced links alone */
			assert_false(plan_run(&x.in, &r, &e));
			continue;
		}
		if (bridge && x.in.nsites > 1) {
			assert_false(plan_run(&x.in, &r, &e));
			assert_ptr_equal(e.src, &x.in.redundancy);
			assert_non_null(strstr(e.msg, "cannot be protected"));
			continue;
		}
		assert_true(plan_run(&x.in, &r, &e));
		check_tree(&x.in, &r.tree, PLAN_NONE);
		{
			uint32_t u[2 * N_MAX], nu = 0;

			for (i = 0; i < r.tree.nlinks; i++)
				u[nu++] = r.tree.links[i];
			for (i = 0; i < r.nstandby; i++) {
				assert_false(plan_tree_has(&r.tree, r.standby[i]));
				assert_int_not_equal(x.links[r.standby[i]].kind,
				    PLAN_LINK_FORBIDDEN);
				u[nu++] = r.standby[i];
			}
			for (i = 0; i < nu; i++)
				assert_true(connected(&x.in, u, nu, i));
			/* Minimal: without standby k some link is a bridge. */
			for (k = r.tree.nlinks; k < nu; k++) {
				uint32_t w[2 * N_MAX], nw = 0;
				bool some = false;

				for (i = 0; i < nu; i++)
					if (i != k)
						w[nw++] = u[i];
				for (i = 0; i < nw; i++)
					some |= !connected(&x.in, w, nw, i);
				assert_true(some);
			}
		}
		for (i = 0; i < r.tree.nlinks; i++) {
			const struct plan_tree *f = &r.failover[i];
			const struct plan_link *l = &x.links[r.tree.links[i]];
			const struct plan_link *sb = &x.links[r.replace[i]];

			check_tree(&x.in, f, r.tree.links[i]);
			/* replace_swap: which side of the cut the standby's a is. */
			assert_true(joins(&x.in, r.tree.links, r.tree.nlinks, i, sb->a,
			    r.replace_swap[i] ? l->b : l->a));
			assert_false(joins(&x.in, r.tree.links, r.tree.nlinks, i, sb->a,
			    r.replace_swap[i] ? l->a : l->b));
			for (j = 0; j < f->nlinks; j++)
				assert_int_equal(f->links[j], j == i ? r.replace[i] :
				    r.tree.links[j]);
		}
		assert_int_equal(r.sum.standby, r.nstandby);
		plan_result_free(&r);
		planned++;
	}
	assert_true(planned > 500);
}

/* Is s on the path between two members of VAN v in tree t? (brute) */
static bool
in_subtree(const struct plan_input *in, const struct plan_tree *t,
    const struct plan_van *v, uint32_t s)
{
	uint32_t j, k, i, p[N_MAX];

	for (j = 0; j < v->nmembers; j++)
		if (v->members[j].site == s)
			return true;
	/* Without s, are two members apart? */
	for (i = 0; i < in->nsites; i++)
		p[i] = i;
	for (i = 0; i < t->nlinks; i++) {
		const struct plan_link *l = &in->links[t->links[i]];

		if (l->a != s && l->b != s)
			p[find(p, l->a)] = find(p, l->b);
	}
	for (j = 0; j < v->nmembers; j++)
		for (k = j + 1; k < v->nmembers; k++)
			if (find(p, v->members[j].site) != find(p, v->members[k].site))
				return true;
	return false;
}

static void
check_carry(const struct plan_input *in, const struct plan_tree *t)
{
	uint32_t s, k, j;

	for (s = 0; s < in->nsites; s++) {
		for (k = 0; k < in->nvans; k++) {
			const struct plan_van *v = &in->vans[k];
			uint32_t own = 0;
			bool transit = false, want = v->nmembers > 1 &&
			    in_subtree(in, t, v, s);
			uint32_t id = plan_tree_id(t, s, k, &transit);

			for (j = 0; j < v->nmembers; j++)
				if (v->members[j].site == s)
					own = v->members[j].id;
			assert_int_equal(id != 0, want);
			if (!want)
				continue;
			if (own != 0) {
				assert_int_equal(id, own);
				assert_false(transit);
			} else {
				assert_true(transit);
				assert_true(id >= in->sites[s].transit_lo &&
				    id <= in->sites[s].transit_hi);
			}
		}
		/* No ID twice at a site, own ones included. */
		for (j = t->carry_off[s]; j < t->carry_off[s + 1]; j++) {
			uint32_t i2, m;

			for (i2 = j + 1; i2 < t->carry_off[s + 1]; i2++)
				assert_int_not_equal(t->carry[j].id, t->carry[i2].id);
			if (!t->carry[j].transit)
				continue;
			for (k = 0; k < in->nvans; k++)
				for (m = 0; m < in->vans[k].nmembers; m++)
					if (in->vans[k].members[m].site == s)
						assert_int_not_equal(in->vans[k].members[m].id,
						    t->carry[j].id);
		}
	}
}

/*
 * VANs with IDs in random sites (overlapping the transit ranges on
 * purpose): each carried by exactly its minimal subtree, transit IDs in
 * range and unique; over the main and every failover tree a (site, VAN)
 * has one ID, never another VAN's at that site.
 */
static void
test_transit(void **state)
{
	struct inst x;
	struct plan_result r;
	struct plan_err e;
	uint32_t it, transits = 0;

	(void)state;
	rng_state = 0x5eed0004;
	for (it = 0; it < 1500; it++) {
		uint32_t i, k, n = 2 + rnd(N_MAX - 1);

		make(&x, n, 50 + rnd(50));
		x.in.redundancy = it % 2;
		for (i = 0; i < n; i++) {
			x.sites[i].transit_lo = 10 + rnd(3);
			x.sites[i].transit_hi = x.sites[i].transit_lo + 5;
		}
		x.in.nvans = 1 + rnd(4);
		for (k = 0; k < x.in.nvans; k++) {
			struct plan_van *v = &x.vans[k];

			snprintf(v->name, sizeof(v->name), "v%u", k);
			v->members = x.members[k];
			for (i = 0; i < n; i++)
				if (rnd(100) < 40) {
					v->members[v->nmembers].site = i;
					/* 10 + k: an ID of the range, unique at the site */
					v->members[v->nmembers].id = rnd(2) ? 10 + k : 100 + k;
					v->members[v->nmembers].src = &v->members[v->nmembers];
					v->nmembers++;
				}
		}
		if (!plan_run(&x.in, &r, &e))
			continue;
		check_carry(&x.in, &r.tree);
		transits += r.sum.transit;
		if (r.failover != NULL)
			for (i = 0; i < r.tree.nlinks; i++) {
				const struct plan_tree *f = &r.failover[i];
				uint32_t s;

				check_carry(&x.in, f);
				for (s = 0; s < n; s++)
					for (k = 0; k < x.in.nvans; k++) {
						uint32_t b = plan_tree_id(f, s, k, NULL);
						uint32_t j, k2;

						if (b == 0)
							continue;
						/* One ID per (site, VAN) in every tree... */
						for (j = 0; j <= r.tree.nlinks; j++) {
							const struct plan_tree *g = j == 0 ?
							    &r.tree : &r.failover[j - 1];
							uint32_t a = plan_tree_id(g, s, k, NULL);

							if (a != 0)
								assert_int_equal(a, b);
							/* ...and no other VAN's anywhere. */
							for (k2 = 0; k2 < x.in.nvans; k2++)
								if (k2 != k)
									assert_int_not_equal(
									    plan_tree_id(g, s, k2,
									    NULL), b);
						}
					}
			}
		plan_result_free(&r);
	}
	assert_true(transits > 500);
}

/*
 * Two failover trees that each need a new transit ID at one site, for
 * different VANs: x is a leaf of the main tree (x-a, a-b, b-c, c-d) and
 * carries nothing; x-d stands by for every tree link.  When a-b fails,
 * v1 (a, b) goes a-x-d-c-b; when c-d fails, v2 (c, d) goes c-b-a-x-d: x
 * carries v1 in one and v2 in the other.  Their IDs at x differ (one ID
 * per (site, VAN) over all trees), and each VAN keeps its ID at every
 * site in every tree that carries it.
 */
static void
test_transit_once(void **state)
{
	static const uint32_t ends[][2] = { { 0, 1 }, { 1, 2 }, { 2, 3 },
	    { 4, 0 }, { 4, 3 } };
	static const double cost[] = { 1, 1, 1, 1, 10 };
	struct inst x;
	struct plan_result r;
	struct plan_err e;
	uint32_t i, j, k, s, ab = PLAN_NONE, cd = PLAN_NONE, id1, id2;

	(void)state;
	memset(&x, 0, sizeof(x));
	for (i = 0; i < 5; i++) {
		snprintf(x.sites[i].name, PLAN_NAME_MAX, "%c", i < 4 ? 'a' + i : 'x');
		x.sites[i].max_tunnels = 256;
		x.sites[i].transit_lo = 50;
		x.sites[i].transit_hi = 59;
		x.sites[i].src = &x.sites[i];
	}
	for (i = 0; i < 5; i++)
		x.links[i] = (struct plan_link){ ends[i][0], ends[i][1], cost[i],
		    PLAN_LINK_FREE, &x.links[i] };
	for (k = 0; k < 2; k++) {
		snprintf(x.vans[k].name, PLAN_NAME_MAX, "v%u", k + 1);
		x.vans[k].members = x.members[k];
		x.vans[k].nmembers = 2;
		x.members[k][0] = (struct plan_member){ 2 * k, 10 + k, NULL };
		x.members[k][1] = (struct plan_member){ 2 * k + 1, 10 + k, NULL };
	}
	x.in = (struct plan_input){ x.sites, 5, x.links, 5, x.vans, 2, 1, &x.in,
	    &x.in.redundancy };
	assert_true(plan_run(&x.in, &r, &e));
	assert_int_equal(r.nstandby, 1);
	assert_int_equal(r.standby[0], 4);
	for (i = 0; i < r.tree.nlinks; i++) {
		ab = r.tree.links[i] == 0 ? i : ab;
		cd = r.tree.links[i] == 2 ? i : cd;
	}
	assert_int_not_equal(ab, PLAN_NONE);
	assert_int_not_equal(cd, PLAN_NONE);
	/* x carries nothing in the tree, v1 when a-b fails, v2 when c-d does. */
	assert_int_equal(plan_tree_id(&r.tree, 4, 0, NULL), 0);
	assert_int_equal(plan_tree_id(&r.tree, 4, 1, NULL), 0);
	id1 = plan_tree_id(&r.failover[ab], 4, 0, NULL);
	id2 = plan_tree_id(&r.failover[cd], 4, 1, NULL);
	assert_true(id1 >= 50 && id1 <= 59);
	assert_true(id2 >= 50 && id2 <= 59);
	assert_int_not_equal(id1, id2);
	/* Each VAN one ID per site in all five trees. */
	for (k = 0; k < 2; k++)
		for (s = 0; s < 5; s++) {
			uint32_t seen = 0;

			for (j = 0; j <= r.tree.nlinks; j++) {
				const struct plan_tree *t = j == 0 ? &r.tree :
				    &r.failover[j - 1];
				uint32_t id = plan_tree_id(t, s, k, NULL);

				if (id != 0 && seen == 0)
					seen = id;
				else if (id != 0)
					assert_int_equal(id, seen);
			}
		}
	plan_result_free(&r);
}

/* A chain a - b - c with a dear direct a-c: figures of the summary. */
static void
test_summary(void **state)
{
	struct inst x;
	struct plan_result r;
	struct plan_err e;

	(void)state;
	make(&x, 4, 0);
	x.links[0] = (struct plan_link){ 0, 1, 1, PLAN_LINK_FREE, NULL };
	x.links[1] = (struct plan_link){ 1, 2, 2, PLAN_LINK_FREE, NULL };
	x.links[2] = (struct plan_link){ 0, 2, 4, PLAN_LINK_FREE, NULL };
	x.links[3] = (struct plan_link){ 2, 3, 1, PLAN_LINK_FREE, NULL };
	x.links[4] = (struct plan_link){ 0, 3, 2, PLAN_LINK_FREE, NULL };
	x.in.nlinks = 5;
	assert_true(plan_run(&x.in, &r, &e));
	/* tree: 0-1 (1), 2-3 (1), then 1-2 (2, before 0-3 by order): a chain */
	assert_int_equal(r.sum.tunnels, 3);
	assert_int_equal(r.sum.full_mesh, 6);
	assert_true(r.sum.cost == 4);
	assert_int_equal(r.sum.diameter, 3);
	assert_int_equal(r.sum.max_degree, 2);
	assert_int_equal(r.sum.stretch_pairs, 5);
	/* 0-3: 1 + 2 + 1 = 4 over 2; 0-2: 3 over 4; the tree's own: 1 */
	assert_true(r.sum.stretch_max == 2);
	assert_int_equal(r.sum.stretch_max_link, 4);
	assert_true(r.sum.stretch_mean == (1 + 1 + 0.75 + 1 + 2) / 5);
	assert_true(r.exact);
	plan_result_free(&r);
}

static void
expect_fail(struct inst *x, const void *src, const char *msg)
{
	struct plan_result r;
	struct plan_err e;

	assert_false(plan_run(&x->in, &r, &e));
	if (strcmp(e.msg, msg) != 0)
		fail_msg("got '%s', want '%s'", e.msg, msg);
	assert_ptr_equal(e.src, src);
}

/* Each refusal: its message and its culprit. */
static void
test_errors(void **state)
{
	struct inst x;

	(void)state;
	/* Complete graph on 5 sites (links in order 0-1, 0-2, ... 3-4). */
#define K5() do { uint32_t a_, b_; make(&x, 5, 0); \
	for (a_ = 0; a_ < 5; a_++) for (b_ = a_ + 1; b_ < 5; b_++) { \
		x.links[x.in.nlinks] = (struct plan_link){ a_, b_, 1 + a_ + b_, \
		    PLAN_LINK_FREE, &x.links[x.in.nlinks] }; x.in.nlinks++; } } while (0)

	K5();
	x.links[0].kind = x.links[4].kind = x.links[1].kind = PLAN_LINK_FORCED;
	/* 0-1, 0-2, then 1-2 closes the cycle */
	expect_fail(&x, &x.links[4], "forced link 's1'-'s2' closes a cycle of "
	    "forced links: a tree cannot hold them all");
	K5();
	x.links[0].kind = x.links[1].kind = PLAN_LINK_FORCED;
	x.sites[0].max_tunnels = 1;
	expect_fail(&x, &x.links[1], "forced link 's0'-'s2': more forced links "
	    "at site 's0' than its max_tunnels (1)");
	K5();
	x.links[3].kind = x.links[6].kind = x.links[8].kind = PLAN_LINK_FORBIDDEN;
	x.links[9].kind = PLAN_LINK_FORBIDDEN;	/* every link of s4 */
	expect_fail(&x, &x.sites[4], "site 's4': no candidate link (none listed, "
	    "or all forbidden): it cannot be joined");
	K5();
	x.in.nlinks = 0;
	x.links[x.in.nlinks++] = (struct plan_link){ 0, 1, 1, 0, NULL };
	x.links[x.in.nlinks++] = (struct plan_link){ 2, 3, 1, 0, NULL };
	x.links[x.in.nlinks++] = (struct plan_link){ 3, 4, 1, 0, NULL };
	x.links[x.in.nlinks++] = (struct plan_link){ 2, 4, 1, 0, NULL };
	expect_fail(&x, &x.sites[0], "the candidate links cannot join every "
	    "site: no path from 's2' to 's0', 's1'");
	K5();
	x.sites[0].max_tunnels = x.sites[1].max_tunnels = x.sites[2].max_tunnels = 1;
	x.sites[3].max_tunnels = x.sites[4].max_tunnels = 2;
	expect_fail(&x, &x.in, "max_tunnels: the sites allow 7 tunnel ends in "
	    "all; a tree of 5 sites needs 8");
	K5();
	/* s2 reaches s3 and s4 only through s0, a leaf */
	x.sites[0].max_tunnels = x.sites[1].max_tunnels = 1;
	x.links[7].kind = x.links[8].kind = PLAN_LINK_FORBIDDEN;
	x.links[4].kind = PLAN_LINK_FORBIDDEN;	/* s1 - s2 */
	expect_fail(&x, &x.sites[3], "site 's3' cannot be joined to the others "
	    "without passing through a site of max_tunnels 1");
	K5();
	x.links[1] = (struct plan_link){ 1, 0, 3, 0, &x.links[1] };
	expect_fail(&x, &x.links[1], "link 's0'-'s1' listed twice");
	K5();
	x.links[2].cost = 0;
	expect_fail(&x, &x.links[2], "link 's0'-'s3': its cost must be more than 0");
	/* A chain: s2 carries a VAN in transit. */
	make(&x, 3, 0);
	x.links[0] = (struct plan_link){ 0, 1, 1, 0, NULL };
	x.links[1] = (struct plan_link){ 1, 2, 1, 0, NULL };
	x.in.nlinks = 2;
	x.in.nvans = 2;
	x.vans[0] = (struct plan_van){ "blue", x.members[0], 2, NULL };
	x.members[0][0] = (struct plan_member){ 0, 100, NULL };
	x.members[0][1] = (struct plan_member){ 2, 300, NULL };
	x.vans[1] = (struct plan_van){ "red", x.members[1], 2, NULL };
	x.members[1][0] = (struct plan_member){ 0, 200, NULL };
	x.members[1][1] = (struct plan_member){ 2, 400, NULL };
	expect_fail(&x, &x.sites[1], "site 's1' carries VAN 'blue' in transit but "
	    "has no transit_ids");
	x.sites[1].transit_lo = x.sites[1].transit_hi = 7;
	expect_fail(&x, &x.sites[1], "site 's1': transit_ids 7..7 are all taken "
	    "(VAN 'red' needs one)");
	x.members[1][1] = (struct plan_member){ 2, 300, &x.members[1][1] };
	expect_fail(&x, &x.members[1][1], "site 's2' already gives ID 300 to VAN "
	    "'blue'");
	x.members[1][1] = (struct plan_member){ 0, 400, &x.members[1][1] };
	expect_fail(&x, &x.members[1][1], "VAN 'red': site 's0' given twice");
	/* The chain has bridges only. */
	x.members[1][1] = (struct plan_member){ 2, 400, NULL };
	x.sites[1].transit_hi = 8;
	x.in.redundancy = 1;
	expect_fail(&x, &x.in.redundancy, "redundancy: tree link 's0'-'s1' cannot "
	    "be protected: no other candidate link joins its two sides");
	x.in.redundancy = 0;
	{
		struct plan_result r;
		struct plan_err e;
		bool tr;

		assert_true(plan_run(&x.in, &r, &e));
		assert_int_equal(plan_tree_id(&r.tree, 1, 0, &tr), 7);
		assert_true(tr);
		assert_int_equal(plan_tree_id(&r.tree, 1, 1, &tr), 8);
		assert_int_equal(plan_tree_id(&r.tree, 2, 1, &tr), 400);
		assert_false(tr);
		plan_result_free(&r);
	}
#undef K5
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mst_exact),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_redundancy),
		cmocka_unit_test(test_transit),
		cmocka_unit_test(test_transit_once),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
