/*
 * vanedge.c — the edge bridge daemon's main: options, configuration, open,
 * drop privileges, run.  See vanedge.8 beside it and README.md.
 */
#include <linux/capability.h>
#include <stdio.h>

#include <sodium.h>

#include "edge/vanedge/conf.h"
#include "edge/vanedge/edged.h"
#include "edge/rim/daemon.h"
#include "edge/rim/log.h"

int
main(int argc, char *argv[])
{
	struct daemon_args a;
	char err[SETTING_ERR_MAX];
	struct edge_conf *conf;
	struct edged *d;
	int rc;

	daemon_args(argc, argv, "vanedge", EDGE_CONF_DEFAULT_PATH, &a);
	log_init("vanedge", LOG_LVL_INFO);
	if (sodium_init() == -1)
		fatal("libsodium failed to start");
	if ((conf = edge_conf_load(a.file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (a.check) {
		edge_conf_print(stdout, conf);
		edge_conf_free(conf);
		return 0;
	}
	if (a.debug)
		log_set_floor(LOG_LVL_DEBUG);
	log_set_level(conf->site.log_level);
	if ((d = edged_new(conf, err)) == NULL) {
		fprintf(stderr, "vanedge: %s\n", err);
		return 1;
	}
	/*
	 * Ports are attached at run time (vanctl attach, reloads): taps and
	 * the fence need CAP_NET_ADMIN, a device's packet socket CAP_NET_RAW.
	 */
	daemon_drop_privileges(1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW);
	rc = edged_run(d);
	edged_free(d);
	return rc == 0 ? 0 : 1;
}
