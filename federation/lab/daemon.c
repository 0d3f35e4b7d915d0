/*
 * daemon.c — see daemon.h.
 */
#include "federation/lab/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "federation/lab/proc.h"

#define CTL_WORDS_MAX	16

void
daemon_bin(const char *prog, char out[static 4096])
{
	char self[4096], *dir;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		snprintf(out, 4096, "%.*s/%s", 4000, dir, prog);
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, 4096, "%s", prog);
}

pid_t
daemon_spawn_argv(char *const *argv, const char *log, const char *pidf,
    const char *ns)
{
	struct proc_spec p = { .argv = argv, .out_fd = -1, .daemon = true };
	pid_t pid;
	int fd;

	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "vanlab: %s: %s\n", log, strerror(errno));
		return -1;
	}
	p.netns = ns;
	p.out_fd = fd;
	p.err_fd = fd;
	pid = proc_spawn(&p);
	close(fd);
	if (pid == -1)
		return -1;
	if (state_write_pid(pidf, pid) == -1) {
		kill(pid, SIGKILL);
		proc_wait(pid, DAEMON_STOP_MS, NULL);
		return -1;
	}
	return pid;
}

pid_t
daemon_spawn(const char *prog, const char *conf, const char *log, const char *pidf,
    const char *ns)
{
	char bin[4096];
	char *argv[] = { bin, "-f", (char *)(uintptr_t)conf, NULL };

	daemon_bin(prog, bin);
	return daemon_spawn_argv(argv, log, pidf, ns);
}

pid_t
daemon_start(const struct state *st, const struct lab *lab, unsigned h)
{
	char conf[256], log[256], pidf[256], ns[LAB_NS_MAX];

	state_host_path(st, lab, h, "edge.conf", conf);
	state_host_path(st, lab, h, "edge.log", log);
	state_host_path(st, lab, h, "edge.pid", pidf);
	lab_ns_host(lab, st->prefix, h, ns);
	return daemon_spawn("vanedge", conf, log, pidf, ns);
}

void
daemon_log_tail(const char *log, const char *who)
{
	char buf[DAEMON_LOG_TAIL + 1];
	ssize_t n;
	off_t size;
	int fd;

	if ((fd = open(log, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > DAEMON_LOG_TAIL ? size - DAEMON_LOG_TAIL : 0, SEEK_SET);
	n = read(fd, buf, DAEMON_LOG_TAIL);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	fprintf(stderr, "vanlab: --- %s (%s) ---\n%s%s", log, who, buf,
	    buf[n - 1] == '\n' ? "" : "\n");
}

/*
 * Is pid a `prog` started with `-f conf`?  Guards against a reused pid.
 * One on its way out (its memory, and so its cmdline, already gone) is
 * "exiting".
 */
enum which { OTHER, OURS, EXITING };

static enum which
which_process(pid_t pid, const char *prog, const char *conf)
{
	char path[64], buf[8192];
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return OTHER;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strncmp(buf, prog, strlen(prog)) != 0 || strcmp(buf + strlen(prog), "\n") != 0)
		return OTHER;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return OTHER;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n == 0)
		return EXITING;
	for (i = 0; i < n; i += strlen(buf + i) + 1)
		if (strcmp(buf + i, conf) == 0)
			return OURS;
	return OTHER;
}

pid_t
daemon_running(const char *prog, const char *pidf, const char *conf)
{
	pid_t pid = state_read_pid(pidf);

	if (pid <= 1 || proc_gone(pid) || which_process(pid, prog, conf) != OURS)
		return -1;
	return pid;
}

pid_t
daemon_pid(const struct state *st, const struct lab *lab, unsigned h)
{
	char pidf[256], conf[256];

	state_host_path(st, lab, h, "edge.pid", pidf);
	state_host_path(st, lab, h, "edge.conf", conf);
	return daemon_running("vanedge", pidf, conf);
}

int
daemon_stop(const char *prog, const char *pidfile, const char *conf)
{
	pid_t pid = state_read_pid(pidfile);

	if (pid <= 1 || proc_gone(pid))
		return 0;
	switch (which_process(pid, prog, conf)) {
	case OTHER:
		fprintf(stderr, "vanlab: pid %ld of %s is not our %s any more: "
		    "left alone\n", (long)pid, pidfile, prog);
		return 0;
	case OURS:
		kill(pid, SIGTERM);
		break;
	case EXITING:
		break;
	}
	if (proc_wait_gone(pid, DAEMON_STOP_MS))
		return 0;
	fprintf(stderr, "vanlab: %s %ld did not stop in %d ms: killed\n", prog,
	    (long)pid, DAEMON_STOP_MS);
	kill(pid, SIGKILL);
	return proc_wait_gone(pid, DAEMON_STOP_MS) ? 0 : -1;
}

/* argv = vanctl [--json] -s SOCK WORDS... */
static void
ctl_argv(const char *sock, bool json, const char *const *words, char *bin,
    char **argv)
{
	int n = 0, i;

	daemon_bin("vanctl", bin);
	argv[n++] = bin;
	if (json)
		argv[n++] = "--json";
	argv[n++] = "-s";
	argv[n++] = (char *)(uintptr_t)sock;
	for (i = 0; words[i] != NULL && i < CTL_WORDS_MAX; i++)
		argv[n++] = (char *)(uintptr_t)words[i];
	argv[n] = NULL;
}

