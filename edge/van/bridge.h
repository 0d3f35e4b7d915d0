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
 */
#ifndef EDGE_VAN_BRIDGE_H
#define EDGE_VAN_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/replay.h"
#include "edge/van/van.h"
#include "edge/van/addr.h"
#include "edge/van/claims.h"
#include "edge/van/fdb.h"
#include "edge/van/idmap.h"
#include "edge/van/monotime.h"
#include "edge/van/neigh.h"
#include "edge/van/stats.h"
#include "edge/van/wire.h"

#define MEMBER_WORDS		(BRIDGE_MEMBER_MAX / 64)

enum member_state {
	MEMBER_UNKNOWN = 0,	/* not heard lately; floods still go to it */
	MEMBER_ALIVE,		/* HELLO within the dead time */
	MEMBER_DEAD,		/* went silent while sharing VANs: no routes */
};

struct bridge_port {
	bool		used;
	bool		up;		/* can deliver (tap open) */
	bool		flood_limited;	/* its last flood met an empty bucket */
	bool		has_mac;	/* may only send from mac */
	uint8_t		mac[6];
	uint32_t	van;		/* VAN slot */
	uint32_t	next;		/* next port of the VAN, or UINT32_MAX */
	struct port_stats stats;
};

/* A token bucket: rate per second, burst; rate 0 = unlimited. */
struct bucket {
	uint32_t	rate;
	uint32_t	burst;
	double		tokens;
	monotime_t	last;
};

struct bridge_van {
	bool		used;
	uint32_t	id;
	char		name[BRIDGE_NAME_MAX];
	uint32_t	npeers;		/* peers it is mapped to (proxy) */
	uint32_t	fdb_max;	/* this VAN's share of the table, 0 = any */
	struct bucket	flood;		/* flooded frames, both directions */
	uint32_t	nports;		/* local ports */
	uint32_t	first_port;	/* list through bridge_port.next */
	uint32_t	fdb_local;	/* forwarding entries of this VAN */
	uint32_t	fdb_remote;
	uint64_t	members[MEMBER_WORDS];	/* members that JOINed */
	struct van_stats stats;
};

struct bridge_member {
	bool		used;
	bool		peer;		/* another site's proxy, over a tunnel */
	struct van_addr	addr;		/* site members: underlay address */
	uint32_t	routes_max;	/* 0: conf.member_routes_max */
	struct bucket	flood_in;	/* floods it may send us */
	struct bucket	learn_in;	/* LEARN / UNLEARN it may send */
	uint32_t	xjoined;	/* peers: VANs mapped, in its IDs ... */
	uint64_t	xjoined_digest;	/* ... and their digest */
	uint32_t	frame_max;	/* peers: the largest frame its tunnel carries, 0 any */
	bool		dump;		/* peers: our routes still to tell it */
	uint32_t	dump_pos;	/* ... from this slot of the table on */
	enum member_state state;
	uint64_t	epoch;		/* its boot epoch, 0 = not heard */
	monotime_t	epoch_at;	/* ... since (one change per interval) */
	bool		fresh;		/* new epoch, no HELLO of it processed yet */
	struct replay_window window;	/* auth counters of this epoch */
	/*
	 * Site key (docs/protocol.md §7): our address as it knows us, the
	 * pair keys of both directions (derived when first needed), our
	 * counter toward it; v2: it sealed with its pair key (site_key_compat
	 * then sends it version 2 too).
	 */
	struct van_addr	self;		/* family 0: conf.self */
	struct van_addr	rx_to;		/* the address rx_key is for */
	bool		tx_ok, rx_ok, v2;
	uint8_t		tx_key[WIRE_KEY_LEN];
	uint8_t		rx_key[WIRE_KEY_LEN];
	uint64_t	tx_counter;
	uint32_t	interval_ms;	/* its HELLO interval */
	uint32_t	van_count;	/* our view of its VAN set */
	uint64_t	van_digest;
	uint32_t	memb_head;	/* its memberships kept (a list of nodes) */
	uint32_t	nmemb;		/* ... how many */
	uint32_t	nforeign;	/* ... of VANs not configured here */
	uint32_t	over;		/* JOINs counted in the digest, not kept */
	bool		want_sync;	/* ask it for its JOINs at the next tick */
	monotime_t	sync_answered;	/* its last HELLO+SYNC we answered */
	uint32_t	shared;		/* its VANs that have local ports here */
	uint32_t	routes;		/* forwarding entries through it */
	monotime_t	last_hello;	/* HELLO received */
	monotime_t	sync_at;	/* resync last requested */
	monotime_t	state_since;
	struct member_stats stats;
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
	uint8_t		site_key[WIRE_KEY_LEN];
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
	uint32_t	seq;		/* SEQ_JUMP: the claim's; known: moves */
	struct wire_addr addr;		/* ADDR_CONFLICT, CLAIM_DENIED: the address */
};

/* The sequence a removed binding had, so a comeback announces higher. */
struct seq_memo {
	uint32_t	van;
	uint32_t	seq;
	uint32_t	xseq;
	uint8_t		mac[6];
	bool		inside;		/* proxy: it was behind a site member */
	monotime_t	at;
};

/* A FLOOD seen lately (proxy): the same one from another peer is a loop. */
struct flood_seen {
	uint64_t	print;		/* VAN, length, first bytes */
	uint32_t	member;
	monotime_t	at;
};

/* A LEARN refused while a binding here held its MAC (bridge_pend_keep). */
struct claim_pend {
	uint32_t	van;		/* VAN ID */
	uint32_t	member;
	monotime_t	at;		/* 0: free */
	struct wire_learn learn;
};

