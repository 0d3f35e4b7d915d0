/*
 * member.c — the other edges of the site, as one edge sees them: their
 * addresses, their memberships (which VANs each has JOINed), their health
 * (HELLO, boot epochs, dead or restarted members) and the resynchronisation
 * of memberships that were lost (docs/protocol.md §5–6).
 *
 * Pure, like bridge.c, whose actions and forwarding table it uses through
 * bridge_int.h.
 *
 * Timers (all driven by bridge_tick):
 *   hello      every conf.hello_ms: HELLO to every member we share a VAN
 *              with; every HELLO_SLOW_EVERY-th round to all members (this
 *              anti-entropy round finds JOINs that were lost both ways).
 *   dead       a member ALIVE whose last HELLO is older than dead_count
 *              times the larger of both intervals becomes DEAD (if we
 *              share VANs with it) or UNKNOWN; either way its routes go.
 */
#include "edge/bridge.h"
#include "edge/bridge_int.h"

#include <string.h>

#define HELLO_SLOW_EVERY 10

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

void
member_join(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van_id)
{
	struct bridge_member *mb = &b->member[m];
	int v, r;

	r = idmap_put(&b->memb, memb_key(m, van_id), 1);
	if (r == -1) {
		mb->stats.drops[DROP_TABLE_FULL]++;
		return;
	}
	if (r == 0)
		return;		/* already known */
	mb->van_count++;
	mb->van_digest += wire_van_digest(van_id);
	if ((v = bridge_van_find(b, van_id)) >= 0) {
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

static void
memb_unlink(struct bridge *b, uint32_t m, uint32_t van_id)
{
	struct bridge_member *mb = &b->member[m];
	int v;

	mb->van_count--;
	mb->van_digest -= wire_van_digest(van_id);
	if ((v = bridge_van_find(b, van_id)) >= 0) {
		b->van[v].members[m / 64] &= ~(1ULL << (m % 64));
		if (van_present(&b->van[v]))
			mb->shared--;
	}
}

void
member_leave(struct bridge *b, uint32_t m, uint32_t van_id, monotime_t now)
{
	if (!idmap_del(&b->memb, memb_key(m, van_id)))
		return;
	memb_unlink(b, m, van_id);
	/* It has no nodes in that VAN any more: its routes there are stale. */
	bridge_purge_routes(b, m, van_id, now);
}

struct memb_clear_arg {
	struct bridge	*b;
	uint32_t	m;
};

static bool
memb_clear_match(uint64_t key, uint32_t val, void *arg)
{
	struct memb_clear_arg *c = arg;

	(void)val;
	if (key >> 32 != c->m)
		return false;
	memb_unlink(c->b, c->m, (uint32_t)key);	/* once per accepted key */
	return true;
}

/* Forget which VANs member m has joined (restart, resync, removal). */
static void
memb_clear(struct bridge *b, uint32_t m)
{
	struct memb_clear_arg c = { b, m };

	if (b->member[m].van_count == 0)
		return;
	idmap_purge(&b->memb, memb_clear_match, &c);
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
	memset(mb, 0, sizeof(*mb));
	mb->used = true;
	mb->addr = *a;
	mb->state = MEMBER_UNKNOWN;
	mb->state_since = now;
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
	memset(mb, 0, sizeof(*mb));
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
member_set_state(struct bridge *b, uint32_t m, enum member_state s, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];

	if (mb->state == s)
		return;
	if (s == MEMBER_DEAD)
		mb->stats.deaths++;
	if (s != MEMBER_ALIVE)
		bridge_purge_routes(b, m, 0, now);
	else if (mb->peer) {
		/* A peer (back) in touch hears our routes (relay_dump). */
		mb->dump = true;
		mb->dump_pos = 0;
		b->dump_due = true;
	}
	mb->state = s;
	mb->state_since = now;
}

bool
member_epoch(struct bridge *b, uint32_t m, uint64_t epoch, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];

	if (mb->epoch == epoch)
		return false;
	if (mb->epoch != 0) {
		/* It restarted: all we knew of it is stale. */
		mb->stats.restarts++;
		bridge_purge_routes(b, m, 0, now);
		memb_clear(b, m);
	}
	mb->epoch = epoch;
	mb->fresh = true;
	replay_init(&mb->window);
	return true;
}

void
member_hello_in(struct bridge *b, struct bridge_out *o, uint32_t m,
    const struct wire_msg *wm, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	const struct wire_hello *h = &wm->body.hello;
	bool fresh;

	member_epoch(b, m, h->epoch, now);
	fresh = mb->fresh;
	mb->fresh = false;
	mb->interval_ms = h->interval_ms < BRIDGE_HELLO_MS_MIN ? BRIDGE_HELLO_MS_MIN :
	    h->interval_ms > BRIDGE_HELLO_MS_MAX ? BRIDGE_HELLO_MS_MAX : h->interval_ms;
	mb->last_hello = now;
	member_set_state(b, m, MEMBER_ALIVE, now);

	if (wm->hdr.flags & WIRE_F_SYNC) {
		/* It asks for our JOINs; the HELLO after them lets it check. */
		send_joins(b, o, m, WIRE_F_SYNC);
		send_hello(b, o, m, 0);
	}
	/*
	 * A new incarnation sends its JOINs right after its first HELLO: check
	 * the digest from its next HELLO on.  A mismatch means a JOIN or LEAVE
	 * was lost: forget its VANs and ask for all of them (once per interval).
	 */
	if (fresh || (h->van_count == mb->van_count && h->van_digest == mb->van_digest))
		return;
	if (mb->sync_at != 0 && now - mb->sync_at < MONO_MS(b->conf.hello_ms))
		return;
	mb->sync_at = now;
	mb->stats.syncs++;
	memb_clear(b, m);
	send_hello(b, o, m, WIRE_F_SYNC);
}

monotime_t
bridge_tick(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	monotime_t next, period = MONO_MS(b->conf.hello_ms);
	uint32_t m;
	bool round = false, slow = false;

	if (!b->started)
		return MONO_NEVER;
	if (now >= b->next_hello) {
		round = true;
		slow = ++b->hello_rounds % HELLO_SLOW_EVERY == 0;
		b->next_hello += period;
		if (b->next_hello <= now)
			b->next_hello = now + period;
	}
	next = b->next_hello;
	if (b->conf.proxy) {
		monotime_t r = relay_refresh(b, now), d = relay_dump(b, o, now);

		if (r < next)
			next = r;
		if (d < next)
			next = d;
	}
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];
		monotime_t dead_at;
		uint32_t ms;

		if (!mb->used)
			continue;
		if (round && (mb->shared > 0 || slow))
			send_hello(b, o, m, 0);
		if (mb->state != MEMBER_ALIVE)
			continue;
		ms = mb->interval_ms > b->conf.hello_ms ? mb->interval_ms :
		    b->conf.hello_ms;
		dead_at = mb->last_hello + MONO_MS((monotime_t)ms * b->conf.dead_count);
		if (now >= dead_at)
			member_set_state(b, m, mb->shared > 0 ? MEMBER_DEAD :
			    MEMBER_UNKNOWN, now);
		else if (dead_at < next)
			next = dead_at;
	}
	return next;
}
