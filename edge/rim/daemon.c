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
#include "edge/rim/version.h"

/* To stdout with status 0 when asked for (-h, --help), else to stderr, 2. */
static void __attribute__((noreturn))
usage(const char *name, const char *default_file, FILE *out, int status)
{
	fprintf(out, "usage: %s [-dn] [-f file]\n"
	    "       %s -h | --help | --version\n"
	    "  -f file  configuration (default %s)\n"
	    "  -n       check the configuration, print it normalised, exit\n"
	    "  -d       log debug messages\n"
	    "  -h       this help\n"
	    "Exit: 0 stopped by SIGTERM or SIGINT, or -n found the file good;\n"
	    "1 the configuration is refused (FILE:LINE: message), or the daemon\n"
	    "could not start (sockets, ports, privileges) or failed; 2 usage.\n",
	    name, name, default_file);
	exit(status);
}

void
daemon_args(int argc, char *argv[], const char *name, const char *default_file,
    struct daemon_args *a)
{
	int ch;

	/* getopt(3) knows no long options: these two are the only ones. */
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage(name, default_file, stdout, 0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		version_print(stdout, name);
		exit(0);
	}
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
		case 'h':
			usage(name, default_file, stdout, 0);
		default:
			usage(name, default_file, stderr, 2);
		}
	}
	if (optind != argc)
		usage(name, default_file, stderr, 2);
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
