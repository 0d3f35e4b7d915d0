/*
 * test_addr.c — underlay addresses and IP prefixes (edge/van/addr.h),
 * table-driven: what addr_parse takes ("IPv4[:port]", "[IPv6][:port]",
 * bare IPv6, a default port, IPv4-mapped IPv6 folded to IPv4) and refuses
 * (with its reason, the address left empty); printing and parsing back;
 * equality, "any" and the table key (port, family and every byte count);
 * the sockaddr conversions both ways, for IPv4 and dual-stack sockets;
 * addresses alone (addr_ip_parse) and prefixes (addr_prefix_parse, with
 * or without a length, its bounds; addr_prefix_is_net).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "edge/van/addr.h"

/* The address bytes of text (either family), for the expectations. */
static void
ip_of(const char *text, uint8_t family, uint8_t out[16])
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, text, out), 1);
}

static void
test_parse(void **state)
{
	static const struct {
		const char	*in;
		uint8_t		family;		/* 0: refused */
		const char	*ip;		/* as inet_pton reads it */
		uint16_t	port;
		const char	*err;		/* a word of the refusal */
	} cases[] = {
		{ "192.0.2.1", 4, "192.0.2.1", 4797, NULL },
		{ "192.0.2.1:51820", 4, "192.0.2.1", 51820, NULL },
		{ "192.0.2.1:1", 4, "192.0.2.1", 1, NULL },
		{ "192.0.2.1:65535", 4, "192.0.2.1", 65535, NULL },
		{ "2001:db8::1", 6, "2001:db8::1", 4797, NULL },
		{ "::1", 6, "::1", 4797, NULL },
		{ "[2001:db8::1]", 6, "2001:db8::1", 4797, NULL },
		{ "[2001:db8::1]:9", 6, "2001:db8::1", 9, NULL },
		/* IPv4-mapped: the IPv4 address (a dual-stack socket's view). */
		{ "[::ffff:192.0.2.7]:5", 4, "192.0.2.7", 5, NULL },
		{ "::ffff:192.0.2.7", 4, "192.0.2.7", 4797, NULL },
		{ "0.0.0.0", 4, "0.0.0.0", 4797, NULL },
		{ "[::]:4797", 6, "::", 4797, NULL },
		/* Refused. */
		{ "192.0.2.1:0", 0, NULL, 0, "port" },
		{ "192.0.2.1:65536", 0, NULL, 0, "port" },
		{ "192.0.2.1:", 0, NULL, 0, "port" },
		{ "192.0.2.1:x", 0, NULL, 0, "port" },
		{ "192.0.2.1:+5", 0, NULL, 0, "port" },
		{ "192.0.2.1:5 ", 0, NULL, 0, "port" },
		{ "[2001:db8::1]:0", 0, NULL, 0, "port" },
		{ "192.0.2", 0, NULL, 0, "IPv4" },
		{ "192.0.2.256", 0, NULL, 0, "IPv4" },
		{ "host.example:80", 0, NULL, 0, "IPv4" },
		{ "", 0, NULL, 0, "IPv4" },
		{ "[192.0.2.1]", 0, NULL, 0, "IPv6" },
		{ "[2001:db8::g]", 0, NULL, 0, "IPv6" },
		{ "2001:db8::1:x", 0, NULL, 0, "IPv6" },
		{ "[2001:db8::1", 0, NULL, 0, "address" },
		{ "[2001:db8::1]5", 0, NULL, 0, "address" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct van_addr a;
		const char *err = "unset";
		bool ok = addr_parse(cases[i].in, 4797, &a, &err);
		uint8_t want[16];

		if (ok != (cases[i].family != 0))
			fail_msg("'%s': %s", cases[i].in, ok ? "taken" : err);
		if (!ok) {
			if (err == NULL || strstr(err, cases[i].err) == NULL)
				fail_msg("'%s': '%s', not about %s", cases[i].in,
				    err ? err : "(null)", cases[i].err);
			assert_int_equal(a.family, 0);
			continue;
		}
		assert_null(err);
		ip_of(cases[i].ip, cases[i].family, want);
		if (a.family != cases[i].family || a.port != cases[i].port ||
		    memcmp(a.ip, want, 16) != 0)
			fail_msg("'%s': family %u port %u", cases[i].in, a.family, a.port);
	}
}

/* What addr_str prints, addr_parse reads back as the same address. */
static void
test_print(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "192.0.2.1:51820", "192.0.2.1:51820" },
		{ "192.0.2.1", "192.0.2.1:4797" },
		{ "2001:db8:0:0::1", "[2001:db8::1]:4797" },
		{ "[fe80::1]:7", "[fe80::1]:7" },
		{ "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
		    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
	};
	char buf[ADDR_STRLEN];
	struct van_addr a, b;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(addr_parse(cases[i].in, 4797, &a, &err));
		assert_string_equal(addr_str(&a, buf), cases[i].out);
		assert_true(addr_parse(buf, 1, &b, &err));
		assert_true(addr_eq(&a, &b));
	}
	/* The longest fits (ADDR_STRLEN), and no address prints as "-". */
	assert_true(strlen(cases[4].out) < ADDR_STRLEN);
	memset(&a, 0, sizeof(a));
	assert_string_equal(addr_str(&a, buf), "-");
}

