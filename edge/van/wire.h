/*
 * wire.h — the VAN wire format (version 1): its structures and the one
 * bounds-checked codec.  Its constants are van.h's.
 *
 * docs/protocol.md is the prose version of this file; keep them in step.
 * Pure: no syscalls, no clock, no libevent.
 */
#ifndef EDGE_VAN_WIRE_H
#define EDGE_VAN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge/van/van.h"

struct wire_hdr {
	uint8_t		type;
	uint8_t		flags;
	uint8_t		hop;
	uint8_t		pad;		/* padding bytes after the payload */
	uint32_t	src_van;
	uint32_t	dst_van;
};

struct wire_addr {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		bytes[16];	/* network order; 4 used for IPv4 */
};

struct wire_learn {
	uint8_t		mac[ETH_ALEN];
	uint8_t		flags;
	uint8_t		naddr;
	uint32_t	seq;		/* mobility sequence, 0 = none */
	struct wire_addr addr[WIRE_LEARN_ADDR_MAX];
};

struct wire_unlearn {
	uint8_t		mac[ETH_ALEN];
};

struct wire_hello {
	uint64_t	epoch;		/* random at each start of the sender */
	uint32_t	interval_ms;	/* how often the sender says HELLO */
	uint32_t	van_count;	/* VANs the sender has JOINed */
	uint64_t	van_digest;	/* wire_van_digest summed over them */
};

/*
 * TUNNEL (proxy to proxy only): end `end` of tree tunnel `tunnel` says
 * `state`, as its sender's notice (epoch, seq); OFF: a standby end answers
 * the notice (epoch, seq) of that end.
 */
struct wire_tunnel {
	uint16_t	tunnel;		/* >= 1 */
	uint8_t		end;		/* 0 or 1 */
	uint8_t		state;		/* enum wire_tunnel_state */
	uint64_t	epoch;		/* the end's boot epoch, != 0 */
	uint32_t	seq;		/* its notice's sequence, per epoch */
};

struct wire_auth {
	uint64_t	epoch;
	uint64_t	counter;
	const uint8_t	*tag;		/* WIRE_TAG_LEN bytes in the message */
	size_t		covered;	/* bytes of the message the tag covers */
};

struct wire_msg {
	struct wire_hdr	hdr;
	const uint8_t	*payload;	/* frame or control body, padding removed */
	size_t		payload_len;
	bool		has_auth;	/* hdr.flags & WIRE_F_AUTH: auth is valid */
	bool		pair;		/* ... and keyed by the pair key (WIRE_F_PAIR) */
	struct wire_auth auth;
	union {
		struct wire_learn	learn;
		struct wire_unlearn	unlearn;
		struct wire_hello	hello;
		struct wire_tunnel	tunnel;
	} body;
};

/* Why wire_decode refused a message: also the "malformed" drop reasons. */
enum wire_err {
	WIRE_OK = 0,
	WIRE_ERR_SHORT,		/* shorter than the header */
	WIRE_ERR_VERSION,	/* version is not 1 */
	WIRE_ERR_TYPE,		/* unknown message type */
	WIRE_ERR_RESERVED,	/* reserved bits set */
	WIRE_ERR_PAD,		/* padding longer than the message */
	WIRE_ERR_HOP,		/* hop limit 0 */
	WIRE_ERR_VAN,		/* VAN ID 0 where one is needed, or not 0 in HELLO */
	WIRE_ERR_FRAME,		/* frame shorter than Ethernet or too long */
	WIRE_ERR_BODY,		/* control body of the wrong size or content */
	WIRE_ERR_AUTH,		/* auth trailer missing where flagged, or on a frame */
	WIRE_ERR_COUNT
};

/* A read cursor: every get fails on short input and then stays failed. */
struct wire_cur {
	const uint8_t	*p;
	size_t		len;
	size_t		off;
	bool		bad;
};

/* A write buffer with a capacity: every put fails when it does not fit. */
struct wire_buf {
	uint8_t		*p;
	size_t		cap;
	size_t		len;
	bool		bad;
};

void	wire_cur_init(struct wire_cur *, const void *, size_t);
bool	wire_get_u8(struct wire_cur *, uint8_t *);
bool	wire_get_u16(struct wire_cur *, uint16_t *);
bool	wire_get_u32(struct wire_cur *, uint32_t *);
bool	wire_get_u64(struct wire_cur *, uint64_t *);
bool	wire_get_bytes(struct wire_cur *, void *, size_t);
size_t	wire_cur_left(const struct wire_cur *);

