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

#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */

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
/* Drop messages of the types in lose_mask (LOSE(type)) from..to (-1: any). */
#define LOSE(t)		(1u << (t))
static unsigned		lose_mask;
static int		lose_from, lose_to, lost;
/* The first message of capture_type sent (0: off), by capture_from (-1: any). */
static int		capture_type, capture_from;
static uint8_t		captured[WIRE_MSG_MAX];
static size_t		captured_len;
/* Hosts made by host_init seal and check control messages with this. */
static const uint8_t	*site_key;
static bool		site_key_compat;
static bool		arp_proxy;
static size_t		frame_max;

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
			if ((lose_mask & LOSE(a->type)) && (lose_from < 0 || lose_from == h->idx) &&
			    (lose_to < 0 || lose_to == to)) {
				lost++;
				continue;
			}
			if (capture_type == a->type && captured_len == 0 &&
			    (capture_from < 0 || capture_from == h->idx)) {
				memcpy(captured, a->hdr, a->hdr_len);
				memcpy(captured + a->hdr_len, a->data, a->data_len);
				captured_len = a->hdr_len + a->data_len;
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

static void
deliver_msg(const struct qmsg *m)
{
	struct host *h = &hosts[m->to];
	static uint8_t copy[WIRE_MSG_MAX];
	size_t len = m->len;

	memcpy(copy, m->buf, len);
	bridge_input(&h->b, &h->out, &hosts[m->from].addr, &h->addr, copy, len, now);
	host_flush(h);
}

/* Deliver queued messages until the underlay is quiet. */
static void
run(void)
{
	while (qhead < qtail)
		deliver_msg(&q[qhead++ % QMAX]);
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

/*
 * Host who does not run for dt (stopped, starved): the others tick and
 * talk; what they send it waits, as in its socket.  Then it runs again as
 * the daemons do: its timer first, then what it was sent.
 */
static void
stall(int who, monotime_t dt)
{
	static struct qmsg held[256];
	monotime_t end = now + dt;
	int i, n = 0;

	while (now < end) {
		now += MONO_MS(50);
		for (i = 0; i < nhosts; i++) {
			if (i == who)
				continue;
			bridge_tick(&hosts[i].b, &hosts[i].out, now);
			host_flush(&hosts[i]);
		}
		while (qhead < qtail) {
			struct qmsg *m = &q[qhead++ % QMAX];

			if (m->to != who)
				deliver_msg(m);
			else {
				assert_true(n < (int)(sizeof(held) / sizeof(held[0])));
				held[n++] = *m;
			}
		}
	}
	bridge_tick(&hosts[who].b, &hosts[who].out, now);
	host_flush(&hosts[who]);
	for (i = 0; i < n; i++)
		deliver_msg(&held[i]);
	run();
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
	c.arp_proxy = arp_proxy;
	c.frame_max = frame_max;
	if (site_key != NULL) {
		c.auth = true;
		c.auth_compat = site_key_compat;
		memcpy(c.site_key, site_key, 32);
	}
	h->idx = i;
	snprintf(s, sizeof(s), "10.0.0.%d", i + 1);
	assert_true(addr_parse(s, 4797, &h->addr, &err));
	c.self = h->addr;	/* what it seals with */
	assert_int_equal(bridge_init(&h->b, &c), 0);
	bridge_out_init(&h->out, flush, h);
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
	lose_mask = 0;
	lose_from = lose_to = -1;
	capture_type = 0;
	capture_from = -1;
	captured_len = 0;
	site_key = NULL;
	site_key_compat = false;
	arp_proxy = false;
	frame_max = 0;
	now = MONO_SEC(100);
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nhosts; i++)
		bridge_fini(&hosts[i].b);
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
	p = bridge_port_add(&hosts[h].b, &hosts[h].out, (uint32_t)v, mac, 0, now, &err);
	assert_true(p >= 0);
	host_flush(&hosts[h]);
	run();
	return p;
}

/* A port without a configured MAC (it may send from any). */
static int
port_any(int h, uint32_t van_id)
{
	const char *err;
	int p, v = bridge_van_find(&hosts[h].b, van_id);

	p = bridge_port_add(&hosts[h].b, &hosts[h].out, (uint32_t)v, NULL, 0, now, &err);
	assert_true(p >= 0);
	host_flush(&hosts[h]);
	run();
	return p;
}

static void
port_del(int h, int p)
{
	bridge_port_del(&hosts[h].b, &hosts[h].out, (uint32_t)p, now);
	host_flush(&hosts[h]);
	run();
}

/* Hand host `to` a message as if it came from host `from`. */
static void
inject(int to, int from, const uint8_t *msg, size_t len)
{
	static uint8_t copy[WIRE_MSG_MAX];

	memcpy(copy, msg, len);
	bridge_input(&hosts[to].b, &hosts[to].out, &hosts[from].addr, &hosts[to].addr,
	    copy, len, now);
	host_flush(&hosts[to]);
	run();
}

static const struct fdb_entry *
entry(int h, uint32_t van_id, uint8_t last)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, last };

	return fdb_lookup(&hosts[h].b.fdb, van_id, mac);
}

static int
member_of(int h, int other)
{
	return bridge_member_find(&hosts[h].b, &hosts[other].addr);
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

/* Frames delivered to host h's port p. */
static int
delivered_to(int h, uint32_t p)
{
	int i, n = 0;

	for (i = 0; i < ndlog; i++)
		if (dlog[i].host == h && dlog[i].port == p)
			n++;
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
	uint64_t learn_b;
	uint32_t p;

	(void)state;
	site(3);
	start_all();
	/* Without the announcements of the ports' MACs, as if lost. */
	lose_mask = LOSE(WIRE_LEARN);
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	c1 = port(2, 100, 0x31);
	/* The same MACs in VAN 200. */
	ar = port(0, 200, 0x11);
	br = port(1, 200, 0x21);
	b2 = port(1, 100, 0x22);
	lose_mask = 0;
	(void)c1;
	(void)ar;

	/*
	 * One-way stream a1 -> b1 (0x21): the first frame floods.  B has the
	 * MAC: delivers to b1 only (not b2) and says LEARN.  C does not know
	 * it: unknown unicast goes to its ports of the VAN, as on any switch.
	 */
	learn_b = vstats(1, 100)->learn_tx;
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
	assert_int_equal(vstats(1, 100)->learn_tx, learn_b + 1);
	assert_int_equal(vstats(0, 100)->learn_rx, 1);
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
	uint64_t unlearn_b, learn_c, learn_b;
	int a1, b1, c1, h;

	(void)state;
	site(3);
	start_all();
	lose_mask = LOSE(WIRE_LEARN);	/* announcements: see test_migration */
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	port(1, 100, 0x22);	/* B keeps a node in the VAN: no LEAVE */
	lose_mask = 0;
	send_frame(0, a1, 0x21, 0x11, 1);
	send_frame(0, a1, 0x21, 0x11, 2);
	assert_int_equal(vstats(0, 100)->data_tx, 1);

	/*
	 * detach at B, attach at C (the MAC is configured on the new port),
	 * with B's withdrawal and C's announcement lost: the data plane finds
	 * the VM (stale DATA, UNLEARN, flood, LEARN).
	 */
	lose_mask = LOSE(WIRE_LEARN) | LOSE(WIRE_UNLEARN);
	bridge_port_del(&hosts[1].b, &hosts[1].out, (uint32_t)b1, now);
	host_flush(&hosts[1]);
	run();
	c1 = port(2, 100, 0x21);
	(void)c1;
	lose_mask = 0;
	unlearn_b = vstats(1, 100)->unlearn_tx;
	learn_c = vstats(2, 100)->learn_tx;
	learn_b = vstats(1, 100)->learn_tx;

	send_frame(0, a1, 0x21, 0x11, 3);	/* DATA to B: lost, UNLEARN */
	assert_int_equal(delivered(3, NULL, NULL), 0);
	assert_int_equal(vstats(1, 100)->data_rx, 2);
	assert_int_equal(vstats(1, 100)->unlearn_tx, unlearn_b + 1);
	assert_int_equal(vstats(0, 100)->unlearn_rx, 1);
	/* flood: C has it and says LEARN; B's other port sees it as unknown */
	send_frame(0, a1, 0x21, 0x11, 4);
	assert_int_equal(delivered(4, NULL, NULL), 2);
	assert_int_equal(vstats(2, 100)->frames_out, 1);
	assert_int_equal(vstats(2, 100)->learn_tx, learn_c + 1);
	assert_int_equal(vstats(1, 100)->learn_tx, learn_b);	/* not B */
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
	assert_int_equal(vstats(0, 100)->flood_tx, 1);
	assert_int_equal(vstats(0, 100)->flood_copies, 0);
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
	lose_mask = LOSE(WIRE_HELLO);
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
	assert_int_equal(vstats(0, 100)->flood_tx, 1);
	assert_int_equal(vstats(0, 100)->flood_copies, 0);

	/* It comes back with the same epoch: alive, memberships kept. */
	lose_mask = 0;
	advance(MONO_SEC(2));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	send_frame(0, a1, 0x21, 0x11, 3);
	assert_int_equal(delivered(3, NULL, NULL), 1);
}

/*
 * Time we did not run is nobody's silence: after a stall longer than the
 * dead interval a member that went on talking is still alive (what it sent
 * meanwhile is read after our late tick), and the stall is counted; one
 * that did go silent is dead after dead_count intervals of our running.
 */
static void
test_stall_not_silence(void **state)
{
	const struct global_stats *g;
	int a1, m, m0;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	port(1, 100, 0x21);
	send_frame(0, a1, 0x21, 0x11, 1);
	advance(MONO_SEC(2));
	m = bridge_member_find(&hosts[0].b, &hosts[1].addr);
	m0 = bridge_member_find(&hosts[1].b, &hosts[0].addr);
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);

	stall(0, MONO_SEC(5));		/* dead after 3 x 1 s */
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	assert_int_equal(hosts[0].b.member[m].stats.deaths, 0);
	assert_int_equal(hosts[0].b.member[m].routes, 1);
	g = bridge_global_stats(&hosts[0].b);
	assert_int_equal(g->stalls, 1);
	assert_in_range(g->stall_ms, 4000, 5000);
	/* It was host 0 that was silent: host 1 says so. */
	assert_int_equal(hosts[1].b.member[m0].stats.deaths, 1);
	advance(MONO_SEC(2));
	assert_int_equal(hosts[1].b.member[m0].state, MEMBER_ALIVE);
	send_frame(0, a1, 0x21, 0x11, 2);
	assert_int_equal(delivered(2, NULL, NULL), 1);
	assert_int_equal(bridge_global_stats(&hosts[1].b)->stalls, 0);

	/* Host 1 goes silent as host 0 stalls: dead only once host 0 has
	 * listened for the dead interval. */
	lose_mask = LOSE(WIRE_HELLO);
	lose_from = 1;
	stall(0, MONO_SEC(5));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	advance(MONO_MS(1500));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	advance(MONO_SEC(3));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_DEAD);
	assert_int_equal(hosts[0].b.member[m].stats.deaths, 1);
	assert_int_equal(bridge_global_stats(&hosts[0].b)->stalls, 2);
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
	bridge_fini(&hosts[1].b);
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
	lose_mask = LOSE(WIRE_JOIN);
	lose_from = 1;
	port(1, 100, 0x21);
	assert_int_equal(lost, 1);
	lose_mask = 0;
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
	lose_mask = LOSE(WIRE_LEAVE);
	bridge_port_del(&hosts[1].b, &hosts[1].out, 0, now);
	host_flush(&hosts[1]);
	run();
	lose_mask = 0;
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
	bridge_input(&hosts[1].b, &hosts[1].out, &stranger, NULL, msg, sizeof(msg), now);
	host_flush(&hosts[1]);
	assert_int_equal(hosts[1].b.stats.drops[DROP_NOT_MEMBER], 1);
	assert_int_equal(ndlog, 0);
	/* A member's frame comes from its address and port: another port of
	 * the same address is not the member (docs/security.md). */
	stranger = hosts[0].addr;
	stranger.port = 4798;
	bridge_input(&hosts[1].b, &hosts[1].out, &stranger, NULL, msg, sizeof(msg), now);
	host_flush(&hosts[1]);
	assert_int_equal(hosts[1].b.stats.drops[DROP_NOT_MEMBER], 2);
	assert_int_equal(ndlog, 0);

	/* Garbage, truncated, wrong version, unknown VAN, VAN mismatch. */
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, NULL, msg, 5, now);
	msg[0] = 0x21;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, NULL, msg, sizeof(msg), now);
	msg[0] = 0x11;
	msg[7] = msg[11] = 77;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, NULL, msg, sizeof(msg), now);
	msg[7] = 100;
	bridge_input(&hosts[1].b, &hosts[1].out, &hosts[0].addr, NULL, msg, sizeof(msg), now);
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


