/*
 * conf.c — parse and check vanproxy's configuration (see conf.h,
 * docs/proxy.md §6, etc/proxy.conf and etc/peering.conf).  Strict: an
 * unknown setting, a value of the wrong type or out of range, a duplicate
 * (peer names, public keys, our VAN or the peer's mapped twice in one
 * peering), a VAN mapped that `vans` does not declare, a key file others
 * may read, our own public key as a peer's — each is an error naming the
 * file (an included file by its own name) and the line.
 *
 * Nothing is applied here; a bad file changes nothing.  Shared getters and
 * their messages are edge/rim/setting.c's, so both daemons speak alike.
 */
#include "proxy/conf.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libconfig.h>
#include <sodium.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/keyfile.h"
#include "edge/rim/setting.h"
#include "edge/van/wire.h"

#define PROXY_RATE_MAX	SETTING_RATE_MAX

/* ------------------------------------------------------------- proxy --- */

static bool
parse_proxy(struct setting_ctx *c, const config_setting_t *g, struct proxy_conf *conf)
{
	static const char *const known[] = { "name", "private_key", "listen",
	    "site_listen", "control", "wg_name", "site_key", "hello_interval",
	    "dead_after", "fdb_max", "member_routes_max", "dad_moves",
	    "dad_window", "dad_hold", "log_level", "tunnel_mtu", "route_refresh",
	    "site_key_compat", "member_flood_rate", "member_learn_rate", NULL };
	const char *name = NULL, *wg_name = NULL, *str = NULL;
	struct wg_key key;
	bool has = false;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'proxy' must be a group { ... }");
	/* Types first, in this order, then values: the first error wins. */
	if (!setting_only_known(c, g, known) ||
	    !setting_str(c, g, "name", &name) ||
	    !setting_str(c, g, "private_key", &str) ||
	    !setting_str(c, g, "listen", &str) ||
	    !setting_str(c, g, "site_listen", &str) ||
	    !setting_str(c, g, "control", &str) ||
	    !setting_str(c, g, "wg_name", &wg_name) ||
	    !setting_str(c, g, "site_key", &str) ||
	    !setting_str(c, g, "log_level", &str) ||
	    !setting_u32(c, g, "hello_interval", 10, 60000, &conf->hello_ms) ||
	    !setting_u32(c, g, "dead_after", 2, 100, &conf->dead_count) ||
	    !setting_u32(c, g, "fdb_max", 16, FDB_MAX_LIMIT, &conf->fdb_max) ||
	    !setting_u32(c, g, "member_routes_max", 0, FDB_MAX_LIMIT,
	    &conf->member_routes_max) ||
	    !setting_u32(c, g, "member_flood_rate", 0, PROXY_RATE_MAX,
	    &conf->member_flood_rate) ||
	    !setting_u32(c, g, "member_learn_rate", 0, PROXY_RATE_MAX,
	    &conf->member_learn_rate) ||
	    !setting_bool(c, g, "site_key_compat", &conf->site_key_compat) ||
	    !setting_u32(c, g, "dad_moves", 1, 1000, &conf->dad_moves) ||
	    !setting_u32(c, g, "dad_window", 1, 86400, &conf->dad_window_s) ||
	    !setting_u32(c, g, "dad_hold", 1, 86400, &conf->dad_hold_s) ||
	    !setting_u32(c, g, "tunnel_mtu", PROXY_TUNNEL_MTU_MIN, 65535,
	    &conf->tunnel_mtu) ||
	    !setting_u32(c, g, "route_refresh", 0, 86400, &conf->route_refresh_s))
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
	    !setting_listen(c, g, "site_listen", WIRE_DEFAULT_PORT, &conf->site_listen) ||
	    !setting_path(c, g, "control", conf->control, SETTING_PATH_MAX) ||
	    !setting_log_level(c, g, "log_level", &conf->log_level))
		return false;
	/* One socket each: both on one address and port cannot be. */
	if (conf->listen.port == conf->site_listen.port &&
	    (conf->listen.family == 0 || conf->site_listen.family == 0 ||
	    addr_eq(&conf->listen, &conf->site_listen)))
		return setting_fail(c, config_setting_get_member(g, "site_listen") ?
		    config_setting_get_member(g, "site_listen") :
		    config_setting_get_member(g, "listen"),
		    "site_listen: the same port as listen (%u)", conf->listen.port);
	if (!setting_keyfile(c, g, "site_key", conf->site_key_file,
	    sizeof(conf->site_key_file), &key, &conf->has_site_key))
		return false;
	if (conf->has_site_key) {
		memcpy(conf->site_key, key.b, sizeof(conf->site_key));
		key_wipe(&key);
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

/* -------------------------------------------------------------- vans --- */

static bool
parse_van(struct setting_ctx *c, const config_setting_t *s, struct proxy_conf *conf)
{
	static const char *const known[] = { "id", "name", "fdb_max",
	    "flood_rate", "flood_burst", NULL };
	struct proxy_van *v = &conf->vans[conf->nvans];
	const char *name = NULL;
	unsigned i;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a VAN is a group { id = N; name = \"...\"; }");
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "name", &name))
		return false;
	v->line = (int)config_setting_source_line(s);
	if (config_setting_get_member(s, "id") == NULL)
		return setting_fail(c, s, "VAN without 'id'");
	if (!setting_u32(c, s, "id", 1, UINT32_MAX, &v->id) ||
	    !setting_u32(c, s, "fdb_max", 0, FDB_MAX_LIMIT, &v->fdb_max) ||
	    !setting_u32(c, s, "flood_rate", 0, PROXY_RATE_MAX, &v->flood_rate) ||
	    !setting_u32(c, s, "flood_burst", 0, PROXY_RATE_MAX, &v->flood_burst))
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
	conf->nvans++;
	return true;
}

