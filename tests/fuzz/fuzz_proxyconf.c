/*
 * fuzz_proxyconf.c — libFuzzer harness for vanproxy's configuration parser
 * (proxy/conf.c, the peering reader proxy/peering.c, the claims) and the
 * reload's diffing of its VANs and peerings into the bridge.  The input is
 * one proxy.conf with its peers inline, or two separated by a line "%%":
 * the running one and the one a reload reads.  Host names are not
 * resolved; key files: proxy.key, psk.key, site.key ("%K/proxy.key",
 * tests/fuzz/harness.c).
 *
 * Invariants: a file refused gives one line "FILE:LINE: message" naming
 * the file; a file accepted prints (`vanproxy -n`) to a form that loads
 * again and prints the same, and never prints a secret (the key files'
 * contents); the bridge takes every setting the parser accepted, every
 * peer's claims and limits; after applying the first file (the bridge's
 * VANs, a peer per peering with its pairs) and the second as a reload
 * does (peers gone removed, pairs gone unmapped, then the VANs, then pairs
 * mapped), the bridge's VANs are the new file's and each peer crosses
 * exactly its pairs whose local VAN is configured.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/key.h"
#include "proxy/conf.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VANS	32
#define PEERS	16

static struct bridge b;
static struct bridge_out out;
static int slot[PEERS];		/* per peer of the running file */

static char *
print(const struct proxy_conf *conf, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	proxy_conf_print(f, conf);
	if (fclose(f) != 0)
		abort();
	return text;
}

/* The base64 of the key files (harness.c): a printed form never holds them. */
static void
check_secrets(const char *text)
{
	static const char *const secret[] = {
	    "ERERERERERERERERERERERERERERERERERERERERERE=",	/* proxy.key */
	    "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=",	/* psk.key */
	    "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=",	/* site.key */
	};
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (strstr(text, secret[i]) != NULL)
			abort();
}

static struct proxy_conf *
load(const char *name, const uint8_t *text, size_t size)
{
	char err[SETTING_ERR_MAX], err2[SETTING_ERR_MAX], keep[512];
	const char *path = fz_put(name, text, size);
	struct proxy_conf *conf, *again;
	char *p1, *p2;
	size_t n1, n2;

	snprintf(keep, sizeof(keep), "%s", path);
	if ((conf = proxy_conf_read(keep, false, err)) == NULL) {
		fz_check_err(keep, err);
		return NULL;
	}
	p1 = print(conf, &n1);
	check_secrets(p1);
	path = fz_put("printed.conf", (const uint8_t *)p1, n1);
	if ((again = proxy_conf_read(path, false, err2)) == NULL) {
		fprintf(stderr, "printed form refused: %s\n%s", err2, p1);
		abort();
	}
	p2 = print(again, &n2);
	if (n1 != n2 || memcmp(p1, p2, n1) != 0) {
		fprintf(stderr, "printed forms differ:\n%s---\n%s", p1, p2);
		abort();
	}
	free(p1);
	free(p2);
	proxy_conf_free(again);
	conf->site.log_level = LOG_LVL_ERR;
	return conf;
}

static void
set_conf(const struct proxy_conf *old, const struct proxy_conf *conf)
{
	struct bridge_conf bc = { .refresh_ms = conf->route_refresh_s * 1000 };
	const char *e;

	site_conf_bridge(&conf->site, &bc);
	if (bridge_set_conf(&b, &bc, &e) == -1) {
		fprintf(stderr, "the parser took what the bridge refuses: %s\n", e);
		abort();
	}
	site_conf_apply(&b, old != NULL ? &old->site : NULL, &conf->site);
}

/* A peer's limits, claims and the pairs of its peering (proxy/peer.c's). */
static void
peer_set(uint32_t m, const struct proxy_peer *cp, monotime_t now)
{
	const char *e;
	unsigned i;

	bridge_peer_limits(&b, m, cp->macs, cp->flood_rate, cp->learn_rate);
	if (bridge_peer_claims(&b, m, cp->claims) == -1)
		abort();
	for (i = 0; i < cp->npairs; i++)
		if (bridge_peer_van(&b, m, cp->pairs[i].local) != cp->pairs[i].remote)
			(void)bridge_peer_map(&b, &out, m, cp->pairs[i].local,
			    cp->pairs[i].remote, now, &e);
	fz_discard(&out, NULL);
}

static void
start(const struct proxy_conf *conf, monotime_t now)
{
	const char *e;
	unsigned i;

	site_vans_apply(&b, &out, conf->file, conf->vans, sizeof(conf->vans[0]),
	    conf->nvans, false, NULL, NULL, now);
	for (i = 0; i < conf->npeers && i < PEERS; i++)
		if ((slot[i] = bridge_peer_add(&b, now, &e)) >= 0)
			peer_set((uint32_t)slot[i], &conf->peers[i], now);
	set_conf(NULL, conf);
	bridge_start(&b, &out, now);
	fz_discard(&out, NULL);
}

