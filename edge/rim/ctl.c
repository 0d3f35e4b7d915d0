/*
 * ctl.c — see ctl.h.  libevent at the rim: an evconnlistener and one
 * bufferevent per client with a capped line length and a timeout.  The
 * framing and limits are docs/vanctl.md's.
 */
#include "edge/rim/ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "edge/rim/log.h"
#include "edge/van/request.h"

struct ctl {
	struct evconnlistener *lev;
	char		path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler	handler;
	void		*arg;
	unsigned	clients;
	struct ctl_client *list;
	struct ctl_stats stats;
};

struct ctl_client {
	struct ctl	*ctl;
	struct bufferevent *bev;
	struct ctl_client *next, **prevp;
	bool		answered;
	bool		draining;	/* reply sent: discard the rest, then close */
	size_t		drained;
};

/*
 * After the reply, the client may still be sending (a request too long,
 * several lines): closing with unread input would reset the connection and
 * could destroy the reply in flight.  So: half-close, discard what comes
 * for at most CTL_DRAIN_MAX bytes or CTL_DRAIN_S seconds, then close.
 */
#define CTL_DRAIN_MAX	(64 * 1024)
#define CTL_DRAIN_S	1

static void
client_free(struct bufferevent *bev, struct ctl_client *c)
{
	c->ctl->clients--;
	*c->prevp = c->next;
	if (c->next != NULL)
		c->next->prevp = c->prevp;
	bufferevent_free(bev);
	free(c);
}

static const char ctl_oom[] = "{\"ok\":false,\"error\":\"out of memory\"}\n";

/* The envelope of a result or an error, one line with its newline (free it). */
static char *
envelope(json_t *result, const char *error)
{
	json_t *env;
	char *s, *line;

	if (error != NULL)
		env = json_pack("{s:b, s:s}", "ok", 0, "error", error);
	else
		env = json_pack("{s:b, s:o}", "ok", 1, "result", result);
	s = env != NULL ? json_dumps(env, JSON_COMPACT) : NULL;
	json_decref(env);
	if (s == NULL || (line = malloc(strlen(s) + 2)) == NULL) {
		free(s);
		return strdup(ctl_oom);	/* NULL too: client_send has it */
	}
	memcpy(line, s, strlen(s));
	memcpy(line + strlen(s), "\n", 2);
	free(s);
	return line;
}

char *
ctl_answer(ctl_handler handler, void *arg, struct ctl_stats *st, char *line,
    size_t n)
{
	char *argv[CTL_ARGS_MAX + 1], err[256];
	const char *e;
	json_t *result;
	int argc;

	st->requests++;
	if ((argc = request_split(line, n, argv, &e)) < 0) {
		if (n > CTL_LINE_MAX)
			st->rejected++;
		else
			st->errors++;
		return envelope(NULL, e);
	}
	err[0] = '\0';
	result = handler(arg, argc, argv, err, sizeof(err));
	if (result == NULL) {
		st->errors++;
		return envelope(NULL, err[0] ? err : "failed");
	}
	return envelope(result, NULL);
}

static void
client_send(struct bufferevent *bev, struct ctl_client *c, char *s)
{
	if (s == NULL)
		evbuffer_add(bufferevent_get_output(bev), ctl_oom, sizeof(ctl_oom) - 1);
	else
		evbuffer_add(bufferevent_get_output(bev), s, strlen(s));
	free(s);
	c->answered = true;
}

static void
client_drain(struct bufferevent *bev, struct ctl_client *c)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	c->drained += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (c->drained > CTL_DRAIN_MAX)
		client_free(bev, c);
}

