/*
 * test_wgdev.c — crypto/wgdev.c driven end to end in memory: two devices
 * joined by a test network (ops.send queues datagrams, the test delivers
 * them with a source address).  Covers the digest's vectors at device
 * level (initiation, response, data and keepalives byte for byte), full
 * handshakes and data both ways, simultaneous initiations, replay, the
 * under-load cookie round, rekey on messages and on time, reject-after,
 * retransmission and give-up, keepalives, roaming, every receive-side
 * drop reason, staging bounds, padding, peer handles, and the UAPI face.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/uapi.h"
#include "crypto/wgdev.h"
#include "crypto/wgdev_uapi.h"
#include "tests/unit/wgtest.h"

#define S		MONO_SEC(1)
#define MS		MONO_MS(1)
#define WALL0		(UINT64_C(1700000000) * WG_WALL_SEC)
#define OUTQ		512

struct net_pkt {
	struct wg_endpoint to;
	size_t		len;
	uint8_t		data[2048];
};

struct node {
	struct wgdev	*dev;
	struct wg_endpoint addr;	/* the source of what it sends */
	uint32_t	peer;		/* its handle of the other node */
	struct wg_key	priv, pub;
	struct wgt_rng	rng;
	struct net_pkt	out[OUTQ];
	unsigned	nout;
	unsigned	events[WGDEV_EV_COUNT];
	unsigned	delivered;
	uint8_t		plain[2048];
	size_t		plain_len;
	int		last_rc;
	struct wgdev_rx	last_rx;
};

static struct node na, nb;
static struct wg_now now;

static void
net_send(void *ctx, const struct wg_endpoint *to, const uint8_t *pkt,
    size_t len)
{
	struct node *n = ctx;

	assert_true(n->nout < OUTQ);
	assert_true(len <= sizeof(n->out[0].data));
	n->out[n->nout].to = *to;
	n->out[n->nout].len = len;
	memcpy(n->out[n->nout].data, pkt, len);
	n->nout++;
}

static void
net_event(void *ctx, uint32_t peer, enum wgdev_event ev)
{
	struct node *n = ctx;

	(void)peer;
	n->events[ev]++;
}

/* Both clocks move on by dt >= 0. */
static void
advance(monotime_t dt)
{
	now.mono += dt;
	now.wall += (uint64_t)dt;
}

/* Jump both clocks to a monotonic deadline. */
static void
advance_to(monotime_t mono)
{
	assert_true(mono != MONO_NEVER && mono >= now.mono);
	advance(mono - now.mono);
}

/* One datagram into a node, from a source address. */
static int
inject(struct node *to, const uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, unsigned flags)
{
	uint8_t buf[2048];
	int rc;

	memcpy(buf, pkt, len);
	rc = wgdev_recv(to->dev, buf, len, src, flags, now, &to->last_rx);
	to->last_rc = rc;
	if (rc == WGDEV_RECV_DATA) {
		to->delivered++;
		to->plain_len = to->last_rx.len;
		memcpy(to->plain, buf + to->last_rx.off, to->last_rx.len);
	}
	return rc;
}

/* Deliver everything from queued so far; returns how many. */
static unsigned
deliver(struct node *from, struct node *to, unsigned flags)
{
	struct net_pkt *q;
	unsigned i, n = from->nout;

	q = malloc(n * sizeof(*q) + 1);
	assert_non_null(q);
	memcpy(q, from->out, n * sizeof(*q));
	from->nout = 0;
	for (i = 0; i < n; i++) {
		assert_true(endpoint_equal(&q[i].to, &to->addr));
		inject(to, q[i].data, q[i].len, &from->addr, flags);
	}
	free(q);
	return n;
}

static void
pump(void)
{
	unsigned rounds = 0;

	while (na.nout > 0 || nb.nout > 0) {
		deliver(&na, &nb, 0);
		deliver(&nb, &na, 0);
		assert_true(++rounds < 20);
	}
}

static void
node_init(struct node *n, const char *addr, const struct wg_timing *t,
    uint64_t seed)
{
	struct wgdev_config cfg;

	memset(n, 0, sizeof(*n));
	n->rng.counter = seed;
	assert_true(endpoint_parse(&n->addr, addr, strlen(addr)));
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_peers = 8;
	cfg.stage_slots = 200;
	cfg.timing = t;
	cfg.rng = (struct wg_rng){ wgt_rng_fill, &n->rng };
	cfg.ops = (struct wgdev_ops){ net_send, net_event, n };
	n->dev = wgdev_new(&cfg);
	assert_non_null(n->dev);
}

/* Two devices that know each other, A with B's endpoint configured. */
static void
pair(const struct wg_timing *t, const struct wg_key *psk)
{
	now.mono = 1000 * S;
	now.wall = WALL0;
	node_init(&na, "10.0.0.1:51820", t, 11);
	node_init(&nb, "10.0.0.2:51821", t, 22);
	key_generate(&na.priv, &wg_rng_default);
	key_generate(&nb.priv, &wg_rng_default);
	assert_int_equal(key_public(&na.pub, &na.priv), 0);
	assert_int_equal(key_public(&nb.pub, &nb.priv), 0);
	assert_int_equal(wgdev_set_private_key(na.dev, &na.priv, now), 0);
	assert_int_equal(wgdev_set_private_key(nb.dev, &nb.priv, now), 0);
	assert_int_equal(wgdev_peer_add(na.dev, &nb.pub, &na.peer), 0);
	assert_int_equal(wgdev_peer_add(nb.dev, &na.pub, &nb.peer), 0);
	assert_int_equal(wgdev_peer_set_endpoint(na.dev, na.peer, &nb.addr), 0);
	if (psk != NULL) {
		assert_int_equal(wgdev_peer_set_psk(na.dev, na.peer, psk), 0);
		assert_int_equal(wgdev_peer_set_psk(nb.dev, nb.peer, psk), 0);
	}
}

static void
unpair(void)
{
	wgdev_free(na.dev);
	wgdev_free(nb.dev);
	na.dev = nb.dev = NULL;
}

