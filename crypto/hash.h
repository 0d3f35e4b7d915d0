/*
 * hash.h — the BLAKE2s family of the WireGuard digest [1]: HASH (BLAKE2s-256),
 * MAC (keyed BLAKE2s with a 16-byte digest), HMAC (RFC 2104 over BLAKE2s-256)
 * and the HKDF-shaped KDF1/KDF2/KDF3.
 *
 * Pure: libb2 calls only.  Every function returns 0, or -1 when libb2 refuses
 * (it never does for the lengths used here, but every return is checked).
 */
#ifndef CRYPTO_HASH_H
#define CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/wg.h"

/* A piece of a concatenation: HASH(a || b || c) takes three of these. */
struct hash_part {
	const void	*p;
	size_t		len;
};

/* HASH(parts[0] || ... || parts[n-1]). */
int	hash_blake2s(uint8_t out[static WG_HASH_LEN],
	    const struct hash_part *parts, size_t n);
/* HASH(a || b): the chaining step "H = HASH(H || x)" of the handshake. */
int	hash_mix(uint8_t h[static WG_HASH_LEN], const void *x, size_t xlen);
/* MAC(key, in): keyed BLAKE2s, digest length 16 in the parameter block. */
int	hash_mac(uint8_t out[static WG_MAC_LEN], const void *key, size_t keylen,
	    const void *in, size_t inlen);
/* HMAC-BLAKE2s(key, in), key at most 64 bytes (longer keys are hashed). */
int	hash_hmac(uint8_t out[static WG_HASH_LEN], const void *key,
	    size_t keylen, const void *in, size_t inlen);
/*
 * KDFn(key, in) for n = 1..3: t0 = HMAC(key, in), t1 = HMAC(t0, 0x1),
 * ti = HMAC(t0, t(i-1) || i).  out[i] receives t(i+1); NULL outputs are
 * computed but not stored.  t0 is wiped.
 */
int	hash_kdf(uint8_t *out[], unsigned n, const uint8_t key[static WG_HASH_LEN],
	    const void *in, size_t inlen);

#endif /* CRYPTO_HASH_H */
