/*
 * test_relay.c — the proxy's decisions (edge/van/relay.c, docs/proxy.md), in a
 * simulated federation: sites of edges and one proxy each, proxies joined
 * as peers, every message carried in memory (a proxy-to-proxy message as
 * the plaintext its tunnel would carry), every delivery to a port recorded
 * and every message to a peer kept for inspection.
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

#define HOSTS	9
#define QMAX	8192

struct host {
	struct bridge	b;
	struct bridge_out out;
	struct van_addr	addr;
	int		idx;
	int		site;
	bool		proxy;
	int		peer_host[BRIDGE_MEMBER_MAX];	/* peer slot -> host */
	int		peer_slot[HOSTS];		/* host -> our peer slot */
};

struct qmsg {
	int		from, to;
	bool		peer;		/* proxy to proxy */
	size_t		len;
	uint8_t		buf[WIRE_MSG_MAX];
};

struct delivery {
	int		host;
	uint32_t	port;
	uint32_t	tag;
	size_t		len;
	uint8_t		head[64];	/* the frame's first bytes */
};

static struct host	*hosts;
static int		nhosts;
static struct qmsg	*q;
static int		qhead, qtail;
static struct delivery	dlog[4096];
static int		ndlog;
static monotime_t	now;
/* Every message between proxies, as sent, for the privacy checks. */
static struct qmsg	*wiretap;
static int		nwiretap;
static bool		cut;		/* the tunnels drop everything */
static bool		lose_learns;	/* the tunnels drop LEARN messages */

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
		struct qmsg *m;
		int to;
		bool peer;

		if (a->kind == BRIDGE_ACT_PORT) {
			struct delivery *d = &dlog[ndlog++];

			d->host = h->idx;
			d->port = a->target;
			memcpy(&d->tag, a->data + 14, 4);
			d->len = a->data_len;
			memcpy(d->head, a->data, a->data_len < 64 ? a->data_len : 64);
			continue;
		}
		peer = h->b.member[a->target].peer;
		to = peer ? h->peer_host[a->target] :
		    host_by_addr(&h->b.member[a->target].addr);
		if (to < 0 || (peer && cut) ||
		    (peer && lose_learns && a->type == WIRE_LEARN))
			continue;
		m = &q[qtail++ % QMAX];
		assert_true(qtail - qhead < QMAX);
		m->from = h->idx;
		m->to = to;
		m->peer = peer;
		m->len = a->hdr_len + a->data_len;
		memcpy(m->buf, a->hdr, a->hdr_len);
		memcpy(m->buf + a->hdr_len, a->data, a->data_len);
		if (peer && nwiretap < QMAX)
			wiretap[nwiretap++] = *m;
	}
	o->n = 0;
	o->arena_used = 0;
}

static void
run(void)
{
	static uint8_t copy[WIRE_MSG_MAX];

	while (qhead < qtail) {
		struct qmsg *m = &q[qhead++ % QMAX];
		struct host *h = &hosts[m->to];

		memcpy(copy, m->buf, m->len);
		if (m->peer)
			bridge_input_member(&h->b, &h->out,
			    (uint32_t)h->peer_slot[m->from], NULL, copy, m->len, now);
		else
			bridge_input(&h->b, &h->out, &hosts[m->from].addr, &h->addr,
			    copy, m->len, now);
		flush(&h->out, h);
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
			flush(&hosts[i].out, &hosts[i]);
		}
		run();
	}
}

/* A host of `site`: an edge, or the site's proxy. */
static int
host_new(int site, bool proxy)
{
	int i = nhosts++;
	struct host *h = &hosts[i];
	struct bridge_conf c = { .fdb_max = 1024, .hello_ms = 1000, .dead_count = 3,
	    .epoch = 1000 + (uint64_t)i, .proxy = proxy };
	char s[32];
	const char *err;

	memset(c.hashkey, 0x30 + i, sizeof(c.hashkey));
	assert_int_equal(bridge_init(&h->b, &c), 0);
	bridge_out_init(&h->out, flush, h);
	h->idx = i;
	h->site = site;
	h->proxy = proxy;
	/* Sites have overlapping underlays: addresses repeat across sites. */
	snprintf(s, sizeof(s), "10.0.%d.%d", site, i + 1);
	assert_true(addr_parse(s, 4797, &h->addr, &err));
	memset(h->peer_slot, -1, sizeof(h->peer_slot));
	return i;
}

static void
van(int h, uint32_t id)
{
	const char *err;

	assert_true(bridge_van_add(&hosts[h].b, id, NULL, &err) >= 0);
}

/* Every host of a site is a member of every other. */
static void
site_members(int site)
{
	int i, j;
	const char *err;

	for (i = 0; i < nhosts; i++)
		for (j = 0; j < nhosts; j++)
			if (i != j && hosts[i].site == site && hosts[j].site == site)
				assert_true(bridge_member_add(&hosts[i].b, &hosts[i].out,
				    &hosts[j].addr, now, &err) >= 0);
}

/* Proxies x and y peer; pairs: x's VAN ID, y's VAN ID, ..., 0. */
static void
peering(int x, int y, ...)
{
	const char *err;
	va_list ap;
	uint32_t a, bb;
	int sx, sy;

	sx = bridge_peer_add(&hosts[x].b, now, &err);
	sy = bridge_peer_add(&hosts[y].b, now, &err);
	assert_true(sx >= 0 && sy >= 0);
	hosts[x].peer_host[sx] = y;
	hosts[x].peer_slot[y] = sx;
	hosts[y].peer_host[sy] = x;
	hosts[y].peer_slot[x] = sy;
	va_start(ap, y);
	while ((a = va_arg(ap, uint32_t)) != 0) {
		bb = va_arg(ap, uint32_t);
		assert_int_equal(bridge_peer_map(&hosts[x].b, &hosts[x].out,
		    (uint32_t)sx, a, bb, now, &err), 0);
		assert_int_equal(bridge_peer_map(&hosts[y].b, &hosts[y].out,
		    (uint32_t)sy, bb, a, now, &err), 0);
	}
	va_end(ap);
}

static void
start_all(void)
{
	int i;

	for (i = 0; i < nhosts; i++) {
		bridge_start(&hosts[i].b, &hosts[i].out, now);
		flush(&hosts[i].out, &hosts[i]);
	}
	run();
	advance(MONO_SEC(2));
}

