/*
 * check.c — see check.h.  Writes to stdout only: nothing in the state,
 * no namespace, no daemon.  The proxy's keys are made for the occasion
 * and forgotten (`up` makes its own).
 */
#include "federation/lab/check.h"

#include <stdio.h>

#include "crypto/key.h"
#include "federation/lab/daemon.h"
#include "federation/lab/lab.h"
#include "federation/lab/state.h"
#include "proxy/pair.h"

/*
 * A pair's files besides: how the second gateway's proxy.conf differs
 * (its control socket, its drain file, its `wg` name; it reads the first
 * one's key and a copy of the peering file), and each gateway's
 * keepalived.conf (proxy/pair.c's text, with the lab's addresses).
 */
static int
check_pair(const char *prefix, const struct lab *lab, unsigned s)
{
	static struct pair_conf pc;
	char dir[LAB_GW_MAX][128], notify[4096], vanctl[4096], vanproxy[4096];
	char wg[LAB_WG_NAME_MAX], name[LAB_NAME_MAX + 8];
	struct lab_pair_progs progs = { notify, vanctl, vanproxy };
	unsigned g;

	if (!lab->site[s].ha)
		return 0;
	for (g = 0; g < LAB_GW_MAX; g++)
		snprintf(dir[g], sizeof(dir[g]), "%s/%s/%s-gw%s", STATE_ROOT, prefix,
		    lab->site[s].name, g == 0 ? "" : "2");
	lab_gw_wg_name(lab, prefix, s, 1, wg);
	printf("\n# %s/proxy.conf: the same but for\n#   control = \"%s/proxy.sock\";"
	    "\n#   wg_name = \"%s\";\n#   drain_file = \"%s/drain\";\n# and a copy "
	    "of the peering file beside it\n", dir[1], dir[1], wg, dir[1]);
	daemon_bin("vanfed-notify", notify);
	daemon_bin("vanctl", vanctl);
	daemon_bin("vanproxy", vanproxy);
	for (g = 0; g < LAB_GW_MAX; g++) {
		if (lab_pair_conf(lab, s, g, dir[g], &progs, &pc) == -1)
			return -1;
		lab_gw_name(lab, s, g, name);
		printf("\n# %s/keepalived.conf (%s)\n", dir[g], name);
		pair_keepalived_conf(stdout, &pc, g);
	}
	printf("\n# %s: contrib/keepalived/vanfed-notify, as shipped\n", notify);
	return 0;
}

/* check --proxy SITE: the proxy's files as `up` would write them, with
 * keys made for the occasion (up makes its own); of a pair, keepalived's
 * too. */
static int
check_proxy(const char *prefix, const struct lab *lab, const char *site)
{
	static char pub[LAB_SITE_MAX][WG_KEY_B64_LEN + 1];
	const char *pubp[LAB_SITE_MAX], *pskp[LAB_PEERING_MAX];
	char dir[200], sock[256], key[256], site_key[256], wg[LAB_WG_NAME_MAX];
	char drain[256];
	struct lab_proxy_files files = { sock, key, site_key, wg, "peering.conf", NULL,
	    drain };
	struct wg_key k, pk;
	int s;
	unsigned i;

	if (!lab_federated(lab) || (s = lab_find_site(lab, site)) < 0) {
		fprintf(stderr, "vanlab: no proxy of site '%s' in %s (a lab of several "
		    "sites has one per site)\n", site, lab->file);
		return 1;
	}
	for (i = 0; i < lab->nsites; i++) {
		key_generate(&k, &wg_rng_default);
		if (key_public(&pk, &k) == -1) {
			key_wipe(&k);
			return 1;
		}
		key_wipe(&k);
		key_to_base64(pub[i], &pk);
		pubp[i] = pub[i];
	}
	for (i = 0; i < lab->npeerings; i++)
		pskp[i] = "(made by vanlab up)";
	snprintf(dir, sizeof(dir), "%s/%s/%s-gw", STATE_ROOT, prefix, site);
	snprintf(sock, sizeof(sock), "%s/proxy.sock", dir);
	snprintf(key, sizeof(key), "%s/proxy.key", dir);
	snprintf(drain, sizeof(drain), "%s/drain", dir);
	state_site_key_path(prefix, lab, (unsigned)s, site_key);
	lab_wg_name(lab, prefix, (unsigned)s, wg);
	printf("# %s/proxy.conf\n", dir);
	if (lab->plan[0] != '\0') {
		char plan[8192];

		files.vans = "vans.conf";
		lab_proxy_conf(stdout, lab, (unsigned)s, &files);
		lab_path(lab, lab->plan, plan);
		printf("\n# peering.conf and vans.conf: copies of vanplan's %s/%s/\n",
		    plan, site);
		return check_pair(prefix, lab, (unsigned)s) == -1;
	}
	lab_proxy_conf(stdout, lab, (unsigned)s, &files);
	printf("\n# %s/peering.conf (the public keys here are examples: `up` makes "
	    "the keys)\n", dir);
	lab_peering_conf(stdout, lab, (unsigned)s, pubp, pskp);
	return check_pair(prefix, lab, (unsigned)s) == -1;
}

int
check_run(const char *prefix, const struct lab *lab, const char *topology,
    const char *edge, const char *proxy)
{
	int h, rc = 0;

	if (proxy != NULL)
		rc = check_proxy(prefix, lab, proxy);
	else if (edge == NULL)
		lab_print(stdout, lab);
	else if ((h = lab_find_host(lab, edge)) < 0) {
		fprintf(stderr, "vanlab: no host '%s' in %s\n", edge, topology);
		rc = 1;
	} else {
		char sock[256], key[256];

		snprintf(sock, sizeof(sock), "%s/%s/%s-%s/edge.sock", STATE_ROOT,
		    prefix, lab->site[lab->host[h].site].name, lab->host[h].name);
		state_site_key_path(prefix, lab, lab->host[h].site, key);
		lab_edge_conf(stdout, lab, (unsigned)h, sock, key);
	}
	return rc;
}
