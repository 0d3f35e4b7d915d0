/*
 * aead.h — the two AEADs of the WireGuard digest [1]: ChaCha20-Poly1305 with
 * the 64-bit counter nonce (4 zero bytes || le64(counter)), and
 * XChaCha20-Poly1305 for cookie replies.
 *
 * Pure: libsodium calls only.  In-place operation (out == in) is allowed.
 * Open functions return 0, or -1 when the tag does not authenticate; the
 * caller must not use the output then.
 */
#ifndef CRYPTO_AEAD_H
#define CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/wg.h"

/* out receives len + 16 bytes. */
void	aead_seal(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
	    uint64_t counter, const uint8_t *in, size_t len,
	    const uint8_t *ad, size_t adlen);
/* in holds len >= 16 bytes (ciphertext and tag); out receives len - 16. */
int	aead_open(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
	    uint64_t counter, const uint8_t *in, size_t len,
	    const uint8_t *ad, size_t adlen);
void	aead_xseal(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
	    const uint8_t nonce[static WG_XNONCE_LEN], const uint8_t *in,
	    size_t len, const uint8_t *ad, size_t adlen);
int	aead_xopen(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
	    const uint8_t nonce[static WG_XNONCE_LEN], const uint8_t *in,
	    size_t len, const uint8_t *ad, size_t adlen);

#endif /* CRYPTO_AEAD_H */
