/*
 * test_bridge.c — the edge bridge's decisions, in a simulated site: several
 * bridges wired through an in-memory underlay that can lose messages, with
 * every delivery to a port recorded.  Each test asserts what was delivered
 * where, what was not, and the counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edge/bridge.h"

#define HOSTS		4
#define QMAX		4096
#define LOGMAX		4096

struct host {
	struct bridge	b;
	struct bridge_out out;
	struct van_addr	addr;
	int		idx;
};

struct qmsg {
	int		from, to;
	size_t		len;
	uint8_t		buf[WIRE_MSG_MAX];
};

struct delivery {
	int		host;
	uint32_t	port;
	uint8_t		dst[6];
	uint8_t		src[6];
	uint32_t	tag;	/* bytes 14..17 of the frame */
};

static struct host	*hosts;
static int		nhosts;
static struct qmsg	*q;
static int		qhead, qtail;
static struct delivery	dlog[LOGMAX];
static int		ndlog;
static monotime_t	now;
/* Drop messages of this type from..to (-1: any); counts what it dropped. */
static int		lose_type, lose_from, lose_to, lost;

static int
host_by_addr(const struct van_addr *a)
{
	int i;

	for (i = 0; i < nhosts; i++)
		if (addr_eq(&hosts[i].addr, a))
			return i;
	return -1;
}

static void
flush(struct bridge_out *o, void *arg)
{
	struct host *h = arg;
	unsigned i;

	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];

		if (a->kind == BRIDGE_ACT_PORT) {
			struct delivery *d = &dlog[ndlog++];

			assert_true(ndlog < LOGMAX);
			d->host = h->idx;
			d->port = a->target;
			memcpy(d->dst, a->data, 6);
			memcpy(d->src, a->data + 6, 6);
			memcpy(&d->tag, a->data + 14, 4);
		} else {
			int to = host_by_addr(&h->b.member[a->target].addr);
			struct qmsg *m;

			if (to < 0)
				continue;	/* member not simulated: lost */
			if (lose_type == a->type && (lose_from < 0 || lose_from == h->idx) &&
			    (lose_to < 0 || lose_to == to)) {
				lost++;
				continue;
			}
			m = &q[qtail++ % QMAX];
			assert_true(qtail - qhead < QMAX);
			m->from = h->idx;
			m->to = to;
			m->len = a->hdr_len + a->data_len;
			memcpy(m->buf, a->hdr, a->hdr_len);
			memcpy(m->buf + a->hdr_len, a->data, a->data_len);
		}
	}
}

static void
host_flush(struct host *h)
{
	flush(&h->out, h);
	h->out.n = 0;
	h->out.arena_used = 0;
}

/* Deliver queued messages until the underlay is quiet. */
static void
run(void)
{
	while (qhead < qtail) {
		struct qmsg *m = &q[qhead++ % QMAX];
		struct host *h = &hosts[m->to];
		static uint8_t copy[WIRE_MSG_MAX];
		size_t len = m->len;

		memcpy(copy, m->buf, len);
		bridge_input(&h->b, &h->out, &hosts[m->from].addr, copy, len, now);
		host_flush(h);
	}
}

static void
advance(monotime_t dt)
{
	monotime_t end = now + dt;
	int i;

	while (now < end) {
		now += MONO_MS(50);
		for (i = 0; i < nhosts; i++) {
			bridge_tick(&hosts[i].b, &hosts[i].out, now);
			host_flush(&hosts[i]);
		}
		run();
	}
}

static void
host_init(int i, uint64_t epoch)
{
	struct host *h = &hosts[i];
	struct bridge_conf c = { .fdb_max = 1024, .hello_ms = 1000,
	    .dead_count = 3, .epoch = epoch };
	char s[32];
	const char *err;

	memset(c.hashkey, 0x40 + i, sizeof(c.hashkey));
	assert_int_equal(bridge_init(&h->b, &c), 0);
	bridge_out_init(&h->out, flush, h);
	h->idx = i;
	snprintf(s, sizeof(s), "10.0.0.%d", i + 1);
	assert_true(addr_parse(s, 4797, &h->addr, &err));
}

