/*
 * message.c — codec of the four WireGuard messages [3]; little-endian.
 *
 * Pure.  One read cursor for every field; encoders write into arrays whose
 * size is the message size (the [static N] parameters), so they cannot run
 * past the end.
 */
#include "crypto/message.h"

#include <string.h>

void
message_cur_init(struct message_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->bad = false;
}

size_t
message_cur_left(const struct message_cur *c)
{
	return c->bad ? 0 : c->len - c->off;
}

static const uint8_t *
cur_take(struct message_cur *c, size_t n)
{
	const uint8_t *p;

	if (c->bad || c->len - c->off < n) {
		c->bad = true;
		return NULL;
	}
	p = c->p + c->off;
	c->off += n;
	return p;
}

bool
message_get_u32(struct message_cur *c, uint32_t *v)
{
	const uint8_t *p = cur_take(c, 4);

	if (p == NULL)
		return false;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	return true;
}

bool
message_get_u64(struct message_cur *c, uint64_t *v)
{
	uint32_t lo, hi;

	if (!message_get_u32(c, &lo) || !message_get_u32(c, &hi))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool
message_get_bytes(struct message_cur *c, void *out, size_t n)
{
	const uint8_t *p = cur_take(c, n);

	if (p == NULL)
		return false;
	memcpy(out, p, n);
	return true;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

unsigned
message_type(const uint8_t *buf, size_t len)
{
	struct message_cur c;
	uint32_t type;

	message_cur_init(&c, buf, len);
	if (!message_get_u32(&c, &type))
		return 0;
	/* The whole word: a type byte and three zero reserved bytes. */
	switch (type) {
	case WG_MSG_INITIATION:
		return len == WG_INITIATION_LEN ? type : 0;
	case WG_MSG_RESPONSE:
		return len == WG_RESPONSE_LEN ? type : 0;
	case WG_MSG_COOKIE:
		return len == WG_COOKIE_REPLY_LEN ? type : 0;
	case WG_MSG_TRANSPORT:
		return len >= WG_TRANSPORT_MIN_LEN ? type : 0;
	}
	return 0;
}

bool
message_decode_initiation(const uint8_t *buf, size_t len,
    struct message_initiation *m)
{
	struct message_cur c;
	uint32_t type;

	if (len != WG_INITIATION_LEN)
		return false;
	message_cur_init(&c, buf, len);
	return message_get_u32(&c, &type) && type == WG_MSG_INITIATION &&
	    message_get_u32(&c, &m->sender) &&
	    message_get_bytes(&c, m->ephemeral, sizeof(m->ephemeral)) &&
	    message_get_bytes(&c, m->enc_static, sizeof(m->enc_static)) &&
	    message_get_bytes(&c, m->enc_timestamp, sizeof(m->enc_timestamp)) &&
	    message_get_bytes(&c, m->mac1, sizeof(m->mac1)) &&
	    message_get_bytes(&c, m->mac2, sizeof(m->mac2)) &&
	    message_cur_left(&c) == 0;
}

bool
message_decode_response(const uint8_t *buf, size_t len,
    struct message_response *m)
{
	struct message_cur c;
	uint32_t type;

	if (len != WG_RESPONSE_LEN)
		return false;
	message_cur_init(&c, buf, len);
	return message_get_u32(&c, &type) && type == WG_MSG_RESPONSE &&
	    message_get_u32(&c, &m->sender) &&
	    message_get_u32(&c, &m->receiver) &&
	    message_get_bytes(&c, m->ephemeral, sizeof(m->ephemeral)) &&
	    message_get_bytes(&c, m->enc_empty, sizeof(m->enc_empty)) &&
	    message_get_bytes(&c, m->mac1, sizeof(m->mac1)) &&
	    message_get_bytes(&c, m->mac2, sizeof(m->mac2)) &&
	    message_cur_left(&c) == 0;
}

bool
message_decode_cookie(const uint8_t *buf, size_t len, struct message_cookie *m)
{
	struct message_cur c;
	uint32_t type;

	if (len != WG_COOKIE_REPLY_LEN)
		return false;
	message_cur_init(&c, buf, len);
	return message_get_u32(&c, &type) && type == WG_MSG_COOKIE &&
	    message_get_u32(&c, &m->receiver) &&
	    message_get_bytes(&c, m->nonce, sizeof(m->nonce)) &&
	    message_get_bytes(&c, m->enc_cookie, sizeof(m->enc_cookie)) &&
	    message_cur_left(&c) == 0;
}

bool
message_decode_transport(const uint8_t *buf, size_t len,
    struct message_transport *m)
{
	struct message_cur c;
	uint32_t type;

	if (len < WG_TRANSPORT_MIN_LEN)
		return false;
	message_cur_init(&c, buf, len);
	if (!message_get_u32(&c, &type) || type != WG_MSG_TRANSPORT ||
	    !message_get_u32(&c, &m->receiver) ||
	    !message_get_u64(&c, &m->counter))
		return false;
	m->ct_len = message_cur_left(&c);
	return m->ct_len >= WG_AEAD_TAG_LEN;
}

void
message_encode_initiation(uint8_t out[static WG_INITIATION_LEN],
    const struct message_initiation *m)
{
	put_u32(out, WG_MSG_INITIATION);
	put_u32(out + 4, m->sender);
	memcpy(out + 8, m->ephemeral, sizeof(m->ephemeral));
	memcpy(out + 40, m->enc_static, sizeof(m->enc_static));
	memcpy(out + 88, m->enc_timestamp, sizeof(m->enc_timestamp));
	memcpy(out + WG_INITIATION_MAC1_OFF, m->mac1, sizeof(m->mac1));
	memcpy(out + WG_INITIATION_MAC2_OFF, m->mac2, sizeof(m->mac2));
}

void
message_encode_response(uint8_t out[static WG_RESPONSE_LEN],
    const struct message_response *m)
{
	put_u32(out, WG_MSG_RESPONSE);
	put_u32(out + 4, m->sender);
	put_u32(out + 8, m->receiver);
	memcpy(out + 12, m->ephemeral, sizeof(m->ephemeral));
	memcpy(out + 44, m->enc_empty, sizeof(m->enc_empty));
	memcpy(out + WG_RESPONSE_MAC1_OFF, m->mac1, sizeof(m->mac1));
	memcpy(out + WG_RESPONSE_MAC2_OFF, m->mac2, sizeof(m->mac2));
}

void
message_encode_cookie(uint8_t out[static WG_COOKIE_REPLY_LEN],
    const struct message_cookie *m)
{
	put_u32(out, WG_MSG_COOKIE);
	put_u32(out + 4, m->receiver);
	memcpy(out + 8, m->nonce, sizeof(m->nonce));
	memcpy(out + 32, m->enc_cookie, sizeof(m->enc_cookie));
}

void
message_encode_transport(uint8_t out[static WG_TRANSPORT_HDR_LEN],
    uint32_t receiver, uint64_t counter)
{
	put_u32(out, WG_MSG_TRANSPORT);
	put_u32(out + 4, receiver);
	put_u32(out + 8, (uint32_t)counter);
	put_u32(out + 12, (uint32_t)(counter >> 32));
}
