/*
 * bridge.c — the edge bridge's decisions (design §4; docs/protocol.md):
 * its set-up, VANs and ports, frames from ports and messages from members
 * (DATA, FLOOD, LEARN, UNLEARN), the dispatch of what arrives, and every
 * timer (bridge_tick).  What it then does (emit, set entries, report) is
 * in forward.c; members, their memberships, HELLO and epochs in member.c
 * (the site key's seals in sitekey.c); peer sites in relay.c.  The layers
 * are listed in bridge_int.h.
 *
 * Pure: events in (a frame from a port, a message from the underlay, a
 * configuration change), actions out.  It never blocks, allocates only in
 * bridge_init, and logs nothing: everything it refuses is counted in the
 * stats of the VAN, member or bridge it concerns.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"
#include "edge/van/arpnd.h"
#include "edge/van/mtu.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static void	learn_in(struct bridge *, struct bridge_out *, uint32_t, uint32_t,
		    const struct wire_learn *, monotime_t);

/* -------------------------------------------------------------- set-up --- */

/* Range checks of what bridge_set_conf may change (van.h's limits). */
static const char *
check_conf(const struct bridge_conf *c)
{
	if (c->hello_ms < BRIDGE_HELLO_MS_MIN || c->hello_ms > BRIDGE_HELLO_MS_MAX)
		return "hello interval out of range";
	if (c->dead_count < BRIDGE_DEAD_COUNT_MIN || c->dead_count > BRIDGE_DEAD_COUNT_MAX)
		return "dead count out of range";
	if (c->dad_moves > BRIDGE_DAD_MOVES_MAX ||
	    c->dad_window_ms > BRIDGE_DAD_SECONDS_MAX * 1000u ||
	    c->dad_hold_ms > BRIDGE_DAD_SECONDS_MAX * 1000u)
		return "duplicate-address detection setting out of range";
	if (c->refresh_ms > BRIDGE_REFRESH_S_MAX * 1000u)
		return "route refresh out of range";
	if (c->frame_max != 0 && (c->frame_max < ETH_HDR_LEN ||
	    c->frame_max > BRIDGE_GSO_FRAME_MAX))
		return "largest frame out of range";
	if (c->member_routes_max > FDB_MAX_LIMIT || c->member_flood_rate > BRIDGE_RATE_MAX ||
	    c->member_learn_rate > BRIDGE_RATE_MAX)
		return "member limit out of range";
	return NULL;
}

struct bridge *
bridge_new(const struct bridge_conf *conf)
{
	struct bridge *b;

	if (check_conf(conf) != NULL || (b = malloc(sizeof(*b))) == NULL)
		return NULL;
	if (bridge_init(b, conf) == -1) {
		free(b);
		return NULL;
	}
	return b;
}

void
bridge_free(struct bridge *b)
{
	if (b == NULL)
		return;
	bridge_fini(b);
	free(b);
}

int
bridge_set_conf(struct bridge *b, const struct bridge_conf *c, const char **err)
{
	if ((*err = check_conf(c)) != NULL)
		return -1;
	b->conf.hello_ms = c->hello_ms;
	b->conf.dead_count = c->dead_count;
	b->conf.dad_moves = c->dad_moves ? c->dad_moves : BRIDGE_DAD_MOVES_DEFAULT;
	b->conf.dad_window_ms = c->dad_window_ms ? c->dad_window_ms :
	    BRIDGE_DAD_WINDOW_MS_DEFAULT;
	b->conf.dad_hold_ms = c->dad_hold_ms ? c->dad_hold_ms : BRIDGE_DAD_HOLD_MS_DEFAULT;
	b->conf.arp_proxy = c->arp_proxy;
	b->conf.frame_max = c->frame_max;
	b->conf.refresh_ms = c->refresh_ms;
	bridge_site_limits(b, c->member_routes_max, c->member_flood_rate,
	    c->member_learn_rate);
	return 0;
}

