/*
 * vanctl.c — inspect and change a running vanedge or vanproxy through its
 * control socket: send one request line, read the JSON answer, print it as
 * tables (default) or as JSON (--json).  The daemon decides which requests
 * it knows (vanproxy: no ports; `show peers`).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "edge/rim/version.h"
#include "edge/vanctl/graph.h"

#define DEFAULT_SOCKET	"/run/van/edge.sock"
#define PROXY_SOCKET	"/run/van/proxy.sock"
#define REPLY_MAX	(64 << 20)

struct column {
	const char	*key;
	const char	*title;
};

/* To stdout with status 0 when asked for (-h, --help), else to stderr, 2. */
static void __attribute__((noreturn))
usage(FILE *out, int status)
{
	fprintf(out,
	    "usage: vanctl [-s socket | --proxy] [--json] command\n"
	    "       vanctl -h | --help | --version\n"
	    "  show vans | ports | members | stats | fdb [VAN] | neigh [VAN]\n"
	    "  show peers               vanproxy: tunnels, handshakes, VAN pairs\n"
	    "  show graph [--dot]       the site (vanproxy: and its peers) as a graph\n"
	    "  attach VAN TAP [MAC]     vanedge: attach a tap (created if missing)\n"
	    "  attach VAN --device IFNAME [MAC]\n"
	    "                           vanedge: attach an existing interface (a\n"
	    "                           guest's tap that QEMU owns, a veth end)\n"
	    "  detach TAP|IFNAME        vanedge\n"
	    "  reload                   re-read the configuration file\n"
	    "  log-level [error|warn|info|debug]\n"
	    "                           the daemon's log level, or set it until\n"
	    "                           the next reload or restart\n"
	    "  role active|standby|renew\n"
	    "                           vanproxy of a gateway pair (ha = true):\n"
	    "                           serve, stand by sending nothing, or serve\n"
	    "                           anew (a newer epoch: after a split pair)\n"
	    "The socket is %s unless -s or $VAN_SOCKET says otherwise;\n"
	    "--proxy (-p) is -s %s.\n"
	    "Exit: 0 done; 1 the daemon cannot be reached, refused the request\n"
	    "(its error on stderr) or answered no JSON; 2 usage (also a request\n"
	    "too long).\n",
	    DEFAULT_SOCKET, PROXY_SOCKET);
	exit(status);
}

/* Send the request, return the whole reply (NUL-terminated) or NULL. */
static char *
request(const char *path, const char *line)
{
	struct sockaddr_un sun;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vanctl: socket path too long\n");
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "vanctl: %s: %s (is the daemon running?)\n", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "vanctl: %s: write: %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > REPLY_MAX || (nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "vanctl: reply too large\n");
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "vanctl: %s: read: %s\n", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (buf == NULL)
		return NULL;
	buf[len] = '\0';
	return buf;
}

/* One cell: integers, strings, null as "-", objects as k=v,k=v. */
static void
cell(const json_t *v, char *out, size_t n)
{
	const char *k;
	json_t *x;
	size_t used = 0;

	if (v == NULL || json_is_null(v))
		snprintf(out, n, "-");
	else if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(out, n, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_object(v)) {
		out[0] = '\0';
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			char sub[64];

			cell(x, sub, sizeof(sub));
			used += (size_t)snprintf(out + used, used < n ? n - used : 0,
			    "%s%s=%s", used ? "," : "", k, sub);
		}
		if (used == 0)
			snprintf(out, n, "-");
	} else
		snprintf(out, n, "?");
}

