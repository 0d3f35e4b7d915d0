/*
 * report.c — who reaches whom in a running lab (see report.h).
 *
 * Same VAN: every VM pings every other VM of its VAN by its IP, and must
 * get an answer.  Other VANs: the VANs reuse one subnet and the same MACs,
 * so an IP cannot name a VM of another VAN — its twin in the pinger's own
 * VAN would answer.  For the time of the report each VM therefore gets one
 * more address, unique in the lab (198.18.0.0/16, lab_probe_addr), and
 * every VM pings the probe address of every VM of the other VANs: each of
 * those pings must fail.  So that a failure means isolation and not a
 * broken probe, the first VM of each VAN also pings the probe address of
 * the others of its VAN, which must answer.
 *
 * Several sites: a VAN reaches from one site to another only through
 * peerings that carry it (lab_van_reaches).  VMs of one VAN in sites it
 * does not join ping each other's IP too, and must get no answer; the
 * verdict says how many pings crossed sites, and each proxy shows its
 * peers.
 */
#include "federation/lab/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "federation/lab/agent.h"
#include "federation/lab/daemon.h"
#include "federation/lab/gateway.h"
#include "federation/lab/netns.h"
#include "federation/lab/proc.h"
#include "federation/lab/qemu.h"
#include "federation/lab/state.h"

#define PROBE_PAR	24	/* pings at once */
#define PROBE_TRIES	3	/* attempts of a ping that must answer */
#define PROBE_WAIT_S	"2"	/* ping -W for one that must answer */
#define PROBE_NEG_S	"1"	/* ... and one that must not */

/* SAME: same VAN, joined (must answer); APART: same VAN, sites it does not
 * join (must not); OTHER: another VAN's probe address (must not); CHECK:
 * a probe address of the same VAN, joined (must). */
enum probe_kind { PROBE_SAME, PROBE_APART, PROBE_OTHER, PROBE_CHECK };

struct probe {
	unsigned	from, to;
	uint8_t		kind;
	bool		reached;
	pid_t		pid;
};

static struct probe probes[LAB_VM_MAX * LAB_VM_MAX];

static bool
expected(const struct probe *p)
{
	return p->kind == PROBE_SAME || p->kind == PROBE_CHECK;
}

static unsigned
site_of(const struct lab *lab, unsigned vm)
{
	return lab->host[lab->vm[vm].host].site;
}

/* Same VAN, and its peerings join their sites. */
static bool
joined(const struct lab *lab, unsigned a, unsigned b)
{
	return lab->vm[a].van == lab->vm[b].van &&
	    lab_van_reaches(lab, lab->vm[a].van, site_of(lab, a), site_of(lab, b));
}

static pid_t
ping(const struct lab *lab, const char *prefix, const struct probe *p)
{
	char ns[LAB_NS_MAX], addr[16];
	char *argv[] = { "ping", "-n", "-q", "-c", "1", "-W",
	    expected(p) ? PROBE_WAIT_S : PROBE_NEG_S, addr, NULL };
	struct proc_spec spec = { .argv = argv, .netns = ns, .out_fd = -1,
	    .err_fd = -1, .quiet = true };

	lab_ns_vm(lab, prefix, p->from, ns);
	lab_ip_str(p->kind == PROBE_SAME || p->kind == PROBE_APART ? lab->vm[p->to].ip :
	    lab_probe_addr(p->to), addr);
	/* A qemu VM pings with its busybox (numeric already: no -n). */
	if (lab->vm[p->from].kind == LAB_VM_QEMU) {
		argv[1] = "ping";
		return agent_spawn(prefix, lab->vm[p->from].name, argv + 1, true);
	}
	return proc_spawn(&spec);
}

