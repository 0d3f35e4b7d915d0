/*
 * planlint.c — see planlint.h.  A peering file is read as vanproxy reads
 * it (proxy/peering.c, the same reader and messages), without the
 * proxy.conf around it: the site is named by the file's directory (or the
 * file, NAME.conf); its preshared key files are named, not read, and
 * endpoint names are not resolved.  Every fault is counted and reported;
 * reading goes on past them, so one run shows them all.  Tunnels that
 * heal themselves (docs/vanplan.md §4): standby peers are left out of the
 * tree's loop check, and each failover is simulated instead.
 */
#include "federation/plan/planlint.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "crypto/key.h"
#include "proxy/peering.h"

#define LINT_SITE_MAX	65536

struct lint_site {
	char		name[PLAN_NAME_MAX];
	char		file[PLANCONF_PATH_MAX];
	bool		has_vans;
	char		vans_file[PLANCONF_PATH_MAX];
	struct site_van *vans;		/* declared */
	unsigned	nvans;
	struct proxy_peer *peers;
	uint32_t	*peer_site;	/* each peer's linted site, PLAN_NONE: none */
	unsigned	npeers;
	bool		read;		/* parsed without fault */
};

struct lint {
	const struct planconf *inv;
	struct lint_site *sites;
	uint32_t	nsites, cap;
	FILE		*err;
	int		faults;
};

