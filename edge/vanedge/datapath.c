/*
 * datapath.c — vanedge's data path: frames from taps and messages from the
 * underlay into the bridge, and the bridge's actions out to taps and
 * members.
 *
 * Each tap (or device port's socket) and the UDP socket is an
 * EV_READ|EV_PERSIST event that drains a batch (TAP_BATCH reads, UDP_BATCH
 * per recvmmsg, up to UDP_ROUNDS of them) into fixed buffers, hands each
 * frame or message to the bridge, then flushes the bridge's actions: tap
 * writes, one sendmmsg per run of frames to a device port, sendmmsg for
 * the messages to members.  No allocation per packet.
 *
 * Offloads (offload.h; `offload = true`, the default): taps hand us TCP
 * super-frames, which the bridge handles as one frame and this file cuts
 * into segments for one UDP_SEGMENT send; the socket merges trains of
 * datagrams (UDP_GRO), and consecutive segments of a flow going to one tap
 * are merged back (struct gro) for one write.  Every frame handed to the
 * bridge has VNET_HDR_LEN writable bytes before it (the tap's header, or
 * the VAN header it arrived with), where its tap header is built.
 */
#include "edge/vanedge/edged_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "edge/rim/clock.h"
#include "edge/van/mtu.h"
#include "edge/rim/site.h"

