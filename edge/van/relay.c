/*
 * relay.c — the proxy's half of the bridge (docs/proxy.md): peers, their
 * VAN mappings and limits, and what vanproxy does with a message from a
 * site member or a peer — relay between its site and its peers, carry
 * transit traffic between peers, and keep what happens inside the site
 * to itself.
 *
 * Pure, like bridge.c and member.c; it uses member.c's memberships and
 * forward.c's actions and forwarding entries (bridge_int.h).  A proxy has no ports: every
 * forwarding entry is a route through a member, a site member (an edge)
 * or a peer.  Two sequence spaces per MAC: `seq`, compared with the
 * site's edges, and `xseq`, compared between proxies, which changes only
 * when a MAC moves between sites.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"
#include "edge/van/mtu.h"

#include <string.h>

#include <sodium.h>

#define RELAY_DUMP_BATCH	50
#define RELAY_DUMP_EVERY	MONO_MS(100)

/* ---------------------------------------------------------------- peers --- */

int
bridge_peer_add(struct bridge *b, monotime_t now, const char **err)
{
	struct bridge_member *mb;
	uint32_t m;

	if (!b->conf.proxy) {
		*err = "peers need proxy mode";
		return -1;
	}
	for (m = 0; m < b->conf.member_max && b->member[m].used; m++)
		;
	if (m == b->conf.member_max) {
		*err = "too many members";
		return -1;
	}
	mb = &b->member[m];
	member_reset(b, m);
	mb->peer = true;
	mb->state_since = now;
	memset(&b->claims[m], 0, sizeof(b->claims[m]));
	b->nmembers++;
	return (int)m;
}

int
bridge_peer_map(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t ours,
    uint32_t theirs, monotime_t now, const char **err)
{
	struct bridge_member *mb = &b->member[m];
	int v = bridge_van_find(b, ours);
	bool was;

	(void)now;
	if (m >= b->conf.member_max || !mb->used || !mb->peer) {
		*err = "not a peer";
		return -1;
	}
	if (v < 0 || theirs == 0) {
		*err = v < 0 ? "our VAN is not configured" : "VAN ID 0 is invalid";
		return -1;
	}
	if (idmap_get(&b->xmap_out, (uint64_t)m << 32 | ours, NULL) ||
	    idmap_get(&b->xmap_in, (uint64_t)m << 32 | theirs, NULL)) {
		*err = "VAN mapped twice for this peer";
		return -1;
	}
	if (idmap_put(&b->xmap_out, (uint64_t)m << 32 | ours, theirs) == -1 ||
	    idmap_put(&b->xmap_in, (uint64_t)m << 32 | theirs, ours) == -1) {
		idmap_del(&b->xmap_out, (uint64_t)m << 32 | ours);
		*err = "too many VAN mappings";
		return -1;
	}
	mb->xjoined++;
	mb->xjoined_digest += wire_van_digest(theirs);
	was = van_present(&b->van[v]);
	b->van[v].npeers++;
	bridge_van_presence(b, o, (uint32_t)v, was);
	if (b->started)
		bridge_send_membership(b, o, m, WIRE_JOIN, ours, 0);
	return 0;
}

/* say: send the peer a LEAVE (not when the peer itself goes). */
static void
unmap_pairs(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t ours,
    monotime_t now, bool say)
{
	struct bridge_member *mb = &b->member[m];
	uint32_t theirs = bridge_peer_van(b, m, ours);
	int v = bridge_van_find(b, ours);

	if (theirs == 0 || v < 0)
		return;
	if (b->started && say)
		bridge_send_membership(b, o, m, WIRE_LEAVE, ours, 0);
	if (say)
		bridge_purge_peer_routes(b, o, m, ours, now);
	else
		bridge_purge_routes(b, m, ours, now);
	idmap_del(&b->xmap_out, (uint64_t)m << 32 | ours);
	idmap_del(&b->xmap_in, (uint64_t)m << 32 | theirs);
	mb->xjoined--;
	mb->xjoined_digest -= wire_van_digest(theirs);
	b->van[v].npeers--;
	bridge_van_presence(b, o, (uint32_t)v, true);
}

