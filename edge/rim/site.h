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
 * Where the daemon sends to each site member, per member slot: its socket
 * address, and our address it calls (on a socket of every address; zero
 * until its first accepted HELLO).
 */
struct site_addrs {
	struct sockaddr_storage *sa;
	socklen_t	*salen;
	struct udp_local *local;
};

/* Room for n member slots: 0, or -1 (no memory). */
int	site_addrs_init(struct site_addrs *, uint32_t n);
void	site_addrs_free(struct site_addrs *);

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
 * A readable site socket: up to `rounds` batches (fair to the daemon's
 * other sockets), each fed to the bridge (site_input; with the members'
 * addresses `to` if the socket reports local ones) and followed by
 * flush(arg) (the daemon sends what the bridge decided); then a knock from
 * a non-member is logged, as nonmember_log allows.
 */
void	site_drain(struct bridge *, struct bridge_out *, struct udp_sock *,
	    struct udp_rx *, int rounds, const struct van_addr *listen,
	    struct site_addrs *to, struct log_limit *nonmember_log,
	    void (*flush)(void *), void *arg, monotime_t now);
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
 * configuration: the ones gone are removed, new ones added, each with its
 * address in `to` (for a socket of family v6 or not) and our address as
 * `listen` says (site_member_self); one that cannot be added is logged
 * and skipped.
 */
void	site_members_apply(struct bridge *, struct bridge_out *,
	    const struct van_addr *members, unsigned n, monotime_t now,
	    struct site_addrs *to, bool v6, const struct van_addr *listen);

/*
 * The debug lines of the bridge's traces (bridge_trace_next): at most
 * SITE_TRACE_RATE a second of each type (a burst of SITE_TRACE_BURST); the
 * next line of a type says how many of it were held back.  Zeroed memory
 * is a valid one.
 */
#define SITE_TRACE_RATE		10
#define SITE_TRACE_BURST	20

struct site_trace_log {
	bool		ready;
	struct log_limit kind[BRIDGE_TR_MAX];	/* [0]: the traces lost */
	uint64_t	lost;		/* ... not told yet */
};

/* Trace the bridge's decisions (bridge_set_trace) while the log level is debug. */
void	site_trace_sync(struct bridge *);

/*
 * Log what the bridge reports (bridge_event_next), at most as lim allows
 * but a duplicate MAC's freeze (few by themselves; claims come from the
 * network), then its traces at debug level (tl): where a port or member is,
 * named by port_name / member_name (NULL, or a NULL answer: "?" for a
 * port, the member's address).
 */
void	site_report_events(struct bridge *, struct log_limit *lim,
	    struct site_trace_log *tl, const char *(*port_name)(void *, uint32_t),
	    const char *(*member_name)(void *, uint32_t), void *arg, monotime_t now);

#endif /* EDGE_RIM_SITE_H */
