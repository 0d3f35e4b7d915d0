/*
 * agent.c — see agent.h.  The host side of the guest agent's protocol:
 * lock a port (DIR/agentK.lock, flock), connect to its socket
 * (DIR/agentK.sock: QEMU's server end of the virtio-serial port), send the
 * request, skip what comes before our start line (an earlier command's
 * output whose host went away), then relay frames to our stdout and
 * stderr until the exit frame.
 */
#include "federation/lab/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "federation/lab/proc.h"

#define AGENT_REQ_MAX	65536	/* the guest's limit on one request */
#define AGENT_BUF	16384
#define AGENT_START_MS	5000	/* the agent's start line, once it has the request */

/* Take a free port: its socket, connected; -1 after the deadline. */
static int
agent_connect(const char *dir, long long deadline, int *lock_fd, unsigned skip,
    int *port)
{
	struct sockaddr_un sun;
	char path[512];
	int k, lk, fd;

	for (;;) {
		for (k = 0; k < AGENT_PORTS; k++) {
			if (skip & 1u << k)
				continue;
			snprintf(path, sizeof(path), "%s/agent%d.lock", dir, k);
			if ((lk = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
				return -1;
			if (flock(lk, LOCK_EX | LOCK_NB) == -1) {
				close(lk);
				continue;
			}
			memset(&sun, 0, sizeof(sun));
			sun.sun_family = AF_UNIX;
			if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path),
			    "%s/agent%d.sock", dir, k) >= sizeof(sun.sun_path) ||
			    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
				close(lk);
				return -1;
			}
			if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
				*lock_fd = lk;
				*port = k;
				return fd;
			}
			close(fd);
			close(lk);
			/* No QEMU: wait for it with a deadline, else give up. */
			if ((errno == ENOENT || errno == ECONNREFUSED) && deadline == 0)
				return -1;
			if (errno == ENOENT || errno == ECONNREFUSED)
				break;
		}
		if (proc_interrupted || (deadline && proc_now_ms() >= deadline) ||
		    skip == (1u << AGENT_PORTS) - 1)
			return -1;
		proc_sleep_ms(20);
	}
}

/* Read what is there, waiting up to the deadline: bytes, 0 at EOF, -1. */
static ssize_t
agent_read(int fd, void *buf, size_t n, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ms;

	for (;;) {
		ms = deadline ? (int)(deadline - proc_now_ms()) : -1;
		if (deadline && ms <= 0)
			return -1;
		if (poll(&p, 1, ms > 1000 || ms < 0 ? 1000 : ms) == -1 && errno != EINTR)
			return -1;
		if (proc_interrupted)
			return -1;
		if (p.revents)
			return read(fd, buf, n);
	}
}

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
agent_exec(const char *dir, char *const *argv, int timeout_ms, bool quiet)
{
	static char req[AGENT_REQ_MAX], buf[AGENT_BUF + 5];
	long long deadline = timeout_ms > 0 ? proc_now_ms() + timeout_ms : 0;
	char hdr[96], start[64], token[17];
	uint8_t rnd[8];
	size_t len = 0, have = 0, slen;
	long long start_by;
	unsigned skip = 0;
	int fd = -1, lk = -1, rc = -1, i, port = 0;
	const char *why = "no answer";
	ssize_t r;
	bool started = false;

	for (i = 0; argv[i] != NULL; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (len + n > sizeof(req)) {
			fprintf(stderr, "vanlab: exec: command longer than %d bytes\n",
			    AGENT_REQ_MAX);
			return -1;
		}
		memcpy(req + len, argv[i], n);
		len += n;
	}
	if (len == 0)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	for (i = 0; i < 8; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	snprintf(hdr, sizeof(hdr), "VANLAB1 %s %zu\n", token, len);
	slen = (size_t)snprintf(start, sizeof(start), "VANLAB1 %s\n", token);
again:
	if ((fd = agent_connect(dir, deadline, &lk, skip, &port)) == -1) {
		why = "no free agent port (is the VM running?)";
		goto out;
	}
	if (write_all(fd, hdr, strlen(hdr)) == -1 || write_all(fd, req, len) == -1) {
		why = "cannot send the command";
		goto out;
	}
	start_by = proc_now_ms() + AGENT_START_MS;
	have = 0;
	for (;;) {
		long long by = started || (deadline && deadline < start_by) ? deadline :
		    start_by;

		if ((r = agent_read(fd, buf + have, sizeof(buf) - have, by)) <= 0) {
			if (!started && r == -1 && !proc_interrupted &&
			    (!deadline || proc_now_ms() < deadline)) {
				/* A port out of step (after a migration, say): the
				 * agent re-opens it; take another meanwhile. */
				skip |= 1u << port;
				close(fd);
				close(lk);
				fd = lk = -1;
				goto again;
			}
			why = r == 0 ? "the guest closed the channel" :
			    "no answer before the deadline";
			goto out;
		}
		have += (size_t)r;
		if (!started) {
			char *s = memmem(buf, have, start, slen);

			if (s == NULL) {
				/* Keep a tail that may begin our start line. */
				if (have >= slen) {
					memmove(buf, buf + have - (slen - 1), slen - 1);
					have = slen - 1;
				}
				continue;
			}
			have -= (size_t)(s + slen - buf);
			memmove(buf, s + slen, have);
			started = true;
		}
		while (have >= 5) {
			uint32_t n = (uint32_t)(uint8_t)buf[1] << 24 |
			    (uint32_t)(uint8_t)buf[2] << 16 |
			    (uint32_t)(uint8_t)buf[3] << 8 | (uint8_t)buf[4];

			if (n > AGENT_BUF) {
				why = "a frame too long";
				goto out;
			}
			if (have < 5 + n)
				break;
			if (buf[0] == 'x' && n == 4) {
				rc = (int)((uint32_t)(uint8_t)buf[5] << 24 |
				    (uint32_t)(uint8_t)buf[6] << 16 |
				    (uint32_t)(uint8_t)buf[7] << 8 | (uint8_t)buf[8]);
				goto out;
			}
			if (buf[0] == '1' || buf[0] == '2')
				write_all(buf[0] == '1' ? 1 : 2, buf + 5, n);
			have -= 5 + n;
			memmove(buf, buf + 5 + n, have);
		}
	}
out:
	if (rc == -1 && !quiet)
		fprintf(stderr, "vanlab: exec %s in the guest (%s): %s\n", argv[0], dir, why);
	if (fd != -1)
		close(fd);
	if (lk != -1)
		close(lk);
	return rc;
}

pid_t
agent_spawn(const char *prefix, const char *vm, char *const *argv, bool quiet)
{
	char self[4096], *args[AGENT_ARGS_MAX + 8];
	struct proc_spec spec = { .argv = args, .out_fd = -1, .err_fd = -1,
	    .quiet = quiet };
	ssize_t n;
	int i, k = 0;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	args[k++] = self;
	args[k++] = "exec";
	args[k++] = "--prefix";
	args[k++] = (char *)(uintptr_t)prefix;
	args[k++] = (char *)(uintptr_t)vm;
	args[k++] = "--";
	for (i = 0; argv[i] != NULL && i < AGENT_ARGS_MAX; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	return proc_spawn(&spec);
}