static void fault(struct lint *, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One fault: "FILE:LINE: message" (edge/rim/setting.h), "FILE: message". */
static void
fault(struct lint *l, const char *file, int line, const char *fmt, ...)
{
	char msg[SETTING_ERR_MAX], err[SETTING_ERR_MAX];
	struct setting_ctx c = { file, err, NULL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	setting_fail_line(&c, line, "%s", msg);
	fprintf(l->err, "%s\n", err);
	l->faults++;
}

/* ------------------------------------------------------------- reading --- */

/* site->file: its peers; vans.conf beside it: its VANs. */
static void
read_site(struct lint *l, struct lint_site *site)
{
	/* Nothing of vanproxy's own: no key of its, no VANs, no members; the
	 * preshared key files are named, not read; no name is resolved. */
	static const struct peering_opts opts = { .self = NULL,
	    .vans_known = false, .keys = false, .resolve = false };
	char err[SETTING_ERR_MAX], dir[PLANCONF_PATH_MAX];
	struct setting_ctx c = { site->file, err, NULL };
	const config_setting_t *s;
	config_t cfg;

	err[0] = '\0';
	config_init(&cfg);
	if (!setting_read(&c, &cfg, site->file, dir, sizeof(dir)) ||
	    !setting_top(&c, &cfg, "peers", &s) ||
	    (s != NULL && !peering_peers(&c, s, &opts, &site->peers, &site->npeers)))
		goto fail;
	config_destroy(&cfg);
	config_init(&cfg);
	if (site->has_vans) {
		c.file = site->vans_file;
		if (!setting_read(&c, &cfg, site->vans_file, dir, sizeof(dir)) ||
		    !setting_top(&c, &cfg, "vans", &s) ||
		    (s != NULL && !peering_vans(&c, s, &site->vans, &site->nvans)))
			goto fail;
	}
	config_destroy(&cfg);
	site->read = true;
	return;
fail:
	config_destroy(&cfg);
	fprintf(l->err, "%s\n", err);
	l->faults++;
}

static bool
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
add_site(struct lint *l, const char *file, const char *name)
{
	struct lint_site *s;
	char buf[PLANCONF_PATH_MAX], *d;

	if (l->nsites == LINT_SITE_MAX) {
		fault(l, file, 0, "more than %d peering files", LINT_SITE_MAX);
		return;
	}
	/* Grown as files are found: a few sites need a few entries, not all. */
	if (l->nsites == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 16;

		if ((s = reallocarray(l->sites, cap, sizeof(*s))) == NULL) {
			fault(l, file, 0, "out of memory");
			return;
		}
		l->sites = s;
		l->cap = cap;
	}
	s = &l->sites[l->nsites++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->file, sizeof(s->file), "%s", file);
	snprintf(buf, sizeof(buf), "%s", file);
	d = dirname(buf);
	snprintf(s->vans_file, sizeof(s->vans_file), "%s/vans.conf", d);
	s->has_vans = is_file(s->vans_file);
	if (!setting_name_ok(name, PLAN_NAME_MAX))
		fault(l, file, 0, "site name '%s' (of the file's name): 1-%d of "
		    "A-Z a-z 0-9 _ . -", name, PLAN_NAME_MAX - 1);
}

static int
dirent_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* A file, a site's directory, or a directory of sites' directories. */
static void
add_path(struct lint *l, const char *path)
{
	char file[PLANCONF_PATH_MAX * 2], buf[PLANCONF_PATH_MAX], *base;
	struct dirent **ents = NULL;
	struct stat st;
	int i, n, found = 0;

	if (stat(path, &st) == -1) {
		fault(l, path, 0, "%s", strerror(errno));
		return;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		base = basename(buf);
		if (strcmp(base, "peering.conf") == 0) {
			snprintf(buf, sizeof(buf), "%s", path);
			base = basename(dirname(buf));
		} else if (strlen(base) > 5 && strcmp(base + strlen(base) - 5, ".conf") == 0)
			base[strlen(base) - 5] = '\0';
		add_site(l, path, base);
		return;
	}
	snprintf(file, sizeof(file), "%s/peering.conf", path);
	if (is_file(file)) {
		add_site(l, file, basename(buf));
		return;
	}
	if ((n = scandir(path, &ents, NULL, dirent_cmp)) == -1) {
		fault(l, path, 0, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s/peering.conf", path,
			    ents[i]->d_name);
			if (is_file(file)) {
				add_site(l, file, ents[i]->d_name);
				found++;
			}
		}
		free(ents[i]);
	}
	free(ents);
	if (found == 0)
		fault(l, path, 0, "no peering.conf here, nor in a directory below");
}

/* ------------------------------------------------------------ checking --- */

static uint32_t
site_by_name(const struct lint *l, const char *name)
{
	uint32_t i;

	for (i = 0; i < l->nsites; i++)
		if (strcmp(l->sites[i].name, name) == 0)
			return i;
	return PLAN_NONE;
}

/* Site s's peer that is linted site `site`, its index in *k. */
static const struct proxy_peer *
peer_of(const struct lint_site *s, uint32_t site, unsigned *k)
{
	unsigned i;

	for (i = 0; i < s->npeers; i++)
		if (s->peer_site[i] == site) {
			if (k != NULL)
				*k = i;
			return &s->peers[i];
		}
	return NULL;
}

static const struct proxy_pair *
pair_local(const struct proxy_peer *p, uint32_t local)
{
	unsigned i;

	for (i = 0; i < p->npairs; i++)
		if (p->pairs[i].local == local)
			return &p->pairs[i];
	return NULL;
}

static bool
declared(const struct lint_site *s, uint32_t id)
{
	unsigned i;

	for (i = 0; i < s->nvans; i++)
		if (s->vans[i].id == id)
			return true;
	return false;
}

/* What the others say of site t: the first saying is the reference. */
struct saying {
	const struct proxy_peer *p;
	const struct lint_site *by;
};

/* Peer k of site a. */
static void
check_peer(struct lint *l, uint32_t a, unsigned k, struct saying *said)
{
	const struct lint_site *sa = &l->sites[a], *sb;
	const struct proxy_peer *p = &sa->peers[k], *back;
	char pub[WG_KEY_B64_LEN + 1];
	uint32_t i, b = sa->peer_site[k], inv;

	if (b == PLAN_NONE) {
		fault(l, sa->file, p->line, "peer '%s' is not among the sites linted",
		    p->name);
		return;
	}
	sb = &l->sites[b];
	if (b == a) {
		fault(l, sa->file, p->line, "site '%s' lists itself as a peer", p->name);
		return;
	}
	if (said[b].p == NULL) {
		said[b].p = p;
		said[b].by = sa;
	} else {
		if (!key_equal(&said[b].p->public_key, &p->public_key))
			fault(l, sa->file, p->line, "public key of '%s' differs from "
			    "%s:%d's", p->name, said[b].by->file, said[b].p->line);
		if (strcmp(said[b].p->endpoint_text, p->endpoint_text) != 0)
			fault(l, sa->file, p->line, "endpoint of '%s' ('%s') differs from "
			    "%s:%d's ('%s')", p->name, p->endpoint_text, said[b].by->file,
			    said[b].p->line, said[b].p->endpoint_text);
	}
	if (l->inv != NULL && (inv = planconf_site(l->inv, p->name)) != PLAN_NONE) {
		const struct planconf_site *ps = &l->inv->site[inv];

		if (!key_equal(&ps->public_key, &p->public_key)) {
			key_to_base64(pub, &ps->public_key);
			fault(l, sa->file, p->line, "public key of '%s' is not the "
			    "inventory's (%s)", p->name, pub);
		}
		if (strcmp(ps->endpoint, p->endpoint_text) != 0)
			fault(l, sa->file, p->line, "endpoint of '%s' ('%s') is not the "
			    "inventory's ('%s')", p->name, p->endpoint_text, ps->endpoint);
	}
	if (!sb->read)
		return;
	if ((back = peer_of(sb, a, NULL)) == NULL) {
		fault(l, sa->file, p->line, "'%s' has no peer '%s' (%s): the tunnel "
		    "is one-sided", p->name, sa->name, sb->file);
		return;
	}
	for (i = 0; i < p->npairs; i++) {
		const struct proxy_pair *x = &p->pairs[i], *y = pair_local(back, x->remote);

		if (sa->has_vans && !declared(sa, x->local))
			fault(l, sa->file, x->line, "local VAN %u is not declared in %s "
			    "(vanproxy refuses it)", x->local, sa->vans_file);
		if (y == NULL)
			fault(l, sa->file, x->line, "VAN %u goes to '%s' as %u, but %s "
			    "has no pair for its %u: exported on one side only", x->local,
			    p->name, x->remote, sb->file, x->remote);
		else if (y->remote != x->local && a < b)
			fault(l, sa->file, x->line, "VAN %u goes to '%s' as %u, but %s:%d "
			    "maps its %u to our %u: not inverses", x->local, p->name,
			    x->remote, sb->file, y->line, x->remote, y->remote);
	}
}

/* ---------------------------------------------------------- the loops --- */

static int
u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static uint32_t
node(const uint64_t *nodes, uint32_t n, uint32_t site, uint32_t id)
{
	uint64_t k = (uint64_t)site << 32 | id;
	const uint64_t *hit = bsearch(&k, nodes, n, sizeof(k), u64_cmp);

	return (uint32_t)(hit - nodes);
}

static uint32_t
root(uint32_t *p, uint32_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/*
 * Every (site, VAN ID) node the peerings name, sorted, once each, into
 * nodes (room for two per pair); their count.
 */
static uint32_t
van_nodes(const struct lint *l, uint64_t *nodes)
{
	uint32_t a, i, j, n = 0;

	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i];
			uint32_t b = l->sites[a].peer_site[i];

			for (j = 0; j < pe->npairs && b != PLAN_NONE; j++) {
				nodes[n++] = (uint64_t)a << 32 | pe->pairs[j].local;
				nodes[n++] = (uint64_t)b << 32 | pe->pairs[j].remote;
			}
		}
	qsort(nodes, n, sizeof(*nodes), u64_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || nodes[i] != nodes[j - 1])
			nodes[j++] = nodes[i];
	return j;
}

