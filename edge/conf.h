/*
 * conf.h — vanedge's configuration (/etc/van/edge.conf, libconfig): what
 * it holds once parsed and checked, the parser, and the printer of its
 * normalised form (`vanedge -n`).
 *
 * Not pure (libconfig reads the file) but free of libevent: the daemon
 * decides what a new configuration changes (edged.c).
 */
#ifndef EDGE_CONF_H
#define EDGE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "edge/addr.h"
#include "edge/bridge.h"
#include "edge/log.h"

#define CONF_DEFAULT_PATH	"/etc/van/edge.conf"
#define CONF_DEFAULT_CONTROL	"/run/van/edge.sock"
#define CONF_IFNAMSIZ		16	/* IFNAMSIZ: 15 characters and a NUL */
#define CONF_PATH_MAX		108	/* sun_path */
#define CONF_ERR_MAX		(4096 + 512)	/* a path and a message */
#define CONF_RATE_MAX		100000000	/* any per-second rate */
/* member_routes_max not set: fdb_max / BRIDGE_MEMBER_ROUTES_SHARE. */
#define CONF_ROUTES_UNSET	UINT32_MAX
#define CONF_TAP_MAX		BRIDGE_PORT_MAX

struct conf_port {
	char		tap[CONF_IFNAMSIZ];
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
	char		control[CONF_PATH_MAX];
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
	char		site_key_file[CONF_PATH_MAX * 4];	/* "" = none */
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
struct edge_conf *edge_conf_load(const char *path, char err[static CONF_ERR_MAX]);
void	edge_conf_free(struct edge_conf *);
/* The configuration with every default made explicit, in a fixed order. */
void	edge_conf_print(FILE *, const struct edge_conf *);

const struct conf_van *edge_conf_van(const struct edge_conf *, uint32_t id);

/* "02:00:5e:00:00:01" -> 6 bytes; false if not exactly that form. */
bool	mac_parse(const char *, uint8_t mac[static 6]);
void	mac_str(const uint8_t mac[static 6], char buf[static 18]);
/* Names of VANs and taps: 1..max-1 of [A-Za-z0-9_.-]. */
bool	conf_name_ok(const char *, size_t max);

#endif /* EDGE_CONF_H */
