/*
 * labconf.c — parse and check vanlab topologies (see lab.h and
 * etc/lab/site.conf): the `lab` settings, the VANs, the sites, their
 * hosts and VMs; the federation part (proxies, the internet, peerings) is
 * labfed.c's, called from here.  Strict like vanedge's configuration: an
 * unknown setting, a value of the wrong type or out of range, a duplicate
 * name or address — each is an error naming the file and line, through
 * edge/rim/setting.h's getters.  Every default is set here (lab_new) or
 * derived by lab.c and labfed.c from what is set, so the normalised form
 * (labfile.c) is what the lab runs.  No syscalls, no I/O but libconfig's
 * reading of the file.
 */
#include "federation/lab/lab.h"
#include "federation/lab/lab_int.h"

#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "edge/van/addr.h"
#include "edge/van/mac.h"
#include "edge/rim/log.h"
#include "edge/rim/setting.h"

/* A VM's own unicast address: not ::, ::1, multicast, link-local (every
 * NIC has its own) or IPv4-mapped. */
static bool
ip6_unicast_ok(const uint8_t ip[static 16])
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(ip, zero, 15) == 0 && (ip[15] == 0 || ip[15] == 1))
		return false;
	if (ip[0] == 0xff || (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80))
		return false;
	return memcmp(ip, mapped, 12) != 0;
}

/* Site, host and VM names: a letter, then letters, digits, '_'.  No '-':
 * it separates the parts of namespace names. */
static bool
lab_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return false;
	return true;
}

/* -------------------------------------------------------------- parsing --- */

/* A required list; n is its length, at most max. */
static bool
get_list(struct lab_ctx *c, const config_setting_t *g, const char *name, unsigned max,
    const char *what, const config_setting_t **out, unsigned *n)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	if (s == NULL)
		return setting_fail(&c->set, g, "no '%s'", name);
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return setting_fail(&c->set, s,
		    "'%s' must be a list ( { ... }, ... )", name);
	if (config_setting_length(s) == 0)
		return setting_fail(&c->set, s, "'%s' is empty", name);
	if ((unsigned)config_setting_length(s) > max)
		return setting_fail(&c->set, s, "more than %u %s", max, what);
	*out = s;
	*n = (unsigned)config_setting_length(s);
	return true;
}

static bool
parse_settings(struct lab_ctx *c, const config_setting_t *g)
{
	static const char *const known[] = { "hello_interval", "dead_after", "mtu",
	    "underlay_mtu", "ipv6", "site_key", "arp_proxy", "dad_moves",
	    "dad_window", "dad_hold", "log_level", "internet", "internet_mtu",
	    "metrics", "route_refresh", NULL };
	struct lab *lab = c->lab;
	enum log_level level;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, g,
		    "'lab' must be a group { ... }");
	/* vanedge's settings, within vanedge's bounds. */
	if (!setting_only_known(&c->set, g, known) ||
	    !setting_hello(&c->set, g, &lab->hello_ms, &lab->dead_after) ||
	    !setting_u32(&c->set, g, "mtu", LAB_MTU_MIN, LAB_MTU_MAX,
	    &lab->mtu) ||
	    !setting_u32(&c->set, g, "underlay_mtu", BRIDGE_MTU_MIN,
	    BRIDGE_MTU_MAX, &lab->underlay_mtu) ||
	    !setting_bool(&c->set, g, "ipv6", &lab->ipv6) ||
	    !setting_bool(&c->set, g, "site_key", &lab->site_key) ||
	    !setting_bool(&c->set, g, "arp_proxy", &lab->arp_proxy) ||
	    !setting_bool(&c->set, g, "metrics", &lab->metrics) ||
	    !setting_dad(&c->set, g, &lab->dad_moves, &lab->dad_window,
	    &lab->dad_hold) ||
	    !setting_u32(&c->set, g, "route_refresh", 0, BRIDGE_REFRESH_S_MAX,
	    &lab->route_refresh))
		return false;
	/* Kept as text: it goes into each daemon's configuration. */
	if (config_setting_get_member(g, "log_level") != NULL) {
		if (!setting_log_level(&c->set, g, "log_level", &level))
			return false;
		snprintf(lab->log_level, sizeof(lab->log_level), "%s",
		    log_level_str(level));
	}
	return lab_parse_internet(c, g);
}

