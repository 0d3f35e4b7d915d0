/*
 * fuzz_wire.c — libFuzzer harness for wire_decode: any bytes are decoded
 * without reading out of bounds; what decodes re-encodes to the same bytes
 * (control messages) and decodes again to the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/van/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg m, m2;
	uint8_t *copy, out[WIRE_CTL_MAX];
	size_t n = 0;

	/* An exact-size heap copy, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (wire_decode(copy, size, &m) != WIRE_OK) {
		free(copy);
		return 0;
	}
	if (m.payload < copy + WIRE_HDR_LEN || m.payload + m.payload_len > copy + size)
		abort();
	if (m.has_auth && (m.auth.tag + WIRE_TAG_LEN > copy + size ||
	    m.auth.covered != (size_t)(m.auth.tag - copy)))
		abort();
	/* Re-encoded without the trailer: compare with the flag cleared. */
	m.hdr.flags &= (uint8_t)~WIRE_F_AUTH;
	copy[1] &= (uint8_t)~WIRE_F_AUTH;
	switch (m.hdr.type) {
	case WIRE_LEARN:
		n = wire_encode_learn(out, sizeof(out), &m.hdr, &m.body.learn);
		break;
	case WIRE_UNLEARN:
		n = wire_encode_unlearn(out, sizeof(out), &m.hdr, &m.body.unlearn);
		break;
	case WIRE_HELLO:
		n = wire_encode_hello(out, sizeof(out), &m.hdr, &m.body.hello);
		break;
	case WIRE_TUNNEL:
		n = wire_encode_tunnel(out, sizeof(out), &m.hdr, &m.body.tunnel);
		break;
	case WIRE_JOIN:
	case WIRE_LEAVE:
		n = wire_encode_empty(out, sizeof(out), &m.hdr);
		break;
	default:
		free(copy);
		return 0;
	}
	/* Encoders write no padding: compare with the unpadded input. */
	if (n != WIRE_HDR_LEN + m.payload_len || memcmp(out + 4, copy + 4, n - 4) != 0 ||
	    out[0] != copy[0] || out[1] != copy[1] || out[2] != copy[2])
		abort();
	if (wire_decode(out, n, &m2) != WIRE_OK || m2.hdr.type != m.hdr.type)
		abort();
	/* Sealed, it verifies with its key only, and not once changed. */
	{
		static const uint8_t key[32] = { 1, 2, 3 }, other[32] = { 3, 2, 1 };
		uint8_t sealed[WIRE_CTL_MAX + WIRE_AUTH_LEN];
		size_t k;

		memcpy(sealed, out, n);
		k = wire_auth_seal(sealed, n, sizeof(sealed), 7, 9, key, (data[0] & 1) != 0);
		if (k != n + WIRE_AUTH_LEN || wire_decode(sealed, k, &m2) != WIRE_OK ||
		    !m2.has_auth || m2.auth.epoch != 7 || m2.auth.counter != 9 ||
		    !wire_auth_check(sealed, &m2, key) || wire_auth_check(sealed, &m2, other))
			abort();
		sealed[size % k] ^= 0x20;
		if (wire_decode(sealed, k, &m2) == WIRE_OK && wire_auth_check(sealed, &m2, key))
			abort();
	}
	free(copy);
	return 0;
}
