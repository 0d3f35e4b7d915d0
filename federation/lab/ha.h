/*
 * ha.h — the keepalived of a site's pair of gateways (`proxy = { ha =
 * true; }`, lab.h): in each of PREFIX-SITE-gw and PREFIX-SITE-gw2 one
 * keepalived (VRRP only) holds the site's proxy addresses as VIPs on one
 * of them and tells each vanproxy its role through vanfed-notify
 * (proxy/pair.h says how, labha.c with which addresses).  Here: writing them, having
 * keepalived check them, starting and stopping it.  vanproxy itself, its
 * role and the wait for an active gateway are gateway.h's.
 *
 * Files, in each gateway's state directory (SITE-gw/, SITE-gw2/):
 *
 *   keepalived.conf    its configuration (proxy/pair.c's text)
 *   drain              its track_file, which vanproxy writes (its
 *                      drain_file): 1 drains the gateway (FAULT)
 *   keepalived.log     its log (--log-console --log-detail)
 *   keepalived.pid     the pid vanlab started (--dont-fork: the parent)
 *   keepalived.main.pid, keepalived.vrrp.pid   keepalived's own (-p, -r):
 *                      each instance needs its own, or the second one
 *                      would find the first one running and not start
 *   notify.log, want, role, notify.lock   vanfed-notify's (the shipped
 *                      contrib/keepalived/vanfed-notify, beside vanlab)
 */
#ifndef FEDERATION_LAB_HA_H
#define FEDERATION_LAB_HA_H

#include <stdbool.h>
#include <sys/types.h>

#include "federation/lab/lab.h"
#include "federation/lab/state.h"

#define HA_KEEPALIVED	"keepalived"	/* Debian's, from PATH (/usr/sbin) */
#define HA_KEEPALIVED_ENV "VANLAB_KEEPALIVED"	/* or this one */
#define HA_TEST_MS	10000		/* keepalived --config-test */
#define HA_NOTIFY	"vanfed-notify"	/* beside vanlab (contrib/keepalived/) */

/*
 * Every pair's files, each gateway's keepalived.conf checked by keepalived
 * --config-test in its namespace (its interfaces exist by then): a
 * refusal is reported as "FILE:LINE: message" lines.  0 or -1.
 */
int	ha_prepare(const struct state *, const struct lab *);
/* Start gateway g of site s's keepalived: its pid, or -1 (reported). */
pid_t	ha_start(const struct state *, const struct lab *, unsigned s, unsigned g);
/* Its pid if it runs (checked in /proc), else -1. */
pid_t	ha_pid(const struct state *, const struct lab *, unsigned s, unsigned g);
/* Stop the keepalived of a gateway's state directory, if one runs there
 * (SIGTERM: it releases the VIPs, notify_stop): 0, or -1 if it would not
 * stop. */
int	ha_stop_dir(const char *dir);
/* Is it drained (a planned switch-over took it out of the running)? */
bool	ha_drained(const struct state *, const struct lab *, unsigned s, unsigned g);
/* The tail of its keepalived's log and notify.log on stderr. */
void	ha_log_tail(const struct state *, const struct lab *, unsigned s, unsigned g);

#endif /* FEDERATION_LAB_HA_H */
