/*
 * fuzz_relay.c — libFuzzer harness for the proxy's decisions: a bridge in
 * proxy mode with two site members and two peers (VAN 100 <-> 300 with
 * the first, 100 <-> 500 and 200 <-> 600 with the second), fed messages
 * from any of them (records: [who][dt][len][bytes]).  Invariants: what
 * goes to a peer carries exactly a pair of its peering (or 0/0 in a
 * HELLO), what goes to a site member the same ID both ways; a proxy never
 * writes to a port; the table's counters and per-member lists agree with
 * its contents; nothing is behind the second peer that its claims (MACs
 * 02:00:00:00:00:00/44) do not allow; and a message from a peer never moves
 * a MAC that was behind a site member (the site must let it go first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bridge b;
static struct bridge_out out;
static int peers[2];

static void
flush(struct bridge_out *o, void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];
		const uint8_t *h = a->hdr_len ? a->hdr : a->data;
		struct wire_hdr hd;
		struct wire_msg m;

		if (a->kind != BRIDGE_ACT_MEMBER || a->target >= b.conf.member_max ||
		    !b.member[a->target].used)
			abort();
		if (a->hdr_len == 0 && wire_decode(h, a->data_len, &m) != WIRE_OK)
			abort();
		hd.src_van = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
		    (uint32_t)h[6] << 8 | h[7];
		hd.dst_van = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 |
		    (uint32_t)h[10] << 8 | h[11];
		if ((h[0] & 0x0f) == WIRE_HELLO) {
			if (hd.src_van != 0 || hd.dst_van != 0)
				abort();
		} else if (b.member[a->target].peer) {
			if (bridge_peer_van(&b, a->target, hd.src_van) != hd.dst_van)
				abort();
		} else if (hd.src_van != hd.dst_van)
			abort();
	}
	o->n = 0;
	o->arena_used = 0;
}

static void
check_counts(void)
{
	uint32_t pos = 0;
	const struct fdb_entry *e;

	fz_check_tables(&b);
	while ((e = fdb_next(&b.fdb, &pos)) != NULL) {
		if (e->kind != FDB_REMOTE)
			abort();
		if (e->where == (uint32_t)peers[1] && (e->mac[0] != 2 || e->mac[1] != 0 ||
		    e->mac[2] != 0 || e->mac[3] != 0 || e->mac[4] != 0 || e->mac[5] > 0xf))
			abort();
	}
}

/* The MACs behind site members now (at most the table's size). */
static unsigned
inside(struct fdb_entry *keep, unsigned max)
{
	uint32_t pos = 0;
	const struct fdb_entry *e;
	unsigned n = 0;

	while ((e = fdb_next(&b.fdb, &pos)) != NULL && n < max)
		if (!b.member[e->where].peer)
			keep[n++] = *e;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_conf c = { .proxy = true, .fdb_max = 64, .hello_ms = 100,
	    .dead_count = 3, .epoch = 42, .van_max = 4, .port_max = 2,
	    .member_max = 8, .memb_max = 16, .neigh_max = 32 };
	struct van_addr site[2];
	const char *err;
	monotime_t now = MONO_SEC(1);
	size_t off = 0;
	int i;

	memset(c.hashkey, 9, sizeof(c.hashkey));
	if (bridge_init(&b, &c) != 0)
		abort();
	bridge_out_init(&out, flush, NULL);
	bridge_van_add(&b, 100, "a", &err);
	bridge_van_add(&b, 200, "b", &err);
	addr_parse("10.0.0.1", 4797, &site[0], &err);
	addr_parse("10.0.0.2", 4797, &site[1], &err);
	bridge_member_add(&b, &out, &site[0], now, &err);
	bridge_member_add(&b, &out, &site[1], now, &err);
	peers[0] = bridge_peer_add(&b, now, &err);
	peers[1] = bridge_peer_add(&b, now, &err);
	bridge_peer_map(&b, &out, (uint32_t)peers[0], 100, 300, now, &err);
	bridge_peer_map(&b, &out, (uint32_t)peers[1], 100, 500, now, &err);
	bridge_peer_map(&b, &out, (uint32_t)peers[1], 200, 600, now, &err);
	bridge_peer_limits(&b, (uint32_t)peers[1], 5, 50, 50);
	{
		struct claims cl;

		memset(&cl, 0, sizeof(cl));
		cl.has_macs = true;
		cl.nmacs = 1;
		if (!claims_parse_macs("02:00:00:00:00:00/44", &cl.mac[0], &err))
			abort();
		bridge_peer_claims(&b, (uint32_t)peers[1], &cl);
	}
	/* Peer 1's tunnel is small: frames from the site too big for it (ICMP). */
	bridge_peer_frame_max(&b, (uint32_t)peers[1], 90);
	bridge_start(&b, &out, now);
	flush(&out, NULL);

	while (size - off >= 3) {
		uint8_t who = data[off], dt = data[off + 1];
		size_t len = data[off + 2];
		uint8_t *msg;

		off += 3;
		if (len > size - off)
			len = size - off;
		msg = malloc(len ? len : 1);
		memcpy(msg, data + off, len);
		off += len;
		now += MONO_MS(dt);
		switch (who % 6) {
		case 0:
		case 1:
			bridge_input(&b, &out, &site[who % 6], NULL, msg, len, now);
			break;
		case 2:
		case 3: {
			static struct fdb_entry was[64];
			unsigned n = inside(was, 64), k;

			bridge_input_member(&b, &out, (uint32_t)peers[who % 6 - 2], NULL, msg,
			    len, now);
			flush(&out, NULL);
			for (k = 0; k < n; k++) {
				const struct fdb_entry *e = fdb_lookup(&b.fdb, was[k].van,
				    was[k].mac);

				if (e != NULL && b.member[e->where].peer)
					abort();
			}
			break;
		}
		case 4:
			bridge_tick(&b, &out, now);
			break;
		default:
			/* unmap and map again, as a reload does */
			bridge_peer_unmap(&b, &out, (uint32_t)peers[1], 200, now);
			bridge_peer_map(&b, &out, (uint32_t)peers[1], 200, 600, now, &err);
			break;
		}
		flush(&out, NULL);
		free(msg);
		check_counts();
	}
	for (i = 0; i < 2; i++)
		bridge_peer_del(&b, &out, (uint32_t)peers[i], now);
	flush(&out, NULL);
	check_counts();
	bridge_fini(&b);
	return 0;
}
