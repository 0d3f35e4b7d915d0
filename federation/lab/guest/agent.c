/*
 * agent.c — vanlab's agent inside a qemu guest: PID 1 after the guest's
 * /init has configured eth0, so that `vanlab exec VM -- CMD...` runs CMD
 * in the guest as it runs in a namespace VM (its stdout, its stderr, its
 * exit status).  Built static (libc only) into the guest's initramfs;
 * it is not part of any daemon and links nothing of the project.
 *
 * The channel is virtio-serial: QEMU gives the guest ports named
 * "vanlab.0" ... "vanlab.N", each the far end of one unix socket of the
 * host (lab state dir).  One worker per port serves one command at a time,
 * so N commands may run at once; the host side (federation/lab/agent.c)
 * takes a free port under a lock.  On one port, in order:
 *
 *   host:  "VANLAB1 TOKEN LEN\n", then LEN bytes: argv, each NUL-ended
 *   guest: "VANLAB1 TOKEN\n", then frames: a type byte ('1' stdout,
 *          '2' stderr, 'x' exit), a 4-byte big-endian length, the bytes;
 *          'x' carries the 4-byte exit status (128 + N: killed by N)
 *
 * The host discards what comes before its own start line (output of an
 * earlier command whose host went away).  The command gets /dev/null as
 * stdin and a session of its own; when the host side goes away while it
 * runs, its process group is killed.  A command's background children
 * keep running after it ends (their output must go to a file: the pipes
 * are closed once the command itself exits).
 *
 * A virtio-serial port reads 0 while no host is connected and blocks
 * writes until one is: the port is non-blocking, idle workers look every
 * IDLE_MS, and a write gives up when the host hangs up.
 *
 * As PID 1 the agent reaps every orphan of the guest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PORT_MAX	16		/* vanlab.0 .. vanlab.15 */
#define PORT_PREFIX	"vanlab."
#define REQ_MAX		65536		/* one request's argv, bytes */
#define ARG_MAX_N	256		/* words of one command */
#define HDR_MAX		128
#define IDLE_MS		50
#define SCAN_MS		200
#define STALL_MS	5000		/* a host that takes no output: gone */
#define BUF		16384

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Write all of buf; -1 once the host hangs up. */
static int
port_write(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t w;
	int r;

	while (n > 0) {
		if ((w = write(fd, p, n)) > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
		if ((r = poll(&pfd, 1, STALL_MS)) == 0 || (r == -1 && errno != EINTR))
			return -1;
		if ((pfd.revents & POLLHUP) && !(pfd.revents & POLLOUT))
			return -1;
	}
	return 0;
}

static int
frame(int fd, char type, const void *buf, uint32_t n)
{
	uint8_t h[5] = { (uint8_t)type, (uint8_t)(n >> 24), (uint8_t)(n >> 16),
	    (uint8_t)(n >> 8), (uint8_t)n };

	if (port_write(fd, h, sizeof(h)) == -1)
		return -1;
	return n > 0 ? port_write(fd, buf, n) : 0;
}

/*
 * Read exactly n bytes (a header byte by byte: n 1).  0, or -1 when the
 * host is not connected (or went away) before they came.
 */
static int
port_read(int fd, void *buf, size_t n, int idle_wait)
{
	uint8_t *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, p, n)) > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == 0) {
			/* No host: wait for one without spinning. */
			if (idle_wait)
				sleep_ms(IDLE_MS);
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		/* Idle, a request's first byte may take for ever; the rest of
		 * it comes at once. */
		if ((r = poll(&pfd, 1, idle_wait ? -1 : STALL_MS)) == 0 ||
		    (r == -1 && errno != EINTR))
			return -1;
	}
	return 0;
}

/* One request: its token and argv (pointers into req). */
static int
read_request(int fd, char token[static 40], char *req, char **argv)
{
	char hdr[HDR_MAX];
	unsigned long len;
	size_t i = 0, k;
	int argc = 0;
	char *end;

	for (;;) {
		if (port_read(fd, &hdr[i], 1, 1) == -1)
			return -1;
		if (hdr[i] == '\n')
			break;
		if (++i == sizeof(hdr) - 1)
			return -1;	/* not ours: wait for a new host */
	}
	hdr[i] = '\0';
	if (strncmp(hdr, "VANLAB1 ", 8) != 0 || (end = strchr(hdr + 8, ' ')) == NULL ||
	    end - (hdr + 8) >= 40)
		return -1;
	memcpy(token, hdr + 8, (size_t)(end - (hdr + 8)));
	token[end - (hdr + 8)] = '\0';
	errno = 0;
	len = strtoul(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len == 0 || len > REQ_MAX)
		return -1;
	if (port_read(fd, req, len, 0) == -1 || req[len - 1] != '\0')
		return -1;
	for (k = 0; k < len && argc < ARG_MAX_N; k += strlen(req + k) + 1)
		argv[argc++] = req + k;
	if (k < len)
		return -1;
	argv[argc] = NULL;
	return argc;
}

