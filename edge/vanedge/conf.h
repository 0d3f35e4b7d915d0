/*
 * conf.h — vanedge's configuration (/etc/van/edge.conf, libconfig): what
 * it holds once parsed and checked, the parser, and the printer of its
 * normalised form (`vanedge -n`).
 *
 * Not pure (libconfig reads the file) but free of libevent: the daemon
 * decides what a new configuration changes (edged.c).
 */
#ifndef EDGE_VANEDGE_CONF_H
#define EDGE_VANEDGE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "edge/van/addr.h"
#include "edge/van/bridge.h"
#include "edge/van/mac.h"
#include "edge/rim/log.h"
#include "edge/rim/setting.h"
#include "edge/rim/siteconf.h"

#define EDGE_CONF_DEFAULT_PATH	"/etc/van/edge.conf"
#define EDGE_CONF_DEFAULT_CONTROL	"/run/van/edge.sock"
#define EDGE_CONF_TAP_MAX		BRIDGE_PORT_MAX

/* A port: a tap (opened, or created, by vanedge) or an existing device. */
struct conf_port {
	char		tap[SETTING_IFNAMSIZ];	/* its interface's name, either kind */
	bool		device;
	bool		has_mac;
	uint8_t		mac[6];
	int		line;
};

/* A VAN of the site (first: site_vans_apply reads it) and this host's ports in it. */
struct conf_van {
	struct site_van	van;
	struct conf_port *ports;
	unsigned	nports;
	char		devices[SETTING_IFNAMSIZ * 2];	/* fnmatch pattern, "" none */
};


struct edge_conf {
	char		file[4096];
	struct site_conf site;		/* what every member of the site has */
	struct van_addr	listen;		/* family 0: every address, both families */
	bool		offload;	/* tap checksum/TSO offloads, UDP GSO/GRO */
	uint32_t	underlay_mtu;	/* MTU of the underlay path between members */
	bool		arp_proxy;	/* answer ARP and ND from the table */
	struct setting_stream metrics;	/* Prometheus over HTTP; off unless set */
	struct conf_van	*vans;
	unsigned	nvans;
};

/* Parse and check PATH; NULL with err = "FILE:LINE: message" on error. */
struct edge_conf *edge_conf_load(const char *path, char err[static SETTING_ERR_MAX]);
void	edge_conf_free(struct edge_conf *);
/* The configuration with every default made explicit, in a fixed order. */
void	edge_conf_print(FILE *, const struct edge_conf *);

const struct conf_van *edge_conf_van(const struct edge_conf *, uint32_t id);
/*
 * The VAN whose `devices` pattern an interface named name matches: the
 * first in the file's order, NULL for none.
 */
const struct conf_van *edge_conf_devices_van(const struct edge_conf *, const char *name);


#endif /* EDGE_VANEDGE_CONF_H */
