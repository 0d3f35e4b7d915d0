/*
 * priv.c — see priv.h.  Raw capset(2): the kernel ABI is small and stable,
 * and libcap would be a dependency for a dozen lines.
 *
 * The daemons stay uid 0 because taps (vanedge attaches them at run time)
 * need CAP_NET_ADMIN and files under /run/van belong to root; without
 * CAP_DAC_OVERRIDE, uid 0 only reaches what root owns or may read anyway.
 */
#include "edge/rim/priv.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
priv_drop(uint64_t keep, const char **err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	struct __user_cap_data_struct was[2];
	int cap;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		*err = "PR_SET_NO_NEW_PRIVS";
		return -1;
	}
	if (syscall(SYS_capget, &hdr, data) == -1) {
		*err = "capget";
		return -1;
	}
	/* Shrink the bounding set while we still hold CAP_SETPCAP. */
	if (data[0].effective & (1u << CAP_SETPCAP))
		for (cap = 0; cap <= CAP_LAST_CAP; cap++)
			if (!(keep & (1ULL << cap)) &&
			    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 && errno != EINVAL) {
				*err = "PR_CAPBSET_DROP";
				return -1;
			}
	memcpy(was, data, sizeof(was));
	data[0].effective &= (uint32_t)keep;
	data[0].permitted &= (uint32_t)keep;
	data[0].inheritable = 0;
	data[1].effective &= (uint32_t)(keep >> 32);
	data[1].permitted &= (uint32_t)(keep >> 32);
	data[1].inheritable = 0;
	/*
	 * Nothing to give up (systemd's CapabilityBoundingSet= left just
	 * keep): no capset, which vanedge.service's SystemCallFilter=
	 * ~@privileged refuses.
	 */
	if (memcmp(was, data, sizeof(was)) == 0)
		return 0;
	if (syscall(SYS_capset, &hdr, data) == -1) {
		*err = "capset";
		return -1;
	}
	return 0;
}
