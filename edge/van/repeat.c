/*
 * repeat.c — announcements and withdrawals said again (docs/protocol.md
 * §4b).  A LEARN or UNLEARN is one UDP datagram: lost, it would leave a
 * receiver with a binding that is wrong, or with one of a VM that is gone,
 * until traffic through it is answered (and nothing answers a binding
 * nobody uses).  So each (VAN, MAC) that was announced or withdrawn is
 * noted, and said again BRIDGE_REPEATS times, a HELLO interval apart
 * (the first at the HELLO tick after next):
 * not the message of then, but what is true at that moment —
 *
 *   an edge   the MAC on a port here: LEARN with its sequence to the
 *             VAN's members; else UNLEARN to them
 *   a proxy   the MAC in the site: LEARN "behind me" to the VAN's peers,
 *             UNLEARN ("not behind me") to the site's other members;
 *             behind a peer: LEARN to the site's members and the other
 *             peers; unknown: UNLEARN to every member and peer
 *
 * Each is idempotent where it arrived before (a LEARN with the sequence
 * known only refreshes; an UNLEARN removes a route only if it points at
 * the sender), so a repeat can never undo a later change.  The notes are
 * a cache of BRIDGE_REPEAT_CACHE slots by (VAN, MAC), not keyed (a
 * collision only loses the repeats of the older note, counted), taken by
 * forward.c's bridge_repeat_note; here, what the tick says.  In the
 * bridge's layers it is below bridge.c, above relay.c (it calls down to
 * forward.c only).
 *
 * Pure, as the rest of the bridge.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"

/* What is true now about (VAN slot v, mac), to every member that should hear it. */
static void
say_again(struct bridge *b, struct bridge_out *o, uint32_t v, const uint8_t mac[static 6],
    monotime_t now)
{
	const struct fdb_entry *e = fdb_lookup(&b->fdb, b->van[v].id, mac);
	uint64_t bits;
	uint32_t m;
	unsigned w;

	b->van[v].stats.repeats++;
	/* The peers hear it went: coming back into the site is an arrival. */
	if (e == NULL && b->conf.proxy)
		bridge_memo_left(b, b->van[v].id, mac, now);
	FOR_VAN_MEMBERS(b, v, m, w, bits) {
		if (e == NULL || (!b->conf.proxy && e->kind != FDB_LOCAL)) {
			bridge_send_unlearn(b, o, m, v, mac);
			continue;
		}
		if (!b->conf.proxy) {
			bridge_send_learn(b, o, m, v, e);
			continue;
		}
		/* A proxy: never a member's own route back to it; a site's MAC
		 * to the peers, and to the site "not behind me" (each edge
		 * speaks for its own; one that has it behind us is wrong). */
		if (e->where == m)
			continue;
		if (!b->member[e->where].peer && !b->member[m].peer)
			bridge_send_unlearn(b, o, m, v, mac);
		else
			bridge_send_learn(b, o, m, v, e);
	}
}

monotime_t
bridge_repeat_tick(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	monotime_t next = MONO_NEVER;
	unsigned i, sent = 0;

	if (b->nrepeats == 0)
		return MONO_NEVER;
	for (i = 0; i < BRIDGE_REPEAT_CACHE; i++) {
		struct repeat_note *r = &b->repeat[i];
		int v;

		if (r->left == 0)
			continue;
		if (r->due <= now && sent < BRIDGE_REPEAT_BATCH) {
			if ((v = bridge_van_find(b, r->van)) >= 0)
				say_again(b, o, (uint32_t)v, r->mac, now);
			sent++;
			if (--r->left == 0 || v < 0) {
				r->left = 0;
				b->nrepeats--;
				continue;
			}
			r->due = now + MONO_MS(b->conf.hello_ms);
		}
		if (r->due < next)
			next = r->due;
	}
	/* More due than one batch: the rest at once, in the next call. */
	return sent == BRIDGE_REPEAT_BATCH && next < now ? now : next;
}
