/*
 * labfed.c — the federation part of a lab topology (see lab.h): with
 * several sites, each site's proxy (its underlay address and its address
 * on the internet switch), the internet switch's network, and the
 * peerings — which two sites' proxies keep a tunnel and which VANs cross
 * it.  Parsed and checked with edge/rim/setting.h's getters, called from
 * labconf.c with its parse context (lab_int.h), and the values derived
 * from them: namespace and `wg` names, who peers with whom, what each
 * proxy carries, where a VAN reaches.  In layers: lab.c's values below
 * this file, labconf.c (which calls its parsers) above; no call goes up.
 *
 * A peering names VANs, not IDs: each side uses its own site's ID of the
 * VAN (a site's `van_ids`, else the VAN's `id`), which is what vanplan
 * will write into the peering files too.  Loops are allowed here (a lab
 * may show what vanproxy does with a bad configuration); lab_van_loops
 * says where they are.
 *
 * Like labconf.c: no I/O but libconfig's reading of the text (and, with
 * `plan`, of the plan's peering files, through vanproxy's own reader),
 * no syscalls but lab_path's getcwd.
 */
#include "federation/lab/lab.h"
#include "federation/lab/lab_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "crypto/key.h"
#include "edge/van/bytes.h"
#include "edge/rim/setting.h"
#include "proxy/peering.h"

/* ---------------------------------------------------------------- names --- */

bool
lab_federated(const struct lab *lab)
{
	return lab->nsites > 1;
}

void
lab_ns_proxy(const struct lab *lab, const char *prefix, unsigned s,
    char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-%s-gw", prefix, lab->site[s].name);
}

void
lab_ns_inet(const char *prefix, char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-inet", prefix);
}

/* "vl" and FNV-1a of full, when full does not fit in a `wg` name. */
static void
wg_fit(const char *full, char out[static LAB_WG_NAME_MAX])
{
	uint32_t h = 2166136261u;
	size_t i;

	if (strlen(full) < LAB_WG_NAME_MAX) {
		memcpy(out, full, strlen(full) + 1);
		return;
	}
	for (i = 0; full[i] != '\0'; i++)
		h = (h ^ (uint8_t)full[i]) * 16777619u;
	snprintf(out, LAB_WG_NAME_MAX, "vl%08x", h);
}

void
lab_wg_name(const struct lab *lab, const char *prefix, unsigned s,
    char out[static LAB_WG_NAME_MAX])
{
	char full[LAB_PREFIX_MAX + LAB_NAME_MAX + 1];

	snprintf(full, sizeof(full), "%s-%s", prefix, lab->site[s].name);
	wg_fit(full, out);
}

/* --------------------------------------------------------- the gateways --- */

unsigned
lab_gateways(const struct lab *lab, unsigned s)
{
	return lab->site[s].ha ? LAB_GW_MAX : 1;
}

void
lab_ns_gw(const struct lab *lab, const char *prefix, unsigned s, unsigned g,
    char out[static LAB_NS_MAX])
{
	snprintf(out, LAB_NS_MAX, "%s-%s-gw%s", prefix, lab->site[s].name,
	    g == 0 ? "" : "2");
}

void
lab_gw_name(const struct lab *lab, unsigned s, unsigned g,
    char out[static LAB_NAME_MAX + 8])
{
	if (!lab->site[s].ha)
		snprintf(out, LAB_NAME_MAX + 8, "%s-gw", lab->site[s].name);
	else
		snprintf(out, LAB_NAME_MAX + 8, "%s-gw%u", lab->site[s].name, g + 1);
}

void
lab_gw_wg_name(const struct lab *lab, const char *prefix, unsigned s, unsigned g,
    char out[static LAB_WG_NAME_MAX])
{
	char full[LAB_PREFIX_MAX + LAB_NAME_MAX + 3];

	if (g == 0) {
		lab_wg_name(lab, prefix, s, out);
		return;
	}
	/* No site name has a '-': PREFIX-SITE-2 is no other site's name. */
	snprintf(full, sizeof(full), "%s-%s-2", prefix, lab->site[s].name);
	wg_fit(full, out);
}

