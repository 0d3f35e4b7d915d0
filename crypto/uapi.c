/*
 * uapi.c — parser and formatters of the wg UAPI text protocol [10].
 *
 * Pure.  The parser walks the request line by line with explicit lengths
 * (the request is not NUL-terminated); every value is checked for its
 * exact form: keys are 64 hex characters, numbers plain decimals within
 * their range, booleans the word "true", prefixes "addr/cidr".
 */
#include "crypto/uapi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"

ssize_t
uapi_request_len(const char *buf, size_t len, enum uapi_op *op)
{
	const char *nl = memchr(buf, '\n', len);
	size_t i;

	if (nl == NULL)
		return 0;
	if ((size_t)(nl - buf) == 5 && memcmp(buf, "get=1", 5) == 0)
		*op = UAPI_OP_GET;
	else if ((size_t)(nl - buf) == 5 && memcmp(buf, "set=1", 5) == 0)
		*op = UAPI_OP_SET;
	else
		return -1;
	/* The request ends at its first empty line. */
	for (i = (size_t)(nl - buf); i + 1 < len; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return (ssize_t)(i + 2);
	return 0;
}

static bool
value_is(const char *v, size_t vlen, const char *word)
{
	return vlen == strlen(word) && memcmp(v, word, vlen) == 0;
}

static bool
parse_uint(const char *v, size_t vlen, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (vlen == 0 || vlen > 20)
		return false;
	for (i = 0; i < vlen; i++) {
		unsigned d;

		if (v[i] < '0' || v[i] > '9')
			return false;
		d = (unsigned)(v[i] - '0');
		if (n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*out = n;
	return true;
}

bool
uapi_prefix_parse(struct wg_prefix *p, const char *s, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = memchr(s, '/', len);
	uint64_t cidr;
	size_t hlen, i;
	unsigned bits;

	memset(p, 0, sizeof(*p));
	if (slash == NULL)
		return false;
	hlen = (size_t)(slash - s);
	if (hlen == 0 || hlen >= sizeof(host) ||
	    !parse_uint(slash + 1, len - hlen - 1, 128, &cidr))
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (memchr(host, ':', hlen) != NULL) {
		if (inet_pton(AF_INET6, host, p->addr) != 1)
			return false;
		p->family = AF_INET6;
		bits = 128;
	} else {
		if (inet_pton(AF_INET, host, p->addr) != 1)
			return false;
		p->family = AF_INET;
		bits = 32;
	}
	if (cidr > bits) {
		memset(p, 0, sizeof(*p));
		return false;
	}
	p->cidr = (uint8_t)cidr;
	/* Mask host bits, as wireguard-go's table stores them. */
	for (i = 0; i < 16; i++) {
		unsigned lo = (unsigned)i * 8;

		if (lo >= cidr)
			p->addr[i] = 0;
		else if (cidr - lo < 8)
			p->addr[i] &= (uint8_t)(0xff00 >> (cidr - lo));
	}
	return true;
}

int
uapi_prefix_format(const struct wg_prefix *p, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family, p->addr, host, sizeof(host)) == NULL)
		return -1;
	return snprintf(out, cap, "%s/%u", host, (unsigned)p->cidr);
}

void
uapi_set_wipe(struct uapi_set *set)
{
	sodium_memzero(set, sizeof(*set));
}

/* One "key=value" line of a set request. */
static int
set_line(struct uapi_set *set, bool *in_peer, const char *k, size_t klen,
    const char *v, size_t vlen)
{
	struct uapi_peer *peer;
	uint64_t n;

#define KEY(word) (klen == sizeof(word) - 1 && memcmp(k, word, klen) == 0)
	if (KEY("public_key")) {
		if (set->npeers == UAPI_PEERS_MAX)
			return -ENOSPC;
		peer = &set->peers[set->npeers];
		memset(peer, 0, sizeof(*peer));
		if (!key_from_hex(&peer->public_key, v, vlen))
			return -EINVAL;
		peer->allowed_first = set->nallowed;
		set->npeers++;
		*in_peer = true;
		return 0;
	}
	if (!*in_peer) {
		if (KEY("private_key")) {
			if (!key_from_hex(&set->private_key, v, vlen))
				return -EINVAL;
			set->has_private_key = true;
		} else if (KEY("listen_port")) {
			if (!parse_uint(v, vlen, UINT16_MAX, &n))
				return -EINVAL;
			set->listen_port = (uint16_t)n;
			set->has_listen_port = true;
		} else if (KEY("fwmark")) {
			if (!parse_uint(v, vlen, UINT32_MAX, &n))
				return -EINVAL;
			set->fwmark = (uint32_t)n;
			set->has_fwmark = true;
		} else if (KEY("replace_peers")) {
			if (!value_is(v, vlen, "true"))
				return -EINVAL;
			set->replace_peers = true;
		} else
			return -EINVAL;
		return 0;
	}
	peer = &set->peers[set->npeers - 1];
	if (KEY("update_only")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		peer->update_only = true;
	} else if (KEY("remove")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		peer->remove = true;
	} else if (KEY("preshared_key")) {
		if (!key_from_hex(&peer->psk, v, vlen))
			return -EINVAL;
		peer->has_psk = true;
	} else if (KEY("endpoint")) {
		if (!endpoint_parse(&peer->endpoint, v, vlen))
			return -EINVAL;
		peer->has_endpoint = true;
	} else if (KEY("persistent_keepalive_interval")) {
		if (!parse_uint(v, vlen, UINT16_MAX, &n))
			return -EINVAL;
		peer->keepalive = (uint16_t)n;
		peer->has_keepalive = true;
	} else if (KEY("replace_allowed_ips")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		/* Lines are applied in order: what came before is replaced. */
		set->nallowed = peer->allowed_first;
		peer->allowed_count = 0;
		peer->replace_allowed_ips = true;
	} else if (KEY("allowed_ip")) {
		struct uapi_allowed *a;
		bool remove = vlen > 0 && v[0] == '-';

		if (set->nallowed == UAPI_ALLOWED_MAX)
			return -ENOSPC;
		a = &set->allowed[set->nallowed];
		if (!uapi_prefix_parse(&a->prefix, v + remove, vlen - remove))
			return -EINVAL;
		a->remove = remove;
		set->nallowed++;
		peer->allowed_count++;
	} else if (KEY("protocol_version")) {
		if (!value_is(v, vlen, "1"))
			return -EINVAL;
	} else
		return -EINVAL;
	return 0;
#undef KEY
}

int
uapi_parse(const char *buf, size_t len, enum uapi_op *op, struct uapi_set *set)
{
	const char *p, *end = buf + len, *nl, *eq;
	bool in_peer = false;
	ssize_t rlen;
	int rc;

	rlen = uapi_request_len(buf, len, op);
	if (rlen <= 0 || (size_t)rlen != len)
		return -EPROTO;
	p = buf + 6;			/* after "get=1\n" or "set=1\n" */
	if (*op == UAPI_OP_GET)
		return end - p == 1 ? 0 : -EINVAL;

	uapi_set_wipe(set);
	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return -EPROTO;
		if (nl == p)
			return nl + 1 == end ? 0 : -EPROTO;
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq == NULL) {
			rc = -EPROTO;
			goto bad;
		}
		rc = set_line(set, &in_peer, p, (size_t)(eq - p), eq + 1,
		    (size_t)(nl - eq - 1));
		if (rc != 0)
			goto bad;
		p = nl + 1;
	}
