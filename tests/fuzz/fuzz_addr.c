/*
 * fuzz_addr.c — libFuzzer harness for the parsers of address text that
 * every configuration shares (edge/van/addr.c, claims.c): addr_parse,
 * addr_ip_parse, addr_prefix_parse, claims_parse_prefix and
 * claims_parse_macs.  No out-of-bounds access; what one accepts is well
 * formed (a family, a length within it, a port, a network for a claim,
 * lo <= hi within 48 bits) and prints to text that parses back to the
 * same value.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/addr.h"
#include "edge/van/claims.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_addr(const char *s)
{
	char buf[ADDR_STRLEN];
	struct van_addr a, b;
	const char *err;

	if (addr_parse(s, 4797, &a, &err)) {
		if ((a.family != 4 && a.family != 6) || a.port == 0 || err != NULL)
			abort();
		if (!addr_parse(addr_str(&a, buf), 1, &b, &err) || !addr_eq(&a, &b))
			abort();
	} else if (err == NULL || a.family != 0)
		abort();
	if (addr_ip_parse(s, &a) && ((a.family != 4 && a.family != 6) || a.port != 0))
		abort();
}

static void
check_prefix(const char *s, bool need_len)
{
	char text[INET6_ADDRSTRLEN], buf[ADDR_STRLEN + 8];
	struct addr_prefix p, q;
	const char *err;

	if (!addr_prefix_parse(s, need_len, &p, &err)) {
		if (err == NULL)
			abort();
		return;
	}
	if ((p.family != 4 && p.family != 6) || p.len > (p.family == 4 ? 32 : 128) ||
	    (need_len && strchr(s, '/') == NULL))
		abort();
	if (inet_ntop(p.family == 4 ? AF_INET : AF_INET6, p.ip, text,
	    sizeof(text)) == NULL)
		abort();
	snprintf(buf, sizeof(buf), "%s/%u", text, p.len);
	if (!addr_prefix_parse(buf, true, &q, &err) || q.family != p.family ||
	    q.len != p.len || memcmp(q.ip, p.ip, sizeof(q.ip)) != 0)
		abort();
}

static void
check_claims(const char *s)
{
	struct claim_prefix cp, cq;
	struct claim_range r, t;
	char buf[56];
	const char *err;

	if (claims_parse_prefix(s, &cp, &err)) {
		claims_print_prefix(&cp, buf);
		if (!claims_parse_prefix(buf, &cq, &err) || cq.len != cp.len ||
		    memcmp(&cq.addr, &cp.addr, sizeof(cq.addr)) != 0)
			abort();
	}
	if (claims_parse_macs(s, &r, &err)) {
		if (r.lo > r.hi || r.hi > 0xffffffffffffULL)
			abort();
		claims_print_macs(&r, buf);
		if (!claims_parse_macs(buf, &t, &err) || t.lo != r.lo || t.hi != r.hi)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_addr(s);
	check_prefix(s, false);
	check_prefix(s, true);
	check_claims(s);
	free(s);
	return 0;
}
