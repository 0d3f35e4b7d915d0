/*
 * labfile.c — the files a lab model becomes (see lab.h): its normalised
 * topology, which parses back to the same lab (the state of a running
 * lab is kept in this form), each host's vanedge configuration and, with
 * several sites, each proxy's vanproxy configuration and peering file
 * (written by vanproxy's own writer, proxy/peering.c, as vanplan's are).
 * Writes to a FILE the caller opened; no other I/O.
 */
#include "federation/lab/lab.h"

#include <string.h>

#include "crypto/key.h"
#include "edge/van/mac.h"
#include "proxy/peering.h"

void
lab_print(FILE *f, const struct lab *lab)
{
	char a[16], a6[46], m[18];
	unsigned s, h, v, i;

	fprintf(f, "lab = {\n  hello_interval = %u;\n  dead_after = %u;\n"
	    "  mtu = %u;\n  underlay_mtu = %u;\n  ipv6 = %s;\n  site_key = %s;\n"
	    "  arp_proxy = %s;\n  dad_moves = %u;\n  dad_window = %u;\n"
	    "  dad_hold = %u;\n  log_level = \"%s\";\n", lab->hello_ms,
	    lab->dead_after, lab->mtu, lab_underlay_mtu(lab),
	    lab->ipv6 ? "true" : "false", lab->site_key ? "true" : "false",
	    lab->arp_proxy ? "true" : "false", lab->dad_moves, lab->dad_window,
	    lab->dad_hold, lab->log_level);
	if (lab->metrics)
		fprintf(f, "  metrics = true;\n");
	if (lab_federated(lab))
		fprintf(f, "  route_refresh = %u;\n", lab->route_refresh);
	if (lab_federated(lab))
		fprintf(f, "  internet = \"%s/%u\";\n  internet_mtu = %u;\n",
		    lab_ip_str(lab->inet_net, a), lab->inet_plen, lab_internet_mtu(lab));
	fprintf(f, "};\nvans = (");
	for (i = 0; i < lab->nvans; i++) {
		fprintf(f, "%s\n  { name = \"%s\"; id = %u;", i ? "," : "",
		    lab->van[i].name, lab->van[i].id);
		if (lab->van[i].flood_rate != 0 || lab->van[i].flood_burst != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;",
			    lab->van[i].flood_rate, lab->van[i].flood_burst);
		fprintf(f, " }");
	}
	fprintf(f, "\n);\nsites = (");
	for (s = 0; s < lab->nsites; s++) {
		const struct lab_site *site = &lab->site[s];
		bool own = false;

		fprintf(f, "%s\n  { name = \"%s\"; underlay = \"%s/%u\";", s ? "," : "",
		    site->name, lab_ip_str(site->net, a), site->plen);
		for (i = 0; i < lab->nvans; i++)
			own |= site->van_id[i] != lab->van[i].id;
		if (own) {
			fprintf(f, "\n    van_ids = (");
			for (i = 0; i < lab->nvans; i++)
				fprintf(f, "%s\n      { van = \"%s\"; id = %u; }", i ? "," : "",
				    lab->van[i].name, site->van_id[i]);
			fprintf(f, "\n    );");
		}
		if (lab_federated(lab)) {
			fprintf(f, "\n    proxy = { address = \"%s\";",
			    lab_ip_str(site->proxy_addr, a));
			fprintf(f, " internet = \"%s\";", lab_ip_str(site->proxy_inet, a));
			if (site->key[0] != '\0') {
				char k[8192];

				lab_path(lab, site->key, k);
				fprintf(f, " private_key = \"%s\";", k);
			}
			if (site->ha) {
				char b[16], i1[16], i2[16];

				/* Derived, not settings: the same topology
				 * places them again. */
				fprintf(f, " ha = true; };\n    # ha: %s-gw1 %s and %s, "
				    "%s-gw2 %s and %s\n    # (their own; the "
				    "addresses above are the pair's VIPs)", site->name,
				    lab_ip_str(site->gw_addr[0], a),
				    lab_ip_str(site->gw_inet[0], i1), site->name,
				    lab_ip_str(site->gw_addr[1], b),
				    lab_ip_str(site->gw_inet[1], i2));
			} else
				fprintf(f, " };");
		}
		fprintf(f, "\n    hosts = (");
		for (h = 0, i = 0; h < lab->nhosts; h++) {
			bool first = true;

			if (lab->host[h].site != s)
				continue;
			fprintf(f, "%s\n      { name = \"%s\"; address = \"%s\";\n"
			    "        vms = (", i++ ? "," : "", lab->host[h].name,
			    lab_ip_str(lab->host[h].addr, a));
			for (v = 0; v < lab->nvms; v++) {
				const struct lab_vm *vm = &lab->vm[v];

				if (vm->host != h)
					continue;
				mac_str(vm->mac, m);
				fprintf(f, "%s\n          { name = \"%s\"; van = \"%s\"; "
				    "ip = \"%s/%u\"; mac = \"%s\";", first ? "" : ",",
				    vm->name, lab->van[vm->van].name, lab_ip_str(vm->ip, a),
				    vm->plen, m);
				if (vm->has_ip6)
					fprintf(f, " ip6 = \"%s/%u\";", lab_ip6_str(vm, a6),
					    vm->plen6);
				if (vm->kind == LAB_VM_QEMU)
					fprintf(f, " kind = \"qemu\";");
				fprintf(f, " }");
				first = false;
			}
			fprintf(f, "%s); }", first ? " " : "\n        ");
		}
		fprintf(f, "\n    ); }");
	}
	fprintf(f, "\n);\n");
	if (lab->plan[0] != '\0') {
		char dir[8192];

		lab_path(lab, lab->plan, dir);
		fprintf(f, "plan = \"%s\";\n", dir);
		return;
	}
	if (lab->npeerings == 0)
		return;
	fprintf(f, "peerings = (");
	for (i = 0; i < lab->npeerings; i++) {
		const struct lab_peering *p = &lab->peering[i];
		bool first = true;

		fprintf(f, "%s\n  { sites = [ \"%s\", \"%s\" ]; vans = [", i ? "," : "",
		    lab->site[p->site[0]].name, lab->site[p->site[1]].name);
		for (v = 0; v < lab->nvans; v++)
			if (p->van[v]) {
				fprintf(f, "%s \"%s\"", first ? "" : ",", lab->van[v].name);
				first = false;
			}
		fprintf(f, " ];%s }", p->psk ? " preshared_key = true;" : "");
	}
	fprintf(f, "\n);\n");
}

