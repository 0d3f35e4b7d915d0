/*
 * fuzz_wg_msg.c — libFuzzer harness for the four WireGuard message
 * parsers (crypto/message.c) and the code that reads their fields first:
 * mac1/mac2 checks, cookie-reply opening, the responder's opening of an
 * initiation, the initiator's consumption of a response and transport
 * decryption.  Round trip: whatever decodes must encode to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cookie.h"
#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/message.h"
#include "crypto/noise.h"
#include "crypto/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct noise_local local;
static struct noise_peer peer;
static struct cookie_checker checker;
static struct cookie_maker maker;
static struct transport_keypair kp;
static struct wg_endpoint src;
static int ready;

static void
setup(void)
{
	struct wg_key k, pk;
	uint8_t ts[12];
	struct message_initiation m;
	unsigned i;

	for (i = 0; i < 32; i++)
		k.b[i] = (uint8_t)(0x30 + i);
	noise_local_set(&local, &k);
	for (i = 0; i < 32; i++)
		k.b[i] = (uint8_t)(0x10 + i);
	key_clamp(&k);
	key_public(&pk, &k);
	noise_peer_init(&peer, &local, &pk, NULL);
	cookie_checker_init(&checker, &local.pub);
	cookie_maker_init(&maker, &pk);
	/* a pending initiation, so responses reach the noise code */
	noise_tai64n(1, ts);
	noise_initiation_create(&peer, &local, &k, 0x11223344, ts, &m);
	memset(&kp, 0, sizeof(kp));
	memset(kp.recv_key, 7, sizeof(kp.recv_key));
	endpoint_parse(&src, "10.0.0.1:51820", 14);
	ready = 1;
}

static void
roundtrip(const uint8_t *data, size_t size)
{
	uint8_t out[WG_INITIATION_LEN];
	struct message_initiation mi;
	struct message_response mr;
	struct message_cookie mc;
	struct message_transport mt;
	unsigned type = message_type(data, size);
	bool a, b, c, d;

	a = message_decode_initiation(data, size, &mi);
	b = message_decode_response(data, size, &mr);
	c = message_decode_cookie(data, size, &mc);
	d = message_decode_transport(data, size, &mt);
	/* at most one decoder accepts, and exactly the one message_type names */
	if (a + b + c + d > 1 || (type == 0) != (a + b + c + d == 0) ||
	    (type == 1) != a || (type == 2) != b || (type == 3) != c ||
	    (type == 4) != d)
		abort();
	if (a) {
		message_encode_initiation(out, &mi);
		if (memcmp(out, data, WG_INITIATION_LEN) != 0)
			abort();
	}
	if (b) {
		message_encode_response(out, &mr);
		if (memcmp(out, data, WG_RESPONSE_LEN) != 0)
			abort();
	}
	if (c) {
		message_encode_cookie(out, &mc);
		if (memcmp(out, data, WG_COOKIE_REPLY_LEN) != 0)
			abort();
	}
	if (d) {
		message_encode_transport(out, mt.receiver, mt.counter);
		if (memcmp(out, data, WG_TRANSPORT_HDR_LEN) != 0 ||
		    mt.ct_len != size - WG_TRANSPORT_HDR_LEN)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message_initiation mi;
	struct message_response mr;
	struct message_cookie mc;
	struct message_transport mt;
	struct noise_opened o;
	struct noise_keys keys;
	struct noise_peer p2;
	uint8_t *buf;
	size_t plen;

	if (!ready)
		setup();
	roundtrip(data, size);
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	switch (message_type(buf, size)) {
	case WG_MSG_INITIATION:
		cookie_check_mac1(&checker, buf, size);
		cookie_check_mac2(&checker, buf, size, &src, 0,
		    &wg_timing_default);
		message_decode_initiation(buf, size, &mi);
		if (noise_initiation_open(&local, &mi, &o) == NOISE_OK) {
			p2 = peer;
			noise_initiation_accept(&p2, &o, &mi, 0, 0);
		}
		break;
	case WG_MSG_RESPONSE:
		cookie_check_mac1(&checker, buf, size);
		message_decode_response(buf, size, &mr);
		mr.receiver = peer.local_index;
		p2 = peer;
		noise_response_consume(&p2, &local, &mr, &keys);
		break;
	case WG_MSG_COOKIE:
		message_decode_cookie(buf, size, &mc);
		maker.has_last_mac1 = true;
		cookie_consume_reply(&maker, &mc, 0);
		break;
	case WG_MSG_TRANSPORT:
		message_decode_transport(buf, size, &mt);
		transport_decrypt(&kp, buf, size, &mt, &plen);
		break;
	}
	free(buf);
	return 0;
}
