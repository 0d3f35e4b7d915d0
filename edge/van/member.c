/*
 * member.c — the other edges of the site, as one edge sees them: their
 * addresses, their memberships (which VANs each has JOINed), their health
 * (HELLO, boot epochs, dead or restarted members) and the resynchronisation
 * of memberships that were lost (docs/protocol.md §5–6).
 *
 * Pure, like bridge.c; what it does it does through forward.c's actions
 * and forwarding entries (bridge_int.h).  It never calls relay.c.
 *
 * With a site key it also seals and checks their control messages with the
 * pair keys of docs/protocol.md §7.
 *
 * Timers (all driven by bridge_tick, bridge.c; member_tick is one member's):
 *   hello      every conf.hello_ms: HELLO to every member we share a VAN
 *              with; every BRIDGE_HELLO_SLOW_EVERY-th round to all members
 *              (this anti-entropy round finds JOINs lost both ways).
 *   dead       a member ALIVE whose last HELLO is older than dead_count
 *              times the larger of both intervals becomes DEAD (if we
 *              share VANs with it) or UNKNOWN; either way its routes go.
 *   want_sync  a member whose JOINs we could not all keep, when a VAN is
 *              added: a HELLO with SYNC at the next tick.
 * And two hold-offs, one interval each per member: an epoch change (a
 * restart) and an answer to a HELLO with SYNC.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"

#include <string.h>

#include <sodium.h>

const char *
member_state_str(enum member_state s)
{
	switch (s) {
	case MEMBER_UNKNOWN:
		return "unknown";
	case MEMBER_ALIVE:
		return "alive";
	case MEMBER_DEAD:
		return "dead";
	}
	return "?";
}

static void
send_hello(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t flags)
{
	uint8_t buf[WIRE_HDR_LEN + WIRE_HELLO_LEN];
	struct wire_hdr h;
	struct wire_hello hello = {
		.epoch = b->conf.epoch,
		.interval_ms = b->conf.hello_ms,
		.van_count = b->joined,
		.van_digest = b->joined_digest,
	};

	if (b->member[m].peer) {
		/* A peer knows our VANs by its own IDs: the digest of those. */
		hello.van_count = b->member[m].xjoined;
		hello.van_digest = b->member[m].xjoined_digest;
	}
	bridge_hdr(b, m, WIRE_HELLO, 0, flags, WIRE_HOP_DEFAULT, &h);
	bridge_emit_ctl(b, o, m, WIRE_HELLO, buf,
	    wire_encode_hello(buf, sizeof(buf), &h, &hello));
}

void
bridge_peer_resync(struct bridge *b, struct bridge_out *o, uint32_t m)
{
	if (m < b->conf.member_max && b->member[m].used && b->member[m].peer &&
	    b->started)
		send_hello(b, o, m, WIRE_F_SYNC);
}

/* Our JOINs, to one member. */
static void
send_joins(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t flags)
{
	uint32_t v;

	for (v = 0; v < b->conf.van_max; v++) {
		if (!b->van[v].used)
			continue;
		/* A peer: the VANs of its peering; a site member: ours. */
		if (b->member[m].peer ? bridge_peer_van(b, m, b->van[v].id) != 0 :
		    van_present(&b->van[v]))
			bridge_send_membership(b, o, m, WIRE_JOIN, b->van[v].id, flags);
	}
}

/*
 * A site member asked for our JOINs: it lost track of us (a JOIN or LEAVE
 * lost, or we were dead to it), and with it, perhaps, of our routes: the
 * MACs of our ports in each VAN we share.  (A proxy's routes behind its
 * peers are not sent again: not done yet, docs/reliability.md.)
 */
static void
sync_routes(struct bridge *b, struct bridge_out *o, uint32_t m)
{
	uint32_t v;

	if (b->member[m].peer || b->conf.proxy)
		return;
	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used && b->van[v].nports > 0 &&
		    member_in_van(b, m, b->van[v].id))
			bridge_sync_macs(b, o, m, v);
}

static uint64_t
memb_key(uint32_t m, uint32_t van_id)
{
	return (uint64_t)m << 32 | van_id;
}

