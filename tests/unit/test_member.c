/*
 * test_member.c — edge/van/member.c on its own: one bridge, and the other
 * members of its site played by the test, which writes their messages
 * (HELLO, JOIN, LEAVE, LEARN) and reads every message the bridge sends
 * (decoded, by member).  Members come and go (added, found, listed twice,
 * too many, removed); the start announces HELLO+SYNC before the JOINs; a
 * HELLO makes a member alive, a HELLO+SYNC is answered with our JOINs at
 * most once an interval; JOIN and LEAVE keep the member's VAN set and its
 * digest, a new member of a VAN with our ports hears our MACs, a LEAVE
 * takes its routes there; a digest that disagrees is resynchronised, once
 * an interval; a new boot epoch is a restart (memberships and routes go),
 * at most once an interval; member_tick's death comes at dead_count times
 * the larger of the two intervals to the nanosecond, DEAD for a member
 * sharing a VAN (floods skip it) and UNKNOWN for one sharing none; the
 * JOIN caps (foreign VANs, per member, the table).  The site simulation
 * of tests/unit/test_bridge.c checks the same rules between bridges.
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

#define SENT_MAX	8192
#define HELLO_MS	1000
#define DEAD_COUNT	3
#define EPOCH		5000

/* What the bridge sent to a member, decoded. */
struct sent {
	uint32_t	to;		/* member slot */
	uint8_t		type;
	uint8_t		flags;
	uint32_t	van;
	struct wire_hello hello;
	uint8_t		mac[6];		/* LEARN */
};

static struct bridge	*b;
static struct bridge_out out;
static monotime_t	now;
static struct sent	*sent;
static unsigned		nsent;
static struct van_addr	us, peer[4];

/* Note what action a says to a member (the rest, to ports, is not ours). */
static void
record(const struct bridge_act *a)
{
	uint8_t msg[WIRE_MSG_MAX];
	struct wire_msg wm;
	struct sent *s;

	if (a->kind != BRIDGE_ACT_MEMBER)
		return;
	memcpy(msg, a->hdr, a->hdr_len);
	memcpy(msg + a->hdr_len, a->data, a->data_len);
	assert_int_equal(wire_decode(msg, a->hdr_len + a->data_len, &wm), WIRE_OK);
	assert_int_equal(wm.hdr.type, a->type);
	assert_true(nsent < SENT_MAX);
	s = &sent[nsent++];
	memset(s, 0, sizeof(*s));
	s->to = a->target;
	s->type = wm.hdr.type;
	s->flags = wm.hdr.flags;
	s->van = wm.hdr.dst_van;
	if (s->type == WIRE_HELLO)
		s->hello = wm.body.hello;
	if (s->type == WIRE_LEARN)
		memcpy(s->mac, wm.body.learn.mac, 6);
}

/* The fake send: every action recorded, the batch emptied. */
static void
flush(struct bridge_out *o, void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < o->n; i++)
		record(&o->act[i]);
	o->n = 0;
	o->arena_used = 0;
}

static void
drain(void)
{
	flush(&out, NULL);
}

/* Messages of type to member m (flags: those it must carry, 0: any). */
static unsigned
count(uint32_t m, uint8_t type, uint8_t flags)
{
	unsigned i, n = 0;

	for (i = 0; i < nsent; i++)
		if (sent[i].to == m && sent[i].type == type &&
		    (sent[i].flags & flags) == flags)
			n++;
	return n;
}

static struct bridge *
make_bridge(uint32_t member_max, uint32_t memb_max)
{
	struct bridge_conf c = { .fdb_max = 1024, .hello_ms = HELLO_MS,
	    .dead_count = DEAD_COUNT, .epoch = EPOCH, .member_max = member_max,
	    .memb_max = memb_max };
	struct bridge *nb;

	memset(c.hashkey, 0x33, sizeof(c.hashkey));
	c.self = us;
	nb = bridge_new(&c);
	assert_non_null(nb);
	return nb;
}

