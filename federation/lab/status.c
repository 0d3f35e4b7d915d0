/*
 * status.c — see status.h.  Reads the state and asks the daemons (vanctl
 * --json, daemon.c and gateway.c); changes nothing, takes no lock.
 */
#include "federation/lab/status.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "edge/van/mac.h"
#include "federation/lab/daemon.h"
#include "federation/lab/gateway.h"
#include "federation/lab/ha.h"
#include "federation/lab/lab.h"
#include "federation/lab/netns.h"
#include "federation/lab/qemu.h"
#include "federation/lab/state.h"

/* A daemon's column: its pid, or NOT RUNNING. */
static void
pid_str(pid_t pid, char out[static 32])
{
	if (pid == -1)
		snprintf(out, 32, "NOT RUNNING");
	else
		snprintf(out, 32, "pid %ld", (long)pid);
}

/* "N/M alive" of a `show peers` answer; how many are alive in *alive. */
static void
peers_alive(const json_t *p, char *out, size_t len, size_t *alive)
{
	const json_t *x;
	size_t k;

	*alive = 0;
	json_array_foreach(p, k, x) {
		const char *ps = json_string_value(json_object_get(x, "state"));

		*alive += ps != NULL && strcmp(ps, "alive") == 0;
	}
	snprintf(out, len, "%zu/%zu alive", *alive, json_array_size(p));
}

/*
 * A pair's lines: each gateway with its own addresses, its role (the VIPs
 * are the active one's), its keepalived.  Not as it should be: not
 * exactly one active, the active one's peers not all alive, a vanproxy or
 * keepalived that does not run (a standby's peers are dead to it: it says
 * nothing to them).
 */
static int
status_pair(const char *prefix, const struct state *st, const struct lab *lab,
    unsigned s)
{
	static const char *const show_peers[] = { "show", "peers", NULL };
	char ns[LAB_NS_MAX], ip[16], ip2[16], wg[LAB_WG_NAME_MAX];
	char name[LAB_NAME_MAX + 8];
	unsigned g, active = 0;
	int bad = 0;

	for (g = 0; g < LAB_GW_MAX; g++) {
		pid_t pid = gateway_pid(st, lab, s, g), kpid = ha_pid(st, lab, s, g);
		enum gateway_role r = pid != -1 ? gateway_role(st, lab, s, g) :
		    GATEWAY_DOWN;
		json_t *p = r == GATEWAY_ACTIVE ?
		    gateway_query_gw(st, lab, s, g, show_peers, true) : NULL;
		char daemon[32], peers[64] = "-", role[64];
		size_t alive = 0;

		pid_str(pid, daemon);
		if (json_is_array(p))
			peers_alive(p, peers, sizeof(peers), &alive);
		if (r == GATEWAY_ACTIVE && (!json_is_array(p) ||
		    alive != json_array_size(p)))
			bad++;
		json_decref(p);
		active += r == GATEWAY_ACTIVE;
		bad += pid == -1 || kpid == -1 || r == GATEWAY_DOWN;
		snprintf(role, sizeof(role), "%s%s, keepalived %s",
		    r == GATEWAY_ACTIVE ? "ACTIVE (the VIPs)" : r == GATEWAY_STANDBY ?
		    "standby" : "DOWN", ha_drained(st, lab, s, g) ? " (drained)" : "",
		    kpid == -1 ? "NOT RUNNING" : "pid");
		if (kpid != -1)
			snprintf(role + strlen(role), sizeof(role) - strlen(role), " %ld",
			    (long)kpid);
		lab_ns_gw(lab, prefix, s, g, ns);
		lab_gw_wg_name(lab, prefix, s, g, wg);
		lab_gw_name(lab, s, g, name);
		printf("%-8s %-18s %-15s %-15s %-16s %-16s %-11s %s\n", name, ns,
		    lab_ip_str(lab->site[s].gw_addr[g], ip),
		    lab_ip_str(lab->site[s].gw_inet[g], ip2), daemon, wg, peers, role);
	}
	if (active != 1) {
		printf("%-8s %s gateways of site %s active\n", "", active ? "both" : "no",
		    lab->site[s].name);
		bad++;
	}
	return bad;
}

