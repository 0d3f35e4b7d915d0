/*
 * livemig.c — see livemig.h.  The observer of the VM's first frame is a
 * child in the new host's namespace with a packet socket on the new tap,
 * opened before the migration starts: it reports the kernel's receive
 * timestamp of the first frame from the VM's MAC that the guest sent
 * (not one the edge sent to it), turned into CLOCK_MONOTONIC.
 */
#include "federation/lab/livemig.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "federation/lab/daemon.h"
#include "federation/lab/netns.h"
#include "federation/lab/proc.h"
#include "federation/lab/qemu.h"

#define POLL_MS		20	/* query-migrate, the old port */

static long long
clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct first_frame {
	long long	mono_ns;
	unsigned	type;
};

/* The observer child: 0 and one struct first_frame on out, or what failed. */
static int
observe_child(const char *ns, const char *tap, const uint8_t mac[static 6], int ready,
    int out, int timeout_ms)
{
	struct sockaddr_ll sll;
	struct first_frame ff;
	char nspath[256], cbuf[256];
	uint8_t frame[2048];
	struct iovec iov = { frame, sizeof(frame) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct timespec rx = { 0, 0 };
	long long deadline = proc_now_ms() + timeout_ms;
	int fd, on = 1;
	ssize_t n;

	snprintf(nspath, sizeof(nspath), "/run/netns/%s", ns);
	if ((fd = open(nspath, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(fd, CLONE_NEWNET) == -1)
		return 2;
	close(fd);
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL))) == -1)
		return 3;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if ((sll.sll_ifindex = (int)if_nametoindex(tap)) == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == -1)
		return 4;
	if (write(ready, "r", 1) != 1)
		return 6;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)(deadline - proc_now_ms());

		if (ms <= 0)
			return 5;
		if (poll(&p, 1, ms) <= 0)
			continue;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &sll;
		mh.msg_namelen = sizeof(sll);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(fd, &mh, 0)) < 14)
			continue;
		/* The guest's frames arrive on the tap; the edge's go out of it. */
		if (sll.sll_pkttype == PACKET_OUTGOING || memcmp(frame + 6, mac, 6) != 0)
			continue;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
				memcpy(&rx, CMSG_DATA(c), sizeof(rx));
		ff.mono_ns = clock_ns(CLOCK_MONOTONIC);
		if (rx.tv_sec != 0)
			ff.mono_ns -= clock_ns(CLOCK_REALTIME) -
			    ((long long)rx.tv_sec * 1000000000LL + rx.tv_nsec);
		ff.type = (unsigned)frame[12] << 8 | frame[13];
		return write(out, &ff, sizeof(ff)) == (ssize_t)sizeof(ff) ? 0 : 6;
	}
}

/* Start the observer; its pid (its result on *rfd later), or -1. */
static pid_t
observe(const char *ns, const char *tap, const uint8_t mac[static 6], int *rfd)
{
	int out[2], ready[2];
	char r;
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ready, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(out[0]);
		close(ready[0]);
		_exit(observe_child(ns, tap, mac, ready[1], out[1], LIVEMIG_MS));
	}
	close(out[1]);
	close(ready[1]);
	if (pid == -1 || read(ready[0], &r, 1) != 1) {
		close(out[0]);
		close(ready[0]);
		if (pid > 0)
			proc_wait(pid, 0, NULL);
		fprintf(stderr, "vanlab: cannot watch %s in %s\n", tap, ns);
		return -1;
	}
	close(ready[0]);
	*rfd = out[0];
	return pid;
}

/* Remove a directory and the files in it. */
static void
remove_dir(const char *dir)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Across sites: a link between the two hosts for the migration; the
 * destination's address on it in addr. */