static int
setup(void **state)
{
	const char *err;
	unsigned i;

	(void)state;
	sent = calloc(SENT_MAX, sizeof(*sent));
	nsent = 0;
	now = MONO_SEC(100);
	assert_true(addr_parse("10.0.0.1", 4797, &us, &err));
	for (i = 0; i < 4; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.0.0.%u", i + 2);
		assert_true(addr_parse(s, 4797, &peer[i], &err));
	}
	b = make_bridge(0, 0);
	bridge_out_init(&out, flush, NULL);
	assert_int_equal(bridge_van_add(b, 100, "blue", &err), 0);
	assert_int_equal(bridge_van_add(b, 200, "red", &err), 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	bridge_free(b);
	free(sent);
	return 0;
}

static int
add(int i)
{
	const char *err;
	int m = bridge_member_add(b, &out, &peer[i], now, &err);

	assert_true(m >= 0);
	drain();
	return m;
}

/* Hand the bridge msg as member i sent it; what bridge_input returned. */
static int
from(int i, const uint8_t *msg, size_t len)
{
	uint8_t copy[WIRE_MSG_MAX];
	int t;

	memcpy(copy, msg, len);
	t = bridge_input(b, &out, &peer[i], &us, copy, len, now);
	drain();
	return t;
}

static int
hello(int i, uint64_t epoch, uint32_t interval, uint32_t van_count,
    uint64_t digest, uint8_t flags)
{
	struct wire_hdr hd = { .type = WIRE_HELLO, .flags = flags, .hop = WIRE_HOP_DEFAULT };
	struct wire_hello h = { .epoch = epoch, .interval_ms = interval,
	    .van_count = van_count, .van_digest = digest };
	uint8_t msg[WIRE_CTL_MAX];

	return from(i, msg, wire_encode_hello(msg, sizeof(msg), &hd, &h));
}

static int
membership(int i, uint8_t type, uint32_t van)
{
	struct wire_hdr hd = { .type = type, .hop = WIRE_HOP_DEFAULT, .src_van = van,
	    .dst_van = van };
	uint8_t msg[WIRE_CTL_MAX];

	return from(i, msg, wire_encode_empty(msg, sizeof(msg), &hd));
}

/* Member i says MAC 02:..:last is behind it in VAN van. */
static void
learn(int i, uint32_t van, uint8_t last)
{
	struct wire_hdr hd = { .type = WIRE_LEARN, .hop = WIRE_HOP_DEFAULT,
	    .src_van = van, .dst_van = van };
	struct wire_learn l = { .seq = 1, .mac = { 2, 0, 0, 0, 9, last } };
	uint8_t msg[WIRE_CTL_MAX];

	from(i, msg, wire_encode_learn(msg, sizeof(msg), &hd, &l));
}

static int
port(uint32_t van_id, uint8_t last)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 1, last };
	const char *err;
	int p = bridge_port_add(b, &out, (uint32_t)bridge_van_find(b, van_id), mac, 0, now,
	    &err);

	assert_true(p >= 0);
	drain();
	return p;
}

/* Our port in VAN 100, member i, the start, its first HELLO: its slot. */
static int
heard(int i)
{
	int m;

	port(100, 1);
	m = add(i);
	bridge_start(b, &out, now);
	drain();
	hello(i, 77, HELLO_MS, 0, 0, 0);
	return m;
}

static bool
joined(int m, uint32_t van_id)
{
	return bridge_van_joined(b, (uint32_t)bridge_van_find(b, van_id), (uint32_t)m);
}

static struct bridge_member *
mem(int m)
{
	return &b->member[m];
}

/* A broadcast from port p: how many copies went to member m. */
static unsigned
flood_to(int p, int m)
{
	uint8_t f[60];
	unsigned before = count((uint32_t)m, WIRE_FLOOD, 0);

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, (const uint8_t[6]){ 2, 0, 0, 0, 1, 1 }, 6);	/* port(_, 1) */
	f[12] = 0x08;
	bridge_port_frame(b, &out, (uint32_t)p, f, sizeof(f), 1, now);
	drain();
	return count((uint32_t)m, WIRE_FLOOD, 0) - before;
}

/* ------------------------------------------------------------ members --- */

