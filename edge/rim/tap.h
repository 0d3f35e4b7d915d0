/*
 * tap.h — tap devices, the ports of VAN nodes: open (or create) a tap by
 * name as IFF_TAP|IFF_NO_PI, non-blocking, optionally setting its MAC.
 */
#ifndef EDGE_RIM_TAP_H
#define EDGE_RIM_TAP_H

#include <stdint.h>

#include <stdbool.h>

/*
 * An fd, or -1 with errno set and err saying what failed.  vnet: with a
 * virtio_net_hdr before every frame, checksum and TCP segmentation offload
 * (see offload.h).
 */
int	tap_open(const char *name, const uint8_t *mac, bool vnet, const char **err);

#endif /* EDGE_RIM_TAP_H */
