/*
 * link.c — see link.h.  libmnl walks the messages and their attributes,
 * each checked against the bytes that are there.
 */
#include "edge/rim/link.h"

#include <errno.h>
#include <stdint.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

struct link_walk {
	link_cb		cb;
	void		*arg;
	int		n;
};

static int
link_attr(const struct nlattr *a, void *data)
{
	struct link_event *ev = data;

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(a) == IFLA_IFNAME) {
		const char *s = mnl_attr_get_payload(a);
		size_t n = mnl_attr_get_payload_len(a);

		/* NUL-terminated, at most LINK_NAME_MAX - 1 characters. */
		n = strnlen(s, n);
		if (n >= LINK_NAME_MAX)
			return MNL_CB_ERROR;
		memcpy(ev->name, s, n);
		ev->name[n] = '\0';
	}
	return MNL_CB_OK;
}

static int
link_msg(const struct nlmsghdr *nlh, void *data)
{
	struct link_walk *w = data;
	struct link_event ev;
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_ERROR;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(&ev, 0, sizeof(ev));
	ev.ifindex = ifi->ifi_index;
	ev.gone = nlh->nlmsg_type == RTM_DELLINK;
	ev.up = (ifi->ifi_flags & IFF_UP) != 0;
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &ev) != MNL_CB_OK)
		return MNL_CB_ERROR;
	if (ev.ifindex <= 0)
		return MNL_CB_ERROR;
	w->cb(&ev, w->arg);
	w->n++;
	return MNL_CB_OK;
}

int
link_parse(const void *buf, size_t len, link_cb cb, void *arg)
{
	struct link_walk w = { cb, arg, 0 };
	const uint8_t *p = buf;
	size_t off = 0, n;
	bool bad = false;

	/*
	 * The lengths first: libmnl compares them as int, so a length of 2^31
	 * or more would pass its check.  What follows a bad one is not read.
	 */
	while (len - off >= sizeof(struct nlmsghdr)) {
		uint32_t l;

		memcpy(&l, p + off, sizeof(l));
		if (l < sizeof(struct nlmsghdr) || l > len - off) {
			bad = true;
			break;
		}
		n = MNL_ALIGN(l);
		off = n > len - off ? len : off + n;
	}
	/* Events: sequence 0, port id 0 (the kernel's); none to match. */
	if (off > 0 && mnl_cb_run(buf, off, 0, 0, link_msg, &w) == MNL_CB_ERROR)
		return -1;
	return bad ? -1 : w.n;
}

int
link_open(const char **err)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1) {
		*err = "cannot open an rtnetlink socket";
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		*err = "cannot join rtnetlink's link group";
		close(fd);
		return -1;
	}
	return fd;
}

int
link_read(int fd, void *buf, size_t len, link_cb cb, void *arg)
{
	struct sockaddr_nl from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &fl);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -1;
		}
		/* Only the kernel speaks on this socket's group. */
		if (fl != sizeof(from) || from.nl_pid != 0)
			continue;
		(void)link_parse(buf, (size_t)n, cb, arg);
	}
}
