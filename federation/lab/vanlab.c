/*
 * vanlab.c — the lab's main: a table of commands, their options, and the
 * small commands (status, exec, ctl, check, demo) that only read the state
 * or chain others.  Building and tearing down is testbed.c (and, with
 * several sites, gateway.c for the proxies), the report is report.c, the
 * topology model lab.c and labfed.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "edge/van/mac.h"
#include "federation/daemon.h"
#include "federation/gateway.h"
#include "federation/lab.h"
#include "federation/netns.h"
#include "federation/proc.h"
#include "federation/report.h"
#include "federation/state.h"
#include "federation/testbed.h"

#define PREFIX_DEFAULT	"vl"
#define ARGS_MAX	64

struct opts {
	const char	*prefix;
	const char	*edge;		/* check --edge HOST */
	const char	*proxy;		/* check --proxy SITE */
	bool		keep;		/* demo --keep */
	bool		json;		/* migrate --json */
	bool		learn;		/* migrate --learn */
};

struct command {
	const char	*name;
	int		(*run)(struct opts *, int, char **);
	int		min, max;	/* positional arguments; max -1: any */
	bool		stop_at_arg;	/* exec, ctl: the rest is a command */
	const char	*usage;
};

static const char *self = "vanlab";

static void usage(void) __attribute__((noreturn));

static bool
prefix_usable(const char *prefix)
{
	if (lab_prefix_ok(prefix))
		return true;
	fprintf(stderr, "vanlab: prefix '%s': 1-%d of a-z 0-9\n", prefix,
	    LAB_PREFIX_MAX - 1);
	return false;
}

/* The running lab of o->prefix: state and model, or NULL (reported). */
static struct lab *
open_lab(const struct opts *o, struct state *st)
{
	char err[LAB_ERR_MAX];
	struct lab *lab;

	if (state_open(st, o->prefix, false) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s' is up (%s/%s)\n",
		    o->prefix, STATE_ROOT, o->prefix);
		return NULL;
	}
	if ((lab = state_load_lab(st, err)) == NULL)
		fprintf(stderr, "vanlab: %s\n", err);
	return lab;
}

static struct lab *
load_topology(const char *path)
{
	char err[LAB_ERR_MAX];
	struct lab *lab = lab_load(path, err);

	if (lab == NULL)
		fprintf(stderr, "%s\n", err);
	return lab;
}

/* ------------------------------------------------------------ commands --- */

static int
cmd_up(struct opts *o, int argc, char **argv)
{
	struct lab *lab;
	int rc;

	(void)argc;
	if ((lab = load_topology(argv[0])) == NULL)
		return 1;
	rc = testbed_up(lab, o->prefix);
	lab_free(lab);
	return rc == 0 ? 0 : 1;
}

static int
cmd_down(struct opts *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return testbed_down(o->prefix, true) == 0 ? 0 : 1;
}

static int
cmd_report(struct opts *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return report_run(o->prefix) == 0 ? 0 : 1;
}

static int
cmd_migrate(struct opts *o, int argc, char **argv)
{
	struct testbed_move moves[LAB_VM_MAX];
	int i;

	if (argc % 2 != 0 || argc / 2 > LAB_VM_MAX) {
		fprintf(stderr, "vanlab: migrate VM HOST [VM HOST]...\n");
		return 2;
	}
	for (i = 0; i < argc / 2; i++) {
		moves[i].vm = argv[2 * i];
		moves[i].host = argv[2 * i + 1];
	}
	return testbed_migrate(o->prefix, moves, (unsigned)argc / 2, o->learn,
	    o->json) == 0 ? 0 : 1;
}

/* check --proxy SITE: the proxy's files as `up` would write them, with
 * keys made for the occasion (up makes its own). */