bool
member_in_van(const struct bridge *b, uint32_t m, uint32_t van_id)
{
	return idmap_get(&b->memb, memb_key(m, van_id), NULL);
}

/*
 * Memberships are kept in b->memb (lookup) and, per member, on a list of
 * nodes (so that a member's are forgotten in time proportional to them, not
 * to the table: a restart must not cost a scan of everything).  A member
 * keeps at most BRIDGE_MEMB_PER_MEMBER, and of VANs not configured here at
 * most BRIDGE_MEMB_FOREIGN; beyond that a JOIN of a VAN we do not carry is
 * counted in the member's digest but not kept (mb->over), and others are
 * refused: one member cannot fill the table that every member shares.
 */
void
member_join(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van_id)
{
	struct bridge_member *mb = &b->member[m];
	struct memb_node *n;
	uint32_t k;
	int v;

	if (member_in_van(b, m, van_id))
		return;		/* already known */
	v = bridge_van_find(b, van_id);
	if (mb->nmemb >= BRIDGE_MEMB_PER_MEMBER) {
		mb->stats.drops[DROP_JOIN_CAP]++;
		return;
	}
	if (v < 0 && mb->nforeign >= BRIDGE_MEMB_FOREIGN) {
		mb->stats.drops[DROP_JOIN_FOREIGN]++;
		mb->over++;
		mb->van_count++;
		mb->van_digest += wire_van_digest(van_id);
		return;
	}
	if ((k = b->memb_free) == BRIDGE_NONE ||
	    idmap_put(&b->memb, memb_key(m, van_id), k) == -1) {
		mb->stats.drops[DROP_TABLE_FULL]++;
		return;
	}
	n = &b->memb_node[k];
	b->memb_free = n->next;
	n->van_id = van_id;
	n->foreign = v < 0;
	n->prev = BRIDGE_NONE;
	n->next = mb->memb_head;
	if (mb->memb_head != BRIDGE_NONE)
		b->memb_node[mb->memb_head].prev = k;
	mb->memb_head = k;
	mb->nmemb++;
	if (v < 0)
		mb->nforeign++;
	mb->van_count++;
	mb->van_digest += wire_van_digest(van_id);
	(void)bridge_trace(b, BRIDGE_TR_JOIN_IN, van_id, FDB_REMOTE, m, NULL);
	if (v >= 0) {
		b->van[v].members[m / 64] |= 1ULL << (m % 64);
		if (van_present(&b->van[v])) {
			mb->shared++;
			/* A new member of a VAN we have: where our VMs are. */
			bridge_sync_macs(b, o, m, (uint32_t)v);
		}
		/* A peer that joins hears every route we have (relay_dump). */
		if (mb->peer) {
			mb->dump = true;
			mb->dump_pos = 0;
			b->dump_due = true;
		}
	}
}

/* Node k of member m goes: off its list, back to the free nodes. */
static void
memb_unlink(struct bridge *b, uint32_t m, uint32_t k)
{
	struct bridge_member *mb = &b->member[m];
	struct memb_node *n = &b->memb_node[k];
	int v;

	if (n->prev != BRIDGE_NONE)
		b->memb_node[n->prev].next = n->next;
	else
		mb->memb_head = n->next;
	if (n->next != BRIDGE_NONE)
		b->memb_node[n->next].prev = n->prev;
	mb->nmemb--;
	if (n->foreign)
		mb->nforeign--;
	mb->van_count--;
	mb->van_digest -= wire_van_digest(n->van_id);
	if ((v = bridge_van_find(b, n->van_id)) >= 0) {
		b->van[v].members[m / 64] &= ~(1ULL << (m % 64));
		if (van_present(&b->van[v]))
			mb->shared--;
	}
	idmap_del(&b->memb, memb_key(m, n->van_id));
	n->next = b->memb_free;
	b->memb_free = k;
}

void
member_leave(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van_id,
    monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	uint32_t k;

	if (!idmap_get(&b->memb, memb_key(m, van_id), &k)) {
		/* One counted but not kept, perhaps: if not, the digest says. */
		if (mb->over > 0) {
			mb->over--;
			mb->van_count--;
			mb->van_digest -= wire_van_digest(van_id);
		}
		return;
	}
	memb_unlink(b, m, k);
	(void)bridge_trace(b, BRIDGE_TR_LEAVE_IN, van_id, FDB_REMOTE, m, NULL);
	/* It has no nodes in that VAN any more: its routes there are stale. */
	bridge_purge_peer_routes(b, o, m, van_id, now);
}