uint32_t
lab_gw_addr(const struct lab *lab, unsigned s, unsigned g)
{
	return lab->site[s].ha ? lab->site[s].gw_addr[g] : lab->site[s].proxy_addr;
}

uint32_t
lab_gw_inet(const struct lab *lab, unsigned s, unsigned g)
{
	return lab->site[s].ha ? lab->site[s].gw_inet[g] : lab->site[s].proxy_inet;
}

void
lab_gw_port(const struct lab *lab, unsigned s, unsigned g, bool inet,
    char out[static LAB_IFNAMSIZ])
{
	const char *name = lab->site[s].name;

	if (!inet)
		snprintf(out, LAB_IFNAMSIZ, "gw%s", g == 0 ? "" : "2");
	else if (g == 0)
		snprintf(out, LAB_IFNAMSIZ, "%s", name);
	else if (strlen(name) + 2 < LAB_IFNAMSIZ)
		snprintf(out, LAB_IFNAMSIZ, "%s-2", name);
	else
		snprintf(out, LAB_IFNAMSIZ, "%u-gw2", s);
}

int
lab_find_gw(const struct lab *lab, const char *name, int *g)
{
	unsigned s;

	for (s = 0; lab_federated(lab) && s < lab->nsites; s++) {
		size_t n = strlen(lab->site[s].name);
		const char *rest = name + n;

		if (strncmp(name, lab->site[s].name, n) != 0 || strncmp(rest, "-gw", 3) != 0)
			continue;
		if (rest[3] == '\0') {
			*g = lab->site[s].ha ? -1 : 0;
			return (int)s;
		}
		if (lab->site[s].ha && (rest[3] == '1' || rest[3] == '2') &&
		    rest[4] == '\0') {
			*g = rest[3] - '1';
			return (int)s;
		}
	}
	return -1;
}

/* -------------------------------------------------------------- derived --- */

int
lab_peering_other(const struct lab *lab, unsigned p, unsigned s)
{
	if (lab->peering[p].site[0] == s)
		return (int)lab->peering[p].site[1];
	if (lab->peering[p].site[1] == s)
		return (int)lab->peering[p].site[0];
	return -1;
}

unsigned
lab_proxy_peers(const struct lab *lab, unsigned s)
{
	unsigned p, n = 0;

	for (p = 0; p < lab->npeerings; p++)
		n += lab_peering_other(lab, p, s) >= 0;
	return n;
}

bool
lab_proxy_carries(const struct lab *lab, unsigned s, unsigned van)
{
	unsigned p;

	for (p = 0; p < lab->npeerings; p++)
		if (lab->peering[p].van[van] && lab_peering_other(lab, p, s) >= 0)
			return true;
	return false;
}

unsigned
lab_proxy_van_members(const struct lab *lab, unsigned s, unsigned van)
{
	unsigned h, p, n = 0;

	for (h = 0; h < lab->nhosts; h++)
		n += lab->host[h].site == s && lab_host_in_van(lab, h, van);
	for (p = 0; p < lab->npeerings; p++)
		n += lab->peering[p].van[van] && !lab->peering[p].standby &&
		    lab_peering_other(lab, p, s) >= 0;
	return n;
}

/* Union-find over the sites, joined by the peerings that carry van. */
static unsigned
root_of(unsigned *up, unsigned s)
{
	while (up[s] != s)
		s = up[s] = up[up[s]];
	return s;
}

/* Joins the sites of the peerings carrying van (standby tunnels do not,
 * until a failover); true if one of them joined two sites that were
 * joined already (a loop). */
