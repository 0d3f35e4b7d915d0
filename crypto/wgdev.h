/*
 * wgdev.h — a WireGuard device without I/O: peers keyed by public key, the
 * local-index table, and per peer the handshake, cookies, keypairs, timers
 * and the queue of packets waiting for a handshake.  This is what an I/O
 * layer (vanproxy, tests/interop/wgpeer) drives with its one UDP socket.
 *
 * Pure.  The caller brings everything from outside:
 *   - datagrams in: wgdev_recv(datagram, source endpoint, flags, now);
 *     a transport payload is decrypted in place and handed back;
 *   - payloads out: wgdev_send(peer, buffer) encrypts in place;
 *   - time: struct wg_now in every call; wgdev_tick when the deadline that
 *     wgdev_next_deadline returns has passed;
 *   - randomness: cfg.rng (ephemeral keys, indices, jitter, cookie secrets);
 *   - "under load": a flag of wgdev_recv, the caller's judgement.
 * Every datagram the device emits (data, keepalives, handshake messages,
 * cookie replies) leaves through ops.send, synchronously; ops.event reports
 * notable happenings for logs.  Neither callback may call back into the
 * device.
 *
 * Not thread-safe: one owner, one thread.  No allocation after wgdev_new:
 * the peer array, the index and key tables and the staging pool are sized
 * there, each with a named maximum (crypto/wg.h).
 */
#ifndef CRYPTO_WGDEV_H
#define CRYPTO_WGDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/monotime.h"
#include "crypto/wg.h"

struct wgdev;

/* A peer handle: slot and generation; stale handles are refused. */
#define WGDEV_PEER_NONE	UINT32_MAX

enum wgdev_event {
	WGDEV_EV_INITIATION_SENT = 0,
	WGDEV_EV_RESPONSE_SENT,
	WGDEV_EV_HANDSHAKE_COMPLETE,	/* a session is confirmed */
	WGDEV_EV_COOKIE_SENT,		/* under load; peer is NONE */
	WGDEV_EV_COOKIE_RECEIVED,
	WGDEV_EV_ENDPOINT_CHANGED,	/* roaming [8] */
	WGDEV_EV_GIVE_UP,		/* handshake retries exhausted */
	WGDEV_EV_KEYS_ZEROED,		/* zero-key-material timer */
	WGDEV_EV_REKEY,			/* a handshake started on age/count */
	WGDEV_EV_COUNT
};

/* Why a datagram in or a payload out was dropped.  Counted per device. */
enum wgdev_drop {
	WGDEV_DROP_NONE = 0,
	WGDEV_DROP_MALFORMED,		/* unknown type or wrong size */
	WGDEV_DROP_NO_KEY,		/* we have no private key */
	WGDEV_DROP_MAC1,
	WGDEV_DROP_RATELIMIT,		/* under load, valid mac2, too fast */
	WGDEV_DROP_HANDSHAKE,		/* did not authenticate */
	WGDEV_DROP_UNKNOWN_PEER,	/* initiation from an unknown key */
	WGDEV_DROP_STALE_TIMESTAMP,	/* replayed initiation [4.2 6] */
	WGDEV_DROP_FLOOD,		/* initiation < 20 ms after the last */
	WGDEV_DROP_UNKNOWN_INDEX,	/* receiver index not ours */
	WGDEV_DROP_COOKIE,		/* cookie reply did not open */
	WGDEV_DROP_EXPIRED,		/* keypair older than reject-after */
	WGDEV_DROP_DECRYPT,		/* transport tag did not verify */
	WGDEV_DROP_REPLAY,		/* counter seen or behind the window */
	WGDEV_DROP_NO_ENDPOINT,		/* out: peer address unknown */
	WGDEV_DROP_TOO_BIG,		/* out: payload above payload_max */
	WGDEV_DROP_STAGE_FULL,		/* out: staging queue overflow */
	WGDEV_DROP_GAVE_UP,		/* out: staged, handshake gave up */
	WGDEV_DROP_NO_PEER,		/* out: stale or unknown handle */
	WGDEV_DROP_COUNT
};

