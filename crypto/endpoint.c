/*
 * endpoint.c — peer UDP addresses: parse, format, compare, cookie bytes.
 *
 * Pure.  The parser takes a length and never reads past it (the UAPI value
 * is not NUL-terminated in the request buffer): it copies into a bounded
 * local string first.
 */
#include "crypto/endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

void
endpoint_clear(struct wg_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->addr.sa.sa_family = AF_UNSPEC;
}

bool
endpoint_is_set(const struct wg_endpoint *ep)
{
	return ep->addr.sa.sa_family == AF_INET ||
	    ep->addr.sa.sa_family == AF_INET6;
}

bool
endpoint_equal(const struct wg_endpoint *a, const struct wg_endpoint *b)
{
	if (a->addr.sa.sa_family != b->addr.sa.sa_family ||
	    a->local_family != b->local_family)
		return false;
	switch (a->addr.sa.sa_family) {
	case AF_INET:
		if (a->addr.in4.sin_port != b->addr.in4.sin_port ||
		    a->addr.in4.sin_addr.s_addr != b->addr.in4.sin_addr.s_addr)
			return false;
		break;
	case AF_INET6:
		if (a->addr.in6.sin6_port != b->addr.in6.sin6_port ||
		    a->addr.in6.sin6_scope_id != b->addr.in6.sin6_scope_id ||
		    memcmp(&a->addr.in6.sin6_addr, &b->addr.in6.sin6_addr,
		    16) != 0)
			return false;
		break;
	default:
		return true;
	}
	switch (a->local_family) {
	case AF_INET:
		return a->local.in4.s_addr == b->local.in4.s_addr &&
		    a->local_ifindex == b->local_ifindex;
	case AF_INET6:
		return memcmp(&a->local.in6, &b->local.in6, 16) == 0 &&
		    a->local_ifindex == b->local_ifindex;
	}
	return true;
}

int
endpoint_from_sockaddr(struct wg_endpoint *ep, const struct sockaddr *sa,
    socklen_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const struct sockaddr_in6 *in6;

	endpoint_clear(ep);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(&ep->addr.in4, sa, sizeof(struct sockaddr_in));
		return 0;
	}
	if (sa->sa_family != AF_INET6 || len < sizeof(struct sockaddr_in6))
		return -1;
	in6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (memcmp(in6->sin6_addr.s6_addr, mapped, sizeof(mapped)) == 0) {
		ep->addr.in4.sin_family = AF_INET;
		ep->addr.in4.sin_port = in6->sin6_port;
		memcpy(&ep->addr.in4.sin_addr, in6->sin6_addr.s6_addr + 12, 4);
		return 0;
	}
	ep->addr.in6 = *in6;
	ep->addr.in6.sin6_flowinfo = 0;
	return 0;
}

socklen_t
endpoint_socklen(const struct wg_endpoint *ep)
{
	switch (ep->addr.sa.sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	}
	return 0;
}

size_t
endpoint_bytes(const struct wg_endpoint *ep,
    uint8_t out[static ENDPOINT_BYTES_MAX])
{
	switch (ep->addr.sa.sa_family) {
	case AF_INET:
		memcpy(out, &ep->addr.in4.sin_addr, 4);
		memcpy(out + 4, &ep->addr.in4.sin_port, 2);
		return 6;
	case AF_INET6:
		memcpy(out, &ep->addr.in6.sin6_addr, 16);
		memcpy(out + 16, &ep->addr.in6.sin6_port, 2);
		return 18;
	}
	return 0;
}

static bool
parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool
endpoint_parse(struct wg_endpoint *ep, const char *s, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon;
	size_t hlen;
	uint16_t port;

	endpoint_clear(ep);
	if (len == 0)
		return false;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', len);

		if (end == NULL || (size_t)(end - s) + 1 >= len ||
		    end[1] != ':')
			return false;
		hlen = (size_t)(end - s) - 1;
		if (hlen == 0 || hlen >= sizeof(host))
			return false;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (!parse_port(end + 2, len - (size_t)(end - s) - 2, &port) ||
		    inet_pton(AF_INET6, host, &ep->addr.in6.sin6_addr) != 1)
			goto bad;
		ep->addr.in6.sin6_family = AF_INET6;
		ep->addr.in6.sin6_port = htons(port);
		return true;
	}
	colon = memchr(s, ':', len);
	if (colon == NULL)
		return false;
	hlen = (size_t)(colon - s);
	if (hlen == 0 || hlen >= INET_ADDRSTRLEN)
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (!parse_port(colon + 1, len - hlen - 1, &port) ||
	    inet_pton(AF_INET, host, &ep->addr.in4.sin_addr) != 1)
		goto bad;
	ep->addr.in4.sin_family = AF_INET;
	ep->addr.in4.sin_port = htons(port);
	return true;
bad:
	endpoint_clear(ep);
	return false;
}

int
endpoint_format(const struct wg_endpoint *ep, char out[static ENDPOINT_TEXT_MAX])
{
	char host[INET6_ADDRSTRLEN];

	switch (ep->addr.sa.sa_family) {
	case AF_INET:
		if (inet_ntop(AF_INET, &ep->addr.in4.sin_addr, host,
		    sizeof(host)) == NULL)
			return -1;
		return snprintf(out, ENDPOINT_TEXT_MAX, "%s:%u", host,
		    (unsigned)ntohs(ep->addr.in4.sin_port));
	case AF_INET6:
		if (inet_ntop(AF_INET6, &ep->addr.in6.sin6_addr, host,
		    sizeof(host)) == NULL)
			return -1;
		return snprintf(out, ENDPOINT_TEXT_MAX, "[%s]:%u", host,
		    (unsigned)ntohs(ep->addr.in6.sin6_port));
	}
	return -1;
}