bad:
	uapi_set_wipe(set);
	return rc;
}

void
uapi_out_init(struct uapi_out *o, char *buf, size_t cap)
{
	o->p = buf;
	o->cap = cap;
	o->len = 0;
	o->overflow = false;
}

__attribute__((format(printf, 2, 3)))
static void
out_printf(struct uapi_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->overflow = true;
		return;
	}
	o->len += (size_t)n;
}

static void
out_key(struct uapi_out *o, const char *name, const struct wg_key *k)
{
	char hex[WG_KEY_HEX_LEN + 1];

	key_to_hex(hex, k);
	out_printf(o, "%s=%s\n", name, hex);
	sodium_memzero(hex, sizeof(hex));
}

void
uapi_format_device(struct uapi_out *o, const struct uapi_device *d)
{
	if (d->private_key != NULL)
		out_key(o, "private_key", d->private_key);
	if (d->listen_port != 0)
		out_printf(o, "listen_port=%u\n", (unsigned)d->listen_port);
	if (d->fwmark != 0)
		out_printf(o, "fwmark=%u\n", (unsigned)d->fwmark);
}

static void
out_prefix(struct uapi_out *o, const struct wg_prefix *p, bool remove)
{
	char text[INET6_ADDRSTRLEN + 8];

	if (uapi_prefix_format(p, text, sizeof(text)) < 0) {
		o->overflow = true;
		return;
	}
	out_printf(o, "allowed_ip=%s%s\n", remove ? "-" : "", text);
}

