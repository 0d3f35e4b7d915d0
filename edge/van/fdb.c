/*
 * fdb.c — the forwarding table (see fdb.h): linear probing with
 * backward-shift deletion, so there are no tombstones and a full table of
 * deleted entries never degrades lookups.  The load factor stays at or below
 * one half because the slot count is at least twice the entry limit.
 *
 * The owner lists are doubly linked through slot indices (lprev, lnext),
 * with a head and a length per list.  Invariant, between calls: an entry
 * in slot i on list l has list == l, its neighbours' links and, if it is
 * first, list l's head name slot i; a free slot or an entry on no list is
 * named by no link.  Whoever moves an entry re-points those names
 * (fdb_list_moved), and whoever frees a slot first unlinks its entry.
 *
 * Pure.  The only library call is libsodium's crypto_shorthash (SipHash-2-4),
 * a computation.
 */
#include "edge/van/fdb.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct fdb_list {
	uint32_t	head;		/* first slot, or FDB_LIST_NONE */
	uint32_t	len;
};

static uint32_t
fdb_hash(const struct fdb *t, uint32_t van, const uint8_t mac[static 6])
{
	uint8_t in[10], out[crypto_shorthash_BYTES];

	in[0] = (uint8_t)(van >> 24);
	in[1] = (uint8_t)(van >> 16);
	in[2] = (uint8_t)(van >> 8);
	in[3] = (uint8_t)van;
	memcpy(in + 4, mac, 6);
	crypto_shorthash(out, in, sizeof(in), t->hashkey);
	return (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	    (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
}

static bool
fdb_same(const struct fdb_entry *e, uint32_t van, const uint8_t mac[static 6])
{
	return e->van == van && memcmp(e->mac, mac, 6) == 0;
}

int
fdb_init(struct fdb *t, uint32_t max, const uint8_t key[static FDB_HASHKEY_LEN])
{
	uint32_t n = 16;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max > FDB_MAX_LIMIT)
		return -1;
	while (n < 2 * max)
		n <<= 1;
	t->slot = calloc(n, sizeof(*t->slot));
	if (t->slot == NULL)
		return -1;
	t->mask = n - 1;
	t->max = max;
	memcpy(t->hashkey, key, FDB_HASHKEY_LEN);
	return 0;
}

int
fdb_lists_init(struct fdb *t, uint32_t nlists)
{
	uint32_t l;

	if (nlists == 0)
		return 0;
	if (t->list != NULL || nlists > FDB_LISTS_LIMIT)
		return -1;
	t->list = calloc(nlists, sizeof(*t->list));
	if (t->list == NULL)
		return -1;
	for (l = 0; l < nlists; l++)
		t->list[l].head = FDB_LIST_NONE;
	t->nlists = nlists;
	return 0;
}

void
fdb_free(struct fdb *t)
{
	free(t->list);
	free(t->slot);
	sodium_memzero(t, sizeof(*t));
}

struct fdb_entry *
fdb_lookup(struct fdb *t, uint32_t van, const uint8_t mac[static 6])
{
	uint32_t i = fdb_hash(t, van, mac) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct fdb_entry *e = &t->slot[i];

		if (e->kind == FDB_FREE)
			return NULL;
		if (fdb_same(e, van, mac))
			return e;
	}
}

struct fdb_entry *
fdb_insert(struct fdb *t, uint32_t van, const uint8_t mac[static 6], bool *created)
{
	uint32_t i = fdb_hash(t, van, mac) & t->mask;

	*created = false;
	for (;; i = (i + 1) & t->mask) {
		struct fdb_entry *e = &t->slot[i];

		if (e->kind == FDB_FREE)
			break;
		if (fdb_same(e, van, mac))
			return e;
	}
	if (t->count >= t->max)
		return NULL;
	memset(&t->slot[i], 0, sizeof(t->slot[i]));
	t->slot[i].van = van;
	memcpy(t->slot[i].mac, mac, 6);
	/* Not FDB_FREE from here on, or a lookup would stop at this slot. */
	t->slot[i].kind = FDB_LOCAL;
	t->slot[i].list = FDB_LIST_NONE;
	t->slot[i].lprev = FDB_LIST_NONE;
	t->slot[i].lnext = FDB_LIST_NONE;
	t->count++;
	*created = true;
	return &t->slot[i];
}

/* Take the entry in slot i off its list, if it is on one. */
static void
fdb_unlink(struct fdb *t, uint32_t i)
{
	struct fdb_entry *e = &t->slot[i];
	struct fdb_list *l;

	if (e->list == FDB_LIST_NONE)
		return;
	l = &t->list[e->list];
	if (e->lprev != FDB_LIST_NONE)
		t->slot[e->lprev].lnext = e->lnext;
	else
		l->head = e->lnext;
	if (e->lnext != FDB_LIST_NONE)
		t->slot[e->lnext].lprev = e->lprev;
	l->len--;
	e->list = e->lprev = e->lnext = FDB_LIST_NONE;
}

/*
 * The entry now in slot i was just copied there from another slot: point
 * its neighbours (or its list's head) at slot i.  Neither neighbour is
 * slot i itself, which held no live entry before the copy.
 */