/* Send a payload of len bytes filled with tag from n to its peer. */
static int
send_payload(struct node *n, uint8_t tag, size_t len, unsigned flags)
{
	uint8_t buf[WG_TRANSPORT_MIN_LEN + 2048];

	memset(buf, 0, sizeof(buf));
	memset(buf + WG_TRANSPORT_HDR_LEN, tag, len);
	return wgdev_send(n->dev, n->peer, buf, sizeof(buf), len, flags, now);
}

/* A and B exchange one payload each way; asserts both arrive. */
static void
ping_pong(uint8_t tag)
{
	unsigned da = na.delivered, db = nb.delivered;

	assert_true(send_payload(&na, tag, 100, 0) >= 0);
	pump();
	assert_int_equal(nb.delivered, db + 1);
	assert_int_equal(nb.plain[0], tag);
	assert_true(send_payload(&nb, (uint8_t)(tag + 1), 100, 0) >= 0);
	pump();
	assert_int_equal(na.delivered, da + 1);
	assert_int_equal(na.plain[0], (uint8_t)(tag + 1));
}

/* ------------------------------------------------------------ vectors --- */

#define SI_PRIV "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e6f"
#define SR_PRIV "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f"
#define EI_PRIV "505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f"
#define ER_PRIV "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e4f"
#define PSK     "909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"

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

static void
test_vectors_device(void **state)
{
	static const uint8_t ii[4] = { 0x44, 0x33, 0x22, 0x11 };
	static const uint8_t ir[4] = { 0x88, 0x77, 0x66, 0x55 };
	struct wg_key k, psk;
	uint8_t want[148], inner[52], buf[128];

	(void)state;
	now.mono = 1000 * S;
	now.wall = WALL0;
	node_init(&na, "10.0.0.1:51820", NULL, 1);
	node_init(&nb, "10.0.0.2:51821", NULL, 2);
	wgt_key(&na.priv, SI_PRIV);
	wgt_key(&nb.priv, SR_PRIV);
	assert_int_equal(key_public(&na.pub, &na.priv), 0);
	assert_int_equal(key_public(&nb.pub, &nb.priv), 0);
	assert_int_equal(wgdev_set_private_key(na.dev, &na.priv, now), 0);
	assert_int_equal(wgdev_set_private_key(nb.dev, &nb.priv, now), 0);
	assert_int_equal(wgdev_peer_add(na.dev, &nb.pub, &na.peer), 0);
	assert_int_equal(wgdev_peer_add(nb.dev, &na.pub, &nb.peer), 0);
	assert_int_equal(wgdev_peer_set_endpoint(na.dev, na.peer, &nb.addr), 0);
	wgt_key(&psk, PSK);
	wgdev_peer_set_psk(na.dev, na.peer, &psk);
	wgdev_peer_set_psk(nb.dev, nb.peer, &psk);

	/* A stages the ICMP echo and initiates with I_i and Ei_priv. */
	wgt_rng_queue(&na.rng, ii, 4);
	wgt_key(&k, EI_PRIV);
	wgt_rng_queue(&na.rng, k.b, 32);
	wgt_hex(inner, sizeof(inner), inner_hex);
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 16, inner, sizeof(inner));
	assert_int_equal(wgdev_send(na.dev, na.peer, buf, sizeof(buf), 52,
	    WGDEV_SEND_PAD_MTU, now), WGDEV_STAGED);
	assert_int_equal(na.nout, 1);
	wgt_hex(want, 148, init_hex);
	assert_int_equal(na.out[0].len, 148);
	assert_memory_equal(na.out[0].data, want, 148);
	assert_int_equal(na.rng.mismatches, 0);

	/* B answers with I_r and Er_priv: the response vector. */
	wgt_rng_queue(&nb.rng, ir, 4);
	wgt_key(&k, ER_PRIV);
	wgt_rng_queue(&nb.rng, k.b, 32);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rc, WGDEV_RECV_DONE);
	assert_int_equal(nb.nout, 1);
	wgt_hex(want, 92, resp_hex);
	assert_memory_equal(nb.out[0].data, want, 92);
	assert_int_equal(nb.rng.mismatches, 0);

	/* A releases the staged packet: the data vector, counter 0. */
	deliver(&nb, &na, 0);
	assert_int_equal(na.events[WGDEV_EV_HANDSHAKE_COMPLETE], 1);
	assert_int_equal(na.nout, 1);
	wgt_hex(want, 96, data_hex);
	assert_int_equal(na.out[0].len, 96);
	assert_memory_equal(na.out[0].data, want, 96);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rc, WGDEV_RECV_DATA);
	assert_int_equal(nb.plain_len, 64);	/* padded; the IP layer trims */
	assert_memory_equal(nb.plain, inner, 52);
	assert_int_equal(nb.events[WGDEV_EV_HANDSHAKE_COMPLETE], 1);

	/* A's keepalive (an empty payload) is counter 1. */
	assert_int_equal(wgdev_send(na.dev, na.peer, buf, sizeof(buf), 0,
	    WGDEV_SEND_PAD_MTU, now), WGDEV_SENT);
	wgt_hex(want, 32, ka_i_hex);
	assert_memory_equal(na.out[0].data, want, 32);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rc, WGDEV_RECV_DONE);
	/* B heard data and said nothing: its passive keepalive in 10 s is
	 * its counter 0. */
	assert_int_equal(nb.nout, 0);
	advance(10 * S);
	wgdev_tick(nb.dev, now);
	assert_int_equal(nb.nout, 1);
	wgt_hex(want, 32, ka_r_hex);
	assert_memory_equal(nb.out[0].data, want, 32);
	deliver(&nb, &na, 0);
	assert_int_equal(na.last_rc, WGDEV_RECV_DONE);
	unpair();
}

/* -------------------------------------------------------- exchanges --- */

