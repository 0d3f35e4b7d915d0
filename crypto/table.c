/*
 * table.c — keyed, bounded, open-addressing hash table.  Pure but for the
 * allocation in table_init.
 */
#include "crypto/table.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(crypto_shorthash_KEYBYTES == TABLE_HASHKEY_LEN, "siphash key");
_Static_assert(crypto_shorthash_BYTES == 8, "siphash output");

static size_t
home(const struct table *t, const uint8_t *key)
{
	uint8_t h[8];
	uint64_t v = 0;
	int i;

	crypto_shorthash(h, key, t->key_len, t->hash_key);
	for (i = 0; i < 8; i++)
		v |= (uint64_t)h[i] << (8 * i);
	return (size_t)v & (t->cap - 1);
}

static uint8_t *
slot_key(const struct table *t, size_t i)
{
	return t->keys + i * t->key_len;
}

int
table_init(struct table *t, size_t max, size_t key_len, const struct wg_rng *rng)
{
	size_t cap = 8;

	memset(t, 0, sizeof(*t));
	if (key_len == 0 || key_len > TABLE_KEY_MAX || max == 0 ||
	    max > SIZE_MAX / 4)
		return -1;
	while (cap < 2 * max)
		cap *= 2;
	t->keys = calloc(cap, key_len);
	t->values = calloc(cap, sizeof(*t->values));
	t->used = calloc(cap, 1);
	if (t->keys == NULL || t->values == NULL || t->used == NULL) {
		table_free(t);
		return -1;
	}
	t->cap = cap;
	t->max = max;
	t->key_len = key_len;
	rng->fill(rng->ctx, t->hash_key, sizeof(t->hash_key));
	return 0;
}

void
table_free(struct table *t)
{
	if (t->keys != NULL)
		sodium_memzero(t->keys, t->cap * t->key_len);
	free(t->keys);
	free(t->values);
	free(t->used);
	sodium_memzero(t, sizeof(*t));
}

void
table_clear(struct table *t)
{
	memset(t->used, 0, t->cap);
	t->count = 0;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t
probe(const struct table *t, const uint8_t *key, bool *found)
{
	size_t i = home(t, key);

	for (;;) {
		if (!t->used[i]) {
			*found = false;
			return i;
		}
		if (memcmp(slot_key(t, i), key, t->key_len) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & (t->cap - 1);
	}
}

bool
table_get(const struct table *t, const void *key, uint32_t *value)
{
	bool found;
	size_t i;

	if (t->cap == 0)
		return false;
	i = probe(t, key, &found);
	if (found && value != NULL)
		*value = t->values[i];
	return found;
}

int
table_put(struct table *t, const void *key, uint32_t value)
{
	bool found;
	size_t i;

	if (t->cap == 0)
		return -1;
	i = probe(t, key, &found);
	if (!found) {
		if (t->count >= t->max)
			return -1;
		memcpy(slot_key(t, i), key, t->key_len);
		t->used[i] = 1;
		t->count++;
	}
	t->values[i] = value;
	return 0;
}

bool
table_del(struct table *t, const void *key)
{
	size_t i, j, k, mask = t->cap - 1;
	bool found;

	if (t->cap == 0)
		return false;
	i = probe(t, key, &found);
	if (!found)
		return false;
	t->used[i] = 0;
	t->count--;
	/* Backward shift: pull later entries of the run into the hole when
	 * their home is not cyclically within (hole, their slot]. */
	for (j = (i + 1) & mask; t->used[j]; j = (j + 1) & mask) {
		k = home(t, slot_key(t, j));
		if (((j - k) & mask) < ((j - i) & mask))
			continue;
		memcpy(slot_key(t, i), slot_key(t, j), t->key_len);
		t->values[i] = t->values[j];
		t->used[i] = 1;
		t->used[j] = 0;
		i = j;
	}
	return true;
}
