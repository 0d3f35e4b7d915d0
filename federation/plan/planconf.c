/*
 * planconf.c — parse and check vanplan's inventory (see planconf.h,
 * docs/vanplan.md §2, etc/plan/).  Strict, as vanproxy's parser: an
 * unknown setting, a wrong type, a value out of range, a name or key or
 * link twice, a site a link or VAN or constraint names that `sites` does
 * not, a bad key or endpoint — each "FILE:LINE: message".  What needs the
 * whole graph (IDs twice in a site, cycles of forced links, sites that
 * cannot be joined, bounds) is the planner's to say.  A site's `pair` (its
 * vanproxy gateway pair) is planpair.c's.
 *
 * The typed getters and their messages are edge/rim/setting.c's, shared with
 * the daemons; numbers that may be fractions (costs) are this file's.
 */
#include "federation/plan/planconf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <sodium.h>

#include "crypto/key.h"
#include "edge/rim/setting.h"
#include "federation/plan/planpair.h"
#include "proxy/peering.h"

#define COST_MAX	1e12
/* The preshared key file of a tunnel: DIR/LOW-HIGH.psk, as vanproxy takes. */
#define PSK_DIR_MAX	(PROXY_KEYFILE_MAX - 2 * PLAN_NAME_MAX - 8)

/* Sorting site indices by name needs the sites: one parse at a time. */
static const struct plan_site *sort_sites;

static int
by_name_cmp(const void *x, const void *y)
{
	return strcmp(sort_sites[*(const uint32_t *)x].name,
	    sort_sites[*(const uint32_t *)y].name);
}

uint32_t
planconf_site(const struct planconf *pc, const char *name)
{
	uint32_t lo = 0, hi = pc->in.nsites;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pc->in.sites[pc->by_name[mid]].name, name);

		if (c == 0)
			return pc->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return PLAN_NONE;
}

/* The line of a setting the planner holds as an opaque source. */
static int
line_of(const void *src)
{
	const config_setting_t *s = src;

	return s != NULL ? (int)config_setting_source_line(s) : 0;
}

/* A cost, a weight: an integer or a float, 0 <= v <= COST_MAX. */
static bool
number(struct setting_ctx *c, const config_setting_t *g, const char *name,
    double *out)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	double v;

	if (s == NULL)
		return true;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		return setting_fail(c, s, "'%s' must be a number", name);
	}
	if (!(v >= 0 && v <= COST_MAX))
		return setting_fail(c, s, "'%s' must be 0..%g", name, COST_MAX);
	*out = v;
	return true;
}

