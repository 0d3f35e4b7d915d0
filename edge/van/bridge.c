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
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"
#include "edge/van/arpnd.h"
#include "edge/van/mtu.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define NONE		UINT32_MAX

static void	out_reserve(struct bridge_out *, size_t arena_len);
static void	learn_in(struct bridge *, struct bridge_out *, uint32_t, uint32_t,
		    const struct wire_learn *, monotime_t);

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
		[DROP_NO_AUTH] = "no-auth",
		[DROP_BAD_AUTH] = "bad-auth",
		[DROP_REPLAY] = "replay",
		[DROP_FLOOD_LIMIT] = "flood-limit",
		[DROP_OVER_MTU] = "over-mtu",
		[DROP_UNMAPPED] = "unmapped-van",
		[DROP_LOOP] = "loop",
		[DROP_LEARN_LIMIT] = "learn-limit",
		[DROP_NOT_PROXY] = "not-relayed",
		[DROP_SEQ_JUMP] = "seq-jump",
		[DROP_STATIC_CLAIM] = "static-claim",
		[DROP_CLAIM_DENIED] = "claim-denied",
		[DROP_SITE_CLAIM] = "site-claim",
		[DROP_ADDR_CONFLICT] = "addr-conflict",
		[DROP_OLD_AUTH] = "old-auth",
		[DROP_NEW_EPOCH] = "new-epoch",
		[DROP_EPOCH_LIMIT] = "epoch-limit",
		[DROP_JOIN_CAP] = "join-cap",
		[DROP_JOIN_FOREIGN] = "join-foreign",
		[DROP_SYNC_LIMIT] = "sync-limit",
	};

	if ((unsigned)r < WIRE_ERR_COUNT)
		return wire_err_str((enum wire_err)r);
	if ((unsigned)r >= DROP_REASON_COUNT || s[r] == NULL)
		return "?";
	return s[r];
}

/* -------------------------------------------------------------- set-up --- */

