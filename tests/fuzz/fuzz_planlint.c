/*
 * fuzz_planlint.c — libFuzzer harness for `vanplan lint`'s reader and
 * checks (federation/plan/planlint.c over vanproxy's peering reader): the
 * input is up to three sites' peering.conf and vans.conf, separated by
 * lines "%%" (a/peering.conf, a/vans.conf, b/peering.conf, ...).  Lint
 * runs on the directory of the sites' directories.
 *
 * Invariants: every fault is one line "FILE:LINE: message" or "FILE:
 * message" naming one of the files lint was given or found (a site's
 * peering.conf or vans.conf, or the directory); as many lines as lint
 * counts faults, then "lint: N faults"; a set with no fault gets its
 * verdict on out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation/plan/planlint.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const site[] = { "a", "b", "c" };

/* The line names one of our files (or the directory) with a line or none. */
static bool
fault_ok(const char *line, const char *sites)
{
	char want[640];
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *f[] = { "peering.conf", "vans.conf" };
		size_t k;

		for (k = 0; k < 2; k++) {
			snprintf(want, sizeof(want), "%s/%s/%s:", sites, site[i], f[k]);
			if (strncmp(line, want, strlen(want)) == 0)
				return true;
		}
	}
	snprintf(want, sizeof(want), "%s:", sites);
	return strncmp(line, want, strlen(want)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[FZ_PARTS_MAX];
	char sites[512], name[64], file[640], *faults = NULL, *verdict = NULL, *p, *nl;
	const char *colon;
	const char *dirs[1] = { sites };
	size_t len[FZ_PARTS_MAX], flen = 0, vlen = 0;
	FILE *ferr, *fout;
	unsigned n, i, lines = 0;
	int faulty;

	log_set_level(LOG_LVL_ERR);
	n = fz_split(data, size, part, len, 6);
	snprintf(sites, sizeof(sites), "%s/sites", fz_dir());
	fz_rmtree(sites);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "sites/%s/%s", site[i / 2],
		    i % 2 ? "vans.conf" : "peering.conf");
		fz_put(name, part[i], len[i]);
	}
	if ((ferr = open_memstream(&faults, &flen)) == NULL ||
	    (fout = open_memstream(&verdict, &vlen)) == NULL)
		abort();
	faulty = planlint_run(NULL, dirs, 1, fout, ferr);
	fclose(ferr);
	fclose(fout);
	for (p = faults; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			abort();	/* every fault ends its line */
		*nl = '\0';
		/* The count, last: "lint: N fault(s)". */
		if (nl[1] == '\0' && faulty > 0) {
			snprintf(name, sizeof(name), "lint: %d fault%s", faulty,
			    faulty == 1 ? "" : "s");
			if (strcmp(p, name) != 0)
				abort();
			break;
		}
		if (!fault_ok(p, sites)) {
			fprintf(stderr, "not FILE:LINE: message: '%s'\n", p);
			abort();
		}
		colon = strchr(p + strlen(sites), ':');
		snprintf(file, sizeof(file), "%.*s", (int)(colon - p), p);
		fz_check_err(file, p);
		lines++;
	}
	if (faulty < 0 || (unsigned)faulty != lines || (faulty == 0 && vlen == 0))
		abort();
	free(faults);
	free(verdict);
	return 0;
}
