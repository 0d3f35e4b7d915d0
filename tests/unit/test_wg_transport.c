/*
 * test_wg_transport.c — crypto/transport.c: the digest's data and
 * keepalive vectors [11] byte for byte, in-place decryption, tampering,
 * counter exhaustion, padding (table), and the previous/current/next slot
 * rotation of [7.3] (table of install/confirm sequences).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "crypto/transport.h"
#include "tests/unit/wgtest.h"

#define T1 "45eb39bca38dc232fbca95a631ce0dbdfbd9eb529199a7ff546747d42935c4b7"
#define T2 "36161ffea40e74c7db414206ae6e6a48e6f0bc5a634fd8186b757281ff720883"
static const char inner_hex[] =
    "4500003412340000400153f90a4d00010a4d00020800092f4242000177672d696e74"
    "65726f702d746573742d7061796c6f616421";
static const char data_hex[] =
    "040000008877665500000000000000000018a71aff8206806e66f5cfba73de0dce62"
    "681feb784dd1c4145b409d5dfaa743a92cafe3aa33f85405f741504cd9ee642cd3e0"
    "ed49c91d9f643ea6e8d41206156fb1074db56ef7bf3d82690a2d52e0";
static const char ka_i_hex[] =
    "0400000088776655010000000000000080ade6dc3b7dd531b4e9cae46fea15d2";
static const char ka_r_hex[] =
    "040000004433221100000000000000005811f11e09ee4c0873ceb2587f4a75b2";

/* Initiator's and responder's keypairs of the vector session. */
static void
vector_keypairs(struct transport_keypair *i, struct transport_keypair *r)
{
	memset(i, 0, sizeof(*i));
	memset(r, 0, sizeof(*r));
	wgt_hex(i->send_key, 32, T1);
	wgt_hex(i->recv_key, 32, T2);
	i->remote_index = 0x55667788;
	i->local_index = 0x11223344;
	wgt_hex(r->send_key, 32, T2);
	wgt_hex(r->recv_key, 32, T1);
	r->remote_index = 0x11223344;
	r->local_index = 0x55667788;
	replay_init(&i->replay);
	replay_init(&r->replay);
}

static void
test_vectors(void **state)
{
	struct transport_keypair i, r;
	struct message_transport m;
	uint8_t pkt[128], want[96], inner[52];
	size_t out_len, plen;

	(void)state;
	vector_keypairs(&i, &r);
	wgt_hex(inner, sizeof(inner), inner_hex);
	memset(pkt, 0xee, sizeof(pkt));
	memcpy(pkt + 16, inner, sizeof(inner));
	assert_int_equal(transport_padded_len(52, 1420), 64);
	assert_int_equal(transport_encrypt(&i, pkt, sizeof(pkt), 52, 64,
	    WG_REJECT_AFTER_MESSAGES, &out_len), 0);
	assert_int_equal(out_len, 96);
	wgt_hex(want, 96, data_hex);
	assert_memory_equal(pkt, want, 96);
	assert_true(i.send_counter == 1);

	/* responder opens it in place: the padding is still there */
	assert_true(message_decode_transport(pkt, out_len, &m));
	assert_int_equal(m.receiver, 0x55667788);
	assert_int_equal(transport_decrypt(&r, pkt, out_len, &m, &plen), 0);
	assert_int_equal(plen, 64);
	assert_memory_equal(pkt + 16, inner, 52);
	assert_true(sodium_is_zero(pkt + 16 + 52, 12));

	/* keepalives: initiator counter 1, responder counter 0 */
	assert_int_equal(transport_encrypt(&i, pkt, sizeof(pkt), 0, 0,
	    WG_REJECT_AFTER_MESSAGES, &out_len), 0);
	assert_int_equal(out_len, 32);
	wgt_hex(want, 32, ka_i_hex);
	assert_memory_equal(pkt, want, 32);
	assert_int_equal(transport_encrypt(&r, pkt, sizeof(pkt), 0, 0,
	    WG_REJECT_AFTER_MESSAGES, &out_len), 0);
	wgt_hex(want, 32, ka_r_hex);
	assert_memory_equal(pkt, want, 32);
	assert_true(message_decode_transport(pkt, 32, &m));
	assert_int_equal(transport_decrypt(&i, pkt, 32, &m, &plen), 0);
	assert_int_equal(plen, 0);
}

static void
test_tamper(void **state)
{
	struct transport_keypair i, r;
	struct message_transport m;
	uint8_t pkt[96], good[96];
	size_t plen, off;

	(void)state;
	vector_keypairs(&i, &r);
	wgt_hex(good, 96, data_hex);
	for (off = 8; off < sizeof(good); off++) {
		memcpy(pkt, good, sizeof(pkt));
		pkt[off] ^= 0x20;
		assert_true(message_decode_transport(pkt, sizeof(pkt), &m));
		assert_int_equal(transport_decrypt(&r, pkt, sizeof(pkt), &m,
		    &plen), -1);
	}
	/* truncated, or a length that disagrees with the header */
	memcpy(pkt, good, sizeof(pkt));
	assert_true(message_decode_transport(pkt, 95, &m));
	assert_int_equal(transport_decrypt(&r, pkt, 95, &m, &plen), -1);
	assert_true(message_decode_transport(pkt, 96, &m));
	assert_int_equal(transport_decrypt(&r, pkt, 80, &m, &plen), -1);
	/* the wrong direction's key */
	assert_int_equal(transport_decrypt(&i, pkt, 96, &m, &plen), -1);
}

