/*
 * attack_bench.c — what a forger of a member's address costs an edge
 * (docs/security.md): the bridge's time per message, on one core, for
 * ordinary traffic from the member (a JOIN it has sent already and a HELLO
 * of its epoch, alternating) beside the attack that used to purge the
 * tables each time (a JOIN and a HELLO of a new epoch, alternating), with
 * a full table of routes through other members; and how many bytes go out
 * for each byte of HELLO with SYNC (the amplifier), with 4000 VANs.
 * Messages are paced at 40 000 a second of the bridge's clock.  A bench,
 * not a test: it prints figures and fails only if the bridge does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */

#define MESSAGES	200000
#define OTHERS		8	/* members holding the table's routes */
#define VANS		4000

static uint64_t	out_bytes;

static void
flush(struct bridge_out *o, void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < o->n; i++)
		out_bytes += o->act[i].hdr_len + o->act[i].data_len;
	o->n = 0;
	o->arena_used = 0;
}

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
setup(struct bridge *b, struct bridge_out *o, struct van_addr *m, unsigned nvans,
    monotime_t now)
{
	struct bridge_conf c = { .fdb_max = 65536, .hello_ms = 1000, .dead_count = 3,
	    .epoch = 5 };
	struct van_addr a;
	const char *err;
	char s[32];
	unsigned i;

	memset(c.hashkey, 3, sizeof(c.hashkey));
	if (bridge_init(b, &c) == -1) {
		fprintf(stderr, "attack-bench: bridge_init failed\n");
		exit(1);
	}
	bridge_out_init(o, flush, NULL);
	for (i = 0; i < nvans; i++) {
		snprintf(s, sizeof(s), "v%u", i);
		if (bridge_van_add(b, 100 + i, s, &err) < 0 ||
		    bridge_port_add(b, o, i, NULL, 0, now, &err) < 0) {
			fprintf(stderr, "attack-bench: %s\n", err);
			exit(1);
		}
	}
	addr_parse("10.0.0.2", 4797, m, &err);
	bridge_member_add(b, o, m, now, &err);
	for (i = 0; i < OTHERS; i++) {
		snprintf(s, sizeof(s), "10.0.1.%u", i + 1);
		addr_parse(s, 4797, &a, &err);
		bridge_member_add(b, o, &a, now, &err);
	}
	bridge_start(b, o, now);
	flush(o, NULL);
}

/* The table filled with routes through the other members, by LEARNs. */
static void
fill(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	struct wire_hdr h = { .hop = 16, .src_van = 100, .dst_van = 100 };
	struct wire_learn l = { .seq = 1 };
	uint8_t msg[WIRE_CTL_MAX];
	struct van_addr a;
	const char *err;
	char s[32];
	uint32_t i;

	for (i = 0; i < 60000; i++) {
		snprintf(s, sizeof(s), "10.0.1.%u", i % OTHERS + 1);
		addr_parse(s, 4797, &a, &err);
		l.mac[0] = 2;
		l.mac[3] = (uint8_t)(i >> 16);
		l.mac[4] = (uint8_t)(i >> 8);
		l.mac[5] = (uint8_t)i;
		bridge_input(b, o, &a, NULL, msg, wire_encode_learn(msg, sizeof(msg), &h, &l),
		    now + (monotime_t)i * MONO_MS(1));
	}
}

static double
churn(bool new_epochs, uint64_t *restarts, uint32_t *fdb)
{
	static struct bridge b;
	static struct bridge_out o;
	struct van_addr m;
	uint8_t msg[64];
	monotime_t now = MONO_SEC(10);
	double t0, t;
	int i;

	setup(&b, &o, &m, 1, now);
	fill(&b, &o, now);
	now += MONO_SEC(100);
	t0 = seconds();
	for (i = 0; i < MESSAGES; i++) {
		struct wire_hdr j = { .type = WIRE_JOIN, .hop = 16, .src_van = 100,
		    .dst_van = 100 };
		struct wire_hdr h = { .type = WIRE_HELLO, .hop = 16 };
		struct wire_hello he = { .epoch = new_epochs ? 1000 + (uint64_t)i : 1000,
		    .interval_ms = 1000 };

		bridge_input(&b, &o, &m, NULL, msg, wire_encode_empty(msg, sizeof(msg), &j), now);
		bridge_input(&b, &o, &m, NULL, msg, wire_encode_hello(msg, sizeof(msg), &h, &he),
		    now);
		now += MONO_MS(1) / 20;
	}
	t = seconds() - t0;
	*restarts = b.member[0].stats.restarts;
	*fdb = b.fdb.count;
	bridge_fini(&b);
	return t / (2.0 * MESSAGES) * 1e9;
}

int
main(void)
{
	static struct bridge b;
	static struct bridge_out o;
	struct wire_hdr h = { .type = WIRE_HELLO, .flags = WIRE_F_SYNC, .hop = 16 };
	struct wire_hello he = { .epoch = 1000, .interval_ms = 1000 };
	uint64_t r1, r2, in = 0;
	uint32_t f1, f2;
	double plain, attack;
	struct van_addr m;
	uint8_t msg[64];
	monotime_t now = MONO_SEC(10);
	size_t k;
	int i;

	plain = churn(false, &r1, &f1);
	attack = churn(true, &r2, &f2);
	printf("### What a forger of a member's address costs an edge (attack_bench.c)\n\n");
	printf("| %d messages at 40 000/s, %u routes held through other members | ns per "
	    "message | restarts taken |\n| --- | --- | --- |\n", 2 * MESSAGES, f1);
	printf("| JOIN + HELLO of the member's epoch | %.0f | %llu |\n", plain,
	    (unsigned long long)r1);
	printf("| JOIN + HELLO of a new epoch (the purge attack) | %.0f (%.1fx) | %llu |\n",
	    attack, attack / plain, (unsigned long long)r2);

	setup(&b, &o, &m, VANS, now);
	now += MONO_SEC(5);
	out_bytes = 0;
	k = wire_encode_hello(msg, sizeof(msg), &h, &he);
	for (i = 0; i < 1000; i++) {
		bridge_input(&b, &o, &m, NULL, msg, k, now);
		flush(&o, NULL);
		in += k;
		now += MONO_MS(1);
	}
	printf("\nHELLO+SYNC, 1000 in one second with %u VANs here: %llu bytes in, %llu "
	    "bytes out (%.1fx; sync-limit %llu)\n", VANS, (unsigned long long)in,
	    (unsigned long long)out_bytes, (double)out_bytes / (double)in,
	    (unsigned long long)b.member[0].stats.drops[DROP_SYNC_LIMIT]);
	bridge_fini(&b);
	return 0;
}