void
bridge_peer_unmap(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t ours,
    monotime_t now)
{
	unmap_pairs(b, o, m, ours, now, true);
}

void
bridge_peer_del(struct bridge *b, struct bridge_out *o, uint32_t m, monotime_t now)
{
	uint32_t v;

	if (m >= b->conf.member_max || !b->member[m].used || !b->member[m].peer)
		return;
	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used)
			unmap_pairs(b, o, m, b->van[v].id, now, false);
	(void)bridge_peer_claims(b, m, NULL);
	bridge_member_del(b, m);
}

int
bridge_peer_claims(struct bridge *b, uint32_t m, const struct claims *c)
{
	uint32_t i;

	if (m >= b->conf.member_max || !b->member[m].used || !b->member[m].peer)
		return -1;
	if (c != NULL)
		b->claims[m] = *c;
	else
		memset(&b->claims[m], 0, sizeof(b->claims[m]));
	/* The peers with a list of their own: the others may not claim it. */
	for (i = 0; i < b->nclaimers && b->claimers[i] != m; i++)
		;
	if (i < b->nclaimers && !b->claims[m].has_macs && !b->claims[m].has_prefixes)
		b->claimers[i] = b->claimers[--b->nclaimers];
	else if (i == b->nclaimers && (b->claims[m].has_macs || b->claims[m].has_prefixes))
		b->claimers[b->nclaimers++] = m;
	return 0;
}

void
bridge_peer_limits(struct bridge *b, uint32_t m, uint32_t macs, uint32_t flood_rate,
    uint32_t learn_rate)
{
	struct bridge_member *mb = &b->member[m];

	if (m >= b->conf.member_max || !mb->peer)
		return;
	mb->routes_max = macs;
	bucket_set(&mb->flood_in, flood_rate, 0);
	bucket_set(&mb->learn_in, learn_rate, 0);
}

void
bridge_peer_frame_max(struct bridge *b, uint32_t m, uint32_t frame_max)
{
	if (m < b->conf.member_max && b->member[m].peer)
		b->member[m].frame_max = frame_max;
}

/* -------------------------------------------------------------- helpers --- */

static bool
is_peer(const struct bridge *b, uint32_t m)
{
	return b->member[m].peer;
}

/* LEARN for e to the site's members of VAN v (they hear "behind me"). */
static void
announce_site(struct bridge *b, struct bridge_out *o, uint32_t v,
    const struct fdb_entry *e)
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	b->van[v].stats.announces++;
	FOR_VAN_MEMBERS(b, v, m, w, bits)
		if (!is_peer(b, m))
			bridge_send_learn(b, o, m, v, e);
	bridge_repeat_note(b, v, e->mac);
}

/* LEARN for e to the peers of VAN v but `except`. */
static void
announce_peers(struct bridge *b, struct bridge_out *o, uint32_t v,
    const struct fdb_entry *e, uint32_t except)
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	FOR_VAN_MEMBERS(b, v, m, w, bits)
		if (is_peer(b, m) && m != except)
			bridge_send_learn(b, o, m, v, e);
	bridge_repeat_note(b, v, e->mac);
}

/*
 * MAC e is in the site now, behind e->where, but the site's other members
 * may still have it behind us with the very sequence its edge announced
 * (the tie of learn_from_site: the edge had not heard ours), and they
 * take an announcement only if it is newer.  "Not behind me": they drop
 * that route (an UNLEARN removes only a route through its sender) and
 * take the edge's next announcement, its repeats (repeat.c).
 */
static void
disown_in_site(struct bridge *b, struct bridge_out *o, uint32_t v,
    const struct fdb_entry *e)
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	FOR_VAN_MEMBERS(b, v, m, w, bits)
		if (!is_peer(b, m) && m != e->where)
			bridge_send_unlearn(b, o, m, v, e->mac);
	bridge_repeat_note(b, v, e->mac);
}

