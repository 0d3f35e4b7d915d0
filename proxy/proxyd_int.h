/*
 * proxyd_int.h — the vanproxy daemon's state, shared by proxyd.c (lifetime,
 * configuration, control, timer), peer.c (the peers: tunnels and their
 * bridge slots, `show peers`, the wg UAPI) and datapath.c (moving
 * messages); nothing else includes it.
 */
#ifndef PROXY_PROXYD_INT_H
#define PROXY_PROXYD_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <event2/util.h>
#include <jansson.h>

#include "crypto/wgdev.h"
#include "edge/van/bridge.h"
#include "edge/rim/daemon.h"
#include "edge/rim/log.h"
#include "edge/rim/site.h"
#include "edge/rim/udp.h"
#include "proxy/conf.h"
#include "proxy/heal.h"

struct ctl;
struct event;
struct event_base;
struct sdnotify;
struct uapi_sock;

#define PROXY_ROUNDS		4	/* recvmmsg batches per wake-up and socket */
/* Handshake messages in one wake-up that make us "under load" [6] ... */
#define PROXY_LOAD_HANDSHAKES	32
#define PROXY_LOAD_HOLD		MONO_SEC(1)	/* ... for this long */
/* A plaintext: the transport header's room, a VAN message, padding, tag. */
#define PROXY_PLAIN_MAX		(WG_TRANSPORT_HDR_LEN + WIRE_MSG_MAX + \
				 WG_PAD_MULTIPLE + WG_AEAD_TAG_LEN)

_Static_assert(WIRE_MSG_MAX + WG_PAD_MULTIPLE <= WG_PAYLOAD_MAX,
    "a padded VAN message fits a transport payload");

/* A peer: its tunnel (a wgdev handle) and its bridge member slot. */
struct proxyd_peer {
	bool		used;
	bool		up;		/* a session since the last give-up */
	uint32_t	handle;		/* wgdev peer */
	struct wg_endpoint remote;	/* its address as last logged */
	char		name[BRIDGE_NAME_MAX];
	char		label[BRIDGE_NAME_MAX + 8];	/* "peer NAME" */
};

/* Ciphertext waiting for one sendmmsg on the tunnel socket. */
struct tunnel_tx {
	struct udp_tx	tx;
	unsigned	used;		/* slots taken */
	uint8_t		(*buf)[WG_DATAGRAM_MAX];	/* [UDP_BATCH] slots */
	struct sockaddr_storage sa[UDP_BATCH];
};

_Static_assert(PROXY_PLAIN_MAX <= WG_DATAGRAM_MAX, "a message fits a slot");

struct proxyd {
	struct event_base *base;
	struct proxy_conf *conf;
	uint32_t	tunnel_mtu;	/* the configuration's, applied */
	bool		tunnel_v4;	/* the tunnel socket is IPv4 only */
	struct bridge	*br;		/* the core (opaque) */
	struct bridge_size size;	/* its slots, for our tables */
	struct bridge_out *out;
	struct wgdev	*dev;
	struct udp_sock	site;		/* the site underlay: plain VAN messages */
	struct udp_sock	tun;		/* every tunnel */
	struct event	*site_ev, *tun_ev;
	struct udp_rx	rx;		/* both sockets: flushed before reuse */
	struct udp_tx	site_tx;
	struct tunnel_tx tun_tx;
	struct site_addrs maddr;	/* per member slot: where it is sent to */
	struct van_addr	site_listen;	/* the site socket's address (0: every), port */
	struct proxyd_peer *peers;	/* per member slot (peers) */
	struct heal	*heal;		/* tree tunnels, standby peers (§13) */
	monotime_t	heal_next;	/* its next deadline */
	const struct proxy_conf *heal_conf;	/* whose pairs heal maps */
	struct event	*timer;
	monotime_t	br_next;	/* the bridge's next deadline */
	monotime_t	armed;		/* the timer's, MONO_NEVER: none */
	monotime_t	load_until;	/* "under load" until then */
	struct daemon_signals sig;
	struct ctl	*ctl;
	struct metrics	*metrics;	/* NULL: off */
	struct sdnotify	*notify;	/* systemd's READY=1, STATUS=, watchdog */
	struct uapi_sock *uapi;
	struct log_limit nonmember_log, bridge_log, tunnel_log;
	struct site_trace_log trace_log;	/* the bridge's traces, at debug level */
	uint64_t	tun_rx_count, tun_tx_count;	/* datagrams */
	uint64_t	tun_tx_errors;
	uint64_t	tun_data_orphans;	/* data from a peer with no slot */
	uint64_t	wg_events[WGDEV_EV_COUNT];
	uint64_t	uapi_refused;
	uint64_t	reloads, reload_failures;
	/* One of a pair (ha, docs/proxy.md §12): active, or standby and mute. */
	bool		active;
	uint64_t	epoch_last;	/* the bridge's epoch of the last activation */
	uint64_t	stamp_last;	/* the tunnels' TAI64N floor, likewise */
	struct event	*role_ev;	/* ha: every second, our addresses still ours */
	uint64_t	role_changes;
	uint64_t	role_lost;	/* demoted: an address went */
	uint64_t	standby_drops;	/* datagrams a standby was sent */
	bool		drained;	/* stood down by hand: drain_file 1 */
};