static bool
join_van(const struct lab *lab, unsigned van, unsigned up[static LAB_SITE_MAX])
{
	unsigned s, p;
	bool loop = false;

	for (s = 0; s < LAB_SITE_MAX; s++)
		up[s] = s;
	for (p = 0; p < lab->npeerings; p++) {
		unsigned a, b;

		if (!lab->peering[p].van[van] || lab->peering[p].standby)
			continue;
		a = root_of(up, lab->peering[p].site[0]);
		b = root_of(up, lab->peering[p].site[1]);
		if (a == b)
			loop = true;
		else
			up[a] = b;
	}
	return loop;
}

bool
lab_van_reaches(const struct lab *lab, unsigned van, unsigned a, unsigned b)
{
	unsigned up[LAB_SITE_MAX];

	join_van(lab, van, up);
	return root_of(up, a) == root_of(up, b);
}

bool
lab_van_loops(const struct lab *lab, unsigned van)
{
	unsigned up[LAB_SITE_MAX];

	return join_van(lab, van, up);
}

/* -------------------------------------------------------------- parsing --- */

static bool
nets_overlap(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
	uint32_t m = lab_plen_mask(alen < blen ? alen : blen);

	return (a & m) == (b & m);
}

/* A host address of net/plen: in it, neither its network nor broadcast. */
static bool
host_of(uint32_t addr, uint32_t net, uint8_t plen)
{
	uint32_t m = lab_plen_mask(plen);

	return (addr & m) == net && (addr & ~m) != 0 && (addr & ~m) != ~m;
}

uint32_t
lab_internet_mtu(const struct lab *lab)
{
	/* VAN header, padding to 16, the tunnel's header and tag, UDP, IPv4. */
	uint32_t need = (lab->mtu + 14 + 12 + 15) / 16 * 16 + 32 + 8 + 20;

	if (lab->inet_mtu != 0)
		return lab->inet_mtu;
	return need > lab_underlay_mtu(lab) ? need : lab_underlay_mtu(lab);
}

bool
lab_parse_internet(struct lab_ctx *c, const config_setting_t *g)
{
	struct lab *lab = c->lab;
	const char *net = NULL;

	if (g == NULL)
		return true;
	/* The proxies' tunnel_mtu: an IP path's, as vanproxy takes it. */
	if (!setting_str(&c->set, g, "internet", &net) ||
	    !setting_u32(&c->set, g, "internet_mtu", BRIDGE_MTU_MIN, BRIDGE_MTU_MAX,
	    &lab->inet_mtu))
		return false;
	if (net == NULL)
		return true;
	if (!lab_cidr_parse(net, LAB_PLEN_MIN, LAB_INET_PLEN_MAX, &lab->inet_net,
	    &lab->inet_plen) || (lab->inet_net & ~lab_plen_mask(lab->inet_plen)) != 0)
		return setting_fail(&c->set,
		    config_setting_get_member(g, "internet"),
		    "internet '%s': not a network a.b.c.0/n (n %d..%d)", net,
		    LAB_PLEN_MIN, LAB_INET_PLEN_MAX);
	return true;
}

/* The address a `proxy` setting gives, or the default; checked by the
 * caller. */
static bool
proxy_addr(struct lab_ctx *c, const config_setting_t *g, const char *name,
    uint32_t *addr)
{
	const char *text = NULL;

	if (g == NULL)
		return true;
	if (!setting_str(&c->set, g, name, &text))
		return false;
	if (text != NULL && !lab_ip_parse(text, addr))
		return setting_fail(&c->set, config_setting_get_member(g, name),
		    "proxy %s '%s': not an IPv4 address", name, text);
	return true;
}

