/*
 * test_aead.c — crypto/aead.c against published known answers: RFC 8439
 * Appendix A.5 for ChaCha20-Poly1305 (its nonce, 00000000 0102030405060708,
 * is the WireGuard form: four zero bytes and the little-endian counter
 * 0x0807060504030201; §2.8.2's nonce starts 07000000, which no counter
 * gives), and the XChaCha20-Poly1305 vector of draft-irtf-cfrg-xchacha-03
 * A.3.1.  Both seal to the published bytes and open back, in place too;
 * a changed tag, ciphertext byte, associated datum, counter or nonce is
 * refused; an input shorter than the tag is refused; an empty message
 * seals to a tag alone that opens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/aead.h"
#include "tests/unit/wgtest.h"

/* RFC 8439 A.5. */
static const char a5_key[] =
    "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
static const uint64_t a5_counter = 0x0807060504030201ULL;
static const char a5_aad[] = "f33388860000000000004e91";
static const char a5_text[] =
    "Internet-Drafts are draft documents valid for a maximum of six months "
    "and may be updated, replaced, or obsoleted by other documents at any "
    "time. It is inappropriate to use Internet-Drafts as reference material "
    "or to cite them other than as /\xe2\x80\x9cwork in progress./\xe2\x80\x9d";
static const char a5_sealed[] =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
    "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
    "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
    "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
    "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
    "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
    "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
    "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
    "a6ad5cb4022b02709b"
    "eead9d67890cbb22392336fea1851f38";		/* the tag */