static void
test_eq_any_key(void **state)
{
	static const char *const all[] = {
		"192.0.2.1:1", "192.0.2.1:2", "192.0.2.2:1", "[c000:201::]:1",
		"[2001:db8::1]:1", "[2001:db8::1]:256", "[2001:db8::100]:1",
		"[2001:db8::1:0]:1", "0.0.0.0:1", "[::]:1", "192.0.2.1:257",
	};
	struct van_addr a[sizeof(all) / sizeof(all[0])], z;
	const char *err;
	size_t i, j, n = sizeof(all) / sizeof(all[0]);

	(void)state;
	for (i = 0; i < n; i++)
		assert_true(addr_parse(all[i], 0, &a[i], &err));
	/* Each differs from the others by a port, a family or a byte. */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (addr_eq(&a[i], &a[j]) != (i == j))
				fail_msg("%s vs %s: eq %d", all[i], all[j], i != j);
			if ((addr_key(&a[i]) == addr_key(&a[j])) != (i == j))
				fail_msg("%s vs %s: same key %d", all[i], all[j], i != j);
		}
	/* The same address parsed twice: the same key. */
	assert_true(addr_parse("[2001:db8::1]:256", 0, &z, &err));
	assert_int_equal(addr_key(&z), addr_key(&a[5]));
	/* Many addresses of a /16 with many ports: no two keys alike. */
	{
		enum { N = 4096 };
		uint64_t *k = calloc(N, sizeof(*k));
		struct van_addr x;

		for (i = 0; i < N; i++) {
			memset(&x, 0, sizeof(x));
			x.family = 4;
			x.ip[0] = 10;
			x.ip[2] = (uint8_t)(i >> 4);
			x.ip[3] = (uint8_t)i;
			x.port = (uint16_t)(4797 + (i & 15));
			k[i] = addr_key(&x);
			for (j = 0; j < i; j++)
				if (k[j] == k[i])
					fail_msg("%zu and %zu: one key", i, j);
		}
		free(k);
	}
	/* Any: no family, or every address of one. */
	memset(&z, 0, sizeof(z));
	assert_true(addr_is_any(&z));
	assert_true(addr_is_any(&a[8]));
	assert_true(addr_is_any(&a[9]));
	assert_false(addr_is_any(&a[0]));
	assert_false(addr_is_any(&a[4]));
}

static void
test_sockaddr(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un su;
	struct van_addr a, b;
	const char *err;
	uint8_t mapped[16];

	(void)state;
	/* IPv4 to an IPv4 socket, and back. */
	assert_true(addr_parse("192.0.2.1:51820", 0, &a, &err));
	assert_int_equal(addr_to_sockaddr(&a, false, &ss), sizeof(*s4));
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 51820);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0xc0000201);
	assert_true(addr_from_sockaddr((struct sockaddr *)&ss, sizeof(*s4), &b));
	assert_true(addr_eq(&a, &b));
	/* To a dual-stack socket: mapped; what it reports folds back to IPv4. */
	assert_int_equal(addr_to_sockaddr(&a, true, &ss), sizeof(*s6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 51820);
	ip_of("::ffff:192.0.2.1", 6, mapped);
	assert_memory_equal(s6->sin6_addr.s6_addr, mapped, 16);
	assert_true(addr_from_sockaddr((struct sockaddr *)&ss, sizeof(*s6), &b));
	assert_int_equal(b.family, 4);
	assert_true(addr_eq(&a, &b));
	/* IPv6 either way. */
	assert_true(addr_parse("[2001:db8::7]:9", 0, &a, &err));
	assert_int_equal(addr_to_sockaddr(&a, false, &ss), sizeof(*s6));
	assert_true(addr_from_sockaddr((struct sockaddr *)&ss, sizeof(*s6), &b));
	assert_true(addr_eq(&a, &b));
	/* Too short for its family, another family, no address: refused. */
	assert_false(addr_from_sockaddr((struct sockaddr *)&ss, sizeof(*s6) - 1, &b));
	assert_int_equal(b.family, 0);
	memset(&su, 0, sizeof(su));
	su.sun_family = AF_UNIX;
	assert_false(addr_from_sockaddr((struct sockaddr *)&su, sizeof(su), &b));
	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_to_sockaddr(&a, false, &ss), 0);
	assert_int_equal(addr_to_sockaddr(&a, true, &ss), 0);
}

