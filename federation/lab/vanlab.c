/*
 * vanlab.c — the lab's main: a table of commands, their options, and the
 * dispatch to the file each command is the noun of.  Building, tearing
 * down and migrating is testbed.c (and, with several sites, gateway.c for
 * the proxies, `restart` too), the report report.c, status status.c,
 * graph fedgraph.c, exec and ctl console.c, check check.c, demo demo.c,
 * impair and partition impair.c;
 * the topology model is lab.c, labconf.c and labfed.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edge/rim/version.h"
#include "federation/lab/check.h"
#include "federation/lab/console.h"
#include "federation/lab/demo.h"
#include "federation/lab/fedgraph.h"
#include "federation/lab/gateway.h"
#include "federation/lab/impair.h"
#include "federation/lab/lab.h"
#include "federation/lab/proc.h"
#include "federation/lab/report.h"
#include "federation/lab/state.h"
#include "federation/lab/status.h"
#include "federation/lab/testbed.h"

#define PREFIX_DEFAULT	"vl"

struct opts {
	const char	*prefix;
	const char	*edge;		/* check --edge HOST */
	const char	*proxy;		/* check --proxy SITE */
	bool		keep;		/* demo --keep */
	bool		json;		/* migrate --json */
	bool		learn;		/* migrate --learn */
	bool		dot;		/* graph --dot */
};

struct command {
	const char	*name;
	int		(*run)(struct opts *, int, char **);
	int		min, max;	/* positional arguments; max -1: any */
	bool		stop_at_arg;	/* exec, ctl: the rest is a command */
	const char	*usage;
};

static const char *self = "vanlab";

static void usage(FILE *, int) __attribute__((noreturn));

