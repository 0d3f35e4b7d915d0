/*
 * vanproxy.c — the federation gateway's main: options, configuration,
 * open, drop privileges, run.  See docs/proxy.md and README.md.
 */
#include <stdio.h>

#include <sodium.h>

#include "edge/rim/daemon.h"
#include "edge/rim/log.h"
#include "proxy/conf.h"
#include "proxy/proxyd.h"

int
main(int argc, char *argv[])
{
	struct daemon_args a;
	char err[SETTING_ERR_MAX];
	struct proxy_conf *conf;
	struct proxyd *d;
	int rc;

	daemon_args(argc, argv, "vanproxy", PROXY_CONF_DEFAULT_PATH, &a);
	log_init("vanproxy", LOG_LVL_INFO);
	if (sodium_init() == -1)
		fatal("libsodium failed to start");
	if ((conf = proxy_conf_load(a.file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (a.check) {
		proxy_conf_print(stdout, conf);
		proxy_conf_free(conf);
		return 0;
	}
	if (a.debug)
		log_set_floor(LOG_LVL_DEBUG);
	log_set_level(conf->site.log_level);
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
	daemon_drop_privileges(0);
	rc = proxyd_run(d);
	proxyd_free(d);
	return rc == 0 ? 0 : 1;
}