static int
port(int h, uint32_t van_id, uint8_t last)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, last };
	const char *err;
	int p;

	p = bridge_port_add(&hosts[h].b, &hosts[h].out,
	    (uint32_t)bridge_van_find(&hosts[h].b, van_id), mac, 0, now, &err);
	assert_true(p >= 0);
	flush(&hosts[h].out, &hosts[h]);
	run();
	return p;
}

static void
port_del(int h, int p)
{
	bridge_port_del(&hosts[h].b, &hosts[h].out, (uint32_t)p, now);
	flush(&hosts[h].out, &hosts[h]);
	run();
}

static void
send_frame(int h, int p, uint8_t dst, uint8_t src, uint32_t tag)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	f[0] = 2;
	f[5] = dst;
	if (dst == 0xff)
		memset(f, 0xff, 6);
	f[6] = 2;
	f[11] = src;
	f[12] = 0x08;
	memcpy(f + 14, &tag, 4);
	bridge_port_frame(&hosts[h].b, &hosts[h].out, (uint32_t)p, f, sizeof(f), 1, now);
	flush(&hosts[h].out, &hosts[h]);
	run();
}

static int
delivered(uint32_t tag, int *host)
{
	int i, n = 0;

	for (i = 0; i < ndlog; i++)
		if (dlog[i].tag == tag) {
			n++;
			if (host != NULL)
				*host = dlog[i].host;
		}
	return n;
}

static const struct fdb_entry *
entry(int h, uint32_t van_id, uint8_t last)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, last };

	return fdb_lookup(&hosts[h].b.fdb, van_id, mac);
}

static struct van_stats *
vstats(int h, uint32_t van_id)
{
	return &hosts[h].b.van[bridge_van_find(&hosts[h].b, van_id)].stats;
}

static int
setup(void **state)
{
	(void)state;
	hosts = calloc(HOSTS, sizeof(*hosts));
	q = calloc(QMAX, sizeof(*q));
	wiretap = calloc(QMAX, sizeof(*wiretap));
	qhead = qtail = ndlog = nhosts = nwiretap = 0;
	cut = lose_learns = false;
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
	free(wiretap);
	return 0;
}

/*
 * Two sites: A (edges a1 a2, proxy pa) calls the VAN 100, B (edge b1,
 * proxy pb) calls it 300; B's VAN 100 is another tenant's, not federated.
 */
static int a1, a2, pa, b1, pb;

static void
two_sites(void)
{
	a1 = host_new(1, false);
	a2 = host_new(1, false);
	pa = host_new(1, true);
	b1 = host_new(2, false);
	pb = host_new(2, true);
	van(a1, 100);
	van(a2, 100);
	van(pa, 100);
	van(b1, 300);
	van(pb, 300);
	van(b1, 100);		/* same number, another VAN, site B only */
	van(pb, 100);
	site_members(1);
	site_members(2);
	peering(pa, pb, 100, 300, 0);
	start_all();
}

/* A VM in A reaches a VM in B; B's VAN 100 is never reached. */
static void
test_across_sites(void **state)
{
	int pa1, pb1, pbx, h;
	const struct fdb_entry *e;

	(void)state;
	two_sites();
	pa1 = port(a1, 100, 0x11);
	pb1 = port(b1, 300, 0x21);
	pbx = port(b1, 100, 0x31);	/* the other tenant */
	/*
	 * B's VM appeared after A's joined: pb announced it to pa, and pa to
	 * A's members of the VAN.  A's VM was announced before B's joined the
	 * VAN there: b1 learns it from the first frame it gets from it.
	 */
	e = entry(a1, 100, 0x21);
	assert_non_null(e);
	assert_int_equal(e->where, bridge_member_find(&hosts[a1].b, &hosts[pa].addr));
	assert_null(entry(b1, 300, 0x11));
	send_frame(a1, pa1, 0x21, 0x11, 1);
	assert_int_equal(delivered(1, &h), 1);
	assert_int_equal(h, b1);
	assert_int_equal(vstats(a1, 100)->flood_tx, 0);
	send_frame(b1, pb1, 0x11, 0x21, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, a1);
	e = entry(b1, 300, 0x11);
	assert_non_null(e);
	assert_int_equal(e->where, bridge_member_find(&hosts[b1].b, &hosts[pb].addr));
	send_frame(b1, pb1, 0x11, 0x21, 5);
	assert_int_equal(delivered(5, &h), 1);
	assert_int_equal(vstats(b1, 300)->flood_tx, 0);
	/* Broadcast crosses to the mapped VAN only. */
	send_frame(a1, pa1, 0xff, 0x11, 3);
	assert_int_equal(delivered(3, &h), 1);
	assert_int_equal(h, b1);
	for (int i = 0; i < ndlog; i++)
		assert_true(!(dlog[i].host == b1 && dlog[i].port == (uint32_t)pbx));
	/* The other tenant's broadcast in B stays in B. */
	send_frame(b1, pbx, 0xff, 0x31, 4);
	assert_int_equal(delivered(4, NULL), 0);
	assert_true(vstats(pa, 100)->relayed + vstats(pb, 300)->relayed >= 4);
}

/*
 * What crosses between proxies names no host of either site, only VAN IDs
 * of the peering; a move inside a site is not seen by the other site.
 */
static void
test_privacy(void **state)
{
	struct wire_msg wm;
	int pa1, pb1, i, before;
	uint32_t xseq;

	(void)state;
	two_sites();
	pa1 = port(a1, 100, 0x11);
	pb1 = port(b1, 300, 0x21);
	send_frame(a1, pa1, 0x21, 0x11, 1);
	send_frame(b1, pb1, 0x11, 0x21, 2);
	for (i = 0; i < nwiretap; i++) {
		const struct qmsg *m = &wiretap[i];
		size_t k;

		assert_int_equal(wire_decode(m->buf, m->len, &wm), WIRE_OK);
		assert_false(wm.has_auth);	/* the tunnel authenticates */
		if (wm.hdr.type != WIRE_HELLO) {
			/* A's 100 <-> B's 300, and nothing else crosses. */
			if (m->from == pa)
				assert_true(wm.hdr.src_van == 100 && wm.hdr.dst_van == 300);
			else
				assert_true(wm.hdr.src_van == 300 && wm.hdr.dst_van == 100);
		}
		/* No site's underlay address anywhere in any message. */
		for (k = 0; k + 4 <= m->len; k++)
			for (int j = 0; j < nhosts; j++)
				assert_false(memcmp(m->buf + k, hosts[j].addr.ip, 4) == 0);
	}
	/* The VM moves from a1 to a2: B hears nothing of it. */
	xseq = entry(pb, 300, 0x11)->xseq;
	before = nwiretap;
	port_del(a1, pa1);
	port(a2, 100, 0x11);
	for (i = before; i < nwiretap; i++) {
		assert_int_equal(wire_decode(wiretap[i].buf, wiretap[i].len, &wm), WIRE_OK);
		assert_true(wm.hdr.type != WIRE_LEARN && wm.hdr.type != WIRE_UNLEARN);
	}
	assert_int_equal(entry(pb, 300, 0x11)->xseq, xseq);
	/* ... and still reaches it. */
	send_frame(b1, pb1, 0x11, 0x21, 3);
	assert_int_equal(delivered(3, NULL), 1);
}

