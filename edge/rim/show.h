/*
 * show.h — JSON views of a bridge for the control socket (see show.c).
 */
#ifndef EDGE_RIM_SHOW_H
#define EDGE_RIM_SHOW_H

#include <stdbool.h>
#include <stddef.h>
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
/*
 * `show graph`: the site as this daemon sees it, {"view", "self", "nodes",
 * "edges"} (docs/operations.md, "Seeing the federation"): a node for the
 * daemon itself (id "KIND NAME", kind "edge" or "proxy", state "self",
 * its VANs), one per site member (id its address, its state, HELLO age,
 * epoch) and an edge from the daemon to each, kind "member", with the
 * VANs configured here that the member has JOINed.  Peers are not here:
 * vanproxy adds them and their tunnels (proxy/peer.c).
 */
json_t	*show_graph(const struct bridge *, const char *kind, const char *name,
	    monotime_t now);

struct ctl_stats;

/* A control request's VAN argument, an ID or a name: its slot, or -1 with err. */
int	show_van_arg(const struct bridge *, const char *, char *err, size_t errlen);

/*
 * The `show` requests both daemons answer alike (argv[0] is "show"): vans,
 * ports (with a port_name), members, fdb [VAN], neigh [VAN], stats (the
 * bridge's and the control socket's counters, ctl_stats: the daemon adds
 * its own).
 * A VAN is an ID or a name.  NULL with err for a bad VAN; NULL with *mine
 * false for a request that is not one of these (the daemon's own, or its
 * usage line).
 */
json_t	*show_request(const struct bridge *, const struct ctl_stats *, int argc,
	    char **argv, show_port_name, show_member_name, void *arg,
	    monotime_t now, bool *mine, char *err, size_t errlen);

/*
 * `log-level [LEVEL]` (argv[0] is "log-level"), both daemons alike: the
 * level in force, or set to LEVEL (error, warning or warn, info, debug)
 * until the next reload or restart, which set the file's log_level again;
 * the bridge traces while it is debug (site_trace_sync).  NULL with err
 * for a bad level, or one below the -d floor.
 */
json_t	*show_log_level(struct bridge *, int argc, char **argv, char *err,
	    size_t errlen);

#endif /* EDGE_RIM_SHOW_H */
