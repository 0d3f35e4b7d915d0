/*
 * addr.h — underlay addresses of site members, as plain values: parsing
 * and printing "IPv4[:port]" and "[IPv6][:port]", comparison, and the
 * conversion to and from struct sockaddr (IPv4-mapped IPv6 folds to IPv4,
 * so a dual-stack socket and an IPv4 configuration agree).
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
