/*
 * conf.c — parse and check vanedge's configuration (see conf.h and
 * etc/edge.conf).  Strict: an unknown setting, a value of the wrong type or
 * out of range, a duplicate — each is an error naming the file and line.
 * Nothing is applied here; a bad file changes nothing.
 */
#include "edge/vanedge/conf.h"

#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <sodium.h>

#include "edge/rim/setting.h"

#define HELLO_MS_DEFAULT	BRIDGE_HELLO_MS_DEFAULT
#define DEAD_COUNT_DEFAULT	BRIDGE_DEAD_COUNT_DEFAULT


static bool
parse_edge(struct setting_ctx *c, const config_setting_t *g, struct edge_conf *conf)
{
	static const char *const known[] = { "listen", "control", "hello_interval",
	    "dead_after", "fdb_max", "offload", "log_level", "site_key",
	    "member_routes_max", "dad_moves", "dad_window", "dad_hold",
	    "underlay_mtu", "arp_proxy", "site_key_compat", "member_flood_rate",
	    "member_learn_rate", NULL };
	const char *listen = NULL, *control = NULL, *level = NULL;
	const char *keyfile = NULL;
	struct wg_key key;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'edge' must be a group { ... }");
	/* Types first, in this order, then values: the first error wins. */
	if (!setting_only_known(c, g, known) ||
	    !setting_str(c, g, "listen", &listen) ||
	    !setting_str(c, g, "control", &control) ||
	    !setting_str(c, g, "log_level", &level) ||
	    !setting_u32(c, g, "hello_interval", 10, 60000, &conf->hello_ms) ||
	    !setting_u32(c, g, "dead_after", 2, 100, &conf->dead_count) ||
	    !setting_u32(c, g, "fdb_max", 16, FDB_MAX_LIMIT, &conf->fdb_max) ||
	    !setting_u32(c, g, "member_routes_max", 0, FDB_MAX_LIMIT,
	    &conf->member_routes_max) ||
	    !setting_u32(c, g, "member_flood_rate", 0, SETTING_RATE_MAX,
	    &conf->member_flood_rate) ||
	    !setting_u32(c, g, "member_learn_rate", 0, SETTING_RATE_MAX,
	    &conf->member_learn_rate) ||
	    !setting_u32(c, g, "dad_moves", 1, 1000, &conf->dad_moves) ||
	    !setting_u32(c, g, "dad_window", 1, 86400, &conf->dad_window_s) ||
	    !setting_u32(c, g, "dad_hold", 1, 86400, &conf->dad_hold_s) ||
	    !setting_u32(c, g, "underlay_mtu", 576, 65535, &conf->underlay_mtu) ||
	    !setting_str(c, g, "site_key", &keyfile))
		return false;
	if (!setting_keyfile(c, g, "site_key", conf->site_key_file,
	    sizeof(conf->site_key_file), &key, &conf->has_site_key))
		return false;
	if (conf->has_site_key) {
		memcpy(conf->site_key, key.b, sizeof(conf->site_key));
		sodium_memzero(&key, sizeof(key));
	}
	return setting_bool(c, g, "offload", &conf->offload) &&
	    setting_bool(c, g, "arp_proxy", &conf->arp_proxy) &&
	    setting_bool(c, g, "site_key_compat", &conf->site_key_compat) &&
	    setting_listen(c, g, "listen", WIRE_DEFAULT_PORT, &conf->listen) &&
	    setting_path(c, g, "control", conf->control, SETTING_PATH_MAX) &&
	    setting_log_level(c, g, "log_level", &conf->log_level);
}

static bool
parse_members(struct setting_ctx *c, const config_setting_t *l, struct edge_conf *conf)
{
	return setting_members(c, l, conf->listen.port ? conf->listen.port :
	    WIRE_DEFAULT_PORT, BRIDGE_MEMBER_MAX, &conf->members, &conf->nmembers);
}