/* draft-irtf-cfrg-xchacha-03 A.3.1. */
static const char x_key[] =
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
static const char x_nonce[] = "404142434445464748494a4b4c4d4e4f5051525354555657";
static const char x_aad[] = "50515253c0c1c2c3c4c5c6c7";
static const char x_text[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one "
    "tip for the future, sunscreen would be it.";
static const char x_sealed[] =
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
    "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
    "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
    "21f9664c97637da9768812f615c68b13b52e"
    "c0875924c1c7987947deafd8780acf49";		/* the tag */

#define A5_LEN	(sizeof(a5_text) - 1)
#define X_LEN	(sizeof(x_text) - 1)

static void
test_chacha_known_answer(void **state)
{
	uint8_t key[WG_KEY_LEN], aad[12], want[A5_LEN + 16], out[A5_LEN + 16];
	uint8_t back[A5_LEN], buf[A5_LEN + 16];

	(void)state;
	wgt_hex(key, sizeof(key), a5_key);
	wgt_hex(aad, sizeof(aad), a5_aad);
	wgt_hex(want, sizeof(want), a5_sealed);

	aead_seal(out, key, a5_counter, (const uint8_t *)a5_text, A5_LEN, aad, sizeof(aad));
	assert_memory_equal(out, want, sizeof(want));
	memset(back, 0, sizeof(back));
	assert_int_equal(aead_open(back, key, a5_counter, want, sizeof(want), aad,
	    sizeof(aad)), 0);
	assert_memory_equal(back, a5_text, A5_LEN);

	/* In place (out == in), both ways. */
	memcpy(buf, a5_text, A5_LEN);
	aead_seal(buf, key, a5_counter, buf, A5_LEN, aad, sizeof(aad));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(aead_open(buf, key, a5_counter, buf, sizeof(buf), aad,
	    sizeof(aad)), 0);
	assert_memory_equal(buf, a5_text, A5_LEN);
}

static void
test_xchacha_known_answer(void **state)
{
	uint8_t key[WG_KEY_LEN], nonce[WG_XNONCE_LEN], aad[12];
	uint8_t want[X_LEN + 16], out[X_LEN + 16], back[X_LEN];

	(void)state;
	wgt_hex(key, sizeof(key), x_key);
	wgt_hex(nonce, sizeof(nonce), x_nonce);
	wgt_hex(aad, sizeof(aad), x_aad);
	wgt_hex(want, sizeof(want), x_sealed);

	aead_xseal(out, key, nonce, (const uint8_t *)x_text, X_LEN, aad, sizeof(aad));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(aead_xopen(back, key, nonce, want, sizeof(want), aad,
	    sizeof(aad)), 0);
	assert_memory_equal(back, x_text, X_LEN);
}

/* Every single change to what was sealed is refused. */
static void
test_forgeries_refused(void **state)
{
	uint8_t key[WG_KEY_LEN], aad[12], sealed[A5_LEN + 16], bad[A5_LEN + 16];
	uint8_t back[A5_LEN], xkey[WG_KEY_LEN], nonce[WG_XNONCE_LEN], xaad[12];
	uint8_t xsealed[X_LEN + 16], xbad[X_LEN + 16], xback[X_LEN];
	size_t i;

	(void)state;
	wgt_hex(key, sizeof(key), a5_key);
	wgt_hex(aad, sizeof(aad), a5_aad);
	wgt_hex(sealed, sizeof(sealed), a5_sealed);
	/* A forged tag: each of its bytes, one bit. */
	for (i = A5_LEN; i < sizeof(sealed); i++) {
		memcpy(bad, sealed, sizeof(bad));
		bad[i] ^= 0x01;
		assert_int_equal(aead_open(back, key, a5_counter, bad, sizeof(bad), aad,
		    sizeof(aad)), -1);
	}
	/* A ciphertext byte, the first and the last. */
	memcpy(bad, sealed, sizeof(bad));
	bad[0] ^= 0x80;
	assert_int_equal(aead_open(back, key, a5_counter, bad, sizeof(bad), aad,
	    sizeof(aad)), -1);
	memcpy(bad, sealed, sizeof(bad));
	bad[A5_LEN - 1] ^= 0x80;
	assert_int_equal(aead_open(back, key, a5_counter, bad, sizeof(bad), aad,
	    sizeof(aad)), -1);
	/* Another counter (the replay of a packet under the next one). */
	assert_int_equal(aead_open(back, key, a5_counter + 1, sealed, sizeof(sealed), aad,
	    sizeof(aad)), -1);
	/* Other associated data, or none. */
	aad[11] ^= 1;
	assert_int_equal(aead_open(back, key, a5_counter, sealed, sizeof(sealed), aad,
	    sizeof(aad)), -1);
	aad[11] ^= 1;
	assert_int_equal(aead_open(back, key, a5_counter, sealed, sizeof(sealed), NULL, 0),
	    -1);
	/* Another key. */
	key[31] ^= 1;
	assert_int_equal(aead_open(back, key, a5_counter, sealed, sizeof(sealed), aad,
	    sizeof(aad)), -1);
	key[31] ^= 1;
	/* A message cut short: its tag no longer matches. */
	assert_int_equal(aead_open(back, key, a5_counter, sealed, sizeof(sealed) - 1, aad,
	    sizeof(aad)), -1);

	wgt_hex(xkey, sizeof(xkey), x_key);
	wgt_hex(nonce, sizeof(nonce), x_nonce);
	wgt_hex(xaad, sizeof(xaad), x_aad);
	wgt_hex(xsealed, sizeof(xsealed), x_sealed);
	memcpy(xbad, xsealed, sizeof(xbad));
	xbad[sizeof(xbad) - 1] ^= 0x40;
	assert_int_equal(aead_xopen(xback, xkey, nonce, xbad, sizeof(xbad), xaad,
	    sizeof(xaad)), -1);
	memcpy(xbad, xsealed, sizeof(xbad));
	xbad[5] ^= 0x40;
	assert_int_equal(aead_xopen(xback, xkey, nonce, xbad, sizeof(xbad), xaad,
	    sizeof(xaad)), -1);
	/* The extended nonce's last byte (the part that is not HChaCha20's). */
	nonce[WG_XNONCE_LEN - 1] ^= 1;
	assert_int_equal(aead_xopen(xback, xkey, nonce, xsealed, sizeof(xsealed), xaad,
	    sizeof(xaad)), -1);
	nonce[WG_XNONCE_LEN - 1] ^= 1;
	/* Its first byte. */
	nonce[0] ^= 1;
	assert_int_equal(aead_xopen(xback, xkey, nonce, xsealed, sizeof(xsealed), xaad,
	    sizeof(xaad)), -1);
}

/* Shorter than a tag: refused before any work, output untouched. */
static void
test_truncated_refused(void **state)
{
	uint8_t key[WG_KEY_LEN] = { 1 }, nonce[WG_XNONCE_LEN] = { 2 };
	uint8_t in[WG_AEAD_TAG_LEN], out[WG_AEAD_TAG_LEN];
	size_t len;

	(void)state;
	memset(in, 0, sizeof(in));
	for (len = 0; len < WG_AEAD_TAG_LEN; len++) {
		memset(out, 0xee, sizeof(out));
		assert_int_equal(aead_open(out, key, 0, in, len, NULL, 0), -1);
		assert_int_equal(aead_xopen(out, key, nonce, in, len, NULL, 0), -1);
		assert_int_equal(out[0], 0xee);
	}
}

/* An empty message (a keepalive) is a tag alone, and opens to nothing. */
static void
test_empty_message(void **state)
{
	uint8_t key[WG_KEY_LEN] = { 7 }, nonce[WG_XNONCE_LEN] = { 9 };
	uint8_t tag[WG_AEAD_TAG_LEN], xtag[WG_AEAD_TAG_LEN], out[1] = { 0xee };

	(void)state;
	aead_seal(tag, key, 42, NULL, 0, NULL, 0);
	assert_int_equal(aead_open(out, key, 42, tag, sizeof(tag), NULL, 0), 0);
	assert_int_equal(out[0], 0xee);
	assert_int_equal(aead_open(out, key, 43, tag, sizeof(tag), NULL, 0), -1);
	aead_xseal(xtag, key, nonce, NULL, 0, NULL, 0);
	assert_int_equal(aead_xopen(out, key, nonce, xtag, sizeof(xtag), NULL, 0), 0);
	xtag[0] ^= 1;
	assert_int_equal(aead_xopen(out, key, nonce, xtag, sizeof(xtag), NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chacha_known_answer),
		cmocka_unit_test(test_xchacha_known_answer),
		cmocka_unit_test(test_forgeries_refused),
		cmocka_unit_test(test_truncated_refused),
		cmocka_unit_test(test_empty_message),
	};

	return cmocka_run_group_tests_name("aead", tests, NULL, NULL);
}
