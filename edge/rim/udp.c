/*
 * udp.c — see udp.h.
 *
 * Receives never block (MSG_DONTWAIT on a blocking socket); sends may wait
 * for room in the socket buffer, which the kernel drains at line rate, so
 * a burst is paced rather than dropped.
 */
#include "edge/rim/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
sock_bufs(int fd)
{
	int sz = UDP_SOCKBUF;

	/* FORCE passes rmem_max when we may (root); else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

int
udp_open(struct udp_sock *u, const struct van_addr *listen, const char **err)
{
	return udp_open_flags(u, listen, false, err);
}

bool
udp_addr_local(const struct van_addr *a)
{
	struct sockaddr_storage ss;
	struct van_addr any = *a;
	socklen_t len;
	int fd;
	bool ok;

	/* A bind to port 0 of the address succeeds exactly where it is ours. */
	any.port = 0;
	if ((fd = socket(a->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1)
		return false;
	len = (socklen_t)addr_to_sockaddr(&any, a->family == 6, &ss);
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

int
udp_open_flags(struct udp_sock *u, const struct van_addr *listen, bool freebind,
    const char **err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, off = 0, saved;

	u->fd = -1;
	u->v6 = listen->family != 4;
	fd = socket(u->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 && listen->family == 0 && errno == EAFNOSUPPORT) {
		/* No IPv6 on this host: every IPv4 address then. */
		u->v6 = false;
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	}
	if (fd == -1) {
		*err = "socket";
		return -1;
	}
	if (u->v6 && listen->family == 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == -1) {
		*err = "IPV6_V6ONLY";
		goto fail;
	}
	sock_bufs(fd);
	/* An address this host does not hold yet (a standby's VIP). */
	if (freebind && setsockopt(fd, u->v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    u->v6 ? IPV6_FREEBIND : IP_FREEBIND, &(int){ 1 }, sizeof(int)) == -1) {
		*err = "IP_FREEBIND";
		goto fail;
	}
	if (listen->family == 0) {
		memset(&ss, 0, sizeof(ss));
		if (u->v6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(listen->port);
			len = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons(listen->port);
			len = sizeof(*s4);
		}
	} else
		len = (socklen_t)addr_to_sockaddr(listen, u->v6, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		*err = "bind";
		goto fail;
	}
	/* Merged reads of trains of equal datagrams; not fatal if refused. */
	u->gro = setsockopt(fd, SOL_UDP, UDP_GRO, &(int){ 1 }, sizeof(int)) == 0;
	u->gso = true;
	u->gso_strikes = 0;
	u->local = false;
	u->fd = fd;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

void
udp_close(struct udp_sock *u)
{
	if (u->fd != -1)
		close(u->fd);
	u->fd = -1;
}

int
udp_want_local(struct udp_sock *u)
{
	/* On a dual-stack socket IPV6_RECVPKTINFO reports IPv4 too, mapped. */
	if (u->v6 ? setsockopt(u->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO,
	    &(int){ 1 }, sizeof(int)) : setsockopt(u->fd, IPPROTO_IP,
	    IP_PKTINFO, &(int){ 1 }, sizeof(int)))
		return -1;
	u->local = true;
	return 0;
}

void
udp_local_addr(const struct udp_local *l, uint16_t port, struct van_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (l->family == AF_INET) {
		a->family = 4;
		memcpy(a->ip, &l->addr.in4, 4);
	} else if (l->family == AF_INET6) {
		a->family = 6;
		memcpy(a->ip, &l->addr.in6, 16);
	} else
		return;
	a->port = port;
}

int
udp_source_for(const struct van_addr *to, uint16_t port, struct van_addr *src)
{
	struct sockaddr_storage ss, me;
	socklen_t len = sizeof(me);
	size_t tolen;
	int fd, rc = -1, saved;

	memset(src, 0, sizeof(*src));
	tolen = addr_to_sockaddr(to, false, &ss);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)tolen) == 0 &&
	    getsockname(fd, (struct sockaddr *)&me, &len) == 0 &&
	    addr_from_sockaddr((struct sockaddr *)&me, len, src)) {
		src->port = port;
		rc = 0;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* The local address of a received datagram from its PKTINFO message. */
static void
local_from_cmsg(const struct cmsghdr *c, struct udp_local *l)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
		struct in_pktinfo pi;

		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		l->family = AF_INET;
		l->ifindex = 0;
		l->addr.in4 = pi.ipi_addr;	/* the header's destination */
	} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
		struct in6_pktinfo pi;

		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		if (memcmp(pi.ipi6_addr.s6_addr, mapped, 12) == 0) {
			l->family = AF_INET;
			l->ifindex = 0;
			memcpy(&l->addr.in4, &pi.ipi6_addr.s6_addr[12], 4);
		} else {
			l->family = AF_INET6;
			l->ifindex = IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr) ?
			    (uint32_t)pi.ipi6_ifindex : 0;
			l->addr.in6 = pi.ipi6_addr;
		}
	}
}