/* Announcements: a port's MAC is known everywhere before it speaks. */
static void
test_announce(void **state)
{
	int a1, h;
	const struct fdb_entry *e;

	(void)state;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	port(1, 100, 0x21);
	e = entry(0, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->kind, FDB_REMOTE);
	assert_int_equal(e->where, member_of(0, 1));
	assert_int_equal(e->seq, 1);
	assert_int_equal(vstats(1, 100)->announces, 1);
	/* So the very first frame is DATA: no flood even for one-way traffic. */
	send_frame(0, a1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, &h, NULL), 1);
	assert_int_equal(h, 1);
	assert_int_equal(vstats(0, 100)->flood_tx, 0);
	assert_int_equal(vstats(0, 100)->data_tx, 1);
	/* A member that JOINs later hears our MACs at once. */
	port(2, 100, 0x31);
	e = entry(2, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->where, member_of(2, 1));
}

/*
 * A VM moves from B to C: B withdraws, C announces with a higher sequence,
 * and A sends the next frame straight to C.  Then it moves on to a port of
 * A itself without a configured MAC: its first frame there announces it.
 */
static void
test_migration(void **state)
{
	int a1, b1, c1, a2, h;
	const struct fdb_entry *e;

	(void)state;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	port(2, 100, 0x31);	/* C is in the VAN: it hears of 0x21 at B */
	b1 = port(1, 100, 0x21);
	port(1, 100, 0x22);
	send_frame(0, a1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, &h, NULL), 1);

	port_del(1, b1);
	assert_null(entry(0, 100, 0x21));	/* withdrawn */
	assert_int_equal(vstats(1, 100)->withdraws, 1);
	c1 = port(2, 100, 0x21);
	e = entry(0, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->where, member_of(0, 2));
	assert_int_equal(e->seq, 2);		/* one higher than B's */
	send_frame(0, a1, 0x21, 0x11, 2);
	assert_int_equal(delivered(2, &h, NULL), 1);
	assert_int_equal(h, 2);
	assert_int_equal(vstats(0, 100)->flood_tx, 0);
	assert_int_equal(vstats(0, 100)->unlearn_rx, 1);	/* the withdrawal */

	/* C to A, where its port has no MAC: the first frame announces it. */
	port_del(2, c1);
	a2 = port_any(0, 100);
	send_frame(0, a2, 0xff, 0x21, 3);	/* e.g. its gratuitous ARP */
	e = entry(1, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->where, member_of(1, 0));
	assert_int_equal(e->seq, 3);	/* A remembered C's 2 after the withdrawal */
	e = entry(0, 100, 0x21);
	assert_int_equal(e->kind, FDB_LOCAL);
	assert_int_equal(e->where, a2);
}

/* Two VMs swap hosts at the same time, and back: everything converges. */
static void
test_crossing_moves(void **state)
{
	int bx, cy, cx, by, h;
	const struct fdb_entry *e;
	int round;

	(void)state;
	site(3);
	start_all();
	port(0, 100, 0x11);
	bx = port(1, 100, 0x41);
	cy = port(2, 100, 0x42);
	port(1, 100, 0x2b);		/* both keep a node in the VAN */
	port(2, 100, 0x2c);
	for (round = 0; round < 2; round++) {
		/* Both moves before any message is delivered. */
		bridge_port_del(&hosts[1].b, &hosts[1].out, (uint32_t)bx, now);
		bridge_port_del(&hosts[2].b, &hosts[2].out, (uint32_t)cy, now);
		cx = bridge_port_add(&hosts[2].b, &hosts[2].out,
		    (uint32_t)bridge_van_find(&hosts[2].b, 100),
		    (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x41 }, 0, now, &(const char *){ 0 });
		by = bridge_port_add(&hosts[1].b, &hosts[1].out,
		    (uint32_t)bridge_van_find(&hosts[1].b, 100),
		    (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x42 }, 0, now, &(const char *){ 0 });
		assert_true(cx >= 0 && by >= 0);
		host_flush(&hosts[1]);
		host_flush(&hosts[2]);
		run();
		e = entry(0, 100, 0x41);
		assert_non_null(e);
		assert_int_equal(e->where, member_of(0, 2));
		e = entry(0, 100, 0x42);
		assert_non_null(e);
		assert_int_equal(e->where, member_of(0, 1));
		assert_int_equal(entry(1, 100, 0x41)->where, member_of(1, 2));
		assert_int_equal(entry(2, 100, 0x42)->where, member_of(2, 1));
		send_frame(2, cx, 0x11, 0x41, 10 + (uint32_t)round);
		assert_int_equal(delivered(10 + (uint32_t)round, &h, NULL), 1);
		assert_int_equal(h, 0);
		/* and back */
		bx = by;
		cy = cx;
		bridge_port_del(&hosts[1].b, &hosts[1].out, (uint32_t)bx, now);
		bridge_port_del(&hosts[2].b, &hosts[2].out, (uint32_t)cy, now);
		bx = bridge_port_add(&hosts[1].b, &hosts[1].out,
		    (uint32_t)bridge_van_find(&hosts[1].b, 100),
		    (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x41 }, 0, now, &(const char *){ 0 });
		cy = bridge_port_add(&hosts[2].b, &hosts[2].out,
		    (uint32_t)bridge_van_find(&hosts[2].b, 100),
		    (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x42 }, 0, now, &(const char *){ 0 });
		host_flush(&hosts[1]);
		host_flush(&hosts[2]);
		run();
		assert_int_equal(entry(0, 100, 0x41)->where, member_of(0, 1));
		assert_int_equal(entry(0, 100, 0x42)->where, member_of(0, 2));
		now += MONO_SEC(1);
	}
	assert_int_equal(vstats(0, 100)->dad_freezes, 0);
}

static size_t
learn_msg(uint8_t *out, uint32_t van, uint8_t last, uint32_t seq)
{
	struct wire_hdr hd = { .hop = 16, .src_van = van, .dst_van = van };
	struct wire_learn l = { .seq = seq };

	memcpy(l.mac, (const uint8_t[6]){ 2, 0, 0, 0, 0, last }, 6);
	return wire_encode_learn(out, WIRE_CTL_MAX, &hd, &l);
}