static int
check_proxy(const struct opts *o, const struct lab *lab, const char *site)
{
	static char pub[LAB_SITE_MAX][WG_KEY_B64_LEN + 1];
	const char *pubp[LAB_SITE_MAX], *pskp[LAB_PEERING_MAX];
	char dir[200], sock[256], key[256], site_key[256], wg[LAB_WG_NAME_MAX];
	struct lab_proxy_files files = { sock, key, site_key, wg, "peering.conf", NULL };
	struct wg_key k, pk;
	int s;
	unsigned i;

	if (!lab_federated(lab) || (s = lab_find_site(lab, site)) < 0) {
		fprintf(stderr, "vanlab: no proxy of site '%s' in %s (a lab of several "
		    "sites has one per site)\n", site, lab->file);
		return 1;
	}
	for (i = 0; i < lab->nsites; i++) {
		key_generate(&k, &wg_rng_default);
		if (key_public(&pk, &k) == -1) {
			key_wipe(&k);
			return 1;
		}
		key_wipe(&k);
		key_to_base64(pub[i], &pk);
		pubp[i] = pub[i];
	}
	for (i = 0; i < lab->npeerings; i++)
		pskp[i] = "(made by vanlab up)";
	snprintf(dir, sizeof(dir), "%s/%s/%s-gw", STATE_ROOT, o->prefix, site);
	snprintf(sock, sizeof(sock), "%s/proxy.sock", dir);
	snprintf(key, sizeof(key), "%s/proxy.key", dir);
	state_site_key_path(o->prefix, lab, (unsigned)s, site_key);
	lab_wg_name(lab, o->prefix, (unsigned)s, wg);
	printf("# %s/proxy.conf\n", dir);
	if (lab->plan[0] != '\0') {
		char plan[8192];

		files.vans = "vans.conf";
		lab_proxy_conf(stdout, lab, (unsigned)s, &files);
		lab_path(lab, lab->plan, plan);
		printf("\n# peering.conf and vans.conf: copies of vanplan's %s/%s/\n",
		    plan, site);
		return 0;
	}
	lab_proxy_conf(stdout, lab, (unsigned)s, &files);
	printf("\n# %s/peering.conf (the public keys here are examples: `up` makes "
	    "the keys)\n", dir);
	lab_peering_conf(stdout, lab, (unsigned)s, pubp, pskp);
	return 0;
}

static int
cmd_check(struct opts *o, int argc, char **argv)
{
	struct lab *lab;
	int h, rc = 0;

	(void)argc;
	if ((lab = load_topology(argv[0])) == NULL)
		return 1;
	if (o->proxy != NULL)
		rc = check_proxy(o, lab, o->proxy);
	else if (o->edge == NULL)
		lab_print(stdout, lab);
	else if ((h = lab_find_host(lab, o->edge)) < 0) {
		fprintf(stderr, "vanlab: no host '%s' in %s\n", o->edge, argv[0]);
		rc = 1;
	} else {
		char sock[256], key[256];

		snprintf(sock, sizeof(sock), "%s/%s/%s-%s/edge.sock", STATE_ROOT,
		    o->prefix, lab->site[lab->host[h].site].name, lab->host[h].name);
		state_site_key_path(o->prefix, lab, lab->host[h].site, key);
		lab_edge_conf(stdout, lab, (unsigned)h, sock, key);
	}
	lab_free(lab);
	return rc;
}

/* The proxies' lines of `status`; how many are not as they should be. */
static int
status_proxies(const struct opts *o, const struct state *st, const struct lab *lab)
{
	static const char *const show_peers[] = { "show", "peers", NULL };
	char ns[LAB_NS_MAX], ip[16], ip2[16], wg[LAB_WG_NAME_MAX];
	unsigned s;
	int bad = 0;

	printf("\n%-8s %-18s %-15s %-15s %-16s %-16s %s\n", "PROXY", "NAMESPACE",
	    "UNDERLAY", "INTERNET", "VANPROXY", "WG", "PEERS");
	for (s = 0; s < lab->nsites; s++) {
		pid_t pid = gateway_pid(st, lab, s);
		json_t *p = pid != -1 ? gateway_query(st, lab, s, show_peers, true) : NULL;
		char daemon[32], peers[64] = "-", name[LAB_NAME_MAX + 4];
		size_t k, alive = 0;
		json_t *x;

		if (pid == -1)
			snprintf(daemon, sizeof(daemon), "NOT RUNNING");
		else
			snprintf(daemon, sizeof(daemon), "pid %ld", (long)pid);
		if (json_is_array(p)) {
			json_array_foreach(p, k, x) {
				const char *ps = json_string_value(json_object_get(x, "state"));

				alive += ps != NULL && strcmp(ps, "alive") == 0;
			}
			snprintf(peers, sizeof(peers), "%zu/%zu alive", alive,
			    json_array_size(p));
		} else if (pid != -1)
			snprintf(peers, sizeof(peers), "NO ANSWER");
		if (pid == -1 || !json_is_array(p) || alive != json_array_size(p))
			bad++;
		json_decref(p);
		lab_ns_proxy(lab, o->prefix, s, ns);
		lab_wg_name(lab, o->prefix, s, wg);
		snprintf(name, sizeof(name), "%s-gw", lab->site[s].name);
		printf("%-8s %-18s %-15s %-15s %-16s %-16s %s\n", name, ns,
		    lab_ip_str(lab->site[s].proxy_addr, ip),
		    lab_ip_str(lab->site[s].proxy_inet, ip2), daemon, wg, peers);
	}
	return bad;
}