/* nhosts bridges, each a member of the others; VANs 100 and 200 on all. */
static void
site(int n)
{
	int i, j;
	const char *err;

	nhosts = n;
	for (i = 0; i < n; i++) {
		host_init(i, 1000 + (uint64_t)i);
		assert_int_equal(bridge_van_add(&hosts[i].b, 100, "blue", &err), 0);
		assert_int_equal(bridge_van_add(&hosts[i].b, 200, "red", &err), 1);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j)
				assert_true(bridge_member_add(&hosts[i].b, &hosts[i].out,
				    &hosts[j].addr, now, &err) >= 0);
}

static void
start_all(void)
{
	int i;

	for (i = 0; i < nhosts; i++) {
		bridge_start(&hosts[i].b, &hosts[i].out, now);
		host_flush(&hosts[i]);
	}
	run();
}

static int
setup(void **state)
{
	(void)state;
	hosts = calloc(HOSTS, sizeof(*hosts));
	q = calloc(QMAX, sizeof(*q));
	qhead = qtail = ndlog = nhosts = lost = 0;
	lose_type = lose_from = lose_to = -1;
	now = MONO_SEC(100);
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nhosts; i++)
		bridge_free(&hosts[i].b);
	free(hosts);
	free(q);
	return 0;
}

static int
port(int h, uint32_t van_id, uint8_t last)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, last };
	const char *err;
	int p, v = bridge_van_find(&hosts[h].b, van_id);

	assert_true(v >= 0);
	p = bridge_port_add(&hosts[h].b, &hosts[h].out, (uint32_t)v, mac, now, &err);
	assert_true(p >= 0);
	host_flush(&hosts[h]);
	run();
	return p;
}

/* A frame from a port: dst and src are the last byte of 02:00:00:00:00:xx. */
static void
send_frame(int h, int p, uint8_t dst, uint8_t src, uint32_t tag)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	f[0] = 0x02;
	f[5] = dst;
	if (dst == 0xff)
		memset(f, 0xff, 6);
	f[6] = 0x02;
	f[11] = src;
	f[12] = 0x08;
	memcpy(f + 14, &tag, 4);
	bridge_port_frame(&hosts[h].b, &hosts[h].out, (uint32_t)p, f, sizeof(f), 1, now);
	host_flush(&hosts[h]);
	run();
}

static int
delivered(uint32_t tag, int *host, uint32_t *portp)
{
	int i, n = 0;

	for (i = 0; i < ndlog; i++)
		if (dlog[i].tag == tag) {
			n++;
			if (host != NULL)
				*host = dlog[i].host;
			if (portp != NULL)
				*portp = dlog[i].port;
		}
	return n;
}

static struct van_stats *
vstats(int h, uint32_t van_id)
{
	return &hosts[h].b.van[bridge_van_find(&hosts[h].b, van_id)].stats;
}

