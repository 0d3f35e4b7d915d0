/*
 * peer.c — the peers of a proxy: for each, a tunnel (a handle of the
 * WireGuard-protocol device) and a member slot of the bridge in proxy
 * mode, kept in step.  Here: the peers of a configuration applied at
 * start and at reload (added, removed, changed: keys, endpoint, keepalive,
 * VAN pairs, limits), the device's events logged with the peer's name,
 * `show peers` (and the peers of `show graph`), and the wg UAPI (`wg
 * show NAME`, `wg set NAME`).
 *
 * The map: d->peers is indexed by bridge member slot; the device keeps a
 * pointer to the entry (wgdev_peer_set_user), so a decrypted message
 * finds its slot without a lookup.
 *
 * `wg set` policy (docs/proxy.md §7): the configuration owns who the
 * peers are and what they carry, so a request that would add or remove a
 * peer, change a key (private or preshared), the listen port, the fwmark
 * or allowed IPs is refused whole with EPERM (`wg` prints "Operation not
 * permitted"), and logged; endpoint and persistent keepalive of a
 * configured peer may change at run time (until a reload changes them in
 * the file).  So the bridge and the device always hold the same peers.
 *
 * Not here: moving packets (datapath.c), the configuration's syntax
 * (conf.c), the protocol (crypto/).
 */
#include "proxy/proxyd_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/uapi.h"
#include "crypto/wgdev_uapi.h"
#include "edge/rim/clock.h"
#include "edge/rim/show.h"
#include "edge/van/mtu.h"

/* -------------------------------------------------------------- lookup --- */

static struct proxyd_peer *
peer_by_name(struct proxyd *d, const char *name, uint32_t *slot)
{
	uint32_t m;

	for (m = 0; m < d->size.member_max; m++)
		if (d->peers[m].used && strcmp(d->peers[m].name, name) == 0) {
			*slot = m;
			return &d->peers[m];
		}
	return NULL;
}

static struct proxyd_peer *
peer_by_handle(struct proxyd *d, uint32_t handle)
{
	struct proxyd_peer *p;

	if (handle == WGDEV_PEER_NONE)
		return NULL;
	p = wgdev_peer_user(d->dev, handle);
	return p != NULL && p->used && p->handle == handle ? p : NULL;
}

const char *
peer_member_name(void *arg, uint32_t m)
{
	struct proxyd *d = arg;

	return m < d->size.member_max && d->peers[m].used ? d->peers[m].label : NULL;
}

/* ----------------------------------------------------------- add, del --- */

static void
peer_del(struct proxyd *d, uint32_t m, monotime_t now)
{
	struct proxyd_peer *p = &d->peers[m];

	log_info("peer %s removed", p->name);
	bridge_peer_del(d->br, d->out, m, now);
	wgdev_peer_remove(d->dev, p->handle);
	memset(p, 0, sizeof(*p));
}

/*
 * The largest frame the peer's tunnel carries: tunnel_mtu less the
 * tunnel's overhead over the peer's address family (IPv4, an IPv4-mapped
 * address included, or IPv6; not known yet: IPv6 unless the tunnel socket
 * is IPv4 only).
 */
void
peer_frame_max(struct proxyd *d, uint32_t m)
{
	struct wgdev_peer_info info;
	bool v6 = !d->tunnel_v4;

	if (!d->peers[m].used)
		return;
	if (wgdev_peer_info(d->dev, d->peers[m].handle, &info) == 0) {
		if (info.endpoint.addr.sa.sa_family == AF_INET)
			v6 = false;
		else if (info.endpoint.addr.sa.sa_family == AF_INET6)
			v6 = !IN6_IS_ADDR_V4MAPPED(&info.endpoint.addr.in6.sin6_addr);
		sodium_memzero(&info, sizeof(info));
	}
	bridge_peer_frame_max(d->br, m,
	    (uint32_t)mtu_tunnel_frame_max(d->tunnel_mtu, v6));
}

static void
peer_set_endpoint(struct proxyd *d, struct proxyd_peer *p, const struct proxy_peer *cp)
{
	struct wg_endpoint none;

	endpoint_clear(&none);
	wgdev_peer_set_endpoint(d->dev, p->handle, cp->has_endpoint ? &cp->endpoint :
	    &none);
	p->remote = cp->has_endpoint ? cp->endpoint : none;
	peer_frame_max(d, (uint32_t)(p - d->peers));
}

