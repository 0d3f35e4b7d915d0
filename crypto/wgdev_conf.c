/*
 * wgdev_conf.c — a WireGuard device's lifecycle and configuration: create
 * and free, our key, listen port and fwmark, peers (add, find, remove,
 * iterate), their preshared key, endpoint, persistent keepalive and
 * allowed IPs, what the UAPI and logs show of them, and the names of drop
 * reasons and events.  The engine itself is crypto/wgdev.c.
 *
 * Pure but for the allocations of wgdev_new.
 */
#include "crypto/wgdev.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/wgdev_impl.h"

/* ---------------------------------------------------------- lifecycle --- */

struct wgdev *
wgdev_new(const struct wgdev_config *cfg)
{
	struct wgdev *dev;
	unsigned i;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL)
		return NULL;
	dev->rng = cfg->rng.fill != NULL ? cfg->rng : wg_rng_default;
	dev->timing = cfg->timing != NULL ? *cfg->timing : wg_timing_default;
	dev->ops = cfg->ops;
	dev->max_peers = cfg->max_peers ? cfg->max_peers : WGDEV_DEFAULT_PEERS;
	dev->mtu = cfg->mtu ? cfg->mtu : WG_MTU_DEFAULT;
	dev->payload_max = cfg->payload_max ? cfg->payload_max : dev->mtu;
	if (dev->ops.send == NULL || dev->max_peers > WG_PEER_MAX ||
	    dev->payload_max > WG_PAYLOAD_MAX || dev->mtu > WG_PAYLOAD_MAX)
		goto bad;
	dev->peers = calloc(dev->max_peers, sizeof(*dev->peers));
	if (dev->peers == NULL ||
	    table_init(&dev->index, 4 * (size_t)dev->max_peers,
	    sizeof(uint32_t), &dev->rng) != 0 ||
	    table_init(&dev->by_key, dev->max_peers, WG_KEY_LEN, &dev->rng) != 0 ||
	    stage_init(&dev->stage, cfg->stage_slots ? cfg->stage_slots :
	    WG_STAGE_POOL_DEFAULT, dev->payload_max) != 0)
		goto bad;
	for (i = 0; i < dev->max_peers; i++)
		stage_queue_init(&dev->peers[i].staged);
	ratelimit_init(&dev->ratelimit, &dev->rng);
	cookie_checker_init(&dev->checker, NULL);
	if (noise_local_set(&dev->local, cfg->private_key) != 0)
		goto bad;
	if (dev->local.has_key)
		cookie_checker_init(&dev->checker, &dev->local.pub);
	return dev;
bad:
	wgdev_free(dev);
	return NULL;
}

static void
free_peer(struct wgdev *dev, struct peer *p)
{
	uint16_t gen = p->gen;

	stage_clear(&dev->stage, &p->staged);	/* removed, not dropped */
	wgdev_keys_zero(dev, p);
	table_del(&dev->by_key, p->public_key.b);
	sodium_memzero(p, sizeof(*p));
	stage_queue_init(&p->staged);
	p->gen = (uint16_t)(gen + 1);
	dev->npeers--;
}

void
wgdev_free(struct wgdev *dev)
{
	unsigned i;

	if (dev == NULL)
		return;
	if (dev->peers != NULL) {
		for (i = 0; i < dev->max_peers; i++)
			if (dev->peers[i].used)
				free_peer(dev, &dev->peers[i]);
		sodium_memzero(dev->peers, dev->max_peers * sizeof(*dev->peers));
		free(dev->peers);
	}
	table_free(&dev->index);
	table_free(&dev->by_key);
	stage_free(&dev->stage);
	sodium_memzero(dev, sizeof(*dev));
	free(dev);
}

/* ------------------------------------------------------ configuration --- */

int
wgdev_set_private_key(struct wgdev *dev, const struct wg_key *priv,
    struct wg_now now)
{
	struct noise_local l;
	uint32_t slot;
	unsigned i;