static void
test_ip_alone(void **state)
{
	static const struct {
		const char	*in;
		uint8_t		family;
	} cases[] = {
		{ "192.0.2.1", 4 }, { "2001:db8::1", 6 }, { "::", 6 },
		{ "::ffff:192.0.2.1", 6 },	/* as written: not folded */
		{ "192.0.2.1:5", 0 }, { "[::1]", 0 }, { "10.0.0.0/8", 0 },
		{ "", 0 }, { "localhost", 0 },
	};
	struct van_addr a;
	uint8_t want[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (addr_ip_parse(cases[i].in, &a) != (cases[i].family != 0) ||
		    a.family != cases[i].family)
			fail_msg("'%s': family %u", cases[i].in, a.family);
		if (cases[i].family == 0)
			continue;
		ip_of(cases[i].in, cases[i].family, want);
		assert_memory_equal(a.ip, want, 16);
		assert_int_equal(a.port, 0);
	}
}

static void
test_prefix(void **state)
{
	static const struct {
		const char	*in;
		bool		need_len;
		uint8_t		family;		/* 0: refused */
		uint8_t		len;
		bool		net;
		const char	*err;
	} cases[] = {
		{ "10.1.0.0/16", true, 4, 16, true, NULL },
		{ "10.0.0.11/24", true, 4, 24, false, NULL },	/* a host in its subnet */
		{ "0.0.0.0/0", true, 4, 0, true, NULL },
		{ "128.0.0.0/1", true, 4, 1, true, NULL },
		{ "192.0.0.0/1", true, 4, 1, false, NULL },
		{ "10.0.0.1/32", true, 4, 32, true, NULL },
		{ "10.0.0.1", false, 4, 32, true, NULL },
		{ "fd00:1::/64", true, 6, 64, true, NULL },
		{ "fd00:1::1/64", true, 6, 64, false, NULL },
		{ "::/0", true, 6, 0, true, NULL },
		{ "2001:db8::1", false, 6, 128, true, NULL },
		{ "10.0.0.1", true, 0, 0, false, "BITS" },
		{ "10.0.0.0/33", true, 0, 0, false, "0-32" },
		{ "fd00::/129", true, 0, 0, false, "0-128" },
		{ "10.0.0.0/", true, 0, 0, false, "BITS" },
		{ "10.0.0.0/x", true, 0, 0, false, "BITS" },
		{ "10.0.0.0/-1", true, 0, 0, false, "BITS" },
		{ "10.0.0.0/16x", true, 0, 0, false, "0-32" },
		{ "/16", true, 0, 0, false, "BITS" },
		{ "10.0.0/8", true, 0, 0, false, "BITS" },
		{ "[fd00::]/8", true, 0, 0, false, "BITS" },
	};
	struct addr_prefix p;
	const char *err;
	char longer[ADDR_PREFIX_STRMAX + 8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = addr_prefix_parse(cases[i].in, cases[i].need_len, &p, &err);

		if (ok != (cases[i].family != 0))
			fail_msg("'%s': %s", cases[i].in, ok ? "taken" : err);
		if (!ok) {
			if (err == NULL || strstr(err, cases[i].err) == NULL)
				fail_msg("'%s': '%s', not about %s", cases[i].in,
				    err ? err : "(null)", cases[i].err);
			continue;
		}
		if (p.family != cases[i].family || p.len != cases[i].len ||
		    addr_prefix_is_net(&p) != cases[i].net)
			fail_msg("'%s': family %u len %u", cases[i].in, p.family, p.len);
	}
	/* Text longer than any prefix is refused, not cut. */
	memset(longer, '0', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "10.0.0.0/", 9);
	assert_false(addr_prefix_parse(longer, true, &p, &err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_eq_any_key),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_ip_alone),
		cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
