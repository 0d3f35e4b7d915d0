/*
 * planpair.c — see planpair.h.  Strict, as the rest of the inventory: an
 * unknown setting, a wrong type, a bad address or interface name, router
 * IDs alike or out of range, not two gateways, a gateway name twice or
 * one that would clash with a file of the site's directory, a gateway
 * address that is a VIP or the twin's — each "FILE:LINE: pair: ...".
 * Last, proxy/pair.c's own check (pair_conf_bad) on the filled struct,
 * so that what keepalived.conf cannot carry is refused here, not
 * written.
 *
 * What it does not check: that the addresses are on the interfaces, or
 * the VIPs in the gateways' subnets (the inventory knows no subnets).
 */
#include "federation/plan/planpair.h"

#include <string.h>

#include "edge/van/addr.h"
#include "edge/van/van.h"
#include "federation/plan/plan.h"
#include "proxy/peering.h"

/* Where `make install` puts the programs (federation/plan/module.mk). */
#ifndef VAN_SBINDIR
#define VAN_SBINDIR	"/usr/local/sbin"
#endif
#ifndef VAN_BINDIR
#define VAN_BINDIR	"/usr/local/bin"
#endif

/* The defaults of the optional settings; the last two as proxy/conf.h's
 * PROXY_CONF_DEFAULT_CONTROL and PROXY_CONF_DEFAULT_PATH. */
#define PLANPAIR_STATE_DIR	"/run/van/pair"
#define PLANPAIR_CONTROL	"/run/van/proxy.sock"
#define PLANPAIR_PROXY_CONF	"/etc/van/proxy.conf"

/* A site name is the sync group's and an instance's: it must fit. */
_Static_assert(PLAN_NAME_MAX <= PAIR_NAME_MAX, "site names fit pair_conf");
/* STATE_DIR/drain is vanproxy's drain_file. */
_Static_assert(PAIR_PATH_MAX + sizeof("/" PAIR_DRAIN_FILE) <= PROXY_KEYFILE_MAX,
    "the drain file fits vanproxy's drain_file");

static void
ipv4_text(const struct van_addr *a, char out[static PAIR_ADDR_MAX])
{
	snprintf(out, PAIR_ADDR_MAX, "%u.%u.%u.%u", a->ip[0], a->ip[1], a->ip[2],
	    a->ip[3]);
}

/* An IPv4 address a host can hold: not 0.0.0.0, multicast or broadcast. */
static bool
ipv4_host(const struct van_addr *a)
{
	return a->family == 4 && !addr_is_any(a) && (a->ip[0] & 0xf0) != 0xe0 &&
	    !(a->ip[0] == 255 && a->ip[1] == 255 && a->ip[2] == 255 &&
	    a->ip[3] == 255);
}

/* Member `name` of g, an IPv4 address of a host, into out (normalised). */
static bool
ipv4_member(struct setting_ctx *c, const config_setting_t *g, const char *name,
    const char *who, char out[static PAIR_ADDR_MAX])
{
	const config_setting_t *s = config_setting_get_member(g, name);
	const char *str = config_setting_get_string(s);
	struct van_addr a;

	if (!addr_ip_parse(str, &a) || !ipv4_host(&a))
		return setting_fail(c, s, "pair: %s%s '%s': not an IPv4 address of a "
		    "host", who, name, str);
	ipv4_text(&a, out);
	return true;
}

/* Member `name` of g, an interface name, into out. */
static bool
dev_member(struct setting_ctx *c, const config_setting_t *g, const char *name,
    char out[static PAIR_DEV_MAX])
{
	const config_setting_t *s = config_setting_get_member(g, name);
	const char *str = config_setting_get_string(s);

	if (!setting_name_ok(str, SETTING_IFNAMSIZ) || strcmp(str, ".") == 0 ||
	    strcmp(str, "..") == 0)
		return setting_fail(c, s, "pair: %s '%s': an interface name, 1-%d of "
		    "A-Z a-z 0-9 _ . -", name, str, SETTING_IFNAMSIZ - 1);
	snprintf(out, PAIR_DEV_MAX, "%s", str);
	return true;
}

