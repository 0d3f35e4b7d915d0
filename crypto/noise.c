/*
 * noise.c — Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s as WireGuard uses it.
 *
 * Pure.  Steps are labelled with the digest's numbering ([4.1 3] is step 3
 * of "initiator builds the initiation").  Work happens on local copies of
 * C and H; the peer's state is only written once the whole message has
 * verified, so a forged message never disturbs a handshake in progress.
 * One exit label per function wipes every temporary secret.
 */
#include "crypto/noise.h"

#include <sodium.h>
#include <string.h>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/key.h"

/* C0 = HASH(CONSTRUCTION), H0 = HASH(C0 || IDENTIFIER) [2]; test_wg_noise
 * recomputes both. */
static const uint8_t noise_c0[WG_HASH_LEN] = {
	0x60, 0xe2, 0x6d, 0xae, 0xf3, 0x27, 0xef, 0xc0, 0x2e, 0xc3, 0x35, 0xe2,
	0xa0, 0x25, 0xd2, 0xd0, 0x16, 0xeb, 0x42, 0x06, 0xf8, 0x72, 0x77, 0xf5,
	0x2d, 0x38, 0xd1, 0x98, 0x8b, 0x78, 0xcd, 0x36,
};
static const uint8_t noise_h0[WG_HASH_LEN] = {
	0x22, 0x11, 0xb3, 0x61, 0x08, 0x1a, 0xc5, 0x66, 0x69, 0x12, 0x43, 0xdb,
	0x45, 0x8a, 0xd5, 0x32, 0x2d, 0x9c, 0x6c, 0x66, 0x22, 0x93, 0xe8, 0xb7,
	0x0e, 0xe1, 0x9c, 0x65, 0xba, 0x07, 0x9e, 0xf3,
};

/* C = KDF1(C, x). */
static int
mix_key(uint8_t c[static WG_HASH_LEN], const uint8_t *x, size_t xlen)
{
	uint8_t *out[1] = { c };

	return hash_kdf(out, 1, c, x, xlen);
}

/* (C, k) = KDF2(C, x). */
static int
mix_key2(uint8_t c[static WG_HASH_LEN], uint8_t k[static WG_KEY_LEN],
    const uint8_t *x, size_t xlen)
{
	uint8_t *out[2] = { c, k };

	return hash_kdf(out, 2, c, x, xlen);
}

int
noise_local_set(struct noise_local *l, const struct wg_key *priv)
{
	noise_local_wipe(l);
	if (priv == NULL || key_is_zero(priv))
		return 0;
	l->priv = *priv;
	key_clamp(&l->priv);
	if (key_public(&l->pub, &l->priv) != 0) {
		noise_local_wipe(l);
		return -1;
	}
	l->has_key = true;
	return 0;
}

void
noise_local_wipe(struct noise_local *l)
{
	sodium_memzero(l, sizeof(*l));
}

void
noise_peer_init(struct noise_peer *p, const struct noise_local *l,
    const struct wg_key *remote_static, const struct wg_key *psk)
{
	sodium_memzero(p, sizeof(*p));
	p->remote_static = *remote_static;
	if (psk != NULL)
		p->psk = *psk;
	noise_peer_set_local(p, l);
}

void
noise_peer_set_local(struct noise_peer *p, const struct noise_local *l)
{
	noise_peer_clear_handshake(p);
	p->ss_ok = l->has_key &&
	    key_dh(p->ss, l->priv.b, p->remote_static.b) == 0;
	if (!p->ss_ok)
		sodium_memzero(p->ss, sizeof(p->ss));
}

void
noise_peer_set_psk(struct noise_peer *p, const struct wg_key *psk)
{
	if (psk != NULL)
		p->psk = *psk;
	else
		key_wipe(&p->psk);
}

void
noise_peer_clear_handshake(struct noise_peer *p)
{
	p->state = NOISE_ZERO;
	sodium_memzero(p->chain, sizeof(p->chain));
	sodium_memzero(p->hash, sizeof(p->hash));
	key_wipe(&p->e_priv);
	sodium_memzero(p->remote_e, sizeof(p->remote_e));
	p->local_index = 0;
	p->remote_index = 0;
}

void
noise_peer_wipe(struct noise_peer *p)
{
	sodium_memzero(p, sizeof(*p));
}

