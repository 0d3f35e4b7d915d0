/*
 * test_site.c — edge/rim/site.c without a socket: a real bridge
 * (bridge_new), a receive batch filled as recvmmsg and UDP GRO would fill
 * it, and the bridge's sends recorded instead of sent.  site_input finds
 * the member of each datagram (by address and port; an IPv4-mapped source
 * is the IPv4 member), cuts a GRO datagram into its messages (the last
 * one shorter), takes an empty datagram for one short message, says who
 * knocked without being a member (the last such sender), skips a source
 * that is no address; the address a datagram came to is `listen`'s, or
 * with per-member local addresses the datagram's own, noted for a member
 * only by a HELLO the bridge accepted.  site_members_apply makes the
 * bridge's members the configuration's: the ones gone removed, the ones
 * kept in their slots, the new ones added with their socket addresses
 * (IPv4 or dual-stack) and our address as `listen` says; one that cannot
 * be added skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "edge/rim/site.h"

static struct bridge	*b;
static struct bridge_out out;
static struct udp_rx	rx;
static struct van_addr	listen_on, m0_addr, m1_addr;
static int		m0, m1;
static unsigned		sent_hello, sent_join;	/* what the bridge sent */
static monotime_t	now;

static void
flush(struct bridge_out *o, void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < o->n; i++) {
		if (o->act[i].kind != BRIDGE_ACT_MEMBER)
			continue;
		sent_hello += o->act[i].type == WIRE_HELLO;
		sent_join += o->act[i].type == WIRE_JOIN;
	}
	o->n = 0;
	o->arena_used = 0;
}

static struct van_addr
addr(const char *s)
{
	struct van_addr a;
	const char *err;

	assert_true(addr_parse(s, 4797, &a, &err));
	return a;
}

static int
setup(void **state)
{
	struct bridge_conf c = { .fdb_max = 1024, .hello_ms = 1000, .dead_count = 3,
	    .epoch = 42 };
	const char *err;

	(void)state;
	log_init("test_site", LOG_LVL_ERR);
	memset(c.hashkey, 7, sizeof(c.hashkey));
	listen_on = addr("10.0.0.1");
	c.self = listen_on;
	assert_non_null(b = bridge_new(&c));
	bridge_out_init(&out, flush, NULL);
	assert_int_equal(bridge_van_add(b, 100, "blue", &err), 0);
	m0_addr = addr("10.0.0.2");
	m1_addr = addr("[2001:db8::3]:4797");
	assert_true((m0 = bridge_member_add(b, &out, &m0_addr, 0, &err)) >= 0);
	assert_true((m1 = bridge_member_add(b, &out, &m1_addr, 0, &err)) >= 0);
	assert_int_equal(udp_rx_init(&rx), 0);
	sent_hello = sent_join = 0;
	now = MONO_SEC(10);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	udp_rx_free(&rx);
	bridge_free(b);
	return 0;
}

/* Datagram i of the batch: from a (as a socket reports it), len bytes. */
static void
datagram(int i, const struct van_addr *a, bool v6sock, const uint8_t *p, size_t len,
    uint16_t seg)
{
	rx.msg[i].msg_hdr.msg_namelen = (socklen_t)addr_to_sockaddr(a, v6sock,
	    &rx.from[i]);
	rx.msg[i].msg_len = (unsigned)len;
	rx.seg[i] = seg;
	memset(&rx.local[i], 0, sizeof(rx.local[i]));
	memcpy(rx.buf[i], p, len);
}

static size_t
hello(uint8_t *out_msg, uint64_t epoch)
{
	struct wire_hdr hd = { .type = WIRE_HELLO, .hop = WIRE_HOP_DEFAULT };
	struct wire_hello h = { .epoch = epoch, .interval_ms = 1000 };

	return wire_encode_hello(out_msg, WIRE_CTL_MAX, &hd, &h);
}

static size_t
join(uint8_t *out_msg, uint32_t van)
{
	struct wire_hdr hd = { .type = WIRE_JOIN, .hop = WIRE_HOP_DEFAULT, .src_van = van,
	    .dst_van = van };

	return wire_encode_empty(out_msg, WIRE_CTL_MAX, &hd);
}

static const struct member_stats *
mstats(int m)
{
	struct bridge_member_view v;

	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	return v.stats;
}

static enum member_state
mstate(int m)
{
	struct bridge_member_view v;

	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	return v.state;
}

