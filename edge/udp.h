/*
 * udp.h — the underlay socket: one UDP socket for IPv4 and IPv6 (a
 * dual-stack IPv6 socket unless the configuration names an address), and
 * batched receive (recvmmsg) and send (sendmmsg) of VAN messages.
 */
#ifndef EDGE_UDP_H
#define EDGE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "edge/addr.h"
#include "edge/wire.h"

#define UDP_BATCH	64		/* messages per recvmmsg / sendmmsg */
#define UDP_BUFSZ	65536		/* a datagram, or several merged by GRO */
#define UDP_GSO_SEGS	64		/* segments per UDP_SEGMENT send */
#define UDP_GSO_BYTES	65000		/* bytes per UDP_SEGMENT send */
#define UDP_SOCKBUF	(4 << 20)	/* SO_RCVBUF / SO_SNDBUF wanted */

struct udp_sock {
	int		fd;
	bool		v6;		/* AF_INET6: send to IPv4 as mapped */
	bool		gro;		/* UDP_GRO on: a read may hold several */
	bool		gso;		/* UDP_SEGMENT sends work (so far) */
};

struct udp_rx {
	unsigned	n;		/* messages of the last udp_recv */
	struct mmsghdr	msg[UDP_BATCH];
	struct iovec	iov[UDP_BATCH];
	struct sockaddr_storage from[UDP_BATCH];
	uint16_t	seg[UDP_BATCH];	/* GRO segment size, 0 = one datagram */
	uint8_t		ctl[UDP_BATCH][64];
	uint8_t		(*buf)[UDP_BUFSZ];
};

struct udp_tx {
	unsigned	n;
	void		(*on_error)(uint32_t tag, int err, void *arg);
	void		*arg;
	uint32_t	tag[UDP_BATCH];
	struct mmsghdr	msg[UDP_BATCH];
	struct iovec	iov[UDP_BATCH][2];
};

/* family 0 in listen: every address of both families. */
int	udp_open(struct udp_sock *, const struct van_addr *listen, const char **err);
void	udp_close(struct udp_sock *);

int	udp_rx_init(struct udp_rx *);
void	udp_rx_free(struct udp_rx *);
/* Up to UDP_BATCH messages without blocking: count, 0 when none, -1 error. */
int	udp_recv(struct udp_sock *, struct udp_rx *);

/* on_error(tag, errno, arg) is told of each message that could not go. */
void	udp_tx_init(struct udp_tx *, void (*on_error)(uint32_t, int, void *),
	    void *arg);
/* Queue hdr+data to `to`; sends the batch first when it is full. */
void	udp_tx_add(struct udp_sock *, struct udp_tx *, const struct sockaddr *to,
	    socklen_t tolen, const void *hdr, size_t hdrlen, const void *data,
	    size_t datalen, uint32_t tag);
/* Send what is queued. */
void	udp_tx_flush(struct udp_sock *, struct udp_tx *);
/*
 * One send of len bytes cut by the kernel into datagrams of seg bytes (the
 * last may be shorter): UDP_SEGMENT.  0, or -1 with errno; when the kernel
 * refuses the option itself, u->gso turns false and the caller sends the
 * datagrams one by one from then on.
 */
int	udp_send_gso(struct udp_sock *, const struct sockaddr *to, socklen_t tolen,
	    const void *buf, size_t len, uint16_t seg);

#endif /* EDGE_UDP_H */