/* A name that is a peer's, a VAN's and (sites) a directory's. */
static bool
name_ok(struct setting_ctx *c, const config_setting_t *s, const char *what,
    const char *name)
{
	if (!setting_name_ok(name, PLAN_NAME_MAX) || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return setting_fail(c, s, "%s name '%s': 1-%d of A-Z a-z 0-9 _ . - "
		    "(not . or ..)", what, name, PLAN_NAME_MAX - 1);
	return true;
}

/* A site's limits: the federation's, with what its own group sets. */
static bool
parse_limits(struct setting_ctx *c, const config_setting_t *g,
    struct planconf_limits *l)
{
	const config_setting_t *s = config_setting_get_member(g, "limits");

	if (s == NULL)
		return true;
	if (!l->set) {
		l->macs = PROXY_PEER_MACS_DEFAULT;
		l->flood_rate = PROXY_PEER_FLOOD_DEFAULT;
		l->learn_rate = PROXY_PEER_LEARN_DEFAULT;
	}
	l->set = true;
	return peering_limits(c, s, &l->macs, &l->flood_rate, &l->learn_rate);
}

/* Defaults of every site and link. */
struct fed {
	double		default_cost, latency_weight, price_weight;
	uint32_t	keepalive;
	struct planconf_limits limits;
	uint32_t	max_tunnels;
};

static bool
parse_federation(struct setting_ctx *c, const config_setting_t *g,
    struct planconf *pc, struct fed *f)
{
	static const char *const known[] = { "default_cost", "latency_weight",
	    "price_weight", "persistent_keepalive", "preshared_keys", "limits",
	    NULL };
	const char *str = NULL;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'federation' must be a group { ... }");
	if (!setting_only_known(c, g, known) ||
	    !number(c, g, "default_cost", &f->default_cost) ||
	    !number(c, g, "latency_weight", &f->latency_weight) ||
	    !number(c, g, "price_weight", &f->price_weight) ||
	    !setting_u32(c, g, "persistent_keepalive", 0, PROXY_KEEPALIVE_MAX,
	    &f->keepalive) ||
	    !setting_str(c, g, "preshared_keys", &str) ||
	    !parse_limits(c, g, &f->limits))
		return false;
	if (f->default_cost <= 0)
		return setting_fail(c, config_setting_get_member(g, "default_cost"),
		    "'default_cost' must be more than 0");
	if (str != NULL && (str[0] != '/' || strlen(str) >= PSK_DIR_MAX))
		return setting_fail(c, config_setting_get_member(g, "preshared_keys"),
		    "preshared_keys: an absolute directory, shorter than %d bytes",
		    PSK_DIR_MAX);
	if (str != NULL)
		snprintf(pc->psk_dir, sizeof(pc->psk_dir), "%s", str);
	return true;
}

/* ------------------------------------------------------------- sites --- */

/* The public key of a site: its base64, or a file of it (`wg pubkey`). */
static bool
parse_key(struct setting_ctx *c, const config_setting_t *s, const char *dir,
    struct wg_key *key)
{
	const config_setting_t *ks = config_setting_get_member(s, "public_key");
	const config_setting_t *fs = config_setting_get_member(s, "public_key_file");
	const char *text = NULL, *file = NULL;
	char path[PLANCONF_PATH_MAX * 2], buf[128];
	size_t len = 0;
	FILE *f;

	if (!setting_str(c, s, "public_key", &text) ||
	    !setting_str(c, s, "public_key_file", &file))
		return false;
	if ((text == NULL) == (file == NULL))
		return setting_fail(c, ks ? fs ? fs : ks : s, "a site has one of "
		    "'public_key' (base64, as `wg pubkey` prints) and 'public_key_file'");
	if (file != NULL) {
		if (file[0] == '\0' || strlen(file) >= PLANCONF_PATH_MAX)
			return setting_fail(c, fs, "public_key_file: a file name");
		if (file[0] == '/' || strcmp(dir, ".") == 0)
			snprintf(path, sizeof(path), "%s", file);
		else
			snprintf(path, sizeof(path), "%s/%s", dir, file);
		if ((f = fopen(path, "re")) == NULL)
			return setting_fail(c, fs, "public_key_file: %s: %s", path,
			    strerror(errno));
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
		    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
			len--;
		if (!key_from_base64(key, buf, len))
			return setting_fail(c, fs, "public_key_file: %s: not a key (44 "
			    "characters of base64, as `wg pubkey` prints)", path);
	} else if (!key_from_base64(key, text, strlen(text)))
		return setting_fail(c, ks, "public_key: not a key (44 characters of "
		    "base64, as `wg pubkey` prints)");
	if (key_is_zero(key))
		return setting_fail(c, ks ? ks : fs, "public_key: the zero key");
	return true;
}

static bool
parse_site(struct setting_ctx *c, const config_setting_t *s, struct planconf *pc,
    const struct fed *f, uint32_t i)
{
	static const char *const known[] = { "name", "endpoint", "public_key",
	    "public_key_file", "transit_ids", "max_tunnels",
	    "persistent_keepalive", "limits", "pair", NULL };
	struct plan_site *site = &pc->in.sites[i];
	struct planconf_site *ps = &pc->site[i];
	const config_setting_t *t;
	const char *name = NULL, *ep = NULL;
	char host[SETTING_HOST_MAX + 1];
	struct van_addr a;
	uint16_t port;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a site is a group { name = \"...\"; ... }");
	site->src = s;
	ps->line = (int)config_setting_source_line(s);
	site->max_tunnels = f->max_tunnels;
	ps->keepalive = f->keepalive;
	ps->limits = f->limits;
	if (!setting_only_known(c, s, known) ||
	    !setting_str(c, s, "name", &name) ||
	    !setting_str(c, s, "endpoint", &ep) ||
	    !setting_u32(c, s, "max_tunnels", 1, PROXY_PEER_MAX, &site->max_tunnels) ||
	    !setting_u32(c, s, "persistent_keepalive", 0, PROXY_KEEPALIVE_MAX,
	    &ps->keepalive) ||
	    !parse_limits(c, s, &ps->limits))
		return false;
	if (name == NULL)
		return setting_fail(c, s, "site without 'name'");
	if (!name_ok(c, config_setting_get_member(s, "name"), "site", name))
		return false;
	snprintf(site->name, sizeof(site->name), "%s", name);
	if (!parse_key(c, s, pc->dir, &ps->public_key))
		return false;
	if (ep != NULL) {
		if (strlen(ep) >= sizeof(ps->endpoint))
			return setting_fail(c, config_setting_get_member(s, "endpoint"),
			    "endpoint: too long");
		if (!setting_endpoint(c, config_setting_get_member(s, "endpoint"), ep,
		    PROXY_TUNNEL_PORT, &a, host, &port, ps->endpoint,
		    sizeof(ps->endpoint)))
			return false;
	}
	if ((t = config_setting_get_member(s, "transit_ids")) != NULL) {
		long long lo, hi;

		if ((config_setting_type(t) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(t) != CONFIG_TYPE_LIST) ||
		    config_setting_length(t) != 2 ||
		    (config_setting_type(config_setting_get_elem(t, 0)) != CONFIG_TYPE_INT &&
		    config_setting_type(config_setting_get_elem(t, 0)) != CONFIG_TYPE_INT64) ||
		    (config_setting_type(config_setting_get_elem(t, 1)) != CONFIG_TYPE_INT &&
		    config_setting_type(config_setting_get_elem(t, 1)) != CONFIG_TYPE_INT64))
			return setting_fail(c, t, "'transit_ids' must be [ FIRST, LAST ]");
		lo = config_setting_get_int64_elem(t, 0);
		hi = config_setting_get_int64_elem(t, 1);
		if (lo < BRIDGE_VAN_ID_MIN || hi > BRIDGE_VAN_ID_MAX || lo > hi)
			return setting_fail(c, t, "'transit_ids': %u <= FIRST <= LAST <= %u",
			    BRIDGE_VAN_ID_MIN, BRIDGE_VAN_ID_MAX);
		site->transit_lo = (uint32_t)lo;
		site->transit_hi = (uint32_t)hi;
	}
	/* Last: nothing fails after the pair is allocated. */
	if ((t = config_setting_get_member(s, "pair")) != NULL) {
		if ((ps->pair = malloc(sizeof(*ps->pair))) == NULL)
			return setting_fail(c, t, "out of memory");
		if (!planpair_parse(c, t, site->name, ep != NULL ? &a : NULL,
		    ps->pair)) {
			free(ps->pair);
			ps->pair = NULL;
			return false;
		}
	}
	return true;
}

struct keyed_site {
	const struct wg_key *key;
	uint32_t	site;
};

static int
key_cmp(const void *x, const void *y)
{
	const struct keyed_site *a = x, *b = y;
	int r = memcmp(a->key->b, b->key->b, WG_KEY_LEN);

	return r ? r : a->site < b->site ? -1 : a->site > b->site;
}

static bool
parse_sites(struct setting_ctx *c, const config_setting_t *l, struct planconf *pc,
    const struct fed *f)
{
	struct keyed_site *ks;
	uint32_t i, n;

	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l, "'sites' must be a list ( { ... }, ... )");
	n = (uint32_t)config_setting_length(l);
	if (n == 0)
		return setting_fail(c, l, "no sites");
	if (n > PLAN_SITE_MAX)
		return setting_fail(c, l, "more than %d sites", PLAN_SITE_MAX);
	pc->in.sites = calloc(n, sizeof(*pc->in.sites));
	pc->site = calloc(n, sizeof(*pc->site));
	pc->by_name = malloc(n * sizeof(*pc->by_name));
	if (!pc->in.sites || !pc->site || !pc->by_name)
		return setting_fail(c, l, "out of memory");
	for (i = 0; i < n; i++) {
		if (!parse_site(c, config_setting_get_elem(l, i), pc, f, i))
			return false;
		pc->in.nsites++;
		pc->by_name[i] = i;
	}
	sort_sites = pc->in.sites;
	qsort(pc->by_name, n, sizeof(*pc->by_name), by_name_cmp);
	for (i = 1; i < n; i++) {
		uint32_t a = pc->by_name[i - 1], b = pc->by_name[i];

		if (strcmp(pc->in.sites[a].name, pc->in.sites[b].name) == 0) {
			if (b < a) {
				b = a;
				a = pc->by_name[i];
			}
			return setting_fail(c, config_setting_get_member(
			    pc->in.sites[b].src, "name"), "site name '%s' already "
			    "used on line %d", pc->in.sites[b].name, pc->site[a].line);
		}
	}
	if ((ks = malloc(n * sizeof(*ks))) == NULL)
		return setting_fail(c, l, "out of memory");
	for (i = 0; i < n; i++) {
		ks[i].key = &pc->site[i].public_key;
		ks[i].site = i;
	}
	qsort(ks, n, sizeof(*ks), key_cmp);
	for (i = 1; i < n; i++)
		if (memcmp(ks[i].key->b, ks[i - 1].key->b, WG_KEY_LEN) == 0) {
			const config_setting_t *s = pc->in.sites[ks[i].site].src;
			uint32_t other = ks[i - 1].site;

			free(ks);
			return setting_fail(c, config_setting_get_member(s, "public_key") ?
			    config_setting_get_member(s, "public_key") :
			    config_setting_get_member(s, "public_key_file"),
			    "public key already used by site '%s' on line %d",
			    pc->in.sites[other].name, pc->site[other].line);
		}
	free(ks);
	return true;
}