	(void)now;
	memset(&l, 0, sizeof(l));
	if (noise_local_set(&l, priv) != 0)
		return -1;
	if (l.has_key == dev->local.has_key &&
	    (!l.has_key || key_equal(&l.priv, &dev->local.priv))) {
		noise_local_wipe(&l);
		return 0;
	}
	/* A peer with our new public key cannot be a peer [10]. */
	if (l.has_key && table_get(&dev->by_key, l.pub.b, &slot))
		free_peer(dev, &dev->peers[slot]);
	dev->local = l;
	noise_local_wipe(&l);
	cookie_checker_init(&dev->checker,
	    dev->local.has_key ? &dev->local.pub : NULL);
	for (i = 0; i < dev->max_peers; i++) {
		struct peer *p = &dev->peers[i];

		if (!p->used)
			continue;
		wgdev_handshake_clear(dev, p);
		noise_peer_set_local(&p->noise, &dev->local);
		wgdev_keys_expire(dev, p);
	}
	return 0;
}

bool
wgdev_private_key(const struct wgdev *dev, struct wg_key *priv)
{
	if (!dev->local.has_key)
		return false;
	*priv = dev->local.priv;
	return true;
}

bool
wgdev_public_key(const struct wgdev *dev, struct wg_key *pub)
{
	if (!dev->local.has_key)
		return false;
	*pub = dev->local.pub;
	return true;
}

void
wgdev_set_listen_port(struct wgdev *dev, uint16_t port)
{
	dev->listen_port = port;
}

uint16_t
wgdev_listen_port(const struct wgdev *dev)
{
	return dev->listen_port;
}

void
wgdev_set_fwmark(struct wgdev *dev, uint32_t mark)
{
	dev->fwmark = mark;
}

uint32_t
wgdev_fwmark(const struct wgdev *dev)
{
	return dev->fwmark;
}

void
wgdev_set_stamp_floor(struct wgdev *dev, uint64_t wall_ns)
{
	dev->stamp_floor = wall_ns;
}

int
wgdev_peer_add(struct wgdev *dev, const struct wg_key *pub, uint32_t *id)
{
	struct peer *p = NULL;
	unsigned i;

	if (key_is_zero(pub) || table_get(&dev->by_key, pub->b, NULL) ||
	    (dev->local.has_key && key_equal(pub, &dev->local.pub)))
		return -1;
	for (i = 0; i < dev->max_peers; i++)
		if (!dev->peers[i].used) {
			p = &dev->peers[i];
			break;
		}
	if (p == NULL || table_put(&dev->by_key, pub->b, i) != 0)
		return -1;
	p->used = true;
	p->public_key = *pub;
	noise_peer_init(&p->noise, &dev->local, pub, NULL);
	cookie_maker_init(&p->cookie, pub);
	transport_slots_init(&p->kp);
	timer_init(&p->timers);
	endpoint_clear(&p->endpoint);
	stage_queue_init(&p->staged);
	dev->npeers++;
	*id = wgdev_peer_id_of(dev, p);
	return 0;
}

bool
wgdev_peer_find(const struct wgdev *dev, const struct wg_key *pub, uint32_t *id)
{
	uint32_t slot;

	if (!table_get(&dev->by_key, pub->b, &slot))
		return false;
	*id = wgdev_peer_id_of(dev, &dev->peers[slot]);
	return true;
}

void
wgdev_peer_remove(struct wgdev *dev, uint32_t id)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p != NULL)
		free_peer(dev, p);
}

void
wgdev_peer_remove_all(struct wgdev *dev)
{
	unsigned i;

	for (i = 0; i < dev->max_peers; i++)
		if (dev->peers[i].used)
			free_peer(dev, &dev->peers[i]);
}

bool
wgdev_peer_next(const struct wgdev *dev, uint32_t *cursor, uint32_t *id)
{
	while (*cursor < dev->max_peers) {
		const struct peer *p = &dev->peers[(*cursor)++];

		if (p->used) {
			*id = wgdev_peer_id_of(dev, p);
			return true;
		}
	}
	return false;
}

unsigned
wgdev_peer_count(const struct wgdev *dev)
{
	return dev->npeers;
}

unsigned
wgdev_peer_capacity(const struct wgdev *dev)
{
	return dev->max_peers;
}

int
wgdev_peer_set_psk(struct wgdev *dev, uint32_t id, const struct wg_key *psk)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL)
		return -1;
	noise_peer_set_psk(&p->noise, psk != NULL && !key_is_zero(psk) ?
	    psk : NULL);
	return 0;
}

