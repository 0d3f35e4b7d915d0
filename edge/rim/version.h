/*
 * version.h — the one version string of every program (vanedge,
 * vanproxy, vanctl, vanplan, vanlab; the metrics' vanfed_*_info), and the
 * lines --version prints.  The build gives it (GNUmakefile: VAN_VERSION,
 * from `git describe` or the VERSION file) to version.c alone, so a new
 * version rebuilds one object.
 */
#ifndef EDGE_RIM_VERSION_H
#define EDGE_RIM_VERSION_H

#include <stdio.h>

extern const char van_version[];

/* "PROG VERSION\n" on out. */
void	version_print(FILE *out, const char *prog);

#endif /* EDGE_RIM_VERSION_H */
