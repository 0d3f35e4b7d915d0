/*
 * table.h — a bounded hash table from fixed-size keys to 32-bit values,
 * hashed with a random-keyed SipHash (crypto_shorthash) because its keys
 * come from the network: local indices in every transport message, peer
 * public keys out of initiations.  Linear probing with backward-shift
 * deletion (no tombstones), load factor at most 1/2.
 *
 * Pure but for the one allocation in table_init; lookups, inserts and
 * deletes never allocate.
 */
#ifndef CRYPTO_TABLE_H
#define CRYPTO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/wg.h"

#define TABLE_KEY_MAX	32
#define TABLE_HASHKEY_LEN 16	/* crypto_shorthash_KEYBYTES */

struct table {
	size_t		cap;		/* slots, a power of two */
	size_t		max;		/* entries allowed */
	size_t		count;
	size_t		key_len;
	uint8_t		hash_key[TABLE_HASHKEY_LEN];
	uint8_t		*keys;		/* cap * key_len bytes */
	uint32_t	*values;
	uint8_t		*used;
};

/* A table for at most max entries of key_len bytes; key from rng. */
int	table_init(struct table *, size_t max, size_t key_len,
	    const struct wg_rng *);
void	table_free(struct table *);
bool	table_get(const struct table *, const void *key, uint32_t *value);
/* Insert or replace; -1 when a new key does not fit. */
int	table_put(struct table *, const void *key, uint32_t value);
bool	table_del(struct table *, const void *key);
void	table_clear(struct table *);

#endif /* CRYPTO_TABLE_H */
