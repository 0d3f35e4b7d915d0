/*
 * bridge_int.h — what bridge.c and member.c share, and nothing else uses:
 * the two halves of one pure bridge.
 */
#ifndef EDGE_VAN_BRIDGE_INT_H
#define EDGE_VAN_BRIDGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/van/bridge.h"

/* bridge.c: actions and the forwarding table. */
bool		bridge_hdr(struct bridge *, uint32_t m, uint8_t type, uint32_t van_id,
		    uint8_t flags, uint8_t hop, struct wire_hdr *);
void		bridge_emit_ctl(struct bridge *, struct bridge_out *, uint32_t m,
		    uint8_t type, const uint8_t *msg, size_t len);
void		bridge_emit_frame(struct bridge *, struct bridge_out *, uint32_t m,
		    uint8_t type, uint32_t v, uint8_t hop, const uint8_t *frame,
		    size_t len, unsigned segs);
/* A frame the bridge made (an answer, on the stack) to member m. */
void		bridge_emit_made(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const uint8_t *frame, size_t len);
void		bridge_send_learn(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const struct fdb_entry *);
void		bridge_send_unlearn(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v, const uint8_t mac[static 6]);
/*
 * Queue a report about member m and a MAC of VAN slot v for the I/O layer:
 * the event to fill in further, NULL if the ring is full (counted).
 */
struct bridge_event *bridge_report(struct bridge *, uint8_t type, uint32_t v,
		    uint32_t m, const uint8_t mac[static 6]);
/* A claim of m that breaks a rule: counted (VAN, member) and reported. */
struct bridge_event *bridge_refuse(struct bridge *, uint32_t v, uint32_t m,
		    enum drop_reason, uint8_t ev_type, const uint8_t mac[static 6]);
/*
 * May m's LEARN with sequence seq move a binding whose known sequence is
 * `known`?  Not if seq is newer but out of reach (WIRE_SEQ_JUMP_MAX): it
 * would outrun every later announcement of the MAC's owner; counted
 * (seq-jump) and reported.
 */
bool		bridge_seq_ok(struct bridge *, uint32_t v, uint32_t m,
		    const uint8_t mac[static 6], uint32_t seq, uint32_t known);
/*
 * A LEARN of m refused while a binding here held its MAC (a port's
 * configured MAC, a proxy's site MAC): kept a while (BRIDGE_PEND_KEEP, one
 * per slot of BRIDGE_PEND_CACHE), and taken once the binding goes — true
 * with it if it is fresh and m still a member (a peer: mapping VAN slot v).
 */
void		bridge_pend_keep(struct bridge *, uint32_t v, uint32_t m,
		    const struct wire_learn *, monotime_t now);
bool		bridge_pend_take(struct bridge *, uint32_t v, const uint8_t mac[static 6],
		    monotime_t now, uint32_t *m, struct wire_learn *);
/* VAN slot v gained or lost a reason to be here (was: before the change). */
void		bridge_van_presence(struct bridge *, struct bridge_out *, uint32_t v,
		    bool was);

/* bridge.c: forwarding entries, sequences, learning. */
bool		bridge_fdb_room(struct bridge *, uint32_t v, uint32_t m);
struct fdb_entry *bridge_fdb_new(struct bridge *, uint32_t v,
		    const uint8_t mac[static 6], uint32_t m);
void		bridge_fdb_set(struct bridge *, struct fdb_entry *, uint32_t v,
		    uint8_t kind, uint32_t where, bool created, monotime_t now);
void		bridge_fdb_drop(struct bridge *, struct fdb_entry *, monotime_t now);
bool		bridge_may_move(struct bridge *, uint32_t v, struct fdb_entry *,
		    monotime_t now);
uint32_t	bridge_seq_known(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], const struct fdb_entry *, monotime_t);
uint32_t	bridge_xseq_known(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], const struct fdb_entry *, monotime_t);
/* Proxies: was (VAN, MAC) lately behind a site member (a binding now gone)? */
bool		bridge_was_inside(struct bridge *, uint32_t van_id,
		    const uint8_t mac[static 6], monotime_t now);
void		bridge_learn_src(struct bridge *, uint32_t v, const uint8_t mac[static 6],
		    uint32_t m, monotime_t now);