/* Run the probes of list that are not reached yet, PROBE_PAR at a time. */
static int
run_probes(const struct lab *lab, const char *prefix, unsigned *list, unsigned n)
{
	unsigned next = 0, running = 0, i;
	int status;

	for (i = 0; i < n; i++)
		probes[list[i]].pid = -1;
	while ((next < n || running > 0) && !proc_interrupted) {
		while (next < n && running < PROBE_PAR) {
			struct probe *p = &probes[list[next++]];

			if ((p->pid = ping(lab, prefix, p)) == -1)
				return -1;
			running++;
		}
		for (i = 0; i < next; i++) {
			struct probe *p = &probes[list[i]];

			if (p->pid == -1 || !proc_ended(p->pid, &status))
				continue;
			p->reached = WIFEXITED(status) && WEXITSTATUS(status) == 0;
			p->pid = -1;
			running--;
		}
		proc_sleep_ms(5);
	}
	for (i = 0; i < n; i++)
		if (probes[list[i]].pid != -1)
			proc_wait(probes[list[i]].pid, 0, NULL);
	return proc_interrupted ? -1 : 0;
}

static int
probe_addrs(const struct state *st, const struct lab *lab, const char *prefix, bool add)
{
	char ns[LAB_NS_MAX], addr[32], ip[16];
	unsigned v;
	int rc = 0;

	for (v = 0; v < lab->nvms; v++) {
		if (lab->vm[v].kind == LAB_VM_QEMU) {
			char dir[256];
			char *argv[] = { "ip", "addr", add ? "add" : "del", addr, "dev",
			    "eth0", NULL };

			qemu_dir(st, lab, v, dir);
			snprintf(addr, sizeof(addr), "%s/%u",
			    lab_ip_str(lab_probe_addr(v), ip), LAB_PROBE_PLEN);
			if (agent_exec(dir, argv, QEMU_QMP_MS, !add) != 0)
				rc = -1;
			continue;
		}
		lab_ns_vm(lab, prefix, v, ns);
		snprintf(addr, sizeof(addr), "%s/%u", lab_ip_str(lab_probe_addr(v), ip),
		    LAB_PROBE_PLEN);
		if (netns_ip(ns, !add, "addr", add ? "add" : "del", addr, "dev", "eth0",
		    NULL) == -1)
			rc = -1;
	}
	return rc;
}

static const char *
cell(const struct probe *p)
{
	if (p == NULL)
		return ".";
	if (!expected(p))
		return p->reached ? "LEAK" : "-";
	return p->reached ? "ok" : "FAIL";
}

/* "b1 blue@h1", with several sites "b1 blue@a/h1". */
static void
vm_label(const struct lab *lab, unsigned v, char *label, size_t n)
{
	if (lab_federated(lab))
		snprintf(label, n, "%s %s@%s/%s", lab->vm[v].name,
		    lab->van[lab->vm[v].van].name, lab->site[site_of(lab, v)].name,
		    lab->host[lab->vm[v].host].name);
	else
		snprintf(label, n, "%s %s@%s", lab->vm[v].name,
		    lab->van[lab->vm[v].van].name, lab->host[lab->vm[v].host].name);
}

static void
print_matrix(const struct lab *lab, const struct probe **at)
{
	unsigned a, b, w = 4, lw = 0;
	char label[80];

	for (a = 0; a < lab->nvms; a++) {
		if (strlen(lab->vm[a].name) + 1 > w)
			w = (unsigned)strlen(lab->vm[a].name) + 1;
		vm_label(lab, a, label, sizeof(label));
		if (strlen(label) > lw)
			lw = (unsigned)strlen(label);
	}
	printf("%-*s", (int)lw, "from \\ to");
	for (b = 0; b < lab->nvms; b++)
		printf(" %*s", (int)w, lab->vm[b].name);
	printf("\n");
	for (a = 0; a < lab->nvms; a++) {
		vm_label(lab, a, label, sizeof(label));
		printf("%-*s", (int)lw, label);
		for (b = 0; b < lab->nvms; b++)
			printf(" %*s", (int)w, cell(at[a * lab->nvms + b]));
		printf("\n");
	}
	if (!lab_federated(lab))
		printf("(ok: answered, as it must within a VAN; -: no answer, as it must "
		    "across VANs;\n FAIL: a VM of its own VAN did not answer; LEAK: a VM "
		    "of another VAN answered)\n");
	else
		printf("(ok: answered, as it must within a VAN; -: no answer, as it must "
		    "across VANs, and\n between sites that no peerings join for the VAN; "
		    "FAIL: a VM of its own VAN did not\n answer; LEAK: a VM that must not "
		    "answer did)\n");
}