static int
link_add(const struct lab *lab, const char *prefix, unsigned v, unsigned from,
    unsigned to, char addr[static 16])
{
	char sns[LAB_NS_MAX], dns[LAB_NS_MAX], name[LAB_IFNAMSIZ], a[32], b[32];

	lab_ns_host(lab, prefix, from, sns);
	lab_ns_host(lab, prefix, to, dns);
	snprintf(name, sizeof(name), "m-%s", lab->vm[v].name);
	snprintf(a, sizeof(a), "169.254.%u.1/30", v);
	snprintf(b, sizeof(b), "169.254.%u.2/30", v);
	snprintf(addr, 16, "169.254.%u.2", v);
	netns_ip(sns, true, "link", "del", "dev", name, NULL);
	netns_ip(dns, true, "link", "del", "dev", name, NULL);
	if (netns_ip(sns, false, "link", "add", "name", name, "type", "veth", "peer",
	    "name", name, "netns", dns, NULL) == -1 ||
	    netns_ip(sns, false, "addr", "add", a, "dev", name, NULL) == -1 ||
	    netns_ip(dns, false, "addr", "add", b, "dev", name, NULL) == -1 ||
	    netns_ip(sns, false, "link", "set", "dev", name, "up", NULL) == -1 ||
	    netns_ip(dns, false, "link", "set", "dev", name, "up", NULL) == -1)
		return -1;
	return 0;
}

static void
link_del(const struct lab *lab, const char *prefix, unsigned v, unsigned from)
{
	char sns[LAB_NS_MAX], name[LAB_IFNAMSIZ];

	lab_ns_host(lab, prefix, from, sns);
	snprintf(name, sizeof(name), "m-%s", lab->vm[v].name);
	netns_ip(sns, true, "link", "del", "dev", name, NULL);
}

/* query-migrate until it is over: 0 when completed. */
static int
wait_migrated(int qmp, const char *vm, struct livemig *m)
{
	long long deadline = proc_now_ms() + LIVEMIG_MS;
	json_t *r;

	while (proc_now_ms() < deadline && !proc_interrupted) {
		const char *status;

		if ((r = qmp_cmd(qmp, "query-migrate", NULL, QEMU_QMP_MS, false)) == NULL)
			return -1;
		status = json_string_value(json_object_get(r, "status"));
		if (status != NULL && strcmp(status, "completed") == 0) {
			m->t_done = clock_ns(CLOCK_MONOTONIC);
			m->downtime_ms = json_integer_value(json_object_get(r, "downtime"));
			m->total_ms = json_integer_value(json_object_get(r, "total-time"));
			json_decref(r);
			return 0;
		}
		if (status != NULL && (strcmp(status, "failed") == 0 ||
		    strcmp(status, "cancelled") == 0)) {
			fprintf(stderr, "vanlab: migration of VM %s %s: %s\n", vm, status,
			    json_string_value(json_object_get(r, "error-desc")) ?
			    json_string_value(json_object_get(r, "error-desc")) : "");
			json_decref(r);
			return -1;
		}
		json_decref(r);
		proc_sleep_ms(POLL_MS);
	}
	fprintf(stderr, "vanlab: migration of VM %s not over after %d ms\n", vm,
	    LIVEMIG_MS);
	return -1;
}

/* Is the tap still a port of host h's vanedge? */
static bool
port_listed(const struct state *st, const struct lab *lab, unsigned h, const char *tap)
{
	static const char *const show[] = { "show", "ports", NULL };
	json_t *j = daemon_query(st, lab, h, show, true), *p;
	bool found = false;
	size_t i;

	if (!json_is_array(j)) {
		json_decref(j);
		return true;
	}
	json_array_foreach(j, i, p) {
		const char *n = json_string_value(json_object_get(p, "tap"));

		found |= n != NULL && strcmp(n, tap) == 0;
	}
	json_decref(j);
	return found;
}

