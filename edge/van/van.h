/*
 * van.h — every wire constant and every named limit of the VAN core, in
 * one place (as WireGuard's messages.h): the message types, flags and
 * sizes of the wire format (docs/protocol.md), and the bounds of every
 * table, queue and rate (docs/protocol.md §8).  Nothing is sized by what a
 * peer declares; the configuration parsers check their values against
 * these names.
 *
 * Pure: constants only.
 */
#ifndef EDGE_VAN_VAN_H
#define EDGE_VAN_VAN_H

#include <stdint.h>
#include <net/ethernet.h>	/* ETH_ALEN, ETHERTYPE_* */
#include <netinet/in.h>		/* IPPROTO_* */

#include "crypto/monotime.h"

/* ------------------------------------------------------------ header --- */

#define WIRE_VERSION		1
#define WIRE_HDR_LEN		12
#define WIRE_HOP_DEFAULT	16	/* hop limit a message starts with */
#define WIRE_PAD_MAX		15
#define WIRE_DEFAULT_PORT	4797	/* UDP port of the site underlay */

enum wire_type {
	WIRE_DATA	= 1,	/* known unicast Ethernet frame */
	WIRE_FLOOD	= 2,	/* broadcast, multicast, unknown unicast frame */
	WIRE_LEARN	= 3,	/* "this MAC is here (behind me)" */
	WIRE_UNLEARN	= 4,	/* "this MAC is not here" */
	WIRE_JOIN	= 5,	/* "I have nodes in this VAN" */
	WIRE_LEAVE	= 6,	/* "I have no more nodes in this VAN" */
	WIRE_HELLO	= 7,	/* health, boot epoch, VAN set digest */
	WIRE_TUNNEL	= 8,	/* proxies: a tree tunnel's state (docs/proxy.md §13) */
	WIRE_TYPE_MAX	= 8
};

/* A TUNNEL message's state (docs/protocol.md §2.7). */
enum wire_tunnel_state {
	WIRE_TUN_DOWN		= 1,	/* an end: "it is down: standby, on" */
	WIRE_TUN_READY		= 2,	/* "down, but I hear the other end again" */
	WIRE_TUN_RESTORE	= 3,	/* "both ends hear: standby, off" */
	WIRE_TUN_UP		= 4,	/* "it carries again" */
	WIRE_TUN_OFF		= 5,	/* a standby end: "off, for that notice" */
	WIRE_TUN_STATE_MAX	= 5
};

/* Header flags (byte 1).  Undefined flags are sent as 0 and ignored. */
#define WIRE_F_SYNC	0x01	/* HELLO: "send me all your JOINs";
				   JOIN: sent in answer to such a request */
#define WIRE_F_AUTH	0x80	/* control message ends with an auth trailer */
#define WIRE_F_PAIR	0x40	/* AUTH: the tag is keyed by the pair key of
				   sender and receiver (trailer version 2);
				   without it, by the site key (version 1) */

/*
 * The authentication trailer of a control message inside a site: the
 * sender's boot epoch, its message counter toward this receiver and a
 * 16-byte tag (keyed BLAKE2b over everything before the tag), keyed by the
 * pair key of sender and receiver (wire_auth_pair_key), docs/protocol.md §7.
 */
#define WIRE_AUTH_LEN		32
#define WIRE_TAG_LEN		16
#define WIRE_KEY_LEN		32	/* site key, pair keys */
#define WIRE_ID_LEN		19	/* an underlay identity: family, address, port */

/*
 * Mobility sequences (docs/protocol.md §3) are compared as serial numbers
 * (RFC 1982) in 32 bits, with 0 meaning "none" and older than any other; a
 * LEARN may move a binding at most WIRE_SEQ_JUMP_MAX ahead of the sequence
 * known for it.
 */
#define WIRE_SEQ_JUMP_MAX	65536

/* ---------------------------------------------------- Ethernet, limits --- */

#define ETH_HDR_LEN		14
#define WIRE_FRAME_MAX		9216	/* largest Ethernet frame carried (no FCS) */
#define WIRE_CTL_MAX		256	/* largest control message we build */
#define WIRE_MSG_MAX		(WIRE_HDR_LEN + WIRE_FRAME_MAX + WIRE_PAD_MAX)

#define WIRE_LEARN_ADDR_MAX	8	/* addresses one LEARN may carry */

/* ------------------------------------------------------- control bodies --- */

#define WIRE_LEARN_FIXED	12	/* MAC, flags, count, sequence */
#define WIRE_UNLEARN_LEN	8	/* MAC, reserved */
#define WIRE_HELLO_LEN		24	/* epoch, interval, VAN count, digest */
#define WIRE_TUNNEL_LEN		16	/* tunnel, end, state, epoch, seq */

/* --------------------------------------------------------- the bridge --- */

/* Named limits (design: nothing is sized by what a peer declares). */
#define BRIDGE_VAN_MAX		4096
#define BRIDGE_PORT_MAX		4096
#define BRIDGE_MEMBER_MAX	1024
#define BRIDGE_MEMB_MAX		65536	/* (member, VAN) memberships known */
#define BRIDGE_NAME_MAX		32
#define BRIDGE_OUT_MAX		256	/* actions per batch */
#define BRIDGE_ARENA		16384	/* control message bytes per batch */
#define BRIDGE_REPLY_HOLDOFF	MONO_MS(20)	/* repeat LEARN/UNLEARN replies */
#define BRIDGE_UNLEARN_CACHE	1024	/* UNLEARN hold-off slots */
#define BRIDGE_SEQ_CACHE	4096	/* sequences of bindings that went */
#define BRIDGE_SEQ_KEEP		MONO_SEC(600)	/* ... remembered this long */
/*
 * A MAC that appeared on a port less than this ago and is still claimed
 * elsewhere with the same sequence was announced by a host that had not
 * heard of the old binding: it wins with one higher.
 */
