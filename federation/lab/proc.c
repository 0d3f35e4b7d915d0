/*
 * proc.c — see proc.h.  Deadlines are polled (waitpid WNOHANG with a short
 * backoff): vanlab runs a few hundred short commands, and a poll loop is
 * the simplest wait that honours both a deadline and an interrupt.
 */
#include "federation/lab/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t proc_interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	proc_interrupted = 1;
}

void
proc_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

long long
proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

void
proc_argv_str(char *const *argv, char *buf, size_t n)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; argv[i] != NULL && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " " : "",
		    argv[i]);
}

void
proc_status_str(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "status %#x", status);
}

/* In the child: never returns. */
static void
child(const struct proc_spec *p, int out_fd)
{
	sigset_t none;
	int fd;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A daemon leaves our session: a ^C of ours is not for it. */
	if (p->daemon)
		setsid();
	if (p->daemon || p->quiet) {
		if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
			_exit(127);
		dup2(fd, STDIN_FILENO);
		if (p->quiet) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
	}
	if (out_fd != -1)
		dup2(out_fd, STDOUT_FILENO);
	if (p->err_fd != -1)
		dup2(p->err_fd, STDERR_FILENO);
	if (p->netns != NULL) {
		char path[256];

		snprintf(path, sizeof(path), "/run/netns/%s", p->netns);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    setns(fd, CLONE_NEWNET) == -1) {
			fprintf(stderr, "vanlab: cannot enter namespace %s: %s\n",
			    p->netns, strerror(errno));
			_exit(127);
		}
		close(fd);
	}
	execvp(p->argv[0], p->argv);
	fprintf(stderr, "vanlab: cannot run %s: %s\n", p->argv[0], strerror(errno));
	_exit(127);
}

static pid_t
spawn(const struct proc_spec *p, int out_fd)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "vanlab: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(p, out_fd);
	return pid;
}

pid_t
proc_spawn(const struct proc_spec *p)
{
	return spawn(p, p->out_fd);
}

bool
proc_ended(pid_t pid, int *status)
{
	int st = 0;
	pid_t r;

	while ((r = waitpid(pid, &st, WNOHANG)) == -1 && errno == EINTR)
		;
	if (r == pid || (r == -1 && errno == ECHILD)) {
		if (status != NULL)
			*status = st;
		return true;
	}
	return false;
}

bool
proc_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	if (proc_ended(pid, NULL) && kill(pid, 0) == -1)
		return true;
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
}

bool
proc_wait_gone(pid_t pid, int timeout_ms)
{
	long long deadline = proc_now_ms() + timeout_ms;

	while (!proc_gone(pid) && proc_now_ms() < deadline)
		proc_sleep_ms(5);
	return proc_gone(pid);
}

int
proc_wait(pid_t pid, int timeout_ms, int *status)
{
	long long deadline = proc_now_ms() + timeout_ms;
	int nap = 1;

	for (;;) {
		if (proc_ended(pid, status))
			return 0;
		if (proc_interrupted || proc_now_ms() >= deadline)
			break;
		proc_sleep_ms(nap);
		if (nap < 20)
			nap *= 2;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	return -1;
}

static int
finish(const struct proc_spec *p, pid_t pid, int timeout_ms)
{
	char cmd[512], st[32];
	int status = 0;

	if (pid == -1)
		return -1;
	proc_argv_str(p->argv, cmd, sizeof(cmd));
	if (proc_wait(pid, timeout_ms, &status) == -1) {
		if (!p->quiet)
			fprintf(stderr, "vanlab: %s: %s after %d ms\n", cmd,
			    proc_interrupted ? "interrupted" : "no answer", timeout_ms);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!p->quiet) {
		proc_status_str(status, st, sizeof(st));
		fprintf(stderr, "vanlab: %s%s%s: %s\n", cmd, p->netns ? " (in " : "",
		    p->netns ? p->netns : "", st);
	}
	return -1;
}

int
proc_run(const struct proc_spec *p, int timeout_ms)
{
	return finish(p, proc_spawn(p), timeout_ms);
}

int
proc_capture(const struct proc_spec *p, int timeout_ms, char *buf, size_t cap)
{
	long long deadline = proc_now_ms() + timeout_ms;
	size_t len = 0;
	pid_t pid;
	int fds[2], rc;

	buf[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) == -1) {
		fprintf(stderr, "vanlab: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = spawn(p, fds[1]);
	close(fds[1]);
	if (pid == -1) {
		close(fds[0]);
		return -1;
	}
	/* Read to EOF or the deadline; what does not fit is read and dropped. */
	for (;;) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		long long left = deadline - proc_now_ms();
		char sink[4096];
		ssize_t n;

		if (left <= 0 || proc_interrupted)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (len + 1 < cap)
			n = read(fds[0], buf + len, cap - 1 - len);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < cap)
			len += (size_t)n;
	}
	close(fds[0]);
	buf[len] = '\0';
	rc = finish(p, pid, (int)(deadline > proc_now_ms() ? deadline - proc_now_ms() : 1));
	return rc;
}
