/*
 * wgdev.c — the WireGuard device engine: what happens to a datagram that
 * arrives (wgdev_recv), to a payload that leaves (wgdev_send) and when a
 * timer expires (wgdev_tick): the glue between handshake (noise.c),
 * cookies (cookie.c), keypairs (transport.c), timers (timer.c), the
 * staging queue (stage.c) and the index table (table.c).  Lifecycle and
 * configuration are crypto/wgdev_conf.c.
 *
 * Pure: no sockets, no clock, no libevent, no logging.  Datagrams leave
 * through ops.send; time and randomness come in.  Digest section numbers
 * are in brackets; the receive path follows the order of both reference
 * implementations ([4.2], [4.4], [5] "Receiving", [6]).
 */
#include "crypto/wgdev.h"

#include <sodium.h>
#include <string.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/message.h"
#include "crypto/wgdev_impl.h"

/* ------------------------------------------------------------ helpers --- */

static void
emit(struct wgdev *dev, const struct peer *p, enum wgdev_event ev)
{
	if (dev->ops.event != NULL)
		dev->ops.event(dev->ops.ctx,
		    p != NULL ? wgdev_peer_id_of(dev, p) : WGDEV_PEER_NONE, ev);
}

static int
drop(struct wgdev *dev, struct wgdev_rx *rx, enum wgdev_drop why)
{
	dev->drops[why]++;
	if (rx != NULL)
		rx->drop = why;
	return WGDEV_RECV_DROP;
}

static monotime_t
jitter(struct wgdev *dev)
{
	uint32_t r;

	if (dev->timing.jitter_max == 0)
		return 0;
	dev->rng.fill(dev->rng.ctx, &r, sizeof(r));
	return r % (dev->timing.jitter_max + 1);
}

/* A local index not in use: random, attacker-visible [4.1 5]. */
static int
index_alloc(struct wgdev *dev, uint32_t *out)
{
	uint32_t idx;
	unsigned i;

	for (i = 0; i < WG_INDEX_ATTEMPTS; i++) {
		dev->rng.fill(dev->rng.ctx, &idx, sizeof(idx));
		if (!table_get(&dev->index, &idx, NULL)) {
			*out = idx;
			return 0;
		}
	}
	return -1;
}

static void
index_del(struct wgdev *dev, uint32_t idx)
{
	table_del(&dev->index, &idx);
}

static void
index_del_list(struct wgdev *dev, const uint32_t *list, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		index_del(dev, list[i]);
}

static bool
keypair_usable(const struct wgdev *dev, const struct transport_keypair *kp,
    monotime_t now)
{
	return kp != NULL && kp->send_counter < dev->timing.reject_after_messages &&
	    mono_since(now, kp->created) < dev->timing.reject_after_time;
}

/* Roaming [8]: the source of the latest authenticated packet. */
static void
roam_to(struct wgdev *dev, struct peer *p, const struct wg_endpoint *src)
{
	if (endpoint_equal(&p->endpoint, src))
		return;
	p->endpoint = *src;
	emit(dev, p, WGDEV_EV_ENDPOINT_CHANGED);
}

static bool
send_to_peer(struct wgdev *dev, struct peer *p, const uint8_t *pkt, size_t len)
{
	if (!endpoint_is_set(&p->endpoint)) {
		dev->drops[WGDEV_DROP_NO_ENDPOINT]++;
		return false;
	}
	dev->ops.send(dev->ops.ctx, &p->endpoint, pkt, len);
	p->tx_bytes += len;
	return true;
}

/* Drop the handshake in progress and its index. */
void
wgdev_handshake_clear(struct wgdev *dev, struct peer *p)
{
	if (p->noise.state == NOISE_INITIATION_SENT)
		index_del(dev, p->noise.local_index);
	noise_peer_clear_handshake(&p->noise);
}

/* ---------------------------------------------------------- handshake --- */

