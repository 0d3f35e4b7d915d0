/*
 * uapi_sock.c — see uapi_sock.h.  libevent at the rim: an evconnlistener
 * for the socket and one event per client.
 *
 * Clients are read and written with plain read/write into buffers this
 * file owns, not bufferevents: set requests carry private and preshared
 * keys and get replies carry the private key, and evbuffer chains are
 * freed without being wiped.  Every client buffer is wiped before it is
 * freed or grown.  Requests are capped at UAPI_REQUEST_MAX bytes, clients
 * at UAPI_SOCK_CLIENTS_MAX, idle clients time out.
 */
#include "proxy/uapi_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "crypto/uapi.h"

struct uapi_client;

struct uapi_sock {
	struct event_base *base;
	struct evconnlistener *lev;
	struct uapi_sock_ops ops;
	char		path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t		dev;		/* of the socket file we made */
	ino_t		ino;
	unsigned	nclients;
	struct uapi_client *clients;
};

struct uapi_client {
	struct uapi_sock *us;
	struct uapi_client *next, **prevp;
	int		fd;
	struct event	*ev;
	char		*in;
	size_t		in_len, in_cap;
	char		*out;
	size_t		out_len, out_off, out_cap;
	bool		eof;		/* peer closed its side: finish, close */
};

static void	client_arm(struct uapi_client *, bool want_write);

static void
say(struct uapi_sock *us, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct uapi_sock *us, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (us->ops.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	us->ops.log(us->ops.ctx, msg);
}

/* Grow a buffer to hold need bytes, wiping the old copy. */
static int
grow(char **buf, size_t *cap, size_t used, size_t need, size_t max)
{
	size_t ncap = *cap ? *cap : 4096;
	char *n;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -1;
	while (ncap < need)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	n = malloc(ncap);
	if (n == NULL)
		return -1;
	if (*buf != NULL) {
		memcpy(n, *buf, used);
		sodium_memzero(*buf, *cap);
		free(*buf);
	}
	*buf = n;
	*cap = ncap;
	return 0;
}

static void
client_free(struct uapi_client *c)
{
	c->us->nclients--;
	*c->prevp = c->next;
	if (c->next != NULL)
		c->next->prevp = c->prevp;
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->fd != -1)
		close(c->fd);
	if (c->in != NULL) {
		sodium_memzero(c->in, c->in_cap);
		free(c->in);
	}
	if (c->out != NULL) {
		sodium_memzero(c->out, c->out_cap);
		free(c->out);
	}
	free(c);
}

static int
out_append(struct uapi_client *c, const char *p, size_t n)
{
	if (grow(&c->out, &c->out_cap, c->out_len, c->out_len + n,
	    UAPI_SOCK_REPLY_MAX) != 0)
		return -1;
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

static int
out_errno(struct uapi_client *c, int err)
{
	char line[32];
	struct uapi_out o;

	uapi_out_init(&o, line, sizeof(line));
	uapi_format_errno(&o, err);
	return out_append(c, line, o.len);
}

/* A get: the owner formats chunk after chunk into the reply. */
static int
handle_get(struct uapi_client *c)
{
	struct uapi_sock *us = c->us;
	struct uapi_out o;
	uint32_t cursor = 0;
	char *chunk;
	int rc;

	chunk = malloc(UAPI_CHUNK);
	if (chunk == NULL)
		return out_errno(c, -ENOMEM);
	do {
		uapi_out_init(&o, chunk, UAPI_CHUNK);
		rc = us->ops.get(us->ops.ctx, &o, &cursor);
		if (rc < 0)
			break;
		if (out_append(c, chunk, o.len) != 0) {
			rc = -ENOMEM;
			break;
		}
	} while (rc == 1);
	sodium_memzero(chunk, UAPI_CHUNK);
	free(chunk);
	/* A failed get is answered with its errno alone (wg reports it). */
	if (rc < 0) {
		if (c->out != NULL)
			sodium_memzero(c->out, c->out_cap);
		c->out_len = c->out_off = 0;
		return out_errno(c, rc);
	}
	return 0;
}

static int
handle_set(struct uapi_client *c, const char *req, size_t len)
{
	struct uapi_sock *us = c->us;
	struct uapi_set *set;
	enum uapi_op op;
	int rc;

	set = malloc(sizeof(*set));
	if (set == NULL)
		return out_errno(c, -ENOMEM);
	rc = uapi_parse(req, len, &op, set);
	if (rc == 0)
		rc = us->ops.set(us->ops.ctx, set);
	else
		say(us, "uapi: refused a set request (errno %d)", -rc);
	uapi_set_wipe(set);
	free(set);
	return out_errno(c, rc);
}

/* Handle every complete request in the input; -1 to drop the client. */
static int
client_requests(struct uapi_client *c)
{
	enum uapi_op op;
	ssize_t n;
	int rc;

	for (;;) {
		n = uapi_request_len(c->in, c->in_len, &op);
		if (n < 0) {
			say(c->us, "uapi: not a get or set request");
			return -1;
		}
		if (n == 0) {
			if (c->in_len >= UAPI_REQUEST_MAX) {
				say(c->us, "uapi: request over %d bytes",
				    UAPI_REQUEST_MAX);
				out_errno(c, -EMSGSIZE);
				c->eof = true;
			}
			return 0;
		}
		if (op == UAPI_OP_GET) {
			enum uapi_op op2;

			rc = uapi_parse(c->in, (size_t)n, &op2, NULL);
			rc = rc == 0 ? handle_get(c) : out_errno(c, rc);
		} else
			rc = handle_set(c, c->in, (size_t)n);
		/* Consume the request; wipe what it left behind. */
		memmove(c->in, c->in + n, c->in_len - (size_t)n);
		sodium_memzero(c->in + c->in_len - (size_t)n, (size_t)n);
		c->in_len -= (size_t)n;
		if (rc != 0)
			return -1;
	}
}

/* Write what is pending; returns -1 on a dead client. */
static int
client_flush(struct uapi_client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	if (c->out != NULL)
		sodium_memzero(c->out, c->out_len);
	c->out_len = c->out_off = 0;
	return 0;
}

static void
client_cb(evutil_socket_t fd, short what, void *arg)
{
	struct uapi_client *c = arg;
	ssize_t n;

	(void)fd;
	if (what & EV_TIMEOUT)
		goto drop;
	if ((what & EV_READ) && !c->eof) {
		for (;;) {
			size_t want = c->in_len + 1024;

			if (want > UAPI_REQUEST_MAX)
				want = UAPI_REQUEST_MAX;
			if (grow(&c->in, &c->in_cap, c->in_len, want,
			    UAPI_REQUEST_MAX) != 0 || c->in_len == c->in_cap)
				break;		/* full: client_requests says so */
			n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (n <= 0) {
				/* EOF: `wg` probes with connect and close. */
				c->eof = true;
				break;
			}
			c->in_len += (size_t)n;
		}
		if (client_requests(c) != 0)
			goto drop;
	}
	if (client_flush(c) != 0)
		goto drop;
	if (c->eof && c->out_len == 0)
		goto drop;
	client_arm(c, c->out_len > 0);
	return;
drop:
	client_free(c);
}

static void
client_arm(struct uapi_client *c, bool want_write)
{
	struct timeval tv = { UAPI_SOCK_TIMEOUT_S, 0 };
	short what = (short)((c->eof ? 0 : EV_READ) | (want_write ? EV_WRITE : 0));

	event_del(c->ev);
	event_assign(c->ev, c->us->base, c->fd, what, client_cb, c);
	event_add(c->ev, &tv);
}

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct uapi_sock *us = arg;
	struct uapi_client *c;

	(void)lev;
	(void)sa;
	(void)salen;
	if (us->nclients >= UAPI_SOCK_CLIENTS_MAX) {
		say(us, "uapi: too many clients, closing a connection");
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->ev = event_new(us->base, fd, EV_READ, client_cb,
	    c)) == NULL) {
		free(c);
		close(fd);
		return;
	}
	evutil_make_socket_nonblocking(fd);
	c->us = us;
	c->fd = fd;
	c->next = us->clients;
	if (c->next != NULL)
		c->next->prevp = &c->next;
	c->prevp = &us->clients;
	us->clients = c;
	us->nclients++;
	client_arm(c, false);
}

