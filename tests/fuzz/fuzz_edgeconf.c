/*
 * fuzz_edgeconf.c — libFuzzer harness for vanedge's configuration parser
 * (edge/vanedge/conf.c over edge/rim/setting.c and siteconf.c) and the
 * reload's diffing of the site's settings and VANs (siteconf.c).  The
 * input is one file, or two separated by a line "%%": the running one
 * and the one a reload reads.  Key files: proxy.key, psk.key, site.key,
 * site2.key in the working directory (tests/fuzz/harness.c).
 *
 * Invariants: a file refused gives one line "FILE:LINE: message" or
 * "FILE: message" naming the file read; a file accepted prints (`vanedge
 * -n`) to a form that loads again and prints the same (a fixed point);
 * the bridge takes every setting the parser accepted (bridge_set_conf
 * checks the ranges again); after a reload from the first file's state
 * (a port and a local MAC in each VAN, a member's routes) to the second's,
 * the bridge's VANs are the new file's (IDs, names, limits; those beyond
 * the bridge's slots excepted), no port or entry of a VAN gone is left,
 * and the tables' bookkeeping holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/vanedge/conf.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VANS	32	/* the bridge's slots: fewer than a file may name */

static struct bridge b;
static struct bridge_out out;

static char *
print(const struct edge_conf *conf, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	edge_conf_print(f, conf);
	if (fclose(f) != 0)
		abort();
	return text;
}

static struct edge_conf *
load(const char *name, const uint8_t *text, size_t size)
{
	char err[SETTING_ERR_MAX], err2[SETTING_ERR_MAX];
	const char *path = fz_put(name, text, size);
	struct edge_conf *conf, *again;
	char *p1, *p2, keep[512];
	size_t n1, n2;

	snprintf(keep, sizeof(keep), "%s", path);
	if ((conf = edge_conf_load(keep, err)) == NULL) {
		fz_check_err(keep, err);
		return NULL;
	}
	p1 = print(conf, &n1);
	path = fz_put("printed.conf", (const uint8_t *)p1, n1);
	if ((again = edge_conf_load(path, err2)) == NULL) {
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
	edge_conf_free(again);
	/* What the daemon's log level would be is not the point here. */
	conf->site.log_level = LOG_LVL_ERR;
	return conf;
}

static void
gone(void *arg, uint32_t v)
{
	uint32_t p;

	(void)arg;
	for (p = 0; p < b.conf.port_max; p++)
		if (b.port[p].used && b.port[p].van == v)
			bridge_port_del(&b, &out, p, MONO_SEC(2));
}

static void
apply(const struct edge_conf *old, const struct edge_conf *conf, monotime_t now)
{
	struct bridge_conf bc = { .arp_proxy = conf->arp_proxy };
	const char *e;

	site_vans_apply(&b, &out, conf->file, conf->nvans ? &conf->vans[0].van : NULL,
	    sizeof(conf->vans[0]), conf->nvans, old != NULL, gone, NULL, now);
	site_conf_bridge(&conf->site, &bc);
	if (bridge_set_conf(&b, &bc, &e) == -1) {
		fprintf(stderr, "the parser took what the bridge refuses: %s\n", e);
		abort();
	}
	site_conf_apply(&b, old != NULL ? &old->site : NULL, &conf->site);
	fz_discard(&out, NULL);
}

/* The bridge's VANs are conf's: each of its in conf, each of conf's in it. */
static void
check_vans(const struct edge_conf *conf)
{
	struct bridge_size sz;
	uint32_t v;
	unsigned i;

	bridge_size(&b, &sz);
	for (v = 0; v < sz.van_max; v++) {
		const struct conf_van *cv;

		if (!b.van[v].used)
			continue;
		if ((cv = edge_conf_van(conf, b.van[v].id)) == NULL ||
		    strcmp(cv->van.name, b.van[v].name) != 0 ||
		    cv->van.fdb_max != b.van[v].fdb_max)
			abort();
	}
	for (i = 0; i < conf->nvans; i++)
		if (bridge_van_find(&b, conf->vans[i].van.id) < 0 && sz.nvans < sz.van_max)
			abort();
	fz_check_tables(&b);
}

/* A port and a local MAC in every VAN, and routes behind a member. */
static void
populate(monotime_t now)
{
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0,
	    0x08, 0x00 };
	struct van_addr m;
	const char *e;
	uint32_t v;
	int p;

	bridge_start(&b, &out, now);
	fz_discard(&out, NULL);
	addr_parse("10.0.0.2", 4797, &m, &e);
	bridge_member_add(&b, &out, &m, now, &e);
	for (v = 0; v < b.conf.van_max; v++) {
		if (!b.van[v].used)
			continue;
		p = bridge_port_add(&b, &out, v, NULL, 0, now, &e);
		if (p < 0)
			continue;
		frame[10] = (uint8_t)(v >> 8);
		frame[11] = (uint8_t)v;
		bridge_port_frame(&b, &out, (uint32_t)p, frame, sizeof(frame), 1, now);
		fz_discard(&out, NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_conf c = { .fdb_max = 256, .hello_ms = 100, .dead_count = 3,
	    .epoch = 42, .van_max = VANS, .port_max = VANS, .member_max = 4,
	    .memb_max = 64, .neigh_max = 64 };
	const uint8_t *part[2];
	size_t len[2];
	struct edge_conf *old, *conf;
	unsigned n;

	log_set_level(LOG_LVL_ERR);
	n = fz_split(data, size, part, len, 2);
	if ((old = load("edge.conf", part[0], len[0])) == NULL)
		return 0;
	conf = n > 1 ? load("reload.conf", part[1], len[1]) : NULL;
	if (conf == NULL) {
		edge_conf_free(old);
		return 0;
	}
	memset(c.hashkey, 3, sizeof(c.hashkey));
	if (bridge_init(&b, &c) != 0)
		abort();
	bridge_out_init(&out, fz_discard, NULL);
	apply(NULL, old, MONO_SEC(1));
	check_vans(old);
	populate(MONO_SEC(1));
	/* The reload, as edged_reload: restart-only settings keep theirs. */
	site_conf_keep(&conf->site, &old->site);
	apply(old, conf, MONO_SEC(2));
	check_vans(conf);
	bridge_fini(&b);
	edge_conf_free(old);
	edge_conf_free(conf);
	return 0;
}
