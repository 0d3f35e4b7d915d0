/*
 * check.h — `vanlab check TOPOLOGY`: the topology checked and printed in
 * its normalised form (labfile.c), or the configuration `up` would write
 * for one host's vanedge (--edge HOST) or for one site's proxy (--proxy
 * SITE: its proxy.conf and peering file), with the paths of the state of
 * this prefix.  Brings nothing up.
 */
#ifndef FEDERATION_LAB_CHECK_H
#define FEDERATION_LAB_CHECK_H

struct lab;

/* At most one of edge and proxy; topology: the file, for messages.
 * 0, or 1 (reported). */
int	check_run(const char *prefix, const struct lab *, const char *topology,
	    const char *edge, const char *proxy);

#endif /* FEDERATION_LAB_CHECK_H */