bool
lab_parse_proxy(struct lab_ctx *c, const config_setting_t *s, unsigned si)
{
	static const char *const known[] = { "address", "internet", "private_key",
	    "ha", NULL };
	struct lab *lab = c->lab;
	struct lab_site *site = &lab->site[si];
	const config_setting_t *g = config_setting_get_member(s, "proxy"), *at;
	const char *key = NULL;
	char a[16], n[16];
	unsigned i;

	if (!c->several) {
		if (g != NULL)
			return setting_fail(&c->set, g,
			    "'proxy': a lab of one site has none "
			    "(several sites have one each)");
		return true;
	}
	if (g != NULL && config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, g,
		    "'proxy' must be a group { address = \"...\"; "
		    "internet = \"...\"; }");
	if (g != NULL && (!setting_only_known(&c->set, g, known) ||
	    !setting_str(&c->set, g, "private_key", &key) ||
	    !setting_bool(&c->set, g, "ha", &site->ha)))
		return false;
	/* PREFIX-SITE-gw2 is the pair's second gateway, not a host's. */
	for (i = 0; site->ha && i < lab->nhosts; i++)
		if (lab->host[i].site == si && strcmp(lab->host[i].name, "gw2") == 0)
			return setting_fail(&c->set, config_setting_get_member(g, "ha"),
			    "site '%s': ha: the name of host 'gw2' (line %d) is "
			    "the pair's second gateway", site->name,
			    lab->host[i].line);
	if (key != NULL) {
		if (*key == '\0' || strlen(key) >= sizeof(site->key))
			return setting_fail(&c->set,
			    config_setting_get_member(g, "private_key"),
			    "private_key: a file name");
		snprintf(site->key, sizeof(site->key), "%s", key);
	}
	for (i = 0; i < si; i++)
		if (nets_overlap(site->net, site->plen, lab->site[i].net,
		    lab->site[i].plen))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "underlay"),
			    "site '%s': underlay %s/%u overlaps site '%s''s",
			    site->name, lab_ip_str(site->net, a), site->plen,
			    lab->site[i].name);
	if (nets_overlap(site->net, site->plen, lab->inet_net, lab->inet_plen))
		return setting_fail(&c->set,
		    config_setting_get_member(s, "underlay"),
		    "site '%s': underlay %s/%u overlaps the internet %s/%u",
		    site->name, lab_ip_str(site->net, a), site->plen,
		    lab_ip_str(lab->inet_net, n), lab->inet_plen);

	site->proxy_addr = site->net + LAB_PROXY_ADDR_BASE;
	if (!proxy_addr(c, g, "address", &site->proxy_addr))
		return false;
	at = g != NULL && config_setting_get_member(g, "address") != NULL ?
	    config_setting_get_member(g, "address") : s;
	lab_ip_str(site->proxy_addr, a);
	if (!host_of(site->proxy_addr, site->net, site->plen))
		return setting_fail(&c->set, at,
		    "site '%s': proxy address %s is not a host "
		    "address of %s/%u", site->name, a, lab_ip_str(site->net, n),
		    site->plen);
	for (i = 0; i < lab->nhosts; i++)
		if (lab->host[i].addr == site->proxy_addr)
			return setting_fail(&c->set, at,
			    "site '%s': proxy address %s already used "
			    "by host '%s'", site->name, a, lab->host[i].name);

	site->proxy_inet = lab->inet_net + LAB_INET_ADDR_BASE + si;
	if (!proxy_addr(c, g, "internet", &site->proxy_inet))
		return false;
	at = g != NULL && config_setting_get_member(g, "internet") != NULL ?
	    config_setting_get_member(g, "internet") : s;
	lab_ip_str(site->proxy_inet, a);
	if (!host_of(site->proxy_inet, lab->inet_net, lab->inet_plen))
		return setting_fail(&c->set, at,
		    "site '%s': proxy internet address %s is not a "
		    "host address of the internet %s/%u", site->name, a,
		    lab_ip_str(lab->inet_net, n), lab->inet_plen);
	for (i = 0; i < si; i++)
		if (lab->site[i].proxy_inet == site->proxy_inet)
			return setting_fail(&c->set, at,
			    "site '%s': proxy internet address %s "
			    "already used by site '%s'", site->name, a,
			    lab->site[i].name);
	return true;
}

/* Does anything of the lab use addr: a host, a proxy (on either net), a
 * gateway of a pair placed already? */
