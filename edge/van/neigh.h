/*
 * neigh.h — the neighbour table of the ARP / ND proxy (design §4): per VAN,
 * IPv4 or IPv6 address -> MAC, with the time it was last seen and whether
 * the binding was seen on a local port or came in a LEARN from a member.
 *
 * Addresses and MACs are chosen by VMs and by remote members, so every
 * index is keyed (crypto_shorthash with the caller's random key), and the
 * table is bounded twice: at most `max` addresses in all, and at most
 * NEIGH_PER_MAC_MAX per (VAN, MAC) — a VM that cycles through addresses
 * only churns its own NEIGH_PER_MAC_MAX slots (its oldest address goes);
 * one MAC cannot fill the table.  Sized once at start; learn, lookup, remove and
 * the per-MAC operations are O(1) expected and never allocate.  Entries
 * live in a fixed pool and never move, so a pointer from neigh_lookup or
 * neigh_next stays valid until that entry is removed.
 *
 * What the table does not do: age entries (the caller expires them with
 * neigh_purge and `updated`, if it wants to), decide whether a remote LEARN
 * may take an address over from a local binding (neigh_learn always
 * takes the newest word and reports what it replaced: policy is the
 * bridge's), or know about VLANs (a LEARN carries none; one binding per
 * address per VAN).
 *
 * Pure: no syscalls, no clock (`now` is an argument).
 */
#ifndef EDGE_VAN_NEIGH_H
#define EDGE_VAN_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "edge/van/van.h"
#include "edge/van/wire.h"

#define NEIGH_HASHKEY_LEN	16

/* One LEARN carries every address of a MAC. */
_Static_assert(NEIGH_PER_MAC_MAX <= WIRE_LEARN_ADDR_MAX,
    "a MAC's addresses must fit one LEARN");

enum neigh_kind {
	NEIGH_FREE	= 0,
	NEIGH_LOCAL	= 1,	/* seen from a local port */
	NEIGH_REMOTE	= 2,	/* from a member's LEARN */
};

/* neigh_entry.flags */
#define NEIGH_F_ROUTER	0x01	/* the node said it is an IPv6 router (NA R=1, RA) */
#define NEIGH_F_WEAK	0x02	/* bound only by NAs without Override (anycast, proxy) */
#define NEIGH_F_DISPUTED 0x04	/* another MAC claims it too: not answered
				   for until the next learn of it */

/* neigh_learn flags: what the packet that taught the binding said. */
#define NEIGH_L_ROUTER	0x01	/* NA with R=1, or a Router Advertisement */
#define NEIGH_L_HOST	0x02	/* NA with R=0: no longer a router */
#define NEIGH_L_WEAK	0x04	/* NA with O=0: bind only an unknown address */

struct neigh_entry {
	uint32_t	van;		/* VAN ID */
	struct wire_addr addr;		/* family 4 or 6; unused bytes are 0 */
	uint8_t		kind;		/* enum neigh_kind; NEIGH_FREE: unused */
	uint8_t		flags;		/* NEIGH_F_* */
	uint8_t		mac[ETH_ALEN];
	monotime_t	updated;	/* last learnt or refreshed */
	/* Private to neigh.c. */
	uint32_t	hash;		/* of (van, addr) */
	uint32_t	owner;		/* its MAC record */
};

struct neigh_mac;			/* per (VAN, MAC): its addresses */

struct neigh {
	struct neigh_entry *ent;	/* [max] pool */
	struct neigh_mac *macs;		/* [max] pool */
	uint32_t	*free_ent;	/* stack of free pool slots */
	uint32_t	*free_mac;
	uint32_t	*by_addr;	/* index: 0 empty, else pool slot + 1 */
	uint32_t	*by_mac;
	uint32_t	mask;		/* index slots - 1 */
	uint32_t	count;		/* addresses */
	uint32_t	nmacs;		/* (VAN, MAC) pairs */
	uint32_t	max;
	uint8_t		hashkey[NEIGH_HASHKEY_LEN];
};

enum neigh_result {
	NEIGH_NEW,		/* the address was unknown: bound */
	NEIGH_MOVED,		/* it was bound to another MAC: rebound */
	NEIGH_REFRESHED,	/* same MAC: time, kind and flags updated */
	NEIGH_KEPT,		/* NEIGH_L_WEAK and bound to another MAC: unchanged */
	NEIGH_FULL,		/* no room (table at max): unchanged */
	NEIGH_INVALID,		/* not an address or MAC that is ever bound */
};

