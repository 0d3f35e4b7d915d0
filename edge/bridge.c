/*
 * bridge.c — the edge bridge's decisions (design §4; docs/protocol.md):
 * VANs and ports, the forwarding table, frames from ports and from
 * members, LEARN and UNLEARN.  Members, their memberships, HELLO and the
 * timers are in member.c.
 *
 * Pure: events in (a frame from a port, a message from the underlay, a
 * configuration change), actions out.  It never blocks, allocates only in
 * bridge_init, and logs nothing: everything it refuses is counted in the
 * stats of the VAN, member or bridge it concerns.
 */
#include "edge/bridge.h"
#include "edge/bridge_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define NONE		UINT32_MAX

static void	out_reserve(struct bridge_out *, size_t arena_len);

/* --------------------------------------------------------------- names --- */

const char *
drop_reason_str(enum drop_reason r)
{
	static const char *const s[DROP_REASON_COUNT] = {
		[DROP_NOT_MEMBER] = "not-member",
		[DROP_UNKNOWN_VAN] = "unknown-van",
		[DROP_VAN_MISMATCH] = "van-mismatch",
		[DROP_SPOOF] = "spoofed-src",
		[DROP_BAD_SRC] = "bad-src-mac",
		[DROP_BAD_DST] = "bad-dst-mac",
		[DROP_RUNT] = "runt",
		[DROP_TOO_BIG] = "too-big",
		[DROP_HAIRPIN] = "hairpin",
		[DROP_NO_PORT] = "port-down",
		[DROP_TABLE_FULL] = "table-full",
		[DROP_TX_ERROR] = "tx-error",
	};

	if ((unsigned)r < WIRE_ERR_COUNT)
		return wire_err_str((enum wire_err)r);
	if ((unsigned)r >= DROP_REASON_COUNT || s[r] == NULL)
		return "?";
	return s[r];
}

/* -------------------------------------------------------------- set-up --- */

int
bridge_init(struct bridge *b, const struct bridge_conf *conf)
{
	uint8_t k[3][IDMAP_HASHKEY_LEN];
	int i;

	memset(b, 0, sizeof(*b));
	b->conf = *conf;
	if (b->conf.van_max == 0)
		b->conf.van_max = BRIDGE_VAN_MAX;
	if (b->conf.port_max == 0)
		b->conf.port_max = BRIDGE_PORT_MAX;
	if (b->conf.member_max == 0)
		b->conf.member_max = BRIDGE_MEMBER_MAX;
	if (b->conf.memb_max == 0)
		b->conf.memb_max = BRIDGE_MEMB_MAX;
	if (b->conf.van_max > BRIDGE_VAN_MAX || b->conf.port_max > BRIDGE_PORT_MAX ||
	    b->conf.member_max > BRIDGE_MEMBER_MAX)
		return -1;
	if (b->conf.hello_ms < BRIDGE_HELLO_MS_MIN || b->conf.hello_ms > BRIDGE_HELLO_MS_MAX ||
	    b->conf.dead_count == 0 || b->conf.epoch == 0)
		return -1;
	/* One random key, three derived ones: tables must not share a hash. */
	for (i = 0; i < 3; i++) {
		memcpy(k[i], conf->hashkey, sizeof(k[i]));
		k[i][0] ^= (uint8_t)(0x5a + i);
	}
	b->van = calloc(b->conf.van_max, sizeof(*b->van));
	b->port = calloc(b->conf.port_max, sizeof(*b->port));
	b->member = calloc(b->conf.member_max, sizeof(*b->member));
	b->hold = calloc(BRIDGE_UNLEARN_CACHE, sizeof(*b->hold));
	if (b->van == NULL || b->port == NULL || b->member == NULL ||
	    b->hold == NULL ||
	    fdb_init(&b->fdb, conf->fdb_max, conf->hashkey) == -1 ||
	    idmap_init(&b->van_by_id, b->conf.van_max, k[0]) == -1 ||
	    idmap_init(&b->member_by_addr, b->conf.member_max, k[1]) == -1 ||
	    idmap_init(&b->memb, b->conf.memb_max, k[2]) == -1) {
		bridge_free(b);
		return -1;
	}
	return 0;
}

