/*
 * edged.c — the vanedge daemon's I/O: taps, the underlay socket, the
 * bridge's timer, signals, the control socket and configuration reloads.
 * Every decision is the bridge's (bridge.c); this file moves bytes and
 * applies configuration.
 *
 * The data path (taps, underlay, offloads) is datapath.c.
 *
 * Timer: one event, armed at the deadline bridge_tick returns.
 */
#include "edge/vanedge/edged.h"
#include "edge/vanedge/edged_int.h"

#include <errno.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "edge/rim/clock.h"
#include "edge/rim/ctl.h"
#include "edge/rim/log.h"
#include "edge/van/mtu.h"
#include "edge/van/offload.h"
#include "edge/rim/show.h"
#include "edge/rim/site.h"
#include "edge/rim/tap.h"
#include "edge/rim/udp.h"

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct edged *d = arg;
	monotime_t now = clock_mono(), next;
	struct timeval tv;

	(void)fd;
	(void)what;
	next = bridge_tick(d->br, d->out, now);
	datapath_flush(d);
	if (next == MONO_NEVER)
		next = now + MONO_SEC(1);
	if (next < now)
		next = now;
	tv.tv_sec = (time_t)((next - now) / 1000000000);
	tv.tv_usec = (suseconds_t)((next - now) % 1000000000 / 1000);
	evtimer_add(d->timer, &tv);
}

/* ---------------------------------------------------------------- ports --- */

static struct edged_port *
port_by_name(struct edged *d, const char *name)
{
	uint32_t p;

	for (p = 0; p < d->size.port_max; p++)
		if (d->ports[p].fd != -1 && strcmp(d->ports[p].name, name) == 0)
			return &d->ports[p];
	return NULL;
}

/* Register an open tap fd as a port of VAN slot v; closes fd on failure. */
static int
port_register(struct edged *d, int fd, const char *name, uint32_t v,
    const uint8_t *mac, bool from_conf, char *err, size_t errlen)
{
	struct edged_port *p;
	const char *e;
	int slot;

	slot = bridge_port_add(d->br, d->out, v, mac, clock_mono(), &e);
	if (slot < 0) {
		snprintf(err, errlen, "tap %s: %s", name, e);
		close(fd);
		return -1;
	}
	p = &d->ports[slot];
	p->d = d;
	p->fd = fd;
	p->slot = (uint32_t)slot;
	p->from_conf = from_conf;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, datapath_tap_read, p);
	p->resume = evtimer_new(d->base, datapath_tap_resume, p);
	if (p->ev == NULL || p->resume == NULL || event_add(p->ev, NULL) == -1) {
		snprintf(err, errlen, "tap %s: cannot watch it", name);
		if (p->ev != NULL)
			event_free(p->ev);
		if (p->resume != NULL)
			event_free(p->resume);
		bridge_port_del(d->br, d->out, p->slot, clock_mono());
		close(fd);
		p->fd = -1;
		p->ev = NULL;
		p->resume = NULL;
		return -1;
	}
	datapath_flush(d);
	log_info("port %s attached to VAN %u", name, bridge_van_id(d->br, v));
	return slot;
}

static int
port_attach(struct edged *d, uint32_t v, const char *name, const uint8_t *mac,
    bool from_conf, char *err, size_t errlen)
{
	const char *e;
	int fd;

	if (!setting_name_ok(name, SETTING_IFNAMSIZ)) {
		snprintf(err, errlen, "tap name '%s': 1-15 of A-Z a-z 0-9 _ . -", name);
		return -1;
	}
	if (port_by_name(d, name) != NULL) {
		snprintf(err, errlen, "tap %s is already attached", name);
		return -1;
	}
	if ((fd = tap_open(name, mac, d->vnet, &e)) == -1) {
		snprintf(err, errlen, "tap %s: %s: %s", name, e, strerror(errno));
		return -1;
	}
	return port_register(d, fd, name, v, mac, from_conf, err, errlen);
}

/* Take the port out of the bridge; keep_fd: give its fd back, else close. */
static int
port_detach(struct edged *d, struct edged_port *p, bool keep_fd)
{
	int fd = p->fd;

	log_info("port %s detached", p->name);
	event_free(p->ev);
	event_free(p->resume);
	bridge_port_del(d->br, d->out, p->slot, clock_mono());
	datapath_flush(d);
	p->fd = -1;
	p->ev = NULL;
	p->resume = NULL;
	if (keep_fd)
		return fd;
	close(fd);
	return -1;
}