/* A peer's messages with IDs outside the peering reach nobody. */
static void
test_unmapped(void **state)
{
	uint8_t msg[WIRE_MSG_MAX];
	struct wire_hdr h = { .type = WIRE_FLOOD, .hop = 16 };
	uint32_t slot;
	int i;
	static const uint32_t pairs[][2] = {
		{ 100, 100 },	/* B's 100: not in the peering */
		{ 300, 200 },	/* a destination we do not map */
		{ 301, 100 },	/* a source B does not map */
		{ 100, 300 },	/* the pair backwards */
	};

	(void)state;
	two_sites();
	port(a1, 100, 0x11);
	slot = (uint32_t)hosts[pa].peer_slot[pb];
	for (i = 0; i < 4; i++) {
		memset(msg, 0, 12 + 60);
		h.src_van = pairs[i][0];
		h.dst_van = pairs[i][1];
		wire_put_hdr(msg, &h);
		memset(msg + 12, 0xff, 6);
		msg[12 + 6] = 2;
		msg[12 + 11] = 0x66;
		bridge_input_member(&hosts[pa].b, &hosts[pa].out, slot, NULL, msg, 12 + 60, now);
		flush(&hosts[pa].out, &hosts[pa]);
		run();
	}
	assert_int_equal(hosts[pa].b.member[slot].stats.drops[DROP_UNMAPPED], 4);
	assert_int_equal(ndlog, 0);
	assert_null(entry(pa, 100, 0x66));
}

/* A VM moves from A to B: reachable from both; A keeps only "via pa". */
static void
test_cross_site_migration(void **state)
{
	int pa1, pa2, pb1, pb2, h;
	const struct fdb_entry *e;

	(void)state;
	two_sites();
	pa1 = port(a1, 100, 0x11);
	pa2 = port(a2, 100, 0x12);
	pb1 = port(b1, 300, 0x21);
	send_frame(a2, pa2, 0x11, 0x12, 1);
	assert_int_equal(delivered(1, &h), 1);
	port_del(a1, pa1);
	pb2 = port(b1, 300, 0x11);	/* the same MAC, now in B */
	e = entry(a2, 100, 0x11);
	assert_non_null(e);
	assert_int_equal(e->where, bridge_member_find(&hosts[a2].b, &hosts[pa].addr));
	e = entry(pa, 100, 0x11);
	assert_true(hosts[pa].b.member[e->where].peer);
	assert_null(entry(a1, 100, 0x11));	/* withdrawn, no trace */
	send_frame(a2, pa2, 0x11, 0x12, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, b1);
	send_frame(b1, pb1, 0x11, 0x21, 3);	/* inside B */
	assert_int_equal(delivered(3, &h), 1);
	assert_int_equal(h, b1);
	/* and back to A */
	port_del(b1, pb2);
	port(a1, 100, 0x11);
	e = entry(pb, 300, 0x11);
	assert_non_null(e);
	assert_true(hosts[pb].b.member[e->where].peer);
	send_frame(b1, pb1, 0x11, 0x21, 4);
	assert_int_equal(delivered(4, &h), 1);
	assert_int_equal(h, a1);
}

/*
 * A's VM came while the tunnel was down: its announcement was lost, and
 * B does not know it.  When B is back in touch it hears A's routes with
 * A's federation sequence, so the VM's move into B is not a tie that A
 * ignores: A holds it while the old port is still up (a peer never takes
 * a MAC from the site), and follows the moment that port goes.
 */
static void
test_peer_back_hears_routes(void **state)
{
	const struct fdb_entry *e;
	uint32_t sb;
	uint64_t stale;
	int pa1, pb1, h;

	(void)state;
	two_sites();
	pb1 = port(b1, 300, 0x21);
	cut = true;
	advance(MONO_SEC(5));
	sb = (uint32_t)hosts[pa].peer_slot[pb];
	assert_int_equal(hosts[pa].b.member[sb].state, MEMBER_DEAD);
	pa1 = port(a1, 100, 0x11);
	e = entry(pa, 100, 0x11);
	assert_non_null(e);
	assert_int_equal(e->xseq, 1);
	cut = false;
	advance(MONO_SEC(2));
	assert_int_equal(hosts[pa].b.member[sb].state, MEMBER_ALIVE);
	e = entry(pb, 300, 0x11);
	assert_non_null(e);
	assert_true(hosts[pb].b.member[e->where].peer);
	assert_int_equal(e->xseq, 1);
	send_frame(b1, pb1, 0x11, 0x21, 1);
	assert_int_equal(delivered(1, &h), 1);
	assert_int_equal(h, a1);
	/* The VM comes up in B; A's old port is still there. */
	stale = vstats(pa, 100)->learn_stale;
	port(b1, 300, 0x11);
	e = entry(pa, 100, 0x11);
	assert_false(hosts[pa].b.member[e->where].peer);
	assert_int_equal(vstats(pa, 100)->drops[DROP_SITE_CLAIM], 1);
	port_del(a1, pa1);
	e = entry(pa, 100, 0x11);
	assert_true(hosts[pa].b.member[e->where].peer);
	assert_int_equal(e->xseq, 2);
	assert_int_equal(vstats(pa, 100)->learn_stale, stale);
	send_frame(b1, pb1, 0x11, 0x21, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, b1);
}

