/*
 * fuzz_wg_dev.c — libFuzzer harness for the device core (crypto/wgdev.c):
 * two devices joined by an in-memory network, driven by a script the
 * fuzzer writes: send payloads either way, deliver, drop, corrupt, replay
 * or reorder datagrams, inject raw bytes, run under load, let time pass,
 * fire timers and force rekeys.  Every datagram parser and state transition is
 * reachable with valid cryptography.  Invariants checked on every
 * delivery: a payload was really sent by the other side, arrives intact
 * (its bytes are a function of its id) and is never delivered twice —
 * whatever the network did.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/wgdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define QMAX	32
#define PKTMAX	512
#define IDMAX	4096

struct pkt {
	size_t		len;
	uint8_t		b[PKTMAX];
};

struct side {
	struct wgdev	*dev;
	struct wg_endpoint addr;
	uint32_t	peer;
	struct pkt	q[QMAX];
	unsigned	nq;
	uint64_t	rng;
	uint16_t	next_id;		/* ids this side sent */
	uint8_t		got[IDMAX / 8];		/* ids of the other it got */
};

static struct side s[2];
static struct pkt history[8];
static unsigned nhistory;
static struct wg_key priv[2], pub[2];

static void
fill(void *ctx, void *buf, size_t len)
{
	uint64_t *c = ctx;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*c = *c * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = (uint8_t)(*c >> 56);
	}
}

static void
net_send(void *ctx, const struct wg_endpoint *to, const uint8_t *p, size_t n)
{
	struct side *x = ctx;

	(void)to;
	if (x->nq == QMAX || n > PKTMAX)
		return;			/* the network drops it */
	x->q[x->nq].len = n;
	memcpy(x->q[x->nq].b, p, n);
	x->nq++;
}

static void
check_delivery(struct side *to, const uint8_t *p, size_t n)
{
	uint16_t id;
	size_t len, i;

	if (n < 4)
		abort();
	id = (uint16_t)(p[0] | p[1] << 8);
	len = (size_t)(p[2] | p[3] << 8);
	if (id >= IDMAX || id >= s[to == &s[0]].next_id || len > n)
		abort();		/* never sent */
	if (to->got[id / 8] & (1 << (id % 8)))
		abort();		/* delivered twice */
	to->got[id / 8] |= (uint8_t)(1 << (id % 8));
	for (i = 4; i < len; i++)
		if (p[i] != (uint8_t)(id + i))
			abort();	/* corrupted */
	for (; i < n; i++)
		if (p[i] != 0)
			abort();	/* padding is zeros */
}

static void
inject(struct side *to, const uint8_t *p, size_t n, unsigned flags,
    struct wg_now now)
{
	uint8_t buf[PKTMAX];
	struct wgdev_rx rx;

	if (n > sizeof(buf))
		n = sizeof(buf);
	memcpy(buf, p, n);
	if (wgdev_recv(to->dev, buf, n, &s[to == &s[0]].addr, flags, now,
	    &rx) == WGDEV_RECV_DATA) {
		if (rx.off + rx.len > n)
			abort();
		check_delivery(to, buf + rx.off, rx.len);
	}
}

static void
setup_keys(void)
{
	unsigned i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 32; j++)
			priv[i].b[j] = (uint8_t)(i * 64 + j + 1);
		key_clamp(&priv[i]);
		key_public(&pub[i], &priv[i]);
	}
}