static void
client_write(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;
	struct timeval tv = { CTL_DRAIN_S, 0 };

	if (!c->answered || c->draining ||
	    evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	if (shutdown(bufferevent_getfd(bev), SHUT_WR) == -1) {
		client_free(bev, c);
		return;
	}
	c->draining = true;
	bufferevent_set_timeouts(bev, &tv, NULL);
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	bufferevent_enable(bev, EV_READ);
	client_drain(bev, c);	/* what is buffered already; may free c */
}


static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;
	struct ctl *ctl = c->ctl;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	if (c->draining) {
		client_drain(bev, c);
		return;
	}
	if (c->answered)
		return;
	line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) > CTL_LINE_MAX) {
			ctl->stats.rejected++;
			client_send(bev, c, envelope(NULL, "request too long"));
		}
		return;
	}
	client_send(bev, c, ctl_answer(ctl->handler, ctl->arg, &ctl->stats, line, n));
	free(line);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && !c->draining)
		c->ctl->stats.rejected++;
	/* EOF before an answer (wg-style probes, impatient clients), errors. */
	client_free(bev, c);
}

static void
ctl_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ctl *ctl = arg;
	struct bufferevent *bev;
	struct ctl_client *c;
	struct timeval tv = { CTL_TIMEOUT_S, 0 };

	(void)sa;
	(void)salen;
	if (ctl->clients >= CTL_CLIENTS_MAX) {
		ctl->stats.rejected++;
		close(fd);
		return;
	}
	bev = bufferevent_socket_new(evconnlistener_get_base(lev), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	c = calloc(1, sizeof(*c));
	if (bev == NULL || c == NULL) {
		if (bev != NULL)
			bufferevent_free(bev);
		else
			close(fd);
		free(c);
		return;
	}
	c->ctl = ctl;
	c->bev = bev;
	c->next = ctl->list;
	if (c->next != NULL)
		c->next->prevp = &c->next;
	c->prevp = &ctl->list;
	ctl->list = c;
	ctl->clients++;
	bufferevent_setcb(bev, client_read, client_write, client_event, c);
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_setwatermark(bev, EV_READ, 0, CTL_LINE_MAX + 2);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* A socket file left by a daemon that died: remove it, unless one answers. */
int
unix_unlink_stale(const struct sockaddr_un *sun, const char **err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1) {
		*err = "socket";
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0) {
		close(fd);
		*err = "another process is serving this socket";
		errno = EADDRINUSE;
		return -1;
	}
	close(fd);
	if (errno != ECONNREFUSED && errno != ENOENT) {
		*err = "the socket's path is in use";
		errno = EADDRINUSE;
		return -1;
	}
	unlink(sun->sun_path);
	return 0;
}

struct ctl *
ctl_open(struct event_base *base, const char *path, ctl_handler handler, void *arg,
    const char **err)
{
	struct sockaddr_un sun;
	struct ctl *ctl = NULL;
	char dir[sizeof(sun.sun_path)], *slash;
	int fd = -1;
	mode_t old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path) || path[0] != '/') {
		*err = "control socket path must be absolute and short";
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	/* Create the directory (one level, as /run/van) if it is missing. */
	memcpy(dir, path, strlen(path) + 1);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			*err = "cannot create the control socket's directory";
			return NULL;
		}
	}
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL) {
		*err = "out of memory";
		return NULL;
	}
	memcpy(ctl->path, path, strlen(path) + 1);
	ctl->handler = handler;
	ctl->arg = arg;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		*err = "socket";
		goto fail;
	}
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    (errno != EADDRINUSE || unix_unlink_stale(&sun, err) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)) {
		umask(old);
		if (errno != EADDRINUSE)
			*err = "bind";
		goto fail;
	}
	umask(old);
	ctl->lev = evconnlistener_new(base, ctl_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
	if (ctl->lev == NULL) {
		*err = "listen";
		unlink(path);
		goto fail;
	}
	return ctl;
fail:
	if (fd != -1)
		close(fd);
	free(ctl);
	return NULL;
}

void
ctl_close(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->list != NULL)
		client_free(ctl->list->bev, ctl->list);
	evconnlistener_free(ctl->lev);
	unlink(ctl->path);
	free(ctl);
}

const struct ctl_stats *
ctl_stats(const struct ctl *ctl)
{
	return &ctl->stats;
}
