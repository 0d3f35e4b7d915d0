/*
 * conf.c — parse and check vanproxy's configuration (see conf.h,
 * docs/proxy.md §6, etc/proxy.conf and etc/peering.conf).  Strict: an
 * unknown setting, a value of the wrong type or out of range, a key file
 * others may read, the two sockets on one port — each is an error naming
 * the file (an included file by its own name) and the line.  `vans` and
 * `peers` are the peering file's (proxy/peering.c, which vanplan and
 * vanlab read it with too): here they are told this proxy's key, its VANs
 * and members, and asked to read the preshared keys and resolve names.
 *
 * Nothing is applied here; a bad file changes nothing.  Shared getters and
 * their messages are edge/rim/setting.c's, so both daemons speak alike.
 */
#include "proxy/conf.h"

#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <sodium.h>

#include "crypto/key.h"
#include "crypto/keyfile.h"
#include "edge/rim/setting.h"
#include "edge/van/wire.h"

/* ------------------------------------------------------------- proxy --- */

static bool
parse_proxy(struct setting_ctx *c, const config_setting_t *g, struct proxy_conf *conf)
{
	static const char *const known[] = { "name", "private_key", "listen",
	    "site_listen", "control", "wg_name", "site_key", "hello_interval",
	    "dead_after", "fdb_max", "member_routes_max", "dad_moves",
	    "dad_window", "dad_hold", "log_level", "tunnel_mtu", "route_refresh",
	    "site_key_compat", "site_key_accept", "member_flood_rate",
	    "member_learn_rate", "ha", "drain_file", "metrics", NULL };
	const char *name = NULL, *wg_name = NULL, *str = NULL, *drain = NULL;
	bool has = false;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'proxy' must be a group { ... }");
	/* Types first, in this order, then values: the first error wins. */
	if (!setting_only_known(c, g, known) ||
	    !setting_str(c, g, "name", &name) ||
	    !setting_str(c, g, "private_key", &str) ||
	    !setting_str(c, g, "listen", &str) ||
	    !setting_str(c, g, "site_listen", &str) ||
	    !setting_str(c, g, "wg_name", &wg_name) ||
	    !site_conf_read(c, g, &conf->site) ||
	    !setting_u32(c, g, "tunnel_mtu", PROXY_TUNNEL_MTU_MIN,
	    PROXY_TUNNEL_MTU_MAX, &conf->tunnel_mtu) ||
	    !setting_u32(c, g, "route_refresh", 0, BRIDGE_REFRESH_S_MAX,
	    &conf->route_refresh_s) ||
	    !setting_bool(c, g, "ha", &conf->ha) ||
	    !setting_str(c, g, "drain_file", &drain) ||
	    !setting_stream(c, g, "metrics", &conf->metrics))
		return false;
	if (name != NULL) {
		if (!setting_name_ok(name, BRIDGE_NAME_MAX))
			return setting_fail(c, config_setting_get_member(g, "name"),
			    "name '%s': 1-%d of A-Z a-z 0-9 _ . -", name,
			    BRIDGE_NAME_MAX - 1);
		snprintf(conf->name, sizeof(conf->name), "%s", name);
	}
	if (wg_name != NULL) {
		if (!setting_name_ok(wg_name, PROXY_WG_NAME_MAX))
			return setting_fail(c, config_setting_get_member(g, "wg_name"),
			    "wg_name '%s': 1-%d of A-Z a-z 0-9 _ . -", wg_name,
			    PROXY_WG_NAME_MAX - 1);
		snprintf(conf->wg_name, sizeof(conf->wg_name), "%s", wg_name);
	}
	if (!setting_listen(c, g, "listen", PROXY_TUNNEL_PORT, &conf->listen) ||
	    !setting_listen(c, g, "site_listen", WIRE_DEFAULT_PORT, &conf->site_listen))
		return false;
	/* One socket each: both on one address and port cannot be. */
	if (conf->listen.port == conf->site_listen.port &&
	    (conf->listen.family == 0 || conf->site_listen.family == 0 ||
	    addr_eq(&conf->listen, &conf->site_listen)))
		return setting_fail(c, config_setting_get_member(g, "site_listen") ?
		    config_setting_get_member(g, "site_listen") :
		    config_setting_get_member(g, "listen"),
		    "site_listen: the same port as listen (%u)", conf->listen.port);
	/* A pair's addresses move between its nodes: each socket names one. */
	if (conf->ha && (conf->listen.family == 0 || conf->site_listen.family == 0))
		return setting_fail(c, config_setting_get_member(g, "ha"),
		    "ha: listen and site_listen must each name the pair's virtual "
		    "address, not every address");
	if (drain != NULL) {
		const config_setting_t *at = config_setting_get_member(g, "drain_file");

		if (!conf->ha)
			return setting_fail(c, at, "drain_file: only for one of a pair "
			    "(ha = true)");
		if (drain[0] != '/' || strlen(drain) >= sizeof(conf->drain_file))
			return setting_fail(c, at, "drain_file '%s': an absolute path "
			    "of at most %zu bytes", drain, sizeof(conf->drain_file) - 1);
		snprintf(conf->drain_file, sizeof(conf->drain_file), "%s", drain);
	}
	if (!setting_keyfile(c, g, "private_key", conf->private_key_file,
	    sizeof(conf->private_key_file), &conf->private_key, &has))
		return false;
	return true;
}