void
bridge_free(struct bridge *b)
{
	if (b->fdb.slot != NULL)
		fdb_free(&b->fdb);
	if (b->van_by_id.slot != NULL)
		idmap_free(&b->van_by_id);
	if (b->member_by_addr.slot != NULL)
		idmap_free(&b->member_by_addr);
	if (b->memb.slot != NULL)
		idmap_free(&b->memb);
	free(b->van);
	free(b->port);
	free(b->member);
	free(b->hold);
	sodium_memzero(b, sizeof(*b));
}

/* ------------------------------------------------------------- actions --- */

void
bridge_out_init(struct bridge_out *o, void (*flush)(struct bridge_out *, void *),
    void *arg)
{
	o->n = 0;
	o->arena_used = 0;
	o->flush = flush;
	o->flush_arg = arg;
}

static void
out_reserve(struct bridge_out *o, size_t arena_len)
{
	if (o->n == BRIDGE_OUT_MAX || BRIDGE_ARENA - o->arena_used < arena_len) {
		o->flush(o, o->flush_arg);
		o->n = 0;
		o->arena_used = 0;
	}
}

static void
emit_port(struct bridge *b, struct bridge_out *o, uint32_t van, uint32_t p,
    const uint8_t *frame, size_t len, unsigned segs)
{
	struct bridge_port *port;
	struct bridge_act *a;

	/* The one place frames reach ports: never into another VAN. */
	if (p >= b->conf.port_max || !b->port[p].used || b->port[p].van != van ||
	    !b->port[p].up) {
		b->van[van].stats.drops[DROP_NO_PORT]++;
		return;
	}
	port = &b->port[p];
	out_reserve(o, 0);
	a = &o->act[o->n++];
	a->kind = BRIDGE_ACT_PORT;
	a->type = 0;
	a->hdr_len = 0;
	a->segs = (uint16_t)segs;
	a->target = p;
	a->data = frame;
	a->data_len = len;
	port->stats.tx_frames += segs;
	port->stats.tx_bytes += len;
	b->van[van].stats.frames_out += segs;
}

static void
emit_frame(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t type,
    uint32_t van, const uint8_t *frame, size_t len, unsigned segs)
{
	struct bridge_act *a;
	struct wire_hdr h = {
		.type = type, .hop = WIRE_HOP_DEFAULT,
		.src_van = b->van[van].id, .dst_van = b->van[van].id,
	};

	out_reserve(o, 0);
	a = &o->act[o->n++];
	a->kind = BRIDGE_ACT_MEMBER;
	a->type = type;
	a->hdr_len = WIRE_HDR_LEN;
	a->segs = (uint16_t)segs;
	a->target = m;
	a->data = frame;
	a->data_len = len;
	wire_put_hdr(a->hdr, &h);
	b->member[m].stats.tx_msgs[type] += segs;
	b->member[m].stats.tx_bytes += WIRE_HDR_LEN * segs + len;
}

/* Queue a control message: built by the caller into a stack buffer. */
void
bridge_emit_ctl(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t type,
    const uint8_t *msg, size_t len)
{
	struct bridge_act *a;

	if (len == 0)
		return;
	out_reserve(o, len);
	memcpy(o->arena + o->arena_used, msg, len);
	a = &o->act[o->n++];
	a->kind = BRIDGE_ACT_MEMBER;
	a->type = type;
	a->hdr_len = 0;
	a->segs = 1;
	a->target = m;
	a->data = o->arena + o->arena_used;
	a->data_len = len;
	o->arena_used += len;
	b->member[m].stats.tx_msgs[type]++;
	b->member[m].stats.tx_bytes += len;
}

void
bridge_count_tx_error(struct bridge *b, const struct bridge_act *a)
{
	if (a->kind == BRIDGE_ACT_PORT && a->target < b->conf.port_max) {
		struct bridge_port *p = &b->port[a->target];

		p->stats.drops++;
		if (p->used)
			b->van[p->van].stats.drops[DROP_TX_ERROR]++;
	} else if (a->kind == BRIDGE_ACT_MEMBER && a->target < b->conf.member_max)
		b->member[a->target].stats.drops[DROP_TX_ERROR]++;
}

