/*
 * show.h — JSON views of a bridge for the control socket (see show.c).
 */
#ifndef EDGE_RIM_SHOW_H
#define EDGE_RIM_SHOW_H

#include <stdint.h>

#include <jansson.h>

#include "edge/van/bridge.h"

/* The name of port slot p (its tap). */
typedef const char *(*show_port_name)(void *arg, uint32_t p);
/*
 * What to show for member slot m instead of its address (vanproxy: "peer
 * NAME" for a peer), or NULL for its address.  A NULL callback: addresses.
 */
typedef const char *(*show_member_name)(void *arg, uint32_t m);

json_t	*show_vans(const struct bridge *);
json_t	*show_ports(const struct bridge *, show_port_name, void *);
/* van_id 0: every VAN.  Either callback may be NULL; both get arg. */
json_t	*show_fdb(const struct bridge *, uint32_t van_id, show_port_name,
	    show_member_name, void *arg, monotime_t now);
json_t	*show_members(const struct bridge *, show_member_name, void *,
	    monotime_t now);
/* The ARP/ND proxy's table; van_id 0: every VAN. */
json_t	*show_neigh(const struct bridge *, uint32_t van_id, monotime_t now);
json_t	*show_stats(const struct bridge *, show_member_name, void *);

#endif /* EDGE_RIM_SHOW_H */