/* Range checks of what bridge_set_conf may change (van.h's limits). */
static const char *
conf_check(const struct bridge_conf *c)
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

	if (conf_check(conf) != NULL || (b = malloc(sizeof(*b))) == NULL)
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
	if ((*err = conf_check(c)) != NULL)
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
	b->memb_node = calloc(b->conf.memb_max, sizeof(*b->memb_node));
	if (b->memb_node != NULL) {
		uint32_t n;

		for (n = 0; n < b->conf.memb_max; n++)
			b->memb_node[n].next = n + 1 < b->conf.memb_max ? n + 1 : NONE;
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

/*
 * The header of a message of VAN `van_id` for member m: a site member gets
 * the VAN's ID both ways, a peer the pair of its peering — false when the
 * VAN is not mapped for that peer, and the message must not go to it.
 */
bool
bridge_hdr(struct bridge *b, uint32_t m, uint8_t type, uint32_t van_id,
    uint8_t flags, uint8_t hop, struct wire_hdr *h)
{
	uint32_t theirs = van_id;

	if (type == WIRE_HELLO)
		van_id = theirs = 0;
	else if (b->member[m].peer &&
	    !idmap_get(&b->xmap_out, (uint64_t)m << 32 | van_id, &theirs))
		return false;
	h->type = type;
	h->flags = flags;
	h->hop = hop;
	h->pad = 0;
	h->src_van = van_id;
	h->dst_van = theirs;
	return true;
}

void
bridge_emit_frame(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t type,
    uint32_t van, uint8_t hop, const uint8_t *frame, size_t len, unsigned segs)
{
	struct bridge_act *a;
	struct wire_hdr h;

	if (!bridge_hdr(b, m, type, b->van[van].id, 0, hop, &h)) {
		b->member[m].stats.drops[DROP_UNMAPPED] += segs;
		return;
	}
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

/* A frame the bridge made, on the caller's stack: into the arena. */
static const uint8_t *
arena_copy(struct bridge_out *o, const uint8_t *frame, size_t len)
{
	uint8_t *d;

	out_reserve(o, len + BRIDGE_HEADROOM);
	d = o->arena + o->arena_used + BRIDGE_HEADROOM;
	memcpy(d, frame, len);
	o->arena_used += len + BRIDGE_HEADROOM;
	return d;
}

void
bridge_emit_made(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v,
    const uint8_t *frame, size_t len)
{
	bridge_emit_frame(b, o, m, WIRE_DATA, v, WIRE_HOP_DEFAULT,
	    arena_copy(o, frame, len), len, 1);
}

/*
 * Queue a control message: built by the caller into a stack buffer.  With
 * a site key it is sealed for m (member_seal, which may ask for a second,
 * differently sealed copy); a peer's tunnel authenticates for it.
 */
void
bridge_emit_ctl(struct bridge *b, struct bridge_out *o, uint32_t m, uint8_t type,
    const uint8_t *msg, size_t len)
{
	struct bridge_act *a;
	uint8_t *p;
	size_t sealed;
	int pass = 0;

	if (len == 0)
		return;
	do {
		out_reserve(o, len + WIRE_AUTH_LEN);
		p = o->arena + o->arena_used;
		memcpy(p, msg, len);
		sealed = len;
		if (b->conf.auth && !b->member[m].peer) {
			if ((sealed = member_seal(b, m, p, len, len + WIRE_AUTH_LEN,
			    &pass)) == 0) {
				b->member[m].stats.drops[DROP_TX_ERROR]++;
				return;
			}
		} else
			pass = 2;
		a = &o->act[o->n++];
		a->kind = BRIDGE_ACT_MEMBER;
		a->type = type;
		a->hdr_len = 0;
		a->segs = 1;
		a->target = m;
		a->data = p;
		a->data_len = sealed;
		o->arena_used += sealed;
		b->member[m].stats.tx_msgs[type]++;
		b->member[m].stats.tx_bytes += sealed;
	} while (pass == 1);
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

void
bridge_send_learn(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van,
    const struct fdb_entry *e)
{
	uint8_t buf[WIRE_CTL_MAX];
	struct wire_hdr h;
	struct wire_learn l;

	if (!bridge_hdr(b, m, WIRE_LEARN, b->van[van].id, 0, WIRE_HOP_DEFAULT, &h))
		return;
	memset(&l, 0, sizeof(l));
	memcpy(l.mac, e->mac, 6);
	/* A peer counts moves between sites only (docs/proxy.md §3). */
	l.seq = b->member[m].peer ? e->xseq : e->seq;
	/* An edge vouches for its own VMs' addresses; a proxy relays them. */
	if (e->kind == FDB_LOCAL || b->conf.proxy)
		l.naddr = (uint8_t)neigh_addrs(&b->neigh, e->van, e->mac, l.addr);
	bridge_emit_ctl(b, o, m, WIRE_LEARN, buf, wire_encode_learn(buf, sizeof(buf), &h, &l));
	b->van[van].stats.learn_tx++;
}

void
bridge_send_unlearn(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t van,
    const uint8_t mac[static 6])
{
	uint8_t buf[WIRE_CTL_MAX];
	struct wire_hdr h;
	struct wire_unlearn u;

	if (!bridge_hdr(b, m, WIRE_UNLEARN, b->van[van].id, 0, WIRE_HOP_DEFAULT, &h))
		return;
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
	struct wire_hdr h;

	if (!bridge_hdr(b, m, type, van_id, flags, WIRE_HOP_DEFAULT, &h))
		return;
	bridge_emit_ctl(b, o, m, type, buf, wire_encode_empty(buf, sizeof(buf), &h));
}

/* -------------------------------------------------- forwarding entries --- */

/* The list of the entries through member m (FDB_REMOTE) or on port p. */
static uint32_t
route_list(const struct bridge *b, uint8_t kind, uint32_t where)
{
	return kind == FDB_REMOTE ? where : b->conf.member_max + where;
}

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

void
bridge_fdb_set(struct bridge *b, struct fdb_entry *e, uint32_t van, uint8_t kind,
    uint32_t where, bool created, monotime_t now)
{
	if (!created)
		fdb_forget(b, e);
	e->kind = kind;
	e->where = where;
	e->updated = now;
	e->since = now;
	e->reply_at = 0;
	e->reply_to = NONE;
	/* A new binding: the caller sets STATIC for ports; it may outbid once. */
	e->flags &= (uint8_t)~(FDB_F_STATIC | FDB_F_OUTBID);
	if (kind == FDB_REMOTE) {
		b->member[where].routes++;
		b->van[van].fdb_remote++;
	} else
		b->van[van].fdb_local++;
	/* On its member's or port's list: purged with them, not by a scan. */
	fdb_link(&b->fdb, e, route_list(b, kind, where));
}

static struct seq_memo *
memo_slot(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6])
{
	uint64_t k = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	    (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 |
	    mac[5];

	/* Not keyed: a collision only forgets a sequence (a lower announce). */
	return &b->memo[wire_van_digest(van_id ^ (uint32_t)(k ^ k >> 32)) %
	    BRIDGE_SEQ_CACHE];
}

/* A binding with a sequence is going: remember the sequence a while. */
static void
memo_keep(struct bridge *b, const struct fdb_entry *e, monotime_t now)
{
	struct seq_memo *s;

	bool same;

	if (e->seq == 0 && e->xseq == 0)
		return;
	s = memo_slot(b, e->van, e->mac);
	/* A newer sequence noted for it (memo_note) stays: it was heard. */
	same = s->at != 0 && now - s->at < BRIDGE_SEQ_KEEP && s->van == e->van &&
	    memcmp(s->mac, e->mac, 6) == 0;
	s->seq = same ? wire_seq_max(s->seq, e->seq) : e->seq;
	s->xseq = same ? wire_seq_max(s->xseq, e->xseq) : e->xseq;
	s->van = e->van;
	memcpy(s->mac, e->mac, 6);
	s->inside = e->kind == FDB_REMOTE && e->where < b->conf.member_max &&
	    !b->member[e->where].peer;
	s->at = now == 0 ? 1 : now;
}

/*
 * A higher sequence was heard for e than e keeps (its move was refused:
 * frozen): remember it, so that if the MAC appears here it outbids it.
 */
static void
memo_note(struct bridge *b, const struct fdb_entry *e, uint32_t seq, monotime_t now)
{
	struct seq_memo *s = memo_slot(b, e->van, e->mac);

	if (!(s->at != 0 && s->van == e->van && memcmp(s->mac, e->mac, 6) == 0) ||
	    wire_seq_newer(seq, s->seq)) {
		s->van = e->van;
		memcpy(s->mac, e->mac, 6);
		s->seq = seq;
		s->at = now == 0 ? 1 : now;
	}
}

/* The slot of (VAN, MAC)'s refused claim: keyed, members choose MACs. */
static struct claim_pend *
pend_slot(const struct bridge *b, uint32_t van_id, const uint8_t mac[static 6])
{
	uint8_t in[10], out[crypto_shorthash_BYTES];
	uint64_t h;

	memcpy(in, &van_id, 4);
	memcpy(in + 4, mac, 6);
	crypto_shorthash(out, in, sizeof(in), b->conf.hashkey);
	memcpy(&h, out, sizeof(h));
	return &b->pend[h % BRIDGE_PEND_CACHE];
}

void
bridge_pend_keep(struct bridge *b, uint32_t v, uint32_t m, const struct wire_learn *l,
    monotime_t now)
{
	struct claim_pend *p = pend_slot(b, b->van[v].id, l->mac);

	p->van = b->van[v].id;
	p->member = m;
	p->at = now == 0 ? 1 : now;
	p->learn = *l;
}

bool
bridge_pend_take(struct bridge *b, uint32_t v, const uint8_t mac[static 6],
    monotime_t now, uint32_t *m, struct wire_learn *l)
{
	struct claim_pend *p = pend_slot(b, b->van[v].id, mac);
	monotime_t at = p->at;

	if (at == 0 || p->van != b->van[v].id || memcmp(p->learn.mac, mac, 6) != 0)
		return false;
	p->at = 0;
	*m = p->member;
	/* Its member still there (a peer: still mapping the VAN), as a LEARN
	 * arriving now would need. */
	if (now - at >= BRIDGE_PEND_KEEP || *m >= b->conf.member_max ||
	    !b->member[*m].used ||
	    (b->member[*m].peer && bridge_peer_van(b, *m, b->van[v].id) == 0))
		return false;
	*l = p->learn;
	return true;
}

uint32_t
bridge_xseq_known(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6],
    const struct fdb_entry *e, monotime_t now)
{
	const struct seq_memo *s = memo_slot(b, van_id, mac);
	uint32_t seq = e != NULL ? e->xseq : 0;

	if (s->at != 0 && now - s->at < BRIDGE_SEQ_KEEP && s->van == van_id &&
	    memcmp(s->mac, mac, 6) == 0 && wire_seq_newer(s->xseq, seq))
		seq = s->xseq;
	return seq;
}

bool
bridge_was_inside(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6],
    monotime_t now)
{
	const struct seq_memo *s = memo_slot(b, van_id, mac);

	return s->at != 0 && now - s->at < BRIDGE_SEQ_KEEP && s->van == van_id &&
	    memcmp(s->mac, mac, 6) == 0 && s->inside;
}

/* The highest sequence known for (VAN, MAC): its entry's, or a memo's. */
uint32_t
bridge_seq_known(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6],
    const struct fdb_entry *e, monotime_t now)
{
	const struct seq_memo *s = memo_slot(b, van_id, mac);
	uint32_t seq = e != NULL ? e->seq : 0;

	if (s->at != 0 && now - s->at < BRIDGE_SEQ_KEEP && s->van == van_id &&
	    memcmp(s->mac, mac, 6) == 0 && wire_seq_newer(s->seq, seq))
		seq = s->seq;
	return seq;
}

