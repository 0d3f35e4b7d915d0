/*
 * fuzz_ctl.c — libFuzzer harness for the control socket's requests end to
 * end, without a socket: the bytes of a request line through ctl_answer
 * (edge/rim/ctl.c: request_split, the handler, the envelope) to the
 * answers of the requests both daemons share (edge/rim/show.c: show vans,
 * ports, members, fdb [VAN], neigh [VAN], stats, graph; log-level) and
 * vanedge's attach / detach of ports (here without taps: the bridge's
 * ports), on a live bridge: an edge with two VANs, three members and
 * ports, driven between requests by the fuzzer as fuzz_bridge does.
 * Records: [who][dt][len][bytes]; who % 8 = 6 or 7: a request line
 * (who & 0x80: len * 8 bytes, past the line limit).
 *
 * Invariants: every answer is one line of JSON, {"ok":true,"result":...}
 * or {"ok":false,"error":"..."} with a non-empty error that is not "out
 * of memory" (memory does not run out here); the counters
 * count each request once and each refusal once; show vans and show ports
 * list what the bridge has; show fdb VAN and show neigh VAN list only
 * that VAN's; show stats reports the control counters as they are; the
 * bridge's tables stay consistent (tests/fuzz/harness.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "edge/rim/ctl.h"
#include "edge/rim/log.h"
#include "edge/rim/setting.h"
#include "edge/rim/show.h"
#include "edge/rim/site.h"
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */
#include "edge/van/mac.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PORTS	8

static struct bridge b;
static struct bridge_out out;
static struct ctl_stats st;
static struct van_addr members[3];
static char port_names[PORTS][16];	/* by slot: "" none */
static monotime_t now;

static const char *
port_name(void *arg, uint32_t p)
{
	(void)arg;
	return p < PORTS && port_names[p][0] != '\0' ? port_names[p] : "?";
}

static int
port_by_name(const char *name)
{
	int p;

	for (p = 0; p < PORTS; p++)
		if (strcmp(port_names[p], name) == 0)
			return p;
	return -1;
}

/* `attach VAN TAP [MAC]` and `detach TAP`, as vanedge parses them. */
static json_t *
attach(int argc, char **argv, char *err, size_t errlen)
{
	uint8_t mac[6];
	const char *e;
	int v, p;

	if (argc != 3 && argc != 4) {
		snprintf(err, errlen, "usage: attach VAN TAP [MAC]");
		return NULL;
	}
	if ((v = show_van_arg(&b, argv[1], err, errlen)) < 0)
		return NULL;
	if (argc == 4 && (!mac_parse(argv[3], mac) || eth_is_multicast(mac) ||
	    eth_is_zero(mac))) {
		snprintf(err, errlen, "'%s' is not a unicast MAC address", argv[3]);
		return NULL;
	}
	if (!setting_name_ok(argv[2], SETTING_IFNAMSIZ) || port_by_name(argv[2]) >= 0) {
		snprintf(err, errlen, "'%s': not an interface name, or taken", argv[2]);
		return NULL;
	}
	if ((p = bridge_port_add(&b, &out, (uint32_t)v, argc == 4 ? mac : NULL, 0, now,
	    &e)) < 0) {
		snprintf(err, errlen, "%s", e);
		return NULL;
	}
	fz_discard(&out, NULL);
	if (p >= PORTS)
		abort();
	snprintf(port_names[p], sizeof(port_names[p]), "%s", argv[2]);
	return json_pack("{s:s, s:I}", "tap", argv[2], "van",
	    (json_int_t)bridge_van_id(&b, (uint32_t)v));
}

static json_t *
handle(void *arg, int argc, char **argv, char *err, size_t errlen)
{
	json_t *s;
	bool mine;
	int p;

	(void)arg;
	if (strcmp(argv[0], "show") == 0) {
		if (argc == 2 && strcmp(argv[1], "graph") == 0)
			return show_graph(&b, "edge", "fuzz", now);
		s = show_request(&b, &st, argc, argv, port_name, NULL, NULL, now, &mine,
		    err, errlen);
		if (!mine)
			snprintf(err, errlen, "usage: show vans|ports|members|stats|graph|"
			    "fdb [VAN]|neigh [VAN]");
		return s;
	}
	if (strcmp(argv[0], "log-level") == 0)
		return show_log_level(&b, argc, argv, err, errlen);
	if (strcmp(argv[0], "attach") == 0)
		return attach(argc, argv, err, errlen);
	if (strcmp(argv[0], "detach") == 0) {
		if (argc != 2 || (p = port_by_name(argv[1])) < 0) {
			snprintf(err, errlen, "usage: detach TAP (a port)");
			return NULL;
		}
		bridge_port_del(&b, &out, (uint32_t)p, now);
		fz_discard(&out, NULL);
		port_names[p][0] = '\0';
		return json_pack("{s:s}", "tap", argv[1]);
	}
	snprintf(err, errlen, "unknown request '%s'", argv[0]);
	return NULL;
}

/* Every element of the array answered has "van" = id (0: any). */
static void
check_vans_of(const json_t *arr, uint32_t id)
{
	const json_t *o;
	size_t i;

	if (!json_is_array(arr))
		abort();
	json_array_foreach(arr, i, o)
		if (id != 0 && json_integer_value(json_object_get(o, "van")) != id)
			abort();
}