static void
peer_set_psk(struct proxyd *d, struct proxyd_peer *p, const struct proxy_peer *cp)
{
	struct wg_key zero;

	memset(&zero, 0, sizeof(zero));
	wgdev_peer_set_psk(d->dev, p->handle, cp->has_psk ? &cp->psk : &zero);
}

/* Map the pairs of cp that the bridge does not have yet. */
static void
peer_map(struct proxyd *d, uint32_t m, const struct proxy_peer *cp, monotime_t now)
{
	const char *e;
	unsigned i;

	for (i = 0; i < cp->npairs; i++) {
		const struct proxy_pair *x = &cp->pairs[i];

		if (bridge_peer_van(d->br, m, x->local) == x->remote)
			continue;
		if (bridge_peer_map(d->br, d->out, m, x->local, x->remote, now, &e) == -1)
			log_err("peer %s: our VAN %u as its VAN %u: %s", cp->name, x->local,
			    x->remote, e);
		else
			log_info("peer %s: our VAN %u is its VAN %u", cp->name, x->local,
			    x->remote);
	}
}

static void
peer_add(struct proxyd *d, const struct proxy_peer *cp, struct wg_now wnow)
{
	monotime_t now = wnow.mono;
	struct proxyd_peer *p;
	uint32_t handle;
	const char *e;
	int slot;

	if (wgdev_peer_add(d->dev, &cp->public_key, &handle) == -1) {
		log_err("peer %s: the tunnel device refuses it (full: at most %u peers)",
		    cp->name, wgdev_peer_capacity(d->dev));
		return;
	}
	if ((slot = bridge_peer_add(d->br, now, &e)) < 0) {
		log_err("peer %s: %s", cp->name, e);
		wgdev_peer_remove(d->dev, handle);
		return;
	}
	p = &d->peers[slot];
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->handle = handle;
	snprintf(p->name, sizeof(p->name), "%s", cp->name);
	snprintf(p->label, sizeof(p->label), "peer %s", cp->name);
	wgdev_peer_set_user(d->dev, handle, p);
	peer_set_psk(d, p, cp);
	peer_set_endpoint(d, p, cp);
	bridge_peer_limits(d->br, (uint32_t)slot, cp->macs, cp->flood_rate,
	    cp->learn_rate);
	(void)bridge_peer_claims(d->br, (uint32_t)slot, cp->claims);
	log_info("peer %s added (%s)", cp->name, cp->has_endpoint ?
	    cp->endpoint_text : "no endpoint: it calls us");
	/* A tree tunnel's or a standby peer's pairs: heal's to map (§13). */
	if (cp->tunnel == 0 && cp->ncovers == 0)
		peer_map(d, (uint32_t)slot, cp, now);
	/* Turning it on sends a keepalive: a handshake at once. */
	if (cp->keepalive != 0)
		wgdev_peer_set_keepalive(d->dev, handle, cp->keepalive, wnow);
}

/*
 * Peers that go (not in conf, or another public key: a new tunnel), and
 * pairs that go from the peers that stay.  Before the VANs change.
 */
void
peer_apply_remove(struct proxyd *d, const struct proxy_conf *conf)
{
	monotime_t now = clock_mono();
	uint32_t m, v;

	for (m = 0; m < d->size.member_max; m++) {
		struct proxyd_peer *p = &d->peers[m];
		const struct proxy_peer *cp;
		struct wgdev_peer_info info;
		bool same;

		if (!p->used)
			continue;
		cp = proxy_conf_peer(conf, p->name);
		same = cp != NULL && wgdev_peer_info(d->dev, p->handle, &info) == 0 &&
		    key_equal(&info.public_key, &cp->public_key);
		sodium_memzero(&info, sizeof(info));
		if (!same) {
			peer_del(d, m, now);
			continue;
		}
		for (v = 0; v < d->size.van_max; v++) {
			uint32_t id = bridge_van_id(d->br, v), theirs;

			if (id == 0 || (theirs = bridge_peer_van(d->br, m, id)) == 0 ||
			    proxy_peer_remote(cp, id) == theirs)
				continue;
			bridge_peer_unmap(d->br, d->out, m, id, now);
			log_info("peer %s: VAN %u (its %u) no longer crosses", p->name, id,
			    theirs);
		}
	}
}

/*
 * Peers that come, and what changed for those that stay (compared with the
 * old file: run-time changes by `wg set` or roaming stay until the file
 * changes that setting).  After the VANs changed.
 */