static void
fdb_list_moved(struct fdb *t, uint32_t i)
{
	const struct fdb_entry *e = &t->slot[i];

	if (e->list == FDB_LIST_NONE)
		return;
	if (e->lprev != FDB_LIST_NONE)
		t->slot[e->lprev].lnext = i;
	else
		t->list[e->list].head = i;
	if (e->lnext != FDB_LIST_NONE)
		t->slot[e->lnext].lprev = i;
}

/*
 * Free slot i and shift back every later entry of the cluster that may live
 * at or before i (its home is not cyclically in (i, j]).  Each shifted entry
 * moves once, to an earlier slot of the cluster, taking its list links with
 * it.  If track is not NULL and names a slot whose entry moves, it is
 * rewritten to name the entry's new slot, so that a caller holding a slot
 * index of another entry still holds that entry's afterwards.
 */
static void
fdb_remove_slot(struct fdb *t, uint32_t i, uint32_t *track)
{
	uint32_t j = i;

	fdb_unlink(t, i);
	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (t->slot[j].kind == FDB_FREE)
			break;
		home = fdb_hash(t, t->slot[j].van, t->slot[j].mac) & t->mask;
		/* Leave slot j alone if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->slot[i] = t->slot[j];
		fdb_list_moved(t, i);
		if (track != NULL && *track == j)
			*track = i;
		i = j;
	}
	memset(&t->slot[i], 0, sizeof(t->slot[i]));
	t->count--;
}

bool
fdb_remove(struct fdb *t, uint32_t van, const uint8_t mac[static 6])
{
	struct fdb_entry *e = fdb_lookup(t, van, mac);

	if (e == NULL)
		return false;
	fdb_remove_slot(t, (uint32_t)(e - t->slot), NULL);
	return true;
}

uint32_t
fdb_purge(struct fdb *t, bool (*match)(const struct fdb_entry *, void *), void *arg)
{
	uint32_t i, n = 0;

	for (i = 0; i <= t->mask; ) {
		struct fdb_entry *e = &t->slot[i];

		if (e->kind != FDB_FREE && match(e, arg)) {
			fdb_remove_slot(t, i, NULL);
			n++;
			continue;	/* slot i may hold a shifted entry now */
		}
		i++;
	}
	return n;
}

const struct fdb_entry *
fdb_next(const struct fdb *t, uint32_t *pos)
{
	while (*pos <= t->mask) {
		const struct fdb_entry *e = &t->slot[(*pos)++];

		if (e->kind != FDB_FREE)
			return e;
	}
	return NULL;
}

void
fdb_link(struct fdb *t, struct fdb_entry *e, uint32_t list)
{
	uint32_t i = (uint32_t)(e - t->slot);
	struct fdb_list *l;

	if (list >= t->nlists)
		list = FDB_LIST_NONE;
	if (e->list == list)
		return;
	fdb_unlink(t, i);
	if (list == FDB_LIST_NONE)
		return;
	l = &t->list[list];
	e->list = list;
	e->lprev = FDB_LIST_NONE;
	e->lnext = l->head;
	if (l->head != FDB_LIST_NONE)
		t->slot[l->head].lprev = i;
	l->head = i;
	l->len++;
}

uint32_t
fdb_list_len(const struct fdb *t, uint32_t list)
{
	return list < t->nlists ? t->list[list].len : 0;
}

/*
 * Walk the list from its head along lnext, noting each entry's successor
 * (nxt) before asking match about it.  Removing the entry at cur does two
 * things to the list: it unlinks cur, which keeps the order of the others
 * and leaves nxt where the walk goes next; and it shifts later entries of
 * cur's cluster back, each with its links (fdb_list_moved), among them
 * perhaps nxt, which fdb_remove_slot then rewrites to its new slot.  Nothing
 * else changes the table meanwhile (match must not), so the walk visits the
 * entries that were on the list, in their order, each exactly once: none is
 * skipped because nxt always names the next one wherever it now is, and
 * none is seen twice because the walk only moves forward along lnext and
 * removal never reorders.  An entry already visited and refused may be
 * shifted too; it is behind the walk and stays so.
 */
uint32_t
fdb_purge_list(struct fdb *t, uint32_t list,
    bool (*match)(const struct fdb_entry *, void *), void *arg)
{
	uint32_t cur, nxt, n = 0;

	if (list >= t->nlists)
		return 0;
	for (cur = t->list[list].head; cur != FDB_LIST_NONE; cur = nxt) {
		nxt = t->slot[cur].lnext;
		if (match != NULL && !match(&t->slot[cur], arg))
			continue;
		fdb_remove_slot(t, cur, &nxt);
		n++;
	}
	return n;
}

struct fdb_entry *
fdb_list_first(struct fdb *t, uint32_t list)
{
	if (list >= t->nlists || t->list[list].head == FDB_LIST_NONE)
		return NULL;
	return &t->slot[t->list[list].head];
}

struct fdb_entry *
fdb_list_next(struct fdb *t, const struct fdb_entry *e)
{
	if (e->list == FDB_LIST_NONE || e->lnext == FDB_LIST_NONE)
		return NULL;
	return &t->slot[e->lnext];
}