/*
 * A VAN is a node per (site, ID); each pair both sides agree on joins two.
 * A pair that joins two nodes already joined closes a loop.
 */
static void
check_loops(struct lint *l)
{
	uint64_t *nodes = NULL;
	uint32_t a, i, j, n = 0, cap = 0, *p = NULL;

	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++)
			cap += 2 * l->sites[a].peers[i].npairs;
	if ((nodes = malloc(((size_t)cap + 1) * sizeof(*nodes))) == NULL ||
	    (p = malloc(((size_t)cap + 1) * sizeof(*p))) == NULL)
		goto out;
	n = van_nodes(l, nodes);
	for (i = 0; i < n; i++)
		p[i] = i;
	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i], *back;
			uint32_t b = l->sites[a].peer_site[i];

			/* A standby peer carries nothing until a failover. */
			if (b == PLAN_NONE || b <= a || !l->sites[b].read ||
			    (back = peer_of(&l->sites[b], a, NULL)) == NULL ||
			    pe->ncovers > 0 || back->ncovers > 0)
				continue;
			for (j = 0; j < pe->npairs; j++) {
				const struct proxy_pair *x = &pe->pairs[j];
				const struct proxy_pair *y = pair_local(back, x->remote);
				uint32_t u, v;

				if (y == NULL || y->remote != x->local)
					continue;
				u = root(p, node(nodes, n, a, x->local));
				v = root(p, node(nodes, n, b, x->remote));
				if (u == v)
					fault(l, l->sites[a].file, x->line, "VAN %u: the tunnel "
					    "to '%s' closes a loop of its tunnels (frames would "
					    "circle until the hop limit)", x->local, pe->name);
				else
					p[u] = v;
			}
		}
