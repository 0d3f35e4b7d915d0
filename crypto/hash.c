/*
 * hash.c — HASH, MAC, HMAC and KDF of the WireGuard digest [1] on libb2.
 *
 * Pure.  HMAC is built from two streaming BLAKE2s passes (neither library
 * has it); it is not BLAKE2s keyed mode.  Intermediate secrets (padded keys,
 * inner digests, the KDF's t0) are wiped before returning, on every path.
 */
#include "crypto/hash.h"

#include <blake2.h>
#include <sodium.h>
#include <string.h>

_Static_assert(BLAKE2S_OUTBYTES == WG_HASH_LEN, "BLAKE2s-256 digest");
_Static_assert(BLAKE2S_BLOCKBYTES == 64, "HMAC block size");

int
hash_blake2s(uint8_t out[static WG_HASH_LEN], const struct hash_part *parts,
    size_t n)
{
	blake2s_state s;
	size_t i;
	int rc = -1;

	if (blake2s_init(&s, WG_HASH_LEN) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (parts[i].len > 0 &&
		    blake2s_update(&s, parts[i].p, parts[i].len) != 0)
			goto out;
	if (blake2s_final(&s, out, WG_HASH_LEN) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(&s, sizeof(s));
	return rc;
}

int
hash_mix(uint8_t h[static WG_HASH_LEN], const void *x, size_t xlen)
{
	uint8_t prev[WG_HASH_LEN];
	struct hash_part parts[2] = { { prev, WG_HASH_LEN }, { x, xlen } };
	int rc;

	memcpy(prev, h, WG_HASH_LEN);
	rc = hash_blake2s(h, parts, 2);
	sodium_memzero(prev, sizeof(prev));
	return rc;
}

int
hash_mac(uint8_t out[static WG_MAC_LEN], const void *key, size_t keylen,
    const void *in, size_t inlen)
{
	/* libb2 argument order: out, in, key, outlen, inlen, keylen. */
	return blake2s(out, in, key, WG_MAC_LEN, inlen, keylen) == 0 ? 0 : -1;
}

int
hash_hmac(uint8_t out[static WG_HASH_LEN], const void *key, size_t keylen,
    const void *in, size_t inlen)
{
	uint8_t k[BLAKE2S_BLOCKBYTES], pad[BLAKE2S_BLOCKBYTES];
	uint8_t inner[WG_HASH_LEN];
	struct hash_part parts[2];
	size_t i;
	int rc = -1;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k)) {
		parts[0] = (struct hash_part){ key, keylen };
		if (hash_blake2s(k, parts, 1) != 0)
			goto out;
	} else if (keylen > 0)
		memcpy(k, key, keylen);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	parts[0] = (struct hash_part){ pad, sizeof(pad) };
	parts[1] = (struct hash_part){ in, inlen };
	if (hash_blake2s(inner, parts, 2) != 0)
		goto out;
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	parts[1] = (struct hash_part){ inner, sizeof(inner) };
	if (hash_blake2s(out, parts, 2) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(k, sizeof(k));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	return rc;
}

int
hash_kdf(uint8_t *out[], unsigned n, const uint8_t key[static WG_HASH_LEN],
    const void *in, size_t inlen)
{
	uint8_t t0[WG_HASH_LEN], t[WG_HASH_LEN], m[WG_HASH_LEN + 1];
	unsigned i;
	size_t mlen = 0;
	int rc = -1;

	if (n < 1 || n > 3)
		goto out;
	if (hash_hmac(t0, key, WG_HASH_LEN, in, inlen) != 0)
		goto out;
	for (i = 1; i <= n; i++) {
		/* m = t(i-1) || i, with t0's successor t1 = HMAC(t0, 0x1). */
		m[mlen] = (uint8_t)i;
		if (hash_hmac(t, t0, sizeof(t0), m, mlen + 1) != 0)
			goto out;
		if (out[i - 1] != NULL)
			memcpy(out[i - 1], t, WG_HASH_LEN);
		memcpy(m, t, WG_HASH_LEN);
		mlen = WG_HASH_LEN;
	}
	rc = 0;
out:
	sodium_memzero(t0, sizeof(t0));
	sodium_memzero(t, sizeof(t));
	sodium_memzero(m, sizeof(m));
	return rc;
}