static bool
parse_vans(struct lab_ctx *c, const config_setting_t *root)
{
	static const char *const known[] = { "name", "id", "flood_rate",
	    "flood_burst", NULL };
	struct lab *lab = c->lab;
	const config_setting_t *l;
	unsigned i, j, n;

	if (!get_list(c, root, "vans", LAB_VAN_MAX, "VANs", &l, &n))
		return false;
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(l, i);
		struct lab_van *v = &lab->van[i];
		const char *name = NULL;

		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return setting_fail(&c->set, s,
			    "a VAN is a group { name = \"...\"; id = N; }");
		if (!setting_only_known(&c->set, s, known) ||
		    !setting_str(&c->set, s, "name", &name))
			return false;
		v->line = (int)config_setting_source_line(s);
		if (name == NULL)
			return setting_fail(&c->set, s, "VAN without 'name'");
		if (!setting_name_ok(name, BRIDGE_NAME_MAX))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "name"),
			    "VAN name '%s': 1-%d of A-Z a-z 0-9 _ . -", name,
			    BRIDGE_NAME_MAX - 1);
		if (config_setting_get_member(s, "id") == NULL)
			return setting_fail(&c->set, s, "VAN '%s' without 'id'",
			    name);
		if (!setting_u32(&c->set, s, "id", BRIDGE_VAN_ID_MIN,
		    BRIDGE_VAN_ID_MAX, &v->id) ||
		    !setting_u32(&c->set, s, "flood_rate", 0, SETTING_RATE_MAX,
		    &v->flood_rate) ||
		    !setting_u32(&c->set, s, "flood_burst", 0, SETTING_RATE_MAX,
		    &v->flood_burst))
			return false;
		for (j = 0; j < i; j++) {
			if (strcmp(lab->van[j].name, name) == 0)
				return setting_fail(&c->set,
				    config_setting_get_member(s, "name"),
				    "VAN name '%s' already used on line %d",
				    name, lab->van[j].line);
			if (lab->van[j].id == v->id)
				return setting_fail(&c->set,
				    config_setting_get_member(s, "id"),
				    "VAN ID %u already used on line %d", v->id,
				    lab->van[j].line);
		}
		snprintf(v->name, sizeof(v->name), "%s", name);
		lab->nvans++;
	}
	return true;
}

/* van_ids = ( { van = "blue"; id = 1100; }, ... ): this site's own IDs. */
static bool
parse_van_ids(struct lab_ctx *c, const config_setting_t *l, struct lab_site *site)
{
	static const char *const known[] = { "van", "id", NULL };
	struct lab *lab = c->lab;
	bool seen[LAB_VAN_MAX] = { false };
	unsigned i, j, n;

	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(&c->set, l,
		    "'van_ids' must be a list ( { van = \"...\"; id = N; }, "
		    "... )");
	n = (unsigned)config_setting_length(l);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(l, i);
		const char *name = NULL;
		uint32_t id = 0;
		int v;

		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return setting_fail(&c->set, s,
			    "a VAN ID is a group { van = \"...\"; id = N; }");
		if (!setting_only_known(&c->set, s, known) ||
		    !setting_str(&c->set, s, "van", &name) ||
		    !setting_u32(&c->set, s, "id", BRIDGE_VAN_ID_MIN,
		    BRIDGE_VAN_ID_MAX, &id))
			return false;
		if (name == NULL || id == 0)
			return setting_fail(&c->set, s,
			    "a VAN ID needs 'van' and 'id'");
		if ((v = lab_find_van(lab, name)) < 0)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "van"),
			    "unknown VAN '%s'", name);
		if (seen[v])
			return setting_fail(&c->set, s, "VAN '%s' given twice",
			    name);
		seen[v] = true;
		site->van_id[v] = id;
	}
	for (i = 0; i < lab->nvans; i++)
		for (j = 0; j < i; j++)
			if (site->van_id[i] == site->van_id[j])
				return setting_fail(&c->set, l,
				    "VANs '%s' and '%s' have the same ID %u in "
				    "site '%s'", lab->van[j].name,
				    lab->van[i].name, site->van_id[i],
				    site->name);
	return true;
}

