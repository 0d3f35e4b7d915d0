/*
 * qemu.c — see qemu.h.  QEMU is run directly (no shell, no libvirt), in
 * the host's namespace so that its tap is the host's, with TCG unless
 * VANLAB_ACCEL=kvm (qemu_accel says why).  Both ends of a migration get
 * the same machine, CPU, memory and devices, as QEMU requires.
 */
#include "federation/lab/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "edge/van/mac.h"
#include "federation/lab/agent.h"
#include "federation/lab/daemon.h"
#include "federation/lab/netns.h"
#include "federation/lab/proc.h"

#define QEMU_BIN	"qemu-system-x86_64"
#define QEMU_ARGS_MAX	(40 + 4 * AGENT_PORTS)
#define QMP_LINE_MAX	65536

void
qemu_dir(const struct state *st, const struct lab *lab, unsigned v,
    char out[static 256])
{
	snprintf(out, 256, "%s/%s.qemu", st->dir, lab->vm[v].name);
}

/* The guest of `make guest`: $VANLAB_GUEST, else guest/ beside vanlab. */
static int
guest_files(char kernel[static 4096], char initrd[static 4096])
{
	const char *env = getenv("VANLAB_GUEST");
	char self[4096], dir[4096];
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		snprintf(dir, sizeof(dir), "%s", env);
	else {
		if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
			return -1;
		self[n] = '\0';
		snprintf(dir, sizeof(dir), "%s/guest", dirname(self));
	}
	snprintf(kernel, 4096, "%.4000s/vmlinuz", dir);
	snprintf(initrd, 4096, "%.4000s/initrd.gz", dir);
	if (access(kernel, R_OK) == 0 && access(initrd, R_OK) == 0)
		return 0;
	fprintf(stderr, "vanlab: no qemu guest in %s (`make guest`, or set "
	    "VANLAB_GUEST)\n", dir);
	return -1;
}

/*
 * $VANLAB_ACCEL: "kvm" or "tcg"; unset, TCG.  Not KVM whenever /dev/kvm
 * opens: on the development machine /dev/kvm opens, QEMU starts, and the
 * guest never runs a single instruction we can see (nested, no console
 * output, with -cpu host too), so a lab would hang until its deadline.
 * Both ends of a migration must agree anyway.
 */
static const char *
qemu_accel(void)
{
	const char *a = getenv("VANLAB_ACCEL");

	if (a != NULL && strcmp(a, "kvm") == 0)
		return "kvm";
	return "tcg";
}

