/*
 * message.h — the four WireGuard messages [3] as C structs, and their one
 * bounds-checked little-endian codec.
 *
 * Pure.  Decoders read every field through struct message_cur, which fails
 * on short input; nothing is cast over a buffer.  A decoder checks the size
 * and the type word (reserved bytes included) and nothing cryptographic:
 * mac1/mac2 belong to crypto/cookie.h, the AEAD fields to crypto/noise.h
 * and crypto/transport.h.
 */
#ifndef CRYPTO_MESSAGE_H
#define CRYPTO_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/wg.h"

#define MESSAGE_ENC_STATIC_LEN		(WG_KEY_LEN + WG_AEAD_TAG_LEN)
#define MESSAGE_ENC_TIMESTAMP_LEN	(WG_TAI64N_LEN + WG_AEAD_TAG_LEN)
#define MESSAGE_ENC_EMPTY_LEN		WG_AEAD_TAG_LEN
#define MESSAGE_ENC_COOKIE_LEN		(WG_COOKIE_LEN + WG_AEAD_TAG_LEN)

/* Type 1, 148 bytes. */
struct message_initiation {
	uint32_t	sender;
	uint8_t		ephemeral[WG_KEY_LEN];
	uint8_t		enc_static[MESSAGE_ENC_STATIC_LEN];
	uint8_t		enc_timestamp[MESSAGE_ENC_TIMESTAMP_LEN];
	uint8_t		mac1[WG_MAC_LEN];
	uint8_t		mac2[WG_MAC_LEN];
};

/* Type 2, 92 bytes. */
struct message_response {
	uint32_t	sender;
	uint32_t	receiver;
	uint8_t		ephemeral[WG_KEY_LEN];
	uint8_t		enc_empty[MESSAGE_ENC_EMPTY_LEN];
	uint8_t		mac1[WG_MAC_LEN];
	uint8_t		mac2[WG_MAC_LEN];
};

/* Type 3, 64 bytes. */
struct message_cookie {
	uint32_t	receiver;
	uint8_t		nonce[WG_XNONCE_LEN];
	uint8_t		enc_cookie[MESSAGE_ENC_COOKIE_LEN];
};

/* Type 4: the 16-byte header; the ciphertext follows it in the buffer. */
struct message_transport {
	uint32_t	receiver;
	uint64_t	counter;
	size_t		ct_len;		/* encrypted payload and tag */
};

_Static_assert(4 + 4 + WG_KEY_LEN + MESSAGE_ENC_STATIC_LEN +
    MESSAGE_ENC_TIMESTAMP_LEN + 2 * WG_MAC_LEN == WG_INITIATION_LEN,
    "initiation layout");
_Static_assert(4 + 4 + 4 + WG_KEY_LEN + MESSAGE_ENC_EMPTY_LEN +
    2 * WG_MAC_LEN == WG_RESPONSE_LEN, "response layout");
_Static_assert(4 + 4 + WG_XNONCE_LEN + MESSAGE_ENC_COOKIE_LEN ==
    WG_COOKIE_REPLY_LEN, "cookie reply layout");
_Static_assert(WG_INITIATION_MAC1_OFF + WG_MAC_LEN == WG_INITIATION_MAC2_OFF &&
    WG_INITIATION_MAC2_OFF + WG_MAC_LEN == WG_INITIATION_LEN,
    "initiation mac offsets");
_Static_assert(WG_RESPONSE_MAC1_OFF + WG_MAC_LEN == WG_RESPONSE_MAC2_OFF &&
    WG_RESPONSE_MAC2_OFF + WG_MAC_LEN == WG_RESPONSE_LEN,
    "response mac offsets");
_Static_assert(4 + 4 + 8 == WG_TRANSPORT_HDR_LEN, "transport header");

/* A little-endian read cursor: a failed get leaves it failed. */
struct message_cur {
	const uint8_t	*p;
	size_t		len;
	size_t		off;
	bool		bad;
};

void	message_cur_init(struct message_cur *, const void *, size_t);
bool	message_get_u32(struct message_cur *, uint32_t *);
bool	message_get_u64(struct message_cur *, uint64_t *);
bool	message_get_bytes(struct message_cur *, void *, size_t);
size_t	message_cur_left(const struct message_cur *);

/*
 * The type of a datagram if its type word is 1-4 with zero reserved bytes
 * and its length is right for that type (exact for 1-3, >= 32 for 4);
 * otherwise 0.
 */
unsigned message_type(const uint8_t *, size_t);

bool	message_decode_initiation(const uint8_t *, size_t,
	    struct message_initiation *);
bool	message_decode_response(const uint8_t *, size_t,
	    struct message_response *);
bool	message_decode_cookie(const uint8_t *, size_t, struct message_cookie *);
bool	message_decode_transport(const uint8_t *, size_t,
	    struct message_transport *);

void	message_encode_initiation(uint8_t out[static WG_INITIATION_LEN],
	    const struct message_initiation *);
void	message_encode_response(uint8_t out[static WG_RESPONSE_LEN],
	    const struct message_response *);
void	message_encode_cookie(uint8_t out[static WG_COOKIE_REPLY_LEN],
	    const struct message_cookie *);
void	message_encode_transport(uint8_t out[static WG_TRANSPORT_HDR_LEN],
	    uint32_t receiver, uint64_t counter);

#endif /* CRYPTO_MESSAGE_H */