/* ------------------------------------------------------ configuration --- */

static void
member_sockaddr(void *arg, uint32_t m)
{
	struct edged *d = arg;

	d->msalen[m] = (socklen_t)addr_to_sockaddr(bridge_member_addr(d->br, m), d->udp.v6,
	    &d->msa[m]);
	memset(&d->mlocal[m], 0, sizeof(d->mlocal[m]));	/* until it calls */
	site_member_self(d->br, m, &d->listen);
}

static int
van_slot(struct edged *d, uint32_t id)
{
	return bridge_van_find(d->br, id);
}

static const struct conf_port *
conf_port_find(const struct edge_conf *conf, const char *tap, uint32_t *van_id)
{
	unsigned i, j;

	for (i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++)
			if (strcmp(conf->vans[i].ports[j].tap, tap) == 0) {
				*van_id = conf->vans[i].id;
				return &conf->vans[i].ports[j];
			}
	return NULL;
}

/*
 * The largest frame one underlay packet carries to every member: the
 * IPv6 overhead if the socket or any member is IPv6-only (docs/mtu.md).
 */
static size_t
edged_frame_max(const struct edge_conf *conf)
{
	bool v6 = conf->listen.family == 6;
	unsigned i;

	for (i = 0; i < conf->nmembers; i++)
		if (conf->members[i].family == 6)
			v6 = true;
	return mtu_frame_max(conf->underlay_mtu, v6);
}

/*
 * Apply conf to the running daemon (at start, old is NULL).  Checks what
 * can fail before it changes anything: new taps are opened first, and on
 * any failure they are closed again and nothing is applied.
 */
