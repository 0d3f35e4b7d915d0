/*
 * planout.c — see planout.h.  The peering file is exactly docs/proxy.md
 * §6's, written by proxy/peering.c's writer from its model (vanproxy's
 * parser reads it: tests/golden/plan.sh checks that on the examples);
 * comments name the VAN of each pair.  With standby tunnels the files
 * carry every failover too: each tree tunnel the union of the pairs all
 * trees put on it, each standby tunnel a peer of its own (struct model).  Peers come in the
 * inventory's order of sites, pairs in the order of its VANs, so the
 * same inventory always gives the same bytes.  A gateway pair's
 * keepalived.conf is proxy/pair.c's text.
 */
#include "federation/plan/planout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto/key.h"
#include "edge/van/bridge.h"
#include "federation/plan/planpair.h"
#include "proxy/pair.h"
#include "proxy/peering.h"

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The VANs tunnel a-b of t carries: both ends carry them (sorted merge). */
struct common {
	uint32_t	i, j, end_i, end_j;
};

static void
common_start(struct common *c, const struct plan_tree *t, uint32_t a, uint32_t b)
{
	c->i = t->carry_off[a];
	c->end_i = t->carry_off[a + 1];
	c->j = t->carry_off[b];
	c->end_j = t->carry_off[b + 1];
}

/* The next common VAN: *x at a, *y at b; false when done. */
static bool
common_next(struct common *c, const struct plan_tree *t,
    const struct plan_carry **x, const struct plan_carry **y)
{
	while (c->i < c->end_i && c->j < c->end_j) {
		const struct plan_carry *p = &t->carry[c->i], *q = &t->carry[c->j];

		if (p->van < q->van)
			c->i++;
		else if (p->van > q->van)
			c->j++;
		else {
			*x = p;
			*y = q;
			c->i++;
			c->j++;
			return true;
		}
	}
	return false;
}

/* The neighbours of s in t, in site order, into nb (t->degree[s] of them). */
static uint32_t
neighbours(const struct planconf *pc, const struct plan_tree *t, uint32_t s,
    uint32_t *nb)
{
	uint32_t i, n = 0, j;

	for (i = 0; i < t->nlinks; i++) {
		const struct plan_link *l = &pc->in.links[t->links[i]];
		uint32_t o;

		if (l->a != s && l->b != s)
			continue;
		o = l->a == s ? l->b : l->a;
		for (j = n++; j > 0 && nb[j - 1] > o; j--)
			nb[j] = nb[j - 1];
		nb[j] = o;
	}
	return n;
}

/* ------------------------------------------------------------- model --- */

/*
 * What site s's two files say, from every tree of the plan (the main
 * tree, and with redundancy the failover tree of each tree link): its
 * peers in site order — each tree neighbour with its tunnel (ID i + 1
 * for tree link i, end 0 the end of lower site index) and the union of
 * the pairs every tree puts on that link; each standby neighbour with
 * the tree tunnels its link replaces (and which end of each is on our
 * side of the cut) and the union of the pairs of those failover trees —
 * and every VAN it carries in any tree.  One ID per (site, VAN) over all
 * trees (ids.c) makes the unions sets of VANs.
 */
struct model {
	const struct planconf *pc;
	struct proxy_peer *peers;
	unsigned	npeers;
	struct proxy_pair *pairs;		/* every peer's, one array */
	struct proxy_cover *covers;		/* every standby peer's */
	const struct plan_carry **here, **there;	/* per pair */
	const struct plan_carry **vans;		/* vans.conf, by VAN */
	unsigned	nvans;
	uint32_t	*link;			/* per peer: its link */
};

static void
model_free(struct model *m)
{
	free(m->peers);
	free(m->pairs);
	free(m->covers);
	free(m->here);
	free(m->there);
	free(m->vans);
	free(m->link);
	memset(m, 0, sizeof(*m));
}

static uint32_t
ntrees(const struct plan_result *r)
{
	return 1 + (r->failover != NULL ? r->tree.nlinks : 0);
}

static const struct plan_tree *
tree_nth(const struct plan_result *r, uint32_t f)
{
	return f == 0 ? &r->tree : &r->failover[f - 1];
}

/* Is link l in tree f?  Tree link i is in all but its own failover tree;
 * a standby link in the failover trees of the links it replaces. */
static bool
tree_holds(const struct plan_result *r, uint32_t f, uint32_t tl, uint32_t l)
{
	if (tl != PLAN_NONE)
		return f != tl + 1;
	return f > 0 && r->replace[f - 1] == l;
}

static uint32_t
other_end(const struct plan_link *l, uint32_t s)
{
	return l->a == s ? l->b : l->a;
}