int
udp_rx_init(struct udp_rx *rx)
{
	unsigned i;

	memset(rx, 0, sizeof(*rx));
	rx->buf = calloc(UDP_BATCH, sizeof(*rx->buf));
	if (rx->buf == NULL)
		return -1;
	for (i = 0; i < UDP_BATCH; i++) {
		rx->iov[i].iov_base = rx->buf[i];
		rx->iov[i].iov_len = UDP_BUFSZ;
	}
	return 0;
}

void
udp_rx_free(struct udp_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
}

int
udp_recv(struct udp_sock *u, struct udp_rx *rx)
{
	unsigned i;
	int n;

	for (i = 0; i < UDP_BATCH; i++) {
		struct msghdr *h = &rx->msg[i].msg_hdr;

		memset(h, 0, sizeof(*h));
		h->msg_name = &rx->from[i];
		h->msg_namelen = sizeof(rx->from[i]);
		h->msg_iov = &rx->iov[i];
		h->msg_iovlen = 1;
		if (u->gro || u->local) {
			h->msg_control = rx->ctl[i].b;
			h->msg_controllen = sizeof(rx->ctl[i].b);
		}
	}
	n = recvmmsg(u->fd, rx->msg, UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n == -1) {
		rx->n = 0;
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ?
		    0 : -1;
	}
	for (i = 0; i < (unsigned)n; i++) {
		struct msghdr *h = &rx->msg[i].msg_hdr;
		struct cmsghdr *c;

		rx->seg[i] = 0;
		rx->local[i].family = 0;
		for (c = u->gro || u->local ? CMSG_FIRSTHDR(h) : NULL; c != NULL;
		    c = CMSG_NXTHDR(h, c)) {
			if (u->local)
				local_from_cmsg(c, &rx->local[i]);
			if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
			    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
				int seg;

				memcpy(&seg, CMSG_DATA(c), sizeof(seg));
				if (seg > 0 && seg < UDP_BUFSZ &&
				    (unsigned)seg < rx->msg[i].msg_len)
					rx->seg[i] = (uint16_t)seg;
			}
		}
	}
	rx->n = (unsigned)n;
	return n;
}

void
udp_tx_init(struct udp_tx *tx, void (*on_error)(uint32_t, int, void *), void *arg)
{
	memset(tx, 0, sizeof(*tx));
	tx->on_error = on_error;
	tx->arg = arg;
}

static bool
same_dest(const struct msghdr *h, const struct sockaddr *to, socklen_t tolen)
{
	return h->msg_namelen == tolen &&
	    (h->msg_name == to || memcmp(h->msg_name, to, tolen) == 0);
}

