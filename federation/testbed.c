/*
 * testbed.c — see testbed.h.  Order matters and is deliberate:
 *
 *   up:   namespaces (each noted in the state before it exists), switch
 *         and host links, VM namespaces with IPv6 off before any NIC is
 *         in them (quiet), vanedge per host (its taps exist once its
 *         control socket answers), taps into the VMs, then wait until
 *         every host sees its members alive and the VANs JOINed.
 *   down: daemons (by pid, after checking it is still our vanedge), any
 *         process left inside our namespaces, the namespaces, the state.
 */
#include "federation/testbed.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edge/conf.h"		/* mac_str */
#include "federation/daemon.h"
#include "federation/netns.h"
#include "federation/proc.h"
#include "federation/state.h"

#define KILL_MS		3000	/* processes left in a namespace at down */
#define PLUG_MS		5000	/* a VM's old NIC to disappear */
#define LOG_TAIL	1500	/* bytes of a daemon log shown on failure */

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

static int
make_switch(const struct state *st, const struct lab *lab, unsigned s)
{
	char ns[LAB_NS_MAX], mtu[16];

	lab_ns_switch(lab, st->prefix, s, ns);
	snprintf(mtu, sizeof(mtu), "%u", lab_underlay_mtu(lab));
	if (make_ns(st, ns, false) == -1 ||
	    netns_ip(ns, false, "link", "add", "br0", "mtu", mtu, "type", "bridge",
	    "stp_state", "0", "forward_delay", "0", NULL) == -1 ||
	    netns_ip(ns, false, "link", "set", "br0", "up", NULL) == -1)
		return -1;
	return 0;
}

static int
make_host(const struct state *st, const struct lab *lab, unsigned h)
{
	const struct lab_host *host = &lab->host[h];
	char ns[LAB_NS_MAX], sw[LAB_NS_MAX], mtu[16], addr[32], ip[16];

	lab_ns_host(lab, st->prefix, h, ns);
	lab_ns_switch(lab, st->prefix, host->site, sw);
	snprintf(mtu, sizeof(mtu), "%u", lab_underlay_mtu(lab));
	snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(host->addr, ip),
	    lab->site[host->site].plen);
	if (make_ns(st, ns, false) == -1 ||
	    netns_ip(sw, false, "link", "add", host->name, "type", "veth", "peer",
	    "name", "eth0", "netns", ns, NULL) == -1 ||
	    netns_ip(sw, false, "link", "set", host->name, "mtu", mtu, "master", "br0",
	    "up", NULL) == -1 ||
	    netns_ip(ns, false, "link", "set", "eth0", "mtu", mtu, "up", NULL) == -1 ||
	    netns_ip(ns, false, "addr", "add", addr, "dev", "eth0", NULL) == -1)
		return -1;
	return 0;
}

/* The tap host h's vanedge made for VM v becomes the VM's eth0. */
static int
plug_vm(const char *prefix, const struct lab *lab, unsigned v, unsigned h)
{
	const struct lab_vm *vm = &lab->vm[v];
	char hns[LAB_NS_MAX], vns[LAB_NS_MAX], tap[LAB_IFNAMSIZ], mac[18], mtu[16];
	char addr[32], ip[16];

	lab_ns_host(lab, prefix, h, hns);
	lab_ns_vm(lab, prefix, v, vns);
	lab_tap(lab, v, tap);
	mac_str(vm->mac, mac);
	snprintf(mtu, sizeof(mtu), "%u", lab->mtu);
	snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(vm->ip, ip), vm->plen);
	if (netns_ip(hns, false, "link", "set", "dev", tap, "netns", vns, NULL) == -1 ||
	    netns_ip(vns, false, "link", "set", "dev", tap, "name", "eth0",
	    "address", mac, "mtu", mtu, NULL) == -1 ||
	    netns_ip(vns, false, "addr", "add", addr, "dev", "eth0", NULL) == -1 ||
	    netns_ip(vns, false, "link", "set", "dev", "eth0", "up", NULL) == -1)
		return -1;
	return 0;
}