static int
start(const struct wg_timing *t)
{
	struct wgdev_config cfg;
	unsigned i;

	memset(s, 0, sizeof(s));
	nhistory = 0;
	endpoint_parse(&s[0].addr, "10.0.0.1:1", 10);
	endpoint_parse(&s[1].addr, "10.0.0.2:2", 10);
	for (i = 0; i < 2; i++) {
		memset(&cfg, 0, sizeof(cfg));
		s[i].rng = i + 1;
		cfg.max_peers = 2;
		cfg.stage_slots = 8;
		cfg.payload_max = 256;
		cfg.timing = t;
		cfg.private_key = &priv[i];
		cfg.rng = (struct wg_rng){ fill, &s[i].rng };
		cfg.ops = (struct wgdev_ops){ net_send, NULL, &s[i] };
		s[i].dev = wgdev_new(&cfg);
		if (s[i].dev == NULL ||
		    wgdev_peer_add(s[i].dev, &pub[1 - i], &s[i].peer) != 0)
			return -1;
	}
	wgdev_peer_set_endpoint(s[0].dev, s[0].peer, &s[1].addr);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wg_timing t = wg_timing_default;
	struct wg_now now = { MONO_SEC(1000), 1700000000 * WG_WALL_SEC };
	uint8_t buf[WG_TRANSPORT_MIN_LEN + 256];
	size_t i = 0, k, len;
	monotime_t dt;

	if (pub[0].b[0] == 0)
		setup_keys();
	/* small counters so that message-count rekeys and limits happen */
	t.rekey_after_messages = 6;
	t.reject_after_messages = 12;
	if (start(&t) != 0)
		abort();
	while (i + 2 <= size) {
		uint8_t op = data[i], arg = data[i + 1];
		struct side *x = &s[op >> 7], *y = &s[!(op >> 7)];

		i += 2;
		switch (op & 0x7) {
		case 0:		/* x sends payload id, length arg */
			if (x->next_id >= IDMAX)
				break;
			len = 4 + arg % 200;
			memset(buf, 0, sizeof(buf));
			buf[16] = (uint8_t)x->next_id;
			buf[17] = (uint8_t)(x->next_id >> 8);
			buf[18] = (uint8_t)len;
			buf[19] = (uint8_t)(len >> 8);
			for (k = 4; k < len; k++)
				buf[16 + k] = (uint8_t)(x->next_id + k);
			x->next_id++;
			wgdev_send(x->dev, x->peer, buf, sizeof(buf), len,
			    (op & 0x8) ? WGDEV_SEND_PAD_MTU : WGDEV_SEND_PAD16,
			    now);
			break;
		case 1:		/* deliver x's packet arg, maybe corrupted */
		case 2:
			if (x->nq == 0)
				break;
			k = arg % x->nq;
			if ((op & 0x7) == 2 && x->q[k].len > 0)
				x->q[k].b[arg % x->q[k].len] ^=
				    (uint8_t)(1 << (op >> 4 & 7));
			history[nhistory++ % 8] = x->q[k];
			inject(y, x->q[k].b, x->q[k].len,
			    (op & 0x8) ? WGDEV_RECV_UNDER_LOAD : 0, now);
			x->q[k] = x->q[--x->nq];
			break;
		case 3:		/* the network drops x's packet arg */
			if (x->nq > 0) {
				k = arg % x->nq;
				x->q[k] = x->q[--x->nq];
			}
			break;
		case 4:		/* replay a delivered packet to y */
			if (nhistory > 0) {
				struct pkt *h = &history[arg %
				    (nhistory < 8 ? nhistory : 8)];

				inject(y, h->b, h->len, 0, now);
			}
			break;
		case 5:		/* time passes */
			dt = (op & 0x8) ? MONO_SEC(arg) : MONO_MS(arg * 10);
			now.mono += dt;
			now.wall += (uint64_t)dt;
			break;
		case 6:		/* timers, or a forced expiry (rekey) */
			if (op & 0x8)
				wgdev_peer_expire(x->dev, x->peer, now);
			else
				wgdev_tick(x->dev, now);
			break;
		case 7:		/* raw bytes from the script */
			len = arg;
			if (len > size - i)
				len = size - i;
			inject(y, data + i, len,
			    (op & 0x8) ? WGDEV_RECV_UNDER_LOAD : 0, now);
			i += len;
			break;
		}
	}
	wgdev_free(s[0].dev);
	wgdev_free(s[1].dev);
	return 0;
}