static bool
parse_vans(struct setting_ctx *c, const config_setting_t *s, struct proxy_conf *conf)
{
	int i, n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return setting_fail(c, s, "'vans' must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	if (n > BRIDGE_VAN_MAX)
		return setting_fail(c, s, "more than %d VANs", BRIDGE_VAN_MAX);
	if ((conf->vans = calloc((size_t)n + 1, sizeof(*conf->vans))) == NULL)
		return setting_fail(c, s, "out of memory");
	for (i = 0; i < n; i++)
		if (!parse_van(c, config_setting_get_elem(s, (unsigned)i), conf))
			return false;
	return true;
}

/* ------------------------------------------------------------- peers --- */

/*
 * "a.b.c.d[:port]", "[v6][:port]" or "host.name[:port]" (resolved now,
 * the first address the resolver gives); the port defaults to 51820.
 * The text kept is normalised: an address as printed, a name with its
 * port (edge/rim/setting.c's setting_endpoint, which vanplan shares).
 */
static bool
parse_endpoint(struct setting_ctx *c, const config_setting_t *s, const char *str,
    struct proxy_peer *p)
{
	struct sockaddr_storage ss;
	struct addrinfo hints, *res = NULL;
	struct van_addr a;
	char host[SETTING_HOST_MAX + 1], port[8];
	uint16_t pn;
	int rc;

	if (strlen(str) >= sizeof(p->endpoint_text))
		return setting_fail(c, s, "endpoint: too long");
	if (!setting_endpoint(c, s, str, PROXY_TUNNEL_PORT, &a, host, &pn,
	    p->endpoint_text, sizeof(p->endpoint_text)))
		return false;
	if (a.family != 0) {
		if (endpoint_from_sockaddr(&p->endpoint, (struct sockaddr *)&ss,
		    (socklen_t)addr_to_sockaddr(&a, false, &ss)) == -1)
			return setting_fail(c, s, "endpoint '%s': not an address", str);
		p->has_endpoint = true;
		return true;
	}
	snprintf(port, sizeof(port), "%u", pn);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return setting_fail(c, s, "endpoint '%s': cannot resolve: %s", str,
		    gai_strerror(rc));
	rc = endpoint_from_sockaddr(&p->endpoint, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc == -1)
		return setting_fail(c, s, "endpoint '%s': not an address", str);
	p->has_endpoint = true;
	return true;
}

static bool
parse_pair(struct setting_ctx *c, const config_setting_t *s,
    const struct proxy_conf *conf, struct proxy_peer *p)
{
	static const char *const known[] = { "local", "remote", NULL };
	struct proxy_pair *x = &p->pairs[p->npairs];
	unsigned i;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a VAN pair is a group { local = N; remote = N; }");
	if (!setting_only_known(c, s, known))
		return false;
	x->line = (int)config_setting_source_line(s);
	if (config_setting_get_member(s, "local") == NULL)
		return setting_fail(c, s, "VAN pair without 'local' (our VAN ID)");
	if (config_setting_get_member(s, "remote") == NULL)
		return setting_fail(c, s, "VAN pair without 'remote' (the peer's VAN ID)");
	if (!setting_u32(c, s, "local", 1, UINT32_MAX, &x->local) ||
	    !setting_u32(c, s, "remote", 1, UINT32_MAX, &x->remote))
		return false;
	if (proxy_conf_van(conf, x->local) == NULL)
		return setting_fail(c, config_setting_get_member(s, "local"),
		    "local VAN %u is not declared in 'vans'", x->local);
	for (i = 0; i < p->npairs; i++) {
		if (p->pairs[i].local == x->local)
			return setting_fail(c, config_setting_get_member(s, "local"),
			    "local VAN %u already mapped in this peering on line %d",
			    x->local, p->pairs[i].line);
		if (p->pairs[i].remote == x->remote)
			return setting_fail(c, config_setting_get_member(s, "remote"),
			    "remote VAN %u already mapped in this peering on line %d",
			    x->remote, p->pairs[i].line);
	}
	p->npairs++;
	return true;
}

static bool
parse_limits(struct setting_ctx *c, const config_setting_t *s, struct proxy_peer *p)
{
	static const char *const known[] = { "macs", "flood_rate", "learn_rate", NULL };

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "'limits' must be a group { macs = N; "
		    "flood_rate = N; learn_rate = N; }");
	return setting_only_known(c, s, known) &&
	    setting_u32(c, s, "macs", 0, FDB_MAX_LIMIT, &p->macs) &&
	    setting_u32(c, s, "flood_rate", 0, PROXY_RATE_MAX, &p->flood_rate) &&
	    setting_u32(c, s, "learn_rate", 0, PROXY_RATE_MAX, &p->learn_rate);
}