/* The highest sequence wins; older claims are stale (and corrected). */
static void
test_sequence_rules(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	const struct fdb_entry *e;
	uint64_t learn_b;

	(void)state;
	site(3);
	start_all();
	port(0, 100, 0x11);
	port(1, 100, 0x21);
	port(2, 100, 0x31);
	e = entry(0, 100, 0x21);
	assert_int_equal(e->seq, 1);
	/* C claims 0x21 with the same sequence: B keeps it. */
	inject(0, 2, msg, learn_msg(msg, 100, 0x21, 1));
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 1));
	assert_int_equal(vstats(0, 100)->learn_stale, 1);
	/* ... with a higher one: it moves to C. */
	inject(0, 2, msg, learn_msg(msg, 100, 0x21, 5));
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 2));
	assert_int_equal(entry(0, 100, 0x21)->seq, 5);
	/* B's own older binding arrives late: ignored. */
	inject(0, 1, msg, learn_msg(msg, 100, 0x21, 1));
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 2));
	/* B, which has 0x21 on a port (seq 1), hears an older claim from A:
	 * it answers with its binding. */
	learn_b = vstats(1, 100)->learn_tx;
	inject(1, 0, msg, learn_msg(msg, 100, 0x21, 0));
	assert_int_equal(entry(1, 100, 0x21)->kind, FDB_LOCAL);
	assert_int_equal(vstats(1, 100)->learn_tx, learn_b + 1);
	/* and, its binding no longer fresh, hears a newer one from C: 0x21
	 * is its port's configured MAC, which stays while the port does. */
	now += BRIDGE_FRESH;
	inject(1, 2, msg, learn_msg(msg, 100, 0x21, 7));
	assert_int_equal(entry(1, 100, 0x21)->kind, FDB_LOCAL);
	assert_int_equal(vstats(1, 100)->drops[DROP_STATIC_CLAIM], 1);
}

/*
 * A VM lands on a host that never had a port in its VAN: that host knows
 * no sequence for it and announces 1, which ties the old host's binding.
 * The old host's answer to its JOIN (a LEARN with 1) reaches it while its
 * binding is fresh: it outbids it with 2, once, and everybody follows.
 */
static void
test_fresh_binding_outbids(void **state)
{
	int b1;
	const struct fdb_entry *e;

	(void)state;
	site(3);
	start_all();
	port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	now += MONO_SEC(1);
	/* C had no port in VAN 100: the VM (0x21) appears there, B keeps its
	 * port a moment longer (a live migration detaches it last). */
	port(2, 100, 0x21);
	e = entry(2, 100, 0x21);
	assert_int_equal(e->kind, FDB_LOCAL);
	assert_int_equal(e->seq, 2);
	assert_int_equal(vstats(2, 100)->reannounces, 1);
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 2));
	assert_int_equal(entry(0, 100, 0x21)->seq, 2);
	/* B keeps its port's configured MAC until the port goes. */
	assert_int_equal(entry(1, 100, 0x21)->kind, FDB_LOCAL);
	port_del(1, b1);
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 2));
	assert_int_equal(entry(2, 100, 0x21)->kind, FDB_LOCAL);
}

/* A move refused while frozen still raises the sequence remembered. */
static void
test_frozen_remembers_sequence(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	int a1;
	const struct fdb_entry *e;

	(void)state;
	site(3);
	hosts[0].b.conf.dad_moves = 1;
	start_all();
	a1 = port(0, 100, 0x11);
	port(1, 100, 0x21);
	now += MONO_SEC(1);
	inject(0, 2, msg, learn_msg(msg, 100, 0x21, 5));	/* move 1: to C */
	inject(0, 1, msg, learn_msg(msg, 100, 0x21, 6));	/* move 2: frozen */
	inject(0, 1, msg, learn_msg(msg, 100, 0x21, 9));	/* refused */
	e = entry(0, 100, 0x21);
	assert_int_equal(e->where, member_of(0, 2));
	assert_int_equal(e->seq, 5);
	assert_true(e->frozen_until > now);
	assert_int_equal(vstats(0, 100)->moves_refused, 1);
	/* The VM comes to A: A announces above everything it heard. */
	bridge_port_del(&hosts[0].b, &hosts[0].out, (uint32_t)a1, now);
	host_flush(&hosts[0]);
	run();
	now += MONO_MS(BRIDGE_DAD_HOLD_MS_DEFAULT) + MONO_SEC(1);
	port(0, 100, 0x21);
	assert_int_equal(entry(0, 100, 0x21)->seq, 10);
}

/*
 * A MAC used on two hosts at once ping-pongs: after dad_moves moves in the
 * window it is frozen where it is and reported; later moves are refused.
 */
static void
test_duplicate_detection(void **state)
{
	int bp, cp, i;
	struct bridge_event ev;
	bool reported = false;

	(void)state;
	site(3);
	start_all();
	port(0, 100, 0x11);
	bp = port_any(1, 100);
	cp = port_any(2, 100);
	for (i = 0; i < 12; i++) {
		send_frame(i % 2 ? 2 : 1, i % 2 ? cp : bp, 0x11, 0x99, 100 + (uint32_t)i);
		now += MONO_MS(100);
	}
	assert_true(vstats(0, 100)->dad_freezes + vstats(1, 100)->dad_freezes +
	    vstats(2, 100)->dad_freezes >= 1);
	for (i = 0; i < 3; i++)
		while (bridge_event_next(&hosts[i].b, &ev))
			if (ev.type == BRIDGE_EV_DAD_FREEZE && ev.mac[5] == 0x99)
				reported = true;
	assert_true(reported);
	assert_true(vstats(0, 100)->moves_refused + vstats(1, 100)->moves_refused +
	    vstats(2, 100)->moves_refused >= 1);
	/* At A it stays where it froze, whatever the others say next. */
	{
		uint32_t where = entry(0, 100, 0x99)->where;

		send_frame(1, bp, 0x11, 0x99, 200);
		send_frame(2, cp, 0x11, 0x99, 201);
		assert_int_equal(entry(0, 100, 0x99)->where, where);
		/* After the hold time it may move again. */
		now += MONO_MS(BRIDGE_DAD_HOLD_MS_DEFAULT) + MONO_SEC(1);
		send_frame(where == (uint32_t)member_of(0, 1) ? 2 : 1,
		    where == (uint32_t)member_of(0, 1) ? cp : bp, 0x11, 0x99, 202);
		assert_true(entry(0, 100, 0x99)->where != where);
	}
}

/* Seal msg as host `from` seals for host `to` (docs/protocol.md §7). */
static size_t
seal_for(int from, int to, uint8_t *msg, size_t n, size_t cap, uint64_t epoch,
    uint64_t counter)
{
	const struct van_addr *f = &hosts[from].addr, *t = &hosts[to].addr;
	uint8_t a[WIRE_ID_LEN], z[WIRE_ID_LEN], k[WIRE_KEY_LEN];

	wire_auth_id(a, f->family, f->ip, f->port);
	wire_auth_id(z, t->family, t->ip, t->port);
	wire_auth_pair_key(k, site_key, a, z);
	return wire_auth_seal(msg, n, cap, epoch, counter, k, true);
}

/* The counter host `from` would use next towards host `to`, plus some. */
static uint64_t
ahead(int from, int to, uint64_t more)
{
	return hosts[from].b.member[member_of(from, to)].tx_counter + more;
}

/* Site key: control messages are sealed; missing, bad, replayed: dropped. */
static void
test_site_auth(void **state)
{
	static const uint8_t key[32] = "site key of the unit test, 32 B";
	uint8_t msg[WIRE_CTL_MAX], hello[WIRE_MSG_MAX];
	size_t n, hello_len;
	int a1, m;
	const struct fdb_entry *e;

	(void)state;
	site_key = key;
	capture_type = WIRE_HELLO;
	capture_from = 1;
	site(2);
	start_all();
	assert_true(captured_len > 0);
	memcpy(hello, captured, captured_len);
	hello_len = captured_len;
	assert_true(hello[1] & WIRE_F_PAIR);	/* version 2 */
	a1 = port(0, 100, 0x11);
	port(1, 100, 0x21);
	assert_non_null(entry(0, 100, 0x21));	/* sealed announcements work */
	send_frame(0, a1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, NULL, NULL), 1);
	m = member_of(0, 1);

	/* Without a trailer. */
	inject(0, 1, msg, learn_msg(msg, 100, 0x55, 9));
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_NO_AUTH], 1);
	assert_null(entry(0, 100, 0x55));
	/* Sealed with another key. */
	n = learn_msg(msg, 100, 0x55, 9);
	n = wire_auth_seal(msg, n, sizeof(msg), hosts[1].b.conf.epoch, ahead(1, 0, 1000),
	    (const uint8_t[32]){ 1 }, true);
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_BAD_AUTH], 1);
	/* Sealed with the site key itself (version 1), without site_key_compat. */
	n = learn_msg(msg, 100, 0x55, 9);
	n = wire_auth_seal(msg, n, sizeof(msg), hosts[1].b.conf.epoch, ahead(1, 0, 1000),
	    key, false);
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_OLD_AUTH], 1);
	/* A tampered body. */
	n = learn_msg(msg, 100, 0x55, 9);
	n = seal_for(1, 0, msg, n, sizeof(msg), hosts[1].b.conf.epoch, ahead(1, 0, 1000));
	msg[WIRE_HDR_LEN + 5] ^= 1;
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_BAD_AUTH], 2);
	/* A genuine message replayed. */
	inject(0, 1, hello, hello_len);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 1);
	/* From an older epoch (sealed with the right key). */
	n = learn_msg(msg, 100, 0x55, 9);
	n = seal_for(1, 0, msg, n, sizeof(msg), hosts[1].b.conf.epoch - 1,
	    ahead(1, 0, 1000));
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 2);
	assert_null(entry(0, 100, 0x55));
	/* A valid new one is accepted; the same counter again is not. */
	n = learn_msg(msg, 100, 0x55, 9);
	n = seal_for(1, 0, msg, n, sizeof(msg), hosts[1].b.conf.epoch, ahead(1, 0, 1000));
	inject(0, 1, msg, n);
	assert_non_null(entry(0, 100, 0x55));
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 3);
	/* Still healthy. */
	advance(MONO_SEC(3));
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	assert_int_equal(hosts[0].b.member[m].stats.restarts, 0);
	e = entry(0, 100, 0x21);
	assert_non_null(e);
}