struct wire_hdr
bridge_ctl_hdr(uint8_t type, uint32_t van_id, uint8_t flags)
{
	struct wire_hdr h = {
		.type = type, .flags = flags, .hop = WIRE_HOP_DEFAULT,
		.src_van = van_id, .dst_van = van_id,
	};

	return h;
}

static void
send_learn(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van,
    const struct fdb_entry *e)
{
	uint8_t buf[WIRE_CTL_MAX];
	struct wire_hdr h = bridge_ctl_hdr(WIRE_LEARN, b->van[van].id, 0);
	struct wire_learn l;

	memset(&l, 0, sizeof(l));
	memcpy(l.mac, e->mac, 6);
	l.seq = e->seq;
	bridge_emit_ctl(b, o, m, WIRE_LEARN, buf, wire_encode_learn(buf, sizeof(buf), &h, &l));
	b->van[van].stats.learn_tx++;
}

static void
send_unlearn(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van,
    const uint8_t mac[static 6])
{
	uint8_t buf[WIRE_CTL_MAX];
	struct wire_hdr h = bridge_ctl_hdr(WIRE_UNLEARN, b->van[van].id, 0);
	struct wire_unlearn u;

	memcpy(u.mac, mac, 6);
	bridge_emit_ctl(b, o, m, WIRE_UNLEARN, buf,
	    wire_encode_unlearn(buf, sizeof(buf), &h, &u));
	b->van[van].stats.unlearn_tx++;
}

void
bridge_send_membership(struct bridge *b, struct bridge_out *o, uint32_t m,
    uint8_t type, uint32_t van_id, uint8_t flags)
{
	uint8_t buf[WIRE_HDR_LEN];
	struct wire_hdr h = bridge_ctl_hdr(type, van_id, flags);

	bridge_emit_ctl(b, o, m, type, buf, wire_encode_empty(buf, sizeof(buf), &h));
}

/* -------------------------------------------------- forwarding entries --- */

/* Counters follow every entry that goes; call before removing e. */
static void
fdb_forget(struct bridge *b, const struct fdb_entry *e)
{
	int v = bridge_van_find(b, e->van);

	if (e->kind == FDB_REMOTE) {
		if (e->where < b->conf.member_max)
			b->member[e->where].routes--;
		if (v >= 0)
			b->van[v].fdb_remote--;
	} else if (v >= 0)
		b->van[v].fdb_local--;
}

static void
fdb_set(struct bridge *b, struct fdb_entry *e, uint32_t van, uint8_t kind,
    uint32_t where, bool created, monotime_t now)
{
	if (!created)
		fdb_forget(b, e);
	e->kind = kind;
	e->where = where;
	e->updated = now;
	e->reply_at = 0;
	e->reply_to = NONE;
	if (kind == FDB_REMOTE) {
		b->member[where].routes++;
		b->van[van].fdb_remote++;
	} else
		b->van[van].fdb_local++;
}

static void
fdb_drop(struct bridge *b, struct fdb_entry *e)
{
	uint32_t van = e->van;
	uint8_t mac[6];

	memcpy(mac, e->mac, 6);
	fdb_forget(b, e);
	fdb_remove(&b->fdb, van, mac);
}

struct purge_arg {
	struct bridge	*b;
	uint8_t		kind;
	uint32_t	where;
	uint32_t	van;		/* VAN ID, or 0 for all */
};

static bool
purge_match(const struct fdb_entry *e, void *arg)
{
	struct purge_arg *p = arg;

	if (e->kind != p->kind || e->where != p->where ||
	    (p->van != 0 && e->van != p->van))
		return false;
	fdb_forget(p->b, e);	/* called once per entry it accepts */
	return true;
}

static uint32_t
fdb_purge_where(struct bridge *b, uint8_t kind, uint32_t where, uint32_t van_id)
{
	struct purge_arg p = { b, kind, where, van_id };

	if (kind == FDB_REMOTE && b->member[where].routes == 0)
		return 0;
	return fdb_purge(&b->fdb, purge_match, &p);
}

uint32_t
bridge_purge_routes(struct bridge *b, uint32_t m, uint32_t van_id)
{
	return fdb_purge_where(b, FDB_REMOTE, m, van_id);
}