/* Host and VM names share one name space: `vanlab exec NAME`. */
static bool
name_unique(struct lab_ctx *c, const config_setting_t *s, const char *name)
{
	struct lab *lab = c->lab;
	unsigned i;

	if (strcmp(name, "sw") == 0)
		return setting_fail(&c->set, s,
		    "the name 'sw' is the site's switch");
	/* Several sites: PREFIX-SITE-gw and PREFIX-inet are namespaces. */
	if (c->several && strcmp(name, "gw") == 0)
		return setting_fail(&c->set, s,
		    "the name 'gw' is the site's proxy");
	if (c->several && strcmp(name, "inet") == 0)
		return setting_fail(&c->set, s,
		    "the name 'inet' is the internet switch");
	for (i = 0; i < lab->nhosts; i++)
		if (strcmp(lab->host[i].name, name) == 0)
			return setting_fail(&c->set, s,
			    "name '%s' already used by the host on line %d",
			    name, lab->host[i].line);
	for (i = 0; i < lab->nvms; i++)
		if (strcmp(lab->vm[i].name, name) == 0)
			return setting_fail(&c->set, s,
			    "name '%s' already used by the VM on line %d", name,
			    lab->vm[i].line);
	return true;
}

static bool
parse_vm(struct lab_ctx *c, const config_setting_t *s, unsigned h)
{
	static const char *const known[] = { "name", "van", "ip", "mac", "ip6", "kind",
	    NULL };
	struct lab *lab = c->lab;
	struct lab_vm *vm;
	const char *name = NULL, *van = NULL, *ip = NULL, *mac = NULL, *ip6 = NULL;
	const char *kind = NULL, *err;
	struct addr_prefix p6;
	uint32_t mask;
	unsigned i;
	int v;

	if (lab->nvms == LAB_VM_MAX)
		return setting_fail(&c->set, s, "more than %d VMs", LAB_VM_MAX);
	vm = &lab->vm[lab->nvms];
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, s,
		    "a VM is a group { name = \"...\"; van = \"...\"; "
		    "ip = \"a.b.c.d/n\"; }");
	if (!setting_only_known(&c->set, s, known) ||
	    !setting_str(&c->set, s, "name", &name) ||
	    !setting_str(&c->set, s, "van", &van) ||
	    !setting_str(&c->set, s, "ip", &ip) ||
	    !setting_str(&c->set, s, "mac", &mac) ||
	    !setting_str(&c->set, s, "ip6", &ip6) ||
	    !setting_str(&c->set, s, "kind", &kind))
		return false;
	vm->line = (int)config_setting_source_line(s);
	vm->kind = LAB_VM_NETNS;
	if (kind != NULL && strcmp(kind, "qemu") == 0)
		vm->kind = LAB_VM_QEMU;
	else if (kind != NULL && strcmp(kind, "netns") != 0)
		return setting_fail(&c->set, config_setting_get_member(s, "kind"),
		    "VM kind '%s': \"netns\" (the default) or \"qemu\"", kind);
	vm->host = h;
	if (name == NULL)
		return setting_fail(&c->set, s, "VM without 'name'");
	if (!lab_name_ok(name, LAB_VM_NAME_MAX))
		return setting_fail(&c->set,
		    config_setting_get_member(s, "name"),
		    "VM name '%s': 1-%d of a-z 0-9 _, "
		    "a letter first (its tap is t-NAME)", name,
		    LAB_VM_NAME_MAX - 1);
	if (!name_unique(c, config_setting_get_member(s, "name"), name))
		return false;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	if (van == NULL)
		return setting_fail(&c->set, s, "VM '%s' without 'van'", name);
	if ((v = lab_find_van(lab, van)) < 0)
		return setting_fail(&c->set,
		    config_setting_get_member(s, "van"),
		    "VM '%s': unknown VAN '%s'", name, van);
	vm->van = (unsigned)v;
	if (ip == NULL)
		return setting_fail(&c->set, s, "VM '%s' without 'ip'", name);
	if (!lab_cidr_parse(ip, LAB_PLEN_MIN, LAB_VM_PLEN_MAX, &vm->ip, &vm->plen))
		return setting_fail(&c->set, config_setting_get_member(s, "ip"),
		    "VM '%s': ip '%s': not a.b.c.d/n (n %d..%d)", name, ip,
		    LAB_PLEN_MIN, LAB_VM_PLEN_MAX);
	mask = lab_plen_mask(vm->plen);
	if ((vm->ip & ~mask) == 0 || (vm->ip & ~mask) == ~mask)
		return setting_fail(&c->set, config_setting_get_member(s, "ip"),
		    "VM '%s': ip '%s' is its subnet's "
		    "network or broadcast address", name, ip);
	if ((vm->ip & lab_plen_mask(LAB_PROBE_PLEN)) == LAB_PROBE_NET ||
	    ((vm->ip & mask) == (LAB_PROBE_NET & mask) && vm->plen < LAB_PROBE_PLEN))
		return setting_fail(&c->set, config_setting_get_member(s, "ip"),
		    "VM '%s': ip '%s' overlaps "
		    "198.18.0.0/16, which vanlab report uses", name, ip);
	if (mac != NULL) {
		if (!mac_parse(mac, vm->mac))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "mac"),
			    "VM '%s': mac '%s': not xx:xx:xx:xx:xx:xx", name,
			    mac);
		if (eth_is_multicast(vm->mac) || eth_is_zero(vm->mac))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "mac"),
			    "VM '%s': mac '%s' must be a unicast address",
			    name, mac);
	} else
		lab_mac_from_ip(vm->ip, vm->mac);
	if (ip6 != NULL) {
		if (!lab->ipv6)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "ip6"),
			    "VM '%s': ip6 needs ipv6 = true in 'lab'", name);
		if (!addr_prefix_parse(ip6, true, &p6, &err) || p6.family != 6 ||
		    p6.len < LAB_PLEN_MIN || p6.len > LAB_VM_PLEN6_MAX)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "ip6"),
			    "VM '%s': ip6 '%s': not an "
			    "IPv6 address/n (n %d..%d)", name, ip6, LAB_PLEN_MIN,
			    LAB_VM_PLEN6_MAX);
		memcpy(vm->ip6, p6.ip, sizeof(vm->ip6));
		vm->plen6 = p6.len;
		if (!ip6_unicast_ok(vm->ip6))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "ip6"),
			    "VM '%s': ip6 '%s' must be a "
			    "global or unique-local unicast address", name,
			    ip6);
		vm->has_ip6 = true;
	}
	/* Unique inside the VAN; other VANs may (and in the lab do) reuse both. */
	for (i = 0; i < lab->nvms; i++) {
		const struct lab_vm *o = &lab->vm[i];

		if (o->van != vm->van)
			continue;
		if (o->ip == vm->ip)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "ip"),
			    "VM '%s': ip '%s' already used "
			    "in VAN '%s' by VM '%s'", name, ip,
			    lab->van[v].name, o->name);
		if (vm->has_ip6 && o->has_ip6 && memcmp(o->ip6, vm->ip6, 16) == 0)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "ip6"),
			    "VM '%s': ip6 '%s' already used "
			    "in VAN '%s' by VM '%s'", name, ip6,
			    lab->van[v].name, o->name);
		if (memcmp(o->mac, vm->mac, 6) == 0) {
			char m[18];

			mac_str(vm->mac, m);
			return setting_fail(&c->set, mac != NULL ?
			    config_setting_get_member(s, "mac") : s,
			    "VM '%s': MAC %s already used in VAN '%s' by VM "
			    "'%s'", name, m, lab->van[v].name, o->name);
		}
	}
	lab->nvms++;
	return true;
}

