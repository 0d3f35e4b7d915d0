/*
 * endpoint.h — a peer's UDP address (struct wg_endpoint, crypto/wg.h): its
 * text form in the UAPI, its comparison for roaming [8], and the fixed byte
 * string a cookie is computed over [6].
 *
 * Pure: inet_pton/inet_ntop only.
 */
#ifndef CRYPTO_ENDPOINT_H
#define CRYPTO_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "crypto/wg.h"

/* "255.255.255.255:65535" or "[ffff:...:ffff]:65535" plus NUL. */
#define ENDPOINT_TEXT_MAX	(INET6_ADDRSTRLEN + 9)
/* IPv6 address and port: the cookie input of the largest address. */
#define ENDPOINT_BYTES_MAX	18

void	endpoint_clear(struct wg_endpoint *);
bool	endpoint_is_set(const struct wg_endpoint *);
/* Same remote address and port (and IPv6 scope), and same sticky source. */
bool	endpoint_equal(const struct wg_endpoint *, const struct wg_endpoint *);
/*
 * Set the remote part from a socket address; an IPv4-mapped IPv6 address
 * becomes plain IPv4 so that a dual-stack socket reports 10.0.0.1:51820.
 * The sticky source is cleared.  Returns -1 for other families or lengths.
 */
int	endpoint_from_sockaddr(struct wg_endpoint *, const struct sockaddr *,
	    socklen_t);
/* Length of the remote socket address (0 when unset). */
socklen_t endpoint_socklen(const struct wg_endpoint *);
/* The cookie input: address bytes, then the port in network order. */
size_t	endpoint_bytes(const struct wg_endpoint *,
	    uint8_t out[static ENDPOINT_BYTES_MAX]);

/* Parse "a.b.c.d:port" or "[v6]:port" (no host names, no scope). */
bool	endpoint_parse(struct wg_endpoint *, const char *, size_t);
/* Format as the UAPI does; returns the length, or -1 if unset. */
int	endpoint_format(const struct wg_endpoint *,
	    char out[static ENDPOINT_TEXT_MAX]);

#endif /* CRYPTO_ENDPOINT_H */
