/*
 * show.c — JSON views of a bridge for the control socket: VANs, ports, the
 * forwarding table, members, counters and the site's graph.  Field names
 * are the contract with vanctl and with scripts (docs/vanctl.md).
 *
 * It reads the bridge through its views (bridge.h), never its fields.
 * Pure apart from allocating the JSON it returns.  show_request answers
 * the `show` requests both daemons share.
 */
#include "edge/rim/show.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "edge/rim/ctl.h"
#include "edge/rim/log.h"
#include "edge/rim/site.h"
#include "edge/van/mac.h"

static json_t *
drops_json(const uint64_t *drops)
{
	json_t *o = json_object();
	int r;

	for (r = 1; r < DROP_REASON_COUNT; r++)
		if (drops[r] != 0)
			json_object_set_new(o, drop_reason_str((enum drop_reason)r),
			    json_integer((json_int_t)drops[r]));
	return o;
}

static uint64_t
drops_total(const uint64_t *drops)
{
	uint64_t t = 0;
	int r;

	for (r = 0; r < DROP_REASON_COUNT; r++)
		t += drops[r];
	return t;
}

static json_t *
json_mac(const uint8_t mac[static 6])
{
	char s[18];

	mac_str(mac, s);
	return json_string(s);
}

static json_t *
json_addr(const struct van_addr *a)
{
	char s[ADDR_STRLEN];

	return json_string(addr_str(a, s));
}

/* A member as the views name it: its address, or what the owner says. */
static json_t *
json_member(const struct bridge *b, uint32_t m, show_member_name name, void *arg)
{
	const char *s = name != NULL ? name(arg, m) : NULL;

	const struct van_addr *a;

	if (s != NULL)
		return json_string(s);
	return (a = bridge_member_addr(b, m)) != NULL ? json_addr(a) : json_string("?");
}

json_t *
show_vans(const struct bridge *b)
{
	json_t *arr = json_array();
	struct bridge_van_view van;
	struct bridge_size size;
	uint32_t v;

	bridge_size(b, &size);
	for (v = 0; v < size.van_max; v++) {
		if (!bridge_van_view(b, v, &van))
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:i, s:i, s:i, s:i}",
		    "id", (json_int_t)van.id, "name", van.name,
		    "ports", (int)van.nports, "members", (int)van.nmembers,
		    "fdb_local", (int)van.fdb_local, "fdb_remote", (int)van.fdb_remote));
	}
	return arr;
}

json_t *
show_ports(const struct bridge *b, show_port_name name, void *arg)
{
	json_t *arr = json_array();
	struct bridge_port_view port;
	struct bridge_van_view van;
	struct bridge_size size;
	uint32_t p;

	bridge_size(b, &size);
	for (p = 0; p < size.port_max; p++) {
		json_t *o;

		if (!bridge_port_view(b, p, &port) || !bridge_van_view(b, port.van, &van))
			continue;
		o = json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
		    "tap", name(arg, p), "van", (json_int_t)van.id,
		    "van_name", van.name, "state", port.up ? "up" : "down",
		    "rx_frames", (json_int_t)port.stats->rx_frames,
		    "tx_frames", (json_int_t)port.stats->tx_frames,
		    "rx_bytes", (json_int_t)port.stats->rx_bytes,
		    "tx_bytes", (json_int_t)port.stats->tx_bytes,
		    "drops", (json_int_t)port.stats->drops);
		json_object_set_new(o, "mac", port.has_mac ? json_mac(port.mac) :
		    json_string("any"));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
show_fdb(const struct bridge *b, uint32_t van_id, show_port_name name,
    show_member_name mname, void *arg, monotime_t now)
{
	json_t *arr = json_array();
	const struct fdb_entry *e;
	struct bridge_size size;
	uint32_t pos = 0;

	bridge_size(b, &size);
	while ((e = bridge_fdb_next(b, &pos)) != NULL) {
		json_t *o;

		if (van_id != 0 && e->van != van_id)
			continue;
		o = json_pack("{s:I, s:o, s:s}", "van", (json_int_t)e->van,
		    "mac", json_mac(e->mac),
		    "kind", e->kind == FDB_LOCAL ? "local" : "remote");
		if (e->kind == FDB_LOCAL)
			json_object_set_new(o, "where", json_string(name != NULL ?
			    name(arg, e->where) : "?"));
		else
			json_object_set_new(o, "where", json_member(b, e->where, mname, arg));
		json_object_set_new(o, "age_ms", json_integer(mono_to_ms(now - e->updated)));
		json_object_set_new(o, "static", json_boolean(e->flags & FDB_F_STATIC));
		json_object_set_new(o, "seq", json_integer(e->seq));
		if (size.proxy)
			json_object_set_new(o, "xseq", json_integer(e->xseq));
		json_object_set_new(o, "frozen_ms", e->frozen_until > now ?
		    json_integer(mono_to_ms(e->frozen_until - now)) : json_integer(0));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
show_neigh(const struct bridge *b, uint32_t van_id, monotime_t now)
{
	json_t *arr = json_array();
	const struct neigh_entry *e;
	uint32_t pos = 0;

	while ((e = bridge_neigh_next(b, &pos)) != NULL) {
		char ip[INET6_ADDRSTRLEN];
		struct van_addr a = { .family = e->addr.family };

		if (van_id != 0 && e->van != van_id)
			continue;
		memcpy(a.ip, e->addr.bytes, 16);
		inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.ip, ip, sizeof(ip));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:o, s:s, s:b, s:b, s:I}",
		    "van", (json_int_t)e->van, "address", ip, "mac", json_mac(e->mac),
		    "kind", neigh_kind_str((enum neigh_kind)e->kind),
		    "router", (e->flags & NEIGH_F_ROUTER) != 0,
		    "disputed", (e->flags & NEIGH_F_DISPUTED) != 0,
		    "age_ms", (json_int_t)mono_to_ms(now - e->updated)));
	}
	return arr;
}

