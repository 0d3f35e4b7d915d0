/*
 * test_wg_noise.c — crypto/noise.c (with cookie.c's mac1) against the
 * digest's handshake vectors [11], byte for byte in both roles, with and
 * without a preshared key; then every refusal: tampered fields, wrong
 * keys, small-order points, replayed and flooding initiations, messages
 * in the wrong state — and that a refused message leaves the pending
 * handshake usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "crypto/cookie.h"
#include "crypto/key.h"
#include "crypto/noise.h"
#include "tests/unit/wgtest.h"

#define SI_PRIV "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e6f"
#define SR_PRIV "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f"
#define EI_PRIV "505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f"
#define ER_PRIV "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e4f"
#define PSK     "909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define TS      "400000006553f10a00000000"

static const char init_hex[] =
    "0100000044332211392d174a38b3b1beafaf1fe824870841c5fa531bc6eafdb6402c"
    "124664488c1c0c866baac29f4bf4df0c9d4462d272eeb09d6a1212e247851f727b56"
    "2292c28be0c55562545967524af7c3bc7aafee5c227b76cf3f6cf814a54470a1ae4e"
    "4325d2fe79618b8f003695de3630c91b8027b7959b93df144cc0fb54df4400000000"
    "000000000000000000000000";
static const char resp_hex[] =
    "02000000887766554433221123b7bb8c91ae008711fb12846780bcdf1e065f821bdf"
    "ec49f57e7c7dcd4c482377010064907d17e3bcd97a5cadefb516588a9a6d4180ad4f"
    "e05caf461c48a2b000000000000000000000000000000000";
static const char resp_nopsk_hex[] =
    "02000000887766554433221123b7bb8c91ae008711fb12846780bcdf1e065f821bdf"
    "ec49f57e7c7dcd4c48238aece751a447f68ddec9e8a70a9e9aaa88b0315bbb11911a"
    "fa86be619ce2bb2400000000000000000000000000000000";
#define T1 "45eb39bca38dc232fbca95a631ce0dbdfbd9eb529199a7ff546747d42935c4b7"
#define T2 "36161ffea40e74c7db414206ae6e6a48e6f0bc5a634fd8186b757281ff720883"
#define T1_NOPSK "a8442f5501e3705028170664e1b1d8593b02674770024f343375214e95090c76"
#define T2_NOPSK "3b1cbd438d545a3a526f1d51b415bbaf43c4653d725345635ca0803bdc3b4c8e"

struct side {
	struct noise_local local;
	struct noise_peer peer;
	struct cookie_maker maker;
	struct cookie_checker checker;
};

static const struct wg_timing *tm = &wg_timing_default;

/* Initiator Si with peer Sr, responder Sr with peer Si; psk optional. */
static void
setup_sides(struct side *i, struct side *r, bool with_psk)
{
	struct wg_key k, psk;

	memset(i, 0, sizeof(*i));
	memset(r, 0, sizeof(*r));
	wgt_key(&psk, PSK);
	wgt_key(&k, SI_PRIV);
	assert_int_equal(noise_local_set(&i->local, &k), 0);
	wgt_key(&k, SR_PRIV);
	assert_int_equal(noise_local_set(&r->local, &k), 0);
	noise_peer_init(&i->peer, &i->local, &r->local.pub,
	    with_psk ? &psk : NULL);
	noise_peer_init(&r->peer, &r->local, &i->local.pub,
	    with_psk ? &psk : NULL);
	assert_true(i->peer.ss_ok && r->peer.ss_ok);
	/* The maker is keyed by the peer's key, the checker by our own. */
	cookie_maker_init(&i->maker, &r->local.pub);
	cookie_maker_init(&r->maker, &i->local.pub);
	cookie_checker_init(&i->checker, &i->local.pub);
	cookie_checker_init(&r->checker, &r->local.pub);
}

static void
make_initiation(struct side *i, uint8_t pkt[static WG_INITIATION_LEN],
    const char *ts_hex)
{
	struct message_initiation m;
	struct wg_key e;
	uint8_t ts[12];

	wgt_key(&e, EI_PRIV);
	wgt_hex(ts, 12, ts_hex);
	assert_int_equal(noise_initiation_create(&i->peer, &i->local, &e,
	    0x11223344, ts, &m), NOISE_OK);
	message_encode_initiation(pkt, &m);
	cookie_add_macs(&i->maker, pkt, WG_INITIATION_LEN, 0, tm);
}

/* Responder: open, accept and answer; returns the response bytes. */
static void
answer(struct side *r, const uint8_t pkt[static WG_INITIATION_LEN],
    const char *er_hex, uint8_t out[static WG_RESPONSE_LEN],
    struct noise_keys *keys)
{
	struct message_initiation m;
	struct message_response mr;
	struct noise_opened o;
	struct wg_key e;

