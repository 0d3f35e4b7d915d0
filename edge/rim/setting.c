/*
 * setting.c — see setting.h.  The messages are part of the daemons'
 * contract (their golden tests compare them byte for byte): change one
 * only with the tests of both.
 */
#include "edge/rim/setting.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/keyfile.h"

/* The name to show for a file libconfig reports (see include_dir). */
static void
file_name(const struct setting_ctx *c, const char *src, char *out, size_t len)
{
	if (src == NULL)
		src = c->file;
	if (c->include_dir == NULL || strcmp(src, c->file) == 0 || src[0] == '/' ||
	    strcmp(c->include_dir, ".") == 0)
		snprintf(out, len, "%s", src);
	else
		snprintf(out, len, "%s/%s", c->include_dir, src);
}

static bool	vfail(struct setting_ctx *, const char *, int, const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

/*
 * "FILE:LINE: message", or "FILE: message" for line 0.  One line whatever
 * the file holds: a control character of a value quoted (a string may hold
 * a newline) or of a file name becomes '?'.
 */
static bool
vfail(struct setting_ctx *c, const char *file, int line, const char *fmt,
    va_list ap)
{
	char *p;
	int n;

	if (line > 0)
		n = snprintf(c->err, SETTING_ERR_MAX, "%s:%d: ", file, line);
	else
		n = snprintf(c->err, SETTING_ERR_MAX, "%s: ", file);
	if (n >= 0 && n < SETTING_ERR_MAX)
		vsnprintf(c->err + n, SETTING_ERR_MAX - (size_t)n, fmt, ap);
	for (p = c->err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return false;
}

static bool	fail_at(struct setting_ctx *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static bool
fail_at(struct setting_ctx *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, file, line, fmt, ap);
	va_end(ap);
	return false;
}

bool
setting_fail(struct setting_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char file[4096];
	va_list ap;

	file_name(c, s != NULL ? config_setting_source_file(s) : NULL, file,
	    sizeof(file));
	va_start(ap, fmt);
	vfail(c, file, s != NULL ? (int)config_setting_source_line(s) : 0, fmt, ap);
	va_end(ap);
	return false;
}

bool
setting_fail_line(struct setting_ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, c->file, line, fmt, ap);
	va_end(ap);
	return false;
}

/* libconfig's error of a text it did not read (an I/O error's in errno). */
static bool
read_error(struct setting_ctx *c, const config_t *cfg)
{
	char file[4096];
	int e = errno;

	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return setting_fail(c, NULL, "cannot read: %s", strerror(e));
	file_name(c, config_error_file(cfg), file, sizeof(file));
	return fail_at(c, file, config_error_line(cfg), "%s", config_error_text(cfg));
}

bool
setting_read(struct setting_ctx *c, config_t *cfg, const char *path, char *dir,
    size_t len)
{
	const char *d;

	if (strlen(path) >= len)
		return setting_fail(c, NULL, "file name too long");
	snprintf(dir, len, "%s", path);
	/* dirname may return a string of its own ("."), not its argument. */
	d = dirname(dir);
	if (d != dir)
		snprintf(dir, len, "%s", d);
	config_set_include_dir(cfg, dir);
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return true;
	return read_error(c, cfg);
}

bool
setting_parse(struct setting_ctx *c, config_t *cfg, const char *text)
{
	if (config_read_string(cfg, text) == CONFIG_TRUE)
		return true;
	return read_error(c, cfg);
}

bool
setting_top(struct setting_ctx *c, const config_t *cfg, const char *name,
    const config_setting_t **out)
{
	const char *const known[] = { name, NULL };

	*out = NULL;
	if (!setting_only_known(c, config_root_setting(cfg), known))
		return false;
	*out = config_lookup(cfg, name);
	return true;
}

bool
setting_only_known(struct setting_ctx *c, const config_setting_t *s,
    const char *const *allowed)
{
	int i, n = config_setting_length(s);

	for (i = 0; i < n; i++) {
		const config_setting_t *k = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(k);
		const char *const *a;

		for (a = allowed; *a != NULL && strcmp(*a, name) != 0; a++)
			;
		if (*a == NULL)
			return setting_fail(c, k, "unknown setting '%s'", name);
	}
	return true;
}

bool
setting_u32(struct setting_ctx *c, const config_setting_t *g, const char *name,
    uint32_t min, uint32_t max, uint32_t *out)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	long long v;

	if (s == NULL)
		return true;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return setting_fail(c, s, "'%s' must be an integer", name);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return setting_fail(c, s, "'%s' must be %u..%u", name, min, max);
	*out = (uint32_t)v;
	return true;
}

bool
setting_str(struct setting_ctx *c, const config_setting_t *g, const char *name,
    const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	if (s == NULL)
		return true;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return setting_fail(c, s, "'%s' must be a string", name);
	*out = config_setting_get_string(s);
	return true;
}

