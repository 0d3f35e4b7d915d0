/*
 * setting.h — what the configuration parsers of the daemons share (edge/
 * conf.c for vanedge, proxy/conf.c for vanproxy): reading a libconfig file
 * with @include relative to its directory, and typed getters over its
 * settings that fail with "FILE:LINE: message" — the file being the one
 * the setting was written in, an included file's own name.
 *
 * Not pure (libconfig reads files; setting_keyfile reads a key file) but
 * free of libevent.  It knows no daemon's model: each parser decides what
 * a setting means.  It does not print configurations either.
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

/* Fill c->err with "FILE:LINE: fmt..." for setting s (NULL: line 0). */
bool	setting_fail(struct setting_ctx *, const config_setting_t *,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Read path into cfg (initialised by the caller), with @include relative
 * to the file's directory (kept in dir, a buffer of len bytes, which must
 * outlive cfg).  false with "FILE:LINE: message" in c->err.
 */
bool	setting_read(struct setting_ctx *, config_t *, const char *path,
	    char *dir, size_t len);

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