/* Flood once, LEARN back, then DATA; one VAN never reaches the other. */
static void
test_flood_learn_data(void **state)
{
	int a1, b1, b2, c1, ar, br, h;
	uint32_t p;

	(void)state;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	c1 = port(2, 100, 0x31);
	/* The same MACs in VAN 200. */
	ar = port(0, 200, 0x11);
	br = port(1, 200, 0x21);
	b2 = port(1, 100, 0x22);
	(void)c1;
	(void)ar;

	/*
	 * One-way stream a1 -> b1 (0x21): the first frame floods.  B has the
	 * MAC: delivers to b1 only (not b2) and says LEARN.  C does not know
	 * it: unknown unicast goes to its ports of the VAN, as on any switch.
	 */
	send_frame(0, a1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, NULL, NULL), 2);
	for (int i = 0; i < ndlog; i++) {
		assert_true(dlog[i].host == 1 || dlog[i].host == 2);
		if (dlog[i].host == 1)
			assert_int_equal(dlog[i].port, b1);
		else
			assert_int_equal(dlog[i].port, c1);
	}
	assert_int_equal(vstats(0, 100)->flood_tx, 1);
	assert_int_equal(vstats(0, 100)->flood_copies, 2);
	assert_int_equal(vstats(1, 100)->learn_tx, 1);
	assert_int_equal(vstats(0, 100)->learn_rx, 1);
	assert_int_equal(vstats(2, 100)->learn_tx, 0);
	assert_int_equal(vstats(2, 100)->flood_rx, 1);

	/* Every following frame is DATA to B only. */
	send_frame(0, a1, 0x21, 0x11, 2);
	send_frame(0, a1, 0x21, 0x11, 3);
	assert_int_equal(delivered(2, &h, &p), 1);
	assert_int_equal(p, b1);
	assert_int_equal(delivered(3, NULL, NULL), 1);
	assert_int_equal(vstats(0, 100)->flood_tx, 1);
	assert_int_equal(vstats(0, 100)->data_tx, 2);
	assert_int_equal(vstats(2, 100)->flood_rx, 1);
	assert_int_equal(vstats(2, 100)->data_rx, 0);

	/* Broadcast in VAN 200 reaches VAN 200 ports only. */
	send_frame(0, ar, 0xff, 0x11, 4);
	assert_int_equal(delivered(4, &h, &p), 1);
	assert_int_equal(h, 1);
	assert_int_equal(p, br);
	/* Broadcast in VAN 100 from a1 reaches b1, b2, c1: 3 ports. */
	send_frame(0, a1, 0xff, 0x11, 5);
	assert_int_equal(delivered(5, NULL, NULL), 3);
	for (int i = 0; i < ndlog; i++) {
		struct bridge_port *bp = &hosts[dlog[i].host].b.port[dlog[i].port];

		/* Tags 4 went to VAN 200 ports, all others to VAN 100 ports. */
		assert_int_equal(hosts[dlog[i].host].b.van[bp->van].id,
		    dlog[i].tag == 4 ? 200 : 100);
	}
	(void)b2;
}

/* The VM moves from B to C; A's stale DATA gets UNLEARN, then finds C. */
static void
test_move_unlearn(void **state)
{
	int a1, b1, c1, h;

	(void)state;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	port(1, 100, 0x22);	/* B keeps a node in the VAN: no LEAVE */
	send_frame(0, a1, 0x21, 0x11, 1);
	send_frame(0, a1, 0x21, 0x11, 2);
	assert_int_equal(vstats(0, 100)->data_tx, 1);

	/* detach at B, attach at C (the MAC is configured on the new port) */
	bridge_port_del(&hosts[1].b, &hosts[1].out, (uint32_t)b1, now);
	host_flush(&hosts[1]);
	run();
	c1 = port(2, 100, 0x21);
	(void)c1;

	send_frame(0, a1, 0x21, 0x11, 3);	/* DATA to B: lost, UNLEARN */
	assert_int_equal(delivered(3, NULL, NULL), 0);
	assert_int_equal(vstats(1, 100)->data_rx, 2);
	assert_int_equal(vstats(1, 100)->unlearn_tx, 1);
	assert_int_equal(vstats(0, 100)->unlearn_rx, 1);
	/* flood: C has it and says LEARN; B's other port sees it as unknown */
	send_frame(0, a1, 0x21, 0x11, 4);
	assert_int_equal(delivered(4, NULL, NULL), 2);
	assert_int_equal(vstats(2, 100)->frames_out, 1);
	assert_int_equal(vstats(2, 100)->learn_tx, 1);
	assert_int_equal(vstats(1, 100)->learn_tx, 1);	/* the first one only */
	send_frame(0, a1, 0x21, 0x11, 5);	/* DATA to C */
	assert_int_equal(delivered(5, &h, NULL), 1);
	assert_int_equal(h, 2);
	assert_int_equal(vstats(0, 100)->flood_tx, 2);
	assert_int_equal(vstats(0, 100)->data_tx, 3);
}

