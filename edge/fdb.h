/*
 * fdb.h — the forwarding table: per VAN, MAC -> local port or site member.
 *
 * One open-addressing table for all VANs, keyed by (VAN ID, MAC) with a
 * keyed hash (MACs are chosen by VMs and by remote members, so the hash key
 * is random per process).  Sized once at start: at most `max` entries in
 * 2*max rounded up to a power of two slots; lookups, inserts and removals
 * are O(1) expected and never allocate.
 *
 * Pure: no syscalls, no clock (entries carry times the caller passes).
 */
#ifndef EDGE_FDB_H
#define EDGE_FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/monotime.h"

#define FDB_MAX_DEFAULT		65536
#define FDB_MAX_LIMIT		(1u << 24)
#define FDB_HASHKEY_LEN		16

enum fdb_kind {
	FDB_FREE	= 0,
	FDB_LOCAL	= 1,	/* on a port of this host */
	FDB_REMOTE	= 2,	/* behind a site member */
};

struct fdb_entry {
	uint32_t	van;		/* VAN ID */
	uint8_t		mac[6];
	uint8_t		kind;		/* enum fdb_kind */
	uint8_t		flags;		/* FDB_F_* */
	uint32_t	where;		/* port index or member index */
	uint32_t	seq;		/* mobility sequence number (the site's) */
	uint32_t	xseq;		/* proxies: the federation's sequence */
	uint32_t	reply_to;	/* member last sent a LEARN for this MAC */
	monotime_t	updated;	/* last learnt or refreshed */
	monotime_t	since;		/* bound where it is since */
	monotime_t	reply_at;	/* when that LEARN was sent */
	monotime_t	moves_since;	/* duplicate-address detection window */
	monotime_t	frozen_until;	/* frozen where it is until then */
	uint32_t	moves;		/* moves in the window */
};

#define FDB_F_STATIC	0x01	/* configured MAC of a port (anti-spoofing) */
#define FDB_F_OUTBID	0x02	/* this binding outbid a claim once already */

struct fdb {
	struct fdb_entry *slot;
	uint32_t	mask;		/* number of slots - 1 */
	uint32_t	count;
	uint32_t	max;
	uint8_t		hashkey[FDB_HASHKEY_LEN];
};

/* Allocate the table once; 0 or -1 (bad size or no memory). */
int	fdb_init(struct fdb *, uint32_t max, const uint8_t key[static FDB_HASHKEY_LEN]);
void	fdb_free(struct fdb *);

struct fdb_entry *fdb_lookup(struct fdb *, uint32_t van, const uint8_t mac[static 6]);

/*
 * The entry for (van, mac), created as FDB_FREE-kind-to-be-filled if absent:
 * the caller sets kind and where.  NULL when the table is full.
 */
struct fdb_entry *fdb_insert(struct fdb *, uint32_t van, const uint8_t mac[static 6],
	    bool *created);

bool	fdb_remove(struct fdb *, uint32_t van, const uint8_t mac[static 6]);

/*
 * Remove every entry for which match(entry, arg) is true; returns how many.
 * match is called exactly once for each entry it accepts, just before the
 * entry goes (so it may account for it); it may be called twice for an
 * entry it refuses, as entries shift during removal.
 */
uint32_t fdb_purge(struct fdb *, bool (*match)(const struct fdb_entry *, void *),
	    void *arg);

/* Iterate: start with *pos = 0; NULL at the end.  No removal meanwhile. */
struct fdb_entry *fdb_next(struct fdb *, uint32_t *pos);

#endif /* EDGE_FDB_H */