struct wgdev_ops {
	/* Send one datagram; pkt is valid only during the call. */
	void	(*send)(void *ctx, const struct wg_endpoint *to,
		    const uint8_t *pkt, size_t len);
	/* Optional. */
	void	(*event)(void *ctx, uint32_t peer, enum wgdev_event);
	void	*ctx;
};

struct wgdev_config {
	const struct wg_key *private_key;	/* NULL: set later */
	unsigned	max_peers;	/* 0: 64; at most WG_PEER_MAX */
	unsigned	stage_slots;	/* 0: WG_STAGE_POOL_DEFAULT */
	size_t		payload_max;	/* largest plaintext; 0: mtu */
	size_t		mtu;		/* WGDEV_SEND_PAD_MTU cap; 0: 1420 */
	const struct wg_timing *timing;	/* NULL: wg_timing_default */
	struct wg_rng	rng;		/* fill NULL: wg_rng_default */
	struct wgdev_ops ops;
};

/* wgdev_send flags: how to pad [5]. */
#define WGDEV_SEND_PAD16	0	/* multiple of 16 (VAN: see wgdev_pad16) */
#define WGDEV_SEND_PAD_MTU	1	/* WireGuard for IP: capped at the mtu */

/* wgdev_recv flags. */
#define WGDEV_RECV_UNDER_LOAD	1	/* demand mac2, else cookie reply [6] */

/* wgdev_send results. */
#define WGDEV_SENT		0	/* encrypted and handed to ops.send */
#define WGDEV_STAGED		1	/* queued until a session exists */

/* wgdev_recv results. */
#define WGDEV_RECV_DROP		(-1)	/* rx->drop says why */
#define WGDEV_RECV_DONE		0	/* handshake, cookie or keepalive */
#define WGDEV_RECV_DATA		1	/* plaintext at pkt + rx->off */

struct wgdev_rx {
	uint32_t	peer;		/* sender, when known */
	size_t		off;		/* DATA: plaintext offset in pkt */
	size_t		len;		/* DATA: plaintext length (padded) */
	enum wgdev_drop	drop;		/* DROP: reason */
};

/* What the UAPI and the owner's logs show of a peer. */
struct wgdev_peer_info {
	struct wg_key	public_key;
	struct wg_key	psk;		/* zeros: none; wipe after use */
	struct wg_endpoint endpoint;
	uint64_t	rx_bytes;	/* whole datagrams, handshakes included */
	uint64_t	tx_bytes;
	uint64_t	last_handshake_wall;	/* ns since the epoch, 0: never */
	uint16_t	keepalive;	/* persistent keepalive, s, 0: off */
	unsigned	nallowed;
	struct wg_prefix allowed[WG_ALLOWED_IPS_MAX];
	unsigned	nstaged;
	bool		has_session;	/* a current keypair exists */
};

struct wgdev	*wgdev_new(const struct wgdev_config *);
/* Wipes every key, keypair and staged packet. */
void		 wgdev_free(struct wgdev *);

/* ---------------------------------------------------------- data path --- */

/*
 * Process one datagram from src.  pkt is modified (transport payloads are
 * decrypted in place).  Replies (handshake responses, cookie replies,
 * staged packets a new session releases) go out through ops.send before
 * this returns.
 */
int	wgdev_recv(struct wgdev *, uint8_t *pkt, size_t len,
	    const struct wg_endpoint *src, unsigned flags, struct wg_now now,
	    struct wgdev_rx *rx);
/*
 * Encrypt and send len bytes of payload found at pkt + WG_TRANSPORT_HDR_LEN
 * to a peer; pkt has room for cap bytes (header, payload, padding, tag:
 * WG_TRANSPORT_MIN_LEN + padded length).  Without a usable session the
 * payload is copied to the peer's staging queue and a handshake starts.
 * Returns WGDEV_SENT, WGDEV_STAGED or -1 (dropped and counted).
 */
int	wgdev_send(struct wgdev *, uint32_t peer, uint8_t *pkt, size_t cap,
	    size_t len, unsigned flags, struct wg_now now);
/* Padding WGDEV_SEND_PAD16 will add to len bytes (0-15): VAN byte 3. */
size_t	wgdev_pad16(size_t len);
/* Run expired timers; returns the next deadline (or MONO_NEVER). */
monotime_t wgdev_tick(struct wgdev *, struct wg_now now);
monotime_t wgdev_next_deadline(const struct wgdev *);