json_t *
show_members(const struct bridge *b, show_member_name mname, void *arg,
    monotime_t now)
{
	json_t *arr = json_array();
	struct bridge_member_view mb;
	struct bridge_size size;
	uint32_t m;

	bridge_size(b, &size);
	for (m = 0; m < size.member_max; m++) {
		char epoch[20];
		json_t *o;

		if (!bridge_member_view(b, m, &mb))
			continue;
		snprintf(epoch, sizeof(epoch), "%016llx", (unsigned long long)mb.epoch);
		o = json_pack("{s:o, s:s, s:I, s:i, s:i, s:i, s:s}",
		    "address", json_member(b, m, mname, arg),
		    "state", member_state_str(mb.state),
		    "state_ms", (json_int_t)mono_to_ms(now - mb.state_since),
		    "vans", (int)mb.van_count, "shared", (int)mb.shared,
		    "routes", (int)mb.routes, "epoch", epoch);
		json_object_set_new(o, "hello_age_ms", mb.last_hello == 0 ? json_null() :
		    json_integer(mono_to_ms(now - mb.last_hello)));
		/* Memberships kept (vans counts those only counted, too). */
		json_object_set_new(o, "vans_kept", json_integer((json_int_t)mb.vans_kept));
		/* The trailer it seals with, once heard (site key only). */
		json_object_set_new(o, "auth", mb.auth == NULL ? json_null() :
		    json_string(mb.auth));
		/* The key its last message verified with: during a rotation,
		 * site_key_accept until it sends the new key. */
		json_object_set_new(o, "auth_key", mb.auth_key == NULL ? json_null() :
		    json_string(mb.auth_key));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
msgs_json(const uint64_t *by_type)
{
	json_t *o = json_object();
	unsigned t;

	for (t = 1; t <= WIRE_TYPE_MAX; t++)
		json_object_set_new(o, wire_type_str(t), json_integer((json_int_t)by_type[t]));
	return o;
}

json_t *
show_stats(const struct bridge *b, show_member_name mname, void *arg)
{
	json_t *vans = json_array(), *members = json_array();
	const struct global_stats *g = bridge_global_stats(b);
	struct bridge_member_view mb;
	struct bridge_van_view van;
	struct bridge_size size;
	uint32_t v, m;

	bridge_size(b, &size);
	for (v = 0; v < size.van_max; v++) {
		const struct van_stats *s;

		if (!bridge_van_view(b, v, &van))
			continue;
		s = van.stats;
		json_t *o = json_pack(
		    "{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
		    " s:I, s:I, s:o}",
		    "id", (json_int_t)van.id, "name", van.name,
		    "frames_in", (json_int_t)s->frames_in,
		    "frames_out", (json_int_t)s->frames_out,
		    "data_tx", (json_int_t)s->data_tx, "data_rx", (json_int_t)s->data_rx,
		    "flood_tx", (json_int_t)s->flood_tx,
		    "flood_copies", (json_int_t)s->flood_copies,
		    "flood_rx", (json_int_t)s->flood_rx,
		    "learn_tx", (json_int_t)s->learn_tx, "learn_rx", (json_int_t)s->learn_rx,
		    "unlearn_tx", (json_int_t)s->unlearn_tx,
		    "unlearn_rx", (json_int_t)s->unlearn_rx,
		    "learn_fail", (json_int_t)s->learn_fail,
		    "drops_total", (json_int_t)drops_total(s->drops),
		    "drops", drops_json(s->drops));

		json_object_set_new(o, "announces", json_integer((json_int_t)s->announces));
		json_object_set_new(o, "withdraws", json_integer((json_int_t)s->withdraws));
		json_object_set_new(o, "moves", json_integer((json_int_t)s->moves));
		json_object_set_new(o, "learn_stale", json_integer((json_int_t)s->learn_stale));
		json_object_set_new(o, "dad_freezes", json_integer((json_int_t)s->dad_freezes));
		json_object_set_new(o, "moves_refused",
		    json_integer((json_int_t)s->moves_refused));
		json_object_set_new(o, "arp_answered", json_integer((json_int_t)s->arp_answered));
		json_object_set_new(o, "nd_answered", json_integer((json_int_t)s->nd_answered));
		json_object_set_new(o, "arpnd_flooded",
		    json_integer((json_int_t)s->arpnd_flooded));
		json_object_set_new(o, "icmp_sent", json_integer((json_int_t)s->icmp_sent));
		json_object_set_new(o, "reannounces", json_integer((json_int_t)s->reannounces));
		json_object_set_new(o, "repeats", json_integer((json_int_t)s->repeats));
		json_object_set_new(o, "repeats_lost", json_integer((json_int_t)s->repeats_lost));
		if (size.proxy) {
			json_object_set_new(o, "relayed", json_integer((json_int_t)s->relayed));
			json_object_set_new(o, "transit", json_integer((json_int_t)s->transit));
		}
		json_array_append_new(vans, o);
	}
	for (m = 0; m < size.member_max; m++) {
		const struct member_stats *s;

		if (!bridge_member_view(b, m, &mb))
			continue;
		s = mb.stats;
		json_array_append_new(members, json_pack(
		    "{s:o, s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:o}",
		    "address", json_member(b, m, mname, arg),
		    "rx_bytes", (json_int_t)s->rx_bytes, "tx_bytes", (json_int_t)s->tx_bytes,
		    "rx", msgs_json(s->rx_msgs), "tx", msgs_json(s->tx_msgs),
		    "restarts", (json_int_t)s->restarts, "deaths", (json_int_t)s->deaths,
		    "syncs", (json_int_t)s->syncs,
		    "drops_total", (json_int_t)drops_total(s->drops),
		    "drops", drops_json(s->drops)));
		json_object_set_new(json_array_get(members, json_array_size(members) - 1),
		    "learn_refused", json_integer((json_int_t)s->learn_refused));
		json_object_set_new(json_array_get(members, json_array_size(members) - 1),
		    "auth_accepted", json_integer((json_int_t)s->auth_accepted));
	}
	return json_pack("{s:{s:I, s:I, s:o, s:I, s:I, s:I}, s:o, s:o}",
	    "global", "rx_msgs", (json_int_t)g->rx_msgs,
	    "drops_total", (json_int_t)drops_total(g->drops),
	    "drops", drops_json(g->drops),
	    "stalls", (json_int_t)g->stalls, "stall_ms", (json_int_t)g->stall_ms,
	    "repeats_pending", (json_int_t)bridge_repeats_pending(b),
	    "vans", vans, "members", members);
}

/* The VANs configured here that member m has JOINed: [{"id", "name"}]. */
static json_t *
member_vans(const struct bridge *b, uint32_t m, const struct bridge_size *size)
{
	struct bridge_van_view van;
	json_t *arr = json_array();
	uint32_t v;

	for (v = 0; v < size->van_max; v++)
		if (bridge_van_view(b, v, &van) && bridge_van_joined(b, v, m))
			json_array_append_new(arr, json_pack("{s:I, s:s}", "id",
			    (json_int_t)van.id, "name", van.name));
	return arr;
}

json_t *
show_graph(const struct bridge *b, const char *kind, const char *name,
    monotime_t now)
{
	json_t *nodes = json_array(), *edges = json_array(), *self, *vans;
	struct bridge_member_view mb;
	struct bridge_van_view van;
	struct bridge_size size;
	char id[BRIDGE_NAME_MAX + ADDR_STRLEN + 8], a[ADDR_STRLEN];
	uint32_t m, v;

	bridge_size(b, &size);
	snprintf(id, sizeof(id), "%s %s", kind, name);
	vans = json_array();
	for (v = 0; v < size.van_max; v++)
		if (bridge_van_view(b, v, &van))
			json_array_append_new(vans, json_pack("{s:I, s:s}", "id",
			    (json_int_t)van.id, "name", van.name));
	self = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "kind", kind,
	    "name", name, "state", "self", "vans", vans);
	json_array_append_new(nodes, self);
	for (m = 0; m < size.member_max; m++) {
		char epoch[20];
		json_t *o;

		if (!bridge_member_view(b, m, &mb) || mb.peer || mb.addr == NULL)
			continue;
		addr_str(mb.addr, a);
		snprintf(epoch, sizeof(epoch), "%016llx", (unsigned long long)mb.epoch);
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "id", a, "kind",
		    "member", "name", a, "state", member_state_str(mb.state),
		    "state_ms", (json_int_t)mono_to_ms(now - mb.state_since),
		    "epoch", epoch);
		json_object_set_new(o, "hello_age_ms", mb.last_hello == 0 ? json_null() :
		    json_integer(mono_to_ms(now - mb.last_hello)));
		json_array_append_new(nodes, o);
		json_array_append_new(edges, json_pack("{s:s, s:s, s:s, s:s, s:o, s:i}",
		    "kind", "member", "from", id, "to", a,
		    "state", member_state_str(mb.state),
		    "vans", member_vans(b, m, &size), "vans_joined", (int)mb.van_count));
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "view", kind, "self", id,
	    "nodes", nodes, "edges", edges);
}