void
bridge_fdb_drop(struct bridge *b, struct fdb_entry *e, monotime_t now)
{
	uint32_t van = e->van;
	uint8_t mac[6];

	memcpy(mac, e->mac, 6);
	memo_keep(b, e, now);
	neigh_forget_mac(&b->neigh, van, mac);	/* no answers for a MAC gone */
	fdb_forget(b, e);
	fdb_remove(&b->fdb, van, mac);
}

struct purge_arg {
	struct bridge	*b;
	uint8_t		kind;
	uint32_t	where;
	uint32_t	van;		/* VAN ID, or 0 for all */
	struct bridge_out *withdraw;	/* UNLEARN each local MAC to its VAN */
	monotime_t	now;		/* 0: do not remember sequences */
};

static void	withdraw(struct bridge *, struct bridge_out *, uint32_t,
		    const uint8_t[static 6]);

static bool
purge_match(const struct fdb_entry *e, void *arg)
{
	struct purge_arg *p = arg;
	int v;

	if (e->kind != p->kind || e->where != p->where ||
	    (p->van != 0 && e->van != p->van))
		return false;
	/* called once per entry it accepts, just before it goes */
	if (p->withdraw != NULL && (v = bridge_van_find(p->b, e->van)) >= 0)
		withdraw(p->b, p->withdraw, (uint32_t)v, e->mac);
	if (p->now != 0)
		memo_keep(p->b, e, p->now);
	neigh_forget_mac(&p->b->neigh, e->van, e->mac);
	fdb_forget(p->b, e);
	return true;
}

