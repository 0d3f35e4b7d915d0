/*
 * test_ratelimit.c — the handshake rate limit under load (crypto/
 * ratelimit.h): WG_RATELIMIT_BURST handshakes at once from a new source,
 * then one every 1/WG_RATELIMIT_PER_SEC s, never more than the burst
 * saved up; sources are independent (IPv4 by address, IPv6 by /64, the
 * families apart); a source of another family is refused; and a full
 * table never refuses a new source — it recycles the least recently seen
 * one, which then starts again with a full bucket (more lenient, never
 * less).  Time is the caller's: no clock, no sleep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "crypto/ratelimit.h"

#define SEC		MONO_SEC(1)
#define T0		MONO_SEC(100)	/* any time but 0 */
/* The time one token takes to come back. */
#define TOKEN		(SEC / WG_RATELIMIT_PER_SEC)

/* The engine's random source, made a constant: the table is the same each run. */
static void
fixed_fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
}

static const struct wg_rng fixed_rng = { fixed_fill, NULL };

static struct wg_endpoint
v4(uint32_t a, uint16_t port)
{
	struct wg_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr.in4.sin_family = AF_INET;
	e.addr.in4.sin_addr.s_addr = htonl(a);
	e.addr.in4.sin_port = htons(port);
	return e;
}

static struct wg_endpoint
v6(const char *text)
{
	struct wg_endpoint e;

	memset(&e, 0, sizeof(e));
	e.addr.in6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &e.addr.in6.sin6_addr), 1);
	return e;
}

static struct ratelimit *
new_limit(void)
{
	struct ratelimit *r = malloc(sizeof(*r));

	assert_non_null(r);
	ratelimit_init(r, &fixed_rng);
	return r;
}

/* How many of n handshakes at now pass. */
static unsigned
passed(struct ratelimit *r, const struct wg_endpoint *src, unsigned n, monotime_t now)
{
	unsigned ok = 0;

	while (n-- > 0)
		ok += ratelimit_allow(r, src, now);
	return ok;
}

static void
test_rate_and_burst(void **state)
{
	struct ratelimit *r = new_limit();
	struct wg_endpoint a = v4(0xc0000201, 51820);	/* 192.0.2.1 */
	monotime_t t;

	(void)state;
	/* A new source: the burst at once, not one more. */
	assert_int_equal(passed(r, &a, 100, T0), WG_RATELIMIT_BURST);
	/* Just short of a token's time: still nothing. */
	assert_int_equal(passed(r, &a, 1, T0 + TOKEN - 1), 0);
	/* A token's time after the burst: one, and only one. */
	assert_int_equal(passed(r, &a, 10, T0 + TOKEN), 1);
	/* A steady 20 a second for ten seconds: every one passes. */
	for (t = T0 + 2 * TOKEN; t < T0 + 10 * SEC; t += TOKEN)
		assert_int_equal(passed(r, &a, 1, t), 1);
	/* 40 a second: half of them. */
	{
		unsigned ok = 0, i;

		for (i = 0; i < 400; i++)
			ok += passed(r, &a, 1, T0 + 10 * SEC + (monotime_t)i * TOKEN / 2);
		assert_int_equal(ok, 200);
	}
	/* A long silence saves up the burst, never more. */
	assert_int_equal(passed(r, &a, 100, T0 + 3600 * SEC), WG_RATELIMIT_BURST);
	/* A time that went back takes nothing and gives nothing. */
	assert_int_equal(passed(r, &a, 1, T0), 0);
	free(r);
}