/* The end of tree link l that site s is: 0 the lower site index. */
static uint8_t
tunnel_end(const struct plan_link *l, uint32_t s)
{
	return s == (l->a < l->b ? l->a : l->b) ? 0 : 1;
}

/*
 * What every site's model is built with, made once per plan (so that a
 * site costs its own links, not the federation's): each site's links —
 * tree links with their index, standby links with PLAN_NONE — by the
 * other end's index; and scratch per VAN, kept clear between sites.
 */
struct outctx {
	uint32_t	*adj_off;	/* nsites + 1 */
	struct adj {
		uint32_t	other, link, tl;
	}		*adj;
	const struct plan_carry **mx, **my;	/* per VAN, NULL when clear */
	uint32_t	*touched;	/* VANs set in mx */
	uint32_t	ntouched;
};

static void
outctx_free(struct outctx *x)
{
	free(x->adj_off);
	free(x->adj);
	free(x->mx);
	free(x->my);
	free(x->touched);
	memset(x, 0, sizeof(*x));
}

static int
adj_cmp(const void *p, const void *q)
{
	const struct adj *a = p, *b = q;

	return a->other < b->other ? -1 : a->other > b->other;
}

static bool
outctx_init(struct outctx *x, const struct planconf *pc, const struct plan_result *r)
{
	uint32_t n = pc->in.nsites, nv = pc->in.nvans, i, k, *cur = NULL;
	uint32_t nsb = r->failover != NULL ? r->nstandby : 0;

	memset(x, 0, sizeof(*x));
	x->adj_off = calloc((size_t)n + 1, sizeof(*x->adj_off));
	x->adj = malloc(2 * ((size_t)r->tree.nlinks + nsb + 1) * sizeof(*x->adj));
	x->mx = calloc((size_t)nv + 1, sizeof(*x->mx));
	x->my = calloc((size_t)nv + 1, sizeof(*x->my));
	x->touched = malloc(((size_t)nv + 1) * sizeof(*x->touched));
	cur = malloc(((size_t)n + 1) * sizeof(*cur));
	if (!x->adj_off || !x->adj || !x->mx || !x->my || !x->touched || !cur) {
		free(cur);
		outctx_free(x);
		return false;
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < r->tree.nlinks + nsb; i++) {
			uint32_t l = i < r->tree.nlinks ? r->tree.links[i] :
			    r->standby[i - r->tree.nlinks];
			uint32_t tl = i < r->tree.nlinks ? i : PLAN_NONE;
			const struct plan_link *pl = &pc->in.links[l];

			if (k == 0) {
				x->adj_off[pl->a + 1]++;
				x->adj_off[pl->b + 1]++;
				continue;
			}
			x->adj[cur[pl->a]++] = (struct adj){ pl->b, l, tl };
			x->adj[cur[pl->b]++] = (struct adj){ pl->a, l, tl };
		}
		if (k == 0) {
			for (i = 0; i < n; i++)
				x->adj_off[i + 1] += x->adj_off[i];
			memcpy(cur, x->adj_off, n * sizeof(*cur));
		}
	}
	for (i = 0; i < n; i++)
		qsort(x->adj + x->adj_off[i], x->adj_off[i + 1] - x->adj_off[i],
		    sizeof(*x->adj), adj_cmp);
	free(cur);
	return true;
}

static int
u32_cmp(const void *p, const void *q)
{
	uint32_t a = *(const uint32_t *)p, b = *(const uint32_t *)q;

	return a < b ? -1 : a > b;
}

/* Mark VAN van (at us: cx, there: cy) once; the marks are sorted later. */
static void
outctx_mark(struct outctx *x, const struct plan_carry *cx, const struct plan_carry *cy)
{
	if (x->mx[cx->van] != NULL)
		return;
	x->mx[cx->van] = cx;
	x->my[cx->van] = cy;
	x->touched[x->ntouched++] = cx->van;
}

static void
outctx_clear(struct outctx *x)
{
	uint32_t i;

	for (i = 0; i < x->ntouched; i++)
		x->mx[x->touched[i]] = x->my[x->touched[i]] = NULL;
	x->ntouched = 0;
}

/* The union of the trees' pairs on link l (tree link tl) at site s, marked. */
static void
union_pairs(struct outctx *x, const struct plan_result *r, uint32_t s,
    const struct adj *e)
{
	const struct plan_carry *cx, *cy;
	struct common cm;
	uint32_t f;

	for (f = 0; f < ntrees(r); f++) {
		const struct plan_tree *tr = tree_nth(r, f);

		if (!tree_holds(r, f, e->tl, e->link))
			continue;
		common_start(&cm, tr, s, e->other);
		while (common_next(&cm, tr, &cx, &cy))
			outctx_mark(x, cx, cy);
	}
	qsort(x->touched, x->ntouched, sizeof(*x->touched), u32_cmp);
}