int
bridge_init(struct bridge *b, const struct bridge_conf *conf)
{
	uint8_t k[4][IDMAP_HASHKEY_LEN];
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
	bucket_set(&b->icmp, BRIDGE_ICMP_RATE, BRIDGE_ICMP_RATE);
	if (b->conf.dad_moves == 0)
		b->conf.dad_moves = BRIDGE_DAD_MOVES_DEFAULT;
	if (b->conf.dad_window_ms == 0)
		b->conf.dad_window_ms = BRIDGE_DAD_WINDOW_MS_DEFAULT;
	if (b->conf.dad_hold_ms == 0)
		b->conf.dad_hold_ms = BRIDGE_DAD_HOLD_MS_DEFAULT;
	if (b->conf.hello_ms < BRIDGE_HELLO_MS_MIN || b->conf.hello_ms > BRIDGE_HELLO_MS_MAX ||
	    b->conf.dead_count == 0 || b->conf.epoch == 0)
		return -1;
	/* One random key, three derived ones: tables must not share a hash. */
	for (i = 0; i < 4; i++) {
		memcpy(k[i], conf->hashkey, sizeof(k[i]));
		k[i][0] ^= (uint8_t)(0x5a + i);
	}
	b->van = calloc(b->conf.van_max, sizeof(*b->van));
	b->port = calloc(b->conf.port_max, sizeof(*b->port));
	b->member = calloc(b->conf.member_max, sizeof(*b->member));
	b->hold = calloc(BRIDGE_UNLEARN_CACHE, sizeof(*b->hold));
	b->memo = calloc(BRIDGE_SEQ_CACHE, sizeof(*b->memo));
	b->pend = calloc(BRIDGE_PEND_CACHE, sizeof(*b->pend));
	b->repeat = calloc(BRIDGE_REPEAT_CACHE, sizeof(*b->repeat));
	b->memb_node = calloc(b->conf.memb_max, sizeof(*b->memb_node));
	if (b->memb_node != NULL) {
		uint32_t n;

		for (n = 0; n < b->conf.memb_max; n++)
			b->memb_node[n].next = n + 1 < b->conf.memb_max ? n + 1 : BRIDGE_NONE;
	}
	b->memb_free = 0;
	if (conf->proxy) {
		k[0][1] ^= 0x11;
		k[1][1] ^= 0x22;
		b->seen = calloc(BRIDGE_SEEN_CACHE, sizeof(*b->seen));
		b->claims = calloc(b->conf.member_max, sizeof(*b->claims));
		b->claimers = calloc(b->conf.member_max, sizeof(*b->claimers));
		if (b->seen == NULL || b->claims == NULL ||
		    b->claimers == NULL ||
		    idmap_init(&b->xmap_out, BRIDGE_PEER_VANS_MAX, k[0]) == -1 ||
		    idmap_init(&b->xmap_in, BRIDGE_PEER_VANS_MAX, k[1]) == -1) {
			bridge_fini(b);
			return -1;
		}
		k[0][1] ^= 0x11;
		k[1][1] ^= 0x22;
	}
	if (b->van == NULL || b->port == NULL || b->member == NULL ||
	    b->hold == NULL || b->memo == NULL || b->memb_node == NULL || b->pend == NULL ||
	    b->repeat == NULL ||
	    fdb_init(&b->fdb, conf->fdb_max, conf->hashkey) == -1 ||
	    fdb_lists_init(&b->fdb, b->conf.member_max + b->conf.port_max) == -1 ||
	    idmap_init(&b->van_by_id, b->conf.van_max, k[0]) == -1 ||
	    idmap_init(&b->member_by_addr, b->conf.member_max, k[1]) == -1 ||
	    idmap_init(&b->memb, b->conf.memb_max, k[2]) == -1 ||
	    neigh_init(&b->neigh, b->conf.neigh_max ? b->conf.neigh_max :
	    NEIGH_MAX_DEFAULT, k[3]) == -1) {
		bridge_fini(b);
		return -1;
	}
	return 0;
}

void
bridge_fini(struct bridge *b)
{
	if (b->fdb.slot != NULL)
		fdb_free(&b->fdb);
	if (b->van_by_id.slot != NULL)
		idmap_free(&b->van_by_id);
	if (b->member_by_addr.slot != NULL)
		idmap_free(&b->member_by_addr);
	if (b->memb.slot != NULL)
		idmap_free(&b->memb);
	if (b->neigh.ent != NULL)
		neigh_free(&b->neigh);
	if (b->xmap_out.slot != NULL)
		idmap_free(&b->xmap_out);
	if (b->xmap_in.slot != NULL)
		idmap_free(&b->xmap_in);
	free(b->seen);
	free(b->pend);
	free(b->repeat);
	free(b->claims);
	free(b->claimers);
	free(b->memb_node);
	if (b->member != NULL)
		sodium_memzero(b->member, b->conf.member_max * sizeof(*b->member));
	free(b->van);
	free(b->port);
	free(b->member);
	free(b->hold);
	free(b->memo);
	sodium_memzero(b, sizeof(*b));	/* the site key too */
}

