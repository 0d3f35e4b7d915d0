/*
 * test_wg_key.c — crypto/key.c and crypto/keyfile.c: public keys of the
 * digest's vectors, base64 and hex both ways with every refusal (length,
 * padding, alphabet, non-canonical bits), clamping, small-order DH, and
 * key files refused when group- or world-accessible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/key.h"
#include "crypto/keyfile.h"
#include "tests/unit/wgtest.h"

static const char si_priv_hex[] =
    "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e6f";
static const char si_pub_hex[] =
    "d89e3bad79437dbed9f843418304f460ff05c7fe81fe4a9577a804cb9367ff66";
static const char si_pub_b64[] = "2J47rXlDfb7Z+ENBgwT0YP8Fx/6B/kqVd6gEy5Nn/2Y=";
static const char sr_priv_hex[] =
    "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f";
static const char sr_pub_b64[] = "NOQtSvXvlKB6OoQgG4idTNGnQ8snsRtqEEOKj+uOWEc=";

static void
test_public_vectors(void **state)
{
	struct wg_key priv, pub, want;
	char b64[WG_KEY_B64_LEN + 1];

	(void)state;
	wgt_key(&priv, si_priv_hex);
	assert_int_equal(key_public(&pub, &priv), 0);
	wgt_key(&want, si_pub_hex);
	assert_memory_equal(pub.b, want.b, 32);
	key_to_base64(b64, &pub);
	assert_string_equal(b64, si_pub_b64);

	wgt_key(&priv, sr_priv_hex);
	assert_int_equal(key_public(&pub, &priv), 0);
	key_to_base64(b64, &pub);
	assert_string_equal(b64, sr_pub_b64);
}

static void
test_base64_roundtrip(void **state)
{
	struct wg_key k, back;
	char b64[WG_KEY_B64_LEN + 1];
	unsigned i, round;

	(void)state;
	for (round = 0; round < 64; round++) {
		for (i = 0; i < 32; i++)
			k.b[i] = (uint8_t)(round * 37 + i * 11);
		key_to_base64(b64, &k);
		assert_int_equal(strlen(b64), 44);
		assert_int_equal(b64[43], '=');
		assert_true(key_from_base64(&back, b64, strlen(b64)));
		assert_memory_equal(k.b, back.b, 32);
	}
}

static void
test_base64_refusals(void **state)
{
	struct wg_key k;
	char s[64];

	(void)state;
	memset(&k, 0xaa, sizeof(k));
	/* wrong lengths */
	assert_false(key_from_base64(&k, si_pub_b64, 43));
	assert_true(key_is_zero(&k));		/* wiped on failure */
	snprintf(s, sizeof(s), "%sA", si_pub_b64);
	assert_false(key_from_base64(&k, s, strlen(s)));
	assert_false(key_from_base64(&k, "", 0));
	/* no padding character */
	memcpy(s, si_pub_b64, 44);
	s[43] = 'A';
	assert_false(key_from_base64(&k, s, 44));
	/* character outside the alphabet, and the URL-safe variant */
	memcpy(s, si_pub_b64, 44);
	s[5] = '*';
	assert_false(key_from_base64(&k, s, 44));
	memcpy(s, si_pub_b64, 44);
	s[12] = '-';				/* '+' in standard base64 */
	assert_false(key_from_base64(&k, s, 44));
	/* non-canonical: '2' (..110110) -> '3' sets an unused low bit */
	memcpy(s, si_pub_b64, 44);
	assert_int_equal(s[42], 'Y');
	s[42] = 'Z';
	assert_false(key_from_base64(&k, s, 44));
	/* embedded whitespace and NUL */
	memcpy(s, si_pub_b64, 44);
	s[20] = ' ';
	assert_false(key_from_base64(&k, s, 44));
	memcpy(s, si_pub_b64, 44);
	s[20] = '\0';
	assert_false(key_from_base64(&k, s, 44));
	/* the canonical text is accepted */
	assert_true(key_from_base64(&k, si_pub_b64, 44));
}