static bool
parse_host(struct lab_ctx *c, const config_setting_t *s, unsigned si, unsigned index)
{
	static const char *const known[] = { "name", "address", "vms", NULL };
	struct lab *lab = c->lab;
	const struct lab_site *site = &lab->site[si];
	struct lab_host *host;
	const config_setting_t *vms;
	const char *name = NULL, *addr = NULL;
	uint32_t mask = lab_plen_mask(site->plen);
	unsigned i, h;
	char a[16];

	if (lab->nhosts == LAB_HOST_MAX)
		return setting_fail(&c->set, s, "more than %d hosts",
		    LAB_HOST_MAX);
	h = lab->nhosts;
	host = &lab->host[h];
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, s,
		    "a host is a group { name = \"...\"; vms = ( ... ); }");
	if (!setting_only_known(&c->set, s, known) ||
	    !setting_str(&c->set, s, "name", &name) ||
	    !setting_str(&c->set, s, "address", &addr))
		return false;
	host->line = (int)config_setting_source_line(s);
	host->site = si;
	if (name == NULL)
		return setting_fail(&c->set, s, "host without 'name'");
	if (!lab_name_ok(name, LAB_NAME_MAX))
		return setting_fail(&c->set,
		    config_setting_get_member(s, "name"),
		    "host name '%s': 1-%d of a-z 0-9 _, a letter first",
		    name, LAB_NAME_MAX - 1);
	if (!name_unique(c, config_setting_get_member(s, "name"), name))
		return false;
	snprintf(host->name, sizeof(host->name), "%s", name);
	if (addr != NULL) {
		if (!lab_ip_parse(addr, &host->addr))
			return setting_fail(&c->set,
			    config_setting_get_member(s, "address"),
			    "host '%s': address '%s': not an IPv4 address",
			    name, addr);
	} else
		host->addr = site->net + LAB_HOST_ADDR_BASE + index;
	if ((host->addr & mask) != site->net || (host->addr & ~mask) == 0 ||
	    (host->addr & ~mask) == ~mask)
		return setting_fail(&c->set,
		    addr != NULL ? config_setting_get_member(s, "address") : s,
		    "host '%s': underlay address %s is not a host address of "
		    "%s/%u", name, lab_ip_str(host->addr, a),
		    lab_ip_str(site->net, (char[16]){ 0 }), site->plen);
	for (i = 0; i < h; i++)
		if (lab->host[i].addr == host->addr)
			return setting_fail(&c->set, addr != NULL ?
			    config_setting_get_member(s, "address") : s,
			    "host '%s': underlay address %s already used by "
			    "host '%s'", name, lab_ip_str(host->addr, a),
			    lab->host[i].name);
	lab->nhosts++;
	if ((vms = config_setting_get_member(s, "vms")) == NULL)
		return true;
	if (config_setting_type(vms) != CONFIG_TYPE_LIST)
		return setting_fail(&c->set, vms,
		    "'vms' must be a list ( { ... }, ... )");
	for (i = 0; i < (unsigned)config_setting_length(vms); i++)
		if (!parse_vm(c, config_setting_get_elem(vms, i), h))
			return false;
	return true;
}

