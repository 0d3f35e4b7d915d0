/*
 * conf.h — vanproxy's configuration (/etc/van/proxy.conf, libconfig, with
 * the peering file @included from it; docs/proxy.md §6): what it holds
 * once parsed and checked, the parser, and the printer of its normalised
 * form (`vanproxy -n`).
 *
 * Not pure (libconfig and the key files are read, endpoint host names are
 * resolved) but free of libevent: the daemon decides what a new
 * configuration changes (proxyd.c, peer.c).  Secrets (the private key,
 * preshared keys, the site key) live in the model, are wiped by
 * proxy_conf_free and are never printed: the printer names their files.
 */
#ifndef PROXY_CONF_H
#define PROXY_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/wg.h"
#include "edge/van/addr.h"
#include "edge/van/bridge.h"
#include "edge/van/claims.h"
#include "edge/van/mac.h"
#include "edge/rim/setting.h"
#include "edge/rim/log.h"

#define PROXY_CONF_DEFAULT_PATH		"/etc/van/proxy.conf"
#define PROXY_CONF_DEFAULT_CONTROL	"/run/van/proxy.sock"
#define PROXY_CONF_DEFAULT_KEY		"/etc/van/proxy.key"
#define PROXY_CONF_DEFAULT_WG_NAME	"vanfed0"
#define PROXY_CONF_DEFAULT_NAME		"proxy"
#define PROXY_TUNNEL_PORT		51820
/* The path between proxies: IP packets of this size get through whole. */
#define PROXY_TUNNEL_MTU_DEFAULT	1500
#define PROXY_ROUTE_REFRESH_DEFAULT	60	/* s: our routes to each peer again */
#define PROXY_TUNNEL_MTU_MIN		576
#define PROXY_PEER_MAX			256	/* peers of one proxy */
#define PROXY_PEER_VANS_MAX		4096	/* VAN pairs of one peering */
#define PROXY_KEYFILE_MAX		(SETTING_PATH_MAX * 4)
#define PROXY_ENDPOINT_MAX		256	/* "host:port" as written */
#define PROXY_WG_NAME_MAX		16	/* IFNAMSIZ, as `wg` wants */
/* Peer limits when `limits` does not say (0 in the file: none). */
#define PROXY_PEER_MACS_DEFAULT		4096
#define PROXY_PEER_FLOOD_DEFAULT	2000
#define PROXY_PEER_LEARN_DEFAULT	1000

struct proxy_van {
	uint32_t	id;
	char		name[BRIDGE_NAME_MAX];
	uint32_t	fdb_max;	/* this VAN's share of the table, 0 = any */
	uint32_t	flood_rate;	/* flooded frames per second, 0 = no limit */
	uint32_t	flood_burst;
	int		line;
};

/* One pair of a peering: our VAN ID, the peer's ID for the same VAN. */
struct proxy_pair {
	uint32_t	local;
	uint32_t	remote;
	int		line;
};

struct proxy_peer {
	char		name[BRIDGE_NAME_MAX];
	struct wg_key	public_key;
	bool		has_endpoint;
	char		endpoint_text[PROXY_ENDPOINT_MAX];	/* as written */
	struct wg_endpoint endpoint;	/* resolved when loaded */
	bool		has_psk;
	char		psk_file[PROXY_KEYFILE_MAX];
	struct wg_key	psk;		/* wiped by proxy_conf_free */
	uint16_t	keepalive;	/* persistent keepalive, s, 0: off */
	uint32_t	macs;		/* routes behind it, 0: no limit */
	uint32_t	flood_rate;	/* floods per second from it, 0: none */
	uint32_t	learn_rate;	/* LEARN/UNLEARN per second, 0: none */
	struct claims	*claims;	/* what it may claim; NULL: the default */
	struct proxy_pair *pairs;
	unsigned	npairs;
	int		line;
};

struct proxy_conf {
	char		file[4096];
	char		name[BRIDGE_NAME_MAX];	/* this site, in logs */
	char		private_key_file[PROXY_KEYFILE_MAX];
	struct wg_key	private_key;	/* wiped by proxy_conf_free */
	struct wg_key	public_key;
	struct van_addr	listen;		/* tunnels; family 0: every address */
	struct van_addr	site_listen;	/* the site underlay; likewise */
	char		control[SETTING_PATH_MAX];
	char		wg_name[PROXY_WG_NAME_MAX];
	char		site_key_file[PROXY_KEYFILE_MAX];	/* "" = none */
	bool		has_site_key;
	bool		site_key_compat;	/* version 1 trailers too (upgrade) */
	uint8_t		site_key[32];	/* wiped by proxy_conf_free */
	uint32_t	hello_ms;
	uint32_t	dead_count;
	uint32_t	fdb_max;
	uint32_t	member_routes_max;	/* site members; 0 = any */
	uint32_t	member_flood_rate;	/* floods/s from one, 0 = any */
	uint32_t	member_learn_rate;	/* LEARN/UNLEARN/s from one, 0 = any */
	uint32_t	dad_moves;
	uint32_t	dad_window_s;
	uint32_t	dad_hold_s;
	uint32_t	tunnel_mtu;	/* of the path between proxies */
	uint32_t	route_refresh_s;	/* 0: never */
	enum log_level	log_level;
	struct van_addr	*members;
	unsigned	nmembers;
	struct proxy_van *vans;
	unsigned	nvans;
	struct proxy_peer *peers;
	unsigned	npeers;
};

/* Parse and check PATH; NULL with err = "FILE:LINE: message" on error. */
struct proxy_conf *proxy_conf_load(const char *path, char err[static SETTING_ERR_MAX]);
void	proxy_conf_free(struct proxy_conf *);
/*
 * The configuration with every default made explicit, in a fixed order,
 * peers inline (one file that loads to the same model): key files by
 * name, never a secret.
 */
void	proxy_conf_print(FILE *, const struct proxy_conf *);

const struct proxy_van *proxy_conf_van(const struct proxy_conf *, uint32_t id);
const struct proxy_peer *proxy_conf_peer(const struct proxy_conf *,
	    const char *name);
/* The peer's ID of our VAN `local`, 0 when the peering does not map it. */
uint32_t proxy_peer_remote(const struct proxy_peer *, uint32_t local);

#endif /* PROXY_CONF_H */