/* ----------------------------------------------------------- topology --- */

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
	van->first_port = BRIDGE_NONE;
	if (name != NULL)
		memcpy(van->name, name, strlen(name) + 1);
	/* Members may have JOINed it before we configured it. */
	for (m = 0; m < b->conf.member_max; m++)
		if (b->member[m].used && member_in_van(b, m, id))
			van->members[m / 64] |= 1ULL << (m % 64);
	member_van_configured(b, id, true);
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
	bridge_entry_forget(p->b, e);
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
	while (van->first_port != BRIDGE_NONE)
		bridge_port_del(b, o, van->first_port, now);
	fdb_purge(&b->fdb, van_purge_match, &p);
	neigh_forget_van(&b->neigh, van->id);
	idmap_del(&b->van_by_id, van->id);
	member_van_configured(b, p.id, false);
	memset(van, 0, sizeof(*van));
	b->nvans--;
	return 0;
}

int
bridge_port_add(struct bridge *b, struct bridge_out *o, uint32_t v,
    const uint8_t *mac, unsigned flags, monotime_t now, const char **err)
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
		uint32_t q;

		/* One port per MAC and VAN: a learnt binding moves, a port's does not. */
		for (q = van->first_port; q != BRIDGE_NONE; q = b->port[q].next)
			if (b->port[q].has_mac && memcmp(b->port[q].mac, mac, 6) == 0) {
				*err = "MAC already used by a port of this VAN";
				return -1;
			}
		e = fdb_lookup(&b->fdb, van->id, mac);
		if (!(flags & BRIDGE_PORT_CLAIM_AT_FRAME) && e != NULL &&
		    e->kind == FDB_LOCAL) {
			*err = "MAC already used by a port of this VAN";
			return -1;
		}
		if (!(flags & BRIDGE_PORT_CLAIM_AT_FRAME) && e == NULL) {
			if ((e = bridge_fdb_new(b, v, mac, BRIDGE_NONE)) == NULL) {
				*err = "forwarding table full";
				return -1;
			}
			created = true;
		}
	}
	port = &b->port[p];
	memset(port, 0, sizeof(*port));
	port->used = true;
	port->up = true;
	port->van = v;
	port->next = van->first_port;
	van->first_port = p;
	b->nports++;
	van->nports++;
	bridge_van_presence(b, o, v, van->nports > 1 || van->npeers > 0);
	if (mac != NULL) {
		port->has_mac = true;
		memcpy(port->mac, mac, 6);
	}
	if (mac != NULL && !(flags & BRIDGE_PORT_CLAIM_AT_FRAME)) {
		/* The VM's MAC is here now: one higher than any binding known. */
		e->seq = wire_seq_next(bridge_seq_known(b, van->id, mac, created ? NULL : e,
		    now));
		bridge_fdb_set(b, e, v, FDB_LOCAL, p, created, now);
		e->flags |= FDB_F_STATIC;
		if (b->started)
			bridge_announce(b, o, v, e);
	}
	return (int)p;
}

void
bridge_port_del(struct bridge *b, struct bridge_out *o, uint32_t p, monotime_t now)
{
	struct bridge_port *port;
	struct bridge_van *van;
	struct wire_learn l;
	uint32_t *link, m;

	if (p >= b->conf.port_max || !b->port[p].used)
		return;
	port = &b->port[p];
	van = &b->van[port->van];
	for (link = &van->first_port; *link != p; link = &b->port[*link].next)
		;
	*link = port->next;
	/* Its MACs are gone from here: say so before the LEAVE. */
	bridge_purge_port(b, o, p, now);
	/* A claim on its configured MAC, refused while it was here: now true. */
	if (port->has_mac && bridge_pend_take(b, port->van, port->mac, now, &m, &l))
		learn_in(b, o, m, port->van, &l, now);
	van->nports--;
	bridge_van_presence(b, o, port->van, true);
	memset(port, 0, sizeof(*port));
	b->nports--;
}

void
bridge_port_set_up(struct bridge *b, uint32_t p, bool up)
{
	if (p < b->conf.port_max && b->port[p].used)
		b->port[p].up = up;
}

void
bridge_van_limits(struct bridge *b, uint32_t v, uint32_t fdb_max,
    uint32_t flood_rate, uint32_t flood_burst)
{
	struct bridge_van *van = &b->van[v];

	if (v >= b->conf.van_max || !van->used)
		return;
	van->fdb_max = fdb_max;
	bucket_set(&van->flood, flood_rate, flood_burst);
}

/* ------------------------------------------------------- local frames --- */

/*
 * ARP and ND from a local port (design §4), two halves.  port_glean
 * learns which address the sender's MAC uses and says whether that is news
 * for the members (the caller announces the MAC, whose LEARN carries its
 * addresses).  port_answer answers a question the table can answer
 * instead of flooding it.  Tagged frames are left alone: the table has no
 * VLAN dimension.
 */
