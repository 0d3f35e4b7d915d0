/*
 * fuzz_site.c — libFuzzer harness for a whole site: three edges and their
 * proxy (four bridges, each the others' member), the proxy with two peers
 * (VANs 100 <-> 300 and 200 <-> 310 with the first; 100 <-> 500 with the
 * second, whose claims are 02:00:00:00:00:00/44 and which may hold 6
 * routes).  Each edge has a port in VAN 100 and one in VAN 200; port 0's
 * MAC is configured.  What a bridge sends to another is delivered to it
 * (until nothing is left, or lost on the way when the record says so);
 * what the proxy sends to a peer is checked and counted.
 *
 * Records: [who][dt][len][bytes]; who % 8: 0, 7 a frame from a port of
 * edge (who >> 3) % 3 (port (who >> 5) & 1); 1 an underlay message to that
 * edge from another node's address (who >> 5) % 4 (forged: only the
 * source address is real); 2 one to the proxy from an edge's address; 3 a
 * message from peer (who >> 3) & 1 into the proxy; 4 every node ticks; 5
 * VM (who >> 3) % 6 says its address (a gratuitous ARP from its port).
 * who & 0x80 on 0-3: what the event makes is lost.  dt: milliseconds (x 20
 * for a tick).  Odd first bytes: a site key on every member.
 *
 * Invariants, after every message and event:
 *   no cross-VAN delivery: a frame reaches a port only of the VAN it came
 *     from, end to end (an edge's port, through the proxy, from a peer);
 *     frames between members carry one VAN ID both ways, frames to a peer
 *     a pair of its peering;
 *   table limits per source: routes through each site member and peer
 *     within its limit, a VAN's share and the table's size held; nothing
 *     behind the second peer outside its claims;
 *   counters consistent: each table's bookkeeping (tests/fuzz/harness.h);
 *   no remote message displaces a local binding: a configured MAC stays on
 *     its port; an address a VM here uses stays bound to that VM's MAC
 *     while the MAC is here; at the proxy, a peer's message never moves a
 *     MAC that was behind a site member, nor rebinds its addresses;
 *   bounded answers: the bytes a bridge sends in answer to one message or
 *     frame are at most AMP_FACTOR times what it received, plus AMP_SLACK;
 *     only a HELLO (a new member's, a restart's, a resync's) may be
 *     answered beyond, once per member per HELLO interval (ticks, which
 *     send the HELLO rounds, are not answers).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */
#include "edge/van/neigh.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EDGES		3
#define NODES		(EDGES + 1)	/* the edges, then the proxy */
#define PROXY		EDGES
#define PEERS		2
#define QUEUE_MAX	4096	/* deliveries one event may cause: a loop beyond */
#define AMP_FACTOR	8
#define AMP_SLACK	1024
#define PEER1_ROUTES	6

struct msg {
	int		from, to;	/* nodes */
	uint32_t	origin;		/* the site VAN of the frame it carries, 0 */
	size_t		len;
	uint8_t		*data;
};

static struct node {
	struct bridge	b;
	struct bridge_out out;
	struct van_addr	addr;
	int		node_of[8];	/* member slot -> node, -1 - peer */
	uint32_t	slot_of[NODES];	/* node -> member slot */
	int		port[2];	/* VAN 100, VAN 200 */
} node[NODES];

static uint32_t peer_slot[PEERS];
static struct msg queue[QUEUE_MAX];
static unsigned q_head, q_tail;
static bool losing;
static uint32_t cur_origin;		/* of the event being processed */
static int cur_node;
static bool cur_frame;		/* the event is a frame (its origin known) */
static size_t sent;		/* bytes the current node sent */