static void
test_handshake_and_data(void **state)
{
	struct wgdev_peer_info ia, ib;
	struct wg_key psk;

	(void)state;
	memset(&psk, 0x77, sizeof(psk));
	pair(NULL, &psk);
	assert_int_equal(send_payload(&na, 0xa1, 100, 0), WGDEV_STAGED);
	pump();
	assert_int_equal(nb.delivered, 1);
	assert_int_equal(nb.plain_len, 112);	/* padded to 16 */
	assert_int_equal(nb.plain[99], 0xa1);
	assert_int_equal(nb.plain[100], 0);
	ping_pong(0x10);
	ping_pong(0x20);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 1);
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 1);
	/* B learnt A's endpoint from the initiation */
	assert_int_equal(nb.events[WGDEV_EV_ENDPOINT_CHANGED], 1);
	assert_int_equal(wgdev_peer_info(na.dev, na.peer, &ia), 0);
	assert_int_equal(wgdev_peer_info(nb.dev, nb.peer, &ib), 0);
	assert_true(endpoint_equal(&ib.endpoint, &na.addr));
	assert_true(ia.has_session && ib.has_session);
	assert_true(ia.last_handshake_wall == WALL0);
	assert_true(ib.last_handshake_wall == WALL0);
	/* byte counters are whole datagrams and agree across the wire */
	assert_true(ia.tx_bytes == ib.rx_bytes);
	assert_true(ib.tx_bytes == ia.rx_bytes);
	/* an initiation and three payloads of 100 (padded to 112, plus 32
	 * of header and tag); a response and two payloads */
	assert_true(ia.tx_bytes == 148 + 3 * 144);
	assert_true(ib.tx_bytes == 92 + 2 * 144);
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_DECRYPT) == 0);
	unpair();
}

static void
test_wrong_psk(void **state)
{
	struct wg_key p1, p2;

	(void)state;
	memset(&p1, 1, sizeof(p1));
	memset(&p2, 2, sizeof(p2));
	pair(NULL, &p1);
	wgdev_peer_set_psk(nb.dev, nb.peer, &p2);
	send_payload(&na, 1, 10, 0);
	pump();
	assert_int_equal(nb.delivered, 0);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_HANDSHAKE) == 1);
	unpair();
}

static void
test_simultaneous_initiation(void **state)
{
	(void)state;
	pair(NULL, NULL);
	wgdev_peer_set_endpoint(nb.dev, nb.peer, &na.addr);
	send_payload(&na, 0x31, 40, 0);
	send_payload(&nb, 0x32, 40, 0);
	assert_int_equal(na.nout, 1);
	assert_int_equal(nb.nout, 1);
	/* Both initiations cross; each side answers the other's, which
	 * replaces its own pending handshake, so neither response finds a
	 * handshake to complete: two unconfirmed "next" keypairs. */
	pump();
	assert_int_equal(na.events[WGDEV_EV_RESPONSE_SENT], 1);
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 1);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_UNKNOWN_INDEX) == 1);
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_UNKNOWN_INDEX) == 1);
	assert_int_equal(na.delivered + nb.delivered, 0);
	/* Retransmission jitter makes one side retry first: its session is
	 * confirmed and both staged packets flow. */
	advance_to(wgdev_next_deadline(na.dev));
	wgdev_tick(na.dev, now);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 2);
	pump();
	assert_int_equal(nb.delivered, 1);
	assert_int_equal(nb.plain[0], 0x31);
	assert_int_equal(na.delivered, 1);
	assert_int_equal(na.plain[0], 0x32);
	/* B's own retry timer was cancelled by the completed handshake */
	advance(200 * MS);
	wgdev_tick(nb.dev, now);
	assert_int_equal(nb.events[WGDEV_EV_INITIATION_SENT], 1);
	ping_pong(0x40);
	unpair();
}

static void
test_replay_dropped(void **state)
{
	struct net_pkt copy;
	unsigned d;

	(void)state;
	pair(NULL, NULL);
	send_payload(&na, 1, 50, 0);
	pump();
	send_payload(&na, 2, 50, 0);
	assert_int_equal(na.nout, 1);
	copy = na.out[0];
	deliver(&na, &nb, 0);
	d = nb.delivered;
	assert_int_equal(nb.plain[0], 2);
	assert_int_equal(inject(&nb, copy.data, copy.len, &na.addr, 0),
	    WGDEV_RECV_DROP);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_REPLAY);
	assert_int_equal(nb.delivered, d);
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_REPLAY) == 1);
	/* a forged copy is refused before the window is touched */
	copy.data[40] ^= 1;
	assert_int_equal(inject(&nb, copy.data, copy.len, &na.addr, 0),
	    WGDEV_RECV_DROP);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_DECRYPT);
	unpair();
}

/*
 * A gateway pair's twin takes over with the same key (docs/proxy.md §13):
 * its clock 10 s behind the node that handshook last, its first
 * initiation is stale to the peer; stamped 30 s ahead (the takeover
 * margin, wgdev_set_stamp_floor) it is newer, and the peer's session is
 * the twin's.
 */
static void
test_takeover_stamp_floor(void **state)
{
	static struct node nc;
	uint64_t wall;

	(void)state;
	pair(NULL, NULL);
	advance(100 * S);
	send_payload(&na, 1, 50, 0);
	pump();
	assert_int_equal(nb.delivered, 1);
	wall = now.wall;
	wgdev_free(na.dev);
	na.dev = NULL;

	/* The twin: A's key and address, a clock 10 s behind. */
	node_init(&nc, "10.0.0.1:51820", NULL, 33);
	nc.priv = na.priv;
	assert_int_equal(wgdev_set_private_key(nc.dev, &nc.priv, now), 0);
	assert_int_equal(wgdev_peer_add(nc.dev, &nb.pub, &nc.peer), 0);
	assert_int_equal(wgdev_peer_set_endpoint(nc.dev, nc.peer, &nb.addr), 0);
	advance(1 * S);
	now.wall = wall + 1 * S - 10 * S;
	send_payload(&nc, 2, 50, 0);
	assert_int_equal(nc.nout, 1);
	now.wall = wall + 1 * S;
	deliver(&nc, &nb, 0);
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_STALE_TIMESTAMP) == 1);
	assert_int_equal(nb.delivered, 1);

	/* Stamped ahead: taken as newer, the staged payload gets through. */
	wgdev_set_stamp_floor(nc.dev, now.wall - 10 * S + 30 * S);
	advance(6 * S);		/* past rekey-timeout: a new initiation */
	now.wall -= 10 * S;
	wgdev_tick(nc.dev, now);
	assert_int_equal(nc.nout, 1);
	now.wall += 10 * S;
	while (nc.nout > 0 || nb.nout > 0) {
		deliver(&nc, &nb, 0);
		deliver(&nb, &nc, 0);
	}
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_STALE_TIMESTAMP) == 1);
	assert_int_equal(nb.delivered, 2);
	assert_int_equal(nb.plain[0], 2);
	wgdev_free(nc.dev);
	unpair();
}