/* Is someone listening on path?  (A refused connect means a stale file.) */
static bool
path_is_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd == -1)
		return true;	/* cannot tell: do not remove it */
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno != ECONNREFUSED;
	close(fd);
	return live;
}

struct uapi_sock *
uapi_sock_open(struct event_base *base, const char *dir, const char *name,
    const struct uapi_sock_ops *ops, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct uapi_sock *us = NULL;
	struct stat st;
	mode_t old;
	size_t nlen = strlen(name);
	int fd = -1, rc;

	if (dir == NULL)
		dir = UAPI_SOCK_DIR;
	if (nlen == 0 || nlen > UAPI_SOCK_NAME_MAX || strchr(name, '/') ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		snprintf(err, errlen, "uapi: bad interface name \"%s\" (1-%d "
		    "characters, no '/')", name, UAPI_SOCK_NAME_MAX);
		goto bad;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock",
	    dir, name) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "uapi: socket path too long");
		goto bad;
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "uapi: mkdir %s: %s", dir, strerror(errno));
		goto bad;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		snprintf(err, errlen, "uapi: socket: %s", strerror(errno));
		goto bad;
	}
	/* umask 077 around bind: the socket file is created 0700. */
	old = umask(077);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (rc == -1 && errno == EADDRINUSE && !path_is_live(&sun)) {
		unlink(sun.sun_path);
		rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	}
	umask(old);
	if (rc == -1) {
		snprintf(err, errlen, "uapi: bind %s: %s%s", sun.sun_path,
		    strerror(errno), errno == EADDRINUSE ?
		    " (another daemon serves this name)" : "");
		goto bad;
	}
	us = calloc(1, sizeof(*us));
	if (us == NULL || stat(sun.sun_path, &st) == -1) {
		snprintf(err, errlen, "uapi: %s", strerror(errno));
		unlink(sun.sun_path);
		goto bad;
	}
	us->base = base;
	us->ops = *ops;
	us->dev = st.st_dev;
	us->ino = st.st_ino;
	memcpy(us->path, sun.sun_path, sizeof(us->path));
	us->lev = evconnlistener_new(base, accept_cb, us,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
	if (us->lev == NULL) {
		snprintf(err, errlen, "uapi: cannot listen on %s", us->path);
		unlink(us->path);
		goto bad;
	}
	return us;
bad:
	free(us);
	if (fd != -1)
		close(fd);
	return NULL;
}

void
uapi_sock_close(struct uapi_sock *us)
{
	struct stat st;

	if (us == NULL)
		return;
	while (us->clients != NULL)
		client_free(us->clients);
	evconnlistener_free(us->lev);
	/* Remove the file only if it is still the one we made. */
	if (stat(us->path, &st) == 0 && st.st_dev == us->dev &&
	    st.st_ino == us->ino)
		unlink(us->path);
	free(us);
}

const char *
uapi_sock_path(const struct uapi_sock *us)
{
	return us->path;
}
