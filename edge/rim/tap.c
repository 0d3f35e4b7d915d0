/*
 * tap.c — see tap.h.
 *
 * A tap whose name exists as a tap (a persistent one, or one another
 * process holds open with IFF_MULTI_QUEUE off) is attached; otherwise the
 * kernel creates it, and it lives as long as our descriptor.  The netdev
 * may then be moved into a VM's or container's namespace: the descriptor
 * keeps working.  Re-opening by name after such a move finds nothing in our
 * namespace and creates a new tap; see docs/operations.md.
 */
#include "edge/rim/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int
tap_set_mac(const char *name, const uint8_t mac[static 6])
{
	struct ifreq ifr;
	int s, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	rc = ioctl(s, SIOCSIFHWADDR, &ifr);
	close(s);
	return rc;
}

/* 10-byte headers, little-endian, and what the offloads may hand us. */
static int
tap_offload(int fd, const char **err)
{
	int sz = 10, le = 1;
	unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) == -1) {
		*err = "TUNSETVNETHDRSZ failed";
		return -1;
	}
	/* Pinned for big-endian hosts; a kernel without it is little-endian. */
	(void)ioctl(fd, TUNSETVNETLE, &le);
	if (ioctl(fd, TUNSETOFFLOAD, off) == -1) {
		*err = "TUNSETOFFLOAD failed";
		return -1;
	}
	return 0;
}

int
tap_open(const char *name, const uint8_t *mac, bool vnet, const char **err)
{
	struct ifreq ifr;
	int fd, saved;

	if (strlen(name) == 0 || strlen(name) >= IFNAMSIZ) {
		*err = "bad tap name";
		errno = EINVAL;
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1) {
		*err = "cannot open /dev/net/tun";
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		*err = errno == EBUSY ? "tap is in use by another process" :
		    errno == EINVAL ? "name is taken by a device that is not a tap" :
		    errno == EPERM ? "not permitted (needs CAP_NET_ADMIN)" :
		    "TUNSETIFF failed";
		goto fail;
	}
	if (vnet && tap_offload(fd, err) == -1)
		goto fail;
	if (mac != NULL && tap_set_mac(name, mac) == -1) {
		*err = "cannot set the tap's MAC address";
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
