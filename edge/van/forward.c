/*
 * forward.c — what the bridge does once it has decided (design §4;
 * docs/architecture.md): the actions it emits (frames to ports and members,
 * LEARN, UNLEARN, membership), the forwarding entries it sets, moves,
 * forgets and purges, the memo of recent UNLEARNs, the claims it keeps
 * pending, the sequence checks, its events, and what a member may teach it
 * (a source, its addresses).  bridge.c, member.c and relay.c decide; this
 * file carries out.  Pure like them: no clock, no I/O, no allocation.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"

#include <string.h>

#include <sodium.h>

static void	out_reserve(struct bridge_out *, size_t arena_len);

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

void
bridge_emit_port(struct bridge *b, struct bridge_out *o, uint32_t van, uint32_t p,
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
 * a site key it is sealed for m (sitekey_seal, which may ask for a second,
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
			if ((sealed = sitekey_seal(b, m, p, len, len + WIRE_AUTH_LEN,
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
	struct bridge_trace *t;

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
	if ((t = bridge_trace(b, BRIDGE_TR_LEARN_OUT, b->van[van].id, FDB_REMOTE, m,
	    e->mac)) != NULL)
		t->seq = l.seq;
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
	(void)bridge_trace(b, BRIDGE_TR_UNLEARN_OUT, b->van[van].id, FDB_REMOTE, m, mac);
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
	(void)bridge_trace(b, join ? BRIDGE_TR_JOIN_OUT : BRIDGE_TR_LEAVE_OUT, van->id,
	    FDB_REMOTE, BRIDGE_NONE, NULL);
}

void
bridge_van_presence(struct bridge *b, struct bridge_out *o, uint32_t v, bool was)
{
	if (was != van_present(&b->van[v]))
		van_joined(b, o, v, !was);
}

/* -------------------------------------------------- forwarding entries --- */

/* The list of the entries through member m (FDB_REMOTE) or on port p. */
static uint32_t
route_list(const struct bridge *b, uint8_t kind, uint32_t where)
{
	return kind == FDB_REMOTE ? where : b->conf.member_max + where;
}

/* Counters follow every entry that goes; call before removing e. */
void
bridge_entry_forget(struct bridge *b, const struct fdb_entry *e)
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
		bridge_entry_forget(b, e);
	e->kind = kind;
	e->where = where;
	e->updated = now;
	e->since = now;
	e->reply_at = 0;
	e->reply_to = BRIDGE_NONE;
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
void
bridge_memo_note(struct bridge *b, const struct fdb_entry *e, uint32_t seq, monotime_t now)
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

void
bridge_memo_left(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6],
    monotime_t now)
{
	struct seq_memo *s = memo_slot(b, van_id, mac);

	if (s->at != 0 && now - s->at < BRIDGE_SEQ_KEEP && s->van == van_id &&
	    memcmp(s->mac, mac, 6) == 0)
		s->inside = false;
}

