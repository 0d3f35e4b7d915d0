/*
 * netns.c — see netns.h.  Namespaces are created and deleted with `ip
 * netns`, so they look to every tool exactly like ones made by hand.
 */
#include "federation/lab/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "federation/lab/proc.h"

#define NETNS_DIR	"/run/netns"

bool
netns_exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	return stat(path, &st) == 0;
}

int
netns_add(const char *name)
{
	char *argv[] = { "ip", "netns", "add", (char *)(uintptr_t)name, NULL };
	struct proc_spec p = { .argv = argv, .out_fd = -1, .err_fd = -1 };

	return proc_run(&p, NETNS_IP_MS);
}

int
netns_delete(const char *name)
{
	char *argv[] = { "ip", "netns", "delete", (char *)(uintptr_t)name, NULL };
	struct proc_spec p = { .argv = argv, .out_fd = -1, .err_fd = -1 };

	if (!netns_exists(name))
		return 0;
	return proc_run(&p, NETNS_IP_MS);
}

int
netns_ip(const char *ns, int quiet, ...)
{
	char *argv[NETNS_ARGS_MAX + 4];
	struct proc_spec p = { .argv = argv, .out_fd = -1, .err_fd = -1,
	    .quiet = quiet };
	const char *w;
	va_list ap;
	int n = 0;

	argv[n++] = "ip";
	if (ns != NULL) {
		argv[n++] = "-n";
		argv[n++] = (char *)(uintptr_t)ns;
	}
	va_start(ap, quiet);
	while ((w = va_arg(ap, const char *)) != NULL && n < NETNS_ARGS_MAX + 2)
		argv[n++] = (char *)(uintptr_t)w;
	va_end(ap);
	argv[n] = NULL;
	return proc_run(&p, NETNS_IP_MS);
}

int
netns_sysctl(const char *ns, const char *key, const char *value, bool optional)
{
	char path[256], *c;
	int status = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (c = path + strlen("/proc/sys/"); *c != '\0'; c++)
		if (*c == '.')
			*c = '/';
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "vanlab: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char nspath[256];
		int fd;

		snprintf(nspath, sizeof(nspath), NETNS_DIR "/%s", ns);
		if ((fd = open(nspath, O_RDONLY | O_CLOEXEC)) == -1 ||
		    setns(fd, CLONE_NEWNET) == -1)
			_exit(2);
		/* /proc/sys/net is the namespace of whoever opens it. */
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
			_exit(errno == ENOENT ? 3 : 4);
		if (write(fd, value, strlen(value)) != (ssize_t)strlen(value))
			_exit(4);
		_exit(close(fd) == 0 ? 0 : 4);
	}
	if (proc_wait(pid, NETNS_IP_MS, &status) == 0 && WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 0 || (optional && WEXITSTATUS(status) == 3)))
		return 0;
	fprintf(stderr, "vanlab: cannot set %s = %s in namespace %s\n", key, value, ns);
	return -1;
}

/* PIDs whose network namespace is ns's (the inode /run/netns/NAME holds). */
static int
pids_in(const char *ns, pid_t *pids, int max)
{
	char path[256];
	struct stat want, st;
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns);
	if (stat(path, &want) == -1 || (d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) == 0 && st.st_ino == want.st_ino &&
		    st.st_dev == want.st_dev)
			pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

int
netns_kill_all(const char *ns, int timeout_ms)
{
	static pid_t pids[NETNS_PIDS_MAX];
	long long deadline = proc_now_ms() + timeout_ms;
	int n, i, found;

	found = n = pids_in(ns, pids, NETNS_PIDS_MAX);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	while (n > 0 && proc_now_ms() < deadline) {
		for (i = 0; i < n; i++)
			proc_ended(pids[i], NULL);	/* our own children: reap */
		proc_sleep_ms(10);
		n = pids_in(ns, pids, NETNS_PIDS_MAX);
	}
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		proc_ended(pids[i], NULL);
	return found;
}

/* The child of netns_send_frames: exit status 0, or what failed. */
static int
send_frames_child(const char *ns, const char *ifname, const uint8_t *const *frames,
    const size_t *lens, unsigned n, int out)
{
	struct sockaddr_ll sll;
	struct timespec ts;
	char nspath[256];
	long long t;
	unsigned i;
	int fd;

	snprintf(nspath, sizeof(nspath), NETNS_DIR "/%s", ns);
	if ((fd = open(nspath, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(fd, CLONE_NEWNET) == -1)
		return 2;
	close(fd);
	/* Protocol 0: this socket sends only, it receives nothing. */
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1)
		return 3;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	if ((sll.sll_ifindex = (int)if_nametoindex(ifname)) == 0)
		return 4;
	sll.sll_halen = 6;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	for (i = 0; i < n; i++) {
		memcpy(sll.sll_addr, frames[i], 6);
		if (sendto(fd, frames[i], lens[i], 0, (struct sockaddr *)&sll,
		    sizeof(sll)) != (ssize_t)lens[i])
			return 5;
	}
	return write(out, &t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : 6;
}

int
netns_send_frames(const char *ns, const char *ifname, const uint8_t *const *frames,
    const size_t *lens, unsigned n, long long *first_ns)
{
	static const char *const why[] = { "", "", "cannot enter the namespace",
	    "no packet socket", "no such interface", "send failed", "pipe" };
	int pfd[2], status = 0;
	long long t = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		fprintf(stderr, "vanlab: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "vanlab: fork: %s\n", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		_exit(send_frames_child(ns, ifname, frames, lens, n, pfd[1]));
	}
	close(pfd[1]);
	if (proc_wait(pid, NETNS_IP_MS, &status) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 &&
	    read(pfd[0], &t, sizeof(t)) == (ssize_t)sizeof(t)) {
		close(pfd[0]);
		*first_ns = t;
		return 0;
	}
	close(pfd[0]);
	fprintf(stderr, "vanlab: cannot send from %s in namespace %s: %s\n", ifname, ns,
	    WIFEXITED(status) && WEXITSTATUS(status) < 7 ? why[WEXITSTATUS(status)] :
	    "the sender died");
	return -1;
}