/*
 * A LEARN lost on a live tunnel: the peer does not hear of the VM until
 * the next refresh round (route_refresh), and then does; without rounds,
 * never.  A route the peer has already is only noted there.
 */
static void
test_refresh_mends_lost_learn(void **state)
{
	const struct fdb_entry *e;
	uint64_t learn_rx;
	int pa1, h;

	(void)state;
	two_sites();
	hosts[pa].b.conf.refresh_ms = 30000;
	advance(MONO_SEC(2));
	assert_int_equal(hosts[pa].b.member[hosts[pa].peer_slot[pb]].state, MEMBER_ALIVE);
	/* Lost with its repeats (BRIDGE_REPEATS, a HELLO interval apart). */
	lose_learns = true;
	pa1 = port(a1, 100, 0x11);
	advance(MONO_SEC(BRIDGE_REPEATS + 3));
	lose_learns = false;
	assert_null(entry(pb, 300, 0x11));
	/* HELLOs flow, the peer stays alive: nothing else repeats it. */
	advance(MONO_SEC(20));
	assert_null(entry(pb, 300, 0x11));
	assert_int_equal(hosts[pa].b.refreshes, 0);
	advance(MONO_SEC(12));
	assert_int_equal(hosts[pa].b.refreshes, 1);
	e = entry(pb, 300, 0x11);
	assert_non_null(e);
	assert_true(hosts[pb].b.member[e->where].peer);
	assert_int_equal(e->xseq, 1);
	send_frame(b1, port(b1, 300, 0x21), 0x11, 0x21, 1);
	assert_int_equal(delivered(1, &h), 1);
	assert_int_equal(h, a1);
	/* The next round: B notes what it has, tells its site nothing new. */
	learn_rx = vstats(b1, 300)->learn_rx;
	advance(MONO_SEC(31));
	assert_int_equal(hosts[pa].b.refreshes, 2);
	assert_int_equal(vstats(b1, 300)->learn_rx, learn_rx);
	(void)pa1;
}

/*
 * A LEARN lost once on a live tunnel is mended by its repeats (repeat.c),
 * without a refresh round; and a VM that goes from A goes from B too: B's
 * proxy and B's host forget it (the proxies pass the withdrawal on,
 * docs/proxy.md §3), so no table keeps a MAC that went.
 */
static void
test_repeats_and_gone_cross(void **state)
{
	int pa1;

	(void)state;
	two_sites();
	hosts[pa].b.conf.refresh_ms = 0;
	hosts[pb].b.conf.refresh_ms = 0;
	port(b1, 300, 0x21);
	advance(MONO_SEC(2));
	lose_learns = true;
	pa1 = port(a1, 100, 0x11);
	advance(MONO_MS(50));
	lose_learns = false;
	assert_null(entry(pb, 300, 0x11));
	advance(MONO_SEC(BRIDGE_REPEATS + 2));
	assert_non_null(entry(pb, 300, 0x11));
	assert_non_null(entry(b1, 300, 0x11));
	assert_true(vstats(pa, 100)->repeats > 0);
	assert_int_equal(hosts[pa].b.refreshes, 0);
	port_del(a1, pa1);
	advance(MONO_SEC(BRIDGE_REPEATS + 2));
	assert_null(entry(a2, 100, 0x11));
	assert_null(entry(pa, 100, 0x11));
	assert_null(entry(pb, 300, 0x11));
	assert_null(entry(b1, 300, 0x11));
}

static void
test_no_refresh_no_mend(void **state)
{
	(void)state;
	two_sites();
	hosts[pa].b.conf.refresh_ms = 0;
	advance(MONO_SEC(2));
	lose_learns = true;
	port(a1, 100, 0x11);
	advance(MONO_SEC(BRIDGE_REPEATS + 3));
	lose_learns = false;
	advance(MONO_SEC(120));
	assert_null(entry(pb, 300, 0x11));
	assert_int_equal(hosts[pa].b.refreshes, 0);
}

/* An IPv4 datagram with DF from ...:src to ...:dst: UDP of len bytes, or a
 * TCP SYN with MSS 1460 (len 0). */