/*
 * Send a new initiation [4.1], unless one went out less than rekey_timeout
 * ago [7.1].  A retry keeps the attempt count; anything else resets it.
 * Returns true when a new handshake was started.
 */
bool
wgdev_handshake_start(struct wgdev *dev, struct peer *p, struct wg_now now,
    bool retry)
{
	struct message_initiation m;
	uint8_t pkt[WG_INITIATION_LEN], ts[WG_TAI64N_LEN];
	struct wg_key e;
	uint32_t idx, ref = (uint32_t)(p - dev->peers) << 2 | INDEX_HANDSHAKE;
	bool started = false;

	if (!retry)
		timer_event_handshake_started(&p->timers);
	if (p->sent_handshake &&
	    mono_since(now.mono, p->last_sent_handshake) <
	    dev->timing.rekey_timeout)
		return false;
	if (!dev->local.has_key || !p->noise.ss_ok)
		return false;
	wgdev_handshake_clear(dev, p);
	if (index_alloc(dev, &idx) != 0)
		return false;
	p->last_sent_handshake = now.mono;
	p->sent_handshake = true;

	key_generate(&e, &dev->rng);
	noise_tai64n(now.wall > dev->stamp_floor ? now.wall : dev->stamp_floor, ts);
	if (noise_initiation_create(&p->noise, &dev->local, &e, idx, ts, &m) !=
	    NOISE_OK || table_put(&dev->index, &idx, ref) != 0) {
		noise_peer_clear_handshake(&p->noise);
		goto out;
	}
	message_encode_initiation(pkt, &m);
	cookie_add_macs(&p->cookie, pkt, sizeof(pkt), now.mono, &dev->timing);

	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_sent(&p->timers);
	if (send_to_peer(dev, p, pkt, sizeof(pkt)))
		emit(dev, p, WGDEV_EV_INITIATION_SENT);
	timer_event_handshake_initiated(&p->timers, &dev->timing, now.mono,
	    jitter(dev));
	started = true;
out:
	key_wipe(&e);
	sodium_memzero(&m, sizeof(m));
	return started;
}

/* Install a session; returns the keypair storage or -1. */
static int
session_install(struct wgdev *dev, struct peer *p, struct noise_keys *keys,
    uint32_t idx, monotime_t now)
{
	uint32_t dropped[TRANSPORT_SLOTS];
	unsigned n = 0;
	int s;

	s = transport_slots_install(&p->kp, keys, idx, now, dropped, &n);
	index_del_list(dev, dropped, n);
	if (s < 0)
		return -1;
	if (table_put(&dev->index, &idx,
	    (uint32_t)(p - dev->peers) << 2 | (uint32_t)s) != 0) {
		/* Cannot happen (the table holds 4 per peer); undo anyway. */
		uint32_t d[TRANSPORT_SLOTS];
		unsigned nd = 0;

		transport_slots_clear(&p->kp, d, &nd);
		index_del_list(dev, d, nd);
		return -1;
	}
	timer_event_session_derived(&p->timers, &dev->timing, now);
	return s;
}

/* [4.3] Answer a committed initiation. */
static void
respond(struct wgdev *dev, struct peer *p, struct wg_now now)
{
	struct message_response m;
	struct noise_keys keys;
	uint8_t pkt[WG_RESPONSE_LEN];
	struct wg_key e;
	uint32_t idx;

	memset(&keys, 0, sizeof(keys));
	key_wipe(&e);
	p->last_sent_handshake = now.mono;
	p->sent_handshake = true;
	if (index_alloc(dev, &idx) != 0) {
		noise_peer_clear_handshake(&p->noise);
		goto out;
	}
	key_generate(&e, &dev->rng);
	if (noise_response_create(&p->noise, &e, idx, &m, &keys) != NOISE_OK) {
		noise_peer_clear_handshake(&p->noise);
		goto out;
	}
	message_encode_response(pkt, &m);
	cookie_add_macs(&p->cookie, pkt, sizeof(pkt), now.mono, &dev->timing);
	if (session_install(dev, p, &keys, idx, now.mono) < 0)
		goto out;
	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_sent(&p->timers);
	if (send_to_peer(dev, p, pkt, sizeof(pkt)))
		emit(dev, p, WGDEV_EV_RESPONSE_SENT);
out:
	noise_keys_wipe(&keys);
	key_wipe(&e);
}

