/*
 * crypto_bench.c — one-core throughput of the crypto/ engine, for
 * tests/bench/crypto.sh (which prints it beside shared/bench/cryptolimit.c):
 *
 *   handshake/noise     initiation built, mac1 checked, opened and accepted,
 *                       response built, mac1 checked and consumed: one full
 *                       Noise_IKpsk2 handshake, keys derived on both sides
 *   handshake/device    the same between two struct wgdev in memory, with
 *                       index tables, keypair slots, timers, and the
 *                       confirming keepalive encrypted and decrypted
 *   transport/keypair   1420-byte payload: transport_encrypt, then
 *                       transport_decrypt and the replay window
 *   transport/device    1420-byte payload: wgdev_send, then wgdev_recv
 *
 * Transport figures are payload Gbit/s of encrypt+decrypt done in turn on
 * one core (so comparable with 1 / (1/enc + 1/dec) of the AEAD alone).
 * Output: a readable line per case and a "TSV<TAB>name<TAB>value" line.
 *
 *   crypto-bench [SECONDS_PER_CASE]   (default 1.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/cookie.h"
#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/noise.h"
#include "crypto/transport.h"
#include "crypto/wgdev.h"

#define PAYLOAD	1420

static double secs_per_case = 1.0;

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
report(const char *name, const char *unit, double value)
{
	printf("%-22s %12.3f %s\n", name, value, unit);
	printf("TSV\t%s\t%.6f\n", name, value);
}

static void
die(const char *what)
{
	fprintf(stderr, "crypto-bench: %s failed\n", what);
	exit(1);
}

/* ------------------------------------------------------ noise level --- */

static void
bench_noise(void)
{
	struct noise_local li, lr;
	struct noise_peer pi, pr;
	struct cookie_maker mi, mr;
	struct cookie_checker ci, cr;
	struct message_initiation m1;
	struct message_response m2;
	struct noise_opened o;
	struct noise_keys ki, kr;
	struct wg_key k, e;
	uint8_t init[WG_INITIATION_LEN], resp[WG_RESPONSE_LEN], ts[12];
	const struct wg_timing *t = &wg_timing_default;
	uint64_t n = 0;
	double t0, el = 0;

	key_generate(&k, &wg_rng_default);
	noise_local_set(&li, &k);
	key_generate(&k, &wg_rng_default);
	noise_local_set(&lr, &k);
	noise_peer_init(&pi, &li, &lr.pub, NULL);
	noise_peer_init(&pr, &lr, &li.pub, NULL);
	cookie_maker_init(&mi, &lr.pub);
	cookie_maker_init(&mr, &li.pub);
	cookie_checker_init(&ci, &li.pub);
	cookie_checker_init(&cr, &lr.pub);
	t0 = now_s();
	do {
		/* initiator */
		key_generate(&e, &wg_rng_default);
		noise_tai64n((n + 1) * WG_WALL_SEC, ts);
		if (noise_initiation_create(&pi, &li, &e, (uint32_t)n, ts,
		    &m1) != NOISE_OK)
			die("initiation");
		message_encode_initiation(init, &m1);
		cookie_add_macs(&mi, init, sizeof(init), 0, t);
		/* responder */
		if (!cookie_check_mac1(&cr, init, sizeof(init)) ||
		    !message_decode_initiation(init, sizeof(init), &m1) ||
		    noise_initiation_open(&lr, &m1, &o) != NOISE_OK ||
		    noise_initiation_accept(&pr, &o, &m1, (monotime_t)n, 0) !=
		    NOISE_OK)
			die("consume initiation");
		key_generate(&e, &wg_rng_default);
		if (noise_response_create(&pr, &e, (uint32_t)n + 1, &m2,
		    &kr) != NOISE_OK)
			die("response");
		message_encode_response(resp, &m2);
		cookie_add_macs(&mr, resp, sizeof(resp), 0, t);
		/* initiator */
		if (!cookie_check_mac1(&ci, resp, sizeof(resp)) ||
		    !message_decode_response(resp, sizeof(resp), &m2) ||
		    noise_response_consume(&pi, &li, &m2, &ki) != NOISE_OK ||
		    sodium_memcmp(ki.send, kr.recv, 32) != 0)
			die("consume response");
		n++;
		el = now_s() - t0;
	} while (el < secs_per_case);
	report("handshake/noise", "handshakes/s", (double)n / el);
}

/* ----------------------------------------------------- device level --- */

struct outq {
	uint8_t		pkt[2048];
	size_t		len;
	unsigned	n;
};

static void
q_send(void *ctx, const struct wg_endpoint *to, const uint8_t *p, size_t len)
{
	struct outq *q = ctx;

	(void)to;
	if (len <= sizeof(q->pkt)) {
		memcpy(q->pkt, p, len);
		q->len = len;
		q->n++;
	}
}

struct pair {
	struct wgdev	*a, *b;
	uint32_t	pa, pb;
	struct outq	qa, qb;
	struct wg_endpoint ea, eb;
};

