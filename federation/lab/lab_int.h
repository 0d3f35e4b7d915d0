/*
 * lab_int.h — what labconf.c (the topology file: sites, hosts, VMs) and
 * labfed.c (its federation part: the proxies, the internet switch, the
 * peerings) share while they parse one topology: the parse context, whose
 * setting_ctx the getters of edge/rim/setting.h take (each reports
 * "FILE:LINE: message" in it), and labfed.c's parsers, which labconf.c
 * calls.  Not for other files: lab.h is the model's interface.
 */
#ifndef FEDERATION_LAB_LAB_INT_H
#define FEDERATION_LAB_LAB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <libconfig.h>

#include "edge/rim/setting.h"
#include "federation/lab/lab.h"

struct lab_ctx {
	struct setting_ctx set;		/* the file being read: its name, the error */
	struct lab	*lab;
	bool		several;	/* more than one site: proxies, names kept */
};

/* labfed.c.  A site's `proxy` group (s: the site's setting), once its
 * hosts are parsed; the defaults when there is none. */
bool	lab_parse_proxy(struct lab_ctx *, const config_setting_t *s, unsigned si);
/* Once every site is parsed (sites: the `sites` list): each pair's own
 * addresses, the highest free ones of its underlay and of the internet,
 * site by site (every other address of the lab is known by then). */
bool	lab_parse_gateways(struct lab_ctx *, const config_setting_t *sites);
/* The topology's `lab.internet` (g: the `lab` group, or NULL). */
bool	lab_parse_internet(struct lab_ctx *, const config_setting_t *g);
/* `peerings`, once every site is parsed (root: the file's root); or,
 * with `plan`, the peerings that vanplan's peering files make. */
bool	lab_parse_peerings(struct lab_ctx *, const config_setting_t *root);

#endif /* FEDERATION_LAB_LAB_INT_H */
