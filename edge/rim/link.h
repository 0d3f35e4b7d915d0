/*
 * link.h — interfaces that come and go: rtnetlink's link messages
 * (RTMGRP_LINK), so that a device port whose interface disappears (its VM
 * destroyed, QEMU killed) is withdrawn at once.
 *
 * link_parse is pure (the fuzzer drives it); link_open and link_read are
 * the socket.
 */
#ifndef EDGE_RIM_LINK_H
#define EDGE_RIM_LINK_H

#include <stdbool.h>
#include <stddef.h>

#define LINK_NAME_MAX	16

struct link_event {
	int		ifindex;
	bool		gone;		/* RTM_DELLINK */
	bool		up;		/* IFF_UP (RTM_NEWLINK) */
	char		name[LINK_NAME_MAX];	/* "" when the message has none */
};

typedef void (*link_cb)(const struct link_event *, void *arg);

/*
 * The link messages in buf (one datagram of rtnetlink), each passed to cb.
 * Returns how many, or -1 when the buffer is malformed (what came before
 * the bad message was passed on).
 */
int	link_parse(const void *buf, size_t len, link_cb, void *arg);

/* A non-blocking rtnetlink socket on RTMGRP_LINK; -1 with err. */
int	link_open(const char **err);
/*
 * Read what is queued, calling cb per event.  Returns 0, or -1 with errno
 * ENOBUFS when the kernel dropped messages (the caller checks its
 * interfaces itself), other errnos for other failures.
 */
int	link_read(int fd, void *buf, size_t len, link_cb, void *arg);

#endif /* EDGE_RIM_LINK_H */
