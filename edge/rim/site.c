/*
 * site.c — see site.h.
 */
#include "edge/rim/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "edge/van/mac.h"

bool
site_input(struct bridge *b, struct bridge_out *o, const struct udp_rx *rx, int n,
    monotime_t now, const struct van_addr *listen, struct van_addr *stranger,
    struct udp_local *mlocal)
{
	const uint64_t *strangers = &bridge_global_stats(b)->drops[DROP_NOT_MEMBER];
	struct van_addr from, to;
	bool knocked = false;
	int i;

	for (i = 0; i < n; i++) {
		uint64_t before = *strangers;
		size_t len = rx->msg[i].msg_len, off, seg;
		bool hello = false;
		int m;

		if (!addr_from_sockaddr((const struct sockaddr *)&rx->from[i],
		    rx->msg[i].msg_hdr.msg_namelen, &from))
			continue;
		/* Where it came to: the socket's one address, or the datagram's. */
		if (mlocal != NULL)
			udp_local_addr(&rx->local[i], listen->port, &to);
		else
			to = *listen;
		/* One lookup for all the messages of a GRO datagram. */
		m = bridge_member_find(b, &from);
		/* GRO: datagrams of seg bytes back to back, the last shorter. */
		seg = rx->seg[i] ? rx->seg[i] : len;
		off = 0;
		do {	/* an empty datagram, too, is a (short) message */
			size_t l = len - off < seg ? len - off : seg;

			if (m >= 0)
				hello |= bridge_input_member(b, o, (uint32_t)m, &to,
				    rx->buf[i] + off, l, now) == WIRE_HELLO;
			else	/* counted as from a non-member */
				bridge_input(b, o, &from, &to, rx->buf[i] + off, l, now);
		} while ((off += seg) < len);
		/* Only a HELLO the bridge took (keyed, with a site key). */
		if (mlocal != NULL && hello)
			mlocal[m] = rx->local[i];
		if (*strangers != before) {
			*stranger = from;
			knocked = true;
		}
	}
	return knocked;
}

void
site_member_self(struct bridge *b, uint32_t m, const struct van_addr *listen)
{
	struct van_addr self;

	if (listen->family != 0)
		self = *listen;
	else if (bridge_member_addr(b, m) == NULL ||
	    udp_source_for(bridge_member_addr(b, m), listen->port, &self) == -1)
		return;		/* no route: its first HELLO tells us */
	bridge_member_self(b, m, &self);
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
	    (unsigned long long)bridge_global_stats(b)->drops[DROP_NOT_MEMBER]);
}

void
site_members_apply(struct bridge *b, struct bridge_out *o,
    const struct van_addr *members, unsigned n, monotime_t now,
    struct site_addrs *to, bool v6, const struct van_addr *listen)
{
	const struct van_addr *a;
	struct bridge_size size;
	char text[ADDR_STRLEN];
	const char *e;
	unsigned i;
	uint32_t m;

	bridge_size(b, &size);
	for (m = 0; m < size.member_max; m++) {
		if ((a = bridge_member_addr(b, m)) == NULL)
			continue;		/* unused, or a peer */
		for (i = 0; i < n; i++)
			if (addr_eq(&members[i], a))
				break;
		if (i == n) {
			log_debug("member %s removed: not in the configuration",
			    addr_str(a, text));
			bridge_member_del(b, m);
		}
	}
	for (i = 0; i < n; i++) {
		int slot;

		if (bridge_member_find(b, &members[i]) >= 0)
			continue;
		if ((slot = bridge_member_add(b, o, &members[i], now, &e)) < 0) {
			log_err("member %s: %s", addr_str(&members[i], text), e);
			continue;
		}
		log_debug("member %s added", addr_str(&members[i], text));
		to->salen[slot] = (socklen_t)addr_to_sockaddr(&members[i], v6,
		    &to->sa[slot]);
		memset(&to->local[slot], 0, sizeof(to->local[slot]));	/* until it calls */
		site_member_self(b, (uint32_t)slot, listen);
	}
}

