/*
 * harness.h — what several libFuzzer harnesses share (tests/fuzz/): a
 * scratch directory for the parsers that read files, the split of one
 * input into several texts, and the bridge's bookkeeping invariants.
 * Linked into every harness (FUZZ_LIB_SRCS); any broken invariant aborts,
 * which libFuzzer reports as a crash with its input.
 */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct bridge;
struct bridge_out;

#define FZ_PARTS_MAX	6

/*
 * A scratch directory made at the first call, removed at exit: it holds
 * proxy.key, psk.key, site.key and site2.key (0600, fixed keys).  Not the
 * working directory: libFuzzer reads its corpus by relative names.
 */
const char *fz_dir(void);
/*
 * Write text (size bytes) to the file name in fz_dir() ("DIR/FILE": in a
 * directory of its own there, made if need be) and return its path.
 * "%K" becomes fz_dir(), so that a configuration names the key files
 * ("%K/site.key") wherever the directory is.  Every '@' becomes a space: an @include of an arbitrary file (a device, a
 * FIFO) would test the machine, not the parser.  The harness adds its own
 * @include lines where it wants them.
 */
const char *fz_put(const char *name, const uint8_t *text, size_t size);
/* Remove path and everything under it, if it is there. */
void	fz_rmtree(const char *path);
/*
 * Split data at each line "%%" into at most max parts (the last takes the
 * rest, separators and all): part[i], len[i]; returns how many (at least 1).
 */
unsigned fz_split(const uint8_t *data, size_t size, const uint8_t **part,
	    size_t *len, unsigned max);

/*
 * A configuration refused says so in one line, "PATH:LINE: message" or
 * "PATH: message" (edge/rim/setting.h), naming the file read.  With
 * FZ_VERBOSE in the environment it is printed (writing a seed corpus).
 */
void	fz_check_err(const char *path, const char *err);

/*
 * The bridge's bookkeeping agrees with its tables: each VAN's local and
 * remote entry counts, each member's route count and list, each port's
 * list, each member's memberships kept against its counts; no entry of a
 * VAN that is not configured, none through a member or port not in use.
 */
void	fz_check_tables(const struct bridge *);

/* A bridge_out flush that drops what was sent (nothing to deliver it to). */
void	fz_discard(struct bridge_out *, void *);

#endif /* TESTS_FUZZ_HARNESS_H */