/* Forget which VANs member m has joined (restart, resync, removal). */
static void
memb_clear(struct bridge *b, uint32_t m)
{
	struct bridge_member *mb = &b->member[m];

	while (mb->memb_head != BRIDGE_NONE)
		memb_unlink(b, m, mb->memb_head);
	mb->over = 0;
	mb->van_count = 0;
	mb->van_digest = 0;
}

/*
 * VAN van_id was configured here (added) or is no more: the memberships
 * of it change kind; members whose JOINs we could not all keep are asked
 * for them again (it may be one of those).
 */
void
member_van_configured(struct bridge *b, uint32_t van_id, bool added)
{
	uint32_t m, k;

	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];

		if (!mb->used)
			continue;
		if (idmap_get(&b->memb, memb_key(m, van_id), &k) &&
		    b->memb_node[k].foreign == added) {
			b->memb_node[k].foreign = !added;
			if (added)
				mb->nforeign--;
			else
				mb->nforeign++;
		}
		if (added && mb->over > 0)
			mb->want_sync = true;
	}
}

int
bridge_member_find(const struct bridge *b, const struct van_addr *a)
{
	uint32_t m;

	if (!idmap_get(&b->member_by_addr, addr_key(a), &m) ||
	    !addr_eq(&b->member[m].addr, a))
		return -1;
	return (int)m;
}

/* Slot m as a new member: everything zero, no memberships, unknown. */
void
member_reset(struct bridge *b, uint32_t m)
{
	struct bridge_member *mb = &b->member[m];

	sodium_memzero(mb, sizeof(*mb));
	mb->used = true;
	mb->memb_head = BRIDGE_NONE;
	mb->state = MEMBER_UNKNOWN;
}

int
bridge_member_add(struct bridge *b, struct bridge_out *o,
    const struct van_addr *a, monotime_t now, const char **err)
{
	struct bridge_member *mb;
	uint32_t m;

	if (a->family != 4 && a->family != 6) {
		*err = "not an address";
		return -1;
	}
	if (idmap_get(&b->member_by_addr, addr_key(a), NULL)) {
		*err = "member listed twice";
		return -1;
	}
	for (m = 0; m < b->conf.member_max && b->member[m].used; m++)
		;
	if (m == b->conf.member_max ||
	    idmap_put(&b->member_by_addr, addr_key(a), m) == -1) {
		*err = "too many members";
		return -1;
	}
	mb = &b->member[m];
	member_reset(b, m);
	mb->addr = *a;
	mb->state_since = now;
	bucket_set(&mb->flood_in, b->conf.member_flood_rate, 0);
	bucket_set(&mb->learn_in, b->conf.member_learn_rate, 0);
	b->nmembers++;
	if (b->started) {
		send_hello(b, o, m, WIRE_F_SYNC);
		send_joins(b, o, m, 0);
	}
	return (int)m;
}

void
bridge_member_del(struct bridge *b, uint32_t m)
{
	struct bridge_member *mb;

	if (m >= b->conf.member_max || !b->member[m].used)
		return;
	mb = &b->member[m];
	bridge_purge_routes(b, m, 0, 0);
	memb_clear(b, m);
	if (!mb->peer)
		idmap_del(&b->member_by_addr, addr_key(&mb->addr));
	sodium_memzero(mb, sizeof(*mb));	/* its keys */
	mb->memb_head = BRIDGE_NONE;
	b->nmembers--;
}

void
bridge_start(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	uint32_t m;

	b->started = true;
	/* HELLO first: a receiver that sees our new epoch forgets our old
	 * JOINs, and must do so before these arrive. */
	for (m = 0; m < b->conf.member_max; m++) {
		if (!b->member[m].used)
			continue;
		send_hello(b, o, m, WIRE_F_SYNC);
		send_joins(b, o, m, 0);
	}
	b->next_hello = now + MONO_MS(b->conf.hello_ms);
}