void
site_drain(struct bridge *b, struct bridge_out *o, struct udp_sock *u,
    struct udp_rx *rx, int rounds, const struct van_addr *listen,
    struct site_addrs *to, struct log_limit *nonmember_log,
    void (*flush)(void *), void *arg, monotime_t now)
{
	struct van_addr stranger;
	bool knocked = false;
	int round, n;

	for (round = 0; round < rounds; round++) {
		n = udp_recv(u, rx);
		knocked |= site_input(b, o, rx, n, now, listen, &stranger,
		    u->local ? to->local : NULL);
		flush(arg);
		if (n < UDP_BATCH)
			break;
	}
	site_report_strangers(b, nonmember_log, knocked, &stranger, now);
}

int
site_addrs_init(struct site_addrs *a, uint32_t n)
{
	a->sa = calloc(n, sizeof(*a->sa));
	a->salen = calloc(n, sizeof(*a->salen));
	a->local = calloc(n, sizeof(*a->local));
	if (a->sa == NULL || a->salen == NULL || a->local == NULL) {
		site_addrs_free(a);
		return -1;
	}
	return 0;
}

void
site_addrs_free(struct site_addrs *a)
{
	free(a->sa);
	free(a->salen);
	free(a->local);
	a->sa = NULL;
	a->salen = NULL;
	a->local = NULL;
}

static void
report_one(const struct bridge_event *ev, const char *where)
{
	char mac[18], a[INET6_ADDRSTRLEN];

	mac_str(ev->mac, mac);
	switch (ev->type) {
	case BRIDGE_EV_DAD_FREEZE:
		log_warn("VAN %u: MAC %s moved %u times in %u s: duplicate? frozen at "
		    "%s for %u s", ev->van_id, mac, ev->moves,
		    ev->window_ms / 1000, where, ev->hold_ms / 1000);
		break;
	case BRIDGE_EV_LOOP:
		log_warn("VAN %u: a flood (source MAC %s) came back from %s: the "
		    "peerings make a loop; dropped", ev->van_id, mac, where);
		break;
	case BRIDGE_EV_SEQ_JUMP:
		log_warn("VAN %u: %s claims MAC %s with sequence %u, too far ahead "
		    "of %u: refused (seq-jump)", ev->van_id, where, mac, ev->seq,
		    ev->moves);
		break;
	case BRIDGE_EV_STATIC_CLAIM:
		log_warn("VAN %u: %s claims MAC %s, a port's configured MAC here: "
		    "refused (static-claim)", ev->van_id, where, mac);
		break;
	case BRIDGE_EV_SITE_CLAIM:
		log_info("VAN %u: %s claims MAC %s, which the site has: held until "
		    "the site lets it go (site-claim)", ev->van_id, where, mac);
		break;
	case BRIDGE_EV_CLAIM_DENIED:
		if (ev->addr.family != 0)
			log_warn("VAN %u: %s claims address %s for MAC %s, not its to "
			    "claim: refused (claim-denied)", ev->van_id, where,
			    inet_ntop(ev->addr.family == 4 ? AF_INET : AF_INET6,
			    ev->addr.bytes, a, sizeof(a)), mac);
		else
			log_warn("VAN %u: %s claims MAC %s, not its to claim: refused "
			    "(claim-denied)", ev->van_id, where, mac);
		break;
	case BRIDGE_EV_ADDR_CONFLICT:
		log_warn("VAN %u: %s claims address %s for MAC %s, but a MAC here uses "
		    "it: refused (addr-conflict)", ev->van_id, where,
		    inet_ntop(ev->addr.family == 4 ? AF_INET : AF_INET6, ev->addr.bytes,
		    a, sizeof(a)), mac);
		break;
	}
}