void
lab_edge_conf(FILE *f, const struct lab *lab, unsigned h, const char *control,
    const char *keyfile)
{
	const struct lab_host *host = &lab->host[h];
	const struct lab_site *site = &lab->site[host->site];
	char a[16], m[18], tap[LAB_IFNAMSIZ];
	unsigned i, v, n;

	fprintf(f, "# vanedge configuration of host %s, site %s: written by vanlab.\n",
	    host->name, site->name);
	fprintf(f, "edge = {\n  listen = \"%s\";\n  control = \"%s\";\n"
	    "  hello_interval = %u;\n  dead_after = %u;\n  underlay_mtu = %u;\n"
	    "  arp_proxy = %s;\n", lab_ip_str(host->addr, a), control, lab->hello_ms,
	    lab->dead_after, lab_underlay_mtu(lab), lab->arp_proxy ? "true" : "false");
	if (lab->site_key)
		fprintf(f, "  site_key = \"%s\";\n", keyfile != NULL ? keyfile : "");
	if (lab->metrics)
		fprintf(f, "  metrics = \"%s:%u\";\n", lab_ip_str(host->addr, a),
		    LAB_METRICS_PORT);
	fprintf(f, "  dad_moves = %u;\n  dad_window = %u;\n  dad_hold = %u;\n"
	    "  log_level = \"%s\";\n};\n", lab->dad_moves, lab->dad_window,
	    lab->dad_hold, lab->log_level);
	fprintf(f, "members = [");
	for (i = 0, n = 0; i < lab->nhosts; i++)
		if (i != h && lab->host[i].site == host->site)
			fprintf(f, "%s \"%s\"", n++ ? "," : "",
			    lab_ip_str(lab->host[i].addr, a));
	/* The site's door: a member like the edges. */
	if (lab_federated(lab))
		fprintf(f, "%s \"%s\"", n++ ? "," : "", lab_ip_str(site->proxy_addr, a));
	fprintf(f, " ];\n");
	/* Every VAN on every host: a VM can migrate to any host of its site. */
	fprintf(f, "vans = (");
	for (i = 0; i < lab->nvans; i++) {
		fprintf(f, "%s\n  { id = %u; name = \"%s\";", i ? "," : "",
		    site->van_id[i], lab->van[i].name);
		if (lab->van[i].flood_rate != 0 || lab->van[i].flood_burst != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;",
			    lab->van[i].flood_rate, lab->van[i].flood_burst);
		fprintf(f, " ports = (");
		for (v = 0, n = 0; v < lab->nvms; v++) {
			/* A qemu VM's tap is QEMU's: vanlab attaches it as a
			 * device port once QEMU made it (qemu.c). */
			if (lab->vm[v].host != h || lab->vm[v].van != i ||
			    lab->vm[v].kind == LAB_VM_QEMU)
				continue;
			lab_tap(lab, v, tap);
			mac_str(lab->vm[v].mac, m);
			fprintf(f, "%s\n      { tap = \"%s\"; mac = \"%s\"; }", n++ ? "," : "",
			    tap, m);
		}
		fprintf(f, "%s); }", n ? "\n    " : " ");
	}
	fprintf(f, "\n);\n");
}

