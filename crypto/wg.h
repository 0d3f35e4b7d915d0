/*
 * wg.h — every constant and named limit of the WireGuard-protocol engine in
 * crypto/, and the few small types all of its files share: keys, clock
 * readings, the injectable random source, the protocol timing and the
 * endpoint (a UDP peer address).
 *
 * The protocol values are those of ../shared/docs/wireguard-protocol.md
 * (the "digest"), section numbers in brackets.  Pure: declarations only.
 */
#ifndef CRYPTO_WG_H
#define CRYPTO_WG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "crypto/monotime.h"

/* ------------------------------------------------- primitives [1], [2] --- */

#define WG_KEY_LEN		32	/* X25519 keys, preshared key, BLAKE2s-256 */
#define WG_HASH_LEN		32
#define WG_MAC_LEN		16	/* keyed BLAKE2s-128: mac1, mac2, cookie */
#define WG_COOKIE_LEN		16
#define WG_AEAD_TAG_LEN		16
#define WG_TAI64N_LEN		12
#define WG_XNONCE_LEN		24	/* XChaCha20-Poly1305 nonce of a cookie reply */
#define WG_KEY_B64_LEN		44	/* 43 characters and one '=' */
#define WG_KEY_HEX_LEN		64

#define WG_CONSTRUCTION		"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
#define WG_IDENTIFIER		"WireGuard v1 zx2c4 Jason@zx2c4.com"
#define WG_LABEL_MAC1		"mac1----"
#define WG_LABEL_COOKIE		"cookie--"

/* ------------------------------------------------------- messages [3] --- */

enum wg_msg_type {
	WG_MSG_INITIATION	= 1,
	WG_MSG_RESPONSE		= 2,
	WG_MSG_COOKIE		= 3,
	WG_MSG_TRANSPORT	= 4
};

#define WG_INITIATION_LEN	148
#define WG_RESPONSE_LEN		92
#define WG_COOKIE_REPLY_LEN	64
#define WG_TRANSPORT_HDR_LEN	16	/* type, receiver, counter */
#define WG_TRANSPORT_MIN_LEN	(WG_TRANSPORT_HDR_LEN + WG_AEAD_TAG_LEN)
#define WG_KEEPALIVE_LEN	WG_TRANSPORT_MIN_LEN

/* Field offsets of the handshake messages; mac1/mac2 cover what precedes. */
#define WG_INITIATION_MAC1_OFF	116
#define WG_INITIATION_MAC2_OFF	132
#define WG_RESPONSE_MAC1_OFF	60
#define WG_RESPONSE_MAC2_OFF	76

#define WG_PAD_MULTIPLE		16
#define WG_MTU_DEFAULT		1420	/* wireguard-go's TUN default */
/* Largest plaintext we encrypt or accept: an IPv4/IPv6 jumbo is not ours to
 * carry; a VAN message (edge/van/wire.h WIRE_MSG_MAX) is at most 9243 bytes. */
#define WG_PAYLOAD_MAX		9600
#define WG_DATAGRAM_MAX		(WG_TRANSPORT_MIN_LEN + WG_PAYLOAD_MAX)

/* ------------------------------------------ counters and timers [2], [7] --- */

#define WG_REKEY_AFTER_MESSAGES		(UINT64_C(1) << 60)
#define WG_REJECT_AFTER_MESSAGES	(UINT64_MAX - (UINT64_C(1) << 13))
#define WG_REKEY_AFTER_TIME		MONO_SEC(120)
#define WG_REJECT_AFTER_TIME		MONO_SEC(180)
#define WG_REKEY_ATTEMPT_TIME		MONO_SEC(90)
#define WG_REKEY_TIMEOUT		MONO_SEC(5)
#define WG_REKEY_JITTER_MAX		MONO_MS(333)
#define WG_KEEPALIVE_TIMEOUT		MONO_SEC(10)
#define WG_MAX_TIMER_HANDSHAKES		18	/* REKEY_ATTEMPT_TIME / REKEY_TIMEOUT */
#define WG_COOKIE_SECRET_LIFE		MONO_SEC(120)
#define WG_COOKIE_LIFE			MONO_SEC(120)
#define WG_INITIATION_MIN_INTERVAL	MONO_MS(20)	/* 50 per second */