/*
 * (VAN v, mac) is gone from here — its edge withdrew it and no peer's
 * claim took its place, or the peer behind which it was disowned it — so
 * that no table keeps a MAC that went, every member and peer hears an
 * UNLEARN (they remove it only if their route points at us).  Not at
 * once: at the repeats (repeat.c), a HELLO interval or two later, when
 * what is true then is said; a VM that only moved inside the site is
 * back by then (detached from one host, attached to another), and the
 * peers hear no more than a LEARN they know (docs/proxy.md §1: moves
 * inside the site are invisible to peers).
 */
static void
tell_gone(struct bridge *b, uint32_t v, const uint8_t mac[static 6])
{
	bridge_repeat_note(b, v, mac);
}

/*
 * A FLOOD seen lately (any VAN, length and first bytes) that now comes
 * from another peer went round a loop — a configuration made one, as
 * vanplan's trees do not.  Floods from anywhere are remembered; only those
 * from peers are checked.
 */
static bool
flood_looped(struct bridge *b, uint32_t v, uint32_t m, const uint8_t *frame,
    size_t len, monotime_t now)
{
	uint8_t in[4 + 2 + 64], out[crypto_shorthash_BYTES];
	size_t n = len < 64 ? len : 64;
	struct flood_seen *s;
	uint64_t print;

	memcpy(in, &b->van[v].id, 4);
	in[4] = (uint8_t)(len >> 8);
	in[5] = (uint8_t)len;
	memcpy(in + 6, frame, n);
	crypto_shorthash(out, in, 6 + n, b->conf.hashkey);
	memcpy(&print, out, sizeof(print));
	s = &b->seen[print % BRIDGE_SEEN_CACHE];
	if (is_peer(b, m) && s->at != 0 && s->print == print && s->member != m &&
	    now - s->at < BRIDGE_SEEN_WINDOW)
		return true;
	s->print = print;
	s->member = m;
	s->at = now;
	return false;
}

/*
 * Carry a frame from m to where e says its destination is, if that is ours
 * to do: from the site out to a peer, from a peer into the site, or from a
 * peer on to another peer (transit, hop limit permitting).  True if the
 * frame was handled (sent, or dropped for its hop limit).
 */
/*
 * Does the frame fit peer t's tunnel?  A larger one is dropped and counted
 * (the tunnel would be IP-fragmented, or not carried), and if it came from
 * the site, answered to its sender as the next router would: ICMP
 * "fragmentation needed" (IPv4 with DF) or "packet too big" (IPv6) with the
 * MTU that fits, as DATA to the edge it came from, at most BRIDGE_ICMP_RATE
 * a second.
 */
static bool
fits_tunnel(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    uint32_t t, const uint8_t *frame, size_t len, monotime_t now)
{
	uint8_t answer[MTU_ICMP_MAX];
	uint32_t max = b->member[t].frame_max;
	size_t n;

	if (max == 0 || len <= max)
		return true;
	b->van[v].stats.drops[DROP_OVER_MTU]++;
	b->member[t].stats.drops[DROP_OVER_MTU]++;
	if (!is_peer(b, m) &&
	    (n = mtu_too_big(frame, len, max, answer, sizeof(answer))) > 0 &&
	    bucket_take(&b->icmp, 1, now)) {
		bridge_emit_made(b, o, m, v, answer, n);
		b->van[v].stats.icmp_sent++;
	}
	return false;
}

/*
 * A TCP SYN into or out of peer t's tunnel gets an MSS that fits it, so
 * that VMs whose MTU their own site carries (1500 on a larger underlay)
 * still talk across it.  The frame is ours (a receive buffer); sent later,
 * so every tunnel it goes to gets the smallest of their limits.
 */
static void
clamp_mss(struct bridge *b, uint32_t t, const uint8_t *frame, size_t len)
{
	if (b->member[t].frame_max != 0)
		(void)mtu_clamp_mss((uint8_t *)(uintptr_t)frame, len,
		    b->member[t].frame_max, false);
}

