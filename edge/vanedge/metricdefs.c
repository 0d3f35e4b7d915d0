/*
 * metricdefs.c — vanedge's metrics: the shared tables (edge/rim/
 * metricdefs.c) and its own rows, of the JSON edged.c builds per scrape:
 *
 *	{ "info": { "version", "epoch" }, "stats": show stats,
 *	  "members": show members, "vans": show vans, "ports": show ports }
 *
 * A field of that JSON without a row fails tests/unit/test_metrics.c (the
 * bridge's part) and shows as vanfed_metrics_unmapped_fields (all of it).
 */
#include "edge/vanedge/metricdefs.h"

#define DAEMON(field, family, what) \
	{ .name = family, .type = METRIC_COUNTER, .path = "stats.daemon." field, \
	  .help = what }

const struct metric_def edge_metric_defs[] = {
	{ .name = "info", .type = METRIC_GAUGE, .path = "info", .info = true,
	  .help = "vanedge's version and boot epoch (always 1)." },
	DAEMON("tap_read_errors", "tap_read_errors_total", "Failed reads of taps."),
	DAEMON("tap_pauses", "tap_pauses_total",
	    "Taps left unread a while (their VAN's flood limit)."),
	DAEMON("devices_gone", "devices_gone_total",
	    "Device ports withdrawn because their interface went."),
	DAEMON("link_resyncs", "link_resyncs_total",
	    "Checks of every device port after rtnetlink overflowed."),
	DAEMON("devices_auto", "devices_auto_total", "Device ports attached by a pattern."),
	DAEMON("device_drops", "device_drops_total",
	    "Frames of device ports the kernel dropped (queue full)."),
	DAEMON("offload_errors", "offload_errors_total",
	    "Frames from taps that could not be cut (TSO)."),
	DAEMON("gso_sends", "gso_sends_total", "UDP GSO sends of the underlay socket."),
	DAEMON("gso_fallbacks", "gso_fallbacks_total",
	    "UDP GSO sends that fell back to one datagram each."),
	{ .name = "gso", .type = METRIC_GAUGE, .path = "stats.daemon.gso",
	  .help = "The underlay socket uses UDP GSO (1) or not (0)." },
	DAEMON("gro_writes", "gro_writes_total", "Merged frames written to taps (GRO)."),
	DAEMON("reloads", "reloads_total", "Reloads of the configuration."),
	DAEMON("reload_failures", "reload_failures_total",
	    "Reloads that failed (the old configuration kept)."),

	/* show ports */
	{ .name = "port_frames_total", .type = METRIC_COUNTER,
	  .path = "ports[tap=port].rx_frames", .labels = "dir=\"rx\"",
	  .help = "Frames read from (rx) and written to (tx) the port." },
	{ .name = "port_frames_total", .type = METRIC_COUNTER,
	  .path = "ports[tap=port].tx_frames", .labels = "dir=\"tx\"" },
	{ .name = "port_bytes_total", .type = METRIC_COUNTER,
	  .path = "ports[tap=port].rx_bytes", .labels = "dir=\"rx\"",
	  .help = "Bytes read from (rx) and written to (tx) the port." },
	{ .name = "port_bytes_total", .type = METRIC_COUNTER,
	  .path = "ports[tap=port].tx_bytes", .labels = "dir=\"tx\"" },
	{ .name = "port_drops_total", .type = METRIC_COUNTER,
	  .path = "ports[tap=port].drops", .help = "Frames of the port dropped." },
	{ .name = "port_state", .type = METRIC_GAUGE, .path = "ports[tap=port].state",
	  .value_label = "state", .help = "The port's state (up, down): 1 for the one it is in." },
	{ .path = "ports[tap=port].van", .help = "the port's VAN ID: show ports" },
	{ .path = "ports[tap=port].automatic", .help = "attached by a pattern: show ports" },
	{ .path = NULL },
};

const struct metric_table edge_metric_tables[] = {
	{ "edge_", edge_metric_defs },
	{ "edge_", metrics_bridge_defs },
	{ "", metrics_common_defs },
	{ NULL, NULL },
};