static bool
addr_taken(const struct lab *lab, uint32_t addr)
{
	unsigned i, g;

	for (i = 0; i < lab->nhosts; i++)
		if (lab->host[i].addr == addr)
			return true;
	for (i = 0; i < lab->nsites; i++) {
		if (lab->site[i].proxy_addr == addr || lab->site[i].proxy_inet == addr)
			return true;
		for (g = 0; g < LAB_GW_MAX; g++)
			if (lab->site[i].gw_addr[g] == addr || lab->site[i].gw_inet[g] == addr)
				return true;
	}
	return false;
}

/* The highest host address of net/plen that nothing uses, 0 if none:
 * well away from the proxies' (+10, +11...) and the hosts' (+11...)
 * defaults, and the same for the same topology. */
static uint32_t
free_addr(const struct lab *lab, uint32_t net, uint8_t plen)
{
	uint32_t a;

	for (a = (net | ~lab_plen_mask(plen)) - 1; a > net; a--)
		if (!addr_taken(lab, a))
			return a;
	return 0;
}

bool
lab_parse_gateways(struct lab_ctx *c, const config_setting_t *sites)
{
	struct lab *lab = c->lab;
	unsigned s, g;
	char n[16];

	for (s = 0; s < lab->nsites; s++) {
		struct lab_site *site = &lab->site[s];
		const config_setting_t *at;

		if (!site->ha)
			continue;
		at = config_setting_get_member(config_setting_get_member(
		    config_setting_get_elem(sites, s), "proxy"), "ha");
		for (g = 0; g < LAB_GW_MAX; g++) {
			if ((site->gw_addr[g] = free_addr(lab, site->net, site->plen)) == 0)
				return setting_fail(&c->set, at,
				    "site '%s': ha: no free address in its underlay "
				    "%s/%u for each of the pair", site->name,
				    lab_ip_str(site->net, n), site->plen);
			if ((site->gw_inet[g] = free_addr(lab, lab->inet_net,
			    lab->inet_plen)) == 0)
				return setting_fail(&c->set, at,
				    "site '%s': ha: no free address in the internet "
				    "%s/%u for each of the pair", site->name,
				    lab_ip_str(lab->inet_net, n), lab->inet_plen);
		}
	}
	return true;
}

