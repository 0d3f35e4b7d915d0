/*
 * test_wg_cookie.c — crypto/cookie.c: the digest's cookie-reply and mac2
 * vectors [11]; a full under-load round (mac2 missing -> reply -> cookie
 * -> valid mac2 from the same address only); one cookie per mac1; cookie
 * and secret lifetimes; mac1 checks.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "crypto/cookie.h"
#include "crypto/endpoint.h"
#include "crypto/hash.h"
#include "crypto/key.h"
#include "tests/unit/wgtest.h"

#define SR_PUB "34e42d4af5ef94a07a3a84201b889d4cd1a743cb27b11b6a10438a8feb8e5847"

static const char init_hex[] =
    "0100000044332211392d174a38b3b1beafaf1fe824870841c5fa531bc6eafdb6402c"
    "124664488c1c0c866baac29f4bf4df0c9d4462d272eeb09d6a1212e247851f727b56"
    "2292c28be0c55562545967524af7c3bc7aafee5c227b76cf3f6cf814a54470a1ae4e"
    "4325d2fe79618b8f003695de3630c91b8027b7959b93df144cc0fb54df4400000000"
    "000000000000000000000000";
static const char reply_hex[] =
    "0300000044332211d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e75951"
    "119979f54d87db3fae70af6b3fafa379ef397ae3ee531960b29d4ae38e1d";

static const struct wg_timing *tm = &wg_timing_default;

static void
test_vectors(void **state)
{
	struct wg_key sr;
	struct cookie_maker cm;
	struct cookie_checker cc;
	struct message_cookie mc;
	uint8_t init[WG_INITIATION_LEN], copy[WG_INITIATION_LEN];
	uint8_t out[WG_COOKIE_REPLY_LEN], want[WG_COOKIE_REPLY_LEN];
	uint8_t key[32], cookie[16], nonce[24], mac2[16];
	unsigned i;

	(void)state;
	wgt_key(&sr, SR_PUB);
	wgt_hex(init, sizeof(init), init_hex);
	cookie_checker_init(&cc, &sr);
	wgt_hex(key, 32, "fdb6bf4737ac25646674a0a14c514e49"
	    "ec636a194913f2347d8468bc6230b0ba");
	assert_memory_equal(cc.cookie_key, key, 32);
	wgt_hex(key, 32, "9e1b0e1d16b0f22efc5ff91013d27e2d"
	    "5a577e541994222df3128f812f584416");
	assert_memory_equal(cc.mac1_key, key, 32);
	assert_true(cookie_check_mac1(&cc, init, sizeof(init)));

	for (i = 0; i < 16; i++)
		cookie[i] = (uint8_t)(0xc0 + i);
	for (i = 0; i < 24; i++)
		nonce[i] = (uint8_t)(0xd0 + i);
	cookie_reply_seal(cc.cookie_key, 0x11223344, nonce, cookie,
	    init + WG_INITIATION_MAC1_OFF, &mc);
	message_encode_cookie(out, &mc);
	wgt_hex(want, sizeof(want), reply_hex);
	assert_memory_equal(out, want, sizeof(want));

	/* The initiator: mac1 of its initiation, then the vector reply. */
	cookie_maker_init(&cm, &sr);
	memcpy(copy, init, sizeof(copy));
	cookie_add_macs(&cm, copy, sizeof(copy), 0, tm);
	assert_memory_equal(copy, init, sizeof(init));	/* same mac1, no mac2 */
	assert_true(message_decode_cookie(want, sizeof(want), &mc));
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), 0);
	assert_memory_equal(cm.cookie, cookie, 16);
	/* one cookie per mac1 sent */
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), -1);
	/* the retry of the same message carries the vector's mac2 */
	cookie_add_macs(&cm, copy, sizeof(copy), MONO_SEC(1), tm);
	wgt_hex(mac2, 16, "6a3870369935e0ee3711a0a1e872acc9");
	assert_memory_equal(copy + WG_INITIATION_MAC2_OFF, mac2, 16);
}

