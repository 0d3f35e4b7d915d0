/*
 * test_udp.c — the send batch's coalescing over loopback: trains of equal
 * datagrams to one address become one UDP_SEGMENT message and arrive as
 * the same datagrams in the same order (or merged, to a UDP_GRO reader);
 * what may not be merged is not (another address, tag, shape, a longer
 * datagram, one after a shorter one, the size limits); a refused
 * coalesced send is sent again datagram by datagram, and after
 * UDP_GSO_STRIKES refusals the socket stops coalescing; each datagram
 * that cannot go is reported once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>

#include "edge/udp.h"

struct pair {
	struct udp_sock		tx, rx;
	struct sockaddr_in	to;
	struct udp_rx		r;
	struct udp_tx		b;
	uint32_t		errors;
	uint32_t		error_tag;
};

static void
on_error(uint32_t tag, int err, void *arg)
{
	struct pair *p = arg;

	(void)err;
	p->errors++;
	p->error_tag = tag;
}

static void
open_loop(struct udp_sock *u)
{
	struct van_addr a = { .family = 4, .ip = { 127, 0, 0, 1 }, .port = 0 };
	const char *e;

	assert_int_equal(udp_open(u, &a, &e), 0);
}

/* A sender and a receiver on 127.0.0.1; gro: the receiver merges. */
static struct pair *
pair_new(bool gro)
{
	struct pair *p = calloc(1, sizeof(*p));
	socklen_t len = sizeof(p->to);

	assert_non_null(p);
	open_loop(&p->tx);
	open_loop(&p->rx);
	if (!gro) {
		assert_int_equal(setsockopt(p->rx.fd, SOL_UDP, UDP_GRO, &(int){ 0 },
		    sizeof(int)), 0);
		p->rx.gro = false;
	}
	assert_int_equal(getsockname(p->rx.fd, (struct sockaddr *)&p->to, &len), 0);
	assert_int_equal(udp_rx_init(&p->r), 0);
	udp_tx_init(&p->b, on_error, p);
	return p;
}

static void
pair_free(struct pair *p)
{
	udp_rx_free(&p->r);
	udp_close(&p->tx);
	udp_close(&p->rx);
	free(p);
}

/* Datagram k of a test: its own bytes. */
static void
fill(uint8_t *buf, size_t len, unsigned k)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(k * 31 + i);
}

/* The next n datagrams the receiver gets (a merged read is split). */
static void
expect(struct pair *p, unsigned n, const size_t *lens, unsigned first_k,
    unsigned *reads)
{
	uint8_t want[2000];
	unsigned got = 0;

	*reads = 0;
	while (got < n) {
		struct pollfd pfd = { p->rx.fd, POLLIN, 0 };
		int r, i;

		assert_int_equal(poll(&pfd, 1, 2000), 1);
		r = udp_recv(&p->rx, &p->r);
		assert_true(r > 0);
		for (i = 0; i < r; i++) {
			size_t len = p->r.msg[i].msg_len, off = 0;
			size_t seg = p->r.seg[i] ? p->r.seg[i] : len;

			(*reads)++;
			do {
				size_t l = len - off < seg ? len - off : seg;

				assert_true(got < n);
				assert_int_equal(l, lens[got]);
				fill(want, l, first_k + got);
				assert_memory_equal(p->r.buf[i] + off, want, l);
				got++;
			} while ((off += seg) < len);
		}
	}
}

static void
add(struct pair *p, uint8_t (*bufs)[2000], const size_t *lens, unsigned n,
    size_t hdrlen, uint32_t tag)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		fill(bufs[k], lens[k], k);
		udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&p->to, sizeof(p->to),
		    hdrlen ? bufs[k] : NULL, hdrlen, bufs[k] + hdrlen,
		    lens[k] - hdrlen, tag);
	}
}

static void
test_train_is_one_send(void **state)
{
	static uint8_t bufs[12][2000];
	struct pair *p = pair_new(false);
	size_t lens[12];
	unsigned k, reads;

	(void)state;
	for (k = 0; k < 11; k++)
		lens[k] = 1000;
	lens[11] = 500;			/* the last may be shorter */
	add(p, bufs, lens, 12, 12, 7);	/* header and frame: two iovecs each */
	assert_int_equal(p->b.n, 1);
	assert_int_equal(p->b.m[0].count, 12);
	udp_tx_flush(&p->tx, &p->b);
	assert_int_equal(p->b.gso_sends, 1);
	assert_int_equal(p->b.datagrams, 12);
	assert_int_equal(p->errors, 0);
	expect(p, 12, lens, 0, &reads);
	assert_int_equal(reads, 12);	/* no GRO: the kernel cut them */
	pair_free(p);
}

static void
test_gro_reader_gets_one_read(void **state)
{
	static uint8_t bufs[20][2000];
	struct pair *p = pair_new(true);
	size_t lens[20];
	unsigned k, reads;

	(void)state;
	if (!p->rx.gro) {
		pair_free(p);
		skip();
	}
	for (k = 0; k < 20; k++)
		lens[k] = 1400;
	add(p, bufs, lens, 20, 0, 1);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, 20, lens, 0, &reads);
	assert_int_equal(reads, 1);
	assert_int_equal(p->r.seg[0], 1400);
	pair_free(p);
}