/* A list or an array of strings (a peering's `sites`, `vans`). */
static bool
names_of(struct lab_ctx *c, const config_setting_t *l, const char *what)
{
	int i;

	if (config_setting_type(l) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(&c->set, l,
		    "'%s' must be a list of names [ \"...\", ... ]", what);
	for (i = 0; i < config_setting_length(l); i++)
		if (config_setting_type(config_setting_get_elem(l, (unsigned)i)) !=
		    CONFIG_TYPE_STRING)
			return setting_fail(&c->set, l,
			    "'%s' must be a list of names [ \"...\", ... ]",
			    what);
	return true;
}

static bool
parse_peering(struct lab_ctx *c, const config_setting_t *g)
{
	static const char *const known[] = { "sites", "vans", "preshared_key", NULL };
	struct lab *lab = c->lab;
	struct lab_peering *pr = &lab->peering[lab->npeerings];
	const config_setting_t *sites, *vans;
	unsigned i, p;

	if (lab->npeerings == LAB_PEERING_MAX)
		return setting_fail(&c->set, g, "more than %d peerings",
		    LAB_PEERING_MAX);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, g,
		    "a peering is a group { sites = [ \"a\", \"b\" ]; "
		    "vans = [ \"...\", ... ]; }");
	if (!setting_only_known(&c->set, g, known) ||
	    !setting_bool(&c->set, g, "preshared_key", &pr->psk))
		return false;
	memset(pr->van, 0, sizeof(pr->van));
	pr->line = (int)config_setting_source_line(g);
	if ((sites = config_setting_get_member(g, "sites")) == NULL)
		return setting_fail(&c->set, g, "peering without 'sites'");
	if (!names_of(c, sites, "sites"))
		return false;
	if (config_setting_length(sites) != 2)
		return setting_fail(&c->set, sites,
		    "a peering joins two sites: sites = [ \"a\", \"b\" ]");
	for (i = 0; i < 2; i++) {
		const char *name = config_setting_get_string_elem(sites, i);
		int s = lab_find_site(lab, name);

		if (s < 0)
			return setting_fail(&c->set, sites,
			    "peering: unknown site '%s'", name);
		pr->site[i] = (unsigned)s;
	}
	if (pr->site[0] == pr->site[1])
		return setting_fail(&c->set, sites,
		    "peering: site '%s' with itself",
		    lab->site[pr->site[0]].name);
	for (p = 0; p < lab->npeerings; p++)
		if (lab_peering_other(lab, p, pr->site[0]) == (int)pr->site[1])
			return setting_fail(&c->set, sites,
			    "sites '%s' and '%s' peer already on line %d",
			    lab->site[pr->site[0]].name,
			    lab->site[pr->site[1]].name, lab->peering[p].line);
	if ((vans = config_setting_get_member(g, "vans")) == NULL)
		return setting_fail(&c->set, g, "peering without 'vans'");
	if (!names_of(c, vans, "vans"))
		return false;
	if (config_setting_length(vans) == 0)
		return setting_fail(&c->set, vans, "peering: 'vans' is empty");
	for (i = 0; i < (unsigned)config_setting_length(vans); i++) {
		const char *name = config_setting_get_string_elem(vans, i);
		int v = lab_find_van(lab, name);

		if (v < 0)
			return setting_fail(&c->set, vans,
			    "peering: unknown VAN '%s'", name);
		if (pr->van[v])
			return setting_fail(&c->set, vans,
			    "peering: VAN '%s' given twice", name);
		pr->van[v] = true;
	}
	lab->npeerings++;
	return true;
}

void
lab_path(const struct lab *lab, const char *rel, char out[static 8192])
{
	const char *slash = strrchr(lab->file, '/');
	char cwd[4096];

	if (rel[0] == '/')
		snprintf(out, 8192, "%s", rel);
	else if (slash != NULL && lab->file[0] == '/')
		snprintf(out, 8192, "%.*s/%s", (int)(slash - lab->file), lab->file, rel);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(out, 8192, "%.*s%s%s", slash ? (int)(slash - lab->file) : 0,
		    lab->file, slash ? "/" : "", rel);
	else
		snprintf(out, 8192, "%s/%.*s%s%s", cwd, slash ? (int)(slash - lab->file) : 0,
		    lab->file, slash ? "/" : "", rel);
}

/* The peering of sites a and b, made if new; NULL when full. */
static struct lab_peering *
peering_of(struct lab *lab, unsigned a, unsigned b, int line)
{
	unsigned p;

	for (p = 0; p < lab->npeerings; p++)
		if (lab_peering_other(lab, p, a) == (int)b)
			return &lab->peering[p];
	if (lab->npeerings == LAB_PEERING_MAX)
		return NULL;
	p = lab->npeerings++;
	memset(&lab->peering[p], 0, sizeof(lab->peering[p]));
	lab->peering[p].site[0] = a;
	lab->peering[p].site[1] = b;
	lab->peering[p].line = line;
	return &lab->peering[p];
}

/*
 * One site's peering file, as vanplan wrote it (docs/vanplan.md), read by
 * vanproxy's reader (proxy/peering.c, its checks and messages), then held
 * to the lab: each peer a site of the lab, reached at its proxy's internet
 * address, each pair of VAN IDs the two sites' IDs of one VAN.
 * what[p][v] |= 1 << k records that side k of peering p exports VAN v; the
 * caller checks both sides agree.
 */