json_t *
daemon_query_sock(const char *sock, const char *who, const char *const *words,
    bool quiet)
{
	static char out[PROC_CAPTURE_MAX];
	char bin[4096], *argv[CTL_WORDS_MAX + 6];
	struct proc_spec p = { .argv = argv, .out_fd = -1, .err_fd = -1,
	    .quiet = quiet };
	json_error_t jerr;
	json_t *j;

	ctl_argv(sock, true, words, bin, argv);
	if (proc_capture(&p, DAEMON_CTL_MS, out, sizeof(out)) == -1)
		return NULL;
	if ((j = json_loads(out, JSON_DECODE_ANY, &jerr)) == NULL && !quiet)
		fprintf(stderr, "vanlab: vanctl on %s: not JSON: %s\n", who, jerr.text);
	return j;
}

int
daemon_ctl_sock(const char *sock, const char *const *words, bool quiet)
{
	char bin[4096], *argv[CTL_WORDS_MAX + 6];
	struct proc_spec p = { .argv = argv, .out_fd = -1, .err_fd = -1,
	    .quiet = quiet };

	ctl_argv(sock, false, words, bin, argv);
	return proc_run(&p, DAEMON_CTL_MS);
}

json_t *
daemon_query(const struct state *st, const struct lab *lab, unsigned h,
    const char *const *words, bool quiet)
{
	char sock[256];

	state_host_path(st, lab, h, "edge.sock", sock);
	return daemon_query_sock(sock, lab->host[h].name, words, quiet);
}

int
daemon_ctl(const struct state *st, const struct lab *lab, unsigned h,
    const char *const *words, bool quiet)
{
	char sock[256];

	state_host_path(st, lab, h, "edge.sock", sock);
	return daemon_ctl_sock(sock, words, quiet);
}

/* Does host h share a VAN with its site's proxy (has a VM in one the
 * proxy carries)?  Only then do they keep each other alive. */
static bool
shares_with_proxy(const struct lab *lab, unsigned h)
{
	unsigned v;

	for (v = 0; v < lab->nvans; v++)
		if (lab_host_in_van(lab, h, v) && lab_proxy_carries(lab, lab->host[h].site, v))
			return true;
	return false;
}

bool
daemon_ready(const struct lab *lab, unsigned h, const json_t *members,
    const json_t *vans, char *why, size_t whylen)
{
	const struct lab_site *site = &lab->site[lab->host[h].site];
	bool fed = lab_federated(lab);
	const json_t *m;
	unsigned want = lab_site_peers(lab, h) + fed, i;
	char proxy[32] = "";
	size_t k;

	if (!json_is_array(members) || !json_is_array(vans)) {
		snprintf(why, whylen, "no answer");
		return false;
	}
	if (json_array_size(members) != want) {
		snprintf(why, whylen, "%zu members, not %u", json_array_size(members), want);
		return false;
	}
	if (fed) {
		char ip[16];

		snprintf(proxy, sizeof(proxy), "%s:%u", lab_ip_str(site->proxy_addr, ip),
		    LAB_SITE_PORT);
	}
	json_array_foreach(members, k, m) {
		const char *state = json_string_value(json_object_get(m, "state"));
		const char *addr = json_string_value(json_object_get(m, "address"));

		/* A proxy that carries none of our VANs says HELLO seldom. */
		if (fed && addr != NULL && strcmp(addr, proxy) == 0 &&
		    !shares_with_proxy(lab, h))
			continue;
		if (state == NULL || strcmp(state, "alive") != 0) {
			snprintf(why, whylen, "member %s is %s", addr ? addr : "?",
			    state ? state : "?");
			return false;
		}
	}
	for (i = 0; i < lab->nvans; i++) {
		const json_t *v, *found = NULL;
		unsigned expect = lab_van_peers(lab, h, i) +
		    (fed && lab_proxy_carries(lab, lab->host[h].site, i));
		json_int_t n;

		json_array_foreach(vans, k, v)
			if (json_integer_value(json_object_get(v, "id")) ==
			    (json_int_t)site->van_id[i])
				found = v;
		if (found == NULL) {
			snprintf(why, whylen, "VAN %s is not configured", lab->van[i].name);
			return false;
		}
		n = json_integer_value(json_object_get(found, "members"));
		if (n != (json_int_t)expect) {
			snprintf(why, whylen, "VAN %s has %lld members, not %u",
			    lab->van[i].name, (long long)n, expect);
			return false;
		}
	}
	return true;
}

int
daemon_wait_ready(const struct state *st, const struct lab *lab, int timeout_ms)
{
	static const char *const show_members[] = { "show", "members", NULL };
	static const char *const show_vans[] = { "show", "vans", NULL };
	long long deadline = proc_now_ms() + timeout_ms;
	char why[256] = "";
	unsigned h;

	for (h = 0; h < lab->nhosts; h++) {
		for (;;) {
			json_t *m = daemon_query(st, lab, h, show_members, true);
			json_t *v = m ? daemon_query(st, lab, h, show_vans, true) : NULL;
			bool ok = daemon_ready(lab, h, m, v, why, sizeof(why));

			json_decref(m);
			json_decref(v);
			if (ok)
				break;
			if (daemon_pid(st, lab, h) == -1) {
				fprintf(stderr, "vanlab: vanedge of host %s is not running\n",
				    lab->host[h].name);
				return -1;
			}
			if (proc_interrupted)
				return -1;
			if (proc_now_ms() >= deadline) {
				fprintf(stderr, "vanlab: host %s not ready after %d ms: %s\n",
				    lab->host[h].name, timeout_ms, why);
				return -1;
			}
			proc_sleep_ms(20);
		}
	}
	return 0;
}