static bool
model_build(struct outctx *x, const struct planconf *pc,
    const struct plan_result *r, uint32_t s, struct model *m)
{
	const struct adj *adj = x->adj + x->adj_off[s];
	uint32_t na = x->adj_off[s + 1] - x->adj_off[s], i, j, f;
	uint32_t npairs = 0, ncovers = 0, np = 0, nc = 0;

	memset(m, 0, sizeof(*m));
	m->pc = pc;
	/* Count, then fill. */
	for (i = 0; i < na; i++) {
		union_pairs(x, r, s, &adj[i]);
		npairs += x->ntouched;
		outctx_clear(x);
		for (j = 0; adj[i].tl == PLAN_NONE && j < r->tree.nlinks; j++)
			ncovers += r->replace[j] == adj[i].link;
	}
	m->peers = calloc((size_t)na + 1, sizeof(*m->peers));
	m->link = calloc((size_t)na + 1, sizeof(*m->link));
	m->pairs = calloc((size_t)npairs + 1, sizeof(*m->pairs));
	m->here = calloc((size_t)npairs + 1, sizeof(*m->here));
	m->there = calloc((size_t)npairs + 1, sizeof(*m->there));
	m->covers = calloc((size_t)ncovers + 1, sizeof(*m->covers));
	if (!m->peers || !m->link || !m->pairs || !m->here || !m->there || !m->covers)
		goto fail;
	for (i = 0, npairs = 0; i < na; i++) {
		const struct adj *e = &adj[i];
		struct proxy_peer *p = &m->peers[np];

		m->link[np++] = e->link;
		p->pairs = &m->pairs[npairs];
		union_pairs(x, r, s, e);
		for (j = 0; j < x->ntouched; j++) {
			uint32_t v = x->touched[j];

			m->here[npairs] = x->mx[v];
			m->there[npairs] = x->my[v];
			m->pairs[npairs].local = x->mx[v]->id;
			m->pairs[npairs++].remote = x->my[v]->id;
			p->npairs++;
		}
		outctx_clear(x);
		if (e->tl != PLAN_NONE && r->failover != NULL) {
			p->tunnel = e->tl + 1;
			p->tunnel_end = tunnel_end(&pc->in.links[e->link], s);
			p->failover_after = pc->failover_after;
			p->failback_after = pc->failback_after;
		}
		p->covers = &m->covers[nc];
		for (j = 0; e->tl == PLAN_NONE && j < r->tree.nlinks; j++) {
			const struct plan_link *tl = &pc->in.links[r->tree.links[j]];
			const struct plan_link *sb = &pc->in.links[e->link];
			bool on_a = (s == sb->a) != r->replace_swap[j];

			if (r->replace[j] != e->link)
				continue;
			m->covers[nc].tunnel = j + 1;
			m->covers[nc++].end = tunnel_end(tl, on_a ? tl->a : tl->b);
			p->ncovers++;
		}
	}
	m->npeers = np;
	/* Every VAN we carry in any tree: its one ID here. */
	for (f = 0; f < ntrees(r); f++) {
		const struct plan_tree *tr = tree_nth(r, f);

		for (i = tr->carry_off[s]; i < tr->carry_off[s + 1]; i++)
			outctx_mark(x, &tr->carry[i], &tr->carry[i]);
	}
	qsort(x->touched, x->ntouched, sizeof(*x->touched), u32_cmp);
	if ((m->vans = calloc((size_t)x->ntouched + 1, sizeof(*m->vans))) == NULL)
		goto fail;
	for (i = 0; i < x->ntouched; i++)
		m->vans[i] = x->mx[x->touched[i]];
	m->nvans = x->ntouched;
	outctx_clear(x);
	return true;
fail:
	outctx_clear(x);
	model_free(m);
	return false;
}

/* ------------------------------------------------------------- check --- */