/* Members by address and port; a stranger is said, the last one. */
static void
test_members_and_strangers(void **state)
{
	struct van_addr stranger, s1 = addr("10.0.0.9"), s2 = addr("10.0.0.2:4798");
	struct van_addr untouched = addr("192.0.2.99");
	uint8_t h[WIRE_CTL_MAX];
	size_t n = hello(h, 5);

	(void)state;
	datagram(0, &m0_addr, false, h, n, 0);
	datagram(1, &s1, false, h, n, 0);
	datagram(2, &m1_addr, true, h, n, 0);
	datagram(3, &s2, false, h, n, 0);	/* a member's address, another port */
	stranger = untouched;
	assert_true(site_input(b, &out, &rx, 4, now, &listen_on, &stranger, NULL));
	flush(&out, NULL);
	assert_true(addr_eq(&stranger, &s2));
	assert_int_equal(bridge_global_stats(b)->drops[DROP_NOT_MEMBER], 2);
	assert_int_equal(mstate(m0), MEMBER_ALIVE);
	assert_int_equal(mstate(m1), MEMBER_ALIVE);
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_HELLO], 1);
	/* Members only: no knock, the stranger left as it was. */
	stranger = untouched;
	datagram(0, &m1_addr, true, h, n, 0);
	assert_false(site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL));
	assert_true(addr_eq(&stranger, &untouched));
	assert_int_equal(mstats(m1)->rx_msgs[WIRE_HELLO], 2);
	/* An IPv4 member through a dual-stack socket (IPv4-mapped): the member. */
	datagram(0, &m0_addr, true, h, n, 0);
	assert_false(site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL));
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_HELLO], 2);
	/* A source that is no address: skipped, counted nowhere. */
	datagram(0, &m0_addr, false, h, n, 0);
	rx.from[0].ss_family = AF_UNIX;
	assert_false(site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL));
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_HELLO], 2);
	assert_int_equal(bridge_global_stats(b)->drops[DROP_NOT_MEMBER], 2);
	/* n = 0: nothing read. */
	assert_false(site_input(b, &out, &rx, 0, now, &listen_on, &stranger, NULL));
}

/* A GRO datagram is its messages, seg bytes each, the last shorter. */
static void
test_gro(void **state)
{
	uint8_t buf[4 * WIRE_CTL_MAX], msg[WIRE_CTL_MAX];
	struct van_addr stranger;
	size_t hl = hello(msg, 5), jl, len = 0;

	(void)state;
	memcpy(buf, msg, hl);
	memcpy(buf + hl, msg, hl);
	len = 2 * hl;
	jl = join(msg, 100);
	assert_true(jl < hl);
	memcpy(buf + len, msg, jl);
	len += jl;
	/* Two HELLOs and a JOIN, GRO-merged with a segment size of a HELLO. */
	datagram(0, &m0_addr, false, buf, len, (uint16_t)hl);
	assert_false(site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL));
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_HELLO], 2);
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_JOIN], 1);
	assert_true(bridge_van_joined(b, 0, (uint32_t)m0));
	/* Not split (no segment size): one message, refused whole. */
	datagram(0, &m1_addr, false, buf, len, 0);
	site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL);
	assert_int_equal(mstats(m1)->rx_msgs[WIRE_HELLO], 0);
	assert_int_equal(mstats(m1)->rx_msgs[WIRE_JOIN], 0);
	assert_false(bridge_van_joined(b, 0, (uint32_t)m1));
	/* Exactly whole segments: each one. */
	datagram(0, &m1_addr, false, buf, 2 * hl, (uint16_t)hl);
	site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL);
	assert_int_equal(mstats(m1)->rx_msgs[WIRE_HELLO], 2);
	/* A last segment of one byte is a (short) message too. */
	datagram(0, &m0_addr, false, buf, hl + 1, (uint16_t)hl);
	site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL);
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_HELLO], 3);
	assert_int_equal(mstats(m0)->drops[WIRE_ERR_SHORT], 1);
	/* An empty datagram is one (short) message, counted as such. */
	datagram(0, &m1_addr, false, buf, 0, 0);
	site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL);
	assert_int_equal(mstats(m1)->drops[WIRE_ERR_SHORT], 1);
	/* A stranger's GRO datagram: each message counted, one knock. */
	datagram(0, &(struct van_addr){ .family = 4, .ip = { 10, 9, 9, 9 }, .port = 1 },
	    false, buf, len, (uint16_t)hl);
	assert_true(site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL));
	assert_int_equal(bridge_global_stats(b)->drops[DROP_NOT_MEMBER], 3);
}

/*
 * Per-member local addresses (a socket of every address): each datagram
 * comes to its own address; an accepted HELLO notes it for its member.
 */
