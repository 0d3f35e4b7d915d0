/*
 * daemon.h — what vanedge and vanproxy do alike as daemons: their command
 * line, their boot epoch, their signals and their privileges.  What each
 * one owns (sockets, the bridge, its configuration) stays its own.
 */
#ifndef EDGE_RIM_DAEMON_H
#define EDGE_RIM_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

struct event;
struct event_base;

/* The command line both daemons take: [-dn] [-f file]. */
struct daemon_args {
	const char	*file;		/* -f, else the default */
	bool		check;		/* -n: check, print normalised, exit */
	bool		debug;		/* -d: log debug messages */
};

/*
 * Parse argv.  -h and --help print the usage to stdout and exit 0,
 * --version "NAME VERSION" (version.h); on a bad option or argument the
 * usage goes to stderr and the exit is 2.
 */
void	daemon_args(int argc, char *argv[], const char *name,
	    const char *default_file, struct daemon_args *);

/*
 * The boot epoch: larger at each start (wall-clock nanoseconds, never 0),
 * so that with a site key an old incarnation's messages are refused as
 * replays (docs/protocol.md §7).
 */
uint64_t daemon_boot_epoch(void);

/*
 * SIGHUP calls reload(arg); SIGTERM and SIGINT tell systemd STOPPING=1
 * (sdnotify.h) and end the event loop; SIGPIPE is ignored.  0, or -1 if the events cannot be set up.
 */
struct daemon_signals {
	struct event	*ev[3];
	struct event_base *base;
	void		(*reload)(void *);
	void		*arg;
};

int	daemon_signals_open(struct daemon_signals *, struct event_base *,
	    void (*reload)(void *), void *arg);
void	daemon_signals_close(struct daemon_signals *);

/*
 * Give up every capability but those of keep (a mask of 1ULL << CAP_x)
 * and new privileges by exec.  A daemon that cannot is not started:
 * fatal.
 */
void	daemon_drop_privileges(uint64_t keep);

#endif /* EDGE_RIM_DAEMON_H */
