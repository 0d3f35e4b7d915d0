/*
 * test_wg_uapi.c — crypto/uapi.c [10]: the request Debian's `wg set` sends
 * (captured in the digest) parsed field by field; request framing; every
 * refusal and its errno; the get reply format line by line as wireguard-go
 * writes it; set -> text -> set round trips; allowed-IP prefixes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/endpoint.h"
#include "crypto/uapi.h"
#include "tests/unit/wgtest.h"

#define K1 "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a"
#define K2 "b85996fecc9c7f1fc6d2572a76eda11d59bcd20be8e543b15ce4bd85a8e75a33"
#define K3 "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceb7e19321376"

static const char wg_set_request[] =
    "set=1\n"
    "private_key=" K1 "\n"
    "listen_port=40001\n"
    "public_key=" K2 "\n"
    "preshared_key=" K3 "\n"
    "endpoint=127.0.0.1:5555\n"
    "persistent_keepalive_interval=25\n"
    "replace_allowed_ips=true\n"
    "allowed_ip=10.1.0.0/16\n"
    "allowed_ip=fd00::1/128\n"
    "\n";

static struct uapi_set *
new_set(void)
{
	struct uapi_set *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static int
parse(const char *text, struct uapi_set *s, enum uapi_op *op)
{
	return uapi_parse(text, strlen(text), op, s);
}

static void
test_parse_wg_set(void **state)
{
	struct uapi_set *s = new_set();
	enum uapi_op op;
	struct wg_key k;
	char ep[ENDPOINT_TEXT_MAX];
	const struct uapi_peer *p;
	uint8_t v6[16];

	(void)state;
	assert_int_equal(parse(wg_set_request, s, &op), 0);
	assert_int_equal(op, UAPI_OP_SET);
	assert_true(s->has_private_key);
	wgt_key(&k, K1);
	assert_memory_equal(s->private_key.b, k.b, 32);
	assert_true(s->has_listen_port);
	assert_int_equal(s->listen_port, 40001);
	assert_false(s->has_fwmark);
	assert_false(s->replace_peers);
	assert_int_equal(s->npeers, 1);
	p = &s->peers[0];
	wgt_key(&k, K2);
	assert_memory_equal(p->public_key.b, k.b, 32);
	assert_true(p->has_psk);
	wgt_key(&k, K3);
	assert_memory_equal(p->psk.b, k.b, 32);
	assert_true(p->has_endpoint);
	assert_true(endpoint_format(&p->endpoint, ep) > 0);
	assert_string_equal(ep, "127.0.0.1:5555");
	assert_true(p->has_keepalive);
	assert_int_equal(p->keepalive, 25);
	assert_true(p->replace_allowed_ips);
	assert_false(p->remove || p->update_only);
	assert_int_equal(p->allowed_count, 2);
	assert_int_equal(s->allowed[p->allowed_first].prefix.family, AF_INET);
	assert_int_equal(s->allowed[p->allowed_first].prefix.cidr, 16);
	assert_int_equal(s->allowed[p->allowed_first].prefix.addr[0], 10);
	assert_int_equal(s->allowed[p->allowed_first + 1].prefix.family,
	    AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, "fd00::1", v6), 1);
	assert_memory_equal(s->allowed[p->allowed_first + 1].prefix.addr, v6,
	    16);
	free(s);
}

static void
test_parse_misc(void **state)
{
	struct uapi_set *s = new_set();
	enum uapi_op op;

	(void)state;
	assert_int_equal(parse("get=1\n\n", s, &op), 0);
	assert_int_equal(op, UAPI_OP_GET);
	assert_int_equal(parse("set=1\npublic_key=" K2 "\nremove=true\n\n", s,
	    &op), 0);
	assert_int_equal(s->npeers, 1);
	assert_true(s->peers[0].remove);
	assert_int_equal(parse("set=1\n\n", s, &op), 0);
	assert_int_equal(s->npeers, 0);
	assert_int_equal(parse("set=1\nfwmark=4294967295\nreplace_peers=true\n"
	    "public_key=" K2 "\nupdate_only=true\nprotocol_version=1\n"
	    "endpoint=[2001:db8::5]:65535\npublic_key=" K3 "\n\n", s, &op), 0);
	assert_true(s->has_fwmark && s->fwmark == 4294967295u);
	assert_true(s->replace_peers);
	assert_int_equal(s->npeers, 2);
	assert_true(s->peers[0].update_only);
	assert_int_equal(s->peers[0].endpoint.addr.sa.sa_family, AF_INET6);
	assert_int_equal(ntohs(s->peers[0].endpoint.addr.in6.sin6_port), 65535);
	/* replace_allowed_ips replaces what came before it in the block */
	assert_int_equal(parse("set=1\npublic_key=" K2 "\nallowed_ip=1.0.0.0/8\n"
	    "replace_allowed_ips=true\nallowed_ip=2.0.0.0/8\n"
	    "allowed_ip=-3.0.0.0/8\n\n", s, &op), 0);
	assert_int_equal(s->peers[0].allowed_count, 2);
	assert_int_equal(s->nallowed, 2);
	assert_int_equal(s->allowed[0].prefix.addr[0], 2);
	assert_true(s->allowed[1].remove);
	free(s);
}

