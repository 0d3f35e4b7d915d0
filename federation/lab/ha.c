/*
 * ha.c — see ha.h.  keepalived runs as vanlab's other daemons do
 * (daemon.c: its own session, its output appended to its log, its pid
 * noted, stopped by that pid after checking it is still ours), with
 * --dont-fork so that the pid vanlab has is keepalived's parent, which
 * stops its VRRP child when it stops; `down` deletes the namespaces
 * after, which ends whatever a notify script may have left.
 */
#include "federation/lab/ha.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "federation/lab/daemon.h"
#include "federation/lab/proc.h"
#include "proxy/pair.h"

/* The paths of gateway g's files, and its part of the pair. */
struct ha_paths {
	char	dir[256], conf[256], log[256], pid[256], main_pid[256], vrrp_pid[256];
	char	notify[4096], vanctl[4096], vanproxy[4096];
	struct pair_conf pair;
};

static int
paths_of(const struct state *st, const struct lab *lab, unsigned s, unsigned g,
    struct ha_paths *p)
{
	struct lab_pair_progs progs = { p->notify, p->vanctl, p->vanproxy };

	state_gw_path(st, lab, s, g, NULL, p->dir);
	state_gw_path(st, lab, s, g, "keepalived.conf", p->conf);
	state_gw_path(st, lab, s, g, "keepalived.log", p->log);
	state_gw_path(st, lab, s, g, "keepalived.pid", p->pid);
	state_gw_path(st, lab, s, g, "keepalived.main.pid", p->main_pid);
	state_gw_path(st, lab, s, g, "keepalived.vrrp.pid", p->vrrp_pid);
	daemon_bin(HA_NOTIFY, p->notify);
	daemon_bin("vanctl", p->vanctl);
	daemon_bin("vanproxy", p->vanproxy);
	return lab_pair_conf(lab, s, g, p->dir, &progs, &p->pair);
}

/* keepalived: $VANLAB_KEEPALIVED (another version, a test's wrapper), in
 * PATH, else where Debian puts it.  0, or -1 (reported). */
static int
keepalived_bin(char out[static 4096])
{
	const char *path = getenv("PATH"), *own = getenv(HA_KEEPALIVED_ENV);
	const char *p, *end;

	if (own != NULL && *own != '\0') {
		snprintf(out, 4096, "%s", own);
		if (access(out, X_OK) == 0)
			return 0;
		fprintf(stderr, "vanlab: %s=%s: %s\n", HA_KEEPALIVED_ENV, own,
		    strerror(errno));
		return -1;
	}

	for (p = path; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p) {
			snprintf(out, 4096, "%.*s/" HA_KEEPALIVED, (int)(end - p), p);
			if (access(out, X_OK) == 0)
				return 0;
		}
	}
	snprintf(out, 4096, "/usr/sbin/" HA_KEEPALIVED);
	if (access(out, X_OK) == 0)
		return 0;
	fprintf(stderr, "vanlab: a pair of gateways (proxy = { ha = true; }) needs "
	    "keepalived, which is not installed (tests/deps.sh ha installs it)\n");
	return -1;
}

