/*
 * setting.h — what the configuration parsers share (edge/vanedge/conf.c,
 * proxy/conf.c and proxy/peering.c, federation/plan/planconf.c and
 * planlint.c, federation/lab/labconf.c and labfed.c): reading a libconfig
 * file with @include relative to its directory, typed getters over its
 * settings, and the one way they all report an error.
 *
 * Errors.  A configuration error is one line in the caller's buffer of
 * SETTING_ERR_MAX bytes (`char err[static SETTING_ERR_MAX]`):
 *
 *	FILE:LINE: message	of a setting: the file it was written in (an
 *				included file by its own name) and its line
 *	FILE: message		of the whole file, which has no line: it cannot
 *				be read, memory ran out, what it names cannot be
 *				opened — never a "line 0"
 *
 * A parser takes a struct setting_ctx naming the file and the buffer,
 * fills the buffer through setting_fail (setting_fail_line once the
 * libconfig tree is gone) and returns false, a loader NULL; the first
 * error wins.  The pure parsers below (edge/van/addr.c, claims.c) give a
 * fixed reason in `const char **err` (crypto/keyfile.c a sentence in a
 * small buffer), which the parser wraps with the setting's name and
 * value.  Nothing here prints: the program prints the line (vanplan lint
 * every fault it finds, each so).  The daemons' apply steps (a socket or
 * tap a setting names cannot be opened) answer in the same form.
 *
 * Not pure (libconfig reads files; setting_keyfile reads a key file) but
 * free of libevent.  It knows no program's model: each parser decides
 * what a setting means.  It does not print configurations either.
 */
#ifndef EDGE_RIM_SETTING_H
#define EDGE_RIM_SETTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "crypto/wg.h"
#include "edge/van/addr.h"
#include "edge/van/van.h"
#include "edge/rim/log.h"

#define SETTING_ERR_MAX	(4096 + 512)	/* a path and a message */
#define SETTING_HOST_MAX	240	/* an endpoint's host name */
#define SETTING_IFNAMSIZ	16	/* IFNAMSIZ: 15 characters and a NUL */
#define SETTING_PATH_MAX	108	/* sun_path */
#define SETTING_RATE_MAX	BRIDGE_RATE_MAX	/* any per-second rate */
/* member_routes_max not set: fdb_max / BRIDGE_MEMBER_ROUTES_SHARE. */
#define SETTING_ROUTES_UNSET	UINT32_MAX

struct setting_ctx {
	const char	*file;		/* the file read, as named */
	char		*err;		/* SETTING_ERR_MAX bytes */
	/*
	 * NULL: an included file is named as libconfig reports it (as the
	 * @include line spells it).  Else the directory includes are read
	 * from: a relative included name is shown as DIR/NAME ("." left out),
	 * so that the name in a message opens the file.
	 */
	const char	*include_dir;
};

/*
 * Fill c->err with "FILE:LINE: message" for setting s, or "FILE: message"
 * (c->file) when s is NULL: an error of the whole file.  Returns false.
 */
