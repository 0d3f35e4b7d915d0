/*
 * impair.c — see impair.h.  The switch process reads every port with a
 * packet socket (PACKET_VNET_HDR: a frame whose checksum the sending
 * stack left to the "hardware" goes on with that note, as a NIC would
 * pass it; PACKET_IGNORE_OUTGOING: not its own sends back), learns which
 * port each source MAC is behind, and sends each frame to its port (or,
 * broadcast, multicast and unknown, to every other port) through the
 * delay line of fault.h.  The devices at the other ends of the ports send
 * one datagram per frame while the switch is impaired (gso_max_segs 1,
 * as the proxies' internet links always do): a fault hits one datagram,
 * not a train of them.
 *
 * It does not impair ports that vanlab did not make (a scenario's own
 * namespace plugged into br0 stays on the bridge, cut off from the ports
 * the process took: impair such a switch only without them).
 *
 * A partition is an nftables table in each gateway of the site: eth1's
 * netdev ingress and egress drop everything, so the proxy's sends succeed
 * and vanish, as on a cut beyond its own link.
 */
#include "federation/lab/impair.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "federation/lab/fault.h"
#include "federation/lab/lab.h"
#include "federation/lab/netns.h"
#include "federation/lab/proc.h"
#include "federation/lab/state.h"

#define IMPAIR_PORTS_MAX	(LAB_HOST_MAX + LAB_SITE_MAX * LAB_GW_MAX)
#define IMPAIR_FRAME_MAX	(65536 + sizeof(struct virtio_net_hdr))
#define IMPAIR_MACS_MAX		1024	/* learnt source MACs */
#define IMPAIR_BATCH		64	/* frames read from a port per wake-up */
#define IMPAIR_READY_MS		5000	/* the process to open its ports */
#define IMPAIR_STOP_MS		3000
#define IMPAIR_GSO_DEFAULT	"65535"	/* a veth's gso_max_segs */
#define CUT_TABLE		"vanlab_partition"

/* One port: its name in the switch, and the device at its other end. */
struct port {
	char	name[LAB_IFNAMSIZ];
	char	peer_ns[LAB_NS_MAX];
	char	peer_dev[LAB_IFNAMSIZ];
	bool	peer_gso;	/* gso_max_segs is ours to set and restore */
};

struct target {
	char		name[LAB_NAME_MAX + 8];	/* SITE-sw or inet */
	char		ns[LAB_NS_MAX];
	struct port	port[IMPAIR_PORTS_MAX];
	unsigned	nports;
};

struct counters {
	unsigned long long in, out, lost, duplicated, reordered, overflow, errors;
};

/* ------------------------------------------------------------- targets --- */

static void
add_port(struct target *t, const char *name, const char *ns, const char *dev,
    bool gso)
{
	struct port *p = &t->port[t->nports++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->peer_ns, sizeof(p->peer_ns), "%s", ns);
	snprintf(p->peer_dev, sizeof(p->peer_dev), "%s", dev);
	p->peer_gso = gso;
}

/* SITE-sw: its hosts' and gateways' ports; inet: every gateway's. */
static int
find_target(const struct lab *lab, const char *prefix, const char *name,
    struct target *t)
{
	char ns[LAB_NS_MAX], port[LAB_IFNAMSIZ];
	unsigned s, h, g;
	int site = -1;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	if (lab_federated(lab) && strcmp(name, "inet") == 0) {
		lab_ns_inet(prefix, t->ns);
		for (s = 0; s < lab->nsites; s++)
			for (g = 0; g < lab_gateways(lab, s); g++) {
				lab_ns_gw(lab, prefix, s, g, ns);
				lab_gw_port(lab, s, g, true, port);
				/* eth1 sends one datagram a frame always (testbed.c). */
				add_port(t, port, ns, "eth1", false);
			}
		return 0;
	}
	for (s = 0; s < lab->nsites; s++) {
		lab_ns_switch(lab, prefix, s, ns);
		if (strcmp(ns + strlen(prefix) + 1, name) == 0)
			site = (int)s;
	}
	if (site < 0) {
		fprintf(stderr, "vanlab: no switch '%s' in lab %s (SITE-sw%s)\n", name,
		    prefix, lab_federated(lab) ? " or inet" : "");
		return -1;
	}
	lab_ns_switch(lab, prefix, (unsigned)site, t->ns);
	for (h = 0; h < lab->nhosts; h++) {
		if (lab->host[h].site != (unsigned)site)
			continue;
		lab_ns_host(lab, prefix, h, ns);
		add_port(t, lab->host[h].name, ns, "eth0", true);
	}
	for (g = 0; lab_federated(lab) && g < lab_gateways(lab, (unsigned)site); g++) {
		lab_ns_gw(lab, prefix, (unsigned)site, g, ns);
		lab_gw_port(lab, (unsigned)site, g, false, port);
		add_port(t, port, ns, "eth0", true);
	}
	return 0;
}