/* Every VM pings every other; the first VM of each VAN also the probe
 * addresses of the VMs its VAN joins it with.  Returns how many. */
static unsigned
make_probes(const struct lab *lab, const struct probe **at)
{
	unsigned a, b, n = 0;

	memset(at, 0, sizeof(*at) * lab->nvms * lab->nvms);
	for (a = 0; a < lab->nvms; a++) {
		bool first = true;

		for (b = 0; b < a; b++)
			if (lab->vm[b].van == lab->vm[a].van)
				first = false;
		for (b = 0; b < lab->nvms; b++) {
			uint8_t kind = lab->vm[a].van != lab->vm[b].van ? PROBE_OTHER :
			    joined(lab, a, b) ? PROBE_SAME : PROBE_APART;

			if (a == b)
				continue;
			probes[n] = (struct probe){ a, b, kind, false, -1 };
			at[a * lab->nvms + b] = &probes[n];
			n++;
			if (first && kind == PROBE_SAME)
				probes[n++] = (struct probe){ a, b, PROBE_CHECK, false, -1 };
		}
	}
	return n;
}

/* The verdict line of one VAN; how many probes went wrong. */
static unsigned
verdict(const struct lab *lab, unsigned van, unsigned n)
{
	unsigned same = 0, same_ok = 0, other = 0, other_ok = 0, chk = 0, chk_ok = 0;
	unsigned apart = 0, apart_ok = 0, across = 0, i, bad;
	char ids[LAB_SITE_MAX * 24] = "";
	size_t used = 0;

	for (i = 0; i < n; i++) {
		const struct probe *p = &probes[i];

		if (lab->vm[p->from].van != van)
			continue;
		switch (p->kind) {
		case PROBE_SAME:
			same++;
			same_ok += p->reached;
			across += p->reached && site_of(lab, p->from) != site_of(lab, p->to);
			break;
		case PROBE_APART:
			apart++;
			apart_ok += !p->reached;
			break;
		case PROBE_OTHER:
			other++;
			other_ok += !p->reached;
			break;
		default:
			chk++;
			chk_ok += p->reached;
		}
	}
	bad = (same - same_ok) + (other - other_ok) + (chk - chk_ok) + (apart - apart_ok);
	if (!lab_federated(lab)) {
		printf("VAN %-8s (ID %u): %u/%u pings inside the VAN answered, "
		    "%u/%u probe addresses of the VAN answered, %u/%u pings into other "
		    "VANs went unanswered: %s\n", lab->van[van].name,
		    lab->site[0].van_id[van], same_ok, same, chk_ok, chk, other_ok, other,
		    same_ok == same && chk_ok == chk ?
		    (other_ok == other ? "connected and isolated" : "NOT ISOLATED") :
		    "NOT CONNECTED");
		return bad;
	}
	for (i = 0; i < lab->nsites && used < sizeof(ids); i++)
		used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s:%u",
		    i ? " " : "", lab->site[i].name, lab->site[i].van_id[van]);
	printf("VAN %-8s (IDs %s): %u/%u pings inside the VAN answered (%u across "
	    "sites), %u/%u probe addresses answered, %u/%u pings into other VANs ",
	    lab->van[van].name, ids, same_ok, same, across, chk_ok, chk, other_ok, other);
	if (apart > 0)
		printf("and %u/%u between sites it does not join ", apart_ok, apart);
	printf("went unanswered: %s\n", same_ok == same && chk_ok == chk ?
	    (other_ok == other && apart_ok == apart ? "connected and isolated" :
	    "NOT ISOLATED") : "NOT CONNECTED");
	return bad;
}

