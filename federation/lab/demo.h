/*
 * demo.h — `vanlab demo` (`make lab`): bring a topology up, report who
 * reaches whom, then tear it down — or, with --keep (unless interrupted),
 * leave it up and say what to try.
 */
#ifndef FEDERATION_LAB_DEMO_H
#define FEDERATION_LAB_DEMO_H

#include <stdbool.h>

struct lab;

/* 0 when it came up and the report found every VAN connected and
 * isolated (and the teardown worked); else 1 (reported).  self: the
 * program's name, for the commands it suggests. */
int	demo_run(const struct lab *, const char *prefix, bool keep,
	    const char *self);

#endif /* FEDERATION_LAB_DEMO_H */