pid_t
qemu_start(const struct state *st, const struct lab *lab, unsigned v, unsigned h,
    const char *dir, const char *incoming)
{
	static char words[QEMU_ARGS_MAX][512];
	const struct lab_vm *vm = &lab->vm[v];
	char *argv[QEMU_ARGS_MAX + 1], kernel[4096], initrd[4096], ns[LAB_NS_MAX];
	char tap[LAB_IFNAMSIZ], mac[18], ip[46], path[512], cmdline[400];
	struct proc_spec spec = { .argv = argv, .netns = ns, .daemon = true,
	    .out_fd = -1, .err_fd = -1 };
	int n = 0, k, fd;
	pid_t pid;

	if (guest_files(kernel, initrd) == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "vanlab: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	lab_ns_host(lab, st->prefix, h, ns);
	lab_tap(lab, v, tap);
	mac_str(vm->mac, mac);
#define W(...)	snprintf(words[n], sizeof(words[n]), __VA_ARGS__), argv[n] = words[n], n++
	W("%s", QEMU_BIN);
	W("-name");
	W("%s", vm->name);
	W("-machine");
	W("pc");
	W("-accel");
	W("%s", qemu_accel());
	W("-m");
	W("%d", QEMU_MEM_MB);
	W("-smp");
	W("1");
	W("-nodefaults");
	W("-no-user-config");
	W("-display");
	W("none");
	W("-no-reboot");
	W("-kernel");
	W("%.500s", kernel);
	W("-initrd");
	W("%.500s", initrd);
	k = snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet panic=-1 "
	    "vanlab.name=%s vanlab.ip=%s/%u vanlab.mtu=%u vanlab.ipv6=%d", vm->name,
	    lab_ip_str(vm->ip, ip), vm->plen, lab->mtu, lab->ipv6 ? 1 : 0);
	if (vm->has_ip6)
		snprintf(cmdline + k, sizeof(cmdline) - (size_t)k, " vanlab.ip6=%s/%u",
		    lab_ip6_str(vm, ip), vm->plen6);
	W("-append");
	W("%s", cmdline);
	W("-serial");
	W("file:%.400s/console.log", dir);
	W("-netdev");
	W("tap,id=n0,ifname=%s,script=no,downscript=no", tap);
	W("-device");
	W("virtio-net-pci,netdev=n0,mac=%s", mac);
	W("-device");
	W("virtio-serial-pci,id=vs");
	for (k = 0; k < AGENT_PORTS; k++) {
		W("-chardev");
		W("socket,id=a%d,path=%.400s/agent%d.sock,server=on,wait=off", k, dir, k);
		W("-device");
		W("virtserialport,bus=vs.0,chardev=a%d,name=vanlab.%d", k, k);
	}
	W("-qmp");
	W("unix:%.400s/qmp.sock,server=on,wait=off", dir);
	if (incoming != NULL) {
		W("-incoming");
		W("%.500s", incoming);
	}
#undef W
	argv[n] = NULL;
	/* QEMU's own messages beside the guest's console. */
	snprintf(path, sizeof(path), "%s/qemu.log", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	spec.out_fd = spec.err_fd = fd;
	pid = proc_spawn(&spec);
	close(fd);
	if (pid == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/qemu.pid", dir);
	if (state_write_pid(path, pid) == -1) {
		kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

int
qemu_plug(const struct state *st, const struct lab *lab, unsigned v, unsigned h,
    pid_t pid, bool with_mac)
{
	const struct lab_vm *vm = &lab->vm[v];
	char ns[LAB_NS_MAX], tap[LAB_IFNAMSIZ], mac[18], mtu[16], id[16], why[32];
	const char *attach[] = { "attach", id, "--device", tap, with_mac ? mac : NULL,
	    NULL };
	long long deadline = proc_now_ms() + QEMU_TAP_MS;
	json_t *j;
	int status;

	lab_ns_host(lab, st->prefix, h, ns);
	lab_tap(lab, v, tap);
	mac_str(vm->mac, mac);
	snprintf(mtu, sizeof(mtu), "%u", lab->mtu);
	snprintf(id, sizeof(id), "%u", lab->site[lab->host[h].site].van_id[vm->van]);
	while (netns_ip(ns, true, "link", "show", "dev", tap, NULL) == -1) {
		if (proc_ended(pid, &status)) {
			proc_status_str(status, why, sizeof(why));
			fprintf(stderr, "vanlab: QEMU of VM %s ended (%s)\n", vm->name, why);
			return -1;
		}
		if (proc_interrupted || proc_now_ms() >= deadline) {
			fprintf(stderr, "vanlab: QEMU of VM %s made no tap %s in %s in %d "
			    "ms\n", vm->name, tap, ns, QEMU_TAP_MS);
			return -1;
		}
		proc_sleep_ms(10);
	}
	if (netns_ip(ns, false, "link", "set", "dev", tap, "mtu", mtu, "up", NULL) == -1)
		return -1;
	if ((j = daemon_query(st, lab, h, attach, false)) == NULL) {
		fprintf(stderr, "vanlab: cannot attach %s of VM %s to host %s's vanedge\n",
		    tap, vm->name, lab->host[h].name);
		return -1;
	}
	json_decref(j);
	return 0;
}

int
qemu_wait_agent(const char *dir, pid_t pid, int timeout_ms)
{
	static char *const truth[] = { "true", NULL };
	long long deadline = proc_now_ms() + timeout_ms;
	int status;

	for (;;) {
		int left = (int)(deadline - proc_now_ms());

		if (left <= 0 || proc_interrupted)
			return -1;
		if (agent_exec(dir, truth, left < 2000 ? left : 2000, true) == 0)
			return 0;
		if (pid > 0 && proc_ended(pid, &status))
			return -1;
		if (pid > 0 && kill(pid, 0) == -1)
			return -1;
		proc_sleep_ms(50);
	}
}

/* Is pid a QEMU (its /proc/PID/cmdline starts with our binary's name)? */
static bool
is_qemu(pid_t pid)
{
	char path[64], cmd[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	cmd[n] = '\0';
	return strstr(cmd, QEMU_BIN) != NULL;
}

pid_t
qemu_pid(const char *dir)
{
	char path[512];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/qemu.pid", dir);
	pid = state_read_pid(path);
	if (pid <= 1 || !is_qemu(pid))
		return -1;
	return pid;
}

int
qemu_stop_dir(const char *dir)
{
	static const int sig[] = { SIGTERM, SIGKILL };
	pid_t pid = qemu_pid(dir);
	long long deadline;
	unsigned i;

	if (pid == -1)
		return 0;
	/* Until no process is left, not even a zombie (down's promise). */
	for (i = 0; i < 2; i++) {
		kill(pid, sig[i]);
		deadline = proc_now_ms() + QEMU_STOP_MS;
		while (proc_now_ms() < deadline) {
			proc_ended(pid, NULL);
			if (kill(pid, 0) == -1)
				return 0;
			proc_sleep_ms(10);
		}
	}
	fprintf(stderr, "vanlab: QEMU pid %ld of %s does not end\n", (long)pid, dir);
	return -1;
}

void
qemu_log_tail(const char *dir, const char *who)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/console.log", dir);
	daemon_log_tail(path, who);
	snprintf(path, sizeof(path), "%s/qemu.log", dir);
	daemon_log_tail(path, who);
}

/* One JSON object of QMP's (a line); NULL on EOF, error or deadline. */
static json_t *
qmp_read(int fd, long long deadline)
{
	static char line[QMP_LINE_MAX];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	for (;;) {
		int ms = (int)(deadline - proc_now_ms());

		if (ms <= 0 || proc_interrupted)
			return NULL;
		if (poll(&p, 1, ms) <= 0)
			continue;
		/* Byte by byte: QMP's lines are short, and the next one stays
		 * in the socket for the next call. */
		if ((r = read(fd, line + n, 1)) <= 0)
			return NULL;
		if (line[n] == '\n') {
			line[n] = '\0';
			return json_loads(line, 0, NULL);
		}
		if (++n == sizeof(line) - 1)
			return NULL;
	}
}

json_t *
qmp_cmd(int fd, const char *cmd, json_t *args, int timeout_ms, bool quiet)
{
	long long deadline = proc_now_ms() + timeout_ms;
	json_t *req = json_pack("{s:s}", "execute", cmd), *j, *ret = NULL;
	char *text;

	if (args != NULL)
		json_object_set_new(req, "arguments", args);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    write(fd, "\n", 1) != 1) {
		free(text);
		return NULL;
	}
	free(text);
	while ((j = qmp_read(fd, deadline)) != NULL) {
		if ((ret = json_object_get(j, "return")) != NULL) {
			json_incref(ret);
			json_decref(j);
			return ret;
		}
		if (json_object_get(j, "error") != NULL) {
			if (!quiet)
				fprintf(stderr, "vanlab: QMP %s: %s\n", cmd,
				    json_string_value(json_object_get(json_object_get(j,
				    "error"), "desc")));
			json_decref(j);
			return NULL;
		}
		json_decref(j);	/* an event */
	}
	if (!quiet)
		fprintf(stderr, "vanlab: QMP %s: no answer\n", cmd);
	return NULL;
}

int
qmp_open(const char *dir, int timeout_ms)
{
	struct sockaddr_un sun;
	long long deadline = proc_now_ms() + timeout_ms;
	json_t *j;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/qmp.sock", dir);
	for (;;) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		close(fd);
		if (proc_interrupted || proc_now_ms() >= deadline) {
			fprintf(stderr, "vanlab: no QMP at %s\n", sun.sun_path);
			return -1;
		}
		proc_sleep_ms(10);
	}
	/* The greeting, then capabilities negotiation. */
	if ((j = qmp_read(fd, deadline)) == NULL ||
	    json_object_get(j, "QMP") == NULL) {
		json_decref(j);
		close(fd);
		fprintf(stderr, "vanlab: no QMP greeting at %s\n", sun.sun_path);
		return -1;
	}
	json_decref(j);
	if ((j = qmp_cmd(fd, "qmp_capabilities", NULL, timeout_ms, false)) == NULL) {
		close(fd);
		return -1;
	}
	json_decref(j);
	return fd;
}