bool
setting_bool(struct setting_ctx *c, const config_setting_t *g, const char *name,
    bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	if (s == NULL)
		return true;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return setting_fail(c, s, "'%s' must be true or false", name);
	*out = config_setting_get_bool(s);
	return true;
}

bool
setting_hello(struct setting_ctx *c, const config_setting_t *g, uint32_t *hello_ms,
    uint32_t *dead_count)
{
	return setting_u32(c, g, "hello_interval", BRIDGE_HELLO_MS_MIN,
	    BRIDGE_HELLO_MS_MAX, hello_ms) &&
	    setting_u32(c, g, "dead_after", BRIDGE_DEAD_COUNT_MIN,
	    BRIDGE_DEAD_COUNT_MAX, dead_count);
}

bool
setting_member_limits(struct setting_ctx *c, const config_setting_t *g,
    uint32_t *routes_max, uint32_t *flood_rate, uint32_t *learn_rate)
{
	return setting_u32(c, g, "member_routes_max", 0, FDB_MAX_LIMIT, routes_max) &&
	    setting_u32(c, g, "member_flood_rate", 0, SETTING_RATE_MAX, flood_rate) &&
	    setting_u32(c, g, "member_learn_rate", 0, SETTING_RATE_MAX, learn_rate);
}

bool
setting_dad(struct setting_ctx *c, const config_setting_t *g, uint32_t *moves,
    uint32_t *window_s, uint32_t *hold_s)
{
	return setting_u32(c, g, "dad_moves", BRIDGE_DAD_MOVES_MIN,
	    BRIDGE_DAD_MOVES_MAX, moves) &&
	    setting_u32(c, g, "dad_window", BRIDGE_DAD_SECONDS_MIN,
	    BRIDGE_DAD_SECONDS_MAX, window_s) &&
	    setting_u32(c, g, "dad_hold", BRIDGE_DAD_SECONDS_MIN,
	    BRIDGE_DAD_SECONDS_MAX, hold_s);
}

bool
setting_listen(struct setting_ctx *c, const config_setting_t *g, const char *name,
    uint16_t default_port, struct van_addr *out)
{
	const char *str = NULL, *err;

	if (!setting_str(c, g, name, &str))
		return false;
	if (str == NULL)
		return true;
	if (!addr_parse(str, default_port, out, &err))
		return setting_fail(c, config_setting_get_member(g, name),
		    "%s: %s: '%s'", name, err, str);
	/* "::" means every address of both families (a dual-stack socket);
	 * "0.0.0.0" every IPv4 address only. */
	if (out->family == 6 && !memcmp(out->ip, (uint8_t[16]){ 0 }, 16))
		out->family = 0;
	return true;
}

bool
setting_stream(struct setting_ctx *c, const config_setting_t *g, const char *name,
    struct setting_stream *out)
{
	const config_setting_t *s;
	const char *str = NULL, *err;

	if (!setting_str(c, g, name, &str))
		return false;
	if (str == NULL)
		return true;
	s = config_setting_get_member(g, name);
	memset(out, 0, sizeof(*out));
	out->set = true;
	out->line = (int)config_setting_source_line(s);
	if (str[0] == '/') {
		if (strlen(str) >= sizeof(out->path))
			return setting_fail(c, s, "%s: a unix socket's path is shorter "
			    "than %zu bytes", name, sizeof(out->path));
		snprintf(out->path, sizeof(out->path), "%s", str);
		return true;
	}
	if (!addr_parse(str, 0, &out->addr, &err))
		return setting_fail(c, s, "%s: %s: '%s' (IP:PORT, [IPv6]:PORT or "
		    "an absolute path)", name, err, str);
	if (out->addr.port == 0)
		return setting_fail(c, s, "%s: needs a port: '%s' (IP:PORT, "
		    "[IPv6]:PORT or an absolute path)", name, str);
	return true;
}

char *
setting_stream_str(const struct setting_stream *s,
    char buf[static SETTING_PATH_MAX + ADDR_STRLEN])
{
	char a[ADDR_STRLEN];

	if (!s->set)
		buf[0] = '\0';
	else if (s->path[0] != '\0')
		snprintf(buf, SETTING_PATH_MAX + ADDR_STRLEN, "%s", s->path);
	else
		snprintf(buf, SETTING_PATH_MAX + ADDR_STRLEN, "%s", addr_str(&s->addr, a));
	return buf;
}

bool
setting_stream_same(const struct setting_stream *a, const struct setting_stream *b)
{
	char x[SETTING_PATH_MAX + ADDR_STRLEN], y[SETTING_PATH_MAX + ADDR_STRLEN];

	return a->set == b->set &&
	    strcmp(setting_stream_str(a, x), setting_stream_str(b, y)) == 0;
}

/* A host name as DNS has them (the resolver checks the rest). */
static bool
host_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > SETTING_HOST_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

