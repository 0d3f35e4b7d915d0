/*
 * key.c — WireGuard key text forms, generation and public-key derivation.
 *
 * Pure.  Text conversions go through libsodium's constant-time base64 and
 * hex codecs; canonical form is checked by re-encoding and comparing in
 * constant time, so no branch depends on key bits.  The default random
 * source of the engine lives here too (libsodium's randombytes_buf).
 */
#include "crypto/key.h"

#include <sodium.h>
#include <string.h>

_Static_assert(crypto_scalarmult_curve25519_BYTES == WG_KEY_LEN, "X25519");

static void
rng_sodium(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	randombytes_buf(buf, len);
}

const struct wg_rng wg_rng_default = { rng_sodium, NULL };

bool
key_from_base64(struct wg_key *k, const char *s, size_t len)
{
	char again[WG_KEY_B64_LEN + 1];
	size_t bin_len = 0;
	bool ok = false;

	if (len != WG_KEY_B64_LEN || s[WG_KEY_B64_LEN - 1] != '=')
		goto out;
	if (sodium_base642bin(k->b, sizeof(k->b), s, len, NULL, &bin_len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != WG_KEY_LEN)
		goto out;
	/* Canonical: the unused low bits of the 43rd character are zero. */
	sodium_bin2base64(again, sizeof(again), k->b, WG_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
	ok = sodium_memcmp(again, s, WG_KEY_B64_LEN) == 0;
out:
	sodium_memzero(again, sizeof(again));
	if (!ok)
		sodium_memzero(k, sizeof(*k));
	return ok;
}

void
key_to_base64(char out[static WG_KEY_B64_LEN + 1], const struct wg_key *k)
{
	sodium_bin2base64(out, WG_KEY_B64_LEN + 1, k->b, WG_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
}

bool
key_from_hex(struct wg_key *k, const char *s, size_t len)
{
	size_t bin_len = 0;

	if (len != WG_KEY_HEX_LEN ||
	    sodium_hex2bin(k->b, sizeof(k->b), s, len, NULL, &bin_len,
	    NULL) != 0 || bin_len != WG_KEY_LEN) {
		sodium_memzero(k, sizeof(*k));
		return false;
	}
	return true;
}

void
key_to_hex(char out[static WG_KEY_HEX_LEN + 1], const struct wg_key *k)
{
	sodium_bin2hex(out, WG_KEY_HEX_LEN + 1, k->b, WG_KEY_LEN);
}

void
key_clamp(struct wg_key *k)
{
	k->b[0] &= 248;
	k->b[31] = (uint8_t)((k->b[31] & 127) | 64);
}

void
key_generate(struct wg_key *k, const struct wg_rng *rng)
{
	rng->fill(rng->ctx, k->b, sizeof(k->b));
	key_clamp(k);
}

int
key_public(struct wg_key *pub, const struct wg_key *priv)
{
	return crypto_scalarmult_curve25519_base(pub->b, priv->b) == 0 ? 0 : -1;
}

int
key_dh(uint8_t out[static WG_KEY_LEN], const uint8_t priv[static WG_KEY_LEN],
    const uint8_t pub[static WG_KEY_LEN])
{
	if (crypto_scalarmult_curve25519(out, priv, pub) != 0) {
		sodium_memzero(out, WG_KEY_LEN);
		return -1;
	}
	return 0;
}

bool
key_is_zero(const struct wg_key *k)
{
	return sodium_is_zero(k->b, sizeof(k->b)) == 1;
}

bool
key_equal(const struct wg_key *a, const struct wg_key *b)
{
	return sodium_memcmp(a->b, b->b, WG_KEY_LEN) == 0;
}

void
key_wipe(struct wg_key *k)
{
	sodium_memzero(k, sizeof(*k));
}
