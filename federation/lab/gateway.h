/*
 * gateway.h — the proxies of a lab of several sites: one vanproxy per
 * site, in PREFIX-SITE-gw, a member of its site's underlay and a tunnel
 * endpoint on the internet switch; or a pair of them, in PREFIX-SITE-gw
 * and PREFIX-SITE-gw2, one of them active as keepalived says (ha.h).  Their keys (made here, mode 0600),
 * configuration and peering files (labfile.c writes them), starting,
 * asking (vanctl against the proxy's socket), judging whether each is
 * ready, and stopping them.
 *
 * State: /run/vanlab/PREFIX/SITE-gw/, of a pair SITE-gw2/ too (state.h).
 */
#ifndef FEDERATION_LAB_GATEWAY_H
#define FEDERATION_LAB_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "federation/lab/lab.h"
#include "federation/lab/state.h"

/* A restarted peer answers after a handshake; one may be lost (5 s). */
#define GATEWAY_READY_EXTRA_MS	10000
/* keepalived started to a pair's active gateway: 3 adverts and a skew
 * (0.4 s), then notify.sh; the rest is for a loaded machine. */
#define GATEWAY_ACTIVE_MS	10000

/* Every proxy's private key, every peering's preshared key (if it wants
 * one), each site's proxy.conf and peering.conf, and the `wg` name file.
 * Refuses if a UAPI socket of our names exists (another daemon has it).
 * 0 or -1 (reported). */
int	gateway_prepare(const struct state *, const struct lab *);
/* Start gateway g of site s's vanproxy (its files written): pid or -1.
 * g is 0 but for the second of a pair (lab.h: lab_gateways). */
pid_t	gateway_start(const struct state *, const struct lab *, unsigned s,
	    unsigned g);
/* Its pid if it runs (checked in /proc), else -1. */
pid_t	gateway_pid(const struct state *, const struct lab *, unsigned s, unsigned g);
/* Wait until its control socket answers: 0, or -1 (reported). */
int	gateway_wait_socket(const struct state *, const struct lab *, unsigned s,
	    unsigned g, pid_t, int timeout_ms);
/* vanctl against gateway g of site s: JSON (or NULL). */
json_t	*gateway_query_gw(const struct state *, const struct lab *, unsigned s,
	    unsigned g, const char *const *words, bool quiet);
/* vanctl against site s's proxy — of a pair the active gateway, the first
 * if none is: JSON (or NULL), or its own output. */
json_t	*gateway_query(const struct state *, const struct lab *, unsigned s,
	    const char *const *words, bool quiet);
int	gateway_ctl(const struct state *, const struct lab *, unsigned s,
	    const char *const *words, bool quiet);

/* What gateway g's vanproxy says it is (`show stats`: daemon.role); down
 * when it does not answer. */
enum gateway_role { GATEWAY_DOWN, GATEWAY_STANDBY, GATEWAY_ACTIVE };

enum gateway_role gateway_role(const struct state *, const struct lab *,
	    unsigned s, unsigned g);
const char *gateway_role_str(enum gateway_role);
/* The gateway in service: 0 for a site without a pair; of a pair the one
 * whose vanproxy says active, -1 if none does, -2 if both do. */
int	gateway_active(const struct state *, const struct lab *, unsigned s);
/* Poll until every pair has exactly one gateway active (keepalived made
 * it so), while each of its vanproxies and keepalived run: 0, or -1
 * (reported).  Says which and when. */
int	gateway_wait_active(const struct state *, const struct lab *,
	    int timeout_ms);
/*
 * Ready: every peer of the site alive (HELLOs over its tunnel), with a
 * handshake, and every VAN pair JOINed by it; every host of the site that
 * shares a VAN with the proxy alive; each VAN the proxy carries JOINed by
 * as many members as the topology says (its hosts with a VM in it, its
 * peers that carry it).  From `vanctl --json show peers | members | vans`.
 */
bool	gateway_ready(const struct lab *, unsigned s, const json_t *peers,
	    const json_t *members, const json_t *vans, char *why, size_t whylen);
/* Poll every proxy until ready or deadline: 0 or -1 (reported). */
int	gateway_wait_ready(const struct state *, const struct lab *, int timeout_ms);
/* Stop the vanproxy of a SITE-gw state directory: 0, or -1 if it would
 * not stop. */
int	gateway_stop_dir(const char *dir);
/* Once no vanproxy of that directory runs: remove the UAPI socket a
 * killed one left (`wg show` would list a dead interface).  0 or -1. */
int	gateway_forget_uapi(const char *dir);
/* The tail of site s's proxy logs on stderr (of a pair, keepalived's too). */
void	gateway_log_tail(const struct state *, const struct lab *, unsigned s);
/*
 * `vanlab restart`: restart a site's proxy (name: SITE-gw) of the lab of
 * this prefix — stop it if it runs, remove a UAPI socket a killed one
 * left, start it again with the same files, wait for its control socket;
 * says when each step happened.  Of a pair (SITE-gw1, SITE-gw2; SITE-gw:
 * the active one) the gateway restarts as a machine would: its keepalived
 * stops first (the VIPs go to the twin), then its vanproxy; both start
 * again (vanproxy's start undrains it: its drain_file 0) and keepalived
 * gives it its role (gw1 takes the VIPs back once it is fit: preemption,
 * proxy/pair.h).  0 or -1
 * (reported).
 */
int	gateway_restart(const char *prefix, const char *name);

#endif /* FEDERATION_LAB_GATEWAY_H */
