/*
 * bridge.h — the decisions of an edge bridge (design §4), for every VAN of
 * one host: local ports, site members, the forwarding table, VAN
 * memberships (JOIN/LEAVE), learn/unlearn signalling and HELLO health.
 *
 * Pure: the bridge never touches a socket, a tap or a clock.  Events come
 * in as calls with `now`; what must be sent or delivered goes out as
 * actions in a struct bridge_out, which the I/O layer flushes (the bridge
 * calls out->flush itself when the batch is full).  Frames in actions point
 * into the caller's buffers, which must stay valid until the flush.
 *
 * Opaque, as OpenBSD's wg_noise is behind if_wg: the I/O layer changes the
 * bridge only through these calls (settings through bridge_set_conf, which
 * checks them against van.h's limits) and reads it through the views at
 * the end of this file; the fields are bridge_int.h's, the core's own.
 */
#ifndef EDGE_VAN_BRIDGE_H
#define EDGE_VAN_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "edge/van/van.h"
#include "edge/van/addr.h"
#include "edge/van/claims.h"
#include "edge/van/fdb.h"
#include "edge/van/neigh.h"
#include "edge/van/stats.h"
#include "edge/van/wire.h"

/* Opaque: its fields are the core's (bridge_int.h); the I/O layer calls. */
struct bridge;

enum member_state {
	MEMBER_UNKNOWN = 0,	/* not heard lately; floods still go to it */
	MEMBER_ALIVE,		/* HELLO within the dead time */
	MEMBER_DEAD,		/* went silent while sharing VANs: no routes */
};

struct bridge_conf {
	bool		proxy;		/* vanproxy: relay between site and peers */
	uint32_t	van_max;	/* 0: BRIDGE_VAN_MAX; at most that */
	uint32_t	port_max;	/* 0: BRIDGE_PORT_MAX; likewise */
	uint32_t	member_max;	/* 0: BRIDGE_MEMBER_MAX; likewise */
	uint32_t	memb_max;	/* 0: BRIDGE_MEMB_MAX */
	uint32_t	fdb_max;
	uint32_t	member_routes_max;	/* routes through one member, 0 = any */
	uint32_t	hello_ms;
	uint32_t	dead_count;
	uint32_t	dad_moves;	/* 0: the defaults above */
	uint32_t	dad_window_ms;
	uint32_t	dad_hold_ms;
	uint32_t	neigh_max;	/* addresses of the ARP/ND proxy, 0: default */
	bool		arp_proxy;	/* answer ARP and ND from the table */
	uint32_t	frame_max;	/* largest frame to a member, 0: any */
	uint32_t	refresh_ms;	/* proxies: every route to every peer again, 0: never */
	uint32_t	member_flood_rate;	/* site members: floods/s, 0 = any */
	uint32_t	member_learn_rate;	/* ... LEARN and UNLEARN/s, 0 = any */
	uint64_t	epoch;		/* non-zero, larger at each start (time) */
	uint8_t		hashkey[16];	/* random: keys every table */
	struct van_addr	self;		/* our address, when one for all members */
	/* Site key: set with bridge_set_auth, which forgets derived keys. */
	bool		auth;		/* seal and check control */
	bool		auth_compat;	/* also version 1 (site_key_compat) */
	bool		auth_accept;	/* accept_key set (site_key_accept) */
	uint8_t		site_key[WIRE_KEY_LEN];	/* sealed with and accepted */
	uint8_t		accept_key[WIRE_KEY_LEN];	/* accepted, never sent */
};

enum bridge_act_kind {
	BRIDGE_ACT_PORT = 1,	/* write data (a frame) to a port */
	BRIDGE_ACT_MEMBER = 2,	/* send hdr + data to a member */
};

struct bridge_act {
	uint8_t		kind;
	uint8_t		type;		/* wire type, for members */
	uint8_t		hdr_len;	/* 0 or WIRE_HDR_LEN */
	uint16_t	segs;		/* wire frames data stands for (GSO) */
	uint32_t	target;		/* port or member slot */
	const uint8_t	*data;
	size_t		data_len;
	uint8_t		hdr[WIRE_HDR_LEN];
};

