/*
 * proxyd.c — the vanproxy daemon's life: the event base, the bridge in
 * proxy mode, the tunnel device, both sockets, the timer, signals, the
 * control socket, the UAPI socket; configuration applied at start and at
 * reload; the control requests.  Every forwarding decision is the
 * bridge's (edge/van/bridge.c, edge/van/relay.c), every tunnel one the device's
 * (crypto/wgdev.c); this file applies configuration and keeps time.
 *
 * The data path is datapath.c; the peers (tunnel + bridge slot, `show
 * peers`, `wg`) are peer.c.
 *
 * Timer: one event, armed at the earlier of the bridge's deadline (HELLO
 * rounds, dead members: bridge_tick) and the device's (handshake
 * retransmits, keepalives, rekeys, key expiry: wgdev_next_deadline), and
 * re-armed after every batch of events (datapath_flush), since the
 * device's may come closer (a handshake that just started).  (systemd's
 * watchdog and status have theirs: edge/rim/sdnotify.h.)
 */
#include "proxy/proxyd.h"
#include "proxy/proxyd_int.h"
#include "proxy/metricdefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "crypto/key.h"
#include "edge/rim/clock.h"
#include "edge/rim/ctl.h"
#include "edge/rim/daemon.h"
#include "edge/rim/metrics.h"
#include "edge/rim/sdnotify.h"
#include "edge/rim/show.h"
#include "edge/rim/site.h"
#include "edge/rim/siteconf.h"
#include "proxy/uapi_sock.h"

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxyd *d = arg;
	struct wg_now wnow = clock_wg_now();
	monotime_t now = wnow.mono;

	(void)fd;
	(void)what;
	d->armed = MONO_NEVER;
	if (!d->active)
		return;		/* a standby keeps no time: nothing to send */
	d->br_next = bridge_tick(d->br, d->out, now);
	if (d->br_next == MONO_NEVER)
		d->br_next = now + MONO_SEC(1);
	if (now >= d->heal_next)
		d->heal_next = heal_tick(d->heal, now);
	if (d->heal_next < d->br_next)
		d->br_next = d->heal_next;
	wgdev_tick(d->dev, wnow);
	datapath_flush(d);
}

/* ------------------------------------------------------ configuration --- */

/*
 * Apply conf to the running daemon (at start d->conf is NULL).  A checked
 * configuration cannot fail here but for capacity (tables full), which is
 * logged; what needs a restart is only warned about.
 */
static void
proxyd_apply(struct proxyd *d, const struct proxy_conf *conf)
{
	const struct proxy_conf *old = d->conf;
	struct wg_now wnow = clock_wg_now();
	monotime_t now = wnow.mono;

	if (old != NULL && !key_equal(&old->private_key, &conf->private_key)) {
		/* Every session was made with the old key: all rehandshake. */
		wgdev_set_private_key(d->dev, &conf->private_key, wnow);
		log_warn("private key changed: every peer needs our new public key");
	}
	site_members_apply(d->br, d->out, conf->site.members, conf->site.nmembers, now,
	    &d->maddr, d->site.v6, &d->site_listen);
	peer_apply_remove(d, conf);
	/* VANs: gone (their pairs are unmapped already), new, renamed. */
	site_vans_apply(d->br, d->out, conf->file, conf->vans, sizeof(conf->vans[0]),
	    conf->nvans, old != NULL, NULL, NULL, now);
	d->tunnel_v4 = conf->listen.family == 4;
	if (d->tunnel_mtu != conf->tunnel_mtu) {
		uint32_t m;

		d->tunnel_mtu = conf->tunnel_mtu;
		for (m = 0; m < d->size.member_max; m++)
			peer_frame_max(d, m);
	}
	peer_apply_add(d, old, conf);
	peer_heal_apply(d, conf, now);

	{
		struct bridge_conf bc = {
		    .refresh_ms = conf->route_refresh_s * 1000 };
		const char *e;

		site_conf_bridge(&conf->site, &bc);
		/* The parser checked the ranges; the core checks them again. */
		if (bridge_set_conf(d->br, &bc, &e) == -1)
			log_err("settings not applied: %s", e);
	}
	site_conf_apply(d->br, old != NULL ? &old->site : NULL, &conf->site);
	if (old != NULL) {
		if (strcmp(old->wg_name, conf->wg_name) != 0)
			log_warn("wg_name changes at the next start (now %s)", old->wg_name);
		if (!addr_eq(&old->listen, &conf->listen))
			log_warn("listen address changes at the next start");
		if (!addr_eq(&old->site_listen, &conf->site_listen))
			log_warn("site_listen address changes at the next start");
	}
	datapath_flush(d);
}