static void
test_add_find_del(void **state)
{
	struct bridge_member_view v;
	struct van_addr none;
	const char *err;
	int m0, m1;

	(void)state;
	bridge_free(b);
	b = make_bridge(2, 0);		/* room for two */
	m0 = add(0);
	m1 = add(1);
	assert_int_equal(bridge_member_find(b, &peer[0]), m0);
	assert_int_equal(bridge_member_find(b, &peer[1]), m1);
	assert_int_equal(bridge_member_find(b, &peer[2]), -1);
	/* Not yet started: a new member is told nothing. */
	assert_int_equal(nsent, 0);
	assert_true(bridge_member_view(b, (uint32_t)m0, &v));
	assert_int_equal(v.state, MEMBER_UNKNOWN);
	assert_string_equal(member_state_str(v.state), "unknown");
	assert_true(addr_eq(v.addr, &peer[0]));
	/* Twice, past the room, not an address: refused, each with its reason. */
	assert_int_equal(bridge_member_add(b, &out, &peer[0], now, &err), -1);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(bridge_member_add(b, &out, &peer[2], now, &err), -1);
	assert_non_null(strstr(err, "too many"));
	memset(&none, 0, sizeof(none));
	assert_int_equal(bridge_member_add(b, &out, &none, now, &err), -1);
	assert_non_null(strstr(err, "address"));
	/* Removed: not found, its messages are a stranger's, its slot free. */
	bridge_member_del(b, (uint32_t)m0);
	assert_int_equal(bridge_member_find(b, &peer[0]), -1);
	assert_false(bridge_member_view(b, (uint32_t)m0, &v));
	assert_int_equal(hello(0, 7, HELLO_MS, 0, 0, 0), 0);
	assert_int_equal(bridge_global_stats(b)->drops[DROP_NOT_MEMBER], 1);
	assert_int_equal(add(2), m0);
	assert_string_equal(member_state_str(MEMBER_ALIVE), "alive");
	assert_string_equal(member_state_str(MEMBER_DEAD), "dead");
}

/* The start: to each member HELLO+SYNC first, then a JOIN per VAN we have. */
static void
test_start(void **state)
{
	int m0, m1, m2;
	unsigned i;

	(void)state;
	port(100, 1);
	m0 = add(0);
	m1 = add(1);
	bridge_start(b, &out, now);
	drain();
	for (i = 0; i < 2; i++) {
		const struct sent *s = &sent[i * 2];

		assert_int_equal(s[0].to, i == 0 ? m0 : m1);
		assert_int_equal(s[0].type, WIRE_HELLO);
		assert_true(s[0].flags & WIRE_F_SYNC);
		assert_int_equal(s[0].hello.epoch, EPOCH);
		assert_int_equal(s[0].hello.interval_ms, HELLO_MS);
		/* Our set: VAN 100 (it has a port), not 200. */
		assert_int_equal(s[0].hello.van_count, 1);
		assert_true(s[0].hello.van_digest == wire_van_digest(100));
		assert_int_equal(s[1].type, WIRE_JOIN);
		assert_int_equal(s[1].van, 100);
	}
	assert_int_equal(nsent, 4);
	/* A member added once started is told at once. */
	m2 = add(2);
	assert_int_equal(count((uint32_t)m2, WIRE_HELLO, WIRE_F_SYNC), 1);
	assert_int_equal(count((uint32_t)m2, WIRE_JOIN, 0), 1);
	assert_int_equal(count((uint32_t)m2, WIRE_LEAVE, 0), 0);
}

/* ------------------------------------------------------------- HELLO --- */

static void
test_hello(void **state)
{
	struct bridge_member_view v;
	struct van_addr stranger;
	const char *err;
	int m;

	(void)state;
	m = add(0);
	assert_int_equal(hello(0, 77, HELLO_MS, 0, 0, 0), WIRE_HELLO);
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.state, MEMBER_ALIVE);
	assert_int_equal(v.last_hello, now);
	assert_int_equal(v.state_since, now);
	assert_int_equal(v.epoch, 77);
	assert_int_equal(mem(m)->stats.restarts, 0);	/* the first epoch: no restart */
	/* Without SYNC, nothing to answer. */
	assert_int_equal(nsent, 0);
	/* Its interval, within the bounds. */
	now += MONO_MS(10);
	hello(0, 77, 1, 0, 0, 0);
	assert_int_equal(mem(m)->interval_ms, BRIDGE_HELLO_MS_MIN);
	hello(0, 77, 4000000000u, 0, 0, 0);
	assert_int_equal(mem(m)->interval_ms, BRIDGE_HELLO_MS_MAX);
	assert_int_equal(mem(m)->last_hello, now);
	/* A stranger's HELLO+SYNC: dropped, counted, nothing sent. */
	assert_true(addr_parse("10.9.9.9", 4797, &stranger, &err));
	assert_int_equal(bridge_input(b, &out, &stranger, &us,
	    (const uint8_t[]){ 0 }, 1, now), 0);
	drain();
	assert_int_equal(bridge_global_stats(b)->drops[DROP_NOT_MEMBER], 1);
	assert_int_equal(nsent, 0);
}