/* ------------------------------------------------------------- links --- */

/* A pair [ "a", "b" ] of two different known sites. */
static bool
site_pair(struct setting_ctx *c, const config_setting_t *s, const struct planconf *pc,
    const char *what, uint32_t *a, uint32_t *b)
{
	const char *na, *nb;

	if ((config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) ||
	    config_setting_length(s) != 2 ||
	    (na = config_setting_get_string_elem(s, 0)) == NULL ||
	    (nb = config_setting_get_string_elem(s, 1)) == NULL)
		return setting_fail(c, s, "%s: two site names [ \"a\", \"b\" ]", what);
	if ((*a = planconf_site(pc, na)) == PLAN_NONE)
		return setting_fail(c, s, "%s: unknown site '%s'", what, na);
	if ((*b = planconf_site(pc, nb)) == PLAN_NONE)
		return setting_fail(c, s, "%s: unknown site '%s'", what, nb);
	if (*a == *b)
		return setting_fail(c, s, "%s: site '%s' twice", what, na);
	return true;
}

/* Two sites without endpoints cannot call each other. */
static bool
callable(const struct planconf *pc, uint32_t a, uint32_t b)
{
	return pc->site[a].endpoint[0] != '\0' || pc->site[b].endpoint[0] != '\0';
}

static bool
parse_link(struct setting_ctx *c, const config_setting_t *s, struct planconf *pc,
    const struct fed *f)
{
	static const char *const known[] = { "sites", "latency", "price", NULL };
	struct plan_link *l = &pc->in.links[pc->in.nlinks];
	const config_setting_t *p;
	double latency = -1, price = -1;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a link is a group { sites = [ \"a\", \"b\" ]; "
		    "latency = MS; price = N; }");
	if (!setting_only_known(c, s, known) ||
	    !number(c, s, "latency", &latency) || !number(c, s, "price", &price))
		return false;
	if ((p = config_setting_get_member(s, "sites")) == NULL)
		return setting_fail(c, s, "link without 'sites'");
	if (!site_pair(c, p, pc, "sites", &l->a, &l->b))
		return false;
	if (latency < 0 && price < 0)
		return setting_fail(c, s, "link without 'latency' or 'price'");
	l->cost = (latency > 0 ? latency * f->latency_weight : 0) +
	    (price > 0 ? price * f->price_weight : 0);
	if (!(l->cost > 0))
		return setting_fail(c, s, "link '%s'-'%s': its cost (latency_weight "
		    "* latency + price_weight * price) must be more than 0",
		    pc->in.sites[l->a].name, pc->in.sites[l->b].name);
	if (!callable(pc, l->a, l->b))
		return setting_fail(c, s, "link '%s'-'%s': neither site has an "
		    "endpoint, no tunnel can come up", pc->in.sites[l->a].name,
		    pc->in.sites[l->b].name);
	l->src = s;
	pc->in.nlinks++;
	return true;
}

struct link_key {
	uint32_t	lo, hi, link;
};

static int
link_key_cmp(const void *x, const void *y)
{
	const struct link_key *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return a->link < b->link ? -1 : a->link > b->link;
}

static bool
parse_links(struct setting_ctx *c, const config_setting_t *l, struct planconf *pc,
    const struct fed *f)
{
	uint32_t n = pc->in.nsites, i, j, m;

	if (l != NULL) {
		if (config_setting_type(l) != CONFIG_TYPE_LIST)
			return setting_fail(c, l, "'links' must be a list ( { ... }, ... )");
		m = (uint32_t)config_setting_length(l);
		if (m > PLAN_LINK_MAX)
			return setting_fail(c, l, "more than %d links", PLAN_LINK_MAX);
		if ((pc->in.links = calloc((size_t)m + 1, sizeof(*pc->in.links))) == NULL)
			return setting_fail(c, l, "out of memory");
		for (i = 0; i < m; i++)
			if (!parse_link(c, config_setting_get_elem(l, i), pc, f))
				return false;
		return true;
	}
	/* No links: every pair that can call, at the default cost. */
	if (n > PLANCONF_COMPLETE_MAX)
		return setting_fail(c, config_root_setting(&pc->cfg), "without 'links', "
		    "at most %d sites (the complete graph)", PLANCONF_COMPLETE_MAX);
	pc->in.links = calloc((size_t)n * (n - 1) / 2 + 1, sizeof(*pc->in.links));
	if (pc->in.links == NULL)
		return setting_fail(c, NULL, "out of memory");
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (callable(pc, i, j))
				pc->in.links[pc->in.nlinks++] = (struct plan_link){ i, j,
				    f->default_cost, PLAN_LINK_FREE, pc->in.src };
	return true;
}

/* force = ( [ "a", "b" ], ... ), forbid likewise: kinds of candidate links. */
static bool
parse_kinds(struct setting_ctx *c, const config_setting_t *g, struct planconf *pc,
    const char *name, enum plan_link_kind kind, const struct link_key *keys)
{
	const config_setting_t *l = config_setting_get_member(g, name);
	const struct link_key *hit;
	struct link_key k;
	uint32_t i;

	if (l == NULL)
		return true;
	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l, "'%s' must be a list ( [ \"a\", \"b\" ], ... )",
		    name);
	for (i = 0; i < (uint32_t)config_setting_length(l); i++) {
		const config_setting_t *s = config_setting_get_elem(l, i);
		struct plan_link *link;

		if (!site_pair(c, s, pc, name, &k.lo, &k.hi))
			return false;
		if (k.lo > k.hi) {
			uint32_t t = k.lo;

			k.lo = k.hi;
			k.hi = t;
		}
		k.link = 0;
		hit = NULL;
		{	/* the pair's link: keys are sorted by pair */
			size_t lo = 0, hi = pc->in.nlinks;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (link_key_cmp(&keys[mid], &k) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < pc->in.nlinks && keys[lo].lo == k.lo && keys[lo].hi == k.hi)
				hit = &keys[lo];
		}
		if (hit == NULL)
			return setting_fail(c, s, "%s: '%s'-'%s' is not a candidate link",
			    name, pc->in.sites[k.lo].name, pc->in.sites[k.hi].name);
		link = &pc->in.links[hit->link];
		if (link->kind != PLAN_LINK_FREE)
			return setting_fail(c, s, "%s: link '%s'-'%s' is already %s", name,
			    pc->in.sites[k.lo].name, pc->in.sites[k.hi].name,
			    link->kind == PLAN_LINK_FORCED ? "forced" : "forbidden");
		link->kind = kind;
		if (link->src == pc->in.src)	/* of the complete graph */
			link->src = s;
	}
	return true;
}

