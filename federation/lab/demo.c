/*
 * demo.c — see demo.h.  Only chains testbed.c and report.c; the text it
 * prints with --keep names real commands of this lab.
 */
#include "federation/lab/demo.h"

#include <stdio.h>

#include "federation/lab/lab.h"
#include "federation/lab/proc.h"
#include "federation/lab/report.h"
#include "federation/lab/testbed.h"

int
demo_run(const struct lab *lab, const char *prefix, bool keep, const char *self)
{
	char vm_ns[LAB_NS_MAX];
	int rc;

	if (testbed_up(lab, prefix) == -1)
		return 1;
	printf("\n");
	fflush(stdout);
	rc = report_run(prefix) == 0 ? 0 : 1;
	printf("\n");
	if (keep && !proc_interrupted) {
		lab_ns_vm(lab, prefix, 0, vm_ns);
		printf("The lab stays up (prefix %s).  Try:\n"
		    "  ip netns exec %s bash              a shell in VM %s\n"
		    "  %s exec --prefix %s %s -- ping -c3 %s\n"
		    "  %s ctl --prefix %s %s -- show fdb\n"
		    "  %s migrate --prefix %s %s %s\n"
		    "  %s report --prefix %s\n"
		    "  %s status --prefix %s\n"
		    "Tear it down with:\n  %s down --prefix %s\n",
		    prefix, vm_ns, lab->vm[0].name, self, prefix,
		    lab->vm[0].name, lab->nvms > 1 ? lab_ip_str(lab->vm[1].ip,
		    (char[16]){ 0 }) : "127.0.0.1", self, prefix,
		    lab->host[0].name, self, prefix, lab->vm[0].name,
		    lab->host[lab->nhosts > 1 ? 1 : 0].name, self, prefix, self,
		    prefix, self, prefix);
	} else {
		proc_interrupted = 0;	/* the teardown runs to its end */
		if (testbed_down(prefix, true) == -1)
			rc = 1;
	}
	return rc;
}