static size_t
ip4_frame(uint8_t *f, uint8_t dst, uint8_t src, size_t len)
{
	bool syn = len == 0;
	size_t ip = syn ? 20 + 24 : len - 14;
	uint32_t sum = 0;
	size_t i;

	memset(f, 0, 14 + ip);
	f[0] = 2;
	f[5] = dst;
	f[6] = 2;
	f[11] = src;
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(ip >> 8);
	f[17] = (uint8_t)ip;
	f[20] = 0x40;		/* DF */
	f[22] = 64;
	f[23] = syn ? 6 : 17;
	f[26] = 10; f[29] = src;
	f[30] = 10; f[33] = dst;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(f[14 + i] << 8 | f[15 + i]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	if (syn) {
		f[34] = 0x9c; f[35] = 0x40;		/* 40000 -> 80 */
		f[37] = 80;
		f[46] = 6 << 4;			/* data offset 24 */
		f[47] = 0x02;			/* SYN */
		f[48] = 0xff; f[49] = 0xff;
		f[54] = 2; f[55] = 4; f[56] = 1460 >> 8; f[57] = 1460 & 0xff;
	}
	return 14 + ip;
}

/*
 * B's tunnel to A carries frames of up to 600 bytes: a larger datagram
 * from B's VM is dropped at B's proxy, counted, and answered with ICMP
 * "fragmentation needed" (MTU 586) from the destination's address; A's
 * VM's SYN reaches B with an MSS that fits the tunnel, and B's with
 * one that fits it going the other way.
 */
static void
test_tunnel_mtu(void **state)
{
	uint8_t f[1600];
	const struct delivery *d;
	uint32_t sa;
	size_t n;
	int pa1, pb1, h, before;

	(void)state;
	two_sites();
	pa1 = port(a1, 100, 0x11);
	pb1 = port(b1, 300, 0x21);
	bridge_peer_frame_max(&hosts[pb].b, (uint32_t)hosts[pb].peer_slot[pa], 600);
	bridge_peer_frame_max(&hosts[pa].b, (uint32_t)hosts[pa].peer_slot[pb], 600);
	send_frame(a1, pa1, 0x21, 0x11, 1);
	send_frame(b1, pb1, 0x11, 0x21, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, a1);

	before = ndlog;
	n = ip4_frame(f, 0x11, 0x21, 1000);
	bridge_port_frame(&hosts[b1].b, &hosts[b1].out, (uint32_t)pb1, f, n, 1, now);
	flush(&hosts[b1].out, &hosts[b1]);
	run();
	assert_int_equal(ndlog, before + 1);		/* the answer, nothing at A */
	d = &dlog[before];
	assert_int_equal(d->host, b1);
	assert_int_equal(d->port, pb1);
	assert_int_equal(d->head[5], 0x21);		/* to the sender's MAC */
	assert_int_equal(d->head[11], 0x11);		/* from the destination's */
	assert_int_equal(d->head[14 + 9], 1);		/* ICMP */
	assert_int_equal(d->head[34], 3);		/* fragmentation needed */
	assert_int_equal(d->head[35], 4);
	assert_int_equal(d->head[40] << 8 | d->head[41], 600 - 14);
	sa = (uint32_t)hosts[pb].peer_slot[pa];
	assert_int_equal(hosts[pb].b.member[sa].stats.drops[DROP_OVER_MTU], 1);
	assert_int_equal(vstats(pb, 300)->drops[DROP_OVER_MTU], 1);
	assert_int_equal(vstats(pb, 300)->icmp_sent, 1);

	/* One that fits goes through. */
	before = ndlog;
	n = ip4_frame(f, 0x11, 0x21, 600);
	bridge_port_frame(&hosts[b1].b, &hosts[b1].out, (uint32_t)pb1, f, n, 1, now);
	flush(&hosts[b1].out, &hosts[b1]);
	run();
	assert_int_equal(ndlog, before + 1);
	assert_int_equal(dlog[before].host, a1);
	assert_int_equal(dlog[before].len, 600);

	/* SYNs both ways: the MSS that fits 600 - 14 - 20 - 20 = 546. */
	before = ndlog;
	n = ip4_frame(f, 0x21, 0x11, 0);
	bridge_port_frame(&hosts[a1].b, &hosts[a1].out, (uint32_t)pa1, f, n, 1, now);
	flush(&hosts[a1].out, &hosts[a1]);
	run();
	n = ip4_frame(f, 0x11, 0x21, 0);
	bridge_port_frame(&hosts[b1].b, &hosts[b1].out, (uint32_t)pb1, f, n, 1, now);
	flush(&hosts[b1].out, &hosts[b1]);
	run();
	assert_int_equal(ndlog, before + 2);
	assert_int_equal(dlog[before].host, b1);
	assert_int_equal(dlog[before].head[56] << 8 | dlog[before].head[57], 546);
	assert_int_equal(dlog[before + 1].host, a1);
	assert_int_equal(dlog[before + 1].head[56] << 8 | dlog[before + 1].head[57], 546);
}

/*
 * A chain A - B - C where B has no node in the VAN (transit only): it
 * carries the VAN between its peers under its own ID for it, 500.
 */
static void
test_transit(void **state)
{
	int a, pa_, pb_, c, pc, pta, ptc, h;

	(void)state;
	a = host_new(1, false);
	pa_ = host_new(1, true);
	pb_ = host_new(2, true);
	c = host_new(3, false);
	pc = host_new(3, true);
	van(a, 100);
	van(pa_, 100);
	van(pb_, 500);
	van(c, 700);
	van(pc, 700);
	site_members(1);
	site_members(3);
	peering(pa_, pb_, 100, 500, 0);
	peering(pb_, pc, 500, 700, 0);
	start_all();
	pta = port(a, 100, 0x11);
	ptc = port(c, 700, 0x31);
	send_frame(a, pta, 0x31, 0x11, 1);
	assert_int_equal(delivered(1, &h), 1);
	assert_int_equal(h, c);
	send_frame(c, ptc, 0x11, 0x31, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, a);
	send_frame(a, pta, 0xff, 0x11, 3);
	assert_int_equal(delivered(3, &h), 1);
	assert_int_equal(h, c);
	assert_true(vstats(pb_, 500)->transit >= 2);
	/* B's proxy forwards with the hop limit one lower: a frame at 1 stops. */
	{
		uint8_t msg[12 + 60];
		struct wire_hdr hd = { .type = WIRE_DATA, .hop = 1, .src_van = 100,
		    .dst_van = 500 };
		uint32_t slot = (uint32_t)hosts[pb_].peer_slot[pa_];

		memset(msg, 0, sizeof(msg));
		wire_put_hdr(msg, &hd);
		msg[12 + 0] = 2;
		msg[12 + 5] = 0x31;
		msg[12 + 6] = 2;
		msg[12 + 11] = 0x11;
		memcpy(msg + 12 + 14, &(uint32_t){ 4 }, 4);
		bridge_input_member(&hosts[pb_].b, &hosts[pb_].out, slot, NULL, msg,
		    sizeof(msg), now);
		flush(&hosts[pb_].out, &hosts[pb_]);
		run();
		assert_int_equal(delivered(4, NULL), 0);
		assert_int_equal(hosts[pb_].b.member[slot].stats.drops[WIRE_ERR_HOP], 1);
	}
}

/*
 * A peer's routes that go are withdrawn from the other peers: a chain
 * A - B - C; B unmaps its pairs with C (its tunnel no longer carries:
 * docs/proxy.md §13) and UNLEARNs C's MACs to A, which had them "behind B"
 * and would otherwise keep them against a route through another peer (the
 * same federation sequence: a tie).  B's own site is not told: its MACs
 * stay behind B's proxy.
 */
static void
test_routes_withdrawn(void **state)
{
	int a, pa_, pb_, c, pc, pta;
	uint32_t slot;
	uint64_t unlearn0;

	(void)state;
	a = host_new(1, false);
	pa_ = host_new(1, true);
	pb_ = host_new(2, true);
	c = host_new(3, false);
	pc = host_new(3, true);
	van(a, 100);
	van(pa_, 100);
	van(pb_, 500);
	van(c, 700);
	van(pc, 700);
	site_members(1);
	site_members(3);
	peering(pa_, pb_, 100, 500, 0);
	peering(pb_, pc, 500, 700, 0);
	start_all();
	pta = port(a, 100, 0x11);
	port(c, 700, 0x31);
	send_frame(a, pta, 0x31, 0x11, 1);
	assert_int_equal(delivered(1, NULL), 1);
	assert_non_null(entry(pa_, 100, 0x31));
	slot = (uint32_t)hosts[pa_].peer_slot[pb_];
	assert_int_equal(entry(pa_, 100, 0x31)->where, slot);
	unlearn0 = vstats(pa_, 100)->unlearn_rx;

	bridge_peer_unmap(&hosts[pb_].b, &hosts[pb_].out,
	    (uint32_t)hosts[pb_].peer_slot[pc], 500, now);
	flush(&hosts[pb_].out, &hosts[pb_]);
	run();
	assert_null(entry(pb_, 500, 0x31));
	assert_null(entry(pa_, 100, 0x31));		/* told, and forgot */
	assert_int_equal(vstats(pa_, 100)->unlearn_rx, unlearn0 + 1);
	assert_non_null(entry(pa_, 100, 0x11));	/* its own site's stays */
}

/*
 * A triangle of proxies that all carry the VAN: a bad plan, a loop.  A
 * broadcast goes round once at most: the duplicate filter stops it at the
 * first proxy that sees it come back, which reports it.
 */
static void
test_loop(void **state)
{
	int a, pa_, pb_, pc, b, pta;
	int i, loops = 0;
	struct bridge_event ev;

	(void)state;
	a = host_new(1, false);
	pa_ = host_new(1, true);
	b = host_new(2, false);
	pb_ = host_new(2, true);
	pc = host_new(3, true);
	van(a, 1);
	van(pa_, 1);
	van(b, 2);
	van(pb_, 2);
	van(pc, 3);
	site_members(1);
	site_members(2);
	peering(pa_, pb_, 1, 2, 0);
	peering(pb_, pc, 2, 3, 0);
	peering(pc, pa_, 3, 1, 0);
	start_all();
	pta = port(a, 1, 0x11);
	port(b, 2, 0x21);
	send_frame(a, pta, 0xff, 0x11, 7);
	/* Delivered once in B, never back to A; the loop is reported. */
	assert_int_equal(delivered(7, NULL), 1);
	for (i = 0; i < nhosts; i++)
		while (bridge_event_next(&hosts[i].b, &ev))
			if (ev.type == BRIDGE_EV_LOOP)
				loops++;
	assert_true(loops >= 1);
	assert_true(vstats(pa_, 1)->drops[DROP_LOOP] + vstats(pb_, 2)->drops[DROP_LOOP] +
	    vstats(pc, 3)->drops[DROP_LOOP] >= 1);
	assert_true(qtail - qhead == 0);	/* the network is quiet */
}

/* A peer that dies loses its routes; a peer's limits hold. */
static void
test_peer_death_and_limits(void **state)
{
	int pa1, i;
	uint32_t slot;
	uint8_t msg[WIRE_CTL_MAX];
	struct wire_hdr hd = { .hop = 16, .src_van = 300, .dst_van = 100 };
	struct wire_learn l = { .seq = 1 };

	(void)state;
	two_sites();
	pa1 = port(a1, 100, 0x11);
	port(b1, 300, 0x21);
	slot = (uint32_t)hosts[pa].peer_slot[pb];
	assert_int_equal(hosts[pa].b.member[slot].routes, 1);
	/* At most 3 MACs (it has 1) and 5 LEARNs a second from pb: of 8
	 * LEARNs 3 exceed the rate, and of the other 5, 3 the MACs. */
	bridge_peer_limits(&hosts[pa].b, slot, 3, 0, 5);
	for (i = 0; i < 8; i++) {
		memcpy(l.mac, (const uint8_t[6]){ 2, 0, 0, 0, 1, (uint8_t)i }, 6);
		bridge_input_member(&hosts[pa].b, &hosts[pa].out, slot, NULL, msg,
		    wire_encode_learn(msg, sizeof(msg), &hd, &l), now);
		flush(&hosts[pa].out, &hosts[pa]);
		run();
	}
	assert_int_equal(hosts[pa].b.member[slot].routes, 3);
	assert_int_equal(hosts[pa].b.member[slot].stats.learn_refused, 3);
	assert_int_equal(hosts[pa].b.member[slot].stats.drops[DROP_LEARN_LIMIT], 3);
	/* pb goes silent: after the dead time pa forgets what was behind it. */
	for (i = 0; i < 10; i++) {
		now += MONO_MS(500);
		bridge_tick(&hosts[pa].b, &hosts[pa].out, now);
		bridge_tick(&hosts[a1].b, &hosts[a1].out, now);
		bridge_tick(&hosts[a2].b, &hosts[a2].out, now);
		flush(&hosts[pa].out, &hosts[pa]);
		flush(&hosts[a1].out, &hosts[a1]);
		flush(&hosts[a2].out, &hosts[a2]);
		qhead = qtail;		/* everything is lost on the way */
	}
	assert_int_equal(hosts[pa].b.member[slot].state, MEMBER_DEAD);
	assert_int_equal(hosts[pa].b.member[slot].routes, 0);
	(void)pa1;
}

/* Hand proxy h a message from its peer, the proxy `from` (its plaintext). */
static void
from_peer(int h, int from, const uint8_t *msg, size_t len)
{
	static uint8_t copy[WIRE_MSG_MAX];

	memcpy(copy, msg, len);
	bridge_input_member(&hosts[h].b, &hosts[h].out, (uint32_t)hosts[h].peer_slot[from],
	    NULL, copy, len, now);
	flush(&hosts[h].out, &hosts[h]);
	run();
}

/* Hand host h a message from site member `from`. */
static void
from_site(int h, int from, const uint8_t *msg, size_t len)
{
	static uint8_t copy[WIRE_MSG_MAX];

	memcpy(copy, msg, len);
	bridge_input(&hosts[h].b, &hosts[h].out, &hosts[from].addr, &hosts[h].addr, copy,
	    len, now);
	flush(&hosts[h].out, &hosts[h]);
	run();
}

/* A LEARN of 02::last with seq, IDs src -> dst, and IPv4 addresses 10.0.x.y. */
static size_t
learn(uint8_t *out, uint32_t src, uint32_t dst, uint8_t last, uint32_t seq,
    unsigned naddr, const uint8_t (*ip)[4])
{
	struct wire_hdr hd = { .hop = 16, .src_van = src, .dst_van = dst };
	struct wire_learn l = { .seq = seq, .naddr = (uint8_t)naddr };
	unsigned i;

	memcpy(l.mac, (const uint8_t[6]){ 2, 0, 0, 0, 0, last }, 6);
	for (i = 0; i < naddr; i++) {
		l.addr[i].family = 4;
		memcpy(l.addr[i].bytes, ip[i], 4);
	}
	return wire_encode_learn(out, WIRE_CTL_MAX, &hd, &l);
}

static int
port_any(int h, uint32_t van_id)
{
	const char *err;
	int p;

	p = bridge_port_add(&hosts[h].b, &hosts[h].out,
	    (uint32_t)bridge_van_find(&hosts[h].b, van_id), NULL, 0, now, &err);
	assert_true(p >= 0);
	flush(&hosts[h].out, &hosts[h]);
	run();
	return p;
}

static bool
behind(int h, uint32_t van_id, uint8_t last, int who)
{
	const struct fdb_entry *e = entry(h, van_id, last);

	/* A host of another site is a peer, known by its slot only. */
	int m = hosts[h].site != hosts[who].site ? hosts[h].peer_slot[who] :
	    bridge_member_find(&hosts[h].b, &hosts[who].addr);

	return e != NULL && e->kind == FDB_REMOTE && m >= 0 && e->where == (uint32_t)m;
}

/*
 * A peer never takes a MAC the site has (issue: pb's LEARN with any higher
 * sequence stole A's VM, and pa re-announced it into A, even to the VM's
 * own host): neither by LEARN, whatever its sequence, nor by a frame from
 * it.  Its claim waits until the site's edge withdraws the MAC, and is then
 * taken at once (a VM that moved to B's site).
 */
static void
test_peer_cannot_take_site_mac(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	uint32_t slot;
	int p12, h;

	(void)state;
	two_sites();
	port(a1, 100, 0x11);			/* configured MAC */
	p12 = port_any(a2, 100);
	send_frame(a2, p12, 0xff, 0x12, 1);	/* learnt MAC */
	port(b1, 300, 0x21);
	slot = (uint32_t)hosts[pa].peer_slot[pb];
	assert_true(behind(pa, 100, 0x11, a1));
	assert_true(behind(pa, 100, 0x12, a2));
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x11, 1000, 0, NULL));
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x12, 1000, 0, NULL));
	assert_true(behind(pa, 100, 0x11, a1));
	assert_true(behind(pa, 100, 0x12, a2));
	assert_int_equal(vstats(pa, 100)->drops[DROP_SITE_CLAIM], 2);
	assert_int_equal(hosts[pa].b.member[slot].stats.drops[DROP_SITE_CLAIM], 2);
	/* 0xfffffff0 is not newer than 1 (serial numbers): stale, answered. */
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x12, 0xfffffff0u, 0, NULL));
	assert_true(behind(pa, 100, 0x12, a2));
	assert_int_equal(vstats(pa, 100)->drops[DROP_SITE_CLAIM], 2);
	/* Nothing was re-announced into the site: a2 and a1 agree as before. */
	assert_true(behind(a2, 100, 0x11, a1));
	assert_true(behind(a1, 100, 0x12, a2));
	/* A frame from pb with 0x12 as its source moves nothing either. */
	{
		uint8_t f[12 + 60];
		struct wire_hdr hd = { .type = WIRE_FLOOD, .hop = 16, .src_van = 300,
		    .dst_van = 100 };

		memset(f, 0, sizeof(f));
		wire_put_hdr(f, &hd);
		memset(f + 12, 0xff, 6);
		f[12 + 6] = 2;
		f[12 + 11] = 0x12;
		memcpy(f + 12 + 14, &(uint32_t){ 9 }, 4);
		from_peer(pa, pb, f, sizeof(f));
	}
	assert_true(behind(pa, 100, 0x12, a2));
	send_frame(a1, 0, 0x12, 0x11, 2);
	assert_int_equal(delivered(2, &h), 1);
	assert_int_equal(h, a2);
	/* The VM behind 0x12 leaves a2 (its port goes): pb's claim is taken. */
	port_del(a2, p12);
	assert_true(behind(pa, 100, 0x12, pb));
	assert_true(behind(a1, 100, 0x12, pa));
	/* 0x11's port stays: it stays in the site. */
	assert_true(behind(pa, 100, 0x11, a1));
}