/* One of claims' lists: strings, each parsed by parse_one into out[i]. */
static bool
parse_claim_list(struct setting_ctx *c, const config_setting_t *g, const char *key,
    unsigned max, uint16_t *n, bool *has,
    bool (*parse_one)(const char *, void *, const char **), void *out, size_t size)
{
	const config_setting_t *l = config_setting_get_member(g, key);
	const char *str, *err;
	int i, len;

	if (l == NULL)
		return true;
	if (config_setting_type(l) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l, "claims: '%s' must be a list [ \"...\", ... ]", key);
	len = config_setting_length(l);
	if ((unsigned)len > max)
		return setting_fail(c, l, "claims: more than %u %s", max, key);
	for (i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);

		if ((str = config_setting_get_string(e)) == NULL)
			return setting_fail(c, e, "claims: '%s' holds strings", key);
		if (!parse_one(str, (uint8_t *)out + (size_t)i * size, &err))
			return setting_fail(c, e, "claims: '%s': %s", str, err);
	}
	*n = (uint16_t)len;
	*has = true;
	return true;
}

static bool
claim_mac(const char *s, void *out, const char **err)
{
	return claims_parse_macs(s, out, err);
}

static bool
claim_prefix(const char *s, void *out, const char **err)
{
	return claims_parse_prefix(s, out, err);
}