static bool
port_glean(struct bridge *b, uint32_t v, const struct arpnd_pkt *pk, monotime_t now)
{
	struct neigh_prev prev;
	enum neigh_result r;

	if (!pk->glean)
		return false;
	r = neigh_learn(&b->neigh, b->van[v].id, &pk->glean_ip, pk->glean_mac,
	    NEIGH_LOCAL, pk->glean_flags, now, &prev);
	return r == NEIGH_NEW || r == NEIGH_MOVED || prev.evicted ||
	    (r == NEIGH_REFRESHED && prev.kind != NEIGH_LOCAL);
}

static bool
port_answer(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t p,
    const struct arpnd_pkt *pk)
{
	uint8_t answer[ARPND_ANSWER_MAX];
	const struct neigh_entry *ne;
	const struct fdb_entry *fe;
	uint32_t id = b->van[v].id;
	size_t n;

	if (pk->kind != ARPND_ARP_REQUEST && pk->kind != ARPND_NS)
		return false;
	/* Only for a MAC that is still bound, never for one that left, nor
	 * for an address two MACs claim (bridge_learn_addrs). */
	if (pk->answerable && (ne = neigh_lookup(&b->neigh, id, &pk->target)) != NULL &&
	    !(ne->flags & NEIGH_F_DISPUTED) &&
	    (fe = fdb_lookup(&b->fdb, id, ne->mac)) != NULL &&
	    !(fe->kind == FDB_LOCAL && fe->where == p) &&
	    (n = arpnd_answer(pk, ne, answer, sizeof(answer))) > 0) {
		bridge_emit_port_made(b, o, v, p, answer, n);
		if (pk->kind == ARPND_ARP_REQUEST)
			b->van[v].stats.arp_answered++;
		else
			b->van[v].stats.nd_answered++;
		return true;
	}
	b->van[v].stats.arpnd_flooded++;
	return false;
}

/*
 * A frame too large for the underlay cannot go to members: dropped, and
 * answered as a router would (ICMP "fragmentation needed" for IPv4 with
 * DF, "packet too big" for IPv6), at most BRIDGE_ICMP_RATE a second.
 */
static bool
over_mtu(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t p,
    const uint8_t *frame, size_t len, unsigned segs, monotime_t now)
{
	uint8_t answer[MTU_ICMP_MAX];
	size_t n;

	if (b->conf.frame_max == 0 || segs > 1 || len <= b->conf.frame_max)
		return false;
	b->van[v].stats.drops[DROP_OVER_MTU]++;
	b->port[p].stats.drops++;
	if ((n = mtu_too_big(frame, len, b->conf.frame_max, answer, sizeof(answer))) > 0 &&
	    bucket_take(&b->icmp, 1, now)) {
		bridge_emit_port_made(b, o, v, p, answer, n);
		b->van[v].stats.icmp_sent++;
	}
	return true;
}

static void
flood_local(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t except,
    const uint8_t *frame, size_t len, unsigned segs)
{
	uint32_t p;

	for (p = b->van[v].first_port; p != BRIDGE_NONE; p = b->port[p].next)
		if (p != except && b->port[p].up)
			bridge_emit_port(b, o, v, p, frame, len, segs);
}

static void
flood_members(struct bridge *b, struct bridge_out *o, uint32_t v,
    const uint8_t *frame, size_t len, unsigned segs)
{
	struct bridge_van *van = &b->van[v];
	uint64_t bits;
	uint32_t m;
	unsigned w;

	van->stats.flood_tx += segs;
	FOR_VAN_MEMBERS(b, v, m, w, bits) {
		bridge_emit_frame(b, o, m, WIRE_FLOOD, v, WIRE_HOP_DEFAULT, frame, len, segs);
		van->stats.flood_copies += segs;
	}
}

/*
 * A binding just made on port for the port's own MAC (a port with a MAC
 * sends from no other): a port that claims at its first frame has claimed
 * now, for good.
 */
static inline void
bridge_claim_at_frame(const struct bridge_port *port, struct fdb_entry *e)
{
	if (port->has_mac)
		e->flags |= FDB_F_STATIC;
}

/* A port's frame from mac not learnt (reason; DROP_NONE: the MAC is frozen). */
static void
port_refused(struct bridge *b, uint32_t v, uint32_t p, const uint8_t mac[static 6],
    enum drop_reason reason)
{
	struct bridge_trace *t;

	if ((t = bridge_trace(b, BRIDGE_TR_MAC_REFUSED, b->van[v].id, FDB_LOCAL, p,
	    mac)) != NULL)
		t->reason = (uint8_t)reason;
}