void
peer_apply_add(struct proxyd *d, const struct proxy_conf *old,
    const struct proxy_conf *conf)
{
	struct wg_now wnow = clock_wg_now();
	unsigned i;

	for (i = 0; i < conf->npeers; i++) {
		const struct proxy_peer *cp = &conf->peers[i], *op;
		struct proxyd_peer *p;
		uint32_t m;

		if ((p = peer_by_name(d, cp->name, &m)) == NULL) {
			peer_add(d, cp, wnow);
			continue;
		}
		op = old != NULL ? proxy_conf_peer(old, cp->name) : NULL;
		if (op == NULL || op->has_psk != cp->has_psk ||
		    sodium_memcmp(&op->psk, &cp->psk, sizeof(cp->psk)) != 0) {
			peer_set_psk(d, p, cp);
			log_info("peer %s: preshared key %s", cp->name, cp->has_psk ?
			    "changed" : "removed");
		}
		if (op == NULL || op->has_endpoint != cp->has_endpoint ||
		    strcmp(op->endpoint_text, cp->endpoint_text) != 0 ||
		    !endpoint_equal(&op->endpoint, &cp->endpoint)) {
			peer_set_endpoint(d, p, cp);
			log_info("peer %s: endpoint %s", cp->name, cp->has_endpoint ?
			    cp->endpoint_text : "removed");
		}
		if (op == NULL || op->keepalive != cp->keepalive)
			wgdev_peer_set_keepalive(d->dev, p->handle, cp->keepalive, wnow);
		bridge_peer_limits(d->br, m, cp->macs, cp->flood_rate, cp->learn_rate);
		(void)bridge_peer_claims(d->br, m, cp->claims);
		if ((cp->tunnel == 0 && cp->ncovers == 0) ||
		    (d->heal != NULL && heal_carries(d->heal, m)))
			peer_map(d, m, cp, wnow.mono);
	}
}

/* ---------------------------------------------------------------- heal --- */

/* Tunnels that heal themselves (§13, proxy/heal.h): heal's ops. */
static monotime_t
heal_heard(void *arg, uint32_t m, bool *alive)
{
	struct proxyd *d = arg;
	struct bridge_member_view mv;

	*alive = false;
	if (!bridge_member_view(d->br, m, &mv))
		return 0;
	*alive = mv.state == MEMBER_ALIVE;
	return mv.last_hello;
}

static void
heal_map(void *arg, uint32_t m, bool on)
{
	struct proxyd *d = arg;
	monotime_t now = clock_mono();
	const struct proxy_peer *cp;
	uint32_t v;

	if (m >= d->size.member_max || !d->peers[m].used)
		return;
	if (on) {
		if ((cp = proxy_conf_peer(d->heal_conf, d->peers[m].name)) != NULL) {
			peer_map(d, m, cp, now);
			bridge_peer_resync(d->br, d->out, m);
		}
		return;
	}
	/* The routes through it go, and the other peers are told (UNLEARN). */
	for (v = 0; v < d->size.van_max; v++) {
		uint32_t id = bridge_van_id(d->br, v);

		if (id != 0 && bridge_peer_van(d->br, m, id) != 0)
			bridge_peer_unmap(d->br, d->out, m, id, now);
	}
}

static void
heal_send(void *arg, uint32_t m, const struct wire_tunnel *t, uint8_t hop)
{
	struct proxyd *d = arg;
	uint8_t buf[WIRE_HDR_LEN + WIRE_TUNNEL_LEN];
	struct wire_hdr h;
	size_t len;

	memset(&h, 0, sizeof(h));
	h.hop = hop;
	if ((len = wire_encode_tunnel(buf, sizeof(buf), &h, t)) != 0)
		datapath_peer_send(d, m, buf, len);
}

static void __attribute__((format(printf, 2, 3)))
heal_log(void *arg, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_info("%s", line);
}

static const char *
heal_name(void *arg, uint32_t m)
{
	struct proxyd *d = arg;

	return m < d->size.member_max && d->peers[m].used ? d->peers[m].name : "?";
}

bool
peer_heal_ops(struct proxyd *d, uint64_t epoch)
{
	struct heal_ops ops = { heal_heard, heal_map, heal_send, heal_log, heal_name,
	    d };

	if ((d->heal = calloc(1, sizeof(*d->heal))) == NULL)
		return false;
	heal_init(d->heal, &ops, epoch);
	d->heal_next = MONO_NEVER;
	return true;
}

