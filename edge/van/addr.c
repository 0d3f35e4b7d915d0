/*
 * addr.c — underlay addresses (see addr.h).
 *
 * Pure.
 */
#include "edge/van/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool
parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool
addr_ip_parse(const char *s, struct van_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, s, a->ip) == 1)
		a->family = 6;
	return a->family != 0;
}

/* addr_ip_parse of the first n bytes of s. */
static bool
ip_any(const char *s, size_t n, struct van_addr *a)
{
	char host[INET6_ADDRSTRLEN + 2];

	memset(a, 0, sizeof(*a));
	if (n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	return addr_ip_parse(host, a);
}

/* The same, of one family only. */
static bool
ip_parse(const char *s, size_t n, uint8_t family, struct van_addr *a)
{
	if (ip_any(s, n, a) && a->family == family)
		return true;
	memset(a, 0, sizeof(*a));
	return false;
}

bool
addr_parse(const char *s, uint16_t default_port, struct van_addr *a,
    const char **err)
{
	const char *colon, *portstr = NULL;
	size_t n;

	memset(a, 0, sizeof(*a));
	*err = "not an address";
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return false;
		n = (size_t)(close - s - 1);
		if (close[1] == ':')
			portstr = close + 2;
		else if (close[1] != '\0')
			return false;
		if (n >= INET6_ADDRSTRLEN + 2)
			return false;
		if (!ip_parse(s + 1, n, 6, a)) {
			*err = "not an IPv6 address";
			return false;
		}
	} else if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		n = (size_t)(colon - s);
		if (n >= INET6_ADDRSTRLEN + 2)
			return false;
		portstr = colon + 1;
		if (!ip_parse(s, n, 4, a)) {
			*err = "not an IPv4 address";
			return false;
		}
	} else if (colon != NULL) {
		if (!ip_parse(s, strlen(s), 6, a)) {
			*err = "not an IPv6 address (use [addr]:port with a port)";
			return false;
		}
	} else {
		if (!ip_parse(s, strlen(s), 4, a)) {
			*err = "not an IPv4 address";
			return false;
		}
	}
	/* ::ffff:a.b.c.d, byte by byte: a->ip is not aligned for in6_addr. */
	if (a->family == 6 && memcmp(a->ip, (const uint8_t[12]){ [10] = 0xff,
	    [11] = 0xff }, 12) == 0) {
		memmove(a->ip, a->ip + 12, 4);
		memset(a->ip + 4, 0, 12);
		a->family = 4;
	}
	a->port = default_port;
	if (portstr != NULL && !parse_port(portstr, &a->port)) {
		*err = "bad port";
		a->family = 0;
		return false;
	}
	*err = NULL;
	return true;
}

bool
addr_prefix_parse(const char *s, bool need_len, struct addr_prefix *p,
    const char **err)
{
	const char *slash = strchr(s, '/');
	struct van_addr a;
	unsigned max;
	char *e;
	long bits;

	memset(p, 0, sizeof(*p));
	*err = "a prefix is ADDRESS/BITS (10.1.0.0/16, fd00:1::/64)";
	if (strlen(s) >= ADDR_PREFIX_STRMAX || (slash == NULL && need_len))
		return false;
	if (!ip_any(s, slash != NULL ? (size_t)(slash - s) : strlen(s), &a))
		return false;
	max = a.family == 4 ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return false;
		bits = strtol(slash + 1, &e, 10);
		if (*e != '\0' || bits < 0 || bits > (long)max) {
			*err = max == 32 ? "an IPv4 prefix has 0-32 bits" :
			    "an IPv6 prefix has 0-128 bits";
			return false;
		}
	}
	p->family = a.family;
	memcpy(p->ip, a.ip, sizeof(p->ip));
	p->len = (uint8_t)bits;
	*err = NULL;
	return true;
}

bool
addr_prefix_is_net(const struct addr_prefix *p)
{
	unsigned i, max = p->family == 4 ? 32 : 128;

	for (i = p->len; i < max; i++)
		if (p->ip[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

char *
addr_str(const struct van_addr *a, char buf[static ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == 4) {
		inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
		snprintf(buf, ADDR_STRLEN, "%s:%u", ip, a->port);
	} else if (a->family == 6) {
		inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
		snprintf(buf, ADDR_STRLEN, "[%s]:%u", ip, a->port);
	} else
		snprintf(buf, ADDR_STRLEN, "-");
	return buf;
}

bool
addr_eq(const struct van_addr *a, const struct van_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	    memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16) == 0;
}

bool
addr_is_any(const struct van_addr *a)
{
	static const uint8_t zero[16];

	return a->family == 0 ||
	    memcmp(a->ip, zero, a->family == 4 ? 4 : 16) == 0;
}

uint64_t
addr_key(const struct van_addr *a)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a; the table rehashes */
	size_t i, n = a->family == 4 ? 4 : 16;

	h = (h ^ a->family) * 0x100000001b3ULL;
	for (i = 0; i < n; i++)
		h = (h ^ a->ip[i]) * 0x100000001b3ULL;
	h = (h ^ (a->port >> 8)) * 0x100000001b3ULL;
	h = (h ^ (a->port & 0xff)) * 0x100000001b3ULL;
	return h;
}

bool
addr_from_sockaddr(const struct sockaddr *sa, size_t len, struct van_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;

		a->family = 4;
		memcpy(a->ip, &s4->sin_addr, 4);
		a->port = ntohs(s4->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;

		a->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->family = 4;
			memcpy(a->ip, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = 6;
			memcpy(a->ip, &s6->sin6_addr, 16);
		}
		return true;
	}
	return false;
}

size_t
addr_to_sockaddr(const struct van_addr *a, bool v6sock, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4 && !v6sock) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->ip, 4);
		s4->sin_port = htons(a->port);
		return sizeof(*s4);
	}
	if (a->family == 4 || a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		if (a->family == 4) {
			s6->sin6_addr.s6_addr[10] = 0xff;
			s6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(s6->sin6_addr.s6_addr + 12, a->ip, 4);
		} else
			memcpy(&s6->sin6_addr, a->ip, 16);
		s6->sin6_port = htons(a->port);
		return sizeof(*s6);
	}
	return 0;
}