struct bridge_out {
	unsigned	n;
	size_t		arena_used;
	void		(*flush)(struct bridge_out *, void *);
	void		*flush_arg;
	struct bridge_act act[BRIDGE_OUT_MAX];
	uint8_t		arena[BRIDGE_ARENA];
};

/* What the I/O layer should report (log): drained with bridge_event_next. */
enum bridge_event_type {
	BRIDGE_EV_DAD_FREEZE = 1,	/* a MAC moves too often: frozen */
	BRIDGE_EV_LOOP,			/* a flood came back from a peer: a loop */
	BRIDGE_EV_SEQ_JUMP,		/* a LEARN's sequence too far ahead: refused */
	BRIDGE_EV_STATIC_CLAIM,		/* a claim on a port's configured MAC */
	BRIDGE_EV_CLAIM_DENIED,		/* a peer's claim outside its claims */
	BRIDGE_EV_SITE_CLAIM,		/* a peer's claim on a MAC of the site */
	BRIDGE_EV_ADDR_CONFLICT,	/* a claim on an address used here */
};

struct bridge_event {
	uint8_t		type;
	uint8_t		kind;		/* where: FDB_LOCAL (port) / FDB_REMOTE (member) */
	uint32_t	van_id;
	uint8_t		mac[6];
	uint32_t	where;		/* port or member slot */
	uint32_t	moves;
	uint32_t	window_ms, hold_ms;	/* DAD_FREEZE: dad_window, dad_hold */
	uint32_t	seq;		/* SEQ_JUMP: the claim's; known: moves */
	struct wire_addr addr;		/* ADDR_CONFLICT, CLAIM_DENIED: the address */
};

/*
 * What an operator debugging a site wants to see (logged at debug level):
 * kept only while tracing is on (bridge_set_trace), in a ring of its own
 * (BRIDGE_TRACES) so that warnings are never lost to them.  A trace like
 * the newest one waiting (type, VAN, MAC, where) is counted in it instead
 * (count): a frozen MAC's frames or a flood held back cost no ring slot
 * each.  Never one per data frame that is forwarded.
 */
enum bridge_trace_type {
	BRIDGE_TR_MEMBER_STATE = 1,	/* from state_old to state */
	BRIDGE_TR_MEMBER_EPOCH,		/* epoch_old (0: none yet) to epoch */
	BRIDGE_TR_JOIN_IN,		/* a member JOINed van_id */
	BRIDGE_TR_LEAVE_IN,		/* ... LEFT it */
	BRIDGE_TR_JOIN_OUT,		/* we JOIN van_id (a first port), to all */
	BRIDGE_TR_LEAVE_OUT,		/* we LEAVE it (its last port went) */
	BRIDGE_TR_LEARN_IN,		/* a member's LEARN of mac, seq */
	BRIDGE_TR_UNLEARN_IN,
	BRIDGE_TR_LEARN_OUT,		/* our LEARN of mac to a member, seq */
	BRIDGE_TR_UNLEARN_OUT,
	BRIDGE_TR_MAC_LEARNED,		/* mac new on port where */
	BRIDGE_TR_MAC_MOVED,		/* mac moved to port where from from_kind/from */
	BRIDGE_TR_MAC_REFUSED,		/* a port's frame from mac dropped: reason */
	BRIDGE_TR_FLOOD_LIMITED,	/* floods held back (kind: from a port/member) */
	BRIDGE_TR_MAX
};

struct bridge_trace {
	uint8_t		type;
	uint8_t		kind;		/* where: FDB_LOCAL (port) / FDB_REMOTE (member) */
	uint8_t		from_kind;	/* MAC_MOVED: where it was */
	uint8_t		state_old, state;	/* MEMBER_STATE: enum member_state */
	uint8_t		reason;		/* MAC_REFUSED: a drop_reason, DROP_NONE: frozen */
	uint32_t	van_id;		/* 0: none (member traces) */
	uint8_t		mac[6];
	uint32_t	where;		/* port or member slot */
	uint32_t	from;		/* MAC_MOVED: port or member slot */
	uint32_t	seq;		/* LEARN_*: the sequence */
	uint32_t	count;		/* times it happened (coalesced), at least 1 */
	uint64_t	epoch_old, epoch;
	uint64_t	lost;		/* traces dropped (ring full) before this one */
};

