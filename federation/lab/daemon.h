/*
 * daemon.h — the real daemons of a lab: starting vanedge inside a host's
 * namespace, asking it things through vanctl (the real client), judging
 * from its answers whether it is ready, and stopping it.  The primitives
 * (spawn, pid check, stop, query a socket) serve vanproxy too
 * (gateway.h).
 *
 * vanedge, vanproxy and vanctl are taken from the directory vanlab itself
 * is in (build/ when run from the tree) and else from PATH.
 */
#ifndef FEDERATION_LAB_DAEMON_H
#define FEDERATION_LAB_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "federation/lab/lab.h"
#include "federation/lab/state.h"

#define DAEMON_CTL_MS		5000	/* one vanctl request */
#define DAEMON_SOCKET_MS	10000	/* from start to an answering socket */
#define DAEMON_STOP_MS		5000	/* SIGTERM to exit; then SIGKILL */
#define DAEMON_READY_MIN_MS	5000	/* members alive: at least this long */
#define DAEMON_LOG_TAIL		1500	/* bytes of a daemon log shown on failure */

/* Path to run prog (vanedge, vanproxy, vanctl) by. */
void	daemon_bin(const char *prog, char out[static 4096]);

/* Start `prog -f conf` in namespace ns, its output appended to log, its pid
 * written to pidf: the pid, or -1 (reported). */
pid_t	daemon_spawn(const char *prog, const char *conf, const char *log,
	    const char *pidf, const char *ns);
/* The same for any argv (argv[0] a path or a name in PATH). */
pid_t	daemon_spawn_argv(char *const *argv, const char *log, const char *pidf,
	    const char *ns);
/* The pid in pidf if that process runs and is `prog ... conf` (checked in
 * /proc: a reused pid is not ours), else -1. */
pid_t	daemon_running(const char *prog, const char *pidf, const char *conf);
/* `vanctl --json -s SOCK WORDS...` (who: for messages): the parsed result,
 * or NULL (reported unless quiet). */
json_t	*daemon_query_sock(const char *sock, const char *who,
	    const char *const *words, bool quiet);
/* `vanctl -s SOCK WORDS...` with its output on ours: 0 or -1. */
int	daemon_ctl_sock(const char *sock, const char *const *words, bool quiet);
/* The tail of a daemon's log on stderr (after a failure). */
void	daemon_log_tail(const char *log, const char *who);

/* Start host h's vanedge (configuration already written): pid or -1. */
pid_t	daemon_start(const struct state *, const struct lab *, unsigned h);
/* The pid of host h's vanedge if it runs (checked in /proc), else -1. */
pid_t	daemon_pid(const struct state *, const struct lab *, unsigned h);
/* Stop the prog (vanedge, vanproxy) a pid file names, if it is still ours:
 * 0 when none runs any more. */
int	daemon_stop(const char *prog, const char *pidfile, const char *conf);

/* `vanctl --json -s SOCK WORDS...`: the parsed result, or NULL (reported
 * unless quiet).  words is NULL-terminated. */
json_t	*daemon_query(const struct state *, const struct lab *, unsigned h,
	    const char *const *words, bool quiet);
/* `vanctl -s SOCK WORDS...` with its output on ours: 0 or -1. */
int	daemon_ctl(const struct state *, const struct lab *, unsigned h,
	    const char *const *words, bool quiet);

/* Ready: every other host of its site alive (and its proxy, with several
 * sites, if they share a VAN), and each VAN JOINed by the
 * hosts that have VMs in it.  false with why filled in otherwise. */
bool	daemon_ready(const struct lab *, unsigned h, const json_t *members,
	    const json_t *vans, char *why, size_t whylen);
/* Poll every host until ready or deadline; 0 or -1 (reported). */
int	daemon_wait_ready(const struct state *, const struct lab *, int timeout_ms);

#endif /* FEDERATION_LAB_DAEMON_H */