void
lab_proxy_conf(FILE *f, const struct lab *lab, unsigned s,
    const struct lab_proxy_files *files)
{
	const struct lab_site *site = &lab->site[s];
	char a[16];
	unsigned h, v, n;

	fprintf(f, "# vanproxy configuration of site %s: written by vanlab.\n",
	    site->name);
	fprintf(f, "proxy = {\n  name = \"%s\";\n  private_key = \"%s\";\n"
	    "  listen = \"%s:%u\";\n", site->name, files->key,
	    lab_ip_str(site->proxy_inet, a), LAB_TUNNEL_PORT);
	fprintf(f, "  site_listen = \"%s:%u\";\n  control = \"%s\";\n"
	    "  wg_name = \"%s\";\n", lab_ip_str(site->proxy_addr, a), LAB_SITE_PORT,
	    files->control, files->wg_name);
	/* One of a pair: listen and site_listen are the VIPs keepalived
	 * moves; it starts standby (labha.c, docs/proxy.md). */
	if (site->ha)
		fprintf(f, "  ha = true;\n  drain_file = \"%s\";\n", files->drain);
	if (lab->site_key)
		fprintf(f, "  site_key = \"%s\";\n", files->site_key);
	/* A pair's nodes share the site address (a VIP): no metrics there. */
	if (lab->metrics && !site->ha)
		fprintf(f, "  metrics = \"%s:%u\";\n", lab_ip_str(site->proxy_addr, a),
		    LAB_METRICS_PORT);
	fprintf(f, "  hello_interval = %u;\n  dead_after = %u;\n  dad_moves = %u;\n"
	    "  dad_window = %u;\n  dad_hold = %u;\n  tunnel_mtu = %u;\n"
	    "  route_refresh = %u;\n  log_level = \"%s\";\n};\n",
	    lab->hello_ms, lab->dead_after, lab->dad_moves, lab->dad_window,
	    lab->dad_hold, lab_internet_mtu(lab), lab->route_refresh, lab->log_level);
	fprintf(f, "members = [");
	for (h = 0, n = 0; h < lab->nhosts; h++)
		if (lab->host[h].site == s)
			fprintf(f, "%s \"%s\"", n++ ? "," : "",
			    lab_ip_str(lab->host[h].addr, a));
	fprintf(f, " ];\n");
	if (files->vans != NULL) {
		fprintf(f, "@include \"%s\"\n@include \"%s\"\n", files->vans,
		    files->peering);
		return;
	}
	/* The VANs that cross a peering of this site, and only those. */
	fprintf(f, "vans = (");
	for (v = 0, n = 0; v < lab->nvans; v++) {
		if (!lab_proxy_carries(lab, s, v))
			continue;
		fprintf(f, "%s\n  { id = %u; name = \"%s\";", n++ ? "," : "",
		    site->van_id[v], lab->van[v].name);
		if (lab->van[v].flood_rate != 0 || lab->van[v].flood_burst != 0)
			fprintf(f, " flood_rate = %u; flood_burst = %u;",
			    lab->van[v].flood_rate, lab->van[v].flood_burst);
		fprintf(f, " }");
	}
	fprintf(f, "%s);\n@include \"%s\"\n", n ? "\n" : " ", files->peering);
}

/* The comment after a pair: the VAN's name. */
struct lab_notes {
	const struct lab	*lab;
	const unsigned		*van;	/* per pair (one array for all peers) */
	const struct proxy_pair	*pairs;
};

static void
pair_note(void *arg, const struct proxy_peer *p, unsigned k, char *buf, size_t len)
{
	const struct lab_notes *n = arg;

	snprintf(buf, len, "%s", n->lab->van[n->van[p->pairs - n->pairs + k]].name);
}

void
lab_peering_conf(FILE *f, const struct lab *lab, unsigned s, const char *const *pub,
    const char *const *psk)
{
	struct proxy_peer peers[LAB_SITE_MAX];
	struct proxy_pair pairs[LAB_SITE_MAX * LAB_VAN_MAX];
	unsigned van[LAB_SITE_MAX * LAB_VAN_MAX];
	struct lab_notes notes = { lab, van, pairs };
	char a[16];
	unsigned p, v, k = 0, n = 0;

	memset(peers, 0, sizeof(peers));
	for (p = 0; p < lab->npeerings; p++) {
		struct proxy_peer *pe = &peers[k];
		int o = lab_peering_other(lab, p, s);

		if (o < 0)
			continue;
		k++;
		snprintf(pe->name, sizeof(pe->name), "%s", lab->site[o].name);
		/* The keys the lab made: `wg pubkey`'s base64, always a key. */
		(void)key_from_base64(&pe->public_key, pub[o], strlen(pub[o]));
		pe->has_endpoint = true;
		snprintf(pe->endpoint_text, sizeof(pe->endpoint_text), "%s:%u",
		    lab_ip_str(lab->site[o].proxy_inet, a), LAB_TUNNEL_PORT);
		if ((pe->has_psk = lab->peering[p].psk))
			snprintf(pe->psk_file, sizeof(pe->psk_file), "%s", psk[p]);
		pe->pairs = &pairs[n];
		for (v = 0; v < lab->nvans; v++)
			if (lab->peering[p].van[v]) {
				pairs[n].local = lab->site[s].van_id[v];
				pairs[n].remote = lab->site[o].van_id[v];
				van[n++] = v;
				pe->npairs++;
			}
	}
	fprintf(f, "# The peerings of site %s: written by vanlab (vanplan's job, "
	    "later).\n", lab->site[s].name);
	peering_print(f, peers, k, false, pair_note, &notes);
}