static int
cmd_status(struct opts *o, int argc, char **argv)
{
	static const char *const show_members[] = { "show", "members", NULL };
	struct state st;
	struct lab *lab;
	char ns[LAB_NS_MAX], ip[16], mac[18];
	unsigned h, v;
	int bad = 0;

	(void)argc;
	(void)argv;
	if ((lab = open_lab(o, &st)) == NULL)
		return 1;
	printf("lab %s (state in %s)\n", o->prefix, st.dir);
	for (h = 0; lab->site_key && h < lab->nsites; h++) {
		char key[256];

		state_site_key_path(o->prefix, lab, h, key);
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

		if (pid == -1)
			snprintf(daemon, sizeof(daemon), "NOT RUNNING");
		else
			snprintf(daemon, sizeof(daemon), "pid %ld", (long)pid);
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
		lab_ns_host(lab, o->prefix, h, ns);
		printf("%-8s %-18s %-15s %-16s %s\n", lab->host[h].name, ns,
		    lab_ip_str(lab->host[h].addr, ip), daemon, members);
	}
	printf("\n%-8s %-18s %-8s %-8s %-18s %-17s %s\n", "VM", "NAMESPACE", "VAN",
	    "HOST", "IP", "MAC", "ETH0");
	for (v = 0; v < lab->nvms; v++) {
		const struct lab_vm *vm = &lab->vm[v];
		char addr[32];
		bool up;

		lab_ns_vm(lab, o->prefix, v, ns);
		up = netns_ip(ns, true, "link", "show", "dev", "eth0", NULL) == 0;
		bad += !up;
		snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(vm->ip, ip), vm->plen);
		mac_str(vm->mac, mac);
		printf("%-8s %-18s %-8s %-8s %-18s %-17s %s\n", vm->name, ns,
		    lab->van[vm->van].name, lab->host[vm->host].name, addr, mac,
		    up ? "present" : "MISSING");
	}
	if (lab_federated(lab))
		bad += status_proxies(o, &st, lab);
	lab_free(lab);
	state_close(&st);
	return bad ? 1 : 0;
}

/* Site s if name is "SITE-gw" of a lab of several sites, else -1. */
static int
proxy_named(const struct lab *lab, const char *name)
{
	unsigned s;

	for (s = 0; lab_federated(lab) && s < lab->nsites; s++) {
		size_t n = strlen(lab->site[s].name);

		if (strncmp(name, lab->site[s].name, n) == 0 &&
		    strcmp(name + n, "-gw") == 0)
			return (int)s;
	}
	return -1;
}

/* The namespace a short name stands for: a VM, a host, SITE-sw, and with
 * several sites SITE-gw and inet. */
static int
target_ns(const struct lab *lab, const char *prefix, const char *name,
    char ns[static LAB_NS_MAX])
{
	unsigned s;
	int i;

	if ((i = proxy_named(lab, name)) >= 0) {
		lab_ns_proxy(lab, prefix, (unsigned)i, ns);
		return 0;
	}
	if (lab_federated(lab) && strcmp(name, "inet") == 0) {
		lab_ns_inet(prefix, ns);
		return 0;
	}
	if ((i = lab_find_vm(lab, name)) >= 0) {
		lab_ns_vm(lab, prefix, (unsigned)i, ns);
		return 0;
	}
	if ((i = lab_find_host(lab, name)) >= 0) {
		lab_ns_host(lab, prefix, (unsigned)i, ns);
		return 0;
	}
	for (s = 0; s < lab->nsites; s++) {
		lab_ns_switch(lab, prefix, s, ns);
		if (strcmp(ns + strlen(prefix) + 1, name) == 0)
			return 0;
	}
	return -1;
}

