/*
 * bridge_int.h — the bridge's state and what its files share, in layers
 * (each calls only those below it; tests/layout.sh checks):
 *   bridge.c       set-up, topology, frames and messages in, the timers
 *   relay.c        a proxy's decisions (its peers)
 *   member.c       members, memberships, HELLO, epochs
 *   forward.c      what they decide is done here: actions, forwarding
 *                  entries, sequences, events, claim checks
 *   sitekey.c      sealing and checking with the site key
 *   bridge_view.c  look-ups, and what the I/O layer may read
 * Only the core (edge/van/) and its tests include it: to everyone else
 * struct bridge is opaque (bridge.h).
 */
#ifndef EDGE_VAN_BRIDGE_INT_H
#define EDGE_VAN_BRIDGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/bucket.h"
#include "crypto/replay.h"
#include "edge/van/bridge.h"
#include "edge/van/idmap.h"

/* ------------------------------------------------------------- state --- */

#define MEMBER_WORDS		(BRIDGE_MEMBER_MAX / 64)
/* Every this many HELLO rounds, a slow round: to every member. */
#define BRIDGE_HELLO_SLOW_EVERY	10
#define BRIDGE_NONE		UINT32_MAX	/* no port, member or node */

struct bridge_port {
	bool		used;
	bool		up;		/* can deliver (tap open) */
	bool		flood_limited;	/* its last flood met an empty bucket */
	bool		has_mac;	/* may only send from mac */
	uint8_t		mac[6];
	uint32_t	van;		/* VAN slot */
	uint32_t	next;		/* next port of the VAN, or BRIDGE_NONE */
	struct port_stats stats;
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
	 * then sends it version 2 too).  rx_acc: its direction's pair key of
	 * the accepted key (conf.accept_key), derived with rx_key; rx_by:
	 * the key its last message accepted verified with.
	 */
	struct van_addr	self;		/* family 0: conf.self */
	struct van_addr	rx_to;		/* the address rx_key is for */
	bool		tx_ok, rx_ok, v2;
	uint8_t		rx_by;		/* SITEKEY_BY_* */
	uint8_t		tx_key[WIRE_KEY_LEN];
	uint8_t		rx_key[WIRE_KEY_LEN];
	uint8_t		rx_acc[WIRE_KEY_LEN];
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

/* An announcement or withdrawal to say again (repeat.c). */
struct repeat_note {
	uint32_t	van;		/* VAN ID */
	uint8_t		mac[6];
	uint8_t		left;		/* repeats to go; 0: free */
	monotime_t	due;
};

/* A membership kept: (member, VAN ID), on the member's list. */
struct memb_node {
	uint32_t	van_id;
	uint32_t	prev, next;	/* node indices; BRIDGE_NONE ends */
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
	struct repeat_note *repeat;	/* [BRIDGE_REPEAT_CACHE] */
	uint32_t	nrepeats;	/* notes with repeats to go */
	struct claims	*claims;	/* [member_max], proxies: by peer */
	uint32_t	*claimers;	/* [member_max]: peers with a claims list */
	uint32_t	nclaimers;
	struct idmap	xmap_out;	/* peer << 32 | our VAN ID -> its VAN ID */
	struct idmap	xmap_in;	/* peer << 32 | its VAN ID -> our VAN ID */
	uint32_t	nvans, nports, nmembers;
	uint32_t	joined;		/* local VANs with ports (JOINed) */
	uint64_t	joined_digest;
	monotime_t	next_hello;
	monotime_t	tick_due;	/* what bridge_tick last asked for, 0: none */
	monotime_t	next_dump;	/* proxies: the next batch of relay_dump */
	monotime_t	next_refresh;	/* proxies: the next refresh_ms round, 0: unset */
	uint64_t	refreshes;	/* refresh rounds begun */
	bool		dump_due;	/* a peer joined: the daemon ticks soon */
	uint32_t	hello_rounds;
	struct bridge_event events[BRIDGE_EVENTS];
	uint32_t	ev_head, ev_tail;
	uint64_t	ev_lost;
	bool		trace;		/* bridge_set_trace */
	struct bridge_trace traces[BRIDGE_TRACES];
	uint32_t	tr_head, tr_tail;
	uint64_t	tr_lost;	/* since the last trace drained */
	bool		started;
	struct global_stats stats;
};

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

