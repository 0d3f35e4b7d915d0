/*
 * fuzz_bridge.c — libFuzzer harness for the bridge's handling of underlay
 * messages and port frames.  The input is a script: each record picks a
 * sender (a member, a stranger, or a local port), a time step and bytes.
 * Invariants checked after every record: a frame is only ever delivered to
 * a port of the VAN it came from; the forwarding table's per-VAN and
 * per-member counters, and its per-member and per-port lists, agree with
 * its contents; each member's memberships kept agree with its count; and
 * port 0's configured MAC stays on port 0 whatever the members claim.
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
static struct van_addr members[3], stranger;
static int ports[4];
static uint32_t van_of_port[4];
static uint32_t cur_van;		/* VAN of the event being processed */

static void
flush(struct bridge_out *o, void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];

		if (a->kind == BRIDGE_ACT_PORT) {
			if (a->target >= b.conf.port_max || !b.port[a->target].used)
				abort();
			/* cur_van is 0 for control events, which deliver nothing */
			if (b.van[b.port[a->target].van].id != cur_van)
				abort();
			if (a->data_len < ETH_HDR_LEN)
				abort();
		} else if (a->kind == BRIDGE_ACT_MEMBER) {
			if (a->target >= b.conf.member_max || !b.member[a->target].used)
				abort();
			if (a->segs == 0 || a->hdr_len + a->data_len >
			    (a->segs > 1 ? BRIDGE_GSO_FRAME_MAX : WIRE_MSG_MAX))
				abort();
			/* Every control message we build decodes. */
			if (a->hdr_len == 0) {
				struct wire_msg m;

				if (wire_decode(a->data, a->data_len, &m) != WIRE_OK)
					abort();
			}
		} else
			abort();
	}
	o->n = 0;
	o->arena_used = 0;
}

/* The tables' bookkeeping (harness.h), and port 0's configured MAC. */
static void
check_counts(void)
{
	const struct fdb_entry *e;

	fz_check_tables(&b);
	e = fdb_lookup(&b.fdb, 100, (const uint8_t[6]){ 2, 0, 0, 0, 0, 0 });
	if (e == NULL || e->kind != FDB_LOCAL || e->where != (uint32_t)ports[0] ||
	    !(e->flags & FDB_F_STATIC))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_conf c = { .fdb_max = 64, .hello_ms = 100, .dead_count = 3,
	    .epoch = 42, .van_max = 4, .port_max = 8, .member_max = 8, .memb_max = 16,
	    .neigh_max = 32, .arp_proxy = true };
	const char *err;
	monotime_t now = MONO_SEC(1);
	size_t off = 0;
	int i;

	memset(c.hashkey, 7, sizeof(c.hashkey));
	addr_parse("10.0.0.9", 4797, &c.self, &err);	/* ours, to seal with */
	/* Odd first bytes: with a site key (fixed, so a corpus can seal). */
	if (size > 0 && (data[0] & 1)) {
		c.auth = true;
		memset(c.site_key, 0x5e, sizeof(c.site_key));
	}
	/* ... bit 1: an underlay that carries frames of up to 200 bytes. */
	if (size > 0 && (data[0] & 2))
		c.frame_max = 200;
	if (bridge_init(&b, &c) != 0)
		abort();
	bridge_out_init(&out, flush, NULL);
	bridge_van_add(&b, 100, "a", &err);
	bridge_van_add(&b, 200, "b", &err);
	for (i = 0; i < 3; i++) {
		char s[16] = "10.0.0.1";

		s[7] = (char)('1' + i);
		addr_parse(s, 4797, &members[i], &err);
		bridge_member_add(&b, &out, &members[i], now, &err);
	}
	addr_parse("10.9.9.9", 4797, &stranger, &err);
	for (i = 0; i < 4; i++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(i & 1) };

		van_of_port[i] = i < 2 ? 100 : 200;
		ports[i] = bridge_port_add(&b, &out, (uint32_t)(i / 2), i == 0 ? mac : NULL, 0,
		    now, &err);
	}
	cur_van = 0;
	bridge_start(&b, &out, now);
	flush(&out, NULL);

	/* Records: [who][dt][len][bytes...] */
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
		if (who % 8 < 3) {
			struct wire_msg wm;

			cur_van = wire_decode(msg, len, &wm) == WIRE_OK ? wm.hdr.dst_van : 0;
			bridge_input(&b, &out, &members[who % 8], NULL, msg, len, now);
		} else if (who % 8 == 3) {
			cur_van = 0;
			bridge_input(&b, &out, &stranger, NULL, msg, len, now);
		} else if (who % 8 == 4) {
			cur_van = 0;
			bridge_tick(&b, &out, now);
		} else {
			int p = (who % 8) - 5 + (who >> 7);

			cur_van = van_of_port[p];
			/* Odd senders claim GSO: one frame for len / 64 segments. */
			bridge_port_frame(&b, &out, (uint32_t)ports[p], msg, len,
			    1 + (who & 1) * (unsigned)(len / 64), now);
		}
		flush(&out, NULL);
		free(msg);
		check_counts();
	}
	bridge_fini(&b);
	return 0;
}