/* exec and ctl end in an exec of their own: the exit status is the
 * command's. */
static int
cmd_exec(struct opts *o, int argc, char **argv)
{
	struct state st;
	struct lab *lab;
	char ns[LAB_NS_MAX], *args[ARGS_MAX + 5];
	int i, n = 0;

	if ((lab = open_lab(o, &st)) == NULL)
		return 1;
	if (target_ns(lab, o->prefix, argv[0], ns) == -1) {
		fprintf(stderr, "vanlab: no VM or host '%s' in lab %s\n", argv[0], o->prefix);
		lab_free(lab);
		return 1;
	}
	lab_free(lab);
	state_close(&st);
	i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc || argc - i > ARGS_MAX) {
		fprintf(stderr, "vanlab: exec NAME -- COMMAND... (at most %d words)\n",
		    ARGS_MAX);
		return 2;
	}
	args[n++] = "ip";
	args[n++] = "netns";
	args[n++] = "exec";
	args[n++] = ns;
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	execvp(args[0], args);
	fprintf(stderr, "vanlab: cannot run ip: %s\n", strerror(errno));
	return 127;
}

static int
cmd_ctl(struct opts *o, int argc, char **argv)
{
	struct state st;
	struct lab *lab;
	char bin[4096], sock[256], *args[ARGS_MAX + 5];
	int h, i, n = 0;

	if ((lab = open_lab(o, &st)) == NULL)
		return 1;
	if ((h = proxy_named(lab, argv[0])) >= 0)
		state_proxy_path(&st, lab, (unsigned)h, "proxy.sock", sock);
	else if ((h = lab_find_host(lab, argv[0])) >= 0)
		state_host_path(&st, lab, (unsigned)h, "edge.sock", sock);
	else {
		fprintf(stderr, "vanlab: no host '%s' in lab %s\n", argv[0], o->prefix);
		lab_free(lab);
		return 1;
	}
	lab_free(lab);
	state_close(&st);
	i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc || argc - i > ARGS_MAX) {
		fprintf(stderr, "vanlab: ctl HOST|SITE-gw -- VANCTL-ARGS... (at most %d "
		    "words)\n",
		    ARGS_MAX);
		return 2;
	}
	daemon_bin("vanctl", bin);
	args[n++] = bin;
	args[n++] = "-s";
	args[n++] = sock;
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	execvp(args[0], args);
	fprintf(stderr, "vanlab: cannot run %s: %s\n", bin, strerror(errno));
	return 127;
}

static int
cmd_restart(struct opts *o, int argc, char **argv)
{
	(void)argc;
	return gateway_restart(o->prefix, argv[0]) == 0 ? 0 : 1;
}

static int
cmd_demo(struct opts *o, int argc, char **argv)
{
	struct lab *lab;
	char vm_ns[LAB_NS_MAX];
	int rc;

	(void)argc;
	if ((lab = load_topology(argv[0])) == NULL)
		return 1;
	if (testbed_up(lab, o->prefix) == -1) {
		lab_free(lab);
		return 1;
	}
	printf("\n");
	fflush(stdout);
	rc = report_run(o->prefix) == 0 ? 0 : 1;
	printf("\n");
	if (o->keep && !proc_interrupted) {
		lab_ns_vm(lab, o->prefix, 0, vm_ns);
		printf("The lab stays up (prefix %s).  Try:\n"
		    "  ip netns exec %s bash              a shell in VM %s\n"
		    "  %s exec --prefix %s %s -- ping -c3 %s\n"
		    "  %s ctl --prefix %s %s -- show fdb\n"
		    "  %s migrate --prefix %s %s %s\n"
		    "  %s report --prefix %s\n"
		    "  %s status --prefix %s\n"
		    "Tear it down with:\n  %s down --prefix %s\n",
		    o->prefix, vm_ns, lab->vm[0].name, self, o->prefix,
		    lab->vm[0].name, lab->nvms > 1 ? lab_ip_str(lab->vm[1].ip,
		    (char[16]){ 0 }) : "127.0.0.1", self, o->prefix,
		    lab->host[0].name, self, o->prefix, lab->vm[0].name,
		    lab->host[lab->nhosts > 1 ? 1 : 0].name, self, o->prefix, self,
		    o->prefix, self, o->prefix);
	} else {
		proc_interrupted = 0;	/* the teardown runs to its end */
		if (testbed_down(o->prefix, true) == -1)
			rc = 1;
	}
	lab_free(lab);
	return rc;
}