void
bridge_port_frame(struct bridge *b, struct bridge_out *o, uint32_t p,
    const uint8_t *frame, size_t len, unsigned segs, monotime_t now)
{
	struct bridge_port *port;
	struct bridge_van *van;
	struct fdb_entry *e;
	const uint8_t *dst = frame, *src = frame + 6;
	struct arpnd_pkt pk;
	bool arp, addr_news;
	uint32_t v;

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
		port_refused(b, v, p, src, DROP_SPOOF);
		return;
	}
	van->stats.frames_in += segs;

	e = fdb_lookup(&b->fdb, van->id, src);
	if (e != NULL && e->kind == FDB_LOCAL && e->where != p &&
	    (e->flags & FDB_F_STATIC)) {
		/* Another port's configured MAC. */
		port->stats.drops++;
		van->stats.drops[DROP_SPOOF]++;
		port_refused(b, v, p, src, DROP_SPOOF);
		return;
	}

	/* ARP / ND: which address the sender uses, before it is announced. */
	arp = segs == 1 && b->conf.arp_proxy &&
	    arpnd_classify(frame, len, &pk) != ARPND_OTHER && !pk.tagged;
	addr_news = arp && port_glean(b, v, &pk, now);

	/*
	 * Learn the source as local to this port.  A MAC new here is
	 * announced to the VAN with a sequence number one higher than the
	 * binding it replaces (migration: the VM's first frame on this host),
	 * and so is a MAC with a new address.
	 */
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, v, src, BRIDGE_NONE)) != NULL) {
			bridge_fdb_set(b, e, v, FDB_LOCAL, p, true, now);
			bridge_claim_at_frame(port, e);
			e->seq = wire_seq_next(bridge_seq_known(b, van->id, src, NULL, now));
			(void)bridge_trace(b, BRIDGE_TR_MAC_LEARNED, van->id, FDB_LOCAL, p, src);
			bridge_announce(b, o, v, e);
		} else
			port_refused(b, v, p, src, DROP_TABLE_FULL);
	} else if (e->kind == FDB_LOCAL && e->where == p) {
		e->updated = now;
		if (addr_news)
			bridge_announce(b, o, v, e);
	} else if (bridge_may_move(b, v, e, now)) {
		bool was_here = e->kind == FDB_LOCAL;
		struct bridge_trace *t;

		if ((t = bridge_trace(b, BRIDGE_TR_MAC_MOVED, van->id, FDB_LOCAL, p,
		    src)) != NULL) {
			t->from_kind = e->kind;
			t->from = e->where;
		}
		bridge_fdb_set(b, e, v, FDB_LOCAL, p, false, now);
		bridge_claim_at_frame(port, e);
		e->seq = wire_seq_next(bridge_seq_known(b, van->id, src, e, now));
		if (!was_here || addr_news)
			bridge_announce(b, o, v, e);
	} else
		port_refused(b, v, p, src, DROP_NONE);	/* frozen */
	/* A frozen MAC's frames still go; its binding stays where it is. */

	if (arp && port_answer(b, o, v, p, &pk))
		return;
	e = eth_is_multicast(dst) ? NULL : fdb_lookup(&b->fdb, van->id, dst);
	if (e == NULL) {
		if (!bucket_take(&van->flood, segs, now)) {
			port->stats.drops++;
			port->flood_limited = true;
			van->stats.drops[DROP_FLOOD_LIMIT] += segs;
			(void)bridge_trace(b, BRIDGE_TR_FLOOD_LIMITED, van->id, FDB_LOCAL, p,
			    NULL);
			return;
		}
		port->flood_limited = false;
		flood_local(b, o, v, p, frame, len, segs);
		if (!over_mtu(b, o, v, p, frame, len, segs, now))
			flood_members(b, o, v, frame, len, segs);
	} else if (e->kind == FDB_LOCAL) {
		if (e->where == p) {
			van->stats.drops[DROP_HAIRPIN] += segs;
			return;
		}
		bridge_emit_port(b, o, v, e->where, frame, len, segs);
	} else if (!over_mtu(b, o, v, p, frame, len, segs, now)) {
		bridge_emit_frame(b, o, e->where, WIRE_DATA, v, WIRE_HOP_DEFAULT, frame, len, segs);
		van->stats.data_tx += segs;
	}
}

/* ----------------------------------------------------- member messages --- */

static void
data_in(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	const uint8_t *frame = wm->payload;
	struct fdb_entry *e;

	b->van[v].stats.data_rx++;
	if (!bridge_frame_src_ok(b, v, m, frame))
		return;
	if (eth_is_multicast(frame) || eth_is_zero(frame)) {
		b->van[v].stats.drops[DROP_BAD_DST]++;
		b->member[m].stats.drops[DROP_BAD_DST]++;
		return;
	}
	bridge_learn_src(b, v, frame + 6, m, now);
	e = fdb_lookup(&b->fdb, b->van[v].id, frame);
	if (e != NULL && e->kind == FDB_LOCAL) {
		bridge_emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
		return;
	}
	/* Not here: tell the sender, which forgets the route and floods. */
	if (!bridge_unlearn_held(b, b->van[v].id, m, frame, now))
		bridge_send_unlearn(b, o, m, v, frame);
}