/* ---------------------------------------------------------- the engine --- */

/*
 * The bridge and the tunnel device, with what hangs off their slots (the
 * peers, the members' addresses), built from the configuration running
 * with boot epoch `epoch`.  A gateway pair's node builds them afresh at
 * each change of role (§12): a standby keeps nothing of an earlier
 * activation, and an active one starts as a proxy that just restarted.
 */
static int
engine_new(struct proxyd *d, const struct proxy_conf *conf, uint64_t epoch)
{
	struct wgdev_config wc;
	struct bridge_conf bc;

	memset(&bc, 0, sizeof(bc));
	bc.proxy = true;
	bc.fdb_max = conf->site.fdb_max;
	bc.hello_ms = conf->site.hello_ms;
	bc.dead_count = conf->site.dead_count;
	bc.epoch = epoch;
	randombytes_buf(bc.hashkey, sizeof(bc.hashkey));
	if ((d->br = bridge_new(&bc)) == NULL)
		return -1;
	bridge_size(d->br, &d->size);
	d->peers = calloc(d->size.member_max, sizeof(*d->peers));
	if (d->peers == NULL || site_addrs_init(&d->maddr, d->size.member_max) == -1)
		return -1;
	bridge_out_init(d->out, datapath_out, d);
	memset(&wc, 0, sizeof(wc));
	wc.private_key = &conf->private_key;
	wc.max_peers = PROXY_PEER_MAX;
	wc.payload_max = WIRE_MSG_MAX;
	wc.ops = (struct wgdev_ops){ datapath_dev_send, peer_event, d };
	if ((d->dev = wgdev_new(&wc)) == NULL)
		return -1;
	wgdev_set_listen_port(d->dev, conf->listen.port);
	if (!peer_heal_ops(d, epoch))
		return -1;
	return 0;
}

static void
engine_free(struct proxyd *d)
{
	if (d->dev != NULL)
		peer_remove_all(d);
	wgdev_free(d->dev);
	d->dev = NULL;
	free(d->peers);
	d->peers = NULL;
	free(d->heal);
	d->heal = NULL;
	d->heal_next = MONO_NEVER;
	site_addrs_free(&d->maddr);
	bridge_free(d->br);
	d->br = NULL;
}

/* Our two addresses, when the configuration names them: both on this host. */
static const struct van_addr *
role_missing(const struct proxyd *d)
{
	if (d->conf->listen.family != 0 && !udp_addr_local(&d->conf->listen))
		return &d->conf->listen;
	if (d->conf->site_listen.family != 0 && !udp_addr_local(&d->conf->site_listen))
		return &d->conf->site_listen;
	return NULL;
}

/*
 * Become active or standby (§12).  Active: a new engine with a boot epoch
 * newer than any this process used, its site HELLOed at once, every peer
 * handshaken at once with TAI64N stamps PROXY_TAKEOVER_MARGIN ahead of
 * our clock.  Standby: a new engine that is never started; we send
 * nothing.  -1 with err when our addresses are not on this host (active)
 * or memory fails (then the process exits: half an engine cannot serve).
 */
