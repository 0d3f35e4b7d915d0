/*
 * edged.c — the vanedge daemon's I/O: taps, the underlay socket, the
 * bridge's timer, signals, the control socket and configuration reloads.
 * Every decision is the bridge's (bridge.c); this file moves bytes and
 * applies configuration.
 *
 * The data path (taps, underlay, offloads) is datapath.c.
 *
 * Timer: one event, armed at the deadline bridge_tick returns.  (systemd's
 * watchdog and status have theirs: edge/rim/sdnotify.h.)
 */
#include "edge/vanedge/edged.h"
#include "edge/vanedge/edged_int.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "edge/rim/clock.h"
#include "edge/rim/ctl.h"
#include "edge/rim/device.h"
#include "edge/rim/link.h"
#include "edge/rim/daemon.h"
#include "edge/rim/log.h"
#include "edge/rim/metrics.h"
#include "edge/rim/sdnotify.h"
#include "edge/van/mtu.h"
#include "edge/van/offload.h"
#include "edge/rim/show.h"
#include "edge/rim/site.h"
#include "edge/rim/siteconf.h"
#include "edge/rim/tap.h"
#include "edge/rim/udp.h"
#include "edge/vanedge/metricdefs.h"

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

/*
 * Open the interface of a port: a tap (created if missing, given mac), or
 * a device (it must exist and be up; fenced off the host's stack).  An fd,
 * or -1 with err "KIND NAME: why".
 */
static int
port_open(struct edged *d, const char *name, const uint8_t *mac, bool device,
    int *ifindex, char *err, size_t errlen)
{
	const char *e;
	char ferr[256];
	int fd;

	*ifindex = 0;
	if (!device) {
		if ((fd = tap_open(name, mac, d->vnet, &e)) == -1)
			snprintf(err, errlen, "tap %s: %s: %s", name, e, strerror(errno));
		return fd;
	}
	if (!d->vnet) {
		/* Without the header a guest's super-frames come uncut. */
		snprintf(err, errlen, "device %s: device ports need offload = true", name);
		return -1;
	}
	if ((fd = device_open(name, d->vnet, ifindex, &e)) == -1) {
		snprintf(err, errlen, "device %s: %s: %s", name, e, strerror(errno));
		return -1;
	}
	if (d->fence == NULL) {
		snprintf(err, errlen, "device %s: no nftables fence (see the log at start)",
		    name);
		close(fd);
		return -1;
	}
	if (device_fence_add(d->fence, name, ferr, sizeof(ferr)) == -1) {
		snprintf(err, errlen, "device %s: cannot fence it off the host: %s", name,
		    ferr);
		close(fd);
		return -1;
	}
	return fd;
}

/* Close what port_open opened, before it became a port. */
static void
port_close_unused(struct edged *d, int fd, const char *name, bool device)
{
	close(fd);
	if (device)
		device_fence_del(d->fence, name);
}

/*
 * Register an open interface as a port of VAN slot v; closes it on
 * failure.  A device's MAC is claimed at its guest's first frame.
 */
static int
port_register(struct edged *d, int fd, const char *name, bool device, int ifindex,
    uint32_t v, const uint8_t *mac, bool from_conf, char *err, size_t errlen)
{
	struct edged_port *p;
	const char *e;
	int slot;

	slot = bridge_port_add(d->br, d->out, v, mac,
	    device ? BRIDGE_PORT_CLAIM_AT_FRAME : 0, clock_mono(), &e);
	if (slot < 0) {
		snprintf(err, errlen, "%s %s: %s", device ? "device" : "tap", name, e);
		port_close_unused(d, fd, name, device);
		return -1;
	}
	p = &d->ports[slot];
	p->d = d;
	p->fd = fd;
	p->device = device;
	p->automatic = false;
	p->ifindex = ifindex;
	p->slot = (uint32_t)slot;
	p->from_conf = from_conf;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, datapath_tap_read, p);
	p->resume = evtimer_new(d->base, datapath_tap_resume, p);
	if (p->ev == NULL || p->resume == NULL || event_add(p->ev, NULL) == -1) {
		snprintf(err, errlen, "%s %s: cannot watch it", device ? "device" : "tap",
		    name);
		if (p->ev != NULL)
			event_free(p->ev);
		if (p->resume != NULL)
			event_free(p->resume);
		bridge_port_del(d->br, d->out, p->slot, clock_mono());
		port_close_unused(d, fd, name, device);
		p->fd = -1;
		p->ev = NULL;
		p->resume = NULL;
		return -1;
	}
	datapath_flush(d);
	log_info("%s %s attached to VAN %u", device ? "device" : "tap", name,
	    bridge_van_id(d->br, v));
	return slot;
}

