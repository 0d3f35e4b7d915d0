/*
 * siteconf.c — see siteconf.h.
 */
#include "edge/rim/siteconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <sodium.h>

#include "edge/rim/site.h"

/* ------------------------------------------------------------ reading --- */

void
site_conf_init(struct site_conf *s, const char *control)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->control, sizeof(s->control), "%s", control);
	s->hello_ms = BRIDGE_HELLO_MS_DEFAULT;
	s->dead_count = BRIDGE_DEAD_COUNT_DEFAULT;
	s->fdb_max = FDB_MAX_DEFAULT;
	s->member_routes_max = SETTING_ROUTES_UNSET;
	s->member_flood_rate = BRIDGE_MEMBER_FLOOD_DEFAULT;
	s->member_learn_rate = BRIDGE_MEMBER_LEARN_DEFAULT;
	s->dad_moves = BRIDGE_DAD_MOVES_DEFAULT;
	s->dad_window_s = BRIDGE_DAD_WINDOW_MS_DEFAULT / 1000;
	s->dad_hold_s = BRIDGE_DAD_HOLD_MS_DEFAULT / 1000;
	s->log_level = LOG_LVL_INFO;
}

/* site_key_accept: a second key, accepted and never sent (a rotation). */
static bool
accept_key_read(struct setting_ctx *c, const config_setting_t *g,
    struct site_conf *s)
{
	const config_setting_t *a = config_setting_get_member(g, "site_key_accept");
	struct wg_key key;
	bool same;

	if (a == NULL)
		return true;
	if (!s->has_site_key)
		return setting_fail(c, a, "site_key_accept without site_key "
		    "(the key sent; site_key_accept is only also accepted)");
	if (!setting_keyfile(c, g, "site_key_accept", s->accept_key_file,
	    sizeof(s->accept_key_file), &key, &s->has_accept_key))
		return false;
	memcpy(s->accept_key, key.b, sizeof(s->accept_key));
	same = sodium_memcmp(key.b, s->site_key, sizeof(s->site_key)) == 0;
	sodium_memzero(&key, sizeof(key));
	if (same) {
		s->has_accept_key = false;
		sodium_memzero(s->accept_key, sizeof(s->accept_key));
		return setting_fail(c, a, "site_key_accept: %s holds the same key as "
		    "site_key (line %d)", s->accept_key_file,
		    (int)config_setting_source_line(config_setting_get_member(g,
		    "site_key")));
	}
	return true;
}

bool
site_conf_read(struct setting_ctx *c, const config_setting_t *g, struct site_conf *s)
{
	const char *str = NULL;
	struct wg_key key;

	/* Types first, then values: the first error wins. */
	if (!setting_str(c, g, "control", &str) ||
	    !setting_str(c, g, "site_key", &str) ||
	    !setting_str(c, g, "site_key_accept", &str) ||
	    !setting_str(c, g, "log_level", &str) ||
	    !setting_hello(c, g, &s->hello_ms, &s->dead_count) ||
	    !setting_u32(c, g, "fdb_max", FDB_MAX_MIN, FDB_MAX_LIMIT, &s->fdb_max) ||
	    !setting_member_limits(c, g, &s->member_routes_max,
	    &s->member_flood_rate, &s->member_learn_rate) ||
	    !setting_dad(c, g, &s->dad_moves, &s->dad_window_s, &s->dad_hold_s) ||
	    !setting_bool(c, g, "site_key_compat", &s->site_key_compat) ||
	    !setting_path(c, g, "control", s->control, SETTING_PATH_MAX) ||
	    !setting_log_level(c, g, "log_level", &s->log_level))
		return false;
	if (!setting_keyfile(c, g, "site_key", s->site_key_file,
	    sizeof(s->site_key_file), &key, &s->has_site_key))
		return false;
	if (s->has_site_key) {
		memcpy(s->site_key, key.b, sizeof(s->site_key));
		sodium_memzero(&key, sizeof(key));
	}
	return accept_key_read(c, g, s);
}

bool
site_conf_members(struct setting_ctx *c, const config_setting_t *l,
    uint16_t default_port, struct site_conf *s)
{
	return setting_members(c, l, default_port, BRIDGE_MEMBER_MAX, &s->members,
	    &s->nmembers);
}