static void
test_counter_limit_and_capacity(void **state)
{
	struct transport_keypair i, r;
	uint8_t pkt[64];
	size_t out_len;

	(void)state;
	vector_keypairs(&i, &r);
	i.send_counter = 10;
	assert_int_equal(transport_encrypt(&i, pkt, sizeof(pkt), 0, 0, 10,
	    &out_len), -1);
	assert_true(i.send_counter == 10);
	assert_int_equal(transport_encrypt(&i, pkt, sizeof(pkt), 0, 0, 11,
	    &out_len), 0);
	assert_true(i.send_counter == 11);
	/* no room for padding and tag */
	assert_int_equal(transport_encrypt(&i, pkt, 47, 16, 16, 100, &out_len),
	    -1);
	assert_int_equal(transport_encrypt(&i, pkt, 48, 16, 16, 100, &out_len),
	    0);
	assert_int_equal(out_len, 48);
	/* padded shorter than the payload is refused */
	assert_int_equal(transport_encrypt(&i, pkt, 64, 16, 8, 100, &out_len),
	    -1);
}

static void
test_padding(void **state)
{
	static const struct { size_t len, mtu, want; } t[] = {
		{ 0, 0, 0 }, { 1, 0, 16 }, { 15, 0, 16 }, { 16, 0, 16 },
		{ 17, 0, 32 }, { 1420, 0, 1424 }, { 9243, 0, 9248 },
		{ 0, 1420, 0 }, { 52, 1420, 64 }, { 1405, 1420, 1408 },
		{ 1410, 1420, 1420 }, { 1419, 1420, 1420 }, { 1420, 1420, 1420 },
		{ 1421, 1420, 1421 }, { 1500, 1420, 1500 }, { 30, 20, 30 },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		if (transport_padded_len(t[k].len, t[k].mtu) != t[k].want)
			fail_msg("len %zu mtu %zu: got %zu want %zu", t[k].len,
			    t[k].mtu, transport_padded_len(t[k].len, t[k].mtu),
			    t[k].want);
}

/* Slot rotation: 'I' installs as initiator, 'R' as responder, 'C' confirms
 * the newest keypair.  After each step: which session number sits in
 * previous/current/next (0 = empty) and which sessions were dropped. */
struct rot_step {
	char		op;
	int		prev, cur, next;
	int		dropped[3];
};

static const struct {
	const char	*name;
	struct rot_step	steps[6];
	int		n;
} rotations[] = {
	{ "initiator twice", {
	    { 'I', 0, 1, 0, { 0 } },
	    { 'I', 1, 2, 0, { 0 } },
	    { 'I', 2, 3, 0, { 1 } } }, 3 },
	{ "responder, confirmed", {
	    { 'R', 0, 0, 1, { 0 } },
	    { 'C', 0, 1, 0, { 0 } },
	    { 'R', 0, 1, 2, { 0 } },
	    { 'C', 1, 2, 0, { 0 } },
	    { 'R', 0, 2, 3, { 1 } } }, 5 },
	{ "responder, replaced before confirmation", {
	    { 'R', 0, 0, 1, { 0 } },
	    { 'R', 0, 0, 2, { 1 } } }, 2 },
	{ "initiator while next pending", {
	    { 'I', 0, 1, 0, { 0 } },
	    { 'R', 0, 1, 2, { 0 } },
	    { 'I', 2, 3, 0, { 1 } } }, 3 },
	{ "responder after initiator", {
	    { 'I', 0, 1, 0, { 0 } },
	    { 'I', 1, 2, 0, { 0 } },
	    { 'R', 0, 2, 3, { 1 } },
	    { 'C', 2, 3, 0, { 0 } } }, 4 },
};

static int
session_in(struct transport_slots *s, enum transport_slot w)
{
	struct transport_keypair *kp = transport_slot(s, w);

	return kp == NULL ? 0 : (int)kp->local_index;
}

static void
test_rotation(void **state)
{
	struct transport_slots s;
	struct noise_keys k;
	uint32_t dropped[3];
	unsigned nd, j;
	size_t r;
	int i, session, last_storage;

	(void)state;
	for (r = 0; r < sizeof(rotations) / sizeof(rotations[0]); r++) {
		transport_slots_init(&s);
		session = 0;
		last_storage = -1;
		for (i = 0; i < rotations[r].n; i++) {
			const struct rot_step *st = &rotations[r].steps[i];

			memset(&k, 0, sizeof(k));
			nd = 0;
			if (st->op == 'C') {
				assert_true(transport_slots_confirm(&s,
				    last_storage, dropped, &nd));
			} else {
				k.initiator = st->op == 'I';
				k.send[0] = (uint8_t)++session;
				last_storage = transport_slots_install(&s, &k,
				    (uint32_t)session, 0, dropped, &nd);
				assert_true(last_storage >= 0);
			}
			if (session_in(&s, TRANSPORT_PREVIOUS) != st->prev ||
			    session_in(&s, TRANSPORT_CURRENT) != st->cur ||
			    session_in(&s, TRANSPORT_NEXT) != st->next)
				fail_msg("%s step %d: got %d/%d/%d",
				    rotations[r].name, i,
				    session_in(&s, TRANSPORT_PREVIOUS),
				    session_in(&s, TRANSPORT_CURRENT),
				    session_in(&s, TRANSPORT_NEXT));
			for (j = 0; j < 3 && st->dropped[j] != 0; j++)
				assert_true(j < nd &&
				    dropped[j] == (uint32_t)st->dropped[j]);
			assert_int_equal(nd, j);
		}
		/* confirming a keypair that is not next does nothing */
		assert_false(transport_slots_confirm(&s, s.slot[TRANSPORT_CURRENT],
		    dropped, &nd));
		transport_slots_clear(&s, dropped, &nd);
		assert_null(transport_slot(&s, TRANSPORT_CURRENT));
		for (j = 0; j < 3; j++)
			assert_false(s.kp[j].in_use);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_counter_limit_and_capacity),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_rotation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