static int
role_set(struct proxyd *d, bool active, bool renew, const char *why, char *err,
    size_t errlen)
{
	struct wg_now wnow = clock_wg_now();
	const struct van_addr *miss;
	struct proxy_conf *conf = d->conf;
	char a[ADDR_STRLEN];
	uint64_t epoch;
	uint32_t m;

	if (active && (miss = role_missing(d)) != NULL) {
		snprintf(err, errlen, "role active: %s is not on this host (the pair's "
		    "address: has keepalived given it?)", addr_str(miss, a));
		return -1;
	}
	if (renew && !d->active) {
		snprintf(err, errlen, "role renew: this proxy is standby");
		return -1;
	}
	if (d->active == active && !renew)
		return 0;
	engine_free(d);
	d->active = active;
	epoch = daemon_boot_epoch() + (active ? PROXY_TAKEOVER_MARGIN : 0);
	if (epoch <= d->epoch_last)
		epoch = d->epoch_last + 1;
	d->epoch_last = epoch;
	d->tunnel_mtu = 0;
	d->armed = MONO_NEVER;
	d->br_next = MONO_NEVER;
	evtimer_del(d->timer);
	d->conf = NULL;
	if (engine_new(d, conf, epoch) == -1) {
		d->conf = conf;
		log_err("role %s: out of memory: exiting", active ? "active" : "standby");
		event_base_loopbreak(d->base);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	proxyd_apply(d, conf);
	d->conf = conf;
	d->role_changes++;
	if (active) {
		d->drained = false;	/* keepalived put us back */
		uint64_t floor = wnow.wall + PROXY_TAKEOVER_MARGIN;

		if (floor <= d->stamp_last)
			floor = d->stamp_last + 1;
		d->stamp_last = floor;
		wgdev_set_stamp_floor(d->dev, floor);
		bridge_start(d->br, d->out, wnow.mono);
		d->br_next = wnow.mono;
		for (m = 0; m < d->size.member_max; m++)
			if (d->peers[m].used)
				(void)wgdev_peer_initiate(d->dev, d->peers[m].handle, wnow);
		datapath_flush(d);
	}
	log_info("role %s (%s)", active ? "active: in service, its site and every "
	    "peer told" : "standby: sending nothing", why);
	return 0;
}

/*
 * The drain file (§12), keepalived's track_file: 1 takes this node out of
 * the running (keepalived FAULT: the addresses go to the twin at once), 0
 * puts it back.  Written in place, not renamed over: keepalived watches
 * the file.  0, or -1 with err.
 */
static int
drain_write(struct proxyd *d, bool drained, char *err, size_t errlen)
{
	const char *path = d->conf->drain_file;
	const char *v = drained ? "1\n" : "0\n";
	int fd, e;

	if (path[0] == '\0')
		return 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1 ||
	    write(fd, v, 2) != 2) {
		e = errno;
		if (fd != -1)
			close(fd);
		snprintf(err, errlen, "drain_file %s: %s", path, strerror(e));
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "drain_file %s: %s", path, strerror(errno));
		return -1;
	}
	d->drained = drained;
	return 0;
}

/* Every second, while active in a pair: an address gone is a demotion. */
static void
role_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxyd *d = arg;
	const struct van_addr *miss;
	char a[ADDR_STRLEN], err[256];

	(void)fd;
	(void)what;
	if (!d->active || (miss = role_missing(d)) == NULL)
		return;
	log_warn("%s is no longer on this host: standing by", addr_str(miss, a));
	d->role_lost++;
	(void)role_set(d, false, false, "address gone", err, sizeof(err));
}

static json_t	*metrics_json(void *);

/* The metrics server conf names (edge/rim/metrics.h, metrics_reopen). */
static int
proxyd_metrics(struct proxyd *d, const struct proxy_conf *conf, struct metrics **out,
    char err[static SETTING_ERR_MAX])
{
	return metrics_reopen(d->base, d->metrics, &conf->metrics, conf->file,
	    proxy_metric_tables, metrics_json, d, out, err);
}

