/*
 * daemon.h — the real daemons of a lab: starting vanedge inside a host's
 * namespace, asking it things through vanctl (the real client), judging
 * from its answers whether it is ready, and stopping it.
 *
 * vanedge and vanctl are taken from the directory vanlab itself is in
 * (build/ when run from the tree) and else from PATH.
 */
#ifndef FEDERATION_DAEMON_H
#define FEDERATION_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "federation/lab.h"
#include "federation/state.h"

#define DAEMON_CTL_MS		5000	/* one vanctl request */
#define DAEMON_SOCKET_MS	10000	/* from start to an answering socket */
#define DAEMON_STOP_MS		5000	/* SIGTERM to exit; then SIGKILL */
#define DAEMON_READY_MIN_MS	5000	/* members alive: at least this long */

/* Path to run prog (vanedge, vanctl) by. */
void	daemon_bin(const char *prog, char out[static 4096]);

/* Start host h's vanedge (configuration already written): pid or -1. */
pid_t	daemon_start(const struct state *, const struct lab *, unsigned h);
/* The pid of host h's vanedge if it runs (checked in /proc), else -1. */
pid_t	daemon_pid(const struct state *, const struct lab *, unsigned h);
/* Stop the vanedge a pid file names, if it is still that vanedge:
 * 0 when none runs any more. */
int	daemon_stop(const char *pidfile, const char *conf);

/* `vanctl --json -s SOCK WORDS...`: the parsed result, or NULL (reported
 * unless quiet).  words is NULL-terminated. */
json_t	*daemon_query(const struct state *, const struct lab *, unsigned h,
	    const char *const *words, bool quiet);
/* `vanctl -s SOCK WORDS...` with its output on ours: 0 or -1. */
int	daemon_ctl(const struct state *, const struct lab *, unsigned h,
	    const char *const *words, bool quiet);

/* Ready: every other host of its site alive, and each VAN JOINed by the
 * hosts that have VMs in it.  false with why filled in otherwise. */
bool	daemon_ready(const struct lab *, unsigned h, const json_t *members,
	    const json_t *vans, char *why, size_t whylen);
/* Poll every host until ready or deadline; 0 or -1 (reported). */
int	daemon_wait_ready(const struct state *, const struct lab *, int timeout_ms);

#endif /* FEDERATION_DAEMON_H */
