/*
 * daemon.c — see daemon.h.
 */
#include "edge/rim/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "edge/rim/log.h"
#include "edge/rim/priv.h"
#include "edge/rim/sdnotify.h"

static void __attribute__((noreturn))
usage(const char *name, const char *default_file)
{
	fprintf(stderr, "usage: %s [-dn] [-f file]\n"
	    "  -f file  configuration (default %s)\n"
	    "  -n       check the configuration, print it normalised, exit\n"
	    "  -d       log debug messages\n", name, default_file);
	exit(2);
}

void
daemon_args(int argc, char *argv[], const char *name, const char *default_file,
    struct daemon_args *a)
{
	int ch;

	a->file = default_file;
	a->check = false;
	a->debug = false;
	while ((ch = getopt(argc, argv, "df:nh")) != -1) {
		switch (ch) {
		case 'd':
			a->debug = true;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'n':
			a->check = true;
			break;
		default:
			usage(name, default_file);
		}
	}
	if (optind != argc)
		usage(name, default_file);
}

uint64_t
daemon_boot_epoch(void)
{
	struct timespec ts;
	uint64_t epoch;

	clock_gettime(CLOCK_REALTIME, &ts);
	epoch = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return epoch != 0 ? epoch : 1;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon_signals *s = arg;

	(void)what;
	if (sig == SIGHUP) {
		s->reload(s->arg);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	sdnotify_stopping();
	event_base_loopbreak(s->base);
}

int
daemon_signals_open(struct daemon_signals *s, struct event_base *base,
    void (*reload)(void *), void *arg)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	int i;

	s->base = base;
	s->reload = reload;
	s->arg = arg;
	for (i = 0; i < 3; i++) {
		s->ev[i] = evsignal_new(base, sigs[i], signal_cb, s);
		if (s->ev[i] == NULL || event_add(s->ev[i], NULL) == -1)
			return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
daemon_signals_close(struct daemon_signals *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s->ev[i] != NULL) {
			event_free(s->ev[i]);
			s->ev[i] = NULL;
		}
}

void
daemon_drop_privileges(uint64_t keep)
{
	const char *e;

	if (priv_drop(keep, &e) == -1)
		fatal("cannot drop privileges: %s: %s", e, strerror(errno));
}