/* ------------------------------------------------------------ helpers --- */

/*
 * A bridge in place (the core's tests embed one; the I/O layer has
 * bridge_new and bridge_free): 0, or -1 for a bad size or no memory;
 * bridge_fini frees what bridge_init allocated.
 */
int		bridge_init(struct bridge *, const struct bridge_conf *);
void		bridge_fini(struct bridge *);
/* Every site member's limits (bridge_set_conf). */
void		bridge_site_limits(struct bridge *, uint32_t routes_max,
		    uint32_t flood_rate, uint32_t learn_rate);

/* forward.c: actions. */
/* A frame (segs segments, in the caller's buffer) to port p of VAN slot v. */
void		bridge_emit_port(struct bridge *, struct bridge_out *, uint32_t v,
		    uint32_t p, const uint8_t *frame, size_t len, unsigned segs);
/* A frame the bridge made (an answer, on the stack) to port p. */
void		bridge_emit_port_made(struct bridge *, struct bridge_out *, uint32_t v,
		    uint32_t p, const uint8_t *frame, size_t len);
bool		bridge_hdr(struct bridge *, uint32_t m, uint8_t type, uint32_t van_id,
		    uint8_t flags, uint8_t hop, struct wire_hdr *);
void		bridge_emit_ctl(struct bridge *, struct bridge_out *, uint32_t m,
		    uint8_t type, const uint8_t *msg, size_t len);
void		bridge_emit_frame(struct bridge *, struct bridge_out *, uint32_t m,
		    uint8_t type, uint32_t v, uint8_t hop, const uint8_t *frame,
		    size_t len, unsigned segs);
/* A frame the bridge made (an answer, on the stack) to member m. */
void		bridge_emit_made(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const uint8_t *frame, size_t len);
void		bridge_send_learn(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const struct fdb_entry *);
void		bridge_send_unlearn(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const uint8_t mac[static 6]);
/*
 * Queue a report about member m and a MAC of VAN slot v for the I/O layer:
 * the event to fill in further, NULL if the ring is full (counted).
 */
/*
 * A trace (bridge.h) of type at (van_id, kind, where, mac), to fill in, or
 * NULL: tracing off, the ring full, or one like it the newest waiting
 * (then counted in that one).  mac NULL: none.
 */
struct bridge_trace *bridge_trace(struct bridge *, uint8_t type, uint32_t van_id,
		    uint8_t kind, uint32_t where, const uint8_t *mac);
struct bridge_event *bridge_report(struct bridge *, uint8_t type, uint32_t v,
		    uint32_t m, const uint8_t mac[static 6]);
/* A claim of m that breaks a rule: counted (VAN, member) and reported. */
struct bridge_event *bridge_refuse(struct bridge *, uint32_t v, uint32_t m,
		    enum drop_reason, uint8_t ev_type, const uint8_t mac[static 6]);
/*
 * May m's LEARN with sequence seq move a binding whose known sequence is
 * `known`?  Not if seq is newer but out of reach (WIRE_SEQ_JUMP_MAX): it
 * would outrun every later announcement of the MAC's owner; counted
 * (seq-jump) and reported.
 */
bool		bridge_seq_ok(struct bridge *, uint32_t v, uint32_t m,
		    const uint8_t mac[static 6], uint32_t seq, uint32_t known);
/*
 * A LEARN of m refused while a binding here held its MAC (a port's
 * configured MAC, a proxy's site MAC): kept a while (BRIDGE_PEND_KEEP, one
 * per slot of BRIDGE_PEND_CACHE), and taken once the binding goes — true
 * with it if it is fresh and m still a member (a peer: mapping VAN slot v).
 */
void		bridge_pend_keep(struct bridge *, uint32_t v, uint32_t m,
		    const struct wire_learn *, monotime_t now);
