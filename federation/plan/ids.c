/*
 * ids.c — the planner's VAN IDs (see plan.h, plan_int.h): for each VAN in
 * two or more sites, the sites of its minimal subtree of a tree, and the
 * ID each of them carries it with — its own, or a transit ID from its
 * range.  A transit ID is given once per (site, VAN) over every tree of a
 * plan (struct plan_idsofar, threaded through the main tree and then the
 * failover trees in order): a VAN keeps it in every tree, and no other
 * VAN of that site ever gets it, so the tunnels of different trees can
 * be mixed without one VAN leaking into another.  Pure.
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

/* Per site, sorted: the IDs it uses itself (never a transit ID). */
struct idsets {
	uint32_t	*own_off, *own;
};

static void
idsets_free(struct idsets *s)
{
	free(s->own_off);
	free(s->own);
}

static bool
idsets_build(const struct plan_input *in, struct idsets *s)
{
	uint32_t n = in->nsites, i, j, total = 0, *cur;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < in->nvans; i++)
		total += in->vans[i].nmembers;
	s->own_off = calloc(n + 1, sizeof(uint32_t));
	s->own = malloc(((size_t)total + 1) * sizeof(uint32_t));
	if ((cur = malloc((n + 1) * sizeof(*cur))) == NULL || !s->own_off ||
	    !s->own) {
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
	for (i = 0; i < n; i++)
		qsort(s->own + s->own_off[i], s->own_off[i + 1] - s->own_off[i],
		    sizeof(uint32_t), u32_cmp);
	free(cur);
	return true;
}

/* ------------------------------------------------- the IDs so far --- */

static int
given_cmp(const void *x, const void *y)
{
	const struct plan_given *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

static uint64_t
given_key(uint32_t site, uint32_t van)
{
	return (uint64_t)site << 32 | van;
}

bool
plan_idsofar_init(struct plan_idsofar *so, const struct plan_input *in)
{
	uint32_t i;

	memset(so, 0, sizeof(*so));
	if ((so->next = malloc(((size_t)in->nsites + 1) * sizeof(*so->next))) == NULL)
		return false;
	for (i = 0; i < in->nsites; i++)
		so->next[i] = in->sites[i].transit_lo;
	return true;
}

void
plan_idsofar_free(struct plan_idsofar *so)
{
	free(so->next);
	free(so->given);
	memset(so, 0, sizeof(*so));
}

/* The transit ID site gave van in an earlier tree, 0: none yet. */
static uint32_t
idsofar_find(const struct plan_idsofar *so, uint32_t site, uint32_t van)
{
	struct plan_given k = { given_key(site, van), 0 };
	const struct plan_given *hit = so->n == 0 ? NULL :
	    bsearch(&k, so->given, so->n, sizeof(k), given_cmp);

	return hit != NULL ? hit->id : 0;
}

/* Add the nadd new ones of add (any order), keeping so->given sorted. */
static bool
idsofar_add(struct plan_idsofar *so, struct plan_given *add, uint32_t nadd)
{
	struct plan_given *m;
	uint32_t i = 0, j = 0, k = 0;

	if (nadd == 0)
		return true;
	qsort(add, nadd, sizeof(*add), given_cmp);
	if ((m = malloc(((size_t)so->n + nadd) * sizeof(*m))) == NULL)
		return false;
	while (i < so->n || j < nadd)
		if (j == nadd || (i < so->n && so->given[i].key < add[j].key))
			m[k++] = so->given[i++];
		else
			m[k++] = add[j++];
	free(so->given);
	so->given = m;
	so->n = k;
	return true;
}

/*
 * For each VAN in two or more sites, the sites of its minimal subtree
 * (rooted at 0: the link above v is in it when v's subtree holds some but
 * not all of the VAN's sites); sites without an ID of their own take the
 * one so far gave them for the VAN, else the lowest of their range that
 * no tree has given yet (so->next only rises), and so records it.
 */
bool
plan_ids_assign(const struct plan_input *in, struct plan_tree *tr,
    struct plan_idsofar *so, const char *when, struct plan_err *e)
{
	uint32_t n = in->nsites, i, j, k, na = 0, nnew = 0, cap = 1024;
	uint32_t *cnt = NULL, *own = NULL, *next = NULL;
	struct carry_at *acc = NULL, *grow;
	struct plan_given *fresh = NULL, *fgrow;
	struct idsets ids;
	struct plan_rooted t;
	bool *in_sub = NULL, ok = false;

	if (!plan_rooted_build(&t, in, tr->links, tr->nlinks))
		return plan_fail(e, in->src, "out of memory");
	if (!idsets_build(in, &ids)) {
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
			uint32_t id = own[i], *nx = &so->next[i];
			bool transit = false;

			if (!in_sub[i])
				continue;
			in_sub[i] = false;
			if (id == 0) {
				transit = true;
				id = idsofar_find(so, i, k);
			}
			if (id == 0) {
				if (site->transit_lo == 0) {
					plan_fail(e, site->src,
					    "%ssite '%s' carries VAN '%s' in "
					    "transit but has no transit_ids",
					    when, site->name, v->name);
					goto out;
				}
				while (*nx <= site->transit_hi && *nx != 0 &&
				    sorted_has(ids.own + ids.own_off[i],
				    ids.own_off[i + 1] - ids.own_off[i], *nx))
					(*nx)++;
				if (*nx > site->transit_hi || *nx == 0) {
					plan_fail(e, site->src, "%ssite '%s': "
					    "transit_ids %u..%u are all taken "
					    "(VAN '%s' needs one)", when,
					    site->name, site->transit_lo,
					    site->transit_hi, v->name);
					goto out;
				}
				id = (*nx)++;
				if (nnew % 256 == 0) {
					if ((fgrow = realloc(fresh, ((size_t)nnew +
					    256) * sizeof(*fresh))) == NULL) {
						plan_fail(e, in->src, "out of memory");
						goto out;
					}
					fresh = fgrow;
				}
				fresh[nnew].key = given_key(i, k);
				fresh[nnew++].id = id;
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
	if ((tr->carry = malloc(((size_t)na + 1) * sizeof(*tr->carry))) == NULL ||
	    !idsofar_add(so, fresh, nnew)) {
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
	free(fresh);
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
