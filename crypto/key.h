/*
 * key.h — WireGuard keys: the base64 text of `wg genkey`/`wg pubkey`/`wg
 * genpsk` and the hex text of the UAPI, both directions in constant time;
 * private-key generation and clamping; the public key of a private key.
 *
 * Pure (the key-file reader, which does I/O, is crypto/keyfile.h).
 */
#ifndef CRYPTO_KEY_H
#define CRYPTO_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "crypto/wg.h"

/*
 * Decode 44 characters of standard base64 ending in '='.  Anything else is
 * refused, non-canonical encodings included (set low bits in the 43rd
 * character), as `wg` does.  The key is wiped on failure.
 */
bool	key_from_base64(struct wg_key *, const char *, size_t);
/* Encode as 44 characters plus NUL. */
void	key_to_base64(char out[static WG_KEY_B64_LEN + 1], const struct wg_key *);
/* Decode exactly 64 hexadecimal characters (either case). */
bool	key_from_hex(struct wg_key *, const char *, size_t);
/* Encode as 64 lowercase hex characters plus NUL. */
void	key_to_hex(char out[static WG_KEY_HEX_LEN + 1], const struct wg_key *);

/* X25519 private key clamping: b[0] &= 248; b[31] = (b[31] & 127) | 64. */
void	key_clamp(struct wg_key *);
/* A fresh clamped private key (`wg genkey`). */
void	key_generate(struct wg_key *, const struct wg_rng *);
/* The public key of a private key (`wg pubkey`): X25519(priv, 9). */
int	key_public(struct wg_key *pub, const struct wg_key *priv);
/*
 * DH(priv, pub) [1]: X25519.  Returns -1 (and wipes out) when the result is
 * all zero, i.e. pub is of small order: the message must be dropped.
 */
int	key_dh(uint8_t out[static WG_KEY_LEN], const uint8_t priv[static WG_KEY_LEN],
	    const uint8_t pub[static WG_KEY_LEN]);

bool	key_is_zero(const struct wg_key *);
/* Constant time. */
bool	key_equal(const struct wg_key *, const struct wg_key *);
void	key_wipe(struct wg_key *);

#endif /* CRYPTO_KEY_H */