/* The last node of a VAN leaves a host: its LEAVE drops the routes there. */
static void
test_leave_purges(void **state)
{
	int a1, b1, m;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	send_frame(0, a1, 0x21, 0x11, 1);
	m = bridge_member_find(&hosts[0].b, &hosts[1].addr);
	assert_int_equal(hosts[0].b.member[m].routes, 1);
	assert_true(member_bit(hosts[0].b.van[0].members, (uint32_t)m));
	bridge_port_del(&hosts[1].b, &hosts[1].out, (uint32_t)b1, now);
	host_flush(&hosts[1]);
	run();
	assert_int_equal(hosts[0].b.member[m].routes, 0);
	assert_false(member_bit(hosts[0].b.van[0].members, (uint32_t)m));
	/* Nobody else has VAN 100: a broadcast goes nowhere. */
	send_frame(0, a1, 0xff, 0x11, 2);
	assert_int_equal(vstats(0, 100)->flood_copies, 1);
}

/* A member that stops saying HELLO loses its routes and its floods. */
static void
test_dead_member(void **state)
{
	int a1, b1, m;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	(void)b1;
	send_frame(0, a1, 0x21, 0x11, 1);
	advance(MONO_SEC(2));
	m = bridge_member_find(&hosts[0].b, &hosts[1].addr);
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	assert_int_equal(hosts[0].b.member[m].routes, 1);

	/* B goes silent: everything it sends is lost. */
	lose_type = WIRE_HELLO;
	lose_from = 1;
	advance(MONO_MS(2500));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	advance(MONO_MS(1000));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_DEAD);
	assert_int_equal(hosts[0].b.member[m].routes, 0);
	assert_int_equal(hosts[0].b.member[m].stats.deaths, 1);
	assert_int_equal(hosts[0].b.van[0].fdb_remote, 0);
	/* Floods skip it now. */
	send_frame(0, a1, 0x21, 0x11, 2);
	assert_int_equal(delivered(2, NULL, NULL), 0);
	assert_int_equal(vstats(0, 100)->flood_copies, 1);

	/* It comes back with the same epoch: alive, memberships kept. */
	lose_type = -1;
	advance(MONO_SEC(2));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	send_frame(0, a1, 0x21, 0x11, 3);
	assert_int_equal(delivered(3, NULL, NULL), 1);
}

/* A restart (new epoch) drops all routes through the member at once. */
static void
test_restart(void **state)
{
	int a1, m;
	const char *err;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	port(1, 100, 0x21);
	send_frame(0, a1, 0x21, 0x11, 1);
	m = bridge_member_find(&hosts[0].b, &hosts[1].addr);
	assert_int_equal(hosts[0].b.member[m].routes, 1);
	assert_int_equal(hosts[0].b.member[m].van_count, 1);

	/* B restarts with nothing attached. */
	bridge_free(&hosts[1].b);
	host_init(1, 9999);
	bridge_van_add(&hosts[1].b, 100, "blue", &err);
	bridge_member_add(&hosts[1].b, &hosts[1].out, &hosts[0].addr, now, &err);
	bridge_start(&hosts[1].b, &hosts[1].out, now);
	host_flush(&hosts[1]);
	run();
	assert_int_equal(hosts[0].b.member[m].stats.restarts, 1);
	assert_int_equal(hosts[0].b.member[m].routes, 0);
	assert_int_equal(hosts[0].b.member[m].van_count, 0);
	assert_false(member_bit(hosts[0].b.van[0].members, (uint32_t)m));
	/* And B learnt A's JOIN again from its SYNC request. */
	assert_int_equal(hosts[1].b.member[0].van_count, 1);
}