/* The daemons' own view: host 0's vanedge; with several sites, every
 * proxy's peers. */
static unsigned
views(const struct state *st, const struct lab *lab)
{
	static const char *const show_vans[] = { "show", "vans", NULL };
	static const char *const show_members[] = { "show", "members", NULL };
	static const char *const show_peers[] = { "show", "peers", NULL };
	unsigned s, bad = 0;

	printf("\nhost %s: vanctl show vans\n", lab->host[0].name);
	fflush(stdout);
	if (daemon_ctl(st, lab, 0, show_vans, false) == -1)
		bad++;
	printf("\nhost %s: vanctl show members\n", lab->host[0].name);
	fflush(stdout);
	if (daemon_ctl(st, lab, 0, show_members, false) == -1)
		bad++;
	for (s = 0; lab_federated(lab) && s < lab->nsites; s++) {
		printf("\nproxy of site %s: vanctl show peers\n", lab->site[s].name);
		fflush(stdout);
		if (gateway_ctl(st, lab, s, show_peers, false) == -1)
			bad++;
	}
	return bad;
}

int
report_run(const char *prefix)
{
	static unsigned list[LAB_VM_MAX * LAB_VM_MAX];
	static const struct probe *at[LAB_VM_MAX * LAB_VM_MAX];
	struct state st;
	struct lab *lab = NULL;
	char err[LAB_ERR_MAX];
	unsigned n, i, k, van, try, bad = 0;
	long long t0 = proc_now_ms();
	int rc = -1;
	bool added = false;

	if (state_open(&st, prefix, true) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s'\n", prefix);
		return -1;
	}
	if ((lab = state_load_lab(&st, err)) == NULL) {
		fprintf(stderr, "vanlab: %s\n", err);
		goto out;
	}
	if (lab_federated(lab))
		printf("vanlab report, lab %s: %u VMs in %u VANs on %u hosts in %u sites, "
		    "%u peerings\n\n", prefix, lab->nvms, lab->nvans, lab->nhosts,
		    lab->nsites, lab->npeerings);
	else
		printf("vanlab report, lab %s: %u VMs in %u VANs on %u hosts\n\n", prefix,
		    lab->nvms, lab->nvans, lab->nhosts);
	fflush(stdout);
	added = true;
	if (probe_addrs(&st, lab, prefix, true) == -1) {
		fprintf(stderr, "vanlab: cannot give the VMs their probe addresses "
		    "(is every VM's eth0 there? `vanlab status`)\n");
		goto out;
	}
	n = make_probes(lab, at);
	/* Every probe once; then the ones that must answer and did not, again. */
	for (i = 0; i < n; i++)
		list[i] = i;
	k = n;
	for (try = 0; try < PROBE_TRIES && k > 0; try++) {
		if (run_probes(lab, prefix, list, k) == -1) {
			fprintf(stderr, "vanlab: interrupted\n");
			goto out;
		}
		for (i = 0, k = 0; i < n; i++)
			if (expected(&probes[i]) && !probes[i].reached)
				list[k++] = i;
	}
	print_matrix(lab, at);
	printf("\n");
	for (van = 0; van < lab->nvans; van++)
		bad += verdict(lab, van, n);
	bad += views(&st, lab);
	printf("\nvanlab report: %u pings in %.1f s: %s\n", n,
	    (double)(proc_now_ms() - t0) / 1000, bad == 0 ?
	    "every VAN connected and isolated" : "FAILED");
	rc = bad == 0 ? 0 : -1;
out:
	if (added)
		probe_addrs(&st, lab, prefix, false);
	lab_free(lab);
	state_close(&st);
	return rc;
}