/* Where a report or trace is: "port NAME", a member's name or address. */
static void
where_str(const struct bridge *b, uint8_t kind, uint32_t where,
    const char *(*port_name)(void *, uint32_t),
    const char *(*member_name)(void *, uint32_t), void *arg,
    char buf[static ADDR_STRLEN + BRIDGE_NAME_MAX])
{
	const size_t len = ADDR_STRLEN + BRIDGE_NAME_MAX;
	const char *name;

	if (kind == FDB_LOCAL) {
		name = port_name != NULL ? port_name(arg, where) : NULL;
		snprintf(buf, len, "port %s", name != NULL ? name : "?");
	} else if (member_name != NULL && (name = member_name(arg, where)) != NULL)
		snprintf(buf, len, "%s", name);
	else if (bridge_member_addr(b, where) != NULL)
		addr_str(bridge_member_addr(b, where), buf);
	else
		snprintf(buf, len, "?");
}

void
site_trace_sync(struct bridge *b)
{
	bridge_set_trace(b, log_get_level() >= LOG_LVL_DEBUG);
}

static const char *const trace_name[BRIDGE_TR_MAX] = {
	[BRIDGE_TR_MEMBER_STATE] = "member-state",
	[BRIDGE_TR_MEMBER_EPOCH] = "member-epoch",
	[BRIDGE_TR_JOIN_IN] = "join-in",
	[BRIDGE_TR_LEAVE_IN] = "leave-in",
	[BRIDGE_TR_JOIN_OUT] = "join-out",
	[BRIDGE_TR_LEAVE_OUT] = "leave-out",
	[BRIDGE_TR_LEARN_IN] = "learn-in",
	[BRIDGE_TR_UNLEARN_IN] = "unlearn-in",
	[BRIDGE_TR_LEARN_OUT] = "learn-out",
	[BRIDGE_TR_UNLEARN_OUT] = "unlearn-out",
	[BRIDGE_TR_MAC_LEARNED] = "mac-learned",
	[BRIDGE_TR_MAC_MOVED] = "mac-moved",
	[BRIDGE_TR_MAC_REFUSED] = "mac-refused",
	[BRIDGE_TR_FLOOD_LIMITED] = "flood-limited",
};

/* One trace's line; where and from are named already. */
static void
trace_one(const struct bridge_trace *t, const char *where, const char *from)
{
	char mac[18], times[32];

	mac_str(t->mac, mac);
	times[0] = '\0';
	if (t->count > 1)
		snprintf(times, sizeof(times), " (%u times)", t->count);
	switch (t->type) {
	case BRIDGE_TR_MEMBER_STATE:
		log_debug("member %s: %s -> %s", where,
		    member_state_str((enum member_state)t->state_old),
		    member_state_str((enum member_state)t->state));
		break;
	case BRIDGE_TR_MEMBER_EPOCH:
		if (t->epoch_old == 0)
			log_debug("member %s: boot epoch %llu", where,
			    (unsigned long long)t->epoch);
		else
			log_debug("member %s: boot epoch %llu, was %llu: it restarted",
			    where, (unsigned long long)t->epoch,
			    (unsigned long long)t->epoch_old);
		break;
	case BRIDGE_TR_JOIN_IN:
		log_debug("member %s: JOIN VAN %u%s", where, t->van_id, times);
		break;
	case BRIDGE_TR_LEAVE_IN:
		log_debug("member %s: LEAVE VAN %u%s", where, t->van_id, times);
		break;
	case BRIDGE_TR_JOIN_OUT:
		log_debug("VAN %u: JOIN sent to the site (a first port)", t->van_id);
		break;
	case BRIDGE_TR_LEAVE_OUT:
		log_debug("VAN %u: LEAVE sent to the site (its last port went)",
		    t->van_id);
		break;
	case BRIDGE_TR_LEARN_IN:
		log_debug("VAN %u: LEARN %s seq %u from %s%s", t->van_id, mac, t->seq,
		    where, times);
		break;
	case BRIDGE_TR_UNLEARN_IN:
		log_debug("VAN %u: UNLEARN %s from %s%s", t->van_id, mac, where, times);
		break;
	case BRIDGE_TR_LEARN_OUT:
		log_debug("VAN %u: LEARN %s seq %u to %s%s", t->van_id, mac, t->seq,
		    where, times);
		break;
	case BRIDGE_TR_UNLEARN_OUT:
		log_debug("VAN %u: UNLEARN %s to %s%s", t->van_id, mac, where, times);
		break;
	case BRIDGE_TR_MAC_LEARNED:
		log_debug("VAN %u: MAC %s learnt on %s", t->van_id, mac, where);
		break;
	case BRIDGE_TR_MAC_MOVED:
		log_debug("VAN %u: MAC %s moved to %s from %s", t->van_id, mac, where,
		    from);
		break;
	case BRIDGE_TR_MAC_REFUSED:
		if (t->reason == DROP_NONE)
			log_debug("VAN %u: MAC %s on %s stays where it is: frozen "
			    "(dad)%s", t->van_id, mac, where, times);
		else
			log_debug("VAN %u: MAC %s on %s refused (%s)%s", t->van_id, mac,
			    where, drop_reason_str((enum drop_reason)t->reason), times);
		break;
	case BRIDGE_TR_FLOOD_LIMITED:
		log_debug("VAN %u: floods from %s held back (flood-limit)%s", t->van_id,
		    where, times);
		break;
	}
}

