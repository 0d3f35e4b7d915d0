/*
 * cookie.h — WireGuard's DoS defence [6]: mac1 on every handshake message,
 * mac2 keyed by a cookie bound to the sender's address, the cookie reply,
 * and the responder's cookie secret with its rotation.
 *
 * Pure.  Whether we are "under load" is the caller's decision: it calls
 * cookie_check_mac2 only then.  The two halves:
 *   - cookie_checker: ours, one per device, keyed by our public key;
 *     verifies mac1/mac2 of what we receive and answers with cookie replies;
 *   - cookie_maker: one per peer, keyed by the peer's public key; adds
 *     mac1/mac2 to what we send and opens the cookie replies we receive.
 * Handshake messages are passed as bytes: mac1 sits 32 bytes before the
 * end, mac2 16 bytes before it, and each covers everything before it.
 */
#ifndef CRYPTO_COOKIE_H
#define CRYPTO_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/message.h"
#include "crypto/monotime.h"
#include "crypto/wg.h"

struct cookie_checker {
	uint8_t		mac1_key[WG_HASH_LEN];	/* HASH(mac1---- || our pub) */
	uint8_t		cookie_key[WG_HASH_LEN]; /* HASH(cookie-- || our pub) */
	uint8_t		secret[WG_HASH_LEN];
	monotime_t	secret_birth;
	bool		secret_set;
	bool		has_key;
};

struct cookie_maker {
	uint8_t		mac1_key[WG_HASH_LEN];	/* HASH(mac1---- || peer pub) */
	uint8_t		cookie_key[WG_HASH_LEN]; /* HASH(cookie-- || peer pub) */
	uint8_t		cookie[WG_COOKIE_LEN];
	monotime_t	cookie_birth;
	bool		has_cookie;
	uint8_t		last_mac1[WG_MAC_LEN];	/* of the last message sent */
	bool		has_last_mac1;
};

/* Key the checker by our public key (NULL: no key, every mac1 fails). */
void	cookie_checker_init(struct cookie_checker *, const struct wg_key *pub);
void	cookie_checker_wipe(struct cookie_checker *);
/* mac1 of a received initiation or response (len 148 or 92), const time. */
bool	cookie_check_mac1(const struct cookie_checker *, const uint8_t *msg,
	    size_t len);
/* Under load: mac2 must be MAC(cookie for src, msg up to mac2). */
bool	cookie_check_mac2(const struct cookie_checker *, const uint8_t *msg,
	    size_t len, const struct wg_endpoint *src, monotime_t now,
	    const struct wg_timing *);
/*
 * The cookie reply to a message from src whose sender index was receiver:
 * rotates the secret when it is older than the secret lifetime, draws a
 * nonce from rng.
 */
void	cookie_create_reply(struct cookie_checker *, const uint8_t *msg,
	    size_t len, uint32_t receiver, const struct wg_endpoint *src,
	    monotime_t now, const struct wg_rng *, const struct wg_timing *,
	    struct message_cookie *reply);
/* The sealing step alone: encrypted_cookie = XAEAD(key, nonce, cookie, mac1). */
void	cookie_reply_seal(const uint8_t key[static WG_HASH_LEN],
	    uint32_t receiver, const uint8_t nonce[static WG_XNONCE_LEN],
	    const uint8_t cookie[static WG_COOKIE_LEN],
	    const uint8_t mac1[static WG_MAC_LEN], struct message_cookie *reply);

void	cookie_maker_init(struct cookie_maker *, const struct wg_key *peer_pub);
void	cookie_maker_wipe(struct cookie_maker *);
/*
 * Fill mac1 and mac2 of a message we send (len 148 or 92): mac2 is zero
 * unless a cookie younger than the cookie lifetime is held.  Remembers mac1
 * to open a cookie reply to this message.
 */
void	cookie_add_macs(struct cookie_maker *, uint8_t *msg, size_t len,
	    monotime_t now, const struct wg_timing *);
/* Open a cookie reply to our last message; store the cookie.  0 or -1. */
int	cookie_consume_reply(struct cookie_maker *, const struct message_cookie *,
	    monotime_t now);

#endif /* CRYPTO_COOKIE_H */
