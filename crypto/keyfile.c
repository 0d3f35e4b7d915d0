/*
 * keyfile.c — the one place the engine reads a secret from disk.
 *
 * Not pure: open, fstat, read, close.  The permission check happens on the
 * opened descriptor (fstat), so the file checked is the file read.
 */
#include "crypto/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/key.h"

/* Room for the key, a CR/LF and a little trailing blank space. */
#define KEYFILE_READ_MAX	128

int
keyfile_read(const char *path, struct wg_key *key, char *err, size_t errlen)
{
	char buf[KEYFILE_READ_MAX];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd = -1, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: key file is accessible by group or "
		    "others (mode %04o); refusing it: chmod 600 it",
		    path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	/* Another user who owns it may chmod it, or put their own key there. */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: key file is owned by uid %u, neither root "
		    "nor this daemon's user (uid %u); refusing it: chown it",
		    path, (unsigned)st.st_uid, (unsigned)geteuid());
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf)) {
			snprintf(err, errlen, "%s: too long for a key", path);
			goto out;
		}
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (!key_from_base64(key, buf, len)) {
		snprintf(err, errlen, "%s: not a WireGuard key (44 characters "
		    "of canonical base64 expected)", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		sodium_memzero(key, sizeof(*key));
	if (fd != -1)
		close(fd);
	return rc;
}
