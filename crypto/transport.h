/*
 * transport.h — transport data [5]: a keypair's send and receive keys,
 * its 64-bit send counter and replay window, in-place encryption and
 * decryption, padding, and a peer's three keypair slots (previous, current,
 * next) with their rotation rules [7.3].
 *
 * Pure.  Ages and limits are the caller's (crypto/wgdev.c) to apply; this
 * file only enforces what no caller may skip: a counter is never reused,
 * and nothing decrypts without authenticating.
 */
#ifndef CRYPTO_TRANSPORT_H
#define CRYPTO_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/message.h"
#include "crypto/monotime.h"
#include "crypto/noise.h"
#include "crypto/replay.h"
#include "crypto/wg.h"

struct transport_keypair {
	uint8_t		send_key[WG_KEY_LEN];
	uint8_t		recv_key[WG_KEY_LEN];
	uint64_t	send_counter;	/* next counter to use */
	struct replay_window replay;
	monotime_t	created;
	uint32_t	local_index;	/* what the peer puts in "receiver" */
	uint32_t	remote_index;	/* what we put in "receiver" */
	bool		initiator;	/* we initiated the handshake */
	bool		in_use;
};

enum transport_slot {
	TRANSPORT_PREVIOUS = 0,
	TRANSPORT_CURRENT,
	TRANSPORT_NEXT,
	TRANSPORT_SLOTS
};

/* Keypair storage and the slots that point into it (-1: empty). */
struct transport_slots {
	struct transport_keypair kp[TRANSPORT_SLOTS];
	int8_t		slot[TRANSPORT_SLOTS];
};

/*
 * Padded plaintext length [5]: len rounded up to a multiple of 16; with
 * mtu > 0 capped at mtu (and never below len), as WireGuard does for IP.
 * mtu == 0 is the VAN mode: always a multiple of 16, so the pad count
 * fits in the low 4 bits of the VAN header's byte 3 (design §3).
 */
size_t	transport_padded_len(size_t len, size_t mtu);

/*
 * Encrypt in place.  pkt has capacity cap; the payload is at
 * pkt + WG_TRANSPORT_HDR_LEN, len bytes; zero padding is written up to
 * padded bytes; the header goes in front and the tag behind.  Fails (-1)
 * without touching the counter when it reached limit or cap is too small.
 * *out_len is the datagram length.
 */
int	transport_encrypt(struct transport_keypair *, uint8_t *pkt, size_t cap,
	    size_t len, size_t padded, uint64_t limit, size_t *out_len);
/*
 * Authenticate and decrypt in place: on success the plaintext is at
 * pkt + WG_TRANSPORT_HDR_LEN and *plain_len long.  The replay window is
 * not consulted (replay_check after this, [5] steps 3-4).
 */
int	transport_decrypt(const struct transport_keypair *, uint8_t *pkt,
	    size_t len, const struct message_transport *, size_t *plain_len);

void	transport_slots_init(struct transport_slots *);
/* The keypair in a slot, or NULL. */
struct transport_keypair *transport_slot(struct transport_slots *,
	    enum transport_slot);
/* The slot a keypair storage index is in, or -1. */
int	transport_slot_of(const struct transport_slots *, int storage);
/*
 * Install a new session [7.3].  Initiator: it becomes current (an existing
 * next becomes previous and the old current goes; otherwise the old
 * current becomes previous); responder: it becomes next (previous and any
 * older next go).  The local indices of discarded keypairs are written to
 * dropped (up to 3) so the caller can free them.  Returns the storage index.
 */
int	transport_slots_install(struct transport_slots *,
	    const struct noise_keys *, uint32_t local_index, monotime_t now,
	    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped);
/*
 * First authenticated packet on a keypair: if it is next, it becomes
 * current and the old current previous (the old previous is dropped).
 * Returns true when it rotated.
 */
bool	transport_slots_confirm(struct transport_slots *, int storage,
	    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped);
/* Discard every keypair (zero-key-material, peer removal). */
void	transport_slots_clear(struct transport_slots *,
	    uint32_t dropped[static TRANSPORT_SLOTS], unsigned *ndropped);

#endif /* CRYPTO_TRANSPORT_H */
