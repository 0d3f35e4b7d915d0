/*
 * state.h — what a running lab keeps on disk, under /run/vanlab/PREFIX/:
 *
 *   topology.conf      the normalised topology, VMs where they run now
 *   netns              the namespaces created, one a line, each written
 *                      before it is created (so `down` finds a partial up)
 *   site.key           the site key, mode 0600, when the topology wants one
 *   SITE-HOST/         per host: edge.conf, edge.log, edge.pid, edge.sock
 *
 * Commands that change a lab hold an exclusive lock (flock) on the
 * directory, so a `down` cannot race a `migrate`.
 */
#ifndef FEDERATION_STATE_H
#define FEDERATION_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "federation/lab.h"

#define STATE_ROOT	"/run/vanlab"
#define STATE_NETNS_MAX	(LAB_HOST_MAX + LAB_VM_MAX + LAB_SITE_MAX + 8)

struct state {
	char		prefix[LAB_PREFIX_MAX];
	char		dir[64];
	int		lock_fd;
};

/* Is a lab with this prefix up (or half up)? */
bool	state_exists(const char *prefix);
/* A new lab: -1 (reported) if one with this prefix exists. */
int	state_create(struct state *, const char *prefix);
/* An existing lab, locked when `lock`: -1 with errno ENOENT if none. */
int	state_open(struct state *, const char *prefix, bool lock);
void	state_close(struct state *);
/* Remove the directory and all in it. */
int	state_remove(struct state *);

/* DIR/NAME */
void	state_path(const struct state *, const char *name, char out[static 256]);
/* DIR/SITE-HOST/FILE (file NULL: the directory) */
void	state_host_path(const struct state *, const struct lab *, unsigned h,
	    const char *file, char out[static 256]);

/* DIR/site.key: every host's vanedge reads the site key from there. */
void	state_site_key_path(const char *prefix, char out[static 256]);
/* A new random site key (32 bytes, WireGuard's base64) in DIR/site.key,
 * mode 0600; the file must not exist yet.  0 or -1 (reported). */
int	state_save_site_key(const struct state *);

int	state_save_lab(const struct state *, const struct lab *);
struct lab *state_load_lab(const struct state *, char err[static LAB_ERR_MAX]);
/* Write the vanedge configuration of host h. */
int	state_save_edge_conf(const struct state *, const struct lab *, unsigned h);

int	state_note_netns(const struct state *, const char *name);
/* The namespaces noted, in order; count. */
int	state_netns(const struct state *, char (*names)[LAB_NS_MAX], int max);

int	state_write_pid(const char *path, pid_t);
pid_t	state_read_pid(const char *path);

#endif /* FEDERATION_STATE_H */
