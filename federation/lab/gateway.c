/*
 * gateway.c — see gateway.h.  The proxies are started one after another,
 * each once its control socket answers (testbed.c): the first one's
 * handshakes then go to peers that are not there yet and are lost, and
 * each later one's are answered at once, so no two initiations cross (two
 * that do wait for a retransmission, 5 s, docs/proxy.md §7).
 */
#include "federation/lab/gateway.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/wg.h"
#include "federation/lab/daemon.h"
#include "federation/lab/ha.h"
#include "federation/lab/proc.h"

#define UAPI_DIR	"/var/run/wireguard"

static void
uapi_path(const char *wg, char out[static 256])
{
	snprintf(out, 256, UAPI_DIR "/%s.sock", wg);
}

/* DIR/psk-A-B.key */
static void
psk_path(const struct state *st, const struct lab *lab, unsigned p,
    char out[static 256])
{
	char name[64];

	snprintf(name, sizeof(name), "psk-%s-%s.key",
	    lab->site[lab->peering[p].site[0]].name,
	    lab->site[lab->peering[p].site[1]].name);
	state_path(st, name, out);
}

static int
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (f == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", text);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "vanlab: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

int
gateway_prepare(const struct state *st, const struct lab *lab)
{
	static char pub[LAB_SITE_MAX][WG_KEY_B64_LEN + 1];
	static char psk[LAB_PEERING_MAX][256];
	const char *pubp[LAB_SITE_MAX], *pskp[LAB_PEERING_MAX];
	char dir[256], path[256], wg[LAB_WG_NAME_MAX];
	struct stat sb;
	unsigned s, p, g;

	for (s = 0; s < lab->nsites; s++) {
		for (g = 0; g < lab_gateways(lab, s); g++) {
			lab_gw_wg_name(lab, st->prefix, s, g, wg);
			uapi_path(wg, path);
			if (lstat(path, &sb) == 0) {
				fprintf(stderr, "vanlab: %s exists: another vanproxy (or "
				    "wg) uses the name %s; choose another prefix\n", path,
				    wg);
				return -1;
			}
			state_gw_path(st, lab, s, g, NULL, dir);
			if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
				fprintf(stderr, "vanlab: mkdir %s: %s\n", dir,
				    strerror(errno));
				return -1;
			}
			state_gw_path(st, lab, s, g, "wg.name", path);
			if (write_text(path, wg) == -1)
				return -1;
		}
		/* One key per site: a pair's second gateway reads the first's. */
		state_proxy_path(st, lab, s, "proxy.key", path);
		if (lab->site[s].key[0] != '\0') {
			char src[8192];

			lab_path(lab, lab->site[s].key, src);
			if (state_copy_key(path, src, pub[s]) == -1)
				return -1;
		} else if (state_write_key(path, true, pub[s]) == -1)
			return -1;
		/* A plan names each proxy's public key in its peers' files. */
		if (lab->site[s].plan_pub[0] != '\0' &&
		    strcmp(lab->site[s].plan_pub, pub[s]) != 0) {
			fprintf(stderr, "vanlab: site %s: its private key's public key is "
			    "%s, its peers' files (plan %s) say %s\n", lab->site[s].name,
			    pub[s], lab->plan, lab->site[s].plan_pub);
			return -1;
		}
		pubp[s] = pub[s];
	}
	for (p = 0; p < lab->npeerings; p++) {
		psk_path(st, lab, p, psk[p]);
		pskp[p] = psk[p];
		if (lab->peering[p].psk && state_write_key(psk[p], false, NULL) == -1)
			return -1;
	}
	for (s = 0; s < lab->nsites; s++)
		if (state_save_proxy_conf(st, lab, s, pubp, pskp) == -1)
			return -1;
	return 0;
}

pid_t
gateway_start(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	char conf[256], log[256], pidf[256], ns[LAB_NS_MAX];

	state_gw_path(st, lab, s, g, "proxy.conf", conf);
	state_gw_path(st, lab, s, g, "proxy.log", log);
	state_gw_path(st, lab, s, g, "proxy.pid", pidf);
	lab_ns_gw(lab, st->prefix, s, g, ns);
	return daemon_spawn("vanproxy", conf, log, pidf, ns);
}