/*
 * A replayed message cuts nobody off (issue: the tag named neither sender
 * nor receiver).  The newest member's genuine HELLO, resent from another
 * member's address, or to another member, fails its tag; that member keeps
 * its epoch, its routes and its liveness, and its own messages still count.
 */
static void
test_replay_other_member(void **state)
{
	static const uint8_t key[32] = "site key of the unit test, 32 B";
	uint8_t msg[WIRE_CTL_MAX];
	size_t n;
	int c_at_b, a_at_d;
	uint64_t epoch_c;

	(void)state;
	site_key = key;
	site(4);		/* B = 0, C = 1, A = 2 (newest epoch), D = 3 */
	start_all();
	port(0, 100, 0x01);
	port(1, 100, 0x11);
	port(2, 100, 0x21);
	port(3, 100, 0x31);
	advance(MONO_SEC(2));
	assert_true(hosts[2].b.conf.epoch > hosts[1].b.conf.epoch);
	c_at_b = member_of(0, 1);
	epoch_c = hosts[0].b.member[c_at_b].epoch;
	assert_int_equal(entry(0, 100, 0x11)->where, (uint32_t)c_at_b);

	/* A's next HELLO to B, captured on the wire. */
	capture_type = WIRE_HELLO;
	captured_len = 0;
	lose_mask = LOSE(WIRE_HELLO);
	lose_from = 2;
	lose_to = 0;
	while (captured_len == 0 || host_by_addr(&hosts[member_of(2, 0)].addr) < 0)
		advance(MONO_MS(100));
	lose_mask = 0;
	/* The capture may be A's HELLO to anyone: make it the one to B. */
	captured_len = 0;
	capture_type = 0;
	n = learn_msg(msg, 100, 0x21, 5);
	{
		struct wire_hdr hd = { .type = WIRE_HELLO, .hop = 16 };
		struct wire_hello h = { .epoch = hosts[2].b.conf.epoch,
		    .interval_ms = 1000, .van_count = hosts[2].b.joined,
		    .van_digest = hosts[2].b.joined_digest };

		n = wire_encode_hello(msg, sizeof(msg), &hd, &h);
		n = seal_for(2, 0, msg, n, sizeof(msg), hosts[2].b.conf.epoch,
		    ahead(2, 0, 500));
	}
	/* Resent from C's address to B: C's tag it is not. */
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[c_at_b].stats.drops[DROP_BAD_AUTH], 1);
	assert_int_equal(hosts[0].b.member[c_at_b].epoch, epoch_c);
	assert_int_equal(hosts[0].b.member[c_at_b].stats.restarts, 0);
	assert_non_null(entry(0, 100, 0x11));
	/* Resent from A's own address to D: sealed for B, not for D. */
	a_at_d = member_of(3, 2);
	inject(3, 2, msg, n);
	assert_int_equal(hosts[3].b.member[a_at_d].stats.drops[DROP_BAD_AUTH], 1);
	/* Sent as it was meant, it is A's: accepted once. */
	inject(0, 2, msg, n);
	assert_int_equal(hosts[0].b.member[member_of(0, 2)].stats.drops[DROP_BAD_AUTH], 0);
	/* C is not cut off: its messages keep counting, nothing is a replay. */
	advance(MONO_SEC(5));
	assert_int_equal(hosts[0].b.member[c_at_b].state, MEMBER_ALIVE);
	assert_int_equal(hosts[0].b.member[c_at_b].stats.drops[DROP_REPLAY], 0);
	assert_int_equal(entry(0, 100, 0x11)->where, (uint32_t)c_at_b);
}

/* The flags byte of the last message host `from` sent host `to` of type t. */
static int
last_flags(int from, int to, int type)
{
	int i, f = -1;

	for (i = qhead; i < qtail; i++) {
		const struct qmsg *m = &q[i % QMAX];

		if (m->from == from && m->to == to && (m->buf[0] & 0x0f) == type)
			f = m->buf[1];
	}
	return f;
}

/*
 * Upgrading a site (docs/protocol.md §7): with site_key_compat a member
 * also takes version 1 trailers (sealed with the site key itself, as the
 * members before pair keys did), and speaks version 1 to a member until it
 * hears version 2 from it — with each HELLO in version 2 as well, so that
 * two upgraded members switch within one HELLO.
 */
static void
test_site_key_compat(void **state)
{
	static const uint8_t key[32] = "site key of the unit test, 32 B";
	uint8_t msg[WIRE_CTL_MAX];
	size_t n;
	int m, f;

	(void)state;
	site_key = key;
	site_key_compat = true;
	site(2);
	/* Host 1 is an old member: it seals with the site key, one counter. */
	m = member_of(0, 1);
	bridge_start(&hosts[0].b, &hosts[0].out, now);
	host_flush(&hosts[0]);
	assert_int_equal(last_flags(0, 1, WIRE_HELLO) & (WIRE_F_AUTH | WIRE_F_PAIR),
	    WIRE_F_AUTH | WIRE_F_PAIR);
	/* The version 1 HELLO went first; both are there. */
	{
		int i, v1 = 0, v2 = 0;

		for (i = qhead; i < qtail; i++) {
			const struct qmsg *qm = &q[i % QMAX];

			if (qm->from == 0 && (qm->buf[0] & 0x0f) == WIRE_HELLO)
				(qm->buf[1] & WIRE_F_PAIR) ? v2++ : v1++;
		}
		assert_int_equal(v1, 1);
		assert_int_equal(v2, 1);
	}
	qhead = qtail;		/* the old member drops the v2 one (bad-auth) */
	{
		struct wire_hdr hd = { .type = WIRE_HELLO, .hop = 16 };
		struct wire_hello h = { .epoch = hosts[1].b.conf.epoch,
		    .interval_ms = 1000 };

		n = wire_encode_hello(msg, sizeof(msg), &hd, &h);
		n = wire_auth_seal(msg, n, sizeof(msg), h.epoch, 77, key, false);
		inject(0, 1, msg, n);
	}
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	assert_false(hosts[0].b.member[m].v2);
	n = learn_msg(msg, 100, 0x55, 3);
	n = wire_auth_seal(msg, n, sizeof(msg), hosts[1].b.conf.epoch, 78, key, false);
	inject(0, 1, msg, n);
	assert_non_null(entry(0, 100, 0x55));
	/* ... and to it our messages are version 1 (a JOIN, say). */
	port(0, 100, 0x11);
	f = -1;
	for (int i = 0; i < qtail; i++) {
		const struct qmsg *qm = &q[i % QMAX];

		if (qm->from == 0 && qm->to == 1 && (qm->buf[0] & 0x0f) == WIRE_JOIN)
			f = qm->buf[1];
	}
	assert_int_equal(f, WIRE_F_AUTH);
	/* Its replay is a replay, in either version. */
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 1);
	/* Host 1 is upgraded (restarts): both speak version 2 from its HELLO on. */
	bridge_fini(&hosts[1].b);
	host_init(1, 5000);
	bridge_van_add(&hosts[1].b, 100, "blue", &(const char *){ NULL });
	bridge_member_add(&hosts[1].b, &hosts[1].out, &hosts[0].addr, now,
	    &(const char *){ NULL });
	now += MONO_SEC(2);
	bridge_start(&hosts[1].b, &hosts[1].out, now);
	host_flush(&hosts[1]);
	run();
	assert_true(hosts[0].b.member[m].v2);
	assert_true(hosts[1].b.member[member_of(1, 0)].v2);
	capture_type = WIRE_HELLO;
	capture_from = 0;
	captured_len = 0;
	advance(MONO_SEC(11));		/* the round to all members */
	assert_true(captured_len > 0);
	assert_int_equal(captured[1] & (WIRE_F_AUTH | WIRE_F_PAIR),
	    WIRE_F_AUTH | WIRE_F_PAIR);
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
	assert_int_equal(hosts[1].b.member[member_of(1, 0)].state, MEMBER_ALIVE);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_BAD_AUTH], 0);
}

/* The last message host `from` sent host `to` of type t, delivered or not. */
static const struct qmsg *
last_sent(int from, int to, int type)
{
	int i;

	for (i = qtail - 1; i >= 0 && i >= qtail - QMAX; i--) {
		const struct qmsg *m = &q[i % QMAX];

		if (m->from == from && m->to == to && (m->buf[0] & 0x0f) == type)
			return m;
	}
	return NULL;
}

/* Drops of `reason` on host h from every other host. */
static uint64_t
drops_from_all(int h, int reason)
{
	uint64_t n = 0;
	int j;

	for (j = 0; j < nhosts; j++)
		if (j != h)
			n += hosts[h].b.member[member_of(h, j)].stats.drops[reason];
	return n;
}

/* Every host sees every other alive, never restarted or dead. */
static void
assert_site_whole(void)
{
	int i, j;

	for (i = 0; i < nhosts; i++)
		for (j = 0; j < nhosts; j++) {
			const struct bridge_member *mb;

			if (i == j)
				continue;
			mb = &hosts[i].b.member[member_of(i, j)];
			assert_int_equal(mb->state, MEMBER_ALIVE);
			assert_int_equal(mb->stats.restarts, 0);
			assert_int_equal(mb->stats.deaths, 0);
		}
}

/* What host h's member entry of host j says: the key its last message took. */
static const char *
auth_key(int h, int j)
{
	struct bridge_member_view v;

	assert_true(bridge_member_view(&hosts[h].b, (uint32_t)member_of(h, j), &v));
	return v.auth_key == NULL ? "-" : v.auth_key;
}