void
peer_heal_apply(struct proxyd *d, const struct proxy_conf *conf, monotime_t now)
{
	struct heal_cover cv[HEAL_COVERS_MAX];
	unsigned i, k;
	uint32_t m;

	d->heal_conf = conf;
	(void)heal_begin(d->heal);
	for (i = 0; i < conf->npeers; i++) {
		const struct proxy_peer *cp = &conf->peers[i];

		if ((cp->tunnel == 0 && cp->ncovers == 0) ||
		    peer_by_name(d, cp->name, &m) == NULL)
			continue;
		if (cp->tunnel != 0) {
			if (!heal_tree_add(d->heal, m, (uint16_t)cp->tunnel,
			    cp->tunnel_end, cp->failover_after, cp->failback_after, now))
				log_err("peer %s: tunnel %u: more tree tunnels than %u",
				    cp->name, cp->tunnel, HEAL_TUNNELS_MAX);
			continue;
		}
		for (k = 0; k < cp->ncovers && k < HEAL_COVERS_MAX; k++) {
			cv[k].id = (uint16_t)cp->covers[k].tunnel;
			cv[k].end = cp->covers[k].end;
		}
		if (!heal_standby_add(d->heal, m, cv, k, now))
			log_err("peer %s: more standby peers than %u", cp->name,
			    HEAL_TUNNELS_MAX);
	}
	heal_end(d->heal, now);
	d->heal_next = now;
	if (d->heal->ntree + d->heal->nsb > 0 && now < d->br_next)
		d->br_next = now;	/* decided at the next tick */
}

void
peer_heal_input(struct proxyd *d, uint32_t m, const uint8_t *msg, size_t len,
    monotime_t now)
{
	struct wire_msg wm;

	if (wire_decode(msg, len, &wm) == WIRE_OK && wm.hdr.type == WIRE_TUNNEL)
		heal_input(d->heal, m, &wm.body.tunnel, wm.hdr.hop, now);
}

void
peer_remove_all(struct proxyd *d)
{
	uint32_t m;

	if (d->peers == NULL)
		return;
	for (m = 0; m < d->size.member_max; m++)
		if (d->peers[m].used) {
			if (d->dev != NULL)
				wgdev_peer_remove(d->dev, d->peers[m].handle);
			memset(&d->peers[m], 0, sizeof(d->peers[m]));
		}
}

/* -------------------------------------------------------------- events --- */

/*
 * Whether the peer's address (not our sticky source) changed since we last
 * looked; notes the new one.
 */
static bool
peer_moved(struct proxyd *d, struct proxyd_peer *p)
{
	struct wgdev_peer_info info;
	bool moved;

	if (wgdev_peer_info(d->dev, p->handle, &info) != 0)
		return false;
	info.endpoint.local_family = 0;
	info.endpoint.local_ifindex = 0;
	moved = !endpoint_equal(&p->remote, &info.endpoint);
	p->remote = info.endpoint;
	sodium_memzero(&info, sizeof(info));
	return moved;
}

void
peer_event(void *ctx, uint32_t handle, enum wgdev_event ev)
{
	struct proxyd *d = ctx;
	struct proxyd_peer *p = peer_by_handle(d, handle);
	const char *name = p != NULL ? p->name : "?";
	monotime_t now = clock_mono();

	if ((unsigned)ev < WGDEV_EV_COUNT)
		d->wg_events[ev]++;
	switch (ev) {
	case WGDEV_EV_HANDSHAKE_COMPLETE:
		if (p != NULL && !p->up) {
			p->up = true;
			log_info("peer %s: tunnel up", name);
		} else
			log_debug("peer %s: %s", name, wgdev_event_str(ev));
		break;
	case WGDEV_EV_GIVE_UP:
		if (p != NULL)
			p->up = false;
		log_warn("peer %s: no answer to handshakes for 90 s; trying again "
		    "when there is something to send", name);
		break;
	case WGDEV_EV_KEYS_ZEROED:
		if (p != NULL)
			p->up = false;
		log_info("peer %s: tunnel idle, session keys wiped", name);
		break;
	case WGDEV_EV_ENDPOINT_CHANGED:
		if (p != NULL) {
			peer_frame_max(d, (uint32_t)(p - d->peers));
			if (!peer_moved(d, p))
				break;	/* only our address, the sticky source */
		}
		/* FALLTHROUGH */
	case WGDEV_EV_COOKIE_SENT:
		/* The network can make these happen: at most a few a second. */
		if (!log_limit_ok(&d->tunnel_log, now))
			break;
		if (ev == WGDEV_EV_COOKIE_SENT)
			log_warn("tunnel socket under load: answering handshakes with "
			    "cookie replies");
		else {
			char ep[ENDPOINT_TEXT_MAX] = "?";

			if (p != NULL)
				endpoint_format(&p->remote, ep);
			log_info("peer %s: endpoint now %s (roaming)", name, ep);
		}
		break;
	default:
		log_debug("peer %s: %s", name, wgdev_event_str(ev));
	}
}