/* ---------------------------------------------------------- transport --- */

static void keep_key_fresh_sending(struct wgdev *, struct peer *, struct wg_now);

/* Timer events of an encrypted message that went out [7.1]. */
static void
after_send(struct wgdev *dev, struct peer *p, size_t payload_len,
    struct wg_now now)
{
	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_sent(&p->timers);
	/* The jitter (a random draw) only when the timer is armed anew. */
	if (payload_len > 0 && !timer_armed(&p->timers, TIMER_NEW_HANDSHAKE))
		timer_event_data_sent(&p->timers, &dev->timing, now.mono,
		    jitter(dev));
	keep_key_fresh_sending(dev, p, now);
}

static size_t
padded_len(const struct wgdev *dev, size_t len, unsigned flags)
{
	return transport_padded_len(len,
	    (flags & WGDEV_SEND_PAD_MTU) ? dev->mtu : 0);
}

/*
 * Send what is staged with the current keypair, or start the handshake
 * that will release it [5] (wireguard-go's SendStagedPackets).
 */
void
wgdev_staged_flush(struct wgdev *dev, struct peer *p, struct wg_now now)
{
	struct transport_keypair *kp;
	const struct stage_meta *sm;
	uint32_t s;
	size_t out_len;
	uint8_t *buf;

	while ((s = stage_head(&p->staged)) != STAGE_NONE) {
		kp = transport_slot(&p->kp, TRANSPORT_CURRENT);
		if (!keypair_usable(dev, kp, now.mono)) {
			wgdev_handshake_start(dev, p, now, false);
			return;
		}
		sm = stage_meta(&dev->stage, s);
		buf = stage_buf(&dev->stage, s);
		if (transport_encrypt(kp, buf, dev->stage.stride, sm->len,
		    padded_len(dev, sm->len, sm->flags),
		    dev->timing.reject_after_messages, &out_len) != 0) {
			wgdev_handshake_start(dev, p, now, false);
			return;
		}
		send_to_peer(dev, p, buf, out_len);
		stage_pop(&dev->stage, &p->staged);
		after_send(dev, p, out_len - WG_TRANSPORT_MIN_LEN, now);
	}
}

/* Hold a payload (NULL: a keepalive) until p has a session; drops counted. */
static void
hold(struct wgdev *dev, struct peer *p, const uint8_t *payload, size_t len,
    unsigned flags)
{
	unsigned dropped = 0;

	if (stage_push(&dev->stage, &p->staged, payload, len, flags,
	    WG_STAGED_PER_PEER, &dropped) != 0)
		dropped++;
	dev->drops[WGDEV_DROP_STAGE_FULL] += dropped;
}

/* A keepalive: an empty transport message, or a handshake to carry it. */
void
wgdev_keepalive(struct wgdev *dev, struct peer *p, struct wg_now now)
{
	uint8_t pkt[WG_KEEPALIVE_LEN];
	struct transport_keypair *kp = transport_slot(&p->kp, TRANSPORT_CURRENT);
	size_t out_len;

	if (p->staged.count == 0 && keypair_usable(dev, kp, now.mono) &&
	    transport_encrypt(kp, pkt, sizeof(pkt), 0, 0,
	    dev->timing.reject_after_messages, &out_len) == 0) {
		send_to_peer(dev, p, pkt, out_len);
		after_send(dev, p, 0, now);
		return;
	}
	if (p->staged.count == 0)
		hold(dev, p, NULL, 0, 0);
	wgdev_staged_flush(dev, p, now);
}