static void
target_file(const struct state *st, const struct target *t, const char *ext,
    char out[static 256])
{
	char name[64];

	snprintf(name, sizeof(name), "impair-%s.%s", t->name, ext);
	state_path(st, name, out);
}

/* ------------------------------------------------------ the switch ----- */

static volatile sig_atomic_t switch_stop;

static void
on_term(int sig)
{
	(void)sig;
	switch_stop = 1;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct fswitch {
	const struct target	*t;
	struct fault		f;
	struct fault_rng	rng;
	int			fd[IMPAIR_PORTS_MAX];
	uint64_t		last_seq[IMPAIR_PORTS_MAX];	/* sent last, per port */
	uint8_t			mac[IMPAIR_MACS_MAX][6];
	unsigned		mac_port[IMPAIR_MACS_MAX];
	unsigned		nmacs, mac_next;
	uint64_t		seq;
	struct counters		c;
	struct fault_queue	q;
};

static int
open_port(const char *name)
{
	struct sockaddr_ll sll;
	int fd, one = 1, buf = 4 << 20;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL))) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) == -1 ||
	    (sll.sll_ifindex = (int)if_nametoindex(name)) == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	return fd;
}

/* The port a MAC was last seen behind, or -1; learn it. */
static int
mac_port(struct fswitch *sw, const uint8_t *mac, int learn_port)
{
	unsigned i;

	for (i = 0; i < sw->nmacs; i++)
		if (memcmp(sw->mac[i], mac, 6) == 0) {
			if (learn_port >= 0)
				sw->mac_port[i] = (unsigned)learn_port;
			return (int)sw->mac_port[i];
		}
	if (learn_port < 0)
		return -1;
	if (sw->nmacs < IMPAIR_MACS_MAX)
		i = sw->nmacs++;
	else
		i = sw->mac_next++ % IMPAIR_MACS_MAX;
	memcpy(sw->mac[i], mac, 6);
	sw->mac_port[i] = (unsigned)learn_port;
	return learn_port;
}

static void
enqueue(struct fswitch *sw, unsigned out, const uint8_t *buf, size_t len,
    int64_t now)
{
	struct fault_item it;
	uint32_t delay[2];
	unsigned n, k;

	n = fault_fate(&sw->f, &sw->rng, delay);
	if (n == 0) {
		sw->c.lost++;
		return;
	}
	if (n == 2)
		sw->c.duplicated++;
	for (k = 0; k < n; k++) {
		it.due_ns = now + (int64_t)delay[k] * 1000;
		it.seq = sw->seq;
		it.port = out;
		it.len = len;
		if ((it.buf = malloc(len)) == NULL) {
			sw->c.overflow++;
			continue;
		}
		memcpy(it.buf, buf, len);
		if (!fault_queue_push(&sw->q, &it)) {
			free(it.buf);
			sw->c.overflow++;
		}
	}
}