static bool
same_src(const struct udp_local *a, const struct udp_local *b)
{
	if (a->family != b->family)
		return false;
	switch (a->family) {
	case AF_INET:
		return a->addr.in4.s_addr == b->addr.in4.s_addr;
	case AF_INET6:
		return a->ifindex == b->ifindex &&
		    memcmp(&a->addr.in6, &b->addr.in6, 16) == 0;
	default:
		return true;
	}
}

/*
 * The control messages of a send: UDP_SEGMENT when seg is not 0, the
 * source address when src has one.  On a dual-stack socket the source of
 * an IPv4 datagram is given as a mapped IPv6 address.
 */
static void
set_ctl(const struct udp_sock *u, struct msghdr *h, void *buf, size_t size,
    uint16_t seg, const struct udp_local *src)
{
	struct cmsghdr *c;
	size_t used = 0;

	h->msg_control = buf;
	h->msg_controllen = size;
	c = CMSG_FIRSTHDR(h);
	if (seg != 0) {
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		memcpy(CMSG_DATA(c), &seg, sizeof(uint16_t));
		used += CMSG_SPACE(sizeof(uint16_t));
		c = (struct cmsghdr *)((uint8_t *)buf + used);
	}
	if (src->family != 0 && u->v6) {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		if (src->family == AF_INET) {
			pi.ipi6_addr.s6_addr[10] = 0xff;
			pi.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(&pi.ipi6_addr.s6_addr[12], &src->addr.in4, 4);
		} else {
			pi.ipi6_addr = src->addr.in6;
			pi.ipi6_ifindex = src->ifindex;
		}
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		used += CMSG_SPACE(sizeof(pi));
	} else if (src->family == AF_INET) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = src->addr.in4;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		used += CMSG_SPACE(sizeof(pi));
	}
	h->msg_controllen = used;
	if (used == 0)
		h->msg_control = NULL;
}

void
udp_tx_add(struct udp_sock *u, struct udp_tx *tx, const struct sockaddr *to,
    socklen_t tolen, const struct udp_local *src, const void *hdr,
    size_t hdrlen, const void *data, size_t datalen, uint32_t tag)
{
	static const struct udp_local any;
	size_t len = hdrlen + datalen;
	uint8_t per = hdrlen > 0 ? 2 : 1;
	struct udp_txm *m;
	struct msghdr *h;

	if (tx->n > 0 && u->gso) {
		m = &tx->m[tx->n - 1];
		h = &tx->msg[tx->n - 1].msg_hdr;
		if (m->tag == tag && m->per == per && !m->closed &&
		    len <= m->seg && len > 0 && m->count < UDP_GSO_SEGS &&
		    m->bytes + len <= UDP_GSO_BYTES &&
		    tx->niov + per <= UDP_BATCH * 2 && same_dest(h, to, tolen) &&
		    same_src(&m->src, src != NULL ? src : &any))
			goto append;
	}
	if (tx->n == UDP_BATCH || tx->niov + per > UDP_BATCH * 2)
		udp_tx_flush(u, tx);
	m = &tx->m[tx->n];
	h = &tx->msg[tx->n].msg_hdr;
	memset(h, 0, sizeof(*h));
	h->msg_name = (void *)(uintptr_t)to;
	h->msg_namelen = tolen;
	h->msg_iov = &tx->iov[tx->niov];
	m->src = src != NULL ? *src : any;
	m->tag = tag;
	m->bytes = 0;
	m->seg = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	m->count = 0;
	m->per = per;
	m->closed = len > UINT16_MAX;
	tx->n++;
append:
	if (hdrlen > 0) {
		tx->iov[tx->niov].iov_base = (void *)(uintptr_t)hdr;
		tx->iov[tx->niov++].iov_len = hdrlen;
	}
	tx->iov[tx->niov].iov_base = (void *)(uintptr_t)data;
	tx->iov[tx->niov++].iov_len = datalen;
	h->msg_iovlen += per;
	m->bytes += (uint32_t)len;
	m->count++;
	if (len < m->seg)
		m->closed = true;
}