/*
 * claims = { macs = [ "02:00:5e", ... ]; prefixes = [ "10.1.0.0/16", ... ]; }:
 * what the peer may claim (docs/proxy.md §5).  A list left out is the
 * default: what no other peer's list and no binding of this site holds.
 */
static bool
parse_claims(struct setting_ctx *c, const config_setting_t *g, struct proxy_peer *p)
{
	static const char *const known[] = { "macs", "prefixes", NULL };
	struct claims *cl;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'claims' must be a group { macs = [ ... ]; "
		    "prefixes = [ ... ]; }");
	if (!setting_only_known(c, g, known))
		return false;
	if ((cl = p->claims = calloc(1, sizeof(*p->claims))) == NULL)
		return setting_fail(c, g, "out of memory");
	return parse_claim_list(c, g, "macs", CLAIMS_MACS_MAX, &cl->nmacs, &cl->has_macs,
	    claim_mac, cl->mac, sizeof(cl->mac[0])) &&
	    parse_claim_list(c, g, "prefixes", CLAIMS_PREFIXES_MAX, &cl->nprefixes,
	    &cl->has_prefixes, claim_prefix, cl->prefix, sizeof(cl->prefix[0]));
}

static bool
parse_peer(struct setting_ctx *c, const config_setting_t *s, struct proxy_conf *conf,
    unsigned *total_pairs)
{
	static const char *const known[] = { "name", "public_key", "endpoint",
	    "preshared_key", "persistent_keepalive", "vans", "limits", "claims", NULL };
	struct proxy_peer *p = &conf->peers[conf->npeers];
	const config_setting_t *vs, *ls, *k;
	const char *name = NULL, *pub = NULL, *ep = NULL, *str = NULL;
	uint32_t keepalive = 0;
	unsigned i;
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a peer is a group { name = \"...\"; "
		    "public_key = \"...\"; ... }");
	if (!setting_only_known(c, s, known) ||
	    !setting_str(c, s, "name", &name) ||
	    !setting_str(c, s, "public_key", &pub) ||
	    !setting_str(c, s, "endpoint", &ep) ||
	    !setting_str(c, s, "preshared_key", &str) ||
	    !setting_u32(c, s, "persistent_keepalive", 0, 65535, &keepalive))
		return false;
	p->line = (int)config_setting_source_line(s);
	p->keepalive = (uint16_t)keepalive;
	p->macs = PROXY_PEER_MACS_DEFAULT;
	p->flood_rate = PROXY_PEER_FLOOD_DEFAULT;
	p->learn_rate = PROXY_PEER_LEARN_DEFAULT;
	conf->npeers++;		/* owns pairs from here, for proxy_conf_free */

	if (name == NULL)
		return setting_fail(c, s, "peer without 'name'");
	if (!setting_name_ok(name, BRIDGE_NAME_MAX))
		return setting_fail(c, config_setting_get_member(s, "name"),
		    "peer name '%s': 1-%d of A-Z a-z 0-9 _ . -", name,
		    BRIDGE_NAME_MAX - 1);
	for (i = 0; i + 1 < conf->npeers; i++)
		if (strcmp(conf->peers[i].name, name) == 0)
			return setting_fail(c, config_setting_get_member(s, "name"),
			    "peer name '%s' already used on line %d", name,
			    conf->peers[i].line);
	snprintf(p->name, sizeof(p->name), "%s", name);

	k = config_setting_get_member(s, "public_key");
	if (pub == NULL)
		return setting_fail(c, s, "peer '%s' without 'public_key'", name);
	if (!key_from_base64(&p->public_key, pub, strlen(pub)))
		return setting_fail(c, k, "public_key: not a key (44 characters of "
		    "base64, as `wg pubkey` prints)");
	if (key_is_zero(&p->public_key))
		return setting_fail(c, k, "public_key: the zero key");
	if (key_equal(&p->public_key, &conf->public_key))
		return setting_fail(c, k, "public_key: this proxy's own (of its "
		    "private_key)");
	for (i = 0; i + 1 < conf->npeers; i++)
		if (key_equal(&conf->peers[i].public_key, &p->public_key))
			return setting_fail(c, k, "public_key already used by peer '%s' "
			    "on line %d", conf->peers[i].name, conf->peers[i].line);

	if (ep != NULL && !parse_endpoint(c, config_setting_get_member(s, "endpoint"),
	    ep, p))
		return false;
	if (!setting_keyfile(c, s, "preshared_key", p->psk_file, sizeof(p->psk_file),
	    &p->psk, &p->has_psk))
		return false;

	if ((vs = config_setting_get_member(s, "vans")) != NULL) {
		if (config_setting_type(vs) != CONFIG_TYPE_LIST)
			return setting_fail(c, vs, "'vans' of a peer must be a list "
			    "( { local = N; remote = N; }, ... )");
		n = config_setting_length(vs);
		if (n > PROXY_PEER_VANS_MAX)
			return setting_fail(c, vs, "more than %d VAN pairs",
			    PROXY_PEER_VANS_MAX);
		if (*total_pairs + (unsigned)n > BRIDGE_PEER_VANS_MAX)
			return setting_fail(c, vs, "more than %d VAN pairs in all peerings",
			    BRIDGE_PEER_VANS_MAX);
		*total_pairs += (unsigned)n;
		if ((p->pairs = calloc((size_t)n + 1, sizeof(*p->pairs))) == NULL)
			return setting_fail(c, vs, "out of memory");
		for (i = 0; i < (unsigned)n; i++)
			if (!parse_pair(c, config_setting_get_elem(vs, i), conf, p))
				return false;
	}
	if ((ls = config_setting_get_member(s, "limits")) != NULL &&
	    !parse_limits(c, ls, p))
		return false;
	if ((ls = config_setting_get_member(s, "claims")) != NULL &&
	    !parse_claims(c, ls, p))
		return false;
	return true;
}

