/*
 * datapath.c — vanproxy's data path: VAN messages from the site socket
 * and, decrypted, from the tunnel socket into the bridge; the bridge's
 * actions out to site members (plain, sendmmsg) and to peers (encrypted by
 * the device, then sendmmsg on the tunnel socket).
 *
 * Both sockets are EV_READ|EV_PERSIST events that drain up to PROXY_ROUNDS
 * recvmmsg batches of UDP_BATCH into one set of fixed buffers and flush
 * the bridge's actions after each batch (frames in actions point into
 * those buffers).  A message to a peer is built once in the next slot of
 * the tunnel batch — room for the transport header, the VAN header and
 * frame, room for padding and tag — its padding count written into the
 * VAN header (byte 3), and encrypted in place by wgdev_send; every
 * datagram the device emits goes through datapath_dev_send into that
 * batch, which sends trains of equal datagrams to one peer as one
 * UDP_SEGMENT message (and the site batch does the same toward members).
 * No allocation per packet.  datapath_flush ends each batch of work: the
 * actions out, the bridge's reports logged, the daemon's one timer armed
 * at the next deadline.
 *
 * Not here: decisions (the bridge's), the protocol (crypto/'s), peers'
 * configuration (peer.c).  Segmentation offloads: a proxy has no taps, so
 * the bridge never hands it a super-frame; UDP GRO on receive is split.
 */
#include "proxy/proxyd_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <event2/event.h>

#include "crypto/endpoint.h"
#include "edge/rim/clock.h"
#include "edge/rim/site.h"

/* ---------------------------------------------------------------- out --- */

/* Send what the tunnel batch holds; its slots are free again. */
static void
tun_flush(struct proxyd *d)
{
	udp_tx_flush(&d->tun, &d->tun_tx.tx);
	d->tun_tx.used = 0;
}

/*
 * One message to peer slot m: VAN header and payload, padded, encrypted
 * in place in the next slot of the tunnel batch, which datapath_dev_send
 * then queues as it is.
 */
static void
peer_out(struct proxyd *d, const struct bridge_act *a, struct wg_now now)
{
	const struct proxyd_peer *p = &d->peers[a->target];
	struct tunnel_tx *t = &d->tun_tx;
	size_t len = a->hdr_len + a->data_len;
	uint8_t *msg;

	if (!p->used || len < WIRE_HDR_LEN || len > WIRE_MSG_MAX || a->segs > 1) {
		bridge_count_tx_error(d->br, a);
		return;
	}
	if (t->used == UDP_BATCH)
		tun_flush(d);
	msg = t->buf[t->used] + WG_TRANSPORT_HDR_LEN;
	memcpy(msg, a->hdr, a->hdr_len);
	memcpy(msg + a->hdr_len, a->data, a->data_len);
	/* Byte 3: reserved (0) and the padding WGDEV_SEND_PAD16 will add. */
	msg[3] = (uint8_t)wgdev_pad16(len);
	if (wgdev_send(d->dev, p->handle, t->buf[t->used], PROXY_PLAIN_MAX, len,
	    WGDEV_SEND_PAD16, now) == -1)
		bridge_count_tx_error(d->br, a);
}

void
datapath_peer_send(struct proxyd *d, uint32_t m, const uint8_t *msg, size_t len)
{
	struct bridge_act a;

	if (!d->active || m >= d->size.member_max || !d->peers[m].used ||
	    !bridge_member_is_peer(d->br, m))
		return;
	memset(&a, 0, sizeof(a));
	a.kind = BRIDGE_ACT_MEMBER;
	a.type = WIRE_TUNNEL;
	a.target = m;
	a.data = msg;
	a.data_len = len;
	peer_out(d, &a, clock_wg_now());
	tun_flush(d);
}

void
datapath_out(struct bridge_out *o, void *arg)
{
	struct proxyd *d = arg;
	struct wg_now now = clock_wg_now();	/* once for the batch */
	unsigned i;

	if (!d->active)
		return;		/* a standby sends nothing */
	for (i = 0; i < o->n; i++) {
		const struct bridge_act *a = &o->act[i];

		if (a->kind != BRIDGE_ACT_MEMBER) {
			bridge_count_tx_error(d->br, a);
			continue;
		}
		if (bridge_member_is_peer(d->br, a->target))
			peer_out(d, a, now);
		else if (bridge_member_addr(d->br, a->target) == NULL)
			bridge_count_tx_error(d->br, a);	/* gone */
		else if (a->segs > 1)
			bridge_count_tx_error(d->br, a);	/* never: no ports */
		else
			udp_tx_add(&d->site, &d->site_tx,
			    (struct sockaddr *)&d->maddr.sa[a->target], d->maddr.salen[a->target],
			    &d->maddr.local[a->target], a->hdr, a->hdr_len, a->data,
			    a->data_len, a->target);
	}
	udp_tx_flush(&d->site, &d->site_tx);
	tun_flush(d);
}