static void
member_set_state(struct bridge *b, struct bridge_out *o, uint32_t m,
    enum member_state s, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];

	struct bridge_trace *t;

	if (mb->state == s)
		return;
	if ((t = bridge_trace(b, BRIDGE_TR_MEMBER_STATE, 0, FDB_REMOTE, m, NULL)) != NULL) {
		t->state_old = (uint8_t)mb->state;
		t->state = (uint8_t)s;
	}
	if (s == MEMBER_DEAD)
		mb->stats.deaths++;
	if (s != MEMBER_ALIVE)
		bridge_purge_peer_routes(b, o, m, 0, now);
	else if (mb->peer) {
		/* A peer (back) in touch hears our routes (relay_dump). */
		mb->dump = true;
		mb->dump_pos = 0;
		b->dump_due = true;
	}
	/*
	 * Back from the dead (not a restart: its epoch is the same), it may
	 * have counted us dead too and dropped our routes, and we dropped its:
	 * ask for its JOINs (a SYNC: its memberships, kept, stay), and its
	 * answer brings the MACs of its ports (sync_routes).
	 */
	if (s == MEMBER_ALIVE && mb->state == MEMBER_DEAD && !mb->peer)
		send_hello(b, o, m, WIRE_F_SYNC);
	mb->state = s;
	mb->state_since = now;
}

int
member_epoch(struct bridge *b, uint32_t m, uint64_t epoch, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	struct bridge_trace *t;

	if (mb->epoch == epoch)
		return 0;
	if (mb->epoch != 0) {
		/* At most one restart an interval: each costs its purge. */
		if (mb->epoch_at != 0 && now - mb->epoch_at < MONO_MS(b->conf.hello_ms))
			return -1;
		/* It restarted: all we knew of it is stale. */
		mb->stats.restarts++;
		bridge_purge_routes(b, m, 0, now);
		memb_clear(b, m);
		mb->epoch_at = now;
		mb->sync_answered = 0;	/* the new one may ask at once */
	}
	if ((t = bridge_trace(b, BRIDGE_TR_MEMBER_EPOCH, 0, FDB_REMOTE, m, NULL)) != NULL) {
		t->epoch_old = mb->epoch;
		t->epoch = epoch;
	}
	mb->epoch = epoch;
	mb->fresh = true;
	replay_init(&mb->window);
	return 1;
}

/*
 * With a site key, a control message of member m must carry a tag that
 * verifies (sitekey_check: with the site key or the accepted one), from m's
 * current boot epoch, with a counter not seen before in that epoch — one
 * window whatever the key, as the sender's counter runs on across a key
 * change.  A newer epoch is a restart, and only an
 * authenticated HELLO says so (at most one an interval): any other message
 * of an epoch not announced yet is dropped.  Returns 0 or the drop reason.
 * Without a key, trailers are not checked.
 */
int
member_auth_in(struct bridge *b, uint32_t m, const struct van_addr *to,
    const uint8_t *msg, const struct wire_msg *wm, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	enum sitekey_by by;
	int err;

	if (!b->conf.auth || mb->peer)
		return 0;
	if ((err = sitekey_check(b, m, to, msg, wm, &by)) != 0)
		return err;
	if (wm->hdr.type == WIRE_HELLO && wm->body.hello.epoch != wm->auth.epoch)
		return WIRE_ERR_BODY;
	if (wm->auth.epoch < mb->epoch)
		return DROP_REPLAY;
	if (wm->auth.epoch != mb->epoch) {
		if (wm->hdr.type != WIRE_HELLO)
			return DROP_NEW_EPOCH;
		if (member_epoch(b, m, wm->auth.epoch, now) < 0)
			return DROP_EPOCH_LIMIT;
	}
	if (!replay_check(&mb->window, wm->auth.counter, UINT64_MAX))
		return DROP_REPLAY;
	if (wm->pair)
		mb->v2 = true;
	/* What says when the old key may go (docs/protocol.md §7). */
	mb->rx_by = (uint8_t)by;
	if (by == SITEKEY_BY_ACCEPT)
		mb->stats.auth_accepted++;
	return 0;
}