static bool
parse_constraints(struct setting_ctx *c, const config_setting_t *g,
    struct planconf *pc)
{
	struct link_key *keys;
	uint32_t i;
	bool ok;

	if ((keys = malloc(((size_t)pc->in.nlinks + 1) * sizeof(*keys))) == NULL)
		return setting_fail(c, g, "out of memory");
	for (i = 0; i < pc->in.nlinks; i++) {
		const struct plan_link *l = &pc->in.links[i];

		keys[i].lo = l->a < l->b ? l->a : l->b;
		keys[i].hi = l->a < l->b ? l->b : l->a;
		keys[i].link = i;
	}
	qsort(keys, pc->in.nlinks, sizeof(*keys), link_key_cmp);
	for (i = 1; i < pc->in.nlinks; i++)
		if (keys[i].lo == keys[i - 1].lo && keys[i].hi == keys[i - 1].hi) {
			const struct plan_link *l = &pc->in.links[keys[i].link];

			ok = setting_fail(c, l->src, "link '%s'-'%s' already listed on "
			    "line %d", pc->in.sites[l->a].name, pc->in.sites[l->b].name,
			    line_of(pc->in.links[keys[i - 1].link].src));
			free(keys);
			return ok;
		}
	ok = g == NULL || (parse_kinds(c, g, pc, "force", PLAN_LINK_FORCED, keys) &&
	    parse_kinds(c, g, pc, "forbid", PLAN_LINK_FORBIDDEN, keys));
	free(keys);
	return ok;
}