static void
flood_in(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_msg *wm, monotime_t now)
{
	const uint8_t *frame = wm->payload;
	struct fdb_entry *e;

	b->van[v].stats.flood_rx++;
	if (!bridge_frame_src_ok(b, v, m, frame))
		return;
	bridge_learn_src(b, v, frame + 6, m, now);
	if (!eth_is_multicast(frame) &&
	    (e = fdb_lookup(&b->fdb, b->van[v].id, frame)) != NULL &&
	    e->kind == FDB_LOCAL) {
		/* The destination is here: say so, so the sender stops flooding. */
		bridge_emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
		if (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF) {
			e->reply_to = m;
			e->reply_at = now;
			bridge_send_learn(b, o, m, v, e);
		}
		return;
	}
	if (!bucket_take(&b->van[v].flood, 1, now)) {
		b->van[v].stats.drops[DROP_FLOOD_LIMIT]++;
		b->member[m].stats.drops[DROP_FLOOD_LIMIT]++;
		(void)bridge_trace(b, BRIDGE_TR_FLOOD_LIMITED, b->van[v].id, FDB_REMOTE, m,
		    NULL);
		return;
	}
	flood_local(b, o, v, BRIDGE_NONE, frame, wm->payload_len, 1);
}

/*
 * A LEARN: the binding with the newest mobility sequence wins.  A newer
 * one moves the MAC to the sender (also away from here: the VM left —
 * unless it is a port's configured MAC, which stays until its port goes);
 * an equal one from the member that has it refreshes it; an older one is
 * stale — if the MAC is ours, the sender is told our binding.  A sequence
 * out of reach of the one known is refused (bridge_seq_ok).
 */
static void
learn_in(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const struct wire_learn *l, monotime_t now)
{
	uint32_t id = b->van[v].id;
	struct fdb_entry *e;

	b->van[v].stats.learn_rx++;
	e = fdb_lookup(&b->fdb, id, l->mac);
	if (!bridge_seq_ok(b, v, m, l->mac, l->seq, bridge_seq_known(b, id, l->mac, e, now)))
		return;
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, v, l->mac, m)) != NULL) {
			bridge_fdb_set(b, e, v, FDB_REMOTE, m, true, now);
			e->seq = l->seq;
			bridge_learn_addrs(b, v, m, l, now);
		}
		return;
	}
	if (e->kind == FDB_REMOTE && e->where == m) {
		if (!wire_seq_newer(e->seq, l->seq)) {
			e->seq = l->seq;
			e->updated = now;
			bridge_learn_addrs(b, v, m, l, now);
		}
		return;
	}
	if (e->kind == FDB_LOCAL && l->seq == e->seq && now - e->since < BRIDGE_FRESH &&
	    !(e->flags & FDB_F_OUTBID)) {
		/*
		 * The MAC appeared here a moment ago and is still claimed with
		 * our very sequence: we announced it without having heard of its
		 * binding (this host was new to the VAN).  The newest appearance
		 * wins: one higher, announced again — once: a MAC really used
		 * on two hosts at once is then a matter for the duplicate
		 * detection, not a race of sequences.  (A higher claim is a VM
		 * that moved on, or one we did not know of: we let it go, and the
		 * VM's next frame here, if it is here, announces it higher.)
		 */
		e->flags |= FDB_F_OUTBID;
		e->seq = wire_seq_next(l->seq);
		b->van[v].stats.reannounces++;
		bridge_announce(b, o, v, e);
		return;
	}
	if (wire_seq_newer(l->seq, e->seq)) {
		if (e->kind == FDB_LOCAL && (e->flags & FDB_F_STATIC)) {
			/*
			 * A port's configured MAC: the VM is on that port for as
			 * long as the port is attached, whoever claims it; a VM
			 * that moved is let go when its old port goes (withdraw).
			 * Refused before the duplicate detection: a claim that
			 * breaks the rules never counts as a move.
			 */
			bridge_refuse(b, v, m, DROP_STATIC_CLAIM, BRIDGE_EV_STATIC_CLAIM,
			    l->mac);
			/* Taken when the port goes (bridge_port_del), and its
			 * sequence known: a comeback here outbids it. */
			bridge_pend_keep(b, v, m, l, now);
			bridge_memo_note(b, e, l->seq, now);
			return;
		}
		if (bridge_fdb_room(b, v, m) && bridge_may_move(b, v, e, now)) {
			bridge_fdb_set(b, e, v, FDB_REMOTE, m, false, now);
			e->seq = l->seq;
			bridge_learn_addrs(b, v, m, l, now);
		} else
			bridge_memo_note(b, e, l->seq, now);
		return;
	}
	b->van[v].stats.learn_stale++;
	if (e->kind == FDB_LOCAL && wire_seq_newer(e->seq, l->seq) &&
	    (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF)) {
		e->reply_to = m;
		e->reply_at = now;
		bridge_send_learn(b, o, m, v, e);
	}
}

