/*
 * proc.h — vanlab's child processes: fork and exec an argv (never a
 * shell), optionally inside a network namespace, and wait for it with a
 * deadline.  Every exit status is checked by the caller or here.
 *
 * An interrupt (SIGINT, SIGTERM to vanlab) sets proc_interrupted; every
 * wait here gives up when it is set, so a long `up` can be stopped and
 * cleaned up.
 */
#ifndef FEDERATION_LAB_PROC_H
#define FEDERATION_LAB_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_CAPTURE_MAX	(1 << 20)	/* what proc_capture keeps */

extern volatile sig_atomic_t proc_interrupted;

struct proc_spec {
	char *const	*argv;
	const char	*netns;		/* enter /run/netns/NAME first, or NULL */
	int		out_fd;		/* stdout; -1: inherit */
	int		err_fd;		/* stderr; -1: inherit */
	bool		quiet;		/* stdout and stderr to /dev/null */
	bool		daemon;		/* own session, stdin /dev/null */
};

/* SIGINT/SIGTERM set proc_interrupted (no SA_RESTART: waits wake up). */
void	proc_signals(void);

/* Start a child; its pid, or -1 (reported).  If the exec fails the child
 * says why on stderr and exits 127. */
pid_t	proc_spawn(const struct proc_spec *);
/* Wait up to timeout_ms: 0 and *status when it ended; -1 on timeout or
 * interrupt, after killing and reaping it. */
int	proc_wait(pid_t, int timeout_ms, int *status);
/* Has it ended (reaped then)?  For children that should keep running. */
bool	proc_ended(pid_t, int *status);
/* Gone: reaped (our child), or no such process, or a zombie of another. */
bool	proc_gone(pid_t);
/* Wait up to timeout_ms until it is gone; whether it is. */
bool	proc_wait_gone(pid_t, int timeout_ms);

/* Run to the end: 0 if it exited 0; otherwise -1, and unless quiet a
 * message "vanlab: CMD: exit N" (the command's own stderr comes first). */
int	proc_run(const struct proc_spec *, int timeout_ms);
/* Run and keep its stdout (NUL-terminated, at most cap-1 bytes). */
int	proc_capture(const struct proc_spec *, int timeout_ms, char *buf, size_t cap);

/* "ip -n x link ..." for messages. */
void	proc_argv_str(char *const *argv, char *buf, size_t n);
/* A readable exit status: "exit 1", "signal 9". */
void	proc_status_str(int status, char *buf, size_t n);

/* Milliseconds on the monotonic clock, and a short sleep. */
long long proc_now_ms(void);
void	proc_sleep_ms(int ms);

#endif /* FEDERATION_LAB_PROC_H */