static void
pair_new(struct pair *p)
{
	struct wgdev_config cfg;
	struct wg_key ka, kb, pa, pb;

	memset(p, 0, sizeof(*p));
	key_generate(&ka, &wg_rng_default);
	key_generate(&kb, &wg_rng_default);
	key_public(&pa, &ka);
	key_public(&pb, &kb);
	endpoint_parse(&p->ea, "10.0.0.1:1", 10);
	endpoint_parse(&p->eb, "10.0.0.2:2", 10);
	memset(&cfg, 0, sizeof(cfg));
	cfg.private_key = &ka;
	cfg.ops = (struct wgdev_ops){ q_send, NULL, &p->qa };
	p->a = wgdev_new(&cfg);
	cfg.private_key = &kb;
	cfg.ops = (struct wgdev_ops){ q_send, NULL, &p->qb };
	p->b = wgdev_new(&cfg);
	if (p->a == NULL || p->b == NULL ||
	    wgdev_peer_add(p->a, &pb, &p->pa) != 0 ||
	    wgdev_peer_add(p->b, &pa, &p->pb) != 0 ||
	    wgdev_peer_set_endpoint(p->a, p->pa, &p->eb) != 0)
		die("device setup");
	key_wipe(&ka);
	key_wipe(&kb);
}

/* Deliver the last datagram src queued to dst. */
static int
hop(struct wgdev *dst, struct outq *q, const struct wg_endpoint *from,
    struct wg_now now, struct wgdev_rx *rx)
{
	if (q->n == 0)
		die("nothing queued");
	q->n = 0;
	return wgdev_recv(dst, q->pkt, q->len, from, 0, now, rx);
}

static void
bench_device_handshake(void)
{
	struct pair p;
	struct wgdev_rx rx;
	struct wg_now now = { MONO_SEC(1000), 1700000000 * WG_WALL_SEC };
	uint64_t n = 0;
	double t0, el = 0;

	pair_new(&p);
	t0 = now_s();
	do {
		/* virtual time: past the 5 s initiation rate, newer TAI64N */
		now.mono += MONO_SEC(6);
		now.wall += 6 * WG_WALL_SEC;
		if (wgdev_peer_initiate(p.a, p.pa, now) != 0)
			die("initiate");
		hop(p.b, &p.qa, &p.ea, now, &rx);		/* initiation */
		hop(p.a, &p.qb, &p.eb, now, &rx);		/* response */
		if (hop(p.b, &p.qa, &p.ea, now, &rx) != WGDEV_RECV_DONE)
			die("keepalive");			/* confirms */
		n++;
		el = now_s() - t0;
	} while (el < secs_per_case);
	report("handshake/device", "handshakes/s", (double)n / el);
	wgdev_free(p.a);
	wgdev_free(p.b);
}

static double
gbits(uint64_t n, double el)
{
	return (double)n * PAYLOAD * 8 / el / 1e9;
}

static void
bench_transport_keypair(void)
{
	struct transport_keypair a, b;
	struct message_transport m;
	static uint8_t buf[WG_TRANSPORT_MIN_LEN + PAYLOAD + 16];
	size_t len, plen;
	uint64_t n = 0;
	double t0, el = 0;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	randombytes_buf(a.send_key, 32);
	memcpy(b.recv_key, a.send_key, 32);
	replay_init(&b.replay);
	randombytes_buf(buf, sizeof(buf));
	t0 = now_s();
	do {
		if (transport_encrypt(&a, buf, sizeof(buf), PAYLOAD,
		    transport_padded_len(PAYLOAD, PAYLOAD),
		    WG_REJECT_AFTER_MESSAGES, &len) != 0 ||
		    !message_decode_transport(buf, len, &m) ||
		    transport_decrypt(&b, buf, len, &m, &plen) != 0 ||
		    !replay_check(&b.replay, m.counter, WG_REJECT_AFTER_MESSAGES))
			die("transport");
		n++;
		if ((n & 63) == 0 && (el = now_s() - t0) >= secs_per_case)
			break;
	} while (1);
	report("transport/keypair", "Gbit/s", gbits(n, el));
}

static void
bench_transport_device(void)
{
	struct pair p;
	struct wgdev_rx rx;
	struct wg_now now = { MONO_SEC(1000), 1700000000 * WG_WALL_SEC };
	static uint8_t buf[WG_TRANSPORT_MIN_LEN + PAYLOAD + 16];
	uint64_t n = 0;
	double t0, el = 0;

	pair_new(&p);
	wgdev_peer_initiate(p.a, p.pa, now);
	hop(p.b, &p.qa, &p.ea, now, &rx);
	hop(p.a, &p.qb, &p.eb, now, &rx);
	hop(p.b, &p.qa, &p.ea, now, &rx);
	randombytes_buf(buf, sizeof(buf));
	t0 = now_s();
	do {
		if (wgdev_send(p.a, p.pa, buf, sizeof(buf), PAYLOAD,
		    WGDEV_SEND_PAD_MTU, now) != WGDEV_SENT ||
		    hop(p.b, &p.qa, &p.ea, now, &rx) != WGDEV_RECV_DATA ||
		    rx.len != PAYLOAD)
			die("device transport");
		n++;
		if ((n & 63) == 0 && (el = now_s() - t0) >= secs_per_case)
			break;
	} while (1);
	report("transport/device", "Gbit/s", gbits(n, el));
	wgdev_free(p.a);
	wgdev_free(p.b);
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		secs_per_case = atof(argv[1]);
		if (secs_per_case <= 0 || secs_per_case > 60) {
			fprintf(stderr, "usage: crypto-bench [SECONDS (0-60]]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	printf("crypto/ engine, libsodium %s, %.2f s per case, one thread\n",
	    sodium_version_string(), secs_per_case);
	bench_noise();
	bench_device_handshake();
	bench_transport_keypair();
	bench_transport_device();
	return 0;
}