int
livemig_move(const struct state *st, struct lab *lab, unsigned v, unsigned to,
    bool learn, struct livemig *m)
{
	const struct lab_vm *vm = &lab->vm[v];
	unsigned from = vm->host;
	char src[256], dst[256], addr[16], uri[64], dns[LAB_NS_MAX], tap[LAB_IFNAMSIZ];
	struct first_frame ff;
	long long deadline;
	pid_t qpid = -1, obs = -1;
	int qmp = -1, rfd = -1, rc = -1, status;
	json_t *r;

	memset(m, 0, sizeof(*m));
	qemu_dir(st, lab, v, src);
	/*
	 * A name of its own: QEMU removes its sockets at exit by the paths it
	 * was given, and this one will be renamed src once the VM runs there;
	 * the next migration's destination must not be where it thinks its
	 * sockets are.
	 */
	snprintf(dst, sizeof(dst), "%.200s.in%lld", src, clock_ns(CLOCK_MONOTONIC));
	lab_ns_host(lab, st->prefix, to, dns);
	lab_tap(lab, v, tap);
	if (qemu_pid(src) == -1) {
		fprintf(stderr, "vanlab: the QEMU of VM %s is not running\n", vm->name);
		return -1;
	}
	m->across = lab->host[from].site != lab->host[to].site;
	if (m->across) {
		if (link_add(lab, st->prefix, v, from, to, addr) == -1)
			goto out;
	} else
		lab_ip_str(lab->host[to].addr, addr);
	snprintf(uri, sizeof(uri), "tcp:%s:%u", addr, LIVEMIG_PORT_BASE + v);
	if ((qpid = qemu_start(st, lab, v, to, dst, uri)) == -1 ||
	    qemu_plug(st, lab, v, to, qpid, !learn) == -1)
		goto out;
	m->t_attach = clock_ns(CLOCK_MONOTONIC);
	if ((obs = observe(dns, tap, vm->mac, &rfd)) == -1)
		goto out;
	/* The destination listens once its QMP answers. */
	close(qmp_open(dst, QEMU_TAP_MS));
	if ((qmp = qmp_open(src, QEMU_QMP_MS)) == -1)
		goto out;
	m->t_start = clock_ns(CLOCK_MONOTONIC);
	if ((r = qmp_cmd(qmp, "migrate", json_pack("{s:s}", "uri", uri), QEMU_QMP_MS,
	    false)) == NULL)
		goto out;
	json_decref(r);
	if (wait_migrated(qmp, vm->name, m) == -1)
		goto out;
	/* The source is paused for good: it ends, and its tap with it. */
	m->t_quit = clock_ns(CLOCK_MONOTONIC);
	json_decref(qmp_cmd(qmp, "quit", NULL, QEMU_QMP_MS, true));
	close(qmp);
	qmp = -1;
	if (qemu_stop_dir(src) == -1)
		goto out;
	deadline = proc_now_ms() + LIVEMIG_GONE_MS;
	while (port_listed(st, lab, from, tap)) {
		if (proc_interrupted || proc_now_ms() >= deadline) {
			fprintf(stderr, "vanlab: host %s still has port %s %d ms after its "
			    "QEMU ended\n", lab->host[from].name, tap, LIVEMIG_GONE_MS);
			goto out;
		}
		proc_sleep_ms(5);
	}
	m->t_gone = clock_ns(CLOCK_MONOTONIC);
	/* QEMU announces at once after the switch-over; wait for it. */
	{
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		if (poll(&p, 1, 10000) <= 0 || read(rfd, &ff, sizeof(ff)) !=
		    (ssize_t)sizeof(ff)) {
			fprintf(stderr, "vanlab: VM %s sent nothing on host %s after the "
			    "migration\n", vm->name, lab->host[to].name);
			goto out;
		}
	}
	m->t_frame = ff.mono_ns;
	m->first_type = ff.type;
	remove_dir(src);
	if (rename(dst, src) == -1) {
		fprintf(stderr, "vanlab: %s: %s\n", dst, strerror(errno));
		goto out;
	}
	lab->vm[v].host = to;
	rc = 0;
out:
	if (qmp != -1)
		close(qmp);
	if (obs > 0) {
		kill(obs, SIGKILL);
		proc_wait(obs, 0, &status);
	}
	if (rfd != -1)
		close(rfd);
	if (m->across)
		link_del(lab, st->prefix, v, from);
	if (rc == -1 && qpid > 0 && lab->vm[v].host != to) {
		/* The source still runs the VM: the destination goes. */
		if (qemu_pid(src) != -1) {
			qemu_stop_dir(dst);
			remove_dir(dst);
		} else
			fprintf(stderr, "vanlab: VM %s: its source QEMU ended; the "
			    "destination's is in %s\n", vm->name, dst);
	}
	return rc;
}