static int
proxyd_reload(struct proxyd *d, char err[static SETTING_ERR_MAX])
{
	struct proxy_conf *conf;
	struct metrics *m = d->metrics;

	d->reloads++;
	sdnotify_reloading(d->notify);
	if ((conf = proxy_conf_load(d->conf->file, err)) == NULL ||
	    proxyd_metrics(d, conf, &m, err) == -1) {
		d->reload_failures++;
		proxy_conf_free(conf);
		log_err("reload failed, old configuration kept: %s", err);
		sdnotify_ready(d->notify);	/* running on the old one */
		return -1;
	}
	if (m != d->metrics) {
		metrics_close(d->metrics);
		d->metrics = m;
	}
	/* Settings that need a restart keep their running values. */
	site_conf_keep(&conf->site, &d->conf->site);
	memcpy(conf->wg_name, d->conf->wg_name, sizeof(conf->wg_name));
	conf->listen = d->conf->listen;
	conf->site_listen = d->conf->site_listen;
	if (conf->ha != d->conf->ha)
		log_warn("ha changes at the next start (now %s)", d->conf->ha ? "true" :
		    "false");
	conf->ha = d->conf->ha;
	proxyd_apply(d, conf);
	proxy_conf_free(d->conf);
	d->conf = conf;
	log_info("configuration reloaded from %s", conf->file);
	sdnotify_ready(d->notify);
	return 0;
}

/* -------------------------------------------------------------- control --- */

static json_t *
show_request_of(struct proxyd *d, int argc, char **argv, char *err, size_t errlen)
{
	json_t *s;
	bool mine;

	if (argc == 2 && strcmp(argv[1], "peers") == 0)
		return peer_show(d);
	if (argc == 2 && strcmp(argv[1], "graph") == 0)
		return peer_graph(d);
	s = show_request(d->br, ctl_stats(d->ctl), argc, argv, NULL, peer_member_name, d,
	    clock_mono(), &mine, err, errlen);
	if (!mine) {
		snprintf(err, errlen, argc >= 2 && strcmp(argv[1], "graph") == 0 ?
		    "usage: show graph" :
		    "usage: show vans|members|peers|stats|graph|fdb [VAN]|neigh [VAN]");
		return NULL;
	}
	if (s != NULL && argc == 2 && strcmp(argv[1], "stats") == 0) {
		json_object_set_new(s, "tunnel", peer_tunnel_stats(d));
		json_object_set_new(s, "daemon", json_pack("{s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I}",
		    "log_level", log_level_str(log_get_level()),
		    "role", d->active ? "active" : "standby",
		    "ha", d->conf->ha,
		    "drained", d->drained,
		    "role_changes", (json_int_t)d->role_changes,
		    "role_lost", (json_int_t)d->role_lost,
		    "standby_drops", (json_int_t)d->standby_drops,
		    "route_refreshes", (json_int_t)bridge_refreshes(d->br),
		    "site_gso_sends", (json_int_t)d->site_tx.gso_sends,
		    "site_gso_fallbacks", (json_int_t)d->site_tx.gso_fallbacks,
		    "site_gso", d->site.gso,
		    "reloads", (json_int_t)d->reloads,
		    "reload_failures", (json_int_t)d->reload_failures));
	}
	return s;
}

/* One scrape's JSON (proxy/metricdefs.c): the show requests' own. */
static json_t *
metrics_json(void *arg)
{
	static char show[] = "show", stats[] = "stats";
	char *sv[] = { show, stats };
	struct proxyd *d = arg;
	char err[256], epoch[20];
	json_t *root = json_object();

	if (root == NULL)
		return NULL;
	snprintf(epoch, sizeof(epoch), "%016llx", (unsigned long long)d->epoch_last);
	json_object_set_new(root, "info", json_pack("{s:s, s:s, s:s}", "version",
	    metrics_version(), "epoch", epoch, "site", d->conf->name));
	json_object_set_new(root, "stats", show_request_of(d, 2, sv, err, sizeof(err)));
	json_object_set_new(root, "members", show_members(d->br, peer_member_name, d,
	    clock_mono()));
	json_object_set_new(root, "vans", show_vans(d->br));
	json_object_set_new(root, "peers", peer_show(d));
	return root;
}

