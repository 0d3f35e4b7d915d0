/*
 * transport.c — transport keypairs and their slots [5], [7.3].  Pure.
 *
 * Encryption and decryption work in place on the caller's buffer; nothing
 * is allocated.  A keypair is wiped when it leaves its slot.
 */
#include "crypto/transport.h"

#include <sodium.h>
#include <string.h>

#include "crypto/aead.h"

size_t
transport_padded_len(size_t len, size_t mtu)
{
	size_t padded = (len + WG_PAD_MULTIPLE - 1) & ~(size_t)(WG_PAD_MULTIPLE - 1);

	if (mtu > 0 && padded > mtu)
		padded = len > mtu ? len : mtu;
	return padded;
}

int
transport_encrypt(struct transport_keypair *kp, uint8_t *pkt, size_t cap,
    size_t len, size_t padded, uint64_t limit, size_t *out_len)
{
	uint64_t counter = kp->send_counter;

	if (padded < len || padded > WG_PAYLOAD_MAX ||
	    cap < WG_TRANSPORT_MIN_LEN + padded || counter >= limit)
		return -1;
	kp->send_counter = counter + 1;
	memset(pkt + WG_TRANSPORT_HDR_LEN + len, 0, padded - len);
	message_encode_transport(pkt, kp->remote_index, counter);
	aead_seal(pkt + WG_TRANSPORT_HDR_LEN, kp->send_key, counter,
	    pkt + WG_TRANSPORT_HDR_LEN, padded, NULL, 0);
	*out_len = WG_TRANSPORT_MIN_LEN + padded;
	return 0;
}

int
transport_decrypt(const struct transport_keypair *kp, uint8_t *pkt, size_t len,
    const struct message_transport *m, size_t *plain_len)
{
	if (len < WG_TRANSPORT_MIN_LEN || m->ct_len != len - WG_TRANSPORT_HDR_LEN)
		return -1;
	if (aead_open(pkt + WG_TRANSPORT_HDR_LEN, kp->recv_key, m->counter,
	    pkt + WG_TRANSPORT_HDR_LEN, m->ct_len, NULL, 0) != 0)
		return -1;
	*plain_len = m->ct_len - WG_AEAD_TAG_LEN;
	return 0;
}

void
transport_slots_init(struct transport_slots *s)
{
	sodium_memzero(s, sizeof(*s));
	s->slot[TRANSPORT_PREVIOUS] = -1;
	s->slot[TRANSPORT_CURRENT] = -1;
	s->slot[TRANSPORT_NEXT] = -1;
}

struct transport_keypair *
transport_slot(struct transport_slots *s, enum transport_slot which)
{
	int i = s->slot[which];

	return i < 0 ? NULL : &s->kp[i];
}

int
transport_slot_of(const struct transport_slots *s, int storage)
{
	int w;

	for (w = 0; w < TRANSPORT_SLOTS; w++)
		if (s->slot[w] == storage && storage >= 0)
			return w;
	return -1;
}

/* Empty a slot: wipe its keypair, report its index. */
static void
drop_slot(struct transport_slots *s, enum transport_slot which,
    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped)
{
	int i = s->slot[which];

	if (i < 0)
		return;
	dropped[(*ndropped)++] = s->kp[i].local_index;
	sodium_memzero(&s->kp[i], sizeof(s->kp[i]));
	s->slot[which] = -1;
}

int
transport_slots_install(struct transport_slots *s, const struct noise_keys *k,
    uint32_t local_index, monotime_t now,
    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped)
{
	struct transport_keypair *kp;
	int i;

	*ndropped = 0;
	if (k->initiator) {
		drop_slot(s, TRANSPORT_PREVIOUS, dropped, ndropped);
		if (s->slot[TRANSPORT_NEXT] >= 0) {
			drop_slot(s, TRANSPORT_CURRENT, dropped, ndropped);
			s->slot[TRANSPORT_PREVIOUS] = s->slot[TRANSPORT_NEXT];
			s->slot[TRANSPORT_NEXT] = -1;
		} else {
			s->slot[TRANSPORT_PREVIOUS] = s->slot[TRANSPORT_CURRENT];
			s->slot[TRANSPORT_CURRENT] = -1;
		}
	} else {
		drop_slot(s, TRANSPORT_NEXT, dropped, ndropped);
		drop_slot(s, TRANSPORT_PREVIOUS, dropped, ndropped);
	}
	/* At most two slots are still occupied: one storage is free. */
	for (i = 0; i < TRANSPORT_SLOTS; i++)
		if (!s->kp[i].in_use)
			break;
	if (i == TRANSPORT_SLOTS)
		return -1;
	kp = &s->kp[i];
	memcpy(kp->send_key, k->send, WG_KEY_LEN);
	memcpy(kp->recv_key, k->recv, WG_KEY_LEN);
	kp->send_counter = 0;
	replay_init(&kp->replay);
	kp->created = now;
	kp->local_index = local_index;
	kp->remote_index = k->remote_index;
	kp->initiator = k->initiator;
	kp->in_use = true;
	s->slot[k->initiator ? TRANSPORT_CURRENT : TRANSPORT_NEXT] = (int8_t)i;
	return i;
}

bool
transport_slots_confirm(struct transport_slots *s, int storage,
    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped)
{
	*ndropped = 0;
	if (storage < 0 || s->slot[TRANSPORT_NEXT] != storage)
		return false;
	drop_slot(s, TRANSPORT_PREVIOUS, dropped, ndropped);
	s->slot[TRANSPORT_PREVIOUS] = s->slot[TRANSPORT_CURRENT];
	s->slot[TRANSPORT_CURRENT] = (int8_t)storage;
	s->slot[TRANSPORT_NEXT] = -1;
	return true;
}

void
transport_slots_clear(struct transport_slots *s,
    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped)
{
	*ndropped = 0;
	drop_slot(s, TRANSPORT_PREVIOUS, dropped, ndropped);
	drop_slot(s, TRANSPORT_CURRENT, dropped, ndropped);
	drop_slot(s, TRANSPORT_NEXT, dropped, ndropped);
}