pid_t
gateway_pid(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	char conf[256], pidf[256];

	state_gw_path(st, lab, s, g, "proxy.conf", conf);
	state_gw_path(st, lab, s, g, "proxy.pid", pidf);
	return daemon_running("vanproxy", pidf, conf);
}

json_t *
gateway_query_gw(const struct state *st, const struct lab *lab, unsigned s,
    unsigned g, const char *const *words, bool quiet)
{
	char sock[256], who[LAB_NAME_MAX + 32], name[LAB_NAME_MAX + 8];

	state_gw_path(st, lab, s, g, "proxy.sock", sock);
	lab_gw_name(lab, s, g, name);
	snprintf(who, sizeof(who), "the proxy of %s (%s)", lab->site[s].name, name);
	return daemon_query_sock(sock, who, words, quiet);
}

/* The gateway that speaks for site s: of a pair the active one, else
 * (none active) the first. */
static unsigned
in_service(const struct state *st, const struct lab *lab, unsigned s)
{
	int g = gateway_active(st, lab, s);

	return g < 0 ? 0 : (unsigned)g;
}

json_t *
gateway_query(const struct state *st, const struct lab *lab, unsigned s,
    const char *const *words, bool quiet)
{
	return gateway_query_gw(st, lab, s, in_service(st, lab, s), words, quiet);
}

int
gateway_ctl(const struct state *st, const struct lab *lab, unsigned s,
    const char *const *words, bool quiet)
{
	char sock[256];

	state_gw_path(st, lab, s, in_service(st, lab, s), "proxy.sock", sock);
	return daemon_ctl_sock(sock, words, quiet);
}

enum gateway_role
gateway_role(const struct state *st, const struct lab *lab, unsigned s, unsigned g)
{
	static const char *const show_stats[] = { "show", "stats", NULL };
	json_t *j = gateway_query_gw(st, lab, s, g, show_stats, true);
	const char *role = json_string_value(json_object_get(json_object_get(j,
	    "daemon"), "role"));
	enum gateway_role r = GATEWAY_DOWN;

	/* A vanproxy of before pairs has no role: it is always in service. */
	if (j != NULL)
		r = role == NULL || strcmp(role, "active") == 0 ? GATEWAY_ACTIVE :
		    GATEWAY_STANDBY;
	json_decref(j);
	return r;
}

const char *
gateway_role_str(enum gateway_role r)
{
	return r == GATEWAY_ACTIVE ? "active" : r == GATEWAY_STANDBY ? "standby" :
	    "down";
}

int
gateway_active(const struct state *st, const struct lab *lab, unsigned s)
{
	unsigned g;
	int active = -1;

	if (!lab->site[s].ha)
		return 0;
	for (g = 0; g < LAB_GW_MAX; g++)
		if (gateway_role(st, lab, s, g) == GATEWAY_ACTIVE) {
			if (active >= 0)
				return -2;
			active = (int)g;
		}
	return active;
}

int
gateway_wait_active(const struct state *st, const struct lab *lab, int timeout_ms)
{
	long long t0 = proc_now_ms(), deadline = t0 + timeout_ms;
	char name[LAB_NAME_MAX + 8];
	unsigned s, g;
	int a;

	for (s = 0; s < lab->nsites; s++) {
		if (!lab->site[s].ha)
			continue;
		while ((a = gateway_active(st, lab, s)) < 0) {
			for (g = 0; g < LAB_GW_MAX; g++) {
				lab_gw_name(lab, s, g, name);
				if (gateway_pid(st, lab, s, g) == -1) {
					fprintf(stderr, "vanlab: vanproxy of %s is not "
					    "running\n", name);
					return -1;
				}
				if (ha_pid(st, lab, s, g) == -1) {
					fprintf(stderr, "vanlab: keepalived of %s is not "
					    "running\n", name);
					return -1;
				}
			}
			if (proc_interrupted)
				return -1;
			if (proc_now_ms() >= deadline) {
				fprintf(stderr, "vanlab: site %s: %s after %d ms\n",
				    lab->site[s].name, a == -2 ? "both gateways active" :
				    "no gateway active", timeout_ms);
				return -1;
			}
			proc_sleep_ms(20);
		}
		lab_gw_name(lab, s, (unsigned)a, name);
		printf("vanlab: site %s: %s active after %lld ms (keepalived)\n",
		    lab->site[s].name, name, proc_now_ms() - t0);
	}
	return 0;
}

