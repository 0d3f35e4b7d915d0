/*
 * fdb.c — the forwarding table (see fdb.h): linear probing with
 * backward-shift deletion, so there are no tombstones and a full table of
 * deleted entries never degrades lookups.  The load factor stays at or below
 * one half because the slot count is at least twice the entry limit.
 *
 * Pure.  The only library call is libsodium's crypto_shorthash (SipHash-2-4),
 * a computation.
 */
#include "edge/fdb.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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

void
fdb_free(struct fdb *t)
{
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
	t->count++;
	*created = true;
	return &t->slot[i];
}

/*
 * Free slot i and shift back every later entry of the cluster that may live
 * at or before i (its home is not cyclically in (i, j]).
 */
static void
fdb_remove_slot(struct fdb *t, uint32_t i)
{
	uint32_t j = i;

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
	fdb_remove_slot(t, (uint32_t)(e - t->slot));
	return true;
}

uint32_t
fdb_purge(struct fdb *t, bool (*match)(const struct fdb_entry *, void *), void *arg)
{
	uint32_t i, n = 0;

	for (i = 0; i <= t->mask; ) {
		struct fdb_entry *e = &t->slot[i];

		if (e->kind != FDB_FREE && match(e, arg)) {
			fdb_remove_slot(t, i);
			n++;
			continue;	/* slot i may hold a shifted entry now */
		}
		i++;
	}
	return n;
}

struct fdb_entry *
fdb_next(struct fdb *t, uint32_t *pos)
{
	while (*pos <= t->mask) {
		struct fdb_entry *e = &t->slot[(*pos)++];

		if (e->kind != FDB_FREE)
			return e;
	}
	return NULL;
}
