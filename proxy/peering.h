/*
 * peering.h — a site's peering file (docs/proxy.md §6, etc/peering.conf):
 * its peers, each with its key, endpoint, preshared key file, VAN pairs,
 * limits and claims, and the `vans` list that declares the VANs a pairing
 * may name (vanplan's vans.conf).  One model, one reader and one writer
 * for every program that touches the format: vanproxy reads it (from its
 * proxy.conf, which @includes it), vanplan writes it and lints it, vanlab
 * writes it and runs a lab on vanplan's.
 *
 * The reader checks what the file alone can tell, in the file's order,
 * the first error winning ("FILE:LINE: message", edge/rim/setting.h):
 * names, keys, endpoints, pairs, bounds.  What needs more is its caller's:
 * whether the peers list each other (vanplan lint), are the lab's sites
 * (vanlab).  struct peering_opts says what a caller knows besides.
 *
 * Not pure: libconfig's tree is read; with opts->keys the preshared key
 * files are, with opts->resolve endpoint host names are resolved.  No
 * libevent.  Secrets (preshared keys) live in the model and are wiped by
 * peering_free; the writer names their files, never prints a key.
 */
#ifndef PROXY_PEERING_H
#define PROXY_PEERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libconfig.h>

#include "crypto/wg.h"
#include "edge/van/addr.h"
#include "edge/van/claims.h"
#include "edge/van/van.h"
#include "edge/rim/setting.h"
#include "edge/rim/siteconf.h"

/* Named limits of the format (docs/proxy.md §6). */
#define PROXY_TUNNEL_PORT		51820	/* an endpoint's default port */
#define PROXY_PEER_MAX			256	/* peers of one proxy */
#define PROXY_PEER_VANS_MAX		4096	/* VAN pairs of one peering */
#define PROXY_KEYFILE_MAX		(SETTING_PATH_MAX * 4)
#define PROXY_ENDPOINT_MAX		256	/* "host:port" as written */
#define PROXY_KEEPALIVE_MAX		UINT16_MAX	/* s: WireGuard's 16 bits */
#define PROXY_RATE_MAX			SETTING_RATE_MAX
/* Peer limits when `limits` does not say (0 in the file: none). */
#define PROXY_PEER_MACS_DEFAULT		4096
#define PROXY_PEER_FLOOD_DEFAULT	2000
#define PROXY_PEER_LEARN_DEFAULT	1000

/*
 * Tunnels that heal themselves (docs/proxy.md §13): a tree tunnel's plan ID
 * and our end of it, how long it is dead before it goes and alive before it
 * comes back; a standby peer's tunnels, each switched on by one end's word.
 */
#define PROXY_TUNNEL_ID_MAX		65535
#define PROXY_FAILOVER_AFTER_DEFAULT	3	/* s */
#define PROXY_FAILBACK_AFTER_DEFAULT	10	/* s */
#define PROXY_FAILOVER_MAX		3600	/* s, either */
#define PROXY_COVERS_MAX		64	/* tree tunnels one standby peer covers */

struct proxy_cover {
	uint32_t	tunnel;		/* a tree tunnel's ID */
	uint8_t		end;		/* whose word switches us: its end 0 or 1 */
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
	char		endpoint_text[PROXY_ENDPOINT_MAX];	/* normalised */
	struct van_addr	endpoint_addr;	/* family 0: a host name; the port */
	struct wg_endpoint endpoint;	/* an address; a name once resolved */
	bool		has_psk;
	char		psk_file[PROXY_KEYFILE_MAX];
	struct wg_key	psk;		/* with opts->keys; wiped by peering_free */
	uint16_t	keepalive;	/* persistent keepalive, s, 0: off */
	bool		has_limits;	/* `limits` written (else the defaults) */
	uint32_t	macs;		/* routes behind it, 0: no limit */
	uint32_t	flood_rate;	/* floods per second from it, 0: none */
	uint32_t	learn_rate;	/* LEARN/UNLEARN per second, 0: none */
	struct claims	*claims;	/* what it may claim; NULL: the default */
	uint32_t	tunnel;		/* `tunnel = { id; end; ... }`; 0: none */
	uint8_t		tunnel_end;	/* which end of it we are: 0 or 1 */
	uint32_t	failover_after;	/* s dead before it goes */
	uint32_t	failback_after;	/* s alive before it comes back */
	struct proxy_cover *covers;	/* `standby = ( ... )`: a standby peer's */
	unsigned	ncovers;	/* 0: not a standby peer */
	struct proxy_pair *pairs;
	unsigned	npairs;
	int		line;
};

/* What the caller knows that the peering file does not say. */
struct peering_opts {
	const struct wg_key *self;	/* this proxy's public key: no peer's */
	bool		vans_known;	/* a pair's local VAN must be in vans */
	const struct site_van *vans;
	unsigned	nvans;
	unsigned	members;	/* site members: at most BRIDGE_MEMBER_MAX
					 * with the peers */
	bool		keys;		/* read the preshared keys (else names only) */
	bool		resolve;	/* resolve host names (vanproxy) */
};

/*
 * `vans = ( { id = N; name = "..."; fdb_max = N; flood_rate = N;
 * flood_burst = N; }, ... )` (s: the list): a new array in *out (free it),
 * count in *n; both set (and to free) on failure too.
 */
bool	peering_vans(struct setting_ctx *, const config_setting_t *s,
	    struct site_van **out, unsigned *n);
/*
 * `peers = ( ... )` (s: the list): a new array in *out, count in *n, both
 * set on failure too (peering_free them).
 */
bool	peering_peers(struct setting_ctx *, const config_setting_t *s,
	    const struct peering_opts *, struct proxy_peer **out, unsigned *n);
/*
 * A peer's or a peering's `limits = { macs = N; flood_rate = N; learn_rate
 * = N; }` (s: the group): what it sets into the three (vanplan's inventory
 * gives the same group to each site).
 */
bool	peering_limits(struct setting_ctx *, const config_setting_t *s,
	    uint32_t *macs, uint32_t *flood_rate, uint32_t *learn_rate);
void	peering_free(struct proxy_peer *, unsigned n);

/* The peer's ID of our VAN `local`, 0 when the peering does not map it. */
uint32_t proxy_peer_remote(const struct proxy_peer *, uint32_t local);

#define PEERING_NOTE_MAX	96	/* a pair's comment */

/*
 * Write `peers = ( ... );`.  As a file (vanplan, vanlab): what is set,
 * each setting on its line, and after pair k of peer p the comment that
 * note(arg, p, k, buf, PEERING_NOTE_MAX) puts in buf ("" for none; note
 * may be NULL).  explicit (vanproxy -n, its golden form): keepalive and
 * limits even at their defaults, each peer closed on its last line.  Key
 * files by name, never a key.
 */
void	peering_print(FILE *, const struct proxy_peer *, unsigned n, bool explicit,
	    void (*note)(void *arg, const struct proxy_peer *p, unsigned k,
	    char *buf, size_t len), void *arg);

#endif /* PROXY_PEERING_H */