	assert_true(cookie_check_mac1(&r->checker, pkt, WG_INITIATION_LEN));
	assert_true(message_decode_initiation(pkt, WG_INITIATION_LEN, &m));
	assert_int_equal(noise_initiation_open(&r->local, &m, &o), NOISE_OK);
	assert_memory_equal(o.remote_static.b, r->peer.remote_static.b, 32);
	assert_int_equal(o.sender, 0x11223344);
	assert_int_equal(noise_initiation_accept(&r->peer, &o, &m, 1000000000,
	    tm->initiation_min_interval), NOISE_OK);
	assert_int_equal(r->peer.state, NOISE_INITIATION_CONSUMED);
	wgt_key(&e, er_hex);
	assert_int_equal(noise_response_create(&r->peer, &e, 0x55667788, &mr,
	    keys), NOISE_OK);
	assert_int_equal(r->peer.state, NOISE_ZERO);
	message_encode_response(out, &mr);
	cookie_add_macs(&r->maker, out, WG_RESPONSE_LEN, 0, tm);
}

static void
test_tai64n(void **state)
{
	uint8_t ts[12], want[12];

	(void)state;
	noise_tai64n(UINT64_C(1700000000) * 1000000000, ts);
	wgt_hex(want, 12, TS);
	assert_memory_equal(ts, want, 12);
	/* the low 24 bits of the nanoseconds are zeroed */
	noise_tai64n(UINT64_C(1700000000) * 1000000000 + 0xffffff, ts);
	assert_memory_equal(ts, want, 12);
	noise_tai64n(UINT64_C(1700000000) * 1000000000 + 0x1000000, ts);
	assert_int_equal(ts[8], 0x01);
	assert_memory_equal(ts, want, 8);
}

static void
test_vectors_psk(void **state)
{
	struct side i, r;
	uint8_t init[WG_INITIATION_LEN], want[WG_INITIATION_LEN];
	uint8_t resp[WG_RESPONSE_LEN], wresp[WG_RESPONSE_LEN], t1[32], t2[32];
	struct message_response mr;
	struct noise_keys rk, ik;

	(void)state;
	setup_sides(&i, &r, true);
	make_initiation(&i, init, TS);
	wgt_hex(want, sizeof(want), init_hex);
	assert_memory_equal(init, want, sizeof(want));
	assert_int_equal(i.peer.state, NOISE_INITIATION_SENT);

	answer(&r, init, ER_PRIV, resp, &rk);
	wgt_hex(wresp, sizeof(wresp), resp_hex);
	assert_memory_equal(resp, wresp, sizeof(wresp));
	wgt_hex(t1, 32, T1);
	wgt_hex(t2, 32, T2);
	/* responder: first KDF output receives */
	assert_memory_equal(rk.recv, t1, 32);
	assert_memory_equal(rk.send, t2, 32);
	assert_false(rk.initiator);
	assert_int_equal(rk.remote_index, 0x11223344);

	assert_true(cookie_check_mac1(&i.checker, resp, sizeof(resp)));
	assert_true(message_decode_response(resp, sizeof(resp), &mr));
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_OK);
	assert_memory_equal(ik.send, t1, 32);
	assert_memory_equal(ik.recv, t2, 32);
	assert_true(ik.initiator);
	assert_int_equal(ik.remote_index, 0x55667788);
	assert_int_equal(i.peer.state, NOISE_ZERO);
	/* secrets of the finished handshake are gone */
	assert_true(key_is_zero(&i.peer.e_priv));
	assert_true(sodium_is_zero(i.peer.chain, 32));
}

static void
test_vectors_no_psk(void **state)
{
	struct side i, r;
	uint8_t init[WG_INITIATION_LEN], want[WG_INITIATION_LEN];
	uint8_t resp[WG_RESPONSE_LEN], wresp[WG_RESPONSE_LEN], t1[32], t2[32];
	struct message_response mr;
	struct noise_keys rk, ik;

	(void)state;
	setup_sides(&i, &r, false);
	make_initiation(&i, init, TS);
	/* the psk only enters at the response: same initiation */
	wgt_hex(want, sizeof(want), init_hex);
	assert_memory_equal(init, want, sizeof(want));
	answer(&r, init, ER_PRIV, resp, &rk);
	wgt_hex(wresp, sizeof(wresp), resp_nopsk_hex);
	assert_memory_equal(resp, wresp, sizeof(wresp));
	assert_true(message_decode_response(resp, sizeof(resp), &mr));
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_OK);
	wgt_hex(t1, 32, T1_NOPSK);
	wgt_hex(t2, 32, T2_NOPSK);
	assert_memory_equal(ik.send, t1, 32);
	assert_memory_equal(ik.recv, t2, 32);
	assert_memory_equal(rk.recv, t1, 32);
}