/* ---------------------------------------------------------------- show --- */

/* Our address a peer's datagrams come to and ours leave from; null: any. */
static json_t *
local_json(const struct wg_endpoint *ep)
{
	char s[INET6_ADDRSTRLEN];

	if ((ep->local_family != AF_INET && ep->local_family != AF_INET6) ||
	    inet_ntop(ep->local_family, &ep->local, s, sizeof(s)) == NULL)
		return json_null();
	return json_string(s);
}

/*
 * A peer's part in tunnels that heal themselves (§13): "heal" as one
 * cell ("tunnel 2 up", "standby off", "-"), and "tunnel" or "standby".
 */
static void
heal_show(struct proxyd *d, uint32_t m, json_t *o, monotime_t now)
{
	const struct heal_tree *t = heal_tree_of(d->heal, m);
	const struct heal_standby *s = heal_standby_of(d->heal, m);
	char cell[48];
	json_t *cv;
	unsigned i;

	if (t != NULL) {
		snprintf(cell, sizeof(cell), "tunnel %u %s", t->id, heal_state_str(t->state));
		json_object_set_new(o, "tunnel", json_pack("{s:i, s:i, s:s, s:b, s:I, "
		    "s:I, s:I, s:I, s:I}", "id", (int)t->id, "end", (int)t->end,
		    "state", heal_state_str(t->state), "carries", t->mapped,
		    "state_ms", (json_int_t)mono_to_ms(now - t->since),
		    "downs", (json_int_t)t->downs, "ups", (json_int_t)t->ups,
		    "failover_after", (json_int_t)(t->failover / MONO_SEC(1)),
		    "failback_after", (json_int_t)(t->failback / MONO_SEC(1))));
	} else if (s != NULL) {
		snprintf(cell, sizeof(cell), "standby %s", s->on ? "on" : "off");
		cv = json_array();
		for (i = 0; i < s->ncover; i++)
			json_array_append_new(cv, json_pack("{s:i, s:i}", "tunnel",
			    (int)s->cover[i].id, "end", (int)s->cover[i].end));
		json_object_set_new(o, "standby", json_pack("{s:b, s:I, s:I, s:o}",
		    "on", s->on, "state_ms", (json_int_t)mono_to_ms(now - s->since),
		    "ons", (json_int_t)s->ons, "covers", cv));
	} else
		snprintf(cell, sizeof(cell), "-");
	json_object_set_new(o, "heal", json_string(cell));
}