void
datapath_site_error(uint32_t member, int err, void *arg)
{
	struct proxyd *d = arg;

	(void)err;
	bridge_count_member_error(d->br, member);
}

void
datapath_tun_error(uint32_t tag, int err, void *arg)
{
	struct proxyd *d = arg;

	(void)tag;
	(void)err;
	d->tun_tx_errors++;
}

/* The address a datagram came to: the sticky source of the reply [8]. */
static void
local_to_endpoint(const struct udp_local *l, struct wg_endpoint *ep)
{
	ep->local_family = l->family;
	ep->local_ifindex = l->ifindex;
	if (l->family == AF_INET)
		ep->local.in4 = l->addr.in4;
	else if (l->family == AF_INET6)
		ep->local.in6 = l->addr.in6;
}

/* ... and the source address of what we send it. */
static void
local_from_endpoint(const struct wg_endpoint *ep, struct udp_local *l)
{
	memset(l, 0, sizeof(*l));
	l->family = ep->local_family;
	l->ifindex = ep->local_ifindex;
	if (ep->local_family == AF_INET)
		l->addr.in4 = ep->local.in4;
	else if (ep->local_family == AF_INET6)
		l->addr.in6 = ep->local.in6;
	else
		l->family = 0;
}

/*
 * ops.send of the device: the datagram into the next slot of the batch (a
 * message peer_out built is there already; anything else is copied, as pkt
 * is only valid during the call).  A full batch goes first.  The batch
 * coalesces datagrams of one size to one address into UDP_SEGMENT sends.
 */
void
datapath_dev_send(void *ctx, const struct wg_endpoint *to, const uint8_t *pkt,
    size_t len)
{
	struct proxyd *d = ctx;
	struct tunnel_tx *t = &d->tun_tx;
	struct sockaddr_storage *sa;
	struct udp_local src;
	socklen_t salen;
	unsigned i;

	if (!d->active)
		return;

	if (len > WG_DATAGRAM_MAX || !endpoint_is_set(to) ||
	    (!d->tun.v6 && to->addr.sa.sa_family == AF_INET6)) {
		d->tun_tx_errors++;	/* an IPv4 socket cannot reach IPv6 */
		return;
	}
	if (t->used == UDP_BATCH) {
		if (pkt >= t->buf[0] && pkt < t->buf[UDP_BATCH]) {
			d->tun_tx_errors++;	/* never: peer_out flushes first */
			return;
		}
		tun_flush(d);
	}
	i = t->used++;
	sa = &t->sa[i];
	memset(sa, 0, sizeof(*sa));
	if (d->tun.v6 && to->addr.sa.sa_family == AF_INET) {
		/* A dual-stack socket sends to IPv4 as a mapped address. */
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = to->addr.in4.sin_port;
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &to->addr.in4.sin_addr, 4);
		salen = sizeof(*s6);
	} else {
		salen = endpoint_socklen(to);
		memcpy(sa, &to->addr, salen);
	}
	if (pkt != t->buf[i])
		memmove(t->buf[i], pkt, len);
	local_from_endpoint(to, &src);	/* from the address the peer called */
	udp_tx_add(&d->tun, &t->tx, (struct sockaddr *)sa, salen, &src, NULL, 0,
	    t->buf[i], len, UINT32_MAX);
	d->tun_tx_count++;
}

/* ----------------------------------------------------------------- in --- */

/* The one timer: at the earlier of the bridge's and the device's deadline. */
static void
timer_rearm(struct proxyd *d)
{
	monotime_t wg = wgdev_next_deadline(d->dev);
	monotime_t next = d->br_next, now;
	struct timeval tv;

	if (wg < next)
		next = wg;
	if (next == d->armed)
		return;
	d->armed = next;
	if (next == MONO_NEVER) {
		evtimer_del(d->timer);
		return;
	}
	now = clock_mono();
	next = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(next / 1000000000);
	/* One microsecond late rather than early: the deadline has passed. */
	tv.tv_usec = (suseconds_t)(next % 1000000000 / 1000 + 1);
	evtimer_add(d->timer, &tv);
}

/*
 * After a batch of input, a tick or a change: the bridge's actions out,
 * its reports logged, the timer at the next deadline.
 */
void
datapath_flush(struct proxyd *d)
{
	datapath_out(d->out, d);
	d->out->n = 0;
	d->out->arena_used = 0;
	if (bridge_events_pending(d->br))
		site_report_events(d->br, &d->bridge_log, &d->trace_log, NULL,
		    peer_member_name, d, clock_mono());
	if (bridge_take_dump_due(d->br)) {
		/* A peer joined: tell it our routes once its JOINs are in. */
		monotime_t soon = clock_mono() + MONO_MS(20);

		if (soon < d->br_next)
			d->br_next = soon;
	}
	timer_rearm(d);
}

