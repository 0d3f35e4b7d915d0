/*
 * test_wg_hash.c — crypto/hash.c against public vectors: BLAKE2s-256
 * (RFC 7693), keyed BLAKE2s-128, HMAC-BLAKE2s via the KDF vectors of
 * wireguard-go's kdf_test.go, and the handshake constants C0 and H0 of
 * the digest [2], [11].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "tests/unit/wgtest.h"

static void
test_blake2s(void **state)
{
	uint8_t out[32], want[32];
	struct hash_part abc = { "abc", 3 };

	(void)state;
	assert_int_equal(hash_blake2s(out, &abc, 1), 0);
	wgt_hex(want, 32, "508c5e8c327c14e2e1a72ba34eeb452f"
	    "37458b209ed63a294d999b4c86675982");
	assert_memory_equal(out, want, 32);
	assert_int_equal(hash_blake2s(out, NULL, 0), 0);
	wgt_hex(want, 32, "69217a3079908094e11121d042354a7c"
	    "1f55b6482ca1a51e1b250dfd1ed0eef9");
	assert_memory_equal(out, want, 32);
}

static void
test_blake2s_parts(void **state)
{
	uint8_t one[32], split[32];
	struct hash_part whole = { "hello, world", 12 };
	struct hash_part parts[3] = { { "hello", 5 }, { "", 0 }, { ", world", 7 } };

	(void)state;
	assert_int_equal(hash_blake2s(one, &whole, 1), 0);
	assert_int_equal(hash_blake2s(split, parts, 3), 0);
	assert_memory_equal(one, split, 32);
}

static void
test_mac(void **state)
{
	uint8_t key[32], out[16], want[16];
	unsigned i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	assert_int_equal(hash_mac(out, key, 32, "abc", 3), 0);
	wgt_hex(want, 16, "61ba5f165c194692e09d12520cc4c74a");
	assert_memory_equal(out, want, 16);
}

static void
test_constants(void **state)
{
	uint8_t c0[32], h0[32], want[32];
	struct hash_part p1 = { WG_CONSTRUCTION, strlen(WG_CONSTRUCTION) };
	struct hash_part p2[2] = { { c0, 32 },
	    { WG_IDENTIFIER, strlen(WG_IDENTIFIER) } };

	(void)state;
	assert_int_equal(strlen(WG_CONSTRUCTION), 37);
	assert_int_equal(strlen(WG_IDENTIFIER), 34);
	assert_int_equal(hash_blake2s(c0, &p1, 1), 0);
	wgt_hex(want, 32, "60e26daef327efc02ec335e2a025d2d0"
	    "16eb4206f87277f52d38d1988b78cd36");
	assert_memory_equal(c0, want, 32);
	assert_int_equal(hash_blake2s(h0, p2, 2), 0);
	wgt_hex(want, 32, "2211b361081ac566691243db458ad532"
	    "2d9c6c662293e8b70ee19c65ba079ef3");
	assert_memory_equal(h0, want, 32);
}

/* KDF takes a 32-byte key: the vectors' keys are short strings, so they
 * go through HMAC directly with their real length. */
struct kdf_case {
	const char	*key;
	const char	*input;
	const char	*t[3];
};

static const struct kdf_case kdf_cases[] = {
	{ "test-key", "test-input", {
	    "6f0e5ad38daba1bea8a0d213688736f19763239305e0f58aba697f9ffc41c633",
	    "df1194df20802a4fe594cde27e92991c8cae66c366e8106aaa937a55fa371e8a",
	    "fac6e2745a325f5dc5d11a5b165aad08b0ada28e7b4e666b7c077934a4d76c24" } },
	{ "wireguard", "wireguard", {
	    "491d43bbfdaa8750aaf535e334ecbfe5129967cd64635101c566d4caefda96e8",
	    "1e71a379baefd8a79aa4662212fcafe19a23e2b609a3db7d6bcba8f560e3d25f",
	    "31e1ae48bddfbe5de38f295e5452b1909a1b4e38e183926af3780b0c1e1f0160" } },
	{ "", "", {
	    "8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0",
	    "58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e",
	    "0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e" } },
};

static void
test_kdf_vectors(void **state)
{
	uint8_t t0[32], t[32], m[33], want[32];
	size_t i, j, mlen;

	(void)state;
	for (i = 0; i < sizeof(kdf_cases) / sizeof(kdf_cases[0]); i++) {
		const struct kdf_case *c = &kdf_cases[i];

		assert_int_equal(hash_hmac(t0, c->key, strlen(c->key), c->input,
		    strlen(c->input)), 0);
		mlen = 0;
		for (j = 0; j < 3; j++) {
			m[mlen] = (uint8_t)(j + 1);
			assert_int_equal(hash_hmac(t, t0, 32, m, mlen + 1), 0);
			wgt_hex(want, 32, c->t[j]);
			assert_memory_equal(t, want, 32);
			memcpy(m, t, 32);
			mlen = 32;
		}
	}
}

/* hash_kdf with a 32-byte key equals the HMAC chain written out. */
static void
test_kdf_matches_hmac_chain(void **state)
{
	uint8_t key[32], t0[32], t1[32], t2[32], t3[32], a[32], b[32], c[32];
	uint8_t m[33];
	uint8_t *out[3] = { a, b, c };
	unsigned i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(hash_kdf(out, 3, key, "input", 5), 0);
	assert_int_equal(hash_hmac(t0, key, 32, "input", 5), 0);
	m[0] = 1;
	assert_int_equal(hash_hmac(t1, t0, 32, m, 1), 0);
	memcpy(m, t1, 32);
	m[32] = 2;
	assert_int_equal(hash_hmac(t2, t0, 32, m, 33), 0);
	memcpy(m, t2, 32);
	m[32] = 3;
	assert_int_equal(hash_hmac(t3, t0, 32, m, 33), 0);
	assert_memory_equal(a, t1, 32);
	assert_memory_equal(b, t2, 32);
	assert_memory_equal(c, t3, 32);
	/* KDF1 and KDF2 are prefixes of KDF3; n outside 1-3 is refused. */
	memset(a, 0, 32);
	out[1] = NULL;
	assert_int_equal(hash_kdf(out, 1, key, "input", 5), 0);
	assert_memory_equal(a, t1, 32);
	assert_int_equal(hash_kdf(out, 0, key, "input", 5), -1);
	assert_int_equal(hash_kdf(out, 4, key, "input", 5), -1);
}

/* A key longer than the block is hashed first (RFC 2104). */
static void
test_hmac_long_key(void **state)
{
	uint8_t key[100], hk[32], a[32], b[32];
	struct hash_part p = { key, sizeof(key) };

	(void)state;
	memset(key, 0x5a, sizeof(key));
	assert_int_equal(hash_blake2s(hk, &p, 1), 0);
	assert_int_equal(hash_hmac(a, key, sizeof(key), "x", 1), 0);
	assert_int_equal(hash_hmac(b, hk, 32, "x", 1), 0);
	assert_memory_equal(a, b, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blake2s),
		cmocka_unit_test(test_blake2s_parts),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_kdf_matches_hmac_chain),
		cmocka_unit_test(test_hmac_long_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