static json_t *
ctl_handle(void *arg, int argc, char **argv, char *err, size_t errlen)
{
	struct proxyd *d = arg;

	if (strcmp(argv[0], "show") == 0)
		return show_request_of(d, argc, argv, err, errlen);
	if (strcmp(argv[0], "log-level") == 0)
		return show_log_level(d->br, argc, argv, err, errlen);
	if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		char cerr[SETTING_ERR_MAX];

		if (proxyd_reload(d, cerr) == -1) {
			snprintf(err, errlen, "%s", cerr);
			return NULL;
		}
		return json_pack("{s:s}", "config", d->conf->file);
	}
	if (strcmp(argv[0], "role") == 0) {
		bool active, renew, drain;

		if (argc != 2 || (strcmp(argv[1], "active") != 0 &&
		    strcmp(argv[1], "standby") != 0 && strcmp(argv[1], "renew") != 0)) {
			snprintf(err, errlen, "usage: role active|standby|renew");
			return NULL;
		}
		if (!d->conf->ha) {
			snprintf(err, errlen, "role: this proxy is not one of a pair "
			    "(ha = false in %s)", d->conf->file);
			return NULL;
		}
		renew = strcmp(argv[1], "renew") == 0;
		active = renew || strcmp(argv[1], "active") == 0;
		/*
		 * Stood down while holding both addresses: not keepalived's
		 * doing (it takes the addresses away before it tells us), so
		 * a planned switch-over: drained, keepalived hands the
		 * addresses to the twin at once.
		 */
		drain = !active && d->active && role_missing(d) == NULL &&
		    d->conf->drain_file[0] != '\0';
		if (role_set(d, active, renew, drain ? "vanctl: drained" : "vanctl",
		    err, errlen) == -1)
			return NULL;
		if (drain) {
			if (drain_write(d, true, err, errlen) == -1) {
				log_err("role standby: %s: keepalived keeps the "
				    "addresses here", err);
				return NULL;
			}
			log_info("drained (%s = 1): keepalived hands the pair's "
			    "addresses to the twin; a restart puts this node back",
			    d->conf->drain_file);
		}
		return json_pack("{s:s, s:b}", "role", d->active ? "active" : "standby",
		    "drained", d->drained);
	}
	snprintf(err, errlen, "unknown request '%s' (show, reload, role, log-level)",
	    argv[0]);
	return NULL;
}

/* -------------------------------------------------------------- signals --- */

static void
reload_cb(void *arg)
{
	char err[SETTING_ERR_MAX];

	(void)proxyd_reload(arg, err);	/* logged */
}

/* systemd's STATUS= line: "active, 2 VANs, 3/3 site members, 1/1 peers alive". */
static void
proxyd_status(void *arg, char *buf, size_t len)
{
	struct proxyd *d = arg;
	struct bridge_member_view mv;
	uint32_t m, site = 0, site_alive = 0, peers = 0, peers_alive = 0;

	bridge_size(d->br, &d->size);
	for (m = 0; m < d->size.member_max; m++) {
		if (!bridge_member_view(d->br, m, &mv))
			continue;
		if (mv.peer) {
			peers++;
			peers_alive += mv.state == MEMBER_ALIVE;
		} else {
			site++;
			site_alive += mv.state == MEMBER_ALIVE;
		}
	}
	snprintf(buf, len, "%s, %u VANs, %u/%u site members, %u/%u peers alive",
	    d->active ? "active" : d->drained ? "standby (drained)" : "standby",
	    d->size.nvans, site_alive, site, peers_alive, peers);
}