static int
port_attach(struct edged *d, uint32_t v, const char *name, bool device,
    const uint8_t *mac, bool from_conf, char *err, size_t errlen)
{
	int fd, ifindex;

	if (!setting_name_ok(name, SETTING_IFNAMSIZ)) {
		snprintf(err, errlen, "%s name '%s': 1-15 of A-Z a-z 0-9 _ . -",
		    device ? "device" : "tap", name);
		return -1;
	}
	if (port_by_name(d, name) != NULL) {
		snprintf(err, errlen, "%s is already a port", name);
		return -1;
	}
	if ((fd = port_open(d, name, mac, device, &ifindex, err, errlen)) == -1)
		return -1;
	return port_register(d, fd, name, device, ifindex, v, mac, from_conf, err,
	    errlen);
}

/* Take the port out of the bridge; keep_fd: give its fd back, else close. */
static int
port_detach(struct edged *d, struct edged_port *p, bool keep_fd)
{
	int fd = p->fd;

	log_info("%s %s detached", p->device ? "device" : "tap", p->name);
	event_free(p->ev);
	event_free(p->resume);
	bridge_port_del(d->br, d->out, p->slot, clock_mono());
	datapath_flush(d);
	if (p->device)
		d->device_drops += device_drops(fd);
	p->fd = -1;
	p->ev = NULL;
	p->resume = NULL;
	if (keep_fd)
		return fd;
	close(fd);
	if (p->device)
		device_fence_del(d->fence, p->name);
	return -1;
}

/* ------------------------------------------------------------ devices --- */

/* A device port's interface is gone (its VM with it): withdraw the port. */
static void
device_gone(struct edged *d, struct edged_port *p, const char *why)
{
	struct bridge_port_view pv;

	log_warn("device %s: %s: port withdrawn from VAN %u", p->name, why,
	    bridge_port_view(d->br, p->slot, &pv) ? bridge_van_id(d->br, pv.van) : 0);
	d->devices_gone++;
	port_detach(d, p, false);
}

static bool
held_find(const struct edged *d, int ifindex, unsigned *at)
{
	unsigned i;

	for (i = 0; i < d->nheld; i++)
		if (d->held[i] == ifindex) {
			*at = i;
			return true;
		}
	return false;
}

/* An operator's detach of a device a pattern attached: it stays detached. */
static void
held_add(struct edged *d, int ifindex)
{
	unsigned i;

	if (!held_find(d, ifindex, &i) && d->nheld < d->size.port_max)
		d->held[d->nheld++] = ifindex;
}

static void
held_del(struct edged *d, int ifindex)
{
	unsigned i;

	if (held_find(d, ifindex, &i))
		d->held[i] = d->held[--d->nheld];
}

/*
 * Interface name (ifindex, up) exists: a port of the VAN whose `devices`
 * pattern it matches, unless it is a port already (a port named in the
 * configuration or by vanctl wins) or vanctl detached it.
 */