/* A node taking over stamps this far ahead of its clock (§12). */
#define PROXY_TAKEOVER_MARGIN	MONO_SEC(30)

/* datapath.c */
/* Flush the bridge's actions and both send batches; re-arm the timer. */
void	datapath_flush(struct proxyd *);
void	datapath_out(struct bridge_out *, void *);	/* bridge_out flush */
void	datapath_site_error(uint32_t member, int err, void *);
void	datapath_tun_error(uint32_t tag, int err, void *);
void	datapath_site_read(evutil_socket_t, short, void *);
void	datapath_tun_read(evutil_socket_t, short, void *);
void	datapath_dev_send(void *, const struct wg_endpoint *, const uint8_t *,
	    size_t);
/* One message (a TUNNEL: heal's) to peer slot m, at once; not on standby. */
void	datapath_peer_send(struct proxyd *, uint32_t m, const uint8_t *msg,
	    size_t len);
int	datapath_init(struct proxyd *);
void	datapath_free(struct proxyd *);

/* peer.c */
/* The peers of conf (old: the configuration running, NULL at start). */
void	peer_apply_remove(struct proxyd *, const struct proxy_conf *conf);
void	peer_apply_add(struct proxyd *, const struct proxy_conf *old,
	    const struct proxy_conf *conf);
void	peer_remove_all(struct proxyd *);
void	peer_event(void *, uint32_t handle, enum wgdev_event);
/* Tell the bridge what the peer's tunnel carries (tunnel_mtu, family). */
void	peer_frame_max(struct proxyd *, uint32_t slot);
const char *peer_member_name(void *, uint32_t m);
json_t	*peer_show(struct proxyd *);
/* Tree tunnels and standby peers of the configuration into heal (§13),
 * after peer_apply_add; a TUNNEL message of peer slot m. */
void	peer_heal_apply(struct proxyd *, const struct proxy_conf *, monotime_t now);
void	peer_heal_input(struct proxyd *, uint32_t m, const uint8_t *msg, size_t len,
	    monotime_t now);
bool	peer_heal_ops(struct proxyd *, uint64_t epoch);
/* `show graph`: the site's graph (show_graph) with the peers and tunnels. */
json_t	*peer_graph(struct proxyd *);
json_t	*peer_tunnel_stats(struct proxyd *);
struct uapi_out;
struct uapi_set;
int	peer_uapi_get(void *, struct uapi_out *, uint32_t *cursor);
int	peer_uapi_set(void *, const struct uapi_set *);
void	peer_uapi_log(void *, const char *);

#endif /* PROXY_PROXYD_INT_H */
