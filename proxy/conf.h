/*
 * conf.h — vanproxy's configuration (/etc/van/proxy.conf, libconfig, with
 * the peering file @included from it; docs/proxy.md §6): what it holds
 * once parsed and checked, the parser, and the printer of its normalised
 * form (`vanproxy -n`).  Its `vans` and `peers` are the peering file's
 * model, read and printed by proxy/peering.c.
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
#include "edge/rim/siteconf.h"
#include "proxy/peering.h"

#define PROXY_CONF_DEFAULT_PATH		"/etc/van/proxy.conf"
#define PROXY_CONF_DEFAULT_CONTROL	"/run/van/proxy.sock"
#define PROXY_CONF_DEFAULT_KEY		"/etc/van/proxy.key"
#define PROXY_CONF_DEFAULT_WG_NAME	"vanfed0"
#define PROXY_CONF_DEFAULT_NAME		"proxy"
/* The path between proxies: IP packets of this size get through whole. */
#define PROXY_TUNNEL_MTU_DEFAULT	BRIDGE_MTU_DEFAULT
#define PROXY_ROUTE_REFRESH_DEFAULT	60	/* s: our routes to each peer again */
#define PROXY_TUNNEL_MTU_MIN		BRIDGE_MTU_MIN	/* an IP path's */
#define PROXY_TUNNEL_MTU_MAX		BRIDGE_MTU_MAX
#define PROXY_WG_NAME_MAX		16	/* IFNAMSIZ, as `wg` wants */

struct proxy_conf {
	char		file[4096];
	struct site_conf site;		/* what every member of the site has */
	char		name[BRIDGE_NAME_MAX];	/* this site, in logs */
	char		private_key_file[PROXY_KEYFILE_MAX];
	struct wg_key	private_key;	/* wiped by proxy_conf_free */
	struct wg_key	public_key;
	struct van_addr	listen;		/* tunnels; family 0: every address */
	struct van_addr	site_listen;	/* the site underlay; likewise */
	char		wg_name[PROXY_WG_NAME_MAX];
	uint32_t	tunnel_mtu;	/* of the path between proxies */
	uint32_t	route_refresh_s;	/* 0: never */
	bool		ha;		/* one of a pair: starts standby (§12) */
	char		drain_file[PROXY_KEYFILE_MAX];	/* ha: "" none (§12) */
	struct setting_stream metrics;	/* Prometheus over HTTP; off unless set */
	struct site_van *vans;
	unsigned	nvans;
	struct proxy_peer *peers;
	unsigned	npeers;
};

/* Parse and check PATH; NULL with err = "FILE:LINE: message" on error. */
struct proxy_conf *proxy_conf_load(const char *path, char err[static SETTING_ERR_MAX]);
/*
 * The same, and with resolve false an endpoint's host name stays a name
 * (struct peering_opts): what must not ask the network (fuzz_proxyconf).
 */
struct proxy_conf *proxy_conf_read(const char *path, bool resolve,
	    char err[static SETTING_ERR_MAX]);
void	proxy_conf_free(struct proxy_conf *);
/*
 * The configuration with every default made explicit, in a fixed order,
 * peers inline (one file that loads to the same model): key files by
 * name, never a secret.
 */
void	proxy_conf_print(FILE *, const struct proxy_conf *);

const struct site_van *proxy_conf_van(const struct proxy_conf *, uint32_t id);
const struct proxy_peer *proxy_conf_peer(const struct proxy_conf *,
	    const char *name);

#endif /* PROXY_CONF_H */