bool
setting_endpoint(struct setting_ctx *c, const config_setting_t *s, const char *str,
    uint16_t default_port, struct van_addr *a, char host[static SETTING_HOST_MAX + 1],
    uint16_t *port, char *text, size_t tlen)
{
	char buf[ADDR_STRLEN];
	const char *err, *colon;
	unsigned long pn = default_port;
	size_t hn;

	host[0] = '\0';
	if (addr_parse(str, default_port, a, &err)) {
		if (a->port == 0)
			return setting_fail(c, s, "endpoint '%s': port 0", str);
		*port = a->port;
		snprintf(text, tlen, "%s", addr_str(a, buf));
		return true;
	}
	memset(a, 0, sizeof(*a));
	colon = strrchr(str, ':');
	hn = colon != NULL ? (size_t)(colon - str) : strlen(str);
	/* Digits and dots, a bracket or colons: meant as an address. */
	if ((str[0] >= '0' && str[0] <= '9' && strspn(str, "0123456789.") >= hn) ||
	    str[0] == '[' || (colon != NULL && memchr(str, ':', hn) != NULL))
		return setting_fail(c, s, "endpoint '%s': %s", str, err);
	if (!host_name_ok(str, hn))
		return setting_fail(c, s, "endpoint '%s': not an address or host name "
		    "(a.b.c.d:port, [v6]:port, name:port)", str);
	if (colon != NULL) {
		char *end;

		pn = strtoul(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || pn == 0 ||
		    pn > UINT16_MAX)
			return setting_fail(c, s, "endpoint '%s': port 1..65535", str);
	}
	snprintf(host, SETTING_HOST_MAX + 1, "%.*s", (int)hn, str);
	*port = (uint16_t)pn;
	snprintf(text, tlen, "%s:%lu", host, pn);
	return true;
}

bool
setting_path(struct setting_ctx *c, const config_setting_t *g, const char *name,
    char *out, size_t max)
{
	const char *str = NULL;

	if (!setting_str(c, g, name, &str))
		return false;
	if (str == NULL)
		return true;
	if (str[0] != '/' || strlen(str) >= max)
		return setting_fail(c, config_setting_get_member(g, name),
		    "%s: an absolute path shorter than %zu bytes", name, max);
	snprintf(out, max, "%s", str);
	return true;
}

bool
setting_log_level(struct setting_ctx *c, const config_setting_t *g,
    const char *name, enum log_level *out)
{
	const char *str = NULL;

	if (!setting_str(c, g, name, &str))
		return false;
	if (str != NULL && !log_level_parse(str, out))
		return setting_fail(c, config_setting_get_member(g, name),
		    "%s: one of error, warning, info, debug", name);
	return true;
}

bool
setting_keyfile(struct setting_ctx *c, const config_setting_t *g, const char *name,
    char *file, size_t fsize, struct wg_key *key, bool *has)
{
	const char *str = NULL;
	char kerr[512];

	if (!setting_str(c, g, name, &str))
		return false;
	if (str == NULL)
		return true;
	if (str[0] == '\0' || strlen(str) >= fsize)
		return setting_fail(c, config_setting_get_member(g, name),
		    "%s: a file name", name);
	if (keyfile_read(str, key, kerr, sizeof(kerr)) == -1)
		return setting_fail(c, config_setting_get_member(g, name), "%s: %s",
		    name, kerr);
	snprintf(file, fsize, "%s", str);
	*has = true;
	return true;
}

bool
setting_members(struct setting_ctx *c, const config_setting_t *l,
    uint16_t default_port, unsigned max, struct van_addr **out, unsigned *nout)
{
	struct van_addr *members;
	int i, n;

	*out = NULL;
	*nout = 0;
	if (config_setting_type(l) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(l) != CONFIG_TYPE_LIST)
		return setting_fail(c, l,
		    "'members' must be a list of addresses [ \"...\", ... ]");
	n = config_setting_length(l);
	if ((unsigned)n > max)
		return setting_fail(c, l, "more than %u members", max);
	if ((members = calloc((size_t)n + 1, sizeof(*members))) == NULL)
		return setting_fail(c, l, "out of memory");
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(l, (unsigned)i);
		struct van_addr *a = &members[i];
		const char *str, *err;
		int j;

		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			free(members);
			return setting_fail(c, s, "a member is an address string");
		}
		str = config_setting_get_string(s);
		if (!addr_parse(str, default_port, a, &err)) {
			setting_fail(c, s, "member '%s': %s", str, err);
			free(members);
			return false;
		}
		for (j = 0; j < i; j++)
			if (addr_eq(&members[j], a)) {
				setting_fail(c, s, "member '%s' listed twice", str);
				free(members);
				return false;
			}
	}
	*out = members;
	*nout = (unsigned)n;
	return true;
}

bool
setting_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return true;
}