/* EINVAL may be a refusal of the option or of this one send (MTU). */
static void
gso_refused(struct udp_sock *u, int err)
{
	if (err == EIO || err == ENOPROTOOPT || err == EOPNOTSUPP ||
	    (err == EINVAL && ++u->gso_strikes >= UDP_GSO_STRIKES))
		u->gso = false;
}

/*
 * A send from src failed with err: it may be the source that was refused
 * (IPv4 says "network unreachable", IPv6 "invalid").
 */
static bool
src_suspect(const struct udp_local *src, int err)
{
	return src->family != 0 &&
	    (err == EINVAL || err == EADDRNOTAVAIL || err == ENETUNREACH);
}

/*
 * Message i of the batch, one datagram at a time.  A datagram refused with
 * a source is tried again without; if that goes, the source was refused:
 * it is dropped for the rest of the message, and counted.  Returns whether
 * it was.
 */
static int
send_one(int fd, const struct msghdr *h)
{
	while (sendmsg(fd, h, 0) == -1)
		if (errno != EINTR)
			return errno;
	return 0;
}

static bool
send_each(struct udp_sock *u, struct udp_tx *tx, unsigned i)
{
	struct msghdr *h = &tx->msg[i].msg_hdr, one;
	struct udp_txm *m = &tx->m[i];
	bool refused = false;
	unsigned j;
	int err;

	for (j = 0; j < m->count; j++) {
		memset(&one, 0, sizeof(one));
		one.msg_name = h->msg_name;
		one.msg_namelen = h->msg_namelen;
		one.msg_iov = h->msg_iov + j * m->per;
		one.msg_iovlen = m->per;
		set_ctl(u, &one, tx->ctl[i].b, sizeof(tx->ctl[i].b), 0, &m->src);
		if ((err = send_one(u->fd, &one)) == 0)
			continue;
		if (src_suspect(&m->src, err)) {
			struct udp_local src = m->src;

			m->src.family = 0;
			set_ctl(u, &one, tx->ctl[i].b, sizeof(tx->ctl[i].b), 0,
			    &m->src);
			if ((err = send_one(u->fd, &one)) == 0) {
				/* Not our address (any more?). */
				tx->src_fallbacks++;
				refused = true;
				continue;
			}
			m->src = src;		/* something else */
		}
		if (tx->on_error != NULL)
			tx->on_error(m->tag, err, tx->arg);
	}
	return refused;
}

void
udp_tx_flush(struct udp_sock *u, struct udp_tx *tx)
{
	unsigned sent = 0, i;

	for (i = 0; i < tx->n; i++) {
		const struct udp_txm *m = &tx->m[i];

		tx->datagrams += m->count;
		set_ctl(u, &tx->msg[i].msg_hdr, tx->ctl[i].b, sizeof(tx->ctl[i].b),
		    m->count > 1 ? m->seg : 0, &m->src);
	}
	while (sent < tx->n) {
		int n = sendmmsg(u->fd, tx->msg + sent, tx->n - sent, 0);

		if (n == -1) {
			struct udp_txm *m = &tx->m[sent];

			if (errno == EINTR)
				continue;
			if (m->count > 1) {
				int err = errno;

				/*
				 * Refused as coalesced: each on its own.  If
				 * that finds the source refused, it was not
				 * the coalescing that was.
				 */
				if (!send_each(u, tx, sent)) {
					gso_refused(u, err);
					tx->gso_fallbacks++;
				}
			} else if (src_suspect(&m->src, errno))
				send_each(u, tx, sent);
			else if (tx->on_error != NULL)
				/* It cannot go (no route, too big, ...). */
				tx->on_error(m->tag, errno, tx->arg);
			sent++;
			continue;
		}
		for (i = sent; i < sent + (unsigned)n; i++)
			if (tx->m[i].count > 1) {
				tx->gso_sends++;
				u->gso_strikes = 0;
			}
		sent += (unsigned)n;
	}
	tx->n = 0;
	tx->niov = 0;
}
