/*
 * claims.h — what a peer site may claim (docs/proxy.md §5): the MACs its
 * LEARNs and frames may bind behind it, and the IP addresses its LEARNs
 * may bind to them, as a peering configures them (`claims = { macs = [
 * ... ]; prefixes = [ ... ]; }`), and the parsers of their text.
 *
 * Only the lists: the rule that uses them (a peer without a list may claim
 * what no other peer's list and no binding of this site holds) is the
 * proxy's, edge/van/relay.c.  Pure: no syscalls, no clock.
 */
#ifndef EDGE_VAN_CLAIMS_H
#define EDGE_VAN_CLAIMS_H

#include <stdbool.h>
#include <stdint.h>

#include "edge/van/van.h"
#include "edge/van/wire.h"


/* MACs lo..hi, both included, as 48-bit numbers (first byte highest). */
struct claim_range {
	uint64_t	lo;
	uint64_t	hi;
};

struct claim_prefix {
	struct wire_addr addr;		/* the host bits are 0 */
	uint8_t		len;		/* bits: 0-32 (IPv4), 0-128 (IPv6) */
};

struct claims {
	bool		has_macs;	/* a list is configured: only these */
	bool		has_prefixes;
	uint16_t	nmacs;
	uint16_t	nprefixes;
	struct claim_range mac[CLAIMS_MACS_MAX];
	struct claim_prefix prefix[CLAIMS_PREFIXES_MAX];
};

/*
 * "02:00:5e" (an OUI: its 2^24 MACs), "02:00:5e:10:00:01" (one),
 * "02:00:5e:10:00:00/40" (a prefix of 1-48 bits) or "LOW-HIGH" (two MACs,
 * LOW <= HIGH).  false on anything else, with err.
 */
bool	claims_parse_macs(const char *, struct claim_range *, const char **err);
/*
 * "10.1.0.0/16", "fd00:1::/64", or an address alone (a host prefix):
 * addr_prefix_parse's text (edge/van/addr.h), naming a network.
 */
bool	claims_parse_prefix(const char *, struct claim_prefix *, const char **err);
/* Print either back, normalised ("02:00:5e:00:00:00-02:00:5e:ff:ff:ff"). */
void	claims_print_macs(const struct claim_range *, char buf[static 40]);
void	claims_print_prefix(const struct claim_prefix *, char buf[static 56]);

/* Is the MAC in one of the ranges; the address in one of the prefixes? */
bool	claims_mac_in(const struct claims *, const uint8_t mac[static 6]);
bool	claims_addr_in(const struct claims *, const struct wire_addr *);

#endif /* EDGE_VAN_CLAIMS_H */
