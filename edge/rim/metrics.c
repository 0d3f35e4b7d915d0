/*
 * metrics.c — Prometheus metrics over HTTP for both daemons (metrics.h):
 * the text exposition of a daemon's show JSON by its table, and the evhttp
 * server on the daemon's event base that answers GET /metrics with it.
 *
 * It does not count anything of the data path itself: every value comes
 * from the JSON the daemon's `show` requests answer.  It speaks no HTTP of
 * its own: libevent's evhttp parses and answers.
 *
 * Connections.  libevent 2.1 (Debian 12's 2.1.12) has no cap on an evhttp
 * server's connections (evhttp_set_max_connections is 2.2's), and no
 * callback for a new one.  Its bufferevent callback (evhttp_set_bevcb) is
 * asked for the bufferevent of each connection it accepts, before it sets
 * the connection up; we make that bufferevent, hold a reference to it, and
 * from a callback made active right then (it runs before any input of the
 * new connection: that waits for the next poll of the loop) we find its
 * connection (the bufferevent's callback argument, which evhttp sets to
 * it), then either count it, with a close callback that uncounts it, or,
 * past METRICS_CONN_MAX, free it: the client sees its connection closed
 * at once and vanfed_metrics_refused_total counts it.  A connection evhttp
 * gave up while setting it up (memory) has no callbacks left: we only drop
 * our reference.  At most METRICS_PENDING_MAX connections wait for that
 * callback: the listener pauses when they are that many, so one burst of
 * connections cannot make one turn of the loop long.  Idle or slow
 * connections end after METRICS_TIMEOUT_S.
 *
 * A scrape is built and answered within one callback: its size is bounded
 * by the bridge's tables (VANs, members, peers), never by a MAC table.
 */
#include "edge/rim/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "edge/rim/ctl.h"
#include "edge/rim/version.h"

#define METRICS_PENDING_MAX	(METRICS_CONN_MAX + 1)
#define METRICS_LABEL_VALUE_MAX	256	/* bytes of one escaped label value */
#define METRICS_PATH_MAX	256	/* a field's path in metrics_unmapped */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* ---------------------------------------------------------------- text --- */

bool
metrics_escape(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		const char *rep = NULL;
		char one[2] = { *s, '\0' };
		size_t k;

		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '"')
			rep = "\\\"";
		else if (*s == '\n')
			rep = "\\n";
		else
			rep = one;
		k = strlen(rep);
		if (n + k >= size) {
			out[n] = '\0';
			return false;
		}
		memcpy(out + n, rep, k);
		n += k;
	}
	out[n] = '\0';
	return true;
}

/* HELP text: backslash and newline escaped (quotes are not). */
static void
help_put(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

struct label {
	char	name[32];
	char	value[METRICS_LABEL_VALUE_MAX];
};

struct sample_ctx {
	FILE			*f;
	const char		*prefix;
	const struct metric_def	*d;
	struct label		labels[METRICS_LABELS_MAX];
	unsigned		nlabels;
};

/* A label's value from JSON: a string or an integer; false for others. */
static bool
label_push(struct sample_ctx *c, const char *name, size_t nlen, const json_t *v)
{
	struct label *l;
	char num[32];
	const char *s;

	if (c->nlabels == METRICS_LABELS_MAX || nlen >= sizeof(l->name))
		return false;
	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		s = num;
	} else
		return false;
	l = &c->labels[c->nlabels];
	memcpy(l->name, name, nlen);
	l->name[nlen] = '\0';
	(void)metrics_escape(s, l->value, sizeof(l->value));
	c->nlabels++;
	return true;
}

static void
sample_put(struct sample_ctx *c, const char *value, const char *vlabel,
    const char *vvalue)
{
	const struct metric_def *d = c->d;
	char esc[METRICS_LABEL_VALUE_MAX];
	bool any = false;
	unsigned i;

	fprintf(c->f, METRICS_PREFIX "%s%s", c->prefix, d->name);
	for (i = 0; i < c->nlabels; i++) {
		fprintf(c->f, "%s%s=\"%s\"", any ? "," : "{", c->labels[i].name,
		    c->labels[i].value);
		any = true;
	}
	if (d->labels != NULL) {
		fprintf(c->f, "%s%s", any ? "," : "{", d->labels);
		any = true;
	}
	if (vlabel != NULL) {
		(void)metrics_escape(vvalue, esc, sizeof(esc));
		fprintf(c->f, "%s%s=\"%s\"", any ? "," : "{", vlabel, esc);
		any = true;
	}
	fprintf(c->f, "%s %s\n", any ? "}" : "", value);
}

