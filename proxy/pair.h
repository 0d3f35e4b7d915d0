/*
 * pair.h — keepalived's configuration for one node of a vanproxy gateway
 * pair (docs/proxy.md §12, docs/operations.md "A gateway pair"): written
 * by vanplan for an inventory site with a `pair`, and by vanlab for a
 * site with `proxy = { ha = true; }`, from this one text.
 *
 * The pair, in keepalived's terms: one vrrp_sync_group of two
 * vrrp_instances, the site side (the address the edges have as member)
 * and the internet side (the peers' endpoint), so that both addresses
 * move together; VRRP version 3, unicast between the pair's own
 * addresses; node 0 preferred (priority 150 to 100) with preemption
 * after a settling second; fit while vanproxy runs (track_process: its
 * death is seen at once; track_process below), answers `vanctl show stats` in time
 * (vrrp_script) and is not drained (track_file STATE_DIR/drain, which
 * vanproxy writes itself: its drain_file); every transition told to
 * vanproxy by vanfed-notify, and a master that hears a lower priority
 * (the pair split and merged) renews.
 */
#ifndef PROXY_PAIR_H
#define PROXY_PAIR_H

#include <stdio.h>

#define PAIR_NAME_MAX		32
#define PAIR_ADDR_MAX		16	/* dotted IPv4 */
#define PAIR_DEV_MAX		16
#define PAIR_PATH_MAX		256
/* Between adverts: the twin takes over three adverts and a skew after
 * the last one (0.36 s at priority 100), at once when a master leaves. */
#define PAIR_ADVERT_INT		"0.1"
#define PAIR_PRIO_FIRST		150
#define PAIR_PRIO_SECOND	100
/* Seconds a preferred node that came back waits before it takes the
 * addresses back: its links and its vanproxy settle first. */
#define PAIR_PREEMPT_DELAY	"1"
/* The drain file in STATE_DIR: vanproxy's drain_file must name it. */
#define PAIR_DRAIN_FILE		"drain"

struct pair_node {
	char		name[PAIR_NAME_MAX];		/* keepalived's router_id */
	char		site_addr[PAIR_ADDR_MAX];	/* its own, site side */
	char		inet_addr[PAIR_ADDR_MAX];	/* its own, internet side */
};

struct pair_conf {
	char		site[PAIR_NAME_MAX];		/* the sync group's name */
	char		site_vip[PAIR_ADDR_MAX], site_dev[PAIR_DEV_MAX];
	char		inet_vip[PAIR_ADDR_MAX], inet_dev[PAIR_DEV_MAX];
	unsigned	vrid_site, vrid_inet;		/* 1..255, distinct */
	struct pair_node node[2];			/* node 0 preferred */
	char		notify[PAIR_PATH_MAX];		/* vanfed-notify */
	char		vanctl[PAIR_PATH_MAX];		/* for the check */
	char		control[PAIR_PATH_MAX];		/* vanproxy's control socket */
	char		state_dir[PAIR_PATH_MAX];	/* role, drain, notify.log */
	char		vanproxy[PAIR_PATH_MAX];	/* its argv[0] and -f, */
	char		vanproxy_conf[PAIR_PATH_MAX];	/* for track_process */
	/* false: no track_process, the check alone (within its second)
	 * sees a dead vanproxy.  The kernel's process events reach only
	 * the first network namespace: vanlab's gateways have none. */
	int		track_process;
};

/*
 * A field keepalived's configuration cannot carry (a path with a blank,
 * a quote or a backslash; a name or address with more than A-Z a-z 0-9
 * . _ - :), or two router IDs alike: its name, else NULL.
 */
const char *pair_conf_bad(const struct pair_conf *);
/* keepalived.conf of node n (0 or 1) of the pair. */
void	pair_keepalived_conf(FILE *, const struct pair_conf *, unsigned n);

#endif /* PROXY_PAIR_H */