void
noise_keys_wipe(struct noise_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

void
noise_tai64n(uint64_t wall_ns, uint8_t out[static WG_TAI64N_LEN])
{
	uint64_t secs = UINT64_C(0x400000000000000a) + wall_ns / WG_WALL_SEC;
	uint32_t ns = (uint32_t)(wall_ns % WG_WALL_SEC) & ~UINT32_C(0xffffff);
	unsigned i;

	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(secs >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(ns >> (24 - 8 * i));
}

/* H = HASH(H0 || S_pub of the responder) [4.1 1, 4.2 3]. */
static int
h_start(uint8_t h[static WG_HASH_LEN], const uint8_t responder[static WG_KEY_LEN])
{
	memcpy(h, noise_h0, WG_HASH_LEN);
	return hash_mix(h, responder, WG_KEY_LEN);
}

enum noise_result
noise_initiation_create(struct noise_peer *p, const struct noise_local *l,
    const struct wg_key *e_priv, uint32_t local_index,
    const uint8_t ts[static WG_TAI64N_LEN], struct message_initiation *m)
{
	uint8_t c[WG_HASH_LEN], h[WG_HASH_LEN], k[WG_KEY_LEN], dh[WG_KEY_LEN];
	struct wg_key e;
	enum noise_result rc = NOISE_ERR_CRYPTO;

	if (!l->has_key || !p->ss_ok) {
		rc = NOISE_ERR_STATE;
		goto out;
	}
	memset(m, 0, sizeof(*m));
	e = *e_priv;
	key_clamp(&e);

	/* [4.1 1] */
	memcpy(c, noise_c0, WG_HASH_LEN);
	if (h_start(h, p->remote_static.b) != 0)
		goto out;
	/* [4.1 2] e */
	if (crypto_scalarmult_curve25519_base(m->ephemeral, e.b) != 0 ||
	    mix_key(c, m->ephemeral, WG_KEY_LEN) != 0 ||
	    hash_mix(h, m->ephemeral, WG_KEY_LEN) != 0)
		goto out;
	/* [4.1 3] es, then s */
	if (key_dh(dh, e.b, p->remote_static.b) != 0 ||
	    mix_key2(c, k, dh, WG_KEY_LEN) != 0)
		goto out;
	aead_seal(m->enc_static, k, 0, l->pub.b, WG_KEY_LEN, h, WG_HASH_LEN);
	if (hash_mix(h, m->enc_static, sizeof(m->enc_static)) != 0)
		goto out;
	/* [4.1 4] ss (precomputed), then the timestamp */
	if (mix_key2(c, k, p->ss, WG_KEY_LEN) != 0)
		goto out;
	aead_seal(m->enc_timestamp, k, 0, ts, WG_TAI64N_LEN, h, WG_HASH_LEN);
	if (hash_mix(h, m->enc_timestamp, sizeof(m->enc_timestamp)) != 0)
		goto out;
	/* [4.1 5] */
	m->sender = local_index;
	/* [4.1 7] keep C, H, Ei_priv, I_i; this replaces any older attempt */
	noise_peer_clear_handshake(p);
	memcpy(p->chain, c, WG_HASH_LEN);
	memcpy(p->hash, h, WG_HASH_LEN);
	p->e_priv = e;
	p->local_index = local_index;
	p->state = NOISE_INITIATION_SENT;
	rc = NOISE_OK;
out:
	sodium_memzero(c, sizeof(c));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(dh, sizeof(dh));
	key_wipe(&e);
	return rc;
}

enum noise_result
noise_initiation_open(const struct noise_local *l,
    const struct message_initiation *m, struct noise_opened *o)
{
	uint8_t k[WG_KEY_LEN], dh[WG_KEY_LEN];
	enum noise_result rc = NOISE_ERR_CRYPTO;

	sodium_memzero(o, sizeof(*o));
	if (!l->has_key) {
		rc = NOISE_ERR_STATE;
		goto out;
	}
	/* [4.2 3] */
	memcpy(o->chain, noise_c0, WG_HASH_LEN);
	if (h_start(o->hash, l->pub.b) != 0 ||
	    mix_key(o->chain, m->ephemeral, WG_KEY_LEN) != 0 ||
	    hash_mix(o->hash, m->ephemeral, WG_KEY_LEN) != 0)
		goto out;
	/* [4.2 4] es, then open s */
	if (key_dh(dh, l->priv.b, m->ephemeral) != 0 ||
	    mix_key2(o->chain, k, dh, WG_KEY_LEN) != 0)
		goto out;
	if (aead_open(o->remote_static.b, k, 0, m->enc_static,
	    sizeof(m->enc_static), o->hash, WG_HASH_LEN) != 0)
		goto out;
	if (hash_mix(o->hash, m->enc_static, sizeof(m->enc_static)) != 0)
		goto out;
	memcpy(o->remote_e, m->ephemeral, WG_KEY_LEN);
	o->sender = m->sender;
	rc = NOISE_OK;
out:
	sodium_memzero(k, sizeof(k));
	sodium_memzero(dh, sizeof(dh));
	if (rc != NOISE_OK)
		sodium_memzero(o, sizeof(*o));
	return rc;
}

enum noise_result
noise_initiation_accept(struct noise_peer *p, struct noise_opened *o,
    const struct message_initiation *m, monotime_t now,
    monotime_t min_interval)
{
	uint8_t k[WG_KEY_LEN], ts[WG_TAI64N_LEN];
	enum noise_result rc = NOISE_ERR_CRYPTO;

	if (!p->ss_ok) {
		rc = NOISE_ERR_STATE;
		goto out;
	}
	/* [4.2 5] ss (precomputed), then open the timestamp */
	if (mix_key2(o->chain, k, p->ss, WG_KEY_LEN) != 0)
		goto out;
	if (aead_open(ts, k, 0, m->enc_timestamp, sizeof(m->enc_timestamp),
	    o->hash, WG_HASH_LEN) != 0)
		goto out;
	if (hash_mix(o->hash, m->enc_timestamp, sizeof(m->enc_timestamp)) != 0)
		goto out;
	/* [4.2 6] strictly newer than anything accepted, and not too soon.
	 * Big-endian seconds then nanoseconds: memcmp orders them. */
	if (memcmp(ts, p->latest_ts, WG_TAI64N_LEN) <= 0) {
		rc = NOISE_ERR_REPLAY;
		goto out;
	}
	if (p->any_initiation &&
	    mono_since(now, p->last_initiation) < min_interval) {
		rc = NOISE_ERR_FLOOD;
		goto out;
	}
	/* [4.2 7] commit */
	noise_peer_clear_handshake(p);
	memcpy(p->chain, o->chain, WG_HASH_LEN);
	memcpy(p->hash, o->hash, WG_HASH_LEN);
	memcpy(p->remote_e, o->remote_e, WG_KEY_LEN);
	p->remote_index = o->sender;
	memcpy(p->latest_ts, ts, WG_TAI64N_LEN);
	p->last_initiation = now;
	p->any_initiation = true;
	p->state = NOISE_INITIATION_CONSUMED;
	rc = NOISE_OK;
out:
	sodium_memzero(k, sizeof(k));
	sodium_memzero(ts, sizeof(ts));
	sodium_memzero(o, sizeof(*o));
	return rc;
}

/* (T1, T2) = KDF2(C, ε) [4.3 7, 4.4 6]. */
static int
derive_keys(const uint8_t c[static WG_HASH_LEN], struct noise_keys *keys,
    bool initiator)
{
	uint8_t *out[2];

	out[0] = initiator ? keys->send : keys->recv;
	out[1] = initiator ? keys->recv : keys->send;
	keys->initiator = initiator;
	return hash_kdf(out, 2, c, NULL, 0);
}

enum noise_result
noise_response_create(struct noise_peer *p, const struct wg_key *e_priv,
    uint32_t local_index, struct message_response *m, struct noise_keys *keys)
{
	uint8_t c[WG_HASH_LEN], h[WG_HASH_LEN], k[WG_KEY_LEN], dh[WG_KEY_LEN];
	uint8_t tau[WG_HASH_LEN];
	uint8_t *out3[3] = { c, tau, k };
	struct wg_key e;
	enum noise_result rc = NOISE_ERR_CRYPTO;

	noise_keys_wipe(keys);
	if (p->state != NOISE_INITIATION_CONSUMED) {
		rc = NOISE_ERR_STATE;
		goto out;
	}
	memset(m, 0, sizeof(*m));
	memcpy(c, p->chain, WG_HASH_LEN);
	memcpy(h, p->hash, WG_HASH_LEN);
	e = *e_priv;
	key_clamp(&e);

	/* [4.3 1] */
	m->sender = local_index;
	m->receiver = p->remote_index;
	/* [4.3 2] e */
	if (crypto_scalarmult_curve25519_base(m->ephemeral, e.b) != 0 ||
	    mix_key(c, m->ephemeral, WG_KEY_LEN) != 0 ||
	    hash_mix(h, m->ephemeral, WG_KEY_LEN) != 0)
		goto out;
	/* [4.3 3] ee, se */
	if (key_dh(dh, e.b, p->remote_e) != 0 ||
	    mix_key(c, dh, WG_KEY_LEN) != 0 ||
	    key_dh(dh, e.b, p->remote_static.b) != 0 ||
	    mix_key(c, dh, WG_KEY_LEN) != 0)
		goto out;
	/* [4.3 4] psk */
	if (hash_kdf(out3, 3, c, p->psk.b, WG_KEY_LEN) != 0 ||
	    hash_mix(h, tau, WG_HASH_LEN) != 0)
		goto out;
	/* [4.3 5] */
	aead_seal(m->enc_empty, k, 0, NULL, 0, h, WG_HASH_LEN);
	if (hash_mix(h, m->enc_empty, sizeof(m->enc_empty)) != 0)
		goto out;
	/* [4.3 7] */
	if (derive_keys(c, keys, false) != 0)
		goto out;
	keys->remote_index = p->remote_index;
	noise_peer_clear_handshake(p);
	rc = NOISE_OK;
out:
	sodium_memzero(c, sizeof(c));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(tau, sizeof(tau));
	key_wipe(&e);
	if (rc != NOISE_OK)
		noise_keys_wipe(keys);
	return rc;
}

enum noise_result
noise_response_consume(struct noise_peer *p, const struct noise_local *l,
    const struct message_response *m, struct noise_keys *keys)
{
	uint8_t c[WG_HASH_LEN], h[WG_HASH_LEN], k[WG_KEY_LEN], dh[WG_KEY_LEN];
	uint8_t tau[WG_HASH_LEN];
	uint8_t *out3[3] = { c, tau, k };
	enum noise_result rc = NOISE_ERR_CRYPTO;

	noise_keys_wipe(keys);
	/* [4.4 2] */
	if (p->state != NOISE_INITIATION_SENT || !l->has_key ||
	    m->receiver != p->local_index) {
		rc = NOISE_ERR_STATE;
		goto out;
	}
	memcpy(c, p->chain, WG_HASH_LEN);
	memcpy(h, p->hash, WG_HASH_LEN);
	/* [4.4 3] e */
	if (mix_key(c, m->ephemeral, WG_KEY_LEN) != 0 ||
	    hash_mix(h, m->ephemeral, WG_KEY_LEN) != 0)
		goto out;
	/* [4.4 4] ee, se */
	if (key_dh(dh, p->e_priv.b, m->ephemeral) != 0 ||
	    mix_key(c, dh, WG_KEY_LEN) != 0 ||
	    key_dh(dh, l->priv.b, m->ephemeral) != 0 ||
	    mix_key(c, dh, WG_KEY_LEN) != 0)
		goto out;
	/* [4.4 5] psk, then the empty payload must authenticate */
	if (hash_kdf(out3, 3, c, p->psk.b, WG_KEY_LEN) != 0 ||
	    hash_mix(h, tau, WG_HASH_LEN) != 0)
		goto out;
	if (aead_open(NULL, k, 0, m->enc_empty, sizeof(m->enc_empty), h,
	    WG_HASH_LEN) != 0)
		goto out;
	if (hash_mix(h, m->enc_empty, sizeof(m->enc_empty)) != 0)
		goto out;
	/* [4.4 6] */
	if (derive_keys(c, keys, true) != 0)
		goto out;
	keys->remote_index = m->sender;
	noise_peer_clear_handshake(p);
	rc = NOISE_OK;
out:
	sodium_memzero(c, sizeof(c));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(tau, sizeof(tau));
	if (rc != NOISE_OK)
		noise_keys_wipe(keys);
	return rc;
}
