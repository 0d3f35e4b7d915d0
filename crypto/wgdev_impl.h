/*
 * wgdev_impl.h — private to crypto/wgdev.c (the engine: receive, send,
 * handshakes, timers) and crypto/wgdev_conf.c (lifecycle, configuration,
 * queries): the device and peer structs, and the engine entry points the
 * configuration side calls.  Nothing else includes it.  Pure.
 */
#ifndef CRYPTO_WGDEV_IMPL_H
#define CRYPTO_WGDEV_IMPL_H

#include "crypto/cookie.h"
#include "crypto/noise.h"
#include "crypto/ratelimit.h"
#include "crypto/stage.h"
#include "crypto/table.h"
#include "crypto/timer.h"
#include "crypto/transport.h"
#include "crypto/wgdev.h"

/*
 * Every local index ([7.3]: one per handshake in progress and one per
 * keypair) is in dev->index, a keyed hash table, mapped to
 * (peer slot << 2 | kind): kind 0-2 is the keypair storage of the peer,
 * INDEX_HANDSHAKE the handshake.  Peers are found by public key in
 * dev->by_key, also keyed (the key comes out of an initiation).  A peer
 * handle is (generation << 16 | slot).
 */
#define INDEX_HANDSHAKE		3
#define PEER_SLOT(id)		((id) & 0xffffu)
#define PEER_GEN(id)		((id) >> 16)
#define WGDEV_DEFAULT_PEERS	64

struct peer {
	bool		used;
	uint16_t	gen;
	struct wg_key	public_key;
	struct noise_peer noise;
	struct cookie_maker cookie;
	struct transport_slots kp;
	struct timer_state timers;
	struct wg_endpoint endpoint;
	uint64_t	rx_bytes;
	uint64_t	tx_bytes;
	uint64_t	last_handshake_wall;
	monotime_t	last_sent_handshake;
	bool		sent_handshake;		/* last_sent_handshake valid */
	struct stage_queue staged;
	unsigned	nallowed;
	struct wg_prefix allowed[WG_ALLOWED_IPS_MAX];
	void		*user;
};

struct wgdev {
	struct noise_local local;
	struct cookie_checker checker;
	struct ratelimit ratelimit;
	struct table	index;		/* u32 local index -> slot<<2|kind */
	struct table	by_key;		/* public key -> slot */
	struct peer	*peers;
	unsigned	max_peers;
	unsigned	npeers;
	struct stage_pool stage;
	struct wg_timing timing;
	struct wg_rng	rng;
	struct wgdev_ops ops;
	size_t		mtu;
	size_t		payload_max;
	uint16_t	listen_port;
	uint32_t	fwmark;
	uint64_t	stamp_floor;	/* wall ns: no initiation's TAI64N below it */
	uint64_t	drops[WGDEV_DROP_COUNT];
};

static inline uint32_t
wgdev_peer_id_of(const struct wgdev *dev, const struct peer *p)
{
	return (uint32_t)p->gen << 16 | (uint32_t)(p - dev->peers);
}

static inline struct peer *
wgdev_peer_of(const struct wgdev *dev, uint32_t id)
{
	struct peer *p;

	if (id == WGDEV_PEER_NONE || PEER_SLOT(id) >= dev->max_peers)
		return NULL;
	p = &dev->peers[PEER_SLOT(id)];
	return p->used && p->gen == PEER_GEN(id) ? p : NULL;
}

/* Engine entry points (crypto/wgdev.c) used by crypto/wgdev_conf.c. */
bool	wgdev_handshake_start(struct wgdev *, struct peer *, struct wg_now,
	    bool retry);
void	wgdev_handshake_clear(struct wgdev *, struct peer *);
void	wgdev_keepalive(struct wgdev *, struct peer *, struct wg_now);
void	wgdev_staged_flush(struct wgdev *, struct peer *, struct wg_now);
void	wgdev_keys_zero(struct wgdev *, struct peer *);
void	wgdev_keys_expire(struct wgdev *, struct peer *);

#endif /* CRYPTO_WGDEV_IMPL_H */
