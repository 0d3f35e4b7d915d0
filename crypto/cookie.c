/*
 * cookie.c — mac1, mac2, cookie replies and the cookie secret [6].
 *
 * Pure.  MAC comparisons use sodium_memcmp.  The cookie secret is drawn
 * from the injected random source when the first reply needs it and again
 * once it is older than its lifetime; a mac2 made with an expired secret
 * does not verify (the sender gets a fresh cookie).  The kernel's
 * address encoding is used for cookies: address bytes, then the port in
 * network order (any fixed encoding interoperates: it is local).
 */
#include "crypto/cookie.h"

#include <sodium.h>
#include <string.h>

#include "crypto/aead.h"
#include "crypto/endpoint.h"
#include "crypto/hash.h"

/* HASH(label || key): the mac1 key and the cookie key of a public key. */
static void
label_key(uint8_t out[static WG_HASH_LEN], const char label[static 8],
    const struct wg_key *pub)
{
	struct hash_part parts[2] = { { label, 8 }, { pub->b, WG_KEY_LEN } };

	if (hash_blake2s(out, parts, 2) != 0)
		sodium_memzero(out, WG_HASH_LEN);
}

static bool
handshake_len(size_t len)
{
	return len == WG_INITIATION_LEN || len == WG_RESPONSE_LEN;
}

void
cookie_checker_init(struct cookie_checker *cc, const struct wg_key *pub)
{
	sodium_memzero(cc, sizeof(*cc));
	if (pub == NULL)
		return;
	label_key(cc->mac1_key, WG_LABEL_MAC1, pub);
	label_key(cc->cookie_key, WG_LABEL_COOKIE, pub);
	cc->has_key = true;
}

void
cookie_checker_wipe(struct cookie_checker *cc)
{
	sodium_memzero(cc, sizeof(*cc));
}

bool
cookie_check_mac1(const struct cookie_checker *cc, const uint8_t *msg,
    size_t len)
{
	uint8_t mac[WG_MAC_LEN];
	size_t off = len - 2 * WG_MAC_LEN;

	if (!cc->has_key || !handshake_len(len))
		return false;
	if (hash_mac(mac, cc->mac1_key, WG_HASH_LEN, msg, off) != 0)
		return false;
	return sodium_memcmp(mac, msg + off, WG_MAC_LEN) == 0;
}

/* cookie = MAC(secret, address bytes of src). */
static int
cookie_of(const struct cookie_checker *cc, const struct wg_endpoint *src,
    uint8_t cookie[static WG_COOKIE_LEN])
{
	uint8_t a[ENDPOINT_BYTES_MAX];
	size_t alen = endpoint_bytes(src, a);

	if (alen == 0)
		return -1;
	return hash_mac(cookie, cc->secret, WG_HASH_LEN, a, alen);
}

bool
cookie_check_mac2(const struct cookie_checker *cc, const uint8_t *msg,
    size_t len, const struct wg_endpoint *src, monotime_t now,
    const struct wg_timing *t)
{
	uint8_t cookie[WG_COOKIE_LEN], mac[WG_MAC_LEN];
	size_t off = len - WG_MAC_LEN;
	bool ok = false;

	if (!cc->has_key || !handshake_len(len) || !cc->secret_set ||
	    mono_since(now, cc->secret_birth) >= t->cookie_secret_life)
		goto out;
	if (cookie_of(cc, src, cookie) != 0 ||
	    hash_mac(mac, cookie, WG_COOKIE_LEN, msg, off) != 0)
		goto out;
	ok = sodium_memcmp(mac, msg + off, WG_MAC_LEN) == 0;
out:
	sodium_memzero(cookie, sizeof(cookie));
	return ok;
}

void
cookie_reply_seal(const uint8_t key[static WG_HASH_LEN], uint32_t receiver,
    const uint8_t nonce[static WG_XNONCE_LEN],
    const uint8_t cookie[static WG_COOKIE_LEN],
    const uint8_t mac1[static WG_MAC_LEN], struct message_cookie *reply)
{
	reply->receiver = receiver;
	memcpy(reply->nonce, nonce, WG_XNONCE_LEN);
	aead_xseal(reply->enc_cookie, key, nonce, cookie, WG_COOKIE_LEN, mac1,
	    WG_MAC_LEN);
}

void
cookie_create_reply(struct cookie_checker *cc, const uint8_t *msg, size_t len,
    uint32_t receiver, const struct wg_endpoint *src, monotime_t now,
    const struct wg_rng *rng, const struct wg_timing *t,
    struct message_cookie *reply)
{
	uint8_t cookie[WG_COOKIE_LEN], nonce[WG_XNONCE_LEN];

	memset(reply, 0, sizeof(*reply));
	if (!cc->secret_set ||
	    mono_since(now, cc->secret_birth) >= t->cookie_secret_life) {
		rng->fill(rng->ctx, cc->secret, sizeof(cc->secret));
		cc->secret_birth = now;
		cc->secret_set = true;
	}
	if (!handshake_len(len) || cookie_of(cc, src, cookie) != 0)
		goto out;
	rng->fill(rng->ctx, nonce, sizeof(nonce));
	cookie_reply_seal(cc->cookie_key, receiver, nonce, cookie,
	    msg + len - 2 * WG_MAC_LEN, reply);
out:
	sodium_memzero(cookie, sizeof(cookie));
}

void
cookie_maker_init(struct cookie_maker *cm, const struct wg_key *peer_pub)
{
	sodium_memzero(cm, sizeof(*cm));
	label_key(cm->mac1_key, WG_LABEL_MAC1, peer_pub);
	label_key(cm->cookie_key, WG_LABEL_COOKIE, peer_pub);
}

void
cookie_maker_wipe(struct cookie_maker *cm)
{
	sodium_memzero(cm, sizeof(*cm));
}

void
cookie_add_macs(struct cookie_maker *cm, uint8_t *msg, size_t len,
    monotime_t now, const struct wg_timing *t)
{
	size_t off1 = len - 2 * WG_MAC_LEN, off2 = len - WG_MAC_LEN;

	if (!handshake_len(len))
		return;
	if (hash_mac(msg + off1, cm->mac1_key, WG_HASH_LEN, msg, off1) != 0)
		memset(msg + off1, 0, WG_MAC_LEN);
	memcpy(cm->last_mac1, msg + off1, WG_MAC_LEN);
	cm->has_last_mac1 = true;
	if (cm->has_cookie &&
	    mono_since(now, cm->cookie_birth) < t->cookie_life) {
		if (hash_mac(msg + off2, cm->cookie, WG_COOKIE_LEN, msg,
		    off2) != 0)
			memset(msg + off2, 0, WG_MAC_LEN);
	} else
		memset(msg + off2, 0, WG_MAC_LEN);
}

int
cookie_consume_reply(struct cookie_maker *cm, const struct message_cookie *m,
    monotime_t now)
{
	uint8_t cookie[WG_COOKIE_LEN];
	int rc = -1;

	if (!cm->has_last_mac1)
		goto out;
	if (aead_xopen(cookie, cm->cookie_key, m->nonce, m->enc_cookie,
	    sizeof(m->enc_cookie), cm->last_mac1, WG_MAC_LEN) != 0)
		goto out;
	memcpy(cm->cookie, cookie, WG_COOKIE_LEN);
	cm->cookie_birth = now;
	cm->has_cookie = true;
	/* One cookie per mac1 sent, as the kernel does. */
	cm->has_last_mac1 = false;
	rc = 0;
out:
	sodium_memzero(cookie, sizeof(cookie));
	return rc;
}