static bool
is_frame(uint8_t type)
{
	return type == WIRE_DATA || type == WIRE_FLOOD;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
flush(struct bridge_out *o, void *arg)
{
	struct node *n = arg;
	unsigned i;

	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];
		const uint8_t *h = a->hdr_len ? a->hdr : a->data;
		uint32_t src, dst;
		int to;

		if (a->kind == BRIDGE_ACT_PORT) {
			if (a->target >= n->b.conf.port_max || !n->b.port[a->target].used ||
			    n->b.van[n->b.port[a->target].van].id != cur_origin ||
			    a->data_len < ETH_HDR_LEN)
				abort();
			continue;
		}
		if (a->kind != BRIDGE_ACT_MEMBER || a->target >= 8 ||
		    !n->b.member[a->target].used)
			abort();
		sent += a->hdr_len + a->data_len;
		src = be32(h + 4);
		dst = be32(h + 8);
		to = n->node_of[a->target];
		if ((h[0] & 0x0f) == WIRE_HELLO) {
			if (src != 0 || dst != 0)
				abort();
		} else if (to < 0) {
			/* To a peer: a pair of its peering, the frame's own VAN. */
			if (bridge_peer_van(&n->b, a->target, src) != dst ||
			    (cur_frame && is_frame(h[0] & 0x0f) && src != cur_origin))
				abort();
		} else if (src != dst ||
		    (cur_frame && is_frame(h[0] & 0x0f) && src != cur_origin))
			abort();
		if (to < 0 || losing || a->segs != 1)
			continue;
		if ((q_tail + 1) % QUEUE_MAX == q_head)
			abort();	/* a loop: deliveries without end */
		queue[q_tail].from = (int)(n - node);
		queue[q_tail].to = to;
		queue[q_tail].origin = is_frame(h[0] & 0x0f) ? dst : 0;
		queue[q_tail].len = a->hdr_len + a->data_len;
		queue[q_tail].data = malloc(queue[q_tail].len);
		memcpy(queue[q_tail].data, a->hdr, a->hdr_len);
		memcpy(queue[q_tail].data + a->hdr_len, a->data, a->data_len);
		q_tail = (q_tail + 1) % QUEUE_MAX;
	}
	o->n = 0;
	o->arena_used = 0;
}

/* ------------------------------------------------------------ checks --- */

static void
check_limits(const struct node *n)
{
	const struct bridge *b = &n->b;
	uint32_t m, v, total = 0;
	uint32_t pos = 0;
	const struct fdb_entry *e;

	for (m = 0; m < b->conf.member_max; m++) {
		uint32_t max;

		if (!b->member[m].used)
			continue;
		max = b->member[m].routes_max ? b->member[m].routes_max :
		    b->conf.member_routes_max;
		if (max != 0 && b->member[m].routes > max)
			abort();
	}
	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used) {
			total += b->van[v].fdb_local + b->van[v].fdb_remote;
			if (b->van[v].fdb_max != 0 &&
			    b->van[v].fdb_local + b->van[v].fdb_remote > b->van[v].fdb_max)
				abort();
		}
	if (total > b->conf.fdb_max)
		abort();
	if (n != &node[PROXY])
		return;
	while ((e = fdb_next(&b->fdb, &pos)) != NULL)
		if (e->where == peer_slot[1] && (e->mac[0] != 2 || e->mac[1] != 0 ||
		    e->mac[2] != 0 || e->mac[3] != 0 || e->mac[4] != 0 || e->mac[5] > 0xf))
			abort();
}

/* Port 0's configured MAC, on port 0 of every edge. */
static void
check_static(void)
{
	int i;

	for (i = 0; i < EDGES; i++) {
		const uint8_t mac[6] = { 2, 0, 0, 0, 0xe0, (uint8_t)i };
		const struct fdb_entry *e = fdb_lookup(&node[i].b.fdb, 100, mac);

		if (e == NULL || e->kind != FDB_LOCAL ||
		    e->where != (uint32_t)node[i].port[0] || !(e->flags & FDB_F_STATIC))
			abort();
	}
}