out:
	free(nodes);
	free(p);
}

/* ------------------------------------------------ tunnels that heal --- */

/* A tree tunnel as the files give it: sites a < b (linted indices). */
struct tunnel_at {
	uint32_t	id;
	uint32_t	a, b;		/* sites */
	uint32_t	end0;		/* the site that is its end 0 */
	const struct lint_site *by;
	int		line;
};

static int
tunnel_cmp(const void *x, const void *y)
{
	const struct tunnel_at *a = x, *b = y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->a < b->a ? -1 : a->a > b->a ? 1 : (a->b > b->b) - (a->b < b->b);
}

static const struct tunnel_at *
tunnel_find(const struct tunnel_at *t, uint32_t n, uint32_t id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t[mid].id == id)
			return &t[mid];
		if (t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool
covers_tunnel(const struct proxy_peer *p, uint32_t id)
{
	unsigned i;

	for (i = 0; i < p->ncovers; i++)
		if (p->covers[i].tunnel == id)
			return true;
	return false;
}

/* Both ends of a peering agree: the same tree tunnel, ends 0 and 1; or
 * both standby, over the same tree tunnels. */
static void
check_ends(struct lint *l, uint32_t a, unsigned k, const struct proxy_peer *back,
    const struct lint_site *sb)
{
	const struct proxy_peer *p = &l->sites[a].peers[k];
	const char *file = l->sites[a].file;
	unsigned i;

	if (p->tunnel != back->tunnel) {
		if (p->tunnel == 0 || back->tunnel == 0)
			fault(l, file, p->line, "peer '%s': tree tunnel %u on one "
			    "side only (%s:%d says %s)", p->name, p->tunnel ?
			    p->tunnel : back->tunnel, sb->file, back->line,
			    back->tunnel ? "it is one" : "none");
		else
			fault(l, file, p->line, "peer '%s': tunnel %u here, %u in "
			    "%s:%d: one tunnel has one ID", p->name, p->tunnel,
			    back->tunnel, sb->file, back->line);
	} else if (p->tunnel != 0 && p->tunnel_end == back->tunnel_end)
		fault(l, file, p->line, "peer '%s': tunnel %u: both ends say they "
		    "are its end %u (%s:%d)", p->name, p->tunnel, p->tunnel_end,
		    sb->file, back->line);
	if ((p->ncovers > 0) != (back->ncovers > 0)) {
		fault(l, file, p->line, "peer '%s': a standby peer on one side only "
		    "(%s:%d)", p->name, sb->file, back->line);
		return;
	}
	for (i = 0; i < p->ncovers; i++)
		if (!covers_tunnel(back, p->covers[i].tunnel))
			fault(l, file, p->covers[i].line, "standby peer '%s': tunnel "
			    "%u is covered here but not in %s:%d", p->name,
			    p->covers[i].tunnel, sb->file, back->line);
}

/*
 * The sites joined to `from` by the tree tunnels other than `cut` (a BFS
 * over tunnels t[0..n)): seen[] true for them.
 */
static void
tree_side(const struct lint *l, const struct tunnel_at *t, uint32_t n,
    uint32_t cut, uint32_t from, bool *seen, uint32_t *queue)
{
	uint32_t head = 0, tail = 0, i;

	memset(seen, 0, l->nsites * sizeof(*seen));
	seen[from] = true;
	queue[tail++] = from;
	while (head < tail) {
		uint32_t u = queue[head++];

		for (i = 0; i < n; i++) {
			uint32_t o;

			if (t[i].id == cut || (t[i].a != u && t[i].b != u))
				continue;
			o = t[i].a == u ? t[i].b : t[i].a;
			if (!seen[o]) {
				seen[o] = true;
				queue[tail++] = o;
			}
		}
	}
}

/*
 * The VANs when tree tunnel `cut` is down and the standby peers that
 * cover it are up: a node per (site, ID), joined by the pairs of every
 * other tree tunnel and of those standby peers.  No pair may close a
 * loop, and the member nodes (member[], the inventory's: a VAN's sites
 * with nodes of it; NULL: none known) that the tree joined (joined[]:
 * their root with every tree tunnel up) must still be joined.  Transit
 * nodes may come apart: a failover tree's pairs on a tunnel that is up
 * can hang off the rest with no member behind them, and carry nothing.
 */
static void
check_failover(struct lint *l, const struct tunnel_at *tun, const uint64_t *nodes,
    uint32_t nn, const uint32_t *joined, const bool *member, uint32_t *p,
    uint32_t *first)
{
	uint32_t a, i, j;

	for (i = 0; i < nn; i++)
		p[i] = i;
	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i], *back;
			uint32_t b = l->sites[a].peer_site[i];

			if (b == PLAN_NONE || b <= a || !l->sites[b].read ||
			    (back = peer_of(&l->sites[b], a, NULL)) == NULL)
				continue;
			if (pe->ncovers > 0 ? !covers_tunnel(pe, tun->id) :
			    pe->tunnel == tun->id)
				continue;
			for (j = 0; j < pe->npairs; j++) {
				const struct proxy_pair *x = &pe->pairs[j];
				const struct proxy_pair *y = pair_local(back, x->remote);
				uint32_t u, v;

				if (y == NULL || y->remote != x->local)
					continue;
				u = root(p, node(nodes, nn, a, x->local));
				v = root(p, node(nodes, nn, b, x->remote));
				if (u == v)
					fault(l, l->sites[a].file, x->line, "VAN %u: when "
					    "tunnel %u (%s-%s) fails, the tunnel to '%s' "
					    "closes a loop of its tunnels", x->local, tun->id,
					    l->sites[tun->a].name, l->sites[tun->b].name,
					    pe->name);
				else
					p[u] = v;
			}
		}
	/* first[r]: a member node of tree component r, and where it went. */
	for (i = 0; i < nn; i++)
		first[i] = PLAN_NONE;
	for (i = 0; member != NULL && i < nn; i++) {
		uint32_t r = joined[i], q = root(p, i);

		if (!member[i])
			continue;
		if (first[r] == PLAN_NONE)
			first[r] = i;
		else if (root(p, first[r]) != q) {
			const struct lint_site *s = &l->sites[nodes[i] >> 32];

			fault(l, s->file, 0, "VAN %u: when tunnel %u (%s-%s) fails "
			    "and its standby is up, it no longer reaches %s's %u "
			    "(the same VAN)",
			    (uint32_t)nodes[i], tun->id, l->sites[tun->a].name,
			    l->sites[tun->b].name,
			    l->sites[nodes[first[r]] >> 32].name,
			    (uint32_t)nodes[first[r]]);
			first[r] = i;	/* one fault per split */
		}
	}
}

