/*
 * version.c — see version.h.  The only file compiled with VAN_VERSION.
 */
#include "edge/rim/version.h"

#ifndef VAN_VERSION
#error "VAN_VERSION is the build's (GNUmakefile)"
#endif

const char van_version[] = VAN_VERSION;

void
version_print(FILE *out, const char *prog)
{
	fprintf(out, "%s %s\n", prog, van_version);
}