/* Source learning from a member: a local MAC is never taken over here. */
static void
learn_remote(struct bridge *b, uint32_t van, const uint8_t mac[static 6],
    uint32_t m, monotime_t now)
{
	struct fdb_entry *e;
	bool created;

	e = fdb_lookup(&b->fdb, b->van[van].id, mac);
	if (e != NULL) {
		if (e->kind == FDB_LOCAL)
			return;
		if (e->where == m) {
			e->updated = now;
			return;
		}
		fdb_set(b, e, van, FDB_REMOTE, m, false, now);
		return;
	}
	e = fdb_insert(&b->fdb, b->van[van].id, mac, &created);
	if (e == NULL) {
		b->van[van].stats.learn_fail++;
		return;
	}
	fdb_set(b, e, van, FDB_REMOTE, m, true, now);
}

/* ----------------------------------------------------------- topology --- */

int
bridge_van_find(const struct bridge *b, uint32_t id)
{
	uint32_t v;

	if (id == 0 || !idmap_get(&b->van_by_id, id, &v))
		return -1;
	return (int)v;
}

int
bridge_van_find_name(const struct bridge *b, const char *name)
{
	uint32_t v;

	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used && strcmp(b->van[v].name, name) == 0)
			return (int)v;
	return -1;
}

int
bridge_van_add(struct bridge *b, uint32_t id, const char *name, const char **err)
{
	struct bridge_van *van;
	uint32_t v, m;

	if (id == 0) {
		*err = "VAN ID 0 is invalid";
		return -1;
	}
	if (bridge_van_find(b, id) >= 0) {
		*err = "VAN ID already configured";
		return -1;
	}
	if (name != NULL && (strlen(name) >= BRIDGE_NAME_MAX ||
	    bridge_van_find_name(b, name) >= 0)) {
		*err = strlen(name) >= BRIDGE_NAME_MAX ? "VAN name too long" :
		    "VAN name already used";
		return -1;
	}
	for (v = 0; v < b->conf.van_max && b->van[v].used; v++)
		;
	if (v == b->conf.van_max || idmap_put(&b->van_by_id, id, v) == -1) {
		*err = "too many VANs";
		return -1;
	}
	van = &b->van[v];
	memset(van, 0, sizeof(*van));
	van->used = true;
	van->id = id;
	van->first_port = NONE;
	if (name != NULL)
		memcpy(van->name, name, strlen(name) + 1);
	/* Members may have JOINed it before we configured it. */
	for (m = 0; m < b->conf.member_max; m++)
		if (b->member[m].used && member_in_van(b, m, id))
			van->members[m / 64] |= 1ULL << (m % 64);
	b->nvans++;
	return (int)v;
}

struct van_purge_arg {
	struct bridge	*b;
	uint32_t	id;
};

static bool
van_purge_match(const struct fdb_entry *e, void *arg)
{
	struct van_purge_arg *p = arg;

	if (e->van != p->id)
		return false;
	fdb_forget(p->b, e);
	return true;
}

int
bridge_van_del(struct bridge *b, struct bridge_out *o, uint32_t v,
    monotime_t now, const char **err)
{
	struct bridge_van *van;
	struct van_purge_arg p = { b, 0 };

	if (v >= b->conf.van_max || !b->van[v].used) {
		*err = "no such VAN";
		return -1;
	}
	van = &b->van[v];
	p.id = van->id;
	while (van->first_port != NONE)
		bridge_port_del(b, o, van->first_port, now);
	fdb_purge(&b->fdb, van_purge_match, &p);
	idmap_del(&b->van_by_id, van->id);
	memset(van, 0, sizeof(*van));
	b->nvans--;
	return 0;
}

