/*
 * fdb.h — the forwarding table: per VAN, MAC -> local port or site member.
 *
 * One open-addressing table for all VANs, keyed by (VAN ID, MAC) with a
 * keyed hash (MACs are chosen by VMs and by remote members, so the hash key
 * is random per process).  Sized once at start: at most `max` entries in
 * 2*max rounded up to a power of two slots; lookups, inserts and removals
 * are O(1) expected and never allocate.
 *
 * Optionally (fdb_lists_init) each entry is on at most one of nlists
 * intrusive lists, one per owner (e.g. the site member a route goes
 * through), so that all of one owner's entries can be found and removed in
 * time proportional to their number rather than to the slot count: an
 * epoch change of a member must not cost a scan of the whole table.  The
 * lists hold slot indices, and follow entries as removals shift them.
 *
 * Pure: no syscalls, no clock (entries carry times the caller passes).
 */
#ifndef EDGE_VAN_FDB_H
#define EDGE_VAN_FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "edge/van/van.h"

#define FDB_HASHKEY_LEN		16
#define FDB_LIST_NONE		UINT32_MAX	/* on no list; also "no slot" */
#define FDB_LISTS_LIMIT		(1u << 24)

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
	uint32_t	list;		/* private to fdb.c: list or FDB_LIST_NONE */
	monotime_t	updated;	/* last learnt or refreshed */
	monotime_t	since;		/* bound where it is since */
	monotime_t	reply_at;	/* when that LEARN was sent */
	monotime_t	moves_since;	/* duplicate-address detection window */
	monotime_t	frozen_until;	/* frozen where it is until then */
	uint32_t	moves;		/* moves in the window */
	uint32_t	lprev;		/* private to fdb.c: slot before on list */
	uint32_t	lnext;		/* private to fdb.c: slot after on list */
};

#define FDB_F_STATIC	0x01	/* configured MAC of a port (anti-spoofing) */
#define FDB_F_OUTBID	0x02	/* this binding outbid a claim once already */

struct fdb_list;

struct fdb {
	struct fdb_entry *slot;
	struct fdb_list	*list;		/* nlists heads, private to fdb.c */
	uint32_t	mask;		/* number of slots - 1 */
	uint32_t	count;
	uint32_t	max;
	uint32_t	nlists;		/* 0: no lists */
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
const struct fdb_entry *fdb_next(const struct fdb *, uint32_t *pos);

/*
 * Owner lists.  fdb_lists_init, once, after fdb_init (entries may exist
 * already: they are on no list), allocates lists 0 .. nlists-1; 0 or -1
 * (called twice, too many, no memory).  nlists 0 is a no-op that returns 0.
 * Without lists the table works as it always has, and the list calls do
 * nothing: fdb_link leaves entries on no list, fdb_list_len is 0,
 * fdb_purge_list removes nothing and calls no match.  The heads are freed
 * by fdb_free.
 *
 * Every entry is on at most one list; fdb_insert creates entries on none,
 * and fdb_remove, fdb_purge and fdb_purge_list take an entry off its list
 * as it goes.
 */
int	fdb_lists_init(struct fdb *, uint32_t nlists);

/*
 * Put a live entry at the head of list `list`, first taking it off the list
 * it is on (nothing changes if that is `list` already).  FDB_LIST_NONE, or
 * any list at or past nlists, leaves it on no list.  O(1).
 */
void	fdb_link(struct fdb *, struct fdb_entry *, uint32_t list);

/* Entries on the list; 0 for FDB_LIST_NONE or a list past nlists.  O(1). */
uint32_t fdb_list_len(const struct fdb *, uint32_t list);

/*
 * Remove every entry of `list` for which match(entry, arg) is true (match
 * NULL: every entry); returns how many.  match is called exactly once for
 * each entry on the list, accepted or not, the accepted ones just before
 * they go (so it may account for them).  match must not change the table.
 * Cost: the list's length, plus the backward shifts of the removals.
 */
uint32_t fdb_purge_list(struct fdb *, uint32_t list,
	    bool (*match)(const struct fdb_entry *, void *), void *arg);

/*
 * Iterate over one list: fdb_list_first, then fdb_list_next until NULL.
 * No removal and no fdb_link meanwhile (either may move or relink the
 * entries ahead).
 */
struct fdb_entry *fdb_list_first(struct fdb *, uint32_t list);
struct fdb_entry *fdb_list_next(struct fdb *, const struct fdb_entry *);

#endif /* EDGE_VAN_FDB_H */
