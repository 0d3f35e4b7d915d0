/*
 * livemig.h — the live migration of a qemu VM (`vanlab migrate` of a VM
 * of kind "qemu"), as a hypervisor does it:
 *
 *   1. a destination QEMU on the new host, `-incoming tcp:ADDR:PORT`, the
 *      same machine and devices; its tap (QEMU's) is attached to the new
 *      host's vanedge as a device port with the VM's MAC, in that site's
 *      ID of the VAN: the edge claims the MAC at the VM's first frame
 *      there, not at attach;
 *   2. QMP `migrate` on the source, to the destination over TCP: over the
 *      underlay inside a site; across sites, where no host reaches
 *      another site's hosts (only the proxies meet, on the internet),
 *      over a link vanlab adds between the two hosts for the time of the
 *      move (a veth m-NAME, 169.254.V.1-2/30), as a provider's migration
 *      network would be: the VAN's own tunnels carry the VMs' frames, not
 *      the hypervisors' traffic;
 *   3. query-migrate until completed; the destination runs, and QEMU's
 *      own self-announce (RARP from the VM's MAC; vanlab sends nothing)
 *      is the VM's first frame on the new host, seen by a packet socket
 *      on the new tap (its kernel timestamp);
 *   4. the source QEMU quits: its tap goes, and the old host's vanedge
 *      withdraws the port (RTM_DELLINK) — vanlab only checks that it did.
 */
#ifndef FEDERATION_LAB_LIVEMIG_H
#define FEDERATION_LAB_LIVEMIG_H

#include <stdbool.h>

#include "federation/lab/lab.h"
#include "federation/lab/state.h"

#define LIVEMIG_PORT_BASE	4800	/* + the VM's index: -incoming */
#define LIVEMIG_MS		120000	/* the whole migration */
#define LIVEMIG_GONE_MS		5000	/* the old port to be withdrawn */

/* When each step happened, CLOCK_MONOTONIC ns; what QEMU said. */
struct livemig {
	long long	t_start;	/* QMP migrate sent */
	long long	t_attach;	/* the destination's port attached */
	long long	t_done;		/* query-migrate: completed */
	long long	t_frame;	/* the VM's first frame on the new tap */
	long long	t_quit;		/* the source told to quit */
	long long	t_gone;		/* the old port withdrawn by vanedge */
	long long	downtime_ms;	/* QEMU's own figure */
	long long	total_ms;
	unsigned	first_type;	/* its EtherType (0x8035: RARP) */
	bool		across;		/* over a link vanlab added */
};

/* Move qemu VM v to host `to`; on success lab->vm[v].host is `to`.  With
 * learn the new port is attached without the MAC.  0 or -1 (reported). */
int	livemig_move(const struct state *, struct lab *, unsigned v, unsigned to,
	    bool learn, struct livemig *);

#endif /* FEDERATION_LAB_LIVEMIG_H */