static void
check_heal(struct lint *l)
{
	struct tunnel_at *tun = NULL;
	uint64_t *nodes = NULL;
	uint32_t a, i, j, k, nt = 0, nn = 0, cap = 0;
	uint32_t *p = NULL, *joined = NULL, *first = NULL, *queue = NULL;
	bool *seen = NULL, *covered = NULL, *member = NULL, any = false;

	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			cap += 2 * l->sites[a].peers[i].npairs;
			any |= l->sites[a].peers[i].tunnel != 0 ||
			    l->sites[a].peers[i].ncovers > 0;
		}
	if (!any)
		return;
	tun = calloc((size_t)l->nsites * PROXY_PEER_MAX / 2 + 1, sizeof(*tun));
	nodes = malloc(((size_t)cap + 1) * sizeof(*nodes));
	p = malloc(((size_t)cap + 1) * sizeof(*p));
	joined = malloc(((size_t)cap + 1) * sizeof(*joined));
	first = malloc(((size_t)cap + 1) * sizeof(*first));
	queue = malloc(((size_t)l->nsites + 1) * sizeof(*queue));
	seen = calloc((size_t)l->nsites + 1, sizeof(*seen));
	covered = calloc((size_t)PROXY_TUNNEL_ID_MAX + 1, sizeof(*covered));
	if (!tun || !nodes || !p || !joined || !first || !queue || !seen || !covered) {
		fprintf(l->err, "vanplan: out of memory\n");
		l->faults++;
		goto out;
	}
	/* The ends agree; each tree tunnel once, its ID its own. */
	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i], *back;
			uint32_t b = l->sites[a].peer_site[i];

			if (b == PLAN_NONE || b == a || !l->sites[b].read ||
			    (back = peer_of(&l->sites[b], a, NULL)) == NULL)
				continue;
			if (a < b)
				check_ends(l, a, i, back, &l->sites[b]);
			/* Ends that disagree are one fault: the lower site's word. */
			if (a < b && pe->tunnel != 0 && pe->tunnel == back->tunnel)
				tun[nt++] = (struct tunnel_at){ pe->tunnel, a, b,
				    pe->tunnel_end == 0 ? a : b, &l->sites[a], pe->line };
		}
	qsort(tun, nt, sizeof(*tun), tunnel_cmp);
	for (i = 1; i < nt; i++)
		if (tun[i].id == tun[i - 1].id)
			fault(l, tun[i].by->file, tun[i].line, "tunnel ID %u is also "
			    "%s-%s's (%s:%d): IDs are unique in a federation", tun[i].id,
			    l->sites[tun[i - 1].a].name, l->sites[tun[i - 1].b].name,
			    tun[i - 1].by->file, tun[i - 1].line);
	/* Each cover names a tree tunnel, and the end on our side of it. */
	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i];

			for (j = 0; j < pe->ncovers; j++) {
				const struct proxy_cover *cv = &pe->covers[j];
				const struct tunnel_at *t = tunnel_find(tun, nt, cv->tunnel);
				uint32_t want;

				if (t == NULL) {
					fault(l, l->sites[a].file, cv->line, "standby peer "
					    "'%s': tunnel %u is no tree tunnel of the files "
					    "linted", pe->name, cv->tunnel);
					continue;
				}
				covered[cv->tunnel] = true;
				want = cv->end == 0 ? t->end0 : t->end0 == t->a ? t->b : t->a;
				tree_side(l, tun, nt, t->id, a, seen, queue);
				if (!seen[want])
					fault(l, l->sites[a].file, cv->line, "standby peer "
					    "'%s': tunnel %u's end %u is '%s', which is not on "
					    "our side of it", pe->name, cv->tunnel, cv->end,
					    l->sites[want].name);
			}
		}
	/* Every VAN's nodes, and how the tree joins them. */
	nn = van_nodes(l, nodes);
	for (i = 0; i < nn; i++)
		joined[i] = i;
	for (a = 0; a < l->nsites; a++)
		for (i = 0; i < l->sites[a].npeers; i++) {
			const struct proxy_peer *pe = &l->sites[a].peers[i], *back;
			uint32_t b = l->sites[a].peer_site[i];

			if (b == PLAN_NONE || b <= a || !l->sites[b].read ||
			    (back = peer_of(&l->sites[b], a, NULL)) == NULL ||
			    pe->ncovers > 0 || back->ncovers > 0)
				continue;
			for (j = 0; j < pe->npairs; j++) {
				const struct proxy_pair *x = &pe->pairs[j];
				const struct proxy_pair *y = pair_local(back, x->remote);
				uint32_t u, v;

				if (y == NULL || y->remote != x->local)
					continue;
				u = root(joined, node(nodes, nn, a, x->local));
				v = root(joined, node(nodes, nn, b, x->remote));
				if (u != v)
					joined[u] = v;
			}
		}
	for (i = 0; i < nn; i++)
		joined[i] = root(joined, i);
	/* With the inventory: which nodes are a VAN's own (not transit). */
	if (l->inv != NULL && (member = calloc((size_t)nn + 1,
	    sizeof(*member))) != NULL)
		for (k = 0; k < l->inv->in.nvans; k++) {
			const struct plan_van *v = &l->inv->in.vans[k];

			for (j = 0; j < v->nmembers; j++) {
				uint64_t key;
				uint32_t site = site_by_name(l,
				    l->inv->in.sites[v->members[j].site].name);

				if (site == PLAN_NONE)
					continue;
				key = (uint64_t)site << 32 | v->members[j].id;
				if (bsearch(&key, nodes, nn, sizeof(key), u64_cmp) != NULL)
					member[node(nodes, nn, site,
					    v->members[j].id)] = true;
			}
		}
	for (k = 0; k < nt; k++)
		if (covered[tun[k].id] && (k == 0 || tun[k].id != tun[k - 1].id))
			check_failover(l, &tun[k], nodes, nn, joined, member, p,
			    first);