/* Optional member `name` of g, an absolute path shorter than max, or dflt. */
static bool
path_member(struct setting_ctx *c, const config_setting_t *g, const char *name,
    const char *dflt, size_t max, char out[static PAIR_PATH_MAX])
{
	const char *str = NULL;
	size_t n;

	if (!setting_str(c, g, name, &str))
		return false;
	if (str == NULL)
		str = dflt;
	if (str[0] != '/' || strlen(str) >= max)
		return setting_fail(c, config_setting_get_member(g, name),
		    "pair: %s '%s': an absolute path shorter than %zu bytes", name,
		    str, max);
	snprintf(out, PAIR_PATH_MAX, "%s", str);
	for (n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
	return true;
}

static bool
parse_router_ids(struct setting_ctx *c, const config_setting_t *g,
    struct pair_conf *p)
{
	const config_setting_t *s = config_setting_get_member(g, "router_ids");
	long long id[2];
	int i;

	if ((config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) ||
	    config_setting_length(s) != 2)
		goto bad;
	for (i = 0; i < 2; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64)
			goto bad;
		id[i] = config_setting_get_int64(e);
		if (id[i] < 1 || id[i] > 255)
			goto bad;
	}
	if (id[0] == id[1])
		return setting_fail(c, s, "pair: router_ids: the site side and the "
		    "internet side need distinct VRRP IDs, not %lld twice", id[0]);
	p->vrid_site = (unsigned)id[0];
	p->vrid_inet = (unsigned)id[1];
	return true;
bad:
	return setting_fail(c, s, "pair: router_ids must be [ SITE_SIDE, "
	    "INTERNET_SIDE ], two VRRP IDs 1..255");
}

/* Gateway n (0: preferred) of the pair. */
static bool
parse_gateway(struct setting_ctx *c, const config_setting_t *s, struct pair_conf *p,
    unsigned n, int *line)
{
	static const char *const known[] = { "name", "site", "internet", NULL };
	static const char *const files[] = { "peering.conf", "vans.conf",
	    PLANPAIR_FILE, NULL };
	struct pair_node *node = &p->node[n];
	const char *name = NULL, *site = NULL, *inet = NULL;
	char who[PAIR_NAME_MAX + 16];
	size_t i;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "pair: a gateway is a group { name = \"...\"; "
		    "site = \"a.b.c.d\"; internet = \"a.b.c.d\"; }");
	*line = (int)config_setting_source_line(s);
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "name", &name) ||
	    !setting_str(c, s, "site", &site) ||
	    !setting_str(c, s, "internet", &inet))
		return false;
	if (name == NULL || site == NULL || inet == NULL)
		return setting_fail(c, s, "pair: a gateway needs 'name', 'site' and "
		    "'internet'");
	/* Its directory's name and keepalived's router_id. */
	if (!setting_name_ok(name, PAIR_NAME_MAX) || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return setting_fail(c, config_setting_get_member(s, "name"),
		    "pair: gateway name '%s': 1-%d of A-Z a-z 0-9 _ . - (not . or ..)",
		    name, PAIR_NAME_MAX - 1);
	for (i = 0; files[i] != NULL; i++)
		if (strcmp(name, files[i]) == 0)
			return setting_fail(c, config_setting_get_member(s, "name"),
			    "pair: gateway name '%s': the name of a file in the "
			    "site's directory", name);
	snprintf(node->name, sizeof(node->name), "%s", name);
	snprintf(who, sizeof(who), "gateway '%s': ", name);
	return ipv4_member(c, s, "site", who, node->site_addr) &&
	    ipv4_member(c, s, "internet", who, node->inet_addr);
}

