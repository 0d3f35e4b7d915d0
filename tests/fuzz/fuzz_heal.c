/*
 * fuzz_heal.c — tunnels that heal themselves (proxy/heal.c) against what
 * peers may send: the input is a run of steps, each a TUNNEL message from
 * one of the proxy's peers (any tunnel, end, state, epoch, sequence, hop
 * limit), time passing, or a peer falling silent or heard again.  The
 * proxy has two tree tunnels and a standby peer covering them and a third.
 * After every step: what heal says carries is what it asked the daemon to
 * map, a tree tunnel carries only when up, and nothing crashes or loops
 * (a message is relayed a bounded number of times).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/heal.h"

#define SLOTS	4	/* 0, 1: tree tunnels 1 and 2; 2: the standby; 3: a plain peer */
#define STEP	13

static bool		mapped[SLOTS], silent[SLOTS];
static monotime_t	now, heard_at[SLOTS];
static unsigned		sends;

static monotime_t
op_heard(void *arg, uint32_t m, bool *alive)
{
	(void)arg;
	if (m >= SLOTS)
		abort();
	*alive = !silent[m];
	return heard_at[m];
}

static void
op_map(void *arg, uint32_t m, bool on)
{
	(void)arg;
	if (m >= SLOTS || m == 3)
		abort();		/* heal maps only what it owns */
	mapped[m] = on;
}

static void
op_send(void *arg, uint32_t m, const struct wire_tunnel *t, uint8_t hop)
{
	(void)arg;
	if (m >= SLOTS || m == 3 || hop == 0 || t->tunnel == 0 || t->end > 1 ||
	    t->state == 0 || t->state > WIRE_TUN_STATE_MAX || t->epoch == 0)
		abort();
	sends++;
}

static void
op_log(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

static const char *
op_name(void *arg, uint32_t m)
{
	(void)arg;
	(void)m;
	return "p";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct heal_cover cover[] = { { 1, 0 }, { 2, 1 }, { 3, 0 } };
	static struct heal h;
	struct heal_ops ops = { op_heard, op_map, op_send, op_log, op_name, NULL };
	size_t off;
	unsigned i;

	memset(mapped, 0, sizeof(mapped));
	memset(silent, 0, sizeof(silent));
	memset(heard_at, 0, sizeof(heard_at));
	now = MONO_SEC(1000);
	heal_init(&h, &ops, 77);
	if (!heal_begin(&h) || !heal_tree_add(&h, 0, 1, 0, 2, 4, now) ||
	    !heal_tree_add(&h, 1, 2, 1, 1, 1, now) ||
	    !heal_standby_add(&h, 2, cover, 3, now))
		abort();
	heal_end(&h, now);
	for (off = 0; off + STEP <= size; off += STEP) {
		const uint8_t *s = data + off;
		uint32_t m = s[1] % SLOTS;

		sends = 0;
		switch (s[0] % 4) {
		case 0: {	/* a TUNNEL message from peer m, as decoded */
			struct wire_tunnel t;

			t.tunnel = (uint16_t)(1 + s[2] % 4);
			t.end = s[3] & 1;
			t.state = (uint8_t)(1 + s[4] % WIRE_TUN_STATE_MAX);
			t.epoch = 1 + (uint64_t)(s[5] % 4) * 50;
			memcpy(&t.seq, s + 6, 4);
			heal_input(&h, m, &t, s[10], now);
			break;
		}
		case 1:		/* time passes */
			now += MONO_MS((monotime_t)s[2] * 40);
			for (i = 0; i < SLOTS; i++)
				if (!silent[i])
					heard_at[i] = now;
			(void)heal_tick(&h, now);
			break;
		case 2:
			silent[m] = !silent[m];
			break;
		case 3:		/* a reload with the same tunnels */
			if (!heal_begin(&h) || !heal_tree_add(&h, 0, 1, 0, 2, 4, now) ||
			    !heal_tree_add(&h, 1, 2, 1, 1, 1, now) ||
			    !heal_standby_add(&h, 2, cover, 3, now))
				abort();
			heal_end(&h, now);
			break;
		}
		/* A message goes at most to each peer heal relays over. */
		if (sends > 32)
			abort();
		for (i = 0; i < 2; i++) {
			const struct heal_tree *t = heal_tree_of(&h, i);

			if (t == NULL || t->mapped != mapped[i] ||
			    (t->mapped && t->state != HEAL_UP))
				abort();
		}
		if (heal_standby_of(&h, 2) == NULL || heal_standby_of(&h, 2)->on != mapped[2] ||
		    heal_carries(&h, 3))
			abort();
	}
	return 0;
}