/* Every byte of every authenticated field matters. */
static void
test_tampered_initiation(void **state)
{
	struct side i, r;
	uint8_t init[WG_INITIATION_LEN], bad[WG_INITIATION_LEN];
	struct message_initiation m;
	struct noise_opened o;
	unsigned off;

	(void)state;
	setup_sides(&i, &r, true);
	make_initiation(&i, init, TS);
	for (off = 8; off < WG_INITIATION_MAC1_OFF; off++) {
		memcpy(bad, init, sizeof(bad));
		bad[off] ^= 0x01;
		/* mac1 catches all of them ... */
		assert_false(cookie_check_mac1(&r.checker, bad, sizeof(bad)));
		/* ... and so does the handshake itself */
		assert_true(message_decode_initiation(bad, sizeof(bad), &m));
		if (noise_initiation_open(&r.local, &m, &o) == NOISE_OK)
			assert_int_not_equal(noise_initiation_accept(&r.peer, &o,
			    &m, 1000000000, tm->initiation_min_interval),
			    NOISE_OK);
		assert_int_equal(r.peer.state, NOISE_ZERO);
	}
	/* the untouched message still works after all that */
	assert_true(message_decode_initiation(init, sizeof(init), &m));
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m, 1000000000,
	    tm->initiation_min_interval), NOISE_OK);
}

static void
test_replay_and_flood(void **state)
{
	struct side i, r;
	uint8_t init[WG_INITIATION_LEN], newer[WG_INITIATION_LEN];
	struct message_initiation m;
	struct noise_opened o;
	monotime_t t0 = MONO_SEC(5);

	(void)state;
	setup_sides(&i, &r, true);
	make_initiation(&i, init, TS);
	assert_true(message_decode_initiation(init, sizeof(init), &m));
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m, t0,
	    tm->initiation_min_interval), NOISE_OK);
	/* the same initiation again, even much later: replay */
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m, t0 + MONO_SEC(60),
	    tm->initiation_min_interval), NOISE_ERR_REPLAY);
	assert_true(sodium_is_zero(o.chain, 32));	/* wiped on refusal */

	/* a newer timestamp 10 ms later: flood; 20 ms later: fine */
	make_initiation(&i, newer, "400000006553f10a01000000");
	assert_true(message_decode_initiation(newer, sizeof(newer), &m));
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m,
	    t0 + MONO_MS(10), tm->initiation_min_interval), NOISE_ERR_FLOOD);
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m,
	    t0 + MONO_MS(20), tm->initiation_min_interval), NOISE_OK);
	/* an older timestamp than the latest accepted is a replay */
	make_initiation(&i, newer, "400000006553f10a00000000");
	assert_true(message_decode_initiation(newer, sizeof(newer), &m));
	assert_int_equal(noise_initiation_open(&r.local, &m, &o), NOISE_OK);
	assert_int_equal(noise_initiation_accept(&r.peer, &o, &m,
	    t0 + MONO_SEC(1), tm->initiation_min_interval), NOISE_ERR_REPLAY);
}

static void
test_wrong_psk_keeps_pending(void **state)
{
	struct side i, r;
	uint8_t init[WG_INITIATION_LEN], resp[WG_RESPONSE_LEN];
	struct message_response mr;
	struct noise_keys rk, ik;
	struct wg_key other;

	(void)state;
	setup_sides(&i, &r, true);
	make_initiation(&i, init, TS);
	answer(&r, init, ER_PRIV, resp, &rk);
	assert_true(message_decode_response(resp, sizeof(resp), &mr));
	memset(&other, 0x42, sizeof(other));
	noise_peer_set_psk(&i.peer, &other);
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_ERR_CRYPTO);
	assert_true(sodium_is_zero(ik.send, 32));
	assert_int_equal(i.peer.state, NOISE_INITIATION_SENT);
	/* a tampered tag also fails without disturbing the handshake */
	noise_peer_set_psk(&i.peer, NULL);
	wgt_key(&other, PSK);
	noise_peer_set_psk(&i.peer, &other);
	mr.enc_empty[3] ^= 0x80;
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_ERR_CRYPTO);
	mr.enc_empty[3] ^= 0x80;
	mr.receiver = 0x11223345;
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_ERR_STATE);
	mr.receiver = 0x11223344;
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_OK);
	/* a second consumption of the same response: no longer pending */
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &ik),
	    NOISE_ERR_STATE);
}