int
gateway_wait_socket(const struct state *st, const struct lab *lab, unsigned s,
    unsigned g, pid_t pid, int timeout_ms)
{
	static const char *const show[] = { "show", "vans", NULL };
	long long deadline = proc_now_ms() + timeout_ms;
	char why[32], name[LAB_NAME_MAX + 8];
	int status;

	lab_gw_name(lab, s, g, name);
	for (;;) {
		json_t *j = gateway_query_gw(st, lab, s, g, show, true);

		json_decref(j);
		if (j != NULL)
			return 0;
		if (proc_ended(pid, &status) || (kill(pid, 0) == -1 && errno == ESRCH)) {
			proc_status_str(status, why, sizeof(why));
			fprintf(stderr, "vanlab: vanproxy of %s ended (%s)\n", name, why);
			return -1;
		}
		if (proc_interrupted)
			return -1;
		if (proc_now_ms() >= deadline) {
			fprintf(stderr, "vanlab: vanproxy of %s: no control socket "
			    "after %d ms\n", name, timeout_ms);
			return -1;
		}
		proc_sleep_ms(10);
	}
}

/* Does the proxy of site s carry a VAN host h has a VM in? */
static bool
shares(const struct lab *lab, unsigned s, unsigned h)
{
	unsigned v;

	for (v = 0; v < lab->nvans; v++)
		if (lab_host_in_van(lab, h, v) && lab_proxy_carries(lab, s, v))
			return true;
	return false;
}

static bool
peers_ready(const struct lab *lab, unsigned s, const json_t *peers, char *why,
    size_t whylen)
{
	const json_t *pr, *pv;
	size_t k, i;

	if (json_array_size(peers) != lab_proxy_peers(lab, s)) {
		snprintf(why, whylen, "%zu peers, not %u", json_array_size(peers),
		    lab_proxy_peers(lab, s));
		return false;
	}
	json_array_foreach(peers, k, pr) {
		const char *name = json_string_value(json_object_get(pr, "name"));
		const char *state = json_string_value(json_object_get(pr, "state"));

		if (name == NULL || lab_find_site(lab, name) < 0) {
			snprintf(why, whylen, "peer '%s' is not a site", name ? name : "?");
			return false;
		}
		if (!json_is_integer(json_object_get(pr, "handshake_age_s"))) {
			snprintf(why, whylen, "no handshake with peer %s yet", name);
			return false;
		}
		if (state == NULL || strcmp(state, "alive") != 0) {
			snprintf(why, whylen, "peer %s is %s", name, state ? state : "?");
			return false;
		}
		json_array_foreach(json_object_get(pr, "vans"), i, pv)
			if (!json_is_true(json_object_get(pv, "joined"))) {
				snprintf(why, whylen, "peer %s has not JOINed VAN %lld", name,
				    (long long)json_integer_value(json_object_get(pv, "local")));
				return false;
			}
	}
	return true;
}