/* ------------------------------------------------------------ requests --- */

int
show_van_arg(const struct bridge *b, const char *s, char *err, size_t errlen)
{
	char *end;
	unsigned long id;
	int v;

	id = strtoul(s, &end, 10);
	if (*s >= '0' && *s <= '9' && *end == '\0' && id <= UINT32_MAX)
		v = bridge_van_find(b, (uint32_t)id);
	else
		v = bridge_van_find_name(b, s);
	if (v < 0)
		snprintf(err, errlen, "unknown VAN '%s'", s);
	return v;
}

json_t *
show_request(const struct bridge *b, const struct ctl_stats *cs, int argc,
    char **argv, show_port_name port_name, show_member_name member_name,
    void *arg, monotime_t now, bool *mine, char *err, size_t errlen)
{
	int v;

	*mine = true;
	if (argc == 2 && strcmp(argv[1], "vans") == 0)
		return show_vans(b);
	if (argc == 2 && strcmp(argv[1], "ports") == 0 && port_name != NULL)
		return show_ports(b, port_name, arg);
	if (argc == 2 && strcmp(argv[1], "members") == 0)
		return show_members(b, member_name, arg, now);
	if ((argc == 2 || argc == 3) && (strcmp(argv[1], "fdb") == 0 ||
	    strcmp(argv[1], "neigh") == 0)) {
		uint32_t id = 0;

		if (argc == 3) {
			if ((v = show_van_arg(b, argv[2], err, errlen)) < 0)
				return NULL;
			id = bridge_van_id(b, (uint32_t)v);
		}
		if (strcmp(argv[1], "fdb") == 0)
			return show_fdb(b, id, port_name, member_name, arg, now);
		return show_neigh(b, id, now);
	}
	if (argc == 2 && strcmp(argv[1], "stats") == 0) {
		json_t *s = show_stats(b, member_name, arg);

		json_object_set_new(s, "control", json_pack("{s:I, s:I, s:I}",
		    "requests", (json_int_t)cs->requests, "errors", (json_int_t)cs->errors,
		    "rejected", (json_int_t)cs->rejected));
		return s;
	}
	*mine = false;
	return NULL;
}

json_t *
show_log_level(struct bridge *b, int argc, char **argv, char *err, size_t errlen)
{
	enum log_level lvl;

	if (argc > 2) {
		snprintf(err, errlen, "usage: log-level [error|warn|info|debug]");
		return NULL;
	}
	if (argc == 2) {
		if (!log_level_parse(argv[1], &lvl)) {
			snprintf(err, errlen, "log-level: '%s' is not a level (error, "
			    "warn, info, debug)", argv[1]);
			return NULL;
		}
		if (log_below_floor(lvl)) {
			snprintf(err, errlen, "log-level: started with -d: %s until it "
			    "restarts", log_level_str(log_get_level()));
			return NULL;
		}
		if (lvl != log_get_level()) {
			log_set_level(lvl);
			site_trace_sync(b);
			log_info("log level %s (vanctl; a reload sets the file's again)",
			    log_level_str(lvl));
		}
	}
	return json_pack("{s:s}", "log_level", log_level_str(log_get_level()));
}