static bool
relay_to(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct fdb_entry *e, uint8_t hop, const uint8_t *frame, size_t len,
    monotime_t now)
{
	uint32_t t;

	if (e == NULL || e->kind != FDB_REMOTE || e->where == m)
		return false;
	t = e->where;
	if (!is_peer(b, t) && !is_peer(b, m))
		return false;		/* inside the site: not the proxy's */
	if (is_peer(b, t)) {
		if (!fits_tunnel(b, o, m, v, t, frame, len, now))
			return true;
		clamp_mss(b, t, frame, len);
	}
	if (is_peer(b, t) && is_peer(b, m)) {
		if (hop == 0) {
			b->member[m].stats.drops[WIRE_ERR_HOP]++;
			return true;
		}
		bridge_emit_frame(b, o, t, WIRE_DATA, v, hop, frame, len, 1);
		b->van[v].stats.transit++;
		return true;
	}
	bridge_emit_frame(b, o, t, WIRE_DATA, v, WIRE_HOP_DEFAULT, frame, len, 1);
	b->van[v].stats.relayed++;
	return true;
}

/* ------------------------------------------------------------- frames --- */

/*
 * Source learning from m's frame, but a peer's frame never moves a MAC
 * bound in the site: it may be a VM arriving there (its old host lets it
 * go soon), or a peer claiming what is not its; either way the site's
 * binding stands until the site's edges withdraw it.
 */
static void
relay_learn_src(struct bridge *b, uint32_t v, const uint8_t mac[static 6], uint32_t m,
    monotime_t now)
{
	const struct fdb_entry *e;

	if (is_peer(b, m) && (e = fdb_lookup(&b->fdb, b->van[v].id, mac)) != NULL &&
	    e->where != m && !is_peer(b, e->where))
		return;
	bridge_learn_src(b, v, mac, m, now);
}

static void
relay_frame(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	const uint8_t *frame = wm->payload;
	size_t len = wm->payload_len;
	struct bridge_member *mb = &b->member[m];
	struct fdb_entry *e;
	uint8_t hop = mb->peer ? (uint8_t)(wm->hdr.hop - 1) : WIRE_HOP_DEFAULT;
	uint64_t bits;
	uint32_t t;
	unsigned w;

	if (!bridge_frame_src_ok(b, v, m, frame))
		return;
	if (mb->peer) {
		/* A frame is a claim on its source MAC too. */
		if (!bridge_claim_mac_ok(b, m, frame + 6)) {
			bridge_refuse(b, v, m, DROP_CLAIM_DENIED, BRIDGE_EV_CLAIM_DENIED,
			    frame + 6);
			return;
		}
		clamp_mss(b, m, frame, len);
	}
	if (wm->hdr.type == WIRE_DATA) {
		b->van[v].stats.data_rx++;
		if (eth_is_multicast(frame) || eth_is_zero(frame)) {
			b->van[v].stats.drops[DROP_BAD_DST]++;
			mb->stats.drops[DROP_BAD_DST]++;
			return;
		}
		relay_learn_src(b, v, frame + 6, m, now);
		e = fdb_lookup(&b->fdb, b->van[v].id, frame);
		if (relay_to(b, o, m, v, e, hop, frame, len, now))
			return;
		/* Not something we carry: the sender forgets it and floods. */
		b->van[v].stats.drops[DROP_NOT_PROXY]++;
		if (!bridge_unlearn_held(b, b->van[v].id, m, frame, now))
			bridge_send_unlearn(b, o, m, v, frame);
		return;
	}

	b->van[v].stats.flood_rx++;
	if (!bucket_take(&b->van[v].flood, 1, now)) {
		mb->stats.drops[DROP_FLOOD_LIMIT]++;
		b->van[v].stats.drops[DROP_FLOOD_LIMIT]++;
		return;
	}
	if (flood_looped(b, v, m, frame, len, now)) {
		mb->stats.drops[DROP_LOOP]++;
		b->van[v].stats.drops[DROP_LOOP]++;
		if (mb->stats.drops[DROP_LOOP] == 1 || mb->stats.drops[DROP_LOOP] % 1000 == 0)
			bridge_report(b, BRIDGE_EV_LOOP, v, m, frame + 6);
		return;
	}
	relay_learn_src(b, v, frame + 6, m, now);
	e = eth_is_multicast(frame) ? NULL : fdb_lookup(&b->fdb, b->van[v].id, frame);
	if (e != NULL && e->kind == FDB_REMOTE && !is_peer(b, e->where) && !mb->peer)
		return;		/* inside the site: the member's flood got there */
	if (relay_to(b, o, m, v, e, hop, frame, len, now)) {
		/* Known, and behind us from m's side: say so (docs/proxy.md §2). */
		if (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF) {
			e->reply_to = m;
			e->reply_at = now;
			bridge_send_learn(b, o, m, v, e);
		}
		return;
	}
	/* Flood on: peers (never back to m), and into the site if from a peer. */
	FOR_VAN_MEMBERS(b, v, t, w, bits) {
		if (t == m)
			continue;
		if (is_peer(b, t)) {
			if (mb->peer && hop == 0) {
				mb->stats.drops[WIRE_ERR_HOP]++;
				continue;
			}
			if (!fits_tunnel(b, o, m, v, t, frame, len, now))
				continue;
			clamp_mss(b, t, frame, len);
			bridge_emit_frame(b, o, t, WIRE_FLOOD, v,
			    mb->peer ? hop : WIRE_HOP_DEFAULT, frame, len, 1);
		} else if (mb->peer)
			bridge_emit_frame(b, o, t, WIRE_FLOOD, v, WIRE_HOP_DEFAULT,
			    frame, len, 1);
		else
			continue;
		b->van[v].stats.flood_copies++;
	}
	b->van[v].stats.flood_tx++;
}

