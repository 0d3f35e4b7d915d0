/*
 * planpair.h — a site's vanproxy gateway pair in vanplan's inventory
 * (docs/vanplan.md §2, `pair`; docs/proxy.md §12): the `pair` group read
 * and checked into proxy/pair.h's struct pair_conf, and the text of the
 * pair's proxy.conf settings (DIR/SITE/pair.conf).  keepalived.conf
 * itself is proxy/pair.c's, the one text vanlab writes too.
 *
 * Not pure only as planconf.c is (libconfig's tree); it writes no file:
 * planout.c does.  The programs keepalived runs are where `make install`
 * puts them (SBINDIR, BINDIR: federation/plan/module.mk).
 */
#ifndef FEDERATION_PLAN_PLANPAIR_H
#define FEDERATION_PLAN_PLANPAIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "edge/rim/setting.h"
#include "proxy/pair.h"

struct van_addr;

/* The files of a pair in its site's directory: no gateway may be named so. */
#define PLANPAIR_FILE		"pair.conf"
#define PLANPAIR_KEEPALIVED	"keepalived.conf"

struct planpair {
	struct pair_conf conf;		/* inet_vip: the endpoint's address */
	uint16_t	port;		/* the endpoint's: vanproxy's listen */
	int		line;		/* of the `pair` group */
};

/*
 * Site `site`'s `pair` group g into *pp; endpoint: the site's, as parsed
 * (NULL: it has none; family 0: a name).  false with "FILE:LINE: message".
 */
bool	planpair_parse(struct setting_ctx *, const config_setting_t *g,
	    const char *site, const struct van_addr *endpoint, struct planpair *pp);
/* pair.conf's body: what both gateways add to proxy.conf's `proxy`. */
void	planpair_proxy_conf(FILE *, const struct planpair *);

#endif /* FEDERATION_PLAN_PLANPAIR_H */