/* As proxyd_apply: peers and pairs gone, VANs, then pairs and settings. */
static void
reload(const struct proxy_conf *old, const struct proxy_conf *conf, monotime_t now)
{
	const struct proxy_peer *cp;
	uint32_t v;
	unsigned i;

	for (i = 0; i < old->npeers && i < PEERS; i++) {
		if (slot[i] < 0)
			continue;
		cp = proxy_conf_peer(conf, old->peers[i].name);
		if (cp == NULL || !key_equal(&cp->public_key, &old->peers[i].public_key)) {
			bridge_peer_del(&b, &out, (uint32_t)slot[i], now);
			slot[i] = -1;
			continue;
		}
		for (v = 0; v < b.conf.van_max; v++) {
			uint32_t id = b.van[v].used ? b.van[v].id : 0, theirs;

			if (id != 0 && (theirs = bridge_peer_van(&b, (uint32_t)slot[i], id)) != 0 &&
			    proxy_peer_remote(cp, id) != theirs)
				bridge_peer_unmap(&b, &out, (uint32_t)slot[i], id, now);
		}
	}
	fz_discard(&out, NULL);
	site_vans_apply(&b, &out, conf->file, conf->vans, sizeof(conf->vans[0]),
	    conf->nvans, true, NULL, NULL, now);
	for (i = 0; i < old->npeers && i < PEERS; i++)
		if (slot[i] >= 0)
			peer_set((uint32_t)slot[i], proxy_conf_peer(conf, old->peers[i].name),
			    now);
	set_conf(old, conf);
	fz_discard(&out, NULL);
}

static void
check(const struct proxy_conf *conf, const struct proxy_conf *names)
{
	struct bridge_size sz;
	uint32_t v;
	unsigned i, k;

	bridge_size(&b, &sz);
	for (v = 0; v < sz.van_max; v++) {
		const struct site_van *sv;

		if (!b.van[v].used)
			continue;
		if ((sv = proxy_conf_van(conf, b.van[v].id)) == NULL ||
		    strcmp(sv->name, b.van[v].name) != 0 || sv->fdb_max != b.van[v].fdb_max)
			abort();
	}
	for (i = 0; i < conf->nvans; i++)
		if (bridge_van_find(&b, conf->vans[i].id) < 0 && sz.nvans < sz.van_max)
			abort();
	/* Each peer kept crosses what its peering maps, where the VAN is here. */
	for (i = 0; i < names->npeers && i < PEERS; i++) {
		const struct proxy_peer *cp;

		if (slot[i] < 0 || (cp = proxy_conf_peer(conf, names->peers[i].name)) == NULL)
			continue;
		for (v = 0; v < sz.van_max; v++) {
			uint32_t id = b.van[v].used ? b.van[v].id : 0;

			if (id != 0 && bridge_peer_van(&b, (uint32_t)slot[i], id) !=
			    proxy_peer_remote(cp, id))
				abort();
		}
		for (k = 0; k < cp->npairs; k++)
			if (bridge_van_find(&b, cp->pairs[k].local) < 0 &&
			    bridge_peer_van(&b, (uint32_t)slot[i], cp->pairs[k].local) != 0)
				abort();
	}
	fz_check_tables(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_conf c = { .proxy = true, .fdb_max = 256, .hello_ms = 100,
	    .dead_count = 3, .epoch = 42, .van_max = VANS, .port_max = 2,
	    .member_max = PEERS + 4, .memb_max = 64, .neigh_max = 64 };
	const uint8_t *part[2];
	size_t len[2];
	struct proxy_conf *old, *conf;
	unsigned n, i;

	log_set_level(LOG_LVL_ERR);
	n = fz_split(data, size, part, len, 2);
	if ((old = load("proxy.conf", part[0], len[0])) == NULL)
		return 0;
	conf = n > 1 ? load("reload.conf", part[1], len[1]) : NULL;
	memset(c.hashkey, 5, sizeof(c.hashkey));
	if (bridge_init(&b, &c) != 0)
		abort();
	bridge_out_init(&out, fz_discard, NULL);
	for (i = 0; i < PEERS; i++)
		slot[i] = -1;
	start(old, MONO_SEC(1));
	check(old, old);
	if (conf != NULL) {
		site_conf_keep(&conf->site, &old->site);
		reload(old, conf, MONO_SEC(2));
		check(conf, old);
	}
	bridge_fini(&b);
	proxy_conf_free(old);
	proxy_conf_free(conf);
	return 0;
}
