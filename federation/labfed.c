/*
 * labfed.c — the federation part of a lab topology (see lab.h): with
 * several sites, each site's proxy (its underlay address and its address
 * on the internet switch), the internet switch's network, and the
 * peerings — which two sites' proxies keep a tunnel and which VANs cross
 * it.  Parsed and checked with lab.c's readers (lab_int.h), and the
 * values derived from them: namespace and `wg` names, who peers with
 * whom, what each proxy carries, where a VAN reaches.
 *
 * A peering names VANs, not IDs: each side uses its own site's ID of the
 * VAN (a site's `van_ids`, else the VAN's `id`), which is what vanplan
 * will write into the peering files too.  Loops are allowed here (a lab
 * may show what vanproxy does with a bad configuration); lab_van_loops
 * says where they are.
 *
 * Like lab.c: no syscalls, no I/O but libconfig's reading of the text.
 */
#include "federation/lab.h"
#include "federation/lab_int.h"

#include <stdio.h>
#include <string.h>

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

void
lab_wg_name(const struct lab *lab, const char *prefix, unsigned s,
    char out[static LAB_WG_NAME_MAX])
{
	char full[LAB_PREFIX_MAX + LAB_NAME_MAX + 1];
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	snprintf(full, sizeof(full), "%s-%s", prefix, lab->site[s].name);
	if (strlen(full) < LAB_WG_NAME_MAX) {
		memcpy(out, full, strlen(full) + 1);
		return;
	}
	for (i = 0; full[i] != '\0'; i++)
		h = (h ^ (uint8_t)full[i]) * 16777619u;
	snprintf(out, LAB_WG_NAME_MAX, "vl%08x", h);
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
		n += lab->peering[p].van[van] && lab_peering_other(lab, p, s) >= 0;
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

/* Joins the sites of the peerings carrying van; true if one of them
 * joined two sites that were joined already (a loop). */
static bool
join_van(const struct lab *lab, unsigned van, unsigned up[static LAB_SITE_MAX])
{
	unsigned s, p;
	bool loop = false;

	for (s = 0; s < LAB_SITE_MAX; s++)
		up[s] = s;
	for (p = 0; p < lab->npeerings; p++) {
		unsigned a, b;

		if (!lab->peering[p].van[van])
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
	if (!lab_get_str(c, g, "internet", &net) ||
	    !lab_get_u32(c, g, "internet_mtu", 576, LAB_UNDERLAY_MTU_MAX, &lab->inet_mtu))
		return false;
	if (net == NULL)
		return true;
	if (!lab_cidr_parse(net, 8, 28, &lab->inet_net, &lab->inet_plen) ||
	    (lab->inet_net & ~lab_plen_mask(lab->inet_plen)) != 0)
		return lab_fail(c, lab_member(g, "internet"), "internet '%s': not a "
		    "network a.b.c.0/n (n 8..28)", net);
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
	if (!lab_get_str(c, g, name, &text))
		return false;
	if (text != NULL && !lab_ip_parse(text, addr))
		return lab_fail(c, lab_member(g, name), "proxy %s '%s': not an IPv4 "
		    "address", name, text);
	return true;
}

bool
lab_parse_proxy(struct lab_ctx *c, const config_setting_t *s, unsigned si)
{
	static const char *const known[] = { "address", "internet", NULL };
	struct lab *lab = c->lab;
	struct lab_site *site = &lab->site[si];
	const config_setting_t *g = lab_member(s, "proxy"), *at;
	char a[16], n[16];
	unsigned i;

	if (!c->several) {
		if (g != NULL)
			return lab_fail(c, g, "'proxy': a lab of one site has none "
			    "(several sites have one each)");
		return true;
	}
	if (g != NULL && config_setting_type(g) != CONFIG_TYPE_GROUP)
		return lab_fail(c, g, "'proxy' must be a group { address = \"...\"; "
		    "internet = \"...\"; }");
	if (g != NULL && !lab_only_known(c, g, known))
		return false;
	for (i = 0; i < si; i++)
		if (nets_overlap(site->net, site->plen, lab->site[i].net,
		    lab->site[i].plen))
			return lab_fail(c, lab_member(s, "underlay"), "site '%s': underlay "
			    "%s/%u overlaps site '%s''s", site->name,
			    lab_ip_str(site->net, a), site->plen, lab->site[i].name);
	if (nets_overlap(site->net, site->plen, lab->inet_net, lab->inet_plen))
		return lab_fail(c, lab_member(s, "underlay"), "site '%s': underlay "
		    "%s/%u overlaps the internet %s/%u", site->name,
		    lab_ip_str(site->net, a), site->plen, lab_ip_str(lab->inet_net, n),
		    lab->inet_plen);

	site->proxy_addr = site->net + LAB_PROXY_ADDR_BASE;
	if (!proxy_addr(c, g, "address", &site->proxy_addr))
		return false;
	at = g != NULL && lab_member(g, "address") != NULL ? lab_member(g, "address") : s;
	lab_ip_str(site->proxy_addr, a);
	if (!host_of(site->proxy_addr, site->net, site->plen))
		return lab_fail(c, at, "site '%s': proxy address %s is not a host "
		    "address of %s/%u", site->name, a, lab_ip_str(site->net, n),
		    site->plen);
	for (i = 0; i < lab->nhosts; i++)
		if (lab->host[i].addr == site->proxy_addr)
			return lab_fail(c, at, "site '%s': proxy address %s already used "
			    "by host '%s'", site->name, a, lab->host[i].name);

	site->proxy_inet = lab->inet_net + LAB_INET_ADDR_BASE + si;
	if (!proxy_addr(c, g, "internet", &site->proxy_inet))
		return false;
	at = g != NULL && lab_member(g, "internet") != NULL ? lab_member(g, "internet") : s;
	lab_ip_str(site->proxy_inet, a);
	if (!host_of(site->proxy_inet, lab->inet_net, lab->inet_plen))
		return lab_fail(c, at, "site '%s': proxy internet address %s is not a "
		    "host address of the internet %s/%u", site->name, a,
		    lab_ip_str(lab->inet_net, n), lab->inet_plen);
	for (i = 0; i < si; i++)
		if (lab->site[i].proxy_inet == site->proxy_inet)
			return lab_fail(c, at, "site '%s': proxy internet address %s "
			    "already used by site '%s'", site->name, a, lab->site[i].name);
	return true;
}

/* A list or an array of strings (a peering's `sites`, `vans`). */
static bool
names_of(struct lab_ctx *c, const config_setting_t *l, const char *what)
{
	int i;

	if (config_setting_type(l) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(l) != CONFIG_TYPE_LIST)
		return lab_fail(c, l, "'%s' must be a list of names [ \"...\", ... ]",
		    what);
	for (i = 0; i < config_setting_length(l); i++)
		if (config_setting_type(config_setting_get_elem(l, (unsigned)i)) !=
		    CONFIG_TYPE_STRING)
			return lab_fail(c, l, "'%s' must be a list of names [ \"...\", "
			    "... ]", what);
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
		return lab_fail(c, g, "more than %d peerings", LAB_PEERING_MAX);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return lab_fail(c, g, "a peering is a group { sites = [ \"a\", \"b\" ]; "
		    "vans = [ \"...\", ... ]; }");
	if (!lab_only_known(c, g, known) ||
	    !lab_get_bool(c, g, "preshared_key", &pr->psk))
		return false;
	memset(pr->van, 0, sizeof(pr->van));
	pr->line = (int)config_setting_source_line(g);
	if ((sites = lab_member(g, "sites")) == NULL)
		return lab_fail(c, g, "peering without 'sites'");
	if (!names_of(c, sites, "sites"))
		return false;
	if (config_setting_length(sites) != 2)
		return lab_fail(c, sites, "a peering joins two sites: sites = [ \"a\", "
		    "\"b\" ]");
	for (i = 0; i < 2; i++) {
		const char *name = config_setting_get_string_elem(sites, i);
		int s = lab_find_site(lab, name);

		if (s < 0)
			return lab_fail(c, sites, "peering: unknown site '%s'", name);
		pr->site[i] = (unsigned)s;
	}
	if (pr->site[0] == pr->site[1])
		return lab_fail(c, sites, "peering: site '%s' with itself",
		    lab->site[pr->site[0]].name);
	for (p = 0; p < lab->npeerings; p++)
		if (lab_peering_other(lab, p, pr->site[0]) == (int)pr->site[1])
			return lab_fail(c, sites, "sites '%s' and '%s' peer already on "
			    "line %d", lab->site[pr->site[0]].name,
			    lab->site[pr->site[1]].name, lab->peering[p].line);
	if ((vans = lab_member(g, "vans")) == NULL)
		return lab_fail(c, g, "peering without 'vans'");
	if (!names_of(c, vans, "vans"))
		return false;
	if (config_setting_length(vans) == 0)
		return lab_fail(c, vans, "peering: 'vans' is empty");
	for (i = 0; i < (unsigned)config_setting_length(vans); i++) {
		const char *name = config_setting_get_string_elem(vans, i);
		int v = lab_find_van(lab, name);

		if (v < 0)
			return lab_fail(c, vans, "peering: unknown VAN '%s'", name);
		if (pr->van[v])
			return lab_fail(c, vans, "peering: VAN '%s' given twice", name);
		pr->van[v] = true;
	}
	lab->npeerings++;
	return true;
}

bool
lab_parse_peerings(struct lab_ctx *c, const config_setting_t *root)
{
	const config_setting_t *l = lab_member(root, "peerings");
	unsigned i, n;

	if (l == NULL)
		return true;
	if (!c->several)
		return lab_fail(c, l, "'peerings': a lab of one site has no one to "
		    "peer with");
	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return lab_fail(c, l, "'peerings' must be a list ( { sites = [ ... ]; "
		    "vans = [ ... ]; }, ... )");
	n = (unsigned)config_setting_length(l);
	for (i = 0; i < n; i++)
		if (!parse_peering(c, config_setting_get_elem(l, i)))
			return false;
	return true;
}
