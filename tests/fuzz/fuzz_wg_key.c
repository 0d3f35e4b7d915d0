/*
 * fuzz_wg_key.c — libFuzzer harness for the text parsers of keys (base64
 * of `wg genkey`, hex of the UAPI), endpoints and allowed-IP prefixes.
 * Round trips: an accepted base64 key re-encodes to the identical text (so
 * non-canonical encodings are never accepted); hex, endpoints and
 * prefixes re-parse from their formatted text to the same value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/endpoint.h"
#include "crypto/key.h"
#include "crypto/uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char b64[WG_KEY_B64_LEN + 1], hex[WG_KEY_HEX_LEN + 1];
	char text[ENDPOINT_TEXT_MAX];
	struct wg_key k, k2;
	struct wg_endpoint e, e2;
	struct wg_prefix p, p2;

	if (key_from_base64(&k, s, size)) {
		key_to_base64(b64, &k);
		if (size != WG_KEY_B64_LEN || memcmp(b64, s, size) != 0)
			abort();
	}
	if (key_from_hex(&k, s, size)) {
		key_to_hex(hex, &k);
		if (size != WG_KEY_HEX_LEN || strncasecmp(hex, s, size) != 0)
			abort();
		if (!key_from_hex(&k2, hex, WG_KEY_HEX_LEN) || !key_equal(&k, &k2))
			abort();
	}
	if (endpoint_parse(&e, s, size)) {
		int n = endpoint_format(&e, text);

		if (n <= 0 || !endpoint_parse(&e2, text, (size_t)n) ||
		    !endpoint_equal(&e, &e2))
			abort();
	}
	if (uapi_prefix_parse(&p, s, size)) {
		char t[64];
		int n = uapi_prefix_format(&p, t, sizeof(t));

		if (n <= 0 || !uapi_prefix_parse(&p2, t, (size_t)n) ||
		    memcmp(&p, &p2, sizeof(p)) != 0)
			abort();
	}
	return 0;
}