static bool
parse_site(struct lab_ctx *c, const config_setting_t *s, unsigned si)
{
	static const char *const known[] = { "name", "underlay", "van_ids", "hosts",
	    "proxy", NULL };
	struct lab *lab = c->lab;
	struct lab_site *site = &lab->site[si];
	const config_setting_t *hosts, *ids;
	const char *name = NULL, *underlay = NULL;
	unsigned i, n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(&c->set, s,
		    "a site is a group { name = \"...\"; underlay = "
		    "\"a.b.c.d/n\"; hosts = ( ... ); }");
	if (!setting_only_known(&c->set, s, known) ||
	    !setting_str(&c->set, s, "name", &name) ||
	    !setting_str(&c->set, s, "underlay", &underlay))
		return false;
	site->line = (int)config_setting_source_line(s);
	if (name == NULL)
		return setting_fail(&c->set, s, "site without 'name'");
	if (!lab_name_ok(name, LAB_NAME_MAX))
		return setting_fail(&c->set,
		    config_setting_get_member(s, "name"),
		    "site name '%s': 1-%d of a-z 0-9 _, a letter first",
		    name, LAB_NAME_MAX - 1);
	for (i = 0; i < si; i++)
		if (strcmp(lab->site[i].name, name) == 0)
			return setting_fail(&c->set,
			    config_setting_get_member(s, "name"),
			    "site name '%s' already used on line %d", name,
			    lab->site[i].line);
	snprintf(site->name, sizeof(site->name), "%s", name);
	if (underlay == NULL)
		return setting_fail(&c->set, s, "site '%s' without 'underlay'",
		    name);
	if (!lab_cidr_parse(underlay, LAB_PLEN_MIN, LAB_UNDERLAY_PLEN_MAX, &site->net,
	    &site->plen) || (site->net & ~lab_plen_mask(site->plen)) != 0)
		return setting_fail(&c->set,
		    config_setting_get_member(s, "underlay"),
		    "site '%s': underlay '%s': not "
		    "a network a.b.c.0/n (n %d..%d)", name, underlay, LAB_PLEN_MIN,
		    LAB_UNDERLAY_PLEN_MAX);
	for (i = 0; i < lab->nvans; i++)
		site->van_id[i] = lab->van[i].id;
	if ((ids = config_setting_get_member(s, "van_ids")) != NULL &&
	    !parse_van_ids(c, ids, site))
		return false;
	if (!get_list(c, s, "hosts", LAB_HOST_MAX, "hosts", &hosts, &n))
		return false;
	lab->nsites++;
	for (i = 0; i < n; i++)
		if (!parse_host(c, config_setting_get_elem(hosts, i), si, i))
			return false;
	return lab_parse_proxy(c, s, si);
}

