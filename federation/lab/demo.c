/*
 * demo.c — see demo.h.  Only chains testbed.c and report.c; the text it
 * prints with --keep names real commands of this lab.  A lab with a qemu
 * VM also shows a real live migration: the first such VM moves to a host
 * of another site its VAN reaches (else another host of its site), and
 * the report runs again.
 */
#include "federation/lab/demo.h"

#include <stdio.h>

#include "federation/lab/lab.h"
#include "federation/lab/proc.h"
#include "federation/lab/report.h"
#include "federation/lab/testbed.h"

/* The first qemu VM's live migration; 0 when there is none to do. */
static int
demo_migrate(const struct lab *lab, const char *prefix)
{
	struct testbed_move mv;
	unsigned v, h, from, best = LAB_HOST_MAX;

	for (v = 0; v < lab->nvms && lab->vm[v].kind != LAB_VM_QEMU; v++)
		;
	if (v == lab->nvms)
		return 0;
	from = lab->vm[v].host;
	for (h = 0; h < lab->nhosts; h++) {
		if (h == from || !lab_van_reaches(lab, lab->vm[v].van,
		    lab->host[from].site, lab->host[h].site))
			continue;
		if (best == LAB_HOST_MAX || (lab->host[h].site != lab->host[from].site &&
		    lab->host[best].site == lab->host[from].site))
			best = h;
	}
	if (best == LAB_HOST_MAX)
		return 0;
	printf("vanlab demo: live migration of qemu VM %s from host %s to host %s\n",
	    lab->vm[v].name, lab->host[from].name, lab->host[best].name);
	fflush(stdout);
	mv.vm = lab->vm[v].name;
	mv.host = lab->host[best].name;
	if (testbed_migrate(prefix, &mv, 1, false, false) == -1)
		return -1;
	printf("\n");
	fflush(stdout);
	return report_run(prefix);
}

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
	if (rc == 0 && !proc_interrupted && demo_migrate(lab, prefix) == -1)
		rc = 1;
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