/* A lost JOIN is found by the HELLO digest and resynchronised. */
static void
test_lost_join_resync(void **state)
{
	int a1, m;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	lose_type = WIRE_JOIN;
	lose_from = 1;
	port(1, 100, 0x21);
	assert_int_equal(lost, 1);
	lose_type = -1;
	m = bridge_member_find(&hosts[0].b, &hosts[1].addr);
	assert_int_equal(hosts[0].b.member[m].van_count, 0);
	/* A broadcast now would miss B. */
	send_frame(0, a1, 0xff, 0x11, 1);
	assert_int_equal(delivered(1, NULL, NULL), 0);
	advance(MONO_MS(2100));
	assert_int_equal(hosts[0].b.member[m].van_count, 1);
	assert_true(hosts[0].b.member[m].stats.syncs >= 1);
	send_frame(0, a1, 0xff, 0x11, 2);
	assert_int_equal(delivered(2, NULL, NULL), 1);

	/* A lost LEAVE too. */
	lose_type = WIRE_LEAVE;
	bridge_port_del(&hosts[1].b, &hosts[1].out, 0, now);
	host_flush(&hosts[1]);
	run();
	lose_type = -1;
	assert_int_equal(hosts[0].b.member[m].van_count, 1);
	advance(MONO_SEC(12));	/* no longer shared: found by the slow round */
	assert_int_equal(hosts[0].b.member[m].van_count, 0);
}

/* Bad input: counted by reason, nothing delivered, nothing else disturbed. */
static void
test_bad_input(void **state)
{
	struct van_addr stranger;
	uint8_t msg[64];
	const char *err;
	int a1, b1, m;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	m = bridge_member_find(&hosts[1].b, &hosts[0].addr);

	/* From a non-member. */
	assert_true(addr_parse("10.9.9.9", 4797, &stranger, &err));
	memset(msg, 0, sizeof(msg));
	msg[0] = 0x11;
	msg[2] = 1;
	msg[7] = 100;
	msg[11] = 100;
	msg[12] = 0x02;
	msg[17] = 0x21;
	bridge_input(&hosts[1].b, &hosts[1].out, &stranger, msg, sizeof(msg), now);
	host_flush(&hosts[1]);
	assert_int_equal(hosts[1].b.stats.drops[DROP_NOT_MEMBER], 1);
	assert_int_equal(ndlog, 0);

	/* Garbage, truncated, wrong version, unknown VAN, VAN mismatch. */
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, msg, 5, now);
	msg[0] = 0x21;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, msg, sizeof(msg), now);
	msg[0] = 0x11;
	msg[7] = msg[11] = 77;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, msg, sizeof(msg), now);
	msg[7] = 100;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, msg, sizeof(msg), now);
	host_flush(&hosts[1]);
	assert_int_equal(hosts[1].b.member[m].stats.drops[WIRE_ERR_SHORT], 1);
	assert_int_equal(hosts[1].b.member[m].stats.drops[WIRE_ERR_VERSION], 1);
	assert_int_equal(hosts[1].b.member[m].stats.drops[DROP_UNKNOWN_VAN], 1);
	assert_int_equal(hosts[1].b.member[m].stats.drops[DROP_VAN_MISMATCH], 1);
	assert_int_equal(ndlog, 0);

	/* A spoofing port: b1 is 02:..:21 and sends from :99. */
	send_frame(1, b1, 0x11, 0x99, 7);
	assert_int_equal(vstats(1, 100)->drops[DROP_SPOOF], 1);
	assert_int_equal(delivered(7, NULL, NULL), 0);

	/* Still serving. */
	send_frame(0, a1, 0x21, 0x11, 8);
	assert_int_equal(delivered(8, NULL, NULL), 1);
}

/* Two ports of one VAN on one host talk without the underlay. */
static void
test_local_switching(void **state)
{
	int p1, p2, h;
	uint32_t p;

	(void)state;
	site(2);
	start_all();
	p1 = port(0, 100, 0x11);
	p2 = port(0, 100, 0x12);
	send_frame(0, p1, 0x12, 0x11, 1);
	assert_int_equal(delivered(1, &h, &p), 1);
	assert_int_equal(h, 0);
	assert_int_equal(p, p2);
	assert_int_equal(vstats(0, 100)->flood_tx, 0);
	assert_int_equal(vstats(0, 100)->data_tx, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood_learn_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_unlearn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leave_purges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_join_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_switching, setup, teardown),
	};

	return cmocka_run_group_tests_name("bridge", tests, NULL, NULL);
}