/* [7.2] After sending: rekey on message count, or on age if we initiated. */
static void
keep_key_fresh_sending(struct wgdev *dev, struct peer *p, struct wg_now now)
{
	struct transport_keypair *kp = transport_slot(&p->kp, TRANSPORT_CURRENT);

	if (kp == NULL)
		return;
	if ((kp->send_counter > dev->timing.rekey_after_messages ||
	    (kp->initiator && mono_since(now.mono, kp->created) >
	    dev->timing.rekey_after_time)) &&
	    wgdev_handshake_start(dev, p, now, false))
		emit(dev, p, WGDEV_EV_REKEY);
}

/* [7.2] After receiving: the initiator's last-minute rekey, once. */
static void
keep_key_fresh_receiving(struct wgdev *dev, struct peer *p, struct wg_now now)
{
	struct transport_keypair *kp = transport_slot(&p->kp, TRANSPORT_CURRENT);
	const struct wg_timing *t = &dev->timing;
	monotime_t margin = t->keepalive_timeout + t->rekey_timeout;
	monotime_t limit = t->reject_after_time > margin ?
	    t->reject_after_time - margin : 0;

	if (p->timers.sent_last_minute || kp == NULL || !kp->initiator)
		return;
	if (mono_since(now.mono, kp->created) > limit) {
		p->timers.sent_last_minute = true;
		if (wgdev_handshake_start(dev, p, now, false))
			emit(dev, p, WGDEV_EV_REKEY);
	}
}

int
wgdev_send(struct wgdev *dev, uint32_t id, uint8_t *pkt, size_t cap,
    size_t len, unsigned flags, struct wg_now now)
{
	struct peer *p = wgdev_peer_of(dev, id);
	struct transport_keypair *kp;
	size_t out_len;

	if (p == NULL)
		return drop(dev, NULL, WGDEV_DROP_NO_PEER);
	if (len > dev->payload_max || cap < WG_TRANSPORT_HDR_LEN + len)
		return drop(dev, NULL, WGDEV_DROP_TOO_BIG);
	kp = transport_slot(&p->kp, TRANSPORT_CURRENT);
	if (p->staged.count == 0 && keypair_usable(dev, kp, now.mono)) {
		if (transport_encrypt(kp, pkt, cap, len,
		    padded_len(dev, len, flags),
		    dev->timing.reject_after_messages, &out_len) != 0)
			return drop(dev, NULL, WGDEV_DROP_TOO_BIG);
		send_to_peer(dev, p, pkt, out_len);
		after_send(dev, p, len, now);
		return WGDEV_SENT;
	}
	/* [5] no usable keypair: queue, and start (or await) a handshake. */
	hold(dev, p, pkt + WG_TRANSPORT_HDR_LEN, len, flags);
	wgdev_staged_flush(dev, p, now);
	return p->staged.count == 0 ? WGDEV_SENT : WGDEV_STAGED;
}

size_t
wgdev_pad16(size_t len)
{
	return transport_padded_len(len, 0) - len;
}

/* ----------------------------------------------------------- receive --- */

/*
 * [4.2 1-2], [4.4 1], [6]: mac1 always; under load, a valid mac2 or a
 * cookie reply, then the per-source rate limit.  Returns 1 to go on,
 * else a wgdev_recv result.
 */
static int
check_macs(struct wgdev *dev, const uint8_t *pkt, size_t len, uint32_t sender,
    const struct wg_endpoint *src, unsigned flags, struct wg_now now,
    struct wgdev_rx *rx)
{
	struct message_cookie reply;
	uint8_t out[WG_COOKIE_REPLY_LEN];

