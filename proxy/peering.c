/*
 * peering.c — read and write peering files (see peering.h, docs/proxy.md
 * §6).  Strict, as the rest of vanproxy's configuration: an unknown
 * setting, a value of the wrong type or out of range, a duplicate (peer
 * names, public keys, our VAN or the peer's mapped twice in one peering,
 * VAN IDs and names in `vans`), a VAN mapped that `vans` does not declare
 * (when the caller knows them), this proxy's own public key as a peer's —
 * each is "FILE:LINE: message", the file being the one the setting is
 * written in.  The messages are vanproxy's contract (test_proxyconf, the
 * golden tests): vanplan lint and vanlab report a bad file as vanproxy
 * would.
 *
 * Nothing is applied here: the model is the caller's to use or free.
 */
#include "proxy/peering.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"

/* -------------------------------------------------------------- vans --- */

static bool
read_van(struct setting_ctx *c, const config_setting_t *s, struct site_van *vans,
    unsigned *nvans)
{
	static const char *const known[] = { "id", "name", "fdb_max",
	    "flood_rate", "flood_burst", NULL };
	struct site_van *v = &vans[*nvans];
	unsigned i;

	if (!site_van_read(c, s, known, "{ id = N; name = \"...\"; }", v))
		return false;
	for (i = 0; i < *nvans; i++)
		if (!site_van_unique(c, s, v, &vans[i]))
			return false;
	(*nvans)++;
	return true;
}