/* ------------------------------------------------------------ lifetime --- */

static char	*listen_str(const struct van_addr *, char buf[static ADDR_STRLEN]);

static int
open_socket(struct proxyd *d, struct udp_sock *u, const struct van_addr *a,
    const char *what, struct event **ev, event_callback_fn cb,
    char err[static SETTING_ERR_MAX])
{
	char s[ADDR_STRLEN];
	const char *e;

	/* A pair's standby binds the addresses its twin holds. */
	if (udp_open_flags(u, a, d->conf->ha, &e) == -1) {
		snprintf(err, SETTING_ERR_MAX, "%s: %s %s: %s: %s", d->conf->file, what,
		    listen_str(a, s), e, strerror(errno));
		return -1;
	}
	*ev = event_new(d->base, u->fd, EV_READ | EV_PERSIST, cb, d);
	if (*ev == NULL || event_add(*ev, NULL) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up events");
		return -1;
	}
	return 0;
}

struct proxyd *
proxyd_new(struct proxy_conf *conf, char err[static SETTING_ERR_MAX])
{
	struct uapi_sock_ops uops;
	struct proxyd *d;
	const char *e;
	char uerr[256];

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "out of memory");
		proxy_conf_free(conf);
		return NULL;
	}
	d->site.fd = d->tun.fd = -1;
	d->armed = MONO_NEVER;
	d->br_next = MONO_NEVER;
	d->nonmember_log = LOG_LIMIT(1, 5);
	d->bridge_log = LOG_LIMIT(1, 5);
	d->tunnel_log = LOG_LIMIT(1, 5);
	d->conf = conf;		/* for messages; applied below */

	/* A pair's node starts standby: keepalived says when it is active. */
	d->active = !conf->ha;
	d->epoch_last = daemon_boot_epoch();
	d->out = malloc(sizeof(*d->out));
	if (d->out == NULL || datapath_init(d) == -1 ||
	    engine_new(d, conf, d->epoch_last) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up the bridge and the "
		    "tunnel device (memory?)");
		goto fail;
	}

	if ((d->base = event_base_new()) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot create the event loop");
		goto fail;
	}
	if (open_socket(d, &d->site, &conf->site_listen, "site_listen", &d->site_ev,
	    datapath_site_read, err) == -1 ||
	    open_socket(d, &d->tun, &conf->listen, "listen", &d->tun_ev,
	    datapath_tun_read, err) == -1)
		goto fail;
	/* Bound to every address: answer each peer from the one it calls,
	 * send to each site member from the one it calls. */
	if (addr_is_any(&conf->listen) && udp_want_local(&d->tun) == -1)
		log_warn("listen: no IP_PKTINFO (%s): replies leave from the "
		    "route's source address", strerror(errno));
	d->site_listen = conf->site_listen;
	if (addr_is_any(&d->site_listen))
		d->site_listen.family = 0;
	if (addr_is_any(&conf->site_listen) && udp_want_local(&d->site) == -1)
		log_warn("site_listen: no IP_PKTINFO (%s): messages leave from "
		    "the route's source address", strerror(errno));
	d->timer = evtimer_new(d->base, timer_cb, d);
	if (conf->ha) {
		struct timeval sec = { 1, 0 };

		d->role_ev = event_new(d->base, -1, EV_PERSIST, role_cb, d);
		if (d->role_ev == NULL || event_add(d->role_ev, &sec) == -1) {
			snprintf(err, SETTING_ERR_MAX, "cannot set up events");
			goto fail;
		}
	}
	if (d->timer == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up events");
		goto fail;
	}
	if (daemon_signals_open(&d->sig, d->base, reload_cb, d) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up signals");
		goto fail;
	}

	/* The configuration, then the sockets others connect to. */
	d->conf = NULL;
	proxyd_apply(d, conf);
	d->conf = conf;
	if ((d->ctl = ctl_open(d->base, conf->site.control, ctl_handle, d, &e)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s: control socket %s: %s: %s",
		    conf->file, conf->site.control, e, strerror(errno));
		goto fail;
	}
	uops = (struct uapi_sock_ops){ peer_uapi_get, peer_uapi_set, peer_uapi_log, d };
	if ((d->uapi = uapi_sock_open(d->base, NULL, conf->wg_name, &uops, uerr,
	    sizeof(uerr))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s: wg_name %s: %s", conf->file,
		    conf->wg_name, uerr);
		goto fail;
	}
	if (proxyd_metrics(d, conf, &d->metrics, err) == -1)
		goto fail;
	if ((d->notify = sdnotify_open(d->base, proxyd_status, d)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up systemd's notifications");
		goto fail;
	}
	return d;
fail:
	proxyd_free(d);
	return NULL;
}