/* The private key: from the file named, else from the default file. */
static bool
load_private_key(struct setting_ctx *c, const config_setting_t *g,
    struct proxy_conf *conf, bool named)
{
	char kerr[512];

	if (!named) {
		snprintf(conf->private_key_file, sizeof(conf->private_key_file), "%s",
		    PROXY_CONF_DEFAULT_KEY);
		if (keyfile_read(conf->private_key_file, &conf->private_key, kerr,
		    sizeof(kerr)) == -1)
			return setting_fail(c, g, "private_key: %s (the default; "
			    "`wg genkey` makes one)", kerr);
	}
	if (key_is_zero(&conf->private_key))
		return setting_fail(c, g != NULL ?
		    config_setting_get_member(g, "private_key") : NULL,
		    "private_key: the zero key");
	key_clamp(&conf->private_key);
	if (key_public(&conf->public_key, &conf->private_key) == -1)
		return setting_fail(c, g, "private_key: no public key for it");
	return true;
}

/* -------------------------------------------------------------- load --- */

struct proxy_conf *
proxy_conf_load(const char *path, char err[static SETTING_ERR_MAX])
{
	return proxy_conf_read(path, true, err);
}

struct proxy_conf *
proxy_conf_read(const char *path, bool resolve, char err[static SETTING_ERR_MAX])
{
	static const char *const known[] = { "proxy", "members", "vans", "peers",
	    NULL };
	struct proxy_conf *conf = NULL;
	struct setting_ctx c = { path, err, NULL };
	struct peering_opts opts = { .vans_known = true, .keys = true,
	    .resolve = resolve };
	const config_setting_t *root, *g, *s;
	config_t cfg;
	char *dir = NULL;

	err[0] = '\0';
	config_init(&cfg);
	if ((dir = malloc(strlen(path) + 1)) == NULL ||
	    (conf = calloc(1, sizeof(*conf))) == NULL) {
		setting_fail(&c, NULL, "out of memory");
		goto fail;
	}
	/* Included files (the peering) by a name that opens them. */
	c.include_dir = dir;
	if (!setting_read(&c, &cfg, path, dir, strlen(path) + 1))
		goto fail;
	snprintf(conf->file, sizeof(conf->file), "%s", path);
	snprintf(conf->name, sizeof(conf->name), "%s", PROXY_CONF_DEFAULT_NAME);
	site_conf_init(&conf->site, PROXY_CONF_DEFAULT_CONTROL);
	snprintf(conf->wg_name, sizeof(conf->wg_name), "%s", PROXY_CONF_DEFAULT_WG_NAME);
	conf->listen.port = PROXY_TUNNEL_PORT;
	conf->site_listen.port = WIRE_DEFAULT_PORT;
	conf->tunnel_mtu = PROXY_TUNNEL_MTU_DEFAULT;
	conf->route_refresh_s = PROXY_ROUTE_REFRESH_DEFAULT;
	root = config_root_setting(&cfg);
	if (!setting_only_known(&c, root, known))
		goto fail;
	if ((g = config_lookup(&cfg, "proxy")) != NULL && !parse_proxy(&c, g, conf))
		goto fail;
	site_conf_finish(&conf->site);
	if (!load_private_key(&c, g, conf, conf->private_key_file[0] != '\0'))
		goto fail;
	if ((s = config_lookup(&cfg, "members")) != NULL &&
	    !site_conf_members(&c, s, conf->site_listen.port, &conf->site))
		goto fail;
	if ((s = config_lookup(&cfg, "vans")) != NULL &&
	    !peering_vans(&c, s, &conf->vans, &conf->nvans))
		goto fail;
	opts.self = &conf->public_key;
	opts.vans = conf->vans;
	opts.nvans = conf->nvans;
	opts.members = conf->site.nmembers;
	if ((s = config_lookup(&cfg, "peers")) != NULL &&
	    !peering_peers(&c, s, &opts, &conf->peers, &conf->npeers))
		goto fail;
	config_destroy(&cfg);
	free(dir);
	return conf;
fail:
	proxy_conf_free(conf);
	config_destroy(&cfg);
	free(dir);
	return NULL;
}