/* The six addresses of the pair are six. */
static bool
distinct(struct setting_ctx *c, const config_setting_t *g, const struct pair_conf *p,
    const config_setting_t *const gw[2])
{
	unsigned n, k;

	if (strcmp(p->site_vip, p->inet_vip) == 0)
		return setting_fail(c, config_setting_get_member(g, "site_vip"),
		    "pair: site_vip %s is the internet VIP (the endpoint) too",
		    p->site_vip);
	for (n = 0; n < 2; n++) {
		const struct pair_node *me = &p->node[n], *twin = &p->node[1 - n];
		const char *mine[2] = { me->site_addr, me->inet_addr };
		const char *side[2] = { "site", "internet" };

		for (k = 0; k < 2; k++) {
			if (strcmp(mine[k], p->site_vip) == 0)
				return setting_fail(c, gw[n], "pair: gateway '%s': its %s "
				    "address %s is the site VIP (site_vip)", me->name,
				    side[k], mine[k]);
			if (strcmp(mine[k], p->inet_vip) == 0)
				return setting_fail(c, gw[n], "pair: gateway '%s': its %s "
				    "address %s is the internet VIP (the endpoint)",
				    me->name, side[k], mine[k]);
		}
		if (strcmp(me->site_addr, me->inet_addr) == 0)
			return setting_fail(c, gw[n], "pair: gateway '%s': %s on both "
			    "sides", me->name, me->site_addr);
		if (n == 1 && (strcmp(me->site_addr, twin->site_addr) == 0 ||
		    strcmp(me->site_addr, twin->inet_addr) == 0 ||
		    strcmp(me->inet_addr, twin->site_addr) == 0 ||
		    strcmp(me->inet_addr, twin->inet_addr) == 0))
			return setting_fail(c, gw[n], "pair: gateways '%s' and '%s' share "
			    "the address %s", twin->name, me->name,
			    strcmp(me->site_addr, twin->site_addr) == 0 ||
			    strcmp(me->site_addr, twin->inet_addr) == 0 ?
			    me->site_addr : me->inet_addr);
	}
	return true;
}

/*
 * pair_conf_bad's field, by the inventory's name for it, at its line.
 * All else was checked above: what is left are the paths.
 */
static bool
conf_bad(struct setting_ctx *c, const config_setting_t *g, const char *field)
{
	static const struct { const char *field, *key; } names[] = {
		{ "vanproxy_conf", "proxy_conf" }, { "inet_vip", "endpoint" },
		{ "inet_dev", "internet_dev" },
		{ "notify", "vanfed-notify (SBINDIR)" },
		{ "vanproxy", "vanproxy (SBINDIR)" }, { "vanctl", "vanctl (BINDIR)" },
	};
	const config_setting_t *at;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(field, names[i].field) == 0) {
			field = names[i].key;
			break;
		}
	at = config_setting_get_member(g, field);
	return setting_fail(c, at != NULL ? at : g, "pair: keepalived.conf cannot "
	    "carry this %s (paths: A-Z a-z 0-9 . _ - / + only)", field);
}