/* HELLO+SYNC: our JOINs then a HELLO, at most once an interval. */
static void
test_sync_answer(void **state)
{
	int m;

	(void)state;
	port(100, 1);
	port(200, 2);
	m = add(0);
	bridge_start(b, &out, now);
	drain();
	nsent = 0;
	hello(0, 77, HELLO_MS, 0, 0, WIRE_F_SYNC);
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[0].type, WIRE_JOIN);
	assert_int_equal(sent[1].type, WIRE_JOIN);
	assert_int_not_equal(sent[0].van, sent[1].van);
	assert_int_equal(sent[2].type, WIRE_HELLO);
	assert_false(sent[2].flags & WIRE_F_SYNC);
	assert_int_equal(sent[2].to, m);
	/* Again before the interval is out: counted, not answered. */
	now += MONO_MS(HELLO_MS) - 1;
	hello(0, 77, HELLO_MS, 0, 0, WIRE_F_SYNC);
	assert_int_equal(nsent, 3);
	assert_int_equal(mem(m)->stats.drops[DROP_SYNC_LIMIT], 1);
	/* An interval after the answer: answered. */
	now += 1;
	hello(0, 77, HELLO_MS, 0, 0, WIRE_F_SYNC);
	assert_int_equal(count((uint32_t)m, WIRE_JOIN, WIRE_F_SYNC), 4);
}

/* ------------------------------------------------------- memberships --- */

static void
test_join_leave(void **state)
{
	struct bridge_member_view v;
	int m;

	(void)state;
	m = heard(0);
	nsent = 0;
	/* A JOIN of a VAN with our port: kept, shared, and it hears our MAC. */
	assert_int_equal(membership(0, WIRE_JOIN, 100), WIRE_JOIN);
	assert_true(joined(m, 100));
	assert_int_equal(mem(m)->van_count, 1);
	assert_true(mem(m)->van_digest == wire_van_digest(100));
	assert_int_equal(mem(m)->shared, 1);
	assert_int_equal(count((uint32_t)m, WIRE_LEARN, 0), 1);
	assert_memory_equal(sent[0].mac, ((uint8_t[6]){ 2, 0, 0, 0, 1, 1 }), 6);
	/* Twice: nothing more. */
	membership(0, WIRE_JOIN, 100);
	assert_int_equal(mem(m)->van_count, 1);
	assert_int_equal(count((uint32_t)m, WIRE_LEARN, 0), 1);
	/* A VAN without our ports: kept, not shared, nothing to tell. */
	membership(0, WIRE_JOIN, 200);
	assert_true(joined(m, 200));
	assert_int_equal(mem(m)->shared, 1);
	assert_int_equal(mem(m)->van_count, 2);
	assert_true(mem(m)->van_digest == wire_van_digest(100) + wire_van_digest(200));
	/* One VAN into another: not a membership. */
	{
		struct wire_hdr hd = { .type = WIRE_JOIN, .hop = 16, .src_van = 100,
		    .dst_van = 300 };
		uint8_t msg[WIRE_CTL_MAX];

		assert_int_equal(from(0, msg, wire_encode_empty(msg, sizeof(msg), &hd)), 0);
		assert_int_equal(mem(m)->stats.drops[DROP_VAN_MISMATCH], 1);
		assert_int_equal(mem(m)->van_count, 2);
	}
	/* Its VMs in VAN 100; a LEAVE takes those routes, not the VAN 200 ones. */
	learn(0, 100, 0x21);
	learn(0, 200, 0x22);
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.routes, 2);
	assert_int_equal(membership(0, WIRE_LEAVE, 100), WIRE_LEAVE);
	assert_false(joined(m, 100));
	assert_true(joined(m, 200));
	assert_int_equal(mem(m)->shared, 0);
	assert_int_equal(mem(m)->van_count, 1);
	assert_true(mem(m)->van_digest == wire_van_digest(200));
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.routes, 1);
	/* Our broadcast no longer goes to it. */
	assert_int_equal(flood_to(0, m), 0);
	membership(0, WIRE_JOIN, 100);
	assert_int_equal(flood_to(0, m), 1);
	/* A LEAVE of a VAN it never joined changes nothing. */
	membership(0, WIRE_LEAVE, 300);
	assert_int_equal(mem(m)->van_count, 2);
}

