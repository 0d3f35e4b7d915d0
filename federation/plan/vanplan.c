/*
 * vanplan.c — vanplan's main: the commands (plan, check, lint), their
 * options and exit codes.  Parsing is planconf.c, planning plan.c (and
 * the steps it runs), writing planout.c, lint planlint.c (docs/vanplan.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edge/rim/version.h"
#include "federation/plan/plan.h"
#include "federation/plan/planconf.h"
#include "federation/plan/planlint.h"
#include "federation/plan/planout.h"

/* Exit codes (docs/vanplan.md §6). */
#define EXIT_REFUSED	1	/* the inventory, the plan or lint found a fault */
#define EXIT_USAGE	2
#define EXIT_WRITE	3	/* the output could not be written */

static const char help[] =
"usage: vanplan plan INVENTORY [-o DIR] [--json | --dot]\n"
"       vanplan check INVENTORY [--json | --dot]\n"
"       vanplan lint [-i INVENTORY] DIR|FILE...\n"
"       vanplan -h | --help | --version\n"
"\n"
"Plans the tunnels between the sites of a federation as a minimum spanning\n"
"tree of the candidate links (docs/vanplan.md) and writes each site's files\n"
"for vanproxy.\n"
"\n"
"  plan    parse and plan INVENTORY, write DIR/SITE/peering.conf and\n"
"          DIR/SITE/vans.conf for every site (a site with a gateway pair:\n"
"          also DIR/SITE/pair.conf and DIR/SITE/GATEWAY/keepalived.conf;\n"
"          with redundancy = 1 the files carry the standby tunnels and\n"
"          every failover too); print the summary.\n"
"          DIR defaults to \".\".\n"
"  check   parse and plan, print the summary, write nothing.\n"
"  lint    check existing peering files for consistency: each is a site's\n"
"          peering.conf (the site is its directory's name; a vans.conf\n"
"          beside it is checked too), a directory holding one, or a\n"
"          directory of site directories (vanplan's DIR).  Peers list each\n"
"          other, agree on keys and endpoints, map each VAN both ways with\n"
"          inverse pairs, and no VAN's tunnels form a loop; tree tunnels'\n"
"          IDs and standby peers agree, and no failover loops a VAN.  -i:\n"
"          the keys, endpoints and sites must also be the inventory's, and\n"
"          no failover splits a VAN's sites.\n"
"\n"
"  -o DIR    where plan writes\n"
"  --json    the summary as JSON\n"
"  --dot     a Graphviz picture instead of the summary (| dot -Tsvg)\n"
"  -i FILE   lint against this inventory\n"
"\n"
"Exit: 0 done; 1 the inventory or the plan is refused (FILE:LINE: why), or\n"
"lint found inconsistencies; 2 usage; 3 the files could not be written.\n";

struct opts {
	const char	*out;
	const char	*inventory;
	bool		json;
	bool		dot;
};

static int
usage(void)
{
	fputs(help, stderr);
	return EXIT_USAGE;
}

/* Parse and plan; NULL (reported) on a fault. */
static struct planconf *
load_and_plan(const char *path, struct plan_result *r)
{
	char err[SETTING_ERR_MAX];
	struct plan_err e;
	struct planconf *pc;

	if ((pc = planconf_load(path, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	if (!plan_run(&pc->in, r, &e)) {
		planconf_error(pc, &e, err);
		fprintf(stderr, "%s\n", err);
		planconf_free(pc);
		return NULL;
	}
	if (!planout_check(pc, r, err)) {
		fprintf(stderr, "%s\n", err);
		plan_result_free(r);
		planconf_free(pc);
		return NULL;
	}
	return pc;
}

static int
cmd_plan(const struct opts *o, const char *inventory, bool write)
{
	struct plan_result r;
	struct planconf *pc;
	char err[SETTING_ERR_MAX];
	int rc = 0;

	if ((pc = load_and_plan(inventory, &r)) == NULL)
		return EXIT_REFUSED;
	if (write && planout_write(pc, &r, o->out, err, sizeof(err)) == -1) {
		fprintf(stderr, "vanplan: %s\n", err);
		rc = EXIT_WRITE;
	}
	if (rc == 0) {
		if (o->dot)
			planout_dot(stdout, pc, &r);
		else if (o->json)
			planout_json(stdout, pc, &r);
		else
			planout_summary(stdout, pc, &r);
		if (fflush(stdout) == EOF)
			rc = EXIT_WRITE;
	}
	plan_result_free(&r);
	planconf_free(pc);
	return rc;
}

static int
cmd_lint(const struct opts *o, int argc, char **argv)
{
	char err[SETTING_ERR_MAX];
	struct planconf *pc = NULL;
	int problems;

	if (o->inventory != NULL &&
	    (pc = planconf_load(o->inventory, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EXIT_REFUSED;
	}
	problems = planlint_run(pc, (const char *const *)argv, argc, stdout, stderr);
	planconf_free(pc);
	return problems == 0 ? 0 : EXIT_REFUSED;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dot", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { ".", NULL, false, false };
	const char *cmd;
	int c;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(help, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		version_print(stdout, "vanplan");
		return 0;
	}
	if (sodium_init() == -1) {
		fprintf(stderr, "vanplan: libsodium failed to start\n");
		return EXIT_REFUSED;
	}
	cmd = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "ho:i:", longopts, NULL)) != -1)
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'i':
			o.inventory = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'g':
			o.dot = true;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		case 'V':
			version_print(stdout, "vanplan");
			return 0;
		default:
			return usage();
		}
	argc -= optind;
	argv += optind;
	if (o.json && o.dot)
		return usage();
	if (strcmp(cmd, "plan") == 0 && argc == 1 && o.inventory == NULL)
		return cmd_plan(&o, argv[0], true);
	if (strcmp(cmd, "check") == 0 && argc == 1 && o.inventory == NULL &&
	    strcmp(o.out, ".") == 0)
		return cmd_plan(&o, argv[0], false);
	if (strcmp(cmd, "lint") == 0 && argc >= 1 && !o.json && !o.dot &&
	    strcmp(o.out, ".") == 0)
		return cmd_lint(&o, argc, argv);
	return usage();
}