/* A listening address as the configuration says it: "[::]:port" for all. */
static char *
listen_str(const struct van_addr *a, char buf[static ADDR_STRLEN])
{
	if (a->family == 0)
		snprintf(buf, ADDR_STRLEN, "[::]:%u", a->port);
	else
		addr_str(a, buf);
	return buf;
}

int
proxyd_run(struct proxyd *d)
{
	char a[ADDR_STRLEN], s[ADDR_STRLEN], pub[WG_KEY_B64_LEN + 1];
	monotime_t now = clock_mono();

	if (d->conf->ha) {
		char err[512];

		/* Back in the running: whatever drained this node is over. */
		if (drain_write(d, false, err, sizeof(err)) == -1) {
			log_err("%s", err);
			return -1;
		}
	}
	if (d->active) {
		bridge_start(d->br, d->out, now);
		d->br_next = now;	/* the first tick arms the HELLO rounds */
		datapath_flush(d);
	} else if (role_missing(d) == NULL) {
		char err[256];

		/*
		 * The pair's addresses are here: keepalived is MASTER and
		 * told a vanproxy that was not running (a restart between two
		 * of its checks).  Serve, as its notify would have had us.
		 */
		if (role_set(d, true, false, "the pair's addresses are here at start",
		    err, sizeof(err)) == -1)
			log_err("%s", err);
	} else
		log_info("one of a pair (ha): standby until `vanctl role active`");
	key_to_base64(pub, &d->conf->public_key);
	bridge_size(d->br, &d->size);
	log_info("%s running: %u VANs, %u site members, %u peers; site %s, "
	    "tunnels %s (public key %s), control %s, wg %s", d->conf->name,
	    d->size.nvans, d->conf->site.nmembers, d->conf->npeers,
	    listen_str(&d->conf->site_listen, s), listen_str(&d->conf->listen, a),
	    pub, d->conf->site.control, uapi_sock_path(d->uapi));
	/* Both sockets, the control and UAPI sockets are up (proxyd_new). */
	sdnotify_ready(d->notify);
	return event_base_dispatch(d->base) == -1 ? -1 : 0;
}

void
proxyd_free(struct proxyd *d)
{
	if (d == NULL)
		return;
	sdnotify_close(d->notify);
	metrics_close(d->metrics);
	uapi_sock_close(d->uapi);
	ctl_close(d->ctl);
	daemon_signals_close(&d->sig);
	if (d->timer != NULL)
		event_free(d->timer);
	if (d->role_ev != NULL)
		event_free(d->role_ev);
	if (d->tun_ev != NULL)
		event_free(d->tun_ev);
	if (d->site_ev != NULL)
		event_free(d->site_ev);
	udp_close(&d->tun);
	udp_close(&d->site);
	if (d->base != NULL)
		event_base_free(d->base);
	engine_free(d);
	datapath_free(d);
	free(d->out);
	proxy_conf_free(d->conf);
	free(d);
}