/*
 * Sequences wrap as serial numbers (issue: a peer set a MAC's federation
 * sequence to 0xffffffff; its owner took it back with known + 1 = 0, which
 * every other proxy ignored as stale, for good).  C claims A's future VM
 * first; when it comes up in A, B follows A.
 */
static void
test_sequence_wrap_across_sites(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	int pc_, pta, ptb, h;

	(void)state;
	a1 = host_new(1, false);
	pa = host_new(1, true);
	b1 = host_new(2, false);
	pb = host_new(2, true);
	pc_ = host_new(3, true);
	van(a1, 100);
	van(pa, 100);
	van(b1, 300);
	van(pb, 300);
	van(pc_, 700);
	site_members(1);
	site_members(2);
	peering(pa, pb, 100, 300, 0);
	peering(pb, pc_, 300, 700, 0);
	start_all();
	ptb = port(b1, 300, 0x21);
	from_peer(pb, pc_, msg, learn(msg, 700, 300, 0x44, UINT32_MAX, 0, NULL));
	assert_true(behind(pb, 300, 0x44, pc_));
	assert_true(behind(pa, 100, 0x44, pb));
	assert_int_equal(entry(pa, 100, 0x44)->xseq, UINT32_MAX);
	pta = port(a1, 100, 0x44);
	assert_int_equal(entry(pa, 100, 0x44)->xseq, 1);
	assert_true(behind(pb, 300, 0x44, pa));
	send_frame(b1, ptb, 0x44, 0x21, 1);
	assert_int_equal(delivered(1, &h), 1);
	assert_int_equal(h, a1);
	/* And a claim half the space ahead of what B knows is refused. */
	from_peer(pb, pc_, msg, learn(msg, 700, 300, 0x44, 1 + 0x7fffffffu, 0, NULL));
	assert_true(behind(pb, 300, 0x44, pa));
	assert_int_equal(vstats(pb, 300)->drops[DROP_SEQ_JUMP], 1);
	(void)pta;
}

