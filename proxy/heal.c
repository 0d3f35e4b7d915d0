/*
 * heal.c — tunnels that heal themselves: the rule of heal.h, carried out.
 * Pure: time, peers' liveness and every effect go through struct heal_ops.
 */
#include "proxy/heal.h"

#include <string.h>

#define HEAL_NONE	UINT32_MAX	/* "from": our own notice */
#define HEAL_TICK	MONO_MS(100)

void
heal_init(struct heal *h, const struct heal_ops *ops, uint64_t epoch)
{
	memset(h, 0, sizeof(*h));
	h->ops = *ops;
	h->epoch = epoch != 0 ? epoch : 1;
}

const char *
heal_state_str(enum heal_state s)
{
	switch (s) {
	case HEAL_UP:
		return "up";
	case HEAL_DOWN:
		return "down";
	case HEAL_READY:
		return "ready";
	case HEAL_RESTORE:
		return "restoring";
	}
	return "?";
}

static int
tree_idx(const struct heal *h, uint32_t m)
{
	unsigned i;

	for (i = 0; i < h->ntree; i++)
		if (h->tree[i].slot == m)
			return (int)i;
	return -1;
}

static int
standby_idx(const struct heal *h, uint32_t m)
{
	unsigned i;

	for (i = 0; i < h->nsb; i++)
		if (h->sb[i].slot == m)
			return (int)i;
	return -1;
}

static struct heal_tree *
tree_by_id(struct heal *h, uint16_t id)
{
	unsigned i;

	for (i = 0; i < h->ntree; i++)
		if (h->tree[i].id == id)
			return &h->tree[i];
	return NULL;
}

const struct heal_tree *
heal_tree_of(const struct heal *h, uint32_t m)
{
	int i = tree_idx(h, m);

	return i < 0 ? NULL : &h->tree[i];
}

const struct heal_standby *
heal_standby_of(const struct heal *h, uint32_t m)
{
	int i = standby_idx(h, m);

	return i < 0 ? NULL : &h->sb[i];
}

bool
heal_owns(const struct heal *h, uint32_t m)
{
	return heal_tree_of(h, m) != NULL || heal_standby_of(h, m) != NULL;
}

bool
heal_carries(const struct heal *h, uint32_t m)
{
	const struct heal_tree *t = heal_tree_of(h, m);
	const struct heal_standby *s = heal_standby_of(h, m);

	if (t != NULL)
		return t->mapped;
	if (s != NULL)
		return s->on;
	return false;
}

