/*
 * noise.h — the Noise_IKpsk2 handshake of WireGuard [4]: build and consume
 * initiations and responses, derive the transport keys, refuse replayed or
 * flooding initiations (TAI64N and the 20 ms rule).
 *
 * Pure.  Randomness (ephemeral keys, indices) and time (TAI64N bytes, a
 * monotonic "now") come in as arguments; mac1/mac2 are crypto/cookie.h's
 * business and index allocation is the device's.  Every chaining key, hash,
 * ephemeral and DH result lives in the structs below or on the stack and is
 * wiped on every exit path.
 */
#ifndef CRYPTO_NOISE_H
#define CRYPTO_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/message.h"
#include "crypto/monotime.h"
#include "crypto/wg.h"

/* Our static identity. */
struct noise_local {
	struct wg_key	priv;
	struct wg_key	pub;
	bool		has_key;
};

enum noise_state {
	NOISE_ZERO = 0,			/* no handshake in progress */
	NOISE_INITIATION_SENT,		/* we are initiator, await response */
	NOISE_INITIATION_CONSUMED	/* we are responder, response next */
};

/* The handshake state we keep for one peer. */
struct noise_peer {
	struct wg_key	remote_static;	/* the peer's public key */
	struct wg_key	psk;		/* Q: zeros when none is configured */
	uint8_t		ss[WG_KEY_LEN];	/* DH(our priv, remote_static) */
	bool		ss_ok;		/* false: no key, or small-order peer */

	enum noise_state state;
	uint8_t		chain[WG_HASH_LEN];	/* C */
	uint8_t		hash[WG_HASH_LEN];	/* H */
	struct wg_key	e_priv;		/* INITIATION_SENT: Ei_priv */
	uint8_t		remote_e[WG_KEY_LEN];	/* INITIATION_CONSUMED: Ei_pub */
	uint32_t	local_index;	/* INITIATION_SENT: I_i */
	uint32_t	remote_index;	/* INITIATION_CONSUMED: I_i of peer */

	uint8_t		latest_ts[WG_TAI64N_LEN];	/* greatest accepted */
	monotime_t	last_initiation;	/* of the last accepted */
	bool		any_initiation;
};

/* What an initiation reveals before we know which peer sent it [4.2 3-4]. */
struct noise_opened {
	uint8_t		chain[WG_HASH_LEN];
	uint8_t		hash[WG_HASH_LEN];
	struct wg_key	remote_static;
	uint8_t		remote_e[WG_KEY_LEN];
	uint32_t	sender;
};

/* A new session's transport keys [4.3 7, 4.4 6]. */
struct noise_keys {
	uint8_t		send[WG_KEY_LEN];
	uint8_t		recv[WG_KEY_LEN];
	uint32_t	remote_index;
	bool		initiator;
};

enum noise_result {
	NOISE_OK = 0,
	NOISE_ERR_CRYPTO,	/* a DH was zero or an AEAD did not open */
	NOISE_ERR_STATE,	/* no key, or not the state for this message */
	NOISE_ERR_REPLAY,	/* timestamp not newer than the last accepted */
	NOISE_ERR_FLOOD		/* initiation < min interval after the last */
};

/* Set our private key (NULL or all-zero: none); derives the public key. */
int	noise_local_set(struct noise_local *, const struct wg_key *priv);
void	noise_local_wipe(struct noise_local *);

/* Start a peer: remote static key, preshared key (NULL: none), ss. */
void	noise_peer_init(struct noise_peer *, const struct noise_local *,
	    const struct wg_key *remote_static, const struct wg_key *psk);
/* Recompute ss after our private key changed; drops the handshake. */
void	noise_peer_set_local(struct noise_peer *, const struct noise_local *);
void	noise_peer_set_psk(struct noise_peer *, const struct wg_key *psk);
/* Forget any handshake in progress (not the keys or the timestamp). */
void	noise_peer_clear_handshake(struct noise_peer *);
void	noise_peer_wipe(struct noise_peer *);

/* TAI64N of a wall-clock time in ns, low 24 bits of the ns zeroed [1]. */
void	noise_tai64n(uint64_t wall_ns, uint8_t out[static WG_TAI64N_LEN]);

/*
 * [4.1] Build an initiation to the peer with the given ephemeral private
 * key (clamped here), our new local index and timestamp.  mac1/mac2 are
 * left zero.  On success the peer is INITIATION_SENT.
 */
enum noise_result noise_initiation_create(struct noise_peer *,
	    const struct noise_local *, const struct wg_key *e_priv,
	    uint32_t local_index, const uint8_t ts[static WG_TAI64N_LEN],
	    struct message_initiation *);
/* [4.2 3-4] Decrypt the initiator's static key.  o is wiped on failure. */
enum noise_result noise_initiation_open(const struct noise_local *,
	    const struct message_initiation *, struct noise_opened *o);
/*
 * [4.2 5-7] With the peer found by o->remote_static: decrypt the timestamp,
 * refuse replays and floods, then commit (the peer becomes
 * INITIATION_CONSUMED; a handshake we had started is replaced).  o is
 * wiped in every case.
 */
enum noise_result noise_initiation_accept(struct noise_peer *,
	    struct noise_opened *o, const struct message_initiation *,
	    monotime_t now, monotime_t min_interval);
/*
 * [4.3] Build the response with our ephemeral key and our new local index;
 * derive the keys (responder: first KDF output receives).  The peer goes
 * back to NOISE_ZERO.
 */
enum noise_result noise_response_create(struct noise_peer *,
	    const struct wg_key *e_priv, uint32_t local_index,
	    struct message_response *, struct noise_keys *);
/*
 * [4.4] Consume a response to our initiation; the caller matched
 * msg->receiver to our local index.  On success the peer goes back to
 * NOISE_ZERO and keys holds the session (initiator: first output sends);
 * on failure the pending handshake is untouched.
 */
enum noise_result noise_response_consume(struct noise_peer *,
	    const struct noise_local *, const struct message_response *,
	    struct noise_keys *);

void	noise_keys_wipe(struct noise_keys *);

#endif /* CRYPTO_NOISE_H */