bool
gateway_ready(const struct lab *lab, unsigned s, const json_t *peers,
    const json_t *members, const json_t *vans, char *why, size_t whylen)
{
	const struct lab_site *site = &lab->site[s];
	const json_t *m, *v;
	unsigned h, i, nhosts = 0;
	size_t k;

	if (!json_is_array(peers) || !json_is_array(members) || !json_is_array(vans)) {
		snprintf(why, whylen, "no answer");
		return false;
	}
	if (!peers_ready(lab, s, peers, why, whylen))
		return false;
	for (h = 0; h < lab->nhosts; h++) {
		char addr[32], ip[16];
		const char *state = NULL;

		if (lab->host[h].site != s)
			continue;
		nhosts++;
		snprintf(addr, sizeof(addr), "%s:%u", lab_ip_str(lab->host[h].addr, ip),
		    LAB_SITE_PORT);
		json_array_foreach(members, k, m) {
			const char *a = json_string_value(json_object_get(m, "address"));

			if (a != NULL && strcmp(a, addr) == 0)
				state = json_string_value(json_object_get(m, "state"));
		}
		if (shares(lab, s, h) && (state == NULL || strcmp(state, "alive") != 0)) {
			snprintf(why, whylen, "host %s is %s", lab->host[h].name,
			    state ? state : "not a member");
			return false;
		}
	}
	if (json_array_size(members) != nhosts + lab_proxy_peers(lab, s)) {
		snprintf(why, whylen, "%zu members, not %u hosts and %u peers",
		    json_array_size(members), nhosts, lab_proxy_peers(lab, s));
		return false;
	}
	for (i = 0; i < lab->nvans; i++) {
		const json_t *found = NULL;
		unsigned want = lab_proxy_van_members(lab, s, i);

		if (!lab_proxy_carries(lab, s, i))
			continue;
		json_array_foreach(vans, k, v)
			if (json_integer_value(json_object_get(v, "id")) ==
			    (json_int_t)site->van_id[i])
				found = v;
		if (found == NULL) {
			snprintf(why, whylen, "VAN %s is not configured", lab->van[i].name);
			return false;
		}
		if (json_integer_value(json_object_get(found, "members")) != (json_int_t)want) {
			snprintf(why, whylen, "VAN %s has %lld members, not %u",
			    lab->van[i].name,
			    (long long)json_integer_value(json_object_get(found, "members")),
			    want);
			return false;
		}
	}
	return true;
}

int
gateway_wait_ready(const struct state *st, const struct lab *lab, int timeout_ms)
{
	static const char *const show_peers[] = { "show", "peers", NULL };
	static const char *const show_members[] = { "show", "members", NULL };
	static const char *const show_vans[] = { "show", "vans", NULL };
	long long deadline = proc_now_ms() + timeout_ms;
	char why[256] = "";
	unsigned s;

	for (s = 0; s < lab->nsites; s++) {
		for (;;) {
			json_t *p = gateway_query(st, lab, s, show_peers, true);
			json_t *m = p ? gateway_query(st, lab, s, show_members, true) : NULL;
			json_t *v = m ? gateway_query(st, lab, s, show_vans, true) : NULL;
			bool ok = gateway_ready(lab, s, p, m, v, why, sizeof(why));

			json_decref(p);
			json_decref(m);
			json_decref(v);
			if (ok)
				break;
			if (gateway_pid(st, lab, s, in_service(st, lab, s)) == -1) {
				fprintf(stderr, "vanlab: vanproxy of site %s is not running\n",
				    lab->site[s].name);
				return -1;
			}
			if (proc_interrupted)
				return -1;
			if (proc_now_ms() >= deadline) {
				fprintf(stderr, "vanlab: proxy of site %s not ready after %d "
				    "ms: %s\n", lab->site[s].name, timeout_ms, why);
				return -1;
			}
			proc_sleep_ms(20);
		}
	}
	return 0;
}

int
gateway_stop_dir(const char *dir)
{
	char pidf[512], conf[512];

	snprintf(pidf, sizeof(pidf), "%s/proxy.pid", dir);
	snprintf(conf, sizeof(conf), "%s/proxy.conf", dir);
	return daemon_stop("vanproxy", pidf, conf);
}

int
gateway_forget_uapi(const char *dir)
{
	char name[512], wg[LAB_WG_NAME_MAX + 2], path[256];
	FILE *f;
	int rc = 0;

	snprintf(name, sizeof(name), "%s/wg.name", dir);
	if ((f = fopen(name, "re")) == NULL)
		return 0;
	if (fgets(wg, sizeof(wg), f) != NULL) {
		wg[strcspn(wg, "\n")] = '\0';
		if (wg[0] != '\0' && strchr(wg, '/') == NULL) {
			uapi_path(wg, path);
			if (unlink(path) == -1 && errno != ENOENT)
				rc = -1;
		}
	}
	fclose(f);
	return rc;
}