/*
 * Rotating the site key (docs/protocol.md §7): add the new key as accepted,
 * swap (new sent, old accepted), drop the old — one host after another at
 * each step, and nothing is refused, no member goes dead, no route goes.
 * Counters run on across the swap: a message of before, sealed with the
 * old key, is a replay while that key is accepted and a bad tag after.
 * Each member's entry says which key its last message verified with.
 */
static void
test_site_key_rotation(void **state)
{
	static const uint8_t k1[32] = "site key of the unit test, 32 B";
	static const uint8_t k2[32] = "the next site key, also 32 bytes";
	uint8_t old[WIRE_MSG_MAX];
	const struct qmsg *qm;
	size_t old_len;
	uint64_t acc;
	int i, m;

	(void)state;
	site_key = k1;
	site(3);
	start_all();
	port(0, 100, 0x11);
	port(1, 100, 0x21);
	port(2, 100, 0x31);
	advance(MONO_SEC(2));
	m = member_of(0, 1);
	assert_int_equal(entry(0, 100, 0x21)->where, (uint32_t)m);
	assert_string_equal(auth_key(0, 1), "site_key");
	assert_non_null(qm = last_sent(1, 0, WIRE_HELLO));	/* delivered */
	memcpy(old, qm->buf, qm->len);
	old_len = qm->len;

	/* 1. The new key accepted everywhere; nothing sent with it yet. */
	for (i = 0; i < 3; i++) {
		bridge_set_auth(&hosts[i].b, k1, k2, false);
		advance(MONO_MS(300));
	}
	advance(MONO_SEC(2));
	assert_string_equal(auth_key(0, 1), "site_key");
	assert_int_equal(hosts[0].b.member[m].stats.auth_accepted, 0);

	/* 2. Swapped on host 1 only: the others take its messages with the
	 * accepted key, it takes theirs with its accepted (the old) one. */
	bridge_set_auth(&hosts[1].b, k2, k1, false);
	advance(MONO_SEC(2));
	assert_string_equal(auth_key(0, 1), "site_key_accept");
	assert_string_equal(auth_key(2, 1), "site_key_accept");
	assert_string_equal(auth_key(1, 0), "site_key_accept");
	assert_true(hosts[0].b.member[m].stats.auth_accepted > 0);
	assert_string_equal(auth_key(0, 2), "site_key");
	/* A message of host 1 from before the swap, old key and all: the
	 * counter was taken, whatever key sealed it. */
	inject(0, 1, old, old_len);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 1);
	for (i = 0; i < 3; i++)
		if (i != 1) {
			bridge_set_auth(&hosts[i].b, k2, k1, false);
			advance(MONO_MS(300));
		}
	advance(MONO_SEC(2));
	acc = hosts[0].b.member[m].stats.auth_accepted;
	advance(MONO_SEC(2));
	assert_int_equal(hosts[0].b.member[m].stats.auth_accepted, acc);
	for (i = 0; i < 3; i++)
		assert_string_equal(auth_key(i, (i + 1) % 3), "site_key");

	/* 3. The old key dropped: its messages are bad tags now. */
	for (i = 0; i < 3; i++) {
		bridge_set_auth(&hosts[i].b, k2, NULL, false);
		advance(MONO_MS(300));
	}
	advance(MONO_SEC(2));
	inject(0, 1, old, old_len);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_BAD_AUTH], 1);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_REPLAY], 1);

	/* Through it all: nothing else refused, everyone alive, routes kept. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(drops_from_all(i, DROP_NO_AUTH), 0);
		assert_int_equal(drops_from_all(i, DROP_BAD_AUTH), i == 0 ? 1 : 0);
		assert_int_equal(drops_from_all(i, DROP_NEW_EPOCH), 0);
	}
	assert_site_whole();
	assert_int_equal(entry(0, 100, 0x21)->where, (uint32_t)m);
	assert_int_equal(entry(2, 100, 0x11)->where, (uint32_t)member_of(2, 0));
	send_frame(0, 0, 0x21, 0x11, 7);
	assert_int_equal(delivered(7, NULL, NULL), 1);
}

/*
 * A member that skipped step 1 (the new key not accepted) refuses the
 * messages of those that swapped (bad-auth) and, without their HELLOs,
 * has them dead; they still take its messages, with the accepted key.
 */
static void
test_site_key_rotation_skipped(void **state)
{
	static const uint8_t k1[32] = "site key of the unit test, 32 B";
	static const uint8_t k2[32] = "the next site key, also 32 bytes";
	int i;

	(void)state;
	site_key = k1;
	site(3);
	start_all();
	port(0, 100, 0x11);
	port(1, 100, 0x21);
	port(2, 100, 0x31);
	advance(MONO_SEC(2));
	for (i = 0; i < 2; i++)		/* host 2 skips step 1 */
		bridge_set_auth(&hosts[i].b, k1, k2, false);
	advance(MONO_SEC(1));
	for (i = 0; i < 2; i++)
		bridge_set_auth(&hosts[i].b, k2, k1, false);
	advance(MONO_SEC(5));
	assert_true(hosts[2].b.member[member_of(2, 0)].stats.drops[DROP_BAD_AUTH] > 0);
	assert_true(hosts[2].b.member[member_of(2, 1)].stats.drops[DROP_BAD_AUTH] > 0);
	assert_int_equal(hosts[2].b.member[member_of(2, 0)].state, MEMBER_DEAD);
	assert_null(entry(2, 100, 0x11));
	assert_int_equal(drops_from_all(0, DROP_BAD_AUTH), 0);
	assert_string_equal(auth_key(0, 2), "site_key_accept");
	assert_string_equal(auth_key(0, 1), "site_key");
	assert_int_equal(hosts[0].b.member[member_of(0, 2)].state, MEMBER_ALIVE);
	/* It catches up (both keys, the new one sent): whole again. */
	bridge_set_auth(&hosts[2].b, k2, k1, false);
	advance(MONO_SEC(3));
	assert_int_equal(hosts[2].b.member[member_of(2, 0)].state, MEMBER_ALIVE);
	assert_int_equal(hosts[2].b.member[member_of(2, 1)].state, MEMBER_ALIVE);
	assert_string_equal(auth_key(2, 0), "site_key");
}

/* A restart is said by its HELLO only, and at most once an interval. */
static void
test_epoch_changes(void **state)
{
	static const uint8_t key[32] = "site key of the unit test, 32 B";
	uint8_t msg[WIRE_CTL_MAX];
	size_t n;
	int m;

	(void)state;
	site_key = key;
	site(2);
	start_all();
	port(0, 100, 0x11);
	port(1, 100, 0x21);
	advance(MONO_SEC(2));
	m = member_of(0, 1);
	/* A LEARN of a newer epoch, before any HELLO of it: not a restart. */
	n = learn_msg(msg, 100, 0x55, 9);
	n = seal_for(1, 0, msg, n, sizeof(msg), hosts[1].b.conf.epoch + 10, 1);
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_NEW_EPOCH], 1);
	assert_int_equal(hosts[0].b.member[m].stats.restarts, 0);
	assert_non_null(entry(0, 100, 0x21));
	assert_null(entry(0, 100, 0x55));
	/* HELLOs of two new epochs within one interval: the first only. */
	{
		struct wire_hdr hd = { .type = WIRE_HELLO, .hop = 16 };
		struct wire_hello h = { .epoch = hosts[1].b.conf.epoch + 20,
		    .interval_ms = 1000 };

		n = wire_encode_hello(msg, sizeof(msg), &hd, &h);
		n = seal_for(1, 0, msg, n, sizeof(msg), h.epoch, 1);
		inject(0, 1, msg, n);
		assert_int_equal(hosts[0].b.member[m].stats.restarts, 1);
		assert_null(entry(0, 100, 0x21));	/* its routes went */
		h.epoch += 10;
		n = wire_encode_hello(msg, sizeof(msg), &hd, &h);
		n = seal_for(1, 0, msg, n, sizeof(msg), h.epoch, 1);
		now += MONO_MS(100);
		inject(0, 1, msg, n);
		assert_int_equal(hosts[0].b.member[m].stats.restarts, 1);
		assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_EPOCH_LIMIT], 1);
		assert_int_equal(hosts[0].b.member[m].epoch, hosts[1].b.conf.epoch + 20);
		/* An interval later it is taken. */
		now += MONO_MS(1000);
		inject(0, 1, msg, n);
		assert_int_equal(hosts[0].b.member[m].stats.restarts, 2);
	}
}

/*
 * Sequences are serial numbers: the sequence after 0xffffffff (1) is newer
 * (issue: it wrapped to 0, and the owner of the MAC lost it for good); a
 * claim too far ahead of the known one is refused.
 */