bool
planout_check(const struct planconf *pc, const struct plan_result *r,
    char err[static SETTING_ERR_MAX])
{
	uint32_t n = pc->in.nsites, s, i, total;
	struct setting_ctx c = { pc->file, err, pc->dir };
	struct outctx x;
	struct model m;

	if (r->failover != NULL && r->tree.nlinks > PROXY_TUNNEL_ID_MAX)
		return setting_fail(&c, pc->in.redundancy_src, "redundancy: %u tree "
		    "tunnels, but vanproxy's tunnel IDs go to %d", r->tree.nlinks,
		    PROXY_TUNNEL_ID_MAX);
	if (!outctx_init(&x, pc, r))
		return setting_fail(&c, NULL, "out of memory");
	for (s = 0; s < n; s++) {
		const struct plan_site *site = &pc->in.sites[s];

		if (!model_build(&x, pc, r, s, &m)) {
			outctx_free(&x);
			return setting_fail(&c, NULL, "out of memory");
		}
		if (m.nvans > BRIDGE_VAN_MAX) {
			setting_fail(&c, site->src, "site '%s' would carry %u VANs: "
			    "vanproxy takes %d", site->name, m.nvans, BRIDGE_VAN_MAX);
			goto fail;
		}
		if (m.npeers > PROXY_PEER_MAX) {
			setting_fail(&c, site->src, "site '%s' would have %u peers "
			    "(tree and standby tunnels): vanproxy takes %d",
			    site->name, m.npeers, PROXY_PEER_MAX);
			goto fail;
		}
		for (i = 0, total = 0; i < m.npeers; i++) {
			const struct plan_link *l = &pc->in.links[m.link[i]];

			total += m.peers[i].npairs;
			if (m.peers[i].npairs > PROXY_PEER_VANS_MAX) {
				setting_fail(&c, l->src, "tunnel '%s'-'%s' would carry %u "
				    "VANs: vanproxy takes %d pairs in one peering",
				    pc->in.sites[l->a].name, pc->in.sites[l->b].name,
				    m.peers[i].npairs, PROXY_PEER_VANS_MAX);
				goto fail;
			}
			if (m.peers[i].ncovers > PROXY_COVERS_MAX) {
				setting_fail(&c, l->src, "standby tunnel '%s'-'%s' would "
				    "replace %u tree tunnels: vanproxy takes %d",
				    pc->in.sites[l->a].name, pc->in.sites[l->b].name,
				    m.peers[i].ncovers, PROXY_COVERS_MAX);
				goto fail;
			}
		}
		if (total > BRIDGE_PEER_VANS_MAX) {
			setting_fail(&c, site->src, "site '%s' would have %u VAN pairs "
			    "in all its peerings: vanproxy takes %d", site->name,
			    total, BRIDGE_PEER_VANS_MAX);
			goto fail;
		}
		model_free(&m);
	}
	outctx_free(&x);
	return true;
fail:
	model_free(&m);
	outctx_free(&x);
	return false;
}

/* ------------------------------------------------------------- files --- */

/* The comment of each pair: its VAN, and whether it crosses in transit. */
static void
pair_note(void *arg, const struct proxy_peer *p, unsigned k, char *buf, size_t len)
{
	const struct model *m = arg;
	size_t i = (size_t)(p->pairs - m->pairs) + k;

	snprintf(buf, len, "%s%s%s", m->pc->in.vans[m->here[i]->van].name,
	    m->here[i]->transit ? ", in transit here" : "",
	    m->there[i]->transit ? ", in transit there" : "");
}

static void
vans_body(FILE *f, const struct planconf *pc, const struct model *m)
{
	uint32_t i;

	fprintf(f, "vans = (");
	for (i = 0; i < m->nvans; i++) {
		const struct plan_carry *x = m->vans[i];
		const struct planconf_van *v = &pc->van[x->van];

		fprintf(f, "%s%s\n  { id = %u; name = \"%s\";", i > 0 ? "," : "",
		    i > 0 && m->vans[i - 1]->transit ? "    # in transit" : "", x->id,
		    pc->in.vans[x->van].name);
		if (v->fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->fdb_max);
		if (v->flood_rate != 0)
			fprintf(f, " flood_rate = %u;", v->flood_rate);
		if (v->flood_burst != 0)
			fprintf(f, " flood_burst = %u;", v->flood_burst);
		fprintf(f, " }");
	}
	if (m->nvans > 0)
		fprintf(f, "%s\n);\n", m->vans[m->nvans - 1]->transit ?
		    "     # in transit" : "");
	else
		fprintf(f, " );\n");
}

static int
mkdir_p(char *path, char *err, size_t errlen)
{
	char *p;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0755) == -1 && errno != EEXIST) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				*p = c;
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			return 0;
	}
}