static void
test_cookie_under_load(void **state)
{
	struct net_pkt init;
	struct wg_endpoint elsewhere;

	(void)state;
	pair(NULL, NULL);
	send_payload(&na, 0x61, 20, 0);
	assert_int_equal(na.nout, 1);
	init = na.out[0];
	/* B under load: a cookie reply, no response, no state */
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.last_rc, WGDEV_RECV_DONE);
	assert_int_equal(nb.events[WGDEV_EV_COOKIE_SENT], 1);
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 0);
	assert_int_equal(nb.nout, 1);
	assert_int_equal(nb.out[0].len, WG_COOKIE_REPLY_LEN);
	assert_true(endpoint_equal(&nb.out[0].to, &na.addr));
	deliver(&nb, &na, 0);
	assert_int_equal(na.events[WGDEV_EV_COOKIE_RECEIVED], 1);
	assert_int_equal(na.nout, 0);		/* no immediate resend */
	/* the same reply again: one cookie per mac1 */
	/* the retransmission carries mac2 and passes */
	advance(5 * S + 334 * MS);
	wgdev_tick(na.dev, now);
	assert_int_equal(na.nout, 1);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 2);
	assert_false(sodium_is_zero(na.out[0].data + WG_INITIATION_MAC2_OFF, 16));
	/* from another port the cookie does not fit: another cookie */
	assert_true(endpoint_parse(&elsewhere, "10.0.0.1:40000", 14));
	inject(&nb, na.out[0].data, na.out[0].len, &elsewhere,
	    WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.events[WGDEV_EV_COOKIE_SENT], 2);
	nb.nout = 0;
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 1);
	/* The reverse direction: A is under load too, and B's response has
	 * no mac2 (B holds no cookie from A): A answers with a cookie reply
	 * addressed to the response's sender index (B's new keypair). */
	deliver(&nb, &na, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(na.events[WGDEV_EV_COOKIE_SENT], 1);
	assert_int_equal(na.events[WGDEV_EV_HANDSHAKE_COMPLETE], 0);
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.events[WGDEV_EV_COOKIE_RECEIVED], 1);
	/* A's next retransmission: B answers it with mac2 this time, and
	 * both checks pass under load */
	advance_to(wgdev_next_deadline(na.dev));
	wgdev_tick(na.dev, now);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 3);
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 2);
	assert_false(sodium_is_zero(nb.out[0].data + WG_RESPONSE_MAC2_OFF, 16));
	deliver(&nb, &na, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(na.events[WGDEV_EV_HANDSHAKE_COMPLETE], 1);
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.delivered, 1);
	assert_int_equal(nb.plain[0], 0x61);
	/* the first initiation (no mac2) still gets only a cookie */
	inject(&nb, init.data, init.len, &na.addr, WGDEV_RECV_UNDER_LOAD);
	assert_int_equal(nb.events[WGDEV_EV_COOKIE_SENT], 3);
	/* not under load, mac2 is ignored: the old initiation is now merely
	 * a replay */
	nb.nout = 0;
	inject(&nb, init.data, init.len, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_STALE_TIMESTAMP);
	unpair();
}

static void
test_ratelimit_under_load(void **state)
{
	struct net_pkt init;
	unsigned i, passed = 0, limited = 0;

	(void)state;
	pair(NULL, NULL);
	/* get a cookie, then an initiation that carries mac2 */
	send_payload(&na, 1, 10, 0);
	deliver(&na, &nb, WGDEV_RECV_UNDER_LOAD);
	deliver(&nb, &na, 0);
	advance(5 * S + 1);
	wgdev_peer_initiate(na.dev, na.peer, now);
	assert_int_equal(na.nout, 1);
	init = na.out[0];
	na.nout = 0;
	/* the same source sends it 40 times, 10 ms apart: the bucket lets
	 * a burst of 5 through, then 20 per second (one in five) */
	for (i = 0; i < 40; i++) {
		advance(10 * MS);
		inject(&nb, init.data, init.len, &na.addr,
		    WGDEV_RECV_UNDER_LOAD);
		if (nb.last_rx.drop == WGDEV_DROP_RATELIMIT)
			limited++;
		else
			passed++;
	}
	assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 1);
	assert_int_equal(nb.events[WGDEV_EV_COOKIE_SENT], 1);
	assert_true(passed >= 5 + 6 && passed <= 5 + 9);
	assert_int_equal(passed + limited, 40);
	unpair();
}

static void
test_rekey_after_messages(void **state)
{
	struct wg_timing t = wg_timing_default;
	unsigned i;

	(void)state;
	t.rekey_after_messages = 10;
	t.reject_after_messages = 15;
	pair(&t, NULL);
	send_payload(&na, 0, 10, 0);
	pump();
	/* (an initiation may only follow the last one after 5 s) */
	advance(6 * S);
	for (i = 1; i <= 11; i++) {
		assert_true(send_payload(&na, (uint8_t)i, 10, 0) >= 0);
		deliver(&na, &nb, 0);
	}
	/* counter 11 > 10: a new handshake went out with the 12th packet */
	assert_int_equal(na.events[WGDEV_EV_REKEY], 1);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 2);
	pump();
	assert_int_equal(na.events[WGDEV_EV_HANDSHAKE_COMPLETE], 2);
	assert_int_equal(nb.delivered, 12);
	/* the new session carries on; the old one would have hit 15 */
	for (i = 0; i < 10; i++) {
		assert_int_equal(send_payload(&na, 0x80, 10, 0), WGDEV_SENT);
		deliver(&na, &nb, 0);
	}
	assert_int_equal(nb.delivered, 22);
	unpair();
}

