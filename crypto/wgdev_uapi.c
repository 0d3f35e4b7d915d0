/*
 * wgdev_uapi.c — UAPI get/set on a wgdev [10].  Pure.
 *
 * Semantics follow wireguard-go's uapi.go (read for facts, not copied):
 * device keys first; a public_key line selects or creates a peer; our own
 * public key selects nothing; remove=true and update_only=true (for a
 * peer that does not exist) make the rest of the block a no-op; turning
 * the persistent keepalive on sends a keepalive at once; staged packets
 * are released after each block (an endpoint may just have arrived).
 */
#include "crypto/wgdev_uapi.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "crypto/key.h"
#include "crypto/wgdev.h"

int
wgdev_uapi_get(const struct wgdev *dev, struct uapi_out *out, uint32_t *cursor)
{
	struct wgdev_peer_info info;
	struct uapi_peer_info pi;
	struct uapi_device d;
	struct wg_key priv;
	uint32_t id, c;
	size_t mark;

	if (*cursor == 0) {
		memset(&d, 0, sizeof(d));
		if (wgdev_private_key(dev, &priv))
			d.private_key = &priv;
		d.listen_port = wgdev_listen_port(dev);
		d.fwmark = wgdev_fwmark(dev);
		uapi_format_device(out, &d);
		key_wipe(&priv);
		if (out->overflow)
			return -ENOSPC;
		*cursor = 1;
	}
	/* The cursor is one more than the peer iteration position. */
	c = *cursor - 1;
	for (;;) {
		uint32_t before = c;

		if (!wgdev_peer_next(dev, &c, &id))
			break;
		if (wgdev_peer_info(dev, id, &info) != 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		pi.public_key = info.public_key;
		pi.psk = info.psk;
		pi.endpoint = info.endpoint;
		pi.last_handshake_sec = info.last_handshake_wall / WG_WALL_SEC;
		pi.last_handshake_nsec =
		    (uint32_t)(info.last_handshake_wall % WG_WALL_SEC);
		pi.tx_bytes = info.tx_bytes;
		pi.rx_bytes = info.rx_bytes;
		pi.keepalive = info.keepalive;
		pi.allowed = info.allowed;
		pi.nallowed = info.nallowed;
		mark = out->len;
		uapi_format_peer(out, &pi);
		sodium_memzero(&info, sizeof(info));
		sodium_memzero(&pi, sizeof(pi));
		if (out->overflow) {
			/* Roll back this peer; it goes into the next chunk. */
			sodium_memzero(out->p + mark, out->cap - mark);
			out->len = mark;
			out->overflow = false;
			*cursor = before + 1;
			return mark == 0 ? -ENOSPC : 1;
		}
	}
	*cursor = c + 1;
	mark = out->len;
	uapi_format_errno(out, 0);
	if (out->overflow) {
		out->len = mark;
		out->overflow = false;
		return 1;
	}
	return 0;
}

/*
 * Check the bounds before touching anything: returns how many peers the
 * request creates, or -errno.
 */
static int
check(const struct wgdev *dev, const struct uapi_set *s)
{
	struct wgdev_peer_info info;
	struct wg_key pub, tmp;
	unsigned creates = 0, i, j;
	bool have_pub = wgdev_public_key(dev, &pub);
	uint32_t id;
	int rc = 0;

	/* A new private key changes which public key is "our own". */
	if (s->has_private_key) {
		tmp = s->private_key;
		key_clamp(&tmp);
		have_pub = !key_is_zero(&s->private_key) &&
		    key_public(&pub, &tmp) == 0;
		key_wipe(&tmp);
	}
	for (i = 0; i < s->npeers; i++) {
		const struct uapi_peer *p = &s->peers[i];
		bool exists, earlier = false;
		unsigned base = 0;

		if (key_is_zero(&p->public_key)) {
			rc = -EINVAL;
			goto out;
		}
		if (have_pub && key_equal(&p->public_key, &pub))
			continue;
		exists = !s->replace_peers &&
		    wgdev_peer_find(dev, &p->public_key, &id);
		for (j = 0; j < i; j++)
			if (key_equal(&s->peers[j].public_key, &p->public_key))
				earlier = true;
		if (p->remove || (p->update_only && !exists && !earlier))
			continue;
		if (!exists && !earlier)
			creates++;
		if (exists && !p->replace_allowed_ips &&
		    wgdev_peer_info(dev, id, &info) == 0) {
			base = info.nallowed;
			sodium_memzero(&info, sizeof(info));
		}
		if (base + p->allowed_count > WG_ALLOWED_IPS_MAX) {
			rc = -ENOSPC;
			goto out;
		}
	}
	if (creates > wgdev_peer_capacity(dev) -
	    (s->replace_peers ? 0 : wgdev_peer_count(dev)))
		rc = -ENOSPC;
out:
	key_wipe(&pub);
	return rc;
}

int
wgdev_uapi_set(struct wgdev *dev, const struct uapi_set *s, struct wg_now now)
{
	struct wg_key pub;
	unsigned i, j;
	uint32_t id;
	int rc;

	if ((rc = check(dev, s)) != 0)
		return rc;
	if (s->has_private_key &&
	    wgdev_set_private_key(dev, &s->private_key, now) != 0)
		return -EINVAL;
	if (s->has_listen_port)
		wgdev_set_listen_port(dev, s->listen_port);
	if (s->has_fwmark)
		wgdev_set_fwmark(dev, s->fwmark);
	if (s->replace_peers)
		wgdev_peer_remove_all(dev);

	for (i = 0; i < s->npeers; i++) {
		const struct uapi_peer *p = &s->peers[i];

		if (wgdev_public_key(dev, &pub) &&
		    key_equal(&p->public_key, &pub))
			continue;
		if (!wgdev_peer_find(dev, &p->public_key, &id)) {
			if (p->remove || p->update_only)
				continue;
			if (wgdev_peer_add(dev, &p->public_key, &id) != 0) {
				rc = -ENOSPC;	/* check() makes this unreachable */
				break;
			}
		}
		if (p->remove) {
			wgdev_peer_remove(dev, id);
			continue;
		}
		if (p->has_psk)
			wgdev_peer_set_psk(dev, id, &p->psk);
		if (p->has_endpoint)
			wgdev_peer_set_endpoint(dev, id, &p->endpoint);
		if (p->replace_allowed_ips)
			wgdev_peer_clear_allowed(dev, id);
		for (j = 0; j < p->allowed_count; j++) {
			const struct uapi_allowed *a =
			    &s->allowed[p->allowed_first + j];

			if (a->remove)
				wgdev_peer_remove_allowed(dev, id, &a->prefix);
			else if (wgdev_peer_add_allowed(dev, id, &a->prefix) != 0)
				rc = -ENOSPC;
		}
		/* Turning it on sends a keepalive at once. */
		if (p->has_keepalive)
			wgdev_peer_set_keepalive(dev, id, p->keepalive, now);
		wgdev_peer_flush(dev, id, now);
	}
	key_wipe(&pub);
	return rc;
}
