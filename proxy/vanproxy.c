/*
 * vanproxy.c — the federation gateway's main: options, configuration,
 * open, drop privileges, run.  See docs/proxy.md and README.md.
 */
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "edge/rim/log.h"
#include "edge/rim/priv.h"
#include "proxy/conf.h"
#include "proxy/proxyd.h"

static void
usage(void)
{
	fprintf(stderr, "usage: vanproxy [-dn] [-f file]\n"
	    "  -f file  configuration (default %s)\n"
	    "  -n       check the configuration, print it normalised, exit\n"
	    "  -d       log debug messages\n", PROXY_CONF_DEFAULT_PATH);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *file = PROXY_CONF_DEFAULT_PATH, *e;
	char err[SETTING_ERR_MAX];
	struct proxy_conf *conf;
	struct proxyd *d;
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
	log_init("vanproxy", LOG_LVL_INFO);
	if (sodium_init() == -1)
		fatal("libsodium failed to start");
	if ((conf = proxy_conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		proxy_conf_print(stdout, conf);
		proxy_conf_free(conf);
		return 0;
	}
	if (debug)
		log_set_floor(LOG_LVL_DEBUG);
	log_set_level(conf->log_level);
	if ((d = proxyd_new(conf, err)) == NULL) {
		fprintf(stderr, "vanproxy: %s\n", err);
		return 1;
	}
	/*
	 * Every socket is open (site, tunnels, control, UAPI); what remains is
	 * reading key files on reload (root's own, 0600: no capability
	 * needed) and resolving endpoint names.  No taps, no binds: nothing
	 * is kept.
	 */
	if (priv_drop(0, &e) == -1)
		log_warn("cannot drop privileges (%s): running with what we have", e);
	rc = proxyd_run(d);
	proxyd_free(d);
	return rc == 0 ? 0 : 1;
}