void
site_conf_finish(struct site_conf *s)
{
	/* One member's share of the table, unless it is said. */
	if (s->member_routes_max == SETTING_ROUTES_UNSET)
		s->member_routes_max = s->fdb_max / BRIDGE_MEMBER_ROUTES_SHARE;
}

void
site_conf_free(struct site_conf *s)
{
	free(s->members);
	s->members = NULL;
	s->nmembers = 0;
	sodium_memzero(s->site_key, sizeof(s->site_key));
	sodium_memzero(s->accept_key, sizeof(s->accept_key));
}

bool
site_van_read(struct setting_ctx *c, const config_setting_t *s,
    const char *const *known, const char *shape, struct site_van *v)
{
	const char *name = NULL;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return setting_fail(c, s, "a VAN is a group %s", shape);
	if (!setting_only_known(c, s, known) || !setting_str(c, s, "name", &name))
		return false;
	v->line = (int)config_setting_source_line(s);
	if (config_setting_get_member(s, "id") == NULL)
		return setting_fail(c, s, "VAN without 'id'");
	if (!setting_u32(c, s, "id", BRIDGE_VAN_ID_MIN, BRIDGE_VAN_ID_MAX, &v->id) ||
	    !setting_u32(c, s, "fdb_max", 0, FDB_MAX_LIMIT, &v->fdb_max) ||
	    !setting_u32(c, s, "flood_rate", 0, SETTING_RATE_MAX, &v->flood_rate) ||
	    !setting_u32(c, s, "flood_burst", 0, SETTING_RATE_MAX, &v->flood_burst))
		return false;
	if (name == NULL) {
		snprintf(v->name, sizeof(v->name), "van%u", v->id);
		return true;
	}
	if (!setting_name_ok(name, BRIDGE_NAME_MAX))
		return setting_fail(c, config_setting_get_member(s, "name"),
		    "name '%s': 1-%d of A-Z a-z 0-9 _ . -", name, BRIDGE_NAME_MAX - 1);
	snprintf(v->name, sizeof(v->name), "%s", name);
	return true;
}

bool
site_van_unique(struct setting_ctx *c, const config_setting_t *s,
    const struct site_van *v, const struct site_van *before)
{
	if (before->id == v->id)
		return setting_fail(c, config_setting_get_member(s, "id"),
		    "VAN ID %u already used on line %d", v->id, before->line);
	if (config_setting_get_member(s, "name") != NULL &&
	    strcmp(before->name, v->name) == 0)
		return setting_fail(c, config_setting_get_member(s, "name"),
		    "VAN name '%s' already used on line %d", v->name, before->line);
	return true;
}

/* ----------------------------------------------------------- applying --- */

void
site_conf_bridge(const struct site_conf *s, struct bridge_conf *bc)
{
	bc->hello_ms = s->hello_ms;
	bc->dead_count = s->dead_count;
	bc->dad_moves = s->dad_moves;
	bc->dad_window_ms = s->dad_window_s * 1000;
	bc->dad_hold_ms = s->dad_hold_s * 1000;
	bc->member_routes_max = s->member_routes_max;
	bc->member_flood_rate = s->member_flood_rate;
	bc->member_learn_rate = s->member_learn_rate;
}

static bool
key_changed(const struct site_conf *old, const struct site_conf *s)
{
	return old->has_site_key != s->has_site_key ||
	    sodium_memcmp(old->site_key, s->site_key, sizeof(s->site_key)) != 0 ||
	    old->has_accept_key != s->has_accept_key ||
	    sodium_memcmp(old->accept_key, s->accept_key, sizeof(s->accept_key)) != 0;
}

/* Whether conf s takes key k: as its site key or the one it accepts. */
static bool
key_taken(const struct site_conf *s, const uint8_t k[static 32])
{
	return (s->has_site_key &&
	    sodium_memcmp(s->site_key, k, sizeof(s->site_key)) == 0) ||
	    (s->has_accept_key &&
	    sodium_memcmp(s->accept_key, k, sizeof(s->accept_key)) == 0);
}

/*
 * A step of a rotation (docs/protocol.md §7) keeps the key sent before
 * accepted and sends a key accepted before: members one step apart still
 * hear each other.  Anything else cuts this member off from those that
 * have not made the same change.
 */