static bool
parse_root(struct lab_ctx *c, const config_setting_t *root)
{
	static const char *const known[] = { "lab", "vans", "sites", "peerings", "plan",
	    NULL };
	const config_setting_t *s, *sites;
	unsigned i, n;

	if (!setting_only_known(&c->set, root, known))
		return false;
	/* Names are checked as they come: know first if there are proxies. */
	sites = config_setting_get_member(root, "sites");
	c->several = sites != NULL && config_setting_is_aggregate(sites) &&
	    config_setting_length(sites) > 1;
	if ((s = config_setting_get_member(root, "lab")) != NULL &&
	    !parse_settings(c, s))
		return false;
	if (!parse_vans(c, root))
		return false;
	if ((sites = config_setting_get_member(root, "sites")) == NULL)
		return setting_fail(&c->set, NULL, "no 'sites'");
	if (!get_list(c, root, "sites", LAB_SITE_MAX, "sites", &sites, &n))
		return false;
	for (i = 0; i < n; i++)
		if (!parse_site(c, config_setting_get_elem(sites, i), i))
			return false;
	if (c->lab->nvms == 0)
		return setting_fail(&c->set, sites,
		    "no VMs: a lab needs at least one");
	return lab_parse_gateways(c, sites) && lab_parse_peerings(c, root);
}

static struct lab *
lab_new(const char *file)
{
	struct lab *lab = calloc(1, sizeof(*lab));

	if (lab == NULL)
		return NULL;
	snprintf(lab->file, sizeof(lab->file), "%s", file);
	lab->hello_ms = LAB_HELLO_MS_DEFAULT;
	lab->dead_after = LAB_DEAD_AFTER_DEFAULT;
	lab->mtu = LAB_MTU_DEFAULT;
	lab->arp_proxy = true;		/* vanedge's defaults */
	lab->dad_moves = BRIDGE_DAD_MOVES_DEFAULT;
	lab->dad_window = BRIDGE_DAD_WINDOW_MS_DEFAULT / 1000;
	lab->dad_hold = BRIDGE_DAD_HOLD_MS_DEFAULT / 1000;
	lab->route_refresh = LAB_ROUTE_REFRESH_DEFAULT;
	snprintf(lab->log_level, sizeof(lab->log_level), "info");
	lab->inet_net = LAB_INET_NET_DEFAULT;
	lab->inet_plen = LAB_INET_PLEN_DEFAULT;
	return lab;
}

/* Shared by lab_load and lab_parse once libconfig has read the text. */
static struct lab *
lab_from_config(struct lab_ctx *c, const config_t *cfg)
{
	if ((c->lab = lab_new(c->set.file)) == NULL) {
		setting_fail(&c->set, NULL, "out of memory");
		return NULL;
	}
	if (!parse_root(c, config_root_setting(cfg))) {
		lab_free(c->lab);
		return NULL;
	}
	return c->lab;
}

struct lab *
lab_load(const char *path, char err[static LAB_ERR_MAX])
{
	struct lab_ctx c = { { path, err, NULL }, NULL, false };
	struct lab *lab = NULL;
	config_t cfg;
	char *dir;

	err[0] = '\0';
	config_init(&cfg);
	if ((dir = malloc(strlen(path) + 1)) == NULL)
		setting_fail(&c.set, NULL, "out of memory");
	else if (setting_read(&c.set, &cfg, path, dir, strlen(path) + 1))
		lab = lab_from_config(&c, &cfg);
	config_destroy(&cfg);
	free(dir);
	return lab;
}

struct lab *
lab_parse(const char *text, const char *name, char err[static LAB_ERR_MAX])
{
	struct lab_ctx c = { { name, err, NULL }, NULL, false };
	struct lab *lab = NULL;
	config_t cfg;

	err[0] = '\0';
	config_init(&cfg);
	if (setting_parse(&c.set, &cfg, text))
		lab = lab_from_config(&c, &cfg);
	config_destroy(&cfg);
	return lab;
}

void
lab_free(struct lab *lab)
{
	free(lab);
}