/* First local port of a VAN: JOIN it.  Last one gone: LEAVE it. */
static void
van_joined(struct bridge *b, struct bridge_out *o, uint32_t v, bool join)
{
	struct bridge_van *van = &b->van[v];
	uint32_t m;

	if (join) {
		b->joined++;
		b->joined_digest += wire_van_digest(van->id);
	} else {
		b->joined--;
		b->joined_digest -= wire_van_digest(van->id);
	}
	for (m = 0; m < b->conf.member_max; m++) {
		if (!b->member[m].used)
			continue;
		if (member_bit(van->members, m)) {
			if (join)
				b->member[m].shared++;
			else
				b->member[m].shared--;
		}
		if (b->started)
			bridge_send_membership(b, o, m, join ? WIRE_JOIN : WIRE_LEAVE,
			    van->id, 0);
	}
}

int
bridge_port_add(struct bridge *b, struct bridge_out *o, uint32_t v,
    const uint8_t *mac, monotime_t now, const char **err)
{
	struct bridge_van *van;
	struct bridge_port *port;
	struct fdb_entry *e = NULL;
	uint32_t p;
	bool created = false;

	if (v >= b->conf.van_max || !b->van[v].used) {
		*err = "no such VAN";
		return -1;
	}
	van = &b->van[v];
	if (mac != NULL && (eth_is_multicast(mac) || eth_is_zero(mac))) {
		*err = "port MAC must be a unicast address";
		return -1;
	}
	for (p = 0; p < b->conf.port_max && b->port[p].used; p++)
		;
	if (p == b->conf.port_max) {
		*err = "too many ports";
		return -1;
	}
	if (mac != NULL) {
		e = fdb_lookup(&b->fdb, van->id, mac);
		if (e != NULL && e->kind == FDB_LOCAL) {
			*err = "MAC already used by a port of this VAN";
			return -1;
		}
		if (e == NULL && (e = fdb_insert(&b->fdb, van->id, mac, &created)) == NULL) {
			*err = "forwarding table full";
			return -1;
		}
	}
	port = &b->port[p];
	memset(port, 0, sizeof(*port));
	port->used = true;
	port->up = true;
	port->van = v;
	port->next = van->first_port;
	van->first_port = p;
	if (mac != NULL) {
		port->has_mac = true;
		memcpy(port->mac, mac, 6);
		fdb_set(b, e, v, FDB_LOCAL, p, created, now);
		e->flags |= FDB_F_STATIC;
	}
	b->nports++;
	if (van->nports++ == 0)
		van_joined(b, o, v, true);
	return (int)p;
}

void
bridge_port_del(struct bridge *b, struct bridge_out *o, uint32_t p, monotime_t now)
{
	struct bridge_port *port;
	struct bridge_van *van;
	uint32_t *link;

	(void)now;
	if (p >= b->conf.port_max || !b->port[p].used)
		return;
	port = &b->port[p];
	van = &b->van[port->van];
	for (link = &van->first_port; *link != p; link = &b->port[*link].next)
		;
	*link = port->next;
	fdb_purge_where(b, FDB_LOCAL, p, 0);
	if (--van->nports == 0)
		van_joined(b, o, port->van, false);
	memset(port, 0, sizeof(*port));
	b->nports--;
}

void
bridge_port_set_up(struct bridge *b, uint32_t p, bool up)
{
	if (p < b->conf.port_max && b->port[p].used)
		b->port[p].up = up;
}

/* ------------------------------------------------------- local frames --- */

static void
flood_local(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t except,
    const uint8_t *frame, size_t len, unsigned segs)
{
	uint32_t p;

	for (p = b->van[v].first_port; p != NONE; p = b->port[p].next)
		if (p != except && b->port[p].up)
			emit_port(b, o, v, p, frame, len, segs);
}

static void
flood_members(struct bridge *b, struct bridge_out *o, uint32_t v,
    const uint8_t *frame, size_t len, unsigned segs)
{
	struct bridge_van *van = &b->van[v];
	unsigned w;

	van->stats.flood_tx += segs;
	for (w = 0; w < MEMBER_WORDS; w++) {
		uint64_t bits = van->members[w];

		while (bits != 0) {
			uint32_t m = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (b->member[m].state == MEMBER_DEAD)
				continue;
			emit_frame(b, o, m, WIRE_FLOOD, v, frame, len, segs);
			van->stats.flood_copies += segs;
		}
	}
}

