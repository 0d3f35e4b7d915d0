/*
 * neigh.c — the neighbour table (see neigh.h).
 *
 * Two fixed pools (address entries, and per-(VAN, MAC) records that list
 * their entries' pool slots, most recent first) and two open-addressing
 * indexes over them, by (VAN, address) and by (VAN, MAC): linear probing
 * with backward-shift deletion (as fdb.c), at most half full because each
 * index has at least twice as many slots as the pools.  Index slots hold a
 * pool slot + 1, so entries never move and pointers to them stay valid.
 *
 * Invariants: every MAC record lists 1 .. NEIGH_PER_MAC_MAX entries, so
 * there are never more records than entries, and a record can always be
 * had while an entry can.
 *
 * Pure.  The only library call is crypto_shorthash (SipHash-2-4).
 */
#include "edge/van/neigh.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct neigh_mac {
	uint32_t	van;
	uint8_t		mac[ETH_ALEN];
	uint8_t		n;		/* entries; 0: unused */
	uint32_t	hash;		/* of (van, mac) */
	uint32_t	ent[NEIGH_PER_MAC_MAX];	/* pool slots, most recent first */
};

static size_t
alen(const struct wire_addr *a)
{
	return a->family == 4 ? 4 : 16;
}

static uint32_t
keyed_hash(const struct neigh *t, const uint8_t *in, size_t len)
{
	uint8_t out[crypto_shorthash_BYTES];

	crypto_shorthash(out, in, len, t->hashkey);
	return (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	    (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
}

static void
put_van(uint8_t *p, uint32_t van)
{
	p[0] = (uint8_t)(van >> 24);
	p[1] = (uint8_t)(van >> 16);
	p[2] = (uint8_t)(van >> 8);
	p[3] = (uint8_t)van;
}

static uint32_t
slot_of_addr(const struct neigh *t, uint32_t van, const struct wire_addr *a)
{
	uint8_t in[4 + 1 + 16];

	put_van(in, van);
	in[4] = a->family;
	memcpy(in + 5, a->bytes, alen(a));
	return keyed_hash(t, in, 5 + alen(a));
}

static uint32_t
slot_of_mac(const struct neigh *t, uint32_t van, const uint8_t mac[static ETH_ALEN])
{
	uint8_t in[4 + ETH_ALEN];

	put_van(in, van);
	memcpy(in + 4, mac, ETH_ALEN);
	return keyed_hash(t, in, sizeof(in));
}

bool
neigh_addr_valid(const struct wire_addr *a)
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *b = a->bytes;

	if (a->family == 4)
		return b[0] != 0 && b[0] != 127 && b[0] < 224;
	if (a->family != 6)
		return false;
	if (b[0] == 0xff || memcmp(b, mapped, 12) == 0)
		return false;
	if (memcmp(b, zero, 15) == 0 && b[15] <= 1)	/* :: and ::1 */
		return false;
	return true;
}

int
neigh_init(struct neigh *t, uint32_t max, const uint8_t key[static NEIGH_HASHKEY_LEN])
{
	uint32_t n = 16, i;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max > NEIGH_MAX_LIMIT)
		return -1;
	while (n < 2 * max)
		n <<= 1;
	t->ent = calloc(max, sizeof(*t->ent));
	t->macs = calloc(max, sizeof(*t->macs));
	t->free_ent = calloc(max, sizeof(*t->free_ent));
	t->free_mac = calloc(max, sizeof(*t->free_mac));
	t->by_addr = calloc(n, sizeof(*t->by_addr));
	t->by_mac = calloc(n, sizeof(*t->by_mac));
	if (t->ent == NULL || t->macs == NULL || t->free_ent == NULL ||
	    t->free_mac == NULL || t->by_addr == NULL || t->by_mac == NULL) {
		neigh_free(t);
		return -1;
	}
	/* Free stacks pop slot 0 first. */
	for (i = 0; i < max; i++)
		t->free_ent[i] = t->free_mac[i] = max - 1 - i;
	t->mask = n - 1;
	t->max = max;
	memcpy(t->hashkey, key, NEIGH_HASHKEY_LEN);
	return 0;
}