bool		bridge_pend_take(struct bridge *, uint32_t v, const uint8_t mac[static 6],
		    monotime_t now, uint32_t *m, struct wire_learn *);
/* VAN slot v gained or lost a reason to be here (was: before the change). */
void		bridge_van_presence(struct bridge *, struct bridge_out *, uint32_t v,
		    bool was);
/* A MAC of ours appeared (or came back): LEARN with its sequence to VAN slot v. */
void		bridge_announce(struct bridge *, struct bridge_out *, uint32_t v,
		    const struct fdb_entry *);

/* forward.c: forwarding entries, sequences, learning. */
/* Counters follow every entry that goes: call before removing it. */
void		bridge_entry_forget(struct bridge *, const struct fdb_entry *);
/*
 * A higher sequence seq was heard for e than e keeps (its move was
 * refused: frozen): remember it, so that if the MAC appears here it
 * outbids it.
 */
void		bridge_memo_note(struct bridge *, const struct fdb_entry *,
		    uint32_t seq, monotime_t now);
/* The peers were told (VAN ID, mac) left the site: its next appearance
 * in the site is an arrival (bridge_was_inside false). */
void		bridge_memo_left(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], monotime_t now);
bool		bridge_fdb_room(struct bridge *, uint32_t v, uint32_t m);
struct fdb_entry *bridge_fdb_new(struct bridge *, uint32_t v,
		    const uint8_t mac[static 6], uint32_t m);
void		bridge_fdb_set(struct bridge *, struct fdb_entry *, uint32_t v,
		    uint8_t kind, uint32_t where, bool created, monotime_t now);
void		bridge_fdb_drop(struct bridge *, struct fdb_entry *, monotime_t now);
bool		bridge_may_move(struct bridge *, uint32_t v, struct fdb_entry *,
		    monotime_t now);
uint32_t	bridge_seq_known(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], const struct fdb_entry *, monotime_t);
uint32_t	bridge_xseq_known(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], const struct fdb_entry *, monotime_t);
/* Proxies: was (VAN, MAC) lately behind a site member (a binding now gone)? */
bool		bridge_was_inside(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], monotime_t now);
void		bridge_learn_src(struct bridge *, uint32_t v, const uint8_t mac[static 6],
		    uint32_t m, monotime_t now);
void		bridge_learn_addrs(struct bridge *, uint32_t v, uint32_t m,
		    const struct wire_learn *, monotime_t now);
bool		bridge_unlearn_held(struct bridge *, uint32_t van_id, uint32_t m,
		    const uint8_t mac[static 6], monotime_t now);
bool		bridge_frame_src_ok(struct bridge *, uint32_t v, uint32_t m,
		    const uint8_t *frame);
/* May peer m claim the MAC, the address (its peering's claims; docs/proxy.md §5)? */
bool		bridge_claim_mac_ok(const struct bridge *, uint32_t m,
		    const uint8_t mac[static 6]);
bool		bridge_claim_addr_ok(const struct bridge *, uint32_t m,
		    const struct wire_addr *);

/* Each member of VAN v that is not dead, in turn. */
#define FOR_VAN_MEMBERS(b, v, m, w, bits)					\
	for ((w) = 0; (w) < MEMBER_WORDS; (w)++)				\
		for ((bits) = (b)->van[v].members[w];				\
		    (bits) != 0 && ((m) = (w) * 64 +				\
		    (uint32_t)__builtin_ctzll(bits), (bits) &= (bits) - 1, 1); )	\
			if ((b)->member[m].state != MEMBER_DEAD)

void		bridge_send_membership(struct bridge *, struct bridge_out *,
		    uint32_t m, uint8_t type, uint32_t van_id, uint8_t flags);
/*
 * Remove the routes through member m, in one VAN (ID) or all (0),
 * remembering their sequences (now 0: without).
 */
uint32_t	bridge_purge_routes(struct bridge *, uint32_t m, uint32_t van_id,
		    monotime_t now);