/* One source's flood does not cost another a handshake. */
static void
test_sources_apart(void **state)
{
	struct ratelimit *r = new_limit();
	struct wg_endpoint a = v4(0xc0000201, 51820), a_port = v4(0xc0000201, 9);
	struct wg_endpoint b = v4(0xc0000202, 51820);
	struct wg_endpoint x1 = v6("2001:db8:1:2::1"), x2 = v6("2001:db8:1:2:ffff::7");
	struct wg_endpoint y = v6("2001:db8:1:3::1");
	struct wg_endpoint same_bytes = v6("c000:201::1"), other;

	(void)state;
	assert_int_equal(passed(r, &a, 1000, T0), WG_RATELIMIT_BURST);
	/* Another port of the same address is the same source. */
	assert_int_equal(passed(r, &a_port, 10, T0), 0);
	/* Another address: a bucket of its own. */
	assert_int_equal(passed(r, &b, 1000, T0), WG_RATELIMIT_BURST);
	/* IPv6: one /64 is one source ... */
	assert_int_equal(passed(r, &x1, 3, T0), 3);
	assert_int_equal(passed(r, &x2, 10, T0), WG_RATELIMIT_BURST - 3);
	/* ... the next /64 another. */
	assert_int_equal(passed(r, &y, 10, T0), WG_RATELIMIT_BURST);
	/* A /64 is never an IPv4 address, even with a's bytes (192.0.2.1). */
	assert_int_equal(passed(r, &same_bytes, 10, T0), WG_RATELIMIT_BURST);
	/* Not an address of either family: refused, nothing kept. */
	memset(&other, 0, sizeof(other));
	other.addr.sa.sa_family = AF_UNIX;
	assert_int_equal(passed(r, &other, 10, T0), 0);
	/* And b's spending took nothing from a: a refills by itself. */
	assert_int_equal(passed(r, &a, 10, T0 + TOKEN), 1);
	free(r);
}

/*
 * The families apart, whichever set of the table a source lands in (for
 * many addresses, now and then the same set for both): a spent IPv4
 * source never holds back the IPv6 /64 that begins with its bytes.
 */
static void
test_families_apart(void **state)
{
	struct ratelimit *r = new_limit();
	uint32_t i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		struct wg_endpoint four = v4(0x0b000000 + i, 1), six = v6("::1");

		memcpy(six.addr.in6.sin6_addr.s6_addr, &four.addr.in4.sin_addr, 4);
		assert_int_equal(passed(r, &four, 10, T0), WG_RATELIMIT_BURST);
		if (!ratelimit_allow(r, &six, T0))
			fail_msg("%u: the /64 of a spent IPv4 source's bytes refused", i);
	}
	free(r);
}

/*
 * Far more sources than the table holds (WG_RATELIMIT_ENTRIES): each
 * new one still gets its first handshake; the ones seen longest ago are
 * recycled, and come back with a full bucket.
 */
static void
test_table_full(void **state)
{
	struct ratelimit *r = new_limit();
	struct wg_endpoint a = v4(0x0a000001, 1), b, s;
	uint32_t i, n = 16 * WG_RATELIMIT_ENTRIES;

	(void)state;
	/* a spends its burst. */
	assert_int_equal(passed(r, &a, 100, T0), WG_RATELIMIT_BURST);
	assert_int_equal(passed(r, &a, 1, T0 + 1), 0);
	/* A crowd of new sources, later: none refused for want of room. */
	for (i = 0; i < n; i++) {
		s = v4(0xc6120000 + i, 1);	/* 198.18.0.0/15 */
		if (!ratelimit_allow(r, &s, T0 + 2))
			fail_msg("new source %u refused", i);
	}
	/*
	 * The newest of the crowd is still known: after its first, as many
	 * as its burst has left, no more.
	 */
	b = v4(0xc6120000 + n - 1, 1);
	assert_int_equal(passed(r, &b, 100, T0 + 3), WG_RATELIMIT_BURST - 1);
	/* a, the least recently seen of its set, made room: a full bucket. */
	assert_int_equal(passed(r, &a, 100, T0 + 3), WG_RATELIMIT_BURST);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_and_burst),
		cmocka_unit_test(test_sources_apart),
		cmocka_unit_test(test_families_apart),
		cmocka_unit_test(test_table_full),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
