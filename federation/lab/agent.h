/*
 * agent.h — running a command inside a qemu VM of a lab, through the
 * guest's agent (federation/lab/guest/agent.c, which says the protocol):
 * one of AGENT_PORTS virtio-serial ports, each a unix socket of QEMU's in
 * the VM's state directory (qemu.h), taken under a lock so that several
 * commands run at once.  The command's stdout and stderr come out on ours,
 * its exit status is returned; stdin is not forwarded (/dev/null).
 */
#ifndef FEDERATION_LAB_AGENT_H
#define FEDERATION_LAB_AGENT_H

#include <stdbool.h>
#include <sys/types.h>

#define AGENT_PORTS	8	/* commands at once in one guest */
#define AGENT_ARGS_MAX	256

/*
 * Run argv in the guest whose state directory is dir, waiting at most
 * timeout_ms (0: no limit) for a free port and for the command to end.
 * The command's exit status (128 + N: killed by signal N), or -1 when the
 * agent did not answer (reported unless quiet).
 */
int	agent_exec(const char *dir, char *const *argv, int timeout_ms, bool quiet);

/*
 * `vanlab exec --prefix P VM -- argv` as a child of ours (for commands
 * that run many at once: the report's pings); its output to /dev/null when
 * quiet.  Its pid or -1.
 */
pid_t	agent_spawn(const char *prefix, const char *vm, char *const *argv, bool quiet);

#endif /* FEDERATION_LAB_AGENT_H */