static void
test_local_addresses(void **state)
{
	struct udp_local mlocal[BRIDGE_MEMBER_MAX];
	struct van_addr any, stranger, want;
	uint8_t msg[WIRE_CTL_MAX];
	size_t n = hello(msg, 5);

	(void)state;
	memset(mlocal, 0, sizeof(mlocal));
	memset(&any, 0, sizeof(any));
	any.port = 4797;		/* [::]:4797 */
	datagram(0, &m0_addr, false, msg, n, 0);
	rx.local[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.77", &rx.local[0].addr.in4), 1);
	site_input(b, &out, &rx, 1, now, &any, &stranger, mlocal);
	assert_int_equal(mlocal[m0].family, AF_INET);
	assert_int_equal(memcmp(&mlocal[m0].addr.in4, &rx.local[0].addr.in4, 4), 0);
	/* The bridge took that address, with our port, as our own toward m0. */
	want = addr("10.0.0.77:4797");
	assert_true(addr_eq(bridge_member_self_get(b, (uint32_t)m0), &want));
	/* A JOIN to another address: noted nowhere. */
	n = join(msg, 100);
	datagram(0, &m0_addr, false, msg, n, 0);
	rx.local[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.78", &rx.local[0].addr.in4), 1);
	site_input(b, &out, &rx, 1, now, &any, &stranger, mlocal);
	assert_int_equal(mstats(m0)->rx_msgs[WIRE_JOIN], 1);
	assert_int_equal(memcmp(&mlocal[m0].addr.in4, (const uint8_t[]){ 10, 0, 0, 77 }, 4),
	    0);
	/* A HELLO the bridge refuses (a second restart within an interval). */
	n = hello(msg, 6);
	datagram(0, &m0_addr, false, msg, n, 0);
	site_input(b, &out, &rx, 1, now, &any, &stranger, NULL);	/* restart: taken */
	n = hello(msg, 7);
	datagram(0, &m0_addr, false, msg, n, 0);
	rx.local[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.79", &rx.local[0].addr.in4), 1);
	site_input(b, &out, &rx, 1, now, &any, &stranger, mlocal);
	assert_int_equal(mstats(m0)->drops[DROP_EPOCH_LIMIT], 1);
	assert_int_equal(memcmp(&mlocal[m0].addr.in4, (const uint8_t[]){ 10, 0, 0, 77 }, 4),
	    0);
	/* Without per-member addresses, what it came to is the listening one. */
	n = hello(msg, 6);
	datagram(0, &m1_addr, false, msg, n, 0);
	rx.local[0].family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.80", &rx.local[0].addr.in4), 1);
	site_input(b, &out, &rx, 1, now, &any, &stranger, mlocal);
	want = addr("10.0.0.80:4797");
	assert_true(addr_eq(bridge_member_self_get(b, (uint32_t)m1), &want));
	now += MONO_MS(1);
	site_input(b, &out, &rx, 1, now, &listen_on, &stranger, NULL);
	assert_true(addr_eq(bridge_member_self_get(b, (uint32_t)m1), &listen_on));
}

/* The configuration's members: gone removed, kept kept, new added. */
static void
test_members_apply(void **state)
{
	struct site_addrs to;
	struct bridge_size size;
	struct van_addr list[4];
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;
	int c;

	(void)state;
	assert_int_equal(site_addrs_init(&to, BRIDGE_MEMBER_MAX), 0);
	/* m0 stays, m1 goes, 10.0.0.5 and 10.0.0.6 come; one listed twice. */
	list[0] = addr("10.0.0.5");
	list[1] = m0_addr;
	list[2] = addr("10.0.0.6:5000");
	list[3] = list[0];
	site_members_apply(b, &out, list, 4, now, &to, false, &listen_on);
	flush(&out, NULL);
	bridge_size(b, &size);
	assert_int_equal(size.nmembers, 3);
	assert_int_equal(bridge_member_find(b, &m0_addr), m0);
	assert_int_equal(bridge_member_find(b, &m1_addr), -1);
	c = bridge_member_find(b, &list[2]);
	assert_true(c >= 0);
	/* Its socket address, for an IPv4 socket; our address as listen says. */
	s4 = (struct sockaddr_in *)&to.sa[c];
	assert_int_equal(to.salen[c], sizeof(*s4));
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 5000);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x0a000006);
	assert_true(addr_eq(bridge_member_self_get(b, (uint32_t)c), &listen_on));
	/* Not started: nobody told yet. */
	assert_int_equal(sent_hello + sent_join, 0);

	/* On a dual-stack socket, once started: mapped, and told at once. */
	bridge_start(b, &out, now);
	flush(&out, NULL);
	sent_hello = 0;
	list[0] = addr("10.0.0.7");
	site_members_apply(b, &out, list, 1, now, &to, true, &listen_on);
	flush(&out, NULL);
	bridge_size(b, &size);
	assert_int_equal(size.nmembers, 1);
	c = bridge_member_find(b, &list[0]);
	assert_true(c >= 0);
	s6 = (struct sockaddr_in6 *)&to.sa[c];
	assert_int_equal(to.salen[c], sizeof(*s6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_true(IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr));
	assert_int_equal(sent_hello, 1);
	/* One that cannot be added (no address) is skipped (and logged: the
	 * "member -: not an address" this test prints), the rest applied. */
	memset(&list[1], 0, sizeof(list[1]));
	list[2] = addr("10.0.0.8");
	site_members_apply(b, &out, list, 3, now, &to, true, &listen_on);
	flush(&out, NULL);
	bridge_size(b, &size);
	assert_int_equal(size.nmembers, 2);
	assert_true(bridge_member_find(b, &list[2]) >= 0);
	site_addrs_free(&to);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_members_and_strangers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gro, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_members_apply, setup, teardown),
	};

	return cmocka_run_group_tests_name("site", tests, NULL, NULL);
}
