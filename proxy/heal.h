/*
 * heal.h — tunnels that heal themselves (docs/proxy.md §13): the tree
 * tunnels of this proxy and its standby peers, as vanplan planned them
 * (proxy/peering.h: `tunnel`, `standby`), and the one rule that switches
 * them.  Pure: the daemon says what time it is, whether a peer is heard,
 * and carries out what this asks for (map or unmap a peer's VAN pairs,
 * send a TUNNEL message to a peer).
 *
 * The rule, per tree tunnel e and its ends X and Y (S the standby end on
 * X's side, T on Y's):
 *   - X unmaps e's pairs when Y has been silent for failover_after, or Y
 *     says e is down; then it floods DOWN to its side, every second
 *     while e is down.
 *   - S maps the standby tunnel's pairs while it has heard X's DOWN within
 *     the hold time (HEAL_HOLD): soft state, so an X that is gone or
 *     restarted leaves S off within it.
 *   - X says READY once Y has been heard for failback_after (S stays on),
 *     and asks for e back (RESTORE) once Y says READY too (or RESTORE, UP):
 *     so a tunnel that works one way only stays down; S unmaps and answers
 *     OFF for that notice; X maps e again when S has answered (or
 *     HEAL_HOLD has passed since X last said DOWN or READY, so S is off
 *     whatever it heard) and Y says RESTORE or UP.
 *   - A proxy that starts asks for its tree tunnels at once (RESTORE): at
 *     a federation's start every tunnel comes up in a round trip, and one
 *     that restarts while its tunnel is cut says DOWN again failover_after
 *     later (an outage that long: the standby off meanwhile).
 * So e carries frames only while both X and Y map it, X maps it only while
 * S does not, and Y only while T does not: e and the standby tunnel never
 * both carry, and at any moment the tunnels that carry are a tree.  Every
 * other proxy only relays the messages (over its tree tunnels and the
 * standby tunnels that are on), newer ones once.
 */
#ifndef PROXY_HEAL_H
#define PROXY_HEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "edge/van/wire.h"

#define HEAL_TUNNELS_MAX	256	/* tree tunnels and standby peers of one proxy */
#define HEAL_COVERS_MAX		64	/* tree tunnels one standby peer covers */
#define HEAL_SEEN_MAX		1024	/* tunnel ends whose notices we remember */
#define HEAL_REFRESH		MONO_SEC(1)	/* a notice said again */
#define HEAL_HOLD		MONO_SEC(3)	/* a DOWN holds a standby on */

enum heal_state {
	HEAL_UP = 0,		/* mapped: e carries */
	HEAL_DOWN,		/* unmapped: the standby carries */
	HEAL_READY,		/* unmapped, the other end heard again */
	HEAL_RESTORE,		/* unmapped, asking for e back */
};

/* What the daemon does for heal. */
struct heal_ops {
	/* Peer slot m: when it was last heard (0: never), and whether the
	 * bridge holds it alive. */
	monotime_t (*heard)(void *arg, uint32_t m, bool *alive);
	/* Map (on) or unmap all VAN pairs of peer slot m's peering. */
	void	(*map)(void *arg, uint32_t m, bool on);
	/* Send t to peer slot m with hop limit hop. */
	void	(*send)(void *arg, uint32_t m, const struct wire_tunnel *t,
		    uint8_t hop);
	/* A switch to log, and peer slot m's name for it. */
	void	(*log)(void *arg, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
	const char *(*name)(void *arg, uint32_t m);
	void	*arg;
};

struct heal_tree {
	uint32_t	slot;		/* the peer's member slot */
	uint16_t	id;
	uint8_t		end;		/* ours */
	monotime_t	failover, failback;
	enum heal_state	state;
	monotime_t	since;		/* in state since */
	monotime_t	added;		/* tracked since (silence before any HELLO) */
	monotime_t	good_since;	/* alive since, 0: not */
	monotime_t	last_down;	/* we last said DOWN or READY, 0: never */
	uint32_t	restore_seq;	/* our first RESTORE of this round */
	bool		acked;		/* an OFF for it heard */
	monotime_t	next_say;
	bool		mapped;		/* as told to the daemon */
	uint64_t	downs, ups;	/* switches */
};

struct heal_cover {
	uint16_t	id;
	uint8_t		end;
};

struct heal_standby {
	uint32_t	slot;
	struct heal_cover cover[HEAL_COVERS_MAX];
	unsigned	ncover;
	bool		on;		/* mapped */
	monotime_t	since;
	uint64_t	ons;		/* switches on */
};

/* The newest notice of one end of a tunnel, and of the OFFs answering it. */
struct heal_seen {
	uint16_t	id;
	uint8_t		end;
	uint8_t		state;
	uint64_t	epoch;
	uint32_t	seq;
	monotime_t	at;
	uint64_t	off_epoch;	/* newest OFF for this end */
	uint32_t	off_seq;
};

struct heal_stats {
	uint64_t	tx, rx;		/* TUNNEL messages sent, received */
	uint64_t	relayed;
	uint64_t	stale;		/* older than one already seen: dropped */
	uint64_t	unknown;	/* of no tunnel we know, relayed only */
	uint64_t	table_full;	/* no room to remember an end */
};

struct heal {
	struct heal_ops	ops;
	uint64_t	epoch;		/* the daemon's boot epoch */
	uint32_t	seq;
	struct heal_tree tree[HEAL_TUNNELS_MAX];
	unsigned	ntree;
	struct heal_standby sb[HEAL_TUNNELS_MAX];
	unsigned	nsb;
	struct heal_seen seen[HEAL_SEEN_MAX];
	unsigned	nseen;
	struct heal_stats stats;
	/* Between heal_begin and heal_end: the tables before. */
	struct heal_tree old_tree[HEAL_TUNNELS_MAX];
	struct heal_standby old_sb[HEAL_TUNNELS_MAX];
	unsigned	old_ntree, old_nsb;
};

void	heal_init(struct heal *, const struct heal_ops *, uint64_t epoch);
/*
 * The tunnels of a configuration, at start and at each reload: tree
 * tunnels that stay keep their state; new ones start as after a restart
 * (RESTORE: mapped once the standby end on our side is off, or HEAL_HOLD
 * later).  Standby peers start off.  The daemon maps no pairs of either
 * itself: heal does (through ops.map).  False: more than the tables hold.
 */
bool	heal_begin(struct heal *);
bool	heal_tree_add(struct heal *, uint32_t slot, uint16_t id, uint8_t end,
	    uint32_t failover_s, uint32_t failback_s, monotime_t now);
bool	heal_standby_add(struct heal *, uint32_t slot, const struct heal_cover *,
	    unsigned n, monotime_t now);
/* After the adds: what went is unmapped, what came is decided. */
void	heal_end(struct heal *, monotime_t now);
/* Peer slot m's TUNNEL message (hop: its hop limit as received). */
void	heal_input(struct heal *, uint32_t m, const struct wire_tunnel *,
	    uint8_t hop, monotime_t now);
/* The timers; returns when to be called again. */
monotime_t heal_tick(struct heal *, monotime_t now);
/* Is peer slot m one heal maps (a tree tunnel or a standby peer)? */
bool	heal_owns(const struct heal *, uint32_t m);
/* Is slot m's peering to carry now (a tree tunnel up, a standby on)? */
bool	heal_carries(const struct heal *, uint32_t m);
const struct heal_tree *heal_tree_of(const struct heal *, uint32_t m);
const struct heal_standby *heal_standby_of(const struct heal *, uint32_t m);
const char *heal_state_str(enum heal_state);

#endif /* PROXY_HEAL_H */