/* A frame in from port `in` (virtio_net_hdr first). */
static void
switch_frame(struct fswitch *sw, unsigned in, uint8_t *buf, size_t len, int64_t now)
{
	const size_t h = sizeof(struct virtio_net_hdr);
	const uint8_t *eth = buf + h;
	int to;
	unsigned p;

	if (len < h + 14)
		return;
	sw->c.in++;
	sw->seq++;
	if (!(eth[6] & 1))
		(void)mac_port(sw, eth + 6, (int)in);
	to = (eth[0] & 1) ? -1 : mac_port(sw, eth, -1);
	if (to == (int)in)
		return;
	for (p = 0; p < sw->t->nports; p++)
		if (p != in && (to < 0 || (unsigned)to == p))
			enqueue(sw, p, buf, len, now);
}

static void
switch_send_due(struct fswitch *sw, int64_t now)
{
	struct fault_item it;

	while (fault_queue_pop_due(&sw->q, now, &it)) {
		struct virtio_net_hdr *vh = (struct virtio_net_hdr *)it.buf;

		/* A note for the receiver, not for a sender. */
		vh->flags &= (uint8_t)~VIRTIO_NET_HDR_F_DATA_VALID;
		if (it.seq < sw->last_seq[it.port])
			sw->c.reordered++;
		else
			sw->last_seq[it.port] = it.seq;
		if (send(sw->fd[it.port], it.buf, it.len, MSG_DONTWAIT) == (ssize_t)it.len)
			sw->c.out++;
		else if (errno == EAGAIN || errno == ENOBUFS)
			sw->c.overflow++;
		else
			sw->c.errors++;
		free(it.buf);
	}
}

static void
write_stats(const struct fswitch *sw, const char *path)
{
	char tmp[272];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((f = fopen(tmp, "we")) == NULL)
		return;
	fprintf(f, "in %llu\nout %llu\nlost %llu\nduplicated %llu\nreordered %llu\n"
	    "overflow %llu\nerrors %llu\nwaiting %u\n", sw->c.in, sw->c.out, sw->c.lost,
	    sw->c.duplicated, sw->c.reordered, sw->c.overflow, sw->c.errors, sw->q.n);
	if (fclose(f) == 0)
		(void)rename(tmp, path);
}

static void
switch_loop(struct fswitch *sw, const char *stats)
{
	static uint8_t buf[IMPAIR_FRAME_MAX];
	struct pollfd pfd[IMPAIR_PORTS_MAX];
	int64_t now = now_ns(), next_stats = now;
	unsigned p, k;

	for (p = 0; p < sw->t->nports; p++) {
		pfd[p].fd = sw->fd[p];
		pfd[p].events = POLLIN;
	}
	while (!switch_stop) {
		int64_t due = fault_queue_next(&sw->q), wait = next_stats - now;
		struct timespec ts;

		if (due >= 0 && due - now < wait)
			wait = due - now;
		if (wait < 0)
			wait = 0;
		ts.tv_sec = wait / 1000000000;
		ts.tv_nsec = wait % 1000000000;
		if (ppoll(pfd, sw->t->nports, &ts, NULL) == -1 && errno != EINTR)
			break;
		now = now_ns();
		for (p = 0; p < sw->t->nports; p++) {
			if (!(pfd[p].revents & POLLIN))
				continue;
			for (k = 0; k < IMPAIR_BATCH; k++) {
				ssize_t n = recv(sw->fd[p], buf, sizeof(buf), MSG_DONTWAIT);

				if (n <= 0)
					break;
				switch_frame(sw, p, buf, (size_t)n, now);
			}
		}
		switch_send_due(sw, now);
		if (now >= next_stats) {
			write_stats(sw, stats);
			next_stats = now + 1000000000;
		}
	}
	write_stats(sw, stats);
}

/*
 * The child: its own session, in the switch's namespace, every port open
 * before it says so on `ready`; then the loop until SIGTERM.
 */