void	wire_buf_init(struct wire_buf *, void *, size_t);
bool	wire_put_u8(struct wire_buf *, uint8_t);
bool	wire_put_u16(struct wire_buf *, uint16_t);
bool	wire_put_u32(struct wire_buf *, uint32_t);
bool	wire_put_u64(struct wire_buf *, uint64_t);
bool	wire_put_bytes(struct wire_buf *, const void *, size_t);

/* Decode and validate one message; m->payload points into buf. */
enum wire_err	wire_decode(const uint8_t *buf, size_t len, struct wire_msg *m);
const char	*wire_err_str(enum wire_err);
const char	*wire_type_str(unsigned);

/* Encode the 12-byte header. */
void	wire_put_hdr(uint8_t out[static WIRE_HDR_LEN], const struct wire_hdr *);

/*
 * Encode whole control messages into out (capacity cap).  Return the length,
 * or 0 when it does not fit or the body is invalid.
 */
size_t	wire_encode_learn(uint8_t *out, size_t cap, const struct wire_hdr *,
	    const struct wire_learn *);
size_t	wire_encode_unlearn(uint8_t *out, size_t cap, const struct wire_hdr *,
	    const struct wire_unlearn *);
size_t	wire_encode_hello(uint8_t *out, size_t cap, const struct wire_hdr *,
	    const struct wire_hello *);
size_t	wire_encode_tunnel(uint8_t *out, size_t cap, const struct wire_hdr *,
	    const struct wire_tunnel *);
size_t	wire_encode_empty(uint8_t *out, size_t cap, const struct wire_hdr *);

static inline bool
wire_is_control(unsigned type)
{
	return type >= WIRE_LEARN && type <= WIRE_TUNNEL;
}

/*
 * Append the auth trailer to the control message msg[0..len) (capacity
 * cap): sets WIRE_F_AUTH (and WIRE_F_PAIR if pair: key is a pair key),
 * writes epoch, counter and the tag keyed by key.  Returns the new length,
 * or 0 when it does not fit.
 */
size_t	wire_auth_seal(uint8_t *msg, size_t len, size_t cap, uint64_t epoch,
	    uint64_t counter, const uint8_t key[static WIRE_KEY_LEN], bool pair);
/* Does the message's tag verify with key?  (Constant time.) */
bool	wire_auth_check(const uint8_t *msg, const struct wire_msg *,
	    const uint8_t key[static WIRE_KEY_LEN]);
/*
 * The key of the messages that `from` sends to `to`, two underlay
 * identities (wire_auth_id): keyed BLAKE2b-256, key the site key, over a
 * label and both identities.  One key per direction of each pair.
 */
void	wire_auth_pair_key(uint8_t out[static WIRE_KEY_LEN],
	    const uint8_t site_key[static WIRE_KEY_LEN],
	    const uint8_t from[static WIRE_ID_LEN], const uint8_t to[static WIRE_ID_LEN]);
/* An identity: family (4, 6), 16 address bytes (IPv4: 4 and zeros), port. */
void	wire_auth_id(uint8_t out[static WIRE_ID_LEN], uint8_t family,
	    const uint8_t ip[static 16], uint16_t port);

/* Sequences (WIRE_SEQ_JUMP_MAX): is a newer than b? */
static inline bool
wire_seq_newer(uint32_t a, uint32_t b)
{
	if (a == 0)
		return false;
	if (b == 0)
		return true;
	return (int32_t)(a - b) > 0;
}

/* a is newer than b: is it within reach (b unknown, or a - b small)? */
static inline bool
wire_seq_reachable(uint32_t a, uint32_t b)
{
	return b == 0 || a - b <= WIRE_SEQ_JUMP_MAX;
}

/* The newer of a and b. */
static inline uint32_t
wire_seq_max(uint32_t a, uint32_t b)
{
	return wire_seq_newer(a, b) ? a : b;
}

/* The sequence after s: it wraps from 0xffffffff to 1, never to 0 (none). */
static inline uint32_t
wire_seq_next(uint32_t s)
{
	return s == UINT32_MAX ? 1 : s + 1;
}

/* The term one VAN ID adds to a member's VAN set digest (order-free sum). */
uint64_t	wire_van_digest(uint32_t van_id);

/* Ethernet helpers. */
static inline bool
eth_is_multicast(const uint8_t mac[static ETH_ALEN])
{
	return (mac[0] & 1) != 0;
}

static inline bool
eth_is_zero(const uint8_t mac[static ETH_ALEN])
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

#endif /* EDGE_VAN_WIRE_H */
