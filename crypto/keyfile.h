/*
 * keyfile.h — read a WireGuard key (private or preshared) from a file in
 * `wg genkey` / `wg genpsk` format: 44 base64 characters and an optional
 * trailing newline.
 *
 * Not pure: opens and reads one file.  No sockets, no clock, no libevent.
 */
#ifndef CRYPTO_KEYFILE_H
#define CRYPTO_KEYFILE_H

#include <stddef.h>

#include "crypto/wg.h"

/*
 * Read the key in path into *key.  Refuses a file that its group or others
 * may read or write (a secret must be 0600 or stricter), one owned by
 * another user than root or the caller's effective user, anything that is
 * not a regular file, and any text that is not one canonical base64 key.
 * Returns 0, or -1 with a message naming the file in err.  Every buffer
 * that held key text is wiped; *key is wiped on failure.
 */
int	keyfile_read(const char *path, struct wg_key *key, char *err,
	    size_t errlen);

#endif /* CRYPTO_KEYFILE_H */