static bool
parse_port(struct setting_ctx *c, const config_setting_t *s, struct conf_port *p)
{
	static const char *const known[] = { "tap", "mac", NULL };
	const char *tap = NULL, *mac = NULL;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s,
		    "a port is a group { tap = \"...\"; mac = \"...\"; }");
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "tap", &tap) ||
	    !setting_str(c, s, "mac", &mac))
		return false;
	p->line = (int)config_setting_source_line(s);
	if (tap == NULL)
		return setting_fail(c, s, "port without 'tap'");
	if (!setting_name_ok(tap, SETTING_IFNAMSIZ))
		return setting_fail(c, config_setting_get_member(s, "tap"),
		    "tap '%s': 1-15 of A-Z a-z 0-9 _ . -", tap);
	snprintf(p->tap, sizeof(p->tap), "%s", tap);
	if (mac != NULL) {
		if (!mac_parse(mac, p->mac))
			return setting_fail(c, config_setting_get_member(s, "mac"),
			    "mac '%s': not xx:xx:xx:xx:xx:xx", mac);
		if (eth_is_multicast(p->mac) || eth_is_zero(p->mac))
			return setting_fail(c, config_setting_get_member(s, "mac"),
			    "mac '%s': must be a unicast address", mac);
		p->has_mac = true;
	}
	return true;
}

static bool
parse_van(struct setting_ctx *c, const config_setting_t *s, struct edge_conf *conf,
    unsigned *ntaps)
{
	static const char *const known[] = { "id", "name", "ports", "fdb_max",
	    "flood_rate", "flood_burst", NULL };
	struct conf_van *v = &conf->vans[conf->nvans];
	const config_setting_t *ports;
	const char *name = NULL;
	unsigned i, j, k;
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s,
		    "a VAN is a group { id = N; name = \"...\"; ports = (...); }");
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "name", &name))
		return false;
	v->line = (int)config_setting_source_line(s);
	if (config_setting_get_member(s, "id") == NULL)
		return setting_fail(c, s, "VAN without 'id'");
	if (!setting_u32(c, s, "id", 1, UINT32_MAX, &v->id) ||
	    !setting_u32(c, s, "fdb_max", 0, FDB_MAX_LIMIT, &v->fdb_max) ||
	    !setting_u32(c, s, "flood_rate", 0, SETTING_RATE_MAX, &v->flood_rate) ||
	    !setting_u32(c, s, "flood_burst", 0, SETTING_RATE_MAX, &v->flood_burst))
		return false;
	for (i = 0; i < conf->nvans; i++)
		if (conf->vans[i].id == v->id)
			return setting_fail(c, config_setting_get_member(s, "id"),
			    "VAN ID %u already used on line %d", v->id, conf->vans[i].line);
	if (name != NULL) {
		if (!setting_name_ok(name, BRIDGE_NAME_MAX))
			return setting_fail(c, config_setting_get_member(s, "name"),
			    "name '%s': 1-%d of A-Z a-z 0-9 _ . -", name,
			    BRIDGE_NAME_MAX - 1);
		for (i = 0; i < conf->nvans; i++)
			if (strcmp(conf->vans[i].name, name) == 0)
				return setting_fail(c, config_setting_get_member(s, "name"),
				    "VAN name '%s' already used on line %d", name,
				    conf->vans[i].line);
		snprintf(v->name, sizeof(v->name), "%s", name);
	} else
		snprintf(v->name, sizeof(v->name), "van%u", v->id);
	conf->nvans++;	/* owns ports from here, for edge_conf_free */

	if ((ports = config_setting_get_member(s, "ports")) == NULL)
		return true;
	if (config_setting_type(ports) != CONFIG_TYPE_LIST)
		return setting_fail(c, ports, "'ports' must be a list ( { ... }, ... )");
	n = config_setting_length(ports);
	if (*ntaps + (unsigned)n > EDGE_CONF_TAP_MAX)
		return setting_fail(c, ports, "more than %d ports", EDGE_CONF_TAP_MAX);
	v->ports = calloc((size_t)n + 1, sizeof(*v->ports));
	if (v->ports == NULL)
		return setting_fail(c, ports, "out of memory");
	for (j = 0; j < (unsigned)n; j++) {
		const config_setting_t *ps = config_setting_get_elem(ports, j);
		struct conf_port *p = &v->ports[j];

		if (!parse_port(c, ps, p))
			return false;
		v->nports++;
		/* Tap names are unique on the host; MACs within the VAN. */
		for (i = 0; i < conf->nvans; i++) {
			const struct conf_van *o = &conf->vans[i];

			for (k = 0; k < o->nports; k++) {
				if (&o->ports[k] == p)
					continue;
				if (strcmp(o->ports[k].tap, p->tap) == 0)
					return setting_fail(c, ps,
					    "tap '%s' already used on line %d", p->tap,
					    o->ports[k].line);
				if (o == v && p->has_mac && o->ports[k].has_mac &&
				    memcmp(o->ports[k].mac, p->mac, 6) == 0)
					return setting_fail(c, ps,
					    "MAC already used in this VAN on line %d",
					    o->ports[k].line);
			}
		}
	}
	*ntaps += (unsigned)n;
	return true;
}

