/*
 * wgdev_uapi.h — a device's face to the wg UAPI [10]: the get reply built
 * from a struct wgdev, and a parsed set request applied to one.
 *
 * Pure; uses only the public API of crypto/wgdev.h.
 */
#ifndef CRYPTO_WGDEV_UAPI_H
#define CRYPTO_WGDEV_UAPI_H

#include <stdint.h>

#include "crypto/uapi.h"
#include "crypto/wg.h"

struct wgdev;

/*
 * Format the get reply into out, resumably: *cursor starts at 0; returns 1
 * when out is full and the caller should pass a fresh out (same cursor),
 * 0 once the reply, "errno=0" and the blank line included, is complete.
 * out must hold at least UAPI_CHUNK bytes.  The private key is in the
 * output: wipe it after use.
 */
int	wgdev_uapi_get(const struct wgdev *, struct uapi_out *, uint32_t *cursor);
/*
 * Apply a set request as wireguard-go would, line order included.  The
 * request is checked against the device's bounds first (a peer count or
 * an allowed-IP list that would not fit gives -ENOSPC, a zero public key
 * -EINVAL) so that a refused request changes nothing.  Listen port and
 * fwmark are only recorded: the owner rebinds its socket (and reports
 * -EADDRINUSE itself) before calling this.  Returns 0 or -errno.
 */
int	wgdev_uapi_set(struct wgdev *, const struct uapi_set *, struct wg_now now);

#endif /* CRYPTO_WGDEV_UAPI_H */