/* A digest that disagrees: its VANs forgotten, asked again, once an interval. */
static void
test_digest_resync(void **state)
{
	uint64_t d100 = wire_van_digest(100);
	int m;

	(void)state;
	m = add(0);
	bridge_start(b, &out, now);
	drain();
	/* The first HELLO of an epoch is not checked: its JOINs follow it. */
	hello(0, 77, HELLO_MS, 5, 12345, 0);
	assert_int_equal(mem(m)->stats.syncs, 0);
	membership(0, WIRE_JOIN, 100);
	/* Agreeing: nothing. */
	nsent = 0;
	now += MONO_MS(HELLO_MS);
	hello(0, 77, HELLO_MS, 1, d100, 0);
	assert_int_equal(nsent, 0);
	/* It has joined 200 too, but that JOIN was lost. */
	now += MONO_MS(HELLO_MS);
	hello(0, 77, HELLO_MS, 2, d100 + wire_van_digest(200), 0);
	assert_int_equal(mem(m)->stats.syncs, 1);
	assert_false(joined(m, 100));		/* forgotten until it answers */
	assert_int_equal(mem(m)->van_count, 0);
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, WIRE_F_SYNC), 1);
	/* Still disagreeing within the interval: not asked again. */
	now += MONO_MS(HELLO_MS) - 1;
	hello(0, 77, HELLO_MS, 2, d100 + wire_van_digest(200), 0);
	assert_int_equal(mem(m)->stats.syncs, 1);
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, WIRE_F_SYNC), 1);
	/* Its answer arrives: in agreement again. */
	membership(0, WIRE_JOIN, 100);
	membership(0, WIRE_JOIN, 200);
	now += 1;
	hello(0, 77, HELLO_MS, 2, d100 + wire_van_digest(200), 0);
	assert_int_equal(mem(m)->stats.syncs, 1);
	assert_true(joined(m, 100) && joined(m, 200));
}

/* A new boot epoch is a restart, at most once an interval. */
static void
test_epochs(void **state)
{
	struct bridge_member_view v;
	int m;

	(void)state;
	m = heard(0);
	membership(0, WIRE_JOIN, 100);
	learn(0, 100, 0x21);
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.routes, 1);
	/* A restart: its memberships and routes were of the old incarnation. */
	now += MONO_MS(10);
	assert_int_equal(hello(0, 78, HELLO_MS, 0, 0, 0), WIRE_HELLO);
	assert_int_equal(mem(m)->stats.restarts, 1);
	assert_int_equal(mem(m)->epoch, 78);
	assert_false(joined(m, 100));
	assert_int_equal(mem(m)->van_count, 0);
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.routes, 0);
	membership(0, WIRE_JOIN, 100);
	/* Another within the interval: refused, nothing lost. */
	now += MONO_MS(HELLO_MS) - 1;
	assert_int_equal(hello(0, 79, HELLO_MS, 1, wire_van_digest(100), 0), 0);
	assert_int_equal(mem(m)->stats.drops[DROP_EPOCH_LIMIT], 1);
	assert_int_equal(mem(m)->stats.restarts, 1);
	assert_int_equal(mem(m)->epoch, 78);
	assert_true(joined(m, 100));
	/* An interval after the last: taken. */
	now += 1;
	assert_int_equal(hello(0, 79, HELLO_MS, 0, 0, 0), WIRE_HELLO);
	assert_int_equal(mem(m)->stats.restarts, 2);
	assert_false(joined(m, 100));
}

/* ------------------------------------------------------------- death --- */

/*
 * member_tick: a member whose HELLOs stop dies dead_count intervals (the
 * larger of ours and its own) after its last, not a nanosecond sooner.
 */
