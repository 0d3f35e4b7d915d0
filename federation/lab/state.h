/*
 * state.h — what a running lab keeps on disk, under /run/vanlab/PREFIX/:
 *
 *   topology.conf      the normalised topology, VMs where they run now
 *   netns              the namespaces created, one a line, each written
 *                      before it is created (so `down` finds a partial up)
 *   site.key           the site key, mode 0600, when the topology wants one
 *                      (several sites: site-SITE.key, one per site)
 *   SITE-HOST/         per host: edge.conf, edge.log, edge.pid, edge.sock
 *   SITE-gw/           several sites, per site's proxy: proxy.key (0600),
 *                      proxy.conf, peering.conf, proxy.log, proxy.pid,
 *                      proxy.sock, wg.name (its `wg` name: the UAPI socket
 *                      /var/run/wireguard/NAME.sock is removed at down)
 *   SITE-gw2/          a pair's second gateway (`proxy = { ha = true; }`):
 *                      proxy.conf (the same but for its control socket
 *                      and `wg` name; its key is SITE-gw/proxy.key),
 *                      peering.conf, proxy.log, proxy.pid, proxy.sock,
 *                      wg.name.  In both of a pair's directories
 *                      keepalived's files too (ha.h)
 *   psk-A-B.key        a peering's preshared key, when it wants one
 *   NAME.qemu/         per qemu VM: qemu.pid, qmp.sock, agentK.sock, its
 *                      console (qemu.h); NAME.qemu.inT/ during a migration
 *
 * Commands that change a lab hold an exclusive lock (flock) on the
 * directory, so a `down` cannot race a `migrate`.
 */
#ifndef FEDERATION_LAB_STATE_H
#define FEDERATION_LAB_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "federation/lab/lab.h"

#define STATE_ROOT	"/run/vanlab"
#define STATE_NETNS_MAX	(LAB_HOST_MAX + LAB_VM_MAX + 3 * LAB_SITE_MAX + 8)

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

/* DIR/site.key (several sites: DIR/site-SITE.key): the key of site s,
 * which its hosts' vanedge and its vanproxy read. */
void	state_site_key_path(const char *prefix, const struct lab *, unsigned s,
	    char out[static 256]);
/* A new random key in WireGuard's base64 at path, mode 0600; the file must
 * not exist yet.  clamp: a private key (`wg genkey`), its public key in pub
 * (WG_KEY_B64_LEN + 1 bytes) unless NULL; else 32 random bytes (`wg
 * genpsk`).  0 or -1 (reported). */
int	state_write_key(const char *path, bool clamp, char *pub);
/* The same with the key of file src (mode 0600, as vanproxy wants it). */
int	state_copy_key(const char *path, const char *src, char *pub);
/* Copy a text file (a plan's peering.conf, vans.conf). */
int	state_copy_file(const char *path, const char *src);
/* A new random site key for site s (state_site_key_path).  0 or -1. */
int	state_save_site_key(const struct state *, const struct lab *, unsigned s);

int	state_save_lab(const struct state *, const struct lab *);
struct lab *state_load_lab(const struct state *, char err[static LAB_ERR_MAX]);
/* The running lab of this prefix for a command that only reads it
 * (unlocked): *st opened and its model, or NULL (reported: none is up, or
 * its topology.conf does not load). */
struct lab *state_open_lab(struct state *, const char *prefix);
/* Write the vanedge configuration of host h. */
int	state_save_edge_conf(const struct state *, const struct lab *, unsigned h);

/* DIR/SITE-gw/FILE (file NULL: the directory) */
void	state_proxy_path(const struct state *, const struct lab *, unsigned s,
	    const char *file, char out[static 256]);
/* Gateway g's: DIR/SITE-gw/FILE, the second of a pair DIR/SITE-gw2/FILE. */
void	state_gw_path(const struct state *, const struct lab *, unsigned s,
	    unsigned g, const char *file, char out[static 256]);
/* Write site s's proxy.conf and peering.conf (and make SITE-gw/; of a
 * pair SITE-gw2/ too): pub[k] is site k's public key, psk[p] peering p's
 * preshared key file. */
int	state_save_proxy_conf(const struct state *, const struct lab *, unsigned s,
	    const char *const *pub, const char *const *psk);

int	state_note_netns(const struct state *, const char *name);
/* The namespaces noted, in order; count. */
int	state_netns(const struct state *, char (*names)[LAB_NS_MAX], int max);

int	state_write_pid(const char *path, pid_t);
pid_t	state_read_pid(const char *path);

#endif /* FEDERATION_LAB_STATE_H */
