/*
 * netns.h — the network namespaces vanlab makes and the links in them:
 * named namespaces (/run/netns/NAME, as `ip netns` makes them), `ip -n NS`
 * commands, per-namespace sysctls, and the processes still inside one.
 *
 * Nothing here touches the namespace vanlab runs in: links are created
 * with `ip -n NS`, and sysctls are written by a child that entered NS.
 */
#ifndef FEDERATION_LAB_NETNS_H
#define FEDERATION_LAB_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_ARGS_MAX	32	/* words of one `ip` command */
#define NETNS_IP_MS	10000	/* the longest one `ip` command may take */
#define NETNS_PIDS_MAX	4096	/* processes found in one namespace */

bool	netns_exists(const char *name);
int	netns_add(const char *name);
/* Delete it if it exists (idempotent). */
int	netns_delete(const char *name);

/* `ip -n NS WORD...` (NULL-terminated); ns NULL: plain `ip`.  0 or -1
 * (reported, unless quiet; an int: va_start needs an unpromoted type). */
int	netns_ip(const char *ns, int quiet, ...) __attribute__((sentinel));

/* Write value to /proc/sys/KEY (dots as slashes) inside ns; a key the
 * kernel lacks (no IPv6) is not an error when optional. */
int	netns_sysctl(const char *ns, const char *key, const char *value, bool optional);

/* SIGTERM every process inside ns, wait up to timeout_ms, SIGKILL the
 * rest.  Returns how many there were. */
int	netns_kill_all(const char *ns, int timeout_ms);

/*
 * Send n Ethernet frames (destination MAC first, no FCS) out of ifname in
 * ns, back to back, from a packet socket, as the VM itself would.
 * *first_ns: CLOCK_MONOTONIC nanoseconds just before the first one was
 * handed to the kernel.  0 or -1 (reported).
 */
int	netns_send_frames(const char *ns, const char *ifname,
	    const uint8_t *const *frames, const size_t *lens, unsigned n,
	    long long *first_ns);

#endif /* FEDERATION_LAB_NETNS_H */