void
neigh_free(struct neigh *t)
{
	free(t->ent);
	free(t->macs);
	free(t->free_ent);
	free(t->free_mac);
	free(t->by_addr);
	free(t->by_mac);
	sodium_memzero(t, sizeof(*t));
}

/* ------------------------------------------------------------- indexes --- */

/*
 * The index position of (van, a): where it is (*found) or where it would
 * go (the first empty slot of its probe sequence).
 */
static uint32_t
find_addr(const struct neigh *t, uint32_t van, const struct wire_addr *a, uint32_t h,
    bool *found)
{
	uint32_t i = h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		const struct neigh_entry *e;

		if (t->by_addr[i] == 0) {
			*found = false;
			return i;
		}
		e = &t->ent[t->by_addr[i] - 1];
		if (e->hash == h && e->van == van && e->addr.family == a->family &&
		    memcmp(e->addr.bytes, a->bytes, alen(a)) == 0) {
			*found = true;
			return i;
		}
	}
}

static uint32_t
find_mac(const struct neigh *t, uint32_t van, const uint8_t mac[static ETH_ALEN],
    uint32_t h, bool *found)
{
	uint32_t i = h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		const struct neigh_mac *m;

		if (t->by_mac[i] == 0) {
			*found = false;
			return i;
		}
		m = &t->macs[t->by_mac[i] - 1];
		if (m->hash == h && m->van == van && memcmp(m->mac, mac, ETH_ALEN) == 0) {
			*found = true;
			return i;
		}
	}
}

static uint32_t
index_home(const struct neigh *t, const uint32_t *idx, uint32_t i)
{
	if (idx == t->by_addr)
		return t->ent[idx[i] - 1].hash & t->mask;
	return t->macs[idx[i] - 1].hash & t->mask;
}

/* Empty index slot i, shifting back the rest of its cluster (see fdb.c). */
static void
index_remove(const struct neigh *t, uint32_t *idx, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (idx[j] == 0)
			break;
		home = index_home(t, idx, j);
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		idx[i] = idx[j];
		i = j;
	}
	idx[i] = 0;
}

/* ---------------------------------------------------------- MAC records --- */

static struct neigh_mac *
nmac_get(struct neigh *t, uint32_t van, const uint8_t mac[static ETH_ALEN], bool create)
{
	uint32_t h = slot_of_mac(t, van, mac), pos, slot;
	struct neigh_mac *m;
	bool found;

	pos = find_mac(t, van, mac, h, &found);
	if (found)
		return &t->macs[t->by_mac[pos] - 1];
	if (!create)
		return NULL;
	/* Never fails while an entry is being placed: see the invariants. */
	slot = t->free_mac[t->max - 1 - t->nmacs];
	t->nmacs++;
	m = &t->macs[slot];
	memset(m, 0, sizeof(*m));
	m->van = van;
	memcpy(m->mac, mac, ETH_ALEN);
	m->hash = h;
	t->by_mac[pos] = slot + 1;
	return m;
}

static void
nmac_release(struct neigh *t, struct neigh_mac *m)
{
	bool found;
	uint32_t pos = find_mac(t, m->van, m->mac, m->hash, &found);
	uint32_t slot = (uint32_t)(m - t->macs);

	index_remove(t, t->by_mac, pos);
	memset(m, 0, sizeof(*m));
	t->nmacs--;
	t->free_mac[t->max - 1 - t->nmacs] = slot;
}

/* Put entry slot s first in m's list (it may already be in it). */
static void
nmac_to_front(struct neigh_mac *m, uint32_t s)
{
	unsigned k;

	for (k = 0; k < m->n && m->ent[k] != s; k++)
		;
	if (k == m->n)
		m->n++;		/* new: the caller checked there is room */
	for (; k > 0; k--)
		m->ent[k] = m->ent[k - 1];
	m->ent[0] = s;
}

