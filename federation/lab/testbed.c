/*
 * testbed.c — see testbed.h.  Order matters and is deliberate:
 *
 *   up:   namespaces (each noted in the state before it exists), switch
 *         and host links, VM namespaces with IPv6 off before any NIC is
 *         in them (quiet), vanedge per host (its taps exist once its
 *         control socket answers); with several sites then the proxies'
 *         keys and files and each vanproxy, one after another (gateway.c
 *         says why), then every pair's keepalived, until one gateway of
 *         each pair is active; taps into the VMs, every qemu VM's QEMU started and
 *         its tap attached (a device port), then wait until every host
 *         sees its members alive and the VANs JOINed, every proxy its
 *         peers alive, and every guest's agent answers.
 *   down: every keepalived, then the daemons and QEMUs (by pid, after
 *         checking it is still ours), any process left inside our namespaces, the namespaces,
 *         a UAPI socket a killed vanproxy left, the state.
 *   migrate: as a hypervisor's live migration: each VM's NIC stops (its
 *         old port stays), the new port and NIC come up, the VM's first
 *         frames go out, and only then is the old port detached; the state
 *         is rewritten for the VMs that arrived.
 */
#include "federation/lab/testbed.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "edge/van/mac.h"
#include "federation/lab/daemon.h"
#include "federation/lab/gateway.h"
#include "federation/lab/ha.h"
#include "federation/lab/livemig.h"
#include "federation/lab/netns.h"
#include "federation/lab/proc.h"
#include "federation/lab/qemu.h"
#include "federation/lab/resume.h"
#include "federation/lab/state.h"

#define KILL_MS		3000	/* processes left in a namespace at down */
#define PLUG_MS		5000	/* a VM's old NIC to disappear */

