/*
 * harness.c — see harness.h.
 */
#include "tests/fuzz/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edge/van/bridge.h"
#include "edge/van/bridge_int.h"	/* the core's tests look inside */

static char dir[256];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
fz_rmtree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
rm_dir(void)
{
	if (dir[0] != '\0')
		fz_rmtree(dir);
}

/* A key file of 32 bytes of b, base64 (as `wg genkey` writes), 0600. */
static void
put_key(const char *name, unsigned char b)
{
	char path[512];
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t k[33] = { 0 };
	char text[46];
	unsigned i, o = 0;
	FILE *f;

	memset(k, b, 32);
	for (i = 0; i < 33; i += 3) {
		uint32_t v = (uint32_t)k[i] << 16 | (uint32_t)k[i + 1] << 8 | k[i + 2];

		text[o++] = b64[v >> 18 & 63];
		text[o++] = b64[v >> 12 & 63];
		text[o++] = b64[v >> 6 & 63];
		text[o++] = b64[v & 63];
	}
	text[43] = '=';		/* 32 bytes: 43 characters and one pad */
	text[44] = '\n';
	text[45] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) != 0 ||
	    chmod(path, 0600) != 0)
		abort();
}

const char *
fz_dir(void)
{
	if (dir[0] != '\0')
		return dir;
	/* Under TMPDIR: tests/fuzz/run.sh points it at a directory it removes
	 * (libFuzzer may end without running atexit). */
	snprintf(dir, sizeof(dir), "%s/van-fuzz-files.XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 160 ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(rm_dir);
	put_key("proxy.key", 0x11);
	put_key("psk.key", 0x22);
	put_key("site.key", 0x33);
	put_key("site2.key", 0x44);
	return dir;
}

const char *
fz_put(const char *name, const uint8_t *text, size_t size)
{
	static char path[512];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fz_dir(), name);
	if ((f = fopen(path, "w")) == NULL) {
		char *slash;

		/* A file in directories of its own (a site's, for lint). */
		for (slash = path + strlen(fz_dir()) + 1; (slash = strchr(slash, '/')) != NULL;
		    slash++) {
			*slash = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST)
				abort();
			*slash = '/';
		}
		if ((f = fopen(path, "w")) == NULL)
			abort();
	}
	for (i = 0; i < size; i++) {
		if (text[i] == '%' && i + 1 < size && text[i + 1] == 'K') {
			if (fputs(dir, f) == EOF)
				abort();
			i++;
		} else if (fputc(text[i] == '@' ? ' ' : text[i], f) == EOF)
			abort();
	}
	if (fclose(f) != 0)
		abort();
	return path;
}

unsigned
fz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len,
    unsigned max)
{
	unsigned n = 0;
	size_t start = 0, i;

	for (i = 0; n + 1 < max && i + 4 <= size; i++)
		if (data[i] == '\n' && data[i + 1] == '%' && data[i + 2] == '%' &&
		    data[i + 3] == '\n') {
			part[n] = data + start;
			len[n++] = i + 1 - start;
			start = i + 4;
			i += 3;
		}
	part[n] = data + start;
	len[n++] = size - start;
	return n;
}

void
fz_check_err(const char *path, const char *err)
{
	static int verbose = -1;
	size_t n = strlen(path);
	const char *p = err + n;

	/* FZ_VERBOSE=1: say why, when writing a corpus. */
	if (verbose == -1)
		verbose = getenv("FZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "refused: %s\n", err);
	if (strncmp(err, path, n) != 0 || *p != ':' || strchr(err, '\n') != NULL)
		goto bad;
	p++;
	if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p++ != ':')
			goto bad;
	}
	if (*p != ' ' || p[1] == '\0')
		goto bad;
	return;
bad:
	fprintf(stderr, "not FILE:LINE: message: '%s'\n", err);
	abort();
}

void
fz_check_tables(const struct bridge *b)
{
	uint32_t pos = 0, v, m, p, *local, *remote, *routes, *onport;
	const struct fdb_entry *e;

	local = calloc(b->conf.van_max, sizeof(*local));
	remote = calloc(b->conf.van_max, sizeof(*remote));
	routes = calloc(b->conf.member_max, sizeof(*routes));
	onport = calloc(b->conf.port_max, sizeof(*onport));
	if (local == NULL || remote == NULL || routes == NULL || onport == NULL)
		abort();
	while ((e = fdb_next(&b->fdb, &pos)) != NULL) {
		int vi = bridge_van_find(b, e->van);

		if (vi < 0)
			abort();
		if (e->kind == FDB_LOCAL) {
			if (e->where >= b->conf.port_max || !b->port[e->where].used ||
			    b->port[e->where].van != (uint32_t)vi)
				abort();
			local[vi]++;
			onport[e->where]++;
		} else {
			if (e->where >= b->conf.member_max || !b->member[e->where].used)
				abort();
			remote[vi]++;
			routes[e->where]++;
		}
	}
	for (v = 0; v < b->conf.van_max; v++)
		if (b->van[v].used && (b->van[v].fdb_local != local[v] ||
		    b->van[v].fdb_remote != remote[v]))
			abort();
	for (m = 0; m < b->conf.member_max; m++)
		if (b->member[m].used && (b->member[m].routes != routes[m] ||
		    fdb_list_len(&b->fdb, m) != routes[m]))
			abort();
	for (p = 0; p < b->conf.port_max; p++)
		if (b->port[p].used &&
		    fdb_list_len(&b->fdb, b->conf.member_max + p) != onport[p])
			abort();
	for (m = 0; m < b->conf.member_max; m++) {
		uint32_t k, n = 0;

		if (!b->member[m].used)
			continue;
		for (k = b->member[m].memb_head; k != UINT32_MAX; k = b->memb_node[k].next)
			n++;
		if (n != b->member[m].nmemb || b->member[m].nforeign > n ||
		    b->member[m].van_count != n + b->member[m].over)
			abort();
	}
	free(local);
	free(remote);
	free(routes);
	free(onport);
}

/*
 * libconfig 1.5 (Debian 12) leaks its string buffer when a file ends inside
 * a string or a parse error stops it mid-string (the scanner's strbuf): not
 * ours to fix, and found at once by every harness that parses a file.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

/* ... without a note of it at every leak check. */
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

void
fz_discard(struct bridge_out *o, void *arg)
{
	(void)arg;
	o->n = 0;
	o->arena_used = 0;
}
