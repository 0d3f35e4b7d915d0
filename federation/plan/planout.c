/*
 * planout.c — see planout.h.  The peering file is exactly docs/proxy.md
 * §6's, written by proxy/peering.c's writer from its model (vanproxy's
 * parser reads it: tests/golden/plan.sh checks that on the examples);
 * comments name the VAN of each pair.  Peers come in the
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

/* ------------------------------------------------------------- check --- */

bool
planout_check(const struct planconf *pc, const struct plan_result *r,
    char err[static SETTING_ERR_MAX])
{
	uint32_t n = pc->in.nsites, s, i, f, *total = NULL;
	struct setting_ctx c = { pc->file, err, pc->dir };
	bool ok = false;

	if ((total = calloc(n, sizeof(*total))) == NULL)
		return setting_fail(&c, NULL, "out of memory");
	for (f = 0; f <= (r->failover ? r->tree.nlinks : 0); f++) {
		const struct plan_tree *t = f == 0 ? &r->tree : &r->failover[f - 1];

		memset(total, 0, n * sizeof(*total));
		for (s = 0; s < n; s++)
			if (t->carry_off[s + 1] - t->carry_off[s] > BRIDGE_VAN_MAX) {
				setting_fail(&c, pc->in.sites[s].src, "site '%s' would carry "
				    "%u VANs: vanproxy takes %d", pc->in.sites[s].name,
				    t->carry_off[s + 1] - t->carry_off[s], BRIDGE_VAN_MAX);
				goto out;
			}
		for (i = 0; i < t->nlinks; i++) {
			const struct plan_link *l = &pc->in.links[t->links[i]];
			const struct plan_carry *x, *y;
			struct common cm;
			uint32_t k = 0;

			common_start(&cm, t, l->a, l->b);
			while (common_next(&cm, t, &x, &y))
				k++;
			total[l->a] += k;
			total[l->b] += k;
			if (k > PROXY_PEER_VANS_MAX) {
				setting_fail(&c, l->src, "tunnel '%s'-'%s' would carry %u "
				    "VANs: vanproxy takes %d pairs in one peering",
				    pc->in.sites[l->a].name, pc->in.sites[l->b].name, k,
				    PROXY_PEER_VANS_MAX);
				goto out;
			}
		}
		for (s = 0; s < n; s++)
			if (total[s] > BRIDGE_PEER_VANS_MAX) {
				setting_fail(&c, pc->in.sites[s].src, "site '%s' would have %u "
				    "VAN pairs in all its peerings: vanproxy takes %d",
				    pc->in.sites[s].name, total[s], BRIDGE_PEER_VANS_MAX);
				goto out;
			}
	}
	ok = true;
out:
	free(total);
	return ok;
}

/* ------------------------------------------------------------- files --- */

/* The comment of each pair: its VAN, and whether it crosses in transit. */
struct notes {
	const struct planconf *pc;
	const struct proxy_pair *pairs;		/* every peer's, one array */
	const struct plan_carry **here, **there;	/* per pair */
};

static void
pair_note(void *arg, const struct proxy_peer *p, unsigned k, char *buf, size_t len)
{
	const struct notes *n = arg;
	size_t i = (size_t)(p->pairs - n->pairs) + k;

	snprintf(buf, len, "%s%s%s", n->pc->in.vans[n->here[i]->van].name,
	    n->here[i]->transit ? ", in transit here" : "",
	    n->there[i]->transit ? ", in transit there" : "");
}

/* Site s's peers in tree t: the model proxy/peering.c writes. */
static int
peering_body(FILE *f, const struct planconf *pc, const struct plan_tree *t,
    uint32_t s, uint32_t *nb)
{
	const struct planconf_site *me = &pc->site[s];
	uint32_t i, k = neighbours(pc, t, s, nb), npairs = 0;
	struct notes notes = { pc, NULL, NULL, NULL };
	struct proxy_peer *peers = NULL;
	struct proxy_pair *pairs, *x;
	const struct plan_carry *cx, *cy;
	struct common cm;
	int rc = -1;

	for (i = 0; i < k; i++) {
		common_start(&cm, t, s, nb[i]);
		while (common_next(&cm, t, &cx, &cy))
			npairs++;
	}
	peers = calloc((size_t)k + 1, sizeof(*peers));
	notes.pairs = pairs = x = calloc((size_t)npairs + 1, sizeof(*x));
	notes.here = calloc((size_t)npairs + 1, sizeof(*notes.here));
	notes.there = calloc((size_t)npairs + 1, sizeof(*notes.there));
	if (!peers || !x || !notes.here || !notes.there)
		goto out;
	for (i = 0; i < k; i++) {
		const struct planconf_site *ps = &pc->site[nb[i]];
		const char *pn = pc->in.sites[nb[i]].name;
		const char *lo = s < nb[i] ? pc->in.sites[s].name : pn;
		const char *hi = s < nb[i] ? pn : pc->in.sites[s].name;
		struct proxy_peer *p = &peers[i];

		snprintf(p->name, sizeof(p->name), "%s", pn);
		p->public_key = ps->public_key;
		p->has_endpoint = ps->endpoint[0] != '\0';
		snprintf(p->endpoint_text, sizeof(p->endpoint_text), "%s", ps->endpoint);
		/* planconf.c keeps the directory short enough for vanproxy. */
		p->has_psk = pc->psk_dir[0] != '\0';
		if (p->has_psk && snprintf(p->psk_file, sizeof(p->psk_file),
		    "%s/%s-%s.psk", pc->psk_dir, lo, hi) >= (int)sizeof(p->psk_file))
			goto out;
		p->keepalive = (uint16_t)me->keepalive;
		p->has_limits = me->limits.set;
		p->macs = me->limits.macs;
		p->flood_rate = me->limits.flood_rate;
		p->learn_rate = me->limits.learn_rate;
		p->pairs = x;
		common_start(&cm, t, s, nb[i]);
		while (common_next(&cm, t, &cx, &cy)) {
			notes.here[x - notes.pairs] = cx;
			notes.there[x - notes.pairs] = cy;
			x->local = cx->id;
			x->remote = cy->id;
			x++;
			p->npairs++;
		}
	}
	peering_print(f, peers, k, false, pair_note, &notes);
	rc = 0;
out:
	free(peers);
	free(pairs);
	free(notes.here);
	free(notes.there);
	return rc;
}

