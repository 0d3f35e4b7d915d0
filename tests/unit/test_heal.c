/*
 * test_heal.c — tunnels that heal themselves (proxy/heal.c), four proxies
 * on a ring in one process: tree tunnels 1 a-b, 2 b-c, 3 c-d, the standby
 * tunnel a-d covering all three.  Links fail (both ways or one), come back,
 * a proxy restarts; after every step of simulated time the tunnels that
 * carry (mapped at both ends) must be a forest — never the whole ring —
 * and once settled, a spanning tree, the one the rule says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proxy/heal.h"

#define N		4	/* a b c d */
#define SLOTS		2
#define QMAX		4096
#define STEP		MONO_MS(50)

/* Each proxy's peers: slot -> proxy. */
static const int peer_of[N][SLOTS] = {
	{ 1, 3 },	/* a: b (tree 1), d (standby) */
	{ 0, 2 },	/* b: a (tree 1), c (tree 2) */
	{ 1, 3 },	/* c: b (tree 2), d (tree 3) */
	{ 2, 0 },	/* d: c (tree 3), a (standby) */
};

struct node {
	int		idx;
	struct heal	h;
	bool		mapped[SLOTS];
	monotime_t	heard[SLOTS];
	uint64_t	epoch;
};

struct qmsg {
	int		to;
	uint32_t	slot;	/* at the receiver */
	struct wire_tunnel t;
	uint8_t		hop;
};

static struct node	nodes[N];
static struct qmsg	q[QMAX];
static int		qhead, qtail;
static monotime_t	now;
/* link_up[p][q]: what p sends reaches q. */
static bool		link_up[N][N];
static int		maps;		/* map calls, all nodes */
static char		last_log[256];

static uint32_t
slot_of(int p, int to)
{
	uint32_t s;

	for (s = 0; s < SLOTS; s++)
		if (peer_of[p][s] == to)
			return s;
	fail();
	return 0;
}

static monotime_t
op_heard(void *arg, uint32_t m, bool *alive)
{
	struct node *n = arg;

	*alive = n->heard[m] != 0 && now - n->heard[m] < MONO_SEC(3);
	return n->heard[m];
}

static void
op_map(void *arg, uint32_t m, bool on)
{
	struct node *n = arg;

	n->mapped[m] = on;
	maps++;
}

static void
op_send(void *arg, uint32_t m, const struct wire_tunnel *t, uint8_t hop)
{
	struct node *n = arg;
	int to = peer_of[n->idx][m];
	struct qmsg *x;

	if (!link_up[n->idx][to])
		return;
	assert_true(qtail - qhead < QMAX);
	x = &q[qtail++ % QMAX];
	x->to = to;
	x->slot = slot_of(to, n->idx);
	x->t = *t;
	x->hop = hop;
}