/* dir/name = head + body, written to a temporary file, then renamed. */
static int
put_file(const char *dir, const char *name, const char *head, const char *body,
    char *err, size_t errlen)
{
	char path[PLANCONF_PATH_MAX * 2], tmp[PLANCONF_PATH_MAX * 2 + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fputs(head, f);
	fputs(body, f);
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Site s's peering.conf body: the model, each peer's key, endpoint,
 * preshared key, keepalive and limits added (written by proxy/peering.c). */
static int
peering_body(FILE *f, const struct planconf *pc, struct model *m,
    uint32_t s)
{
	const struct planconf_site *me = &pc->site[s];
	unsigned i;

	for (i = 0; i < m->npeers; i++) {
		const struct plan_link *l = &pc->in.links[m->link[i]];
		uint32_t o = other_end(l, s);
		const struct planconf_site *ps = &pc->site[o];
		const char *lo = pc->in.sites[s < o ? s : o].name;
		const char *hi = pc->in.sites[s < o ? o : s].name;
		struct proxy_peer *p = &m->peers[i];

		snprintf(p->name, sizeof(p->name), "%s", pc->in.sites[o].name);
		p->public_key = ps->public_key;
		p->has_endpoint = ps->endpoint[0] != '\0';
		snprintf(p->endpoint_text, sizeof(p->endpoint_text), "%s", ps->endpoint);
		/* planconf.c keeps the directory short enough for vanproxy. */
		p->has_psk = pc->psk_dir[0] != '\0';
		if (p->has_psk && snprintf(p->psk_file, sizeof(p->psk_file),
		    "%s/%s-%s.psk", pc->psk_dir, lo, hi) >= (int)sizeof(p->psk_file))
			return -1;
		p->keepalive = (uint16_t)me->keepalive;
		p->has_limits = me->limits.set;
		p->macs = me->limits.macs;
		p->flood_rate = me->limits.flood_rate;
		p->learn_rate = me->limits.learn_rate;
	}
	peering_print(f, m->peers, m->npeers, false, pair_note, m);
	return 0;
}

/* The bodies of site s's two files (free both). */
static int
bodies(struct outctx *x, const struct planconf *pc, const struct plan_result *r,
    uint32_t s, char **peering, char **vans)
{
	struct model m;
	size_t len;
	FILE *f;
	int rc = -1;

	*peering = *vans = NULL;
	if (!model_build(x, pc, r, s, &m))
		return -1;
	if ((f = open_memstream(peering, &len)) == NULL)
		goto out;
	if (peering_body(f, pc, &m, s) == -1) {
		fclose(f);
		goto out;
	}
	if (fclose(f) == EOF || (f = open_memstream(vans, &len)) == NULL)
		goto out;
	vans_body(f, pc, &m);
	rc = fclose(f) == EOF ? -1 : 0;
out:
	model_free(&m);
	return rc;
}

static int
write_site(const struct planconf *pc, const char *sdir, uint32_t s,
    const char *peering, const char *vans, char *err, size_t errlen)
{
	const char *site = pc->in.sites[s].name, *inv = base_name(pc->file);
	char head[PLANCONF_PATH_MAX * 3], path[PLANCONF_PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s", sdir);
	if (mkdir_p(path, err, errlen) == -1)
		return -1;
	snprintf(head, sizeof(head),
	    "# peering.conf of site \"%s\", written by vanplan from %s: its\n"
	    "# tunnels in the federation's tree (docs/proxy.md §6).  proxy.conf\n"
	    "# includes it, and vans.conf for its `vans`.  Re-run vanplan rather\n"
	    "# than edit it: the other sites' files say the same from their side.\n"
	    "%s", site, inv, pc->in.redundancy == 0 ? "" :
	    "# Each tree tunnel carries its `tunnel` (ID, our end); a standby\n"
	    "# peer's pairs apply only while a tunnel its `standby` names is\n"
	    "# down (docs/vanplan.md §4, docs/proxy.md §13).\n");
	if (put_file(sdir, "peering.conf", head, peering, err, errlen) == -1)
		return -1;
	snprintf(head, sizeof(head),
	    "# vans.conf of site \"%s\", written by vanplan from %s: the VANs\n"
	    "# its proxy carries, with nodes here or in transit%s.  proxy.conf has\n"
	    "# @include \"vans.conf\" in place of a `vans` list of its own.\n",
	    site, inv, pc->in.redundancy == 0 ? "" : ",\n# in the tree or after "
	    "any one tunnel's failover");
	return put_file(sdir, "vans.conf", head, vans, err, errlen);
}

/*
 * A pair's files: SDIR/pair.conf, the settings both gateways add to
 * proxy.conf's `proxy`, and SDIR/GATEWAY/keepalived.conf for each.
 * A failover changes neither: the pair is one site's, whatever its peers.
 */
static int
write_pair(const struct planconf *pc, const char *sdir, uint32_t s, char *err,
    size_t errlen)
{
	const struct planpair *pp = pc->site[s].pair;
	const struct pair_conf *p = &pp->conf;
	const char *inv = base_name(pc->file);
	char head[PLANCONF_PATH_MAX * 3], gdir[PLANCONF_PATH_MAX * 3];
	char *body = NULL;
	size_t len;
	unsigned n;
	FILE *f;
	int rc = -1;

	snprintf(head, sizeof(head),
	    "# pair.conf of site \"%s\", written by vanplan from %s: what both\n"
	    "# gateways of its vanproxy pair, %s (preferred) and %s, add to the\n"
	    "# `proxy` group of their proxy.conf (docs/proxy.md §12), e.g.\n"
	    "#   proxy = { name = \"%s\"; private_key = \"/etc/van/proxy.key\";\n"
	    "#             @include \"pair.conf\" };\n"
	    "# keepalived moves the two VIPs: %s/keepalived.conf and\n"
	    "# %s/keepalived.conf (docs/operations.md, \"A gateway pair\").\n",
	    p->site, inv, p->node[0].name, p->node[1].name, p->site,
	    p->node[0].name, p->node[1].name);
	if ((f = open_memstream(&body, &len)) == NULL)
		goto oom;
	planpair_proxy_conf(f, pp);
	if (fclose(f) == EOF)
		goto oom;
	if (put_file(sdir, PLANPAIR_FILE, head, body, err, errlen) == -1)
		goto out;
	snprintf(head, sizeof(head), "# vanplan's, from %s (site \"%s\"'s `pair`): "
	    "re-run vanplan\n# rather than edit it.\n", inv, p->site);
	for (n = 0; n < 2; n++) {
		free(body);
		body = NULL;
		snprintf(gdir, sizeof(gdir), "%s/%s", sdir, p->node[n].name);
		if (mkdir_p(gdir, err, errlen) == -1)
			goto out;
		if ((f = open_memstream(&body, &len)) == NULL)
			goto oom;
		pair_keepalived_conf(f, p, n);
		if (fclose(f) == EOF)
			goto oom;
		if (put_file(gdir, PLANPAIR_KEEPALIVED, head, body, err, errlen) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	free(body);
	return rc;
}

int
planout_write(const struct planconf *pc, const struct plan_result *r,
    const char *dir, char *err, size_t errlen)
{
	uint32_t n = pc->in.nsites, s;
	char sdir[PLANCONF_PATH_MAX * 2], *peering = NULL, *vans = NULL;
	struct outctx x;
	int rc = -1;

	if (!outctx_init(&x, pc, r)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (s = 0; s < n; s++) {
		if (bodies(&x, pc, r, s, &peering, &vans) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		snprintf(sdir, sizeof(sdir), "%s/%s", dir, pc->in.sites[s].name);
		if (write_site(pc, sdir, s, peering, vans, err, errlen) == -1)
			goto out;
		if (pc->site[s].pair != NULL &&
		    write_pair(pc, sdir, s, err, errlen) == -1)
			goto out;
		free(peering);
		free(vans);
		peering = vans = NULL;
	}
	rc = 0;
out:
	free(peering);
	free(vans);
	outctx_free(&x);
	return rc;
}

/* ----------------------------------------------------------- summary --- */

static const char *
lname(const struct planconf *pc, uint32_t l, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", pc->in.sites[pc->in.links[l].a].name,
	    pc->in.sites[pc->in.links[l].b].name);
	return buf;
}

void
planout_summary(FILE *f, const struct planconf *pc, const struct plan_result *r)
{
	const struct plan_summary *s = &r->sum;
	uint32_t n = pc->in.nsites, i, j, *nb;
	char b1[2 * PLAN_NAME_MAX + 2];

	if ((nb = malloc((n + 1) * sizeof(*nb))) == NULL)
		return;
	fprintf(f, "vanplan: %s: %u sites, %u candidate links, %u VANs\n",
	    base_name(pc->file), n, pc->in.nlinks, pc->in.nvans);
	fprintf(f, "tunnels: %u (a full mesh: %llu), cost %g: %s\n", s->tunnels,
	    (unsigned long long)s->full_mesh, s->cost, r->exact ?
	    "a minimum spanning tree" : "max_tunnels binds: a heuristic's tree, "
	    "not proven minimal");
	if (pc->in.redundancy == 0)
		fprintf(f, "standby: none (redundancy 0)\n");
	else
		fprintf(f, "standby: %u tunnels, cost %g: no single tunnel's loss "
		    "splits the federation\n", s->standby, s->standby_cost);
	if (s->stretch_pairs > 0)
		fprintf(f, "stretch (tree path / direct link cost): max %.3f (%s), "
		    "mean %.3f over %u links\n", s->stretch_max,
		    lname(pc, s->stretch_max_link, b1, sizeof(b1)), s->stretch_mean,
		    s->stretch_pairs);
	fprintf(f, "diameter: %u hops; tunnels per site: max %u, mean %.2f; "
	    "transit: %u (site, VAN)\n", s->diameter, s->max_degree, s->mean_degree,
	    s->transit);
	for (i = 0, j = 0; i < n; i++) {
		const struct planpair *pp = pc->site[i].pair;

		if (pp == NULL)
			continue;
		fprintf(f, "%s%s (%s, %s)", j++ ? ", " : "gateway pairs: ",
		    pc->in.sites[i].name, pp->conf.node[0].name, pp->conf.node[1].name);
	}
	if (j > 0)
		fprintf(f, "\n");
	fprintf(f, "\n%-*s  %7s  %7s  %4s  %7s  %s\n", 12, "SITE", "TUNNELS",
	    "STANDBY", "VANS", "TRANSIT", "PEERS");
	for (i = 0; i < n; i++) {
		uint32_t k = neighbours(pc, &r->tree, i, nb), sb = 0, tr = 0;

		for (j = 0; j < r->nstandby; j++)
			sb += pc->in.links[r->standby[j]].a == i ||
			    pc->in.links[r->standby[j]].b == i;
		for (j = r->tree.carry_off[i]; j < r->tree.carry_off[i + 1]; j++)
			tr += r->tree.carry[j].transit;
		fprintf(f, "%-*s  %7u  %7u  %4u  %7u  ", 12, pc->in.sites[i].name, k,
		    sb, r->tree.carry_off[i + 1] - r->tree.carry_off[i], tr);
		for (j = 0; j < k; j++)
			fprintf(f, "%s%s", j ? " " : "", pc->in.sites[nb[j]].name);
		fprintf(f, "\n");
	}
	fprintf(f, "\n%-*s  %10s  %s\n", 25, "TUNNEL", "COST", "VANS (IDS)");
	for (i = 0; i < r->tree.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[r->tree.links[i]];
		const struct plan_carry *x, *y;
		struct common cm;
		bool first = true;

		fprintf(f, "%-*s  %10g  ", 25, lname(pc, r->tree.links[i], b1,
		    sizeof(b1)), l->cost);
		common_start(&cm, &r->tree, l->a, l->b);
		while (common_next(&cm, &r->tree, &x, &y)) {
			fprintf(f, "%s%s(%u>%u)", first ? "" : " ",
			    pc->in.vans[x->van].name, x->id, y->id);
			first = false;
		}
		fprintf(f, "%s\n", first ? "-" : "");
	}
	if (r->nstandby > 0) {
		fprintf(f, "\n%-*s  %10s  %s\n", 25, "STANDBY", "COST",
		    "TAKES OVER WHEN THESE FAIL");
		for (i = 0; i < r->nstandby; i++) {
			bool first = true;

			fprintf(f, "%-*s  %10g  ", 25, lname(pc, r->standby[i], b1,
			    sizeof(b1)), pc->in.links[r->standby[i]].cost);
			for (j = 0; j < r->tree.nlinks; j++)
				if (r->replace[j] == r->standby[i]) {
					fprintf(f, "%s%s", first ? "" : " ",
					    lname(pc, r->tree.links[j], b1, sizeof(b1)));
					first = false;
				}
			fprintf(f, "%s\n", first ? "-" : "");
		}
	}
	free(nb);
}

static json_t *
jpair(const struct planconf *pc, uint32_t l)
{
	return json_pack("[ss]", pc->in.sites[pc->in.links[l].a].name,
	    pc->in.sites[pc->in.links[l].b].name);
}

void
planout_json(FILE *f, const struct planconf *pc, const struct plan_result *r)
{
	const struct plan_summary *s = &r->sum;
	json_t *o, *sites, *tunnels, *standby;
	uint32_t i, j, n = pc->in.nsites, *nb;

	if ((nb = malloc((n + 1) * sizeof(*nb))) == NULL)
		return;
	sites = json_array();
	for (i = 0; i < n; i++) {
		json_t *peers = json_array(), *vans = json_array(), *site;
		uint32_t k = neighbours(pc, &r->tree, i, nb);

		for (j = 0; j < k; j++)
			json_array_append_new(peers, json_string(pc->in.sites[nb[j]].name));
		for (j = r->tree.carry_off[i]; j < r->tree.carry_off[i + 1]; j++)
			json_array_append_new(vans, json_pack("{s:s,s:I,s:b}", "name",
			    pc->in.vans[r->tree.carry[j].van].name, "id",
			    (json_int_t)r->tree.carry[j].id, "transit",
			    r->tree.carry[j].transit));
		site = json_pack("{s:s,s:I,s:o,s:o}", "name", pc->in.sites[i].name,
		    "tunnels", (json_int_t)k, "peers", peers, "vans", vans);
		/* Only for a site with a pair: its gateways, preferred first. */
		if (pc->site[i].pair != NULL)
			json_object_set_new(site, "pair", json_pack("[ss]",
			    pc->site[i].pair->conf.node[0].name,
			    pc->site[i].pair->conf.node[1].name));
		json_array_append_new(sites, site);
	}
	tunnels = json_array();
	for (i = 0; i < r->tree.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[r->tree.links[i]];
		const struct plan_carry *x, *y;
		struct common cm;
		json_t *vans = json_array();

		common_start(&cm, &r->tree, l->a, l->b);
		while (common_next(&cm, &r->tree, &x, &y))
			json_array_append_new(vans, json_pack("{s:s,s:[II]}", "name",
			    pc->in.vans[x->van].name, "ids", (json_int_t)x->id,
			    (json_int_t)y->id));
		json_array_append_new(tunnels, json_pack("{s:o,s:f,s:o}", "sites",
		    jpair(pc, r->tree.links[i]), "cost", l->cost, "vans", vans));
	}
	standby = json_array();
	for (i = 0; i < r->nstandby; i++) {
		json_t *rep = json_array();

		for (j = 0; j < r->tree.nlinks; j++)
			if (r->replace[j] == r->standby[i])
				json_array_append_new(rep, jpair(pc, r->tree.links[j]));
		json_array_append_new(standby, json_pack("{s:o,s:f,s:o}", "sites",
		    jpair(pc, r->standby[i]), "cost", pc->in.links[r->standby[i]].cost,
		    "replaces", rep));
	}
	o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:f,s:b,s:I,s:f,s:o}",
	    "inventory", base_name(pc->file), "sites", (json_int_t)n,
	    "candidate_links", (json_int_t)pc->in.nlinks, "vans",
	    (json_int_t)pc->in.nvans, "tunnels", (json_int_t)s->tunnels,
	    "full_mesh", (json_int_t)s->full_mesh, "cost", s->cost,
	    "minimum", r->exact, "redundancy", (json_int_t)pc->in.redundancy,
	    "standby_cost", s->standby_cost, "standby", standby);
	json_object_set_new(o, "stretch", json_pack("{s:f,s:f,s:I,s:o}", "max",
	    s->stretch_max, "mean", s->stretch_mean, "links",
	    (json_int_t)s->stretch_pairs, "max_link", s->stretch_pairs ?
	    jpair(pc, s->stretch_max_link) : json_null()));
	json_object_set_new(o, "diameter_hops", json_integer(s->diameter));
	json_object_set_new(o, "max_tunnels", json_integer(s->max_degree));
	json_object_set_new(o, "mean_tunnels", json_real(s->mean_degree));
	json_object_set_new(o, "transit", json_integer(s->transit));
	json_object_set_new(o, "site_list", sites);
	json_object_set_new(o, "tunnel_list", tunnels);
	json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	free(nb);
}

/* Tree tunnels bold, standby dashed, other candidates (a few) dotted. */
void
planout_dot(FILE *f, const struct planconf *pc, const struct plan_result *r)
{
	uint32_t i;
	bool *kind = calloc((size_t)pc->in.nlinks + 1, sizeof(*kind));

	fprintf(f, "graph \"%s\" {\n  node [shape=box];\n", base_name(pc->file));
	for (i = 0; i < pc->in.nsites; i++)
		fprintf(f, "  \"%s\" [label=\"%s\\n%u tunnels\"];\n", pc->in.sites[i].name,
		    pc->in.sites[i].name, r->tree.degree[i]);
	for (i = 0; i < r->tree.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[r->tree.links[i]];

		if (kind)
			kind[r->tree.links[i]] = true;
		fprintf(f, "  \"%s\" -- \"%s\" [label=\"%g\", penwidth=3];\n",
		    pc->in.sites[l->a].name, pc->in.sites[l->b].name, l->cost);
	}
	for (i = 0; i < r->nstandby; i++) {
		const struct plan_link *l = &pc->in.links[r->standby[i]];

		if (kind)
			kind[r->standby[i]] = true;
		fprintf(f, "  \"%s\" -- \"%s\" [label=\"%g\", style=dashed, "
		    "color=gray30];\n", pc->in.sites[l->a].name, pc->in.sites[l->b].name,
		    l->cost);
	}
	/* The other candidates: a picture of thousands would be a blot. */
	for (i = 0; kind != NULL && pc->in.nlinks <= 200 && i < pc->in.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[i];

		if (kind[i] || l->kind == PLAN_LINK_FORBIDDEN)
			continue;
		fprintf(f, "  \"%s\" -- \"%s\" [label=\"%g\", style=dotted, "
		    "color=gray60, fontcolor=gray60];\n", pc->in.sites[l->a].name,
		    pc->in.sites[l->b].name, l->cost);
	}
	fprintf(f, "}\n");
	free(kind);
}