/* ------------------------------------------------------------ learning --- */

/*
 * A LEARN from a site member, in the site's sequence space.  A MAC that
 * comes into the site (unknown, or behind a peer) is announced to the
 * peers with a new federation sequence; a move inside the site is not.
 */
static void
learn_from_site(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_learn *l, monotime_t now)
{
	uint32_t id = b->van[v].id;
	struct fdb_entry *e = fdb_lookup(&b->fdb, id, l->mac);
	/*
	 * Outside: behind a peer, or unknown — unless it was in the site a
	 * moment ago (a VM detached from one host, attached to another): the
	 * peers never heard it left, so they hear nothing now either.
	 */
	bool outside = e != NULL ? is_peer(b, e->where) :
	    !bridge_was_inside(b, id, l->mac, now), tie = false;

	if (!bridge_seq_ok(b, v, m, l->mac, l->seq, bridge_seq_known(b, id, l->mac, e, now)))
		return;
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, v, l->mac, m)) == NULL)
			return;
		bridge_fdb_set(b, e, v, FDB_REMOTE, m, true, now);
		e->seq = l->seq;
		e->xseq = 0;
	} else if (e->where == m) {
		if (wire_seq_newer(e->seq, l->seq))
			goto stale;
		e->seq = l->seq;
		e->updated = now;
	} else if (wire_seq_newer(l->seq, e->seq) || (l->seq == e->seq && outside)) {
		/*
		 * A tie between an edge and a peer goes to the edge: an edge
		 * announces only a MAC on one of its ports, and it may not have
		 * heard the sequence the proxy gave the MAC (it joined the VAN
		 * later).
		 */
		if (!bridge_fdb_room(b, v, m) || !bridge_may_move(b, v, e, now))
			return;
		tie = l->seq == e->seq;
		bridge_fdb_set(b, e, v, FDB_REMOTE, m, false, now);
		e->seq = l->seq;
	} else
		goto stale;
	bridge_learn_addrs(b, v, m, l, now);
	if (outside) {
		/* It entered this site (a VM arrived): one higher for the peers. */
		e->xseq = wire_seq_next(bridge_xseq_known(b, id, l->mac, e, now));
		announce_peers(b, o, v, e, BRIDGE_NONE);
	}
	if (tie)
		disown_in_site(b, o, v, e);
	return;