void
proxy_conf_free(struct proxy_conf *conf)
{
	if (conf == NULL)
		return;
	peering_free(conf->peers, conf->npeers);
	free(conf->vans);
	site_conf_free(&conf->site);
	key_wipe(&conf->private_key);
	free(conf);
}

const struct site_van *
proxy_conf_van(const struct proxy_conf *conf, uint32_t id)
{
	unsigned i;

	for (i = 0; i < conf->nvans; i++)
		if (conf->vans[i].id == id)
			return &conf->vans[i];
	return NULL;
}

const struct proxy_peer *
proxy_conf_peer(const struct proxy_conf *conf, const char *name)
{
	unsigned i;

	for (i = 0; i < conf->npeers; i++)
		if (strcmp(conf->peers[i].name, name) == 0)
			return &conf->peers[i];
	return NULL;
}

/* ------------------------------------------------------------- print --- */

static void
print_listen(FILE *f, const char *name, const struct van_addr *a)
{
	char s[ADDR_STRLEN];

	if (a->family == 0)
		fprintf(f, "  %s = \"[::]:%u\";\n", name, a->port);
	else
		fprintf(f, "  %s = \"%s\";\n", name, addr_str(a, s));
}

void
proxy_conf_print(FILE *f, const struct proxy_conf *conf)
{
	char a[ADDR_STRLEN], pub[WG_KEY_B64_LEN + 1], ms[SETTING_PATH_MAX + ADDR_STRLEN];
	unsigned i;

	key_to_base64(pub, &conf->public_key);
	fprintf(f, "proxy = {\n");
	fprintf(f, "  name = \"%s\";\n", conf->name);
	fprintf(f, "  private_key = \"%s\";    # public key %s\n",
	    conf->private_key_file, pub);
	print_listen(f, "listen", &conf->listen);
	print_listen(f, "site_listen", &conf->site_listen);
	fprintf(f, "  control = \"%s\";\n", conf->site.control);
	if (conf->metrics.set)
		fprintf(f, "  metrics = \"%s\";\n", setting_stream_str(&conf->metrics, ms));
	fprintf(f, "  wg_name = \"%s\";\n", conf->wg_name);
	if (conf->site.has_site_key) {
		fprintf(f, "  site_key = \"%s\";\n", conf->site.site_key_file);
		if (conf->site.has_accept_key)
			fprintf(f, "  site_key_accept = \"%s\";\n",
			    conf->site.accept_key_file);
		if (conf->site.site_key_compat)
			fprintf(f, "  site_key_compat = true;\n");
	}
	fprintf(f, "  hello_interval = %u;\n", conf->site.hello_ms);
	fprintf(f, "  dead_after = %u;\n", conf->site.dead_count);
	fprintf(f, "  fdb_max = %u;\n", conf->site.fdb_max);
	fprintf(f, "  member_routes_max = %u;\n", conf->site.member_routes_max);
	fprintf(f, "  member_flood_rate = %u;\n", conf->site.member_flood_rate);
	fprintf(f, "  member_learn_rate = %u;\n", conf->site.member_learn_rate);
	fprintf(f, "  dad_moves = %u;\n", conf->site.dad_moves);
	fprintf(f, "  dad_window = %u;\n", conf->site.dad_window_s);
	fprintf(f, "  dad_hold = %u;\n", conf->site.dad_hold_s);
	fprintf(f, "  tunnel_mtu = %u;\n", conf->tunnel_mtu);
	fprintf(f, "  route_refresh = %u;\n", conf->route_refresh_s);
	fprintf(f, "  ha = %s;\n", conf->ha ? "true" : "false");
	if (conf->drain_file[0] != '\0')
		fprintf(f, "  drain_file = \"%s\";\n", conf->drain_file);
	fprintf(f, "  log_level = \"%s\";\n", log_level_str(conf->site.log_level));
	fprintf(f, "};\n");
	fprintf(f, "members = [");
	for (i = 0; i < conf->site.nmembers; i++)
		fprintf(f, "%s\n  \"%s\"", i ? "," : "", addr_str(&conf->site.members[i], a));
	fprintf(f, "%s];\n", conf->site.nmembers ? "\n" : " ");
	fprintf(f, "vans = (");
	for (i = 0; i < conf->nvans; i++) {
		const struct site_van *v = &conf->vans[i];

		fprintf(f, "%s\n  { id = %u; name = \"%s\";", i ? "," : "", v->id, v->name);
		if (v->fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->fdb_max);
		if (v->flood_rate != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;", v->flood_rate,
			    v->flood_burst ? v->flood_burst : v->flood_rate);
		fprintf(f, " }");
	}
	fprintf(f, "%s);\n", conf->nvans ? "\n" : " ");
	peering_print(f, conf->peers, conf->npeers, true, NULL, NULL);
}