/* -------------------------------------------------------------- vans --- */

static bool
parse_van(struct setting_ctx *c, const config_setting_t *s, struct planconf *pc,
    uint32_t k, uint32_t *used)
{
	static const char *const known[] = { "name", "ids", "fdb_max",
	    "flood_rate", "flood_burst", NULL };
	static const char *const id_known[] = { "site", "id", NULL };
	struct plan_van *v = &pc->in.vans[k];
	const config_setting_t *ids;
	const char *name = NULL;
	uint32_t i, j, n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a VAN is a group { name = \"...\"; ids = "
		    "( ... ); }");
	v->src = s;
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "name", &name) ||
	    !setting_u32(c, s, "fdb_max", 0, FDB_MAX_LIMIT, &pc->van[k].fdb_max) ||
	    !setting_u32(c, s, "flood_rate", 0, PROXY_RATE_MAX,
	    &pc->van[k].flood_rate) ||
	    !setting_u32(c, s, "flood_burst", 0, PROXY_RATE_MAX,
	    &pc->van[k].flood_burst))
		return false;
	if (name == NULL)
		return setting_fail(c, s, "VAN without 'name'");
	if (!name_ok(c, config_setting_get_member(s, "name"), "VAN", name))
		return false;
	for (i = 0; i < k; i++)
		if (strcmp(pc->in.vans[i].name, name) == 0)
			return setting_fail(c, config_setting_get_member(s, "name"),
			    "VAN name '%s' already used on line %d", name,
			    line_of(pc->in.vans[i].src));
	snprintf(v->name, sizeof(v->name), "%s", name);
	if ((ids = config_setting_get_member(s, "ids")) == NULL ||
	    config_setting_type(ids) != CONFIG_TYPE_LIST ||
	    config_setting_length(ids) == 0)
		return setting_fail(c, ids ? ids : s, "VAN '%s': 'ids' must be a list "
		    "( { site = \"...\"; id = N; }, ... ) of the sites with its nodes",
		    name);
	n = (uint32_t)config_setting_length(ids);
	v->members = pc->members + *used;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(ids, i);
		struct plan_member *m = &v->members[i];
		const char *site = NULL;

		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return setting_fail(c, e, "an ID is a group { site = \"...\"; "
			    "id = N; }");
		if (!setting_only_known(c, e, id_known) ||
		    !setting_str(c, e, "site", &site))
			return false;
		if (site == NULL || config_setting_get_member(e, "id") == NULL)
			return setting_fail(c, e, "an ID needs 'site' and 'id'");
		if ((m->site = planconf_site(pc, site)) == PLAN_NONE)
			return setting_fail(c, config_setting_get_member(e, "site"),
			    "unknown site '%s'", site);
		if (!setting_u32(c, e, "id", BRIDGE_VAN_ID_MIN, BRIDGE_VAN_ID_MAX,
		    &m->id))
			return false;
		for (j = 0; j < i; j++)
			if (v->members[j].site == m->site)
				return setting_fail(c, e, "VAN '%s': site '%s' already has "
				    "an ID on line %d", name, site,
				    line_of(v->members[j].src));
		m->src = e;
		v->nmembers++;
	}
	*used += n;
	return true;
}