static const struct command commands[] = {
	{ "up", cmd_up, 1, 1, false, "up TOPOLOGY [--prefix P]" },
	{ "down", cmd_down, 0, 0, false, "down [--prefix P]" },
	{ "status", cmd_status, 0, 0, false, "status [--prefix P]" },
	{ "exec", cmd_exec, 1, -1, true,
	  "exec [--prefix P] VM|HOST|SITE-sw|SITE-gw|inet [--] COMMAND..." },
	{ "ctl", cmd_ctl, 1, -1, true, "ctl [--prefix P] HOST|SITE-gw [--] VANCTL-ARGS..." },
	{ "migrate", cmd_migrate, 2, -1, false,
	  "migrate [--prefix P] [--learn] [--json] VM HOST [VM HOST]..." },
	{ "report", cmd_report, 0, 0, false, "report [--prefix P]" },
	{ "demo", cmd_demo, 1, 1, false, "demo TOPOLOGY [--prefix P] [--keep]" },
	{ "restart", cmd_restart, 1, 1, false, "restart [--prefix P] SITE-gw" },
	{ "check", cmd_check, 1, 1, false, "check TOPOLOGY [--edge HOST | --proxy SITE]" },
	{ NULL, NULL, 0, 0, false, NULL },
};

static void
usage(void)
{
	const struct command *c;

	fprintf(stderr, "usage: %s COMMAND ...\n", self);
	for (c = commands; c->name != NULL; c++)
		fprintf(stderr, "  %s %s\n", self, c->usage);
	fprintf(stderr, "The prefix names the lab's namespaces and state "
	    "(%s/P); default $VANLAB_PREFIX, else \"%s\".\n", STATE_ROOT,
	    PREFIX_DEFAULT);
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option long_opts[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "keep", no_argument, NULL, 'k' },
		{ "edge", required_argument, NULL, 'e' },
		{ "proxy", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "learn", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *c;
	struct opts o = { NULL, NULL, NULL, false, false, false };
	int ch, nargs;

	if (argc > 0 && argv[0][0] != '\0')
		self = argv[0];
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage();
	for (c = commands; c->name != NULL && strcmp(c->name, argv[1]) != 0; c++)
		;
	if (c->name == NULL) {
		fprintf(stderr, "%s: unknown command '%s'\n", self, argv[1]);
		usage();
	}
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, c->stop_at_arg ? "+p:h" : "p:h",
	    long_opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o.prefix = optarg;
			break;
		case 'k':
			if (c->run != cmd_demo)
				usage();
			o.keep = true;
			break;
		case 'e':
		case 'g':
			if (c->run != cmd_check || o.edge != NULL || o.proxy != NULL)
				usage();
			if (ch == 'e')
				o.edge = optarg;
			else
				o.proxy = optarg;
			break;
		case 'j':
		case 'l':
			if (c->run != cmd_migrate)
				usage();
			if (ch == 'j')
				o.json = true;
			else
				o.learn = true;
			break;
		default:
			fprintf(stderr, "usage: %s %s\n", self, c->usage);
			return 2;
		}
	}
	nargs = argc - optind;
	if (nargs < c->min || (c->max >= 0 && nargs > c->max)) {
		fprintf(stderr, "usage: %s %s\n", self, c->usage);
		return 2;
	}
	if (o.prefix == NULL)
		o.prefix = getenv("VANLAB_PREFIX");
	if (o.prefix == NULL || o.prefix[0] == '\0')
		o.prefix = PREFIX_DEFAULT;
	if (!prefix_usable(o.prefix))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() == -1) {
		fprintf(stderr, "vanlab: libsodium does not start\n");
		return 1;
	}
	proc_signals();
	return c->run(&o, nargs, argv + optind);
}