/*
 * What a peering's claims allow (docs/proxy.md §5): a peer with a list may
 * claim what is on it; one without, what no other peer's list holds; a
 * claim outside is dropped and counted, a frame from a MAC outside too; an
 * address outside its prefixes is not taken, nor relayed into the site.
 */
static void
test_claims(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	const uint8_t ips[2][4] = { { 10, 2, 0, 5 }, { 10, 1, 0, 9 } };
	struct claims cl;
	const char *err;
	struct wire_addr w = { .family = 4 };
	uint32_t sb, sc;
	int pc_;

	(void)state;
	a1 = host_new(1, false);
	pa = host_new(1, true);
	pb = host_new(2, true);
	pc_ = host_new(3, true);
	van(a1, 100);
	van(pa, 100);
	van(pb, 300);
	van(pc_, 700);
	site_members(1);
	peering(pa, pb, 100, 300, 0);
	peering(pa, pc_, 100, 700, 0);
	start_all();
	port(a1, 100, 0x11);
	sb = (uint32_t)hosts[pa].peer_slot[pb];
	sc = (uint32_t)hosts[pa].peer_slot[pc_];
	memset(&cl, 0, sizeof(cl));
	cl.has_macs = cl.has_prefixes = true;
	cl.nmacs = cl.nprefixes = 1;
	assert_true(claims_parse_macs("02:00:00:00:00:20-02:00:00:00:00:2f", &cl.mac[0],
	    &err));
	assert_true(claims_parse_prefix("10.2.0.0/16", &cl.prefix[0], &err));
	assert_int_equal(bridge_peer_claims(&hosts[pa].b, sb, &cl), 0);

	/* b: its own MAC, with an address of its own and one that is not. */
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x21, 1, 2, ips));
	assert_true(behind(pa, 100, 0x21, pb));
	assert_int_equal(hosts[pa].b.member[sb].stats.drops[DROP_CLAIM_DENIED], 1);
	memcpy(w.bytes, ips[0], 4);
	assert_non_null(neigh_lookup(&hosts[pa].b.neigh, 100, &w));
	assert_non_null(neigh_lookup(&hosts[a1].b.neigh, 100, &w));
	memcpy(w.bytes, ips[1], 4);
	assert_null(neigh_lookup(&hosts[pa].b.neigh, 100, &w));
	assert_null(neigh_lookup(&hosts[a1].b.neigh, 100, &w));
	/* b: a MAC off its list, by LEARN and by frame. */
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x35, 1, 0, NULL));
	assert_null(entry(pa, 100, 0x35));
	{
		uint8_t f[12 + 60];
		struct wire_hdr hd = { .type = WIRE_FLOOD, .hop = 16, .src_van = 300,
		    .dst_van = 100 };

		memset(f, 0, sizeof(f));
		wire_put_hdr(f, &hd);
		memset(f + 12, 0xff, 6);
		f[12 + 6] = 2;
		f[12 + 11] = 0x36;
		memcpy(f + 12 + 14, &(uint32_t){ 9 }, 4);
		from_peer(pa, pb, f, sizeof(f));
	}
	assert_null(entry(pa, 100, 0x36));
	assert_int_equal(delivered(9, NULL), 0);
	assert_int_equal(hosts[pa].b.member[sb].stats.drops[DROP_CLAIM_DENIED], 3);
	/* c, without a list: not what b's list holds, anything else. */
	from_peer(pa, pc_, msg, learn(msg, 700, 100, 0x22, 5, 0, NULL));
	assert_null(entry(pa, 100, 0x22));
	assert_int_equal(hosts[pa].b.member[sc].stats.drops[DROP_CLAIM_DENIED], 1);
	from_peer(pa, pc_, msg, learn(msg, 700, 100, 0x37, 5, 1, ips));
	assert_true(behind(pa, 100, 0x37, pc_));
	memcpy(w.bytes, ips[0], 4);	/* b's prefix: not c's */
	assert_true(memcmp(neigh_lookup(&hosts[pa].b.neigh, 100, &w)->mac,
	    (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x21 }, 6) == 0);
	assert_int_equal(hosts[pa].b.member[sc].stats.drops[DROP_CLAIM_DENIED], 2);
	/* Without a list, b may claim anything no one else's list holds. */
	assert_int_equal(bridge_peer_claims(&hosts[pa].b, sb, NULL), 0);
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x35, 2, 0, NULL));
	assert_true(behind(pa, 100, 0x35, pb));
}