static void
report_traces(struct bridge *b, struct site_trace_log *tl,
    const char *(*port_name)(void *, uint32_t),
    const char *(*member_name)(void *, uint32_t), void *arg, monotime_t now)
{
	char where[ADDR_STRLEN + BRIDGE_NAME_MAX], from[ADDR_STRLEN + BRIDGE_NAME_MAX];
	struct bridge_trace t;
	struct log_limit *lim;
	unsigned i;

	if (!tl->ready) {
		for (i = 0; i < BRIDGE_TR_MAX; i++)
			tl->kind[i] = LOG_LIMIT(SITE_TRACE_RATE, SITE_TRACE_BURST);
		tl->ready = true;
	}
	while (bridge_trace_next(b, &t)) {
		/* kind[0], no type's: the lines on traces lost. */
		tl->lost += t.lost;
		if (tl->lost > 0 && log_limit_ok(&tl->kind[0], now)) {
			log_debug("%llu traces lost: more at once than the bridge keeps",
			    (unsigned long long)tl->lost);
			tl->lost = 0;
		}
		if (t.type == 0 || t.type >= BRIDGE_TR_MAX)
			continue;
		lim = &tl->kind[t.type];
		if (!log_limit_ok(lim, now))
			continue;
		if (lim->suppressed > 0) {
			log_debug("%s: %llu lines suppressed (at most %u a second)",
			    trace_name[t.type], (unsigned long long)lim->suppressed,
			    SITE_TRACE_RATE);
			lim->suppressed = 0;
		}
		where_str(b, t.kind, t.where, port_name, member_name, arg, where);
		from[0] = '\0';
		if (t.type == BRIDGE_TR_MAC_MOVED)
			where_str(b, t.from_kind, t.from, port_name, member_name, arg, from);
		trace_one(&t, where, from);
	}
}

void
site_report_events(struct bridge *b, struct log_limit *lim,
    struct site_trace_log *tl, const char *(*port_name)(void *, uint32_t),
    const char *(*member_name)(void *, uint32_t), void *arg, monotime_t now)
{
	struct bridge_event ev;
	char where[ADDR_STRLEN + BRIDGE_NAME_MAX];

	while (bridge_event_next(b, &ev)) {
		if (ev.type != BRIDGE_EV_DAD_FREEZE && !log_limit_ok(lim, now))
			continue;
		where_str(b, ev.kind, ev.where, port_name, member_name, arg, where);
		report_one(&ev, where);
	}
	report_traces(b, tl, port_name, member_name, arg, now);
}
