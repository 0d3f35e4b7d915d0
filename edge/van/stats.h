/*
 * stats.h — the counters of the VAN core: per VAN, per member and per
 * daemon, and the drop reasons they are broken down by.  Plain structs of
 * uint64_t, written by one thread; vanctl reads them through the control
 * socket.
 */
#ifndef EDGE_VAN_STATS_H
#define EDGE_VAN_STATS_H

#include <stdint.h>

#include "edge/van/wire.h"

/*
 * Why a frame or message was not delivered.  The first WIRE_ERR_COUNT
 * values are wire_decode's reasons (malformed messages), in its order.
 */
enum drop_reason {
	DROP_NONE = WIRE_OK,
	DROP_NOT_MEMBER = WIRE_ERR_COUNT, /* source is not a site member */
	DROP_UNKNOWN_VAN,	/* VAN ID not configured here */
	DROP_VAN_MISMATCH,	/* source and destination VAN IDs differ */
	DROP_SPOOF,		/* port sent from a MAC it may not use */
	DROP_BAD_SRC,		/* multicast or zero source MAC */
	DROP_BAD_DST,		/* DATA with a multicast destination */
	DROP_RUNT,		/* frame from a port shorter than Ethernet */
	DROP_TOO_BIG,		/* frame from a port longer than the limit */
	DROP_HAIRPIN,		/* destination is the port it came in on */
	DROP_NO_PORT,		/* port gone or down when delivering */
	DROP_TABLE_FULL,	/* membership table full: JOIN ignored */
	DROP_TX_ERROR,		/* sendmmsg / tap write failed */
	DROP_NO_AUTH,		/* control message without the site's tag */
	DROP_BAD_AUTH,		/* tag does not verify with the site key */
	DROP_REPLAY,		/* counter seen before, or an older epoch */
	DROP_FLOOD_LIMIT,	/* the VAN's flood rate is exhausted */
	DROP_OVER_MTU,		/* larger than the underlay carries */
	DROP_UNMAPPED,		/* a peer's VAN IDs not in the peering */
	DROP_LOOP,		/* a flood that came back (proxy) */
	DROP_LEARN_LIMIT,	/* a peer's LEARN / UNLEARN rate exhausted */
	DROP_NOT_PROXY,		/* frame to a MAC that is neither here nor out */
	DROP_SEQ_JUMP,		/* a LEARN's sequence too far ahead of the known */
	DROP_STATIC_CLAIM,	/* a claim on a port's configured MAC */
	DROP_CLAIM_DENIED,	/* a peer's claim outside what its peering allows */
	DROP_SITE_CLAIM,	/* a peer's claim on a MAC bound in this site */
	DROP_ADDR_CONFLICT,	/* a claim on an address a MAC here uses */
	DROP_OLD_AUTH,		/* a version 1 trailer, site_key_compat off */
	DROP_NEW_EPOCH,		/* a new epoch's message before its HELLO */
	DROP_EPOCH_LIMIT,	/* a second epoch change within an interval */
	DROP_JOIN_CAP,		/* the member's memberships at their cap */
	DROP_JOIN_FOREIGN,	/* a JOIN of a VAN not carried here, over the
				   allowance: counted in its digest, not kept */
	DROP_SYNC_LIMIT,	/* a HELLO+SYNC within an interval of the last:
				   not answered */
	DROP_NOT_PEER,		/* a TUNNEL message from a site member */
	DROP_REASON_COUNT
};

const char	*drop_reason_str(enum drop_reason);

struct van_stats {
	uint64_t	frames_in;	/* from local ports */
	uint64_t	frames_out;	/* delivered to local ports */
	uint64_t	data_tx;	/* DATA messages sent to members */
	uint64_t	data_rx;
	uint64_t	flood_tx;	/* frames flooded (once per frame) */
	uint64_t	flood_copies;	/* FLOOD messages sent (per member) */
	uint64_t	flood_rx;
	uint64_t	learn_tx;
	uint64_t	learn_rx;
	uint64_t	unlearn_tx;
	uint64_t	unlearn_rx;
	uint64_t	learn_fail;	/* forwarding table (or this VAN's share) full */
	uint64_t	announces;	/* a MAC appeared here: LEARN to the VAN */
	uint64_t	withdraws;	/* a port went: UNLEARN to the VAN */
	uint64_t	moves;		/* bindings that moved (here, away, between) */
	uint64_t	learn_stale;	/* LEARNs older than what we know */
	uint64_t	dad_freezes;	/* MACs frozen for moving too often */
	uint64_t	moves_refused;	/* moves of frozen MACs */
	uint64_t	reannounces;	/* a new binding here outbid a stale claim */
	uint64_t	repeats;	/* announcements or withdrawals said again */
	uint64_t	repeats_lost;	/* ... whose repeats another note took */
	uint64_t	arp_answered;	/* ARP requests answered from the table */
	uint64_t	nd_answered;	/* neighbour solicitations answered */
	uint64_t	arpnd_flooded;	/* ARP requests / NSs we could not answer */
	uint64_t	icmp_sent;	/* "fragmentation needed" / "too big" */
	uint64_t	relayed;	/* proxy: frames carried between site and peers */
	uint64_t	transit;	/* proxy: frames carried from peer to peer */
	uint64_t	drops[DROP_REASON_COUNT];
};

struct member_stats {
	uint64_t	rx_msgs[WIRE_TYPE_MAX + 1];	/* by message type */
	uint64_t	tx_msgs[WIRE_TYPE_MAX + 1];
	uint64_t	rx_bytes;
	uint64_t	tx_bytes;
	uint64_t	drops[DROP_REASON_COUNT];
	uint64_t	restarts;	/* new boot epochs seen */
	uint64_t	deaths;		/* declared dead */
	uint64_t	syncs;		/* JOIN resyncs requested */
	uint64_t	learn_refused;	/* its routes at the per-member limit */
	uint64_t	auth_accepted;	/* control messages that verified with
					   site_key_accept (a rotation) */
};

struct port_stats {
	uint64_t	rx_frames;
	uint64_t	rx_bytes;
	uint64_t	tx_frames;
	uint64_t	tx_bytes;
	uint64_t	drops;
};

/* Counters that belong to no VAN or member. */
struct global_stats {
	uint64_t	rx_msgs;
	uint64_t	tx_msgs;
	uint64_t	drops[DROP_REASON_COUNT];
	uint64_t	stalls;		/* ticks late by over a quarter interval */
	uint64_t	stall_ms;	/* ... and by how much, in all */
};

#endif /* EDGE_VAN_STATS_H */