static pid_t
spawn(char **argv, int out, int err)
{
	pid_t pid = fork();
	int null;

	if (pid != 0)
		return pid;
	setsid();
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) != -1) {
		dup2(null, 0);
		close(null);
	}
	dup2(out, 1);
	dup2(err, 2);
	execvp(argv[0], argv);
	dprintf(2, "vanlab-agent: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Relay the command's output until it exits; -1 if the host went away. */
static int
relay(int fd, pid_t pid, int out, int err, int *status)
{
	char buf[BUF];
	struct pollfd p[3];
	int open_n = 2, done = 0;
	ssize_t r;

	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = out, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = err, .events = POLLIN };
	while (!done || open_n > 0) {
		/* Once the command ended, what is left in the pipes now; a
		 * background child may hold them open for ever. */
		if (poll(p, 3, done ? 0 : IDLE_MS) == -1 && errno != EINTR)
			return -1;
		if (p[0].revents & (POLLIN | POLLHUP)) {
			r = read(fd, buf, sizeof(buf));
			if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
				return -1;	/* the host went away */
		}
		for (int i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(p[i].fd, buf, sizeof(buf));
			if (r > 0) {
				if (frame(fd, i == 1 ? '1' : '2', buf, (uint32_t)r) == -1)
					return -1;
				continue;
			}
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			p[i].fd = -1;
			open_n--;
		}
		if (!done && waitpid(pid, status, WNOHANG) == pid)
			done = 1;
		else if (done && poll(p + 1, 2, 0) <= 0)
			break;
	}
	return 0;
}

/* One command; -1 when the channel failed under it (the worker opens the
 * port again: its open and close tell QEMU where the guest stands, which
 * a migration may have left out of step). */
static int
serve_one(int fd)
{
	static char req[REQ_MAX];
	char *argv[ARG_MAX_N + 1], token[40], start[64];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status = 0;
	uint8_t x[4];
	uint32_t code;
	pid_t pid;
	int rc = -1;

	if (read_request(fd, token, req, argv) <= 0)
		return 0;
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1)
		goto out;
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	snprintf(start, sizeof(start), "VANLAB1 %s\n", token);
	if (port_write(fd, start, strlen(start)) == -1)
		goto out;
	if ((pid = spawn(argv, po[1], pe[1])) == -1) {
		code = 127;
		goto done;
	}
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (relay(fd, pid, po[0], pe[0], &status) == -1) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	code = WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) :
	    128 + (uint32_t)WTERMSIG(status);
done:
	x[0] = (uint8_t)(code >> 24);
	x[1] = (uint8_t)(code >> 16);
	x[2] = (uint8_t)(code >> 8);
	x[3] = (uint8_t)code;
	rc = frame(fd, 'x', x, sizeof(x));
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] != -1)
			close(po[i]);
		if (pe[i] != -1)
			close(pe[i]);
	}
	return rc;
}

static void
worker(const char *dev)
{
	int fd;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		while ((fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
			sleep_ms(SCAN_MS);
		while (serve_one(fd) == 0)
			;
		close(fd);
	}
}

/* Start a worker for every vanlab.N port that has none yet. */
static void
scan(pid_t *workers)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[300], name[64], dev[300];
		unsigned long k;
		char *end;
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, name, sizeof(name) - 1);
		close(fd);
		if (n <= 0)
			continue;
		name[n] = '\0';
		name[strcspn(name, "\n")] = '\0';
		if (strncmp(name, PORT_PREFIX, strlen(PORT_PREFIX)) != 0)
			continue;
		k = strtoul(name + strlen(PORT_PREFIX), &end, 10);
		if (*end != '\0' || k >= PORT_MAX || workers[k] > 0)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		if ((workers[k] = fork()) == 0) {
			closedir(d);
			worker(dev);
			_exit(0);
		}
	}
	closedir(d);
}

int
main(void)
{
	pid_t workers[PORT_MAX] = { 0 }, pid;
	int k;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		scan(workers);
		/* PID 1: reap orphans; a worker that died gets a new one. */
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			for (k = 0; k < PORT_MAX; k++)
				if (workers[k] == pid)
					workers[k] = 0;
		sleep_ms(SCAN_MS);
	}
}
