/*
 * stats.c — the names of the bridge's drop reasons, as vanctl, the logs
 * and the metrics print them (docs/operations.md lists them).
 */
#include "edge/van/stats.h"
#include "edge/van/wire.h"

#include <stddef.h>

const char *
drop_reason_str(enum drop_reason r)
{
	static const char *const s[DROP_REASON_COUNT] = {
		[DROP_NOT_MEMBER] = "not-member",
		[DROP_UNKNOWN_VAN] = "unknown-van",
		[DROP_VAN_MISMATCH] = "van-mismatch",
		[DROP_SPOOF] = "spoofed-src",
		[DROP_BAD_SRC] = "bad-src-mac",
		[DROP_BAD_DST] = "bad-dst-mac",
		[DROP_RUNT] = "runt",
		[DROP_TOO_BIG] = "too-big",
		[DROP_HAIRPIN] = "hairpin",
		[DROP_NO_PORT] = "port-down",
		[DROP_TABLE_FULL] = "table-full",
		[DROP_TX_ERROR] = "tx-error",
		[DROP_NO_AUTH] = "no-auth",
		[DROP_BAD_AUTH] = "bad-auth",
		[DROP_REPLAY] = "replay",
		[DROP_FLOOD_LIMIT] = "flood-limit",
		[DROP_OVER_MTU] = "over-mtu",
		[DROP_UNMAPPED] = "unmapped-van",
		[DROP_LOOP] = "loop",
		[DROP_LEARN_LIMIT] = "learn-limit",
		[DROP_NOT_PROXY] = "not-relayed",
		[DROP_SEQ_JUMP] = "seq-jump",
		[DROP_STATIC_CLAIM] = "static-claim",
		[DROP_CLAIM_DENIED] = "claim-denied",
		[DROP_SITE_CLAIM] = "site-claim",
		[DROP_ADDR_CONFLICT] = "addr-conflict",
		[DROP_OLD_AUTH] = "old-auth",
		[DROP_NEW_EPOCH] = "new-epoch",
		[DROP_EPOCH_LIMIT] = "epoch-limit",
		[DROP_JOIN_CAP] = "join-cap",
		[DROP_JOIN_FOREIGN] = "join-foreign",
		[DROP_SYNC_LIMIT] = "sync-limit",
		[DROP_NOT_PEER] = "not-from-peer",
	};

	if ((unsigned)r < WIRE_ERR_COUNT)
		return wire_err_str((enum wire_err)r);
	if ((unsigned)r >= DROP_REASON_COUNT || s[r] == NULL)
		return "?";
	return s[r];
}