static void
show_log_tail(const struct state *st, const struct lab *lab, unsigned h)
{
	char path[256], buf[LOG_TAIL + 1];
	ssize_t n;
	off_t size;
	int fd;

	state_host_path(st, lab, h, "edge.log", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > LOG_TAIL ? size - LOG_TAIL : 0, SEEK_SET);
	n = read(fd, buf, LOG_TAIL);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	fprintf(stderr, "vanlab: --- %s (host %s) ---\n%s%s", path, lab->host[h].name,
	    buf, buf[n - 1] == '\n' ? "" : "\n");
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
	if (taken)
		fprintf(stderr, "vanlab: namespace %s exists already: another lab "
		    "with prefix '%s'? (`vanlab down --prefix %s`, or choose another "
		    "prefix)\n", ns, prefix, prefix);
	return !taken;
}

int
testbed_up(const struct lab *lab, const char *prefix)
{
	struct state st = { .lock_fd = -1 };
	pid_t pids[LAB_HOST_MAX];
	char ns[LAB_NS_MAX];
	long long t0 = proc_now_ms();
	unsigned s, h, v;
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
	printf("vanlab: lab %s: %u site%s, %u hosts, %u VANs, %u VMs\n", prefix,
	    lab->nsites, lab->nsites == 1 ? "" : "s", lab->nhosts, lab->nvans, lab->nvms);
	fflush(stdout);
	if (state_save_lab(&st, lab) == -1)
		goto fail;
	for (s = 0; s < lab->nsites; s++)
		if (make_switch(&st, lab, s) == -1)
			goto fail;
	for (h = 0; h < lab->nhosts; h++)
		if (make_host(&st, lab, h) == -1)
			goto fail;
	for (v = 0; v < lab->nvms; v++) {
		lab_ns_vm(lab, prefix, v, ns);
		if (make_ns(&st, ns, lab->ipv6) == -1)
			goto fail;
	}
	for (h = 0; h < lab->nhosts; h++)
		pids[h] = -1;
	for (h = 0; h < lab->nhosts; h++)
		if (state_save_edge_conf(&st, lab, h) == -1 ||
		    (pids[h] = daemon_start(&st, lab, h)) == -1)
			goto fail;
	if (wait_sockets(&st, lab, pids) == -1)
		goto fail;
	for (v = 0; v < lab->nvms; v++)
		if (plug_vm(prefix, lab, v, lab->vm[v].host) == -1)
			goto fail;
	/* HELLOs are answered at once; allow for several lost in a row. */
	ready_ms = (int)(lab->hello_ms * (lab->dead_after + 2));
	if (ready_ms < DAEMON_READY_MIN_MS)
		ready_ms = DAEMON_READY_MIN_MS;
	if (daemon_wait_ready(&st, lab, ready_ms) == -1)
		goto fail;
	for (h = 0; h < lab->nhosts; h++) {
		char ip[16];

		lab_ns_host(lab, prefix, h, ns);
		printf("vanlab: host %-6s %-14s underlay %-15s vanedge pid %ld\n",
		    lab->host[h].name, ns, lab_ip_str(lab->host[h].addr, ip),
		    (long)pids[h]);
	}
	printf("vanlab: up in %.2f s: every host sees its members alive "
	    "(state in %s)\n", (double)(proc_now_ms() - t0) / 1000, st.dir);
	state_close(&st);
	return 0;
fail:
	if (proc_interrupted)
		fprintf(stderr, "vanlab: interrupted\n");
	/* The teardown must run to its end: a second interrupt stops it. */
	proc_interrupted = 0;
	for (h = 0; h < lab->nhosts; h++)
		show_log_tail(&st, lab, h);
	state_close(&st);
	fprintf(stderr, "vanlab: up failed: tearing down what was built\n");
	testbed_down(prefix, false);
	return -1;
}