static uint32_t
fdb_purge_where(struct bridge *b, uint8_t kind, uint32_t where, uint32_t van_id,
    monotime_t now)
{
	struct purge_arg p = { b, kind, where, van_id, NULL, now };

	if (kind == FDB_REMOTE && b->member[where].routes == 0)
		return 0;
	return fdb_purge_list(&b->fdb, route_list(b, kind, where), purge_match, &p);
}

uint32_t
bridge_purge_routes(struct bridge *b, uint32_t m, uint32_t van_id, monotime_t now)
{
	return fdb_purge_where(b, FDB_REMOTE, m, van_id, now);
}

/* Room for one more entry in VAN v, through member m (NONE: a local one)? */
bool
bridge_fdb_room(struct bridge *b, uint32_t v, uint32_t m)
{
	const struct bridge_van *van = &b->van[v];

	if (van->fdb_max != 0 && van->fdb_local + van->fdb_remote >= van->fdb_max) {
		b->van[v].stats.learn_fail++;
		return false;
	}
	if (m != NONE && (b->member[m].routes_max != 0 ?
	    b->member[m].routes >= b->member[m].routes_max :
	    b->conf.member_routes_max != 0 &&
	    b->member[m].routes >= b->conf.member_routes_max)) {
		b->member[m].stats.learn_refused++;
		return false;
	}
	return true;
}

/* A new entry for (VAN v, mac), or NULL (table or a limit full: counted). */
struct fdb_entry *
bridge_fdb_new(struct bridge *b, uint32_t v, const uint8_t mac[static 6], uint32_t m)
{
	struct fdb_entry *e;
	bool created;

	if (!bridge_fdb_room(b, v, m))
		return NULL;
	e = fdb_insert(&b->fdb, b->van[v].id, mac, &created);
	if (e == NULL)
		b->van[v].stats.learn_fail++;
	return e;
}