/* Send the frames queued for a device port; each one that fails counted. */
static void
dev_tx_flush(struct edged *d)
{
	struct dev_tx *t = &d->dtx;
	struct bridge_act a = { .kind = BRIDGE_ACT_PORT, .target = t->port };
	int fd = d->ports[t->port].fd;
	unsigned i = 0;

	while (i < t->n) {
		int n = fd == -1 ? -1 : sendmmsg(fd, t->msg + i, t->n - i, 0);

		if (n > 0) {
			i += (unsigned)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* The first of the rest failed: count it, go on after it. */
		bridge_count_tx_error(d->br, &a);
		i++;
	}
	t->n = 0;
}

/*
 * Queue one frame (its bytes, from buf, stay put until the flush) for
 * device port p: one sendmmsg per run of frames to one device instead of
 * a write each.
 */
static void
dev_tx_add(struct edged *d, uint32_t p, const uint8_t *buf, size_t len)
{
	struct dev_tx *t = &d->dtx;

	if (t->n > 0 && (t->port != p || t->n == DEV_TX_BATCH))
		dev_tx_flush(d);
	t->port = p;
	t->iov[t->n].iov_base = (void *)(uintptr_t)buf;
	t->iov[t->n].iov_len = len;
	memset(&t->msg[t->n], 0, sizeof(t->msg[t->n]));
	t->msg[t->n].msg_hdr.msg_iov = &t->iov[t->n];
	t->msg[t->n].msg_hdr.msg_iovlen = 1;
	t->n++;
}

/* Write one frame to a port, with a tap header when the taps want one. */
static void
port_write(struct edged *d, uint32_t p, const uint8_t *frame, size_t len,
    unsigned segs, const struct bridge_act *a)
{
	int fd = d->ports[p].fd;
	ssize_t n;

	if (fd == -1) {
		bridge_count_tx_error(d->br, a);
		return;
	}
	/*
	 * SYNs from elsewhere too get our MSS limit: the VM must not send
	 * segments our underlay cannot carry, whatever the peer's site allows.
	 * The frame is ours to change (an rx buffer or the bridge's arena).
	 */
	if (segs <= 1 && bridge_frame_max(d->br) != 0)
		(void)mtu_clamp_mss((uint8_t *)(uintptr_t)frame, len, bridge_frame_max(d->br),
		    false);
	if (d->vnet) {
		/* The contract of the data path: these bytes are ours. */
		uint8_t *h = (uint8_t *)(uintptr_t)frame - VNET_HDR_LEN;

		if (segs <= 1)
			memset(h, 0, VNET_HDR_LEN);
		if (d->ports[p].device) {
			dev_tx_add(d, p, h, len + VNET_HDR_LEN);
			return;
		}
		n = write(fd, h, len + VNET_HDR_LEN);
	} else
		n = write(fd, frame, len);
	if (n == -1)
		bridge_count_tx_error(d->br, a);
}

static void
gro_flush(struct edged *d, const struct bridge_act *a)
{
	int fd = d->ports[d->gro_port].fd;
	size_t n;

	if (gro_empty(&d->gro))
		return;
	/* Frames queued before the merged one go first. */
	if (d->dtx.n > 0)
		dev_tx_flush(d);
	if (d->gro.segs > 1)
		d->gro_writes++;
	n = gro_take(&d->gro);
	if (fd == -1 || write(fd, d->grobuf, n) == -1)
		bridge_count_tx_error(d->br, a);
}

/* A frame for a port: merged with the segments before it when it can be. */
static void
port_out(struct edged *d, const struct bridge_act *a)
{
	if (!d->vnet || a->segs > 1) {
		gro_flush(d, a);
		port_write(d, a->target, a->data, a->data_len, a->segs, a);
		return;
	}
	if (!gro_empty(&d->gro) && d->gro_port != a->target)
		gro_flush(d, a);
	switch (gro_add(&d->gro, a->data, a->data_len)) {
	case GRO_NO:
		gro_flush(d, a);
		if (gro_add(&d->gro, a->data, a->data_len) != GRO_STARTED) {
			port_write(d, a->target, a->data, a->data_len, 1, a);
			return;
		}
		/* FALLTHROUGH */
	case GRO_STARTED:
		d->gro_port = a->target;
		/* FALLTHROUGH */
	case GRO_MERGED:
		return;
	case GRO_PLAIN:
		port_write(d, a->target, a->data, a->data_len, 1, a);
		return;
	}
}

/*
 * A super-frame for a member: cut it once (floods reuse the cut) and queue
 * the segments, which the send batch coalesces into UDP_SEGMENT sends.
 */
static void
out_gso(struct edged *d, const struct bridge_act *a)
{
	const struct sockaddr *to = (struct sockaddr *)&d->maddr.sa[a->target];
	socklen_t tolen = d->maddr.salen[a->target];
	struct vnet_hdr h;
	unsigned i;

	if (d->tso_src != a->data || memcmp(d->tso_hdr, a->hdr, WIRE_HDR_LEN) != 0) {
		struct tcp_layout lay;

		/* Queued segments point into tsobuf: they go first. */
		udp_tx_flush(&d->udp, &d->tx);
		vnet_hdr_get(a->data - VNET_HDR_LEN, &h);
		/* Segments must fit the underlay, whatever MSS the VM used. */
		if (bridge_frame_max(d->br) != 0 &&
		    offload_tcp_layout(a->data, a->data_len, &lay) &&
		    lay.payload < bridge_frame_max(d->br) &&
		    lay.payload + h.gso_size > bridge_frame_max(d->br))
			h.gso_size = (uint16_t)(bridge_frame_max(d->br) - lay.payload);
		d->tso_src = NULL;
		d->tso_n = offload_tso(a->data, a->data_len, &h, d->tsobuf, TSO_BUFSZ,
		    WIRE_HDR_LEN, &d->tso_stride, &d->tso_last);
		if (d->tso_n == 0) {
			d->offload_errors++;
			bridge_count_tx_error(d->br, a);
			return;
		}
		for (i = 0; i < d->tso_n; i++)
			memcpy(d->tsobuf + i * d->tso_stride, a->hdr, WIRE_HDR_LEN);
		d->tso_src = a->data;
		memcpy(d->tso_hdr, a->hdr, WIRE_HDR_LEN);
	}
	for (i = 0; i < d->tso_n; i++)
		udp_tx_add(&d->udp, &d->tx, to, tolen, &d->maddr.local[a->target], NULL, 0,
		    d->tsobuf + i * d->tso_stride,
		    i + 1 == d->tso_n ? d->tso_last : d->tso_stride, a->target);
}

void
datapath_out(struct bridge_out *o, void *arg)
{
	struct edged *d = arg;
	unsigned i;

	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];

		if (a->kind == BRIDGE_ACT_PORT)
			port_out(d, a);
		else if (a->segs > 1)
			out_gso(d, a);
		else
			udp_tx_add(&d->udp, &d->tx, (struct sockaddr *)&d->maddr.sa[a->target],
			    d->maddr.salen[a->target], &d->maddr.local[a->target], a->hdr,
			    a->hdr_len, a->data,
			    a->data_len, a->target);
	}
	if (o->n > 0)
		gro_flush(d, &o->act[o->n - 1]);
	if (d->dtx.n > 0)
		dev_tx_flush(d);
	udp_tx_flush(&d->udp, &d->tx);
	d->tso_src = NULL;	/* the buffers are reused after a flush */
}