static void
test_under_load_round(void **state)
{
	struct wg_key sr_priv, sr_pub;
	struct cookie_checker cc;
	struct cookie_maker cm;
	struct message_cookie mc;
	struct wg_endpoint src, other;
	struct wgt_rng rng = { .counter = 7 };
	struct wg_rng r = { wgt_rng_fill, &rng };
	uint8_t init[WG_INITIATION_LEN];
	monotime_t now = MONO_SEC(1000);

	(void)state;
	key_generate(&sr_priv, &r);
	assert_int_equal(key_public(&sr_pub, &sr_priv), 0);
	cookie_checker_init(&cc, &sr_pub);
	cookie_maker_init(&cm, &sr_pub);
	assert_true(endpoint_parse(&src, "192.0.2.1:51820", 15));
	assert_true(endpoint_parse(&other, "192.0.2.1:51821", 15));

	memset(init, 0x11, sizeof(init));
	init[0] = 1;
	init[1] = init[2] = init[3] = 0;
	cookie_add_macs(&cm, init, sizeof(init), now, tm);
	assert_true(cookie_check_mac1(&cc, init, sizeof(init)));
	assert_false(cookie_check_mac2(&cc, init, sizeof(init), &src, now, tm));

	cookie_create_reply(&cc, init, sizeof(init), 0x11111111, &src, now, &r,
	    tm, &mc);
	assert_int_equal(mc.receiver, 0x11111111);
	assert_int_equal(cookie_consume_reply(&cm, &mc, now), 0);
	cookie_add_macs(&cm, init, sizeof(init), now + MONO_SEC(5), tm);
	assert_true(cookie_check_mac2(&cc, init, sizeof(init), &src,
	    now + MONO_SEC(5), tm));
	/* the cookie is bound to the address and port */
	assert_false(cookie_check_mac2(&cc, init, sizeof(init), &other,
	    now + MONO_SEC(5), tm));
	/* a secret from after now (the clock went back) is stale */
	assert_false(cookie_check_mac2(&cc, init, sizeof(init), &src, now - 1,
	    tm));
	/* a changed message breaks mac1 and mac2 */
	init[20] ^= 1;
	assert_false(cookie_check_mac1(&cc, init, sizeof(init)));
	assert_false(cookie_check_mac2(&cc, init, sizeof(init), &src,
	    now + MONO_SEC(5), tm));
	init[20] ^= 1;
	/* the responder's secret expires after its lifetime */
	assert_false(cookie_check_mac2(&cc, init, sizeof(init), &src,
	    now + tm->cookie_secret_life, tm));
	/* the initiator stops using a cookie after its lifetime */
	cookie_add_macs(&cm, init, sizeof(init), now + tm->cookie_life, tm);
	assert_true(sodium_is_zero(init + WG_INITIATION_MAC2_OFF, 16));
	/* a cookie from after now (the clock went back) is stale */
	cookie_add_macs(&cm, init, sizeof(init), now - 1, tm);
	assert_true(sodium_is_zero(init + WG_INITIATION_MAC2_OFF, 16));
}

static void
test_secret_rotation(void **state)
{
	struct wg_key pub;
	struct cookie_checker cc;
	struct message_cookie a, b;
	struct wg_endpoint src;
	struct wgt_rng rng = { .counter = 1 };
	struct wg_rng r = { wgt_rng_fill, &rng };
	uint8_t msg[WG_RESPONSE_LEN], secret[32];

	(void)state;
	memset(&pub, 9, sizeof(pub));
	cookie_checker_init(&cc, &pub);
	assert_true(endpoint_parse(&src, "[2001:db8::1]:443", 17));
	memset(msg, 0, sizeof(msg));
	cookie_create_reply(&cc, msg, sizeof(msg), 1, &src, 0, &r, tm, &a);
	memcpy(secret, cc.secret, 32);
	cookie_create_reply(&cc, msg, sizeof(msg), 1, &src,
	    tm->cookie_secret_life - 1, &r, tm, &b);
	assert_memory_equal(cc.secret, secret, 32);	/* still fresh */
	cookie_create_reply(&cc, msg, sizeof(msg), 1, &src,
	    tm->cookie_secret_life, &r, tm, &b);
	assert_memory_not_equal(cc.secret, secret, 32);	/* rotated */
	assert_true(cc.secret_birth == tm->cookie_secret_life);
	/* no key: no mac1 passes */
	cookie_checker_init(&cc, NULL);
	assert_false(cookie_check_mac1(&cc, msg, sizeof(msg)));
}

static void
test_reply_with_wrong_mac1(void **state)
{
	struct wg_key pub;
	struct cookie_checker cc;
	struct cookie_maker cm;
	struct message_cookie mc;
	struct wg_endpoint src;
	uint8_t msg[WG_INITIATION_LEN], other[WG_INITIATION_LEN];

	(void)state;
	memset(&pub, 3, sizeof(pub));
	cookie_checker_init(&cc, &pub);
	cookie_maker_init(&cm, &pub);
	assert_true(endpoint_parse(&src, "10.0.0.1:1", 10));
	/* no message sent yet: a reply has nothing to answer */
	memset(msg, 0x22, sizeof(msg));
	cookie_create_reply(&cc, msg, sizeof(msg), 5, &src, 0, &wg_rng_default,
	    tm, &mc);
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), -1);
	/* a reply to another message (other mac1) does not open */
	cookie_add_macs(&cm, msg, sizeof(msg), 0, tm);
	memset(other, 0x33, sizeof(other));
	cookie_add_macs(&cm, other, sizeof(other), 0, tm);
	cookie_create_reply(&cc, msg, sizeof(msg), 5, &src, 0, &wg_rng_default,
	    tm, &mc);
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), -1);
	/* a tampered reply does not open either */
	cookie_create_reply(&cc, other, sizeof(other), 5, &src, 0,
	    &wg_rng_default, tm, &mc);
	mc.enc_cookie[0] ^= 1;
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), -1);
	mc.enc_cookie[0] ^= 1;
	assert_int_equal(cookie_consume_reply(&cm, &mc, 0), 0);
	assert_true(cm.has_cookie);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_under_load_round),
		cmocka_unit_test(test_secret_rotation),
		cmocka_unit_test(test_reply_with_wrong_mac1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