/* ------------------------------------------------------------ mobility --- */

static void
bridge_event(struct bridge *b, uint8_t type, uint32_t v, const struct fdb_entry *e)
{
	struct bridge_event *ev;

	if (b->ev_head - b->ev_tail == BRIDGE_EVENTS) {
		b->ev_lost++;
		return;
	}
	ev = &b->events[b->ev_head++ % BRIDGE_EVENTS];
	ev->type = type;
	ev->kind = e->kind;
	ev->van_id = b->van[v].id;
	memcpy(ev->mac, e->mac, 6);
	ev->where = e->where;
	ev->moves = e->moves;
	ev->window_ms = b->conf.dad_window_ms;
	ev->hold_ms = b->conf.dad_hold_ms;
}

monotime_t
bridge_port_backoff(struct bridge *b, uint32_t p, monotime_t now)
{
	const struct bucket *k;
	monotime_t wait;

	if (p >= b->conf.port_max || !b->port[p].used || !b->port[p].flood_limited)
		return 0;
	k = &b->van[b->port[p].van].flood;
	if ((wait = (monotime_t)bucket_wait(k, 1)) == 0)
		return 0;
	return now + (wait > BRIDGE_THROTTLE_MIN ? wait : BRIDGE_THROTTLE_MIN);
}

struct bridge_event *
bridge_report(struct bridge *b, uint8_t type, uint32_t v, uint32_t m,
    const uint8_t mac[static 6])
{
	struct bridge_event *ev;

	if (b->ev_head - b->ev_tail == BRIDGE_EVENTS) {
		b->ev_lost++;
		return NULL;
	}
	ev = &b->events[b->ev_head++ % BRIDGE_EVENTS];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->kind = FDB_REMOTE;
	ev->van_id = b->van[v].id;
	memcpy(ev->mac, mac, 6);
	ev->where = m;
	return ev;
}

/*
 * A claim of member m that breaks a rule (reason): counted for the VAN and
 * the member, and reported as ev_type (at most the events ring: the I/O
 * layer rate-limits its log).  Returns the report, NULL if the ring is full.
 */
struct bridge_event *
bridge_refuse(struct bridge *b, uint32_t v, uint32_t m, enum drop_reason reason,
    uint8_t ev_type, const uint8_t mac[static 6])
{
	b->van[v].stats.drops[reason]++;
	b->member[m].stats.drops[reason]++;
	return bridge_report(b, ev_type, v, m, mac);
}

bool
bridge_seq_ok(struct bridge *b, uint32_t v, uint32_t m, const uint8_t mac[static 6],
    uint32_t seq, uint32_t known)
{
	struct bridge_event *ev;

	if (!wire_seq_newer(seq, known) || wire_seq_reachable(seq, known))
		return true;
	if ((ev = bridge_refuse(b, v, m, DROP_SEQ_JUMP, BRIDGE_EV_SEQ_JUMP, mac)) != NULL) {
		ev->seq = seq;
		ev->moves = known;
	}
	return false;
}

bool
bridge_event_next(struct bridge *b, struct bridge_event *ev)
{
	if (b->ev_tail == b->ev_head)
		return false;
	*ev = b->events[b->ev_tail++ % BRIDGE_EVENTS];
	return true;
}


/* A MAC appeared here (or came back): LEARN with its sequence, to the VAN. */
static void
announce(struct bridge *b, struct bridge_out *o, uint32_t v, const struct fdb_entry *e)
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	b->van[v].stats.announces++;
	FOR_VAN_MEMBERS(b, v, m, w, bits)
		bridge_send_learn(b, o, m, v, e);
}

/* A local MAC went away with its port: UNLEARN, to the VAN. */
static void
withdraw(struct bridge *b, struct bridge_out *o, uint32_t v, const uint8_t mac[static 6])
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	b->van[v].stats.withdraws++;
	FOR_VAN_MEMBERS(b, v, m, w, bits)
		bridge_send_unlearn(b, o, m, v, mac);
}

/*
 * May binding e move now?  Duplicate-address detection, the safety net of
 * EVPN MAC mobility (RFC 7432 §15.1): a MAC that moves more than dad_moves
 * times within dad_window is frozen where it is for dad_hold — moves are
 * refused, the freeze is reported — instead of ping-ponging between two
 * hosts that both claim it.
 */