json_t *
peer_show(struct proxyd *d)
{
	monotime_t now = clock_mono();
	struct wg_now wnow = clock_wg_now();
	json_t *arr = json_array();
	uint32_t m, v;

	for (m = 0; m < d->size.member_max; m++) {
		const struct proxyd_peer *p = &d->peers[m];
		struct bridge_member_view mv, *mb = &mv;
		struct wgdev_peer_info info;
		char pub[WG_KEY_B64_LEN + 1], ep[ENDPOINT_TEXT_MAX];
		json_t *o, *vans;

		if (!p->used || !bridge_member_view(d->br, m, &mv) ||
		    wgdev_peer_info(d->dev, p->handle, &info) != 0)
			continue;
		vans = json_array();
		key_to_base64(pub, &info.public_key);
		o = json_pack("{s:s, s:s, s:I, s:I, s:i, s:b, s:i, s:s, s:I, s:i}",
		    "name", p->name, "public_key", pub,
		    "rx_bytes", (json_int_t)info.rx_bytes,
		    "tx_bytes", (json_int_t)info.tx_bytes,
		    "persistent_keepalive", (int)info.keepalive,
		    "session", info.has_session, "staged", (int)info.nstaged,
		    "state", member_state_str(mb->state),
		    "state_ms", (json_int_t)mono_to_ms(now - mb->state_since),
		    "routes", (int)mb->routes);
		json_object_set_new(o, "endpoint", endpoint_format(&info.endpoint, ep) > 0 ?
		    json_string(ep) : json_null());
		json_object_set_new(o, "local_address", local_json(&info.endpoint));
		/* Ours, on every tunnel: a standby's are configured, not served. */
		json_object_set_new(o, "role", json_string(d->active ? "active" : "standby"));
		if (info.last_handshake_wall == 0) {
			json_object_set_new(o, "latest_handshake", json_null());
			json_object_set_new(o, "handshake_age_s", json_null());
		} else {
			uint64_t age = wnow.wall > info.last_handshake_wall ?
			    wnow.wall - info.last_handshake_wall : 0;

			json_object_set_new(o, "latest_handshake",
			    json_integer((json_int_t)(info.last_handshake_wall / WG_WALL_SEC)));
			json_object_set_new(o, "handshake_age_s",
			    json_integer((json_int_t)(age / WG_WALL_SEC)));
		}
		json_object_set_new(o, "hello_age_ms", mb->last_hello == 0 ? json_null() :
		    json_integer(mono_to_ms(now - mb->last_hello)));
		json_object_set_new(o, "macs_max", json_integer(mb->routes_max));
		json_object_set_new(o, "frame_max", json_integer(mb->frame_max));
		for (v = 0; v < d->size.van_max; v++) {
			struct bridge_van_view vv;
			uint32_t theirs;

			if (!bridge_van_view(d->br, v, &vv) ||
			    (theirs = bridge_peer_van(d->br, m, vv.id)) == 0)
				continue;
			json_array_append_new(vans, json_pack("{s:I, s:s, s:I, s:b}",
			    "local", (json_int_t)vv.id, "name", vv.name,
			    "remote", (json_int_t)theirs,
			    "joined", bridge_van_joined(d->br, v, m)));
		}
		json_object_set_new(o, "vans", vans);
		heal_show(d, m, o, now);
		sodium_memzero(&info, sizeof(info));
		json_array_append_new(arr, o);
	}
	return arr;
}

/*
 * The site's graph (show_graph) and, from `show peers`' rows, a node per
 * peer (id "peer NAME": what the other views call it) with its tunnel's
 * state, and a "tunnel" edge to it carrying the VAN pairs.
 */
json_t *
peer_graph(struct proxyd *d)
{
	static const char *const node_keys[] = { "endpoint", "state_ms",
	    "handshake_age_s", "latest_handshake", "hello_age_ms", "session",
	    "rx_bytes", "tx_bytes", "routes", NULL };
	json_t *g = show_graph(d->br, "proxy", d->conf->name, clock_mono());
	json_t *peers = peer_show(d), *row;
	json_t *nodes = json_object_get(g, "nodes"), *edges = json_object_get(g, "edges");
	const char *self = json_string_value(json_object_get(g, "self"));
	size_t i, k;

	json_object_set_new(json_array_get(nodes, 0), "role",
	    json_string(d->active ? "active" : "standby"));
	json_array_foreach(peers, i, row) {
		const char *name = json_string_value(json_object_get(row, "name"));
		const char *state = json_string_value(json_object_get(row, "state"));
		char id[BRIDGE_NAME_MAX + 8];
		json_t *n;

		snprintf(id, sizeof(id), "peer %s", name);
		n = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "kind", "peer",
		    "name", name, "state", state);
		for (k = 0; node_keys[k] != NULL; k++)
			json_object_set(n, node_keys[k], json_object_get(row, node_keys[k]));
		json_array_append_new(nodes, n);
		json_array_append_new(edges, json_pack("{s:s, s:s, s:s, s:s, s:O, s:O}",
		    "kind", "tunnel", "from", self, "to", id, "state", state,
		    "handshake_age_s", json_object_get(row, "handshake_age_s"),
		    "vans", json_object_get(row, "vans")));
	}
	json_decref(peers);
	return g;
}