/* A membership kept: (member, VAN ID), on the member's list. */
struct memb_node {
	uint32_t	van_id;
	uint32_t	prev, next;	/* node indices; UINT32_MAX ends */
	bool		foreign;	/* of a VAN not configured here */
};

struct unlearn_hold {
	uint32_t	van;
	uint32_t	member;
	uint8_t		mac[6];
	monotime_t	at;
};

struct bridge {
	struct bridge_conf conf;
	struct fdb	fdb;
	struct neigh	neigh;		/* addresses of MACs: the ARP/ND proxy */
	struct bucket	icmp;		/* "too big" answers */
	struct idmap	van_by_id;	/* VAN ID -> slot */
	struct idmap	member_by_addr;	/* addr_key -> slot */
	struct idmap	memb;		/* member << 32 | VAN ID -> node */
	struct memb_node *memb_node;	/* [conf.memb_max] */
	uint32_t	memb_free;	/* free nodes, through next */
	struct bridge_van *van;		/* [BRIDGE_VAN_MAX] */
	struct bridge_port *port;	/* [BRIDGE_PORT_MAX] */
	struct bridge_member *member;	/* [BRIDGE_MEMBER_MAX] */
	struct unlearn_hold *hold;	/* [BRIDGE_UNLEARN_CACHE] */
	struct seq_memo	*memo;		/* [BRIDGE_SEQ_CACHE] */
	struct flood_seen *seen;	/* [BRIDGE_SEEN_CACHE], proxies */
	struct claim_pend *pend;	/* [BRIDGE_PEND_CACHE] */
	struct claims	*claims;	/* [member_max], proxies: by peer */
	uint32_t	*claimers;	/* [member_max]: peers with a claims list */
	uint32_t	nclaimers;
	struct idmap	xmap_out;	/* peer << 32 | our VAN ID -> its VAN ID */
	struct idmap	xmap_in;	/* peer << 32 | its VAN ID -> our VAN ID */
	uint32_t	nvans, nports, nmembers;
	uint32_t	joined;		/* local VANs with ports (JOINed) */
	uint64_t	joined_digest;
	monotime_t	next_hello;
	monotime_t	next_dump;	/* proxies: the next batch of relay_dump */
	monotime_t	next_refresh;	/* proxies: the next refresh_ms round, 0: unset */
	uint64_t	refreshes;	/* refresh rounds begun */
	bool		dump_due;	/* a peer joined: the daemon ticks soon */
	uint32_t	hello_rounds;
	struct bridge_event events[BRIDGE_EVENTS];
	uint32_t	ev_head, ev_tail;
	uint64_t	ev_lost;
	bool		started;
	struct global_stats stats;
};

int	bridge_init(struct bridge *, const struct bridge_conf *);
void	bridge_free(struct bridge *);

/* Configuration and control: slots or -1 with errno-free error strings. */
int	bridge_van_add(struct bridge *, uint32_t id, const char *name,
	    const char **err);
int	bridge_van_del(struct bridge *, struct bridge_out *, uint32_t slot,
	    monotime_t now, const char **err);
int	bridge_van_find(const struct bridge *, uint32_t id);
int	bridge_van_find_name(const struct bridge *, const char *name);

int	bridge_port_add(struct bridge *, struct bridge_out *, uint32_t van_slot,
	    const uint8_t *mac, monotime_t now, const char **err);
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
 * bridge_member_self).
 */
void	bridge_input(struct bridge *, struct bridge_out *,
	    const struct van_addr *from, const struct van_addr *to,
	    const uint8_t *msg, size_t len, monotime_t now);
/* A message from member slot m (a peer: the plaintext of its tunnel). */
void	bridge_input_member(struct bridge *, struct bridge_out *, uint32_t m,
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
 * The site key (NULL: none) and whether version 1 trailers are still
 * accepted and, to members not heard with version 2 yet, sent
 * (docs/protocol.md §7, "Upgrading a site").  Forgets every derived key.
 */
void	bridge_set_auth(struct bridge *, const uint8_t *key, bool compat);
/*
 * Limits of every site member (peers have their own): routes through one
 * (0 = any), floods and LEARN/UNLEARN per second from one (0 = none).
 */
void	bridge_site_limits(struct bridge *, uint32_t routes_max,
	    uint32_t flood_rate, uint32_t learn_rate);
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

/* Per-VAN limits: table share (0 = any), flood rate and burst (0 = none). */
void	bridge_van_limits(struct bridge *, uint32_t van_slot, uint32_t fdb_max,
	    uint32_t flood_rate, uint32_t flood_burst);
/* The next report, or false when there is none. */
bool	bridge_event_next(struct bridge *, struct bridge_event *);
/*
 * Port p's last flood found its VAN's bucket empty: the time until which
 * the I/O layer should not read it (the kernel then drops the excess in
 * the sender's context, not ours), else 0.
 */
monotime_t bridge_port_backoff(struct bridge *, uint32_t p, monotime_t now);

const char *member_state_str(enum member_state);

static inline bool
member_bit(const uint64_t *set, uint32_t m)
{
	return (set[m / 64] >> (m % 64)) & 1;
}

/* Has this host (or proxy) a reason to be in the VAN: ports, or peers? */
static inline bool
van_present(const struct bridge_van *van)
{
	return van->nports > 0 || van->npeers > 0;
}

#endif /* EDGE_VAN_BRIDGE_H */