static void
test_death_timing(void **state)
{
	struct bridge_member_view v;
	monotime_t t0, dead_at, next;
	int p, m, lone;

	(void)state;
	p = port(100, 1);
	m = add(0);
	lone = add(1);
	bridge_start(b, &out, now);
	drain();
	hello(0, 77, HELLO_MS, 0, 0, 0);
	hello(1, 88, HELLO_MS, 0, 0, 0);
	membership(0, WIRE_JOIN, 100);		/* shares VAN 100 with us */
	learn(0, 100, 0x21);
	assert_int_equal(flood_to(p, m), 1);
	t0 = now;
	dead_at = t0 + MONO_MS(HELLO_MS) * DEAD_COUNT;

	next = member_tick(b, &out, (uint32_t)m, dead_at - 1, false, false, MONO_NEVER);
	drain();
	assert_int_equal(next, dead_at);
	assert_int_equal(mem(m)->state, MEMBER_ALIVE);
	/* The daemon's one timer: bridge_tick says when, no later. */
	assert_true(bridge_tick(b, &out, dead_at - 1) <= dead_at);
	drain();
	assert_int_equal(mem(m)->state, MEMBER_ALIVE);

	next = member_tick(b, &out, (uint32_t)m, dead_at, false, false, MONO_NEVER);
	drain();
	assert_int_equal(next, MONO_NEVER);
	assert_int_equal(mem(m)->state, MEMBER_DEAD);
	assert_int_equal(mem(m)->state_since, dead_at);
	assert_int_equal(mem(m)->stats.deaths, 1);
	assert_true(bridge_member_view(b, (uint32_t)m, &v));
	assert_int_equal(v.routes, 0);
	/* A dead member gets no floods; its membership is kept. */
	now = dead_at;
	assert_int_equal(flood_to(p, m), 0);
	assert_true(joined(m, 100));
	/* One that shares no VAN with us goes back to unknown, not dead. */
	member_tick(b, &out, (uint32_t)lone, dead_at, false, false, MONO_NEVER);
	drain();
	assert_int_equal(mem(lone)->state, MEMBER_UNKNOWN);
	assert_int_equal(mem(lone)->stats.deaths, 0);
	/* Back (same epoch): alive, its membership still there, floods again. */
	now += MONO_MS(1);
	nsent = 0;
	hello(0, 77, HELLO_MS, 1, wire_van_digest(100), 0);
	assert_int_equal(mem(m)->state, MEMBER_ALIVE);
	assert_int_equal(mem(m)->stats.restarts, 0);
	assert_int_equal(flood_to(p, m), 1);
	/* ... and asked for its JOINs (it may have dropped our routes, as we
	 * dropped its): its answer brings the MACs of its ports. */
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, WIRE_F_SYNC), 1);
	/* Its SYNC: our JOINs, and the MAC of our port in the VAN we share. */
	nsent = 0;
	hello(0, 77, HELLO_MS, 1, wire_van_digest(100), WIRE_F_SYNC);
	assert_int_equal(count((uint32_t)m, WIRE_JOIN, WIRE_F_SYNC), 1);
	assert_int_equal(count((uint32_t)m, WIRE_LEARN, 0), 1);

	/* A member slower than us: its own interval counts. */
	t0 = now;
	hello(0, 77, 2 * HELLO_MS, 1, wire_van_digest(100), 0);
	dead_at = t0 + MONO_MS(2 * HELLO_MS) * DEAD_COUNT;
	assert_int_equal(member_tick(b, &out, (uint32_t)m, dead_at - 1, false, false,
	    MONO_NEVER), dead_at);
	drain();
	assert_int_equal(mem(m)->state, MEMBER_ALIVE);
	member_tick(b, &out, (uint32_t)m, dead_at, false, false, MONO_NEVER);
	drain();
	assert_int_equal(mem(m)->state, MEMBER_DEAD);
	assert_int_equal(mem(m)->stats.deaths, 2);
}

/* HELLO rounds: to the members we share a VAN with; every member on a slow round. */
static void
test_hello_rounds(void **state)
{
	int m, lone;

	(void)state;
	port(100, 1);
	m = add(0);
	lone = add(1);
	bridge_start(b, &out, now);
	drain();
	membership(0, WIRE_JOIN, 100);
	nsent = 0;
	member_tick(b, &out, (uint32_t)m, now, true, false, MONO_NEVER);
	member_tick(b, &out, (uint32_t)lone, now, true, false, MONO_NEVER);
	drain();
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, 0), 1);
	assert_int_equal(count((uint32_t)lone, WIRE_HELLO, 0), 0);
	member_tick(b, &out, (uint32_t)lone, now, true, true, MONO_NEVER);
	drain();
	assert_int_equal(count((uint32_t)lone, WIRE_HELLO, 0), 1);
	/* No round: no HELLO. */
	member_tick(b, &out, (uint32_t)m, now, false, false, MONO_NEVER);
	drain();
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, 0), 1);
}

/* ----------------------------------------------------------- JOIN caps --- */