/* A (VAN, MAC) note of repeat.c: its slot. */
static struct repeat_note *
note_slot(struct bridge *b, uint32_t van_id, const uint8_t mac[static 6])
{
	uint64_t k = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	    (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 |
	    mac[5];

	return &b->repeat[wire_van_digest(van_id ^ (uint32_t)(k ^ k >> 32) ^
	    (uint32_t)(k >> 16)) % BRIDGE_REPEAT_CACHE];
}

void
bridge_repeat_note(struct bridge *b, uint32_t v, const uint8_t mac[static 6])
{
	struct repeat_note *r;
	uint32_t id = b->van[v].id;

	if (b->repeat == NULL || !b->started)
		return;
	r = note_slot(b, id, mac);
	if (r->left > 0 && (r->van != id || memcmp(r->mac, mac, 6) != 0))
		b->van[v].stats.repeats_lost++;
	else if (r->left == 0)
		b->nrepeats++;
	r->van = id;
	memcpy(r->mac, mac, 6);
	r->left = BRIDGE_REPEATS;
	/* The HELLO tick after next: at least an interval from now. */
	r->due = b->next_hello + MONO_MS(b->conf.hello_ms);
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
	bridge_entry_forget(b, e);
	fdb_remove(&b->fdb, van, mac);
}

struct purge_arg {
	struct bridge	*b;
	uint8_t		kind;
	uint32_t	where;
	uint32_t	van;		/* VAN ID, or 0 for all */
	struct bridge_out *withdraw;	/* UNLEARN each local MAC to its VAN */
	struct bridge_out *to_peers;	/* UNLEARN each route to the other peers */
	uint32_t	told;		/* ... how many so far */
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
	if (p->to_peers != NULL && p->told < BRIDGE_WITHDRAW_MAX &&
	    (v = bridge_van_find(p->b, e->van)) >= 0) {
		uint32_t t, w;
		uint64_t bits;

		/* The site's members too: their routes "behind the proxy"
		 * lead nowhere now (the peer's dump brings them back). */
		FOR_VAN_MEMBERS(p->b, (uint32_t)v, t, w, bits)
			if (t != p->where)
				bridge_send_unlearn(p->b, p->to_peers, t, (uint32_t)v,
				    e->mac);
		bridge_repeat_note(p->b, (uint32_t)v, e->mac);
		p->told++;
	}
	if (p->now != 0)
		memo_keep(p->b, e, p->now);
	neigh_forget_mac(&p->b->neigh, e->van, e->mac);
	bridge_entry_forget(p->b, e);
	return true;
}

static uint32_t
purge_where(struct bridge *b, uint8_t kind, uint32_t where, uint32_t van_id,
    struct bridge_out *o, struct bridge_out *to_peers, monotime_t now)
{
	struct purge_arg p = { b, kind, where, van_id, o, to_peers, 0, now };

	if (kind == FDB_REMOTE && b->member[where].routes == 0)
		return 0;
	return fdb_purge_list(&b->fdb, route_list(b, kind, where), purge_match, &p);
}

uint32_t
bridge_purge_routes(struct bridge *b, uint32_t m, uint32_t van_id, monotime_t now)
{
	return purge_where(b, FDB_REMOTE, m, van_id, NULL, NULL, now);
}

uint32_t
bridge_purge_peer_routes(struct bridge *b, struct bridge_out *o, uint32_t m,
    uint32_t van_id, monotime_t now)
{
	bool tell = o != NULL && b->conf.proxy && b->started && b->member[m].peer;

	return purge_where(b, FDB_REMOTE, m, van_id, NULL, tell ? o : NULL, now);
}

/* Port p goes: its MACs are gone from here, and (once started) the VAN is told. */
void
bridge_purge_port(struct bridge *b, struct bridge_out *o, uint32_t p, monotime_t now)
{
	purge_where(b, FDB_LOCAL, p, 0, b->started ? o : NULL, NULL, now);
}

/* Room for one more entry in VAN v, through member m (BRIDGE_NONE: a local one)? */
bool
bridge_fdb_room(struct bridge *b, uint32_t v, uint32_t m)
{
	const struct bridge_van *van = &b->van[v];

	if (van->fdb_max != 0 && van->fdb_local + van->fdb_remote >= van->fdb_max) {
		b->van[v].stats.learn_fail++;
		return false;
	}
	if (m != BRIDGE_NONE && (b->member[m].routes_max != 0 ?
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
	if ((wait = bucket_wait(k, 1)) == 0)
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

struct bridge_trace *
bridge_trace(struct bridge *b, uint8_t type, uint32_t van_id, uint8_t kind,
    uint32_t where, const uint8_t *mac)
{
	static const uint8_t none[6];
	struct bridge_trace *t;

	if (!b->trace)
		return NULL;
	if (mac == NULL)
		mac = none;
	if (b->tr_head != b->tr_tail) {
		t = &b->traces[(b->tr_head - 1) % BRIDGE_TRACES];
		if (t->type == type && t->van_id == van_id && t->kind == kind &&
		    t->where == where && memcmp(t->mac, mac, 6) == 0) {
			if (t->count < UINT32_MAX)
				t->count++;
			return NULL;
		}
	}
	if (b->tr_head - b->tr_tail == BRIDGE_TRACES) {
		b->tr_lost++;
		return NULL;
	}
	t = &b->traces[b->tr_head++ % BRIDGE_TRACES];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->van_id = van_id;
	t->kind = kind;
	t->where = where;
	memcpy(t->mac, mac, 6);
	t->count = 1;
	t->lost = b->tr_lost;
	b->tr_lost = 0;
	return t;
}

void
bridge_set_trace(struct bridge *b, bool on)
{
	b->trace = on;
	if (!on) {
		b->tr_head = b->tr_tail = 0;
		b->tr_lost = 0;
	}
}

bool
bridge_trace_next(struct bridge *b, struct bridge_trace *t)
{
	if (b->tr_tail == b->tr_head)
		return false;
	*t = b->traces[b->tr_tail++ % BRIDGE_TRACES];
	return true;
}


/* A MAC appeared here (or came back): LEARN with its sequence, to the VAN. */
void
bridge_announce(struct bridge *b, struct bridge_out *o, uint32_t v, const struct fdb_entry *e)
{
	uint64_t bits;
	uint32_t m;
	unsigned w;

	b->van[v].stats.announces++;
	FOR_VAN_MEMBERS(b, v, m, w, bits)
		bridge_send_learn(b, o, m, v, e);
	bridge_repeat_note(b, v, e->mac);
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
	bridge_repeat_note(b, v, mac);
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


void
bridge_sync_macs(struct bridge *b, struct bridge_out *o, uint32_t m, uint32_t v)
{
	uint32_t p;

	for (p = b->van[v].first_port; p != BRIDGE_NONE; p = b->port[p].next) {
		const struct fdb_entry *e;

		if (!b->port[p].has_mac)
			continue;
		e = fdb_lookup(&b->fdb, b->van[v].id, b->port[p].mac);
		if (e != NULL && e->kind == FDB_LOCAL && e->where == p) {
			bridge_send_learn(b, o, m, v, e);
			/* Lost, the new member would never hear of it. */
			bridge_repeat_note(b, v, e->mac);
		}
	}
}

/* A frame the bridge made (an answer) goes to port p: copy it to the arena. */
void
bridge_emit_port_made(struct bridge *b, struct bridge_out *o, uint32_t v, uint32_t p,
    const uint8_t *frame, size_t len)
{
	bridge_emit_port(b, o, v, p, arena_copy(o, frame, len), len, 1);
}

/* ------------------------------------------------------------ learning --- */

/*
 * May peer m claim the MAC (docs/proxy.md §5)?  Its peering's list if it
 * has one; else anything no other peer's list holds.  (A MAC bound in the
 * site is refused apart: site-claim, learn_from_peer.)
 */
bool
bridge_claim_mac_ok(const struct bridge *b, uint32_t m, const uint8_t mac[static 6])
{
	uint32_t i;

	if (b->claims[m].has_macs)
		return claims_mac_in(&b->claims[m], mac);
	for (i = 0; i < b->nclaimers; i++)
		if (b->claimers[i] != m && b->claims[b->claimers[i]].has_macs &&
		    claims_mac_in(&b->claims[b->claimers[i]], mac))
			return false;
	return true;
}

/* And the address: its peering's prefixes, else none another peer's holds. */
bool
bridge_claim_addr_ok(const struct bridge *b, uint32_t m, const struct wire_addr *a)
{
	uint32_t i;

	if (b->claims[m].has_prefixes)
		return claims_addr_in(&b->claims[m], a);
	for (i = 0; i < b->nclaimers; i++)
		if (b->claimers[i] != m && b->claims[b->claimers[i]].has_prefixes &&
		    claims_addr_in(&b->claims[b->claimers[i]], a))
			return false;
	return true;
}

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

/*
 * Does a MAC "here" use the address, as member m sees it: on an edge a VM
 * on a port; on a proxy, for a peer's claim, a VM of the site (behind a
 * site member)?  Such a binding is never taken over by m's LEARN.
 */
static bool
held_here(struct bridge *b, uint32_t van_id, uint32_t m, const uint8_t mac[static 6])
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
 * its order — but for an address a MAC here uses (held_here) the claim is
 * refused (addr-conflict, reported; the local VM must let it go first, as
 * for MACs) and, on an edge, the address is disputed: the ARP/ND proxy no
 * longer answers for it and floods the question instead, so that whoever
 * really has it answers, until the local VM uses it again.  A peer's
 * addresses must also be its to claim (bridge_claim_addr_ok).
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
		    held_here(b, id, m, ne->mac)) {
			if (!b->conf.proxy)
				neigh_dispute(&b->neigh, id, &l->addr[i]);
			if ((ev = bridge_refuse(b, v, m, DROP_ADDR_CONFLICT,
			    BRIDGE_EV_ADDR_CONFLICT, l->mac)) != NULL)
				ev->addr = l->addr[i];
			continue;
		}
		if (b->member[m].peer && !bridge_claim_addr_ok(b, m, &l->addr[i])) {
			if ((ev = bridge_refuse(b, v, m, DROP_CLAIM_DENIED,
			    BRIDGE_EV_CLAIM_DENIED, l->mac)) != NULL)
				ev->addr = l->addr[i];
			continue;
		}
		(void)neigh_learn(&b->neigh, id, &l->addr[i], l->mac, NEIGH_REMOTE, 0,
		    now, NULL);
	}
}
