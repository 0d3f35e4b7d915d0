/*
 * idmap.c — see idmap.h.  Linear probing with backward-shift deletion at a
 * load factor of at most one half.
 *
 * Pure: the only library call is crypto_shorthash, a computation.
 */
#include "edge/van/idmap.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static uint32_t
idmap_hash(const struct idmap *m, uint64_t key)
{
	uint8_t in[8], out[crypto_shorthash_BYTES];
	int i;

	for (i = 0; i < 8; i++)
		in[i] = (uint8_t)(key >> (8 * i));
	crypto_shorthash(out, in, sizeof(in), m->hashkey);
	return (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	    (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
}

int
idmap_init(struct idmap *m, uint32_t max, const uint8_t key[static IDMAP_HASHKEY_LEN])
{
	uint32_t n = 8;

	memset(m, 0, sizeof(*m));
	if (max == 0 || max > (1u << 26))
		return -1;
	while (n < 2 * max)
		n <<= 1;
	m->slot = calloc(n, sizeof(*m->slot));
	if (m->slot == NULL)
		return -1;
	m->mask = n - 1;
	m->max = max;
	memcpy(m->hashkey, key, IDMAP_HASHKEY_LEN);
	return 0;
}

void
idmap_free(struct idmap *m)
{
	free(m->slot);
	sodium_memzero(m, sizeof(*m));
}

static struct idmap_slot *
idmap_find(const struct idmap *m, uint64_t key)
{
	uint32_t i = idmap_hash(m, key) & m->mask;

	for (;; i = (i + 1) & m->mask) {
		struct idmap_slot *s = &m->slot[i];

		if (!s->used || s->key == key)
			return s;
	}
}

bool
idmap_get(const struct idmap *m, uint64_t key, uint32_t *val)
{
	const struct idmap_slot *s = idmap_find(m, key);

	if (!s->used)
		return false;
	if (val != NULL)
		*val = s->val;
	return true;
}

int
idmap_put(struct idmap *m, uint64_t key, uint32_t val)
{
	struct idmap_slot *s = idmap_find(m, key);

	if (s->used) {
		s->val = val;
		return 0;
	}
	if (m->count >= m->max)
		return -1;
	s->used = 1;
	s->key = key;
	s->val = val;
	m->count++;
	return 1;
}

/* Free slot i, shifting back the rest of its cluster (see fdb.c). */
static void
idmap_remove_slot(struct idmap *m, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t home;

		j = (j + 1) & m->mask;
		if (!m->slot[j].used)
			break;
		home = idmap_hash(m, m->slot[j].key) & m->mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->slot[i] = m->slot[j];
		i = j;
	}
	memset(&m->slot[i], 0, sizeof(m->slot[i]));
	m->count--;
}

bool
idmap_del(struct idmap *m, uint64_t key)
{
	struct idmap_slot *s = idmap_find(m, key);

	if (!s->used)
		return false;
	idmap_remove_slot(m, (uint32_t)(s - m->slot));
	return true;
}

uint32_t
idmap_purge(struct idmap *m, bool (*match)(uint64_t, uint32_t, void *), void *arg)
{
	uint32_t i, n = 0;

	for (i = 0; i <= m->mask; ) {
		struct idmap_slot *s = &m->slot[i];

		if (s->used && match(s->key, s->val, arg)) {
			idmap_remove_slot(m, i);
			n++;
			continue;	/* slot i may hold a shifted key now */
		}
		i++;
	}
	return n;
}

bool
idmap_next(const struct idmap *m, uint32_t *pos, uint64_t *key, uint32_t *val)
{
	while (*pos <= m->mask) {
		const struct idmap_slot *s = &m->slot[(*pos)++];

		if (s->used) {
			*key = s->key;
			*val = s->val;
			return true;
		}
	}
	return false;
}