static void
vans_body(FILE *f, const struct planconf *pc, const struct plan_tree *t, uint32_t s)
{
	uint32_t i;

	fprintf(f, "vans = (");
	for (i = t->carry_off[s]; i < t->carry_off[s + 1]; i++) {
		const struct plan_carry *x = &t->carry[i];
		const struct planconf_van *v = &pc->van[x->van];

		fprintf(f, "%s%s\n  { id = %u; name = \"%s\";", i > t->carry_off[s] ? "," : "",
		    i > t->carry_off[s] && x[-1].transit ? "    # in transit" : "", x->id,
		    pc->in.vans[x->van].name);
		if (v->fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->fdb_max);
		if (v->flood_rate != 0)
			fprintf(f, " flood_rate = %u;", v->flood_rate);
		if (v->flood_burst != 0)
			fprintf(f, " flood_burst = %u;", v->flood_burst);
		fprintf(f, " }");
	}
	if (t->carry_off[s + 1] > t->carry_off[s])
		fprintf(f, "%s\n);\n", t->carry[t->carry_off[s + 1] - 1].transit ?
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

/* The bodies of site s's two files in tree t (free both). */
static int
bodies(const struct planconf *pc, const struct plan_tree *t, uint32_t s,
    uint32_t *nb, char **peering, char **vans)
{
	size_t len;
	FILE *f;

	*peering = *vans = NULL;
	if ((f = open_memstream(peering, &len)) == NULL)
		return -1;
	if (peering_body(f, pc, t, s, nb) == -1) {
		fclose(f);
		return -1;
	}
	if (fclose(f) == EOF)
		return -1;
	if ((f = open_memstream(vans, &len)) == NULL)
		return -1;
	vans_body(f, pc, t, s);
	return fclose(f) == EOF ? -1 : 0;
}

static int
write_site(const struct planconf *pc, const char *sdir, uint32_t s,
    const char *peering, const char *vans, const char *when, char *err,
    size_t errlen)
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
	    "%s", site, inv, when);
	if (put_file(sdir, "peering.conf", head, peering, err, errlen) == -1)
		return -1;
	snprintf(head, sizeof(head),
	    "# vans.conf of site \"%s\", written by vanplan from %s: the VANs\n"
	    "# its proxy carries, with nodes here or in transit.  proxy.conf has\n"
	    "# @include \"vans.conf\" in place of a `vans` list of its own.\n"
	    "%s", site, inv, when);
	return put_file(sdir, "vans.conf", head, vans, err, errlen);
}

/*
 * A pair's files: SDIR/pair.conf, the settings both gateways add to
 * proxy.conf's `proxy`, and SDIR/GATEWAY/keepalived.conf for each.
 * Of the main tree only: a failover changes neither.
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
	uint32_t n = pc->in.nsites, s, i, *nb;
	char **peering = NULL, **vans = NULL, *p = NULL, *v = NULL;
	char sdir[PLANCONF_PATH_MAX * 2], when[256];
	int rc = -1;

	nb = malloc((n + 1) * sizeof(*nb));
	peering = calloc(n, sizeof(*peering));
	vans = calloc(n, sizeof(*vans));
	if (!nb || !peering || !vans) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (s = 0; s < n; s++) {
		if (bodies(pc, &r->tree, s, nb, &peering[s], &vans[s]) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		snprintf(sdir, sizeof(sdir), "%s/%s", dir, pc->in.sites[s].name);
		if (write_site(pc, sdir, s, peering[s], vans[s], "", err, errlen) == -1)
			goto out;
		if (pc->site[s].pair != NULL &&
		    write_pair(pc, sdir, s, err, errlen) == -1)
			goto out;
	}
	for (i = 0; r->failover != NULL && i < r->tree.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[r->tree.links[i]];
		const struct plan_link *sb = &pc->in.links[r->replace[i]];

		snprintf(when, sizeof(when), "# The tree when tunnel %s-%s has failed "
		    "and standby tunnel %s-%s is up.\n", pc->in.sites[l->a].name,
		    pc->in.sites[l->b].name, pc->in.sites[sb->a].name,
		    pc->in.sites[sb->b].name);
		for (s = 0; s < n; s++) {
			if (bodies(pc, &r->failover[i], s, nb, &p, &v) == -1) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			if (strcmp(p, peering[s]) != 0 || strcmp(v, vans[s]) != 0) {
				snprintf(sdir, sizeof(sdir), "%s/failover/%s-%s/%s", dir,
				    pc->in.sites[l->a].name, pc->in.sites[l->b].name,
				    pc->in.sites[s].name);
				if (write_site(pc, sdir, s, p, v, when, err, errlen) == -1)
					goto out;
			}
			free(p);
			free(v);
			p = v = NULL;
		}
	}
	rc = 0;
out:
	free(p);
	free(v);
	for (s = 0; peering != NULL && vans != NULL && s < n; s++) {
		free(peering[s]);
		free(vans[s]);
	}
	free(peering);
	free(vans);
	free(nb);
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