/* What neigh_learn replaced, for the caller's LEARN, log and counters. */
struct neigh_prev {
	uint8_t		mac[ETH_ALEN];	/* NEIGH_MOVED, REFRESHED, KEPT: old MAC */
	uint8_t		kind;		/* and old kind (NEIGH_FREE when NEW) */
	bool		evicted;	/* the MAC was at NEIGH_PER_MAC_MAX: its */
	struct wire_addr evicted_addr;	/* least recently seen address went */
};

/* Allocate once; 0, or -1 (bad size or no memory). */
int	neigh_init(struct neigh *, uint32_t max, const uint8_t key[static NEIGH_HASHKEY_LEN]);
void	neigh_free(struct neigh *);

/*
 * An address a node may own: IPv4 not 0.0.0.0/8, 127/8, 224/4 (multicast,
 * class E, broadcast); IPv6 not ::, ::1, ff00::/8, nor IPv4-mapped.
 */
bool	neigh_addr_valid(const struct wire_addr *);

/*
 * Bind addr to mac in van (kind NEIGH_LOCAL or NEIGH_REMOTE) at now, or
 * refresh the binding.  The address becomes the MAC's most recent one; if
 * the MAC already had NEIGH_PER_MAC_MAX others, its least recent goes
 * (prev->evicted).  A binding to another MAC is taken over (NEIGH_MOVED)
 * unless `flags` has NEIGH_L_WEAK (NEIGH_KEPT).  Entry flags:
 *   NEIGH_F_ROUTER  set by NEIGH_L_ROUTER, cleared by NEIGH_L_HOST (which
 *                   wins if both are given); with neither it is kept while
 *                   the MAC stays, 0 on a move;
 *   NEIGH_F_WEAK    set when a weak learn binds an unknown address, kept
 *                   by weak refreshes, cleared by any learn without WEAK;
 *   NEIGH_F_DISPUTED cleared by any learn.
 * prev may be NULL.
 */
enum neigh_result neigh_learn(struct neigh *, uint32_t van, const struct wire_addr *,
	    const uint8_t mac[static ETH_ALEN], enum neigh_kind, unsigned flags,
	    monotime_t now, struct neigh_prev *prev);

const struct neigh_entry *neigh_lookup(const struct neigh *, uint32_t van,
	    const struct wire_addr *);

bool	neigh_remove(struct neigh *, uint32_t van, const struct wire_addr *);
/* Mark the address disputed (NEIGH_F_DISPUTED); false if it is not bound. */
bool	neigh_dispute(struct neigh *, uint32_t van, const struct wire_addr *);

/* Remove every address of (van, mac) — it moved away or left; how many. */
unsigned neigh_forget_mac(struct neigh *, uint32_t van, const uint8_t mac[static ETH_ALEN]);

/* Remove every address of a VAN; how many.  O(max). */
uint32_t neigh_forget_van(struct neigh *, uint32_t van);

/*
 * Remove every entry for which match(entry, arg) is true, calling match
 * exactly once per entry; how many.  O(max).
 */
uint32_t neigh_purge(struct neigh *, bool (*match)(const struct neigh_entry *, void *),
	    void *arg);

/*
 * The addresses (van, mac) uses, most recently seen first, for a LEARN:
 * how many (0 .. NEIGH_PER_MAC_MAX) were written to out.  A receiver that
 * wants the sender's list and order exactly calls neigh_forget_mac, then
 * neigh_learn for the list from last to first.
 */
unsigned neigh_addrs(const struct neigh *, uint32_t van, const uint8_t mac[static ETH_ALEN],
	    struct wire_addr out[static WIRE_LEARN_ADDR_MAX]);

/*
 * Iterate: *pos = 0 first; NULL at the end.  Removing the entry just
 * returned (or any other) meanwhile is safe; learning may or may not be
 * seen by the iteration.
 */
const struct neigh_entry *neigh_next(const struct neigh *, uint32_t *pos);

const char *neigh_kind_str(enum neigh_kind);

#endif /* EDGE_VAN_NEIGH_H */