static void __attribute__((noreturn))
switch_child(const struct state *st, const struct target *t, const struct fault *f,
    int ready, const char *log)
{
	static struct fswitch sw;
	char nspath[256], stats[256];
	struct sigaction sa;
	unsigned p;
	int fd;

	(void)setsid();
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		close(fd);
	}
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) != -1) {
		(void)dup2(fd, 2);
		close(fd);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sw.t = t;
	sw.f = *f;
	randombytes_buf(&sw.rng.s, sizeof(sw.rng.s));
	target_file(st, t, "stats", stats);
	snprintf(nspath, sizeof(nspath), "/run/netns/%s", t->ns);
	if ((fd = open(nspath, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(fd, CLONE_NEWNET) == -1) {
		fprintf(stderr, "vanlab impair: cannot enter %s: %s\n", t->ns,
		    strerror(errno));
		_exit(1);
	}
	close(fd);
	for (p = 0; p < t->nports; p++)
		if ((sw.fd[p] = open_port(t->port[p].name)) == -1) {
			fprintf(stderr, "vanlab impair: port %s: %s\n", t->port[p].name,
			    strerror(errno));
			_exit(1);
		}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	switch_loop(&sw, stats);
	_exit(0);
}

/* ------------------------------------------------------------ commands --- */

static void
set_peer_gso(const struct target *t, const char *segs)
{
	unsigned p;

	for (p = 0; p < t->nports; p++)
		if (t->port[p].peer_gso)
			(void)netns_ip(t->port[p].peer_ns, true, "link", "set", "dev",
			    t->port[p].peer_dev, "gso_max_segs", segs, NULL);
}

static int
set_ports_master(const struct target *t, bool bridge)
{
	unsigned p;
	int rc = 0;

	for (p = 0; p < t->nports; p++)
		if (netns_ip(t->ns, false, "link", "set", "dev", t->port[p].name,
		    bridge ? "master" : "nomaster", bridge ? "br0" : NULL, NULL) == -1)
			rc = -1;
	return rc;
}

/* The running process of t: stopped; 1 if there was one, 0 if not, -1. */
static int
stop_switch(const struct state *st, const struct target *t)
{
	char path[256];
	pid_t pid;

	target_file(st, t, "pid", path);
	if ((pid = state_read_pid(path)) <= 0)
		return 0;
	if (kill(pid, SIGTERM) == 0 && !proc_wait_gone(pid, IMPAIR_STOP_MS)) {
		(void)kill(pid, SIGKILL);
		if (!proc_wait_gone(pid, IMPAIR_STOP_MS)) {
			fprintf(stderr, "vanlab: the switch process %ld of %s does not end\n",
			    (long)pid, t->name);
			return -1;
		}
	}
	(void)unlink(path);
	return 1;
}

static int
start_switch(const struct state *st, const struct target *t, const struct fault *f)
{
	char path[256], log[256], str[FAULT_STR_MAX], c;
	struct pollfd pfd;
	int pipefd[2];
	pid_t pid;

	target_file(st, t, "log", log);
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		fprintf(stderr, "vanlab: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "vanlab: fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		/* Not the lab's lock: it is vanlab's, for this command only. */
		if (st->lock_fd != -1)
			close(st->lock_fd);
		close(pipefd[0]);
		switch_child(st, t, f, pipefd[1], log);
	}
	close(pipefd[1]);
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, IMPAIR_READY_MS) != 1 || read(pipefd[0], &c, 1) != 1) {
		close(pipefd[0]);
		(void)kill(pid, SIGKILL);
		(void)proc_wait_gone(pid, IMPAIR_STOP_MS);
		fprintf(stderr, "vanlab: the switch process of %s did not start (%s)\n",
		    t->name, log);
		return -1;
	}
	close(pipefd[0]);
	target_file(st, t, "pid", path);
	if (state_write_pid(path, pid) == -1)
		return -1;
	target_file(st, t, "conf", path);
	fault_str(f, str);
	{
		FILE *fp = fopen(path, "we");

		if (fp == NULL || fprintf(fp, "%s\n", str) < 0 || fclose(fp) != 0) {
			fprintf(stderr, "vanlab: cannot write %s\n", path);
			return -1;
		}
	}
	/* Frames wait in the process's sockets meanwhile: none is lost. */
	set_peer_gso(t, "1");
	return set_ports_master(t, false);
}

static int
show(const struct state *st, const struct target *t)
{
	char path[256], line[FAULT_STR_MAX + 64];
	FILE *f;

	target_file(st, t, "conf", path);
	if ((f = fopen(path, "re")) == NULL) {
		printf("%s: not impaired\n", t->name);
		return 0;
	}
	if (fgets(line, sizeof(line), f) != NULL)
		printf("%s: %s", t->name, line);
	fclose(f);
	target_file(st, t, "stats", path);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			printf("  %s", line);
		fclose(f);
	}
	return 0;
}