/* The value of one sample as text; false for a value that has none. */
static bool
value_text(const json_t *v, unsigned div, char *buf, size_t len)
{
	if (json_is_boolean(v))
		snprintf(buf, len, "%d", json_is_true(v) ? 1 : 0);
	else if (json_is_integer(v)) {
		long long x = (long long)json_integer_value(v);

		if (div <= 1)
			snprintf(buf, len, "%lld", x);
		else {
			unsigned long long a = x < 0 ? 0ULL - (unsigned long long)x :
			    (unsigned long long)x;
			int digits = 0;
			unsigned d;

			for (d = div; d > 1; d /= 10)
				digits++;
			snprintf(buf, len, "%s%llu.%0*llu", x < 0 ? "-" : "", a / div,
			    digits & 15, a % div);
		}
	} else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v) / (div > 1 ? div : 1));
	else
		return false;
	return true;
}

static void
leaf(struct sample_ctx *c, const json_t *v)
{
	const struct metric_def *d = c->d;
	char buf[64];

	if (v == NULL)
		return;
	if (d->count != NULL) {
		const char *eq = strchr(d->count, '=');
		size_t i, n = 0, flen;
		const json_t *e;

		if (!json_is_array(v) || eq == NULL)
			return;
		flen = (size_t)(eq - d->count);
		json_array_foreach(v, i, e) {
			char field[64];
			const json_t *f;

			if (flen >= sizeof(field))
				return;
			memcpy(field, d->count, flen);
			field[flen] = '\0';
			f = json_object_get(e, field);
			if (json_is_string(f) && strcmp(json_string_value(f), eq + 1) == 0)
				n++;
		}
		snprintf(buf, sizeof(buf), "%zu", n);
		sample_put(c, buf, NULL, NULL);
		return;
	}
	if (d->info) {
		const char *k;
		const json_t *s;
		unsigned keep = c->nlabels;

		if (!json_is_object(v))
			return;
		json_object_foreach((json_t *)(uintptr_t)v, k, s)
			if (json_is_string(s) && !label_push(c, k, strlen(k), s))
				break;
		sample_put(c, "1", NULL, NULL);
		c->nlabels = keep;
		return;
	}
	if (json_is_string(v)) {
		if (d->value_label != NULL)
			sample_put(c, "1", d->value_label, json_string_value(v));
		return;
	}
	if (value_text(v, d->div, buf, sizeof(buf)))
		sample_put(c, buf, NULL, NULL);
}

/*
 * One step of a path: its key (klen bytes), then what follows it: '['
 * (an array; *field, *label), '{' (an object by name; *label), or neither.
 * *rest: the next step, or NULL at the last one.
 */
struct step {
	const char	*key;
	size_t		klen;
	char		kind;		/* 0, '[' or '{' */
	const char	*field;		/* '[': the element's member */
	size_t		flen;
	const char	*label;
	size_t		llen;
	const char	*rest;
};