/* Every SITE-HOST directory with a pid file: stop its vanedge. */
static int
stop_daemons(const struct state *st)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(st->dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char pidf[512], conf[512];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(pidf, sizeof(pidf), "%s/%s/edge.pid", st->dir, de->d_name);
		snprintf(conf, sizeof(conf), "%s/%s/edge.conf", st->dir, de->d_name);
		if (daemon_stop(pidf, conf) == -1)
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
	if (stop_daemons(&st) == -1)
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

static bool
has_eth0(const char *ns)
{
	return netns_ip(ns, true, "link", "show", "dev", "eth0", NULL) == 0;
}

int
testbed_migrate(const char *prefix, const char *vmname, const char *hostname)
{
	struct state st;
	struct lab *lab = NULL;
	char err[LAB_ERR_MAX], tap[LAB_IFNAMSIZ], vns[LAB_NS_MAX], mac[18], id[16];
	const char *detach[] = { "detach", tap, NULL };
	const char *attach[] = { "attach", id, tap, mac, NULL };
	long long t0, deadline;
	json_t *j;
	unsigned old;
	int v, h, rc = -1;

	if (state_open(&st, prefix, true) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return -1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	if ((v = lab_find_vm(lab, vmname)) < 0) {
		fprintf(stderr, "vanlab: no VM '%s' in lab %s\n", vmname, prefix);
		goto out;
	}
	if ((h = lab_find_host(lab, hostname)) < 0) {
		fprintf(stderr, "vanlab: no host '%s' in lab %s\n", hostname, prefix);
		goto out;
	}
	old = lab->vm[v].host;
	if (old == (unsigned)h) {
		fprintf(stderr, "vanlab: VM %s runs on host %s already\n", vmname, hostname);
		goto out;
	}
	if (lab->host[old].site != lab->host[h].site) {
		fprintf(stderr, "vanlab: host %s is in another site: moving across sites "
		    "needs vanproxy (issue 5)\n", hostname);
		goto out;
	}
	if (daemon_pid(&st, lab, old) == -1 || daemon_pid(&st, lab, (unsigned)h) == -1) {
		fprintf(stderr, "vanlab: vanedge of host %s is not running\n",
		    daemon_pid(&st, lab, old) == -1 ? lab->host[old].name : hostname);
		goto out;
	}
	lab_tap(lab, (unsigned)v, tap);
	lab_ns_vm(lab, prefix, (unsigned)v, vns);
	mac_str(lab->vm[v].mac, mac);
	snprintf(id, sizeof(id), "%u", lab->site[lab->host[h].site].van_id[lab->vm[v].van]);
	t0 = proc_now_ms();

	/* The VM stops on its old host: the tap, and so its eth0, goes. */
	if ((j = daemon_query(&st, lab, old, detach, false)) == NULL) {
		fprintf(stderr, "vanlab: vanctl detach %s on host %s failed\n", tap,
		    lab->host[old].name);
		goto out;
	}
	json_decref(j);
	deadline = proc_now_ms() + PLUG_MS;
	while (has_eth0(vns)) {
		if (proc_interrupted || proc_now_ms() >= deadline) {
			fprintf(stderr, "vanlab: eth0 of VM %s still there %d ms after the "
			    "detach\n", vmname, PLUG_MS);
			goto out;
		}
		proc_sleep_ms(5);
	}
	/* ... and runs on the new one, with the same MAC and IP. */
	lab->vm[v].host = (unsigned)h;
	if ((j = daemon_query(&st, lab, (unsigned)h, attach, false)) == NULL ||
	    plug_vm(prefix, lab, (unsigned)v, (unsigned)h) == -1) {
		json_decref(j);
		fprintf(stderr, "vanlab: VM %s is detached from %s but not running on %s\n",
		    vmname, lab->host[old].name, hostname);
		goto out;
	}
	json_decref(j);
	printf("vanlab: VM %s moved from host %s to host %s in %lld ms\n", vmname,
	    lab->host[old].name, hostname, proc_now_ms() - t0);
	/* What runs now is what a reload should find. */
	if (state_save_lab(&st, lab) == -1 || state_save_edge_conf(&st, lab, old) == -1 ||
	    state_save_edge_conf(&st, lab, (unsigned)h) == -1)
		goto out;
	rc = 0;
out:
	lab_free(lab);
	state_close(&st);
	return rc;
}