bool
peering_vans(struct setting_ctx *c, const config_setting_t *s, struct site_van **out,
    unsigned *nout)
{
	int i, n;

	*out = NULL;
	*nout = 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return setting_fail(c, s, "'vans' must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	if (n > BRIDGE_VAN_MAX)
		return setting_fail(c, s, "more than %d VANs", BRIDGE_VAN_MAX);
	if ((*out = calloc((size_t)n + 1, sizeof(**out))) == NULL)
		return setting_fail(c, s, "out of memory");
	for (i = 0; i < n; i++)
		if (!read_van(c, config_setting_get_elem(s, (unsigned)i), *out, nout))
			return false;
	return true;
}

/* ------------------------------------------------------------- peers --- */

/* What peering_peers reads into, and what its caller told it. */
struct reading {
	struct setting_ctx *c;
	const struct peering_opts *opts;
	struct proxy_peer *peers;
	unsigned	npeers;
	unsigned	total_pairs;	/* in all peerings: BRIDGE_PEER_VANS_MAX */
};

/*
 * "a.b.c.d[:port]", "[v6][:port]" or "host.name[:port]" (with
 * opts->resolve, resolved now: the first address the resolver gives); the
 * port defaults to 51820.  The text kept is normalised: an address as
 * printed, a name with its port (edge/rim/setting.c's setting_endpoint,
 * which vanplan's inventory shares).
 */
static bool
read_endpoint(struct reading *r, const config_setting_t *s, const char *str,
    struct proxy_peer *p)
{
	struct setting_ctx *c = r->c;
	struct sockaddr_storage ss;
	struct addrinfo hints, *res = NULL;
	char host[SETTING_HOST_MAX + 1], port[8];
	uint16_t pn;
	int rc;

	if (strlen(str) >= sizeof(p->endpoint_text))
		return setting_fail(c, s, "endpoint: too long");
	if (!setting_endpoint(c, s, str, PROXY_TUNNEL_PORT, &p->endpoint_addr, host,
	    &pn, p->endpoint_text, sizeof(p->endpoint_text)))
		return false;
	p->endpoint_addr.port = pn;
	if (p->endpoint_addr.family != 0) {
		if (endpoint_from_sockaddr(&p->endpoint, (struct sockaddr *)&ss,
		    (socklen_t)addr_to_sockaddr(&p->endpoint_addr, false, &ss)) == -1)
			return setting_fail(c, s, "endpoint '%s': not an address", str);
		p->has_endpoint = true;
		return true;
	}
	if (!r->opts->resolve) {
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
read_pair(struct reading *r, const config_setting_t *s, struct proxy_peer *p)
{
	static const char *const known[] = { "local", "remote", NULL };
	const struct peering_opts *o = r->opts;
	struct setting_ctx *c = r->c;
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
	if (!setting_u32(c, s, "local", BRIDGE_VAN_ID_MIN, BRIDGE_VAN_ID_MAX,
	    &x->local) ||
	    !setting_u32(c, s, "remote", BRIDGE_VAN_ID_MIN, BRIDGE_VAN_ID_MAX,
	    &x->remote))
		return false;
	if (o->vans_known) {
		for (i = 0; i < o->nvans && o->vans[i].id != x->local; i++)
			;
		if (i == o->nvans)
			return setting_fail(c, config_setting_get_member(s, "local"),
			    "local VAN %u is not declared in 'vans'", x->local);
	}
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

bool
peering_limits(struct setting_ctx *c, const config_setting_t *s, uint32_t *macs,
    uint32_t *flood_rate, uint32_t *learn_rate)
{
	static const char *const known[] = { "macs", "flood_rate", "learn_rate", NULL };

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "'limits' must be a group { macs = N; "
		    "flood_rate = N; learn_rate = N; }");
	return setting_only_known(c, s, known) &&
	    setting_u32(c, s, "macs", 0, FDB_MAX_LIMIT, macs) &&
	    setting_u32(c, s, "flood_rate", 0, PROXY_RATE_MAX, flood_rate) &&
	    setting_u32(c, s, "learn_rate", 0, PROXY_RATE_MAX, learn_rate);
}

/* One of claims' lists: strings, each parsed by parse_one into out[i]. */
static bool
read_claim_list(struct setting_ctx *c, const config_setting_t *g, const char *key,
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
read_claims(struct setting_ctx *c, const config_setting_t *g, struct proxy_peer *p)
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
	return read_claim_list(c, g, "macs", CLAIMS_MACS_MAX, &cl->nmacs, &cl->has_macs,
	    claim_mac, cl->mac, sizeof(cl->mac[0])) &&
	    read_claim_list(c, g, "prefixes", CLAIMS_PREFIXES_MAX, &cl->nprefixes,
	    &cl->has_prefixes, claim_prefix, cl->prefix, sizeof(cl->prefix[0]));
}

/*
 * tunnel = { id = N; end = 0|1; failover_after = S; failback_after = S; }:
 * this peering is tree tunnel N of the plan, we its end `end`.
 */
static bool
read_tunnel(struct reading *r, const config_setting_t *g, struct proxy_peer *p)
{
	static const char *const known[] = { "id", "end", "failover_after",
	    "failback_after", NULL };
	struct setting_ctx *c = r->c;
	uint32_t end = 2;
	unsigned i;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return setting_fail(c, g, "'tunnel' must be a group { id = N; end = "
		    "0|1; }");
	if (!setting_only_known(c, g, known))
		return false;
	if (config_setting_get_member(g, "id") == NULL)
		return setting_fail(c, g, "tunnel without 'id' (the plan's tunnel ID)");
	if (config_setting_get_member(g, "end") == NULL)
		return setting_fail(c, g, "tunnel without 'end' (0 or 1: ours)");
	p->failover_after = PROXY_FAILOVER_AFTER_DEFAULT;
	p->failback_after = PROXY_FAILBACK_AFTER_DEFAULT;
	if (!setting_u32(c, g, "id", 1, PROXY_TUNNEL_ID_MAX, &p->tunnel) ||
	    !setting_u32(c, g, "end", 0, 1, &end) ||
	    !setting_u32(c, g, "failover_after", 1, PROXY_FAILOVER_MAX,
	    &p->failover_after) ||
	    !setting_u32(c, g, "failback_after", 1, PROXY_FAILOVER_MAX,
	    &p->failback_after))
		return false;
	p->tunnel_end = (uint8_t)end;
	for (i = 0; i + 1 < r->npeers; i++)
		if (r->peers[i].tunnel == p->tunnel)
			return setting_fail(c, config_setting_get_member(g, "id"),
			    "tunnel %u is peer '%s''s already (line %d)", p->tunnel,
			    r->peers[i].name, r->peers[i].line);
	return true;
}

/*
 * standby = ( { tunnel = N; end = 0|1; }, ... ): a standby peer, whose VAN
 * pairs apply only while end `end` of one of these tree tunnels says the
 * tunnel is down.
 */
static bool
read_standby(struct reading *r, const config_setting_t *l, struct proxy_peer *p)
{
	static const char *const known[] = { "tunnel", "end", NULL };
	struct setting_ctx *c = r->c;
	unsigned i, j, k;
	int n;

	if (config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l, "'standby' must be a list ( { tunnel = N; "
		    "end = 0|1; }, ... )");
	if ((n = config_setting_length(l)) == 0)
		return setting_fail(c, l, "'standby' names no tunnel");
	if (n > PROXY_COVERS_MAX)
		return setting_fail(c, l, "'standby' of more than %d tunnels",
		    PROXY_COVERS_MAX);
	if ((p->covers = calloc((size_t)n, sizeof(*p->covers))) == NULL)
		return setting_fail(c, l, "out of memory");
	for (i = 0; i < (unsigned)n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, i);
		struct proxy_cover *cv = &p->covers[i];
		uint32_t end = 2;

		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return setting_fail(c, g, "a standby entry is a group { tunnel "
			    "= N; end = 0|1; }");
		if (!setting_only_known(c, g, known))
			return false;
		if (config_setting_get_member(g, "tunnel") == NULL ||
		    config_setting_get_member(g, "end") == NULL)
			return setting_fail(c, g, "a standby entry needs 'tunnel' and "
			    "'end'");
		if (!setting_u32(c, g, "tunnel", 1, PROXY_TUNNEL_ID_MAX, &cv->tunnel) ||
		    !setting_u32(c, g, "end", 0, 1, &end))
			return false;
		cv->end = (uint8_t)end;
		cv->line = (int)config_setting_source_line(g);
		p->ncovers = i + 1;
		for (j = 0; j < i; j++)
			if (p->covers[j].tunnel == cv->tunnel)
				return setting_fail(c, g, "tunnel %u twice in 'standby'",
				    cv->tunnel);
		for (k = 0; k + 1 < r->npeers; k++)
			for (j = 0; j < r->peers[k].ncovers; j++)
				if (r->peers[k].covers[j].tunnel == cv->tunnel)
					return setting_fail(c, g, "tunnel %u: standby "
					    "peer '%s' covers it already (line %d)",
					    cv->tunnel, r->peers[k].name,
					    r->peers[k].covers[j].line);
	}
	return true;
}

static bool
read_peer(struct reading *r, const config_setting_t *s)
{
	static const char *const known[] = { "name", "public_key", "endpoint",
	    "preshared_key", "persistent_keepalive", "vans", "limits", "claims",
	    "tunnel", "standby", NULL };
	const struct peering_opts *o = r->opts;
	struct setting_ctx *c = r->c;
	struct proxy_peer *p = &r->peers[r->npeers];
	const config_setting_t *vs, *ls, *k;
	const char *name = NULL, *pub = NULL, *ep = NULL, *psk = NULL;
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
	    !setting_str(c, s, "preshared_key", &psk) ||
	    !setting_u32(c, s, "persistent_keepalive", 0, PROXY_KEEPALIVE_MAX,
	    &keepalive))
		return false;
	p->line = (int)config_setting_source_line(s);
	p->keepalive = (uint16_t)keepalive;
	p->macs = PROXY_PEER_MACS_DEFAULT;
	p->flood_rate = PROXY_PEER_FLOOD_DEFAULT;
	p->learn_rate = PROXY_PEER_LEARN_DEFAULT;
	r->npeers++;		/* owns pairs from here, for peering_free */

	if (name == NULL)
		return setting_fail(c, s, "peer without 'name'");
	if (!setting_name_ok(name, BRIDGE_NAME_MAX))
		return setting_fail(c, config_setting_get_member(s, "name"),
		    "peer name '%s': 1-%d of A-Z a-z 0-9 _ . -", name,
		    BRIDGE_NAME_MAX - 1);
	for (i = 0; i + 1 < r->npeers; i++)
		if (strcmp(r->peers[i].name, name) == 0)
			return setting_fail(c, config_setting_get_member(s, "name"),
			    "peer name '%s' already used on line %d", name,
			    r->peers[i].line);
	snprintf(p->name, sizeof(p->name), "%s", name);

	k = config_setting_get_member(s, "public_key");
	if (pub == NULL)
		return setting_fail(c, s, "peer '%s' without 'public_key'", name);
	if (!key_from_base64(&p->public_key, pub, strlen(pub)))
		return setting_fail(c, k, "public_key: not a key (44 characters of "
		    "base64, as `wg pubkey` prints)");
	if (key_is_zero(&p->public_key))
		return setting_fail(c, k, "public_key: the zero key");
	if (o->self != NULL && key_equal(&p->public_key, o->self))
		return setting_fail(c, k, "public_key: this proxy's own (of its "
		    "private_key)");
	for (i = 0; i + 1 < r->npeers; i++)
		if (key_equal(&r->peers[i].public_key, &p->public_key))
			return setting_fail(c, k, "public_key already used by peer '%s' "
			    "on line %d", r->peers[i].name, r->peers[i].line);

	if (ep != NULL && !read_endpoint(r, config_setting_get_member(s, "endpoint"),
	    ep, p))
		return false;
	if (o->keys) {
		if (!setting_keyfile(c, s, "preshared_key", p->psk_file,
		    sizeof(p->psk_file), &p->psk, &p->has_psk))
			return false;
	} else if (psk != NULL) {
		/* The name only, checked as setting_keyfile checks it. */
		if (psk[0] == '\0' || strlen(psk) >= sizeof(p->psk_file))
			return setting_fail(c, config_setting_get_member(s,
			    "preshared_key"), "preshared_key: a file name");
		snprintf(p->psk_file, sizeof(p->psk_file), "%s", psk);
		p->has_psk = true;
	}

	if ((vs = config_setting_get_member(s, "vans")) != NULL) {
		if (config_setting_type(vs) != CONFIG_TYPE_LIST)
			return setting_fail(c, vs, "'vans' of a peer must be a list "
			    "( { local = N; remote = N; }, ... )");
		n = config_setting_length(vs);
		if (n > PROXY_PEER_VANS_MAX)
			return setting_fail(c, vs, "more than %d VAN pairs",
			    PROXY_PEER_VANS_MAX);
		if (r->total_pairs + (unsigned)n > BRIDGE_PEER_VANS_MAX)
			return setting_fail(c, vs, "more than %d VAN pairs in all peerings",
			    BRIDGE_PEER_VANS_MAX);
		r->total_pairs += (unsigned)n;
		if ((p->pairs = calloc((size_t)n + 1, sizeof(*p->pairs))) == NULL)
			return setting_fail(c, vs, "out of memory");
		for (i = 0; i < (unsigned)n; i++)
			if (!read_pair(r, config_setting_get_elem(vs, i), p))
				return false;
	}
	if ((ls = config_setting_get_member(s, "limits")) != NULL) {
		if (!peering_limits(c, ls, &p->macs, &p->flood_rate, &p->learn_rate))
			return false;
		p->has_limits = true;
	}
	if ((ls = config_setting_get_member(s, "claims")) != NULL &&
	    !read_claims(c, ls, p))
		return false;
	if ((ls = config_setting_get_member(s, "tunnel")) != NULL &&
	    !read_tunnel(r, ls, p))
		return false;
	if ((ls = config_setting_get_member(s, "standby")) != NULL) {
		if (p->tunnel != 0)
			return setting_fail(c, ls, "peer '%s': a tree tunnel ('tunnel') "
			    "or a standby peer ('standby'), not both", p->name);
		if (!read_standby(r, ls, p))
			return false;
	}
	return true;
}

bool
peering_peers(struct setting_ctx *c, const config_setting_t *s,
    const struct peering_opts *opts, struct proxy_peer **out, unsigned *nout)
{
	struct reading r = { c, opts, NULL, 0, 0 };
	bool ok = false;
	int i, n;

	*out = NULL;
	*nout = 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return setting_fail(c, s, "'peers' must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	if (n > PROXY_PEER_MAX)
		return setting_fail(c, s, "more than %d peers", PROXY_PEER_MAX);
	if (opts->members + (unsigned)n > BRIDGE_MEMBER_MAX)
		return setting_fail(c, s, "more than %d members and peers together",
		    BRIDGE_MEMBER_MAX);
	if ((r.peers = calloc((size_t)n + 1, sizeof(*r.peers))) == NULL)
		return setting_fail(c, s, "out of memory");
	for (i = 0; i < n; i++)
		if (!read_peer(&r, config_setting_get_elem(s, (unsigned)i)))
			goto out;
	ok = true;
out:
	*out = r.peers;
	*nout = r.npeers;
	return ok;
}

void
peering_free(struct proxy_peer *peers, unsigned n)
{
	unsigned i;

	if (peers == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(peers[i].pairs);
		free(peers[i].claims);
		free(peers[i].covers);
		key_wipe(&peers[i].psk);
	}
	free(peers);
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

/* "claims = { macs = [ ... ]; prefixes = [ ... ]; };" */
static void
print_claims(FILE *f, const struct claims *cl)
{
	char buf[56];
	unsigned i;

	fprintf(f, "claims = {");
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

/* "tunnel = { id = N; end = E; failover_after = S; failback_after = S; };" */
static void
print_tunnel(FILE *f, const struct proxy_peer *p)
{
	fprintf(f, "tunnel = { id = %u; end = %u; failover_after = %u; "
	    "failback_after = %u; };", p->tunnel, p->tunnel_end, p->failover_after,
	    p->failback_after);
}

/* "standby = ( { tunnel = N; end = E; }, ... );" */
static void
print_standby(FILE *f, const struct proxy_peer *p)
{
	unsigned i;

	fprintf(f, "standby = (");
	for (i = 0; i < p->ncovers; i++)
		fprintf(f, "%s { tunnel = %u; end = %u; }", i ? "," : "",
		    p->covers[i].tunnel, p->covers[i].end);
	fprintf(f, " );");
}

/* `vans = ( ... );`, a pair a line; a note after the pair it is of. */
static void
print_pairs(FILE *f, const struct proxy_peer *p,
    void (*note)(void *, const struct proxy_peer *, unsigned, char *, size_t),
    void *arg)
{
	char text[PEERING_NOTE_MAX] = "";
	unsigned k;

	fprintf(f, "    vans = (");
	for (k = 0; k < p->npairs; k++) {
		/* The comma before the previous pair's comment (to the line's end). */
		if (k > 0)
			fprintf(f, ",%s%s", text[0] != '\0' ? "    # " : "", text);
		fprintf(f, "\n      { local = %u; remote = %u; }", p->pairs[k].local,
		    p->pairs[k].remote);
		text[0] = '\0';
		if (note != NULL)
			note(arg, p, k, text, sizeof(text));
	}
	if (p->npairs == 0)
		fprintf(f, " );\n");
	else
		fprintf(f, "%s%s\n    );\n", text[0] != '\0' ? "     # " : "", text);
}

void
peering_print(FILE *f, const struct proxy_peer *peers, unsigned n, bool explicit,
    void (*note)(void *, const struct proxy_peer *, unsigned, char *, size_t),
    void *arg)
{
	char pub[WG_KEY_B64_LEN + 1];
	unsigned i;

	fprintf(f, "peers = (");
	for (i = 0; i < n; i++) {
		const struct proxy_peer *p = &peers[i];

		key_to_base64(pub, &p->public_key);
		fprintf(f, "%s\n  { name = \"%s\";\n", i ? "," : "", p->name);
		fprintf(f, "    public_key = \"%s\";\n", pub);
		if (p->has_endpoint)
			fprintf(f, "    endpoint = \"%s\";\n", p->endpoint_text);
		if (p->has_psk)
			fprintf(f, "    preshared_key = \"%s\";\n", p->psk_file);
		if (explicit || p->keepalive != 0)
			fprintf(f, "    persistent_keepalive = %u;\n", p->keepalive);
		print_pairs(f, p, note, arg);
		/* -n closes a peer on its last line, a file on one of its own. */
		if (explicit || p->has_limits)
			fprintf(f, "    limits = { macs = %u; flood_rate = %u; learn_rate = "
			    "%u; };%s", p->macs, p->flood_rate, p->learn_rate,
			    explicit ? "" : "\n");
		if (p->claims != NULL) {
			fprintf(f, "%s", explicit ? "\n    " : "    ");
			print_claims(f, p->claims);
			fprintf(f, "%s", explicit ? "" : "\n");
		}
		if (p->tunnel != 0) {
			fprintf(f, "%s", explicit ? "\n    " : "    ");
			print_tunnel(f, p);
			fprintf(f, "%s", explicit ? "" : "\n");
		}
		if (p->ncovers > 0) {
			fprintf(f, "%s", explicit ? "\n    " : "    ");
			print_standby(f, p);
			fprintf(f, "%s", explicit ? "" : "\n");
		}
		fprintf(f, "%s", explicit ? " }" : "  }");
	}
	fprintf(f, "%s);\n", n ? "\n" : " ");
}