/* What was local (edges) or behind a site member (the proxy) before. */
static struct keep {
	unsigned nmac, naddr;
	struct fdb_entry mac[64];
	struct neigh_entry addr[64];
} before;

static bool
inside(const struct node *n, const struct fdb_entry *e)
{
	if (n == &node[PROXY])
		return e->kind == FDB_REMOTE && !n->b.member[e->where].peer;
	return e->kind == FDB_LOCAL;
}

static void
snapshot(struct node *n)
{
	const struct fdb_entry *e;
	const struct neigh_entry *a;
	uint32_t pos = 0;

	before.nmac = before.naddr = 0;
	while ((e = fdb_next(&n->b.fdb, &pos)) != NULL && before.nmac < 64)
		if (inside(n, e))
			before.mac[before.nmac++] = *e;
	for (pos = 0; (a = neigh_next(&n->b.neigh, &pos)) != NULL && before.naddr < 64; ) {
		e = fdb_lookup(&n->b.fdb, a->van, a->mac);
		if (e != NULL && inside(n, e))
			before.addr[before.naddr++] = *a;
	}
}

/*
 * After a message from a member (remote: from_peer, a peer): nothing local
 * moved by it.  An edge lets a VM's MAC go when a member announces it
 * with a newer sequence (the VM moved): only a configured one stays; the
 * proxy never gives a MAC of the site to a peer.  An address stays on its
 * MAC while the MAC stays here.
 */
static void
check_kept(struct node *n, bool from_peer)
{
	unsigned k;

	for (k = 0; k < before.nmac; k++) {
		const struct fdb_entry *e = fdb_lookup(&n->b.fdb, before.mac[k].van,
		    before.mac[k].mac);

		if (n == &node[PROXY]) {
			if (from_peer && e != NULL && n->b.member[e->where].peer)
				abort();
		} else if ((before.mac[k].flags & FDB_F_STATIC) &&
		    (e == NULL || e->kind != FDB_LOCAL || e->where != before.mac[k].where))
			abort();
	}
	for (k = 0; k < before.naddr; k++) {
		const struct neigh_entry *a = neigh_lookup(&n->b.neigh, before.addr[k].van,
		    &before.addr[k].addr);
		const struct fdb_entry *e = fdb_lookup(&n->b.fdb, before.addr[k].van,
		    before.addr[k].mac);

		if (n == &node[PROXY] && !from_peer)
			continue;	/* the site's own members may rebind */
		if (e != NULL && inside(n, e) && a != NULL &&
		    memcmp(a->mac, before.addr[k].mac, 6) != 0)
			abort();
	}
}

static void
check_all(void)
{
	int i;

	for (i = 0; i < NODES; i++) {
		fz_check_tables(&node[i].b);
		check_limits(&node[i]);
	}
	check_static();
}

/* ------------------------------------------------------------ events --- */

/*
 * The bytes the current node sent in answer to in_len bytes: bounded, but
 * for a HELLO from node from (a new member, a restart, a resync asked):
 * answered in full at most once per member per HELLO interval.
 */
static monotime_t big_answer[NODES][NODES];

static void
check_amp(size_t in_len, int from, bool hello, monotime_t now)
{
	monotime_t *last;

	if (sent <= AMP_FACTOR * (in_len + WIRE_HDR_LEN) + AMP_SLACK)
		return;
	last = from >= 0 ? &big_answer[cur_node][from] : NULL;
	if (!hello || last == NULL ||
	    (*last != 0 && now - *last < MONO_MS(node[cur_node].b.conf.hello_ms))) {
		fprintf(stderr, "node %d sent %zu bytes for %zu%s\n", cur_node, sent,
		    in_len, hello ? " (a HELLO, again within an interval)" : "");
		abort();
	}
	*last = now;
}