void
bridge_port_frame(struct bridge *b, struct bridge_out *o, uint32_t p,
    const uint8_t *frame, size_t len, unsigned segs, monotime_t now)
{
	struct bridge_port *port;
	struct bridge_van *van;
	struct fdb_entry *e;
	const uint8_t *dst = frame, *src = frame + 6;
	uint32_t v;
	bool created;

	if (p >= b->conf.port_max || !b->port[p].used)
		return;
	port = &b->port[p];
	v = port->van;
	van = &b->van[v];
	port->stats.rx_frames += segs;
	port->stats.rx_bytes += len;
	if (len < ETH_HDR_LEN || segs == 0 || segs > BRIDGE_SEGS_MAX ||
	    len > (segs > 1 ? BRIDGE_GSO_FRAME_MAX : WIRE_FRAME_MAX)) {
		port->stats.drops++;
		van->stats.drops[len < ETH_HDR_LEN ? DROP_RUNT : DROP_TOO_BIG]++;
		return;
	}
	if (eth_is_multicast(src) || eth_is_zero(src)) {
		port->stats.drops++;
		van->stats.drops[DROP_BAD_SRC]++;
		return;
	}
	if (port->has_mac && memcmp(src, port->mac, 6) != 0) {
		port->stats.drops++;
		van->stats.drops[DROP_SPOOF]++;
		return;
	}
	van->stats.frames_in += segs;

	/* Learn the source as local to this port. */
	e = fdb_lookup(&b->fdb, van->id, src);
	if (e == NULL) {
		e = fdb_insert(&b->fdb, van->id, src, &created);
		if (e != NULL)
			fdb_set(b, e, v, FDB_LOCAL, p, true, now);
		else
			van->stats.learn_fail++;
	} else if (e->kind != FDB_LOCAL || e->where != p) {
		if (e->kind == FDB_LOCAL && (e->flags & FDB_F_STATIC)) {
			/* Another port's configured MAC. */
			port->stats.drops++;
			van->stats.drops[DROP_SPOOF]++;
			return;
		}
		fdb_set(b, e, v, FDB_LOCAL, p, false, now);
	} else
		e->updated = now;

	if (eth_is_multicast(dst)) {
		flood_local(b, o, v, p, frame, len, segs);
		flood_members(b, o, v, frame, len, segs);
		return;
	}
	e = fdb_lookup(&b->fdb, van->id, dst);
	if (e == NULL) {
		flood_local(b, o, v, p, frame, len, segs);
		flood_members(b, o, v, frame, len, segs);
	} else if (e->kind == FDB_LOCAL) {
		if (e->where == p) {
			van->stats.drops[DROP_HAIRPIN] += segs;
			return;
		}
		emit_port(b, o, v, e->where, frame, len, segs);
	} else {
		emit_frame(b, o, e->where, WIRE_DATA, v, frame, len, segs);
		van->stats.data_tx += segs;
	}
}

/* ----------------------------------------------------- member messages --- */