/* The newest notice of (id, end); create: make room if it is new. */
static struct heal_seen *
seen_get(struct heal *h, uint16_t id, uint8_t end, bool create)
{
	struct heal_seen *s;
	unsigned i;

	for (i = 0; i < h->nseen; i++)
		if (h->seen[i].id == id && h->seen[i].end == end)
			return &h->seen[i];
	if (!create)
		return NULL;
	if (h->nseen == HEAL_SEEN_MAX) {
		h->stats.table_full++;
		return NULL;
	}
	s = &h->seen[h->nseen++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->end = end;
	return s;
}

/*
 * Is (epoch, seq) newer than (cur_epoch, cur_seq)?  A boot epoch is larger
 * at every start (docs/protocol.md §6): a larger one is a restart, a
 * smaller one a message of the old process still on its way.
 */
static bool
newer(uint64_t epoch, uint32_t seq, uint64_t cur_epoch, uint32_t cur_seq)
{
	return epoch > cur_epoch || (epoch == cur_epoch && seq > cur_seq);
}

/* Send n to every peer heal relays over (tree tunnels, standby peers on),
 * but `except`. */
static void
flood(struct heal *h, const struct wire_tunnel *n, uint8_t hop, uint32_t except)
{
	unsigned i;

	for (i = 0; i < h->ntree; i++)
		if (h->tree[i].slot != except) {
			h->ops.send(h->ops.arg, h->tree[i].slot, n, hop);
			h->stats.tx++;
		}
	for (i = 0; i < h->nsb; i++)
		if (h->sb[i].on && h->sb[i].slot != except) {
			h->ops.send(h->ops.arg, h->sb[i].slot, n, hop);
			h->stats.tx++;
		}
}

static bool	standby_wanted(struct heal *, const struct heal_standby *, monotime_t);
static void	deliver(struct heal *, uint32_t from, const struct wire_tunnel *,
		    uint8_t hop, monotime_t now, struct heal_tree *only);

/* Our standby peers as the notices we hold want them. */
static void
standby_apply(struct heal *h, monotime_t now)
{
	unsigned i;

	for (i = 0; i < h->nsb; i++) {
		struct heal_standby *s = &h->sb[i];
		bool want = standby_wanted(h, s, now);

		if (want == s->on)
			continue;
		s->on = want;
		s->since = now;
		if (want)
			s->ons++;
		h->ops.map(h->ops.arg, s->slot, want);
		h->ops.log(h->ops.arg, "standby peer %s %s", h->ops.name(h->ops.arg,
		    s->slot), want ? "on: a tunnel it covers is down" :
		    "off: the tunnels it covers carry again");
	}
}

static bool
standby_wanted(struct heal *h, const struct heal_standby *s, monotime_t now)
{
	const struct heal_seen *n;
	unsigned i;

	for (i = 0; i < s->ncover; i++)
		if ((n = seen_get(h, s->cover[i].id, s->cover[i].end, false)) != NULL &&
		    (n->state == WIRE_TUN_DOWN || n->state == WIRE_TUN_READY) &&
		    now - n->at < HEAL_HOLD)
			return true;
	return false;
}

static bool
covers(const struct heal_standby *s, uint16_t id, uint8_t end)
{
	unsigned i;

	for (i = 0; i < s->ncover; i++)
		if (s->cover[i].id == id && s->cover[i].end == end)
			return true;
	return false;
}

static uint8_t
wire_state(enum heal_state s)
{
	switch (s) {
	case HEAL_UP:
		return WIRE_TUN_UP;
	case HEAL_DOWN:
		return WIRE_TUN_DOWN;
	case HEAL_READY:
		return WIRE_TUN_READY;
	case HEAL_RESTORE:
		break;
	}
	return WIRE_TUN_RESTORE;
}

/* A notice of ours: DOWN, READY, RESTORE to all, UP over the tunnel only. */
static void
say(struct heal *h, struct heal_tree *t, uint8_t state, monotime_t now)
{
	struct wire_tunnel n;

	memset(&n, 0, sizeof(n));
	n.tunnel = t->id;
	n.end = t->end;
	n.state = state;
	n.epoch = h->epoch;
	n.seq = ++h->seq;
	if (state == WIRE_TUN_DOWN || state == WIRE_TUN_READY)
		t->last_down = now;
	if (state == WIRE_TUN_RESTORE && t->restore_seq == 0)
		t->restore_seq = n.seq;
	t->next_say = now + HEAL_REFRESH;
	deliver(h, HEAL_NONE, &n, WIRE_HOP_DEFAULT, now,
	    state == WIRE_TUN_UP ? t : NULL);
}

static void
go_down(struct heal *h, struct heal_tree *t, const char *why, monotime_t now)
{
	bool was_up = t->state == HEAL_UP;

	t->state = HEAL_DOWN;
	t->since = now;
	t->good_since = 0;
	t->restore_seq = 0;
	t->acked = false;
	if (t->mapped) {
		t->mapped = false;
		h->ops.map(h->ops.arg, t->slot, false);
	}
	if (was_up)
		t->downs++;
	h->ops.log(h->ops.arg, "tunnel %u (our end %u) down: %s", t->id, t->end, why);
	say(h, t, WIRE_TUN_DOWN, now);
}

static void
go_ready(struct heal *h, struct heal_tree *t, monotime_t now)
{
	t->state = HEAL_READY;
	t->since = now;
	h->ops.log(h->ops.arg, "tunnel %u (our end %u): its peer heard again for "
	    "%llu s", t->id, t->end, (unsigned long long)(t->failback / MONO_SEC(1)));
	say(h, t, WIRE_TUN_READY, now);
}

static void
go_restore(struct heal *h, struct heal_tree *t, monotime_t now)
{
	t->state = HEAL_RESTORE;
	t->since = now;
	t->restore_seq = 0;
	t->acked = false;
	h->ops.log(h->ops.arg, "tunnel %u (our end %u): both ends hear each other, "
	    "asking for it back", t->id, t->end);
	say(h, t, WIRE_TUN_RESTORE, now);
}

static void
go_up(struct heal *h, struct heal_tree *t, monotime_t now)
{
	t->state = HEAL_UP;
	t->since = now;
	t->ups++;
	if (!t->mapped) {
		t->mapped = true;
		h->ops.map(h->ops.arg, t->slot, true);
	}
	h->ops.log(h->ops.arg, "tunnel %u (our end %u) up: it carries", t->id, t->end);
	say(h, t, WIRE_TUN_UP, now);
}

/*
 * Notice n, from peer slot `from` (HEAL_NONE: ours): remembered if newer,
 * acted on, and sent on — ours to every peer heal relays over (only: just
 * to that tunnel's peer), another's to all of them but the one it came
 * from.
 */
static void
deliver(struct heal *h, uint32_t from, const struct wire_tunnel *n, uint8_t hop,
    monotime_t now, struct heal_tree *only)
{
	struct heal_seen *s;
	struct heal_tree *t;
	unsigned i;

	if ((s = seen_get(h, n->tunnel, n->end, true)) == NULL)
		return;
	if (n->state == WIRE_TUN_OFF) {
		if (!newer(n->epoch, n->seq, s->off_epoch, s->off_seq)) {
			h->stats.stale++;
			return;
		}
		s->off_epoch = n->epoch;
		s->off_seq = n->seq;
		if ((t = tree_by_id(h, n->tunnel)) != NULL && t->end == n->end &&
		    n->epoch == h->epoch && t->restore_seq != 0 &&
		    n->seq >= t->restore_seq)
			t->acked = true;
	} else {
		if (!newer(n->epoch, n->seq, s->epoch, s->seq)) {
			h->stats.stale++;
			return;
		}
		s->epoch = n->epoch;
		s->seq = n->seq;
		s->state = n->state;
		s->at = now;
		/* The other end of one of our tunnels says it is down. */
		if ((t = tree_by_id(h, n->tunnel)) != NULL && t->end != n->end &&
		    n->state == WIRE_TUN_DOWN && (t->state == HEAL_UP ||
		    t->state == HEAL_RESTORE))
			go_down(h, t, "its other end says so", now);
		standby_apply(h, now);
		/* A standby end that is off answers a RESTORE (or UP). */
		if (n->state == WIRE_TUN_RESTORE || n->state == WIRE_TUN_UP)
			for (i = 0; i < h->nsb; i++)
				if (covers(&h->sb[i], n->tunnel, n->end) && !h->sb[i].on) {
					struct wire_tunnel off = *n;

					off.state = WIRE_TUN_OFF;
					deliver(h, HEAL_NONE, &off, WIRE_HOP_DEFAULT, now,
					    NULL);
					break;
				}
	}
	if (from != HEAL_NONE) {
		h->stats.rx++;
		if (hop > 1) {
			h->stats.relayed++;
			flood(h, n, (uint8_t)(hop - 1), from);
		}
	} else if (only != NULL) {
		h->ops.send(h->ops.arg, only->slot, n, hop);
		h->stats.tx++;
	} else
		flood(h, n, hop, HEAL_NONE);
}

void
heal_input(struct heal *h, uint32_t m, const struct wire_tunnel *n, uint8_t hop,
    monotime_t now)
{
	if (tree_by_id(h, n->tunnel) == NULL && seen_get(h, n->tunnel, n->end,
	    false) == NULL)
		h->stats.unknown++;
	deliver(h, m, n, hop, now, NULL);
}

monotime_t
heal_tick(struct heal *h, monotime_t now)
{
	unsigned i;

	for (i = 0; i < h->ntree; i++) {
		struct heal_tree *t = &h->tree[i];
		const struct heal_seen *y;
		monotime_t heard, silence, quiet_since;
		bool alive;

		heard = h->ops.heard(h->ops.arg, t->slot, &alive);
		silence = now - (heard > t->added ? heard : t->added);
		if (alive && silence < t->failover) {
			if (t->good_since == 0)
				t->good_since = now;
		} else
			t->good_since = 0;
		switch (t->state) {
		case HEAL_UP:
			if (silence >= t->failover)
				go_down(h, t, "its peer is silent", now);
			break;
		case HEAL_DOWN:
			if (t->good_since != 0 && now - t->good_since >= t->failback)
				go_ready(h, t, now);
			break;
		case HEAL_READY:
			y = seen_get(h, t->id, (uint8_t)(1 - t->end), false);
			if (silence >= t->failover)
				go_down(h, t, "its peer is silent again", now);
			else if (y != NULL && now - y->at < HEAL_HOLD &&
			    (y->state == WIRE_TUN_READY || y->state == WIRE_TUN_RESTORE ||
			    y->state == WIRE_TUN_UP))
				go_restore(h, t, now);
			break;
		case HEAL_RESTORE:
			if (silence >= t->failover) {
				go_down(h, t, "its peer is silent again", now);
				break;
			}
			/* Our side's standby is off: it said so, or it must be. */
			quiet_since = t->last_down != 0 ? t->last_down : t->added;
			y = seen_get(h, t->id, (uint8_t)(1 - t->end), false);
			if ((t->acked || now - quiet_since >= HEAL_HOLD) && y != NULL &&
			    (y->state == WIRE_TUN_RESTORE || y->state == WIRE_TUN_UP) &&
			    now - y->at < HEAL_HOLD)
				go_up(h, t, now);
			break;
		}
		if (now >= t->next_say)
			say(h, t, wire_state(t->state), now);
	}
	standby_apply(h, now);
	return h->ntree + h->nsb > 0 ? now + HEAL_TICK : MONO_NEVER;
}

/* ------------------------------------------------------------- config --- */

bool
heal_begin(struct heal *h)
{
	memcpy(h->old_tree, h->tree, h->ntree * sizeof(h->tree[0]));
	memcpy(h->old_sb, h->sb, h->nsb * sizeof(h->sb[0]));
	h->old_ntree = h->ntree;
	h->old_nsb = h->nsb;
	h->ntree = h->nsb = 0;
	return true;
}

bool
heal_tree_add(struct heal *h, uint32_t slot, uint16_t id, uint8_t end,
    uint32_t failover_s, uint32_t failback_s, monotime_t now)
{
	struct heal_tree *t;
	unsigned i;

	if (h->ntree == HEAL_TUNNELS_MAX)
		return false;
	t = &h->tree[h->ntree++];
	for (i = 0; i < h->old_ntree; i++)
		if (h->old_tree[i].slot == slot && h->old_tree[i].id == id &&
		    h->old_tree[i].end == end) {
			*t = h->old_tree[i];
			h->old_tree[i].slot = HEAL_NONE;	/* kept */
			break;
		}
	if (i == h->old_ntree) {
		memset(t, 0, sizeof(*t));
		t->slot = slot;
		t->id = id;
		t->end = end;
		t->state = HEAL_RESTORE;
		t->since = t->added = now;
		t->next_say = now;	/* at the next tick */
	}
	t->failover = MONO_SEC((monotime_t)failover_s);
	t->failback = MONO_SEC((monotime_t)failback_s);
	return true;
}

bool
heal_standby_add(struct heal *h, uint32_t slot, const struct heal_cover *c,
    unsigned n, monotime_t now)
{
	struct heal_standby *s;
	unsigned i;

	if (h->nsb == HEAL_TUNNELS_MAX || n > HEAL_COVERS_MAX)
		return false;
	s = &h->sb[h->nsb++];
	for (i = 0; i < h->old_nsb; i++)
		if (h->old_sb[i].slot == slot) {
			*s = h->old_sb[i];
			h->old_sb[i].slot = HEAL_NONE;
			break;
		}
	if (i == h->old_nsb) {
		memset(s, 0, sizeof(*s));
		s->slot = slot;
		s->since = now;
	}
	memcpy(s->cover, c, n * sizeof(*c));
	s->ncover = n;
	return true;
}

void
heal_end(struct heal *h, monotime_t now)
{
	unsigned i;

	/*
	 * What went is the daemon's: a peer removed is gone with its pairs, a
	 * peer that is no longer a tree tunnel or standby peer is mapped by
	 * the daemon as any other (proxy/peer.c).
	 */
	h->old_ntree = h->old_nsb = 0;
	/* A tree tunnel that became a standby peer or back: decided anew. */
	for (i = 0; i < h->ntree; i++)
		if (h->tree[i].mapped)
			h->ops.map(h->ops.arg, h->tree[i].slot, true);	/* new pairs */
	for (i = 0; i < h->nsb; i++)
		if (h->sb[i].on)
			h->ops.map(h->ops.arg, h->sb[i].slot, true);
	standby_apply(h, now);
}
