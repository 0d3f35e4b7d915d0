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

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "edge/rim/udp.h"

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
		    NULL, hdrlen ? bufs[k] : NULL, hdrlen, bufs[k] + hdrlen,
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
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&p->to, sizeof(p->to),
	    NULL, NULL, 0, bufs[0], 100, 1);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&p->to, sizeof(p->to),
	    NULL, NULL, 0, bufs[1], 100, 2);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&other, sizeof(other),
	    NULL, NULL, 0, bufs[2], 100, 2);
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&other, sizeof(other),
	    NULL, bufs[3], 10, bufs[3] + 10, 90, 2);
	assert_int_equal(p->b.n, 4);
	/* The same address in another buffer is the same address. */
	memcpy(bufs[4], &other, sizeof(other));
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)bufs[4], sizeof(other),
	    NULL, bufs[5], 10, bufs[5] + 10, 90, 2);
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
		udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&v6, sizeof(v6),
		    NULL, NULL, 0, bufs[k], 600, 42);
	assert_int_equal(p->b.n, 1);
	udp_tx_flush(&p->tx, &p->b);
	assert_int_equal(p->errors, 5);
	assert_int_equal(p->error_tag, 42);
	assert_true(p->tx.gso);		/* not the option's fault */
	/* Alone, too. */
	udp_tx_add(&p->tx, &p->b, (struct sockaddr *)&v6, sizeof(v6),
	    NULL, NULL, 0, bufs[0], 600, 43);
	udp_tx_flush(&p->tx, &p->b);
	assert_int_equal(p->errors, 6);
	assert_int_equal(p->error_tag, 43);
	pair_free(p);
}

/*
 * The sticky source.  A socket bound to every address (family 0: both
 * families; else 0.0.0.0) hears from a plain socket on 127.0.0.1 that
 * called one of loopback's other addresses (all of 127.0.0.0/8 is local).
 */
struct local_pair {
	struct udp_sock		u;
	struct udp_rx		r;
	struct udp_tx		b;
	int			peer;		/* the caller */
	struct sockaddr_storage	peer_sa;	/* as u sees it */
	socklen_t		peer_len;
	uint16_t		port;		/* u's */
	unsigned		errors;
};

static void
local_error(uint32_t tag, int err, void *arg)
{
	struct local_pair *l = arg;

	(void)tag;
	(void)err;
	l->errors++;
}

static struct local_pair *
local_new(uint8_t family)
{
	struct local_pair *l = calloc(1, sizeof(*l));
	struct van_addr a = { .family = family, .port = 0 };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const char *e;

	assert_non_null(l);
	l->peer = -1;
	if (udp_open(&l->u, &a, &e) == -1) {
		free(l);
		return NULL;		/* no IPv6 here */
	}
	assert_false(l->u.local);
	assert_int_equal(udp_want_local(&l->u), 0);
	assert_int_equal(getsockname(l->u.fd, (struct sockaddr *)&ss, &len), 0);
	l->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	assert_int_equal(udp_rx_init(&l->r), 0);
	udp_tx_init(&l->b, local_error, l);
	return l;
}

static void
local_free(struct local_pair *l)
{
	udp_rx_free(&l->r);
	udp_close(&l->u);
	if (l->peer != -1)
		close(l->peer);
	free(l);
}

/* A new caller (on 127.0.0.1 or ::1) sends to `to` at u's port. */
static void
local_call(struct local_pair *l, int family, const char *to)
{
	struct sockaddr_storage ss;
	struct pollfd pfd = { l->u.fd, POLLIN, 0 };
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(l->port);
		assert_int_equal(inet_pton(AF_INET, to, &s4->sin_addr), 1);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(l->port);
		assert_int_equal(inet_pton(AF_INET6, to, &s6->sin6_addr), 1);
		len = sizeof(*s6);
	}
	if (l->peer != -1)
		close(l->peer);
	l->peer = socket(family, SOCK_DGRAM, 0);
	assert_true(l->peer != -1);
	assert_int_equal(sendto(l->peer, "hello", 5, 0, (struct sockaddr *)&ss,
	    len), 5);
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(udp_recv(&l->u, &l->r), 1);
	l->peer_len = l->r.msg[0].msg_hdr.msg_namelen;
	memcpy(&l->peer_sa, &l->r.from[0], l->peer_len);
}

static void
local_str(const struct udp_local *lo, char *out, size_t outlen)
{
	assert_true(lo->family == AF_INET || lo->family == AF_INET6);
	assert_non_null(inet_ntop(lo->family, &lo->addr, out, (socklen_t)outlen));
}

/* n datagrams from u to the caller, from src. */
static void
local_answer(struct local_pair *l, const struct udp_local *src, unsigned n)
{
	static uint8_t buf[1000];
	unsigned k;

	for (k = 0; k < n; k++)
		udp_tx_add(&l->u, &l->b, (struct sockaddr *)&l->peer_sa,
		    l->peer_len, src, NULL, 0, buf, sizeof(buf), 5);
	udp_tx_flush(&l->u, &l->b);
}

