/*
 * labha.c — a site's pair of gateways (lab.h, `proxy = { ha = true; }`)
 * in the terms of proxy/pair.h: vanlab's pair is the one an operator runs
 * (docs/operations.md, "A gateway pair"), with the lab's addresses and
 * each gateway's own state directory.  ha.c writes the file and runs
 * keepalived; `vanlab check --proxy SITE` prints it.  No I/O here.
 *
 *   - The site side is eth0 (the VIP the site's edges have as member),
 *     the internet side eth1 (the VIP the peers have as endpoint).
 *   - Router IDs 2s+1 (site) and 2s+2 (internet): distinct on the
 *     internet segment, which every site's gateways share; the adverts
 *     are unicast between the pair anyway.
 *   - Gateway 1 is node 1, preferred; gateway 2 node 2.
 *   - No track_process: the kernel's process events reach only the first
 *     network namespace, and a gateway here is another one; the check
 *     (vanctl show stats, every second) sees a dead vanproxy instead.
 */
#include "federation/lab/lab.h"

#include <stdio.h>
#include <string.h>

#include "proxy/pair.h"

/* Into a field of pair_conf: false when it would not fit. */
static bool
put(char *dst, size_t n, const char *src, const char *what, bool *ok)
{
	if ((size_t)snprintf(dst, n, "%s", src) >= n) {
		fprintf(stderr, "vanlab: %s: longer than %zu bytes, which keepalived's "
		    "configuration takes here\n", what, n - 1);
		*ok = false;
	}
	return *ok;
}

int
lab_pair_conf(const struct lab *lab, unsigned s, unsigned g, const char *dir,
    const struct lab_pair_progs *progs, struct pair_conf *p)
{
	const struct lab_site *site = &lab->site[s];
	char path[PAIR_PATH_MAX + 32], name[LAB_NAME_MAX + 8];
	const char *bad;
	unsigned i;
	bool ok = true;

	(void)g;
	memset(p, 0, sizeof(*p));
	put(p->site, sizeof(p->site), site->name, "site name", &ok);
	lab_ip_str(site->proxy_addr, p->site_vip);
	lab_ip_str(site->proxy_inet, p->inet_vip);
	snprintf(p->site_dev, sizeof(p->site_dev), "eth0");
	snprintf(p->inet_dev, sizeof(p->inet_dev), "eth1");
	p->vrid_site = 2 * s + 1;
	p->vrid_inet = 2 * s + 2;
	p->track_process = 0;
	for (i = 0; i < LAB_GW_MAX; i++) {
		lab_gw_name(lab, s, i, name);
		put(p->node[i].name, sizeof(p->node[i].name), name, "gateway name", &ok);
		lab_ip_str(site->gw_addr[i], p->node[i].site_addr);
		lab_ip_str(site->gw_inet[i], p->node[i].inet_addr);
	}
	put(p->notify, sizeof(p->notify), progs->notify, progs->notify, &ok);
	put(p->vanctl, sizeof(p->vanctl), progs->vanctl, progs->vanctl, &ok);
	put(p->vanproxy, sizeof(p->vanproxy), progs->vanproxy, progs->vanproxy, &ok);
	put(p->state_dir, sizeof(p->state_dir), dir, dir, &ok);
	snprintf(path, sizeof(path), "%s/proxy.sock", dir);
	put(p->control, sizeof(p->control), path, path, &ok);
	snprintf(path, sizeof(path), "%s/proxy.conf", dir);
	put(p->vanproxy_conf, sizeof(p->vanproxy_conf), path, path, &ok);
	if (!ok)
		return -1;
	if ((bad = pair_conf_bad(p)) != NULL) {
		fprintf(stderr, "vanlab: site %s's pair: %s: not something keepalived's "
		    "configuration can carry (a blank, a quote?)\n", site->name, bad);
		return -1;
	}
	return 0;
}