static void
test_sequence_wrap_and_jump(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	const struct fdb_entry *e;
	int p;

	(void)state;
	site(3);
	start_all();
	port(1, 100, 0x21);	/* hosts 1 and 2 are in VAN 100 */
	port(2, 100, 0x31);
	/* Host 2 says 02::77 is behind it with the largest sequence. */
	inject(0, 2, msg, learn_msg(msg, 100, 0x77, UINT32_MAX));
	inject(1, 2, msg, learn_msg(msg, 100, 0x77, UINT32_MAX));
	assert_int_equal(entry(1, 100, 0x77)->seq, UINT32_MAX);
	/* The VM shows up on host 0: announced with 1, which wins. */
	p = port_any(0, 100);
	send_frame(0, p, 0xff, 0x77, 1);
	e = entry(0, 100, 0x77);
	assert_int_equal(e->kind, FDB_LOCAL);
	assert_int_equal(e->seq, 1);
	e = entry(1, 100, 0x77);
	assert_int_equal(e->where, (uint32_t)member_of(1, 0));
	assert_int_equal(e->seq, 1);

	/* A jump of more than WIRE_SEQ_JUMP_MAX: refused, counted. */
	inject(1, 2, msg, learn_msg(msg, 100, 0x77, 1 + WIRE_SEQ_JUMP_MAX + 1));
	assert_int_equal(entry(1, 100, 0x77)->where, (uint32_t)member_of(1, 0));
	assert_int_equal(vstats(1, 100)->drops[DROP_SEQ_JUMP], 1);
	assert_int_equal(hosts[1].b.member[member_of(1, 2)].stats.drops[DROP_SEQ_JUMP], 1);
	/* Half the space ahead, which would beat every later announcement. */
	inject(1, 2, msg, learn_msg(msg, 100, 0x77, 1 + 0x7fffffffu));
	assert_int_equal(entry(1, 100, 0x77)->where, (uint32_t)member_of(1, 0));
	/* So is one against the local binding, at the VM's own host. */
	inject(0, 2, msg, learn_msg(msg, 100, 0x77, 0x80000000));
	assert_int_equal(entry(0, 100, 0x77)->kind, FDB_LOCAL);
	assert_int_equal(vstats(0, 100)->drops[DROP_SEQ_JUMP], 1);
	/* Within reach, a move is a move. */
	inject(1, 2, msg, learn_msg(msg, 100, 0x77, 1 + WIRE_SEQ_JUMP_MAX));
	assert_int_equal(entry(1, 100, 0x77)->where, (uint32_t)member_of(1, 2));
}

/*
 * A port's configured MAC stays on its port whatever a member claims (issue:
 * a proxy re-announcing a stolen MAC pulled it off its own host), and such
 * claims never count as moves: repeated, they freeze nothing.
 */
static void
test_static_claim(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	const struct fdb_entry *e;
	int a1, a2, i;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);		/* configured MAC 02::11 */
	a2 = port_any(0, 100);
	send_frame(0, a2, 0xff, 0x12, 1);	/* 02::12 learnt on a2 */
	for (i = 0; i < 20; i++) {
		inject(0, 1, msg, learn_msg(msg, 100, 0x11, (uint32_t)(10 + i)));
		now += MONO_MS(10);
	}
	e = entry(0, 100, 0x11);
	assert_int_equal(e->kind, FDB_LOCAL);
	assert_int_equal(e->where, (uint32_t)a1);
	assert_int_equal(e->frozen_until, 0);
	assert_int_equal(vstats(0, 100)->drops[DROP_STATIC_CLAIM], 20);
	assert_int_equal(vstats(0, 100)->dad_freezes, 0);
	/* The other VM of the host still reaches it locally. */
	send_frame(0, a2, 0x11, 0x12, 2);
	assert_int_equal(delivered(2, NULL, NULL), 1);
	assert_int_equal(vstats(0, 100)->data_tx, 0);
	/* A learnt MAC does follow a newer claim (the VM left). */
	inject(0, 1, msg, learn_msg(msg, 100, 0x12, 50));
	assert_int_equal(entry(0, 100, 0x12)->kind, FDB_REMOTE);
	/* Once its port goes, the latest claim refused is taken at once (the
	 * VM moved there: its old host follows without a flood). */
	port_del(0, a1);
	e = entry(0, 100, 0x11);
	assert_non_null(e);
	assert_int_equal(e->kind, FDB_REMOTE);
	assert_int_equal(e->where, (uint32_t)member_of(0, 1));
	assert_int_equal(e->seq, 29);
}

/*
 * A device port claims its MAC at the guest's first frame, not at attach
 * (a live migration's destination exists before the guest runs there): a
 * member keeps sending to the old host until then; frames from another
 * MAC are spoofs; once claimed, the binding is static.
 */
static void
test_claim_at_frame(void **state)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x21 };
	uint8_t msg[WIRE_CTL_MAX];
	const struct fdb_entry *e;
	const char *err;
	int a1, b1, c1, h, v;

	(void)state;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);		/* the VM on B */
	v = bridge_van_find(&hosts[2].b, 100);
	c1 = bridge_port_add(&hosts[2].b, &hosts[2].out, (uint32_t)v, mac,
	    BRIDGE_PORT_CLAIM_AT_FRAME, now, &err);
	assert_true(c1 >= 0);
	host_flush(&hosts[2]);
	run();
	/* Attached on C, not announced: A still sends to B. */
	assert_int_equal(vstats(2, 100)->announces, 0);
	assert_int_equal(entry(0, 100, 0x21)->where, member_of(0, 1));
	assert_int_equal(entry(2, 100, 0x21)->kind, FDB_REMOTE);
	/* A second port with that MAC is refused, as for a port that claims. */
	assert_true(bridge_port_add(&hosts[2].b, &hosts[2].out, (uint32_t)v, mac,
	    BRIDGE_PORT_CLAIM_AT_FRAME, now, &err) < 0);
	send_frame(0, a1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, &h, NULL), 1);
	assert_int_equal(h, 1);
	/* Another source MAC on C's port: a spoof, nothing learnt. */
	send_frame(2, c1, 0xff, 0x22, 2);
	assert_int_equal(vstats(2, 100)->drops[DROP_SPOOF], 1);
	assert_null(entry(2, 100, 0x22));
	/* The guest runs on C: its first frame (a RARP, say) claims it. */
	port_del(1, b1);
	send_frame(2, c1, 0xff, 0x21, 3);
	e = entry(0, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->where, member_of(0, 2));
	assert_int_equal(e->seq, 2);
	e = entry(2, 100, 0x21);
	assert_int_equal(e->kind, FDB_LOCAL);
	assert_true(e->flags & FDB_F_STATIC);
	/* Static now: a claim from elsewhere is refused. */
	inject(2, 0, msg, learn_msg(msg, 100, 0x21, 9));
	assert_int_equal(entry(2, 100, 0x21)->where, (uint32_t)c1);
	assert_int_equal(vstats(2, 100)->drops[DROP_STATIC_CLAIM], 1);
	send_frame(0, a1, 0x21, 0x11, 4);
	assert_int_equal(delivered(4, &h, NULL), 1);
	assert_int_equal(h, 2);
}

/* A JOIN message for VAN id from host `from`. */
static size_t
join_msg(uint8_t *out, uint32_t id, uint8_t flags)
{
	struct wire_hdr hd = { .type = WIRE_JOIN, .flags = flags, .hop = 16,
	    .src_van = id, .dst_van = id };

	return wire_encode_empty(out, WIRE_CTL_MAX, &hd);
}

/*
 * One member cannot fill the membership table that all share (issue: JOINs
 * for any VAN ID were all kept, and others' then failed table-full).
 */
static void
test_membership_caps(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	int m1, m2;
	uint32_t id;

	(void)state;
	site(3);
	start_all();
	advance(MONO_SEC(2));
	m1 = member_of(0, 1);
	m2 = member_of(0, 2);
	for (id = 1000; id < 1000 + BRIDGE_MEMB_MAX + 100; id++)
		inject(0, 1, msg, join_msg(msg, id, 0));
	assert_int_equal(hosts[0].b.member[m1].nforeign, BRIDGE_MEMB_FOREIGN);
	assert_int_equal(hosts[0].b.member[m1].stats.drops[DROP_JOIN_FOREIGN],
	    BRIDGE_MEMB_MAX + 100 - BRIDGE_MEMB_FOREIGN);
	/* Counted in its digest all the same (no resync storm). */
	assert_int_equal(hosts[0].b.member[m1].van_count, BRIDGE_MEMB_MAX + 100);
	/* Another member's JOIN of a VAN we carry is kept. */
	port(2, 200, 0x31);
	assert_true(member_bit(hosts[0].b.van[bridge_van_find(&hosts[0].b, 200)].members,
	    (uint32_t)m2));
	assert_int_equal(hosts[0].b.member[m2].stats.drops[DROP_TABLE_FULL], 0);
	assert_int_equal(hosts[0].b.stats.drops[DROP_TABLE_FULL], 0);
	/* A LEAVE of one not kept takes it out of the digest again. */
	inject(0, 1, msg, join_msg(msg, 1000 + BRIDGE_MEMB_MAX + 99, 0) * 0 +
	    (size_t)wire_encode_empty(msg, WIRE_CTL_MAX, &(struct wire_hdr){
	    .type = WIRE_LEAVE, .hop = 16, .src_van = 1000 + BRIDGE_MEMB_MAX + 99,
	    .dst_van = 1000 + BRIDGE_MEMB_MAX + 99 }));
	assert_int_equal(hosts[0].b.member[m1].van_count, BRIDGE_MEMB_MAX + 99);
	/* Its restart forgets all of them, in time of its own (a list). */
	hosts[1].b.conf.epoch += 1;
	now += MONO_SEC(2);
	bridge_start(&hosts[1].b, &hosts[1].out, now);
	host_flush(&hosts[1]);
	run();
	assert_int_equal(hosts[0].b.member[m1].nmemb, hosts[1].b.joined);
	assert_int_equal(hosts[0].b.member[m1].over, 0);
}

/* HELLO+SYNC is answered once an interval, and never to a stranger. */
static void
test_sync_limit(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	struct wire_hdr hd = { .type = WIRE_HELLO, .flags = WIRE_F_SYNC, .hop = 16 };
	struct wire_hello h = { .interval_ms = 1000 };
	struct van_addr stranger;
	const char *err;
	uint64_t joins;
	size_t n;
	int m, i;

	(void)state;
	site(2);
	start_all();
	for (i = 0; i < 20; i++)
		port(0, 100 + (i % 2) * 100, (uint8_t)(0x10 + i));
	advance(MONO_SEC(2));
	m = member_of(0, 1);
	h.epoch = hosts[1].b.conf.epoch;
	n = wire_encode_hello(msg, sizeof(msg), &hd, &h);
	joins = hosts[0].b.member[m].stats.tx_msgs[WIRE_JOIN];
	for (i = 0; i < 100; i++)
		inject(0, 1, msg, n);
	/* One answer: a JOIN per VAN (2), not 200. */
	assert_int_equal(hosts[0].b.member[m].stats.tx_msgs[WIRE_JOIN] - joins, 2);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_SYNC_LIMIT], 99);
	now += MONO_MS(1000);
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.tx_msgs[WIRE_JOIN] - joins, 4);
	/* A stranger's HELLO+SYNC: nothing goes anywhere. */
	assert_true(addr_parse("10.9.9.9", 4797, &stranger, &err));
	hosts[0].out.n = 0;
	bridge_input(&hosts[0].b, &hosts[0].out, &stranger, NULL, msg, n, now);
	assert_int_equal(hosts[0].out.n, 0);
	assert_int_equal(hosts[0].b.stats.drops[DROP_NOT_MEMBER], 1);
}