static void
test_hex(void **state)
{
	struct wg_key k, want;
	char hex[WG_KEY_HEX_LEN + 1], upper[WG_KEY_HEX_LEN + 1];
	unsigned i;

	(void)state;
	wgt_key(&want, si_pub_hex);
	assert_true(key_from_hex(&k, si_pub_hex, 64));
	assert_memory_equal(k.b, want.b, 32);
	key_to_hex(hex, &k);
	assert_string_equal(hex, si_pub_hex);
	for (i = 0; i < 64; i++)
		upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	upper[64] = '\0';
	assert_true(key_from_hex(&k, upper, 64));
	assert_memory_equal(k.b, want.b, 32);
	assert_false(key_from_hex(&k, si_pub_hex, 63));
	assert_false(key_from_hex(&k, si_pub_hex, 62));
	memcpy(hex, si_pub_hex, 65);
	hex[10] = 'g';
	assert_false(key_from_hex(&k, hex, 64));
	assert_true(key_is_zero(&k));
	memcpy(hex, si_pub_hex, 65);
	hex[63] = ':';
	assert_false(key_from_hex(&k, hex, 64));
}

static void
rng_ff(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0xff, len);
}

static void
test_clamp_generate(void **state)
{
	struct wg_key k;
	struct wg_rng r = { rng_ff, NULL };

	(void)state;
	key_generate(&k, &r);
	assert_int_equal(k.b[0], 0xf8);
	assert_int_equal(k.b[31], 0x7f);
	memset(&k, 0, sizeof(k));
	key_clamp(&k);
	assert_int_equal(k.b[31], 0x40);
	key_generate(&k, &wg_rng_default);
	assert_int_equal(k.b[0] & 7, 0);
	assert_int_equal(k.b[31] & 0xc0, 0x40);
}

static void
test_dh_small_order(void **state)
{
	struct wg_key priv, pub;
	uint8_t zero[32] = { 0 }, one[32] = { 1 }, out[32];

	(void)state;
	wgt_key(&priv, si_priv_hex);
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(key_dh(out, priv.b, zero), -1);
	assert_memory_equal(out, zero, 32);
	assert_int_equal(key_dh(out, priv.b, one), -1);
	assert_int_equal(key_public(&pub, &priv), 0);
	assert_int_equal(key_dh(out, priv.b, pub.b), 0);
	assert_false(key_equal(&pub, &priv));
	assert_true(key_equal(&pub, &pub));
}

/* Write text to a fresh file in a private directory with a mode. */
static void
write_key_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_keyfile(void **state)
{
	char dir[] = "/tmp/test_wg_key.XXXXXX", path[64], err[256], text[64];
	struct wg_key k, want;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);
	wgt_key(&want, si_pub_hex);
	snprintf(text, sizeof(text), "%s\n", si_pub_b64);

	write_key_file(path, text, 0600);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), 0);
	assert_memory_equal(k.b, want.b, 32);
	write_key_file(path, si_pub_b64, 0400);		/* no newline */
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), 0);
	assert_memory_equal(k.b, want.b, 32);

	write_key_file(path, text, 0644);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group or others"));
	assert_non_null(strstr(err, "0644"));
	assert_true(key_is_zero(&k));
	write_key_file(path, text, 0640);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
	write_key_file(path, text, 0604);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
	write_key_file(path, text, 0620);		/* group-writable */
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);

	/* Owned by another user: refused even at 0600 (it could chmod it). */
	write_key_file(path, text, 0600);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "owned by uid 65534"));
		assert_true(key_is_zero(&k));
		assert_int_equal(chown(path, 0, 0), 0);
		assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), 0);
	}

	write_key_file(path, "not a key\n", 0600);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a WireGuard key"));
	write_key_file(path, "", 0600);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);

	assert_int_equal(keyfile_read(dir, &k, err, sizeof(err)), -1);
	unlink(path);
	assert_int_equal(keyfile_read(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_vectors),
		cmocka_unit_test(test_base64_roundtrip),
		cmocka_unit_test(test_base64_refusals),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_clamp_generate),
		cmocka_unit_test(test_dh_small_order),
		cmocka_unit_test(test_keyfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