/* The caller gets n datagrams, each from the address `from`. */
static void
check_answers(struct local_pair *l, unsigned n, const char *from)
{
	char got[INET6_ADDRSTRLEN], buf[2000];
	unsigned k;

	for (k = 0; k < n; k++) {
		struct sockaddr_storage ss;
		struct pollfd pfd = { l->peer, POLLIN, 0 };
		socklen_t len = sizeof(ss);
		const void *ip;

		assert_int_equal(poll(&pfd, 1, 2000), 1);
		assert_true(recvfrom(l->peer, buf, sizeof(buf), 0,
		    (struct sockaddr *)&ss, &len) > 0);
		ip = ss.ss_family == AF_INET ?
		    (const void *)&((struct sockaddr_in *)&ss)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
		assert_non_null(inet_ntop(ss.ss_family, ip, got, sizeof(got)));
		assert_string_equal(got, from);
	}
}

static void
test_local_is_sticky(void **state)
{
	static const uint8_t families[2] = { 4, 0 };
	struct udp_local src, none = { 0 };
	char s[INET6_ADDRSTRLEN];
	unsigned f;

	(void)state;
	for (f = 0; f < 2; f++) {
		struct local_pair *l = local_new(families[f]);

		if (l == NULL) {
			assert_int_equal(families[f], 0);
			continue;
		}
		/* Called at 127.0.0.9: that is where it came to. */
		local_call(l, AF_INET, "127.0.0.9");
		src = l->r.local[0];
		local_str(&src, s, sizeof(s));
		assert_string_equal(s, "127.0.0.9");
		assert_int_equal(src.ifindex, 0);
		/* Answered from there, alone and coalesced; the kernel's
		 * own choice is 127.0.0.1. */
		local_answer(l, &src, 1);
		check_answers(l, 1, "127.0.0.9");
		local_answer(l, &src, 4);
		assert_int_equal(l->b.gso_sends, 1);
		check_answers(l, 4, "127.0.0.9");
		local_answer(l, &none, 1);
		check_answers(l, 1, "127.0.0.1");
		local_answer(l, NULL, 1);
		check_answers(l, 1, "127.0.0.1");
		assert_int_equal(l->b.src_fallbacks, 0);
		assert_int_equal(l->errors, 0);
		if (families[f] == 0) {
			/* A dual-stack socket: IPv6 too. */
			local_call(l, AF_INET6, "::1");
			src = l->r.local[0];
			local_str(&src, s, sizeof(s));
			assert_string_equal(s, "::1");
			local_answer(l, &src, 3);
			check_answers(l, 3, "::1");
			assert_int_equal(l->b.src_fallbacks, 0);
		}
		local_free(l);
	}
}

static void
test_local_not_merged(void **state)
{
	struct local_pair *l = local_new(4);
	static uint8_t buf[1000];
	struct udp_local a, b;
	unsigned k;

	(void)state;
	local_call(l, AF_INET, "127.0.0.9");
	a = l->r.local[0];
	b = a;
	b.addr.in4.s_addr = htonl(0x7f00000a);	/* 127.0.0.10 */
	for (k = 0; k < 6; k++)
		udp_tx_add(&l->u, &l->b, (struct sockaddr *)&l->peer_sa,
		    l->peer_len, k < 3 ? &a : &b, NULL, 0, buf, sizeof(buf), 5);
	assert_int_equal(l->b.n, 2);		/* a message per source */
	udp_tx_flush(&l->u, &l->b);
	assert_int_equal(l->b.gso_sends, 2);
	check_answers(l, 3, "127.0.0.9");
	check_answers(l, 3, "127.0.0.10");
	local_free(l);
}

static void
test_local_gone(void **state)
{
	struct local_pair *l = local_new(4);
	struct udp_local gone;

	(void)state;
	local_call(l, AF_INET, "127.0.0.9");
	gone = l->r.local[0];
	/* Not an address of this host (any more): sent from the kernel's
	 * choice instead, and counted; not an error, not the option's fault. */
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &gone.addr.in4), 1);
	local_answer(l, &gone, 1);
	check_answers(l, 1, "127.0.0.1");
	assert_int_equal(l->b.src_fallbacks, 1);
	local_answer(l, &gone, 5);
	check_answers(l, 5, "127.0.0.1");
	assert_int_equal(l->b.src_fallbacks, 2);
	assert_int_equal(l->b.gso_fallbacks, 0);
	assert_true(l->u.gso);
	assert_int_equal(l->u.gso_strikes, 0);
	assert_int_equal(l->errors, 0);
	local_free(l);
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
		cmocka_unit_test(test_local_is_sticky),
		cmocka_unit_test(test_local_not_merged),
		cmocka_unit_test(test_local_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
