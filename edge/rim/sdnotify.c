/*
 * sdnotify.c — see sdnotify.h.  The messages go through libsystemd's
 * sd_notify (a datagram to NOTIFY_SOCKET); a failed send is logged once
 * and otherwise ignored: systemd's view of us must never stop the daemon.
 */
#include "edge/rim/sdnotify.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "edge/rim/log.h"

struct sdnotify {
	bool		on;		/* NOTIFY_SOCKET is set */
	bool		warned;		/* a send failed (logged once) */
	sdnotify_status_fn status;
	void		*arg;
	struct event	*watchdog;	/* NULL: systemd asked for none */
	struct event	*status_ev;
	char		last[SDNOTIFY_STATUS_MAX];	/* the status last sent */
};

static void
send_state(struct sdnotify *n, const char *state)
{
	int rc;

	if (n != NULL && !n->on)
		return;
	if ((rc = sd_notify(0, state)) >= 0 || (n != NULL && n->warned))
		return;
	if (n != NULL)
		n->warned = true;
	log_warn("sd_notify: %s", strerror(-rc));
}

/* STATUS= if the daemon's line changed (force: send it anyway). */
static void
send_status(struct sdnotify *n, bool force)
{
	char line[SDNOTIFY_STATUS_MAX], msg[sizeof(line) + 8];

	line[0] = '\0';
	n->status(n->arg, line, sizeof(line));
	/* One line: a newline would start another assignment. */
	line[strcspn(line, "\n")] = '\0';
	if (!force && strcmp(line, n->last) == 0)
		return;
	snprintf(n->last, sizeof(n->last), "%s", line);
	snprintf(msg, sizeof(msg), "STATUS=%s", line);
	send_state(n, msg);
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_state(arg, "WATCHDOG=1");
}

static void
status_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_status(arg, false);
}

struct sdnotify *
sdnotify_open(struct event_base *base, sdnotify_status_fn status, void *arg)
{
	struct sdnotify *n;
	struct timeval tv = { SDNOTIFY_STATUS_SEC, 0 };
	uint64_t usec = 0;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->status = status;
	n->arg = arg;
	n->on = getenv("NOTIFY_SOCKET") != NULL;
	if (!n->on)
		return n;
	n->status_ev = event_new(base, -1, EV_PERSIST, status_cb, n);
	if (n->status_ev == NULL || event_add(n->status_ev, &tv) == -1)
		goto fail;
	/* > 0: WATCHDOG_USEC is set and WATCHDOG_PID, if set, is ours. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		usec /= 2;
		tv.tv_sec = (time_t)(usec / 1000000);
		tv.tv_usec = (suseconds_t)(usec % 1000000);
		n->watchdog = event_new(base, -1, EV_PERSIST, watchdog_cb, n);
		if (n->watchdog == NULL || event_add(n->watchdog, &tv) == -1)
			goto fail;
		log_debug("systemd watchdog: WATCHDOG=1 every %llu ms",
		    (unsigned long long)usec / 1000);
	}
	return n;
fail:
	sdnotify_close(n);
	return NULL;
}

void
sdnotify_ready(struct sdnotify *n)
{
	if (n == NULL || !n->on)
		return;
	send_state(n, "READY=1");
	send_status(n, true);
}

void
sdnotify_reloading(struct sdnotify *n)
{
	struct timespec ts;
	char msg[64];

	if (n == NULL || !n->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
	send_state(n, msg);
}

void
sdnotify_stopping(void)
{
	send_state(NULL, "STOPPING=1");
}

void
sdnotify_close(struct sdnotify *n)
{
	if (n == NULL)
		return;
	if (n->watchdog != NULL)
		event_free(n->watchdog);
	if (n->status_ev != NULL)
		event_free(n->status_ev);
	free(n);
}