static int
edged_apply(struct edged *d, struct edge_conf *conf, char err[static SETTING_ERR_MAX])
{
	const struct edge_conf *old = d->conf;
	int *newfd = NULL;
	unsigned i, j, k = 0, nnew = 0;
	uint32_t p;
	const char *e;
	monotime_t now = clock_mono();

	/* 1. Open the taps of ports that are not attached yet. */
	for (i = 0; i < conf->nvans; i++)
		nnew += conf->vans[i].nports;
	if ((newfd = calloc(nnew + 1, sizeof(*newfd))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:0: out of memory", conf->file);
		return -1;
	}
	for (i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++, k++) {
			const struct conf_port *cp = &conf->vans[i].ports[j];

			newfd[k] = -1;
			if (port_by_name(d, cp->tap) != NULL)
				continue;
			newfd[k] = tap_open(cp->tap, cp->has_mac ? cp->mac : NULL, d->vnet,
			    &e);
			if (newfd[k] == -1) {
				snprintf(err, SETTING_ERR_MAX, "%s:%d: tap %s: %s: %s", conf->file,
				    cp->line, cp->tap, e, strerror(errno));
				while (k-- > 0)
					if (newfd[k] != -1)
						close(newfd[k]);
				free(newfd);
				return -1;
			}
		}

	/* 2. Members: drop the ones gone, add the new ones. */
	site_members_apply(d->br, d->out, conf->members, conf->nmembers, now,
	    member_sockaddr, d);

	/* 3. Ports of the old configuration that are gone or changed. */
	for (p = 0; p < d->size.port_max; p++) {
		struct edged_port *port = &d->ports[p];
		const struct conf_port *cp;
		struct bridge_port_view pv;
		uint32_t vid;

		if (port->fd == -1 || !bridge_port_view(d->br, port->slot, &pv))
			continue;
		cp = conf_port_find(conf, port->name, &vid);
		if (cp == NULL) {
			/* Attached by vanctl: stays while its VAN does. */
			if (!port->from_conf && edge_conf_van(conf,
			    bridge_van_id(d->br, pv.van)) != NULL)
				continue;
			port_detach(d, port, false);
		} else if (vid != bridge_van_id(d->br, pv.van) || cp->has_mac != pv.has_mac ||
		    (cp->has_mac && memcmp(cp->mac, pv.mac, 6) != 0)) {
			/* Same tap, other VAN or MAC: re-register its fd. */
			char name[SETTING_IFNAMSIZ];
			int fd;

			snprintf(name, sizeof(name), "%s", port->name);
			fd = port_detach(d, port, true);
			for (k = 0, i = 0; i < conf->nvans; i++)
				for (j = 0; j < conf->vans[i].nports; j++, k++)
					if (&conf->vans[i].ports[j] == cp)
						newfd[k] = fd;
		} else
			port->from_conf = true;
	}

	/* 4. VANs: gone, new, renamed. */
	for (i = 0; i < d->size.van_max; i++)
		if (bridge_van_id(d->br, i) != 0 &&
		    edge_conf_van(conf, bridge_van_id(d->br, i)) == NULL) {
			struct bridge_port_view pv;

			for (p = 0; p < d->size.port_max; p++)
				if (d->ports[p].fd != -1 &&
				    bridge_port_view(d->br, d->ports[p].slot, &pv) &&
				    pv.van == i)
					port_detach(d, &d->ports[p], false);
			log_info("VAN %u removed", bridge_van_id(d->br, i));
			bridge_van_del(d->br, d->out, i, now, &e);
		}
	for (i = 0; i < conf->nvans; i++) {
		int v = van_slot(d, conf->vans[i].id);

		if (v >= 0) {
			/* Renamed in two passes: another may have its name now. */
			(void)bridge_van_rename(d->br, (uint32_t)v, "", &e);
			continue;
		}
		/* A temporary name avoids a clash with a VAN renamed below. */
		v = bridge_van_add(d->br, conf->vans[i].id, NULL, &e);
		if (v < 0) {
			log_err("%s:%d: VAN %u: %s", conf->file, conf->vans[i].line,
			    conf->vans[i].id, e);
			continue;
		}
		if (old != NULL)
			log_info("VAN %u added", conf->vans[i].id);
	}
	for (i = 0; i < conf->nvans; i++) {
		int v = van_slot(d, conf->vans[i].id);

		if (v >= 0 && bridge_van_rename(d->br, (uint32_t)v, conf->vans[i].name,
		    &e) == -1)
			log_err("%s:%d: VAN %u: %s", conf->file, conf->vans[i].line,
			    conf->vans[i].id, e);
	}

	/* 5. New ports, with the fds opened in step 1 or kept in step 3. */
	for (k = 0, i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++, k++) {
			const struct conf_port *cp = &conf->vans[i].ports[j];
			int v = van_slot(d, conf->vans[i].id);
			char perr[256];

			if (newfd[k] == -1)
				continue;
			if (v < 0) {
				close(newfd[k]);
				continue;
			}
			if (port_register(d, newfd[k], cp->tap, (uint32_t)v,
			    cp->has_mac ? cp->mac : NULL, true, perr, sizeof(perr)) < 0)
				log_err("%s:%d: %s", conf->file, cp->line, perr);
		}
	free(newfd);

	/* 6. Settings that apply at once. */
	{
		struct bridge_conf bc = { .hello_ms = conf->hello_ms,
		    .dead_count = conf->dead_count, .dad_moves = conf->dad_moves,
		    .dad_window_ms = conf->dad_window_s * 1000,
		    .dad_hold_ms = conf->dad_hold_s * 1000, .arp_proxy = conf->arp_proxy,
		    .frame_max = (uint32_t)edged_frame_max(conf),
		    .member_routes_max = conf->member_routes_max,
		    .member_flood_rate = conf->member_flood_rate,
		    .member_learn_rate = conf->member_learn_rate };

		/* The parser checked the ranges; the core checks them again. */
		if (bridge_set_conf(d->br, &bc, &e) == -1)
			log_err("settings not applied: %s", e);
	}
	if (old != NULL && (old->has_site_key != conf->has_site_key ||
	    sodium_memcmp(old->site_key, conf->site_key, sizeof(conf->site_key)) != 0))
		log_warn("site key %s: every member needs the same one",
		    conf->has_site_key ? "changed" : "removed");
	if (old == NULL || old->has_site_key != conf->has_site_key ||
	    old->site_key_compat != conf->site_key_compat ||
	    sodium_memcmp(old->site_key, conf->site_key, sizeof(conf->site_key)) != 0)
		bridge_set_auth(d->br, conf->has_site_key ? conf->site_key : NULL,
		    conf->site_key_compat);
	for (i = 0; i < conf->nvans; i++) {
		int v = van_slot(d, conf->vans[i].id);

		if (v >= 0)
			bridge_van_limits(d->br, (uint32_t)v, conf->vans[i].fdb_max,
			    conf->vans[i].flood_rate, conf->vans[i].flood_burst);
	}
	log_set_level(conf->log_level);
	if (old != NULL) {
		if (old->fdb_max != conf->fdb_max)
			log_warn("fdb_max changes at the next start (now %u)", old->fdb_max);
		if (strcmp(old->control, conf->control) != 0)
			log_warn("control socket moves at the next start (now %s)",
			    old->control);
		if (!addr_eq(&old->listen, &conf->listen))
			log_warn("listen address changes at the next start");
		if (old->offload != conf->offload)
			log_warn("offload changes at the next start");
	}
	datapath_flush(d);
	return 0;
}

static int
edged_reload(struct edged *d, char err[static SETTING_ERR_MAX])
{
	struct edge_conf *conf;

	d->reloads++;
	if ((conf = edge_conf_load(d->conf->file, err)) == NULL ||
	    edged_apply(d, conf, err) == -1) {
		d->reload_failures++;
		edge_conf_free(conf);
		log_err("reload failed, old configuration kept: %s", err);
		return -1;
	}
	/* Settings that need a restart keep their running values. */
	conf->fdb_max = d->conf->fdb_max;
	memcpy(conf->control, d->conf->control, sizeof(conf->control));
	conf->listen = d->conf->listen;
	conf->offload = d->conf->offload;
	edge_conf_free(d->conf);
	d->conf = conf;
	log_info("configuration reloaded from %s", conf->file);
	return 0;
}

/* -------------------------------------------------------------- control --- */

static int
van_arg(struct edged *d, const char *s, char *err, size_t errlen)
{
	char *end;
	unsigned long id;
	int v;

	id = strtoul(s, &end, 10);
	if (*s >= '0' && *s <= '9' && *end == '\0' && id <= UINT32_MAX)
		v = van_slot(d, (uint32_t)id);
	else
		v = bridge_van_find_name(d->br, s);
	if (v < 0)
		snprintf(err, errlen, "unknown VAN '%s'", s);
	return v;
}

static json_t *
ctl_show(struct edged *d, int argc, char **argv, char *err, size_t errlen)
{
	monotime_t now = clock_mono();

	if (argc == 2 && strcmp(argv[1], "vans") == 0)
		return show_vans(d->br);
	if (argc == 2 && strcmp(argv[1], "ports") == 0)
		return show_ports(d->br, edged_port_name, d);
	if (argc == 2 && strcmp(argv[1], "members") == 0)
		return show_members(d->br, NULL, NULL, now);
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "fdb") == 0) {
		int v = 0;

		if (argc == 3 && (v = van_arg(d, argv[2], err, errlen)) < 0)
			return NULL;
		return show_fdb(d->br, argc == 3 ? bridge_van_id(d->br, (uint32_t)v) : 0, edged_port_name, NULL, d,
		    now);
	}
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "neigh") == 0) {
		int v = 0;

		if (argc == 3 && (v = van_arg(d, argv[2], err, errlen)) < 0)
			return NULL;
		return show_neigh(d->br, argc == 3 ? bridge_van_id(d->br, (uint32_t)v) : 0, now);
	}
	if (argc == 2 && strcmp(argv[1], "stats") == 0) {
		json_t *s = show_stats(d->br, NULL, NULL);
		const struct ctl_stats *cs = ctl_stats(d->ctl);

		json_object_set_new(s, "control", json_pack("{s:I, s:I, s:I}",
		    "requests", (json_int_t)cs->requests, "errors", (json_int_t)cs->errors,
		    "rejected", (json_int_t)cs->rejected));
		json_object_set_new(s, "daemon", json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}",
		    "tap_read_errors", (json_int_t)d->tap_read_errors,
		    "tap_pauses", (json_int_t)d->tap_pauses,
		    "offload_errors", (json_int_t)d->offload_errors,
		    "gso_sends", (json_int_t)d->tx.gso_sends,
		    "gso_fallbacks", (json_int_t)d->tx.gso_fallbacks,
		    "gso", d->udp.gso,
		    "gro_writes", (json_int_t)d->gro_writes,
		    "reloads", (json_int_t)d->reloads,
		    "reload_failures", (json_int_t)d->reload_failures));
		return s;
	}
	snprintf(err, errlen, "usage: show vans|ports|members|stats|fdb [VAN]|neigh [VAN]");
	return NULL;
}

