/*
 * device.h — device ports: an interface that exists on the host (the tap
 * QEMU or libvirt made for a guest's NIC, the host end of a veth) used as a
 * VAN port through a packet socket; and the fence that keeps the host's own
 * network stack off such an interface.
 *
 * A packet socket sees the frames the interface receives before the
 * host's stack does, but does not take them: without the fence the host
 * would answer a guest's ARP for its own addresses, route for it, and send
 * its own IPv6 router solicitations into the VAN.  The fence is nftables
 * (table netdev "vanedge"): per device, an ingress chain that drops every
 * frame (after our socket has it) and an egress chain that drops every
 * frame not marked DEVICE_MARK (what our socket sends is).
 */
#ifndef EDGE_RIM_DEVICE_H
#define EDGE_RIM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

/* SO_MARK of device ports' sockets: the fence lets these frames out. */
#define DEVICE_MARK		0x56414e31	/* "VAN1" */
#define DEVICE_TABLE		"vanedge"

/*
 * A non-blocking packet socket bound to interface name, with a
 * virtio_net_hdr before every frame when vnet (as tap_open), sending past
 * the qdisc, blind to what leaves by other ways.  -1 with err (and errno)
 * when the interface does not exist, is not up or is not Ethernet.
 * *ifindex: the interface's index, which RTM_DELLINK names.
 */
int	device_open(const char *name, bool vnet, int *ifindex, const char **err);

/* Frames the kernel dropped on fd since the last call (its queue full). */
unsigned	device_drops(int fd);

/* Whether interface name exists and is up. */
bool	device_is_up(const char *name);

struct device_fence;

/* The fence of this network namespace; the table of an earlier run is
 * replaced, empty.  NULL with err. */
struct device_fence *device_fence_new(const char **err);
/* Fence device name in; -1 with err set to nftables' message. */
int	device_fence_add(struct device_fence *, const char *name, char *err,
	    size_t errlen);
/* Take the fence down (the port is gone); a device gone took it already. */
void	device_fence_del(struct device_fence *, const char *name);
void	device_fence_free(struct device_fence *);

#endif /* EDGE_RIM_DEVICE_H */
