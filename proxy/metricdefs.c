/*
 * metricdefs.c — vanproxy's metrics: the shared tables (edge/rim/
 * metricdefs.c) and its own rows, of the JSON proxyd.c builds per scrape:
 *
 *	{ "info": { "version", "epoch", "site" }, "stats": show stats,
 *	  "members": show members, "vans": show vans, "peers": show peers }
 *
 * A field of that JSON without a row fails tests/unit/test_metrics.c (the
 * bridge's part) and shows as vanfed_metrics_unmapped_fields (all of it).
 */
#include "proxy/metricdefs.h"

#define COUNTER(p, family, what) \
	{ .name = family, .type = METRIC_COUNTER, .path = p, .help = what }
#define PEER(field) "peers[name=peer]." field

const struct metric_def proxy_metric_defs[] = {
	{ .name = "info", .type = METRIC_GAUGE, .path = "info", .info = true,
	  .help = "vanproxy's version, boot epoch and site (always 1)." },

	/* show stats: the daemon */
	{ .name = "role", .type = METRIC_GAUGE, .path = "stats.daemon.role",
	  .value_label = "role",
	  .help = "The proxy's role (active, standby): 1 for the one it has." },
	{ .name = "ha", .type = METRIC_GAUGE, .path = "stats.daemon.ha",
	  .help = "One of a gateway pair (1) or alone (0)." },
	{ .name = "drained", .type = METRIC_GAUGE, .path = "stats.daemon.drained",
	  .help = "Stood down by a planned switch-over (1)." },
	COUNTER("stats.daemon.role_changes", "role_changes_total", "Changes of role."),
	COUNTER("stats.daemon.role_lost", "role_lost_total",
	    "Times the pair's addresses left this host while active."),
	COUNTER("stats.daemon.standby_drops", "standby_drops_total",
	    "Datagrams dropped while standby."),
	COUNTER("stats.daemon.route_refreshes", "route_refreshes_total",
	    "Refreshes of the routes told to peers."),
	COUNTER("stats.daemon.site_gso_sends", "site_gso_sends_total",
	    "UDP GSO sends of the site socket."),
	COUNTER("stats.daemon.site_gso_fallbacks", "site_gso_fallbacks_total",
	    "UDP GSO sends of the site socket that fell back to one datagram each."),
	{ .name = "site_gso", .type = METRIC_GAUGE, .path = "stats.daemon.site_gso",
	  .help = "The site socket uses UDP GSO (1) or not (0)." },
	COUNTER("stats.daemon.reloads", "reloads_total", "Reloads of the configuration."),
	COUNTER("stats.daemon.reload_failures", "reload_failures_total",
	    "Reloads that failed (the old configuration kept)."),

	/* show stats: the tunnel socket and device */
	{ .name = "tunnel_datagrams_total", .type = METRIC_COUNTER,
	  .path = "stats.tunnel.rx_datagrams", .labels = "dir=\"rx\"",
	  .help = "Datagrams received and sent on the tunnel socket." },
	{ .name = "tunnel_datagrams_total", .type = METRIC_COUNTER,
	  .path = "stats.tunnel.tx_datagrams", .labels = "dir=\"tx\"" },
	COUNTER("stats.tunnel.gso_sends", "tunnel_gso_sends_total",
	    "UDP GSO sends of the tunnel socket."),
	COUNTER("stats.tunnel.gso_fallbacks", "tunnel_gso_fallbacks_total",
	    "UDP GSO sends of the tunnel socket that fell back to one datagram each."),
	{ .name = "tunnel_gso", .type = METRIC_GAUGE, .path = "stats.tunnel.gso",
	  .help = "The tunnel socket uses UDP GSO (1) or not (0)." },
	COUNTER("stats.tunnel.src_fallbacks", "tunnel_src_fallbacks_total",
	    "Sends whose sticky source address could not be used."),
	COUNTER("stats.tunnel.tx_errors", "tunnel_tx_errors_total",
	    "Failed sends on the tunnel socket."),
	COUNTER("stats.tunnel.uapi_refused", "uapi_refused_total",
	    "UAPI (wg set) changes refused."),
	COUNTER("stats.tunnel.orphans", "tunnel_orphans_total",
	    "Tunnel data of no known peer."),
	{ .path = "stats.tunnel.drops_total", .help = "the sum of vanfed_proxy_tunnel_drops_total" },
	{ .name = "tunnel_drops_total", .type = METRIC_COUNTER,
	  .path = "stats.tunnel.drops{reason}",
	  .help = "Tunnel datagrams the WireGuard-protocol device dropped, by reason." },
	{ .name = "tunnel_events_total", .type = METRIC_COUNTER,
	  .path = "stats.tunnel.events{event}",
	  .help = "Events of the WireGuard-protocol device (handshakes, rekeys...), by kind." },

	/* show peers */
	{ .name = "peers_alive", .type = METRIC_GAUGE, .path = "peers",
	  .count = "state=alive", .help = "Peers alive." },
	{ .name = "peer_state", .type = METRIC_GAUGE, .path = PEER("state"),
	  .value_label = "state", .help = "The peer's state: 1 for the state it is in." },
	{ .name = "peer_state_seconds", .type = METRIC_GAUGE, .path = PEER("state_ms"),
	  .div = 1000, .help = "How long the peer has been in its state." },
	{ .name = "peer_bytes_total", .type = METRIC_COUNTER, .path = PEER("rx_bytes"),
	  .labels = "dir=\"rx\"", .help = "Bytes received from and sent to the peer's tunnel." },
	{ .name = "peer_bytes_total", .type = METRIC_COUNTER, .path = PEER("tx_bytes"),
	  .labels = "dir=\"tx\"" },
	{ .name = "peer_keepalive_seconds", .type = METRIC_GAUGE,
	  .path = PEER("persistent_keepalive"),
	  .help = "The tunnel's persistent keepalive interval (0: off)." },
	{ .name = "peer_session", .type = METRIC_GAUGE, .path = PEER("session"),
	  .help = "The tunnel has a session (1) or not (0)." },
	{ .name = "peer_staged", .type = METRIC_GAUGE, .path = PEER("staged"),
	  .help = "Packets staged for the tunnel until its handshake completes." },
	{ .name = "peer_routes", .type = METRIC_GAUGE, .path = PEER("routes"),
	  .help = "Forwarding entries through the peer." },
	{ .name = "peer_last_handshake_timestamp_seconds", .type = METRIC_GAUGE,
	  .path = PEER("latest_handshake"),
	  .help = "Wall-clock time of the tunnel's latest handshake (absent before one)." },
	{ .name = "peer_handshake_age_seconds", .type = METRIC_GAUGE,
	  .path = PEER("handshake_age_s"),
	  .help = "Time since the tunnel's latest handshake (absent before one)." },
	{ .name = "peer_hello_age_seconds", .type = METRIC_GAUGE,
	  .path = PEER("hello_age_ms"), .div = 1000,
	  .help = "Time since the peer's last HELLO (absent before the first)." },
	{ .name = "peer_macs_max", .type = METRIC_GAUGE, .path = PEER("macs_max"),
	  .help = "Routes the peer may have (its limit)." },
	{ .name = "peer_frame_max_bytes", .type = METRIC_GAUGE, .path = PEER("frame_max"),
	  .help = "The largest frame the peer's tunnel carries." },
	{ .name = "peer_van_joined", .type = METRIC_GAUGE,
	  .path = "peers[name=peer].vans[name=van].joined",
	  .help = "The peer has joined the VAN (1) or not (0)." },
	{ .path = "peers[name=peer].vans[name=van].local", .help = "VAN IDs: show peers" },
	{ .path = "peers[name=peer].vans[name=van].remote", .help = "VAN IDs: show peers" },
	{ .path = NULL },
};

const struct metric_table proxy_metric_tables[] = {
	{ "proxy_", proxy_metric_defs },
	{ "proxy_", metrics_bridge_defs },
	{ "", metrics_common_defs },
	{ NULL, NULL },
};