static bool
unlearn_held(struct bridge *b, uint32_t van_id, uint32_t m,
    const uint8_t mac[static 6], monotime_t now)
{
	uint64_t k = wire_van_digest(van_id ^ m << 20) ^
	    ((uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	    (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	    (uint64_t)mac[4] << 8 | mac[5]);
	struct unlearn_hold *h = &b->hold[wire_van_digest((uint32_t)(k ^ k >> 32)) %
	    BRIDGE_UNLEARN_CACHE];

	if (h->at != 0 && h->van == van_id && h->member == m &&
	    memcmp(h->mac, mac, 6) == 0 && now - h->at < BRIDGE_REPLY_HOLDOFF)
		return true;
	h->van = van_id;
	h->member = m;
	memcpy(h->mac, mac, 6);
	h->at = now;
	return false;
}

static bool
frame_src_ok(struct bridge *b, uint32_t v, uint32_t m, const uint8_t *frame)
{
	if (eth_is_multicast(frame + 6) || eth_is_zero(frame + 6)) {
		b->van[v].stats.drops[DROP_BAD_SRC]++;
		b->member[m].stats.drops[DROP_BAD_SRC]++;
		return false;
	}
	return true;
}

static void
data_in(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	const uint8_t *frame = wm->payload;
	struct fdb_entry *e;

	b->van[v].stats.data_rx++;
	if (!frame_src_ok(b, v, m, frame))
		return;
	if (eth_is_multicast(frame)) {
		b->van[v].stats.drops[DROP_BAD_DST]++;
		b->member[m].stats.drops[DROP_BAD_DST]++;
		return;
	}
	learn_remote(b, v, frame + 6, m, now);
	e = fdb_lookup(&b->fdb, b->van[v].id, frame);
	if (e != NULL && e->kind == FDB_LOCAL) {
		emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
		return;
	}
	/* Not here: tell the sender, which forgets the route and floods. */
	if (!unlearn_held(b, b->van[v].id, m, frame, now))
		send_unlearn(b, o, m, v, frame);
}

static void
flood_in(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	const uint8_t *frame = wm->payload;
	struct fdb_entry *e;

	b->van[v].stats.flood_rx++;
	if (!frame_src_ok(b, v, m, frame))
		return;
	learn_remote(b, v, frame + 6, m, now);
	if (!eth_is_multicast(frame) &&
	    (e = fdb_lookup(&b->fdb, b->van[v].id, frame)) != NULL &&
	    e->kind == FDB_LOCAL) {
		/* The destination is here: say so, so the sender stops flooding. */
		emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
		if (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF) {
			e->reply_to = m;
			e->reply_at = now;
			send_learn(b, o, m, v, e);
		}
		return;
	}
	flood_local(b, o, v, NONE, frame, wm->payload_len, 1);
}

static void
learn_in(struct bridge *b, uint32_t m, uint32_t v, const struct wire_learn *l,
    monotime_t now)
{
	b->van[v].stats.learn_rx++;
	learn_remote(b, v, l->mac, m, now);
}

static void
unlearn_in(struct bridge *b, uint32_t m, uint32_t v, const struct wire_unlearn *u)
{
	struct fdb_entry *e;

	b->van[v].stats.unlearn_rx++;
	e = fdb_lookup(&b->fdb, b->van[v].id, u->mac);
	if (e != NULL && e->kind == FDB_REMOTE && e->where == m)
		fdb_drop(b, e);
}

void
bridge_input(struct bridge *b, struct bridge_out *o, const struct van_addr *from,
    const uint8_t *msg, size_t len, monotime_t now)
{
	struct wire_msg wm;
	struct bridge_member *mb;
	enum wire_err err;
	int mi, vi;
	uint32_t m, v;

	b->stats.rx_msgs++;
	if ((mi = bridge_member_find(b, from)) < 0) {
		b->stats.drops[DROP_NOT_MEMBER]++;
		return;
	}
	m = (uint32_t)mi;
	mb = &b->member[m];
	mb->stats.rx_bytes += len;
	if ((err = wire_decode(msg, len, &wm)) != WIRE_OK) {
		mb->stats.drops[err]++;
		return;
	}
	mb->stats.rx_msgs[wm.hdr.type]++;
	if (wm.hdr.type == WIRE_HELLO) {
		member_hello_in(b, o, m, &wm, now);
		return;
	}
	if (wm.hdr.src_van != wm.hdr.dst_van) {
		mb->stats.drops[DROP_VAN_MISMATCH]++;
		return;
	}
	/* Memberships are kept for VANs we do not have too (HELLO digest). */
	if (wm.hdr.type == WIRE_JOIN) {
		member_join(b, m, wm.hdr.dst_van);
		return;
	}
	if (wm.hdr.type == WIRE_LEAVE) {
		member_leave(b, m, wm.hdr.dst_van);
		return;
	}
	if ((vi = bridge_van_find(b, wm.hdr.dst_van)) < 0) {
		mb->stats.drops[DROP_UNKNOWN_VAN]++;
		return;
	}
	v = (uint32_t)vi;
	switch (wm.hdr.type) {
	case WIRE_DATA:
		data_in(b, o, m, v, &wm, now);
		break;
	case WIRE_FLOOD:
		flood_in(b, o, m, v, &wm, now);
		break;
	case WIRE_LEARN:
		learn_in(b, m, v, &wm.body.learn, now);
		break;
	case WIRE_UNLEARN:
		unlearn_in(b, m, v, &wm.body.unlearn);
		break;
	}
}