static void
table(const json_t *rows, const struct column *cols)
{
	size_t ncol, c, i, w[32] = { 0 };
	char buf[512];
	const json_t *row;

	for (ncol = 0; cols[ncol].key != NULL; ncol++)
		w[ncol] = strlen(cols[ncol].title);
	json_array_foreach(rows, i, row)
		for (c = 0; c < ncol; c++) {
			cell(json_object_get(row, cols[c].key), buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	for (c = 0; c < ncol; c++)
		printf("%-*s%s", c + 1 < ncol ? (int)w[c] : 0, cols[c].title,
		    c + 1 < ncol ? "  " : "\n");
	json_array_foreach(rows, i, row)
		for (c = 0; c < ncol; c++) {
			cell(json_object_get(row, cols[c].key), buf, sizeof(buf));
			printf("%-*s%s", c + 1 < ncol ? (int)w[c] : 0, buf,
			    c + 1 < ncol ? "  " : "\n");
		}
}

static const struct column vans_cols[] = {
	{ "id", "VAN" }, { "name", "NAME" }, { "ports", "PORTS" },
	{ "members", "MEMBERS" }, { "fdb_local", "LOCAL-MACS" },
	{ "fdb_remote", "REMOTE-MACS" }, { NULL, NULL },
};
static const struct column ports_cols[] = {
	{ "tap", "PORT" }, { "kind", "KIND" }, { "van", "VAN" }, { "van_name", "NAME" },
	{ "mac", "MAC" }, { "state", "STATE" }, { "rx_frames", "RX-FRAMES" },
	{ "tx_frames", "TX-FRAMES" }, { "drops", "DROPS" }, { NULL, NULL },
};
static const struct column fdb_cols[] = {
	{ "van", "VAN" }, { "mac", "MAC" }, { "kind", "KIND" }, { "where", "WHERE" },
	{ "age_ms", "AGE-MS" }, { "static", "STATIC" }, { "seq", "SEQ" },
	{ "frozen_ms", "FROZEN-MS" }, { NULL, NULL },
};
static const struct column neigh_cols[] = {
	{ "van", "VAN" }, { "address", "ADDRESS" }, { "mac", "MAC" },
	{ "kind", "KIND" }, { "router", "ROUTER" }, { "age_ms", "AGE-MS" },
	{ NULL, NULL },
};
static const struct column members_cols[] = {
	{ "address", "MEMBER" }, { "state", "STATE" }, { "state_ms", "FOR-MS" },
	{ "vans", "VANS" }, { "shared", "SHARED" }, { "routes", "ROUTES" },
	{ "hello_age_ms", "HELLO-AGE-MS" }, { "epoch", "EPOCH" },
	{ "auth_key", "KEY" }, { NULL, NULL },
};
static const struct column van_stats_cols[] = {
	{ "id", "VAN" }, { "name", "NAME" }, { "frames_in", "IN" },
	{ "frames_out", "OUT" }, { "data_tx", "DATA-TX" }, { "data_rx", "DATA-RX" },
	{ "flood_tx", "FLOOD-TX" }, { "flood_rx", "FLOOD-RX" },
	{ "learn_tx", "LEARN-TX" }, { "learn_rx", "LEARN-RX" },
	{ "unlearn_tx", "UNLEARN-TX" }, { "unlearn_rx", "UNLEARN-RX" },
	{ "moves", "MOVES" }, { "dad_freezes", "FROZEN" },
	{ "drops_total", "DROPS" }, { NULL, NULL },
};
static const struct column peers_cols[] = {
	{ "name", "PEER" }, { "endpoint", "ENDPOINT" }, { "state", "STATE" },
	{ "handshake_age_s", "HANDSHAKE-S" }, { "rx_bytes", "RX-BYTES" },
	{ "tx_bytes", "TX-BYTES" }, { "routes", "ROUTES" }, { "mapping", "VANS" },
	{ "heal", "HEAL" }, { "role", "ROLE" }, { NULL, NULL },
};
static const struct column member_stats_cols[] = {
	{ "address", "MEMBER" }, { "rx_bytes", "RX-BYTES" }, { "tx_bytes", "TX-BYTES" },
	{ "restarts", "RESTARTS" }, { "deaths", "DEATHS" }, { "syncs", "SYNCS" },
	{ "drops_total", "DROPS" }, { NULL, NULL },
};

/* Lines "  VAN 100 drops: reason=n,..." for rows with any. */
static void
drop_lines(const json_t *rows, const char *label, const char *key)
{
	const json_t *row;
	size_t i;
	char who[128], drops[512];

	json_array_foreach(rows, i, row) {
		const json_t *d = json_object_get(row, "drops");

		if (d == NULL || json_object_size(d) == 0)
			continue;
		cell(json_object_get(row, key), who, sizeof(who));
		cell(d, drops, sizeof(drops));
		printf("  %s %s: %s\n", label, who, drops);
	}
}

static void
print_stats(const json_t *r)
{
	const json_t *members = json_object_get(r, "members");
	const json_t *g = json_object_get(r, "global"), *c;
	const json_t *row;
	char buf[512];
	size_t i;

	printf("VANs\n");
	table(json_object_get(r, "vans"), van_stats_cols);
	/* vanproxy: frames carried between its site and peers, and between peers. */
	json_array_foreach(json_object_get(r, "vans"), i, row)
		if (json_object_get(row, "relayed") != NULL)
			printf("  VAN %lld: relayed %lld, transit %lld\n",
			    (long long)json_integer_value(json_object_get(row, "id")),
			    (long long)json_integer_value(json_object_get(row, "relayed")),
			    (long long)json_integer_value(json_object_get(row, "transit")));
	printf("\nMembers\n");
	table(members, member_stats_cols);
	json_array_foreach(members, i, row) {
		char rx[256], tx[256];

		cell(json_object_get(row, "address"), buf, sizeof(buf));
		cell(json_object_get(row, "rx"), rx, sizeof(rx));
		cell(json_object_get(row, "tx"), tx, sizeof(tx));
		printf("  %s rx %s\n  %*s tx %s\n", buf, rx, (int)strlen(buf), "", tx);
	}
	printf("\nDrops\n");
	cell(json_object_get(g, "drops"), buf, sizeof(buf));
	printf("  global: %s\n", buf);
	drop_lines(json_object_get(r, "vans"), "VAN", "id");
	drop_lines(members, "member", "address");
	if ((c = json_object_get(r, "control")) != NULL) {
		cell(c, buf, sizeof(buf));
		printf("\nControl: %s\n", buf);
	}
	if ((c = json_object_get(r, "daemon")) != NULL) {
		cell(c, buf, sizeof(buf));
		printf("Daemon: %s\n", buf);
	}
	/* vanproxy: the tunnel socket and device. */
	if ((c = json_object_get(r, "tunnel")) != NULL) {
		static const char *const keys[] = { "rx_datagrams", "tx_datagrams",
		    "tx_errors", "uapi_refused", "orphans", "drops_total", NULL };
		size_t used = 0;

		for (i = 0; keys[i] != NULL; i++) {
			char v[64];

			cell(json_object_get(c, keys[i]), v, sizeof(v));
			used += (size_t)snprintf(buf + used, used < sizeof(buf) ?
			    sizeof(buf) - used : 0, "%s%s=%s", i ? "," : "", keys[i], v);
		}
		printf("Tunnels: %s\n", buf);
		cell(json_object_get(c, "drops"), buf, sizeof(buf));
		printf("  drops: %s\n", buf);
		cell(json_object_get(c, "events"), buf, sizeof(buf));
		printf("  events: %s\n", buf);
	}
}

/*
 * A peer's VAN pairs as one cell, "ours>theirs" each ("100>300,200>310"),
 * with a '*' where the peer has not JOINed it (yet).
 */
static void
print_peers(const json_t *r)
{
	const json_t *row, *v;
	size_t i, j;

	json_array_foreach(r, i, row) {
		char buf[512];
		size_t used = 0;

		buf[0] = '\0';
		json_array_foreach(json_object_get(row, "vans"), j, v)
			used += (size_t)snprintf(buf + used, used < sizeof(buf) ?
			    sizeof(buf) - used : 0, "%s%lld>%lld%s", used ? "," : "",
			    (long long)json_integer_value(json_object_get(v, "local")),
			    (long long)json_integer_value(json_object_get(v, "remote")),
			    json_is_true(json_object_get(v, "joined")) ? "" : "*");
		json_object_set_new((json_t *)(uintptr_t)row, "mapping",
		    json_string(used ? buf : "-"));
	}
	table(r, peers_cols);
}

static void
print_human(int argc, char **argv, const json_t *r)
{
	char buf[512];

	if (strcmp(argv[0], "show") == 0 && argc >= 2) {
		if (strcmp(argv[1], "vans") == 0)
			table(r, vans_cols);
		else if (strcmp(argv[1], "ports") == 0)
			table(r, ports_cols);
		else if (strcmp(argv[1], "fdb") == 0)
			table(r, fdb_cols);
		else if (strcmp(argv[1], "members") == 0)
			table(r, members_cols);
		else if (strcmp(argv[1], "neigh") == 0)
			table(r, neigh_cols);
		else if (strcmp(argv[1], "peers") == 0)
			print_peers(r);
		else if (strcmp(argv[1], "stats") == 0)
			print_stats(r);
		else if (strcmp(argv[1], "graph") == 0) {
			if (graph_text(stdout, r, buf, sizeof(buf)) == -1)
				fprintf(stderr, "vanctl: %s\n", buf);
		} else {
			cell(r, buf, sizeof(buf));
			printf("%s\n", buf);
		}
		return;
	}
	if (strcmp(argv[0], "attach") == 0)
		printf("attached %s %s to VAN %lld\n",
		    json_string_value(json_object_get(r, "kind")),
		    json_string_value(json_object_get(r, "tap")),
		    (long long)json_integer_value(json_object_get(r, "van")));
	else if (strcmp(argv[0], "detach") == 0)
		printf("detached %s\n", json_string_value(json_object_get(r, "tap")));
	else if (strcmp(argv[0], "reload") == 0)
		printf("reloaded %s\n", json_string_value(json_object_get(r, "config")));
	else if (strcmp(argv[0], "role") == 0)
		printf("role %s\n", json_string_value(json_object_get(r, "role")));
	else if (strcmp(argv[0], "log-level") == 0)
		printf("log-level %s\n", json_string_value(json_object_get(r, "log_level")));
	else {
		cell(r, buf, sizeof(buf));
		printf("%s\n", buf);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "proxy", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("VAN_SOCKET");
	char line[1100], *reply;
	json_t *doc, *result;
	json_error_t jerr;
	bool as_json = false, as_dot = false;
	size_t len = 0;
	int ch, i, rc;

	if (path == NULL)
		path = DEFAULT_SOCKET;
	while ((ch = getopt_long(argc, argv, "+jps:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			as_json = true;
			break;
		case 's':
			path = optarg;
			break;
		case 'p':
			path = PROXY_SOCKET;
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			version_print(stdout, "vanctl");
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(stderr, 2);
	if (!graph_args(&argc, argv, &as_dot) || (as_dot && as_json)) {
		fprintf(stderr, "vanctl: usage: show graph [--dot] (or --json)\n");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (strchr(argv[i], '\n') != NULL || strlen(argv[i]) + len + 2 > sizeof(line) - 1) {
			fprintf(stderr, "vanctl: request too long or contains a newline\n");
			return 2;
		}
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
		    i ? " " : "", argv[i]);
	}
	snprintf(line + len, sizeof(line) - len, "\n");
	if ((reply = request(path, line)) == NULL)
		return 1;
	doc = json_loads(reply, 0, &jerr);
	free(reply);
	if (doc == NULL || !json_is_object(doc)) {
		fprintf(stderr, "vanctl: the daemon's reply is not JSON: %s\n", jerr.text);
		json_decref(doc);
		return 1;
	}
	if (!json_is_true(json_object_get(doc, "ok"))) {
		const char *e = json_string_value(json_object_get(doc, "error"));

		fprintf(stderr, "vanctl: %s\n", e != NULL ? e : "request failed");
		json_decref(doc);
		return 1;
	}
	result = json_object_get(doc, "result");
	rc = 0;
	if (as_json) {
		if (json_dumpf(result, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY) == -1)
			rc = 1;
		printf("\n");
	} else if (as_dot) {
		char err[256];

		if (graph_dot(stdout, result, err, sizeof(err)) == -1) {
			fprintf(stderr, "vanctl: %s\n", err);
			rc = 1;
		}
	} else
		print_human(argc, argv, result);
	json_decref(doc);
	return rc;
}
