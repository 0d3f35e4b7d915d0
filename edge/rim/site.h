/*
 * site.h — what vanedge and vanproxy do alike with their site: read a batch
 * of VAN messages from the site's underlay socket into the bridge, say who
 * knocked without being a member, and follow the configuration's list of
 * site members.  The daemons' own data (sockets, address caches) stay
 * theirs; these functions work on the bridge and the receive batch.
 */
#ifndef EDGE_RIM_SITE_H
#define EDGE_RIM_SITE_H

#include <stdbool.h>

#include "edge/van/addr.h"
#include "edge/van/bridge.h"
#include "edge/rim/log.h"
#include "edge/rim/udp.h"

/*
 * Feed the n datagrams of rx to the bridge (a GRO datagram as the messages
 * it holds), each with the address it came to: `listen` (the socket's,
 * with our port), or with mlocal the datagram's own.  Returns whether one of them came from a non-member; *stranger
 * is then the last such sender.  With mlocal (per member slot; the socket
 * reports local addresses), a member's accepted HELLO notes the address it
 * came to: where that member knows us, so what we send it leaves from there.
 */
bool	site_input(struct bridge *, struct bridge_out *, const struct udp_rx *,
	    int n, monotime_t now, const struct van_addr *listen,
	    struct van_addr *stranger, struct udp_local *mlocal);
/*
 * Tell the bridge our address as new site member m knows us, until its
 * HELLOs say otherwise: the listening address, or on a socket of every
 * address the one the kernel's route to m picks.
 */
void	site_member_self(struct bridge *, uint32_t m, const struct van_addr *listen);
/* After the batches of one wake-up: log a knock (rate-limited by lim). */
void	site_report_strangers(const struct bridge *, struct log_limit *lim,
	    bool knocked, const struct van_addr *stranger, monotime_t now);
/*
 * Make the bridge's site members (peers are not touched) those of the
 * configuration: the ones gone are removed, new ones added, and added(arg,
 * slot) called for each (the daemon caches its socket address); one that
 * cannot be added is logged and skipped.
 */
void	site_members_apply(struct bridge *, struct bridge_out *,
	    const struct van_addr *members, unsigned n, monotime_t now,
	    void (*added)(void *, uint32_t slot), void *arg);

/*
 * Log what the bridge reports (bridge_event_next), at most as lim allows
 * but a duplicate MAC's freeze (few by themselves; claims come from the
 * network): where a port or member is, named by port_name / member_name
 * (NULL, or a NULL answer: "?" for a port, the member's address).
 */
void	site_report_events(struct bridge *, struct log_limit *lim,
	    const char *(*port_name)(void *, uint32_t),
	    const char *(*member_name)(void *, uint32_t), void *arg, monotime_t now);

#endif /* EDGE_RIM_SITE_H */