bool
bridge_may_move(struct bridge *b, uint32_t v, struct fdb_entry *e, monotime_t now)
{
	if (e->frozen_until > now) {
		b->van[v].stats.moves_refused++;
		return false;
	}
	if (e->frozen_until != 0 ||
	    now - e->moves_since > MONO_MS(b->conf.dad_window_ms)) {
		e->frozen_until = 0;
		e->moves_since = now;
		e->moves = 0;
	}
	if (++e->moves > b->conf.dad_moves) {
		e->frozen_until = now + MONO_MS(b->conf.dad_hold_ms);
		b->van[v].stats.dad_freezes++;
		bridge_event(b, BRIDGE_EV_DAD_FREEZE, v, e);
		return false;
	}
	b->van[v].stats.moves++;
	return true;
}

/*
 * Source learning from a member's frame.  The data plane carries no
 * sequence number: it creates bindings and moves those nobody announced
 * (sequence 0); announced bindings move only by LEARN, UNLEARN or LEAVE.
 * A local MAC is never taken over here.
 */
void
bridge_learn_src(struct bridge *b, uint32_t van, const uint8_t mac[static 6],
    uint32_t m, monotime_t now)
{
	struct fdb_entry *e;

	e = fdb_lookup(&b->fdb, b->van[van].id, mac);
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, van, mac, m)) != NULL) {
			bridge_fdb_set(b, e, van, FDB_REMOTE, m, true, now);
			e->seq = 0;
		}
		return;
	}
	if (e->kind == FDB_LOCAL)
		return;
	if (e->where == m) {
		e->updated = now;
		return;
	}
	if (e->seq == 0 && bridge_fdb_room(b, van, m) && bridge_may_move(b, van, e, now))
		bridge_fdb_set(b, e, van, FDB_REMOTE, m, false, now);
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
	neigh_forget_van(&b->neigh, van->id);
	idmap_del(&b->van_by_id, van->id);
	member_van_configured(b, p.id, false);
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
		/* Peers hear of our VANs by their peering, not by our ports. */
		if (b->started && !b->member[m].peer)
			bridge_send_membership(b, o, m, join ? WIRE_JOIN : WIRE_LEAVE,
			    van->id, 0);
	}
}