/* A bridge for conf (checked: NULL on a bad value, or no memory). */
struct bridge *bridge_new(const struct bridge_conf *);
void	bridge_free(struct bridge *);
/*
 * The settings that may change while it runs — hello_ms, dead_count, the
 * dad_* values (0: defaults), arp_proxy, frame_max, refresh_ms and the
 * member_* limits — from conf; the rest of conf (sizes, proxy, epoch,
 * keys, self) is bridge_new's.  -1 with err when a value is out of range:
 * then nothing changes.
 */
int	bridge_set_conf(struct bridge *, const struct bridge_conf *, const char **err);

/* Configuration and control: slots or -1 with errno-free error strings. */
int	bridge_van_add(struct bridge *, uint32_t id, const char *name,
	    const char **err);
int	bridge_van_del(struct bridge *, struct bridge_out *, uint32_t slot,
	    monotime_t now, const char **err);
int	bridge_van_find(const struct bridge *, uint32_t id);
int	bridge_van_find_name(const struct bridge *, const char *name);

/*
 * A port of VAN van_slot.  With mac, the port may only send from it, and
 * its binding is static (nobody takes it over while the port is here); it
 * is claimed and announced at once, or, with BRIDGE_PORT_CLAIM_AT_FRAME,
 * at the first frame from it: a guest arriving by live migration is not
 * here until it runs (its hypervisor's announcement), though its device
 * exists before.
 */
#define BRIDGE_PORT_CLAIM_AT_FRAME	0x1
int	bridge_port_add(struct bridge *, struct bridge_out *, uint32_t van_slot,
	    const uint8_t *mac, unsigned flags, monotime_t now, const char **err);
void	bridge_port_del(struct bridge *, struct bridge_out *, uint32_t port,
	    monotime_t now);
void	bridge_port_set_up(struct bridge *, uint32_t port, bool up);

int	bridge_member_add(struct bridge *, struct bridge_out *,
	    const struct van_addr *, monotime_t now, const char **err);
/*
 * A peer (proxy mode): a member reached over a tunnel, known by its slot
 * only.  Its VANs come with bridge_peer_map; its limits with
 * bridge_peer_limits (macs 0 = member_routes_max; rates 0 = none).
 */
int	bridge_peer_add(struct bridge *, monotime_t now, const char **err);
/* The peer goes: unmap its VANs (it is not told), forget its routes. */
void	bridge_peer_del(struct bridge *, struct bridge_out *, uint32_t peer,
	    monotime_t now);
int	bridge_peer_map(struct bridge *, struct bridge_out *, uint32_t peer,
	    uint32_t our_id, uint32_t their_id, monotime_t now, const char **err);
void	bridge_peer_unmap(struct bridge *, struct bridge_out *, uint32_t peer,
	    uint32_t our_id, monotime_t now);
/*
 * Ask peer m for all its JOINs (a HELLO with SYNC): after pairs were
 * mapped that the peer may have JOINed before (tunnels that heal
 * themselves map a tunnel's pairs at both ends one after the other: the
 * first one's JOINs reached the other before it mapped them).
 */
void	bridge_peer_resync(struct bridge *, struct bridge_out *, uint32_t peer);
void	bridge_peer_limits(struct bridge *, uint32_t peer, uint32_t macs,
	    uint32_t flood_rate, uint32_t learn_rate);
/*
 * The largest frame the peer's tunnel carries (mtu_tunnel_frame_max), 0 for
 * any: larger ones to it are dropped (over-mtu) and, from the site,
 * answered with ICMP; TCP SYNs to and from it get an MSS that fits.
 */
void	bridge_peer_frame_max(struct bridge *, uint32_t peer, uint32_t frame_max);
/* Its VAN ID for our VAN ID, or 0 when the VAN is not mapped to it. */
uint32_t bridge_peer_van(const struct bridge *, uint32_t peer, uint32_t our_id);
void	bridge_member_del(struct bridge *, uint32_t slot);
int	bridge_member_find(const struct bridge *, const struct van_addr *);