static void
device_auto(struct edged *d, int ifindex, const char *name, bool up)
{
	const struct conf_van *cv;
	char err[512];
	unsigned i;
	int v, slot;

	if (!up || d->fence == NULL || d->conf == NULL || port_by_name(d, name) != NULL ||
	    held_find(d, ifindex, &i) || !setting_name_ok(name, SETTING_IFNAMSIZ) ||
	    (cv = edge_conf_devices_van(d->conf, name)) == NULL ||
	    (v = bridge_van_find(d->br, cv->van.id)) < 0)
		return;
	slot = port_attach(d, (uint32_t)v, name, true, NULL, false, err, sizeof(err));
	if (slot < 0) {
		log_warn("%s (VAN %s, devices \"%s\")", err, cv->van.name, cv->devices);
		return;
	}
	d->ports[slot].automatic = true;
	d->devices_auto++;
}

/* Every interface there is, against the patterns (start, reload). */
static void
device_auto_scan(struct edged *d)
{
	struct if_nameindex *ifs, *i;

	if ((ifs = if_nameindex()) == NULL)
		return;
	for (i = ifs; i->if_index != 0; i++)
		device_auto(d, (int)i->if_index, i->if_name, device_is_up(i->if_name));
	if_freenameindex(ifs);
}

static void
link_event(const struct link_event *ev, void *arg)
{
	struct edged *d = arg;
	uint32_t p;

	if (!ev->gone) {
		if (ev->name[0] != '\0')
			device_auto(d, ev->ifindex, ev->name, ev->up);
		return;
	}
	held_del(d, ev->ifindex);
	for (p = 0; p < d->size.port_max; p++)
		if (d->ports[p].fd != -1 && d->ports[p].device &&
		    d->ports[p].ifindex == ev->ifindex)
			device_gone(d, &d->ports[p], "interface removed");
}

/* Events were lost: ask the kernel about each device port's interface. */
static void
link_resync(struct edged *d)
{
	char name[IF_NAMESIZE];
	uint32_t p;

	d->link_resyncs++;
	for (p = 0; p < d->size.port_max; p++) {
		struct edged_port *port = &d->ports[p];

		if (port->fd == -1 || !port->device)
			continue;
		if (if_indextoname((unsigned)port->ifindex, name) == NULL ||
		    strcmp(name, port->name) != 0)
			device_gone(d, port, "interface removed (found on a resync)");
	}
}

static void
link_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct edged *d = arg;

	(void)what;
	if (link_read(fd, d->linkbuf, LINK_BUFSZ, link_event, d) == -1) {
		if (errno == ENOBUFS)
			link_resync(d);
		else
			log_warn("rtnetlink: %s", strerror(errno));
	}
}

/* ------------------------------------------------------ configuration --- */

static const struct conf_port *
conf_port_find(const struct edge_conf *conf, const char *tap, uint32_t *van_id)
{
	unsigned i, j;

	for (i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++)
			if (strcmp(conf->vans[i].ports[j].tap, tap) == 0) {
				*van_id = conf->vans[i].van.id;
				return &conf->vans[i].ports[j];
			}
	return NULL;
}