static void
test_rekey_and_reject_after_time(void **state)
{
	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	/* the responder never rekeys on age */
	advance(121 * S);
	send_payload(&nb, 5, 10, 0);
	assert_int_equal(nb.events[WGDEV_EV_REKEY], 0);
	assert_int_equal(nb.nout, 1);
	deliver(&nb, &na, 0);
	assert_int_equal(na.last_rc, WGDEV_RECV_DATA);
	/* the initiator does, on its next send */
	na.nout = 0;
	send_payload(&na, 6, 10, 0);
	assert_int_equal(na.events[WGDEV_EV_REKEY], 1);
	assert_int_equal(na.nout, 2);		/* data, then the initiation */
	pump();
	assert_int_equal(na.events[WGDEV_EV_HANDSHAKE_COMPLETE], 2);
	unpair();

	pair(NULL, NULL);
	ping_pong(1);
	/* past reject-after-time nothing old is used: B drops what A
	 * encrypted with the stale keypair, A queues and rehandshakes */
	advance(180 * S);
	{
		struct net_pkt stale;

		/* a datagram A made just before expiry (it also starts a
		 * rekey: A initiated the session) */
		now.mono -= 1;
		send_payload(&na, 7, 10, 0);
		now.mono += 1;
		assert_int_equal(na.nout, 2);
		assert_int_equal(na.out[0].len, 48);
		stale = na.out[0];
		na.nout = 0;
		inject(&nb, stale.data, stale.len, &na.addr, 0);
		assert_int_equal(nb.last_rx.drop, WGDEV_DROP_EXPIRED);
	}
	/* nothing usable: the payload waits for the next handshake, which
	 * the initiation rate allows 5 s after the last */
	advance(5 * S);
	assert_int_equal(send_payload(&na, 8, 10, 0), WGDEV_STAGED);
	pump();
	assert_int_equal(nb.plain[0], 8);
	unpair();
}

static void
test_retransmit_give_up_zero(void **state)
{
	unsigned i;
	struct wgdev_peer_info info;

	(void)state;
	pair(NULL, NULL);
	for (i = 0; i < 3; i++)
		send_payload(&na, (uint8_t)i, 10, 0);
	assert_int_equal(na.nout, 1);
	/* nobody answers: retries every 5 s + jitter until give-up */
	for (i = 0; i < 200 && na.events[WGDEV_EV_GIVE_UP] == 0; i++) {
		advance_to(wgdev_next_deadline(na.dev));
		wgdev_tick(na.dev, now);
	}
	assert_int_equal(na.events[WGDEV_EV_GIVE_UP], 1);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT],
	    1 + WG_MAX_TIMER_HANDSHAKES + 1);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_GAVE_UP) == 3);
	assert_int_equal(wgdev_peer_info(na.dev, na.peer, &info), 0);
	assert_int_equal(info.nstaged, 0);
	/* the next thing that happens is the zero-key timer, then quiet */
	advance_to(wgdev_next_deadline(na.dev));
	wgdev_tick(na.dev, now);
	assert_int_equal(na.events[WGDEV_EV_KEYS_ZEROED], 1);
	assert_true(wgdev_next_deadline(na.dev) == MONO_NEVER);
	unpair();
}

static void
test_keepalives(void **state)
{
	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	send_payload(&na, 2, 10, 0);
	deliver(&na, &nb, 0);
	/* B received data and sent nothing: keepalive after 10 s */
	advance(10 * S - 1);
	wgdev_tick(nb.dev, now);
	assert_int_equal(nb.nout, 0);
	advance(1);
	wgdev_tick(nb.dev, now);
	assert_int_equal(nb.nout, 1);
	assert_int_equal(nb.out[0].len, WG_KEEPALIVE_LEN);
	deliver(&nb, &na, 0);
	assert_int_equal(na.last_rc, WGDEV_RECV_DONE);
	/* A sent data and heard only a keepalive... which is authenticated:
	 * no new-handshake timer fires */
	advance(20 * S);
	wgdev_tick(na.dev, now);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 1);
	/* persistent keepalive: turning it on sends one at once */
	assert_int_equal(wgdev_peer_set_keepalive(na.dev, na.peer, 25, now), 0);
	assert_int_equal(na.nout, 1);
	deliver(&na, &nb, 0);
	advance(25 * S);
	wgdev_tick(na.dev, now);
	assert_int_equal(na.nout, 1);
	assert_int_equal(na.out[0].len, WG_KEEPALIVE_LEN);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rc, WGDEV_RECV_DONE);
	unpair();
}

static void
test_new_handshake_when_unanswered(void **state)
{
	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	/* A sends data that B never sees, and hears nothing for 15 s */
	send_payload(&na, 2, 10, 0);
	na.nout = 0;
	advance(15 * S + 334 * MS);
	wgdev_tick(na.dev, now);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 2);
	unpair();
}

static void
test_roaming(void **state)
{
	struct wg_endpoint moved, forged;
	struct wgdev_peer_info info;
	unsigned i;

	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	/* A's packets now come from another port */
	assert_true(endpoint_parse(&moved, "10.0.0.1:40000", 14));
	send_payload(&na, 3, 10, 0);
	inject(&nb, na.out[0].data, na.out[0].len, &moved, 0);
	na.nout = 0;
	assert_int_equal(nb.last_rc, WGDEV_RECV_DATA);
	assert_int_equal(wgdev_peer_info(nb.dev, nb.peer, &info), 0);
	assert_true(endpoint_equal(&info.endpoint, &moved));
	send_payload(&nb, 4, 10, 0);
	assert_true(endpoint_equal(&nb.out[0].to, &moved));
	nb.nout = 0;
	/* an unauthenticated packet from elsewhere moves nothing */
	assert_true(endpoint_parse(&forged, "192.0.2.66:1", 12));
	send_payload(&na, 5, 10, 0);
	na.out[0].data[20] ^= 1;
	inject(&nb, na.out[0].data, na.out[0].len, &forged, 0);
	na.nout = 0;
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_DECRYPT);
	assert_int_equal(wgdev_peer_info(nb.dev, nb.peer, &info), 0);
	assert_true(endpoint_equal(&info.endpoint, &moved));
	/* nor does garbage of every type */
	for (i = 1; i <= 4; i++) {
		uint8_t junk[148];

		memset(junk, 0x5a, sizeof(junk));
		junk[0] = (uint8_t)i;
		junk[1] = junk[2] = junk[3] = 0;
		inject(&nb, junk, i == 1 ? 148 : i == 2 ? 92 : i == 3 ? 64 : 100,
		    &forged, 0);
		assert_int_equal(nb.last_rc, WGDEV_RECV_DROP);
	}
	assert_int_equal(wgdev_peer_info(nb.dev, nb.peer, &info), 0);
	assert_true(endpoint_equal(&info.endpoint, &moved));
	unpair();
}