static bool
step_parse(const char *p, struct step *s)
{
	const char *end;

	memset(s, 0, sizeof(*s));
	s->key = p;
	s->klen = strcspn(p, ".[{");
	p += s->klen;
	if (*p == '[') {
		const char *eq;

		if ((end = strchr(p, ']')) == NULL || (eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return false;
		s->kind = '[';
		s->field = p + 1;
		s->flen = (size_t)(eq - p - 1);
		s->label = eq + 1;
		s->llen = (size_t)(end - eq - 1);
		p = end + 1;
	} else if (*p == '{') {
		if ((end = strchr(p, '}')) == NULL)
			return false;
		s->kind = '{';
		s->label = p + 1;
		s->llen = (size_t)(end - p - 1);
		p = end + 1;
	}
	if (*p == '.')
		s->rest = p + 1;
	else if (*p != '\0')
		return false;
	return true;
}

static const json_t *
member(const json_t *o, const char *key, size_t klen)
{
	char k[64];

	if (!json_is_object(o) || klen >= sizeof(k))
		return NULL;
	memcpy(k, key, klen);
	k[klen] = '\0';
	return json_object_get(o, k);
}

static void	walk(struct sample_ctx *, const char *, const json_t *);

/* One element of a list or object step: labelled by value, then the rest
 * of the path below it (or its sample); the labels as they were after. */
static void
descend(struct sample_ctx *c, const struct step *s, const json_t *label,
    const json_t *e)
{
	unsigned keep = c->nlabels;

	if (!label_push(c, s->label, s->llen, label))
		return;
	if (s->rest != NULL)
		walk(c, s->rest, e);
	else
		leaf(c, e);
	c->nlabels = keep;
}

static void
walk(struct sample_ctx *c, const char *path, const json_t *node)
{
	struct step s;
	const json_t *v;

	if (!step_parse(path, &s) || (v = member(node, s.key, s.klen)) == NULL)
		return;
	if (s.kind == '[') {
		const json_t *e;
		size_t i;

		if (!json_is_array(v))
			return;
		json_array_foreach(v, i, e)
			descend(c, &s, member(e, s.field, s.flen), e);
	} else if (s.kind == '{') {
		const char *k;
		json_t *e;

		if (!json_is_object(v))
			return;
		json_object_foreach((json_t *)(uintptr_t)v, k, e) {
			json_t *name = json_string(k);

			if (name != NULL)
				descend(c, &s, name, e);
			json_decref(name);
		}
	} else if (s.rest != NULL)
		walk(c, s.rest, v);
	else
		leaf(c, v);
}

char *
metrics_text(const struct metric_table *tables, const json_t *root, size_t *len)
{
	const char *family = NULL;
	char *buf = NULL;
	size_t t, i;
	FILE *f;

	if ((f = open_memstream(&buf, len)) == NULL)
		return NULL;
	for (t = 0; tables[t].defs != NULL; t++)
		for (i = 0; tables[t].defs[i].path != NULL; i++) {
			const struct metric_def *d = &tables[t].defs[i];
			struct sample_ctx c = { .f = f, .prefix = tables[t].prefix, .d = d };

			if (d->name == NULL)
				continue;
			/* A family's rows are one after another in a table. */
			if (family == NULL || i == 0 || strcmp(family, d->name) != 0) {
				fprintf(f, "# HELP " METRICS_PREFIX "%s%s ", c.prefix, d->name);
				help_put(f, d->help);
				fprintf(f, "\n# TYPE " METRICS_PREFIX "%s%s %s\n", c.prefix,
				    d->name, d->type == METRIC_COUNTER ? "counter" : "gauge");
				family = d->name;
			}
			walk(&c, d->path, root);
		}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------ coverage --- */

/*
 * Does row path pat cover the field at path (keys joined by '.', an
 * array's element as "[]")?  "[f=l]" matches "[]", "{l}" one more key.
 */
static bool
covers(const char *pat, const char *path)
{
	while (*pat != '\0') {
		if (*pat == '[') {
			if (strncmp(path, "[]", 2) != 0 || (pat = strchr(pat, ']')) == NULL)
				return false;
			pat++;
			path += 2;
		} else if (*pat == '{') {
			if (*path != '.' || (pat = strchr(pat, '}')) == NULL)
				return false;
			pat++;
			path += 1 + strcspn(path + 1, ".[");
		} else if (*pat++ != *path++)
			return false;
	}
	return *path == '\0';
}

struct cover_ctx {
	const struct metric_table *tables;
	void		(*cb)(const char *, void *);
	void		*arg;
	unsigned	n;
	char		path[METRICS_PATH_MAX];
};

static bool
covered(const struct cover_ctx *c)
{
	size_t t, i;

	for (t = 0; c->tables[t].defs != NULL; t++)
		for (i = 0; c->tables[t].defs[i].path != NULL; i++) {
			const struct metric_def *d = &c->tables[t].defs[i];

			if (d->count == NULL && !d->info && covers(d->path, c->path))
				return true;
		}
	return false;
}

static void
cover_walk(struct cover_ctx *c, const json_t *v)
{
	size_t at = strlen(c->path);

	if (json_is_object(v)) {
		const char *k;
		json_t *e;

		json_object_foreach((json_t *)(uintptr_t)v, k, e) {
			snprintf(c->path + at, sizeof(c->path) - at, "%s%s", at ? "." : "", k);
			cover_walk(c, e);
		}
	} else if (json_is_array(v)) {
		if (json_array_size(v) == 0)
			return;
		snprintf(c->path + at, sizeof(c->path) - at, "[]");
		cover_walk(c, json_array_get(v, 0));
	} else if ((json_is_number(v) || json_is_boolean(v)) && !covered(c)) {
		c->n++;
		if (c->cb != NULL)
			c->cb(c->path, c->arg);
	}
	c->path[at] = '\0';
}

unsigned
metrics_unmapped(const struct metric_table *tables, const json_t *root,
    void (*cb)(const char *, void *), void *arg)
{
	struct cover_ctx c = { .tables = tables, .cb = cb, .arg = arg };

	cover_walk(&c, root);
	return c.n;
}

const char *
metrics_version(void)
{
	return van_version;
}

/* -------------------------------------------------------------- server --- */

struct metrics {
	struct event_base	*base;
	struct evhttp		*http;
	struct evhttp_bound_socket *bound;
	struct event		*adopt;
	struct bufferevent	*pending[METRICS_PENDING_MAX];
	unsigned		npending, live;
	const struct metric_table *tables;
	metrics_source		source;
	void			*arg;
	struct setting_stream	addr;
	bool			unlink_path;
	uint64_t		scrapes, bad_requests, refused;
};

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct metrics *m = arg;

	(void)evcon;
	if (m->live > 0)
		m->live--;
}

/* The connections evhttp set up since the last turn: count or refuse. */
static void
conn_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct metrics *m = arg;
	unsigned i;

	(void)fd;
	(void)what;
	for (i = 0; i < m->npending; i++) {
		struct bufferevent *bev = m->pending[i];
		bufferevent_data_cb rd;
		void *evcon;

		bufferevent_getcb(bev, &rd, NULL, NULL, &evcon);
		if (rd == NULL || evcon == NULL)
			bufferevent_disable(bev, EV_READ | EV_WRITE);	/* given up */
		else if (m->live >= METRICS_CONN_MAX) {
			m->refused++;
			evhttp_connection_free(evcon);
		} else {
			m->live++;
			evhttp_connection_set_closecb(evcon, conn_closed, m);
		}
		bufferevent_decref(bev);
	}
	m->npending = 0;
	evconnlistener_enable(evhttp_bound_socket_get_listener(m->bound));
}

static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct metrics *m = arg;
	struct bufferevent *bev;

	/* Not ours to refuse here: evhttp would make one itself. */
	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	bufferevent_incref(bev);
	m->pending[m->npending++] = bev;
	if (m->npending == METRICS_PENDING_MAX)
		evconnlistener_disable(evhttp_bound_socket_get_listener(m->bound));
	event_active(m->adopt, EV_TIMEOUT, 1);
	return bev;
}