static void
unlearn_in(struct bridge *b, uint32_t m, uint32_t v, const struct wire_unlearn *u,
    monotime_t now)
{
	struct fdb_entry *e;

	b->van[v].stats.unlearn_rx++;
	e = fdb_lookup(&b->fdb, b->van[v].id, u->mac);
	if (e != NULL && e->kind == FDB_REMOTE && e->where == m)
		bridge_fdb_drop(b, e, now);
}

int
bridge_input(struct bridge *b, struct bridge_out *o, const struct van_addr *from,
    const struct van_addr *to, const uint8_t *msg, size_t len, monotime_t now)
{
	int mi;

	if ((mi = bridge_member_find(b, from)) < 0) {
		b->stats.rx_msgs++;
		b->stats.drops[DROP_NOT_MEMBER]++;
		return 0;
	}
	return bridge_input_member(b, o, (uint32_t)mi, to, msg, len, now);
}

int
bridge_input_member(struct bridge *b, struct bridge_out *o, uint32_t m,
    const struct van_addr *to, const uint8_t *msg, size_t len, monotime_t now)
{
	struct wire_msg wm;
	struct bridge_member *mb;
	int err;	/* enum wire_err or enum drop_reason */
	int vi;
	uint32_t v, ours;

	b->stats.rx_msgs++;
	if (m >= b->conf.member_max || !b->member[m].used)
		return 0;
	mb = &b->member[m];
	mb->stats.rx_bytes += len;
	if ((err = wire_decode(msg, len, &wm)) != WIRE_OK) {
		mb->stats.drops[err]++;
		return 0;
	}
	if (wire_is_control(wm.hdr.type) &&
	    (err = member_auth_in(b, m, to, msg, &wm, now)) != 0) {
		mb->stats.drops[err]++;
		return 0;
	}
	mb->stats.rx_msgs[wm.hdr.type]++;
	if (wm.hdr.type == WIRE_HELLO) {
		return member_hello_in(b, o, m, to, &wm, now) ? WIRE_HELLO : 0;
	}
	if (wm.hdr.type == WIRE_TUNNEL) {
		/* Between proxies only; the daemon's to act on (proxy/heal.c). */
		if (!mb->peer) {
			mb->stats.drops[DROP_NOT_PEER]++;
			return 0;
		}
		return WIRE_TUNNEL;
	}
	if (mb->peer) {
		/* Only a pair of the peering crosses it (docs/proxy.md §4). */
		if (!idmap_get(&b->xmap_in, (uint64_t)m << 32 | wm.hdr.src_van, &ours) ||
		    ours != wm.hdr.dst_van) {
			mb->stats.drops[DROP_UNMAPPED]++;
			return 0;
		}
	} else if (wm.hdr.src_van != wm.hdr.dst_van) {
		mb->stats.drops[DROP_VAN_MISMATCH]++;
		return 0;
	}
	/* Memberships are kept for VANs we do not have too (HELLO digest). */
	if (wm.hdr.type == WIRE_JOIN) {
		member_join(b, o, m, wm.hdr.dst_van);
		return WIRE_JOIN;
	}
	if (wm.hdr.type == WIRE_LEAVE) {
		member_leave(b, o, m, wm.hdr.dst_van, now);
		return WIRE_LEAVE;
	}
	if ((vi = bridge_van_find(b, wm.hdr.dst_van)) < 0) {
		mb->stats.drops[DROP_UNKNOWN_VAN]++;
		return 0;
	}
	v = (uint32_t)vi;
	/* What one member may send us: a peer's limits, or the site's. */
	if (wm.hdr.type == WIRE_FLOOD && !bucket_take(&mb->flood_in, 1, now)) {
		mb->stats.drops[DROP_FLOOD_LIMIT]++;
		b->van[v].stats.drops[DROP_FLOOD_LIMIT]++;
		(void)bridge_trace(b, BRIDGE_TR_FLOOD_LIMITED, b->van[v].id, FDB_REMOTE, m,
		    NULL);
		return 0;
	}
	if ((wm.hdr.type == WIRE_LEARN || wm.hdr.type == WIRE_UNLEARN) &&
	    !bucket_take(&mb->learn_in, 1, now)) {
		mb->stats.drops[DROP_LEARN_LIMIT]++;
		return 0;
	}
	if (wm.hdr.type == WIRE_LEARN) {
		struct bridge_trace *t;

		if ((t = bridge_trace(b, BRIDGE_TR_LEARN_IN, b->van[v].id, FDB_REMOTE, m,
		    wm.body.learn.mac)) != NULL)
			t->seq = wm.body.learn.seq;
	} else if (wm.hdr.type == WIRE_UNLEARN)
		(void)bridge_trace(b, BRIDGE_TR_UNLEARN_IN, b->van[v].id, FDB_REMOTE, m,
		    wm.body.unlearn.mac);
	if (b->conf.proxy) {
		relay_input(b, o, m, v, &wm, now);
		return wm.hdr.type;
	}
	switch (wm.hdr.type) {
	case WIRE_DATA:
		data_in(b, o, m, v, &wm, now);
		break;
	case WIRE_FLOOD:
		flood_in(b, o, m, v, &wm, now);
		break;
	case WIRE_LEARN:
		learn_in(b, o, m, v, &wm.body.learn, now);
		break;
	case WIRE_UNLEARN:
		unlearn_in(b, m, v, &wm.body.unlearn, now);
		break;
	}
	return wm.hdr.type;
}

