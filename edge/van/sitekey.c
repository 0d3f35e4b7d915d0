/*
 * sitekey.c — a site key's authentication of members' control messages
 * (docs/protocol.md §7): each member's address as the other end knows it
 * (its identity in the pair keys), sealing what we send to a member and
 * checking what it sends us, with the pair keys (version 2) or, during a
 * rolling upgrade (site_key_compat), the site key itself (version 1);
 * during a rotation a second key (site_key_accept) is accepted too, never
 * sealed with.  Pure; keys come from the I/O layer (bridge_set_auth).
 */
#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"

#include <string.h>

#include <sodium.h>

static void
pair_id(uint8_t id[static WIRE_ID_LEN], const struct van_addr *a)
{
	wire_auth_id(id, a->family, a->ip, a->port);
}

const struct van_addr *
bridge_member_self_get(const struct bridge *b, uint32_t m)
{
	return b->member[m].self.family != 0 ? &b->member[m].self : &b->conf.self;
}

void
bridge_member_self(struct bridge *b, uint32_t m, const struct van_addr *self)
{
	struct bridge_member *mb = &b->member[m];

	if (m >= b->conf.member_max || !mb->used || mb->peer ||
	    addr_eq(&mb->self, self))
		return;
	mb->self = *self;
	mb->tx_ok = false;
}

void
bridge_set_auth(struct bridge *b, const uint8_t *key, const uint8_t *accept,
    bool compat)
{
	uint32_t m;

	b->conf.auth = key != NULL;
	b->conf.auth_compat = key != NULL && compat;
	b->conf.auth_accept = key != NULL && accept != NULL;
	if (key != NULL)
		memcpy(b->conf.site_key, key, WIRE_KEY_LEN);
	else
		sodium_memzero(b->conf.site_key, sizeof(b->conf.site_key));
	if (b->conf.auth_accept)
		memcpy(b->conf.accept_key, accept, WIRE_KEY_LEN);
	else
		sodium_memzero(b->conf.accept_key, sizeof(b->conf.accept_key));
	/*
	 * Derived keys go; counters, replay windows and epochs stay: a
	 * member's counter runs per epoch, whatever key seals it, so what was
	 * accepted before the change is a replay after it too.  v2 stays
	 * while there is a key: a member's trailer version is its own.
	 */
	for (m = 0; m < b->conf.member_max; m++) {
		struct bridge_member *mb = &b->member[m];

		mb->tx_ok = mb->rx_ok = false;
		if (key == NULL)
			mb->v2 = false;
		mb->rx_by = SITEKEY_BY_NONE;
		sodium_memzero(mb->tx_key, sizeof(mb->tx_key));
		sodium_memzero(mb->rx_key, sizeof(mb->rx_key));
		sodium_memzero(mb->rx_acc, sizeof(mb->rx_acc));
	}
}

/*
 * Seal the control message msg[0..len) (capacity cap) for member m: with
 * the key of our direction of the pair (version 2), or — site_key_compat,
 * to a member not heard with version 2 — with the site key (version 1).
 * *pass: 0 on the first call; it comes back 1 when the caller should seal
 * a second copy (a HELLO to such a member also goes as version 2, so that
 * an upgraded member hears it and switches), 2 when done.  Returns the
 * sealed length, 0 if it cannot be sealed (no address of ours known).
 */
size_t
sitekey_seal(struct bridge *b, uint32_t m, uint8_t *msg, size_t len, size_t cap,
    int *pass)
{
	struct bridge_member *mb = &b->member[m];
	uint8_t from[WIRE_ID_LEN], to[WIRE_ID_LEN];
	const struct van_addr *self;

	if (*pass == 0 && b->conf.auth_compat && !mb->v2) {
		*pass = (msg[0] & 0x0f) == WIRE_HELLO ? 1 : 2;
		return wire_auth_seal(msg, len, cap, b->conf.epoch, ++mb->tx_counter,
		    b->conf.site_key, false);
	}
	*pass = 2;
	if (!mb->tx_ok) {
		if ((self = bridge_member_self_get(b, m))->family == 0)
			return 0;
		pair_id(from, self);
		pair_id(to, &mb->addr);
		wire_auth_pair_key(mb->tx_key, b->conf.site_key, from, to);
		mb->tx_ok = true;
	}
	/* Its own counter for each receiver: a message for one member
	 * replayed to another fails its tag, and each sees no gaps. */
	return wire_auth_seal(msg, len, cap, b->conf.epoch, ++mb->tx_counter,
	    mb->tx_key, true);
}

/* The keys of what m sends to `to` (NULL: to the address it knows us by). */
static bool
rx_key(struct bridge *b, uint32_t m, const struct van_addr *to)
{
	struct bridge_member *mb = &b->member[m];
	uint8_t from[WIRE_ID_LEN], id[WIRE_ID_LEN];

	if (to == NULL || to->family == 0)
		to = bridge_member_self_get(b, m);
	if (to->family == 0)
		return false;
	if (mb->rx_ok && addr_eq(&mb->rx_to, to))
		return true;
	pair_id(from, &mb->addr);
	pair_id(id, to);
	wire_auth_pair_key(mb->rx_key, b->conf.site_key, from, id);
	if (b->conf.auth_accept)
		wire_auth_pair_key(mb->rx_acc, b->conf.accept_key, from, id);
	mb->rx_to = *to;
	mb->rx_ok = true;
	return true;
}

/*
 * With a site key, a control message of member m (not a peer) must carry a
 * tag that verifies with the key of m's direction of the pair towards the
 * address it came to (version 1, the site key's own, only with
 * site_key_compat) — of the site key or, in a rotation, of the accepted
 * key (*by says which; the site key is tried first: it is the one every
 * member ends up with).  Returns 0 or the drop reason; member_auth_in goes
 * on with the epoch and the counter, which are the sender's whatever key
 * sealed them.
 */
int
sitekey_check(struct bridge *b, uint32_t m, const struct van_addr *to,
    const uint8_t *msg, const struct wire_msg *wm, enum sitekey_by *by)
{
	struct bridge_member *mb = &b->member[m];
	const uint8_t *site, *acc;

	*by = SITEKEY_BY_NONE;
	if (!wm->has_auth)
		return DROP_NO_AUTH;
	if (wm->pair) {
		if (!rx_key(b, m, to))
			return DROP_BAD_AUTH;
		site = mb->rx_key;
		acc = mb->rx_acc;
	} else if (!b->conf.auth_compat)
		return DROP_OLD_AUTH;
	else {
		site = b->conf.site_key;
		acc = b->conf.accept_key;
	}
	if (wire_auth_check(msg, wm, site))
		*by = SITEKEY_BY_SITE;
	else if (b->conf.auth_accept && wire_auth_check(msg, wm, acc))
		*by = SITEKEY_BY_ACCEPT;
	else
		return DROP_BAD_AUTH;
	return 0;
}
