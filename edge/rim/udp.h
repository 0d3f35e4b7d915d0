/*
 * udp.h — the underlay socket: one UDP socket for IPv4 and IPv6 (a
 * dual-stack IPv6 socket unless the configuration names an address), and
 * batched receive (recvmmsg) and send (sendmmsg) of VAN messages.
 */
#ifndef EDGE_RIM_UDP_H
#define EDGE_RIM_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "edge/van/addr.h"
#include "edge/van/wire.h"

#define UDP_BATCH	64		/* messages per recvmmsg / sendmmsg */
#define UDP_BUFSZ	65536		/* a datagram, or several merged by GRO */
#define UDP_GSO_SEGS	64		/* segments per UDP_SEGMENT send */
#define UDP_GSO_BYTES	65000		/* bytes per UDP_SEGMENT send */
/* Coalesced sends refused with EINVAL in a row before we stop trying. */
#define UDP_GSO_STRIKES	8
#define UDP_SOCKBUF	(4 << 20)	/* SO_RCVBUF / SO_SNDBUF wanted */

/*
 * A datagram's local address: the one it was sent to (udp_recv, on a
 * socket with udp_want_local), or the one to send from (udp_tx_add).  The
 * "sticky source" of a multi-homed host: a reply leaves from the address
 * the peer called, not from the one the kernel's route would pick.
 */
struct udp_local {
	sa_family_t	family;		/* AF_INET, AF_INET6; 0: the kernel's choice */
	uint32_t	ifindex;	/* IPv6 link-local only; else 0 */
	union {
		struct in_addr	in4;
		struct in6_addr	in6;
	}		addr;
};

struct udp_sock {
	int		fd;
	bool		v6;		/* AF_INET6: send to IPv4 as mapped */
	bool		gro;		/* UDP_GRO on: a read may hold several */
	bool		local;		/* receives report their local address */
	bool		gso;		/* UDP_SEGMENT sends work (so far) */
	uint8_t		gso_strikes;	/* refusals in a row that may be ours */
};

struct udp_rx {
	unsigned	n;		/* messages of the last udp_recv */
	struct mmsghdr	msg[UDP_BATCH];
	struct iovec	iov[UDP_BATCH];
	struct sockaddr_storage from[UDP_BATCH];
	uint16_t	seg[UDP_BATCH];	/* GRO segment size, 0 = one datagram */
	struct udp_local local[UDP_BATCH]; /* with udp_want_local; else 0 */
	union {
		uint8_t		b[CMSG_SPACE(sizeof(int)) +
				    CMSG_SPACE(sizeof(struct in6_pktinfo)) + 32];
		struct cmsghdr	align;
	}		ctl[UDP_BATCH];
	uint8_t		(*buf)[UDP_BUFSZ];
};

/*
 * A send batch.  Consecutive datagrams to one destination with one tag, all
 * of one length but the last, which may be shorter, are coalesced into one
 * message sent with UDP_SEGMENT (one skb through the stack, split by the
 * device or the receiver's GRO), up to UDP_GSO_SEGS / UDP_GSO_BYTES each.
 * Order is kept: only the newest message grows.
 */
struct udp_txm {
	struct udp_local src;		/* family 0: the kernel's choice */
	uint32_t	tag;
	uint32_t	bytes;		/* all its datagrams */
	uint16_t	seg;		/* length of its first datagram */
	uint16_t	count;		/* datagrams */
	uint8_t		per;		/* iovecs per datagram: 1 or 2 */
	bool		closed;		/* a shorter datagram ended it */
};

struct udp_tx {
	unsigned	n;		/* messages */
	unsigned	niov;
	void		(*on_error)(uint32_t tag, int err, void *arg);
	void		*arg;
	uint64_t	datagrams;	/* handed to the kernel, sent or not */
	uint64_t	gso_sends;	/* messages of more than one datagram */
	uint64_t	gso_fallbacks;	/* such messages refused, sent one by one */
	uint64_t	src_fallbacks;	/* source refused (gone?), sent without */
	struct udp_txm	m[UDP_BATCH];
	struct mmsghdr	msg[UDP_BATCH];
	struct iovec	iov[UDP_BATCH * 2];
	union {
		uint8_t		b[CMSG_SPACE(sizeof(uint16_t)) +
				    CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr	align;
	}		ctl[UDP_BATCH];
};

/* family 0 in listen: every address of both families. */
int	udp_open(struct udp_sock *, const struct van_addr *listen, const char **err);
/* Whether address a (family 4 or 6; its port aside) is on this host. */
bool	udp_addr_local(const struct van_addr *a);
/* As udp_open; freebind: bound also to an address not on this host (yet). */
int	udp_open_flags(struct udp_sock *, const struct van_addr *listen,
	    bool freebind, const char **err);
void	udp_close(struct udp_sock *);
/*
 * Have udp_recv report each datagram's local address (IP_PKTINFO,
 * IPV6_RECVPKTINFO), for a socket bound to every address.  -1: refused.
 */
int	udp_want_local(struct udp_sock *);

/* A local address as an underlay address with `port` (family 0: none). */
void	udp_local_addr(const struct udp_local *, uint16_t port, struct van_addr *);
/*
 * The address the kernel's route picks to send to `to` (a connected scratch
 * socket, no packet sent), with `port`.  -1 (errno) without a route.
 */
int	udp_source_for(const struct van_addr *to, uint16_t port, struct van_addr *src);

int	udp_rx_init(struct udp_rx *);
void	udp_rx_free(struct udp_rx *);
/* Up to UDP_BATCH messages without blocking: count, 0 when none, -1 error. */
int	udp_recv(struct udp_sock *, struct udp_rx *);

/* on_error(tag, errno, arg) is told of each message that could not go. */
void	udp_tx_init(struct udp_tx *, void (*on_error)(uint32_t, int, void *),
	    void *arg);
/*
 * Queue the datagram hdr+data to `to` (hdr may be NULL), from the local
 * address src (NULL or family 0: the kernel's choice); all stay the
 * caller's until the next flush.  Sends the batch first when it is full.
 */
void	udp_tx_add(struct udp_sock *, struct udp_tx *, const struct sockaddr *to,
	    socklen_t tolen, const struct udp_local *src, const void *hdr,
	    size_t hdrlen, const void *data, size_t datalen, uint32_t tag);
/*
 * Send what is queued.  A message whose source address the kernel refuses
 * (no longer ours) is sent again from the kernel's choice and counted.  A
 * coalesced message the kernel refuses is sent again one datagram at a
 * time, and on_error hears of each datagram that could not go.
 */
void	udp_tx_flush(struct udp_sock *, struct udp_tx *);
#endif /* EDGE_RIM_UDP_H */
