/*
 * testbed.h — building a lab out of namespaces and tearing it down:
 *
 *   PREFIX-SITE-sw     the site's underlay switch: a bridge, br0
 *   PREFIX-SITE-HOST   a host: eth0 on the switch with its underlay
 *                      address, and its vanedge
 *   PREFIX-VM          a VM: eth0 is the tap its host's vanedge made,
 *                      moved in and renamed, with the VM's IP, MAC, MTU
 *   PREFIX-SITE-gw     several sites: the site's proxy, eth0 on its
 *                      switch, eth1 on the internet, and its vanproxy
 *   PREFIX-SITE-gw2    a pair's second gateway (`proxy = { ha = true; }`):
 *                      the same; in both then keepalived too (ha.h), and
 *                      each its own addresses, the site's proxy addresses
 *                      the VIPs keepalived moves between them
 *   PREFIX-inet        several sites: the internet switch (br0)
 *
 * A qemu VM has no namespace of its own: its QEMU runs in its host's, on
 * a tap QEMU owns, attached as a device port (qemu.h); `up` starts every
 * guest once the daemons run and waits for their agents.
 *
 * and moving a VM from one host to another as a hypervisor would (a qemu
 * VM: a real live migration, livemig.h).
 */
#ifndef FEDERATION_LAB_TESTBED_H
#define FEDERATION_LAB_TESTBED_H

#include <stdbool.h>

#include "federation/lab/lab.h"

/* Build it; on failure tear down what was built.  0 or -1 (reported). */
int	testbed_up(const struct lab *, const char *prefix);
/* Tear down whatever a lab of this prefix left: daemons, processes inside
 * its namespaces, namespaces, state.  Idempotent: 0 when nothing is left. */
int	testbed_down(const char *prefix, bool verbose);
/*
 * Move VMs to other hosts at the same time, in the order of a hypervisor's
 * live migration: every VM stops on its old host (its NIC goes down; its
 * port stays attached, as a paused VM's tap), each gets a new port with the
 * same MAC on its new host (without the MAC when `learn`: the edge learns
 * the VM from its first frame), the tap becomes its eth0 with the same
 * addresses, each VM at once sends what a resumed VM sends (resume.h), and
 * then the old ports are detached.  Prints when each step happened, as text
 * or, with `json`, one JSON object with CLOCK_MONOTONIC nanoseconds.
 */
struct testbed_move {
	const char	*vm;
	const char	*host;
};

int	testbed_migrate(const char *prefix, const struct testbed_move *, unsigned n,
	    bool learn, bool json);

#endif /* FEDERATION_LAB_TESTBED_H */