void
uapi_format_peer(struct uapi_out *o, const struct uapi_peer_info *p)
{
	char ep[ENDPOINT_TEXT_MAX];
	unsigned i;

	out_key(o, "public_key", &p->public_key);
	out_key(o, "preshared_key", &p->psk);
	out_printf(o, "protocol_version=1\n");
	if (endpoint_format(&p->endpoint, ep) > 0)
		out_printf(o, "endpoint=%s\n", ep);
	out_printf(o, "last_handshake_time_sec=%llu\n"
	    "last_handshake_time_nsec=%u\n"
	    "tx_bytes=%llu\nrx_bytes=%llu\n"
	    "persistent_keepalive_interval=%u\n",
	    (unsigned long long)p->last_handshake_sec,
	    (unsigned)p->last_handshake_nsec,
	    (unsigned long long)p->tx_bytes, (unsigned long long)p->rx_bytes,
	    (unsigned)p->keepalive);
	for (i = 0; i < p->nallowed; i++)
		out_prefix(o, &p->allowed[i], false);
}

void
uapi_format_errno(struct uapi_out *o, int err)
{
	out_printf(o, "errno=%d\n\n", err);
}

void
uapi_format_set(struct uapi_out *o, const struct uapi_set *s)
{
	char ep[ENDPOINT_TEXT_MAX];
	uint32_t i, j;

	out_printf(o, "set=1\n");
	if (s->has_private_key)
		out_key(o, "private_key", &s->private_key);
	if (s->has_listen_port)
		out_printf(o, "listen_port=%u\n", (unsigned)s->listen_port);
	if (s->has_fwmark)
		out_printf(o, "fwmark=%u\n", (unsigned)s->fwmark);
	if (s->replace_peers)
		out_printf(o, "replace_peers=true\n");
	for (i = 0; i < s->npeers; i++) {
		const struct uapi_peer *p = &s->peers[i];

		out_key(o, "public_key", &p->public_key);
		if (p->remove)
			out_printf(o, "remove=true\n");
		if (p->update_only)
			out_printf(o, "update_only=true\n");
		if (p->has_psk)
			out_key(o, "preshared_key", &p->psk);
		if (p->has_endpoint) {
			if (endpoint_format(&p->endpoint, ep) < 0)
				o->overflow = true;
			else
				out_printf(o, "endpoint=%s\n", ep);
		}
		if (p->has_keepalive)
			out_printf(o, "persistent_keepalive_interval=%u\n",
			    (unsigned)p->keepalive);
		if (p->replace_allowed_ips)
			out_printf(o, "replace_allowed_ips=true\n");
		for (j = 0; j < p->allowed_count; j++) {
			const struct uapi_allowed *a =
			    &s->allowed[p->allowed_first + j];

			out_prefix(o, &a->prefix, a->remove);
		}
	}
	out_printf(o, "\n");
}