/* Under load, a source with a valid mac2 gets 20 handshakes/s, burst 5 [6]. */
#define WG_RATELIMIT_PER_SEC		20
#define WG_RATELIMIT_BURST		5

/* Replay window [5]: a ring of 8192 bits, usable window 8192 - 64. */
#define WG_REPLAY_RING_BITS		8192
#define WG_REPLAY_WINDOW		(WG_REPLAY_RING_BITS - 64)

/* ------------------------------------------------------ engine limits --- */

#define WG_PEER_MAX		1024	/* peers of one device (hard bound) */
#define WG_ALLOWED_IPS_MAX	32	/* allowed-ip prefixes per peer */
#define WG_STAGED_PER_PEER	128	/* packets waiting for a handshake [2] */
#define WG_STAGE_POOL_DEFAULT	512	/* staging slots shared by all peers */
#define WG_STAGE_POOL_MAX	16384
#define WG_RATELIMIT_ENTRIES	4096	/* sources tracked under load */
#define WG_INDEX_ATTEMPTS	64	/* draws for a free random local index */

/* ------------------------------------------------------- shared types --- */

/* A 32-byte key: private, public or preshared.  Wiped by its owner. */
struct wg_key {
	uint8_t		b[WG_KEY_LEN];
};

/*
 * The caller's clock, read once per event.  mono (crypto/monotime.h) drives
 * every timer and age; wall (CLOCK_REALTIME, ns since the Unix epoch) only
 * makes TAI64N timestamps and the last-handshake time the UAPI reports, and
 * WG_WALL_SEC is its nanoseconds a second.
 */
struct wg_now {
	monotime_t	mono;
	uint64_t	wall;
};

#define WG_WALL_SEC	UINT64_C(1000000000)

/*
 * Randomness comes through this, so tests can replay exact bytes:
 * ephemeral keys, local indices, jitter, cookie secrets and nonces, table
 * keys.  wg_rng_default uses libsodium's randombytes_buf.
 */
struct wg_rng {
	void		(*fill)(void *ctx, void *buf, size_t len);
	void		*ctx;
};

extern const struct wg_rng wg_rng_default;

/*
 * Protocol timing and counter limits.  wg_timing_default holds the values of
 * the digest; tests and the interop peer shrink some of them so that a
 * rekey does not take two minutes.  The durations are minutes at most, so
 * that their sums (and 3 * reject_after_time) cannot overflow; a deadline
 * they make is mono_add's, which cannot either.
 */
struct wg_timing {
	monotime_t	rekey_after_time;
	monotime_t	reject_after_time;
	monotime_t	rekey_timeout;
	monotime_t	jitter_max;
	monotime_t	keepalive_timeout;
	monotime_t	cookie_secret_life;
	monotime_t	cookie_life;
	monotime_t	initiation_min_interval;
	uint64_t	rekey_after_messages;
	uint64_t	reject_after_messages;
	unsigned	max_handshakes;
};

extern const struct wg_timing wg_timing_default;

/*
 * A UDP peer address.  addr is the remote address (AF_UNSPEC: none).  The
 * optional local part is the "sticky source" [8] of a multi-homed host: the
 * I/O layer may fill it from IP_PKTINFO and use it when sending; the engine
 * only copies it and clears it when handshake retries fire.
 */
struct wg_endpoint {
	union {
		struct sockaddr		sa;
		struct sockaddr_in	in4;
		struct sockaddr_in6	in6;
	} addr;
	union {
		struct in_addr		in4;
		struct in6_addr		in6;
	} local;
	sa_family_t	local_family;	/* 0: no sticky source */
	uint32_t	local_ifindex;
};

/* An allowed-IP prefix (address masked to cidr bits). */
struct wg_prefix {
	sa_family_t	family;		/* AF_INET or AF_INET6 */
	uint8_t		cidr;
	uint8_t		addr[16];	/* network order; 4 used for IPv4 */
};

#endif /* CRYPTO_WG_H */