static void
key_log(const struct site_conf *old, const struct site_conf *s)
{
	if (!s->has_site_key) {
		log_warn("site key removed: every member needs the same one");
		return;
	}
	if (old->has_site_key && key_taken(s, old->site_key) &&
	    key_taken(old, s->site_key)) {
		if (s->has_accept_key)
			log_info("site key: sealing with %s, also accepting %s",
			    s->site_key_file, s->accept_key_file);
		else
			log_info("site key: sealing with and accepting %s only",
			    s->site_key_file);
		return;
	}
	log_warn("site key changed: members that do not accept %s refuse our "
	    "messages, and we theirs unless we accept their key (a rotation "
	    "adds the new key as site_key_accept first)", s->site_key_file);
}

void
site_conf_apply(struct bridge *b, const struct site_conf *old,
    const struct site_conf *s)
{
	if (old != NULL && key_changed(old, s))
		key_log(old, s);
	if (old == NULL || key_changed(old, s) ||
	    old->site_key_compat != s->site_key_compat)
		bridge_set_auth(b, s->has_site_key ? s->site_key : NULL,
		    s->has_accept_key ? s->accept_key : NULL, s->site_key_compat);
	log_set_level(s->log_level);
	site_trace_sync(b);
	log_debug("settings applied: hello_ms %u, dead_count %u, dad %u moves in %u s, "
	    "hold %u s, site key %s, log_level %s", s->hello_ms, s->dead_count,
	    s->dad_moves, s->dad_window_s, s->dad_hold_s,
	    !s->has_site_key ? "off" : s->has_accept_key ? "on (and an accepted one)" :
	    "on", log_level_str(s->log_level));
	if (old == NULL)
		return;
	if (old->fdb_max != s->fdb_max)
		log_warn("fdb_max changes at the next start (now %u)", old->fdb_max);
	if (strcmp(old->control, s->control) != 0)
		log_warn("control socket moves at the next start (now %s)",
		    old->control);
}

void
site_conf_keep(struct site_conf *s, const struct site_conf *running)
{
	s->fdb_max = running->fdb_max;
	memcpy(s->control, running->control, sizeof(s->control));
}

static const struct site_van *
van_at(const struct site_van *vans, size_t stride, unsigned i)
{
	return (const struct site_van *)(const void *)((const char *)vans +
	    (size_t)i * stride);
}

static bool
van_listed(const struct site_van *vans, size_t stride, unsigned n, uint32_t id)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (van_at(vans, stride, i)->id == id)
			return true;
	return false;
}

void
site_vans_apply(struct bridge *b, struct bridge_out *o, const char *file,
    const struct site_van *vans, size_t stride, unsigned n, bool reload,
    void (*gone)(void *, uint32_t), void *arg, monotime_t now)
{
	struct bridge_size size;
	const struct site_van *v;
	const char *e;
	uint32_t slot;
	unsigned i;
	int k;

	bridge_size(b, &size);
	for (slot = 0; slot < size.van_max; slot++) {
		uint32_t id = bridge_van_id(b, slot);

		if (id == 0 || van_listed(vans, stride, n, id))
			continue;
		if (gone != NULL)
			gone(arg, slot);
		log_info("VAN %u removed", id);
		bridge_van_del(b, o, slot, now, &e);
	}
	for (i = 0; i < n; i++) {
		v = van_at(vans, stride, i);
		if (bridge_van_find(b, v->id) >= 0)
			continue;
		/* Unnamed at first: its name may be another's until the renames. */
		if (bridge_van_add(b, v->id, NULL, &e) < 0) {
			log_err("%s:%d: VAN %u: %s", file, v->line, v->id, e);
			continue;
		}
		if (reload)
			log_info("VAN %u added", v->id);
	}
	/* Names are unique in the file, but a VAN renamed may hold another's
	 * name of the old one: every VAN unnamed first, then named. */
	for (i = 0; i < n; i++)
		if ((k = bridge_van_find(b, van_at(vans, stride, i)->id)) >= 0)
			(void)bridge_van_rename(b, (uint32_t)k, "", &e);
	for (i = 0; i < n; i++) {
		v = van_at(vans, stride, i);
		if ((k = bridge_van_find(b, v->id)) < 0)
			continue;
		if (bridge_van_rename(b, (uint32_t)k, v->name, &e) == -1)
			log_err("%s:%d: VAN %u: %s", file, v->line, v->id, e);
		bridge_van_limits(b, (uint32_t)k, v->fdb_max, v->flood_rate,
		    v->flood_burst);
	}
}