out:
	free(tun);
	free(nodes);
	free(p);
	free(joined);
	free(first);
	free(queue);
	free(seen);
	free(covered);
	free(member);
}

/* ------------------------------------------------------------------ run --- */

struct keyed_say {
	const struct wg_key *key;
	uint32_t	site;
};

static int
say_cmp(const void *x, const void *y)
{
	const struct keyed_say *a = x, *b = y;
	int r = memcmp(a->key->b, b->key->b, WG_KEY_LEN);

	return r ? r : a->site < b->site ? -1 : a->site > b->site;
}

int
planlint_run(const struct planconf *inv, const char *const *paths, int npaths,
    FILE *out, FILE *err)
{
	struct lint l = { inv, NULL, 0, 0, err, 0 };
	struct saying *said = NULL;
	struct keyed_say *ks = NULL;
	uint32_t a, i, nk = 0, tunnels = 0, standby = 0, pairs = 0;
	int k;

	for (k = 0; k < npaths; k++)
		add_path(&l, paths[k]);
	for (a = 0; a < l.nsites; a++) {
		for (i = 0; i < a; i++)
			if (strcmp(l.sites[i].name, l.sites[a].name) == 0)
				fault(&l, l.sites[a].file, 0, "site '%s' again (%s)",
				    l.sites[a].name, l.sites[i].file);
		read_site(&l, &l.sites[a]);
	}
	said = calloc((size_t)l.nsites + 1, sizeof(*said));
	ks = calloc((size_t)l.nsites + 1, sizeof(*ks));
	if (said == NULL || ks == NULL) {
		fprintf(err, "vanplan: out of memory\n");
		l.faults++;
		goto out;
	}
	for (a = 0; a < l.nsites; a++) {
		struct lint_site *sa = &l.sites[a];

		if ((sa->peer_site = calloc((size_t)sa->npeers + 1,
		    sizeof(*sa->peer_site))) == NULL) {
			fprintf(err, "vanplan: out of memory\n");
			l.faults++;
			goto out;
		}
		for (i = 0; i < sa->npeers; i++)
			sa->peer_site[i] = site_by_name(&l, sa->peers[i].name);
	}
	for (a = 0; a < l.nsites; a++)
		for (i = 0; i < l.sites[a].npeers; i++) {
			check_peer(&l, a, i, said);
			if (l.sites[a].peer_site[i] > a &&
			    l.sites[a].peer_site[i] != PLAN_NONE) {
				tunnels += l.sites[a].peers[i].ncovers == 0;
				standby += l.sites[a].peers[i].ncovers > 0;
			}
			pairs += l.sites[a].peers[i].npairs;
		}
	check_loops(&l);
	check_heal(&l);
	/* One key, one site. */
	for (a = 0; a < l.nsites; a++)
		if (said[a].p != NULL) {
			ks[nk].key = &said[a].p->public_key;
			ks[nk++].site = a;
		}
	qsort(ks, nk, sizeof(*ks), say_cmp);
	for (i = 1; i < nk; i++)
		if (key_equal(ks[i].key, ks[i - 1].key))
			fault(&l, said[ks[i].site].by->file, said[ks[i].site].p->line,
			    "'%s' has the public key of '%s' (%s:%d)",
			    l.sites[ks[i].site].name, l.sites[ks[i - 1].site].name,
			    said[ks[i - 1].site].by->file, said[ks[i - 1].site].p->line);
	if (inv != NULL) {
		for (a = 0; a < inv->in.nsites; a++)
			if (site_by_name(&l, inv->in.sites[a].name) == PLAN_NONE)
				fault(&l, inv->file, inv->site[a].line, "site '%s' of the "
				    "inventory: no peering file among those linted",
				    inv->in.sites[a].name);
		for (a = 0; a < l.nsites; a++)
			if (planconf_site(inv, l.sites[a].name) == PLAN_NONE)
				fault(&l, l.sites[a].file, 0, "site '%s' is not in the "
				    "inventory %s", l.sites[a].name, inv->file);
	}
out:
	if (l.faults == 0 && standby > 0)
		fprintf(out, "lint: %u sites, %u tunnels and %u standby, %u VAN "
		    "pairs: consistent\n", l.nsites, tunnels, standby, pairs);
	else if (l.faults == 0)
		fprintf(out, "lint: %u sites, %u tunnels, %u VAN pairs: consistent\n",
		    l.nsites, tunnels, pairs);
	else
		fprintf(err, "lint: %d fault%s\n", l.faults, l.faults == 1 ? "" : "s");
	for (a = 0; a < l.nsites; a++) {
		peering_free(l.sites[a].peers, l.sites[a].npeers);
		free(l.sites[a].peer_site);
		free(l.sites[a].vans);
	}
	free(l.sites);
	free(said);
	free(ks);
	return l.faults;
}