/* One VAN's broadcast storm is cut at its flood rate; the other VAN flows. */
static void
test_flood_limit(void **state)
{
	int a1, ar, i;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	ar = port(0, 200, 0x11);
	port(1, 100, 0x21);
	port(1, 200, 0x21);
	bridge_van_limits(&hosts[0].b, (uint32_t)bridge_van_find(&hosts[0].b, 100),
	    0, 10, 10);
	for (i = 0; i < 30; i++)
		send_frame(0, a1, 0xff, 0x11, 1000);
	assert_int_equal(delivered(1000, NULL, NULL), 10);
	assert_int_equal(vstats(0, 100)->drops[DROP_FLOOD_LIMIT], 20);
	for (i = 0; i < 30; i++)
		send_frame(0, ar, 0xff, 0x11, 2000);
	assert_int_equal(delivered(2000, NULL, NULL), 30);
	/* Unicast to a known MAC is not a flood: never limited. */
	for (i = 0; i < 30; i++)
		send_frame(0, a1, 0x21, 0x11, 3000);
	assert_int_equal(delivered(3000, NULL, NULL), 30);
	/* The bucket refills at its rate. */
	now += MONO_MS(500);
	for (i = 0; i < 30; i++)
		send_frame(0, a1, 0xff, 0x11, 4000);
	assert_int_equal(delivered(4000, NULL, NULL), 5);
}

/* A VAN's share of the table, and the routes one member may hold. */
static void
test_table_limits(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	int a1, i;

	(void)state;
	site(3);
	hosts[0].b.conf.member_routes_max = 3;
	start_all();
	a1 = port_any(0, 100);
	bridge_van_limits(&hosts[0].b, (uint32_t)bridge_van_find(&hosts[0].b, 100),
	    5, 0, 0);
	for (i = 0; i < 10; i++)
		send_frame(0, a1, 0xff, (uint8_t)(0x60 + i), 500);
	assert_int_equal(hosts[0].b.van[0].fdb_local, 5);
	assert_true(vstats(0, 100)->learn_fail >= 5);
	/* VAN 200 is not limited by VAN 100's share. */
	bridge_van_limits(&hosts[0].b, (uint32_t)bridge_van_find(&hosts[0].b, 100),
	    0, 0, 0);
	for (i = 0; i < 6; i++)
		inject(0, 1, msg, learn_msg(msg, 200, (uint8_t)(0x80 + i), 1));
	assert_int_equal(hosts[0].b.member[member_of(0, 1)].routes, 3);
	assert_int_equal(hosts[0].b.member[member_of(0, 1)].stats.learn_refused, 3);
	inject(0, 2, msg, learn_msg(msg, 200, 0x90, 1));
	assert_int_equal(hosts[0].b.member[member_of(0, 2)].routes, 1);
}

static void
send_raw(int h, int p, const uint8_t *f, size_t len)
{
	static uint8_t copy[2048];

	memcpy(copy, f, len);
	bridge_port_frame(&hosts[h].b, &hosts[h].out, (uint32_t)p, copy, len, 1, now);
	host_flush(&hosts[h]);
	run();
}

/* An ARP packet (RFC 826) from 02:..:smac, 10.0.0.sip, asking for 10.0.0.tip. */
static size_t
arp_frame(uint8_t *f, uint16_t op, uint8_t smac, uint8_t sip, uint8_t tip)
{
	static const uint8_t head[8] = { 0, 1, 8, 0, 6, 4, 0, 0 };

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, (const uint8_t[6]){ 2, 0, 0, 0, 0, smac }, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, head, 8);
	f[21] = (uint8_t)op;
	memcpy(f + 22, f + 6, 6);
	memcpy(f + 28, (const uint8_t[4]){ 10, 0, 0, sip }, 4);
	memcpy(f + 38, (const uint8_t[4]){ 10, 0, 0, tip }, 4);
	return 60;
}


/* The ARP proxy: addresses travel in LEARNs; known questions never leave. */
static void
test_arp_proxy(void **state)
{
	uint8_t f[64];
	int a1, b1;
	const struct neigh_entry *ne;
	struct wire_addr ip2 = { .family = 4, .bytes = { 10, 0, 0, 2 } };

	(void)state;
	arp_proxy = true;
	site(3);
	start_all();
	a1 = port(0, 100, 0x11);
	b1 = port(1, 100, 0x21);
	port(2, 100, 0x31);
	/* b1 says who it is (a gratuitous ARP): B gleans and announces it. */
	send_raw(1, b1, f, arp_frame(f, 2, 0x21, 2, 2));
	ne = neigh_lookup(&hosts[0].b.neigh, 100, &ip2);
	assert_non_null(ne);
	assert_int_equal(ne->mac[5], 0x21);
	assert_int_equal(ne->kind, NEIGH_REMOTE);
	/* a1 asks for 10.0.0.2: A answers itself; nothing is flooded. */
	ndlog = 0;
	send_raw(0, a1, f, arp_frame(f, 1, 0x11, 1, 2));
	assert_int_equal(vstats(0, 100)->arp_answered, 1);
	assert_int_equal(vstats(0, 100)->flood_tx, 0);
	assert_int_equal(ndlog, 1);
	assert_int_equal(dlog[0].host, 0);
	assert_int_equal(dlog[0].port, a1);
	assert_int_equal(dlog[0].src[5], 0x21);		/* "is-at" b1's MAC */
	assert_int_equal(dlog[0].dst[5], 0x11);
	/* The asker's address was learnt and announced, so C knows it too. */
	ip2.bytes[3] = 1;
	ne = neigh_lookup(&hosts[2].b.neigh, 100, &ip2);
	assert_non_null(ne);
	assert_int_equal(ne->mac[5], 0x11);
	/* An unknown address is flooded as before. */
	send_raw(0, a1, f, arp_frame(f, 1, 0x11, 1, 77));
	assert_int_equal(vstats(0, 100)->arpnd_flooded, 1);
	assert_int_equal(vstats(0, 100)->flood_tx, 1);
	/* b1 leaves: its address is forgotten with it; the question floods. */
	port_del(1, b1);
	ip2.bytes[3] = 2;
	assert_null(neigh_lookup(&hosts[0].b.neigh, 100, &ip2));
	send_raw(0, a1, f, arp_frame(f, 1, 0x11, 1, 2));
	assert_int_equal(vstats(0, 100)->arp_answered, 1);
	assert_int_equal(vstats(0, 100)->flood_tx, 2);
}

/* A LEARN of 02::last in VAN 100 with the address 10.0.0.ip. */
static size_t
learn_addr_msg(uint8_t *out, uint8_t last, uint32_t seq, uint8_t ip)
{
	struct wire_hdr hd = { .hop = 16, .src_van = 100, .dst_van = 100 };
	struct wire_learn l = { .seq = seq, .naddr = 1 };

	memcpy(l.mac, (const uint8_t[6]){ 2, 0, 0, 0, 0, last }, 6);
	l.addr[0].family = 4;
	memcpy(l.addr[0].bytes, (const uint8_t[4]){ 10, 0, 0, ip }, 4);
	return wire_encode_learn(out, WIRE_CTL_MAX, &hd, &l);
}

/*
 * A member's claim never takes an address a VM of this host uses (issue:
 * the ARP proxy then answered local VMs with the claimer's MAC): counted,
 * reported, and the address is disputed — not answered for from the table,
 * so the question floods and whoever has the address answers — until the
 * local VM uses it again.
 */
static void
test_addr_conflict(void **state)
{
	uint8_t f[64], msg[WIRE_CTL_MAX];
	struct wire_addr ip1 = { .family = 4, .bytes = { 10, 0, 0, 1 } };
	const struct neigh_entry *ne;
	struct bridge_event ev;
	int a1, a2, reported = 0;

	(void)state;
	arp_proxy = true;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	a2 = port(0, 100, 0x12);
	port(1, 100, 0x21);
	send_raw(0, a1, f, arp_frame(f, 2, 0x11, 1, 1));	/* a1 is 10.0.0.1 */
	ne = neigh_lookup(&hosts[0].b.neigh, 100, &ip1);
	assert_non_null(ne);
	assert_int_equal(ne->kind, NEIGH_LOCAL);
	/* Host 1 claims 10.0.0.1 for its 0x21. */
	inject(0, 1, msg, learn_addr_msg(msg, 0x21, entry(1, 100, 0x21)->seq, 1));
	ne = neigh_lookup(&hosts[0].b.neigh, 100, &ip1);
	assert_int_equal(ne->mac[5], 0x11);
	assert_true(ne->flags & NEIGH_F_DISPUTED);
	assert_int_equal(vstats(0, 100)->drops[DROP_ADDR_CONFLICT], 1);
	assert_int_equal(hosts[0].b.member[member_of(0, 1)].stats.drops[DROP_ADDR_CONFLICT], 1);
	while (bridge_event_next(&hosts[0].b, &ev))
		if (ev.type == BRIDGE_EV_ADDR_CONFLICT && ev.addr.bytes[3] == 1)
			reported++;
	assert_int_equal(reported, 1);
	/* a2 asks for 10.0.0.1: not answered from the table, flooded. */
	ndlog = 0;
	send_raw(0, a2, f, arp_frame(f, 1, 0x12, 2, 1));
	assert_int_equal(vstats(0, 100)->arp_answered, 0);
	assert_int_equal(vstats(0, 100)->arpnd_flooded, 1);
	assert_int_equal(delivered_to(0, (uint32_t)a1), 1);
	/* a1 speaks for its address again: answered from the table again. */
	send_raw(0, a1, f, arp_frame(f, 2, 0x11, 1, 1));
	assert_false(neigh_lookup(&hosts[0].b.neigh, 100, &ip1)->flags & NEIGH_F_DISPUTED);
	send_raw(0, a2, f, arp_frame(f, 1, 0x12, 2, 1));
	assert_int_equal(vstats(0, 100)->arp_answered, 1);
	/* A claim on an address no VM here uses is taken as before. */
	inject(0, 1, msg, learn_addr_msg(msg, 0x21, entry(1, 100, 0x21)->seq, 9));
	ip1.bytes[3] = 9;
	assert_int_equal(neigh_lookup(&hosts[0].b.neigh, 100, &ip1)->mac[5], 0x21);
}

