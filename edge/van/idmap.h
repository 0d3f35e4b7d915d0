/*
 * idmap.h — a bounded map from 64-bit keys to 32-bit values: VAN ID -> VAN
 * slot, member address fingerprint -> member slot, (member, VAN) -> present.
 * Keys can be chosen by remote senders, so the hash is keyed (SipHash with a
 * per-process random key).  Sized once; never allocates afterwards.
 *
 * Pure: no syscalls, no clock.
 */
#ifndef EDGE_VAN_IDMAP_H
#define EDGE_VAN_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#define IDMAP_HASHKEY_LEN	16

struct idmap_slot {
	uint64_t	key;
	uint32_t	val;
	uint32_t	used;
};

struct idmap {
	struct idmap_slot *slot;
	uint32_t	mask;
	uint32_t	count;
	uint32_t	max;
	uint8_t		hashkey[IDMAP_HASHKEY_LEN];
};

int	idmap_init(struct idmap *, uint32_t max, const uint8_t key[static IDMAP_HASHKEY_LEN]);
void	idmap_free(struct idmap *);
bool	idmap_get(const struct idmap *, uint64_t key, uint32_t *val);
/* 1 inserted, 0 replaced, -1 full. */
int	idmap_put(struct idmap *, uint64_t key, uint32_t val);
bool	idmap_del(struct idmap *, uint64_t key);
/*
 * Remove every key for which match(key, val, arg) is true; returns how many.
 * match is called exactly once for each key it accepts (it may be called
 * twice for a key it refuses, as keys shift during removal).
 */
uint32_t idmap_purge(struct idmap *, bool (*match)(uint64_t, uint32_t, void *),
	    void *arg);
/* Iterate: *pos = 0 first; false at the end.  No changes meanwhile. */
bool	idmap_next(const struct idmap *, uint32_t *pos, uint64_t *key, uint32_t *val);

#endif /* EDGE_VAN_IDMAP_H */