static void
check_answer(const char *req, const char *ans, const struct ctl_stats *was)
{
	const json_t *ok, *res, *er;
	char *argv[REQUEST_ARGS_MAX + 1], *line;
	json_error_t je;
	json_t *doc;
	const char *e;
	size_t n = strlen(ans);
	int argc;

	if (n == 0 || ans[n - 1] != '\n' || memchr(ans, '\n', n - 1) != NULL)
		abort();
	if ((doc = json_loads(ans, 0, &je)) == NULL || !json_is_object(doc))
		abort();
	ok = json_object_get(doc, "ok");
	res = json_object_get(doc, "result");
	er = json_object_get(doc, "error");
	if (!json_is_boolean(ok) || st.requests != was->requests + 1)
		abort();
	if (json_is_true(ok)) {
		if (res == NULL || er != NULL || st.errors != was->errors ||
		    st.rejected != was->rejected)
			abort();
	} else {
		/* Memory does not run out here: that answer is a lie. */
		if (res != NULL || !json_is_string(er) || json_string_length(er) == 0 ||
		    strcmp(json_string_value(er), "out of memory") == 0 ||
		    st.errors + st.rejected != was->errors + was->rejected + 1)
			abort();
		json_decref(doc);
		return;
	}
	/* What the request asked, split again (it was split in place). */
	line = strdup(req);
	argc = request_split(line, strlen(line), argv, &e);
	if (argc >= 2 && strcmp(argv[0], "show") == 0) {
		if (strcmp(argv[1], "vans") == 0 &&
		    json_array_size(res) != b.nvans)
			abort();
		if (strcmp(argv[1], "ports") == 0 && json_array_size(res) != b.nports)
			abort();
		if (strcmp(argv[1], "fdb") == 0 || strcmp(argv[1], "neigh") == 0) {
			char err[64];
			int v = argc == 3 ? show_van_arg(&b, argv[2], err, sizeof(err)) : -1;

			check_vans_of(res, v >= 0 ? bridge_van_id(&b, (uint32_t)v) : 0);
		}
		if (strcmp(argv[1], "stats") == 0) {
			const json_t *c = json_object_get(res, "control");

			if (json_integer_value(json_object_get(c, "requests")) !=
			    (json_int_t)st.requests ||
			    json_integer_value(json_object_get(c, "errors")) !=
			    (json_int_t)was->errors)
				abort();
		}
	}
	free(line);
	json_decref(doc);
}

static void
request(const uint8_t *bytes, size_t len)
{
	struct ctl_stats was = st;
	char *line = malloc(len + 1), *keep, *ans;
	const char *nl;

	/* A line ends at its first newline, as evbuffer_readln cuts it. */
	if ((nl = memchr(bytes, '\n', len)) != NULL)
		len = (size_t)(nl - (const char *)bytes);
	memcpy(line, bytes, len);
	line[len] = '\0';
	keep = strdup(line);
	if ((ans = ctl_answer(handle, NULL, &st, line, len)) == NULL)
		abort();
	check_answer(keep, ans, &was);
	free(ans);
	free(keep);
	free(line);
	log_set_level(LOG_LVL_ERR);	/* log-level debug: not for every run */
	site_trace_sync(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_conf c = { .fdb_max = 64, .hello_ms = 100, .dead_count = 3,
	    .epoch = 42, .van_max = 4, .port_max = PORTS, .member_max = 8,
	    .memb_max = 16, .neigh_max = 32, .arp_proxy = true };
	const char *err;
	size_t off = 0;
	int i;

	log_set_level(LOG_LVL_ERR);
	now = MONO_SEC(1);
	memset(&st, 0, sizeof(st));
	memset(port_names, 0, sizeof(port_names));
	memset(c.hashkey, 7, sizeof(c.hashkey));
	addr_parse("10.0.0.9", 4797, &c.self, &err);
	if (bridge_init(&b, &c) != 0)
		abort();
	bridge_out_init(&out, fz_discard, NULL);
	bridge_van_add(&b, 100, "a", &err);
	bridge_van_add(&b, 200, "b", &err);
	for (i = 0; i < 3; i++) {
		char s[16] = "10.0.0.1";

		s[7] = (char)('1' + i);
		addr_parse(s, 4797, &members[i], &err);
		bridge_member_add(&b, &out, &members[i], now, &err);
	}
	for (i = 0; i < 4; i++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)i };
		int p = bridge_port_add(&b, &out, (uint32_t)(i / 2), i == 0 ? mac : NULL, 0,
		    now, &err);

		snprintf(port_names[p], sizeof(port_names[p]), "tap%d", i);
	}
	bridge_start(&b, &out, now);
	fz_discard(&out, NULL);

	while (size - off >= 3) {
		uint8_t who = data[off], dt = data[off + 1];
		size_t len = data[off + 2];
		uint8_t *msg;
		int p;

		off += 3;
		if (who % 8 >= 6 && (who & 0x80))
			len *= 8;
		if (len > size - off)
			len = size - off;
		msg = malloc(len ? len : 1);
		memcpy(msg, data + off, len);
		off += len;
		now += MONO_MS(dt);
		switch (who % 8) {
		case 0:
		case 1:
		case 2:
			bridge_input(&b, &out, &members[who % 8], NULL, msg, len, now);
			break;
		case 3:
			bridge_tick(&b, &out, now);
			break;
		case 4:
		case 5:
			p = (who >> 3) % PORTS;
			if (b.port[p].used)
				bridge_port_frame(&b, &out, (uint32_t)p, msg, len, 1, now);
			break;
		default:
			request(msg, len);
			break;
		}
		fz_discard(&out, NULL);
		free(msg);
		fz_check_tables(&b);
	}
	bridge_fini(&b);
	return 0;
}