	if (!dev->local.has_key)
		return drop(dev, rx, WGDEV_DROP_NO_KEY);
	if (!cookie_check_mac1(&dev->checker, pkt, len))
		return drop(dev, rx, WGDEV_DROP_MAC1);
	if (!(flags & WGDEV_RECV_UNDER_LOAD))
		return 1;
	if (!cookie_check_mac2(&dev->checker, pkt, len, src, now.mono,
	    &dev->timing)) {
		cookie_create_reply(&dev->checker, pkt, len, sender, src,
		    now.mono, &dev->rng, &dev->timing, &reply);
		message_encode_cookie(out, &reply);
		dev->ops.send(dev->ops.ctx, src, out, sizeof(out));
		emit(dev, NULL, WGDEV_EV_COOKIE_SENT);
		return WGDEV_RECV_DONE;
	}
	if (!ratelimit_allow(&dev->ratelimit, src, now.mono))
		return drop(dev, rx, WGDEV_DROP_RATELIMIT);
	return 1;
}

static int
recv_initiation(struct wgdev *dev, const uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, unsigned flags, struct wg_now now,
    struct wgdev_rx *rx)
{
	struct message_initiation m;
	struct noise_opened o;
	struct peer *p;
	uint32_t slot, old_index = 0;
	bool had_index;
	enum noise_result nr;
	int rc;

	if (!message_decode_initiation(pkt, len, &m))
		return drop(dev, rx, WGDEV_DROP_MALFORMED);
	if ((rc = check_macs(dev, pkt, len, m.sender, src, flags, now, rx)) != 1)
		return rc;
	/* [4.2 3-4] */
	if (noise_initiation_open(&dev->local, &m, &o) != NOISE_OK)
		return drop(dev, rx, WGDEV_DROP_HANDSHAKE);
	if (!table_get(&dev->by_key, o.remote_static.b, &slot)) {
		sodium_memzero(&o, sizeof(o));
		return drop(dev, rx, WGDEV_DROP_UNKNOWN_PEER);
	}
	p = &dev->peers[slot];
	rx->peer = wgdev_peer_id_of(dev, p);
	/* [4.2 5-7]; a handshake we had started is replaced. */
	had_index = p->noise.state == NOISE_INITIATION_SENT;
	if (had_index)
		old_index = p->noise.local_index;
	nr = noise_initiation_accept(&p->noise, &o, &m, now.mono,
	    dev->timing.initiation_min_interval);
	if (nr == NOISE_ERR_REPLAY)
		return drop(dev, rx, WGDEV_DROP_STALE_TIMESTAMP);
	if (nr == NOISE_ERR_FLOOD)
		return drop(dev, rx, WGDEV_DROP_FLOOD);
	if (nr != NOISE_OK)
		return drop(dev, rx, WGDEV_DROP_HANDSHAKE);
	if (had_index)
		index_del(dev, old_index);
	p->rx_bytes += len;
	roam_to(dev, p, src);
	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_received(&p->timers);
	respond(dev, p, now);
	return WGDEV_RECV_DONE;
}

static int
recv_response(struct wgdev *dev, const uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, unsigned flags, struct wg_now now,
    struct wgdev_rx *rx)
{
	struct message_response m;
	struct noise_keys keys;
	struct peer *p;
	uint32_t ref;
	int rc;

	if (!message_decode_response(pkt, len, &m))
		return drop(dev, rx, WGDEV_DROP_MALFORMED);
	if ((rc = check_macs(dev, pkt, len, m.sender, src, flags, now, rx)) != 1)
		return rc;
	/* [4.4 2] */
	if (!table_get(&dev->index, &m.receiver, &ref) ||
	    (ref & 3) != INDEX_HANDSHAKE)
		return drop(dev, rx, WGDEV_DROP_UNKNOWN_INDEX);
	p = &dev->peers[ref >> 2];
	rx->peer = wgdev_peer_id_of(dev, p);
	/* [4.4 3-6] */
	if (noise_response_consume(&p->noise, &dev->local, &m, &keys) !=
	    NOISE_OK)
		return drop(dev, rx, WGDEV_DROP_HANDSHAKE);
	p->rx_bytes += len;
	roam_to(dev, p, src);
	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_received(&p->timers);
	/* The handshake's index passes to the keypair [7.3]. */
	rc = session_install(dev, p, &keys, m.receiver, now.mono);
	noise_keys_wipe(&keys);
	if (rc < 0) {
		index_del(dev, m.receiver);
		return drop(dev, rx, WGDEV_DROP_HANDSHAKE);
	}
	timer_event_handshake_complete(&p->timers);
	p->last_handshake_wall = now.wall;
	emit(dev, p, WGDEV_EV_HANDSHAKE_COMPLETE);
	/* Confirm the session to the responder: data, else a keepalive. */
	wgdev_keepalive(dev, p, now);
	return WGDEV_RECV_DONE;
}

