/*
 * console.c — see console.h.  Both commands end in an exec of their own
 * (vanlab is replaced, the exit status is the command's), once the name
 * has been looked up in the running lab's model and the state closed.
 */
#include "federation/lab/console.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "federation/lab/agent.h"
#include "federation/lab/daemon.h"
#include "federation/lab/gateway.h"
#include "federation/lab/lab.h"
#include "federation/lab/qemu.h"
#include "federation/lab/state.h"

/*
 * Site s if name is one of its gateways (SITE-gw; of a pair SITE-gw1,
 * SITE-gw2), else -1; *g the gateway.  A pair's SITE-gw is the active one
 * (asked now), the first if none is: what an operator means by the site's
 * proxy.
 */
static int
proxy_named(const struct state *st, const struct lab *lab, const char *name,
    unsigned *g)
{
	int s, which;

	if ((s = lab_find_gw(lab, name, &which)) < 0)
		return -1;
	if (which < 0)
		which = gateway_active(st, lab, (unsigned)s);
	*g = which < 0 ? 0 : (unsigned)which;
	return s;
}
/* The namespace a short name stands for: a VM, a host, SITE-sw, and with
 * several sites SITE-gw (of a pair SITE-gw1, SITE-gw2 too) and inet. */
static int
target_ns(const struct state *st, const struct lab *lab, const char *prefix,
    const char *name, char ns[static LAB_NS_MAX])
{
	unsigned s, g;
	int i;

	if ((i = proxy_named(st, lab, name, &g)) >= 0) {
		lab_ns_gw(lab, prefix, (unsigned)i, g, ns);
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

int
console_exec(const char *prefix, int argc, char **argv)
{
	struct state st;
	struct lab *lab;
	char ns[LAB_NS_MAX], *args[CONSOLE_ARGS_MAX + 5];
	int i, v, n = 0;

	if ((lab = state_open_lab(&st, prefix)) == NULL)
		return 1;
	if (target_ns(&st, lab, prefix, argv[0], ns) == -1) {
		fprintf(stderr, "vanlab: no VM or host '%s' in lab %s\n", argv[0], prefix);
		lab_free(lab);
		return 1;
	}
	i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc || argc - i > CONSOLE_ARGS_MAX) {
		fprintf(stderr, "vanlab: exec NAME -- COMMAND... (at most %d words)\n",
		    CONSOLE_ARGS_MAX);
		lab_free(lab);
		return 2;
	}
	/* A qemu VM: through its guest's agent, the status its command's. */
	if ((v = lab_find_vm(lab, argv[0])) >= 0 && lab->vm[v].kind == LAB_VM_QEMU) {
		char dir[256];
		int rc;

		qemu_dir(&st, lab, (unsigned)v, dir);
		lab_free(lab);
		state_close(&st);
		fflush(NULL);
		rc = agent_exec(dir, argv + i, 0, false);
		return rc == -1 ? 255 : rc;
	}
	lab_free(lab);
	state_close(&st);
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

int
console_ctl(const char *prefix, int argc, char **argv)
{
	struct state st;
	struct lab *lab;
	char bin[4096], sock[256], *args[CONSOLE_ARGS_MAX + 5];
	unsigned g;
	int h, i, n = 0;

	if ((lab = state_open_lab(&st, prefix)) == NULL)
		return 1;
	if ((h = proxy_named(&st, lab, argv[0], &g)) >= 0)
		state_gw_path(&st, lab, (unsigned)h, g, "proxy.sock", sock);
	else if ((h = lab_find_host(lab, argv[0])) >= 0)
		state_host_path(&st, lab, (unsigned)h, "edge.sock", sock);
	else {
		fprintf(stderr, "vanlab: no host '%s' in lab %s\n", argv[0], prefix);
		lab_free(lab);
		return 1;
	}
	lab_free(lab);
	state_close(&st);
	i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc || argc - i > CONSOLE_ARGS_MAX) {
		fprintf(stderr, "vanlab: ctl HOST|SITE-gw -- VANCTL-ARGS... (at most %d "
		    "words)\n",
		    CONSOLE_ARGS_MAX);
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