static void
test_drop_reasons(void **state)
{
	struct wgdev *c;
	struct wgdev_config cfg;
	struct wg_key ck;
	uint32_t cp;
	uint8_t buf[256];

	(void)state;
	pair(NULL, NULL);
	/* short, bad type, bad reserved byte, wrong sizes */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(inject(&nb, buf, 3, &na.addr, 0), WGDEV_RECV_DROP);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_MALFORMED);
	buf[0] = 5;
	inject(&nb, buf, 64, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_MALFORMED);
	buf[0] = 1;
	inject(&nb, buf, 147, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_MALFORMED);
	buf[0] = 4;
	buf[1] = 1;
	inject(&nb, buf, 64, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_MALFORMED);
	buf[1] = 0;
	/* transport with an index nobody gave out */
	inject(&nb, buf, 64, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_UNKNOWN_INDEX);
	buf[0] = 3;
	inject(&nb, buf, 64, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_UNKNOWN_INDEX);
	/* an initiation with a bad mac1 */
	send_payload(&na, 1, 10, 0);
	na.out[0].data[WG_INITIATION_MAC1_OFF] ^= 1;
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_MAC1);

	/* a third device C that B does not know */
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = (struct wgdev_ops){ net_send, NULL, &na };
	key_generate(&ck, &wg_rng_default);
	cfg.private_key = &ck;
	c = wgdev_new(&cfg);
	assert_non_null(c);
	assert_int_equal(wgdev_peer_add(c, &nb.pub, &cp), 0);
	assert_int_equal(wgdev_peer_set_endpoint(c, cp, &nb.addr), 0);
	na.nout = 0;
	assert_int_equal(wgdev_peer_initiate(c, cp, now), 0);
	assert_int_equal(na.nout, 1);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_UNKNOWN_PEER);
	/* C's initiation sent to A (wrong responder): mac1 fails there */
	assert_int_equal(wgdev_peer_set_endpoint(c, cp, &na.addr), 0);
	advance(6 * S);
	wgdev_peer_initiate(c, cp, now);
	assert_int_equal(na.nout, 1);
	inject(&na, na.out[0].data, na.out[0].len, &nb.addr, 0);
	na.nout = 0;
	assert_int_equal(na.last_rx.drop, WGDEV_DROP_MAC1);
	wgdev_free(c);

	/* without a private key no handshake is even looked at */
	assert_int_equal(wgdev_set_private_key(nb.dev, NULL, now), 0);
	advance(6 * S);
	na.nout = 0;
	wgdev_peer_initiate(na.dev, na.peer, now);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_NO_KEY);
	unpair();
}

static void
test_flood_and_replayed_initiation(void **state)
{
	struct net_pkt first;

	(void)state;
	pair(NULL, NULL);
	wgdev_peer_initiate(na.dev, na.peer, now);
	first = na.out[0];
	deliver(&na, &nb, 0);
	nb.nout = 0;
	/* replaying the initiation: refused by its timestamp */
	inject(&nb, first.data, first.len, &na.addr, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_STALE_TIMESTAMP);
	/* a fresh initiation 10 ms after the last accepted one: flood
	 * (A's own rate limit is 5 s; a second device with the same key
	 * plays the impatient initiator) */
	{
		struct node c;
		uint32_t cp;

		node_init(&c, "10.0.0.1:51820", NULL, 99);
		assert_int_equal(wgdev_set_private_key(c.dev, &na.priv, now), 0);
		assert_int_equal(wgdev_peer_add(c.dev, &nb.pub, &cp), 0);
		assert_int_equal(wgdev_peer_set_endpoint(c.dev, cp, &nb.addr), 0);
		now.wall += 100 * WG_WALL_SEC / 1000;	/* a later TAI64N */
		now.mono += 10 * MS;
		assert_int_equal(wgdev_peer_initiate(c.dev, cp, now), 0);
		inject(&nb, c.out[0].data, c.out[0].len, &na.addr, 0);
		assert_int_equal(nb.last_rx.drop, WGDEV_DROP_FLOOD);
		now.mono += 10 * MS;
		inject(&nb, c.out[0].data, c.out[0].len, &na.addr, 0);
		assert_int_equal(nb.last_rc, WGDEV_RECV_DONE);
		assert_int_equal(nb.events[WGDEV_EV_RESPONSE_SENT], 2);
		wgdev_free(c.dev);
	}
	unpair();
}

static void
test_staging_bounds(void **state)
{
	struct wgdev_peer_info info;
	unsigned i;

	(void)state;
	pair(NULL, NULL);
	for (i = 0; i < WG_STAGED_PER_PEER + 2; i++)
		assert_int_equal(send_payload(&na, (uint8_t)i, 20, 0),
		    WGDEV_STAGED);
	assert_int_equal(wgdev_peer_info(na.dev, na.peer, &info), 0);
	assert_int_equal(info.nstaged, WG_STAGED_PER_PEER);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_STAGE_FULL) == 2);
	/* the oldest went: the first delivered is packet 2 */
	pump();
	assert_int_equal(nb.delivered, WG_STAGED_PER_PEER);
	assert_int_equal(nb.plain[0], (uint8_t)(WG_STAGED_PER_PEER + 1));
	/* too big for the device */
	assert_int_equal(send_payload(&na, 1, 1421, 0), -1);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_TOO_BIG) == 1);
	unpair();
}

