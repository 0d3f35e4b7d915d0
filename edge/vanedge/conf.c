/*
 * conf.c — parse and check vanedge's configuration (see conf.h and
 * etc/edge.conf).  Strict: an unknown setting, a value of the wrong type or
 * out of range, a duplicate — each is an error naming the file and line.
 * Nothing is applied here; a bad file changes nothing.
 */
#include "edge/vanedge/conf.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <sodium.h>

#include "edge/rim/setting.h"

#define DEVICES_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_.-*?[]!^"

static bool
parse_edge(struct setting_ctx *c, const config_setting_t *g, struct edge_conf *conf)
{
	static const char *const known[] = { "listen", "control", "hello_interval",
	    "dead_after", "fdb_max", "offload", "log_level", "site_key",
	    "member_routes_max", "dad_moves", "dad_window", "dad_hold",
	    "underlay_mtu", "arp_proxy", "site_key_compat", "site_key_accept",
	    "member_flood_rate", "member_learn_rate", "metrics", NULL };
	const char *listen = NULL;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'edge' must be a group { ... }");
	/* Types first, then values: the first error wins. */
	return setting_only_known(c, g, known) &&
	    setting_str(c, g, "listen", &listen) &&
	    site_conf_read(c, g, &conf->site) &&
	    setting_u32(c, g, "underlay_mtu", BRIDGE_MTU_MIN, BRIDGE_MTU_MAX,
	    &conf->underlay_mtu) &&
	    setting_bool(c, g, "offload", &conf->offload) &&
	    setting_bool(c, g, "arp_proxy", &conf->arp_proxy) &&
	    setting_stream(c, g, "metrics", &conf->metrics) &&
	    setting_listen(c, g, "listen", WIRE_DEFAULT_PORT, &conf->listen);
}