static void
test_join_caps(void **state)
{
	const char *err;
	uint32_t id, kept;
	int m, m2;

	(void)state;
	m = add(0);
	m2 = add(1);
	/* VANs not configured here: BRIDGE_MEMB_FOREIGN kept, the rest counted. */
	for (id = 1000; id < 1000 + BRIDGE_MEMB_FOREIGN + 10; id++)
		membership(0, WIRE_JOIN, id);
	assert_int_equal(mem(m)->nforeign, BRIDGE_MEMB_FOREIGN);
	assert_int_equal(mem(m)->nmemb, BRIDGE_MEMB_FOREIGN);
	assert_int_equal(mem(m)->over, 10);
	assert_int_equal(mem(m)->stats.drops[DROP_JOIN_FOREIGN], 10);
	/* In its digest all the same: a HELLO with them all agrees. */
	assert_int_equal(mem(m)->van_count, BRIDGE_MEMB_FOREIGN + 10);
	/* One of ours is still kept, for it and for another member. */
	membership(0, WIRE_JOIN, 100);
	membership(1, WIRE_JOIN, 100);
	assert_true(joined(m, 100));
	assert_true(joined(m2, 100));
	/* A LEAVE of one counted but not kept: out of the count again. */
	membership(0, WIRE_LEAVE, 1000 + BRIDGE_MEMB_FOREIGN + 9);
	assert_int_equal(mem(m)->over, 9);
	assert_int_equal(mem(m)->van_count, BRIDGE_MEMB_FOREIGN + 1 + 9);
	/*
	 * A VAN it joined as foreign becomes ours: no longer foreign, and,
	 * as it had JOINs we could not keep, it is asked for all of them.
	 */
	assert_true(bridge_van_add(b, 1000, "green", &err) >= 0);
	assert_int_equal(mem(m)->nforeign, BRIDGE_MEMB_FOREIGN - 1);
	assert_true(joined(m, 1000));
	nsent = 0;
	member_tick(b, &out, (uint32_t)m, now, false, false, MONO_NEVER);
	drain();
	assert_int_equal(count((uint32_t)m, WIRE_HELLO, WIRE_F_SYNC), 1);
	assert_int_equal(mem(m)->nmemb, 0);
	assert_int_equal(mem(m)->over, 0);
	assert_int_equal(count((uint32_t)m2, WIRE_HELLO, WIRE_F_SYNC), 0);

	/* Per member: BRIDGE_MEMB_PER_MEMBER, configured VANs and foreign ones. */
	for (id = 1; id <= BRIDGE_VAN_MAX; id++) {
		char name[16];

		snprintf(name, sizeof(name), "v%u", id);
		if (bridge_van_find(b, 10000 + id) < 0 &&
		    bridge_van_add(b, 10000 + id, name, &err) < 0)
			break;		/* every slot used */
	}
	for (id = 0; id < 300; id++)
		membership(0, WIRE_JOIN, 900000 + id);
	for (id = 1; id <= BRIDGE_VAN_MAX; id++)
		membership(0, WIRE_JOIN, 10000 + id);
	kept = mem(m)->nmemb;
	assert_int_equal(kept, BRIDGE_MEMB_PER_MEMBER);
	assert_true(mem(m)->stats.drops[DROP_JOIN_CAP] > 0);
	/* The other member's JOINs are not held back by it. */
	membership(1, WIRE_JOIN, 10001);
	assert_true(joined(m2, 10001));
}

/* The table of memberships all members share: full is full, and counted. */
static void
test_table_full(void **state)
{
	uint32_t id;
	int m, m2;

	(void)state;
	bridge_free(b);
	b = make_bridge(0, 8);		/* eight memberships in all */
	m = add(0);
	m2 = add(1);
	for (id = 1; id <= 6; id++)
		membership(0, WIRE_JOIN, id);
	membership(1, WIRE_JOIN, 1);
	membership(1, WIRE_JOIN, 2);
	membership(1, WIRE_JOIN, 3);
	assert_int_equal(mem(m)->nmemb + mem(m2)->nmemb, 8);
	assert_int_equal(mem(m2)->stats.drops[DROP_TABLE_FULL], 1);
	/* A member removed gives its nodes back. */
	bridge_member_del(b, (uint32_t)m);
	membership(1, WIRE_JOIN, 3);
	assert_int_equal(mem(m2)->nmemb, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_find_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epochs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_death_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
	};

	return cmocka_run_group_tests_name("member", tests, NULL, NULL);
}