static bool
parse_plan_site(struct lab_ctx *top, unsigned s, uint8_t what[][LAB_VAN_MAX])
{
	/* Nothing of a proxy's own; no key file read (a plan has none), no
	 * name resolved. */
	static const struct peering_opts opts = { .self = NULL,
	    .vans_known = false, .keys = false, .resolve = false };
	struct lab *lab = top->lab;
	char dir[8192], path[8192 + 64], pdir[8192 + 64];
	struct lab_ctx c = *top;
	const config_setting_t *peers;
	struct proxy_peer *pp = NULL;
	unsigned i, j, npp = 0;
	config_t cfg;
	bool ok = false;

	lab_path(lab, lab->plan, dir);
	snprintf(path, sizeof(path), "%s/%s/peering.conf", dir, lab->site[s].name);
	c.set.file = path;
	config_init(&cfg);
	if (!setting_read(&c.set, &cfg, path, pdir, sizeof(pdir))) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			setting_fail(&c.set, NULL,
			    "cannot read site '%s''s peering file (vanplan "
			    "plan INVENTORY -o %s)", lab->site[s].name,
			    lab->plan);
		goto out;
	}
	if (!setting_top(&c.set, &cfg, "peers", &peers))
		goto out;
	if (peers == NULL) {
		setting_fail(&c.set, NULL, "no list 'peers'");
		goto out;
	}
	if (!peering_peers(&c.set, peers, &opts, &pp, &npp))
		goto out;
	for (i = 0; i < npp; i++) {
		const config_setting_t *g = config_setting_get_elem(peers, i), *vans;
		const struct proxy_peer *p = &pp[i];
		const char *ep = NULL;
		struct lab_peering *pr;
		char want[32], a[16], pub[WG_KEY_B64_LEN + 1];
		int o;

		if ((o = lab_find_site(lab, p->name)) < 0 || (unsigned)o == s) {
			setting_fail(&c.set, g,
			    "peer '%s' is not another site of the lab", p->name);
			goto out;
		}
		if (p->has_psk) {
			setting_fail(&c.set,
			    config_setting_get_member(g, "preshared_key"),
			    "peer '%s': a lab "
			    "plan has no preshared keys (leave them out of the "
			    "inventory)", p->name);
			goto out;
		}
		key_to_base64(pub, &p->public_key);
		if (lab->site[o].plan_pub[0] != '\0' &&
		    strcmp(lab->site[o].plan_pub, pub) != 0) {
			setting_fail(&c.set,
			    config_setting_get_member(g, "public_key"),
			    "peer '%s': another "
			    "public key than another site's peering file gives "
			    "it", p->name);
			goto out;
		}
		snprintf(lab->site[o].plan_pub, sizeof(lab->site[o].plan_pub), "%s", pub);
		/* Its address, whichever way the file writes it. */
		lab_ip_str(lab->site[o].proxy_inet, a);
		snprintf(want, sizeof(want), "%s:%u", a, LAB_TUNNEL_PORT);
		if (!p->has_endpoint || p->endpoint_addr.family != 4 ||
		    bytes_be32(p->endpoint_addr.ip) != lab->site[o].proxy_inet ||
		    p->endpoint_addr.port != LAB_TUNNEL_PORT) {
			if (p->has_endpoint)
				ep = config_setting_get_string(
				    config_setting_get_member(g, "endpoint"));
			setting_fail(&c.set, g,
			    "peer '%s': endpoint '%s', but its proxy is %s in "
			    "this lab", p->name, ep ? ep : "(none)", want);
			goto out;
		}
		if ((pr = peering_of(lab, s, (unsigned)o, p->line)) == NULL) {
			setting_fail(&c.set, g, "more than %d peerings",
			    LAB_PEERING_MAX);
			goto out;
		}
		pr->standby = p->ncovers > 0;
		if ((vans = config_setting_get_member(g, "vans")) == NULL) {
			setting_fail(&c.set, g,
			    "peer '%s' without a list 'vans'", p->name);
			goto out;
		}
		for (j = 0; j < p->npairs; j++) {
			const config_setting_t *pair = config_setting_get_elem(vans, j);
			const struct proxy_pair *x = &p->pairs[j];
			unsigned v;

			for (v = 0; v < lab->nvans && lab->site[s].van_id[v] != x->local;
			    v++)
				;
			if (v == lab->nvans) {
				setting_fail(&c.set, pair,
				    "local VAN %u is none of site '%s''s VAN "
				    "IDs (van_ids)", x->local, lab->site[s].name);
				goto out;
			}
			if (lab->site[o].van_id[v] != x->remote) {
				setting_fail(&c.set, pair,
				    "VAN '%s' is %u in site '%s', not %u",
				    lab->van[v].name, lab->site[o].van_id[v],
				    p->name, x->remote);
				goto out;
			}
			pr->van[v] = true;
			what[pr - lab->peering][v] |= (uint8_t)(1u << (pr->site[0] == s ?
			    0 : 1));
		}
	}
	ok = true;