static void
test_padding_modes(void **state)
{
	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	assert_int_equal(wgdev_pad16(13), 3);
	assert_int_equal(wgdev_pad16(16), 0);
	assert_int_equal(wgdev_pad16(0), 0);
	send_payload(&na, 9, 13, WGDEV_SEND_PAD16);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.plain_len, 16);
	/* WireGuard mode caps padding at the MTU (1420) */
	send_payload(&na, 9, 1410, WGDEV_SEND_PAD_MTU);
	assert_int_equal(na.out[0].len, 1420 + 32);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.plain_len, 1420);
	send_payload(&na, 9, 1410, WGDEV_SEND_PAD16);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.plain_len, 1424);	/* VAN mode: not capped */
	unpair();
}

static void
test_no_endpoint_and_roles(void **state)
{
	(void)state;
	pair(NULL, NULL);
	/* B has no endpoint for A: it cannot initiate, only answer */
	assert_int_equal(send_payload(&nb, 1, 10, 0), WGDEV_STAGED);
	assert_int_equal(nb.nout, 0);
	assert_true(wgdev_drops(nb.dev, WGDEV_DROP_NO_ENDPOINT) >= 1);
	/* once A initiates, B learns the endpoint; its staged packet waits
	 * for the confirmation of the new session, then goes */
	wgdev_peer_initiate(na.dev, na.peer, now);
	pump();
	assert_int_equal(na.delivered, 1);
	assert_int_equal(na.plain[0], 1);
	unpair();
}

static void
test_handles(void **state)
{
	struct wg_key k, zero;
	uint32_t id, id2, cur = 0;
	unsigned n = 0;
	uint8_t buf[64];

	(void)state;
	pair(NULL, NULL);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(wgdev_peer_add(na.dev, &nb.pub, &id), -1);	/* dup */
	assert_int_equal(wgdev_peer_add(na.dev, &na.pub, &id), -1);	/* own */
	assert_int_equal(wgdev_peer_add(na.dev, &zero, &id), -1);
	key_generate(&k, &wg_rng_default);
	assert_int_equal(wgdev_peer_add(na.dev, &k, &id), 0);
	assert_true(wgdev_peer_find(na.dev, &k, &id2) && id2 == id);
	wgdev_peer_set_user(na.dev, id, &n);
	assert_ptr_equal(wgdev_peer_user(na.dev, id), &n);
	while (wgdev_peer_next(na.dev, &cur, &id2))
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(wgdev_peer_count(na.dev), 2);
	wgdev_peer_remove(na.dev, id);
	/* the old handle is stale even when the slot is reused */
	assert_int_equal(wgdev_peer_add(na.dev, &k, &id2), 0);
	assert_int_not_equal(id, id2);
	assert_null(wgdev_peer_user(na.dev, id));
	assert_int_equal(wgdev_peer_set_psk(na.dev, id, &k), -1);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(wgdev_send(na.dev, id, buf, sizeof(buf), 4, 0, now),
	    -1);
	assert_true(wgdev_drops(na.dev, WGDEV_DROP_NO_PEER) == 1);
	/* removing a peer with a session frees its indices: traffic to
	 * the old session is now unknown */
	ping_pong(1);
	send_payload(&na, 1, 10, 0);
	wgdev_peer_remove(nb.dev, nb.peer);
	deliver(&na, &nb, 0);
	assert_int_equal(nb.last_rx.drop, WGDEV_DROP_UNKNOWN_INDEX);
	unpair();
}

static void
test_expire_and_key_change(void **state)
{
	struct wg_key k2, pub2;

	(void)state;
	pair(NULL, NULL);
	ping_pong(1);
	/* forced expiry: the next payload rehandshakes at once (a second
	 * later: B wants a newer TAI64N than the last initiation's) */
	advance(S);
	assert_int_equal(wgdev_peer_expire(na.dev, na.peer, now), 0);
	assert_int_equal(send_payload(&na, 2, 10, 0), WGDEV_STAGED);
	assert_int_equal(na.events[WGDEV_EV_INITIATION_SENT], 2);
	pump();
	assert_int_equal(nb.plain[0], 2);
	/* B changes its key: A's handshakes fail until A learns it */
	key_generate(&k2, &wg_rng_default);
	assert_int_equal(key_public(&pub2, &k2), 0);
	assert_int_equal(wgdev_set_private_key(nb.dev, &k2, now), 0);
	assert_int_equal(wgdev_set_private_key(nb.dev, &k2, now), 0);
	advance(6 * S);
	send_payload(&nb, 3, 10, 0);		/* B's sessions expired */
	assert_int_equal(nb.events[WGDEV_EV_INITIATION_SENT], 1);
	nb.nout = 0;
	wgdev_peer_remove(na.dev, na.peer);
	assert_int_equal(wgdev_peer_add(na.dev, &pub2, &na.peer), 0);
	assert_int_equal(wgdev_peer_set_endpoint(na.dev, na.peer, &nb.addr), 0);
	/* A's new handshake releases B's staged payload too */
	send_payload(&na, 0x30, 10, 0);
	pump();
	assert_int_equal(nb.plain[0], 0x30);
	assert_int_equal(na.plain[0], 3);
	ping_pong(0x40);
	unpair();
}

/* ------------------------------------------------------------- UAPI --- */