static bool
parse_peers(struct setting_ctx *c, const config_setting_t *s, struct proxy_conf *conf)
{
	unsigned total = 0;
	int i, n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return setting_fail(c, s, "'peers' must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	if (n > PROXY_PEER_MAX)
		return setting_fail(c, s, "more than %d peers", PROXY_PEER_MAX);
	if (conf->nmembers + (unsigned)n > BRIDGE_MEMBER_MAX)
		return setting_fail(c, s, "more than %d members and peers together",
		    BRIDGE_MEMBER_MAX);
	if ((conf->peers = calloc((size_t)n + 1, sizeof(*conf->peers))) == NULL)
		return setting_fail(c, s, "out of memory");
	for (i = 0; i < n; i++)
		if (!parse_peer(c, config_setting_get_elem(s, (unsigned)i), conf, &total))
			return false;
	return true;
}

/* -------------------------------------------------------------- load --- */

struct proxy_conf *
proxy_conf_load(const char *path, char err[static SETTING_ERR_MAX])
{
	static const char *const known[] = { "proxy", "members", "vans", "peers",
	    NULL };
	struct proxy_conf *conf = NULL;
	struct setting_ctx c = { path, err, NULL };
	const config_setting_t *root, *g, *s;
	config_t cfg;
	char *dir = NULL;

	err[0] = '\0';
	config_init(&cfg);
	if ((dir = malloc(strlen(path) + 1)) == NULL ||
	    (conf = calloc(1, sizeof(*conf))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:0: out of memory", path);
		goto fail;
	}
	/* Included files (the peering) by a name that opens them. */
	c.include_dir = dir;
	if (!setting_read(&c, &cfg, path, dir, strlen(path) + 1))
		goto fail;
	snprintf(conf->file, sizeof(conf->file), "%s", path);
	snprintf(conf->name, sizeof(conf->name), "%s", PROXY_CONF_DEFAULT_NAME);
	snprintf(conf->control, sizeof(conf->control), "%s", PROXY_CONF_DEFAULT_CONTROL);
	snprintf(conf->wg_name, sizeof(conf->wg_name), "%s", PROXY_CONF_DEFAULT_WG_NAME);
	conf->listen.port = PROXY_TUNNEL_PORT;
	conf->site_listen.port = WIRE_DEFAULT_PORT;
	conf->hello_ms = BRIDGE_HELLO_MS_DEFAULT;
	conf->dead_count = BRIDGE_DEAD_COUNT_DEFAULT;
	conf->fdb_max = FDB_MAX_DEFAULT;
	conf->dad_moves = BRIDGE_DAD_MOVES_DEFAULT;
	conf->dad_window_s = BRIDGE_DAD_WINDOW_MS_DEFAULT / 1000;
	conf->dad_hold_s = BRIDGE_DAD_HOLD_MS_DEFAULT / 1000;
	conf->tunnel_mtu = PROXY_TUNNEL_MTU_DEFAULT;
	conf->route_refresh_s = PROXY_ROUTE_REFRESH_DEFAULT;
	conf->log_level = LOG_LVL_INFO;
	conf->member_routes_max = SETTING_ROUTES_UNSET;
	conf->member_flood_rate = BRIDGE_MEMBER_FLOOD_DEFAULT;
	conf->member_learn_rate = BRIDGE_MEMBER_LEARN_DEFAULT;

	root = config_root_setting(&cfg);
	if (!setting_only_known(&c, root, known))
		goto fail;
	if ((g = config_lookup(&cfg, "proxy")) != NULL && !parse_proxy(&c, g, conf))
		goto fail;
	if (conf->member_routes_max == SETTING_ROUTES_UNSET)
		conf->member_routes_max = conf->fdb_max / BRIDGE_MEMBER_ROUTES_SHARE;
	if (!load_private_key(&c, g, conf, conf->private_key_file[0] != '\0'))
		goto fail;
	if ((s = config_lookup(&cfg, "members")) != NULL &&
	    !setting_members(&c, s, conf->site_listen.port, BRIDGE_MEMBER_MAX,
	    &conf->members, &conf->nmembers))
		goto fail;
	if ((s = config_lookup(&cfg, "vans")) != NULL && !parse_vans(&c, s, conf))
		goto fail;
	if ((s = config_lookup(&cfg, "peers")) != NULL && !parse_peers(&c, s, conf))
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
	unsigned i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->npeers; i++) {
		free(conf->peers[i].pairs);
		free(conf->peers[i].claims);
		key_wipe(&conf->peers[i].psk);
	}
	free(conf->peers);
	free(conf->vans);
	free(conf->members);
	key_wipe(&conf->private_key);
	sodium_memzero(conf->site_key, sizeof(conf->site_key));
	free(conf);
}

const struct proxy_van *
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

uint32_t
proxy_peer_remote(const struct proxy_peer *p, uint32_t local)
{
	unsigned i;

	for (i = 0; i < p->npairs; i++)
		if (p->pairs[i].local == local)
			return p->pairs[i].remote;
	return 0;
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

static void
print_claims(FILE *f, const struct claims *cl)
{
	char buf[56];
	unsigned i;

	fprintf(f, "\n    claims = {");
	if (cl->has_macs) {
		fprintf(f, " macs = [");
		for (i = 0; i < cl->nmacs; i++) {
			claims_print_macs(&cl->mac[i], buf);
			fprintf(f, "%s \"%s\"", i ? "," : "", buf);
		}
		fprintf(f, " ];");
	}
	if (cl->has_prefixes) {
		fprintf(f, " prefixes = [");
		for (i = 0; i < cl->nprefixes; i++) {
			claims_print_prefix(&cl->prefix[i], buf);
			fprintf(f, "%s \"%s\"", i ? "," : "", buf);
		}
		fprintf(f, " ];");
	}
	fprintf(f, " };");
}

void
proxy_conf_print(FILE *f, const struct proxy_conf *conf)
{
	char a[ADDR_STRLEN], pub[WG_KEY_B64_LEN + 1];
	unsigned i, j;

	key_to_base64(pub, &conf->public_key);
	fprintf(f, "proxy = {\n");
	fprintf(f, "  name = \"%s\";\n", conf->name);
	fprintf(f, "  private_key = \"%s\";    # public key %s\n",
	    conf->private_key_file, pub);
	print_listen(f, "listen", &conf->listen);
	print_listen(f, "site_listen", &conf->site_listen);
	fprintf(f, "  control = \"%s\";\n", conf->control);
	fprintf(f, "  wg_name = \"%s\";\n", conf->wg_name);
	if (conf->has_site_key) {
		fprintf(f, "  site_key = \"%s\";\n", conf->site_key_file);
		if (conf->site_key_compat)
			fprintf(f, "  site_key_compat = true;\n");
	}
	fprintf(f, "  hello_interval = %u;\n", conf->hello_ms);
	fprintf(f, "  dead_after = %u;\n", conf->dead_count);
	fprintf(f, "  fdb_max = %u;\n", conf->fdb_max);
	fprintf(f, "  member_routes_max = %u;\n", conf->member_routes_max);
	fprintf(f, "  member_flood_rate = %u;\n", conf->member_flood_rate);
	fprintf(f, "  member_learn_rate = %u;\n", conf->member_learn_rate);
	fprintf(f, "  dad_moves = %u;\n", conf->dad_moves);
	fprintf(f, "  dad_window = %u;\n", conf->dad_window_s);
	fprintf(f, "  dad_hold = %u;\n", conf->dad_hold_s);
	fprintf(f, "  tunnel_mtu = %u;\n", conf->tunnel_mtu);
	fprintf(f, "  route_refresh = %u;\n", conf->route_refresh_s);
	fprintf(f, "  log_level = \"%s\";\n", log_level_str(conf->log_level));
	fprintf(f, "};\n");
	fprintf(f, "members = [");
	for (i = 0; i < conf->nmembers; i++)
		fprintf(f, "%s\n  \"%s\"", i ? "," : "", addr_str(&conf->members[i], a));
	fprintf(f, "%s];\n", conf->nmembers ? "\n" : " ");
	fprintf(f, "vans = (");
	for (i = 0; i < conf->nvans; i++) {
		const struct proxy_van *v = &conf->vans[i];

		fprintf(f, "%s\n  { id = %u; name = \"%s\";", i ? "," : "", v->id, v->name);
		if (v->fdb_max != 0)
			fprintf(f, " fdb_max = %u;", v->fdb_max);
		if (v->flood_rate != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;", v->flood_rate,
			    v->flood_burst ? v->flood_burst : v->flood_rate);
		fprintf(f, " }");
	}
	fprintf(f, "%s);\n", conf->nvans ? "\n" : " ");
	fprintf(f, "peers = (");
	for (i = 0; i < conf->npeers; i++) {
		const struct proxy_peer *p = &conf->peers[i];

		key_to_base64(pub, &p->public_key);
		fprintf(f, "%s\n  { name = \"%s\";\n", i ? "," : "", p->name);
		fprintf(f, "    public_key = \"%s\";\n", pub);
		if (p->has_endpoint)
			fprintf(f, "    endpoint = \"%s\";\n", p->endpoint_text);
		if (p->has_psk)
			fprintf(f, "    preshared_key = \"%s\";\n", p->psk_file);
		fprintf(f, "    persistent_keepalive = %u;\n", p->keepalive);
		fprintf(f, "    vans = (");
		for (j = 0; j < p->npairs; j++)
			fprintf(f, "%s\n      { local = %u; remote = %u; }", j ? "," : "",
			    p->pairs[j].local, p->pairs[j].remote);
		fprintf(f, "%s);\n", p->npairs ? "\n    " : " ");
		fprintf(f, "    limits = { macs = %u; flood_rate = %u; learn_rate = %u; };",
		    p->macs, p->flood_rate, p->learn_rate);
		if (p->claims != NULL)
			print_claims(f, p->claims);
		fprintf(f, " }");
	}
	fprintf(f, "%s);\n", conf->npeers ? "\n" : " ");
}
