/*
 * tun.c — see tun.h.  The device disappears with its last descriptor, or
 * with the network namespace it lives in.
 */
#include "tests/interop/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int
tun_open(const char *name, int mtu, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = -1, s = -1;

	if (strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "tun: name %s too long", name);
		goto bad;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		snprintf(err, errlen, "tun: /dev/net/tun: %s", strerror(errno));
		goto bad;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		snprintf(err, errlen, "tun: TUNSETIFF %s: %s", name,
		    strerror(errno));
		goto bad;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ifr.ifr_mtu = mtu;
	if (s == -1 || ioctl(s, SIOCSIFMTU, &ifr) == -1) {
		snprintf(err, errlen, "tun: MTU of %s: %s", name, strerror(errno));
		goto bad;
	}
	close(s);
	return fd;
bad:
	if (s != -1)
		close(s);
	if (fd != -1)
		close(fd);
	return -1;
}
