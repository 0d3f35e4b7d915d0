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

#define EDGE_CONF_DEFAULT_PATH	"/etc/van/edge.conf"
#define EDGE_CONF_DEFAULT_CONTROL	"/run/van/edge.sock"
#define EDGE_CONF_TAP_MAX		BRIDGE_PORT_MAX

struct conf_port {
	char		tap[SETTING_IFNAMSIZ];
	bool		has_mac;
	uint8_t		mac[6];
	int		line;
};

struct conf_van {
	uint32_t	id;
	char		name[BRIDGE_NAME_MAX];
	uint32_t	fdb_max;	/* this VAN's share of the table, 0 = any */
	uint32_t	flood_rate;	/* flooded frames per second, 0 = no limit */
	uint32_t	flood_burst;
	struct conf_port *ports;
	unsigned	nports;
	int		line;
};

struct edge_conf {
	char		file[4096];
	struct van_addr	listen;		/* family 0: every address, both families */
	char		control[SETTING_PATH_MAX];
	uint32_t	hello_ms;
	uint32_t	dead_count;
	uint32_t	fdb_max;
	bool		offload;	/* tap checksum/TSO offloads, UDP GSO/GRO */
	uint32_t	member_routes_max;	/* routes through one member, 0 = any */
	uint32_t	member_flood_rate;	/* floods/s from one member, 0 = any */
	uint32_t	member_learn_rate;	/* LEARN/UNLEARN/s from one, 0 = any */
	uint32_t	underlay_mtu;	/* MTU of the underlay path between members */
	bool		arp_proxy;	/* answer ARP and ND from the table */
	uint32_t	dad_moves;	/* duplicate-address detection */
	uint32_t	dad_window_s;
	uint32_t	dad_hold_s;
	char		site_key_file[SETTING_PATH_MAX * 4];	/* "" = none */
	bool		has_site_key;
	bool		site_key_compat;	/* version 1 trailers too (upgrade) */
	uint8_t		site_key[32];	/* read from site_key_file; wiped */
	enum log_level	log_level;
	struct van_addr	*members;
	unsigned	nmembers;
	struct conf_van	*vans;
	unsigned	nvans;
};

/* Parse and check PATH; NULL with err = "FILE:LINE: message" on error. */
struct edge_conf *edge_conf_load(const char *path, char err[static SETTING_ERR_MAX]);
void	edge_conf_free(struct edge_conf *);
/* The configuration with every default made explicit, in a fixed order. */
void	edge_conf_print(FILE *, const struct edge_conf *);

const struct conf_van *edge_conf_van(const struct edge_conf *, uint32_t id);


#endif /* EDGE_VANEDGE_CONF_H */