/* keepalived.conf of gateway g: through path.tmp, then renamed over. */
static int
write_conf(const struct ha_paths *p, unsigned g)
{
	char tmp[300];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", p->conf);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	pair_keepalived_conf(f, &p->pair, g);
	if (ferror(f) | fclose(f) || rename(tmp, p->conf) == -1) {
		fprintf(stderr, "vanlab: cannot write %s: %s\n", p->conf, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * keepalived's own verdict on its file, in the gateway's namespace (it
 * looks its interfaces up).  Its messages, "(FILE: Line N) message", are
 * given in our form, "FILE:N: message"; the others after "FILE: ".
 * --config-test exits non-zero on warnings too: a file of ours has none.
 */
static int
config_test(const struct state *st, const struct lab *lab, unsigned s, unsigned g,
    const struct ha_paths *p, const char *bin)
{
	char out[256], ns[LAB_NS_MAX], line[1024], name[LAB_NAME_MAX + 8];
	char *argv[] = { (char *)(uintptr_t)bin, "--config-test", "-f",
	    (char *)(uintptr_t)p->conf, NULL };
	struct proc_spec ps = { .argv = argv, .out_fd = -1, .err_fd = -1,
	    .quiet = true };
	FILE *f;
	int fd, rc;

	state_gw_path(st, lab, s, g, "keepalived.test", out);
	lab_ns_gw(lab, st->prefix, s, g, ns);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "vanlab: %s: %s\n", out, strerror(errno));
		return -1;
	}
	ps.netns = ns;
	ps.err_fd = fd;
	rc = proc_run(&ps, HA_TEST_MS);
	close(fd);
	if (rc == 0)
		return 0;
	lab_gw_name(lab, s, g, name);
	fprintf(stderr, "vanlab: keepalived refuses the configuration of %s:\n", name);
	if ((f = fopen(out, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			char file[256];
			int n, at = 0;

			line[strcspn(line, "\n")] = '\0';
			if (sscanf(line, "(%255[^:]: Line %d)%n", file, &n, &at) == 2 &&
			    at > 0)
				fprintf(stderr, "%s:%d:%s\n", file, n, line + at);
			else if (line[0] != '\0')
				fprintf(stderr, "%s: %s\n", p->conf, line);
		}
		fclose(f);
	}
	return -1;
}

int
ha_prepare(const struct state *st, const struct lab *lab)
{
	static struct ha_paths p;
	char bin[4096];
	unsigned s, g;
	bool any = false;

	for (s = 0; s < lab->nsites; s++)
		any |= lab->site[s].ha;
	if (!any)
		return 0;
	if (keepalived_bin(bin) == -1)
		return -1;
	for (s = 0; s < lab->nsites; s++) {
		for (g = 0; lab->site[s].ha && g < LAB_GW_MAX; g++) {
			if (paths_of(st, lab, s, g, &p) == -1)
				return -1;
			if (access(p.notify, X_OK) == -1) {
				fprintf(stderr, "vanlab: %s: %s (make copies "
				    "contrib/keepalived/%s beside vanlab)\n", p.notify,
				    strerror(errno), HA_NOTIFY);
				return -1;
			}
			if (write_conf(&p, g) == -1 || config_test(st, lab, s, g, &p, bin) == -1)
				return -1;
		}
	}
	return 0;
}

pid_t
ha_start(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	static struct ha_paths p;
	char bin[4096], ns[LAB_NS_MAX];
	char *argv[] = { bin, "--dont-fork", "--log-console", "--log-detail",
	    "--no-syslog", "--vrrp", "-f", p.conf, "-p", p.main_pid, "-r", p.vrrp_pid,
	    NULL };

	if (keepalived_bin(bin) == -1 || paths_of(st, lab, s, g, &p) == -1)
		return -1;
	lab_ns_gw(lab, st->prefix, s, g, ns);
	/* A stale one of a killed keepalived, naming a pid reused since,
	 * would make this one think it runs already. */
	unlink(p.main_pid);
	unlink(p.vrrp_pid);
	return daemon_spawn_argv(argv, p.log, p.pid, ns);
}

pid_t
ha_pid(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	char pidf[256], conf[256];

	state_gw_path(st, lab, s, g, "keepalived.pid", pidf);
	state_gw_path(st, lab, s, g, "keepalived.conf", conf);
	return daemon_running(HA_KEEPALIVED, pidf, conf);
}

int
ha_stop_dir(const char *dir)
{
	char pidf[512], conf[512];

	snprintf(pidf, sizeof(pidf), "%s/keepalived.pid", dir);
	snprintf(conf, sizeof(conf), "%s/keepalived.conf", dir);
	return daemon_stop(HA_KEEPALIVED, pidf, conf);
}

bool
ha_drained(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	char path[256], buf[16] = "";
	FILE *f;

	state_gw_path(st, lab, s, g, "drain", path);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return atoi(buf) != 0;
}

void
ha_log_tail(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	char path[256], who[LAB_NAME_MAX + 32], name[LAB_NAME_MAX + 8];

	lab_gw_name(lab, s, g, name);
	state_gw_path(st, lab, s, g, "keepalived.log", path);
	snprintf(who, sizeof(who), "keepalived of %s", name);
	daemon_log_tail(path, who);
	state_gw_path(st, lab, s, g, "notify.log", path);
	snprintf(who, sizeof(who), HA_NOTIFY " of %s", name);
	daemon_log_tail(path, who);
}
