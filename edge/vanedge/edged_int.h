/*
 * edged_int.h — the vanedge daemon's state, shared by edged.c (lifetime,
 * configuration, control) and datapath.c (moving frames); nothing else
 * includes it.
 */
#ifndef EDGE_VANEDGE_EDGED_INT_H
#define EDGE_VANEDGE_EDGED_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <event2/util.h>

#include "edge/van/bridge.h"
#include "edge/vanedge/conf.h"
#include "edge/rim/device.h"
#include "edge/rim/daemon.h"
#include "edge/rim/log.h"
#include "edge/van/offload.h"
#include "edge/rim/site.h"
#include "edge/rim/udp.h"

struct ctl;
struct event;
struct event_base;
struct sdnotify;

#define TAP_BATCH	64
#define TAP_BUFSZ	(VNET_HDR_LEN + OFFLOAD_FRAME_MAX)
#define UDP_ROUNDS	4
#define LINK_BUFSZ	(64 * 1024)	/* one rtnetlink datagram */
#define TSO_BUFSZ	(OFFLOAD_FRAME_MAX + OFFLOAD_SEGS_MAX * (WIRE_HDR_LEN + 128))
#define DEV_TX_BATCH	64	/* frames to one device port per sendmmsg */

/*
 * Frames queued for one device port's packet socket, sent with one
 * sendmmsg when the target changes, the batch is full or the bridge's
 * actions end (the frames stay where they are until then).
 */
struct dev_tx {
	uint32_t	port;		/* its slot; n == 0: none */
	unsigned	n;
	struct mmsghdr	msg[DEV_TX_BATCH];
	struct iovec	iov[DEV_TX_BATCH];
};

struct edged_port {
	struct edged	*d;
	int		fd;		/* a tap's, or a device's packet socket */
	bool		device;		/* an interface that exists without us */
	bool		automatic;	/* attached by its VAN's `devices` pattern */
	int		ifindex;	/* a device's, which RTM_DELLINK names */
	struct event	*ev;
	struct event	*resume;	/* ends a pause of reading (flood limit) */
	uint32_t	slot;
	bool		from_conf;
	char		name[SETTING_IFNAMSIZ];
};

struct edged {
	struct event_base *base;
	struct edge_conf *conf;
	struct bridge	*br;		/* the core (opaque) */
	struct bridge_size size;	/* its slots, for our tables */
	struct bridge_out *out;
	struct udp_sock	udp;
	struct van_addr	listen;		/* its address (family 0: every one), port */
	struct event	*udp_ev;
	struct udp_rx	rx;
	struct udp_tx	tx;
	struct site_addrs maddr;	/* per member slot: where it is sent to */
	struct edged_port *ports;	/* per port slot; fd -1 when free */
	uint8_t		(*tapbuf)[TAP_BUFSZ];
	bool		vnet;		/* taps carry a virtio_net_hdr */
	uint8_t		*tsobuf;	/* segments of one super-frame */
	const uint8_t	*tso_src;	/* ... cut from this frame */
	uint8_t		tso_hdr[WIRE_HDR_LEN];	/* ... with this VAN header */
	unsigned	tso_n;
	size_t		tso_stride, tso_last;
	struct gro	gro;
	uint32_t	gro_port;
	uint8_t		*grobuf;
	struct dev_tx	dtx;
	struct event	*timer;
	struct device_fence *fence;	/* the host's stack off device ports */
	int		link_fd;	/* rtnetlink: devices that go */
	struct event	*link_ev;
	uint8_t		*linkbuf;
	int		*held;		/* ifindexes detached by vanctl: not re-attached */
	unsigned	nheld;
	struct daemon_signals sig;
	struct ctl	*ctl;
	struct metrics	*metrics;	/* NULL: off */
	struct sdnotify	*notify;	/* systemd's READY=1, STATUS=, watchdog */
	uint64_t	epoch;		/* the bridge's boot epoch */
	struct log_limit nonmember_log, bridge_log;
	struct site_trace_log trace_log;	/* the bridge's traces, at debug level */
	uint64_t	tap_read_errors;
	uint64_t	offload_errors;	/* frames from taps we could not cut */
	uint64_t	gro_writes;	/* merged frames written to taps */
	uint64_t	tap_pauses;	/* taps not read a while: flood limit */
	uint64_t	devices_gone;	/* device ports withdrawn: interface gone */
	uint64_t	link_resyncs;	/* rtnetlink overflowed: devices checked */
	uint64_t	devices_auto;	/* device ports attached by a pattern */
	uint64_t	device_drops;	/* dropped by the kernel, queue full (read so far) */
	uint64_t	reloads, reload_failures;
};

/* Port slot p's tap name (show's and the logs' callback). */
static inline const char *
edged_port_name(void *arg, uint32_t p)
{
	struct edged *d = arg;

	return p < d->size.port_max && d->ports[p].fd != -1 ? d->ports[p].name : "?";
}

/* datapath.c */
void	datapath_out(struct bridge_out *, void *);	/* bridge_out flush */
void	datapath_flush(struct edged *);
void	datapath_tx_error(uint32_t member, int err, void *);
void	datapath_tap_read(evutil_socket_t, short, void *);
void	datapath_tap_resume(evutil_socket_t, short, void *);
void	datapath_udp_read(evutil_socket_t, short, void *);

#endif /* EDGE_VANEDGE_EDGED_INT_H */
