/*
 * qemu.h — the real guests of a lab (`kind = "qemu"`): a QEMU per VM,
 * run in its host's namespace, its NIC a virtio-net on a tap QEMU creates
 * and owns (PREFIX's host namespace, t-NAME: it goes when QEMU ends),
 * which vanlab sets up and attaches to the host's vanedge as a device
 * port (`vanctl attach VAN --device t-NAME MAC`); the guest is the kernel
 * and initramfs of `make guest` (federation/lab/guest/).  Per VM a
 * directory of the lab's state, DIR/NAME.qemu/ (NAME.qemu.inT/ for the
 * destination of a migration until it is over, T a time):
 *
 *   qemu.pid       QEMU's pid
 *   qmp.sock       its QMP socket
 *   agentK.sock    the guest agent's ports (agent.h), agentK.lock
 *   console.log    the guest's serial console, QEMU's own messages
 *
 * QMP here is what vanlab needs: the greeting, capabilities, a command and
 * its answer (events in between are skipped).
 */
#ifndef FEDERATION_LAB_QEMU_H
#define FEDERATION_LAB_QEMU_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "federation/lab/lab.h"
#include "federation/lab/state.h"

#define QEMU_MEM_MB	160
#define QEMU_TAP_MS	10000	/* QEMU's tap to appear */
#define QEMU_BOOT_MS	90000	/* the agent to answer (TCG on a busy machine) */
#define QEMU_STOP_MS	5000	/* quit or SIGTERM to gone; then SIGKILL */
#define QEMU_QMP_MS	10000	/* one QMP command */

/* DIR/NAME.qemu */
void	qemu_dir(const struct state *, const struct lab *, unsigned v,
	    char out[static 256]);
/*
 * Start VM v's QEMU on host h (in its namespace), in dir; incoming: a
 * migration destination (`-incoming URI`).  Its pid, or -1 (reported).
 */
pid_t	qemu_start(const struct state *, const struct lab *, unsigned v, unsigned h,
	    const char *dir, const char *incoming);
/* Wait for QEMU's tap on host h, give it the VMs' MTU, set it up and
 * attach it to h's vanedge as a device port of the VM's VAN (in h's
 * site's ID) with the VM's MAC (without: the edge learns it from the
 * first frame).  0 or -1 (reported). */
int	qemu_plug(const struct state *, const struct lab *, unsigned v, unsigned h,
	    pid_t pid, bool with_mac);
/* The guest's agent answers (`true` runs): 0, or -1 after timeout_ms. */
int	qemu_wait_agent(const char *dir, pid_t pid, int timeout_ms);
/* The QEMU of dir if it runs (its pid file, checked in /proc), else -1. */
pid_t	qemu_pid(const char *dir);
/* Stop the QEMU of dir (SIGTERM, then SIGKILL) and wait until it is gone:
 * 0 when none runs. */
int	qemu_stop_dir(const char *dir);
/* The tail of its console on stderr (after a failure). */
void	qemu_log_tail(const char *dir, const char *who);

/* A QMP session: the socket connected and past capabilities, or -1. */
int	qmp_open(const char *dir, int timeout_ms);
/* Run one command (args NULL or an object, stolen): its "return", or NULL
 * (an error or no answer; reported unless quiet). */
json_t	*qmp_cmd(int fd, const char *cmd, json_t *args, int timeout_ms, bool quiet);

#endif /* FEDERATION_LAB_QEMU_H */