/* A namespace of ours: noted, created, IPv6 off unless wanted, lo up. */
static int
make_ns(const struct state *st, const char *ns, bool ipv6)
{
	if (state_note_netns(st, ns) == -1 || netns_add(ns) == -1)
		return -1;
	if (!ipv6 &&
	    (netns_sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1", true) == -1 ||
	    netns_sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1", true) == -1))
		return -1;
	return netns_ip(ns, false, "link", "set", "lo", "up", NULL);
}

/* A switch: a bridge br0 in its own namespace. */
static int
make_bridge(const struct state *st, const char *ns, uint32_t mtu)
{
	char m[16];

	snprintf(m, sizeof(m), "%u", mtu);
	/* No multicast snooping: the bridge would join 224.0.0.106 and send
	 * IGMP reports of its own on a wire that carries the lab's UDP alone. */
	if (make_ns(st, ns, false) == -1 ||
	    netns_ip(ns, false, "link", "add", "br0", "mtu", m, "type", "bridge",
	    "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0", NULL) == -1 ||
	    netns_ip(ns, false, "link", "set", "br0", "up", NULL) == -1)
		return -1;
	return 0;
}

static int
make_switch(const struct state *st, const struct lab *lab, unsigned s)
{
	char ns[LAB_NS_MAX];

	lab_ns_switch(lab, st->prefix, s, ns);
	return make_bridge(st, ns, lab_underlay_mtu(lab));
}

/* A veth from switch namespace sw (port `port`, in br0) to ns (`dev`, with
 * addr/plen); both ends up. */
static int
plug_link(const char *sw, const char *port, const char *ns, const char *dev,
    uint32_t addr, unsigned plen, uint32_t mtu)
{
	char m[16], a[32], ip[16];

	snprintf(m, sizeof(m), "%u", mtu);
	snprintf(a, sizeof(a), "%s/%u", lab_ip_str(addr, ip), plen);
	/* "name", "dev": a port called "a" is no abbreviation of "address". */
	if (netns_ip(sw, false, "link", "add", "name", port, "type", "veth", "peer",
	    "name", dev, "netns", ns, NULL) == -1 ||
	    netns_ip(sw, false, "link", "set", "dev", port, "mtu", m, "master", "br0",
	    "up", NULL) == -1 ||
	    netns_ip(ns, false, "link", "set", "dev", dev, "mtu", m, "up", NULL) == -1 ||
	    netns_ip(ns, false, "addr", "add", a, "dev", dev, NULL) == -1)
		return -1;
	return 0;
}

/* Site s's proxy: eth0 on its site's switch, eth1 on the internet.  Of
 * a pair, each gateway with its own addresses: the VIPs are
 * keepalived's to add (ha.h), never configured here. */
static int
make_proxy(const struct state *st, const struct lab *lab, unsigned s)
{
	const struct lab_site *site = &lab->site[s];
	char ns[LAB_NS_MAX], sw[LAB_NS_MAX], inet[LAB_NS_MAX];
	char port[LAB_IFNAMSIZ], iport[LAB_IFNAMSIZ];
	unsigned g;

	lab_ns_switch(lab, st->prefix, s, sw);
	lab_ns_inet(st->prefix, inet);
	for (g = 0; g < lab_gateways(lab, s); g++) {
		lab_ns_gw(lab, st->prefix, s, g, ns);
		lab_gw_port(lab, s, g, false, port);
		lab_gw_port(lab, s, g, true, iport);
		if (make_ns(st, ns, false) == -1 ||
		    plug_link(sw, port, ns, "eth0", lab_gw_addr(lab, s, g), site->plen,
		    lab_underlay_mtu(lab)) == -1 ||
		    plug_link(inet, iport, ns, "eth1", lab_gw_inet(lab, s, g),
		    lab->inet_plen, lab_internet_mtu(lab)) == -1 ||
		    /*
		     * The internet is a wire: the proxy's train of tunnel
		     * datagrams (one UDP_SEGMENT send) crosses it one datagram
		     * at a time, as a NIC sends it, not as the one skb a veth
		     * would pass on.
		     */
		    netns_ip(ns, false, "link", "set", "dev", "eth1", "gso_max_segs", "1",
		    NULL) == -1)
			return -1;
	}
	return 0;
}

static int
make_host(const struct state *st, const struct lab *lab, unsigned h)
{
	const struct lab_host *host = &lab->host[h];
	char ns[LAB_NS_MAX], sw[LAB_NS_MAX];

	lab_ns_host(lab, st->prefix, h, ns);
	lab_ns_switch(lab, st->prefix, host->site, sw);
	if (make_ns(st, ns, false) == -1)
		return -1;
	return plug_link(sw, host->name, ns, "eth0", host->addr,
	    lab->site[host->site].plen, lab_underlay_mtu(lab));
}

/* The tap host h's vanedge made for VM v becomes the VM's eth0. */
static int
plug_vm(const char *prefix, const struct lab *lab, unsigned v, unsigned h)
{
	const struct lab_vm *vm = &lab->vm[v];
	char hns[LAB_NS_MAX], vns[LAB_NS_MAX], tap[LAB_IFNAMSIZ], mac[18], mtu[16];
	char addr[64], ip[46];

	lab_ns_host(lab, prefix, h, hns);
	lab_ns_vm(lab, prefix, v, vns);
	lab_tap(lab, v, tap);
	mac_str(vm->mac, mac);
	snprintf(mtu, sizeof(mtu), "%u", lab->mtu);
	snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(vm->ip, ip), vm->plen);
	if (netns_ip(hns, false, "link", "set", "dev", tap, "netns", vns, NULL) == -1 ||
	    netns_ip(vns, false, "link", "set", "dev", tap, "name", "eth0",
	    "address", mac, "mtu", mtu, NULL) == -1 ||
	    netns_ip(vns, false, "addr", "add", addr, "dev", "eth0", NULL) == -1)
		return -1;
	/* No duplicate-address detection: the topology made it unique, and
	 * the address must work the moment the VM runs. */
	if (vm->has_ip6) {
		snprintf(addr, sizeof(addr), "%s/%u", lab_ip6_str(vm, ip), vm->plen6);
		if (netns_ip(vns, false, "-6", "addr", "add", addr, "dev", "eth0",
		    "nodad", NULL) == -1)
			return -1;
	}
	return netns_ip(vns, false, "link", "set", "dev", "eth0", "up", NULL);
}

static void
show_log_tail(const struct state *st, const struct lab *lab, unsigned h)
{
	char path[256], who[LAB_NAME_MAX + 8];

	state_host_path(st, lab, h, "edge.log", path);
	snprintf(who, sizeof(who), "host %s", lab->host[h].name);
	daemon_log_tail(path, who);
}

/* Every host's control socket answers (its taps exist then). */
static int
wait_sockets(const struct state *st, const struct lab *lab, const pid_t *pids)
{
	static const char *const show[] = { "show", "vans", NULL };
	long long deadline = proc_now_ms() + DAEMON_SOCKET_MS;
	char why[32];
	unsigned h;
	int status;

	for (h = 0; h < lab->nhosts; h++) {
		for (;;) {
			json_t *j = daemon_query(st, lab, h, show, true);

			json_decref(j);
			if (j != NULL)
				break;
			if (proc_ended(pids[h], &status)) {
				proc_status_str(status, why, sizeof(why));
				fprintf(stderr, "vanlab: vanedge of host %s ended (%s)\n",
				    lab->host[h].name, why);
				return -1;
			}
			if (proc_interrupted)
				return -1;
			if (proc_now_ms() >= deadline) {
				fprintf(stderr, "vanlab: vanedge of host %s: no control "
				    "socket after %d ms\n", lab->host[h].name,
				    DAEMON_SOCKET_MS);
				return -1;
			}
			proc_sleep_ms(10);
		}
	}
	return 0;
}

/* No namespace of the lab exists yet (another lab, or one made by hand). */
static bool
names_free(const struct lab *lab, const char *prefix)
{
	char ns[LAB_NS_MAX];
	unsigned i;
	bool taken = false;

	for (i = 0; i < lab->nsites && !taken; i++) {
		lab_ns_switch(lab, prefix, i, ns);
		taken = netns_exists(ns);
	}
	for (i = 0; i < lab->nhosts && !taken; i++) {
		lab_ns_host(lab, prefix, i, ns);
		taken = netns_exists(ns);
	}
	for (i = 0; i < lab->nvms && !taken; i++) {
		lab_ns_vm(lab, prefix, i, ns);
		taken = netns_exists(ns);
	}
	for (i = 0; lab_federated(lab) && i < lab->nsites && !taken; i++) {
		unsigned g;

		for (g = 0; g < lab_gateways(lab, i) && !taken; g++) {
			lab_ns_gw(lab, prefix, i, g, ns);
			taken = netns_exists(ns);
		}
	}
	if (lab_federated(lab) && !taken) {
		lab_ns_inet(prefix, ns);
		taken = netns_exists(ns);
	}
	if (taken)
		fprintf(stderr, "vanlab: namespace %s exists already: another lab "
		    "with prefix '%s'? (`vanlab down --prefix %s`, or choose another "
		    "prefix)\n", ns, prefix, prefix);
	return !taken;
}

/*
 * Several sites: keys, files, and each proxy in turn (gateway.c says
 * why); a pair's two vanproxies start standby.  Then every pair's
 * keepalived, checked by keepalived first, and the wait until one of
 * each pair is active: its activation handshakes every peer at once, and
 * they are all up by then.
 */
static int
start_proxies(const struct state *st, const struct lab *lab,
    pid_t gw[][LAB_GW_MAX], pid_t ka[][LAB_GW_MAX])
{
	unsigned s, v, g;
	bool pairs = false;

	for (v = 0; v < lab->nvans; v++)
		if (lab_van_loops(lab, v))
			printf("vanlab: warning: the peerings that carry VAN %s make a "
			    "loop; vanproxy drops the copies (`loop` drops) and logs it\n",
			    lab->van[v].name);
	if (gateway_prepare(st, lab) == -1)
		return -1;
	for (s = 0; s < lab->nsites; s++)
		for (g = 0; g < lab_gateways(lab, s); g++)
			if ((gw[s][g] = gateway_start(st, lab, s, g)) == -1 ||
			    gateway_wait_socket(st, lab, s, g, gw[s][g],
			    DAEMON_SOCKET_MS) == -1)
				return -1;
	for (s = 0; s < lab->nsites; s++)
		pairs |= lab->site[s].ha;
	if (!pairs)
		return 0;
	if (ha_prepare(st, lab) == -1)
		return -1;
	for (s = 0; s < lab->nsites; s++)
		for (g = 0; lab->site[s].ha && g < LAB_GW_MAX; g++)
			if ((ka[s][g] = ha_start(st, lab, s, g)) == -1)
				return -1;
	return gateway_wait_active(st, lab, GATEWAY_ACTIVE_MS);
}

static void
print_up(const struct state *st, const struct lab *lab, const pid_t *pids,
    pid_t gw[][LAB_GW_MAX], pid_t ka[][LAB_GW_MAX])
{
	char ns[LAB_NS_MAX], ip[16], ip2[16], wg[LAB_WG_NAME_MAX];
	char name[LAB_NAME_MAX + 8];
	unsigned h, s, g;

	for (h = 0; h < lab->nhosts; h++) {
		lab_ns_host(lab, st->prefix, h, ns);
		printf("vanlab: host %-6s %-14s underlay %-15s vanedge pid %ld\n",
		    lab->host[h].name, ns, lab_ip_str(lab->host[h].addr, ip),
		    (long)pids[h]);
	}
	for (s = 0; lab_federated(lab) && s < lab->nsites; s++) {
		if (!lab->site[s].ha) {
			lab_ns_proxy(lab, st->prefix, s, ns);
			lab_wg_name(lab, st->prefix, s, wg);
			printf("vanlab: proxy %-5s %-14s underlay %-15s internet %-15s "
			    "vanproxy pid %ld, wg %s, %u peer%s\n", lab->site[s].name, ns,
			    lab_ip_str(lab->site[s].proxy_addr, ip),
			    lab_ip_str(lab->site[s].proxy_inet, ip2), (long)gw[s][0], wg,
			    lab_proxy_peers(lab, s), lab_proxy_peers(lab, s) == 1 ? "" :
			    "s");
			continue;
		}
		printf("vanlab: proxy %-5s a pair: VIPs underlay %s internet %s, %u "
		    "peer%s\n", lab->site[s].name,
		    lab_ip_str(lab->site[s].proxy_addr, ip),
		    lab_ip_str(lab->site[s].proxy_inet, ip2), lab_proxy_peers(lab, s),
		    lab_proxy_peers(lab, s) == 1 ? "" : "s");
		for (g = 0; g < LAB_GW_MAX; g++) {
			lab_ns_gw(lab, st->prefix, s, g, ns);
			lab_gw_wg_name(lab, st->prefix, s, g, wg);
			lab_gw_name(lab, s, g, name);
			printf("vanlab:   %-9s %-14s underlay %-15s internet %-15s "
			    "vanproxy pid %ld, wg %s, keepalived pid %ld, %s\n", name, ns,
			    lab_ip_str(lab->site[s].gw_addr[g], ip),
			    lab_ip_str(lab->site[s].gw_inet[g], ip2), (long)gw[s][g], wg,
			    (long)ka[s][g], gateway_role_str(gateway_role(st, lab, s, g)));
		}
	}
}

/* Every qemu VM's QEMU on its host, its tap attached as a device port;
 * they boot at the same time. */
static int
start_guests(const struct state *st, const struct lab *lab, pid_t *qpids)
{
	char dir[256];
	unsigned v;

	for (v = 0; v < lab->nvms; v++) {
		qpids[v] = -1;
		if (lab->vm[v].kind != LAB_VM_QEMU)
			continue;
		qemu_dir(st, lab, v, dir);
		if ((qpids[v] = qemu_start(st, lab, v, lab->vm[v].host, dir, NULL)) == -1 ||
		    qemu_plug(st, lab, v, lab->vm[v].host, qpids[v], true) == -1)
			return -1;
	}
	return 0;
}

/* Every guest's agent answers. */
static int
wait_guests(const struct state *st, const struct lab *lab, const pid_t *qpids)
{
	char dir[256];
	unsigned v;

	for (v = 0; v < lab->nvms; v++) {
		if (lab->vm[v].kind != LAB_VM_QEMU)
			continue;
		qemu_dir(st, lab, v, dir);
		if (qemu_wait_agent(dir, qpids[v], QEMU_BOOT_MS) == -1) {
			fprintf(stderr, "vanlab: the guest of VM %s: no agent after %d ms "
			    "(console: %s/console.log)\n", lab->vm[v].name, QEMU_BOOT_MS,
			    dir);
			return -1;
		}
	}
	return 0;
}

int
testbed_up(const struct lab *lab, const char *prefix)
{
	struct state st = { .lock_fd = -1 };
	pid_t pids[LAB_HOST_MAX], gw[LAB_SITE_MAX][LAB_GW_MAX], qpids[LAB_VM_MAX];
	pid_t ka[LAB_SITE_MAX][LAB_GW_MAX];
	char ns[LAB_NS_MAX];
	long long t0 = proc_now_ms();
	bool fed = lab_federated(lab);
	unsigned s, h, v, ngw = 0;
	int ready_ms;

	if (geteuid() != 0) {
		fprintf(stderr, "vanlab: up needs root (namespaces, taps)\n");
		return -1;
	}
	/* Nothing of ours may exist yet: refuse before creating anything. */
	if (state_exists(prefix) || !names_free(lab, prefix))
		return -1;
	if (state_create(&st, prefix) == -1)
		return -1;
	printf("vanlab: lab %s: %u site%s, %u hosts, %u VANs, %u VMs", prefix,
	    lab->nsites, lab->nsites == 1 ? "" : "s", lab->nhosts, lab->nvans, lab->nvms);
	for (s = 0; fed && s < lab->nsites; s++)
		ngw += lab_gateways(lab, s);
	if (fed)
		printf(", %u proxies, %u peering%s", ngw, lab->npeerings,
		    lab->npeerings == 1 ? "" : "s");
	printf("\n");
	fflush(stdout);
	for (h = 0; h < lab->nhosts; h++)
		pids[h] = -1;
	for (s = 0; s < lab->nsites; s++)
		for (v = 0; v < LAB_GW_MAX; v++)
			gw[s][v] = ka[s][v] = -1;
	if (state_save_lab(&st, lab) == -1)
		goto fail;
	for (s = 0; lab->site_key && s < lab->nsites; s++)
		if (state_save_site_key(&st, lab, s) == -1)
			goto fail;
	if (fed) {
		lab_ns_inet(prefix, ns);
		if (make_bridge(&st, ns, lab_internet_mtu(lab)) == -1)
			goto fail;
	}
	for (s = 0; s < lab->nsites; s++)
		if (make_switch(&st, lab, s) == -1)
			goto fail;
	for (h = 0; h < lab->nhosts; h++)
		if (make_host(&st, lab, h) == -1)
			goto fail;
	for (s = 0; fed && s < lab->nsites; s++)
		if (make_proxy(&st, lab, s) == -1)
			goto fail;
	for (v = 0; v < lab->nvms; v++) {
		if (lab->vm[v].kind == LAB_VM_QEMU)
			continue;
		lab_ns_vm(lab, prefix, v, ns);
		if (make_ns(&st, ns, lab->ipv6) == -1)
			goto fail;
	}
	for (h = 0; h < lab->nhosts; h++)
		if (state_save_edge_conf(&st, lab, h) == -1 ||
		    (pids[h] = daemon_start(&st, lab, h)) == -1)
			goto fail;
	if (wait_sockets(&st, lab, pids) == -1)
		goto fail;
	if (fed && start_proxies(&st, lab, gw, ka) == -1)
		goto fail;
	for (v = 0; v < lab->nvms; v++)
		if (lab->vm[v].kind != LAB_VM_QEMU &&
		    plug_vm(prefix, lab, v, lab->vm[v].host) == -1)
			goto fail;
	if (start_guests(&st, lab, qpids) == -1)
		goto fail;
	/* HELLOs are answered at once; allow for several lost in a row. */
	ready_ms = (int)(lab->hello_ms * (lab->dead_after + 2));
	if (ready_ms < DAEMON_READY_MIN_MS)
		ready_ms = DAEMON_READY_MIN_MS;
	if (daemon_wait_ready(&st, lab, ready_ms) == -1 ||
	    (fed && gateway_wait_ready(&st, lab, ready_ms + GATEWAY_READY_EXTRA_MS) == -1))
		goto fail;
	if (wait_guests(&st, lab, qpids) == -1)
		goto fail;
	print_up(&st, lab, pids, gw, ka);
	printf("vanlab: up in %.2f s: every host sees its members alive%s "
	    "(state in %s)\n", (double)(proc_now_ms() - t0) / 1000,
	    fed ? ", every proxy its peers" : "", st.dir);
	state_close(&st);
	return 0;
fail:
	if (proc_interrupted)
		fprintf(stderr, "vanlab: interrupted\n");
	/* The teardown must run to its end: a second interrupt stops it. */
	proc_interrupted = 0;
	for (h = 0; h < lab->nhosts; h++)
		show_log_tail(&st, lab, h);
	for (s = 0; fed && s < lab->nsites; s++)
		gateway_log_tail(&st, lab, s);
	for (v = 0; v < lab->nvms; v++)
		if (lab->vm[v].kind == LAB_VM_QEMU) {
			char dir[256], who[LAB_VM_NAME_MAX + 8];

			qemu_dir(&st, lab, v, dir);
			snprintf(who, sizeof(who), "VM %s", lab->vm[v].name);
			qemu_log_tail(dir, who);
		}
	state_close(&st);
	fprintf(stderr, "vanlab: up failed: tearing down what was built\n");
	testbed_down(prefix, false);
	return -1;
}

/*
 * What stop_daemons does in every directory of the state: stop the
 * keepalived of a pair's gateway (first, for all: a pair that loses one
 * gateway while the other still runs would fail over to it for nothing),
 * then each SITE-HOST's vanedge, each SITE-gw's vanproxy and each NAME.qemu's
 * QEMU; at last, once no process of the lab runs any more, remove a UAPI
 * socket a killed vanproxy left.
 */
enum stop_what { STOP_KEEPALIVED, STOP_DAEMONS, STOP_UAPI };

static int
stop_daemons(const struct state *st, enum stop_what what)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(st->dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char dir[400], pidf[512], conf[512];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", st->dir, de->d_name);
		if (what == STOP_KEEPALIVED) {
			if (ha_stop_dir(dir) == -1)
				rc = -1;
			continue;
		}
		if (what == STOP_UAPI) {
			if (gateway_forget_uapi(dir) == -1)
				rc = -1;
			continue;
		}
		/* A NAME.qemu directory: the guest's QEMU (qemu.h). */
		if (qemu_stop_dir(dir) == -1)
			rc = -1;
		snprintf(pidf, sizeof(pidf), "%s/edge.pid", dir);
		snprintf(conf, sizeof(conf), "%s/edge.conf", dir);
		if (daemon_stop("vanedge", pidf, conf) == -1 || gateway_stop_dir(dir) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
testbed_down(const char *prefix, bool verbose)
{
	static char names[STATE_NETNS_MAX][LAB_NS_MAX];
	struct state st;
	int n, i, rc = 0, procs = 0;

	if (state_open(&st, prefix, true) == -1) {
		if (errno != ENOENT) {
			fprintf(stderr, "vanlab: %s: %s\n", st.dir, strerror(errno));
			return -1;
		}
		if (verbose)
			printf("vanlab: no lab with prefix '%s': nothing to do\n", prefix);
		return 0;
	}
	if (stop_daemons(&st, STOP_KEEPALIVED) == -1)
		rc = -1;
	if (stop_daemons(&st, STOP_DAEMONS) == -1)
		rc = -1;
	n = state_netns(&st, names, STATE_NETNS_MAX);
	/* VMs were created last: delete them first. */
	for (i = n - 1; i >= 0; i--) {
		if (!netns_exists(names[i]))
			continue;
		procs += netns_kill_all(names[i], KILL_MS);
		if (netns_delete(names[i]) == -1)
			rc = -1;
	}
	if (rc == 0 && stop_daemons(&st, STOP_UAPI) == -1)
		rc = -1;
	if (rc == 0 && state_remove(&st) == -1)
		rc = -1;
	state_close(&st);
	if (verbose && rc == 0)
		printf("vanlab: lab %s is down (%d namespaces%s)\n", prefix, n,
		    procs ? ", stray processes in them stopped" : "");
	if (rc == -1)
		fprintf(stderr, "vanlab: down of lab %s is incomplete; run it again\n",
		    prefix);
	return rc;
}

/* One VM's move and when each step of it happened (CLOCK_MONOTONIC ns). */
struct move {
	unsigned	vm, from, to;
	bool		arrived;	/* running on `to` */
	const char	*first;		/* what its first frames were */
	long long	t_stop, t_attach, t_up, t_frame, t_detach, t_gone;
	/* A qemu VM (livemig.h): stop is when `migrate` began, up when it
	 * completed, detach when the source was told to quit, gone when its
	 * port was withdrawn; QEMU's downtime and total time. */
	bool		qemu;
	long long	downtime_ms, total_ms;
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Check one requested move against the running lab. */
static int
move_check(const struct state *st, const struct lab *lab, const char *prefix,
    const struct testbed_move *req, struct move *mv, const struct move *before,
    unsigned nbefore)
{
	int v, h;
	unsigned i;

	if ((v = lab_find_vm(lab, req->vm)) < 0) {
		fprintf(stderr, "vanlab: no VM '%s' in lab %s\n", req->vm, prefix);
		return -1;
	}
	if ((h = lab_find_host(lab, req->host)) < 0) {
		fprintf(stderr, "vanlab: no host '%s' in lab %s\n", req->host, prefix);
		return -1;
	}
	for (i = 0; i < nbefore; i++)
		if (before[i].vm == (unsigned)v) {
			fprintf(stderr, "vanlab: VM %s is moved twice\n", req->vm);
			return -1;
		}
	mv->vm = (unsigned)v;
	mv->from = lab->vm[v].host;
	mv->to = (unsigned)h;
	if (mv->from == mv->to) {
		fprintf(stderr, "vanlab: VM %s runs on host %s already\n", req->vm,
		    req->host);
		return -1;
	}
	/* Across sites: the VAN must get there through the peerings. */
	if (!lab_van_reaches(lab, lab->vm[v].van, lab->host[mv->from].site,
	    lab->host[h].site)) {
		fprintf(stderr, "vanlab: VAN %s of VM %s does not cross from site %s to "
		    "site %s: no peerings carry it there\n", lab->van[lab->vm[v].van].name,
		    req->vm, lab->site[lab->host[mv->from].site].name,
		    lab->site[lab->host[h].site].name);
		return -1;
	}
	if (daemon_pid(st, lab, mv->from) == -1 || daemon_pid(st, lab, mv->to) == -1) {
		fprintf(stderr, "vanlab: vanedge of host %s is not running\n",
		    daemon_pid(st, lab, mv->from) == -1 ? lab->host[mv->from].name :
		    req->host);
		return -1;
	}
	return 0;
}

/*
 * The VM stops on its old host: its NIC goes down and out of the way
 * (eth0 becomes old0), while its port there stays attached, as a paused
 * VM's tap does until the migration is over.
 */
static int
move_stop(const char *prefix, const struct lab *lab, struct move *mv)
{
	char vns[LAB_NS_MAX];

	lab_ns_vm(lab, prefix, mv->vm, vns);
	mv->t_stop = now_ns();
	if (netns_ip(vns, false, "link", "set", "dev", "eth0", "down", NULL) == -1 ||
	    netns_ip(vns, false, "link", "set", "dev", "eth0", "name", "old0",
	    NULL) == -1) {
		fprintf(stderr, "vanlab: cannot stop the NIC of VM %s\n",
		    lab->vm[mv->vm].name);
		return -1;
	}
	return 0;
}

/* It runs on the new host: a new port with the same MAC (unless learn),
 * its tap the VM's eth0 with the same addresses. */
static int
move_attach(const struct state *st, struct lab *lab, struct move *mv, bool learn)
{
	char tap[LAB_IFNAMSIZ], mac[18], id[16];
	const char *attach[] = { "attach", id, tap, learn ? NULL : mac, NULL };
	const struct lab_vm *vm = &lab->vm[mv->vm];
	json_t *j;

	lab_tap(lab, mv->vm, tap);
	mac_str(vm->mac, mac);
	snprintf(id, sizeof(id), "%u", lab->site[lab->host[mv->to].site].van_id[vm->van]);
	if ((j = daemon_query(st, lab, mv->to, attach, false)) == NULL)
		return -1;
	json_decref(j);
	mv->t_attach = now_ns();
	lab->vm[mv->vm].host = mv->to;
	if (plug_vm(st->prefix, lab, mv->vm, mv->to) == -1) {
		lab->vm[mv->vm].host = mv->from;
		return -1;
	}
	mv->t_up = now_ns();
	mv->arrived = true;
	return 0;
}

/* What a resumed VM sends at once: a gratuitous ARP, an unsolicited NA. */
static int
move_announce(const struct state *st, const struct lab *lab, struct move *mv)
{
	const struct lab_vm *vm = &lab->vm[mv->vm];
	uint8_t garp[RESUME_FRAME_MAX], una[RESUME_FRAME_MAX];
	const uint8_t *frames[2] = { garp, una };
	size_t lens[2];
	char vns[LAB_NS_MAX];

	lab_ns_vm(lab, st->prefix, mv->vm, vns);
	lens[0] = resume_garp(vm->mac, vm->ip, garp, sizeof(garp));
	lens[1] = vm->has_ip6 ? resume_una(vm->mac, vm->ip6, una, sizeof(una)) : 0;
	mv->first = vm->has_ip6 ? "gratuitous ARP, unsolicited NA" : "gratuitous ARP";
	return netns_send_frames(vns, "eth0", frames, lens, vm->has_ip6 ? 2 : 1,
	    &mv->t_frame);
}

/* The migration is over: the old port goes (and old0 with its tap). */
static int
move_detach(const struct state *st, const struct lab *lab, struct move *mv)
{
	char tap[LAB_IFNAMSIZ];
	const char *detach[] = { "detach", tap, NULL };
	json_t *j;

	lab_tap(lab, mv->vm, tap);
	mv->t_detach = now_ns();
	if ((j = daemon_query(st, lab, mv->from, detach, false)) == NULL) {
		fprintf(stderr, "vanlab: vanctl detach %s on host %s failed\n", tap,
		    lab->host[mv->from].name);
		return -1;
	}
	json_decref(j);
	return 0;
}

static void
move_print(const struct lab *lab, const struct move *mv, bool learn)
{
	long long t0 = mv->t_stop;

	unsigned fs = lab->host[mv->from].site, ts = lab->host[mv->to].site;
	char across[64] = "";

	if (fs != ts)
		snprintf(across, sizeof(across), " (site %s to site %s)", lab->site[fs].name,
		    lab->site[ts].name);
	if (mv->qemu) {
		printf("vanlab: VM %s live-migrated from host %s to host %s%s: port "
		    "attached%s -%lld ms, migrate completed +%lld ms (QEMU: downtime %lld "
		    "ms, total %lld ms), first frame +%lld ms (%s, monotonic "
		    "%lld.%09lld s), old QEMU quit +%lld ms, old port gone +%lld ms\n",
		    lab->vm[mv->vm].name, lab->host[mv->from].name, lab->host[mv->to].name,
		    across, learn ? " without MAC" : "", (t0 - mv->t_attach) / 1000000,
		    (mv->t_up - t0) / 1000000, mv->downtime_ms, mv->total_ms,
		    (mv->t_frame - t0) / 1000000, mv->first, mv->t_frame / 1000000000LL,
		    mv->t_frame % 1000000000LL, (mv->t_detach - t0) / 1000000,
		    (mv->t_gone - t0) / 1000000);
		return;
	}
	printf("vanlab: VM %s moved from host %s to host %s%s: stopped, attached%s "
	    "+%lld ms, eth0 up +%lld ms, first frame +%lld ms (%s, monotonic "
	    "%lld.%09lld s), old port gone +%lld ms\n", lab->vm[mv->vm].name,
	    lab->host[mv->from].name, lab->host[mv->to].name, across,
	    learn ? " without MAC" : "", (mv->t_attach - t0) / 1000000,
	    (mv->t_up - t0) / 1000000, (mv->t_frame - t0) / 1000000, mv->first,
	    mv->t_frame / 1000000000LL, mv->t_frame % 1000000000LL,
	    (mv->t_gone - t0) / 1000000);
}

static void
moves_json(const struct lab *lab, const struct move *mv, unsigned n, bool learn)
{
	json_t *arr = json_array(), *o, *e;
	unsigned i;

	for (i = 0; i < n; i++) {
		e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, "
		    "s:I, s:I, s:I, s:I, s:I, s:I}", "vm", lab->vm[mv[i].vm].name,
		    "from", lab->host[mv[i].from].name, "to", lab->host[mv[i].to].name,
		    "from_site", lab->site[lab->host[mv[i].from].site].name,
		    "to_site", lab->site[lab->host[mv[i].to].site].name,
		    "first_frame", mv[i].first,
		    "stop_ns", (json_int_t)mv[i].t_stop,
		    "attach_ns", (json_int_t)mv[i].t_attach,
		    "up_ns", (json_int_t)mv[i].t_up,
		    "first_frame_ns", (json_int_t)mv[i].t_frame,
		    "detach_ns", (json_int_t)mv[i].t_detach,
		    "gone_ns", (json_int_t)mv[i].t_gone);
		if (mv[i].qemu) {
			json_object_set_new(e, "kind", json_string("qemu"));
			json_object_set_new(e, "downtime_ms", json_integer(mv[i].downtime_ms));
			json_object_set_new(e, "total_ms", json_integer(mv[i].total_ms));
		}
		json_array_append_new(arr, e);
	}
	o = json_pack("{s:s, s:s, s:o}", "clock", "CLOCK_MONOTONIC", "port_mac",
	    learn ? "learnt from the first frame" : "configured at attach", "moves", arr);
	json_dumpf(o, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(o);
}

int
testbed_migrate(const char *prefix, const struct testbed_move *req, unsigned n,
    bool learn, bool json)
{
	struct state st;
	struct lab *lab = NULL;
	struct move mv[LAB_VM_MAX];
	char err[LAB_ERR_MAX], vns[LAB_NS_MAX];
	long long deadline;
	unsigned i, arrived = 0, qemu;
	int rc = -1;

	if (n == 0 || n > LAB_VM_MAX) {
		fprintf(stderr, "vanlab: migrate: 1 to %d moves\n", LAB_VM_MAX);
		return -1;
	}
	if (state_open(&st, prefix, true) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return -1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	memset(mv, 0, sizeof(mv));
	for (i = 0; i < n; i++)
		if (move_check(&st, lab, prefix, &req[i], &mv[i], mv, i) == -1)
			goto out;
	for (i = 0, qemu = 0; i < n; i++)
		qemu += lab->vm[mv[i].vm].kind == LAB_VM_QEMU;
	if (qemu > 0 && qemu < n) {
		fprintf(stderr, "vanlab: migrate: qemu VMs and namespace VMs move in "
		    "separate commands\n");
		goto out;
	}
	if (qemu > 0) {
		/* Real live migrations, one after another (livemig.h). */
		for (i = 0; i < n; i++) {
			struct livemig m;

			if (livemig_move(&st, lab, mv[i].vm, mv[i].to, learn, &m) == -1)
				goto out;
			arrived++;
			mv[i].arrived = true;
			mv[i].t_stop = m.t_start;
			mv[i].t_attach = m.t_attach;
			mv[i].t_up = m.t_done;
			mv[i].t_frame = m.t_frame;
			mv[i].t_detach = m.t_quit;
			mv[i].t_gone = m.t_gone;
			mv[i].downtime_ms = m.downtime_ms;
			mv[i].total_ms = m.total_ms;
			mv[i].qemu = true;
			mv[i].first = m.first_type == 0x8035 ? "RARP (QEMU's self-announce)" :
			    m.first_type == 0x0806 ? "ARP" : "a frame";
		}
		goto report;
	}

	/* Every step for every VM before the next step: moves at the same
	 * time overlap, and their messages cross on the underlay. */
	for (i = 0; i < n; i++)
		if (move_stop(prefix, lab, &mv[i]) == -1)
			goto out;
	for (i = 0; i < n; i++) {
		if (move_attach(&st, lab, &mv[i], learn) == -1) {
			fprintf(stderr, "vanlab: VM %s is stopped on %s but not running "
			    "on %s\n", lab->vm[mv[i].vm].name, lab->host[mv[i].from].name,
			    lab->host[mv[i].to].name);
			goto out;
		}
		arrived++;
	}
	for (i = 0; i < n; i++)
		if (move_announce(&st, lab, &mv[i]) == -1)
			goto out;
	for (i = 0; i < n; i++)
		if (move_detach(&st, lab, &mv[i]) == -1)
			goto out;
	deadline = proc_now_ms() + PLUG_MS;
	for (i = 0; i < n; i++) {
		lab_ns_vm(lab, prefix, mv[i].vm, vns);
		while (netns_ip(vns, true, "link", "show", "dev", "old0", NULL) == 0) {
			if (proc_interrupted || proc_now_ms() >= deadline) {
				fprintf(stderr, "vanlab: the old NIC of VM %s is still there "
				    "%d ms after the detach\n", lab->vm[mv[i].vm].name,
				    PLUG_MS);
				goto out;
			}
			proc_sleep_ms(1);
		}
		mv[i].t_gone = now_ns();
	}
report:
	if (json)
		moves_json(lab, mv, n, learn);
	else
		for (i = 0; i < n; i++)
			move_print(lab, &mv[i], learn);
	rc = 0;
out:
	/* What runs now is what a reload should find. */
	if (arrived > 0) {
		if (state_save_lab(&st, lab) == -1)
			rc = -1;
		for (i = 0; i < n; i++)
			if (mv[i].arrived && (state_save_edge_conf(&st, lab, mv[i].from) == -1 ||
			    state_save_edge_conf(&st, lab, mv[i].to) == -1))
				rc = -1;
	}
	lab_free(lab);
	state_close(&st);
	return rc;
}