static void __attribute__((format(printf, 2, 3)))
op_log(void *arg, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

static const char *
op_name(void *arg, uint32_t m)
{
	static const char *const names[N] = { "a", "b", "c", "d" };
	struct node *n = arg;

	return names[peer_of[n->idx][m]];
}

/* Does the tunnel between p and q carry (mapped at both ends)? */
static bool
carries(int p, int r)
{
	return nodes[p].mapped[slot_of(p, r)] && nodes[r].mapped[slot_of(r, p)];
}

/* The ring's four tunnels: never all four. */
static void
check_forest(void)
{
	int n = carries(0, 1) + carries(1, 2) + carries(2, 3) + carries(3, 0);

	if (n == 4)
		fail_msg("a loop: every tunnel of the ring carries at %llu ms",
		    (unsigned long long)(now / 1000000));
}

static void	node_tunnels(int i);

static void
node_start(int i)
{
	struct node *n = &nodes[i];
	struct heal_ops ops = { op_heard, op_map, op_send, op_log, op_name, n };

	n->idx = i;
	n->epoch = n->epoch * 31 + 1000 + (uint64_t)i;	/* a new one each start */
	memset(n->mapped, 0, sizeof(n->mapped));
	heal_init(&n->h, &ops, n->epoch);
	node_tunnels(i);
}

/* Node i's tunnels, as its configuration gives them (start, reload). */
static void
node_tunnels(int i)
{
	static const struct heal_cover cover_a[] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	static const struct heal_cover cover_d[] = { { 1, 1 }, { 2, 1 }, { 3, 1 } };
	struct node *n = &nodes[i];

	assert_true(heal_begin(&n->h));
	switch (i) {
	case 0:
		assert_true(heal_tree_add(&n->h, 0, 1, 0, 2, 4, now));
		assert_true(heal_standby_add(&n->h, 1, cover_a, 3, now));
		break;
	case 1:
		assert_true(heal_tree_add(&n->h, 0, 1, 1, 2, 4, now));
		assert_true(heal_tree_add(&n->h, 1, 2, 0, 2, 4, now));
		break;
	case 2:
		assert_true(heal_tree_add(&n->h, 0, 2, 1, 2, 4, now));
		assert_true(heal_tree_add(&n->h, 1, 3, 0, 2, 4, now));
		break;
	case 3:
		assert_true(heal_tree_add(&n->h, 0, 3, 1, 2, 4, now));
		assert_true(heal_standby_add(&n->h, 1, cover_d, 3, now));
		break;
	}
	heal_end(&n->h, now);
}

/* Run for dt: HELLOs where links are up, ticks, messages delivered. */
static void
run(monotime_t dt)
{
	monotime_t end = now + dt;
	int i;
	uint32_t s;

	while (now < end) {
		now += STEP;
		for (i = 0; i < N; i++)
			for (s = 0; s < SLOTS; s++)
				if (link_up[peer_of[i][s]][i])
					nodes[i].heard[s] = now;
		for (i = 0; i < N; i++)
			(void)heal_tick(&nodes[i].h, now);
		while (qhead < qtail) {
			struct qmsg x = q[qhead++ % QMAX];

			heal_input(&nodes[x.to].h, x.slot, &x.t, x.hop, now);
			check_forest();
		}
		check_forest();
	}
}

/* Run until cond holds, at most limit; returns how long it took. */
static monotime_t
run_until(bool (*cond)(void), monotime_t limit)
{
	monotime_t t0 = now;

	while (!cond()) {
		if (now - t0 > limit)
			fail_msg("not within %llu ms", (unsigned long long)(limit / 1000000));
		run(STEP);
	}
	return now - t0;
}

static void
link_set(int p, int r, bool up)
{
	link_up[p][r] = link_up[r][p] = up;
}

static bool
tree_carries(void)
{
	return carries(0, 1) && carries(1, 2) && carries(2, 3) && !carries(3, 0);
}

static bool
healed_bc(void)
{
	return carries(0, 1) && !carries(1, 2) && carries(2, 3) && carries(3, 0);
}

static int
setup(void **state)
{
	int i, j;

	(void)state;
	memset(nodes, 0, sizeof(nodes));
	qhead = qtail = maps = 0;
	now = MONO_SEC(100);
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			link_up[i][j] = i != j;
	for (i = 0; i < N; i++)
		node_start(i);
	return 0;
}

/* At start every tree tunnel carries, the standby does not. */
static void
test_start(void **state)
{
	monotime_t took;

	(void)state;
	took = run_until(tree_carries, MONO_SEC(5));
	/* Every end heard the standby end's OFF, or its own side is the
	 * standby end: no wait for the hold time. */
	assert_true(took < HEAL_HOLD);
	run(MONO_SEC(5));
	assert_true(tree_carries());
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->state, HEAL_UP);
	assert_false(heal_standby_of(&nodes[0].h, 1)->on);
}

/* b-c cut both ways: a-d takes over within failover_after and a bit;
 * b-c back: it carries again after failback_after, a-d off. */
static void
test_cut_and_back(void **state)
{
	monotime_t took;

	(void)state;
	run_until(tree_carries, MONO_SEC(5));
	run(MONO_SEC(2));
	link_set(1, 2, false);
	took = run_until(healed_bc, MONO_SEC(5));
	assert_true(took >= MONO_SEC(2));		/* failover_after */
	assert_true(took < MONO_SEC(2) + MONO_MS(500));
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->state, HEAL_DOWN);
	assert_int_equal(heal_tree_of(&nodes[2].h, 0)->state, HEAL_DOWN);
	assert_true(heal_standby_of(&nodes[0].h, 1)->on);
	assert_true(heal_standby_of(&nodes[3].h, 1)->on);
	/* Held on while down: the DOWNs are said again. */
	run(MONO_SEC(10));
	assert_true(healed_bc());

	link_set(1, 2, true);
	took = run_until(tree_carries, MONO_SEC(10));
	assert_true(took >= MONO_SEC(4));		/* failback_after */
	assert_true(took < MONO_SEC(4) + MONO_SEC(1));
	run(MONO_SEC(5));
	assert_true(tree_carries());
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->downs, 1);
	assert_int_equal(heal_standby_of(&nodes[0].h, 1)->ons, 1);
}

/* One way only (c no longer hears b): c says so over the tunnel, b goes
 * down too; both come back only when both hear each other. */