/* An IPv4 frame of len bytes, DF, UDP, 02:..:11 -> 02:..:21. */
static size_t
ipv4_frame(uint8_t *f, size_t len, bool df)
{
	size_t i;
	uint32_t sum = 0;

	memset(f, 0, len);
	memcpy(f, (const uint8_t[12]){ 2, 0, 0, 0, 0, 0x21, 2, 0, 0, 0, 0, 0x11 }, 12);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[20] = df ? 0x40 : 0;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, (const uint8_t[8]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(f[14 + i] << 8 | f[15 + i]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	f[34 + 1] = 9;
	f[34 + 3] = 9;
	f[34 + 4] = (uint8_t)((len - 34) >> 8);
	f[34 + 5] = (uint8_t)(len - 34);
	return len;
}

/* A TUNNEL message (between proxies only) from a site member: dropped,
 * counted as not-from-peer, nothing else changes. */
static void
test_tunnel_from_member(void **state)
{
	struct wire_tunnel tn = { .tunnel = 1, .end = 0, .state = WIRE_TUN_DOWN,
	    .epoch = 7, .seq = 1 };
	struct wire_hdr h = { .hop = 16 };
	uint8_t msg[WIRE_CTL_MAX];
	size_t n;
	int m;

	(void)state;
	site(2);
	start_all();
	n = wire_encode_tunnel(msg, sizeof(msg), &h, &tn);
	assert_true(n > 0);
	m = member_of(0, 1);
	inject(0, 1, msg, n);
	assert_int_equal(hosts[0].b.member[m].stats.drops[DROP_NOT_PEER], 1);
	assert_int_equal(hosts[0].b.member[m].stats.rx_msgs[WIRE_TUNNEL], 1);
	assert_int_equal(hosts[0].b.member[m].state, MEMBER_ALIVE);
}

/* Host h's traces waiting, at most max into t; the count. */
static int
traces(int h, struct bridge_trace *t, int max)
{
	int n = 0;

	while (n < max && bridge_trace_next(&hosts[h].b, &t[n]))
		n++;
	return n;
}

/* The first of n traces of type, or NULL. */
static const struct bridge_trace *
trace_find(const struct bridge_trace *t, int n, uint8_t type)
{
	int i;

	for (i = 0; i < n; i++)
		if (t[i].type == type)
			return &t[i];
	return NULL;
}

/*
 * Debug traces: none while tracing is off; with it on, a MAC learnt on a
 * port, the LEARN it sends, a member's LEARN received, a forged source
 * refused — repeated ones coalesced into one trace with a count; a full
 * ring counts what it lost in the next trace; off again empties the ring.
 */
static void
test_traces(void **state)
{
	static struct bridge_trace t[BRIDGE_TRACES + 8];
	const struct bridge_trace *x;
	int a1, a2, n, i;

	(void)state;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	a2 = port_any(0, 100);
	send_frame(0, a2, 0xff, 0x33, 1);
	assert_int_equal(traces(0, t, BRIDGE_TRACES), 0);

	bridge_set_trace(&hosts[0].b, true);
	port(1, 100, 0x21);			/* host 1 announces: LEARN in */
	n = traces(0, t, BRIDGE_TRACES);
	assert_non_null(x = trace_find(t, n, BRIDGE_TR_LEARN_IN));
	assert_int_equal(x->where, (uint32_t)member_of(0, 1));
	assert_int_equal(x->mac[5], 0x21);
	assert_int_equal(x->seq, entry(1, 100, 0x21)->seq);

	send_frame(0, a2, 0xff, 0x34, 2);	/* new on a2: learnt, LEARN out */
	n = traces(0, t, BRIDGE_TRACES);
	assert_non_null(x = trace_find(t, n, BRIDGE_TR_MAC_LEARNED));
	assert_int_equal(x->van_id, 100);
	assert_int_equal(x->kind, FDB_LOCAL);
	assert_int_equal(x->where, (uint32_t)a2);
	assert_int_equal(x->mac[5], 0x34);
	assert_non_null(x = trace_find(t, n, BRIDGE_TR_LEARN_OUT));
	assert_int_equal(x->kind, FDB_REMOTE);
	assert_int_equal(x->where, (uint32_t)member_of(0, 1));
	assert_int_equal(x->mac[5], 0x34);
	assert_int_equal(x->seq, entry(0, 100, 0x34)->seq);


	for (i = 0; i < 5; i++)			/* a1 is 02:..:11: forged */
		send_frame(0, a1, 0xff, 0x44, 10 + (uint32_t)i);
	n = traces(0, t, BRIDGE_TRACES);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].type, BRIDGE_TR_MAC_REFUSED);
	assert_int_equal(t[0].reason, DROP_SPOOF);
	assert_int_equal(t[0].where, (uint32_t)a1);
	assert_int_equal(t[0].count, 5);

	/* More forged MACs than the ring keeps: the loss is counted. */
	for (i = 0; i < BRIDGE_TRACES + 5; i++) {
		uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0x02, 0x55, 0, 0, (uint8_t)(i >> 8), (uint8_t)i, 0x08 };

		bridge_port_frame(&hosts[0].b, &hosts[0].out, (uint32_t)a1, f,
		    sizeof(f), 1, now);
		host_flush(&hosts[0]);
	}
	assert_int_equal(traces(0, t, BRIDGE_TRACES + 8), BRIDGE_TRACES);
	send_frame(0, a1, 0xff, 0x45, 20);
	assert_int_equal(traces(0, t, 2), 1);
	assert_int_equal(t[0].lost, 5);

	send_frame(0, a1, 0xff, 0x46, 21);
	bridge_set_trace(&hosts[0].b, false);	/* off: the ring empties */
	assert_int_equal(traces(0, t, 2), 0);
	send_frame(0, a1, 0xff, 0x47, 22);
	assert_int_equal(traces(0, t, 2), 0);
	assert_int_equal(vstats(0, 100)->drops[DROP_SPOOF], 5 + BRIDGE_TRACES + 5 + 3);
}

/* Too big for the underlay: not sent, answered "fragmentation needed". */
static void
test_over_mtu(void **state)
{
	uint8_t f[1600];
	int a1, a2, i;

	(void)state;
	frame_max = 1000;
	site(2);
	start_all();
	a1 = port(0, 100, 0x11);
	a2 = port_any(0, 100);
	port(1, 100, 0x21);
	ndlog = 0;
	send_raw(0, a1, f, ipv4_frame(f, 1200, true));
	assert_int_equal(vstats(0, 100)->drops[DROP_OVER_MTU], 1);
	assert_int_equal(vstats(0, 100)->data_tx, 0);
	assert_int_equal(vstats(0, 100)->icmp_sent, 1);
	assert_int_equal(ndlog, 1);			/* the ICMP, back to a1 */
	assert_int_equal(dlog[0].port, a1);
	assert_int_equal(dlog[0].dst[5], 0x11);
	/* Without DF: dropped, no answer (a router would fragment). */
	send_raw(0, a1, f, ipv4_frame(f, 1200, false));
	assert_int_equal(vstats(0, 100)->drops[DROP_OVER_MTU], 2);
	assert_int_equal(vstats(0, 100)->icmp_sent, 1);
	/* What fits goes. */
	send_raw(0, a1, f, ipv4_frame(f, 1000, true));
	assert_int_equal(vstats(0, 100)->data_tx, 1);
	/* Between local ports the underlay does not matter. */
	send_frame(0, a2, 0xff, 0x33, 9);		/* a2's VM is 02:..:33 */
	ipv4_frame(f, 1200, true);
	f[5] = 0x33;
	ndlog = 0;
	send_raw(0, a1, f, 1200);
	assert_int_equal(ndlog, 1);
	assert_int_equal(dlog[0].port, a2);
	assert_int_equal(vstats(0, 100)->drops[DROP_OVER_MTU], 2);
	/* Answers are rate-limited. */
	for (i = 0; i < 300; i++)
		send_raw(0, a1, f, ipv4_frame(f, 1200, true));
	assert_int_equal(vstats(0, 100)->icmp_sent, BRIDGE_ICMP_RATE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood_learn_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_unlearn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leave_purges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_not_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_join_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_switching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_announce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crossing_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_binding_outbids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frozen_remembers_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_detection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_other_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_key_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_key_rotation_skipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_epoch_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_key_compat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_wrap_and_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_at_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_membership_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_proxy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_over_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_from_member, setup, teardown),
	};

	return cmocka_run_group_tests_name("bridge", tests, NULL, NULL);
}