/* The k-th port of conf, counting every VAN's in order. */
static const struct conf_port *
conf_port_at(const struct edge_conf *conf, unsigned k)
{
	unsigned i;

	for (i = 0; i < conf->nvans; i++) {
		if (k < conf->vans[i].nports)
			return &conf->vans[i].ports[k];
		k -= conf->vans[i].nports;
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

	for (i = 0; i < conf->site.nmembers; i++)
		if (conf->site.members[i].family == 6)
			v6 = true;
	return mtu_frame_max(conf->underlay_mtu, v6);
}

/* VAN slot v leaves the configuration: its taps go first. */
static void
van_gone(void *arg, uint32_t v)
{
	struct edged *d = arg;
	struct bridge_port_view pv;
	uint32_t p;

	for (p = 0; p < d->size.port_max; p++)
		if (d->ports[p].fd != -1 &&
		    bridge_port_view(d->br, d->ports[p].slot, &pv) && pv.van == v)
			port_detach(d, &d->ports[p], false);
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
	int *newfd = NULL, *newidx = NULL;
	unsigned i, j, k = 0, nnew = 0;
	uint32_t p;
	const char *e;
	monotime_t now = clock_mono();

	/* 1. Open the taps of ports that are not attached yet. */
	for (i = 0; i < conf->nvans; i++)
		nnew += conf->vans[i].nports;
	newfd = calloc(nnew + 1, sizeof(*newfd));
	newidx = calloc(nnew + 1, sizeof(*newidx));
	if (newfd == NULL || newidx == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s: out of memory", conf->file);
		free(newfd);
		free(newidx);
		return -1;
	}
	for (i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++, k++) {
			const struct conf_port *cp = &conf->vans[i].ports[j];
			const struct edged_port *have = port_by_name(d, cp->tap);
			size_t at;

			newfd[k] = -1;
			newidx[k] = 0;
			if (have != NULL && have->device == cp->device)
				continue;
			/* "FILE:LINE: " and then the reason. */
			snprintf(err, SETTING_ERR_MAX, "%s:%d: ", conf->file, cp->line);
			at = strlen(err);
			if (have != NULL)
				snprintf(err + at, SETTING_ERR_MAX - at, "%s is attached as a %s: "
				    "detach it first", cp->tap, have->device ? "device" : "tap");
			else
				newfd[k] = port_open(d, cp->tap, cp->has_mac ? cp->mac : NULL,
				    cp->device, &newidx[k], err + at, SETTING_ERR_MAX - at);
			if (newfd[k] == -1) {
				while (k-- > 0)
					if (newfd[k] != -1)
						port_close_unused(d, newfd[k], conf_port_at(conf,
						    k)->tap, conf_port_at(conf, k)->device);
				free(newfd);
				free(newidx);
				return -1;
			}
		}

	/* 2. Members: drop the ones gone, add the new ones. */
	site_members_apply(d->br, d->out, conf->site.members, conf->site.nmembers, now,
	    &d->maddr, d->udp.v6, &d->listen);

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
			const struct conf_van *av;

			/* Attached by vanctl: stays while its VAN does; by a
			 * pattern: while the VAN's pattern still takes it. */
			if (!port->from_conf && !port->automatic && edge_conf_van(conf,
			    bridge_van_id(d->br, pv.van)) != NULL)
				continue;
			if (port->automatic &&
			    (av = edge_conf_devices_van(conf, port->name)) != NULL &&
			    av->van.id == bridge_van_id(d->br, pv.van))
				continue;
			port_detach(d, port, false);
		} else if (vid != bridge_van_id(d->br, pv.van) || cp->has_mac != pv.has_mac ||
		    (cp->has_mac && memcmp(cp->mac, pv.mac, 6) != 0)) {
			/* Same tap, other VAN or MAC: re-register its fd. */
			char name[SETTING_IFNAMSIZ];
			int fd, idx = port->ifindex;

			snprintf(name, sizeof(name), "%s", port->name);
			fd = port_detach(d, port, true);
			for (k = 0, i = 0; i < conf->nvans; i++)
				for (j = 0; j < conf->vans[i].nports; j++, k++)
					if (&conf->vans[i].ports[j] == cp) {
						newfd[k] = fd;
						newidx[k] = idx;
					}
		} else {
			port->from_conf = true;
			port->automatic = false;
		}
	}

	/* 4. VANs: gone (their taps detached first), new, renamed. */
	site_vans_apply(d->br, d->out, conf->file, &conf->vans[0].van,
	    sizeof(conf->vans[0]), conf->nvans, old != NULL, van_gone, d, now);

	/* 5. New ports, with the fds opened in step 1 or kept in step 3. */
	for (k = 0, i = 0; i < conf->nvans; i++)
		for (j = 0; j < conf->vans[i].nports; j++, k++) {
			const struct conf_port *cp = &conf->vans[i].ports[j];
			int v = bridge_van_find(d->br, conf->vans[i].van.id);
			char perr[256];

			if (newfd[k] == -1)
				continue;
			if (v < 0) {
				port_close_unused(d, newfd[k], cp->tap, cp->device);
				continue;
			}
			if (port_register(d, newfd[k], cp->tap, cp->device, newidx[k],
			    (uint32_t)v, cp->has_mac ? cp->mac : NULL, true, perr,
			    sizeof(perr)) < 0)
				log_err("%s:%d: %s", conf->file, cp->line, perr);
		}
	free(newfd);
	free(newidx);

	/* 6. Settings that apply at once. */
	{
		struct bridge_conf bc = { .arp_proxy = conf->arp_proxy,
		    .frame_max = (uint32_t)edged_frame_max(conf) };

		site_conf_bridge(&conf->site, &bc);
		/* The parser checked the ranges; the core checks them again. */
		if (bridge_set_conf(d->br, &bc, &e) == -1)
			log_err("settings not applied: %s", e);
	}
	site_conf_apply(d->br, old != NULL ? &old->site : NULL, &conf->site);
	if (old != NULL) {
		if (!addr_eq(&old->listen, &conf->listen))
			log_warn("listen address changes at the next start");
		if (old->offload != conf->offload)
			log_warn("offload changes at the next start");
	}
	datapath_flush(d);
	return 0;
}