/*
 * An address a VM of the site uses is never taken by a peer's claim (issue:
 * the ARP/ND proxy then answered the site's VMs with the peer's MAC); the
 * claim is counted, and not relayed into the site.
 */
static void
test_peer_address_conflict(void **state)
{
	uint8_t msg[WIRE_CTL_MAX];
	const uint8_t ip[1][4] = { { 10, 0, 0, 11 } };
	struct wire_addr w = { .family = 4, .bytes = { 10, 0, 0, 11 } };
	const struct neigh_entry *ne;

	(void)state;
	two_sites();
	port(a1, 100, 0x11);
	port(a2, 100, 0x12);
	/* a1 says 0x11 uses 10.0.0.11 (as its LEARN after an ARP would). */
	from_site(pa, a1, msg, learn(msg, 100, 100, 0x11,
	    entry(a1, 100, 0x11)->seq, 1, ip));
	from_site(a2, a1, msg, learn(msg, 100, 100, 0x11,
	    entry(a1, 100, 0x11)->seq, 1, ip));
	assert_non_null(ne = neigh_lookup(&hosts[pa].b.neigh, 100, &w));
	assert_int_equal(ne->mac[5], 0x11);
	/* pb claims 10.0.0.11 for its 0x21. */
	from_peer(pa, pb, msg, learn(msg, 300, 100, 0x21, 1, 1, ip));
	assert_true(behind(pa, 100, 0x21, pb));
	assert_int_equal(neigh_lookup(&hosts[pa].b.neigh, 100, &w)->mac[5], 0x11);
	assert_int_equal(vstats(pa, 100)->drops[DROP_ADDR_CONFLICT], 1);
	assert_int_equal(neigh_lookup(&hosts[a2].b.neigh, 100, &w)->mac[5], 0x11);
	assert_true(behind(a2, 100, 0x21, pa));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_across_sites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_privacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cross_site_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_back_hears_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_mends_lost_learn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_refresh_no_mend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats_and_gone_cross, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_death_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_cannot_take_site_mac, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sequence_wrap_across_sites, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes_withdrawn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_address_conflict, setup, teardown),
	};

	return cmocka_run_group_tests_name("relay", tests, NULL, NULL);
}
