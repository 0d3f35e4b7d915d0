/*
 * wire.c — the VAN wire codec: one read cursor, one write buffer, and the
 * decoder and encoders of every message type of docs/protocol.md.
 *
 * Pure.  Nothing is cast over a buffer: every field is read through the
 * cursor, which fails on short input.  wire_decode checks everything that
 * can be checked without state (sizes, version, reserved bits, VAN ID rules,
 * body layouts); the bridge checks the rest (membership, VAN, addresses).
 */
#include "edge/van/wire.h"

#include <string.h>

#include <sodium.h>

void
wire_cur_init(struct wire_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->bad = false;
}

size_t
wire_cur_left(const struct wire_cur *c)
{
	return c->bad ? 0 : c->len - c->off;
}

static bool
cur_take(struct wire_cur *c, size_t n, const uint8_t **out)
{
	if (c->bad || c->len - c->off < n) {
		c->bad = true;
		return false;
	}
	*out = c->p + c->off;
	c->off += n;
	return true;
}

bool
wire_get_u8(struct wire_cur *c, uint8_t *v)
{
	const uint8_t *p;

	if (!cur_take(c, 1, &p))
		return false;
	*v = p[0];
	return true;
}

bool
wire_get_u16(struct wire_cur *c, uint16_t *v)
{
	const uint8_t *p;

	if (!cur_take(c, 2, &p))
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

bool
wire_get_u32(struct wire_cur *c, uint32_t *v)
{
	const uint8_t *p;

	if (!cur_take(c, 4, &p))
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return true;
}

bool
wire_get_u64(struct wire_cur *c, uint64_t *v)
{
	uint32_t hi, lo;

	if (!wire_get_u32(c, &hi) || !wire_get_u32(c, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool
wire_get_bytes(struct wire_cur *c, void *out, size_t n)
{
	const uint8_t *p;

	if (!cur_take(c, n, &p))
		return false;
	memcpy(out, p, n);
	return true;
}

void
wire_buf_init(struct wire_buf *b, void *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->bad = false;
}

static uint8_t *
buf_room(struct wire_buf *b, size_t n)
{
	uint8_t *p;

	if (b->bad || b->cap - b->len < n) {
		b->bad = true;
		return NULL;
	}
	p = b->p + b->len;
	b->len += n;
	return p;
}

bool
wire_put_u8(struct wire_buf *b, uint8_t v)
{
	uint8_t *p = buf_room(b, 1);

	if (p == NULL)
		return false;
	p[0] = v;
	return true;
}

bool
wire_put_u16(struct wire_buf *b, uint16_t v)
{
	uint8_t *p = buf_room(b, 2);

	if (p == NULL)
		return false;
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return true;
}

bool
wire_put_u32(struct wire_buf *b, uint32_t v)
{
	uint8_t *p = buf_room(b, 4);

	if (p == NULL)
		return false;
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return true;
}

bool
wire_put_u64(struct wire_buf *b, uint64_t v)
{
	return wire_put_u32(b, (uint32_t)(v >> 32)) &&
	    wire_put_u32(b, (uint32_t)v);
}

bool
wire_put_bytes(struct wire_buf *b, const void *src, size_t n)
{
	uint8_t *p = buf_room(b, n);

	if (p == NULL)
		return false;
	memcpy(p, src, n);
	return true;
}

/* ------------------------------------------------------------- decode --- */

static enum wire_err
decode_learn(struct wire_cur *c, struct wire_learn *l)
{
	unsigned i;

	if (!wire_get_bytes(c, l->mac, ETH_ALEN) ||
	    !wire_get_u8(c, &l->flags) || !wire_get_u8(c, &l->naddr) ||
	    !wire_get_u32(c, &l->seq))
		return WIRE_ERR_BODY;
	if (eth_is_multicast(l->mac) || eth_is_zero(l->mac))
		return WIRE_ERR_BODY;
	if (l->naddr > WIRE_LEARN_ADDR_MAX)
		return WIRE_ERR_BODY;
	for (i = 0; i < l->naddr; i++) {
		struct wire_addr *a = &l->addr[i];

		memset(a->bytes, 0, sizeof(a->bytes));
		if (!wire_get_u8(c, &a->family))
			return WIRE_ERR_BODY;
		if (a->family == 4) {
			if (!wire_get_bytes(c, a->bytes, 4))
				return WIRE_ERR_BODY;
		} else if (a->family == 6) {
			if (!wire_get_bytes(c, a->bytes, 16))
				return WIRE_ERR_BODY;
		} else
			return WIRE_ERR_BODY;
	}
	return wire_cur_left(c) == 0 ? WIRE_OK : WIRE_ERR_BODY;
}

static enum wire_err
decode_unlearn(struct wire_cur *c, struct wire_unlearn *u)
{
	uint16_t reserved;

	if (!wire_get_bytes(c, u->mac, ETH_ALEN) ||
	    !wire_get_u16(c, &reserved) || wire_cur_left(c) != 0)
		return WIRE_ERR_BODY;
	if (reserved != 0)
		return WIRE_ERR_RESERVED;
	if (eth_is_multicast(u->mac) || eth_is_zero(u->mac))
		return WIRE_ERR_BODY;
	return WIRE_OK;
}

static enum wire_err
decode_hello(struct wire_cur *c, struct wire_hello *h)
{
	if (!wire_get_u64(c, &h->epoch) || !wire_get_u32(c, &h->interval_ms) ||
	    !wire_get_u32(c, &h->van_count) || !wire_get_u64(c, &h->van_digest) ||
	    wire_cur_left(c) != 0)
		return WIRE_ERR_BODY;
	if (h->epoch == 0 || h->interval_ms == 0)
		return WIRE_ERR_BODY;
	return WIRE_OK;
}

static enum wire_err
decode_tunnel(struct wire_cur *c, struct wire_tunnel *t)
{
	if (!wire_get_u16(c, &t->tunnel) || !wire_get_u8(c, &t->end) ||
	    !wire_get_u8(c, &t->state) || !wire_get_u64(c, &t->epoch) ||
	    !wire_get_u32(c, &t->seq) || wire_cur_left(c) != 0)
		return WIRE_ERR_BODY;
	if (t->tunnel == 0 || t->end > 1 || t->state == 0 ||
	    t->state > WIRE_TUN_STATE_MAX || t->epoch == 0)
		return WIRE_ERR_BODY;
	return WIRE_OK;
}

enum wire_err
wire_decode(const uint8_t *buf, size_t len, struct wire_msg *m)
{
	struct wire_cur c;
	uint8_t b0, b3;
	struct wire_hdr *h = &m->hdr;

	wire_cur_init(&c, buf, len);
	if (!wire_get_u8(&c, &b0) || !wire_get_u8(&c, &h->flags) ||
	    !wire_get_u8(&c, &h->hop) || !wire_get_u8(&c, &b3) ||
	    !wire_get_u32(&c, &h->src_van) || !wire_get_u32(&c, &h->dst_van))
		return WIRE_ERR_SHORT;
	if (b0 >> 4 != WIRE_VERSION)
		return WIRE_ERR_VERSION;
	h->type = b0 & 0x0f;
	if (h->type == 0 || h->type > WIRE_TYPE_MAX)
		return WIRE_ERR_TYPE;
	if (b3 & 0xf0)
		return WIRE_ERR_RESERVED;
	h->pad = b3 & 0x0f;
	if (h->pad > wire_cur_left(&c))
		return WIRE_ERR_PAD;
	if (h->hop == 0)
		return WIRE_ERR_HOP;
	if (h->type == WIRE_HELLO || h->type == WIRE_TUNNEL) {
		if (h->src_van != 0 || h->dst_van != 0)
			return WIRE_ERR_VAN;
	} else if (h->src_van == 0 || h->dst_van == 0)
		return WIRE_ERR_VAN;

	m->payload = buf + WIRE_HDR_LEN;
	m->payload_len = len - WIRE_HDR_LEN - h->pad;
	m->has_auth = (h->flags & WIRE_F_AUTH) != 0;
	m->pair = m->has_auth && (h->flags & WIRE_F_PAIR) != 0;
	if (m->has_auth) {
		/* [header][body][epoch][counter][tag][padding] */
		const uint8_t *t;

		if (!wire_is_control(h->type) || m->payload_len < WIRE_AUTH_LEN)
			return WIRE_ERR_AUTH;
		m->payload_len -= WIRE_AUTH_LEN;
		wire_cur_init(&c, m->payload + m->payload_len, WIRE_AUTH_LEN);
		wire_get_u64(&c, &m->auth.epoch);
		wire_get_u64(&c, &m->auth.counter);
		t = m->payload + m->payload_len + 16;
		m->auth.tag = t;
		m->auth.covered = (size_t)(t - buf);
	}
	wire_cur_init(&c, m->payload, m->payload_len);

	switch (h->type) {
	case WIRE_DATA:
	case WIRE_FLOOD:
		if (m->payload_len < ETH_HDR_LEN ||
		    m->payload_len > WIRE_FRAME_MAX)
			return WIRE_ERR_FRAME;
		return WIRE_OK;
	case WIRE_LEARN:
		return decode_learn(&c, &m->body.learn);
	case WIRE_UNLEARN:
		return decode_unlearn(&c, &m->body.unlearn);
	case WIRE_JOIN:
	case WIRE_LEAVE:
		return m->payload_len == 0 ? WIRE_OK : WIRE_ERR_BODY;
	case WIRE_HELLO:
		return decode_hello(&c, &m->body.hello);
	case WIRE_TUNNEL:
		return decode_tunnel(&c, &m->body.tunnel);
	}
	return WIRE_ERR_TYPE;
}

const char *
wire_err_str(enum wire_err e)
{
	static const char *const s[WIRE_ERR_COUNT] = {
		[WIRE_OK] = "ok",
		[WIRE_ERR_SHORT] = "short",
		[WIRE_ERR_VERSION] = "bad-version",
		[WIRE_ERR_TYPE] = "bad-type",
		[WIRE_ERR_RESERVED] = "reserved-bits",
		[WIRE_ERR_PAD] = "bad-padding",
		[WIRE_ERR_HOP] = "hop-limit",
		[WIRE_ERR_VAN] = "bad-van-id",
		[WIRE_ERR_FRAME] = "bad-frame",
		[WIRE_ERR_BODY] = "bad-body",
		[WIRE_ERR_AUTH] = "bad-trailer",
	};

	if ((unsigned)e >= WIRE_ERR_COUNT)
		return "?";
	return s[e];
}

const char *
wire_type_str(unsigned t)
{
	static const char *const s[] = {
		"?", "DATA", "FLOOD", "LEARN", "UNLEARN", "JOIN", "LEAVE", "HELLO",
		"TUNNEL",
	};

	return t <= WIRE_TYPE_MAX ? s[t] : "?";
}

/* ------------------------------------------------------------- encode --- */

void
wire_put_hdr(uint8_t out[static WIRE_HDR_LEN], const struct wire_hdr *h)
{
	out[0] = (uint8_t)(WIRE_VERSION << 4 | (h->type & 0x0f));
	out[1] = h->flags;
	out[2] = h->hop;
	out[3] = h->pad & 0x0f;
	out[4] = (uint8_t)(h->src_van >> 24);
	out[5] = (uint8_t)(h->src_van >> 16);
	out[6] = (uint8_t)(h->src_van >> 8);
	out[7] = (uint8_t)h->src_van;
	out[8] = (uint8_t)(h->dst_van >> 24);
	out[9] = (uint8_t)(h->dst_van >> 16);
	out[10] = (uint8_t)(h->dst_van >> 8);
	out[11] = (uint8_t)h->dst_van;
}

static bool
put_hdr(struct wire_buf *b, const struct wire_hdr *h, uint8_t type)
{
	struct wire_hdr t = *h;
	uint8_t *p = buf_room(b, WIRE_HDR_LEN);

	if (p == NULL)
		return false;
	t.type = type;
	t.pad = 0;
	wire_put_hdr(p, &t);
	return true;
}

size_t
wire_encode_learn(uint8_t *out, size_t cap, const struct wire_hdr *h,
    const struct wire_learn *l)
{
	struct wire_buf b;
	unsigned i;

	if (l->naddr > WIRE_LEARN_ADDR_MAX)
		return 0;
	wire_buf_init(&b, out, cap);
	put_hdr(&b, h, WIRE_LEARN);
	wire_put_bytes(&b, l->mac, ETH_ALEN);
	wire_put_u8(&b, l->flags);
	wire_put_u8(&b, l->naddr);
	wire_put_u32(&b, l->seq);
	for (i = 0; i < l->naddr; i++) {
		const struct wire_addr *a = &l->addr[i];

		if (a->family != 4 && a->family != 6)
			return 0;
		wire_put_u8(&b, a->family);
		wire_put_bytes(&b, a->bytes, a->family == 4 ? 4 : 16);
	}
	return b.bad ? 0 : b.len;
}

size_t
wire_encode_unlearn(uint8_t *out, size_t cap, const struct wire_hdr *h,
    const struct wire_unlearn *u)
{
	struct wire_buf b;

	wire_buf_init(&b, out, cap);
	put_hdr(&b, h, WIRE_UNLEARN);
	wire_put_bytes(&b, u->mac, ETH_ALEN);
	wire_put_u16(&b, 0);
	return b.bad ? 0 : b.len;
}

size_t
wire_encode_hello(uint8_t *out, size_t cap, const struct wire_hdr *h,
    const struct wire_hello *hello)
{
	struct wire_buf b;

	wire_buf_init(&b, out, cap);
	put_hdr(&b, h, WIRE_HELLO);
	wire_put_u64(&b, hello->epoch);
	wire_put_u32(&b, hello->interval_ms);
	wire_put_u32(&b, hello->van_count);
	wire_put_u64(&b, hello->van_digest);
	return b.bad ? 0 : b.len;
}

size_t
wire_encode_tunnel(uint8_t *out, size_t cap, const struct wire_hdr *h,
    const struct wire_tunnel *t)
{
	struct wire_buf b;

	if (t->tunnel == 0 || t->end > 1 || t->state == 0 ||
	    t->state > WIRE_TUN_STATE_MAX || t->epoch == 0)
		return 0;
	wire_buf_init(&b, out, cap);
	put_hdr(&b, h, WIRE_TUNNEL);
	wire_put_u16(&b, t->tunnel);
	wire_put_u8(&b, t->end);
	wire_put_u8(&b, t->state);
	wire_put_u64(&b, t->epoch);
	wire_put_u32(&b, t->seq);
	return b.bad ? 0 : b.len;
}

size_t
wire_encode_empty(uint8_t *out, size_t cap, const struct wire_hdr *h)
{
	struct wire_buf b;

	if (h->type != WIRE_JOIN && h->type != WIRE_LEAVE)
		return 0;
	wire_buf_init(&b, out, cap);
	put_hdr(&b, h, h->type);
	return b.bad ? 0 : b.len;
}

static void
auth_tag(uint8_t tag[static WIRE_TAG_LEN], const uint8_t *msg, size_t len,
    const uint8_t key[static WIRE_KEY_LEN])
{
	/* Keyed BLAKE2b, 16 bytes: a MAC (RFC 7693 §2.5 keyed mode). */
	crypto_generichash(tag, WIRE_TAG_LEN, msg, len, key, WIRE_KEY_LEN);
}

size_t
wire_auth_seal(uint8_t *msg, size_t len, size_t cap, uint64_t epoch,
    uint64_t counter, const uint8_t key[static WIRE_KEY_LEN], bool pair)
{
	uint8_t flags = pair ? WIRE_F_AUTH | WIRE_F_PAIR : WIRE_F_AUTH;
	struct wire_buf b;

	if (len < WIRE_HDR_LEN || !wire_is_control(msg[0] & 0x0f))
		return 0;
	msg[1] = (uint8_t)((msg[1] & ~WIRE_F_PAIR) | flags);
	wire_buf_init(&b, msg, cap);
	b.len = len;
	wire_put_u64(&b, epoch);
	wire_put_u64(&b, counter);
	if (b.bad || cap - b.len < WIRE_TAG_LEN) {
		msg[1] &= (uint8_t)~flags;
		return 0;
	}
	auth_tag(msg + b.len, msg, b.len, key);
	return b.len + WIRE_TAG_LEN;
}

bool
wire_auth_check(const uint8_t *msg, const struct wire_msg *m,
    const uint8_t key[static WIRE_KEY_LEN])
{
	uint8_t tag[WIRE_TAG_LEN];
	bool ok;

	if (!m->has_auth)
		return false;
	auth_tag(tag, msg, m->auth.covered, key);
	ok = crypto_verify_16(tag, m->auth.tag) == 0;
	sodium_memzero(tag, sizeof(tag));
	return ok;
}

void
wire_auth_id(uint8_t out[static WIRE_ID_LEN], uint8_t family,
    const uint8_t ip[static 16], uint16_t port)
{
	memset(out, 0, WIRE_ID_LEN);
	out[0] = family;
	memcpy(out + 1, ip, family == 4 ? 4 : 16);
	out[17] = (uint8_t)(port >> 8);
	out[18] = (uint8_t)port;
}

void
wire_auth_pair_key(uint8_t out[static WIRE_KEY_LEN],
    const uint8_t site_key[static WIRE_KEY_LEN],
    const uint8_t from[static WIRE_ID_LEN], const uint8_t to[static WIRE_ID_LEN])
{
	static const char label[] = "vanfed site pair key v2";
	crypto_generichash_state st;

	/* Distinct from the tags (other input length, a label): a tag never
	 * equals a key, and each direction of each pair has its own key. */
	crypto_generichash_init(&st, site_key, WIRE_KEY_LEN, WIRE_KEY_LEN);
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof(label) - 1);
	crypto_generichash_update(&st, from, WIRE_ID_LEN);
	crypto_generichash_update(&st, to, WIRE_ID_LEN);
	crypto_generichash_final(&st, out, WIRE_KEY_LEN);
	sodium_memzero(&st, sizeof(st));
}

/*
 * splitmix64's finaliser: a bijection, so distinct VAN IDs give distinct
 * terms, and their sum changes with any single JOIN or LEAVE.  Not keyed:
 * the digest only detects lost JOIN/LEAVE messages between members of one
 * site; it is no defence against a forging member (site keys are).
 */
uint64_t
wire_van_digest(uint32_t van_id)
{
	uint64_t z = (uint64_t)van_id + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