static void
test_small_order_and_state(void **state)
{
	struct side i, r;
	struct noise_local none;
	struct noise_peer bad;
	struct message_initiation m;
	struct message_response mr;
	struct noise_opened o;
	struct noise_keys k;
	struct wg_key zero, e;
	uint8_t init[WG_INITIATION_LEN], ts[12];

	(void)state;
	setup_sides(&i, &r, false);
	memset(&zero, 0, sizeof(zero));
	wgt_key(&e, EI_PRIV);
	wgt_hex(ts, 12, TS);
	/* a peer whose public key has small order: no handshake either way */
	noise_peer_init(&bad, &i.local, &zero, NULL);
	assert_false(bad.ss_ok);
	assert_int_equal(noise_initiation_create(&bad, &i.local, &e, 1, ts, &m),
	    NOISE_ERR_STATE);
	/* an initiation with a small-order ephemeral is refused */
	make_initiation(&i, init, TS);
	assert_true(message_decode_initiation(init, sizeof(init), &m));
	memset(m.ephemeral, 0, 32);
	assert_int_equal(noise_initiation_open(&r.local, &m, &o),
	    NOISE_ERR_CRYPTO);
	/* no private key: nothing opens */
	memset(&none, 0, sizeof(none));
	assert_int_equal(noise_local_set(&none, NULL), 0);
	assert_false(none.has_key);
	assert_true(message_decode_initiation(init, sizeof(init), &m));
	assert_int_equal(noise_initiation_open(&none, &m, &o), NOISE_ERR_STATE);
	/* wrong responder key: the static key does not decrypt */
	assert_int_equal(noise_initiation_open(&i.local, &m, &o),
	    NOISE_ERR_CRYPTO);
	/* a response without a consumed initiation */
	assert_int_equal(noise_response_create(&r.peer, &e, 7, &mr, &k),
	    NOISE_ERR_STATE);
	/* clearing forgets the pending initiation */
	noise_peer_clear_handshake(&i.peer);
	memset(&mr, 0, sizeof(mr));
	mr.receiver = 0x11223344;
	assert_int_equal(noise_response_consume(&i.peer, &i.local, &mr, &k),
	    NOISE_ERR_STATE);
}

/* Random keys end to end, many times: both sides derive the same keys. */
static void
test_random_handshakes(void **state)
{
	struct noise_local a, b;
	struct noise_peer pa, pb;
	struct message_initiation m;
	struct message_response mr;
	struct noise_opened o;
	struct noise_keys ka, kb;
	struct wg_key k, e;
	uint8_t ts[12];
	unsigned n;

	(void)state;
	for (n = 0; n < 20; n++) {
		key_generate(&k, &wg_rng_default);
		assert_int_equal(noise_local_set(&a, &k), 0);
		key_generate(&k, &wg_rng_default);
		assert_int_equal(noise_local_set(&b, &k), 0);
		noise_peer_init(&pa, &a, &b.pub, NULL);
		noise_peer_init(&pb, &b, &a.pub, NULL);
		key_generate(&e, &wg_rng_default);
		noise_tai64n((uint64_t)n * WG_WALL_SEC, ts);
		assert_int_equal(noise_initiation_create(&pa, &a, &e, n, ts, &m),
		    NOISE_OK);
		assert_int_equal(noise_initiation_open(&b, &m, &o), NOISE_OK);
		assert_memory_equal(o.remote_static.b, a.pub.b, 32);
		assert_int_equal(noise_initiation_accept(&pb, &o, &m, 0, 0),
		    NOISE_OK);
		key_generate(&e, &wg_rng_default);
		assert_int_equal(noise_response_create(&pb, &e, 1000 + n, &mr,
		    &kb), NOISE_OK);
		assert_int_equal(noise_response_consume(&pa, &a, &mr, &ka),
		    NOISE_OK);
		assert_memory_equal(ka.send, kb.recv, 32);
		assert_memory_equal(ka.recv, kb.send, 32);
		assert_memory_not_equal(ka.send, ka.recv, 32);
		assert_int_equal(ka.remote_index, 1000 + n);
		assert_int_equal(kb.remote_index, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tai64n),
		cmocka_unit_test(test_vectors_psk),
		cmocka_unit_test(test_vectors_no_psk),
		cmocka_unit_test(test_tampered_initiation),
		cmocka_unit_test(test_replay_and_flood),
		cmocka_unit_test(test_wrong_psk_keeps_pending),
		cmocka_unit_test(test_small_order_and_state),
		cmocka_unit_test(test_random_handshakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