static void
test_errors(void **state)
{
	static const struct { const char *req; int err; } t[] = {
		{ "set=1\nlisten_port\n\n", -EPROTO },
		{ "set=1\nbogus=1\n\n", -EINVAL },
		{ "set=1\nlisten_port=65536\n\n", -EINVAL },
		{ "set=1\nlisten_port=-1\n\n", -EINVAL },
		{ "set=1\nlisten_port=+1\n\n", -EINVAL },
		{ "set=1\nlisten_port=\n\n", -EINVAL },
		{ "set=1\nlisten_port=1a\n\n", -EINVAL },
		{ "set=1\nfwmark=4294967296\n\n", -EINVAL },
		{ "set=1\nprivate_key=00\n\n", -EINVAL },
		{ "set=1\nreplace_peers=false\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "x\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nlisten_port=1\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nprotocol_version=2\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nremove=yes\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nendpoint=host:1\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nendpoint=1.2.3.4\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\nendpoint=1.2.3.4:99999\n\n",
		    -EINVAL },
		{ "set=1\npublic_key=" K2 "\nallowed_ip=10.0.0.0/33\n\n",
		    -EINVAL },
		{ "set=1\npublic_key=" K2 "\nallowed_ip=10.0.0.0\n\n", -EINVAL },
		{ "set=1\npublic_key=" K2 "\npersistent_keepalive_interval="
		    "65536\n\n", -EINVAL },
		{ "get=1\nx\n\n", -EINVAL },
	};
	struct uapi_set *s = new_set();
	enum uapi_op op;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s->npeers = 7;
		if (parse(t[i].req, s, &op) != t[i].err)
			fail_msg("case %zu: %s", i, t[i].req);
		/* a refused set leaves nothing behind */
		if (op == UAPI_OP_SET)
			assert_int_equal(s->npeers, 0);
	}
	free(s);
}

static void
test_limits(void **state)
{
	struct uapi_set *s = new_set();
	enum uapi_op op;
	char *req = malloc(UAPI_REQUEST_MAX);
	size_t n, i;

	(void)state;
	assert_non_null(req);
	n = (size_t)snprintf(req, UAPI_REQUEST_MAX, "set=1\n");
	for (i = 0; i <= UAPI_PEERS_MAX; i++)
		n += (size_t)snprintf(req + n, UAPI_REQUEST_MAX - n,
		    "public_key=" K2 "\n");
	n += (size_t)snprintf(req + n, UAPI_REQUEST_MAX - n, "\n");
	assert_true(n < UAPI_REQUEST_MAX);
	assert_int_equal(uapi_parse(req, n, &op, s), -ENOSPC);
	n = (size_t)snprintf(req, UAPI_REQUEST_MAX, "set=1\npublic_key=" K2 "\n");
	for (i = 0; i <= UAPI_ALLOWED_MAX; i++)
		n += (size_t)snprintf(req + n, UAPI_REQUEST_MAX - n,
		    "allowed_ip=10.0.0.1/32\n");
	n += (size_t)snprintf(req + n, UAPI_REQUEST_MAX - n, "\n");
	assert_true(n < UAPI_REQUEST_MAX);
	assert_int_equal(uapi_parse(req, n, &op, s), -ENOSPC);
	free(req);
	free(s);
}

static void
test_request_len(void **state)
{
	static const char two[] = "get=1\n\nset=1\nlisten_port=1\n\n";
	enum uapi_op op;

	(void)state;
	assert_int_equal(uapi_request_len("", 0, &op), 0);
	assert_int_equal(uapi_request_len("get=1", 5, &op), 0);
	assert_int_equal(uapi_request_len("get=1\n", 6, &op), 0);
	assert_int_equal(uapi_request_len("get=1\n\n", 7, &op), 7);
	assert_int_equal(op, UAPI_OP_GET);
	assert_int_equal(uapi_request_len("set=1\nfoo=1\n", 12, &op), 0);
	assert_int_equal(uapi_request_len(two, strlen(two), &op), 7);
	assert_int_equal(uapi_request_len(two + 7, strlen(two) - 7, &op), 21);
	assert_int_equal(op, UAPI_OP_SET);
	assert_int_equal(uapi_request_len("hello\n", 6, &op), -1);
	assert_int_equal(uapi_request_len("\n\n", 2, &op), -1);
	assert_int_equal(uapi_request_len("get=2\n\n", 7, &op), -1);
}