static json_t	*metrics_json(void *);

/* The metrics server conf names (edge/rim/metrics.h, metrics_reopen). */
static int
edged_metrics(struct edged *d, const struct edge_conf *conf, struct metrics **out,
    char err[static SETTING_ERR_MAX])
{
	return metrics_reopen(d->base, d->metrics, &conf->metrics, conf->file,
	    edge_metric_tables, metrics_json, d, out, err);
}

static int
edged_reload(struct edged *d, char err[static SETTING_ERR_MAX])
{
	struct edge_conf *conf;
	struct metrics *m = d->metrics;

	d->reloads++;
	sdnotify_reloading(d->notify);
	if ((conf = edge_conf_load(d->conf->file, err)) == NULL ||
	    edged_metrics(d, conf, &m, err) == -1 ||
	    edged_apply(d, conf, err) == -1) {
		d->reload_failures++;
		if (m != d->metrics)
			metrics_close(m);
		edge_conf_free(conf);
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
	conf->listen = d->conf->listen;
	conf->offload = d->conf->offload;
	edge_conf_free(d->conf);
	d->conf = conf;
	device_auto_scan(d);
	log_info("configuration reloaded from %s", conf->file);
	sdnotify_ready(d->notify);
	return 0;
}

/* -------------------------------------------------------------- control --- */

/*
 * `show graph`: this edge is named by its underlay address, as its members
 * know it; an edge listening on every address by its host's name.
 */
static json_t *
edged_graph(struct edged *d)
{
	char name[ADDR_STRLEN > 256 ? ADDR_STRLEN : 256];

	if (d->conf->listen.family != 0 && !addr_is_any(&d->conf->listen))
		addr_str(&d->conf->listen, name);
	else if (gethostname(name, sizeof(name)) == -1 || name[0] == '\0')
		snprintf(name, sizeof(name), "this edge");
	name[sizeof(name) - 1] = '\0';
	return show_graph(d->br, "edge", name, clock_mono());
}

static json_t *
show_request_of(struct edged *d, int argc, char **argv, char *err, size_t errlen)
{
	json_t *s;
	bool mine;

	if (argc == 2 && strcmp(argv[1], "graph") == 0)
		return edged_graph(d);
	s = show_request(d->br, ctl_stats(d->ctl), argc, argv, edged_port_name, NULL, d,
	    clock_mono(), &mine, err, errlen);
	if (!mine) {
		snprintf(err, errlen, argc >= 2 && strcmp(argv[1], "graph") == 0 ?
		    "usage: show graph" :
		    "usage: show vans|ports|members|stats|graph|fdb [VAN]|neigh [VAN]");
		return NULL;
	}
	if (s != NULL && argc == 2 && strcmp(argv[1], "ports") == 0) {
		json_t *o;
		size_t i;

		/* Which kind each is: show_ports knows the bridge's ports only. */
		json_array_foreach(s, i, o) {
			const struct edged_port *p = port_by_name(d,
			    json_string_value(json_object_get(o, "tap")));

			json_object_set_new(o, "kind",
			    json_string(p != NULL && p->device ? "device" : "tap"));
			json_object_set_new(o, "automatic", json_boolean(p != NULL &&
			    p->automatic));
		}
	}
	if (s != NULL && argc == 2 && strcmp(argv[1], "stats") == 0) {
		uint32_t p;

		/* The kernel's counts reset as they are read: ours add them up. */
		for (p = 0; p < d->size.port_max; p++)
			if (d->ports[p].fd != -1 && d->ports[p].device)
				d->device_drops += device_drops(d->ports[p].fd);
		json_object_set_new(s, "daemon", json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}",
		    "log_level", log_level_str(log_get_level()),
		    "tap_read_errors", (json_int_t)d->tap_read_errors,
		    "tap_pauses", (json_int_t)d->tap_pauses,
		    "devices_gone", (json_int_t)d->devices_gone,
		    "link_resyncs", (json_int_t)d->link_resyncs,
		    "devices_auto", (json_int_t)d->devices_auto,
		    "device_drops", (json_int_t)d->device_drops,
		    "offload_errors", (json_int_t)d->offload_errors,
		    "gso_sends", (json_int_t)d->tx.gso_sends,
		    "gso_fallbacks", (json_int_t)d->tx.gso_fallbacks,
		    "gso", d->udp.gso,
		    "gro_writes", (json_int_t)d->gro_writes,
		    "reloads", (json_int_t)d->reloads,
		    "reload_failures", (json_int_t)d->reload_failures));
	}
	return s;
}