bool	setting_fail(struct setting_ctx *, const config_setting_t *,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for line `line` of c->file (0: the whole file). */
bool	setting_fail_line(struct setting_ctx *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Read path (the file c->file names) into cfg (initialised by the caller),
 * with @include relative to the file's directory (kept in dir, a buffer of
 * len bytes, which must outlive cfg).  false with the error in c->err.
 */
bool	setting_read(struct setting_ctx *, config_t *, const char *path,
	    char *dir, size_t len);
/* The same from a string; c->file names it in messages. */
bool	setting_parse(struct setting_ctx *, config_t *, const char *text);
/*
 * A file of one top-level setting, `name` (a peering file's "peers",
 * vans.conf's "vans"): any other is unknown.  *out is it, NULL if absent.
 */
bool	setting_top(struct setting_ctx *, const config_t *, const char *name,
	    const config_setting_t **out);

/* Every child of group s must be named in allowed (NULL-terminated). */
bool	setting_only_known(struct setting_ctx *, const config_setting_t *,
	    const char *const *allowed);

/* Optional members of group g: absent leaves *out as it was. */
bool	setting_u32(struct setting_ctx *, const config_setting_t *g,
	    const char *name, uint32_t min, uint32_t max, uint32_t *out);
bool	setting_str(struct setting_ctx *, const config_setting_t *g,
	    const char *name, const char **out);
bool	setting_bool(struct setting_ctx *, const config_setting_t *g,
	    const char *name, bool *out);
/*
 * Settings of every member of a site — vanedge's, vanproxy's, and the lab's
 * that it passes to them — within edge/van/van.h's bounds, in this order:
 * hello_interval (ms) and dead_after (intervals of silence); the limits
 * of one site member, member_routes_max, member_flood_rate and
 * member_learn_rate; duplicate-address detection, dad_moves, dad_window
 * and dad_hold (s).  Optional, as setting_u32.
 */
bool	setting_hello(struct setting_ctx *, const config_setting_t *g,
	    uint32_t *hello_ms, uint32_t *dead_count);
bool	setting_member_limits(struct setting_ctx *, const config_setting_t *g,
	    uint32_t *routes_max, uint32_t *flood_rate, uint32_t *learn_rate);
bool	setting_dad(struct setting_ctx *, const config_setting_t *g,
	    uint32_t *moves, uint32_t *window_s, uint32_t *hold_s);
/*
 * An address "a.b.c.d[:port]" or "[v6][:port]"; "[::]" (any port) means
 * every address of both families and is returned as family 0.
 */
bool	setting_listen(struct setting_ctx *, const config_setting_t *g,
	    const char *name, uint16_t default_port, struct van_addr *out);
/*
 * A tunnel endpoint, str, written in setting s: "a.b.c.d[:port]",
 * "[v6][:port]" or "host.name[:port]" (port default_port; 0 refused).
 * Syntax only, a name is not resolved: an address into *a, a name into
 * host (a->family 0); its port into *port either way; the normalised text
 * (an address as addr_str prints it, a name as "name:port") into text
 * (tlen bytes).  Shared by vanproxy (which resolves names) and vanplan.
 */
bool	setting_endpoint(struct setting_ctx *, const config_setting_t *s,
	    const char *str, uint16_t default_port, struct van_addr *a,
	    char host[static SETTING_HOST_MAX + 1], uint16_t *port, char *text,
	    size_t tlen);
/*
 * A stream service's listening address (`metrics`): "a.b.c.d:PORT",
 * "[v6]:PORT" (a port, not 0, is required) or a unix socket's absolute
 * path.  Absent: *out unchanged (set false: off).
 */
struct setting_stream {
	bool		set;
	int		line;			/* where it was written */
	struct van_addr	addr;			/* TCP; family 0 for a path */
	char		path[SETTING_PATH_MAX];	/* a unix socket, or "" */
};
bool	setting_stream(struct setting_ctx *, const config_setting_t *g,
	    const char *name, struct setting_stream *out);
/* Its normalised text ("" when not set): what `-n` prints. */
char	*setting_stream_str(const struct setting_stream *,
	    char buf[static SETTING_PATH_MAX + ADDR_STRLEN]);
/* The same address (the line aside). */
bool	setting_stream_same(const struct setting_stream *,
	    const struct setting_stream *);
/* An absolute path shorter than max bytes, copied into out. */
bool	setting_path(struct setting_ctx *, const config_setting_t *g,
	    const char *name, char *out, size_t max);
bool	setting_log_level(struct setting_ctx *, const config_setting_t *g,
	    const char *name, enum log_level *out);
/*
 * A key file (crypto/keyfile.h: `wg genkey` format, not group or world
 * accessible): its name into file (fsize bytes), its key into *key, *has
 * set.  Absent: nothing changes.  The key is wiped on failure.
 */
bool	setting_keyfile(struct setting_ctx *, const config_setting_t *g,
	    const char *name, char *file, size_t fsize, struct wg_key *key,
	    bool *has);
/*
 * A list of member addresses [ "a.b.c.d[:port]", ... ] (port default_port),
 * at most max, none twice: a new array in *out (free it), count in *n.
 */
bool	setting_members(struct setting_ctx *, const config_setting_t *l,
	    uint16_t default_port, unsigned max, struct van_addr **out,
	    unsigned *n);

/* Names of VANs, taps, peers, sites: 1..max-1 of [A-Za-z0-9_.-]. */
bool	setting_name_ok(const char *, size_t max);

#endif /* EDGE_RIM_SETTING_H */