static json_t *
ctl_handle(void *arg, int argc, char **argv, char *err, size_t errlen)
{
	struct edged *d = arg;

	if (strcmp(argv[0], "show") == 0)
		return ctl_show(d, argc, argv, err, errlen);
	if (strcmp(argv[0], "attach") == 0) {
		uint8_t mac[6];
		int v, slot;

		if (argc != 3 && argc != 4) {
			snprintf(err, errlen, "usage: attach VAN TAP [MAC]");
			return NULL;
		}
		if ((v = van_arg(d, argv[1], err, errlen)) < 0)
			return NULL;
		if (argc == 4 && (!mac_parse(argv[3], mac) || eth_is_multicast(mac) ||
		    eth_is_zero(mac))) {
			snprintf(err, errlen, "'%s' is not a unicast MAC address", argv[3]);
			return NULL;
		}
		slot = port_attach(d, (uint32_t)v, argv[2], argc == 4 ? mac : NULL, false,
		    err, errlen);
		if (slot < 0)
			return NULL;
		return json_pack("{s:s, s:I}", "tap", argv[2], "van",
		    (json_int_t)bridge_van_id(d->br, (uint32_t)v));
	}
	if (strcmp(argv[0], "detach") == 0) {
		struct edged_port *p;

		if (argc != 2) {
			snprintf(err, errlen, "usage: detach TAP");
			return NULL;
		}
		if ((p = port_by_name(d, argv[1])) == NULL) {
			snprintf(err, errlen, "no port on tap '%s'", argv[1]);
			return NULL;
		}
		port_detach(d, p, false);
		return json_pack("{s:s}", "tap", argv[1]);
	}
	if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		char cerr[SETTING_ERR_MAX];

		if (edged_reload(d, cerr) == -1) {
			snprintf(err, errlen, "%s", cerr);
			return NULL;
		}
		return json_pack("{s:s}", "config", d->conf->file);
	}
	snprintf(err, errlen, "unknown request '%s' (show, attach, detach, reload)",
	    argv[0]);
	return NULL;
}