static int
recv_cookie(struct wgdev *dev, const uint8_t *pkt, size_t len,
    struct wg_now now, struct wgdev_rx *rx)
{
	struct message_cookie m;
	struct peer *p;
	uint32_t ref;

	if (!message_decode_cookie(pkt, len, &m))
		return drop(dev, rx, WGDEV_DROP_MALFORMED);
	if (!table_get(&dev->index, &m.receiver, &ref))
		return drop(dev, rx, WGDEV_DROP_UNKNOWN_INDEX);
	p = &dev->peers[ref >> 2];
	rx->peer = wgdev_peer_id_of(dev, p);
	if (cookie_consume_reply(&p->cookie, &m, now.mono) != 0)
		return drop(dev, rx, WGDEV_DROP_COOKIE);
	/* No resend now: the retransmission carries mac2 [6]. */
	emit(dev, p, WGDEV_EV_COOKIE_RECEIVED);
	return WGDEV_RECV_DONE;
}

static int
recv_transport(struct wgdev *dev, uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, struct wg_now now, struct wgdev_rx *rx)
{
	struct message_transport m;
	struct transport_keypair *kp;
	struct peer *p;
	uint32_t ref, dropped[TRANSPORT_SLOTS];
	unsigned n = 0;
	size_t plen;
	int storage;

	/* [5 1] */
	if (!message_decode_transport(pkt, len, &m))
		return drop(dev, rx, WGDEV_DROP_MALFORMED);
	if (!table_get(&dev->index, &m.receiver, &ref) ||
	    (ref & 3) == INDEX_HANDSHAKE)
		return drop(dev, rx, WGDEV_DROP_UNKNOWN_INDEX);
	p = &dev->peers[ref >> 2];
	storage = (int)(ref & 3);
	kp = &p->kp.kp[storage];
	rx->peer = wgdev_peer_id_of(dev, p);
	if (!kp->in_use || kp->local_index != m.receiver)
		return drop(dev, rx, WGDEV_DROP_UNKNOWN_INDEX);
	/* [5 2] */
	if (mono_since(now.mono, kp->created) >= dev->timing.reject_after_time)
		return drop(dev, rx, WGDEV_DROP_EXPIRED);
	/* [5 3] */
	if (transport_decrypt(kp, pkt, len, &m, &plen) != 0)
		return drop(dev, rx, WGDEV_DROP_DECRYPT);
	/* [5 4] only now, so forgeries cannot move the window */
	if (!replay_check(&kp->replay, m.counter,
	    dev->timing.reject_after_messages))
		return drop(dev, rx, WGDEV_DROP_REPLAY);
	/* [5 6] roam first, so released packets go to the new address */
	roam_to(dev, p, src);
	p->rx_bytes += len;
	/* [5 5] the responder's "next" is confirmed [7.3] */
	if (transport_slots_confirm(&p->kp, storage, dropped, &n)) {
		index_del_list(dev, dropped, n);
		timer_event_handshake_complete(&p->timers);
		p->last_handshake_wall = now.wall;
		emit(dev, p, WGDEV_EV_HANDSHAKE_COMPLETE);
		wgdev_staged_flush(dev, p, now);
	}
	keep_key_fresh_receiving(dev, p, now);
	timer_event_authenticated_traversal(&p->timers, now.mono);
	timer_event_authenticated_received(&p->timers);
	/* [5 7] */
	if (plen == 0)
		return WGDEV_RECV_DONE;
	timer_event_data_received(&p->timers, &dev->timing, now.mono);
	rx->off = WG_TRANSPORT_HDR_LEN;
	rx->len = plen;
	return WGDEV_RECV_DATA;
}