int
wgdev_peer_set_endpoint(struct wgdev *dev, uint32_t id,
    const struct wg_endpoint *ep)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL || !endpoint_is_set(ep))
		return -1;
	p->endpoint = *ep;
	return 0;
}

int
wgdev_peer_set_keepalive(struct wgdev *dev, uint32_t id, uint16_t secs,
    struct wg_now now)
{
	struct peer *p = wgdev_peer_of(dev, id);
	bool turned_on;

	if (p == NULL)
		return -1;
	turned_on = p->timers.persistent_interval == 0 && secs != 0;
	timer_set_persistent(&p->timers, secs, now.mono);
	if (turned_on && endpoint_is_set(&p->endpoint))
		wgdev_keepalive(dev, p, now);
	return 0;
}

static bool
prefix_equal(const struct wg_prefix *a, const struct wg_prefix *b)
{
	return a->family == b->family && a->cidr == b->cidr &&
	    memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

int
wgdev_peer_clear_allowed(struct wgdev *dev, uint32_t id)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL)
		return -1;
	p->nallowed = 0;
	return 0;
}

int
wgdev_peer_add_allowed(struct wgdev *dev, uint32_t id,
    const struct wg_prefix *pfx)
{
	struct peer *p = wgdev_peer_of(dev, id);
	unsigned i, j;

	if (p == NULL)
		return -1;
	/* A prefix belongs to one peer: adding it moves it, as in wg. */
	for (i = 0; i < dev->max_peers; i++) {
		struct peer *o = &dev->peers[i];

		if (!o->used)
			continue;
		for (j = 0; j < o->nallowed; j++)
			if (prefix_equal(&o->allowed[j], pfx)) {
				if (o == p)
					return 0;
				o->allowed[j] = o->allowed[--o->nallowed];
				break;
			}
	}
	if (p->nallowed == WG_ALLOWED_IPS_MAX)
		return -1;
	p->allowed[p->nallowed++] = *pfx;
	return 0;
}

int
wgdev_peer_remove_allowed(struct wgdev *dev, uint32_t id,
    const struct wg_prefix *pfx)
{
	struct peer *p = wgdev_peer_of(dev, id);
	unsigned i;

	if (p == NULL)
		return -1;
	for (i = 0; i < p->nallowed; i++)
		if (prefix_equal(&p->allowed[i], pfx)) {
			p->allowed[i] = p->allowed[--p->nallowed];
			break;
		}
	return 0;
}

int
wgdev_peer_info(const struct wgdev *dev, uint32_t id,
    struct wgdev_peer_info *info)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL)
		return -1;
	memset(info, 0, sizeof(*info));
	info->public_key = p->public_key;
	info->psk = p->noise.psk;
	info->endpoint = p->endpoint;
	info->rx_bytes = p->rx_bytes;
	info->tx_bytes = p->tx_bytes;
	info->last_handshake_wall = p->last_handshake_wall;
	info->keepalive = p->timers.persistent_interval;
	info->nallowed = p->nallowed;
	memcpy(info->allowed, p->allowed, p->nallowed * sizeof(p->allowed[0]));
	info->nstaged = p->staged.count;
	info->has_session = p->kp.slot[TRANSPORT_CURRENT] >= 0;
	return 0;
}

void
wgdev_peer_set_user(struct wgdev *dev, uint32_t id, void *user)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p != NULL)
		p->user = user;
}

void *
wgdev_peer_user(const struct wgdev *dev, uint32_t id)
{
	struct peer *p = wgdev_peer_of(dev, id);

	return p != NULL ? p->user : NULL;
}

int
wgdev_peer_initiate(struct wgdev *dev, uint32_t id, struct wg_now now)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL)
		return -1;
	wgdev_handshake_start(dev, p, now, false);
	return 0;
}

int
wgdev_peer_expire(struct wgdev *dev, uint32_t id, struct wg_now now)
{
	struct peer *p = wgdev_peer_of(dev, id);

	(void)now;
	if (p == NULL)
		return -1;
	wgdev_keys_expire(dev, p);
	return 0;
}