/* -------------------------------------------------------------- signals --- */

static void
sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct edged *d = arg;
	char err[SETTING_ERR_MAX];

	(void)what;
	if (sig == SIGHUP) {
		edged_reload(d, err);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

/* ------------------------------------------------------------ lifetime --- */

struct edged *
edged_new(struct edge_conf *conf, char err[static SETTING_ERR_MAX])
{
	static const int sigs[4] = { SIGTERM, SIGINT, SIGHUP, 0 };
	struct bridge_conf bc;
	struct edged *d;
	const char *e;
	uint32_t p;
	int i;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "out of memory");
		edge_conf_free(conf);
		return NULL;
	}
	d->udp.fd = -1;
	d->nonmember_log = LOG_LIMIT(1, 5);
	d->bridge_log = LOG_LIMIT(1, 5);
	memset(&bc, 0, sizeof(bc));
	bc.fdb_max = conf->fdb_max;
	bc.hello_ms = conf->hello_ms;
	bc.dead_count = conf->dead_count;
	randombytes_buf(bc.hashkey, sizeof(bc.hashkey));
	/*
	 * The boot epoch grows from one start to the next (wall-clock
	 * nanoseconds), so that with a site key an old incarnation's messages
	 * can be refused as replays.
	 */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		bc.epoch = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		if (bc.epoch == 0)
			bc.epoch = 1;
	}
	if ((d->br = bridge_new(&bc)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up the bridge (memory?)");
		goto fail;
	}
	bridge_size(d->br, &d->size);
	d->out = malloc(sizeof(*d->out));
	d->msa = calloc(d->size.member_max, sizeof(*d->msa));
	d->msalen = calloc(d->size.member_max, sizeof(*d->msalen));
	d->mlocal = calloc(d->size.member_max, sizeof(*d->mlocal));
	d->ports = calloc(d->size.port_max, sizeof(*d->ports));
	d->tapbuf = calloc(TAP_BATCH, sizeof(*d->tapbuf));
	d->tsobuf = malloc(TSO_BUFSZ);
	d->grobuf = malloc(VNET_HDR_LEN + OFFLOAD_FRAME_MAX);
	if (d->out == NULL || d->msa == NULL || d->msalen == NULL ||
	    d->mlocal == NULL || d->ports == NULL || d->tapbuf == NULL || d->tsobuf == NULL ||
	    d->grobuf == NULL || udp_rx_init(&d->rx) == -1) {
		snprintf(err, SETTING_ERR_MAX, "out of memory");
		goto fail;
	}
	for (p = 0; p < d->size.port_max; p++)
		d->ports[p].fd = -1;
	d->vnet = conf->offload;
	gro_init(&d->gro, d->grobuf);
	bridge_out_init(d->out, datapath_out, d);
	udp_tx_init(&d->tx, datapath_tx_error, d);
	if ((d->base = event_base_new()) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot create the event loop");
		goto fail;
	}
	if (udp_open(&d->udp, &conf->listen, &e) == -1) {
		char a[ADDR_STRLEN];

		snprintf(err, SETTING_ERR_MAX, "%s:0: listen %s: %s: %s", conf->file,
		    conf->listen.family ? addr_str(&conf->listen, a) : "[::]", e,
		    strerror(errno));
		goto fail;
	}
	d->listen = conf->listen;
	if (addr_is_any(&d->listen))
		d->listen.family = 0;
	/* On every address: each member is sent to from where it calls us. */
	if (addr_is_any(&conf->listen) && udp_want_local(&d->udp) == -1)
		log_warn("listen: no IP_PKTINFO (%s): messages leave from the "
		    "route's source address", strerror(errno));
	if (!conf->offload) {
		(void)setsockopt(d->udp.fd, SOL_UDP, UDP_GRO, &(int){ 0 }, sizeof(int));
		d->udp.gro = false;
		d->udp.gso = false;
	}
	d->udp_ev = event_new(d->base, d->udp.fd, EV_READ | EV_PERSIST, datapath_udp_read, d);
	d->timer = evtimer_new(d->base, timer_cb, d);
	if (d->udp_ev == NULL || d->timer == NULL || event_add(d->udp_ev, NULL) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up events");
		goto fail;
	}
	for (i = 0; sigs[i] != 0; i++) {
		d->sig[i] = evsignal_new(d->base, sigs[i], sig_cb, d);
		if (d->sig[i] == NULL || event_add(d->sig[i], NULL) == -1) {
			snprintf(err, SETTING_ERR_MAX, "cannot set up signals");
			goto fail;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	/* Before the control socket, so a bad file leaves nothing behind. */
	if (edged_apply(d, conf, err) == -1)
		goto fail;
	d->conf = conf;
	conf = NULL;
	if ((d->ctl = ctl_open(d->base, d->conf->control, ctl_handle, d, &e)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:0: control socket %s: %s: %s",
		    d->conf->file, d->conf->control, e, strerror(errno));
		goto fail;
	}
	return d;
fail:
	edge_conf_free(conf);
	edged_free(d);
	return NULL;
}

int
edged_run(struct edged *d)
{
	char a[ADDR_STRLEN];

	bridge_start(d->br, d->out, clock_mono());
	datapath_flush(d);
	timer_cb(-1, 0, d);
	bridge_size(d->br, &d->size);
	log_info("running: %u VANs, %u ports, %u members, underlay %s, control %s",
	    d->size.nvans, d->size.nports, d->size.nmembers,
	    d->conf->listen.family ? addr_str(&d->conf->listen, a) : "[::]:*",
	    d->conf->control);
	return event_base_dispatch(d->base) == -1 ? -1 : 0;
}

void
edged_free(struct edged *d)
{
	uint32_t p;
	int i;

	if (d == NULL)
		return;
	ctl_close(d->ctl);
	if (d->ports != NULL)
		for (p = 0; p < d->size.port_max; p++)
			if (d->ports[p].fd != -1) {
				event_free(d->ports[p].ev);
				event_free(d->ports[p].resume);
				close(d->ports[p].fd);
			}
	for (i = 0; i < 4; i++)
		if (d->sig[i] != NULL)
			event_free(d->sig[i]);
	if (d->timer != NULL)
		event_free(d->timer);
	if (d->udp_ev != NULL)
		event_free(d->udp_ev);
	udp_close(&d->udp);
	if (d->base != NULL)
		event_base_free(d->base);
	udp_rx_free(&d->rx);
	free(d->grobuf);
	free(d->tsobuf);
	free(d->tapbuf);
	free(d->ports);
	free(d->mlocal);
	free(d->msalen);
	free(d->msa);
	free(d->out);
	bridge_free(d->br);
	edge_conf_free(d->conf);
	free(d);
}
