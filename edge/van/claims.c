/*
 * claims.c — see claims.h.
 */
#include "edge/van/claims.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/addr.h"

#define MAC_MAX		0xffffffffffffULL

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n colon-separated hex bytes from s; *end after them.  false if malformed. */
static bool
parse_bytes(const char *s, unsigned n, uint64_t *v, const char **end)
{
	unsigned i;
	int h, l;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && *s++ != ':')
			return false;
		if ((h = hexval(s[0])) < 0 || (l = hexval(s[1])) < 0)
			return false;
		*v = *v << 8 | (uint64_t)(h << 4 | l);
		s += 2;
	}
	*end = s;
	return true;
}

bool
claims_parse_macs(const char *s, struct claim_range *r, const char **err)
{
	const char *end;
	uint64_t v, w;
	char *e;
	long bits;

	*err = "a MAC claim is an OUI (02:00:5e), a MAC, MAC/BITS or MAC-MAC";
	if (parse_bytes(s, 3, &v, &end) && *end == '\0') {
		r->lo = v << 24;
		r->hi = r->lo | 0xffffff;
		return true;
	}
	if (!parse_bytes(s, 6, &v, &end))
		return false;
	if (*end == '\0') {
		r->lo = r->hi = v;
		return true;
	}
	if (*end == '/') {
		if (end[1] < '0' || end[1] > '9')
			return false;
		bits = strtol(end + 1, &e, 10);
		if (*e != '\0' || bits < 1 || bits > 48) {
			*err = "a MAC prefix has 1-48 bits";
			return false;
		}
		w = bits == 48 ? 0 : MAC_MAX >> bits;
		if ((v & w) != 0) {
			*err = "a MAC prefix has no bits set after its length";
			return false;
		}
		r->lo = v;
		r->hi = v | w;
		return true;
	}
	if (*end != '-' || !parse_bytes(end + 1, 6, &w, &end) || *end != '\0')
		return false;
	if (w < v) {
		*err = "a MAC range goes from the lower MAC to the higher";
		return false;
	}
	r->lo = v;
	r->hi = w;
	return true;
}

bool
claims_parse_prefix(const char *s, struct claim_prefix *p, const char **err)
{
	struct addr_prefix a;

	if (!addr_prefix_parse(s, false, &a, err))
		return false;
	if (!addr_prefix_is_net(&a)) {
		*err = "a prefix has no bits set after its length";
		return false;
	}
	memset(&p->addr, 0, sizeof(p->addr));
	p->addr.family = a.family;
	memcpy(p->addr.bytes, a.ip, sizeof(p->addr.bytes));
	p->len = a.len;
	return true;
}

static void
print_mac(uint64_t v, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
	    (unsigned)(v >> 40 & 0xff), (unsigned)(v >> 32 & 0xff),
	    (unsigned)(v >> 24 & 0xff), (unsigned)(v >> 16 & 0xff),
	    (unsigned)(v >> 8 & 0xff), (unsigned)(v & 0xff));
}

void
claims_print_macs(const struct claim_range *r, char buf[static 40])
{
	print_mac(r->lo, buf);
	if (r->hi != r->lo) {
		buf[17] = '-';
		print_mac(r->hi, buf + 18);
	}
}

void
claims_print_prefix(const struct claim_prefix *p, char buf[static 56])
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->addr.family == 4 ? AF_INET : AF_INET6, p->addr.bytes, a, sizeof(a));
	snprintf(buf, 56, "%s/%u", a, p->len);
}

bool
claims_mac_in(const struct claims *c, const uint8_t mac[static 6])
{
	uint64_t v = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	    (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	    (uint64_t)mac[4] << 8 | mac[5];
	unsigned i;

	for (i = 0; i < c->nmacs; i++)
		if (v >= c->mac[i].lo && v <= c->mac[i].hi)
			return true;
	return false;
}

static bool
prefix_has(const struct claim_prefix *p, const struct wire_addr *a)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (p->addr.family != a->family || memcmp(p->addr.bytes, a->bytes, full) != 0)
		return false;
	return rest == 0 ||
	    ((p->addr.bytes[full] ^ a->bytes[full]) & (0xff00 >> rest) & 0xff) == 0;
}

bool
claims_addr_in(const struct claims *c, const struct wire_addr *a)
{
	unsigned i;

	for (i = 0; i < c->nprefixes; i++)
		if (prefix_has(&c->prefix[i], a))
			return true;
	return false;
}