json_t *
peer_tunnel_stats(struct proxyd *d)
{
	json_t *drops = json_object(), *events = json_object();
	uint64_t total = 0;
	int i;

	for (i = 1; i < WGDEV_DROP_COUNT; i++) {
		uint64_t n = wgdev_drops(d->dev, (enum wgdev_drop)i);

		total += n;
		if (n != 0)
			json_object_set_new(drops, wgdev_drop_str((enum wgdev_drop)i),
			    json_integer((json_int_t)n));
	}
	for (i = 0; i < WGDEV_EV_COUNT; i++)
		if (d->wg_events[i] != 0)
			json_object_set_new(events, wgdev_event_str((enum wgdev_event)i),
			    json_integer((json_int_t)d->wg_events[i]));
	return json_pack("{s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:o, "
	    "s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "rx_datagrams", (json_int_t)d->tun_rx_count,
	    "tx_datagrams", (json_int_t)d->tun_tx_count,
	    "gso_sends", (json_int_t)d->tun_tx.tx.gso_sends,
	    "gso_fallbacks", (json_int_t)d->tun_tx.tx.gso_fallbacks,
	    "gso", d->tun.gso,
	    "src_fallbacks", (json_int_t)d->tun_tx.tx.src_fallbacks,
	    "tx_errors", (json_int_t)d->tun_tx_errors,
	    "uapi_refused", (json_int_t)d->uapi_refused,
	    "orphans", (json_int_t)d->tun_data_orphans,
	    "drops_total", (json_int_t)total, "drops", drops, "events", events,
	    "heal", "notices_rx", (json_int_t)d->heal->stats.rx,
	    "notices_tx", (json_int_t)d->heal->stats.tx,
	    "relayed", (json_int_t)d->heal->stats.relayed,
	    "stale", (json_int_t)d->heal->stats.stale,
	    "unknown", (json_int_t)d->heal->stats.unknown,
	    "table_full", (json_int_t)d->heal->stats.table_full);
}

/* ---------------------------------------------------------------- UAPI --- */

int
peer_uapi_get(void *ctx, struct uapi_out *out, uint32_t *cursor)
{
	struct proxyd *d = ctx;

	return wgdev_uapi_get(d->dev, out, cursor);
}

static int
refuse(struct proxyd *d, const char *what)
{
	d->uapi_refused++;
	log_warn("wg set refused: %s: the tunnels are the configuration's (edit %s, then "
	    "reload)", what, d->conf->file);
	return -EPERM;
}

/* May this request change the device?  0, or -EPERM (see the top). */
static int
uapi_allowed(struct proxyd *d, const struct uapi_set *s)
{
	struct wg_key pub;
	unsigned i;
	int rc = 0;

	if (s->has_private_key)
		return refuse(d, "a private key");
	if (s->has_listen_port && s->listen_port != wgdev_listen_port(d->dev))
		return refuse(d, "another listen port");
	if (s->has_fwmark && s->fwmark != wgdev_fwmark(d->dev))
		return refuse(d, "a fwmark");
	if (s->replace_peers)
		return refuse(d, "replacing the peers");
	if (!wgdev_public_key(d->dev, &pub))
		return refuse(d, "no private key");
	for (i = 0; i < s->npeers && rc == 0; i++) {
		const struct uapi_peer *p = &s->peers[i];
		struct wgdev_peer_info info;
		uint32_t h;
		bool exists;

		if (key_equal(&p->public_key, &pub))
			continue;	/* our own key: ignored, as wireguard-go does */
		exists = wgdev_peer_find(d->dev, &p->public_key, &h);
		if (!exists) {
			if (!p->remove && !p->update_only)
				rc = refuse(d, "adding a peer");
			continue;
		}
		if (p->remove)
			rc = refuse(d, "removing a peer");
		else if (p->replace_allowed_ips || p->allowed_count > 0)
			rc = refuse(d, "allowed IPs (vanproxy routes by VAN ID)");
		else if (p->has_psk) {
			if (wgdev_peer_info(d->dev, h, &info) != 0 ||
			    sodium_memcmp(&info.psk, &p->psk, sizeof(p->psk)) != 0)
				rc = refuse(d, "a preshared key");
			sodium_memzero(&info, sizeof(info));
		}
	}
	key_wipe(&pub);
	return rc;
}

int
peer_uapi_set(void *ctx, const struct uapi_set *s)
{
	struct proxyd *d = ctx;
	int rc;

	if ((rc = uapi_allowed(d, s)) != 0)
		return rc;
	/* Endpoints and keepalives; the listen port stays the one bound. */
	rc = wgdev_uapi_set(d->dev, s, clock_wg_now());
	datapath_flush(d);
	return rc;
}

void
peer_uapi_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_info("wg UAPI: %s", msg);
}
