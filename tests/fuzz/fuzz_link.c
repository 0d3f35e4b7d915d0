/*
 * fuzz_link.c — libFuzzer harness for link_parse (edge/rim/link.c), the
 * reader of rtnetlink's link messages.  No out-of-bounds access; every
 * event it passes on has a positive index and a NUL-terminated name that
 * fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edge/rim/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct link_event *ev, void *arg)
{
	(void)arg;
	if (ev->ifindex <= 0 || strnlen(ev->name, LINK_NAME_MAX) >= LINK_NAME_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libmnl reads the headers in place: give it aligned bytes. */
	static uint32_t buf[65536 / 4];

	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	(void)link_parse(buf, size, check, NULL);
	return 0;
}