static void
test_format_get(void **state)
{
	static const char want[] =
	    "private_key=" K1 "\n"
	    "listen_port=51820\n"
	    "public_key=" K2 "\n"
	    "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
	    "protocol_version=1\n"
	    "endpoint=10.231.0.2:51821\n"
	    "last_handshake_time_sec=1795271007\n"
	    "last_handshake_time_nsec=300578264\n"
	    "tx_bytes=916\n"
	    "rx_bytes=860\n"
	    "persistent_keepalive_interval=0\n"
	    "allowed_ip=10.77.0.2/32\n"
	    "public_key=" K3 "\n"
	    "preshared_key=" K1 "\n"
	    "protocol_version=1\n"
	    "last_handshake_time_sec=0\n"
	    "last_handshake_time_nsec=0\n"
	    "tx_bytes=0\n"
	    "rx_bytes=0\n"
	    "persistent_keepalive_interval=25\n"
	    "errno=0\n"
	    "\n";
	char buf[2048];
	struct uapi_out o;
	struct uapi_device d;
	struct uapi_peer_info p;
	struct wg_key priv;
	struct wg_prefix pfx;

	(void)state;
	wgt_key(&priv, K1);
	uapi_out_init(&o, buf, sizeof(buf));
	d = (struct uapi_device){ .private_key = &priv, .listen_port = 51820 };
	uapi_format_device(&o, &d);
	memset(&p, 0, sizeof(p));
	wgt_key(&p.public_key, K2);
	assert_true(endpoint_parse(&p.endpoint, "10.231.0.2:51821", 16));
	p.last_handshake_sec = 1795271007;
	p.last_handshake_nsec = 300578264;
	p.tx_bytes = 916;
	p.rx_bytes = 860;
	assert_true(uapi_prefix_parse(&pfx, "10.77.0.2/32", 12));
	p.allowed = &pfx;
	p.nallowed = 1;
	uapi_format_peer(&o, &p);
	memset(&p, 0, sizeof(p));
	wgt_key(&p.public_key, K3);
	wgt_key(&p.psk, K1);
	endpoint_clear(&p.endpoint);
	p.keepalive = 25;
	uapi_format_peer(&o, &p);
	uapi_format_errno(&o, 0);
	assert_false(o.overflow);
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(buf, want, o.len);
	/* no key, port 0, fwmark 0: no device lines at all */
	uapi_out_init(&o, buf, sizeof(buf));
	d = (struct uapi_device){ 0 };
	uapi_format_device(&o, &d);
	assert_int_equal(o.len, 0);
	/* a set error is a negative errno */
	uapi_format_errno(&o, -EINVAL);
	assert_int_equal(o.len, strlen("errno=-22\n\n"));
	assert_memory_equal(buf, "errno=-22\n\n", o.len);
	/* too small: overflow, nothing half written beyond cap */
	uapi_out_init(&o, buf, 10);
	uapi_format_errno(&o, 0);
	uapi_format_errno(&o, 0);
	assert_true(o.overflow);
}

static void
test_roundtrip(void **state)
{
	static const char *const reqs[] = {
		wg_set_request,
		"set=1\nfwmark=7\nreplace_peers=true\npublic_key=" K2 "\n"
		    "remove=true\npublic_key=" K3 "\nupdate_only=true\n"
		    "endpoint=[2001:db8::1]:1\nallowed_ip=-10.0.0.0/8\n\n",
		"set=1\n\n",
	};
	struct uapi_set *a = new_set(), *b = new_set();
	char buf[4096];
	struct uapi_out o;
	enum uapi_op op;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(parse(reqs[i], a, &op), 0);
		uapi_out_init(&o, buf, sizeof(buf));
		uapi_format_set(&o, a);
		assert_false(o.overflow);
		/* canonical requests come back byte for byte */
		assert_int_equal(o.len, strlen(reqs[i]));
		assert_memory_equal(buf, reqs[i], o.len);
		assert_int_equal(uapi_parse(buf, o.len, &op, b), 0);
		assert_memory_equal(a, b, sizeof(*a));
	}
	free(a);
	free(b);
}

static void
test_prefix(void **state)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "10.1.2.3/16", "10.1.0.0/16" },
		{ "10.1.2.3/32", "10.1.2.3/32" },
		{ "10.255.255.255/9", "10.128.0.0/9" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "1.2.3.4/0", "0.0.0.0/0" },
		{ "fd00::1/128", "fd00::1/128" },
		{ "fd00:1234::ffff/20", "fd00:1000::/20" },
		{ "::/0", "::/0" },
	};
	static const char *const bad[] = {
		"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "/8", "10.0.0/8",
		"10.0.0.0/8x", "host/8", "10.0.0.0/-1", "10.0.0.0",
	};
	struct wg_prefix p;
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(uapi_prefix_parse(&p, ok[i].in, strlen(ok[i].in)));
		assert_true(uapi_prefix_format(&p, text, sizeof(text)) > 0);
		assert_string_equal(text, ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (uapi_prefix_parse(&p, bad[i], strlen(bad[i])))
			fail_msg("accepted %s", bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_wg_set),
		cmocka_unit_test(test_parse_misc),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_request_len),
		cmocka_unit_test(test_format_get),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