/* One scrape's JSON (edge/vanedge/metricdefs.c): the show requests' own. */
static json_t *
metrics_json(void *arg)
{
	static char show[] = "show", stats[] = "stats", ports[] = "ports";
	char *sv[] = { show, stats }, *pv[] = { show, ports };
	struct edged *d = arg;
	char err[256], epoch[20];
	json_t *root = json_object();

	if (root == NULL)
		return NULL;
	snprintf(epoch, sizeof(epoch), "%016llx", (unsigned long long)d->epoch);
	json_object_set_new(root, "info", json_pack("{s:s, s:s}", "version",
	    metrics_version(), "epoch", epoch));
	json_object_set_new(root, "stats", show_request_of(d, 2, sv, err, sizeof(err)));
	json_object_set_new(root, "members", show_members(d->br, NULL, d, clock_mono()));
	json_object_set_new(root, "vans", show_vans(d->br));
	json_object_set_new(root, "ports", show_request_of(d, 2, pv, err, sizeof(err)));
	return root;
}

static json_t *
ctl_handle(void *arg, int argc, char **argv, char *err, size_t errlen)
{
	struct edged *d = arg;

	if (strcmp(argv[0], "show") == 0)
		return show_request_of(d, argc, argv, err, errlen);
	if (strcmp(argv[0], "attach") == 0) {
		bool device = argc >= 3 && strcmp(argv[2], "--device") == 0;
		int base = device ? 4 : 3;	/* argv[base]: the MAC, if any */
		const char *name = argc > base - 1 ? argv[base - 1] : NULL;
		uint8_t mac[6];
		int v, slot;

		if (name == NULL || (argc != base && argc != base + 1)) {
			snprintf(err, errlen, "usage: attach VAN TAP [MAC] | "
			    "attach VAN --device IFNAME [MAC]");
			return NULL;
		}
		if ((v = show_van_arg(d->br, argv[1], err, errlen)) < 0)
			return NULL;
		if (argc == base + 1 && (!mac_parse(argv[base], mac) ||
		    eth_is_multicast(mac) || eth_is_zero(mac))) {
			snprintf(err, errlen, "'%s' is not a unicast MAC address", argv[base]);
			return NULL;
		}
		slot = port_attach(d, (uint32_t)v, name, device, argc == base + 1 ? mac : NULL,
		    false, err, errlen);
		if (slot < 0)
			return NULL;
		held_del(d, d->ports[slot].ifindex);
		return json_pack("{s:s, s:s, s:I}", "tap", name, "kind",
		    device ? "device" : "tap", "van",
		    (json_int_t)bridge_van_id(d->br, (uint32_t)v));
	}
	if (strcmp(argv[0], "detach") == 0) {
		struct edged_port *p;

		if (argc != 2) {
			snprintf(err, errlen, "usage: detach TAP|IFNAME");
			return NULL;
		}
		if ((p = port_by_name(d, argv[1])) == NULL) {
			snprintf(err, errlen, "no port on '%s'", argv[1]);
			return NULL;
		}
		if (p->automatic)
			held_add(d, p->ifindex);
		port_detach(d, p, false);
		return json_pack("{s:s}", "tap", argv[1]);
	}
	if (strcmp(argv[0], "log-level") == 0)
		return show_log_level(d->br, argc, argv, err, errlen);
	if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		char cerr[SETTING_ERR_MAX];

		if (edged_reload(d, cerr) == -1) {
			snprintf(err, errlen, "%s", cerr);
			return NULL;
		}
		return json_pack("{s:s}", "config", d->conf->file);
	}
	if (strcmp(argv[0], "role") == 0) {
		snprintf(err, errlen, "role: vanedge has none (a gateway pair's "
		    "vanproxy has: vanctl --proxy role active|standby)");
		return NULL;
	}
	snprintf(err, errlen, "unknown request '%s' (show, attach, detach, reload, "
	    "log-level)", argv[0]);
	return NULL;
}