bool
member_hello_in(struct bridge *b, struct bridge_out *o, uint32_t m,
    const struct van_addr *to, const struct wire_msg *wm, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	const struct wire_hello *h = &wm->body.hello;
	bool fresh;

	/* With a site key the trailer's check took the new epoch already. */
	if (member_epoch(b, m, h->epoch, now) < 0) {
		mb->stats.drops[DROP_EPOCH_LIMIT]++;
		return false;
	}
	fresh = mb->fresh;
	mb->fresh = false;
	mb->interval_ms = h->interval_ms < BRIDGE_HELLO_MS_MIN ? BRIDGE_HELLO_MS_MIN :
	    h->interval_ms > BRIDGE_HELLO_MS_MAX ? BRIDGE_HELLO_MS_MAX : h->interval_ms;
	mb->last_hello = now;
	member_set_state(b, o, m, MEMBER_ALIVE, now);
	/* Where it sends to is where it knows us: what we send it leaves from
	 * there (and, with a site key, is sealed for it). */
	if (!mb->peer && to != NULL && to->family != 0)
		bridge_member_self(b, m, to);

	if (wm->hdr.flags & WIRE_F_SYNC) {
		/*
		 * It asks for our JOINs; the HELLO after them lets it check.
		 * One answer an interval: a JOIN per VAN for a HELLO is a
		 * multiplier a forged source must not be able to run.
		 */
		if (mb->sync_answered != 0 &&
		    now - mb->sync_answered < MONO_MS(b->conf.hello_ms))
			mb->stats.drops[DROP_SYNC_LIMIT]++;
		else {
			mb->sync_answered = now;
			send_joins(b, o, m, WIRE_F_SYNC);
			send_hello(b, o, m, 0);
			sync_routes(b, o, m);
		}
	}
	/*
	 * A new incarnation sends its JOINs right after its first HELLO: check
	 * the digest from its next HELLO on.  A mismatch means a JOIN or LEAVE
	 * was lost: forget its VANs and ask for all of them (once per interval).
	 */
	if (fresh || (h->van_count == mb->van_count && h->van_digest == mb->van_digest))
		return true;
	if (mb->sync_at != 0 && now - mb->sync_at < MONO_MS(b->conf.hello_ms))
		return true;
	mb->sync_at = now;
	mb->stats.syncs++;
	memb_clear(b, m);
	send_hello(b, o, m, WIRE_F_SYNC);
	return true;
}

/* Every site member's limits (docs/protocol.md §8). */
void
bridge_site_limits(struct bridge *b, uint32_t routes_max, uint32_t flood_rate,
    uint32_t learn_rate)
{
	uint32_t m;

	b->conf.member_routes_max = routes_max;
	b->conf.member_flood_rate = flood_rate;
	b->conf.member_learn_rate = learn_rate;
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];

		if (!mb->used || mb->peer)
			continue;
		bucket_set(&mb->flood_in, flood_rate, 0);
		bucket_set(&mb->learn_in, learn_rate, 0);
	}
}

/*
 * Member m's share of a tick (bridge_tick): its HELLO (a SYNC if one is
 * due; on a round, if it shares VANs with us or on a slow round), and its
 * death once its HELLOs stop.  The time its next check is due, or next.
 */
monotime_t
member_tick(struct bridge *b, struct bridge_out *o, uint32_t m, monotime_t now,
    bool round, bool slow, monotime_t next)
{
	struct bridge_member *mb = &b->member[m];
	monotime_t dead_at;
	uint32_t ms;

	if (mb->want_sync) {
		mb->want_sync = false;
		memb_clear(b, m);
		send_hello(b, o, m, WIRE_F_SYNC);
	} else if (round && (mb->shared > 0 || mb->peer || slow))
		send_hello(b, o, m, 0);	/* a peer: every round, mapped or not */
	if (mb->state != MEMBER_ALIVE)
		return next;
	ms = mb->interval_ms > b->conf.hello_ms ? mb->interval_ms :
	    b->conf.hello_ms;
	dead_at = mb->last_hello + MONO_MS((monotime_t)ms * b->conf.dead_count);
	if (now >= dead_at) {
		member_set_state(b, o, m, mb->shared > 0 ? MEMBER_DEAD :
		    MEMBER_UNKNOWN, now);
		return next;
	}
	return dead_at < next ? dead_at : next;
}
