/*
 * aead.c — ChaCha20-Poly1305 (counter nonce) and XChaCha20-Poly1305 on
 * libsodium.  Pure.
 */
#include "crypto/aead.h"

#include <sodium.h>

_Static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == 12, "nonce");
_Static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == WG_AEAD_TAG_LEN,
    "tag");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == WG_XNONCE_LEN,
    "xnonce");

static void
nonce_of(uint8_t n[static 12], uint64_t counter)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		n[i] = 0;
	for (i = 0; i < 8; i++)
		n[4 + i] = (uint8_t)(counter >> (8 * i));
}

void
aead_seal(uint8_t *out, const uint8_t key[static WG_KEY_LEN], uint64_t counter,
    const uint8_t *in, size_t len, const uint8_t *ad, size_t adlen)
{
	uint8_t n[12];

	nonce_of(n, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, len ? in : NULL,
	    len, ad, adlen, NULL, n, key);
}

int
aead_open(uint8_t *out, const uint8_t key[static WG_KEY_LEN], uint64_t counter,
    const uint8_t *in, size_t len, const uint8_t *ad, size_t adlen)
{
	uint8_t n[12];

	if (len < WG_AEAD_TAG_LEN)
		return -1;
	nonce_of(n, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt(
	    len > WG_AEAD_TAG_LEN ? out : NULL, NULL, NULL, in, len, ad, adlen,
	    n, key) == 0 ? 0 : -1;
}

void
aead_xseal(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
    const uint8_t nonce[static WG_XNONCE_LEN], const uint8_t *in, size_t len,
    const uint8_t *ad, size_t adlen)
{
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, in, len, ad,
	    adlen, NULL, nonce, key);
}

int
aead_xopen(uint8_t *out, const uint8_t key[static WG_KEY_LEN],
    const uint8_t nonce[static WG_XNONCE_LEN], const uint8_t *in, size_t len,
    const uint8_t *ad, size_t adlen)
{
	if (len < WG_AEAD_TAG_LEN)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in,
	    len, ad, adlen, nonce, key) == 0 ? 0 : -1;
}
