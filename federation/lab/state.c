/*
 * state.c — see state.h.  Files are replaced by rename, so a reader never
 * sees half of one.
 */
#include "federation/lab/state.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "crypto/keyfile.h"

static int
lock(struct state *st)
{
	if ((st->lock_fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while (flock(st->lock_fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			close(st->lock_fd);
			st->lock_fd = -1;
			return -1;
		}
	}
	return 0;
}

static void
state_init(struct state *st, const char *prefix)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	snprintf(st->prefix, sizeof(st->prefix), "%s", prefix);
	snprintf(st->dir, sizeof(st->dir), STATE_ROOT "/%s", prefix);
}

static void
up_already(const char *prefix, const char *dir)
{
	fprintf(stderr, "vanlab: a lab with prefix '%s' is up (%s); "
	    "`vanlab down --prefix %s` first\n", prefix, dir, prefix);
}

bool
state_exists(const char *prefix)
{
	struct state st;
	struct stat sb;

	state_init(&st, prefix);
	if (stat(st.dir, &sb) == -1)
		return false;
	up_already(prefix, st.dir);
	return true;
}

int
state_create(struct state *st, const char *prefix)
{
	state_init(st, prefix);
	if (mkdir(STATE_ROOT, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "vanlab: mkdir %s: %s\n", STATE_ROOT, strerror(errno));
		return -1;
	}
	if (mkdir(st->dir, 0700) == -1) {
		if (errno == EEXIST)
			up_already(prefix, st->dir);
		else
			fprintf(stderr, "vanlab: mkdir %s: %s\n", st->dir, strerror(errno));
		return -1;
	}
	if (lock(st) == -1) {
		fprintf(stderr, "vanlab: lock %s: %s\n", st->dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
state_open(struct state *st, const char *prefix, bool want_lock)
{
	struct stat sb;

	state_init(st, prefix);
	if (stat(st->dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		errno = ENOENT;
		return -1;
	}
	if (want_lock && lock(st) == -1)
		return -1;
	/* A `down` that held the lock before us removed it. */
	if (stat(st->dir, &sb) == -1) {
		state_close(st);
		errno = ENOENT;
		return -1;
	}
	return 0;
}

void
state_close(struct state *st)
{
	if (st->lock_fd != -1)
		close(st->lock_fd);
	st->lock_fd = -1;
}

static int
rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) == -1 && errno != ENOENT) {
		fprintf(stderr, "vanlab: remove %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
state_remove(struct state *st)
{
	/* FTW_PHYS: never follow a link out of our directory. */
	if (nftw(st->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

void
state_path(const struct state *st, const char *name, char out[static 256])
{
	snprintf(out, 256, "%s/%s", st->dir, name);
}

void
state_host_path(const struct state *st, const struct lab *lab, unsigned h,
    const char *file, char out[static 256])
{
	snprintf(out, 256, "%s/%s-%s%s%s", st->dir, lab->site[lab->host[h].site].name,
	    lab->host[h].name, file ? "/" : "", file ? file : "");
}

/* Write through f into path.tmp, then rename over path. */
static int
replace_file(const char *path, void (*write_cb)(FILE *, const void *, unsigned,
    const void *), const void *a, unsigned n, const void *b)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	write_cb(f, a, n, b);
	if (ferror(f) | fclose(f) || rename(tmp, path) == -1) {
		fprintf(stderr, "vanlab: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
write_lab(FILE *f, const void *lab, unsigned n, const void *unused)
{
	(void)n;
	(void)unused;
	fprintf(f, "# The running lab, written by vanlab: VMs are where they run now.\n");
	lab_print(f, lab);
}

int
state_save_lab(const struct state *st, const struct lab *lab)
{
	char path[256];

	state_path(st, "topology.conf", path);
	return replace_file(path, write_lab, lab, 0, NULL);
}

struct lab *
state_load_lab(const struct state *st, char err[static LAB_ERR_MAX])
{
	char path[256];

	state_path(st, "topology.conf", path);
	return lab_load(path, err);
}

struct lab *
state_open_lab(struct state *st, const char *prefix)
{
	char err[LAB_ERR_MAX];
	struct lab *lab;

	if (state_open(st, prefix, false) == -1) {
		fprintf(stderr, "vanlab: no lab with prefix '%s' is up (%s/%s)\n",
		    prefix, STATE_ROOT, prefix);
		return NULL;
	}
	if ((lab = state_load_lab(st, err)) == NULL)
		fprintf(stderr, "vanlab: %s\n", err);
	return lab;
}

void
state_site_key_path(const char *prefix, const struct lab *lab, unsigned s,
    char out[static 256])
{
	if (lab_federated(lab))
		snprintf(out, 256, STATE_ROOT "/%s/site-%s.key", prefix, lab->site[s].name);
	else
		snprintf(out, 256, STATE_ROOT "/%s/site.key", prefix);
}

/* src NULL: a new key (clamp: a private key, else a preshared one). */
static int
write_key(const char *path, const char *src, bool clamp, char *pub)
{
	char text[WG_KEY_B64_LEN + 2], err[512];
	struct wg_key key, pk;
	size_t len;
	int fd, rc = -1;

	if (src != NULL && keyfile_read(src, &key, err, sizeof(err)) == -1) {
		fprintf(stderr, "vanlab: %s\n", err);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		sodium_memzero(&key, sizeof(key));
		return -1;
	}
	/* The umask may only have taken bits away: make it exactly 0600. */
	if (fchmod(fd, 0600) == -1) {
		fprintf(stderr, "vanlab: chmod %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (src != NULL)
		;
	else if (clamp)
		key_generate(&key, &wg_rng_default);	/* wg genkey */
	else
		randombytes_buf(key.b, sizeof(key.b));	/* wg genpsk */
	if (pub != NULL) {
		if (key_public(&pk, &key) == -1) {
			fprintf(stderr, "vanlab: %s: no public key\n", path);
			goto out;
		}
		key_to_base64(pub, &pk);
	}
	key_to_base64(text, &key);
	len = strlen(text);
	text[len++] = '\n';
	if (write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "vanlab: cannot write %s\n", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(&key, sizeof(key));
	sodium_memzero(text, sizeof(text));
	if (close(fd) == -1 && rc == 0) {
		fprintf(stderr, "vanlab: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

int
state_write_key(const char *path, bool clamp, char *pub)
{
	return write_key(path, NULL, clamp, pub);
}

int
state_copy_key(const char *path, const char *src, char *pub)
{
	return write_key(path, src, true, pub);
}

int
state_copy_file(const char *path, const char *src)
{
	char buf[4096];
	FILE *in, *out;
	size_t n;
	int rc = 0;

	if ((in = fopen(src, "re")) == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", src, strerror(errno));
		return -1;
	}
	if ((out = fopen(path, "we")) == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (ferror(out) | fclose(out))
		rc = -1;
	if (rc == -1)
		fprintf(stderr, "vanlab: cannot copy %s to %s\n", src, path);
	return rc;
}

int
state_save_site_key(const struct state *st, const struct lab *lab, unsigned s)
{
	char path[256];

	state_site_key_path(st->prefix, lab, s, path);
	return state_write_key(path, false, NULL);
}

struct edge_paths {
	const char	*control;
	const char	*keyfile;
};

static void
write_edge(FILE *f, const void *lab, unsigned h, const void *paths)
{
	const struct edge_paths *p = paths;

	lab_edge_conf(f, lab, h, p->control, p->keyfile);
}

int
state_save_edge_conf(const struct state *st, const struct lab *lab, unsigned h)
{
	char dir[256], path[256], sock[256], key[256];
	struct edge_paths p = { sock, key };

	state_host_path(st, lab, h, NULL, dir);
	state_host_path(st, lab, h, "edge.conf", path);
	state_host_path(st, lab, h, "edge.sock", sock);
	state_site_key_path(st->prefix, lab, lab->host[h].site, key);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "vanlab: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return replace_file(path, write_edge, lab, h, &p);
}

void
state_gw_path(const struct state *st, const struct lab *lab, unsigned s, unsigned g,
    const char *file, char out[static 256])
{
	snprintf(out, 256, "%s/%s-gw%s%s%s", st->dir, lab->site[s].name,
	    g == 0 ? "" : "2", file ? "/" : "", file ? file : "");
}

void
state_proxy_path(const struct state *st, const struct lab *lab, unsigned s,
    const char *file, char out[static 256])
{
	state_gw_path(st, lab, s, 0, file, out);
}

struct proxy_args {
	const struct lab_proxy_files *files;
	const char *const *pub;
	const char *const *psk;
	bool peering;
};

static void
write_proxy(FILE *f, const void *lab, unsigned s, const void *args)
{
	const struct proxy_args *p = args;

	if (p->peering)
		lab_peering_conf(f, lab, s, p->pub, p->psk);
	else
		lab_proxy_conf(f, lab, s, p->files);
}

/*
 * Gateway g's files.  The two of a pair differ in their control socket,
 * drain file and `wg` name only (both share /var/run/wireguard/): the same key file (the
 * site's one key, in SITE-gw/), the same peering file (a copy beside each
 * proxy.conf, which includes it by name).
 */
static int
save_gw_conf(const struct state *st, const struct lab *lab, unsigned s, unsigned g,
    const char *const *pub, const char *const *psk)
{
	char dir[256], path[256], sock[256], key[256], site_key[256], drain[256];
	char wg[LAB_WG_NAME_MAX];
	struct lab_proxy_files files = { sock, key, site_key, wg, "peering.conf", NULL,
	    drain };
	struct proxy_args args = { &files, pub, psk, false };

	state_gw_path(st, lab, s, g, NULL, dir);
	state_gw_path(st, lab, s, g, "proxy.sock", sock);
	state_gw_path(st, lab, s, g, "drain", drain);
	state_gw_path(st, lab, s, 0, "proxy.key", key);
	state_site_key_path(st->prefix, lab, s, site_key);
	lab_gw_wg_name(lab, st->prefix, s, g, wg);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "vanlab: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	state_gw_path(st, lab, s, g, "peering.conf", path);
	if (lab->plan[0] != '\0') {
		/* vanplan's files, beside proxy.conf (it @includes them). */
		char plan[8192], src[8192 + 64];

		lab_path(lab, lab->plan, plan);
		snprintf(src, sizeof(src), "%s/%s/peering.conf", plan, lab->site[s].name);
		if (state_copy_file(path, src) == -1)
			return -1;
		snprintf(src, sizeof(src), "%s/%s/vans.conf", plan, lab->site[s].name);
		state_gw_path(st, lab, s, g, "vans.conf", path);
		if (state_copy_file(path, src) == -1)
			return -1;
		files.vans = "vans.conf";
	} else {
		args.peering = true;
		if (replace_file(path, write_proxy, lab, s, &args) == -1)
			return -1;
	}
	state_gw_path(st, lab, s, g, "proxy.conf", path);
	args.peering = false;
	return replace_file(path, write_proxy, lab, s, &args);
}

int
state_save_proxy_conf(const struct state *st, const struct lab *lab, unsigned s,
    const char *const *pub, const char *const *psk)
{
	unsigned g;

	for (g = 0; g < lab_gateways(lab, s); g++)
		if (save_gw_conf(st, lab, s, g, pub, psk) == -1)
			return -1;
	return 0;
}

int
state_note_netns(const struct state *st, const char *name)
{
	char path[256];
	FILE *f;

	state_path(st, "netns", path);
	if ((f = fopen(path, "ae")) == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", name);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "vanlab: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

int
state_netns(const struct state *st, char (*names)[LAB_NS_MAX], int max)
{
	char path[256], line[LAB_NS_MAX + 2];
	FILE *f;
	int n = 0;

	state_path(st, "netns", path);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		/* Only names vanlab would make: PREFIX-... */
		if (strncmp(line, st->prefix, strlen(st->prefix)) != 0 ||
		    line[strlen(st->prefix)] != '-')
			continue;
		if (strlen(line) >= LAB_NS_MAX)
			continue;
		memcpy(names[n++], line, strlen(line) + 1);
	}
	fclose(f);
	return n;
}

int
state_write_pid(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "we");

	if (f == NULL) {
		fprintf(stderr, "vanlab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)pid);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "vanlab: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

pid_t
state_read_pid(const char *path)
{
	FILE *f = fopen(path, "re");
	long pid = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}