static void
flush_cb(void *arg)
{
	datapath_flush(arg);
}

/* A standby reads what it is sent (a VIP not moved yet, a misconfigured
 * member or peer) to count and drop it: never an answer. */
static void
standby_drain(struct proxyd *d, struct udp_sock *u)
{
	int round, n;

	for (round = 0; round < PROXY_ROUNDS; round++) {
		if ((n = udp_recv(u, &d->rx)) <= 0)
			break;
		d->standby_drops += (uint64_t)n;
	}
}

void
datapath_site_read(evutil_socket_t fd, short what, void *arg)
{
	struct proxyd *d = arg;

	(void)fd;
	(void)what;
	if (!d->active) {
		standby_drain(d, &d->site);
		return;
	}
	site_drain(d->br, d->out, &d->site, &d->rx, PROXY_ROUNDS, &d->site_listen, &d->maddr,
	    &d->nonmember_log, flush_cb, d, clock_mono());
}

/* One datagram of the tunnel socket: the device's, then the bridge's. */
static void
tun_datagram(struct proxyd *d, uint8_t *pkt, size_t len,
    const struct wg_endpoint *src, unsigned flags, struct wg_now wnow)
{
	const struct proxyd_peer *p;
	struct wgdev_rx rx;
	uint32_t m;

	d->tun_rx_count++;
	if (wgdev_recv(d->dev, pkt, len, src, flags, wnow, &rx) != WGDEV_RECV_DATA)
		return;
	p = wgdev_peer_user(d->dev, rx.peer);
	if (p == NULL || !p->used) {
		d->tun_data_orphans++;
		return;
	}
	m = (uint32_t)(p - d->peers);
	/* The VAN codec strips the padding the header counts. */
	if (bridge_input_member(d->br, d->out, m, NULL, pkt + rx.off, rx.len,
	    wnow.mono) == WIRE_TUNNEL)
		peer_heal_input(d, m, pkt + rx.off, rx.len, wnow.mono);
}

void
datapath_tun_read(evutil_socket_t fd, short what, void *arg)
{
	struct proxyd *d = arg;
	struct wg_now wnow = clock_wg_now();
	struct wg_endpoint src;
	unsigned handshakes = 0, flags;
	int round, n, i;

	(void)fd;
	(void)what;
	if (!d->active) {
		standby_drain(d, &d->tun);
		return;
	}
	for (round = 0; round < PROXY_ROUNDS; round++) {
		n = udp_recv(&d->tun, &d->rx);
		/*
		 * Under load [6]: a burst of handshake messages makes us demand
		 * mac2 (cookie replies) for a while.  Our judgement, counted over
		 * this wake-up; a flood of initiations ends up here.
		 */
		for (i = 0; i < n; i++)
			if (d->rx.msg[i].msg_len > 0 && d->rx.buf[i][0] == WG_MSG_INITIATION)
				handshakes++;
		if (handshakes >= PROXY_LOAD_HANDSHAKES)
			d->load_until = wnow.mono + PROXY_LOAD_HOLD;
		flags = wnow.mono < d->load_until ? WGDEV_RECV_UNDER_LOAD : 0;
		for (i = 0; i < n; i++) {
			size_t len = d->rx.msg[i].msg_len, off, seg;

			if (endpoint_from_sockaddr(&src, (struct sockaddr *)&d->rx.from[i],
			    d->rx.msg[i].msg_hdr.msg_namelen) == -1)
				continue;
			local_to_endpoint(&d->rx.local[i], &src);
			seg = d->rx.seg[i] ? d->rx.seg[i] : len;
			off = 0;
			do
				tun_datagram(d, d->rx.buf[i] + off,
				    len - off < seg ? len - off : seg, &src, flags, wnow);
			while ((off += seg) < len);
		}
		datapath_flush(d);
		if (n < UDP_BATCH)
			break;
	}
}

/* ----------------------------------------------------------- lifetime --- */

int
datapath_init(struct proxyd *d)
{
	if (udp_rx_init(&d->rx) == -1)
		return -1;
	udp_tx_init(&d->site_tx, datapath_site_error, d);
	udp_tx_init(&d->tun_tx.tx, datapath_tun_error, d);
	d->tun_tx.buf = calloc(UDP_BATCH, sizeof(*d->tun_tx.buf));
	return d->tun_tx.buf == NULL ? -1 : 0;
}

void
datapath_free(struct proxyd *d)
{
	/* Tenants' frames, decrypted: not left in freed memory. */
	if (d->rx.buf != NULL)
		sodium_memzero(d->rx.buf, UDP_BATCH * sizeof(*d->rx.buf));
	if (d->tun_tx.buf != NULL)
		sodium_memzero(d->tun_tx.buf, UDP_BATCH * sizeof(*d->tun_tx.buf));
	udp_rx_free(&d->rx);
	free(d->tun_tx.buf);
	d->tun_tx.buf = NULL;
}