/* The bridge's actions out, its reports logged. */
void
datapath_flush(struct edged *d)
{
	datapath_out(d->out, d);
	d->out->n = 0;
	d->out->arena_used = 0;
	if (bridge_events_pending(d->br))
		site_report_events(d->br, &d->bridge_log, &d->trace_log, edged_port_name,
		    NULL, d, clock_mono());
}

void
datapath_tx_error(uint32_t member, int err, void *arg)
{
	struct edged *d = arg;

	(void)err;
	bridge_count_member_error(d->br, member);
}

/*
 * Read one frame from a tap into buf (its header, when the taps carry one,
 * at buf, the frame at buf + VNET_HDR_LEN).  Returns the frame's length
 * and the wire segments it stands for, 0 for nothing (EAGAIN or an error,
 * *stop set) or a frame to skip.
 */
static size_t
port_read_one(struct edged *d, int fd, uint8_t *buf, unsigned *segs, bool *stop)
{
	uint8_t *frame = buf + VNET_HDR_LEN;
	struct vnet_hdr h;
	ssize_t n;

	*segs = 1;
	n = d->vnet ? read(fd, buf, TAP_BUFSZ) : read(fd, frame, TAP_BUFSZ - VNET_HDR_LEN);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			d->tap_read_errors++;
		*stop = true;
		return 0;
	}
	if (!d->vnet) {
		if (bridge_frame_max(d->br) != 0)
			(void)mtu_clamp_mss(frame, (size_t)n, bridge_frame_max(d->br), false);
		return (size_t)n;
	}
	if (n < VNET_HDR_LEN) {
		d->offload_errors++;
		return 0;
	}
	n -= VNET_HDR_LEN;
	vnet_hdr_get(buf, &h);
	if (h.gso_type != VNET_GSO_NONE &&
	    (*segs = offload_segs(frame, (size_t)n, &h)) == 0) {
		d->offload_errors++;
		return 0;
	}
	if (*segs == 1 && bridge_frame_max(d->br) != 0)
		(void)mtu_clamp_mss(frame, (size_t)n, bridge_frame_max(d->br),
		    (h.flags & VNET_F_NEEDS_CSUM) != 0);
	if (*segs == 1 && (h.flags & VNET_F_NEEDS_CSUM)) {
		/* One segment: complete its checksum now, send it as it is. */
		if (!offload_csum(frame, (size_t)n, h.csum_start, h.csum_offset)) {
			d->offload_errors++;
			return 0;
		}
		memset(buf, 0, VNET_HDR_LEN);
	}
	return (size_t)n;
}

void
datapath_tap_read(evutil_socket_t fd, short what, void *arg)
{
	struct edged_port *p = arg;
	struct edged *d = p->d;
	monotime_t now = clock_mono();
	bool stop = false;
	unsigned i, segs;

	(void)what;
	for (i = 0; i < TAP_BATCH && !stop; i++) {
		size_t n = port_read_one(d, fd, d->tapbuf[i], &segs, &stop);

		if (n > 0)
			bridge_port_frame(d->br, d->out, p->slot,
			    d->tapbuf[i] + VNET_HDR_LEN, n, segs, now);
	}
	datapath_flush(d);
	/*
	 * A port flooding past its VAN's rate is not read for a while: the
	 * excess then fills its tap's queue and the kernel drops it in the
	 * sender's context, instead of this thread reading it to drop it.
	 */
	{
		monotime_t until = bridge_port_backoff(d->br, p->slot, now);

		if (until != 0) {
			struct timeval tv = {
				(time_t)((until - now) / 1000000000),
				(suseconds_t)((until - now) % 1000000000 / 1000),
			};

			event_del(p->ev);
			evtimer_add(p->resume, &tv);
			d->tap_pauses++;
		}
	}
}

void
datapath_tap_resume(evutil_socket_t fd, short what, void *arg)
{
	struct edged_port *p = arg;

	(void)fd;
	(void)what;
	if (p->fd != -1)
		event_add(p->ev, NULL);
}

static void
flush_cb(void *arg)
{
	datapath_flush(arg);
}

void
datapath_udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct edged *d = arg;

	(void)fd;
	(void)what;
	site_drain(d->br, d->out, &d->udp, &d->rx, UDP_ROUNDS, &d->listen, &d->maddr,
	    &d->nonmember_log, flush_cb, d, clock_mono());
}
