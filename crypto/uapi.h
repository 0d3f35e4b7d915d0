/*
 * uapi.h — the text protocol `wg` speaks to a user-space WireGuard daemon
 * over /var/run/wireguard/NAME.sock [10]: a parser for requests (get=1 and
 * set=1) and formatters for replies.
 *
 * Pure: works on caller buffers, never allocates, never reads past a given
 * length.  The socket side is proxy/uapi_sock.c; applying a set to a device
 * is crypto/wgdev_uapi.c.  A request is parsed completely before anything
 * is applied, so a bad request changes nothing.
 *
 * Errors follow wireguard-go: -EPROTO for a line without '=', -EINVAL for
 * an unknown key or a bad value; our bounds add -ENOSPC (too many peers or
 * prefixes in one request).
 */
#ifndef CRYPTO_UAPI_H
#define CRYPTO_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crypto/wg.h"

#define UAPI_REQUEST_MAX	(256 * 1024)	/* bytes of one request */
#define UAPI_PEERS_MAX		WG_PEER_MAX	/* peer blocks per set */
#define UAPI_ALLOWED_MAX	4096		/* allowed_ip lines per set */
/* Longest text of one peer in a get reply (keys, counters, prefixes). */
#define UAPI_PEER_TEXT_MAX	(512 + WG_ALLOWED_IPS_MAX * 56)
#define UAPI_CHUNK		(2 * UAPI_PEER_TEXT_MAX)

enum uapi_op {
	UAPI_OP_GET = 1,
	UAPI_OP_SET
};

struct uapi_allowed {
	struct wg_prefix prefix;
	bool		remove;		/* "-prefix": newer wg's removal */
};

/* One peer block of a set request ("public_key=" and what follows). */
struct uapi_peer {
	struct wg_key	public_key;
	bool		remove;
	bool		update_only;
	bool		replace_allowed_ips;
	bool		has_psk;
	struct wg_key	psk;
	bool		has_endpoint;
	struct wg_endpoint endpoint;
	bool		has_keepalive;
	uint16_t	keepalive;
	uint32_t	allowed_first;	/* into uapi_set.allowed */
	uint32_t	allowed_count;
};

/* A parsed set request.  Large: allocate it, do not put it on a stack. */
struct uapi_set {
	bool		has_private_key;
	struct wg_key	private_key;	/* all zero: remove the key */
	bool		has_listen_port;
	uint16_t	listen_port;
	bool		has_fwmark;
	uint32_t	fwmark;
	bool		replace_peers;
	uint32_t	npeers;
	struct uapi_peer peers[UAPI_PEERS_MAX];
	uint32_t	nallowed;
	struct uapi_allowed allowed[UAPI_ALLOWED_MAX];
};

/* An output buffer with a capacity; formatting past it sets overflow. */
struct uapi_out {
	char		*p;
	size_t		cap;
	size_t		len;
	bool		overflow;
};

/* Device part of a get reply. */
struct uapi_device {
	const struct wg_key *private_key;	/* NULL: none */
	uint16_t	listen_port;
	uint32_t	fwmark;
};

/* One peer of a get reply. */
struct uapi_peer_info {
	struct wg_key	public_key;
	struct wg_key	psk;			/* zeros: none */
	struct wg_endpoint endpoint;		/* unset: omitted */
	uint64_t	last_handshake_sec;
	uint32_t	last_handshake_nsec;
	uint64_t	tx_bytes;
	uint64_t	rx_bytes;
	uint16_t	keepalive;
	const struct wg_prefix *allowed;
	unsigned	nallowed;
};

/*
 * Length of the first complete request in buf (through its terminating
 * blank line), 0 if it is not complete yet, or -1 when its first line is
 * complete and is neither "get=1" nor "set=1" (close the connection, as
 * wireguard-go does).  *op tells which.
 */
ssize_t	uapi_request_len(const char *buf, size_t len, enum uapi_op *op);
/*
 * Parse one complete request (as measured by uapi_request_len).  For a
 * set, fills *set (wiped first).  Returns 0 or -errno.
 */
int	uapi_parse(const char *buf, size_t len, enum uapi_op *op,
	    struct uapi_set *set);
void	uapi_set_wipe(struct uapi_set *);

void	uapi_out_init(struct uapi_out *, char *buf, size_t cap);
void	uapi_format_device(struct uapi_out *, const struct uapi_device *);
void	uapi_format_peer(struct uapi_out *, const struct uapi_peer_info *);
/* "errno=N\n\n": ends every reply (0, or a negative errno for set). */
void	uapi_format_errno(struct uapi_out *, int err);
/* A set request equivalent to *set (for clients and round-trip tests). */
void	uapi_format_set(struct uapi_out *, const struct uapi_set *);

/* Parse "addr/cidr" (masking host bits), format it back. */
bool	uapi_prefix_parse(struct wg_prefix *, const char *, size_t);
int	uapi_prefix_format(const struct wg_prefix *, char *, size_t);

#endif /* CRYPTO_UAPI_H */