/* The proxies' lines of `status`; how many are not as they should be. */
static int
status_proxies(const char *prefix, const struct state *st, const struct lab *lab)
{
	static const char *const show_peers[] = { "show", "peers", NULL };
	char ns[LAB_NS_MAX], ip[16], ip2[16], wg[LAB_WG_NAME_MAX];
	unsigned s;
	int bad = 0;

	printf("\n%-8s %-18s %-15s %-15s %-16s %-16s %s\n", "PROXY", "NAMESPACE",
	    "UNDERLAY", "INTERNET", "VANPROXY", "WG", "PEERS");
	for (s = 0; s < lab->nsites; s++) {
		pid_t pid;
		json_t *p;
		char daemon[32], peers[64] = "-", name[LAB_NAME_MAX + 8];
		size_t alive = 0;

		if (lab->site[s].ha) {
			bad += status_pair(prefix, st, lab, s);
			continue;
		}
		pid = gateway_pid(st, lab, s, 0);
		p = pid != -1 ? gateway_query(st, lab, s, show_peers, true) : NULL;
		pid_str(pid, daemon);
		if (json_is_array(p))
			peers_alive(p, peers, sizeof(peers), &alive);
		else if (pid != -1)
			snprintf(peers, sizeof(peers), "NO ANSWER");
		if (pid == -1 || !json_is_array(p) || alive != json_array_size(p))
			bad++;
		json_decref(p);
		lab_ns_proxy(lab, prefix, s, ns);
		lab_wg_name(lab, prefix, s, wg);
		lab_gw_name(lab, s, 0, name);
		printf("%-8s %-18s %-15s %-15s %-16s %-16s %s\n", name, ns,
		    lab_ip_str(lab->site[s].proxy_addr, ip),
		    lab_ip_str(lab->site[s].proxy_inet, ip2), daemon, wg, peers);
	}
	for (s = 0; s < lab->nsites; s++)
		if (lab->site[s].ha)
			printf("site %s: a pair, VIPs %s (underlay) and %s (internet) on "
			    "the active gateway: %s-gw names it, %s-gw1 and %s-gw2 "
			    "each one\n", lab->site[s].name,
			    lab_ip_str(lab->site[s].proxy_addr, ip),
			    lab_ip_str(lab->site[s].proxy_inet, ip2), lab->site[s].name,
			    lab->site[s].name, lab->site[s].name);
	return bad;
}

int
status_run(const char *prefix)
{
	static const char *const show_members[] = { "show", "members", NULL };
	struct state st;
	struct lab *lab;
	char ns[LAB_NS_MAX], ip[16], mac[18];
	unsigned h, v;
	int bad = 0;

	if ((lab = state_open_lab(&st, prefix)) == NULL)
		return 1;
	printf("lab %s (state in %s)\n", prefix, st.dir);
	for (h = 0; lab->site_key && h < lab->nsites; h++) {
		char key[256];

		state_site_key_path(prefix, lab, h, key);
		printf("site key %s: control messages in site %s are authenticated\n",
		    key, lab->site[h].name);
	}
	printf("\n");
	printf("%-8s %-18s %-15s %-16s %s\n", "HOST", "NAMESPACE", "UNDERLAY",
	    "VANEDGE", "MEMBERS");
	for (h = 0; h < lab->nhosts; h++) {
		pid_t pid = daemon_pid(&st, lab, h);
		json_t *m = pid != -1 ? daemon_query(&st, lab, h, show_members, true) : NULL;
		char daemon[32], members[64] = "-";
		size_t k, alive = 0;
		json_t *x;

		pid_str(pid, daemon);
		if (json_is_array(m)) {
			json_array_foreach(m, k, x) {
				const char *s = json_string_value(json_object_get(x, "state"));

				alive += s != NULL && strcmp(s, "alive") == 0;
			}
			snprintf(members, sizeof(members), "%zu/%zu alive", alive,
			    json_array_size(m));
		} else if (pid != -1)
			snprintf(members, sizeof(members), "NO ANSWER");
		if (pid == -1 || !json_is_array(m) || alive != json_array_size(m))
			bad++;
		json_decref(m);
		lab_ns_host(lab, prefix, h, ns);
		printf("%-8s %-18s %-15s %-16s %s\n", lab->host[h].name, ns,
		    lab_ip_str(lab->host[h].addr, ip), daemon, members);
	}
	printf("\n%-8s %-18s %-8s %-8s %-18s %-17s %s\n", "VM", "NAMESPACE", "VAN",
	    "HOST", "IP", "MAC", "ETH0");
	for (v = 0; v < lab->nvms; v++) {
		const struct lab_vm *vm = &lab->vm[v];
		char addr[32];
		bool up;

		char what[32] = "present";

		lab_ns_vm(lab, prefix, v, ns);
		if (vm->kind == LAB_VM_QEMU) {
			char dir[256];
			pid_t qp;

			qemu_dir(&st, lab, v, dir);
			qp = qemu_pid(dir);
			up = qp != -1;
			snprintf(what, sizeof(what), up ? "qemu pid %ld" : "QEMU NOT RUNNING",
			    (long)qp);
			snprintf(ns, sizeof(ns), "(qemu)");
		} else {
			up = netns_ip(ns, true, "link", "show", "dev", "eth0", NULL) == 0;
			if (!up)
				snprintf(what, sizeof(what), "MISSING");
		}
		bad += !up;
		snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(vm->ip, ip), vm->plen);
		mac_str(vm->mac, mac);
		printf("%-8s %-18s %-8s %-8s %-18s %-17s %s\n", vm->name, ns,
		    lab->van[vm->van].name, lab->host[vm->host].name, addr, mac, what);
	}
	if (lab_federated(lab))
		bad += status_proxies(prefix, &st, lab);
	lab_free(lab);
	state_close(&st);
	return bad ? 1 : 0;
}
