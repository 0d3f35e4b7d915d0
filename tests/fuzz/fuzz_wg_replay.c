/*
 * fuzz_wg_replay.c — differential harness for the replay window
 * (crypto/replay.c) against a naive reference that remembers every
 * accepted counter.  The input is a list of 16-bit steps that move a base
 * counter forward or back; both must agree on every counter.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "crypto/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define STEPS_MAX	1024

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t seen[STEPS_MAX];
	struct replay_window w;
	uint64_t base = 0, c, last = 0;
	size_t i, j, n = 0;
	bool ok, dup;

	replay_init(&w);
	for (i = 0; i + 2 <= size && i / 2 < STEPS_MAX; i += 2) {
		unsigned v = (unsigned)data[i] | (unsigned)data[i + 1] << 8;

		/* top bit: go back by the rest; else forward by the rest,
		 * scaled up now and then to cross whole windows */
		if (v & 0x8000)
			c = base - ((v & 0x7fff) < base ? (v & 0x7fff) : base);
		else {
			base += (v & 0x4000) ? (uint64_t)(v & 0x3fff) * 8 :
			    (v & 0x3fff);
			c = base;
		}
		ok = replay_check(&w, c, WG_REJECT_AFTER_MESSAGES);
		dup = false;
		for (j = 0; j < n; j++)
			if (seen[j] == c)
				dup = true;
		if (ok != (!dup && !(c <= last && last - c > WG_REPLAY_WINDOW)))
			abort();
		if (ok) {
			seen[n++] = c;
			if (c > last)
				last = c;
		}
	}
	return 0;
}