/* Announce ourselves: HELLO asking for JOINs, and our JOINs, to all. */
void	bridge_start(struct bridge *, struct bridge_out *, monotime_t now);

/*
 * A frame a local port sent.  segs > 1: a GSO super-frame (up to 64 KiB)
 * that the I/O layer cuts into segs frames before they reach the wire; the
 * bridge decides once for all of them and copies segs into the actions.
 */
void	bridge_port_frame(struct bridge *, struct bridge_out *, uint32_t port,
	    const uint8_t *frame, size_t len, unsigned segs, monotime_t now);
/*
 * A UDP payload from the underlay, from `from` to `to` (the local address
 * it came to, with our port; NULL: the one we are known by, see
 * bridge_member_self).  Returns the message's type if it was taken (past
 * the checks of membership, format and, with a site key, authentication),
 * else 0.
 */
int	bridge_input(struct bridge *, struct bridge_out *,
	    const struct van_addr *from, const struct van_addr *to,
	    const uint8_t *msg, size_t len, monotime_t now);
/* A message from member slot m (a peer: the plaintext of its tunnel). */
int	bridge_input_member(struct bridge *, struct bridge_out *, uint32_t m,
	    const struct van_addr *to, const uint8_t *msg, size_t len,
	    monotime_t now);
/*
 * Our address (with our port) as site member m knows us: what messages to
 * it are sealed with and must leave from (conf.self until this is set).
 * The bridge follows it by itself to the address m's HELLOs come to.
 */
void	bridge_member_self(struct bridge *, uint32_t m, const struct van_addr *);
/* Our address toward m: its self, else conf.self (family 0: none known). */
const struct van_addr *bridge_member_self_get(const struct bridge *, uint32_t m);
/*
 * The site key (NULL: none), a second key accepted besides it but never
 * sealed with (accept, NULL: none; only with a key: the rotation window of
 * docs/protocol.md §7, "Rotating the site key"), and whether version 1
 * trailers are still accepted and, to members not heard with version 2
 * yet, sent ("Upgrading a site").  Forgets every derived key and which key
 * each member's last message verified with; keeps the counters, the replay
 * windows and the epochs (a key change is not a restart).
 */
void	bridge_set_auth(struct bridge *, const uint8_t *key, const uint8_t *accept,
	    bool compat);
/*
 * What peer m may claim (docs/proxy.md §5): copied; NULL or lists not set
 * are the default (what no other peer's list and no binding of this site
 * holds).
 */
int	bridge_peer_claims(struct bridge *, uint32_t peer, const struct claims *);
/* Timers: HELLOs, dead members.  Returns the next deadline. */
monotime_t bridge_tick(struct bridge *, struct bridge_out *, monotime_t now);

void	bridge_out_init(struct bridge_out *,
	    void (*flush)(struct bridge_out *, void *), void *arg);
/* Count an I/O failure of action a (the I/O layer reports it back). */
void	bridge_count_tx_error(struct bridge *, const struct bridge_act *);

/*
 * A VAN's name: unique (refused while another VAN has it), or "" for none
 * (a reload renames in two passes: all to "", then to their new names).
 */
int	bridge_van_rename(struct bridge *, uint32_t van_slot, const char *name,
	    const char **err);
/* Count a send that failed toward member m (the socket's error callback). */
void	bridge_count_member_error(struct bridge *, uint32_t m);
/* Per-VAN limits: table share (0 = any), flood rate and burst (0 = none). */
void	bridge_van_limits(struct bridge *, uint32_t van_slot, uint32_t fdb_max,
	    uint32_t flood_rate, uint32_t flood_burst);
/* The next report, or false when there is none. */
bool	bridge_event_next(struct bridge *, struct bridge_event *);
/* Keep traces (the daemon's log level is debug)?  Off: the ring empties. */
void	bridge_set_trace(struct bridge *, bool on);
bool	bridge_trace_next(struct bridge *, struct bridge_trace *);
/*
 * Port p's last flood found its VAN's bucket empty: the time until which
 * the I/O layer should not read it (the kernel then drops the excess in
 * the sender's context, not ours), else 0.
 */