struct edge_conf *
edge_conf_load(const char *path, char err[static SETTING_ERR_MAX])
{
	static const char *const known[] = { "edge", "members", "vans", NULL };
	struct edge_conf *conf = NULL;
	struct setting_ctx c = { path, err, NULL };
	const config_setting_t *root, *s;
	config_t cfg;
	char *dir = NULL;
	unsigned ntaps = 0;
	int i, n;

	err[0] = '\0';
	config_init(&cfg);
	/* An edge names an included file as its @include line does. */
	if ((dir = malloc(strlen(path) + 1)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:0: out of memory", path);
		goto fail;
	}
	if (!setting_read(&c, &cfg, path, dir, strlen(path) + 1))
		goto fail;
	if ((conf = calloc(1, sizeof(*conf))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:0: out of memory", path);
		goto fail;
	}
	snprintf(conf->file, sizeof(conf->file), "%s", path);
	conf->listen.port = WIRE_DEFAULT_PORT;
	snprintf(conf->control, sizeof(conf->control), "%s", EDGE_CONF_DEFAULT_CONTROL);
	conf->hello_ms = HELLO_MS_DEFAULT;
	conf->dead_count = DEAD_COUNT_DEFAULT;
	conf->fdb_max = FDB_MAX_DEFAULT;
	conf->offload = true;
	conf->underlay_mtu = 1500;
	conf->arp_proxy = true;
	conf->dad_moves = BRIDGE_DAD_MOVES_DEFAULT;
	conf->dad_window_s = BRIDGE_DAD_WINDOW_MS_DEFAULT / 1000;
	conf->dad_hold_s = BRIDGE_DAD_HOLD_MS_DEFAULT / 1000;
	conf->log_level = LOG_LVL_INFO;
	conf->member_routes_max = SETTING_ROUTES_UNSET;
	conf->member_flood_rate = BRIDGE_MEMBER_FLOOD_DEFAULT;
	conf->member_learn_rate = BRIDGE_MEMBER_LEARN_DEFAULT;

	root = config_root_setting(&cfg);
	if (!setting_only_known(&c, root, known))
		goto fail;
	if ((s = config_lookup(&cfg, "edge")) != NULL && !parse_edge(&c, s, conf))
		goto fail;
	if (conf->member_routes_max == SETTING_ROUTES_UNSET)
		conf->member_routes_max = conf->fdb_max / BRIDGE_MEMBER_ROUTES_SHARE;
	if ((s = config_lookup(&cfg, "members")) != NULL && !parse_members(&c, s, conf))
		goto fail;
	if ((s = config_lookup(&cfg, "vans")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_LIST) {
			setting_fail(&c, s, "'vans' must be a list ( { ... }, ... )");
			goto fail;
		}
		n = config_setting_length(s);
		if (n > BRIDGE_VAN_MAX) {
			setting_fail(&c, s, "more than %d VANs", BRIDGE_VAN_MAX);
			goto fail;
		}
		if ((conf->vans = calloc((size_t)n + 1, sizeof(*conf->vans))) == NULL) {
			setting_fail(&c, s, "out of memory");
			goto fail;
		}
		for (i = 0; i < n; i++)
			if (!parse_van(&c, config_setting_get_elem(s, (unsigned)i), conf,
			    &ntaps))
				goto fail;
	}
	config_destroy(&cfg);
	free(dir);
	return conf;
fail:
	edge_conf_free(conf);
	config_destroy(&cfg);
	free(dir);
	return NULL;
}

void
edge_conf_free(struct edge_conf *conf)
{
	unsigned i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nvans; i++)
		free(conf->vans[i].ports);
	free(conf->vans);
	free(conf->members);
	sodium_memzero(conf->site_key, sizeof(conf->site_key));
	free(conf);
}

const struct conf_van *
edge_conf_van(const struct edge_conf *conf, uint32_t id)
{
	unsigned i;

	for (i = 0; i < conf->nvans; i++)
		if (conf->vans[i].id == id)
			return &conf->vans[i];
	return NULL;
}

void
edge_conf_print(FILE *f, const struct edge_conf *conf)
{
	char a[ADDR_STRLEN], m[18];
	unsigned i, j;

	fprintf(f, "edge = {\n");
	if (conf->listen.family == 0)
		fprintf(f, "  listen = \"[::]:%u\";\n", conf->listen.port);
	else
		fprintf(f, "  listen = \"%s\";\n", addr_str(&conf->listen, a));
	fprintf(f, "  control = \"%s\";\n", conf->control);
	fprintf(f, "  hello_interval = %u;\n", conf->hello_ms);
	fprintf(f, "  dead_after = %u;\n", conf->dead_count);
	fprintf(f, "  fdb_max = %u;\n", conf->fdb_max);
	fprintf(f, "  offload = %s;\n", conf->offload ? "true" : "false");
	if (conf->has_site_key) {
		fprintf(f, "  site_key = \"%s\";\n", conf->site_key_file);
		if (conf->site_key_compat)
			fprintf(f, "  site_key_compat = true;\n");
	}
	fprintf(f, "  underlay_mtu = %u;\n", conf->underlay_mtu);
	fprintf(f, "  arp_proxy = %s;\n", conf->arp_proxy ? "true" : "false");
	fprintf(f, "  member_routes_max = %u;\n", conf->member_routes_max);
	fprintf(f, "  member_flood_rate = %u;\n", conf->member_flood_rate);
	fprintf(f, "  member_learn_rate = %u;\n", conf->member_learn_rate);
	fprintf(f, "  dad_moves = %u;\n", conf->dad_moves);
	fprintf(f, "  dad_window = %u;\n", conf->dad_window_s);
	fprintf(f, "  dad_hold = %u;\n", conf->dad_hold_s);
	fprintf(f, "  log_level = \"%s\";\n", log_level_str(conf->log_level));
	fprintf(f, "};\n");
	fprintf(f, "members = [");
	for (i = 0; i < conf->nmembers; i++)
		fprintf(f, "%s\n  \"%s\"", i ? "," : "", addr_str(&conf->members[i], a));
	fprintf(f, "%s];\n", conf->nmembers ? "\n" : " ");
	fprintf(f, "vans = (");
	for (i = 0; i < conf->nvans; i++) {
		const struct conf_van *v = &conf->vans[i];

		fprintf(f, "%s\n  { id = %u; name = \"%s\";", i ? "," : "", v->id, v->name);
		if (v->fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->fdb_max);
		if (v->flood_rate != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;", v->flood_rate,
			    v->flood_burst ? v->flood_burst : v->flood_rate);
		fprintf(f, " ports = (");
		for (j = 0; j < v->nports; j++) {
			fprintf(f, "%s\n      { tap = \"%s\";", j ? "," : "", v->ports[j].tap);
			if (v->ports[j].has_mac) {
				mac_str(v->ports[j].mac, m);
				fprintf(f, " mac = \"%s\";", m);
			}
			fprintf(f, " }");
		}
		fprintf(f, "%s); }", v->nports ? "\n    " : " ");
	}
	fprintf(f, "%s);\n", conf->nvans ? "\n" : " ");
}
