/*
 * fuzz_wg_uapi.c — libFuzzer harness for the UAPI request parser
 * (crypto/uapi.c) and what consumes its result.  Properties:
 *   - framing: uapi_request_len never claims more than it was given;
 *   - parse -> format -> parse gives the same request (a set);
 *   - the parsed set applies to a small device without harm, and the get
 *     reply that follows is complete ("errno=0" and the blank line),
 *     whether produced in one piece or in chunks, which must agree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/uapi.h"
#include "crypto/wgdev.h"
#include "crypto/wgdev_uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct uapi_set *a, *b;
static char *text, *whole, *chunk;
#define TEXT_MAX	(4 * UAPI_REQUEST_MAX)
#define WHOLE_MAX	(1024 * 1024)

static void
send_nothing(void *ctx, const struct wg_endpoint *to, const uint8_t *p,
    size_t n)
{
	(void)ctx;
	(void)to;
	(void)p;
	(void)n;
}

static void
fill_counter(void *ctx, void *buf, size_t len)
{
	uint64_t *c = ctx;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*c = *c * 6364136223846793005ULL + 1;
		p[i] = (uint8_t)(*c >> 56);
	}
}

static void
same_set(const struct uapi_set *x, const struct uapi_set *y)
{
	if (x->has_private_key != y->has_private_key ||
	    memcmp(&x->private_key, &y->private_key, sizeof(x->private_key)) ||
	    x->has_listen_port != y->has_listen_port ||
	    x->listen_port != y->listen_port ||
	    x->has_fwmark != y->has_fwmark || x->fwmark != y->fwmark ||
	    x->replace_peers != y->replace_peers || x->npeers != y->npeers ||
	    x->nallowed != y->nallowed ||
	    memcmp(x->peers, y->peers, x->npeers * sizeof(x->peers[0])) ||
	    memcmp(x->allowed, y->allowed, x->nallowed * sizeof(x->allowed[0])))
		abort();
}

static void
apply_and_get(const struct uapi_set *s)
{
	struct wgdev_config cfg;
	struct wgdev *dev;
	struct uapi_out o;
	struct wg_now now = { MONO_SEC(1), 1700000000000000000ULL };
	uint64_t counter = 1;
	uint32_t cursor;
	size_t acc = 0, wlen;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_peers = 8;
	cfg.stage_slots = 4;
	cfg.rng = (struct wg_rng){ fill_counter, &counter };
	cfg.ops.send = send_nothing;
	dev = wgdev_new(&cfg);
	if (dev == NULL)
		abort();
	wgdev_uapi_set(dev, s, now);
	if (wgdev_peer_count(dev) > 8)
		abort();
	cursor = 0;
	uapi_out_init(&o, whole, WHOLE_MAX);
	if (wgdev_uapi_get(dev, &o, &cursor) != 0)
		abort();
	wlen = o.len;
	if (wlen < 9 || memcmp(whole + wlen - 9, "errno=0\n\n", 9) != 0)
		abort();
	cursor = 0;
	do {
		uapi_out_init(&o, chunk, UAPI_CHUNK);
		rc = wgdev_uapi_get(dev, &o, &cursor);
		if (rc < 0 || acc + o.len > wlen ||
		    memcmp(whole + acc, chunk, o.len) != 0)
			abort();
		acc += o.len;
	} while (rc == 1);
	if (acc != wlen)
		abort();
	wgdev_free(dev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *req = (const char *)data;
	struct uapi_out o;
	enum uapi_op op;
	ssize_t rlen;

	if (a == NULL) {
		a = calloc(1, sizeof(*a));
		b = calloc(1, sizeof(*b));
		text = malloc(TEXT_MAX);
		whole = malloc(WHOLE_MAX);
		chunk = malloc(UAPI_CHUNK);
		if (!a || !b || !text || !whole || !chunk)
			abort();
	}
	if (size > UAPI_REQUEST_MAX)
		return 0;
	rlen = uapi_request_len(req, size, &op);
	if (rlen > (ssize_t)size)
		abort();
	if (rlen <= 0)
		return 0;
	if (uapi_parse(req, (size_t)rlen, &op, a) != 0 || op != UAPI_OP_SET)
		return 0;
	uapi_out_init(&o, text, TEXT_MAX);
	uapi_format_set(&o, a);
	if (o.overflow)
		abort();
	if (uapi_parse(text, o.len, &op, b) != 0 || op != UAPI_OP_SET)
		abort();
	same_set(a, b);
	apply_and_get(a);
	return 0;
}
