/*
 * fuzz_planconf.c — libFuzzer harness for vanplan's inventory reader
 * (federation/plan/planconf.c, planpair.c) and what vanplan does with an
 * inventory it takes: plan it, check the plan against vanproxy's limits,
 * summarise it, write every site's files, and lint those.
 *
 * Invariants: an inventory refused, or a plan refused (planconf_error),
 * gives one line "FILE:LINE: message" or "FILE: message" naming the
 * inventory; an inventory planned and checked is written without error,
 * and `vanplan lint` of what was written, against the inventory, finds no
 * fault (each site's peering.conf read with vanproxy's reader): what
 * vanplan writes, vanplan and vanproxy take.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation/plan/plan.h"
#include "federation/plan/planconf.h"
#include "federation/plan/planlint.h"
#include "federation/plan/planout.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SETTING_ERR_MAX], path[512], out[512], *faults = NULL;
	const char *dirs[1];
	struct plan_result r;
	struct planconf *pc;
	struct plan_err e;
	size_t flen = 0;
	FILE *null, *ferr;
	int n;

	log_set_level(LOG_LVL_ERR);
	snprintf(path, sizeof(path), "%s", fz_put("inventory.conf", data, size));
	if ((pc = planconf_load(path, err)) == NULL) {
		fz_check_err(path, err);
		return 0;
	}
	if (!plan_run(&pc->in, &r, &e)) {
		planconf_error(pc, &e, err);
		fz_check_err(path, err);
		planconf_free(pc);
		return 0;
	}
	if ((null = fopen("/dev/null", "w")) == NULL)
		abort();
	if (!planout_check(pc, &r, err)) {
		fz_check_err(path, err);
		goto done;
	}
	planout_summary(null, pc, &r);
	planout_json(null, pc, &r);
	planout_dot(null, pc, &r);
	snprintf(out, sizeof(out), "%s/out", fz_dir());
	fz_rmtree(out);		/* the sites of the last input go */
	if (planout_write(pc, &r, out, err, sizeof(err)) == -1) {
		fprintf(stderr, "planout_write: %s\n", err);
		abort();
	}
	dirs[0] = out;
	if ((ferr = open_memstream(&faults, &flen)) == NULL)
		abort();
	n = planlint_run(pc, dirs, 1, null, ferr);
	fclose(ferr);
	if (n != 0) {
		fprintf(stderr, "lint of what vanplan wrote: %d faults\n%s", n, faults);
		abort();
	}
	free(faults);
done:
	fclose(null);
	plan_result_free(&r);
	planconf_free(pc);
	return 0;
}