/* ------------------------------------------------------ configuration --- */

/* Set (NULL or zero: remove) our key; re-keys every peer, as wg-go does. */
int	wgdev_set_private_key(struct wgdev *, const struct wg_key *,
	    struct wg_now now);
/* Our keys; false when none is set.  Wipe *priv after use. */
bool	wgdev_private_key(const struct wgdev *, struct wg_key *priv);
bool	wgdev_public_key(const struct wgdev *, struct wg_key *pub);
/* Stored for the UAPI; the owner binds and marks its socket. */
void	wgdev_set_listen_port(struct wgdev *, uint16_t);
uint16_t wgdev_listen_port(const struct wgdev *);
void	wgdev_set_fwmark(struct wgdev *, uint32_t);
uint32_t wgdev_fwmark(const struct wgdev *);
/*
 * Initiations carry a TAI64N of max(now.wall, wall_ns): a gateway that
 * takes over its twin's key stamps ahead of its own clock, so that peers
 * take its handshakes as newer than the twin's (docs/proxy.md §12).
 */
void	wgdev_set_stamp_floor(struct wgdev *, uint64_t wall_ns);

/* Add a peer (refused: zero key, our own key, full, already there). */
int	wgdev_peer_add(struct wgdev *, const struct wg_key *pub, uint32_t *peer);
bool	wgdev_peer_find(const struct wgdev *, const struct wg_key *pub,
	    uint32_t *peer);
void	wgdev_peer_remove(struct wgdev *, uint32_t peer);
void	wgdev_peer_remove_all(struct wgdev *);
/* Iterate: *cursor starts at 0; false at the end. */
bool	wgdev_peer_next(const struct wgdev *, uint32_t *cursor, uint32_t *peer);
unsigned wgdev_peer_count(const struct wgdev *);
unsigned wgdev_peer_capacity(const struct wgdev *);
int	wgdev_peer_set_psk(struct wgdev *, uint32_t peer, const struct wg_key *);
int	wgdev_peer_set_endpoint(struct wgdev *, uint32_t peer,
	    const struct wg_endpoint *);
/* Persistent keepalive in seconds (0: off); turning it on sends one now. */
int	wgdev_peer_set_keepalive(struct wgdev *, uint32_t peer, uint16_t secs,
	    struct wg_now now);
int	wgdev_peer_clear_allowed(struct wgdev *, uint32_t peer);
int	wgdev_peer_add_allowed(struct wgdev *, uint32_t peer,
	    const struct wg_prefix *);
int	wgdev_peer_remove_allowed(struct wgdev *, uint32_t peer,
	    const struct wg_prefix *);
int	wgdev_peer_info(const struct wgdev *, uint32_t peer,
	    struct wgdev_peer_info *);
void	wgdev_peer_set_user(struct wgdev *, uint32_t peer, void *);
void	*wgdev_peer_user(const struct wgdev *, uint32_t peer);
/* Start a handshake now (subject to the 5 s initiation rate). */
int	wgdev_peer_initiate(struct wgdev *, uint32_t peer, struct wg_now now);
/* Make the current keypairs unusable for sending and allow an immediate
 * initiation: the next payload or keepalive rekeys. */
int	wgdev_peer_expire(struct wgdev *, uint32_t peer, struct wg_now now);
/* Send staged packets, or start the handshake they wait for. */
int	wgdev_peer_flush(struct wgdev *, uint32_t peer, struct wg_now now);

/*
 * Longest-prefix match of an address over every peer's allowed IPs
 * (family AF_INET or AF_INET6, addr in network order).  Linear in peers
 * times prefixes: for IP-carrying owners such as the interop peer.
 */
bool	wgdev_peer_for_addr(const struct wgdev *, int family,
	    const uint8_t *addr, uint32_t *peer);

/* Drop counters (indexed by enum wgdev_drop) and their names. */
uint64_t wgdev_drops(const struct wgdev *, enum wgdev_drop);
const char *wgdev_drop_str(enum wgdev_drop);
const char *wgdev_event_str(enum wgdev_event);

#endif /* CRYPTO_WGDEV_H */
