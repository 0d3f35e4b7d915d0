/*
 * testbed.h — building a lab out of namespaces and tearing it down:
 *
 *   PREFIX-SITE-sw     the site's underlay switch: a bridge, br0
 *   PREFIX-SITE-HOST   a host: eth0 on the switch with its underlay
 *                      address, and its vanedge
 *   PREFIX-VM          a VM: eth0 is the tap its host's vanedge made,
 *                      moved in and renamed, with the VM's IP, MAC, MTU
 *
 * and moving a VM from one host to another as a hypervisor would.
 */
#ifndef FEDERATION_TESTBED_H
#define FEDERATION_TESTBED_H

#include <stdbool.h>

#include "federation/lab.h"

/* Build it; on failure tear down what was built.  0 or -1 (reported). */
int	testbed_up(const struct lab *, const char *prefix);
/* Tear down whatever a lab of this prefix left: daemons, processes inside
 * its namespaces, namespaces, state.  Idempotent: 0 when nothing is left. */
int	testbed_down(const char *prefix, bool verbose);
/* Move VM `vm` to host `host`. */
int	testbed_migrate(const char *prefix, const char *vm, const char *host);

#endif /* FEDERATION_TESTBED_H */