static void
scrape(struct metrics *m, struct evhttp_request *req)
{
	struct evbuffer *out = evbuffer_new();
	json_t *root = m->source(m->arg), *own;
	char *text = NULL;
	size_t len = 0;
	unsigned unmapped;

	own = json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "scrapes", (json_int_t)++m->scrapes,
	    "bad_requests", (json_int_t)m->bad_requests,
	    "refused", (json_int_t)m->refused,
	    "connections", (json_int_t)m->live,
	    "connections_max", (json_int_t)METRICS_CONN_MAX);
	if (root != NULL && own != NULL) {
		json_object_set_new(root, "metrics", own);
		own = NULL;
		unmapped = metrics_unmapped(m->tables, root, NULL, NULL);
		json_object_set_new(json_object_get(root, "metrics"), "unmapped_fields",
		    json_integer(unmapped));
		text = metrics_text(m->tables, root, &len);
	}
	if (out == NULL || text == NULL || evbuffer_add(out, text, len) == -1)
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	else {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", METRICS_CONTENT_TYPE);
		evhttp_send_reply(req, HTTP_OK, "OK", out);
	}
	free(text);
	json_decref(own);
	json_decref(root);
	if (out != NULL)
		evbuffer_free(out);
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (path == NULL || strcmp(path, "/metrics") != 0) {
		m->bad_requests++;
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
	} else if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		m->bad_requests++;
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		    "GET, HEAD");
		evhttp_send_error(req, 405, "Method Not Allowed");
	} else
		scrape(m, req);
}

