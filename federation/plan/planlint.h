/*
 * planlint.h — `vanplan lint`: do a set of peering files (and the vans.conf
 * beside each) make one consistent federation?  Peers list each other,
 * agree on each site's key and endpoint, map each VAN both ways with
 * inverse pairs (none exported on one side only), declare the VANs they
 * map, and no VAN's tree tunnels close a loop.  With standby tunnels: a
 * tree tunnel's ID and ends agree at both ends and the ID is unique, a
 * standby peer is one on both sides over the same tree tunnels, each of
 * its `end`s on its side, and with any one tree tunnel down and its
 * standby up no VAN loops or comes apart.  With an inventory, the keys,
 * endpoints and sites must be its own.
 *
 * Not pure: it reads the files (with vanproxy's reader, proxy/peering.c)
 * and reports each fault as "FILE:LINE: message" (edge/rim/setting.h).
 */
#ifndef FEDERATION_PLAN_PLANLINT_H
#define FEDERATION_PLAN_PLANLINT_H

#include <stdio.h>

#include "federation/plan/planconf.h"

/*
 * Lint the peering files that paths name (a file; a directory holding
 * peering.conf; a directory of such directories).  inventory may be NULL.
 * Faults go to err, the verdict to out; returns how many faults.
 */
int	planlint_run(const struct planconf *inventory, const char *const *paths,
	    int npaths, FILE *out, FILE *err);

#endif /* FEDERATION_PLAN_PLANLINT_H */