monotime_t bridge_port_backoff(struct bridge *, uint32_t p, monotime_t now);

const char *member_state_str(enum member_state);

/* ------------------------------------------------------------- views --- */

/*
 * What the I/O layer reads (vanctl's views, logs, its own tables sized by
 * the slots): copies and pointers to counters, valid until the next call
 * that changes the bridge.  Slots run from 0 below the *_max; a view of an
 * unused slot is false.
 */
struct bridge_size {
	uint32_t	van_max, port_max, member_max;	/* slots */
	uint32_t	nvans, nports, nmembers;	/* used */
	bool		proxy;
};

struct bridge_van_view {
	uint32_t	id;
	const char	*name;
	uint32_t	nports;
	uint32_t	nmembers;	/* members that JOINed it */
	uint32_t	fdb_local, fdb_remote;
	const struct van_stats *stats;
};

struct bridge_port_view {
	uint32_t	van;		/* VAN slot */
	bool		up;
	bool		has_mac;	/* may send from mac only */
	uint8_t		mac[6];
	const struct port_stats *stats;
};

struct bridge_member_view {
	const struct van_addr *addr;	/* site members; peers have none */
	bool		peer;
	enum member_state state;
	monotime_t	state_since;
	monotime_t	last_hello;	/* 0: none */
	uint64_t	epoch;		/* 0: not heard */
	uint32_t	van_count;	/* VANs it has JOINed, as we count */
	uint32_t	vans_kept;	/* ... of them kept (docs/protocol.md §5) */
	uint32_t	shared;		/* of them with local ports */
	uint32_t	routes;		/* forwarding entries through it */
	uint32_t	routes_max;	/* peers: its own limit, 0: the site's */
	uint32_t	frame_max;	/* peers: largest frame its tunnel carries */
	const char	*auth;		/* its trailer, NULL: no site key or not heard */
	const char	*auth_key;	/* the key its last message verified with:
					   "site_key", "site_key_accept"; NULL:
					   no site key or not heard since set */
	const struct member_stats *stats;
};

void	bridge_size(const struct bridge *, struct bridge_size *);
bool	bridge_van_view(const struct bridge *, uint32_t v, struct bridge_van_view *);
bool	bridge_port_view(const struct bridge *, uint32_t p, struct bridge_port_view *);
bool	bridge_member_view(const struct bridge *, uint32_t m, struct bridge_member_view *);
/* One field each: a VAN's ID (0: slot unused), a site member's address
 * (NULL: unused or a peer), whether m is a peer. */
uint32_t bridge_van_id(const struct bridge *, uint32_t v);
const struct van_addr *bridge_member_addr(const struct bridge *, uint32_t m);
bool	bridge_member_is_peer(const struct bridge *, uint32_t m);
/* Has member m JOINed VAN slot v? */
bool	bridge_van_joined(const struct bridge *, uint32_t v, uint32_t m);
const struct global_stats *bridge_global_stats(const struct bridge *);
/* The largest frame to a member (bridge_conf.frame_max), 0: any. */
uint32_t bridge_frame_max(const struct bridge *);
/* Iterate the forwarding table and the ARP/ND table: *pos = 0 first. */
const struct fdb_entry *bridge_fdb_next(const struct bridge *, uint32_t *pos);
const struct neigh_entry *bridge_neigh_next(const struct bridge *, uint32_t *pos);
/* Reports waiting (bridge_event_next)? */
bool	bridge_events_pending(const struct bridge *);
/*
 * Proxies: a peer joined or came back and hears our routes (relay_dump):
 * true once, so that the daemon runs the timer soon.
 */
bool	bridge_take_dump_due(struct bridge *);
/* Proxies: route_refresh rounds begun. */
uint64_t bridge_refreshes(const struct bridge *);
/* (VAN, MAC) notes with repeats still to say (repeat.c). */
uint32_t bridge_repeats_pending(const struct bridge *);

#endif /* EDGE_VAN_BRIDGE_H */