stale:
	b->van[v].stats.learn_stale++;
	/* The member is behind the times on a MAC outside: tell it. */
	if (is_peer(b, e->where) && wire_seq_newer(e->seq, l->seq) &&
	    (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF)) {
		e->reply_to = m;
		e->reply_at = now;
		bridge_send_learn(b, o, m, v, e);
	}
}

static void	learn_from_peer(struct bridge *, struct bridge_out *, uint32_t,
		    uint32_t, const struct wire_learn *, monotime_t);

static void
pend_apply(struct bridge *b, struct bridge_out *o, uint32_t v,
    const uint8_t mac[static 6], monotime_t now)
{
	struct wire_learn l;
	uint32_t m;

	if (bridge_pend_take(b, v, mac, now, &m, &l) && is_peer(b, m))
		learn_from_peer(b, o, m, v, &l, now);
}

static void
learn_from_peer(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_learn *l, monotime_t now)
{
	uint32_t id = b->van[v].id;
	struct fdb_entry *e = fdb_lookup(&b->fdb, id, l->mac);

	if (!bridge_claim_mac_ok(b, m, l->mac)) {
		bridge_refuse(b, v, m, DROP_CLAIM_DENIED, BRIDGE_EV_CLAIM_DENIED, l->mac);
		return;
	}
	if (!bridge_seq_ok(b, v, m, l->mac, l->seq, bridge_xseq_known(b, id, l->mac, e,
	    now)))
		return;
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, v, l->mac, m)) == NULL)
			return;
		bridge_fdb_set(b, e, v, FDB_REMOTE, m, true, now);
		e->seq = wire_seq_next(bridge_seq_known(b, id, l->mac, NULL, now));
		e->xseq = l->seq;
	} else if (e->where == m) {
		if (wire_seq_newer(e->xseq, l->seq))
			goto stale;
		e->xseq = l->seq;
		e->updated = now;
		bridge_learn_addrs(b, v, m, l, now);
		return;		/* nothing new for anyone */
	} else if (wire_seq_newer(l->seq, e->xseq)) {
		if (!is_peer(b, e->where)) {
			/*
			 * Bound in the site: a peer's claim never takes it until
			 * the site's edge withdraws it (a VM that moved to the
			 * peer's site leaves its old port soon; pend_apply then).
			 */
			bridge_pend_keep(b, v, m, l, now);
			bridge_refuse(b, v, m, DROP_SITE_CLAIM, BRIDGE_EV_SITE_CLAIM, l->mac);
			return;
		}
		if (!bridge_fdb_room(b, v, m) || !bridge_may_move(b, v, e, now))
			return;
		bridge_fdb_set(b, e, v, FDB_REMOTE, m, false, now);
		e->seq = wire_seq_next(bridge_seq_known(b, id, l->mac, e, now));
		e->xseq = l->seq;
	} else
		goto stale;
	bridge_learn_addrs(b, v, m, l, now);
	announce_site(b, o, v, e);
	announce_peers(b, o, v, e, m);
	return;
stale:
	b->van[v].stats.learn_stale++;
	/* Our binding is newer and ours (in the site): tell the peer. */
	if (!is_peer(b, e->where) && wire_seq_newer(e->xseq, l->seq) &&
	    (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF)) {
		e->reply_to = m;
		e->reply_at = now;
		bridge_send_learn(b, o, m, v, e);
	}
}

/*
 * A peer that JOINs a VAN hears every route we have in it, "behind me",
 * with our federation sequence — what it missed while the tunnel came up
 * (announcements before its JOIN went nowhere) or while it was away.
 * Without it, the first move of a MAC the peer learned from our frames
 * alone (federation sequence 0 there, 1 here) would tie, and be ignored
 * here.  Paced: RELAY_DUMP_BATCH LEARNs per peer every RELAY_DUMP_EVERY,
 * below the default learn_rate a peer grants us.  Returns when to go on.
 */
