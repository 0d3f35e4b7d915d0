/*
 * sdnotify.h — what vanedge and vanproxy tell systemd (sd_notify(3), the
 * units' Type=notify): READY=1 once their sockets, ports and control
 * socket are up; RELOADING=1, then READY=1, around a reload (SIGHUP or
 * `vanctl reload`, whether it succeeded or not: the daemon runs either
 * way); STOPPING=1 on SIGTERM or SIGINT; a one-line STATUS= refreshed
 * every SDNOTIFY_STATUS_SEC seconds; and WATCHDOG=1 at half of
 * WatchdogSec= (WATCHDOG_USEC), sent from a timer of the daemon's event
 * loop, so that a loop that hangs stops it and systemd restarts the
 * daemon.
 *
 * Without NOTIFY_SOCKET (the lab, the tests, a shell) nothing is sent and
 * no timer is armed.  It does not decide anything about the daemon: the
 * status line is the daemon's own (a callback).
 *
 * Timers: the watchdog (every WATCHDOG_USEC / 2, only if systemd asked
 * for one: sd_watchdog_enabled) and the status (every
 * SDNOTIFY_STATUS_SEC s; sent only when the line changed).
 */
#ifndef EDGE_RIM_SDNOTIFY_H
#define EDGE_RIM_SDNOTIFY_H

#include <stddef.h>

struct event_base;
struct sdnotify;

#define SDNOTIFY_STATUS_SEC	2
#define SDNOTIFY_STATUS_MAX	256	/* one STATUS= line, truncated */

/* The daemon's status line into buf (capacity len), e.g. "3 VANs, ...". */
typedef void (*sdnotify_status_fn)(void *arg, char *buf, size_t len);

/*
 * The notifier of a daemon whose loop is base.  Without NOTIFY_SOCKET one
 * that does nothing.  NULL only if its timers cannot be set up (memory).
 */
struct sdnotify *sdnotify_open(struct event_base *, sdnotify_status_fn, void *arg);
/* READY=1 and the status (at start, and after a reload). */
void	sdnotify_ready(struct sdnotify *);
/* RELOADING=1 (and MONOTONIC_USEC, which systemd >= 253 wants). */
void	sdnotify_reloading(struct sdnotify *);
/* STOPPING=1: needs no notifier (daemon.c's signal handler sends it). */
void	sdnotify_stopping(void);
void	sdnotify_close(struct sdnotify *);

#endif /* EDGE_RIM_SDNOTIFY_H */
