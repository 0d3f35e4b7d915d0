/*
 * addr.h — underlay addresses of site members, as plain values: parsing
 * and printing "IPv4[:port]" and "[IPv6][:port]", comparison, and the
 * conversion to and from struct sockaddr (IPv4-mapped IPv6 folds to IPv4,
 * so a dual-stack socket and an IPv4 configuration agree).  And the one
 * parser of the text of IP addresses and prefixes ("10.1.0.0/16") that
 * every configuration shares: claims, the lab's subnets and VMs.
 *
 * Pure: no syscalls (inet_pton/inet_ntop are computations).
 */
#ifndef EDGE_VAN_ADDR_H
#define EDGE_VAN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct sockaddr_storage;

#define ADDR_STRLEN	56	/* "[ffff:...:ffff]:65535" and a NUL */

struct van_addr {
	uint8_t		family;		/* 4 or 6; 0 = none */
	uint8_t		ip[16];		/* network order; IPv4 in the first 4 */
	uint16_t	port;		/* host order */
};

/*
 * Parse "1.2.3.4", "1.2.3.4:5", "::1", "[::1]", "[::1]:5".  A missing port
 * is default_port.  false on anything else (err says why).
 */
bool	addr_parse(const char *s, uint16_t default_port, struct van_addr *,
	    const char **err);
/*
 * An address alone, "192.0.2.1" or "2001:db8::1" (no port, no brackets,
 * no length), into a->family and a->ip; a->port is 0.  Taken as written:
 * an IPv4-mapped IPv6 address stays IPv6.  false if s is no address.
 */
bool	addr_ip_parse(const char *s, struct van_addr *a);

/* An IP prefix: an address and how many of its leading bits count. */
struct addr_prefix {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		ip[16];		/* network order; IPv4 in the first 4 */
	uint8_t		len;		/* 0-32 (IPv4), 0-128 (IPv6) */
};

#define ADDR_PREFIX_STRMAX	64	/* longest text addr_prefix_parse reads */

/*
 * "ADDRESS/BITS" ("10.1.0.0/16", "fd00:1::/64"), or, unless need_len, an
 * address alone (all its bits).  The bits after the length may be set
 * ("10.0.0.11/24": a host and its subnet; addr_prefix_is_net tells).
 * false on anything else (err says why).
 */
bool	addr_prefix_parse(const char *s, bool need_len, struct addr_prefix *,
	    const char **err);
/* No bit is set after the length: the prefix names a network. */
bool	addr_prefix_is_net(const struct addr_prefix *);

/* Print; returns buf. */
char	*addr_str(const struct van_addr *, char buf[static ADDR_STRLEN]);
bool	addr_eq(const struct van_addr *, const struct van_addr *);
/* A listening address of every address: family 0, 0.0.0.0 or ::. */
bool	addr_is_any(const struct van_addr *);
/* A 64-bit fingerprint (family, address, port) to key tables with. */
uint64_t addr_key(const struct van_addr *);

bool	addr_from_sockaddr(const struct sockaddr *, size_t len, struct van_addr *);
/* Fill ss for this address; v6sock: as IPv4-mapped IPv6 for an AF_INET6 socket. */
size_t	addr_to_sockaddr(const struct van_addr *, bool v6sock,
	    struct sockaddr_storage *ss);

#endif /* EDGE_VAN_ADDR_H */
