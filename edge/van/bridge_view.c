/*
 * bridge_view.c — what the I/O layer may read of the bridge (bridge.h,
 * "views"), the look-ups every part of the core uses too (a VAN by ID or
 * name, a peer's ID of a VAN), and the few plain setters the I/O layer
 * needs beside the events: the bridge's fields stay the core's.  Copies
 * and pointers to counters; no decision is taken here.
 *
 * Pure.
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"

#include <string.h>

/* ------------------------------------------------------------ look-ups --- */

int
bridge_van_find(const struct bridge *b, uint32_t id)
{
	uint32_t v;

	if (id == 0 || !idmap_get(&b->van_by_id, id, &v))
		return -1;
	return (int)v;
}

int
bridge_van_find_name(const struct bridge *b, const char *name)
{
	uint32_t v;

	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used && strcmp(b->van[v].name, name) == 0)
			return (int)v;
	return -1;
}

uint32_t
bridge_peer_van(const struct bridge *b, uint32_t m, uint32_t our_id)
{
	uint32_t theirs;

	if (m >= b->conf.member_max || !b->member[m].peer ||
	    !idmap_get(&b->xmap_out, (uint64_t)m << 32 | our_id, &theirs))
		return 0;
	return theirs;
}

/* --------------------------------------------------------------- views --- */

void
bridge_size(const struct bridge *b, struct bridge_size *s)
{
	s->van_max = b->conf.van_max;
	s->port_max = b->conf.port_max;
	s->member_max = b->conf.member_max;
	s->nvans = b->nvans;
	s->nports = b->nports;
	s->nmembers = b->nmembers;
	s->proxy = b->conf.proxy;
}

bool
bridge_van_view(const struct bridge *b, uint32_t v, struct bridge_van_view *out)
{
	const struct bridge_van *van;
	uint32_t m, n = 0;

	if (v >= b->conf.van_max || !b->van[v].used)
		return false;
	van = &b->van[v];
	for (m = 0; m < b->conf.member_max; m++)
		if (b->member[m].used && member_bit(van->members, m))
			n++;
	out->id = van->id;
	out->name = van->name;
	out->nports = van->nports;
	out->nmembers = n;
	out->fdb_local = van->fdb_local;
	out->fdb_remote = van->fdb_remote;
	out->stats = &van->stats;
	return true;
}

bool
bridge_port_view(const struct bridge *b, uint32_t p, struct bridge_port_view *out)
{
	const struct bridge_port *port;

	if (p >= b->conf.port_max || !b->port[p].used)
		return false;
	port = &b->port[p];
	out->van = port->van;
	out->up = port->up;
	out->has_mac = port->has_mac;
	memcpy(out->mac, port->mac, 6);
	out->stats = &port->stats;
	return true;
}

bool
bridge_member_view(const struct bridge *b, uint32_t m, struct bridge_member_view *out)
{
	const struct bridge_member *mb;

	if (m >= b->conf.member_max || !b->member[m].used)
		return false;
	mb = &b->member[m];
	out->addr = mb->peer ? NULL : &mb->addr;
	out->peer = mb->peer;
	out->state = mb->state;
	out->state_since = mb->state_since;
	out->last_hello = mb->last_hello;
	out->epoch = mb->epoch;
	out->van_count = mb->van_count;
	out->vans_kept = mb->nmemb;
	out->shared = mb->shared;
	out->routes = mb->routes;
	out->routes_max = mb->routes_max;
	out->frame_max = mb->frame_max;
	out->auth = !b->conf.auth || mb->peer || mb->epoch == 0 ? NULL :
	    mb->v2 ? "pair-key" : "site-key";
	out->auth_key = !b->conf.auth || mb->peer ? NULL :
	    mb->rx_by == SITEKEY_BY_SITE ? "site_key" :
	    mb->rx_by == SITEKEY_BY_ACCEPT ? "site_key_accept" : NULL;
	out->stats = &mb->stats;
	return true;
}

uint32_t
bridge_van_id(const struct bridge *b, uint32_t v)
{
	return v < b->conf.van_max && b->van[v].used ? b->van[v].id : 0;
}

const struct van_addr *
bridge_member_addr(const struct bridge *b, uint32_t m)
{
	return m < b->conf.member_max && b->member[m].used && !b->member[m].peer ?
	    &b->member[m].addr : NULL;
}

bool
bridge_member_is_peer(const struct bridge *b, uint32_t m)
{
	return m < b->conf.member_max && b->member[m].used && b->member[m].peer;
}

bool
bridge_van_joined(const struct bridge *b, uint32_t v, uint32_t m)
{
	return v < b->conf.van_max && b->van[v].used && m < b->conf.member_max &&
	    member_bit(b->van[v].members, m);
}

const struct global_stats *
bridge_global_stats(const struct bridge *b)
{
	return &b->stats;
}

uint32_t
bridge_frame_max(const struct bridge *b)
{
	return b->conf.frame_max;
}

const struct fdb_entry *
bridge_fdb_next(const struct bridge *b, uint32_t *pos)
{
	return fdb_next(&b->fdb, pos);
}

const struct neigh_entry *
bridge_neigh_next(const struct bridge *b, uint32_t *pos)
{
	return neigh_next(&b->neigh, pos);
}

bool
bridge_events_pending(const struct bridge *b)
{
	return b->ev_head != b->ev_tail || b->tr_head != b->tr_tail;
}

bool
bridge_take_dump_due(struct bridge *b)
{
	bool due = b->dump_due;

	b->dump_due = false;
	return due;
}

uint64_t
bridge_refreshes(const struct bridge *b)
{
	return b->refreshes;
}

uint32_t
bridge_repeats_pending(const struct bridge *b)
{
	return b->nrepeats;
}

int
bridge_van_rename(struct bridge *b, uint32_t v, const char *name, const char **err)
{
	int other;

	if (v >= b->conf.van_max || !b->van[v].used) {
		*err = "no such VAN";
		return -1;
	}
	if (strlen(name) >= BRIDGE_NAME_MAX) {
		*err = "VAN name too long";
		return -1;
	}
	/* "" (no name) never clashes: a reload renames VANs in two passes. */
	if (name[0] != '\0' && (other = bridge_van_find_name(b, name)) >= 0 &&
	    (uint32_t)other != v) {
		*err = "VAN name already used";
		return -1;
	}
	memcpy(b->van[v].name, name, strlen(name) + 1);
	return 0;
}

void
bridge_count_member_error(struct bridge *b, uint32_t m)
{
	if (m < b->conf.member_max)
		b->member[m].stats.drops[DROP_TX_ERROR]++;
}