int
wgdev_peer_flush(struct wgdev *dev, uint32_t id, struct wg_now now)
{
	struct peer *p = wgdev_peer_of(dev, id);

	if (p == NULL)
		return -1;
	if (p->staged.count > 0)
		wgdev_staged_flush(dev, p, now);
	return 0;
}

static bool
prefix_match(const struct wg_prefix *pfx, int family, const uint8_t *addr)
{
	unsigned full = pfx->cidr / 8, rest = pfx->cidr % 8;

	if (pfx->family != family)
		return false;
	if (memcmp(pfx->addr, addr, full) != 0)
		return false;
	return rest == 0 ||
	    ((pfx->addr[full] ^ addr[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

bool
wgdev_peer_for_addr(const struct wgdev *dev, int family, const uint8_t *addr,
    uint32_t *id)
{
	const struct peer *best = NULL;
	int best_cidr = -1;
	unsigned i, j;

	for (i = 0; i < dev->max_peers; i++) {
		const struct peer *p = &dev->peers[i];

		if (!p->used)
			continue;
		for (j = 0; j < p->nallowed; j++)
			if (p->allowed[j].cidr > best_cidr &&
			    prefix_match(&p->allowed[j], family, addr)) {
				best = p;
				best_cidr = p->allowed[j].cidr;
			}
	}
	if (best == NULL)
		return false;
	*id = wgdev_peer_id_of(dev, best);
	return true;
}

uint64_t
wgdev_drops(const struct wgdev *dev, enum wgdev_drop why)
{
	return (unsigned)why < WGDEV_DROP_COUNT ? dev->drops[why] : 0;
}

const char *
wgdev_drop_str(enum wgdev_drop why)
{
	static const char *const s[WGDEV_DROP_COUNT] = {
		[WGDEV_DROP_NONE] = "none",
		[WGDEV_DROP_MALFORMED] = "malformed",
		[WGDEV_DROP_NO_KEY] = "no-private-key",
		[WGDEV_DROP_MAC1] = "bad-mac1",
		[WGDEV_DROP_RATELIMIT] = "rate-limited",
		[WGDEV_DROP_HANDSHAKE] = "handshake-auth",
		[WGDEV_DROP_UNKNOWN_PEER] = "unknown-peer",
		[WGDEV_DROP_STALE_TIMESTAMP] = "replayed-initiation",
		[WGDEV_DROP_FLOOD] = "initiation-flood",
		[WGDEV_DROP_UNKNOWN_INDEX] = "unknown-index",
		[WGDEV_DROP_COOKIE] = "bad-cookie-reply",
		[WGDEV_DROP_EXPIRED] = "keypair-expired",
		[WGDEV_DROP_DECRYPT] = "decrypt",
		[WGDEV_DROP_REPLAY] = "replay",
		[WGDEV_DROP_NO_ENDPOINT] = "no-endpoint",
		[WGDEV_DROP_TOO_BIG] = "too-big",
		[WGDEV_DROP_STAGE_FULL] = "staging-full",
		[WGDEV_DROP_GAVE_UP] = "handshake-gave-up",
		[WGDEV_DROP_NO_PEER] = "no-such-peer",
	};

	return (unsigned)why < WGDEV_DROP_COUNT ? s[why] : "?";
}

const char *
wgdev_event_str(enum wgdev_event ev)
{
	static const char *const s[WGDEV_EV_COUNT] = {
		[WGDEV_EV_INITIATION_SENT] = "handshake initiation sent",
		[WGDEV_EV_RESPONSE_SENT] = "handshake response sent",
		[WGDEV_EV_HANDSHAKE_COMPLETE] = "handshake complete",
		[WGDEV_EV_COOKIE_SENT] = "cookie reply sent (under load)",
		[WGDEV_EV_COOKIE_RECEIVED] = "cookie reply received",
		[WGDEV_EV_ENDPOINT_CHANGED] = "endpoint changed",
		[WGDEV_EV_GIVE_UP] = "handshake retries exhausted",
		[WGDEV_EV_KEYS_ZEROED] = "key material zeroed",
		[WGDEV_EV_REKEY] = "rekey started",
	};

	return (unsigned)ev < WGDEV_EV_COUNT ? s[ev] : "?";
}
