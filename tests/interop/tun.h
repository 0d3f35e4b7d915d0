/*
 * tun.h — the interop peer's TUN device (layer 3, no packet info header).
 * I/O: /dev/net/tun and one ioctl socket.
 */
#ifndef TESTS_INTEROP_TUN_H
#define TESTS_INTEROP_TUN_H

#include <stddef.h>

/* Create (or attach to) TUN name, non-blocking, with the given MTU.
 * Returns the fd, or -1 with a message in err. */
int	tun_open(const char *name, int mtu, char *err, size_t errlen);

#endif /* TESTS_INTEROP_TUN_H */