bool
planpair_parse(struct setting_ctx *c, const config_setting_t *g, const char *site,
    const struct van_addr *endpoint, struct planpair *pp)
{
	static const char *const known[] = { "site_vip", "site_dev",
	    "internet_dev", "router_ids", "gateways", "state_dir", "control",
	    "proxy_conf", NULL };
	static const char *const required[] = { "site_vip", "site_dev",
	    "internet_dev", "router_ids", "gateways", NULL };
	struct pair_conf *p = &pp->conf;
	const config_setting_t *gws, *gw[2];
	const char *str = NULL, *bad;
	int line[2];
	size_t i;

	memset(pp, 0, sizeof(*pp));
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'pair' must be a group { site_vip = \"...\"; "
		    "...; gateways = ( ... ); }");
	pp->line = (int)config_setting_source_line(g);
	if (!setting_only_known(c, g, known) ||
	    !setting_str(c, g, "site_vip", &str) ||
	    !setting_str(c, g, "site_dev", &str) ||
	    !setting_str(c, g, "internet_dev", &str))
		return false;
	/* The peers' endpoint is the internet VIP: an address, not a name. */
	if (endpoint == NULL || endpoint->family != 4)
		return setting_fail(c, g, "pair: needs the site's endpoint as an IPv4 "
		    "address (the internet VIP)");
	if (!ipv4_host(endpoint))
		return setting_fail(c, g, "pair: the endpoint is the internet VIP: "
		    "not 0.0.0.0, multicast or broadcast");
	for (i = 0; required[i] != NULL; i++)
		if (config_setting_get_member(g, required[i]) == NULL)
			return setting_fail(c, g, "pair: needs '%s'", required[i]);
	snprintf(p->site, sizeof(p->site), "%s", site);
	ipv4_text(endpoint, p->inet_vip);
	pp->port = endpoint->port;
	if (!ipv4_member(c, g, "site_vip", "", p->site_vip) ||
	    !dev_member(c, g, "site_dev", p->site_dev) ||
	    !dev_member(c, g, "internet_dev", p->inet_dev) ||
	    !parse_router_ids(c, g, p))
		return false;
	gws = config_setting_get_member(g, "gateways");
	if (config_setting_type(gws) != CONFIG_TYPE_LIST)
		return setting_fail(c, gws, "pair: 'gateways' must be a list ( { name "
		    "= \"...\"; site = \"a.b.c.d\"; internet = \"a.b.c.d\"; }, { ... } )");
	if (config_setting_length(gws) != 2)
		return setting_fail(c, gws, "pair: two gateways, not %d",
		    config_setting_length(gws));
	for (i = 0; i < 2; i++) {
		gw[i] = config_setting_get_elem(gws, (unsigned)i);
		if (!parse_gateway(c, gw[i], p, (unsigned)i, &line[i]))
			return false;
	}
	if (strcmp(p->node[0].name, p->node[1].name) == 0)
		return setting_fail(c, config_setting_get_member(gw[1], "name"),
		    "pair: gateway name '%s' already used on line %d", p->node[1].name,
		    line[0]);
	if (!distinct(c, g, p, gw))
		return false;
	if (!path_member(c, g, "state_dir", PLANPAIR_STATE_DIR, PAIR_PATH_MAX,
	    p->state_dir) ||
	    !path_member(c, g, "control", PLANPAIR_CONTROL, SETTING_PATH_MAX,
	    p->control) ||
	    !path_member(c, g, "proxy_conf", PLANPAIR_PROXY_CONF, PAIR_PATH_MAX,
	    p->vanproxy_conf))
		return false;
	snprintf(p->notify, sizeof(p->notify), "%s", VAN_SBINDIR "/vanfed-notify");
	snprintf(p->vanproxy, sizeof(p->vanproxy), "%s", VAN_SBINDIR "/vanproxy");
	snprintf(p->vanctl, sizeof(p->vanctl), "%s", VAN_BINDIR "/vanctl");
	/* Real gateways: the kernel's process events are there. */
	p->track_process = 1;
	if ((bad = pair_conf_bad(p)) != NULL)
		return conf_bad(c, g, bad);
	return true;
}

void
planpair_proxy_conf(FILE *f, const struct planpair *pp)
{
	const struct pair_conf *p = &pp->conf;

	fprintf(f, "ha = true;\n"
	    "# the internet VIP: the peers' endpoint\n"
	    "listen = \"%s:%u\";\n"
	    "# the site VIP: the edges' member\n"
	    "site_listen = \"%s:%u\";\n"
	    "# keepalived's track_file (vanproxy writes it: 0 at start, 1 drained)\n"
	    "drain_file = \"%s/" PAIR_DRAIN_FILE "\";\n"
	    "# keepalived checks on vanproxy at its control socket %s\n"
	    "# (proxy.conf's `control`) and watches for `vanproxy -f %s`.\n",
	    p->inet_vip, (unsigned)pp->port, p->site_vip, (unsigned)WIRE_DEFAULT_PORT,
	    p->state_dir, p->control, p->vanproxy_conf);
}