out:
	peering_free(pp, npp);
	config_destroy(&cfg);
	return ok;
}

/* `plan`: vanplan's files make the peerings; both sides must agree. */
static bool
parse_plan(struct lab_ctx *c, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "plan");
	static uint8_t what[LAB_PEERING_MAX][LAB_VAN_MAX];
	struct lab *lab = c->lab;
	const char *dir = NULL;
	unsigned s, p, v;

	if (!c->several)
		return setting_fail(&c->set, g,
		    "'plan': a lab of one site has no peerings");
	if (config_setting_get_member(root, "peerings") != NULL)
		return setting_fail(&c->set,
		    config_setting_get_member(root, "peerings"),
		    "'peerings' and "
		    "'plan' both: the plan's peering files are the peerings");
	if (config_setting_type(g) != CONFIG_TYPE_STRING ||
	    *(dir = config_setting_get_string(g)) == '\0' ||
	    strlen(dir) >= sizeof(lab->plan))
		return setting_fail(&c->set, g,
		    "'plan' is the directory vanplan wrote: "
		    "plan = \"DIR\";");
	snprintf(lab->plan, sizeof(lab->plan), "%s", dir);
	memset(what, 0, sizeof(what));
	for (s = 0; s < lab->nsites; s++)
		if (!parse_plan_site(c, s, what))
			return false;
	for (p = 0; p < lab->npeerings; p++)
		for (v = 0; v < lab->nvans; v++)
			if (what[p][v] == 1 || what[p][v] == 2) {
				unsigned k = what[p][v] == 1 ? 0 : 1;

				return setting_fail(&c->set, g,
				    "plan '%s': site '%s''s peering file "
				    "carries VAN '%s' to '%s', whose file does "
				    "not carry it back (vanplan lint)", dir,
				    lab->site[lab->peering[p].site[k]].name,
				    lab->van[v].name,
				    lab->site[lab->peering[p].site[1 - k]].name);
			}
	for (s = 0; s < lab->nsites; s++)
		if (lab->site[s].key[0] == '\0' && lab_proxy_peers(lab, s) > 0)
			return setting_fail(&c->set, g,
			    "plan: site '%s' needs proxy = { "
			    "private_key = \"FILE\"; } (the key of the public "
			    "key its peers' files name)", lab->site[s].name);
	return true;
}

bool
lab_parse_peerings(struct lab_ctx *c, const config_setting_t *root)
{
	const config_setting_t *l = config_setting_get_member(root, "peerings");
	unsigned i, n;

	if (config_setting_get_member(root, "plan") != NULL)
		return parse_plan(c, root);
	if (l == NULL)
		return true;
	if (!c->several)
		return setting_fail(&c->set, l,
		    "'peerings': a lab of one site has no one to peer with");
	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(&c->set, l,
		    "'peerings' must be a list ( { sites = [ ... ]; "
		    "vans = [ ... ]; }, ... )");
	n = (unsigned)config_setting_length(l);
	for (i = 0; i < n; i++)
		if (!parse_peering(c, config_setting_get_elem(l, i)))
			return false;
	return true;
}