int
impair_run(const char *prefix, int argc, char **argv)
{
	struct state st;
	struct lab *lab = NULL;
	struct target t;
	struct fault f;
	char err[LAB_ERR_MAX], path[256];
	bool off = argc == 2 && strcmp(argv[1], "off") == 0;
	int rc = 1;

	if (argc > 1 && !off && !fault_parse(&f, argc - 1, argv + 1, err, sizeof(err))) {
		fprintf(stderr, "vanlab: impair %s: %s\n", argv[0], err);
		return 2;
	}
	if (state_open(&st, prefix, argc > 1) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return 1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	if (find_target(lab, prefix, argv[0], &t) == -1)
		goto out;
	if (argc == 1) {
		rc = show(&st, &t);
		goto out;
	}
	switch (stop_switch(&st, &t)) {
	case -1:
		goto out;
	case 1:
		if (off) {
			if (set_ports_master(&t, true) == -1)
				goto out;
			set_peer_gso(&t, IMPAIR_GSO_DEFAULT);
		}
		break;
	}
	target_file(&st, &t, "conf", path);
	(void)unlink(path);
	if (off) {
		printf("vanlab: %s: not impaired\n", t.name);
		rc = 0;
		goto out;
	}
	if (start_switch(&st, &t, &f) == -1)
		goto out;
	fault_str(&f, err);
	printf("vanlab: %s: %s on %u ports\n", t.name, err, t.nports);
	rc = 0;
out:
	lab_free(lab);
	state_close(&st);
	return rc;
}

/* ------------------------------------------------------------ partition --- */

static int
nft_in(const char *ns, bool quiet, char *const *argv)
{
	struct proc_spec p = { .argv = argv, .netns = ns, .out_fd = -1, .err_fd = -1,
	    .quiet = quiet };

	return proc_run(&p, NETNS_IP_MS);
}

int
impair_partition(const char *prefix, const char *site, const char *how)
{
	static const char rules[] =
	    "table netdev " CUT_TABLE " {\n"
	    "\tchain in { type filter hook ingress device \"eth1\" priority -500; "
	    "policy drop; }\n"
	    "\tchain out { type filter hook egress device \"eth1\" priority -500; "
	    "policy drop; }\n"
	    "}\n";
	char *del[] = { "nft", "delete", "table", "netdev", CUT_TABLE, NULL };
	char path[256], ns[LAB_NS_MAX];
	char *add[] = { "nft", "-f", path, NULL };
	struct state st;
	struct lab *lab = NULL;
	char err[LAB_ERR_MAX];
	bool on;
	unsigned g;
	int s, rc = 1;
	FILE *f;

	if (strcmp(how, "on") != 0 && strcmp(how, "off") != 0) {
		fprintf(stderr, "vanlab: partition SITE on|off\n");
		return 2;
	}
	on = strcmp(how, "on") == 0;
	if (state_open(&st, prefix, true) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return 1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	if (!lab_federated(lab) || (s = lab_find_site(lab, site)) < 0) {
		fprintf(stderr, "vanlab: no site '%s' with a proxy in lab %s\n", site, prefix);
		goto out;
	}
	state_path(&st, "partition.nft", path);
	if ((f = fopen(path, "we")) == NULL || fputs(rules, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "vanlab: cannot write %s\n", path);
		goto out;
	}
	for (g = 0; g < lab_gateways(lab, (unsigned)s); g++) {
		lab_ns_gw(lab, prefix, (unsigned)s, g, ns);
		/* Not there (off, or on twice): nothing to say. */
		(void)nft_in(ns, true, del);
		if (on && nft_in(ns, false, add) == -1)
			goto out;
	}
	printf("vanlab: site %s %s the internet\n", site, on ? "cut off" : "back on");
	rc = 0;
out:
	lab_free(lab);
	state_close(&st);
	return rc;
}
