/*
 * ids.c — the planner's VAN IDs (see plan.h, plan_int.h): for each VAN in
 * two or more sites, the sites of its minimal subtree of a tree, and the
 * ID each of them carries it with — its own, or a transit ID from its
 * range (in a failover tree, the one it had in the tree if it had one).
 * Pure.
 */
#include "federation/plan/plan_int.h"

#include <stdlib.h>
#include <string.h>

struct carry_at {
	uint32_t	site;
	struct plan_carry c;
};

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
bool
plan_ids_assign(const struct plan_input *in, struct plan_tree *tr,
    const struct plan_tree *prev, const char *when, struct plan_err *e)
{
	uint32_t n = in->nsites, i, j, k, na = 0, cap = 1024;
	uint32_t *cnt = NULL, *own = NULL, *next = NULL;
	struct carry_at *acc = NULL, *grow;
	struct idsets ids;
	struct plan_rooted t;
	bool *in_sub = NULL, ok = false;

	if (!plan_rooted_build(&t, in, tr->links, tr->nlinks))
		return plan_fail(e, in->src, "out of memory");
	if (!idsets_build(in, prev, &ids)) {
		plan_rooted_free(&t);
		return plan_fail(e, in->src, "out of memory");
	}
	cnt = malloc(n * sizeof(*cnt));
	own = calloc(n, sizeof(*own));
	next = malloc(n * sizeof(*next));
	in_sub = calloc(n, sizeof(*in_sub));
	acc = malloc(cap * sizeof(*acc));
	tr->carry_off = calloc(n + 1, sizeof(uint32_t));
	if (!cnt || !own || !next || !in_sub || !acc || !tr->carry_off) {
		plan_fail(e, in->src, "out of memory");
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
					plan_fail(e, site->src,
					    "%ssite '%s' carries VAN '%s' in "
					    "transit but has no transit_ids",
					    when, site->name, v->name);
					goto out;
				}
				while (next[i] <= site->transit_hi && next[i] != 0 &&
				    (sorted_has(ids.own + ids.own_off[i],
				    ids.own_off[i + 1] - ids.own_off[i], next[i]) ||
				    sorted_has(ids.prev + ids.prev_off[i],
				    ids.prev_off[i + 1] - ids.prev_off[i], next[i])))
					next[i]++;
				if (next[i] > site->transit_hi || next[i] == 0) {
					plan_fail(e, site->src, "%ssite '%s': "
					    "transit_ids %u..%u are all taken "
					    "(VAN '%s' needs one)", when,
					    site->name, site->transit_lo,
					    site->transit_hi, v->name);
					goto out;
				}
				id = next[i]++;
			}
			if (na == cap) {
				if ((grow = realloc(acc, 2 * cap * sizeof(*acc))) == NULL) {
					plan_fail(e, in->src, "out of memory");
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
		plan_fail(e, in->src, "out of memory");
		goto out;
	}
	memcpy(next, tr->carry_off, n * sizeof(*next));
	for (i = 0; i < na; i++)	/* stable: by VAN within a site */
		tr->carry[next[acc[i].site]++] = acc[i].c;
	ok = true;
out:
	plan_rooted_free(&t);
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