void		bridge_learn_addrs(struct bridge *, uint32_t v, uint32_t m,
		    const struct wire_learn *, monotime_t now);
bool		bridge_unlearn_held(struct bridge *, uint32_t van_id, uint32_t m,
		    const uint8_t mac[static 6], monotime_t now);
bool		bridge_frame_src_ok(struct bridge *, uint32_t v, uint32_t m,
		    const uint8_t *frame);

/* Each member of VAN v that is not dead, in turn. */
#define FOR_VAN_MEMBERS(b, v, m, w, bits)					\
	for ((w) = 0; (w) < MEMBER_WORDS; (w)++)				\
		for ((bits) = (b)->van[v].members[w];				\
		    (bits) != 0 && ((m) = (w) * 64 +				\
		    (uint32_t)__builtin_ctzll(bits), (bits) &= (bits) - 1, 1); )	\
			if ((b)->member[m].state != MEMBER_DEAD)

/* Take n tokens if there are (a rate of 0 is no limit). */
static inline bool
bridge_bucket_take(struct bucket *k, unsigned n, monotime_t now)
{
	if (k->rate == 0)
		return true;
	if (k->last == 0)
		k->tokens = k->burst;
	else
		k->tokens += (double)(now - k->last) * k->rate / 1e9;
	if (k->tokens > k->burst)
		k->tokens = k->burst;
	k->last = now;
	if (k->tokens < n)
		return false;
	k->tokens -= n;
	return true;
}

void		bridge_send_membership(struct bridge *, struct bridge_out *,
		    uint32_t m, uint8_t type, uint32_t van_id, uint8_t flags);
/*
 * Remove the routes through member m, in one VAN (ID) or all (0),
 * remembering their sequences (now 0: without).
 */
uint32_t	bridge_purge_routes(struct bridge *, uint32_t m, uint32_t van_id,
		    monotime_t now);
/* Tell member m, new in VAN slot v, the MACs of our ports there (LEARN). */
void		bridge_sync_macs(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t v);

/* relay.c: the proxy's decisions (conf.proxy). */
monotime_t	relay_dump(struct bridge *, struct bridge_out *, monotime_t now);
/* Every refresh_ms: each live peer hears all our routes again; when next. */
monotime_t	relay_refresh(struct bridge *, monotime_t now);
void		relay_input(struct bridge *, struct bridge_out *, uint32_t m, uint32_t v,
		    const struct wire_msg *, monotime_t now);
/* May peer m bind the address (its claims' prefixes, docs/proxy.md §5)? */
bool		relay_addr_ok(const struct bridge *, uint32_t m, const struct wire_addr *);

/* member.c: memberships and HELLO. */
bool		member_in_van(const struct bridge *, uint32_t m, uint32_t van_id);
void		member_join(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t van_id);
void		member_leave(struct bridge *, uint32_t m, uint32_t van_id,
		    monotime_t now);
void		member_hello_in(struct bridge *, struct bridge_out *, uint32_t m,
		    const struct van_addr *to, const struct wire_msg *, monotime_t now);
/*
 * A message of boot epoch `epoch` came from m: a new one means m restarted
 * (its routes and memberships go, its replay window restarts).  1 if the
 * epoch was new and taken, 0 if it was m's already, -1 if m changed epoch
 * less than an interval ago (refused: a restart costs a purge).
 */
int		member_epoch(struct bridge *, uint32_t m, uint64_t epoch,
		    monotime_t now);
/* Slot m, used, as a new member: no memberships, no keys, unknown. */
void		member_reset(struct bridge *, uint32_t m);
/* VAN ID van_id was added to (or removed from) the configuration. */
void		member_van_configured(struct bridge *, uint32_t van_id, bool added);
/* Site key: seal for m (see member.c), check what m sent to `to`. */
size_t		member_seal(struct bridge *, uint32_t m, uint8_t *msg, size_t len,
		    size_t cap, int *pass);
int		member_auth_in(struct bridge *, uint32_t m, const struct van_addr *to,
		    const uint8_t *msg, const struct wire_msg *, monotime_t now);

#endif /* EDGE_VAN_BRIDGE_INT_H */
