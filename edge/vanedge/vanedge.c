/*
 * vanedge.c — the edge bridge daemon's main: options, configuration, open,
 * drop privileges, run.  See vanedge(8) in docs/ and README.md.
 */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "edge/vanedge/conf.h"
#include "edge/vanedge/edged.h"
#include "edge/rim/log.h"
#include "edge/rim/priv.h"

static void
usage(void)
{
	fprintf(stderr, "usage: vanedge [-dn] [-f file]\n"
	    "  -f file  configuration (default %s)\n"
	    "  -n       check the configuration, print it normalised, exit\n"
	    "  -d       log debug messages\n", EDGE_CONF_DEFAULT_PATH);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *file = EDGE_CONF_DEFAULT_PATH, *e;
	char err[SETTING_ERR_MAX];
	struct edge_conf *conf;
	struct edged *d;
	bool check = false, debug = false;
	int ch, rc;

	while ((ch = getopt(argc, argv, "df:nh")) != -1) {
		switch (ch) {
		case 'd':
			debug = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			check = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("vanedge", LOG_LVL_INFO);
	if (sodium_init() == -1)
		fatal("libsodium failed to start");
	if ((conf = edge_conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		edge_conf_print(stdout, conf);
		edge_conf_free(conf);
		return 0;
	}
	if (debug)
		log_set_floor(LOG_LVL_DEBUG);
	log_set_level(conf->log_level);
	if ((d = edged_new(conf, err)) == NULL) {
		fprintf(stderr, "vanedge: %s\n", err);
		return 1;
	}
	/* Taps are attached at run time (vanctl attach, reloads). */
	if (priv_drop(1ULL << CAP_NET_ADMIN, &e) == -1)
		log_warn("cannot drop privileges (%s): running with what we have", e);
	rc = edged_run(d);
	edged_free(d);
	return rc == 0 ? 0 : 1;
}