static void
test_one_way(void **state)
{
	(void)state;
	run_until(tree_carries, MONO_SEC(5));
	link_up[1][2] = false;		/* b -> c lost, c -> b fine */
	run_until(healed_bc, MONO_SEC(5));
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->state, HEAL_DOWN);
	run(MONO_SEC(20));		/* b hears c all along: no flapping */
	assert_true(healed_bc());
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->downs, 1);
	assert_int_equal(heal_standby_of(&nodes[0].h, 1)->ons, 1);
	link_up[1][2] = true;
	run_until(tree_carries, MONO_SEC(10));
}

static bool
healed_cd(void)
{
	return carries(0, 1) && carries(1, 2) && !carries(2, 3) && carries(3, 0);
}

static bool
healed_ab(void)
{
	return !carries(0, 1) && carries(1, 2) && carries(2, 3) && carries(3, 0);
}

/* The end of the cut tunnel on a side is that side's standby end itself:
 * c-d cut (d is both), then a-b cut (a is both). */
static void
test_ends_are_standby_ends(void **state)
{
	(void)state;
	run_until(tree_carries, MONO_SEC(5));
	link_set(2, 3, false);
	run_until(healed_cd, MONO_SEC(3));
	link_set(2, 3, true);
	run_until(tree_carries, MONO_SEC(10));
	link_set(0, 1, false);
	run_until(healed_ab, MONO_SEC(3));
	link_set(0, 1, true);
	run_until(tree_carries, MONO_SEC(10));
	assert_int_equal(heal_standby_of(&nodes[3].h, 1)->ons, 2);
}

/* b restarts while a-d carries: its old DOWNs on their way do not turn
 * the standby on again once it is off; a's standby end follows b's new
 * notices only. */
static void
test_restart(void **state)
{
	(void)state;
	run_until(tree_carries, MONO_SEC(5));
	link_set(1, 2, false);
	run_until(healed_bc, MONO_SEC(5));
	/* b's process restarts with b-c still cut: a new epoch, its tunnels
	 * ask for themselves back and a stays on while c's end is down. */
	{
		uint64_t old_epoch = nodes[1].epoch, stale;
		struct wire_tunnel late = { .tunnel = 2, .end = 0,
		    .state = WIRE_TUN_DOWN, .epoch = 0, .seq = 999999 };

		node_start(1);
		run(MONO_MS(500));	/* its first notices are at a */
		late.epoch = old_epoch;	/* the old process's, still on its way */
		stale = nodes[0].h.stats.stale;
		heal_input(&nodes[0].h, 0, &late, 3, now);
		assert_int_equal(nodes[0].h.stats.stale, stale + 1);
	}
	run(MONO_SEC(6));
	assert_true(healed_bc() || (!carries(1, 2) && carries(3, 0)));
	assert_true(heal_standby_of(&nodes[3].h, 1)->on);
	link_set(1, 2, true);
	run_until(tree_carries, MONO_SEC(15));
	run(MONO_SEC(5));
	assert_true(tree_carries());
}

/* A reload with the same tunnels, in the middle of a failover, changes
 * nothing: states, mappings and counters are kept, nothing is said twice. */
static void
test_reload(void **state)
{
	int i, m0;

	(void)state;
	run_until(tree_carries, MONO_SEC(5));
	link_set(1, 2, false);
	run_until(healed_bc, MONO_SEC(5));
	m0 = maps;
	for (i = 0; i < N; i++)
		node_tunnels(i);
	assert_true(healed_bc());
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->state, HEAL_DOWN);
	assert_true(heal_standby_of(&nodes[0].h, 1)->on);
	assert_int_equal(heal_tree_of(&nodes[1].h, 1)->downs, 1);
	run(MONO_SEC(3));
	assert_true(healed_bc());
	/* Mapped as before: a's a-b and standby, b's a-b, c's c-d, d's c-d
	 * and standby; what carries was mapped again (new pairs of the same
	 * peering), nothing unmapped. */
	assert_true(nodes[0].mapped[0] && nodes[0].mapped[1]);
	assert_true(nodes[1].mapped[0] && !nodes[1].mapped[1]);
	assert_true(!nodes[2].mapped[0] && nodes[2].mapped[1]);
	assert_true(nodes[3].mapped[0] && nodes[3].mapped[1]);
	assert_true(maps > m0);
	link_set(1, 2, true);
	run_until(tree_carries, MONO_SEC(10));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_start, setup),
		cmocka_unit_test_setup(test_cut_and_back, setup),
		cmocka_unit_test_setup(test_one_way, setup),
		cmocka_unit_test_setup(test_ends_are_standby_ends, setup),
		cmocka_unit_test_setup(test_restart, setup),
		cmocka_unit_test_setup(test_reload, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