static bool
prefix_usable(const char *prefix)
{
	if (lab_prefix_ok(prefix))
		return true;
	fprintf(stderr, "vanlab: prefix '%s': 1-%d of a-z 0-9\n", prefix,
	    LAB_PREFIX_MAX - 1);
	return false;
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

static int
cmd_check(struct opts *o, int argc, char **argv)
{
	struct lab *lab;
	int rc;

	(void)argc;
	if ((lab = load_topology(argv[0])) == NULL)
		return 1;
	rc = check_run(o->prefix, lab, argv[0], o->edge, o->proxy);
	lab_free(lab);
	return rc;
}

static int
cmd_status(struct opts *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return status_run(o->prefix);
}

static int
cmd_graph(struct opts *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return fedgraph_run(o->prefix, o->dot);
}

static int
cmd_exec(struct opts *o, int argc, char **argv)
{
	return console_exec(o->prefix, argc, argv);
}

static int
cmd_ctl(struct opts *o, int argc, char **argv)
{
	return console_ctl(o->prefix, argc, argv);
}

static int
cmd_restart(struct opts *o, int argc, char **argv)
{
	(void)argc;
	return gateway_restart(o->prefix, argv[0]) == 0 ? 0 : 1;
}

static int
cmd_impair(struct opts *o, int argc, char **argv)
{
	return impair_run(o->prefix, argc, argv);
}

static int
cmd_partition(struct opts *o, int argc, char **argv)
{
	(void)argc;
	return impair_partition(o->prefix, argv[0], argv[1]);
}

static int
cmd_demo(struct opts *o, int argc, char **argv)
{
	struct lab *lab;
	int rc;

	(void)argc;
	if ((lab = load_topology(argv[0])) == NULL)
		return 1;
	rc = demo_run(lab, o->prefix, o->keep, self);
	lab_free(lab);
	return rc;
}

static const struct command commands[] = {
	{ "up", cmd_up, 1, 1, false, "up TOPOLOGY [--prefix P]" },
	{ "down", cmd_down, 0, 0, false, "down [--prefix P]" },
	{ "status", cmd_status, 0, 0, false, "status [--prefix P]" },
	{ "exec", cmd_exec, 1, -1, true,
	  "exec [--prefix P] VM|HOST|SITE-sw|SITE-gw[12]|inet [--] COMMAND..." },
	{ "ctl", cmd_ctl, 1, -1, true,
	  "ctl [--prefix P] HOST|SITE-gw[12] [--] VANCTL-ARGS..." },
	{ "migrate", cmd_migrate, 2, -1, false,
	  "migrate [--prefix P] [--learn] [--json] VM HOST [VM HOST]..." },
	{ "report", cmd_report, 0, 0, false, "report [--prefix P]" },
	{ "graph", cmd_graph, 0, 0, false, "graph [--prefix P] [--dot]" },
	{ "demo", cmd_demo, 1, 1, false, "demo TOPOLOGY [--prefix P] [--keep]" },
	{ "restart", cmd_restart, 1, 1, false, "restart [--prefix P] SITE-gw[12]" },
	{ "impair", cmd_impair, 1, -1, false,
	  "impair [--prefix P] SITE-sw|inet [delay TIME [JITTER]] [loss PCT] "
	  "[duplicate PCT] [reorder PCT] | off" },
	{ "partition", cmd_partition, 2, 2, false,
	  "partition [--prefix P] SITE on|off" },
	{ "check", cmd_check, 1, 1, false,
	  "check TOPOLOGY [--edge HOST | --proxy SITE (of a pair: keepalived's too)]" },
	{ NULL, NULL, 0, 0, false, NULL },
};

/*
 * The usage: to stdout with status 0 when asked for (-h, --help), else to
 * stderr with status 2.  The commands' lines are the table's; the bash
 * completion (contrib/completion/vanlab) is checked against them.
 */
static void
usage(FILE *out, int status)
{
	const struct command *c;

	fprintf(out, "usage: %s COMMAND ...\n", self);
	for (c = commands; c->name != NULL; c++)
		fprintf(out, "  %s %s\n", self, c->usage);
	fprintf(out, "  %s -h | --help | --version\n", self);
	fprintf(out, "The prefix names the lab's namespaces and state "
	    "(%s/P); default $VANLAB_PREFIX, else \"%s\".\n", STATE_ROOT,
	    PREFIX_DEFAULT);
	fprintf(out, "A site with a pair of gateways (proxy = { ha = true; }): "
	    "SITE-gw is the active one,\nSITE-gw1 and SITE-gw2 each of them.\n");
	fprintf(out, "Exit: 0 done (status, report, demo: every daemon, VM and VAN as "
	    "it should be);\n1 failed (a topology refused: FILE:LINE: message; no "
	    "such lab or name; a\nstep failed; status or report found a fault); "
	    "2 usage; exec and ctl: the\ncommand's own status (127: it could not "
	    "be run; 255: a qemu VM's agent did\nnot answer).\n");
	exit(status);
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
		{ "dot", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *c;
	struct opts o = { NULL, NULL, NULL, false, false, false, false };
	int ch, nargs;

	if (argc > 0 && argv[0][0] != '\0')
		self = argv[0];
	if (argc < 2)
		usage(stderr, 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage(stdout, 0);
	if (strcmp(argv[1], "--version") == 0) {
		version_print(stdout, "vanlab");
		return 0;
	}
	for (c = commands; c->name != NULL && strcmp(c->name, argv[1]) != 0; c++)
		;
	if (c->name == NULL) {
		fprintf(stderr, "%s: unknown command '%s'\n", self, argv[1]);
		usage(stderr, 2);
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
				usage(stderr, 2);
			o.keep = true;
			break;
		case 'e':
		case 'g':
			if (c->run != cmd_check || o.edge != NULL || o.proxy != NULL)
				usage(stderr, 2);
			if (ch == 'e')
				o.edge = optarg;
			else
				o.proxy = optarg;
			break;
		case 'j':
		case 'l':
			if (c->run != cmd_migrate)
				usage(stderr, 2);
			if (ch == 'j')
				o.json = true;
			else
				o.learn = true;
			break;
		case 'h':
			printf("usage: %s %s\n", self, c->usage);
			return 0;
		case 'D':
			if (c->run != cmd_graph)
				usage(stderr, 2);
			o.dot = true;
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