static void
test_what_is_not_merged(void **state)
{
	static uint8_t bufs[8][2000];
	struct pair *p = pair_new(false);
	struct sockaddr_in other = { .sin_family = AF_INET, .sin_port = htons(9),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	/* longer than the first; after a shorter one; equal again */
	size_t lens[5] = { 800, 900, 600, 800, 800 };
	unsigned reads;

	(void)state;
	add(p, bufs, lens, 5, 0, 1);
	/* 800 | 900 600 | 800 800 */
	assert_int_equal(p->b.n, 3);
	assert_int_equal(p->b.m[0].count, 1);
	assert_int_equal(p->b.m[1].count, 2);
	assert_int_equal(p->b.m[2].count, 2);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, 5, lens, 0, &reads);

	/* Another tag, another address, another shape: a new message each. */
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&p->to, sizeof(p->to), NULL, 0,
	    bufs[0], 100, 1);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&p->to, sizeof(p->to), NULL, 0,
	    bufs[1], 100, 2);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&other, sizeof(other), NULL, 0,
	    bufs[2], 100, 2);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&other, sizeof(other), bufs[3], 10,
	    bufs[3] + 10, 90, 2);
	assert_int_equal(p->b.n, 4);
	/* The same address in another buffer is the same address. */
	memcpy(bufs[4], &other, sizeof(other));
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)bufs[4], sizeof(other), bufs[5], 10,
	    bufs[5] + 10, 90, 2);
	assert_int_equal(p->b.n, 4);
	assert_int_equal(p->b.m[3].count, 2);
	p->b.n = 0;			/* not sent */
	p->b.niov = 0;
	pair_free(p);
}

static void
test_limits(void **state)
{
	static uint8_t bufs[200][2000];
	struct pair *p = pair_new(false);
	size_t lens[200];
	unsigned k, reads, total = 0;

	(void)state;
	for (k = 0; k < 200; k++)
		lens[k] = 1000;
	add(p, bufs, lens, 100, 0, 1);
	/* 64 segments at most (UDP_GSO_SEGS), then the rest. */
	assert_int_equal(p->b.n, 2);
	assert_int_equal(p->b.m[0].count, UDP_GSO_SEGS);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, 100, lens, 0, &reads);
	/* 1400-byte datagrams: UDP_GSO_BYTES limits first. */
	for (k = 0; k < 60; k++)
		lens[k] = 1400;
	add(p, bufs, lens, 60, 0, 1);
	for (k = 0; k < p->b.n; k++) {
		assert_true(p->b.m[k].bytes <= UDP_GSO_BYTES);
		total += p->b.m[k].count;
	}
	assert_int_equal(total, 60);
	assert_int_equal(p->b.m[0].count, UDP_GSO_BYTES / 1400);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, 60, lens, 0, &reads);
	/* A full batch of single datagrams is sent when one more comes. */
	for (k = 0; k < UDP_BATCH + 1; k++)
		lens[k] = 100 + k;	/* each longer: none merge */
	add(p, bufs, lens, UDP_BATCH + 1, 0, 1);
	assert_int_equal(p->b.n, 1);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, UDP_BATCH + 1, lens, 0, &reads);
	pair_free(p);
}

static void
test_refused_gso_goes_one_by_one(void **state)
{
	static uint8_t bufs[10][2000];
	struct pair *p = pair_new(false);
	size_t lens[10];
	unsigned k, round, reads;

	(void)state;
	/* Without UDP checksums the kernel refuses UDP_SEGMENT (EINVAL). */
	assert_int_equal(setsockopt(p->tx.fd, SOL_SOCKET, SO_NO_CHECK, &(int){ 1 },
	    sizeof(int)), 0);
	for (k = 0; k < 10; k++)
		lens[k] = 700;
	for (round = 0; round < UDP_GSO_STRIKES; round++) {
		assert_true(p->tx.gso);
		add(p, bufs, lens, 10, 0, 3);
		assert_int_equal(p->b.n, 1);
		udp_tx_flush(&p->tx, &p->b);
		assert_int_equal(p->b.gso_fallbacks, round + 1);
		assert_int_equal(p->errors, 0);	/* every datagram went */
		expect(p, 10, lens, 0, &reads);
	}
	/* Refused UDP_GSO_STRIKES times in a row: no more coalescing. */
	assert_false(p->tx.gso);
	add(p, bufs, lens, 10, 0, 3);
	assert_int_equal(p->b.n, 10);
	udp_tx_flush(&p->tx, &p->b);
	expect(p, 10, lens, 0, &reads);
	assert_int_equal(p->b.gso_sends, 0);
	pair_free(p);
}

static void
test_error_counted_per_datagram(void **state)
{
	static uint8_t bufs[5][2000];
	struct pair *p = pair_new(false);
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	unsigned k;

	(void)state;
	/* An IPv4 socket cannot send to an IPv6 address. */
	for (k = 0; k < 5; k++)
		udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&v6, sizeof(v6), NULL, 0,
		    bufs[k], 600, 42);
	assert_int_equal(p->b.n, 1);
	udp_tx_flush(&p->tx, &p->b);
	assert_int_equal(p->errors, 5);
	assert_int_equal(p->error_tag, 42);
	assert_true(p->tx.gso);		/* not the option's fault */
	/* Alone, too. */
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&v6, sizeof(v6), NULL, 0,
	    bufs[0], 600, 43);
	udp_tx_flush(&p->tx, &p->b);
	assert_int_equal(p->errors, 6);
	assert_int_equal(p->error_tag, 43);
	pair_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_is_one_send),
		cmocka_unit_test(test_gro_reader_gets_one_read),
		cmocka_unit_test(test_what_is_not_merged),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_refused_gso_goes_one_by_one),
		cmocka_unit_test(test_error_counted_per_datagram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