/* A message to node to from address of node from (-1 - p: peer p). */
static void
input(int to, int from, uint32_t origin, const uint8_t *msg, size_t len,
    monotime_t now)
{
	struct node *n = &node[to];
	struct wire_msg wm;
	bool hello;

	cur_node = to;
	cur_origin = origin;
	cur_frame = origin != 0;
	hello = len >= 1 && (msg[0] & 0x0f) == WIRE_HELLO;
	if (!cur_frame && wire_decode(msg, len, &wm) == WIRE_OK && is_frame(wm.hdr.type))
		cur_origin = wm.hdr.dst_van;	/* forged: the VAN it names */
	snapshot(n);
	sent = 0;
	if (from < 0)
		bridge_input_member(&n->b, &n->out, peer_slot[-1 - from], NULL, msg, len,
		    now);
	else
		bridge_input(&n->b, &n->out, &node[from].addr, &n->addr, msg, len, now);
	flush(&n->out, n);
	check_amp(len, from, hello, now);
	check_kept(n, from < 0);
}

static void
deliver(monotime_t now)
{
	while (q_head != q_tail) {
		struct msg m = queue[q_head];

		q_head = (q_head + 1) % QUEUE_MAX;
		input(m.to, m.from, m.origin, m.data, m.len, now);
		free(m.data);
	}
}

static void
port_frame(int e, int p, const uint8_t *frame, size_t len, monotime_t now)
{
	struct node *n = &node[e];

	cur_node = e;
	cur_origin = p == 0 ? 100 : 200;
	cur_frame = true;
	sent = 0;
	bridge_port_frame(&n->b, &n->out, (uint32_t)n->port[p], frame, len, 1, now);
	flush(&n->out, n);
	check_amp(len, -1, false, now);
}

/* VM k (edge k % 3, its port (k / 3) & 1) says 10.1.E.K is its address. */
static void
vm_says(unsigned k, monotime_t now)
{
	int e = (int)(k % EDGES), p = (int)(k / EDGES) & 1;
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0xe0, (uint8_t)e,
	    0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };

	if (p == 1 || k >= 6) {
		f[10] = 0xe1;	/* another VM than port 0's */
		f[11] = (uint8_t)k;
	}
	memcpy(f + 22, f + 6, 6);
	f[28] = 10;
	f[29] = 1;
	f[30] = (uint8_t)e;
	f[31] = (uint8_t)k;
	memcpy(f + 38, f + 28, 4);	/* gratuitous: for its own address */
	port_frame(e, p, f, sizeof(f), now);
}

static void
tick(monotime_t now)
{
	int i;

	for (i = 0; i < NODES; i++) {
		cur_node = i;
		cur_origin = 0;
		cur_frame = false;
		bridge_tick(&node[i].b, &node[i].out, now);
		flush(&node[i].out, &node[i]);
	}
}

/* ------------------------------------------------------------- setup --- */

static void
add_member(int i, int j, monotime_t now)
{
	const char *err;
	int m = bridge_member_add(&node[i].b, &node[i].out, &node[j].addr, now, &err);

	if (m < 0)
		abort();
	node[i].node_of[m] = j;
	node[i].slot_of[j] = (uint32_t)m;
}