void
bridge_van_presence(struct bridge *b, struct bridge_out *o, uint32_t v, bool was)
{
	if (was != van_present(&b->van[v]))
		van_joined(b, o, v, !was);
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
		if (e == NULL) {
			if ((e = bridge_fdb_new(b, v, mac, NONE)) == NULL) {
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
		/* The VM's MAC is here now: one higher than any binding known. */
		port->has_mac = true;
		memcpy(port->mac, mac, 6);
		e->seq = wire_seq_next(bridge_seq_known(b, van->id, mac, created ? NULL : e,
		    now));
		bridge_fdb_set(b, e, v, FDB_LOCAL, p, created, now);
		e->flags |= FDB_F_STATIC;
		if (b->started)
			announce(b, o, v, e);
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
	{
		/* Its MACs are gone from here: say so before the LEAVE. */
		struct purge_arg pa = { b, FDB_LOCAL, p, 0, b->started ? o : NULL,
		    now };

		fdb_purge_list(&b->fdb, route_list(b, FDB_LOCAL, p), purge_match, &pa);
	}
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


void
bridge_sync_macs(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v)
{
	uint32_t p;

	for (p = b->van[v].first_port; p != NONE; p = b->port[p].next) {
		const struct fdb_entry *e;

		if (!b->port[p].has_mac)
			continue;
		e = fdb_lookup(&b->fdb, b->van[v].id, b->port[p].mac);
		if (e != NULL && e->kind == FDB_LOCAL && e->where == p)
			bridge_send_learn(b, o, m, v, e);
	}
}

/* ------------------------------------------------------- local frames --- */

/* A frame the bridge made (an answer) goes to port p: copy it to the arena. */
static void
emit_port_made(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t p,
    const uint8_t *frame, size_t len)
{
	emit_port(b, o, v, p, arena_copy(o, frame, len), len, 1);
}

/*
 * ARP and ND from a local port (design §4), two halves.  arpnd_glean
 * learns which address the sender's MAC uses and says whether that is news
 * for the members (the caller announces the MAC, whose LEARN carries its
 * addresses).  arpnd_answer_local answers a question the table can answer
 * instead of flooding it.  Tagged frames are left alone: the table has no
 * VLAN dimension.
 */
static bool
arpnd_glean(struct bridge *b, uint32_t v, const struct arpnd_pkt *pk, monotime_t now)
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
arpnd_answer_local(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t p,
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
		emit_port_made(b, o, v, p, answer, n);
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
	    bridge_bucket_take(&b->icmp, 1, now)) {
		emit_port_made(b, o, v, p, answer, n);
		b->van[v].stats.icmp_sent++;
	}
	return true;
}

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
	uint64_t bits;
	uint32_t m;
	unsigned w;

	van->stats.flood_tx += segs;
	FOR_VAN_MEMBERS(b, v, m, w, bits) {
		bridge_emit_frame(b, o, m, WIRE_FLOOD, v, WIRE_HOP_DEFAULT, frame, len, segs);
		van->stats.flood_copies += segs;
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
		return;
	}
	van->stats.frames_in += segs;

	e = fdb_lookup(&b->fdb, van->id, src);
	if (e != NULL && e->kind == FDB_LOCAL && e->where != p &&
	    (e->flags & FDB_F_STATIC)) {
		/* Another port's configured MAC. */
		port->stats.drops++;
		van->stats.drops[DROP_SPOOF]++;
		return;
	}

	/* ARP / ND: which address the sender uses, before it is announced. */
	arp = segs == 1 && b->conf.arp_proxy &&
	    arpnd_classify(frame, len, &pk) != ARPND_OTHER && !pk.tagged;
	addr_news = arp && arpnd_glean(b, v, &pk, now);

	/*
	 * Learn the source as local to this port.  A MAC new here is
	 * announced to the VAN with a sequence number one higher than the
	 * binding it replaces (migration: the VM's first frame on this host),
	 * and so is a MAC with a new address.
	 */
	if (e == NULL) {
		if ((e = bridge_fdb_new(b, v, src, NONE)) != NULL) {
			bridge_fdb_set(b, e, v, FDB_LOCAL, p, true, now);
			e->seq = wire_seq_next(bridge_seq_known(b, van->id, src, NULL, now));
			announce(b, o, v, e);
		}
	} else if (e->kind == FDB_LOCAL && e->where == p) {
		e->updated = now;
		if (addr_news)
			announce(b, o, v, e);
	} else if (bridge_may_move(b, v, e, now)) {
		bool was_here = e->kind == FDB_LOCAL;

		bridge_fdb_set(b, e, v, FDB_LOCAL, p, false, now);
		e->seq = wire_seq_next(bridge_seq_known(b, van->id, src, e, now));
		if (!was_here || addr_news)
			announce(b, o, v, e);
	}
	/* A frozen MAC's frames still go; its binding stays where it is. */

	if (arp && arpnd_answer_local(b, o, v, p, &pk))
		return;
	e = eth_is_multicast(dst) ? NULL : fdb_lookup(&b->fdb, van->id, dst);
	if (e == NULL) {
		if (!bridge_bucket_take(&van->flood, segs, now)) {
			port->stats.drops++;
			port->flood_limited = true;
			van->stats.drops[DROP_FLOOD_LIMIT] += segs;
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
		emit_port(b, o, v, e->where, frame, len, segs);
	} else if (!over_mtu(b, o, v, p, frame, len, segs, now)) {
		bridge_emit_frame(b, o, e->where, WIRE_DATA, v, WIRE_HOP_DEFAULT, frame, len, segs);
		van->stats.data_tx += segs;
	}
}

/* ----------------------------------------------------- member messages --- */

bool
bridge_unlearn_held(struct bridge *b, uint32_t van_id, uint32_t m,
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

bool
bridge_frame_src_ok(struct bridge *b, uint32_t v, uint32_t m, const uint8_t *frame)
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
		emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
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
		emit_port(b, o, v, e->where, frame, wm->payload_len, 1);
		if (e->reply_to != m || now - e->reply_at >= BRIDGE_REPLY_HOLDOFF) {
			e->reply_to = m;
			e->reply_at = now;
			bridge_send_learn(b, o, m, v, e);
		}
		return;
	}
	if (!bridge_bucket_take(&b->van[v].flood, 1, now)) {
		b->van[v].stats.drops[DROP_FLOOD_LIMIT]++;
		b->member[m].stats.drops[DROP_FLOOD_LIMIT]++;
		return;
	}
	flood_local(b, o, v, NONE, frame, wm->payload_len, 1);
}

/*
 * Does a MAC "here" use the address, as member m sees it: on an edge a VM
 * on a port; on a proxy, for a peer's claim, a VM of the site (behind a
 * site member)?  Such a binding is never taken over by m's LEARN.
 */
static bool
addr_held(struct bridge *b, uint32_t van_id, uint32_t m, const uint8_t mac[static 6])
{
	const struct fdb_entry *e = fdb_lookup(&b->fdb, van_id, mac);

	if (e == NULL)
		return false;
	if (!b->conf.proxy)
		return e->kind == FDB_LOCAL;
	return b->member[m].peer && e->kind == FDB_REMOTE &&
	    e->where < b->conf.member_max && !b->member[e->where].peer;
}

/*
 * The addresses an accepted LEARN from m carries: the sender's list, in
 * its order — but for an address a MAC here uses (addr_held) the claim is
 * refused (addr-conflict, reported; the local VM must let it go first, as
 * for MACs) and, on an edge, the address is disputed: the ARP/ND proxy no
 * longer answers for it and floods the question instead, so that whoever
 * really has it answers, until the local VM uses it again.  A peer's
 * addresses must also be its to claim (relay_addr_ok).
 */
void
bridge_learn_addrs(struct bridge *b, uint32_t v, uint32_t m, const struct wire_learn *l,
    monotime_t now)
{
	uint32_t id = b->van[v].id;
	struct bridge_event *ev;
	unsigned i;

	if (l->naddr == 0)
		return;
	neigh_forget_mac(&b->neigh, id, l->mac);
	for (i = l->naddr; i-- > 0; ) {
		const struct neigh_entry *ne = neigh_lookup(&b->neigh, id, &l->addr[i]);

		if (ne != NULL && memcmp(ne->mac, l->mac, 6) != 0 &&
		    addr_held(b, id, m, ne->mac)) {
			if (!b->conf.proxy)
				neigh_dispute(&b->neigh, id, &l->addr[i]);
			if ((ev = bridge_refuse(b, v, m, DROP_ADDR_CONFLICT,
			    BRIDGE_EV_ADDR_CONFLICT, l->mac)) != NULL)
				ev->addr = l->addr[i];
			continue;
		}
		if (b->member[m].peer && !relay_addr_ok(b, m, &l->addr[i])) {
			if ((ev = bridge_refuse(b, v, m, DROP_CLAIM_DENIED,
			    BRIDGE_EV_CLAIM_DENIED, l->mac)) != NULL)
				ev->addr = l->addr[i];
			continue;
		}
		(void)neigh_learn(&b->neigh, id, &l->addr[i], l->mac, NEIGH_REMOTE, 0,
		    now, NULL);
	}
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
		announce(b, o, v, e);
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
			memo_note(b, e, l->seq, now);
			return;
		}
		if (bridge_fdb_room(b, v, m) && bridge_may_move(b, v, e, now)) {
			bridge_fdb_set(b, e, v, FDB_REMOTE, m, false, now);
			e->seq = l->seq;
			bridge_learn_addrs(b, v, m, l, now);
		} else
			memo_note(b, e, l->seq, now);
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
		member_leave(b, m, wm.hdr.dst_van, now);
		return WIRE_LEAVE;
	}
	if ((vi = bridge_van_find(b, wm.hdr.dst_van)) < 0) {
		mb->stats.drops[DROP_UNKNOWN_VAN]++;
		return 0;
	}
	v = (uint32_t)vi;
	/* What one member may send us: a peer's limits, or the site's. */
	if (wm.hdr.type == WIRE_FLOOD && !bridge_bucket_take(&mb->flood_in, 1, now)) {
		mb->stats.drops[DROP_FLOOD_LIMIT]++;
		b->van[v].stats.drops[DROP_FLOOD_LIMIT]++;
		return 0;
	}
	if ((wm.hdr.type == WIRE_LEARN || wm.hdr.type == WIRE_UNLEARN) &&
	    !bridge_bucket_take(&mb->learn_in, 1, now)) {
		mb->stats.drops[DROP_LEARN_LIMIT]++;
		return 0;
	}
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