void
gateway_log_tail(const struct state *st, const struct lab *lab, unsigned s)
{
	char log[256], who[LAB_NAME_MAX + 32], name[LAB_NAME_MAX + 8];
	unsigned g;

	for (g = 0; g < lab_gateways(lab, s); g++) {
		state_gw_path(st, lab, s, g, "proxy.log", log);
		lab_gw_name(lab, s, g, name);
		snprintf(who, sizeof(who), "proxy of site %s, %s", lab->site[s].name,
		    name);
		daemon_log_tail(log, who);
		if (lab->site[s].ha)
			ha_log_tail(st, lab, s, g);
	}
}

/* A pair's gateway restarts as a machine would: keepalived goes first
 * (the VIPs go to the twin, notify_stop), then vanproxy; both start
 * again (vanproxy undrains itself at its start), vanproxy standby until
 * keepalived says otherwise. */
static int
restart_pair_gw(const struct state *st, const struct lab *lab, unsigned s,
    unsigned g)
{
	char dir[256], name[LAB_NAME_MAX + 8];
	long long t0, t1, t2;
	pid_t old, pid, kpid;

	lab_gw_name(lab, s, g, name);
	state_gw_path(st, lab, s, g, NULL, dir);
	t0 = proc_now_ms();
	old = gateway_pid(st, lab, s, g);
	if (ha_stop_dir(dir) == -1 || gateway_stop_dir(dir) == -1 ||
	    gateway_forget_uapi(dir) == -1)
		return -1;
	t1 = proc_now_ms();
	if ((pid = gateway_start(st, lab, s, g)) == -1 ||
	    gateway_wait_socket(st, lab, s, g, pid, DAEMON_SOCKET_MS) == -1 ||
	    (kpid = ha_start(st, lab, s, g)) == -1) {
		gateway_log_tail(st, lab, s);
		return -1;
	}
	t2 = proc_now_ms();
	printf("vanlab: %s restarted (vanproxy pid %ld, ", name, (long)pid);
	if (old == -1)
		printf("was not running");
	else
		printf("was %ld", (long)old);
	printf("; keepalived pid %ld): stopped in %lld ms, control socket %lld ms "
	    "after the start; keepalived gives it its role\n", (long)kpid, t1 - t0,
	    t2 - t1);
	return 0;
}

int
gateway_restart(const char *prefix, const char *name)
{
	struct state st;
	struct lab *lab = NULL;
	char err[LAB_ERR_MAX], dir[256];
	long long t0, t1, t2;
	pid_t old, pid;
	int s, g, rc = -1;

	if (state_open(&st, prefix, true) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return -1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	if ((s = lab_find_gw(lab, name, &g)) < 0) {
		fprintf(stderr, "vanlab: no proxy '%s' in lab %s (restart SITE-gw, of a "
		    "pair SITE-gw1 or SITE-gw2)\n", name, prefix);
		goto out;
	}
	if (lab->site[s].ha) {
		/* SITE-gw of a pair: the one in service. */
		rc = restart_pair_gw(&st, lab, (unsigned)s,
		    g >= 0 ? (unsigned)g : in_service(&st, lab, (unsigned)s));
		goto out;
	}
	state_proxy_path(&st, lab, (unsigned)s, NULL, dir);
	t0 = proc_now_ms();
	old = gateway_pid(&st, lab, (unsigned)s, 0);
	if (gateway_stop_dir(dir) == -1 || gateway_forget_uapi(dir) == -1)
		goto out;
	t1 = proc_now_ms();
	if ((pid = gateway_start(&st, lab, (unsigned)s, 0)) == -1 ||
	    gateway_wait_socket(&st, lab, (unsigned)s, 0, pid, DAEMON_SOCKET_MS) == -1) {
		gateway_log_tail(&st, lab, (unsigned)s);
		goto out;
	}
	t2 = proc_now_ms();
	if (old == -1)
		printf("vanlab: proxy of site %s was not running; started (pid %ld), "
		    "control socket after %lld ms\n", lab->site[s].name, (long)pid,
		    t2 - t1);
	else
		printf("vanlab: proxy of site %s restarted (pid %ld, was %ld): stopped in "
		    "%lld ms, control socket %lld ms after the start\n", lab->site[s].name,
		    (long)pid, (long)old, t1 - t0, t2 - t1);
	rc = 0;
out:
	lab_free(lab);
	state_close(&st);
	return rc;
}