/* -------------------------------------------------------------- signals --- */

static void
reload_cb(void *arg)
{
	char err[SETTING_ERR_MAX];

	(void)edged_reload(arg, err);	/* logged */
}

/* systemd's STATUS= line: "3 VANs, 4 ports, 2/2 members alive". */
static void
edged_status(void *arg, char *buf, size_t len)
{
	struct edged *d = arg;
	struct bridge_member_view mv;
	uint32_t m, alive = 0;

	bridge_size(d->br, &d->size);
	for (m = 0; m < d->size.member_max; m++)
		if (bridge_member_view(d->br, m, &mv) && mv.state == MEMBER_ALIVE)
			alive++;
	snprintf(buf, len, "%u VANs, %u ports, %u/%u members alive", d->size.nvans,
	    d->size.nports, alive, d->size.nmembers);
}

/* ------------------------------------------------------------ lifetime --- */

struct edged *
edged_new(struct edge_conf *conf, char err[static SETTING_ERR_MAX])
{
	struct bridge_conf bc;
	struct edged *d;
	const char *e;
	uint32_t p;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "out of memory");
		edge_conf_free(conf);
		return NULL;
	}
	d->udp.fd = -1;
	d->nonmember_log = LOG_LIMIT(1, 5);
	d->bridge_log = LOG_LIMIT(1, 5);
	memset(&bc, 0, sizeof(bc));
	bc.fdb_max = conf->site.fdb_max;
	bc.hello_ms = conf->site.hello_ms;
	bc.dead_count = conf->site.dead_count;
	bc.epoch = d->epoch = daemon_boot_epoch();
	randombytes_buf(bc.hashkey, sizeof(bc.hashkey));
	if ((d->br = bridge_new(&bc)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up the bridge (memory?)");
		goto fail;
	}
	bridge_size(d->br, &d->size);
	d->out = malloc(sizeof(*d->out));
	d->ports = calloc(d->size.port_max, sizeof(*d->ports));
	d->tapbuf = calloc(TAP_BATCH, sizeof(*d->tapbuf));
	d->tsobuf = malloc(TSO_BUFSZ);
	d->grobuf = malloc(VNET_HDR_LEN + OFFLOAD_FRAME_MAX);
	if (d->out == NULL || site_addrs_init(&d->maddr, d->size.member_max) == -1 ||
	    d->ports == NULL || d->tapbuf == NULL || d->tsobuf == NULL ||
	    d->grobuf == NULL || udp_rx_init(&d->rx) == -1) {
		snprintf(err, SETTING_ERR_MAX, "out of memory");
		goto fail;
	}
	for (p = 0; p < d->size.port_max; p++)
		d->ports[p].fd = -1;
	d->link_fd = -1;
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

		snprintf(err, SETTING_ERR_MAX, "%s: listen %s: %s: %s", conf->file,
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
	/*
	 * Device ports: their interfaces' removals, and the fence.  Without a
	 * fence (no nf_tables netdev family), taps still work; a device port
	 * is refused with the reason.
	 */
	if ((d->held = calloc(d->size.port_max, sizeof(*d->held))) == NULL ||
	    (d->linkbuf = malloc(LINK_BUFSZ)) == NULL ||
	    (d->link_fd = link_open(&e)) == -1 ||
	    (d->link_ev = event_new(d->base, d->link_fd, EV_READ | EV_PERSIST,
	    link_read_cb, d)) == NULL || event_add(d->link_ev, NULL) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot watch interfaces (rtnetlink)");
		goto fail;
	}
	if ((d->fence = device_fence_new(&e)) == NULL)
		log_warn("device ports unavailable: %s", e);
	if (daemon_signals_open(&d->sig, d->base, reload_cb, d) == -1) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up signals");
		goto fail;
	}
	/* Before the control socket, so a bad file leaves nothing behind. */
	if (edged_apply(d, conf, err) == -1)
		goto fail;
	d->conf = conf;
	conf = NULL;
	device_auto_scan(d);
	if ((d->ctl = ctl_open(d->base, d->conf->site.control, ctl_handle, d, &e)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s: control socket %s: %s: %s",
		    d->conf->file, d->conf->site.control, e, strerror(errno));
		goto fail;
	}
	if (edged_metrics(d, d->conf, &d->metrics, err) == -1)
		goto fail;
	if ((d->notify = sdnotify_open(d->base, edged_status, d)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "cannot set up systemd's notifications");
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
	    d->conf->site.control);
	/* Sockets, ports and the control socket are up (edged_new). */
	sdnotify_ready(d->notify);
	return event_base_dispatch(d->base) == -1 ? -1 : 0;
}

void
edged_free(struct edged *d)
{
	uint32_t p;

	if (d == NULL)
		return;
	sdnotify_close(d->notify);
	metrics_close(d->metrics);
	ctl_close(d->ctl);
	if (d->ports != NULL)
		for (p = 0; p < d->size.port_max; p++)
			if (d->ports[p].fd != -1) {
				event_free(d->ports[p].ev);
				event_free(d->ports[p].resume);
				close(d->ports[p].fd);
			}
	daemon_signals_close(&d->sig);
	/* Device ports' fences stay: their guests stay off the host's stack. */
	device_fence_free(d->fence);
	if (d->link_ev != NULL)
		event_free(d->link_ev);
	if (d->link_fd != -1)
		close(d->link_fd);
	free(d->linkbuf);
	free(d->held);
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
	site_addrs_free(&d->maddr);
	free(d->out);
	bridge_free(d->br);
	edge_conf_free(d->conf);
	free(d);
}