static void
setup(bool auth, monotime_t now)
{
	struct bridge_conf c = { .fdb_max = 64, .hello_ms = 100, .dead_count = 3,
	    .van_max = 4, .port_max = 4, .member_max = 8, .memb_max = 32,
	    .neigh_max = 32, .arp_proxy = true, .member_routes_max = 16 };
	const char *err;
	int i, j;

	for (i = 0; i < NODES; i++) {
		char a[16];
		struct node *n = &node[i];

		memset(n->node_of, 0xff, sizeof(n->node_of));
		snprintf(a, sizeof(a), "10.0.0.%d", i == PROXY ? 9 : i + 1);
		addr_parse(a, 4797, &n->addr, &err);
		c.self = n->addr;
		c.proxy = i == PROXY;
		c.epoch = 40 + (uint64_t)i;
		c.auth = auth;
		memset(c.site_key, 0x5e, sizeof(c.site_key));
		memset(c.hashkey, i + 1, sizeof(c.hashkey));
		if (bridge_init(&n->b, &c) != 0)
			abort();
		bridge_out_init(&n->out, flush, n);
		bridge_van_add(&n->b, 100, "a", &err);
		bridge_van_add(&n->b, 200, "b", &err);
		if (i != PROXY)
			bridge_van_limits(&n->b, 1, 20, 0, 0);
	}
	for (i = 0; i < NODES; i++)
		for (j = 0; j < NODES; j++)
			if (i != j)
				add_member(i, j, now);
	for (i = 0; i < EDGES; i++) {
		const uint8_t mac[6] = { 2, 0, 0, 0, 0xe0, (uint8_t)i };

		node[i].port[0] = bridge_port_add(&node[i].b, &node[i].out, 0, mac, 0,
		    now, &err);
		node[i].port[1] = bridge_port_add(&node[i].b, &node[i].out, 1, NULL, 0,
		    now, &err);
	}
	for (i = 0; i < PEERS; i++) {
		int m = bridge_peer_add(&node[PROXY].b, now, &err);

		if (m < 0)
			abort();
		peer_slot[i] = (uint32_t)m;
		node[PROXY].node_of[m] = -1 - i;
	}
	bridge_peer_map(&node[PROXY].b, &node[PROXY].out, peer_slot[0], 100, 300, now, &err);
	bridge_peer_map(&node[PROXY].b, &node[PROXY].out, peer_slot[0], 200, 310, now, &err);
	bridge_peer_map(&node[PROXY].b, &node[PROXY].out, peer_slot[1], 100, 500, now, &err);
	bridge_peer_limits(&node[PROXY].b, peer_slot[1], PEER1_ROUTES, 50, 50);
	{
		struct claims cl;

		memset(&cl, 0, sizeof(cl));
		cl.has_macs = true;
		cl.nmacs = 1;
		if (!claims_parse_macs("02:00:00:00:00:00/44", &cl.mac[0], &err))
			abort();
		bridge_peer_claims(&node[PROXY].b, peer_slot[1], &cl);
	}
	cur_origin = 0;
	cur_frame = false;
	for (i = 0; i < NODES; i++) {
		bridge_start(&node[i].b, &node[i].out, now);
		flush(&node[i].out, &node[i]);
	}
	deliver(now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	monotime_t now = MONO_SEC(1);
	size_t off = 0;
	int i;

	q_head = q_tail = 0;
	losing = false;
	memset(big_answer, 0, sizeof(big_answer));
	setup(size > 0 && (data[0] & 1), now);
	check_all();
	while (size - off >= 3) {
		uint8_t who = data[off], dt = data[off + 1];
		size_t len = data[off + 2];
		int e = (who >> 3) % EDGES;
		uint8_t *msg;

		off += 3;
		if (len > size - off)
			len = size - off;
		msg = malloc(len ? len : 1);
		memcpy(msg, data + off, len);
		off += len;
		now += MONO_MS(who % 8 == 4 ? dt * 20u : dt);
		losing = (who & 0x80) && who % 8 <= 3;
		switch (who % 8) {
		case 0:
		case 7:
			port_frame(e, (who >> 5) & 1, msg, len, now);
			break;
		case 1:
			input(e, (who >> 5) % NODES, 0, msg, len, now);
			break;
		case 2:
			input(PROXY, e, 0, msg, len, now);
			break;
		case 3:
			input(PROXY, -1 - ((who >> 3) & 1), 0, msg, len, now);
			break;
		case 4:
			tick(now);
			break;
		default:
			vm_says((who >> 3) % 6, now);
			break;
		}
		losing = false;
		deliver(now);
		free(msg);
		check_all();
	}
	for (i = 0; i < NODES; i++)
		bridge_fini(&node[i].b);
	return 0;
}