static void
test_uapi(void **state)
{
	struct uapi_set *set = calloc(1, sizeof(*set));
	char req[2048], *big, *one;
	char pa[65], pb[65], psk_hex[65];
	struct uapi_out o;
	enum uapi_op op;
	struct wg_key psk, k;
	uint32_t cursor, id;
	size_t bigl = 0, i;
	int rc, len;

	(void)state;
	assert_non_null(set);
	pair(NULL, NULL);
	key_to_hex(pb, &nb.pub);
	key_to_hex(pa, &na.pub);
	memset(&psk, 0x42, sizeof(psk));
	key_to_hex(psk_hex, &psk);
	/* configure A's peer B through the UAPI, as `wg set` would */
	wgdev_peer_remove_all(na.dev);
	len = snprintf(req, sizeof(req), "set=1\nlisten_port=51820\n"
	    "public_key=%s\npreshared_key=%s\nendpoint=10.0.0.2:51821\n"
	    "replace_allowed_ips=true\nallowed_ip=10.232.0.2/32\n"
	    "public_key=%s\n\n", pb, psk_hex, pa);
	assert_int_equal(uapi_parse(req, (size_t)len, &op, set), 0);
	assert_int_equal(wgdev_uapi_set(na.dev, set, now), 0);
	assert_int_equal(wgdev_peer_count(na.dev), 1);	/* own key ignored */
	assert_true(wgdev_peer_find(na.dev, &nb.pub, &na.peer));
	assert_int_equal(wgdev_listen_port(na.dev), 51820);
	wgdev_peer_set_psk(nb.dev, nb.peer, &psk);
	ping_pong(7);

	/* get: one peer, counters as the device counts them */
	big = calloc(1, 64 * 1024);
	one = calloc(1, UAPI_CHUNK);
	assert_non_null(big);
	assert_non_null(one);
	cursor = 0;
	uapi_out_init(&o, big, 64 * 1024);
	assert_int_equal(wgdev_uapi_get(na.dev, &o, &cursor), 0);
	big[o.len] = '\0';
	assert_non_null(strstr(big, "listen_port=51820\n"));
	assert_non_null(strstr(big, "endpoint=10.0.0.2:51821\n"));
	assert_non_null(strstr(big, "last_handshake_time_sec=1700000000\n"));
	assert_non_null(strstr(big, "allowed_ip=10.232.0.2/32\n"));
	assert_non_null(strstr(big, psk_hex));
	assert_true(o.len > 8 && memcmp(big + o.len - 9, "errno=0\n\n", 9) == 0);
	assert_non_null(strstr(big, "private_key="));

	/* many peers come out in chunks that add up to the same text */
	for (i = 0; i < 5; i++) {
		key_generate(&k, &wg_rng_default);
		assert_int_equal(key_public(&k, &k), 0);
		assert_int_equal(wgdev_peer_add(na.dev, &k, &id), 0);
		for (rc = 0; rc < WG_ALLOWED_IPS_MAX; rc++) {
			struct wg_prefix p = { .family = AF_INET, .cidr = 32 };

			p.addr[0] = 10;
			p.addr[1] = (uint8_t)i;
			p.addr[3] = (uint8_t)rc;
			assert_int_equal(wgdev_peer_add_allowed(na.dev, id, &p), 0);
		}
	}
	cursor = 0;
	uapi_out_init(&o, big, 64 * 1024);
	assert_int_equal(wgdev_uapi_get(na.dev, &o, &cursor), 0);
	bigl = o.len;
	cursor = 0;
	{
		size_t acc = 0;
		char *joined = calloc(1, 64 * 1024);
		int chunks = 0;

		assert_non_null(joined);
		do {
			uapi_out_init(&o, one, UAPI_CHUNK);
			rc = wgdev_uapi_get(na.dev, &o, &cursor);
			assert_true(rc >= 0);
			memcpy(joined + acc, one, o.len);
			acc += o.len;
			chunks++;
		} while (rc == 1);
		assert_true(chunks > 1);
		assert_int_equal(acc, bigl);
		assert_memory_equal(joined, big, bigl);
		free(joined);
	}

	/* bounds are checked before anything changes */
	len = snprintf(req, sizeof(req), "set=1\nreplace_peers=true\n"
	    "public_key=%s\n\n", "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(uapi_parse(req, (size_t)len, &op, set), 0);
	assert_int_equal(wgdev_uapi_set(na.dev, set, now), -EINVAL);
	assert_int_equal(wgdev_peer_count(na.dev), 6);
	/* remove, update_only */
	len = snprintf(req, sizeof(req), "set=1\npublic_key=%s\nremove=true\n"
	    "public_key=%s\nupdate_only=true\nendpoint=1.2.3.4:5\n\n", pb, psk_hex);
	assert_int_equal(uapi_parse(req, (size_t)len, &op, set), 0);
	assert_int_equal(wgdev_uapi_set(na.dev, set, now), 0);
	assert_int_equal(wgdev_peer_count(na.dev), 5);
	assert_false(wgdev_peer_find(na.dev, &nb.pub, &id));
	assert_false(wgdev_peer_find(na.dev, &psk, &id));
	/* replace_peers empties the device */
	len = snprintf(req, sizeof(req), "set=1\nreplace_peers=true\n\n");
	assert_int_equal(uapi_parse(req, (size_t)len, &op, set), 0);
	assert_int_equal(wgdev_uapi_set(na.dev, set, now), 0);
	assert_int_equal(wgdev_peer_count(na.dev), 0);
	/* more peers than the device holds: -ENOSPC, nothing added */
	bigl = (size_t)snprintf(big, 64 * 1024, "set=1\n");
	for (i = 0; i < 9; i++) {
		key_generate(&k, &wg_rng_default);
		key_to_hex(pa, &k);
		bigl += (size_t)snprintf(big + bigl, 64 * 1024 - bigl,
		    "public_key=%s\n", pa);
	}
	bigl += (size_t)snprintf(big + bigl, 64 * 1024 - bigl, "\n");
	assert_int_equal(uapi_parse(big, bigl, &op, set), 0);
	assert_int_equal(wgdev_uapi_set(na.dev, set, now), -ENOSPC);
	assert_int_equal(wgdev_peer_count(na.dev), 0);
	free(big);
	free(one);
	free(set);
	unpair();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_device),
		cmocka_unit_test(test_handshake_and_data),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_simultaneous_initiation),
		cmocka_unit_test(test_replay_dropped),
		cmocka_unit_test(test_takeover_stamp_floor),
		cmocka_unit_test(test_cookie_under_load),
		cmocka_unit_test(test_ratelimit_under_load),
		cmocka_unit_test(test_rekey_after_messages),
		cmocka_unit_test(test_rekey_and_reject_after_time),
		cmocka_unit_test(test_retransmit_give_up_zero),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_new_handshake_when_unanswered),
		cmocka_unit_test(test_roaming),
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_flood_and_replayed_initiation),
		cmocka_unit_test(test_staging_bounds),
		cmocka_unit_test(test_padding_modes),
		cmocka_unit_test(test_no_endpoint_and_roles),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_expire_and_key_change),
		cmocka_unit_test(test_uapi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