int
wgdev_recv(struct wgdev *dev, uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, unsigned flags, struct wg_now now,
    struct wgdev_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->peer = WGDEV_PEER_NONE;
	switch (message_type(pkt, len)) {
	case WG_MSG_INITIATION:
		return recv_initiation(dev, pkt, len, src, flags, now, rx);
	case WG_MSG_RESPONSE:
		return recv_response(dev, pkt, len, src, flags, now, rx);
	case WG_MSG_COOKIE:
		return recv_cookie(dev, pkt, len, now, rx);
	case WG_MSG_TRANSPORT:
		return recv_transport(dev, pkt, len, src, now, rx);
	}
	return drop(dev, rx, WGDEV_DROP_MALFORMED);
}

/* ------------------------------------------------------------- timers --- */

/* Make the keypairs unusable for sending, allow an initiation now
 * (wireguard-go's ExpireCurrentKeypairs). */
void
wgdev_keys_expire(struct wgdev *dev, struct peer *p)
{
	struct transport_keypair *kp;

	wgdev_handshake_clear(dev, p);
	p->sent_handshake = false;
	if ((kp = transport_slot(&p->kp, TRANSPORT_CURRENT)) != NULL)
		kp->send_counter = dev->timing.reject_after_messages;
	if ((kp = transport_slot(&p->kp, TRANSPORT_NEXT)) != NULL)
		kp->send_counter = dev->timing.reject_after_messages;
}

/* Zero key material [7.1]: every keypair, the handshake, the queue. */
void
wgdev_keys_zero(struct wgdev *dev, struct peer *p)
{
	uint32_t dropped[TRANSPORT_SLOTS];
	unsigned n = 0;

	transport_slots_clear(&p->kp, dropped, &n);
	index_del_list(dev, dropped, n);
	wgdev_handshake_clear(dev, p);
	dev->drops[WGDEV_DROP_GAVE_UP] += stage_clear(&dev->stage, &p->staged);
}

monotime_t
wgdev_tick(struct wgdev *dev, struct wg_now now)
{
	struct peer *p;
	unsigned i, run;

	for (i = 0; i < dev->max_peers; i++) {
		p = &dev->peers[i];
		if (!p->used || timer_next(&p->timers) > now.mono)
			continue;
		run = timer_run(&p->timers, &dev->timing, now.mono);
		if (run & TIMER_RUN_ZERO_KEYS) {
			wgdev_keys_zero(dev, p);
			emit(dev, p, WGDEV_EV_KEYS_ZEROED);
		}
		if (run & TIMER_RUN_GIVE_UP) {
			dev->drops[WGDEV_DROP_GAVE_UP] +=
			    stage_clear(&dev->stage, &p->staged);
			emit(dev, p, WGDEV_EV_GIVE_UP);
		}
		if (run & (TIMER_RUN_RETRY_HANDSHAKE | TIMER_RUN_NEW_HANDSHAKE)) {
			/* A new attempt may need another route: forget the
			 * sticky source [8]. */
			p->endpoint.local_family = 0;
			p->endpoint.local_ifindex = 0;
			wgdev_handshake_start(dev, p, now,
			    (run & TIMER_RUN_RETRY_HANDSHAKE) != 0);
		}
		if (run & TIMER_RUN_KEEPALIVE)
			wgdev_keepalive(dev, p, now);
	}
	return wgdev_next_deadline(dev);
}

monotime_t
wgdev_next_deadline(const struct wgdev *dev)
{
	monotime_t next = MONO_NEVER, t;
	unsigned i;

	for (i = 0; i < dev->max_peers; i++) {
		if (!dev->peers[i].used)
			continue;
		t = timer_next(&dev->peers[i].timers);
		if (t < next)
			next = t;
	}
	return next;
}