monotime_t
relay_dump(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	bool pending = false;
	uint32_t m;

	if (now < b->next_dump) {
		for (m = 0; m < b->conf.member_max; m++)
			if (b->member[m].used && b->member[m].peer && b->member[m].dump)
				return b->next_dump;
		return MONO_NEVER;
	}
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];
		const struct fdb_entry *e = NULL;
		unsigned sent = 0;
		uint32_t pos;

		if (!mb->used || !mb->peer || !mb->dump)
			continue;
		pos = mb->dump_pos;
		while (sent < RELAY_DUMP_BATCH && (e = fdb_next(&b->fdb, &pos)) != NULL) {
			int v;

			if (e->kind != FDB_REMOTE || e->where == m ||
			    (v = bridge_van_find(b, e->van)) < 0 ||
			    !member_bit(b->van[v].members, m))
				continue;
			bridge_send_learn(b, o, m, (uint32_t)v, e);
			sent++;
		}
		if (e == NULL)
			mb->dump = false;
		else {
			mb->dump_pos = pos;
			pending = true;
		}
	}
	b->next_dump = now + RELAY_DUMP_EVERY;
	return pending ? b->next_dump : MONO_NEVER;
}

/*
 * The periodic round: a LEARN lost on a live tunnel (a datagram dropped
 * between proxies, a rate limit at the peer) is otherwise only mended at
 * the peer's next JOIN or revival.  Each live peer not already hearing a
 * dump hears one; to a peer that has the route already, a LEARN only
 * refreshes it (nothing is announced again), and a peer that knows newer
 * answers with its own.  Paced as relay_dump.
 */
monotime_t
relay_refresh(struct bridge *b, monotime_t now)
{
	monotime_t every = MONO_MS((monotime_t)b->conf.refresh_ms);
	uint32_t m;

	if (b->conf.refresh_ms == 0) {
		b->next_refresh = 0;
		return MONO_NEVER;
	}
	/* The first tick, or a shorter period since the last round. */
	if (b->next_refresh == 0 || b->next_refresh > now + every) {
		b->next_refresh = now + every;
		return b->next_refresh;
	}
	if (now < b->next_refresh)
		return b->next_refresh;
	b->refreshes++;
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];

		if (mb->used && mb->peer && mb->state == MEMBER_ALIVE && !mb->dump) {
			mb->dump = true;
			mb->dump_pos = 0;
		}
	}
	b->next_refresh = now + every;
	return b->next_refresh;
}

void
relay_input(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	struct bridge_member *mb = &b->member[m];
	struct fdb_entry *e;

	switch (wm->hdr.type) {
	case WIRE_DATA:
	case WIRE_FLOOD:
		relay_frame(b, o, m, v, wm, now);
		return;
	case WIRE_LEARN:
	case WIRE_UNLEARN:
		break;
	default:
		return;
	}
	if (wm->hdr.type == WIRE_LEARN) {
		b->van[v].stats.learn_rx++;
		if (mb->peer)
			learn_from_peer(b, o, m, v, &wm->body.learn, now);
		else
			learn_from_site(b, o, m, v, &wm->body.learn, now);
		return;
	}
	/* UNLEARN: a route through m that m disowns goes; nobody else hears. */
	b->van[v].stats.unlearn_rx++;
	e = fdb_lookup(&b->fdb, b->van[v].id, wm->body.unlearn.mac);
	if (e != NULL && e->kind == FDB_REMOTE && e->where == m) {
		bridge_fdb_drop(b, e, now);
		if (!mb->peer)
			pend_apply(b, o, v, wm->body.unlearn.mac, now);
		if (fdb_lookup(&b->fdb, b->van[v].id, wm->body.unlearn.mac) == NULL)
			tell_gone(b, v, wm->body.unlearn.mac);
	}
}