static bool
parse_port(struct setting_ctx *c, const config_setting_t *s, struct conf_port *p)
{
	static const char *const known[] = { "tap", "device", "mac", NULL };
	const char *tap = NULL, *dev = NULL, *mac = NULL, *name, *key;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s,
		    "a port is a group { tap = \"...\"; mac = \"...\"; } or { device = ... }");
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "tap", &tap) ||
	    !setting_str(c, s, "device", &dev) || !setting_str(c, s, "mac", &mac))
		return false;
	p->line = (int)config_setting_source_line(s);
	if (tap == NULL && dev == NULL)
		return setting_fail(c, s, "port without 'tap' or 'device'");
	if (tap != NULL && dev != NULL)
		return setting_fail(c, s, "a port has 'tap' or 'device', not both");
	p->device = dev != NULL;
	name = p->device ? dev : tap;
	key = p->device ? "device" : "tap";
	if (!setting_name_ok(name, SETTING_IFNAMSIZ))
		return setting_fail(c, config_setting_get_member(s, key),
		    "%s '%s': 1-15 of A-Z a-z 0-9 _ . -", key, name);
	snprintf(p->tap, sizeof(p->tap), "%s", name);
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
	    "flood_rate", "flood_burst", "devices", NULL };
	const char *devices = NULL;
	struct conf_van *v = &conf->vans[conf->nvans];
	const config_setting_t *ports;
	unsigned i, j, k;
	int n;

	if (!site_van_read(c, s, known,
	    "{ id = N; name = \"...\"; ports = (...); }", &v->van))
		return false;
	for (i = 0; i < conf->nvans; i++)
		if (!site_van_unique(c, s, &v->van, &conf->vans[i].van))
			return false;
	conf->nvans++;	/* owns ports from here, for edge_conf_free */
	if (!setting_str(c, s, "devices", &devices))
		return false;
	if (devices != NULL) {
		const char *q;

		/* Interface-name characters and the glob's own * ? [ ] ! ^. */
		for (q = devices; *q != '\0' && strchr(DEVICES_CHARS, *q) != NULL; q++)
			;
		if (*devices == '\0' || *q != '\0' || strlen(devices) >= sizeof(v->devices))
			return setting_fail(c, config_setting_get_member(s, "devices"),
			    "devices '%s': a pattern of 1-%zu of A-Z a-z 0-9 _ . - * ? [ ] !",
			    devices, sizeof(v->devices) - 1);
		if (!conf->offload)
			return setting_fail(c, config_setting_get_member(s, "devices"),
			    "devices '%s': device ports need offload = true", devices);
		snprintf(v->devices, sizeof(v->devices), "%s", devices);
	}

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
		if (p->device && !conf->offload)
			return setting_fail(c, ps, "device %s: device ports need offload = true"
			    " (a guest's TCP super-frames are cut by vanedge)", p->tap);
		v->nports++;
		/* Interface names are unique on the host; MACs within the VAN. */
		for (i = 0; i < conf->nvans; i++) {
			const struct conf_van *o = &conf->vans[i];

			for (k = 0; k < o->nports; k++) {
				if (&o->ports[k] == p)
					continue;
				if (strcmp(o->ports[k].tap, p->tap) == 0)
					return setting_fail(c, ps,
					    "'%s' already a port on line %d", p->tap,
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
		setting_fail(&c, NULL, "out of memory");
		goto fail;
	}
	if (!setting_read(&c, &cfg, path, dir, strlen(path) + 1))
		goto fail;
	if ((conf = calloc(1, sizeof(*conf))) == NULL) {
		setting_fail(&c, NULL, "out of memory");
		goto fail;
	}
	snprintf(conf->file, sizeof(conf->file), "%s", path);
	conf->listen.port = WIRE_DEFAULT_PORT;
	site_conf_init(&conf->site, EDGE_CONF_DEFAULT_CONTROL);
	conf->offload = true;
	conf->underlay_mtu = BRIDGE_MTU_DEFAULT;
	conf->arp_proxy = true;

	root = config_root_setting(&cfg);
	if (!setting_only_known(&c, root, known))
		goto fail;
	if ((s = config_lookup(&cfg, "edge")) != NULL && !parse_edge(&c, s, conf))
		goto fail;
	site_conf_finish(&conf->site);
	if ((s = config_lookup(&cfg, "members")) != NULL &&
	    !site_conf_members(&c, s, conf->listen.port ? conf->listen.port :
	    WIRE_DEFAULT_PORT, &conf->site))
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
	site_conf_free(&conf->site);
	free(conf);
}

const struct conf_van *
edge_conf_van(const struct edge_conf *conf, uint32_t id)
{
	unsigned i;

	for (i = 0; i < conf->nvans; i++)
		if (conf->vans[i].van.id == id)
			return &conf->vans[i];
	return NULL;
}

const struct conf_van *
edge_conf_devices_van(const struct edge_conf *conf, const char *name)
{
	unsigned i;

	for (i = 0; i < conf->nvans; i++)
		if (conf->vans[i].devices[0] != '\0' &&
		    fnmatch(conf->vans[i].devices, name, 0) == 0)
			return &conf->vans[i];
	return NULL;
}

void
edge_conf_print(FILE *f, const struct edge_conf *conf)
{
	char a[ADDR_STRLEN], m[18], ms[SETTING_PATH_MAX + ADDR_STRLEN];
	unsigned i, j;

	fprintf(f, "edge = {\n");
	if (conf->listen.family == 0)
		fprintf(f, "  listen = \"[::]:%u\";\n", conf->listen.port);
	else
		fprintf(f, "  listen = \"%s\";\n", addr_str(&conf->listen, a));
	fprintf(f, "  control = \"%s\";\n", conf->site.control);
	if (conf->metrics.set)
		fprintf(f, "  metrics = \"%s\";\n", setting_stream_str(&conf->metrics, ms));
	fprintf(f, "  hello_interval = %u;\n", conf->site.hello_ms);
	fprintf(f, "  dead_after = %u;\n", conf->site.dead_count);
	fprintf(f, "  fdb_max = %u;\n", conf->site.fdb_max);
	fprintf(f, "  offload = %s;\n", conf->offload ? "true" : "false");
	if (conf->site.has_site_key) {
		fprintf(f, "  site_key = \"%s\";\n", conf->site.site_key_file);
		if (conf->site.has_accept_key)
			fprintf(f, "  site_key_accept = \"%s\";\n",
			    conf->site.accept_key_file);
		if (conf->site.site_key_compat)
			fprintf(f, "  site_key_compat = true;\n");
	}
	fprintf(f, "  underlay_mtu = %u;\n", conf->underlay_mtu);
	fprintf(f, "  arp_proxy = %s;\n", conf->arp_proxy ? "true" : "false");
	fprintf(f, "  member_routes_max = %u;\n", conf->site.member_routes_max);
	fprintf(f, "  member_flood_rate = %u;\n", conf->site.member_flood_rate);
	fprintf(f, "  member_learn_rate = %u;\n", conf->site.member_learn_rate);
	fprintf(f, "  dad_moves = %u;\n", conf->site.dad_moves);
	fprintf(f, "  dad_window = %u;\n", conf->site.dad_window_s);
	fprintf(f, "  dad_hold = %u;\n", conf->site.dad_hold_s);
	fprintf(f, "  log_level = \"%s\";\n", log_level_str(conf->site.log_level));
	fprintf(f, "};\n");
	fprintf(f, "members = [");
	for (i = 0; i < conf->site.nmembers; i++)
		fprintf(f, "%s\n  \"%s\"", i ? "," : "", addr_str(&conf->site.members[i], a));
	fprintf(f, "%s];\n", conf->site.nmembers ? "\n" : " ");
	fprintf(f, "vans = (");
	for (i = 0; i < conf->nvans; i++) {
		const struct conf_van *v = &conf->vans[i];

		fprintf(f, "%s\n  { id = %u; name = \"%s\";", i ? "," : "", v->van.id,
		    v->van.name);
		if (v->van.fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->van.fdb_max);
		if (v->van.flood_rate != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;", v->van.flood_rate,
			    v->van.flood_burst ? v->van.flood_burst : v->van.flood_rate);
		if (v->devices[0] != '\0')
			fprintf(f, " devices = \"%s\";", v->devices);
		fprintf(f, " ports = (");
		for (j = 0; j < v->nports; j++) {
			fprintf(f, "%s\n      { %s = \"%s\";", j ? "," : "",
			    v->ports[j].device ? "device" : "tap", v->ports[j].tap);
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
