/*
 * site.c — see site.h.
 */
#include "edge/site.h"

#include <sys/socket.h>

bool
site_input(struct bridge *b, struct bridge_out *o, const struct udp_rx *rx, int n,
    monotime_t now, struct van_addr *stranger, struct udp_local *mlocal)
{
	uint64_t *strangers = &b->stats.drops[DROP_NOT_MEMBER];
	struct van_addr from;
	bool knocked = false;
	int i;

	for (i = 0; i < n; i++) {
		uint64_t before = *strangers;
		size_t len = rx->msg[i].msg_len, off, seg;
		monotime_t hello = 0;
		int m;

		if (!addr_from_sockaddr((const struct sockaddr *)&rx->from[i],
		    rx->msg[i].msg_hdr.msg_namelen, &from))
			continue;
		/* One lookup for all the messages of a GRO datagram. */
		if ((m = bridge_member_find(b, &from)) >= 0)
			hello = b->member[m].last_hello;
		/* GRO: datagrams of seg bytes back to back, the last shorter. */
		seg = rx->seg[i] ? rx->seg[i] : len;
		off = 0;
		do {	/* an empty datagram, too, is a (short) message */
			size_t l = len - off < seg ? len - off : seg;

			if (m >= 0)
				bridge_input_member(b, o, (uint32_t)m,
				    rx->buf[i] + off, l, now);
			else	/* counted as from a non-member */
				bridge_input(b, o, &from, rx->buf[i] + off, l, now);
		} while ((off += seg) < len);
		/* Only a HELLO the bridge took (keyed, with a site key). */
		if (mlocal != NULL && m >= 0 && b->member[m].used &&
		    b->member[m].last_hello != hello)
			mlocal[m] = rx->local[i];
		if (*strangers != before) {
			*stranger = from;
			knocked = true;
		}
	}
	return knocked;
}

void
site_report_strangers(const struct bridge *b, struct log_limit *lim, bool knocked,
    const struct van_addr *stranger, monotime_t now)
{
	char a[ADDR_STRLEN];

	if (!knocked || !log_limit_ok(lim, now))
		return;
	log_warn("dropped a message from %s, not a site member "
	    "(%llu from non-members so far)", addr_str(stranger, a),
	    (unsigned long long)b->stats.drops[DROP_NOT_MEMBER]);
}

void
site_members_apply(struct bridge *b, struct bridge_out *o,
    const struct van_addr *members, unsigned n, monotime_t now,
    void (*added)(void *, uint32_t), void *arg)
{
	const char *e;
	unsigned i;
	uint32_t m;

	for (m = 0; m < b->conf.member_max; m++) {
		if (!b->member[m].used || b->member[m].peer)
			continue;
		for (i = 0; i < n; i++)
			if (addr_eq(&members[i], &b->member[m].addr))
				break;
		if (i == n)
			bridge_member_del(b, m);
	}
	for (i = 0; i < n; i++) {
		int slot;

		if (bridge_member_find(b, &members[i]) >= 0)
			continue;
		if ((slot = bridge_member_add(b, o, &members[i], now, &e)) < 0) {
			char a[ADDR_STRLEN];

			log_err("member %s: %s", addr_str(&members[i], a), e);
			continue;
		}
		added(arg, (uint32_t)slot);
	}
}