/*
 * The same for a route through a peer that goes (dead, LEFT, unmapped): a
 * proxy also UNLEARNs each (the first BRIDGE_WITHDRAW_MAX) to its other
 * peers in the VAN, which learnt them "behind us" and would keep them: a
 * route to the MAC through another peer, once one carries (tunnels that
 * heal themselves), ties on its federation sequence and is ignored.  The
 * rest are mended as any stale route, by the UNLEARN a DATA to it earns.
 */
uint32_t	bridge_purge_peer_routes(struct bridge *, struct bridge_out *,
		    uint32_t m, uint32_t van_id, monotime_t now);
/* Port p goes: its MACs go, and (once started) its VAN is told (UNLEARN). */
void		bridge_purge_port(struct bridge *, struct bridge_out *, uint32_t p,
		    monotime_t now);
/* Tell member m, new in VAN slot v, the MACs of our ports there (LEARN). */
void		bridge_sync_macs(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v);

/* relay.c: the proxy's decisions (conf.proxy). */
monotime_t	relay_dump(struct bridge *, struct bridge_out *, monotime_t now);
/* (VAN slot v, mac) was announced or withdrawn: say it again (what is
 * true then) BRIDGE_REPEATS times (the note: forward.c; the tick that
 * says it: repeat.c). */
void		bridge_repeat_note(struct bridge *, uint32_t v, const uint8_t mac[static 6]);
monotime_t	bridge_repeat_tick(struct bridge *, struct bridge_out *, monotime_t now);
/* Every refresh_ms: each live peer hears all our routes again; when next. */
monotime_t	relay_refresh(struct bridge *, monotime_t now);
void		relay_input(struct bridge *, struct bridge_out *, uint32_t m, uint32_t v,
		    const struct wire_msg *, monotime_t now);
/* May peer m bind the address (its claims' prefixes, docs/proxy.md §5)? */

/* member.c: memberships and HELLO. */
bool		member_in_van(const struct bridge *, uint32_t m, uint32_t van_id);
void		member_join(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t van_id);
void		member_leave(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t van_id, monotime_t now);
/* A HELLO from m: false if refused (a second restart within an interval). */
bool		member_hello_in(struct bridge *, struct bridge_out *, uint32_t m,
		    const struct van_addr *to, const struct wire_msg *, monotime_t now);
/*
 * A message of boot epoch `epoch` came from m: a new one means m restarted
 * (its routes and memberships go, its replay window restarts).  1 if the
 * epoch was new and taken, 0 if it was m's already, -1 if m changed epoch
 * less than an interval ago (refused: a restart costs a purge).
 */
int		member_epoch(struct bridge *, uint32_t m, uint64_t epoch,
		    monotime_t now);
/* Slot m, used, as a new member: no memberships, no keys, unknown. */
void		member_reset(struct bridge *, uint32_t m);
/* Member m's HELLO and death this tick; the earlier of its next check and next. */
monotime_t	member_tick(struct bridge *, struct bridge_out *, uint32_t m,
		    monotime_t now, bool round, bool slow, monotime_t next);
/* VAN ID van_id was added to (or removed from) the configuration. */
void		member_van_configured(struct bridge *, uint32_t van_id, bool added);

/* Member m's control message, to `to`: its tag, epoch and counter (0 or why not). */
int		member_auth_in(struct bridge *, uint32_t m, const struct van_addr *to,
		    const uint8_t *msg, const struct wire_msg *, monotime_t now);

/* Which key a member's message verified with (bridge_member.rx_by). */
enum sitekey_by {
	SITEKEY_BY_NONE = 0,	/* not heard since the keys were set */
	SITEKEY_BY_SITE,	/* site_key */
	SITEKEY_BY_ACCEPT,	/* site_key_accept */
};

/* sitekey.c: seal for m (see there); check the tag of what m sent to `to`
 * (*by: the key it verified with). */
size_t		sitekey_seal(struct bridge *, uint32_t m, uint8_t *msg, size_t len,
		    size_t cap, int *pass);
int		sitekey_check(struct bridge *, uint32_t m, const struct van_addr *to,
		    const uint8_t *msg, const struct wire_msg *, enum sitekey_by *by);

#endif /* EDGE_VAN_BRIDGE_INT_H */