#define BRIDGE_FRESH		MONO_MS(500)
/* A port whose VAN ran out of flood tokens is not read for at least this. */
#define BRIDGE_THROTTLE_MIN	MONO_MS(10)
#define BRIDGE_SEEN_CACHE	1024	/* floods remembered to find loops ... */
#define BRIDGE_SEEN_WINDOW	MONO_MS(500)	/* ... this long */
#define BRIDGE_PEER_VANS_MAX	65536	/* VAN mappings of all peers */
#define BRIDGE_SEGS_MAX		256	/* wire frames one GSO frame may become */
#define BRIDGE_GSO_FRAME_MAX	(65535 + 18)	/* IP datagram, Ethernet, VLAN */
#define BRIDGE_HELLO_MS_DEFAULT	1000
#define BRIDGE_DAD_MOVES_DEFAULT	5	/* moves ... */
#define BRIDGE_DAD_WINDOW_MS_DEFAULT	180000	/* ... within this: frozen ... */
#define BRIDGE_DAD_HOLD_MS_DEFAULT	180000	/* ... this long */
#define BRIDGE_EVENTS		64	/* reports waiting for the I/O layer */
#define BRIDGE_TRACES		128	/* debug traces waiting for the I/O layer */
#define BRIDGE_WITHDRAW_MAX	4096	/* UNLEARNs to the other peers for the routes
					   of a peer that goes (bridge_purge_peer_routes) */
#define BRIDGE_ICMP_RATE	100	/* "too big" answers per second, all ports */
/*
 * Every frame the bridge hands out in an action has at least this many
 * writable bytes before it (the I/O layer builds a tap header there):
 * frames it makes itself are placed so, frames it was given must be so.
 */
#define BRIDGE_HEADROOM		16
#define BRIDGE_HELLO_MS_MIN	10
#define BRIDGE_HELLO_MS_MAX	60000
#define BRIDGE_DEAD_COUNT_DEFAULT 3
#define BRIDGE_DEAD_COUNT_MIN	2	/* intervals of silence before dead */
#define BRIDGE_DEAD_COUNT_MAX	100
#define BRIDGE_DAD_MOVES_MIN	1	/* 0 in bridge_conf: the default */
#define BRIDGE_DAD_MOVES_MAX	1000
#define BRIDGE_DAD_SECONDS_MIN	1	/* dad_window, dad_hold */
#define BRIDGE_DAD_SECONDS_MAX	86400
#define BRIDGE_REFRESH_S_MAX	86400	/* route_refresh */
#define BRIDGE_RATE_MAX		100000000	/* any per-second rate */
/* VAN IDs are 32 bits; 0 is none (a pair not mapped, a VAN not given). */
#define BRIDGE_VAN_ID_MIN	1
#define BRIDGE_VAN_ID_MAX	UINT32_MAX
/* The IP MTU of the underlay path between members (vanedge underlay_mtu). */
#define BRIDGE_MTU_DEFAULT	1500
#define BRIDGE_MTU_MIN		576	/* what every IPv4 path carries */
#define BRIDGE_MTU_MAX		65535	/* an IP datagram's largest */
/* Memberships kept of one member, and of those of VANs not configured here. */
#define BRIDGE_MEMB_PER_MEMBER	BRIDGE_VAN_MAX
#define BRIDGE_MEMB_FOREIGN	256
/* Claims refused while a binding here held the MAC, kept until it goes. */
#define BRIDGE_PEND_CACHE	1024
/* Announcements and withdrawals said again (repeat.c): how often, a HELLO
 * interval apart; the (VAN, MAC) notes; how many said in one tick. */
#define BRIDGE_REPEATS		3
#define BRIDGE_REPEAT_CACHE	1024
#define BRIDGE_REPEAT_BATCH	64
#define BRIDGE_PEND_KEEP	MONO_SEC(10)
/* Site members' defaults (docs/protocol.md §8): floods and LEARN/UNLEARN
 * per second from one member, and its share of the table (fdb_max / N). */
#define BRIDGE_MEMBER_FLOOD_DEFAULT	10000
#define BRIDGE_MEMBER_LEARN_DEFAULT	5000
#define BRIDGE_MEMBER_ROUTES_SHARE	4

/* ------------------------------------------------------------ tables --- */

#define FDB_MAX_DEFAULT		65536
#define FDB_MAX_MIN		16	/* fdb_max of a configuration */
#define FDB_MAX_LIMIT		(1u << 24)
#define NEIGH_MAX_DEFAULT	65536
#define NEIGH_MAX_LIMIT		(1u << 24)
#define NEIGH_PER_MAC_MAX	8	/* addresses per (VAN, MAC) */
#define CLAIMS_MACS_MAX		64	/* MAC ranges of one peering */
#define CLAIMS_PREFIXES_MAX	64	/* IP prefixes of one peering */

#endif /* EDGE_VAN_VAN_H */
