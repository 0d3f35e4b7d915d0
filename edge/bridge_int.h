/*
 * bridge_int.h — what bridge.c and member.c share, and nothing else uses:
 * the two halves of one pure bridge.
 */
#ifndef EDGE_BRIDGE_INT_H
#define EDGE_BRIDGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/bridge.h"

/* bridge.c: actions and the forwarding table. */
struct wire_hdr	bridge_ctl_hdr(uint8_t type, uint32_t van_id, uint8_t flags);
void		bridge_emit_ctl(struct bridge *, struct bridge_out *, uint32_t m,
		    uint8_t type, const uint8_t *msg, size_t len);
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

/* member.c: memberships and HELLO. */
bool		member_in_van(const struct bridge *, uint32_t m, uint32_t van_id);
void		member_join(struct bridge *, struct bridge_out *, uint32_t m,
		    uint32_t van_id);
void		member_leave(struct bridge *, uint32_t m, uint32_t van_id,
		    monotime_t now);
void		member_hello_in(struct bridge *, struct bridge_out *, uint32_t m,
		    const struct wire_msg *, monotime_t now);
/*
 * A message of boot epoch `epoch` came from m: a new one means m restarted
 * (its routes and memberships go, its replay window restarts).  True if
 * the epoch was new.
 */
bool		member_epoch(struct bridge *, uint32_t m, uint64_t epoch,
		    monotime_t now);

#endif /* EDGE_BRIDGE_INT_H */