/* Take entry slot s out of its record's list; the record goes when empty. */
static void
nmac_detach(struct neigh *t, uint32_t s)
{
	struct neigh_mac *m = &t->macs[t->ent[s].owner];
	unsigned k;

	for (k = 0; k < m->n && m->ent[k] != s; k++)
		;
	for (; k + 1 < m->n; k++)
		m->ent[k] = m->ent[k + 1];
	if (--m->n == 0)
		nmac_release(t, m);
}

/* -------------------------------------------------------------- entries --- */

static void
entry_delete(struct neigh *t, uint32_t s)
{
	struct neigh_entry *e = &t->ent[s];
	bool found;
	uint32_t pos = find_addr(t, e->van, &e->addr, e->hash, &found);

	index_remove(t, t->by_addr, pos);
	nmac_detach(t, s);
	memset(e, 0, sizeof(*e));
	t->count--;
	t->free_ent[t->max - 1 - t->count] = s;
}

/* Make room in m for one more entry: drop its least recent if full. */
static void
nmac_make_room(struct neigh *t, struct neigh_mac *m, struct neigh_prev *prev)
{
	uint32_t s;

	if (m->n < NEIGH_PER_MAC_MAX)
		return;
	s = m->ent[m->n - 1];
	prev->evicted = true;
	prev->evicted_addr = t->ent[s].addr;
	entry_delete(t, s);	/* m keeps NEIGH_PER_MAC_MAX - 1 entries */
}

static uint8_t
new_flags(uint8_t old, unsigned how, bool same_mac)
{
	uint8_t f = same_mac ? old : 0;

	if (how & NEIGH_L_ROUTER)
		f |= NEIGH_F_ROUTER;
	if (how & NEIGH_L_HOST)
		f &= (uint8_t)~NEIGH_F_ROUTER;
	if (!(how & NEIGH_L_WEAK))
		f &= (uint8_t)~NEIGH_F_WEAK;
	return f & (uint8_t)~NEIGH_F_DISPUTED;
}

enum neigh_result
neigh_learn(struct neigh *t, uint32_t van, const struct wire_addr *a0,
    const uint8_t mac[static ETH_ALEN], enum neigh_kind kind, unsigned how,
    monotime_t now, struct neigh_prev *prev)
{
	struct neigh_prev scratch;
	struct wire_addr a;
	struct neigh_entry *e;
	struct neigh_mac *m;
	uint32_t h, pos, s;
	bool found;

	if (prev == NULL)
		prev = &scratch;
	memset(prev, 0, sizeof(*prev));
	if (!neigh_addr_valid(a0) || eth_is_multicast(mac) || eth_is_zero(mac) ||
	    (kind != NEIGH_LOCAL && kind != NEIGH_REMOTE))
		return NEIGH_INVALID;
	memset(&a, 0, sizeof(a));
	a.family = a0->family;
	memcpy(a.bytes, a0->bytes, alen(a0));

	h = slot_of_addr(t, van, &a);
	pos = find_addr(t, van, &a, h, &found);
	if (found) {
		s = t->by_addr[pos] - 1;
		e = &t->ent[s];
		memcpy(prev->mac, e->mac, ETH_ALEN);
		prev->kind = e->kind;
		if (memcmp(e->mac, mac, ETH_ALEN) == 0) {
			e->kind = (uint8_t)kind;
			e->flags = new_flags(e->flags, how, true);
			e->updated = now;
			nmac_to_front(&t->macs[e->owner], s);
			return NEIGH_REFRESHED;
		}
		if (how & NEIGH_L_WEAK)
			return NEIGH_KEPT;
		/* Detach first: the old record may go, leaving room for one. */
		nmac_detach(t, s);
		m = nmac_get(t, van, mac, true);
		nmac_make_room(t, m, prev);
		e->owner = (uint32_t)(m - t->macs);
		nmac_to_front(m, s);
		memcpy(e->mac, mac, ETH_ALEN);
		e->kind = (uint8_t)kind;
		e->flags = new_flags(e->flags, how, false);
		e->updated = now;
		return NEIGH_MOVED;
	}

	m = nmac_get(t, van, mac, false);
	if (m != NULL && m->n == NEIGH_PER_MAC_MAX) {
		nmac_make_room(t, m, prev);
		pos = find_addr(t, van, &a, h, &found);	/* the index shifted */
	} else if (t->count >= t->max)
		return NEIGH_FULL;
	if (m == NULL)
		m = nmac_get(t, van, mac, true);
	s = t->free_ent[t->max - 1 - t->count];
	t->count++;
	e = &t->ent[s];
	memset(e, 0, sizeof(*e));
	e->van = van;
	e->addr = a;
	e->kind = (uint8_t)kind;
	e->flags = new_flags(0, how, false);
	if (how & NEIGH_L_WEAK)
		e->flags |= NEIGH_F_WEAK;
	memcpy(e->mac, mac, ETH_ALEN);
	e->updated = now;
	e->hash = h;
	e->owner = (uint32_t)(m - t->macs);
	t->by_addr[pos] = s + 1;
	nmac_to_front(m, s);
	return NEIGH_NEW;
}

