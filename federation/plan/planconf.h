/*
 * planconf.h — vanplan's inventory (libconfig; docs/vanplan.md §2): the
 * sites with their keys, endpoints, transit ranges and gateway pairs
 * (planpair.h), the candidate links and their costs, the VANs and their
 * IDs, the constraints, and the settings passed through to the peering
 * files.  Parsed and checked into
 * a struct plan_input for the planner, plus what only the writers need.
 *
 * Not pure (libconfig reads the file, public_key_file names a file) but
 * free of libevent.  The libconfig tree is kept while the inventory lives:
 * the planner's errors point into it, and planconf_error turns them into
 * "FILE:LINE: message".
 */
#ifndef FEDERATION_PLAN_PLANCONF_H
#define FEDERATION_PLAN_PLANCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/wg.h"
#include "edge/rim/setting.h"
#include "federation/plan/plan.h"

struct planpair;

#define PLANCONF_ENDPOINT_MAX	256
#define PLANCONF_PATH_MAX	1024
#define PLANCONF_COMPLETE_MAX	2048	/* sites, when `links` is left out */

/* What a site's peering file says of its peers (limits: what they may do). */
struct planconf_limits {
	bool		set;
	uint32_t	macs, flood_rate, learn_rate;
};

struct planconf_site {
	struct wg_key	public_key;
	char		endpoint[PLANCONF_ENDPOINT_MAX];	/* "": none */
	uint32_t	keepalive;	/* toward its peers, s */
	struct planconf_limits limits;
	struct planpair	*pair;		/* its vanproxy gateway pair, NULL: none */
	int		line;
};

struct planconf_van {
	uint32_t	fdb_max, flood_rate, flood_burst;	/* 0: unset */
};

struct planconf {
	char		file[PLANCONF_PATH_MAX];
	struct plan_input in;
	struct planconf_site *site;	/* per in.sites[] */
	struct planconf_van *van;	/* per in.vans[] */
	char		psk_dir[PLANCONF_PATH_MAX];	/* "": no preshared keys */
	uint32_t	failover_after;	/* s, a tree tunnel dead before its standby */
	uint32_t	failback_after;	/* s, alive again before it is back */
	uint32_t	*by_name;	/* site indices sorted by name */
	struct plan_member *members;
	config_t	cfg;
	char		*dir;
	bool		cfg_live;
};

/* NULL with err = "FILE:LINE: message". */
struct planconf *planconf_load(const char *path, char err[static SETTING_ERR_MAX]);
void	planconf_free(struct planconf *);
/* The planner's error as "FILE:LINE: message". */
void	planconf_error(const struct planconf *, const struct plan_err *,
	    char err[static SETTING_ERR_MAX]);
/* A site's index by name, PLAN_NONE if there is none. */
uint32_t planconf_site(const struct planconf *, const char *name);

#endif /* FEDERATION_PLAN_PLANCONF_H */