/* --------------------------------------------------------------- timers --- */

/*
 * Every timer of the bridge is here, so that the I/O layer needs one:
 *   hello     every hello_ms a HELLO to each member we share a VAN with,
 *             and every BRIDGE_HELLO_SLOW_EVERY-th round to every member
 *             (member_tick)
 *   sync      a member whose JOINs we could not all keep gets a HELLO with
 *             SYNC at the next tick (member_tick)
 *   dead      a member silent for dead_count times the larger interval
 *             is DEAD or UNKNOWN, its routes gone (member_tick)
 *   refresh   a proxy's routes to each live peer again, every refresh_ms
 *             (relay_refresh)
 *   dump      a peer that just joined hears our routes (relay_dump)
 *   repeat    an announcement or withdrawal said again, BRIDGE_REPEATS
 *             times a hello_ms apart (bridge_repeat_tick)
 * The rest is time compared when an event comes, with no timer: a
 * member's epoch change and SYNC answer (one an interval), duplicate-
 * address freezes (dad_window_ms, dad_hold_ms), kept claims
 * (BRIDGE_PEND_KEEP) and remembered sequences.  The returned time is when
 * bridge_tick wants calling again.
 *
 * A call much later than that means this process did not run (stopped, or
 * starved of CPU): what members sent meanwhile waits unread in the socket,
 * so the time is not their silence (tick_stalled).
 */
/*
 * The tick came late by more than a quarter interval: move every member's
 * last HELLO on by the lateness (never past now), so that a member is only
 * declared dead after dead_count intervals of our listening, not of our
 * absence; its HELLOs of the meantime are read right after this tick.
 * Counted (stalls, stall_ms): an operator sees a starved daemon.
 */
static void
tick_stalled(struct bridge *b, monotime_t now, monotime_t period)
{
	monotime_t late;
	uint32_t m;

	if (b->tick_due == 0 || b->tick_due == MONO_NEVER || now <= b->tick_due ||
	    now - b->tick_due <= period / 4)
		return;
	late = now - b->tick_due;
	b->stats.stalls++;
	b->stats.stall_ms += mono_to_ms(late);
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];

		if (mb->used && mb->last_hello != 0)
			mb->last_hello = now - mb->last_hello > late ?
			    mb->last_hello + late : now;
	}
}

monotime_t
bridge_tick(struct bridge *b, struct bridge_out *o, monotime_t now)
{
	monotime_t next, rep, period = MONO_MS(b->conf.hello_ms);
	uint32_t m;
	bool round = false, slow = false;

	if (!b->started)
		return MONO_NEVER;
	tick_stalled(b, now, period);
	if (now >= b->next_hello) {
		round = true;
		slow = ++b->hello_rounds % BRIDGE_HELLO_SLOW_EVERY == 0;
		b->next_hello += period;
		if (b->next_hello <= now)
			b->next_hello = now + period;
	}
	next = b->next_hello;
	if (b->conf.proxy) {
		monotime_t r = relay_refresh(b, now), d = relay_dump(b, o, now);

		if (r < next)
			next = r;
		if (d < next)
			next = d;
	}
	for (m = 0; m < b->conf.member_max; m++)
		if (b->member[m].used)
			next = member_tick(b, o, m, now, round, slow, next);
	rep = bridge_repeat_tick(b, o, now);
	if (rep < next)
		next = rep;
	b->tick_due = next;
	return next;
}
