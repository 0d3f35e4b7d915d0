/*
 * siteconf.h — the settings every member of a site has, vanedge and
 * vanproxy alike (docs/operations.md, docs/proxy.md §6): the control
 * socket, HELLO timing, the table's size, one member's limits, duplicate-
 * address detection, the site key, the log level, the site's members and
 * its VANs.  Each daemon's configuration embeds a struct site_conf; its
 * parser reads the shared settings through site_conf_read, and its daemon
 * applies them through site_conf_apply and site_vans_apply.
 *
 * Reading is libconfig's (not pure, no libevent); applying works on the
 * bridge through its calls (bridge.h) and logs.
 */
#ifndef EDGE_RIM_SITECONF_H
#define EDGE_RIM_SITECONF_H

#include <stdbool.h>
#include <stdint.h>

#include "edge/van/addr.h"
#include "edge/van/bridge.h"
#include "edge/rim/log.h"
#include "edge/rim/setting.h"

#define SITE_KEYFILE_MAX	(SETTING_PATH_MAX * 4)

struct site_conf {
	char		control[SETTING_PATH_MAX];
	uint32_t	hello_ms;
	uint32_t	dead_count;
	uint32_t	fdb_max;
	uint32_t	member_routes_max;	/* routes through one member, 0 = any */
	uint32_t	member_flood_rate;	/* floods/s from one member, 0 = any */
	uint32_t	member_learn_rate;	/* LEARN/UNLEARN/s from one, 0 = any */
	uint32_t	dad_moves;	/* duplicate-address detection */
	uint32_t	dad_window_s;
	uint32_t	dad_hold_s;
	char		site_key_file[SITE_KEYFILE_MAX];	/* "" = none */
	bool		has_site_key;
	bool		site_key_compat;	/* version 1 trailers too (upgrade) */
	uint8_t		site_key[32];	/* read from site_key_file; wiped */
	/* site_key_accept: also accepted, never sent (a rotation) */
	char		accept_key_file[SITE_KEYFILE_MAX];	/* "" = none */
	bool		has_accept_key;
	uint8_t		accept_key[32];	/* read from accept_key_file; wiped */
	enum log_level	log_level;
	struct van_addr	*members;
	unsigned	nmembers;
};

/* A VAN of the site: `vans = ( { id; name; fdb_max; flood_rate; flood_burst; } )`. */
struct site_van {
	uint32_t	id;
	char		name[BRIDGE_NAME_MAX];	/* "van<id>" when unnamed */
	uint32_t	fdb_max;	/* this VAN's share of the table, 0 = any */
	uint32_t	flood_rate;	/* flooded frames per second, 0 = no limit */
	uint32_t	flood_burst;
	int		line;
};

/* ------------------------------------------------------------ reading --- */

/* The defaults, with the daemon's control socket. */
void	site_conf_init(struct site_conf *, const char *control);
/*
 * The shared settings of the daemon's group g (`edge`, `proxy`): control,
 * hello_interval, dead_after, fdb_max, member_*, dad_*, site_key (a key
 * file: edge/rim/setting.h's checks), site_key_accept (another, only with
 * site_key and not the same key), site_key_compat, log_level.  The caller
 * checks that g holds no unknown name.
 */
bool	site_conf_read(struct setting_ctx *, const config_setting_t *g,
	    struct site_conf *);
/* The `members` list (s), each "address[:port]" (default_port). */
bool	site_conf_members(struct setting_ctx *, const config_setting_t *s,
	    uint16_t default_port, struct site_conf *);
/* Once the whole file is read: defaults that depend on other settings. */
void	site_conf_finish(struct site_conf *);
/* Free the members, wipe the key. */
void	site_conf_free(struct site_conf *);

/*
 * One entry of `vans` (s) into v: its settings, and the daemon's own
 * (known: every name the entry may hold, the shared ones included; shape:
 * how the entry looks, for the error).  Then, for each VAN read before,
 * site_van_unique: a VAN ID or name used twice is an error.
 */
bool	site_van_read(struct setting_ctx *, const config_setting_t *s,
	    const char *const *known, const char *shape, struct site_van *v);
bool	site_van_unique(struct setting_ctx *, const config_setting_t *s,
	    const struct site_van *v, const struct site_van *before);

/* ----------------------------------------------------------- applying --- */

/* The bridge settings conf sets (b's hello_ms ... member_learn_rate). */
void	site_conf_bridge(const struct site_conf *, struct bridge_conf *);
/*
 * What applies at once besides bridge_set_conf: the site key and the key
 * accepted besides it (a step of a rotation is logged; any other change
 * is warned about: every member needs the same key), the log level; what
 * needs a restart is warned about (old NULL: at the start).  A change of
 * the keys alone touches no route, membership or epoch.
 */
void	site_conf_apply(struct bridge *, const struct site_conf *old,
	    const struct site_conf *);
/* A reloaded conf keeps the running values of what needs a restart. */
void	site_conf_keep(struct site_conf *, const struct site_conf *running);

/*
 * Make the bridge's VANs those of vans (n of them, each at stride bytes
 * from the last: a daemon's VAN entry begins with its struct site_van):
 * the ones gone are first handed to gone(arg, slot) (the daemon lets go
 * of what it holds in them: taps) and removed, new ones added, every one
 * named (in two passes: a VAN renamed may hold another's old name) and
 * given its limits.  reload: log what is added.  Errors are logged with
 * file and line and the VAN skipped.
 */
void	site_vans_apply(struct bridge *, struct bridge_out *, const char *file,
	    const struct site_van *vans, size_t stride, unsigned n, bool reload,
	    void (*gone)(void *arg, uint32_t slot), void *arg, monotime_t now);

#endif /* EDGE_RIM_SITECONF_H */