const struct neigh_entry *
neigh_lookup(const struct neigh *t, uint32_t van, const struct wire_addr *a)
{
	uint32_t pos;
	bool found;

	if (a->family != 4 && a->family != 6)
		return NULL;
	pos = find_addr(t, van, a, slot_of_addr(t, van, a), &found);
	return found ? &t->ent[t->by_addr[pos] - 1] : NULL;
}

bool
neigh_remove(struct neigh *t, uint32_t van, const struct wire_addr *a)
{
	const struct neigh_entry *e = neigh_lookup(t, van, a);

	if (e == NULL)
		return false;
	entry_delete(t, (uint32_t)(e - t->ent));
	return true;
}

bool
neigh_dispute(struct neigh *t, uint32_t van, const struct wire_addr *a)
{
	const struct neigh_entry *e = neigh_lookup(t, van, a);

	if (e == NULL)
		return false;
	t->ent[e - t->ent].flags |= NEIGH_F_DISPUTED;
	return true;
}

unsigned
neigh_forget_mac(struct neigh *t, uint32_t van, const uint8_t mac[static ETH_ALEN])
{
	struct neigh_mac *m = nmac_get(t, van, mac, false);
	uint32_t list[NEIGH_PER_MAC_MAX];
	unsigned n, k;

	if (m == NULL)
		return 0;
	n = m->n;
	memcpy(list, m->ent, n * sizeof(list[0]));
	for (k = 0; k < n; k++)
		entry_delete(t, list[k]);	/* the last one frees m */
	return n;
}

uint32_t
neigh_purge(struct neigh *t, bool (*match)(const struct neigh_entry *, void *), void *arg)
{
	uint32_t s, n = 0;

	for (s = 0; s < t->max; s++)
		if (t->ent[s].kind != NEIGH_FREE && match(&t->ent[s], arg)) {
			entry_delete(t, s);
			n++;
		}
	return n;
}

static bool
match_van(const struct neigh_entry *e, void *arg)
{
	return e->van == *(const uint32_t *)arg;
}

uint32_t
neigh_forget_van(struct neigh *t, uint32_t van)
{
	return neigh_purge(t, match_van, &van);
}

unsigned
neigh_addrs(const struct neigh *t, uint32_t van, const uint8_t mac[static ETH_ALEN],
    struct wire_addr out[static WIRE_LEARN_ADDR_MAX])
{
	const struct neigh_mac *m;
	uint32_t pos;
	unsigned k;
	bool found;

	pos = find_mac(t, van, mac, slot_of_mac(t, van, mac), &found);
	if (!found)
		return 0;
	m = &t->macs[t->by_mac[pos] - 1];
	for (k = 0; k < m->n; k++)
		out[k] = t->ent[m->ent[k]].addr;
	return m->n;
}

const struct neigh_entry *
neigh_next(const struct neigh *t, uint32_t *pos)
{
	while (*pos < t->max) {
		const struct neigh_entry *e = &t->ent[(*pos)++];

		if (e->kind != NEIGH_FREE)
			return e;
	}
	return NULL;
}

const char *
neigh_kind_str(enum neigh_kind k)
{
	switch (k) {
	case NEIGH_LOCAL:
		return "local";
	case NEIGH_REMOTE:
		return "remote";
	default:
		return "-";
	}
}
