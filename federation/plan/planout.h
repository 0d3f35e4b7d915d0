/*
 * planout.h — what vanplan writes from a plan: each site's peering.conf
 * and vans.conf (docs/proxy.md §6, docs/vanplan.md §3), a gateway pair's
 * pair.conf and keepalived.conf (proxy/pair.h), the summary (text or
 * JSON) and a Graphviz picture.  With standby tunnels the peering files
 * carry what each failover needs: tree peers' `tunnel`, standby peers.
 *
 * Not pure: it writes files and streams.  It decides nothing: the tree,
 * the IDs and the figures are the planner's.
 */
#ifndef FEDERATION_PLAN_PLANOUT_H
#define FEDERATION_PLAN_PLANOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "federation/plan/plan.h"
#include "federation/plan/planconf.h"

/*
 * What vanproxy would refuse: too many VANs at a site, peers, pairs in
 * one peering or in all, tree tunnels one standby replaces, tunnel IDs.  false with "FILE:LINE: message" (the site's).
 */
bool	planout_check(const struct planconf *, const struct plan_result *,
	    char err[static SETTING_ERR_MAX]);
/*
 * DIR/SITE/peering.conf and DIR/SITE/vans.conf for every site; for a
 * site with a gateway pair, DIR/SITE/pair.conf and, per gateway,
 * DIR/SITE/GATEWAY/keepalived.conf.  Each file is written whole, then
 * renamed into place.  -1 with a message in err.
 */
int	planout_write(const struct planconf *, const struct plan_result *,
	    const char *dir, char *err, size_t errlen);
void	planout_summary(FILE *, const struct planconf *, const struct plan_result *);
void	planout_json(FILE *, const struct planconf *, const struct plan_result *);
void	planout_dot(FILE *, const struct planconf *, const struct plan_result *);

#endif /* FEDERATION_PLAN_PLANOUT_H */