static int
listen_fd(struct metrics *m, const struct setting_stream *a, const char **err)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, e;

	memset(&ss, 0, sizeof(ss));
	if (a->path[0] != '\0') {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;

		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", a->path);
		sl = sizeof(*sun);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0)) == -1) {
			*err = "socket";
			return -1;
		}
		if (bind(fd, (struct sockaddr *)sun, sl) == -1 &&
		    (errno != EADDRINUSE || unix_unlink_stale(sun, err) == -1 ||
		    bind(fd, (struct sockaddr *)sun, sl) == -1)) {
			if (*err == NULL)
				*err = "bind";
			goto fail;
		}
		m->unlink_path = true;
	} else {
		if (a->addr.family == 4) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			sin->sin_family = AF_INET;
			sin->sin_port = htons(a->addr.port);
			memcpy(&sin->sin_addr, a->addr.ip, 4);
			sl = sizeof(*sin);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(a->addr.port);
			memcpy(&sin6->sin6_addr, a->addr.ip, 16);
			sl = sizeof(*sin6);
		}
		if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0)) == -1) {
			*err = "socket";
			return -1;
		}
		/* A restart binds at once, TIME_WAIT or not; a listener still refuses. */
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			*err = "bind";
			goto fail;
		}
	}
	if (listen(fd, METRICS_BACKLOG) == -1) {
		*err = "listen";
		goto fail;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	if (m->unlink_path && a->path[0] != '\0')
		unlink(a->path);
	m->unlink_path = false;
	errno = e;
	return -1;
}

struct metrics *
metrics_open(struct event_base *base, const struct setting_stream *addr,
    const struct metric_table *tables, metrics_source source, void *arg,
    const char **err)
{
	struct metrics *m;
	int fd = -1, e;

	*err = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		*err = "out of memory";
		return NULL;
	}
	m->base = base;
	m->addr = *addr;
	m->tables = tables;
	m->source = source;
	m->arg = arg;
	if ((fd = listen_fd(m, addr, err)) == -1)
		goto fail;
	if ((m->http = evhttp_new(base)) == NULL ||
	    (m->adopt = event_new(base, -1, 0, conn_adopt, m)) == NULL) {
		*err = "out of memory";
		goto fail;
	}
	evhttp_set_max_headers_size(m->http, METRICS_HEADERS_MAX);
	evhttp_set_max_body_size(m->http, METRICS_BODY_MAX);
	evhttp_set_timeout(m->http, METRICS_TIMEOUT_S);
	/* Other methods reach request_cb (405) rather than evhttp's 501. */
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(m->http, conn_new, m);
	evhttp_set_gencb(m->http, request_cb, m);
	if ((m->bound = evhttp_accept_socket_with_handle(m->http, fd)) == NULL) {
		*err = "listen";
		goto fail;
	}
	return m;
fail:
	e = errno;
	if (m->bound == NULL && fd != -1)
		close(fd);
	metrics_close(m);
	errno = e;
	return NULL;
}

void
metrics_close(struct metrics *m)
{
	unsigned i;

	if (m == NULL)
		return;
	/* Frees its connections (their close callbacks count down) and socket. */
	if (m->http != NULL)
		evhttp_free(m->http);
	for (i = 0; i < m->npending; i++)
		bufferevent_decref(m->pending[i]);
	if (m->adopt != NULL)
		event_free(m->adopt);
	if (m->unlink_path)
		unlink(m->addr.path);
	free(m);
}

const struct setting_stream *
metrics_addr(const struct metrics *m)
{
	return &m->addr;
}

int
metrics_reopen(struct event_base *base, struct metrics *cur,
    const struct setting_stream *want, const char *file,
    const struct metric_table *tables, metrics_source src, void *arg,
    struct metrics **out, char err[static SETTING_ERR_MAX])
{
	char a[SETTING_PATH_MAX + 64];
	const char *e;

	*out = cur;
	if (cur != NULL && setting_stream_same(metrics_addr(cur), want))
		return 0;
	*out = NULL;
	if (!want->set)
		return 0;
	if ((*out = metrics_open(base, want, tables, src, arg, &e)) == NULL) {
		snprintf(err, SETTING_ERR_MAX, "%s:%d: metrics %s: %s: %s", file,
		    want->line, setting_stream_str(want, a), e, strerror(errno));
		return -1;
	}
	return 0;
}