static bool
parse_vans(struct setting_ctx *c, const config_setting_t *l, struct planconf *pc)
{
	uint32_t i, n, total = 0, used = 0;

	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l, "'vans' must be a list ( { ... }, ... )");
	n = (uint32_t)config_setting_length(l);
	if (n > PLAN_VAN_MAX)
		return setting_fail(c, l, "more than %d VANs", PLAN_VAN_MAX);
	for (i = 0; i < n; i++) {
		const config_setting_t *ids = config_setting_get_member(
		    config_setting_get_elem(l, i), "ids");

		if (ids != NULL)
			total += (uint32_t)config_setting_length(ids);
	}
	pc->in.vans = calloc((size_t)n + 1, sizeof(*pc->in.vans));
	pc->van = calloc((size_t)n + 1, sizeof(*pc->van));
	pc->members = calloc((size_t)total + 1, sizeof(*pc->members));
	if (!pc->in.vans || !pc->van || !pc->members)
		return setting_fail(c, l, "out of memory");
	for (i = 0; i < n; i++) {
		if (!parse_van(c, config_setting_get_elem(l, i), pc, i, &used))
			return false;
		pc->in.nvans++;
	}
	return true;
}

/* -------------------------------------------------------------- load --- */

struct planconf *
planconf_load(const char *path, char err[static SETTING_ERR_MAX])
{
	static const char *const known[] = { "federation", "constraints", "sites",
	    "links", "vans", NULL };
	struct fed f = { 1.0, 1.0, 1.0, 0, { false, 0, 0, 0 }, PROXY_PEER_MAX };
	struct setting_ctx c = { path, err, NULL };
	const config_setting_t *root, *s, *cons;
	struct planconf *pc;
	uint32_t redundancy = 0;

	err[0] = '\0';
	if ((pc = calloc(1, sizeof(*pc))) == NULL ||
	    (pc->dir = malloc(strlen(path) + 1)) == NULL) {
		setting_fail(&c, NULL, "out of memory");
		goto fail;
	}
	snprintf(pc->file, sizeof(pc->file), "%s", path);
	pc->failover_after = PROXY_FAILOVER_AFTER_DEFAULT;
	pc->failback_after = PROXY_FAILBACK_AFTER_DEFAULT;
	config_init(&pc->cfg);
	pc->cfg_live = true;
	c.include_dir = pc->dir;
	if (!setting_read(&c, &pc->cfg, path, pc->dir, strlen(path) + 1))
		goto fail;
	root = config_root_setting(&pc->cfg);
	pc->in.src = root;
	if (!setting_only_known(&c, root, known))
		goto fail;
	if ((s = config_lookup(&pc->cfg, "federation")) != NULL &&
	    !parse_federation(&c, s, pc, &f))
		goto fail;
	if ((cons = config_lookup(&pc->cfg, "constraints")) != NULL) {
		static const char *const ck[] = { "max_tunnels", "redundancy",
		    "failover_after", "failback_after", "force", "forbid", NULL };
		static const char *const timers[] = { "failover_after",
		    "failback_after" };
		unsigned t;

		if (config_setting_type(cons) != CONFIG_TYPE_GROUP) {
			setting_fail(&c, cons, "'constraints' must be a group { ... }");
			goto fail;
		}
		if (!setting_only_known(&c, cons, ck) ||
		    !setting_u32(&c, cons, "max_tunnels", 1, PROXY_PEER_MAX,
		    &f.max_tunnels) ||
		    !setting_u32(&c, cons, "redundancy", 0, PLAN_REDUNDANCY_MAX,
		    &redundancy) ||
		    !setting_u32(&c, cons, "failover_after", 1, PROXY_FAILOVER_MAX,
		    &pc->failover_after) ||
		    !setting_u32(&c, cons, "failback_after", 1, PROXY_FAILOVER_MAX,
		    &pc->failback_after))
			goto fail;
		pc->in.redundancy = redundancy;
		pc->in.redundancy_src = config_setting_get_member(cons, "redundancy");
		/* The tree tunnels' timers: written only with standby tunnels,
		 * so a setting without them would be silently lost. */
		for (t = 0; t < 2 && redundancy == 0; t++)
			if ((s = config_setting_get_member(cons, timers[t])) != NULL) {
				setting_fail(&c, s, "%s: only with redundancy = 1 "
				    "(without standby tunnels no tunnel fails over)",
				    timers[t]);
				goto fail;
			}
	}
	if ((s = config_lookup(&pc->cfg, "sites")) == NULL) {
		setting_fail(&c, root, "no 'sites'");
		goto fail;
	}
	pc->in.src = s;		/* what concerns the whole: the sites */
	if (!parse_sites(&c, s, pc, &f) ||
	    !parse_links(&c, config_lookup(&pc->cfg, "links"), pc, &f) ||
	    !parse_constraints(&c, cons, pc))
		goto fail;
	if ((s = config_lookup(&pc->cfg, "vans")) != NULL && !parse_vans(&c, s, pc))
		goto fail;
	if (pc->in.redundancy_src == NULL)
		pc->in.redundancy_src = root;
	return pc;
fail:
	planconf_free(pc);
	return NULL;
}

void
planconf_free(struct planconf *pc)
{
	uint32_t i;

	if (pc == NULL)
		return;
	if (pc->cfg_live)
		config_destroy(&pc->cfg);
	free(pc->in.sites);
	free(pc->in.links);
	free(pc->in.vans);
	for (i = 0; pc->site != NULL && i < pc->in.nsites; i++)
		free(pc->site[i].pair);
	free(pc->site);
	free(pc->van);
	free(pc->by_name);
	free(pc->members);
	free(pc->dir);
	free(pc);
}

void
planconf_error(const struct planconf *pc, const struct plan_err *e,
    char err[static SETTING_ERR_MAX])
{
	struct setting_ctx c = { pc->file, err, pc->dir };

	setting_fail(&c, e->src, "%s", e->msg);
}
